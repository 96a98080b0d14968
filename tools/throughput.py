"""estimate_throughput: decode and prefill speed from bytes moved and FLOPs done per step.

Decode (one new token for each of `batch` streams) must read every active weight once plus each
stream's KV cache, and do 2 FLOPs per active parameter per stream: the step takes the longer of
the memory time (bytes / achievable bandwidth) and the compute time (FLOPs / achievable FLOPS),
plus a per-layer launch overhead and, under tensor parallelism, two all-reduces per layer.
At batch 1 memory wins; as the batch grows compute takes over. Prefill is compute bound.
"""

from __future__ import annotations

import math
from typing import Literal

from .arch import ModelSpec
from .base import check, record, spec
from .defaults import ASSUMED, BATCH, VLLM_GPU_MEMORY_UTILIZATION, default_inference_framework
from .errors import AdvisorInputError
from .formats import WeightFormat, weight_bytes, weight_format
from .gpus import GPU, get_gpu
from .memory_inference import kv_bytes_per_token
from .models import get_model
from .params import EXPERT_ROLES, count_params

Framework = Literal["transformers", "vllm", "llama.cpp", "tensorrt-llm", "sglang", "autoawq"]

# Share of datasheet memory bandwidth a decode step reaches. Memory-bound GEMV kernels reach
# ~80-90% of peak on NVIDIA GPUs (e.g. NVIDIA's nvbandwidth / STREAM-style copies reach ~90%);
# Apple's GPU reaches ~70% of its unified-memory bandwidth, AMD's ROCm stacks ~75%.
BANDWIDTH_EFFICIENCY = {"nvidia": 0.85, "amd": 0.75, "apple": 0.70, "google": 0.80, "intel": 0.7}
# Host-side cost of launching one layer's kernels per decode step (CUDA graphs make it small).
LAYER_OVERHEAD_S = {"llama.cpp": 50e-6, "transformers": 60e-6, "autoawq": 15e-6, "vllm": 8e-6,
                    "sglang": 8e-6, "tensorrt-llm": 6e-6}
# Share of peak tensor FLOPS reached by large GEMMs (prefill, big-batch decode).
COMPUTE_EFFICIENCY = {"tensorrt-llm": 0.6, "vllm": 0.5, "sglang": 0.55, "transformers": 0.4, "autoawq": 0.35,
                      "llama.cpp": 0.3}
WEIGHT_ONLY_QUANT_PENALTY = 0.7  # dequantizing 4-bit weights inside the GEMM costs compute
ALLREDUCE_LATENCY_S = {"nvlink": 8e-6, "pcie": 25e-6}
SERVE_CHUNK_TOKENS = 8192  # vLLM's max_num_batched_tokens for `vllm serve` on H100-class GPUs (engine_memory)
# Entries above that no validation row checks and no source supports (bench/sensitivity.py,
# docs/validation.md): answers that use them say they are assumed. The rest are set from the rows that
# name them in bench/cases.py (`sets`) or from the sources in their comments.
UNCHECKED = {"bandwidth": {"amd", "google", "intel"}, "compute": {"sglang", "transformers", "autoawq", "llama.cpp"},
             "overhead": {"sglang", "tensorrt-llm"}, "penalty": {True}, "allreduce": {"pcie"}}


def _assumed(kind: str, key) -> str:
    return f" ({ASSUMED})" if key in UNCHECKED[kind] else ""
CPU_BANDWIDTH_GB_S = 80.0  # dual-channel DDR5 desktop; servers have more (set --cpu-bandwidth)


@record
class ThroughputRequest:
    model: str = spec(description="the model as the person wrote it: a catalog name or alias, a Hugging Face repo id (org/name) or a size in billions of parameters; e.g. '13B', or (CLI only) a config.json path")
    gpu: str = spec(description="GPU name as the person wrote it; e.g. 'rtx-4090', 'h100-sxm'")
    gpu_count: int = spec(1, "number of GPUs", gt=0, le=4096)
    precision: str | None = spec(None, "weights: bf16, fp8, mxfp4, int8, awq, gptq, nf4, q4_k_m, ...; "
                                 "default: the model's native format")
    framework: Framework | None = spec(None, "runtime; default vLLM (llama.cpp for GGUF, transformers for bitsandbytes)")
    batch: int = spec(BATCH, "concurrent streams", gt=0, le=65536)
    concurrency: int | None = spec(None, "concurrent users, each one stream (same as batch; wins when given)",
                                   gt=0, le=65536)
    prompt_tokens: int = spec(512, "tokens in each prompt", gt=0, le=2**24)
    output_tokens: int = spec(256, "tokens generated per stream", gt=0, le=2**24)
    kv_dtype: str = spec("bf16", "KV-cache dtype")
    tensor_parallel: int | None = spec(None, "TP degree (default: all GPUs; llama.cpp splits layers instead)", gt=0,
                                      le=4096)
    cpu_offload_fraction: float = spec(0.0, "share of the weights kept in CPU RAM (llama.cpp -ngl)", ge=0, le=1)
    cpu_bandwidth_gb_per_s: float = spec(CPU_BANDWIDTH_GB_S, "host memory bandwidth for offloaded layers",
                                         ge=0.1, le=1e5)
    bandwidth_efficiency: float | None = spec(None, "override the achievable share of memory bandwidth",
                                                ge=0.01, le=1)
    compute_efficiency: float | None = spec(None, "override the achievable share of peak FLOPS", ge=0.01, le=1)
    continuous_batching: bool = spec(False, "serving at a steady load: each decode step also prefills, in chunks, "
                                     "the prompts of requests arriving as others finish (vLLM/SGLang/TRT-LLM)")

    def __post_init__(self) -> None:
        if isinstance(self.precision, str):
            self.precision = self.precision.strip().lower()
        check(self)
        if self.concurrency is not None:
            self.batch = self.concurrency


