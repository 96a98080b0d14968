"""Inference memory: weights + KV cache + activations + runtime overhead, per GPU."""

from __future__ import annotations

import math

from .arch import ModelSpec
from .defaults import INFERENCE_CONTEXT, default_inference_framework
from .engine_memory import engine_pool, sequences_in_pool
from .errors import AdvisorInputError
from .formats import engine_format, kv_bytes_per_element, weight_bytes, weight_format
from .memory import MemoryEstimate, MemoryRequest
from .params import count_params
from .units import GIB

# CUDA context + cuBLAS/cuDNN workspaces that nvidia-smi shows but torch's allocator does not.
# PyTorch on Ampere/Hopper with lazy module loading: ~0.3-0.6 GiB; we use 0.5 GiB. An assumption: no row on
# file measures nvidia-smi (docs/validation.md); every answer states it ("CUDA context 0.5 GiB per GPU").
CUDA_CONTEXT_GIB = {"transformers": 0.5, "vllm": 0.5, "sglang": 0.5, "tensorrt-llm": 0.5,
                    "llama.cpp": 0.3, "deepspeed": 0.5, "fsdp": 0.5, "torchtune": 0.5}
# PyTorch caching allocator keeps freed blocks: ~5% of dynamic memory. Checked only by torchtune's reserved
# peaks (bench/cases.py, fine-tune memory), which it moves little: mostly an assumption.
ALLOCATOR_SLACK = 0.05
LLAMACPP_UBATCH = 512  # llama.cpp's default n_ubatch (common/common.h)
EAGER_SCORE_BYTES = 10  # 16-bit scores + fp32 upcast + fp32 softmax, from the code paths named below
VLLM_PREFILL_CHUNK = 8192  # vLLM's chunked-prefill token budget (max_num_batched_tokens); no row checks it


def kv_bytes_per_token(m: ModelSpec, context: int, kv_dtype: str, tp: int = 1) -> float:
    """KV-cache bytes one sequence needs per token of context, averaged over the context, per GPU.

    GQA/MQA: 2 (K and V) x kv_heads x head_dim per layer. MLA caches the compressed latent
    (kv_lora_rank + rope dims) once per layer, replicated on every TP rank (as vLLM/SGLang do).
    Sliding-window layers hold at most `window` tokens."""
    elt = kv_bytes_per_element(kv_dtype)
    if m.is_mla:
        per_layer = (m.kv_lora_rank + m.qk_rope_head_dim) * elt
    else:
        heads = math.ceil(m.num_kv_heads / tp)  # KV heads replicate when TP > kv_heads
        per_layer = 2 * heads * m.head_dim * elt
    full_layers = m.num_layers - m.sliding_layers
    window_share = min(1.0, (m.sliding_window or context) / context) if m.sliding_layers else 0.0
    return per_layer * (full_layers + m.sliding_layers * window_share)


def _activation_bytes(m: ModelSpec, tokens: int, framework: str, batch: int, context: int, flash: bool) -> float:
    """Peak working memory of one forward pass over `tokens` prompt tokens (one layer live at a time)."""
    h, inter = m.hidden_size, (m.moe_intermediate_size * m.experts_per_token if m.is_moe else m.intermediate_size)
    if framework == "llama.cpp":
        ub = min(tokens, LLAMACPP_UBATCH)
        # ggml compute buffer: fp32 intermediates for one micro-batch + logits; attention scores
        # ub x ctx x heads when flash attention is off.
        attn = 0 if flash else ub * context * m.num_heads * 4
        return ub * (m.vocab_size + 4 * h + 3 * inter) * 4 + attn
    per_token = 2 * (4 * h + 3 * inter) + 2 * (m.num_heads + 2 * m.num_kv_heads) * m.head_dim
    logits = batch * m.vocab_size * 4  # only the last position's logits, upcast to fp32
    # Eager attention materialises one layer's scores: 16-bit scores (2 B), their fp32 upcast (4 B)
    # and the fp32 softmax (4 B) per entry, as in transformers' eager path and AutoAWQ's fused
    # attention (`F.softmax(scores.float())`); FlashAttention/SDPA never builds the S x S matrix.
    attn = 0 if flash else batch * m.num_heads * context * context * EAGER_SCORE_BYTES
    return tokens * per_token + logits + attn


