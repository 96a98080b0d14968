"""A quick keyword lookup over the same guidance chunks, for citing a known topic without loading
the vector index (which costs ~2 s in a cold process). The offline engine's "Why:" lines use it when
the Chroma index is not loaded yet; questions about concepts always go through search_guidance."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .docs_loader import DOCS_DIR, all_chunks, content_hash
from .index import Passage, first_per_citation

_WORD = re.compile(r"[a-z0-9][a-z0-9\-]+")
_STOP = {"the", "and", "for", "with", "what", "how", "does", "are", "is", "to", "of", "in", "on", "vs", "a"}


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


@lru_cache(maxsize=4)
def _chunks(folder: Path, digest: str):
    return [(c, _words(c.heading) | _words(c.title), _words(c.text)) for c in all_chunks(folder)]


def keyword_search(query: str, k: int = 1, folder: Path = DOCS_DIR) -> list[Passage]:
    q = _words(query)
    scored = []
    for c, head, body in _chunks(folder, content_hash(folder)):
        score = 2 * len(q & head) + len(q & body)
        if score:
            scored.append((score, c))
    scored.sort(key=lambda x: -x[0])
    top = max((s for s, _ in scored), default=1)
    return first_per_citation((Passage(doc_id=c.doc_id, title=c.title, heading=c.heading, text=c.text,
                                       score=round(s / top, 3), path=c.path, chunk_id=c.chunk_id)
                               for s, c in scored), k)
