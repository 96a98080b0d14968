"""Hardware guidance written by us (knowledge/docs), indexed in Chroma, retrieved with citations.

`search_guidance(query, k=4) -> list[Passage]` (doc_id, title, heading, text, score, path; `citation`
gives "knowledge/docs/x.md § Heading"). The index is built on first use and rebuilt when the docs change.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from .index import GuidanceIndex, IndexStatus, Passage

__all__ = ["GuidanceIndex", "IndexStatus", "Passage", "build_index", "default_index", "index_loaded",
           "search_guidance"]

_DEFAULT: GuidanceIndex | None = None
_LOCK = threading.Lock()
# The offline engine cites the same few topics in most answers; embedding the query and querying
# Chroma was ~40% of the chat app's CPU per answer under load (bench/load.py), so repeated queries
# come from here. Cleared whenever the index is (re)built.
_CACHE: OrderedDict[tuple[str, int], tuple[Passage, ...]] = OrderedDict()
_CACHE_SIZE = 256


def default_index() -> GuidanceIndex:
    global _DEFAULT
    with _LOCK:
        if _DEFAULT is None:
            _DEFAULT = GuidanceIndex()
        return _DEFAULT


def build_index(force: bool = False) -> IndexStatus:
    status = default_index().ensure(force=force)
    with _LOCK:
        _CACHE.clear()
    return status


def index_loaded() -> bool:
    """Is the vector index already open in this process (so a search costs milliseconds)?"""
    return _DEFAULT is not None and _DEFAULT._collection is not None


def search_guidance(query: str, k: int = 4) -> list[Passage]:
    """The k passages of our guidance closest to the query, best first."""
    key = (query, k)
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return list(hit)
    result = default_index().search(query, k=k)
    if index_loaded():  # keyword-only answers before the index is open are not kept
        with _LOCK:
            _CACHE[key] = tuple(result)
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    return result