def inference_memory(req: MemoryRequest, m: ModelSpec, tp: int) -> MemoryEstimate:
    fmt = weight_format(req.precision)
    gpu = _gpu(req.gpu)
    framework = req.framework or default_inference_framework(fmt.family, gpu.vendor if gpu else None)
    fmt = engine_format(fmt, framework, m)
    if framework == "llama.cpp" and fmt.family not in ("gguf", "float"):
        raise AdvisorInputError(
            f"llama.cpp runs GGUF files; use a GGUF type such as q4_k_m or q8_0 instead of '{req.precision}'."
        )
    if fmt.family == "gguf" and framework != "llama.cpp":
        raise AdvisorInputError(f"GGUF formats run on llama.cpp (or Ollama); drop --framework {framework}.")
    pp = req.pipeline_parallel
    if framework == "llama.cpp":
        pp, tp = req.gpu_count, 1  # llama.cpp splits layers across GPUs (--split-mode layer)
    elif tp > 1 and m.num_heads % tp:
        raise AdvisorInputError(
            f"Tensor parallel {tp} does not divide {m.name}'s {m.num_heads} attention heads; "
            f"use a GPU count that divides {m.num_heads} (e.g. {_divisors(m.num_heads)})."
        )
    context = req.context or min(INFERENCE_CONTEXT, m.max_context)
    counts = count_params(m)
    weights = weight_bytes(m, fmt)
    shards = tp * pp
    w_gpu = weights / shards
    kv_tok = kv_bytes_per_token(m, context, req.kv_dtype, tp)
    kv_gpu = kv_tok * context * req.batch / pp
    engine = None
    if framework in ("vllm", "sglang"):
        engine = engine_pool(m, framework=framework, gpu_memory_gib=gpu.memory_gib if gpu else 80.0,
                             gpu_name=gpu.name if gpu else "", weights_per_gpu_bytes=w_gpu, tp=tp,
                             gpu_memory_utilization=req.gpu_memory_utilization)
        act_gpu = engine.profile_peak_gib * GIB
    else:
        prefill = context * req.batch if framework in ("transformers", "tensorrt-llm", "autoawq") else min(
            context * req.batch, VLLM_PREFILL_CHUNK)
        flash = req.flash_attention and framework != "autoawq"  # AutoAWQ's fused attention is eager
        act_gpu = _activation_bytes(m, prefill, framework, req.batch, context, flash=flash) / tp
    allocated = w_gpu + kv_gpu + act_gpu
    if framework == "autoawq":
        # fuse_layers concatenates q/k/v into one QKV layer at load, holding both copies for a moment
        by_role = weight_bytes(m, fmt, by_role=True)
        load_peak = w_gpu + sum(by_role.get(r, 0.0) for r in ("attn_q", "attn_k", "attn_v")) / shards
        allocated = max(allocated, load_peak)
    context_gib = CUDA_CONTEXT_GIB.get(framework, 0.5)
    if gpu is not None and gpu.vendor in ("apple", "google"):
        context_gib = 0.0 if gpu.vendor == "google" else 0.2
    slack = ALLOCATOR_SLACK * (kv_gpu + act_gpu) if framework not in ("llama.cpp", "vllm", "sglang") else 0.0
    if engine is not None:
        # vLLM/SGLang: the CUDA context sits in the 1 - utilization headroom, outside the budget we compare with
        overhead = engine.overhead_gib * GIB
    else:
        overhead = context_gib * GIB + slack
    per_gpu = allocated + overhead
    breakdown = {"weights": w_gpu, "kv_cache": kv_gpu, "activations": act_gpu, "overhead": overhead}
    assumptions = [
        f"weights in {fmt.label}" + (f" ({', '.join(fmt.keeps_16bit)} kept 16-bit)" if fmt.keeps_16bit and fmt.family != "float" else ""),
        f"context {context:,} tokens x batch {req.batch} (default context {INFERENCE_CONTEXT:,})" if req.context is None
        else f"context {context:,} tokens x batch {req.batch}",
        f"KV cache in {req.kv_dtype}" + (" (MLA latent cache)" if m.is_mla else f", {m.num_kv_heads} KV heads x {m.head_dim} dims"),
        f"framework {framework}" + (" (the default for this format)" if req.framework is None else "")
        + f"; CUDA context {context_gib:g} GiB per GPU",
    ]
    notes = []
    if m.sliding_layers:
        assumptions.append(f"{m.sliding_layers} of {m.num_layers} layers use a {m.sliding_window}-token sliding window")
    if shards > 1:
        assumptions.append(f"split over {req.gpu_count} GPUs: tensor parallel {tp}, pipeline {pp}")
    kv_pool = max_seqs = None
    if engine is not None:
        kv_pool = engine.kv_pool_gib
        max_seqs = sequences_in_pool(kv_pool, kv_tok * context / pp, engine.max_num_seqs)
        where = f"{gpu.name}" if gpu else "an 80 GiB GPU (no --gpu given)"
        if framework == "vllm":
            assumptions.append(
                f"vLLM on {where}: gpu_memory_utilization {req.gpu_memory_utilization:g} = {engine.budget_gib:.1f} GiB "
                f"per GPU, less weights {engine.weights_gib:.1f}, profile peak {engine.profile_peak_gib:.2f} (forward "
                f"over max_num_batched_tokens={engine.max_num_batched_tokens}: {engine.forward_peak_gib:.2f}; sampler "
                f"over max_num_seqs={engine.max_num_seqs} x {m.vocab_size:,} vocab: {engine.sampler_peak_gib:.2f}), "
                f"non-torch {engine.non_torch_gib:.2f} and CUDA graphs {engine.cuda_graph_gib:.2f} GiB; the rest is "
                "the KV pool; the CUDA context sits in the headroom")
        else:
            assumptions.append(f"SGLang on {where}: mem_fraction_static {req.gpu_memory_utilization:g} holds weights "
                               "and the KV pool; activations and CUDA graphs use the rest")
        notes.append(f"KV pool ~{kv_pool:.1f} GiB per GPU = ~{max(0, int(kv_pool * GIB / max(kv_tok / pp, 1))):,} "
                     f"tokens: {max_seqs} concurrent sequence(s) of {context:,} tokens"
                     + (f" (scheduler cap max_num_seqs={engine.max_num_seqs})" if max_seqs == engine.max_num_seqs else ""))
    if m.is_moe:
        notes.append(f"MoE: all {counts.total / 1e9:.1f}B parameters are held in memory; "
                     f"{counts.active / 1e9:.1f}B are active per token.")
    if not req.flash_attention:
        assumptions.append("eager attention: the S x S score matrix is materialised")
    if m.approximate and not m.note:
        notes.append(f"'{req.model}' is a bare size: the shape is a typical dense Llama-style guess.")
    return MemoryEstimate(
        model=m.name, model_id=m.id, approximate_shape=m.approximate, params_b=round(counts.total / 1e9, 3),
        active_params_b=round(counts.active / 1e9, 3), workload="inference", method=None,
        precision=fmt.key, framework=framework, context=context, batch=req.batch, gpu_count=req.gpu_count,
        tensor_parallel=tp, pipeline_parallel=pp, data_parallel=max(1, req.gpu_count // shards),
        total_gib=round(per_gpu * shards / GIB, 2), per_gpu_gib=round(per_gpu / GIB, 2),
        allocated_per_gpu_gib=round(allocated / GIB, 2),
        breakdown_gib={k: round(v / GIB, 3) for k, v in breakdown.items()},
        weights_gib=round(weights / GIB, 3), kv_cache_per_token_mib=round(kv_tok / 2**20, 4),
        kv_pool_gib=kv_pool, max_concurrent_sequences=max_seqs, assumptions=assumptions, notes=notes,
    )


def _gpu(name: str | None):
    if not name:
        return None
    from .gpus import get_gpu

    return get_gpu(name)


def _divisors(n: int) -> str:
    divs = [d for d in (1, 2, 4, 8, 16, 32, 64) if n % d == 0]
    return ", ".join(str(d) for d in divs)