@record
class ThroughputResult:
    model: str
    gpu: str
    gpu_count: int
    precision: str
    framework: str
    batch: int
    decode_tokens_per_s: float = spec(description="per stream")
    decode_tokens_per_s_total: float = spec(description="all streams together")
    concurrency: int = spec(1, "concurrent streams (= batch)")
    aggregate_tokens_per_s: float = spec(0.0, "generated tokens/s of all streams together (= decode total)")
    prefill_tokens_per_s: float
    time_to_first_token_s: float
    ms_per_token: float = spec(description="per stream, decode")
    bound: str = spec(description="what limits decode: memory bandwidth or compute")
    request_seconds: float = spec(description="prefill + all output tokens, one stream")
    weights_read_gb_per_token: float
    assumptions: list[str]
    notes: list[str] = spec(factory=list)


def serving_split(context: int) -> tuple[int, int]:
    """(prompt, output) tokens of one served sequence of `context` tokens: up to 512 generated (a chat answer),
    at most a quarter of the sequence; the rest is prompt. Plans and chat speed-at-load answers use this one split."""
    out = min(512, max(1, context // 4))
    return max(1, context - out), out


def _peak_tflops(gpu: GPU, fmt: WeightFormat, framework: str) -> tuple[float, str]:
    bf16 = gpu.bf16_tflops_dense or gpu.fp16_tflops_dense or gpu.fp32_tflops or 1.0
    if fmt.family == "fp8" and gpu.fp8_tflops_dense and framework in ("vllm", "tensorrt-llm", "sglang"):
        return gpu.fp8_tflops_dense, "FP8"
    if fmt.family in ("nvfp4", "mxfp4") and gpu.fp4_tflops_dense and framework in ("tensorrt-llm", "vllm", "sglang"):
        return gpu.fp4_tflops_dense, "FP4"
    return bf16, "BF16/FP16"


def _decode_weight_bytes(m: ModelSpec, fmt: WeightFormat, batch: int) -> float:
    """Weight bytes one decode step reads: all but the embedding table (only B rows are gathered);
    for MoE, the experts the batch's tokens route to (E x (1 - (1 - k/E)^B) per layer on average)."""
    by_role = weight_bytes(m, fmt, by_role=True)
    total = sum(v for k, v in by_role.items() if k not in ("embed", "pos_embed", "extra"))
    if m.tie_embeddings:
        total += by_role.get("embed", 0.0)  # the tied table is read in full as the LM head
    if m.is_moe:
        experts = sum(by_role.get(r, 0.0) for r in EXPERT_ROLES)
        touched = 1 - (1 - m.experts_per_token / m.num_experts) ** batch
        total -= experts * (1 - touched)
    return total


def _active_flops_per_token(m: ModelSpec, context: float) -> float:
    c = count_params(m)
    linear = c.active - c.embedding - c.extra
    attn = 4 * m.num_layers * m.num_heads * m.head_dim * context  # QK^T and AV
    return 2 * linear + attn


def estimate_throughput(req: ThroughputRequest) -> ThroughputResult:
    m = get_model(req.model)
    gpu = get_gpu(req.gpu)
    fmt = weight_format(req.precision or m.native_precision)
    framework = req.framework or default_inference_framework(fmt.family, gpu.vendor)
    if fmt.family == "gguf" and framework != "llama.cpp":
        raise AdvisorInputError("GGUF formats run on llama.cpp; drop --framework or pick a non-GGUF precision.")
    layer_split = framework == "llama.cpp"
    tp = 1 if layer_split else (req.tensor_parallel or req.gpu_count)
    if not layer_split and tp > 1 and m.num_heads % tp:
        raise AdvisorInputError(f"Tensor parallel {tp} does not divide {m.name}'s {m.num_heads} heads.")
    eta_bw = req.bandwidth_efficiency or BANDWIDTH_EFFICIENCY.get(gpu.vendor, 0.8)
    eta_c = req.compute_efficiency or COMPUTE_EFFICIENCY[framework]
    penalised = fmt.family in ("gptq", "awq", "gguf", "bnb4", "int8") and req.compute_efficiency is None
    if penalised:
        eta_c *= WEIGHT_ONLY_QUANT_PENALTY
    peak, peak_kind = _peak_tflops(gpu, fmt, framework)
    bw = gpu.memory_bandwidth_gb_per_s * 1e9 * eta_bw
    B = req.batch
    avg_ctx = req.prompt_tokens + req.output_tokens / 2
    w_bytes = _decode_weight_bytes(m, fmt, B)
    kv_bytes = B * kv_bytes_per_token(m, avg_ctx, req.kv_dtype) * avg_ctx
    # GPU share of the bytes; offloaded layers stream from host memory at CPU bandwidth
    off = req.cpu_offload_fraction
    gpus_in_parallel = tp  # with a layer split, GPUs take turns: no speed-up from more cards
    t_mem = (1 - off) * (w_bytes + kv_bytes) / (bw * gpus_in_parallel) + off * (w_bytes + kv_bytes) / (
        req.cpu_bandwidth_gb_per_s * 1e9)
    flops = B * _active_flops_per_token(m, avg_ctx)
    t_comp = flops / (peak * 1e12 * eta_c * tp)
    t_layers = m.num_layers * LAYER_OVERHEAD_S[framework]
    t_comm = 0.0
    if tp > 1:
        nvlink = gpu.nvlink_for(tp)
        link = "nvlink" if nvlink else "pcie"
        ic_bw = gpu.interconnect.bandwidth_gb_per_s if nvlink else 64.0  # PCIe Gen4 x16, both directions
        link_bw = (ic_bw or 32.0) * 1e9 / 2  # one direction
        msg = B * m.hidden_size * 2
        t_comm = 2 * m.num_layers * (ALLREDUCE_LATENCY_S[link] + 2 * (tp - 1) / tp * msg / link_bw)
    prefill_token_flops = _active_flops_per_token(m, req.prompt_tokens / 2)
    if req.continuous_batching and not layer_split:
        # steady state: B users each send a prompt every output_tokens steps, so each step also computes
        # B x prompt / output prompt tokens (chunked prefill mixed into the decode batch)
        t_comp += B * req.prompt_tokens / req.output_tokens * prefill_token_flops / (peak * 1e12 * eta_c * tp)
    if req.continuous_batching and not layer_split:
        # a mixed step (prefill chunks + decodes) sits near the roofline ridge: its GEMMs neither stream the
        # weights at full bandwidth nor compute at full rate, so the two times add rather than overlap
        t_step = t_mem + t_comp + t_layers + t_comm
    else:
        t_step = max(t_mem, t_comp) + t_layers + t_comm
    bound = "memory bandwidth" if t_mem >= t_comp else "compute"
    if req.continuous_batching and not layer_split:
        # a new prompt is prefilled in chunks of max_num_batched_tokens, each chunk riding along one decode step
        chunk = min(req.prompt_tokens, SERVE_CHUNK_TOKENS)
        chunk_s = chunk * prefill_token_flops / (peak * 1e12 * eta_c * tp)
        t_prefill = math.ceil(req.prompt_tokens / chunk) * (t_mem + t_comp + chunk_s + t_layers + t_comm)
        p_tokens = req.prompt_tokens
    else:
        # prefill: all prompt tokens of all streams in one compute-bound pass (plus one read of the weights)
        p_flops = B * req.prompt_tokens * prefill_token_flops
        t_prefill = p_flops / (peak * 1e12 * eta_c * tp) + w_bytes / (bw * gpus_in_parallel) + t_layers + t_comm
        p_tokens = B * req.prompt_tokens
    if off:
        t_prefill += off * w_bytes / (req.cpu_bandwidth_gb_per_s * 1e9)
    decode = 1 / t_step
    assumptions = [
        f"{framework}: {eta_bw:.0%} of {gpu.memory_bandwidth_gb_per_s:g} GB/s reached by decode"
        + ("" if req.bandwidth_efficiency else _assumed("bandwidth", gpu.vendor))
        + f", {eta_c:.0%} of {peak:g} {peak_kind} TFLOPS by large matrix multiplies"
        + ("" if req.compute_efficiency else _assumed("compute", framework))
        + (f", x{WEIGHT_ONLY_QUANT_PENALTY:g} for dequantizing weights{_assumed('penalty', True)}" if penalised else ""),
        f"{LAYER_OVERHEAD_S[framework] * 1e6:.0f} us launch overhead per layer per step"
        + _assumed("overhead", framework),
        f"prompt {req.prompt_tokens:,} + output {req.output_tokens:,} tokens, batch {B}, KV cache {req.kv_dtype}",
    ]
    if req.continuous_batching and not layer_split:
        assumptions.append(f"continuous batching at a steady load of {B} users: each step also prefills their next "
                           f"prompts ({B * req.prompt_tokens / req.output_tokens:,.0f} prompt tokens per step on "
                           f"average); a new prompt is prefilled in {SERVE_CHUNK_TOKENS:,}-token chunks alongside the "
                           "decodes (time to first token excludes queueing)")
    notes = [m.note] if m.note else []
    if req.precision is None and fmt.key != "bf16":
        notes.append(f"{m.name} ships in {fmt.key.upper()}; sized in that format.")
    if req.gpu_count > 1:
        assumptions.append("layers split across GPUs (they take turns: no speed-up, more memory)" if layer_split
                           else f"tensor parallel {tp} over {'NVLink' if gpu.nvlink_for(tp) else 'PCIe'}"
                           + ("" if gpu.nvlink_for(tp) else
                              f", {ALLREDUCE_LATENCY_S['pcie'] * 1e6:.0f} us per all-reduce{_assumed('allreduce', 'pcie')}"))
        if not layer_split and not gpu.nvlink_for(tp):
            notes.append("Without NVLink, tensor-parallel all-reduces go over PCIe and cost "
                         f"{t_comm * 1e3:.1f} ms per step here.")
    if off:
        assumptions.append(f"{off:.0%} of the weights stream from host RAM at {req.cpu_bandwidth_gb_per_s:g} GB/s")
    if m.is_moe:
        notes.append(f"MoE: each step reads the experts its tokens route to ({m.experts_per_token} of "
                     f"{m.num_experts} per token), not all of them.")
    return ThroughputResult(
        model=m.name, gpu=gpu.name, gpu_count=req.gpu_count, precision=fmt.key, framework=framework, batch=B,
        decode_tokens_per_s=round(decode, 2), decode_tokens_per_s_total=round(decode * B, 1),
        concurrency=B, aggregate_tokens_per_s=round(decode * B, 1),
        prefill_tokens_per_s=round(p_tokens / t_prefill, 1),
        time_to_first_token_s=round(t_prefill, 4), ms_per_token=round(t_step * 1e3, 3), bound=bound,
        request_seconds=round(t_prefill + req.output_tokens * t_step, 3),
        weights_read_gb_per_token=round(w_bytes / 1e9, 3), assumptions=assumptions, notes=notes,
    )



MAX_CONCURRENT_SEQUENCES = 1024  # scheduler cap (vLLM max_num_seqs / TRT-LLM max_batch_size are 256-2048)
RUNTIME_MEMORY_SHARE = VLLM_GPU_MEMORY_UTILIZATION  # TRT-LLM's free_gpu_memory_fraction is alike


def saturating_batch(req: ThroughputRequest) -> int:
    """The largest number of concurrent sequences whose KV cache fits next to the weights: what an
    offline max-throughput run (requests fed at an infinite rate) settles at."""
    from .memory import MemoryRequest, estimate_memory

    m = get_model(req.model)
    gpu = get_gpu(req.gpu)
    fw = req.framework or default_inference_framework(weight_format(req.precision or m.native_precision).family,
                                                      gpu.vendor)
    tp = 1 if fw == "llama.cpp" else (req.tensor_parallel or req.gpu_count)
    ctx = req.prompt_tokens + req.output_tokens
    one = estimate_memory(MemoryRequest(model=req.model, precision=req.precision, context=min(ctx, m.max_context),
                                        batch=1, gpu_count=req.gpu_count, framework="vllm" if fw != "llama.cpp" else fw,
                                        kv_dtype=req.kv_dtype))
    free = gpu.memory_gib * RUNTIME_MEMORY_SHARE - (one.per_gpu_gib - one.breakdown_gib["kv_cache"])
    per_seq = kv_bytes_per_token(m, ctx, req.kv_dtype, tp) * ctx / 2**30
    return max(1, min(MAX_CONCURRENT_SEQUENCES, int(free / per_seq)))


def offline_throughput(req: ThroughputRequest) -> ThroughputResult:
    """Aggregate output tokens/s with the batch saturated (MLPerf/trtllm-bench offline style)."""
    from .base import replace

    b = saturating_batch(req)
    r = estimate_throughput(replace(req, batch=b))
    total = b * req.output_tokens / r.request_seconds
    r.assumptions.append(f"offline max throughput: {b} concurrent sequences (KV cache fills "
                         f"{RUNTIME_MEMORY_SHARE:.0%} of memory after weights; cap {MAX_CONCURRENT_SEQUENCES}), "
                         "prefill and decode of each wave counted")
    r.decode_tokens_per_s_total = r.aggregate_tokens_per_s = round(total, 1)
    return r
