"""A quick keyword lookup over the same guidance chunks, for citing a known topic without loading
the vector index (which costs ~2 s in a cold process), and the keyword half of the hybrid search.

Words are Latin tokens (ZeRO-3, 4090, QLoRA); a Chinese query is first mapped to the English terms
the docs use (knowledge/zh.py). A Chinese chunk is matched through the English section it translates,
so both languages rank alike; `lang` picks which language's passages come back."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .docs_loader import DOCS_DIR, all_chunks, content_hash
from .index import Passage, first_per_citation
from .zh import expand_query, has_cjk

_WORD = re.compile(r"[a-z0-9][a-z0-9\-]+")
_STOP = {"the", "and", "for", "with", "what", "how", "does", "are", "is", "to", "of", "in", "on", "vs", "a"}


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


@lru_cache(maxsize=4)
def _chunks(folder: Path, digest: str):
    out = []
    for c in all_chunks(folder):
        title = c.parallel.split(". ", 1)[0] if c.parallel else c.title
        out.append((c, _words(c.parallel_heading or c.heading) | _words(title), _words(c.search_text)))
    return out


def keyword_matches(query: str, lang: str, folder: Path = DOCS_DIR) -> list[tuple[float, float, object]]:
    """(score, share of the query's words found, chunk) for each chunk in `lang` that shares a word
    with the query, best first. Heading and title words count twice."""
    q = _words(expand_query(query) if has_cjk(query) else query)
    scored = []
    for c, head, body in _chunks(folder, content_hash(folder)):
        if c.lang != lang:
            continue
        score = 2 * len(q & head) + len(q & body)
        if score:
            scored.append((float(score), len(q & (head | body)) / len(q), c))
    scored.sort(key=lambda x: -x[0])
    return scored


# The least share of a question's words a passage must contain to be cited from the keyword path alone
# (no vector score there): on knowledge/eval, 0.3 keeps a passage for every on-topic question and drops
# 87% of the off-topic ones (bench/retrieval.py prints the table).
KEYWORD_MIN_SHARE = 0.3


def keyword_search(query: str, k: int = 1, folder: Path = DOCS_DIR, lang: str | None = None,
                   min_share: float | None = None) -> list[Passage]:
    """The k chunks sharing the most words with the query (one per cited section); `score` is relative
    to the best (1.0). lang: "en" or "zh"; by default the query's language (Chinese if it has Chinese
    characters). min_share: drop chunks holding less than this share of the query's words
    (KEYWORD_MIN_SHARE for "relevant enough to cite")."""
    lang = lang or ("zh" if has_cjk(query) else "en")
    scored = [m for m in keyword_matches(query, lang, folder) if min_share is None or m[1] >= min_share]
    top = max((s for s, _, _ in scored), default=1)
    return first_per_citation((Passage(doc_id=c.doc_id, title=c.title, heading=c.heading, text=c.text,
                                       score=round(s / top, 3), path=c.path, chunk_id=c.chunk_id, lang=c.lang)
                               for s, _, c in scored), k)
