"""The KV-cache pool of a batching serving engine (vLLM, SGLang), per GPU.

vLLM (V1 engine, `vllm serve`) sizes its KV pool at start-up, on every GPU of a tensor-parallel group:

    pool = total_gpu_memory x gpu_memory_utilization
           - weights (this rank's shard)
           - torch peak of a profile run (a forward over max_num_batched_tokens, then the sampler over
             max_num_seqs rows of logits; whichever is larger, since the forward's buffers are freed first)
           - non-torch memory allocated since start-up (cuBLAS workspaces, NCCL and custom all-reduce buffers)
           - CUDA-graph memory (profiled and subtracted by default since v0.21; before that it came out of
             the 1 - utilization headroom)

(vllm/v1/worker/gpu_worker.py `determine_available_memory`; the log line is "Available KV cache memory").
The CUDA context exists before vLLM's baseline snapshot, so it lives in the 1 - utilization headroom.

SGLang reserves `mem_fraction_static` of the GPU for weights + KV pool; activations and CUDA graphs use the
rest, so its pool is total x fraction - weights.

Each term below grows with the model (hidden size, intermediate size, vocabulary, layers) and shrinks or
not with tensor parallelism as the engine shards it: that, not a per-model constant, is what makes a 32B
model's pool on one H100 much smaller than "memory minus weights" suggests.
"""

from __future__ import annotations

import math

from .arch import ModelSpec
from .base import record, spec
from .units import GIB

# vLLM's batch defaults for `vllm serve` (vllm/engine/arg_utils.py get_batch_defaults, v0.9-v0.21): GPUs with
# >= 70 GiB that are not A100s get max_num_batched_tokens 8192 and max_num_seqs 1024; others 2048 and 256.
LARGE_GPU_GIB = 70
SERVE_DEFAULTS = {"large": (8192, 1024), "other": (2048, 256)}
# Sampler profile: bytes per (row x vocabulary entry) alive at the sampler's peak in the profile run, which
# samples max_num_seqs rows. The logits are all-gathered, so every TP rank holds the full vocabulary.
# - vLLM v0.10-v0.18 (V1 engine; the dummy sampler run sets top-k and top-p, served by PyTorch's sort-based
#   path, vllm/v1/sample/ops/topk_topp_sampler.py): bf16 logits 2 + fp32 logits 4 + sorted values 4 + sort
#   indices (int64) 8 + softmax of the sorted row 4 + its cumulative sum 4 + top-p mask 1 + logits scattered back
#   4 + probabilities 4 + exponential noise for the random draw 4 = 39 B.
# - vLLM v0.19 and later (model runner V2: "the sampler may skip top_k, top_p, and logprobs" in the profile):
#   bf16 logits 2 + fp32 logits 4 + probabilities 4 + exponential noise 4 = 14 B.
# - CUDA-graph memory is estimated and subtracted from the KV budget by default since v0.21 ("CUDA graph memory
#   profiling is enabled (default since v0.21.0)" in its logs); before, graphs came out of the headroom.
VLLM_PROFILES = {"0.10-0.18": (39, False), "0.19-0.20": (14, False), "0.21+": (14, True)}
DEFAULT_VLLM = "0.21+"
# cudaMemGetInfo reports less total memory than nvidia-smi: H100 80GB 79.18-79.19 GiB vs 79.65 GiB (81559 MiB),
# A10G 22.07 vs 22.49 GiB, T4 14.56 vs 15.0 GiB (vLLM "total_gpu_memory" log lines). vLLM's budget is
# utilization x the CUDA figure.
DRIVER_RESERVED_GIB = 0.45
# Non-torch memory allocated after vLLM's baseline snapshot: cuBLAS/cuBLASLt workspaces, 0.13-0.25 GiB on one
# GPU in published H100 debug logs ("non-torch forward increase memory"); with tensor parallelism NCCL
# communicators and vLLM's custom all-reduce buffers bring it to 0.54-0.55 GiB per rank (TP=2 logs).
NON_TORCH_GIB = 0.2
NON_TORCH_TP_GIB = 0.35
# CUDA graphs (piecewise, one graph per layer per captured batch size, sizes up to 512 by default): the pool
# grows with the number of layers; published captures: 1.86 GiB for a 64-layer 32B model on H100, 0.84 GiB
# for a 32-layer 8B model ("Estimated CUDA graph memory" / "Graph capturing finished ... took X GiB").
CUDA_GRAPH_GIB_PER_LAYER = 0.028
# SGLang's default mem_fraction_static is chosen from the GPU's memory and TP size (about 0.8-0.9); we take
# the request's gpu_memory_utilization as that fraction.


