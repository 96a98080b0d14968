"""The guidance index in Chroma: build, keep in sync with the docs, and search.

Embedded persistent Chroma under ADVISOR_DATA_DIR by default; a Chroma server when CHROMA_HOST /
CHROMA_PORT are set. The collection carries the docs' content hash: changed docs are re-indexed on
the next use, and a missing or corrupt store is rebuilt rather than raising.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .docs_loader import DOCS_DIR, LANGS, all_chunks, content_hash, doc_paths
from .sentences import first_sentences
from .zh import expand_query, has_cjk

log = logging.getLogger(__name__)
# Ranking: cosine similarity plus this weight times the keyword score relative to the best keyword match.
# On knowledge/eval it puts the expected doc first for 92% of questions (reciprocal rank fusion: 85%).
KEYWORD_WEIGHT = 0.1


@dataclass(frozen=True)
class Passage:
    doc_id: str
    title: str
    heading: str
    text: str
    score: float
    path: str
    chunk_id: str = ""
    lang: str = "en"  # "en" or "zh"

    @property
    def citation(self) -> str:
        return f"{self.path} § {self.heading}"

    def first_sentences(self, n: int = 1, max_chars: int = 300) -> str:
        """Up to n whole sentences from the start of the passage (no table rows, no [id] markers),
        at most max_chars together; "" if even the first sentence is longer (never cut mid-sentence)."""
        return first_sentences(self.text, n=n, max_chars=max_chars)


@dataclass(frozen=True)
class IndexStatus:
    action: str  # "built", "rebuilt (docs changed)", "rebuilt (store unreadable)", "up to date"
    chunks: int
    docs: int
    seconds: float
    location: str
    content_hash: str
    embedding_model: str


def data_dir() -> Path:
    env = os.environ.get("ADVISOR_DATA_DIR")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gpu-advisor"


def make_client():
    """A Chroma server client when CHROMA_HOST is set, else an embedded persistent store."""
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False)
    host = os.environ.get("CHROMA_HOST")
    if host:
        port = int(os.environ.get("CHROMA_PORT", "8000"))
        return chromadb.HttpClient(host=host, port=port, settings=settings), f"chroma server {host}:{port}"
    path = data_dir() / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings), str(path)


class GuidanceIndex:
    """Chunks of knowledge/docs embedded in one Chroma collection."""

    def __init__(self, client=None, embedder=None, docs_dir: Path = DOCS_DIR, location: str = "") -> None:
        self._client, self._location = (client, location) if client is not None else (None, "")
        self._embedder = embedder
        self._docs_dir = docs_dir
        self._collection = None
        self._counts: dict[str, int] = {}  # chunks per language in the open collection
        self._lock = threading.Lock()

    @property
    def embedder(self):
        if self._embedder is None:
            from .embed import get_embedder

            self._embedder = get_embedder()
        return self._embedder

    def _name(self) -> str:
        return f"guidance-{self.embedder.name}"

    def _connect(self):
        if self._client is None:
            self._client, self._location = make_client()
        return self._client

    def _warm_embedder(self) -> threading.Thread | None:
        """Create the ONNX session on a thread while Chroma imports (~0.4 s saved on a cold start).
        The modules are imported here first: importing numpy from two threads at once breaks it."""
        if self._embedder is not None:
            return None
        import numpy  # noqa: F401
        import onnxruntime  # noqa: F401
        import tokenizers  # noqa: F401

        t = threading.Thread(target=lambda: self.embedder, daemon=True)
        t.start()
        return t

    def ensure(self, force: bool = False) -> IndexStatus:
        """Make the index match the docs: build, rebuild on change or damage, or do nothing."""
        warming = self._warm_embedder()
        try:
            return self._ensure(force)
        finally:
            if warming is not None:
                warming.join()

    def _ensure(self, force: bool) -> IndexStatus:
        with self._lock:
            self._counts = {}
            start = time.perf_counter()
            digest = content_hash(self._docs_dir)
            reason = "built"
            try:
                client = self._connect()
                existing = {c.name if hasattr(c, "name") else c for c in client.list_collections()}
                if self._name() in existing:
                    col = client.get_collection(self._name(), embedding_function=None)
                    if not force and (col.metadata or {}).get("content_hash") == digest and col.count() > 0:
                        self._collection = col
                        return self._status("up to date", col.count(), start, digest)
                    client.delete_collection(self._name())
                    reason = "rebuilt (forced)" if force else "rebuilt (docs changed)"
            except (ImportError, MemoryError):
                raise  # a broken install is not a broken store: never delete the index for it
            except Exception as exc:  # noqa: BLE001 - a damaged store is rebuilt, never fatal
                log.warning("guidance index unreadable (%s); rebuilding", exc)
                client = self._reset_store()
                reason = "rebuilt (store unreadable)"
            self._collection = self._build(client, digest)
            return self._status(reason, self._collection.count(), start, digest)

    def _reset_store(self):
        from chromadb.api.shared_system_client import SharedSystemClient

        self._client = None
        SharedSystemClient.clear_system_cache()  # Chroma caches one system per path in-process
        if not os.environ.get("CHROMA_HOST"):
            shutil.rmtree(data_dir() / "chroma", ignore_errors=True)
        return self._connect()

    def _build(self, client, digest: str):
        chunks = all_chunks(self._docs_dir)
        col = client.create_collection(self._name(), embedding_function=None,
                                       metadata={"hnsw:space": "cosine", "content_hash": digest,
                                                 "embedding_model": self.embedder.name})
        unique = list(dict.fromkeys(c.embed_text for c in chunks))  # a translation shares its original's
        vec_of = dict(zip(unique, self.embedder.embed(unique), strict=True))
        vectors = [vec_of[c.embed_text] for c in chunks]
        col.add(ids=[c.chunk_id for c in chunks], embeddings=vectors, documents=[c.text for c in chunks],
                metadatas=[{"doc_id": c.doc_id, "title": c.title, "heading": c.heading, "path": c.path,
                            "tags": ",".join(c.tags), "lang": c.lang} for c in chunks])
        return col

    def _status(self, action: str, n: int, start: float, digest: str) -> IndexStatus:
        docs = len(doc_paths(self._docs_dir))
        return IndexStatus(action=action, chunks=n, docs=docs, seconds=round(time.perf_counter() - start, 2),
                           location=self._location, content_hash=digest, embedding_model=self.embedder.name)

    def search(self, query: str, k: int = 4, lang: str | None = None,
               min_score: float | None = None) -> list[Passage]:
        """The k passages closest to the query, best first, in one language.

        lang: "en" or "zh"; None means the query's own language (Chinese if it has Chinese characters).
        Passages in the other language are returned only when that language has none (or none scoring
        at least min_score).

        Ranking is hybrid: every passage's cosine similarity to the query plus KEYWORD_WEIGHT times its
        keyword match relative to the best one (dense finds paraphrases, keywords pin exact terms like
        'ZeRO-3'). `score` is the cosine alone, 0..1, comparable across queries and languages (a Chinese
        query is embedded through its English terms, a Chinese passage through the English section it
        translates); min_score drops passages below it. knowledge.CITE_MIN_SCORE is the measured
        threshold for "relevant enough to cite"."""
        if not query or not query.strip():
            return []
        if lang is not None and lang not in LANGS:
            raise ValueError(f"lang must be one of {', '.join(LANGS)} or None, not {lang!r}")
        if self._collection is None:
            self.ensure()
        want = lang or ("zh" if has_cjk(query) else "en")
        text = expand_query(query) if has_cjk(query) else query
        vec = self.embedder.embed_query(text)
        hits = self._ranked(text, vec, want, k, min_score)
        if not hits:
            for other in LANGS:
                if other != want:
                    hits = self._ranked(text, vec, other, k, min_score)
                    if hits:
                        break
        return hits

    def _ranked(self, text: str, vec: list[float], lang: str, k: int, min_score: float | None) -> list[Passage]:
        from .keyword import keyword_matches

        dense = self._vector_search(vec, lang)
        lexical = keyword_matches(text, lang, self._docs_dir)
        best = lexical[0][0] if lexical else 1.0
        bonus = {c.chunk_id: hits / best for hits, _, c in lexical}
        out = sorted(dense, key=lambda p: -(p.score + KEYWORD_WEIGHT * bonus.get(p.chunk_id, 0.0)))
        if min_score is not None:
            out = [p for p in out if p.score >= min_score]
        return out[:k]

    def _vector_search(self, vec: list[float], lang: str) -> list[Passage]:
        """Every chunk in `lang` with its cosine similarity to the query vector, closest first."""
        def query():
            n = self._counts.get(lang)
            if n is None:
                n = self._counts[lang] = len(self._collection.get(where={"lang": lang}, include=[])["ids"])
            if not n:
                return None
            return self._collection.query(query_embeddings=[vec], n_results=n, where={"lang": lang})

        try:
            res = query()
        except Exception as exc:  # noqa: BLE001 - rebuild once if the store broke under us
            log.warning("guidance query failed (%s); rebuilding the index", exc)
            self._collection = None
            self.ensure(force=True)
            res = query()
        if res is None:
            return []
        out = []
        for cid, doc, meta, dist in zip(res["ids"][0], res["documents"][0], res["metadatas"][0],
                                        res["distances"][0], strict=False):
            out.append(Passage(doc_id=meta["doc_id"], title=meta["title"], heading=meta["heading"], text=doc,
                               score=round(min(1.0, max(0.0, 1 - float(dist))), 4), path=meta["path"],
                               chunk_id=cid, lang=meta.get("lang", "en")))
        return out
