"""The guidance index in Chroma: build, keep in sync with the docs, and search.

Embedded persistent Chroma under ADVISOR_DATA_DIR by default; a Chroma server when CHROMA_HOST /
CHROMA_PORT are set. The collection carries the docs' content hash: changed docs are re-indexed on
the next use, and a missing or corrupt store is rebuilt rather than raising.

Several processes may share one data folder (two `gpu-advisor index` runs, the app and the Slack bot):
- reading needs no lock; a build (and any repair of a damaged store) happens under a file lock
  (ADVISOR_DATA_DIR/index.lock), and a process that waited for the lock first looks whether the other one
  already built what it needs;
- a build writes a new collection under a temporary name and swaps it in at the end, so readers never see a
  half-built index, and nothing is deleted except under the lock;
- a read-only data folder (Chroma's embedded store writes on open) is searched from a private copy in a
  temporary folder;
- Chroma failures become GuidanceIndexError: a one-line fix-it message (the CLI exits 2).
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from tools.errors import AdvisorInputError

from .docs_loader import DOCS_DIR, LANGS, all_chunks, content_hash, doc_paths
from .sentences import first_sentences
from .zh import expand_query, has_cjk

log = logging.getLogger(__name__)
# Ranking: cosine similarity plus this weight times the keyword score relative to the best keyword match.
# On knowledge/eval it puts the expected doc first for 95% of questions (reciprocal rank fusion: 86%).
KEYWORD_WEIGHT = 0.1
BUILD_LOCK_TIMEOUT_S = 600.0  # a cold build takes ~30 s on a busy 2-core machine; waiting 10 min means trouble


class GuidanceIndexError(AdvisorInputError):
    """The guidance index cannot be opened or built; the message says what to do."""


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


def first_per_citation(passages, k: int) -> list:
    """The best-ranked passage of each cited section, at most k: a long section is embedded as several
    chunks under one heading, and a list of sources should name each section once."""
    seen: set[str] = set()
    out = []
    for p in passages:
        if p.citation not in seen:
            seen.add(p.citation)
            out.append(p)
            if len(out) == k:
                break
    return out


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


def _writable(folder: Path) -> bool:
    """Can this process create files in `folder` (or create it)? Also false on a read-only mount as root."""
    probe = folder
    while not probe.exists():
        if probe.parent == probe:
            return False
        probe = probe.parent
    try:
        tempfile.TemporaryFile(dir=probe).close()
        return True
    except OSError:
        return False


_PRIVATE_COPIES: dict[Path, Path] = {}


def _private_copy(store: Path) -> Path:
    """A writable copy of a read-only store for this process (removed at exit); Chroma writes on open."""
    if store not in _PRIVATE_COPIES:
        tmp = Path(tempfile.mkdtemp(prefix="gpu-advisor-index-"))
        atexit.register(shutil.rmtree, tmp, True)
        if store.is_dir():
            shutil.copytree(store, tmp / "chroma")
        log.warning("the index folder %s is read-only; searching a private copy", store)
        _PRIVATE_COPIES[store] = tmp / "chroma"
    return _PRIVATE_COPIES[store]


def store_dir() -> Path:
    """Where the embedded store is opened: ADVISOR_DATA_DIR/chroma, or a private copy if that is read-only."""
    store = data_dir() / "chroma"
    return store if _writable(store) else _private_copy(store)


def make_client():
    """A Chroma server client when CHROMA_HOST is set, else an embedded persistent store."""
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False)
    host = os.environ.get("CHROMA_HOST")
    if host:
        port_text = os.environ.get("CHROMA_PORT", "8000")
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise GuidanceIndexError(f"CHROMA_PORT must be a port number (1-65535), got {port_text[:20]!r}.")
        port = int(port_text)
        try:
            client = chromadb.HttpClient(host=host, port=port, settings=settings)
        except Exception as exc:  # noqa: BLE001 - Chroma raises ValueError/ConnectError/... for a dead server
            raise GuidanceIndexError(
                f"Cannot reach the Chroma server at {host}:{port} ({type(exc).__name__}). Start it (chroma run "
                f"--host {host} --port {port} --path DIR) or unset CHROMA_HOST to use the embedded store.") from None
        return client, f"chroma server {host}:{port}"
    path = store_dir()
    path.mkdir(parents=True, exist_ok=True)
    where = str(path) if path == data_dir() / "chroma" else f"{path}, a private copy: {data_dir()} is read-only"
    return chromadb.PersistentClient(path=str(path), settings=settings), where


def _lock_path() -> Path:
    """The build lock beside the embedded store (a read-only store's private copy has its own), or in the
    data dir for a Chroma server (which then coordinates the processes of this machine only)."""
    folder = data_dir() if os.environ.get("CHROMA_HOST") else store_dir().parent
    if not _writable(folder):
        folder = Path(tempfile.gettempdir())
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "index.lock"


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
            if not force:
                col, _ = self._open_current(digest)
                if col is not None:
                    self._collection = col
                    return self._status("up to date", col.count(), start, digest)
            with self._build_lock():
                # the lock may have been held by another process building what we need, or repairing the store:
                # reconnect (a store it deleted and recreated is a new database file; writing through a connection
                # opened before that fails with SQLite's "attempt to write a readonly database") and look again
                if not os.environ.get("CHROMA_HOST"):
                    self._drop_client()
                col, state = self._open_current(digest)
                if col is not None and not force:
                    self._collection = col
                    return self._status("up to date", col.count(), start, digest)
                if state.startswith("unreadable"):
                    log.warning("guidance index %s; rebuilding", state)
                    self._reset_store()
                    reason = "rebuilt (store unreadable)"
                else:
                    reason = {"missing": "built", "outdated": "rebuilt (docs changed)"}.get(state, "rebuilt (forced)")
                    if force and state == "missing":
                        reason = "built"
                try:
                    self._collection = self._build(self._connect(), digest)
                except (ImportError, MemoryError, GuidanceIndexError):
                    raise
                except Exception as exc:  # noqa: BLE001 - disk full, permissions, a server refusing writes
                    raise GuidanceIndexError(
                        f"Could not build the guidance index in {self._location or data_dir()} "
                        f"({type(exc).__name__}: {str(exc)[:120]}). Free disk space, or set ADVISOR_DATA_DIR to a "
                        "writable folder, then run: gpu-advisor index") from None
            return self._status(reason, self._collection.count(), start, digest)

    def _open_current(self, digest: str):
        """(collection, "current") when the store holds an index of these docs, else (None, why):
        "missing", "outdated" or "unreadable (...)". Reads only; never deletes."""
        try:
            client = self._connect()
            if self._name() not in {c.name if hasattr(c, "name") else c for c in client.list_collections()}:
                return None, "missing"
            col = client.get_collection(self._name(), embedding_function=None)
            if (col.metadata or {}).get("content_hash") == digest and col.count() > 0:
                return col, "current"
            return None, "outdated"
        except (ImportError, MemoryError, GuidanceIndexError):
            raise  # a broken install or an unreachable server is not a broken store: never delete for it
        except Exception as exc:  # noqa: BLE001 - a damaged store is rebuilt (under the lock), never fatal
            return None, f"unreadable ({type(exc).__name__}: {str(exc)[:100]})"

    def _build_lock(self):
        """An exclusive, cross-process lock for building; released by the OS if the holder dies."""
        import contextlib

        from filelock import FileLock, Timeout

        lock = FileLock(str(_lock_path()))

        @contextlib.contextmanager
        def held():
            try:
                lock.acquire(timeout=0)
            except Timeout:
                log.warning("another process is building the guidance index; waiting for it")
                try:
                    lock.acquire(timeout=BUILD_LOCK_TIMEOUT_S)
                except Timeout:
                    raise GuidanceIndexError(
                        f"Another process has been building the guidance index for over {BUILD_LOCK_TIMEOUT_S:.0f} s "
                        f"(lock {lock.lock_file}); let it finish, or stop it, then run: gpu-advisor index") from None
            try:
                yield
            finally:
                lock.release()

        return held()

    def _drop_client(self) -> None:
        from chromadb.api.shared_system_client import SharedSystemClient

        self._client = None
        self._collection = None
        SharedSystemClient.clear_system_cache()  # Chroma caches one system per path in-process

    def _reset_store(self) -> None:
        """Delete a store that cannot be opened - only ever called while holding the build lock."""
        self._drop_client()
        if not os.environ.get("CHROMA_HOST"):
            shutil.rmtree(store_dir(), ignore_errors=True)

    def _build(self, client, digest: str):
        """Write the new index under a temporary name, then swap it in: readers see the old or the new one."""
        chunks = all_chunks(self._docs_dir)
        temp_name = f"{self._name()}-building-{uuid.uuid4().hex[:8]}"
        col = client.create_collection(temp_name, embedding_function=None,
                                       metadata={"hnsw:space": "cosine", "content_hash": digest,
                                                 "embedding_model": self.embedder.name})
        try:
            unique = list(dict.fromkeys(c.embed_text for c in chunks))  # a translation shares its original's
            vec_of = dict(zip(unique, self.embedder.embed(unique), strict=True))
            vectors = [vec_of[c.embed_text] for c in chunks]
            col.add(ids=[c.chunk_id for c in chunks], embeddings=vectors, documents=[c.text for c in chunks],
                    metadatas=[{"doc_id": c.doc_id, "title": c.title, "heading": c.heading, "path": c.path,
                                "tags": ",".join(c.tags), "lang": c.lang} for c in chunks])
            names = {c.name if hasattr(c, "name") else c for c in client.list_collections()}
            for name in names:  # the old index, and leftovers of builds that died (we hold the lock)
                if name != temp_name and (name == self._name() or name.startswith(self._name() + "-building-")):
                    client.delete_collection(name)
            col.modify(name=self._name())
        except BaseException:
            try:
                client.delete_collection(temp_name)
            except Exception:  # noqa: BLE001 - best effort; a later build removes leftovers
                pass
            raise
        return client.get_collection(self._name(), embedding_function=None)

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
        return first_per_citation(out, k)

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
        except Exception as exc:  # noqa: BLE001 - another process may have swapped the index: open it again
            log.warning("guidance query failed (%s: %s); reopening the index", type(exc).__name__, str(exc)[:100])
            self._collection = None
            self.ensure()  # rebuilds (under the lock) only if the store is missing, outdated or damaged
            try:
                res = query()
            except Exception as exc2:  # noqa: BLE001
                raise GuidanceIndexError(
                    f"The guidance index at {self._location} cannot be searched ({type(exc2).__name__}); "
                    "rebuild it with: gpu-advisor index --force") from None
        if res is None:
            return []
        out = []
        for cid, doc, meta, dist in zip(res["ids"][0], res["documents"][0], res["metadatas"][0],
                                        res["distances"][0], strict=False):
            out.append(Passage(doc_id=meta["doc_id"], title=meta["title"], heading=meta["heading"], text=doc,
                               score=round(min(1.0, max(0.0, 1 - float(dist))), 4), path=meta["path"],
                               chunk_id=cid, lang=meta.get("lang", "en")))
        return out
