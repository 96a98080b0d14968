"""Embedding and reranking jobs: an encoder reads each text once (no decoding), so the cost is one forward pass per
token, compute-bound at the batch sizes such jobs run at.

FLOPs per token = 2 x the non-embedding weights (the embedding table is a lookup) + attention, 4 x layers x hidden x the
text's length (QK^T and the weighted sum of V, a multiply and an add each). The GPUs deliver their dense FP16/BF16 peak
times an efficiency: ENCODER_EFFICIENCY, an assumption (no measured row in docs/validation.md checks it): encoder
inference servers (TEI, ONNX Runtime, sentence-transformers with large batches) are usually quoted at 30-50% of peak,
and the answer gives that range. Padding (texts of mixed lengths in one batch) costs more unless sorted by length."""

from __future__ import annotations

import re
from functools import cache

from .catalog_io import load_json
from .errors import AdvisorInputError
from .gpus import get_gpu

ENCODER_EFFICIENCY = 0.4  # share of dense FP16 peak an encoder reaches at batch; range below (an assumption)
ENCODER_EFFICIENCY_RANGE = (0.3, 0.5)


@cache
def _models() -> list[dict]:
    return load_json("encoder_models.json")["models"]


def find_encoder(text: str) -> dict | None:
    """The encoder model named in `text` (longest alias first), or None."""
    low = text.lower()
    hits = [(len(a), m) for m in _models() for a in m["aliases"] if re.search(rf"(?<![a-z0-9-]){re.escape(a)}(?![a-z0-9-])", low)]
    return max(hits, key=lambda x: x[0])[1] if hits else None


def encoder_params(m: dict) -> tuple[float, float]:
    """(all weights, non-embedding weights) of a BERT/XLM-R style encoder from its shape."""
    c = m["config"]
    h, f, n = c["hidden_size"], c["intermediate_size"], c["num_hidden_layers"]
    layer = 4 * h * h + 4 * h + 2 * h * f + f + h + 4 * h  # attention (q, k, v, o + biases), FFN, two LayerNorms
    embed = (c["vocab_size"] + c["max_position_embeddings"] + 1) * h + 2 * h
    pooler = h * h + h
    return n * layer + embed + pooler, n * layer + pooler


def flops_per_token(m: dict, tokens_per_text: int) -> float:
    c = m["config"]
    return 2 * encoder_params(m)[1] + 4 * c["num_hidden_layers"] * c["hidden_size"] * tokens_per_text


def embedding_job(model: str, gpu: str, gpu_count: int = 1, total_tokens: float | None = None,
                  tokens_per_text: int = 512, texts_per_s: float | None = None) -> dict:
    """Hours to embed `total_tokens`, or the share of the GPUs a sustained `texts_per_s` takes."""
    m = find_encoder(model)
    if m is None:
        raise AdvisorInputError(f"'{model}' is not an encoder model on file (bge-m3, bge-reranker-v2-m3).")
    if not 1 <= tokens_per_text <= m["max_tokens"]:
        raise AdvisorInputError(f"{tokens_per_text} tokens per text is outside 1-{m['max_tokens']:,} for {m['name']}.")
    g = get_gpu(gpu)
    peak = (g.bf16_tflops_dense or g.fp16_tflops_dense or 0) * 1e12 * gpu_count
    if peak <= 0:
        raise AdvisorInputError(f"No FP16 peak on file for {g.name}.")
    fpt = flops_per_token(m, tokens_per_text)
    rate = peak * ENCODER_EFFICIENCY / fpt  # tokens per second
    lo, hi = (peak * e / fpt for e in ENCODER_EFFICIENCY_RANGE)
    total, nonembed = encoder_params(m)
    out = dict(model=m["name"], gpu=g.name, gpu_id=g.id, gpu_count=gpu_count, params=total, non_embedding_params=nonembed,
               flops_per_token=fpt, tokens_per_text=tokens_per_text, tokens_per_s=rate, tokens_per_s_low=lo,
               tokens_per_s_high=hi, efficiency=ENCODER_EFFICIENCY, weights_gib=total * 2 / 2**30)
    if total_tokens:
        out.update(total_tokens=total_tokens, hours=total_tokens / rate / 3600, hours_low=total_tokens / hi / 3600,
                   hours_high=total_tokens / lo / 3600)
    if texts_per_s:
        need = texts_per_s * tokens_per_text
        out.update(texts_per_s=texts_per_s, tokens_per_s_needed=need, load_share=need / rate,
                   load_share_high=need / lo, tflops_needed=need * fpt / 1e12)
    return out


# text-embeddings-inference's default --max-batch-tokens: the tokens one forward pass of a serving batch holds
SERVING_BATCH_TOKENS = 16384
# FP16 values live per token in one encoder layer's forward (input, Q/K/V, attention output, the FFN's 4x-wide
# intermediate in and out: about 10 x hidden), one layer at a time; FlashAttention/SDPA never stores the scores
ACTIVATION_VALUES_PER_HIDDEN = 10
CUDA_CONTEXT_GIB = 0.5


def serving_memory(model: str, gpu: str, tokens_per_text: int = 512,
                   batch_tokens: int = SERVING_BATCH_TOKENS) -> dict:
    """GPU memory of an embedding service: FP16 weights, one batch's activations (batch_tokens tokens, one layer live
    at a time) and the CUDA context; and the texts per second one card sustains at that length."""
    m = find_encoder(model)
    if m is None:
        raise AdvisorInputError(f"'{model}' is not an encoder model on file (bge-m3, bge-large-en-v1.5, ...).")
    g = get_gpu(gpu)
    job = embedding_job(model, gpu, 1, total_tokens=None, tokens_per_text=min(tokens_per_text, m["max_tokens"]))
    hidden = m["config"]["hidden_size"]
    act_gib = batch_tokens * hidden * ACTIVATION_VALUES_PER_HIDDEN * 2 / 2**30
    total = job["weights_gib"] + act_gib + CUDA_CONTEXT_GIB
    return dict(model=m["name"], gpu=g.name, gpu_memory_gib=g.memory_gib, weights_gib=job["weights_gib"],
                activations_gib=act_gib, cuda_context_gib=CUDA_CONTEXT_GIB, total_gib=total,
                fits=total <= g.usable_gib, batch_tokens=batch_tokens, tokens_per_text=job["tokens_per_text"],
                texts_per_s=job["tokens_per_s"] / job["tokens_per_text"],
                texts_per_s_low=job["tokens_per_s_low"] / job["tokens_per_text"],
                texts_per_s_high=job["tokens_per_s_high"] / job["tokens_per_text"], params=job["params"])

