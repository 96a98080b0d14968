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
from dataclasses import dataclass, replace
from pathlib import Path

from .docs_loader import DOCS_DIR, all_chunks, content_hash
from .zh import expand_query, has_cjk

log = logging.getLogger(__name__)
FUSION_DEPTH = 10  # candidates taken from each retriever before fusing
RRF_K = 60  # reciprocal rank fusion constant (Cormack et al. 2009)


@dataclass(frozen=True)
class Passage:
    doc_id: str
    title: str
    heading: str
    text: str
    score: float
    path: str
    chunk_id: str = ""

    @property
    def citation(self) -> str:
        return f"{self.path} § {self.heading}"


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
        vectors = self.embedder.embed([c.embed_text for c in chunks])
        col.add(ids=[c.chunk_id for c in chunks], embeddings=vectors, documents=[c.text for c in chunks],
                metadatas=[{"doc_id": c.doc_id, "title": c.title, "heading": c.heading, "path": c.path,
                            "tags": ",".join(c.tags)} for c in chunks])
        return col

    def _status(self, action: str, n: int, start: float, digest: str) -> IndexStatus:
        docs = len(list(self._docs_dir.glob("*.md")))
        return IndexStatus(action=action, chunks=n, docs=docs, seconds=round(time.perf_counter() - start, 2),
                           location=self._location, content_hash=digest, embedding_model=self.embedder.name)

    def search(self, query: str, k: int = 4) -> list[Passage]:
        """Hybrid retrieval: the vector neighbours and a keyword match over the same chunks, merged by
        reciprocal rank fusion (dense finds paraphrases, keywords pin exact terms like 'ZeRO-3').
        `score` is the fused score relative to the best hit (1.0)."""
        if not query or not query.strip():
            return []
        if self._collection is None:
            self.ensure()
        text = expand_query(query) if has_cjk(query) else query
        dense = self._vector_search(text, max(k, FUSION_DEPTH))
        from .keyword import keyword_search

        lexical = keyword_search(text, max(k, FUSION_DEPTH), self._docs_dir)
        fused: dict[str, float] = {}
        by_id: dict[str, Passage] = {}
        for ranking in (dense, lexical):
            for rank, p in enumerate(ranking):
                fused[p.chunk_id] = fused.get(p.chunk_id, 0.0) + 1.0 / (RRF_K + rank)
                by_id.setdefault(p.chunk_id, p)
        order = sorted(fused, key=lambda cid: -fused[cid])[:k]
        best = fused[order[0]] if order else 1.0
        return [replace(by_id[cid], score=round(fused[cid] / best, 4)) for cid in order]

    def _vector_search(self, text: str, n: int) -> list[Passage]:
        vec = self.embedder.embed_query(text)
        try:
            res = self._collection.query(query_embeddings=[vec], n_results=n)
        except Exception as exc:  # noqa: BLE001 - rebuild once if the store broke under us
            log.warning("guidance query failed (%s); rebuilding the index", exc)
            self._collection = None
            self.ensure(force=True)
            res = self._collection.query(query_embeddings=[vec], n_results=n)
        out = []
        for cid, doc, meta, dist in zip(res["ids"][0], res["documents"][0], res["metadatas"][0],
                                        res["distances"][0], strict=False):
            out.append(Passage(doc_id=meta["doc_id"], title=meta["title"], heading=meta["heading"], text=doc,
                               score=round(1 - float(dist), 4), path=meta["path"], chunk_id=cid))
        return out
