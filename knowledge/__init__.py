"""Hardware guidance written by us (knowledge/docs), indexed in Chroma, retrieved with citations.

`search_guidance(query, k=4) -> list[Passage]` (doc_id, title, heading, text, score, path; `citation`
gives "knowledge/docs/x.md § Heading"). The index is built on first use and rebuilt when the docs change.
"""

from __future__ import annotations

import threading

from .index import GuidanceIndex, IndexStatus, Passage

__all__ = ["GuidanceIndex", "IndexStatus", "Passage", "build_index", "default_index", "index_loaded",
           "search_guidance"]

_DEFAULT: GuidanceIndex | None = None
_LOCK = threading.Lock()


def default_index() -> GuidanceIndex:
    global _DEFAULT
    with _LOCK:
        if _DEFAULT is None:
            _DEFAULT = GuidanceIndex()
        return _DEFAULT


def build_index(force: bool = False) -> IndexStatus:
    return default_index().ensure(force=force)


def index_loaded() -> bool:
    """Is the vector index already open in this process (so a search costs milliseconds)?"""
    return _DEFAULT is not None and _DEFAULT._collection is not None


def search_guidance(query: str, k: int = 4, lang: str | None = None,
                    min_score: float | None = None) -> list[Passage]:
    """The k passages of our guidance closest to the query, best first, in `lang` ("en"/"zh"; default:
    the query's language), falling back to the other language when none qualify. `score` is the
    cosine similarity of query and passage (0..1); pass min_score=CITE_MIN_SCORE to keep only passages
    relevant enough to cite."""
    return default_index().search(query, k=k, lang=lang, min_score=min_score)