@record
class EnginePool:
    framework: str
    budget_gib: float = spec(description="total x gpu_memory_utilization, per GPU")
    weights_gib: float
    forward_peak_gib: float = spec(description="profile forward over max_num_batched_tokens, this rank")
    sampler_peak_gib: float = spec(description="logits and probabilities of max_num_seqs rows, full vocabulary")
    profile_peak_gib: float = spec(description="the larger of the two (what the profile run's torch peak shows)")
    non_torch_gib: float
    cuda_graph_gib: float = spec(description="subtracted from the budget (vLLM >= 0.21); else 0")
    unreported_gib: float = spec(0.0, description="utilization x the memory CUDA does not report (driver-reserved)")
    kv_pool_gib: float = spec(description="what is left for the KV cache, per GPU (can be negative)")
    max_num_batched_tokens: int
    max_num_seqs: int

    @property
    def overhead_gib(self) -> float:
        return self.non_torch_gib + self.cuda_graph_gib + self.unreported_gib


def serve_defaults(gpu_memory_gib: float, gpu_name: str = "") -> tuple[int, int]:
    """(max_num_batched_tokens, max_num_seqs) that `vllm serve` picks on this GPU."""
    large = gpu_memory_gib >= LARGE_GPU_GIB and "a100" not in gpu_name.lower()
    return SERVE_DEFAULTS["large" if large else "other"]


def forward_bytes_per_token(m: ModelSpec, tp: int) -> float:
    """Live bf16 activations per token at the peak of one decoder layer in the profile forward, this rank:
    the residual stream, its normalised copy and the attention output (hidden each, replicated), the QKV
    projection and the attention output before o_proj (sharded by TP), and the MLP's gate+up output and
    activated product (2 + 1 intermediate widths, sharded)."""
    if m.is_moe:
        inter = m.moe_intermediate_size * m.experts_per_token + m.shared_expert_intermediate_size * m.num_shared_experts
    else:
        inter = m.intermediate_size
    q = m.num_heads * m.head_dim
    kv = 2 * m.num_kv_heads * m.head_dim
    return 2 * (3 * m.hidden_size + (2 * q + kv) / tp + 3 * inter / tp)


def engine_pool(m: ModelSpec, *, framework: str, gpu_memory_gib: float, gpu_name: str, weights_per_gpu_bytes: float,
                tp: int, gpu_memory_utilization: float, max_num_batched_tokens: int | None = None,
                max_num_seqs: int | None = None, vllm_version: str = DEFAULT_VLLM) -> EnginePool:
    budget = (gpu_memory_gib - DRIVER_RESERVED_GIB) * gpu_memory_utilization
    unreported = gpu_memory_gib * gpu_memory_utilization - budget
    w = weights_per_gpu_bytes / GIB
    tokens, seqs = serve_defaults(gpu_memory_gib, gpu_name)
    tokens = max_num_batched_tokens or tokens
    seqs = min(max_num_seqs or seqs, tokens)
    if framework == "sglang":
        return EnginePool(framework=framework, budget_gib=round(budget, 3), weights_gib=round(w, 3),
                          forward_peak_gib=0.0, sampler_peak_gib=0.0, profile_peak_gib=0.0, non_torch_gib=0.0,
                          cuda_graph_gib=0.0, unreported_gib=round(unreported, 3), kv_pool_gib=round(budget - w, 3),
                          max_num_batched_tokens=tokens,
                          max_num_seqs=seqs)
    fwd = tokens * forward_bytes_per_token(m, tp) / GIB
    hidden_kept = tokens * m.hidden_size * 2 / GIB  # the profile forward's output stays alive for the sampler
    if vllm_version not in VLLM_PROFILES:
        raise ValueError(f"unknown vLLM profile {vllm_version!r}; one of {', '.join(VLLM_PROFILES)}")
    sampler_bytes, graphs_counted = VLLM_PROFILES[vllm_version]
    sampler = seqs * m.vocab_size * sampler_bytes / GIB + hidden_kept
    peak = max(fwd, sampler)
    non_torch = NON_TORCH_GIB + (NON_TORCH_TP_GIB if tp > 1 else 0.0)
    graphs = CUDA_GRAPH_GIB_PER_LAYER * m.num_layers if graphs_counted else 0.0
    pool = budget - w - peak - non_torch - graphs
    return EnginePool(framework=framework, budget_gib=round(budget, 3), weights_gib=round(w, 3),
                      forward_peak_gib=round(fwd, 3), sampler_peak_gib=round(sampler, 3),
                      profile_peak_gib=round(peak, 3), non_torch_gib=non_torch, cuda_graph_gib=round(graphs, 3),
                      unreported_gib=round(unreported, 3),
                      kv_pool_gib=round(pool, 3), max_num_batched_tokens=tokens, max_num_seqs=seqs)


def sequences_in_pool(pool_gib: float, kv_bytes_per_sequence: float, max_num_seqs: int) -> int:
    """Whole sequences of a given KV size the pool holds, capped by the scheduler's max_num_seqs."""
    if pool_gib <= 0 or kv_bytes_per_sequence <= 0:
        return 0
    return min(max_num_seqs, math.floor(pool_gib * GIB / kv_bytes_per_sequence))
