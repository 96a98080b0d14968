"""Hardware guidance written by us (knowledge/docs, Chinese translations in knowledge/docs/zh), indexed
in Chroma, retrieved with citations.

`search_guidance(query, k=4, lang=None, min_score=None) -> list[Passage]` (doc_id, title, heading, text,
score, path, chunk_id, lang; `citation` gives "knowledge/docs/x.md § Heading" or
"knowledge/docs/zh/x.md § 标题"; `first_sentences(n, max_chars)` gives whole sentences to quote).
The index is built on first use and rebuilt when the docs change.

`score` is the cosine similarity between the question and the passage (0..1; a Chinese question is
embedded through its English terms, a Chinese passage through the English section it translates), so
it is comparable across questions and languages. CITE_MIN_SCORE is the threshold for "relevant enough
to cite", measured by bench/retrieval.py on knowledge/eval (81 questions, 34 Chinese, 15 off-topic):
at 0.42 the top passage is from the expected doc for 95% (en) / 93% (zh) of the questions that keep one,
95% / 96% of on-topic questions keep a passage, and every off-topic question loses its passages except a
Chinese question about gaming GPUs (0.437). A question whose answer IS a passage (a concept question)
can use a lower bar: at 0.35 every on-topic question keeps one.
"""

from __future__ import annotations

import os
import threading

# No phoning home from native code: ONNX Runtime's Linux builds (1.29+) send telemetry to
# mobile.events.data.microsoft.com unless ORT_DISABLE_TELEMETRY is set when its environment is created
# (the string is in libonnxruntime; docs/hostile-load.md). Set before anything imports onnxruntime.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
from collections import OrderedDict

from .index import GuidanceIndex, IndexStatus, Passage

__all__ = ["CITE_MIN_SCORE", "GuidanceIndex", "IndexStatus", "Passage", "build_index", "default_index", "index_loaded",
           "search_guidance"]

CITE_MIN_SCORE = 0.42  # see the module docstring; python bench/retrieval.py prints the trade-off

_DEFAULT: GuidanceIndex | None = None
_LOCK = threading.Lock()
# The offline engine cites the same few topics in most answers; embedding the query and querying
# Chroma was ~40% of the chat app's CPU per answer under load (bench/load.py), so repeated queries
# come from here. Cleared whenever the index is (re)built.
_CACHE: OrderedDict[tuple[str, int, str | None, float | None], tuple[Passage, ...]] = OrderedDict()
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


def search_guidance(query: str, k: int = 4, lang: str | None = None,
                    min_score: float | None = None) -> list[Passage]:
    """The k passages of our guidance closest to the query, best first, in `lang` ("en"/"zh"; default:
    the query's language), falling back to the other language when none qualify. `score` is the
    cosine similarity of query and passage (0..1); pass min_score=CITE_MIN_SCORE to keep only passages
    relevant enough to cite."""
    key = (query, k, lang, min_score)
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return list(hit)
    result = default_index().search(query, k=k, lang=lang, min_score=min_score)
    if index_loaded():  # keyword-only answers before the index is open are not kept
        with _LOCK:
            _CACHE[key] = tuple(result)
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    return result
