"""estimate_throughput: decode and prefill speed from bytes moved and FLOPs done per step.

Decode (one new token for each of `batch` streams) must read every active weight once plus each
stream's KV cache, and do 2 FLOPs per active parameter per stream: the step takes the longer of
the memory time (bytes / achievable bandwidth) and the compute time (FLOPs / achievable FLOPS),
plus a per-layer launch overhead and, under tensor parallelism, two all-reduces per layer.
At batch 1 memory wins; as the batch grows compute takes over. Prefill is compute bound.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from .arch import ModelSpec
from .base import check, record, spec
from .defaults import ASSUMED, BATCH, VLLM_GPU_MEMORY_UTILIZATION, default_inference_framework
from .errors import AdvisorInputError
from .formats import WeightFormat, engine_format, weight_bytes, weight_format
from .gpus import GPU, get_gpu
from .memory_inference import kv_bytes_per_token
from .models import get_model
from .params import EXPERT_ROLES, count_params

Framework = Literal["transformers", "vllm", "llama.cpp", "tensorrt-llm", "sglang", "autoawq"]


@dataclass(frozen=True)
class ServeCalib:
    """The serving step model's fitted constants (bench/serve_fit.py). Five numbers for all engines, GPUs and
    models; every other part of a step is counted from the model's shape and the GPU's datasheet."""

    bw_eff: float  # share of datasheet memory bandwidth a decode step's weight/KV reads reach (NVIDIA/AMD HBM, GDDR)
    kernel_graph_s: float  # fixed cost of one kernel in a CUDA-graph replay (vLLM, SGLang, TensorRT-LLM)
    kernel_llamacpp_s: float  # the same for one node of llama.cpp's compute graph (CUDA graphs / Metal)
    kernel_eager_s: float  # the same with eager PyTorch launches (transformers, AutoAWQ)
    mfu: float  # share of peak tensor FLOPS large GEMMs reach in serving (prefill, large-batch decode)
    kernel_prefill_s: float  # one op of a vLLM/SGLang prefill forward: launched from Python, not a graph replay


# The fixed neutral start of every fit (leave-one-source-out refits start here, never from a fitted value):
# bandwidth 80% (STREAM-style copies reach ~90% of HBM peak, GEMV kernels less), 4 us per graph-replayed kernel
# and 10 us per eagerly launched one (CUDA launch latency is ~2-5 us; a small kernel's ramp-up and tail add as
# much), 50% of peak for large GEMMs (cuBLAS reaches 60-75% of dense peak on H100 at large shapes).
NEUTRAL = ServeCalib(bw_eff=0.80, kernel_graph_s=4e-6, kernel_llamacpp_s=4e-6, kernel_eager_s=10e-6, mfu=0.5,
                     kernel_prefill_s=10e-6)
# Fitted on all sources by `python bench/serve_fit.py` (held-out errors per source in docs/validation.md).
# bw_eff sits at its upper bound (0.95): the per-kernel costs, which add to the read time, absorb part of it, so
# the two are identified together rather than apart (docs/speed-model.md).
SERVE_CALIB = ServeCalib(bw_eff=0.95, kernel_graph_s=7.13e-6, kernel_llamacpp_s=11.57e-6, kernel_eager_s=7.21e-6,
                         mfu=0.488, kernel_prefill_s=88.2e-6)

# Relative achievable bandwidth per vendor (1.0 = NVIDIA): Apple's GPU streams ~70% of its unified-memory peak
# against ~85% for an NVIDIA GPU in the same llama.cpp benchmarks; AMD's ROCm stacks ~75%. Not fitted.
VENDOR_BANDWIDTH = {"nvidia": 1.0, "amd": 0.88, "apple": 0.82, "google": 0.94, "intel": 0.82}
# Kernels one decoder layer runs per step, counted from vLLM's/SGLang's layer forward with their fused kernels:
# dense: fused add+RMSNorm, QKV GEMM, rotary, KV-cache write, attention, O GEMM, fused add+RMSNorm, gate_up GEMM,
# SiLU-and-mul, down GEMM (10). An MoE MLP runs router GEMM, fused top-k softmax, token sort/align, the experts'
# gate_up GEMM, SiLU-and-mul, their down GEMM and the sum over the k experts (vLLM's FusedMoE: 7, 4 more than a
# dense MLP's 3); shared experts add their own gate_up, activation and down and the add to the routed output (4),
# and a shared-expert gate (Qwen2-MoE) its GEMM and sigmoid-multiply (2). MLA attention adds the q/kv down-projections,
# their two norms, and the two absorbed batched matmuls (6 more than GQA). Per step: embedding, final norm,
# LM head, sampling (temperature, top-k/top-p, argmax), 6 kernels.
KERNELS_DENSE_LAYER = 10
KERNELS_MOE_EXTRA = 4
KERNELS_SHARED_EXPERT = 4
KERNELS_SHARED_GATE = 2
KERNELS_MLA_EXTRA = 6
KERNELS_PER_STEP = 6
KERNEL_CLASS = {"vllm": "graph", "sglang": "graph", "tensorrt-llm": "graph", "llama.cpp": "llamacpp",
                "transformers": "eager", "autoawq": "eager"}
# vLLM and SGLang replay CUDA graphs for decode batches only: a step that prefills dispatches its ops from
# Python (SGLang captures decode only; vLLM's piecewise graphs leave attention and the scheduler's bookkeeping
# outside). TensorRT-LLM runs prefill from its C++ runtime, and llama.cpp from its own graph, as they run decode.
PREFILL_LAUNCHED = {"vllm", "sglang"}
WEIGHT_ONLY_QUANT_PENALTY = 0.7  # dequantizing 4-bit weights inside a batched GEMM costs compute (not llama.cpp)
# One all-reduce's latency: vLLM/TRT-LLM's custom one-shot all-reduce over NVLink ~8 us; NCCL over PCIe ~25 us;
# between nodes 65 us: nccl-tests measured 62 us (128 B) to 75 us (4 KB) for an all-reduce over 16 H100s in two
# nodes of 8 (github.com/NVIDIA/nccl/issues/1453; NCCL's own tuning model says 25 us, a lower bound that leaves out
# the kernel's start and the intra-node hops). An expert-parallel all-to-all (dispatch or combine) ~2x an all-reduce's latency
# (DeepEP low-latency kernels: 77-118 us dispatch, 114-195 us combine for 128 tokens at EP 8-16 over RDMA).
ALLREDUCE_LATENCY_S = {"nvlink": 8e-6, "pcie": 25e-6, "network": 65e-6}
ALLTOALL_LATENCY_S = {"nvlink": 20e-6, "pcie": 50e-6, "network": 80e-6}
# One 400 Gb/s InfiniBand/RoCE NIC per GPU (HGX H100/H200/B200 servers); NDR NICs carry 46-49 GB/s each
# (NVIDIA's NCCL team, github.com/NVIDIA/nccl-tests/issues/290 and /267).
NETWORK_GB_PER_S = 50.0
# An all-reduce across servers runs one ring (channel) per NIC, so its bus bandwidth is the server's NICs together:
# "On an Nvidia DGX-A100 system we have 8x200Gbit/s IB cards and we measure 192GB/s AllReduce BusBW" (NCCL team,
# github.com/NVIDIA/nccl/issues/812, 8 x 24 GB/s). An all-to-all or a point-to-point send cannot aggregate NICs:
# "the performance you should see is the performance of a single NIC" (nccl-tests/issues/267).
ALLREDUCE_NICS = 8
GPUS_PER_NODE = 8  # HGX/DGX servers
SERVE_CHUNK_TOKENS = 8192  # vLLM's max_num_batched_tokens for `vllm serve` on H100-class GPUs (engine_memory)
# Constants that no validation row checks: answers that use them say they are assumed.
UNCHECKED = {"bandwidth": {"amd", "google", "intel"}, "penalty": {True}, "allreduce": {"pcie"}}


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
    pipeline_parallel: int | None = spec(None, "pipeline stages (PP); default 1 within a node, else one per node "
                                         "of 8 GPUs when TP is not given", gt=0, le=512)
    expert_parallel: int = spec(1, "GPUs the MoE experts are spread over (EP; 1 = experts split by tensor "
                                   "parallel); each MoE layer then does two all-to-alls", gt=0, le=4096)
    max_num_seqs: int | None = spec(None, "engine cap on sequences in one step (vLLM max_num_seqs); users beyond "
                                          "it wait", gt=0, le=65536)
    max_num_batched_tokens: int | None = spec(None, "engine cap on tokens in one step (vLLM "
                                                    "max_num_batched_tokens): the prefill chunk", gt=0, le=2**22)
    prefix_cached_tokens: int = spec(0, "of each prompt, the tokens already in the KV cache from the conversation's "
                                        "earlier turns (prefix caching, on by default in vLLM and SGLang): held and "
                                        "attended to, not prefilled again", ge=0, le=2**24)

    def __post_init__(self) -> None:
        if isinstance(self.precision, str):
            self.precision = self.precision.strip().lower()
        check(self)
        if self.concurrency is not None:
            self.batch = self.concurrency
        if self.prefix_cached_tokens >= self.prompt_tokens:
            raise AdvisorInputError(f"prefix_cached_tokens ({self.prefix_cached_tokens:,}) must be below prompt_tokens "
                                    f"({self.prompt_tokens:,}): at least the new message is prefilled.")


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
    tensor_parallel: int = 1
    pipeline_parallel: int = 1
    expert_parallel: int = 1
    nodes: int = 1
    step_ms: dict = spec(factory=dict, description="one decode step's parts, ms: weights+KV reads, compute, "
                                                    "kernels, collectives")
    decode_tokens_per_s_range: list = spec(factory=list, description="[low, high] per stream, from the held-out "
                                                                      "errors of serving speed (docs/validation.md)")
    time_to_first_token_s_range: list = spec(factory=list, description="[low, high] from the held-out TTFT errors")
    range_note: str = ""


def serving_split(context: int) -> tuple[int, int]:
    """(prompt, output) tokens of one served sequence of `context` tokens: up to 512 generated (a chat answer),
    at most a quarter of the sequence; the rest is prompt. Plans and chat speed-at-load answers use this one split."""
    out = min(512, max(1, context // 4))
    return max(1, context - out), out


def chat_turn(context: int) -> dict:
    """One turn of a chat conversation that has grown to `context` tokens, as ThroughputRequest fields: the prompt
    and answer split as serving_split splits them, and of the prompt only the person's new message is prefilled -
    assumed as long as the answer; the earlier turns' KV is reused from the prefix cache (vLLM's automatic prefix
    caching and SGLang's radix cache, both on by default). A one-shot request (a document, RAG, a batch job) has no
    cached prefix: pass prompt_tokens alone for that."""
    prompt, out = serving_split(context)
    return dict(prompt_tokens=prompt, output_tokens=out, prefix_cached_tokens=max(0, prompt - out))


def _peak_tflops(gpu: GPU, fmt: WeightFormat, framework: str) -> tuple[float, str]:
    if gpu.kind == "described" and not (gpu.bf16_tflops_dense or gpu.fp16_tflops_dense):
        return math.inf, "TFLOPS (not given: compute taken as not limiting)"  # decode then rests on bandwidth alone
    bf16 = gpu.bf16_tflops_dense or gpu.fp16_tflops_dense or gpu.fp32_tflops or 1.0
    if fmt.family == "fp8" and gpu.fp8_tflops_dense and framework in ("vllm", "tensorrt-llm", "sglang"):
        return gpu.fp8_tflops_dense, "FP8"
    if fmt.family in ("nvfp4", "mxfp4") and gpu.fp4_tflops_dense and framework in ("tensorrt-llm", "vllm", "sglang"):
        return gpu.fp4_tflops_dense, "FP4"
    if framework == "llama.cpp" and gpu.vendor == "nvidia" and gpu.kind == "consumer":
        # ggml-cuda's cuBLAS GEMMs accumulate in FP16 (CUBLAS_COMPUTE_16F); GeForce cards run that at twice their
        # FP32-accumulate rate, the figure the catalog holds (Ada whitepaper: RTX 4090 330 vs 165 TFLOPS)
        return 2 * bf16, "FP16 (FP16 accumulate)"
    return bf16, "BF16/FP16"


_ROLES: dict[tuple[int, str], tuple[ModelSpec, dict, float]] = {}


def _roles(m: ModelSpec, fmt: WeightFormat) -> tuple[dict, float]:
    """weight_bytes by role and their sum, kept per (model object, format): plans ask thousands of times."""
    key = (id(m), fmt.key)
    hit = _ROLES.get(key)
    if hit is None or hit[0] is not m:  # the model object itself is kept, so an id is never reused by mistake
        by_role = weight_bytes(m, fmt, by_role=True)
        if len(_ROLES) > 512:
            _ROLES.clear()
        hit = _ROLES[key] = (m, by_role, sum(v for k, v in by_role.items() if k not in ("embed", "pos_embed", "extra")))
    return hit[1], hit[2]


def _expert_bytes(m: ModelSpec, fmt: WeightFormat) -> float:
    """Bytes of one routed expert in one MoE layer (0 for a dense model)."""
    if not m.is_moe:
        return 0.0
    by_role, _ = _roles(m, fmt)
    return sum(by_role.get(r, 0.0) for r in EXPERT_ROLES) / ((m.moe_layers or m.num_layers) * m.num_experts)


def touched_experts(m: ModelSpec, batch: int) -> float:
    """Expected distinct experts a batch of `batch` tokens routes to in one layer: E x (1 - (1 - k/E)^B)."""
    if not m.num_experts:
        return 0.0
    return m.num_experts * (1 - (1 - m.experts_per_token / m.num_experts) ** batch) if m.is_moe else 0.0


def _decode_weight_bytes(m: ModelSpec, fmt: WeightFormat, batch: int) -> float:
    """Weight bytes one decode step reads: all but the embedding table (only B rows are gathered);
    for MoE, the experts the batch's tokens route to (E x (1 - (1 - k/E)^B) per layer on average)."""
    by_role, total = _roles(m, fmt)
    if m.tie_embeddings:
        total += by_role.get("embed", 0.0)  # the tied table is read in full as the LM head
    if m.is_moe:
        experts = sum(by_role.get(r, 0.0) for r in EXPERT_ROLES)
        touched = 1 - (1 - m.experts_per_token / m.num_experts) ** batch
        total -= experts * (1 - touched)
    return total


def _weight_bytes_per_gpu(m: ModelSpec, fmt: WeightFormat, lay: Layout, w: float, tokens: float) -> float:
    """Of `w` weight bytes read by a step of `tokens` tokens, those one GPU of a pipeline stage's group reads (all
    stages together; divide by pp for one stage): tensor parallel splits every matrix; expert parallel splits the
    routed experts by GPU instead. A routed expert costs the bytes of its weights, read once per step however many
    of the batch's tokens route to it (grouped GEMMs run the touched experts side by side)."""
    if not m.is_moe:
        return w / lay.tp
    experts = (m.moe_layers or m.num_layers) * touched_experts(m, tokens) * _expert_bytes(m, fmt)
    return (w - experts) / lay.tp + experts / (lay.tp if lay.ep == 1 else lay.ep)


def _active_flops_per_token(m: ModelSpec, context: float) -> float:
    c = count_params(m)
    linear = c.active - c.embedding - c.extra
    attn = 4 * m.num_layers * m.num_heads * m.head_dim * context  # QK^T and AV
    return 2 * linear + attn


def _kernels_per_layer(m: ModelSpec) -> float:
    moe_share = (m.moe_layers or m.num_layers) / m.num_layers if m.is_moe else 0.0
    moe = KERNELS_MOE_EXTRA + (KERNELS_SHARED_EXPERT + KERNELS_SHARED_GATE * m.shared_expert_gate
                               if m.num_shared_experts else 0)
    return KERNELS_DENSE_LAYER + moe * moe_share + (KERNELS_MLA_EXTRA if m.is_mla else 0)


def _link(gpu: GPU, group: int, spans_nodes: bool) -> tuple[str, float]:
    """(kind, one-direction GB/s) of the link a collective over `group` GPUs uses."""
    if spans_nodes:
        return "network", NETWORK_GB_PER_S
    if gpu.nvlink_for(group):
        return "nvlink", (gpu.interconnect.bandwidth_gb_per_s or 64.0) / 2
    return "pcie", 32.0  # PCIe Gen4 x16, one direction


def _allreduce_s(gpu: GPU, tp: int, spans_nodes: bool, msg_bytes: float) -> float:
    """Latency plus a ring's 2(n-1)/n of the message at the bus bandwidth: across servers, every NIC of a server
    carries its own ring, bounded by the NVLink inside each server."""
    kind, gbps = _link(gpu, tp, spans_nodes)
    if spans_nodes:
        gbps = min(ALLREDUCE_NICS * gbps, _link(gpu, GPUS_PER_NODE, False)[1])
    return ALLREDUCE_LATENCY_S[kind] + 2 * (tp - 1) / tp * msg_bytes / (gbps * 1e9)


@dataclass(frozen=True)
class Layout:
    """How a replica's GPUs split the model: tensor (tp) x pipeline (pp) stages, experts over ep GPUs."""

    tp: int
    pp: int
    ep: int
    nodes: int
    tp_spans_nodes: bool
    layer_split: bool  # llama.cpp: layers split over GPUs that take turns


def layout(req: ThroughputRequest, m: ModelSpec, framework: str) -> Layout:
    n = req.gpu_count
    if framework == "llama.cpp":
        return Layout(1, 1, 1, 1, False, True)
    if req.tensor_parallel and req.pipeline_parallel:
        tp, pp = req.tensor_parallel, req.pipeline_parallel
    elif req.tensor_parallel:
        tp, pp = req.tensor_parallel, max(1, n // req.tensor_parallel)
    elif req.pipeline_parallel:
        pp = req.pipeline_parallel
        tp = max(1, n // pp)
    else:  # tensor parallel within a server, one pipeline stage per server (vLLM's multi-node recipe)
        tp, pp = (n, 1) if n <= GPUS_PER_NODE else (GPUS_PER_NODE, math.ceil(n / GPUS_PER_NODE))
        if m.num_heads % tp:  # 8 GPUs, 28 heads: the widest tensor split that divides both, the rest as stages
            tp = max(d for d in range(1, tp + 1) if m.num_heads % d == 0 and n % d == 0)
            pp = n // tp
    if tp * pp != n:
        raise AdvisorInputError(f"tensor parallel {tp} x pipeline parallel {pp} = {tp * pp} GPUs, not the "
                                f"{n} asked for; set --tensor-parallel and --pipeline-parallel so they multiply "
                                f"to --gpu-count.")
    if tp > 1 and m.num_heads % tp:
        raise AdvisorInputError(f"Tensor parallel {tp} does not divide {m.name}'s {m.num_heads} heads.")
    if pp > m.num_layers:
        raise AdvisorInputError(f"{pp} pipeline stages is more than {m.name}'s {m.num_layers} layers.")
    ep = req.expert_parallel if m.is_moe else 1
    if ep > n:
        raise AdvisorInputError(f"expert parallel {ep} is more than the {n} GPUs.")
    return Layout(tp, pp, ep, math.ceil(n / GPUS_PER_NODE), tp > GPUS_PER_NODE, False)


@dataclass(frozen=True)
class Step:
    """One decode step of a replica, seconds: the parts of a pipeline stage, times the stages."""

    mem_s: float
    comp_s: float
    kernel_s: float
    comm_s: float
    stages: int

    def total(self, mixed: bool = False) -> float:
        """A pure decode step overlaps reads and math; a mixed step (prefill chunks + decodes) sits near the
        roofline ridge, so the two add."""
        core = self.mem_s + self.comp_s if mixed else max(self.mem_s, self.comp_s)
        return self.stages * (core + self.kernel_s + self.comm_s)


def decode_step(m: ModelSpec, fmt: WeightFormat, gpu: GPU, lay: Layout, framework: str, batch: int, ctx: float,
                kv_dtype: str, calib: ServeCalib, extra_tokens: float = 0.0, offload: float = 0.0,
                cpu_gb_s: float = CPU_BANDWIDTH_GB_S, eta_bw: float | None = None,
                eta_c: float | None = None) -> Step:
    """A decode step for `batch` streams at an average context `ctx` (+ `extra_tokens` prompt tokens computed in
    the same step). With pp stages and a full pipeline, each of pp micro-batches (batch/pp streams) passes every
    stage once per step."""
    tp, pp = lay.tp, lay.pp
    b = math.ceil(batch / pp)
    bw = gpu.memory_bandwidth_gb_per_s * 1e9 * (eta_bw or calib.bw_eff * VENDOR_BANDWIDTH.get(gpu.vendor, 0.85))
    peak, _ = _peak_tflops(gpu, fmt, framework)
    mfu = eta_c or _mfu(fmt, framework, calib)
    w = _decode_weight_bytes(m, fmt, b)
    kv = b * kv_bytes_per_token(m, ctx, kv_dtype, tp) * ctx  # per TP rank (MLA's latent is replicated)
    per_gpu = (_weight_bytes_per_gpu(m, fmt, lay, w, b) + kv) / pp
    mem = (1 - offload) * per_gpu / bw + offload * (w + kv) / (cpu_gb_s * 1e9)
    tokens = b + extra_tokens / pp
    comp = tokens * _active_flops_per_token(m, ctx) / (peak * 1e12 * mfu * tp * pp)
    per_kernel = getattr(calib, f"kernel_{KERNEL_CLASS[framework]}_s")
    layers = m.num_layers / pp
    kern = (layers * _kernels_per_layer(m) + KERNELS_PER_STEP / pp) * per_kernel
    comm = 0.0
    if tp > 1:  # two all-reduces of the hidden state per layer (after attention and after the MLP)
        comm += layers * 2 * _allreduce_s(gpu, tp, lay.tp_spans_nodes, tokens * m.hidden_size * 2)
    if lay.ep > 1:  # dispatch and combine: each token's hidden state to its k experts' GPUs and back
        kind, gbps = _link(gpu, lay.ep, lay.ep > GPUS_PER_NODE)
        moe_layers = (m.moe_layers or m.num_layers) / pp
        msg = tokens * m.experts_per_token * m.hidden_size * 2 * (lay.ep - 1) / lay.ep
        comm += moe_layers * 2 * (ALLTOALL_LATENCY_S[kind] + msg / (gbps * 1e9))
    if pp > 1:  # hand the micro-batch's hidden states to the next stage (across nodes past one server)
        kind, gbps = _link(gpu, 2, lay.nodes > 1)
        comm += ALLREDUCE_LATENCY_S[kind] + tokens * m.hidden_size * 2 / (gbps * 1e9)
    return Step(mem, comp, kern, comm, pp)


def _mfu(fmt: WeightFormat, framework: str, calib: ServeCalib) -> float:
    penalised = fmt.family in ("gptq", "awq", "bnb4", "int8") and framework != "llama.cpp"
    return calib.mfu * (WEIGHT_ONLY_QUANT_PENALTY if penalised else 1.0)


def prefill_launch_s(m: ModelSpec, framework: str, calib: ServeCalib, pp: int = 1) -> float:
    """What a prefill forward pays over a graph-replayed step of the same kernels in vLLM and SGLang, whose CUDA
    graphs cover decode batches only: each op is dispatched from Python (`kernel_prefill_s`). Pipeline stages
    dispatch their layers in parallel. Zero for engines that run prefill as they run decode."""
    if framework not in PREFILL_LAUNCHED:
        return 0.0
    ops = m.num_layers / pp * _kernels_per_layer(m) + KERNELS_PER_STEP
    return ops * max(0.0, calib.kernel_prefill_s - calib.kernel_graph_s)


def prefill_seconds(m: ModelSpec, fmt: WeightFormat, gpu: GPU, lay: Layout, framework: str, tokens: int,
                    prompt: int, calib: ServeCalib, eta_bw: float | None = None, eta_c: float | None = None) -> float:
    """One forward over `tokens` prompt tokens (sequences of `prompt` tokens): the GEMMs and causal attention at
    the achievable share of peak, plus one read of every weight it touches, the kernels, and the all-reduces of
    the prompt's hidden states. Pipeline stages run one after another for a single prompt."""
    peak, _ = _peak_tflops(gpu, fmt, framework)
    mfu = eta_c or _mfu(fmt, framework, calib)
    bw = gpu.memory_bandwidth_gb_per_s * 1e9 * (eta_bw or calib.bw_eff * VENDOR_BANDWIDTH.get(gpu.vendor, 0.85))
    flops = tokens * _active_flops_per_token(m, prompt / 2)
    t = flops / (peak * 1e12 * mfu * lay.tp)
    # one read of every weight the prompt touches (a long prompt's tokens route to nearly every expert); the stages
    # read their layers one after another, so all of them count
    t += _weight_bytes_per_gpu(m, fmt, lay, _decode_weight_bytes(m, fmt, tokens), tokens) / bw
    per_kernel = getattr(calib, f"kernel_{KERNEL_CLASS[framework]}_s")
    t += (m.num_layers * _kernels_per_layer(m) + KERNELS_PER_STEP) * per_kernel + prefill_launch_s(m, framework, calib)
    if lay.tp > 1:
        t += m.num_layers * 2 * _allreduce_s(gpu, lay.tp, lay.tp_spans_nodes, tokens * m.hidden_size * 2)
    if lay.ep > 1:
        kind, gbps = _link(gpu, lay.ep, lay.ep > GPUS_PER_NODE)
        t += (m.moe_layers or m.num_layers) * 2 * (ALLTOALL_LATENCY_S[kind] + tokens * m.experts_per_token
                                                   * m.hidden_size * 2 * (lay.ep - 1) / lay.ep / (gbps * 1e9))
    return t


@lru_cache(maxsize=1)
def speed_ranges() -> dict:
    """Held-out error quantiles per validation group (written by bench/validate.py)."""
    path = Path(__file__).with_name("data") / "speed_ranges.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def value_range(value: float, group: str, *, lower_is_faster: bool = False) -> list[float]:
    """[low, high] for an estimate, from its group's held-out errors (estimate / measured - 1): the 10th-90th
    percentile of the measured-to-estimate ratio. Empty when the group has no held-out rows on file."""
    r = speed_ranges().get(group)
    if not r or value <= 0:
        return []
    lo, hi = value / (1 + r["p90"]), value / (1 + r["p10"])
    return [round(lo, 4 if lower_is_faster else 2), round(hi, 4 if lower_is_faster else 2)]


def range_note(group: str) -> str:
    r = speed_ranges().get(group)
    if not r:
        return ""
    return (f"range: 10th-90th percentile of held-out errors ({group}: {r['rows']} published rows from "
            f"{r['sources']} sources, each scored by constants fitted without its source); assumes {r['assumes']}")


@dataclass(frozen=True)
class _Speed:
    """The numbers of one estimate, before its explanation is written (plans search over these)."""

    m: ModelSpec
    gpu: GPU
    fmt: WeightFormat
    framework: str
    lay: Layout
    users: int
    B: int
    step: Step
    t_prefill: float
    p_tokens: float
    w_bytes: float
    mixed: bool
    extra: float
    chunk_cap: int
    decode: float
    bw_share: float
    mfu: float
    peak: float
    peak_kind: str


def speed_numbers(req: ThroughputRequest, calib: ServeCalib | None = None, m: ModelSpec | None = None,
                  gpu: GPU | None = None) -> _Speed:
    """Decode speed per stream and the prefill time, without the result's text (estimate_throughput adds it).
    `m` and `gpu`, when given, are req.model and req.gpu already looked up (plans ask thousands of times)."""
    calib = calib or SERVE_CALIB
    m = m or get_model(req.model)
    gpu = gpu or get_gpu(req.gpu)
    if not gpu.memory_bandwidth_gb_per_s:
        raise AdvisorInputError(f"A speed on {gpu.name} needs its memory bandwidth (decode reads every weight per "
                                "token): give it, e.g. '204.8 GB/s'.")
    fmt = weight_format(req.precision or m.native_precision)
    framework = req.framework or default_inference_framework(fmt.family, gpu.vendor)
    fmt = engine_format(fmt, framework, m)
    if fmt.family == "gguf" and framework != "llama.cpp":
        raise AdvisorInputError("GGUF formats run on llama.cpp; drop --framework or pick a non-GGUF precision.")
    lay = layout(req, m, framework)
    eta_bw, eta_c = req.bandwidth_efficiency, req.compute_efficiency
    bw_share = eta_bw or calib.bw_eff * VENDOR_BANDWIDTH.get(gpu.vendor, 0.85)
    mfu = eta_c or _mfu(fmt, framework, calib)
    peak, peak_kind = _peak_tflops(gpu, fmt, framework)
    users = req.batch
    B = min(users, req.max_num_seqs) if req.max_num_seqs else users
    avg_ctx = req.prompt_tokens + req.output_tokens / 2
    off = req.cpu_offload_fraction
    mixed = req.continuous_batching and not lay.layer_split
    # steady state: B users each send a prompt every output_tokens steps, so each step also computes
    # B x prompt / output prompt tokens (chunked prefill mixed into the decode batch)
    new_prompt = req.prompt_tokens - req.prefix_cached_tokens  # a cached prefix is attended to, not prefilled
    extra = B * new_prompt / req.output_tokens if mixed else 0.0
    step = decode_step(m, fmt, gpu, lay, framework, B, avg_ctx, req.kv_dtype, calib, extra, off,
                       req.cpu_bandwidth_gb_per_s, eta_bw, eta_c)
    t_step = step.total(mixed)
    w_bytes = _decode_weight_bytes(m, fmt, math.ceil(B / lay.pp))
    chunk_cap = req.max_num_batched_tokens or SERVE_CHUNK_TOKENS
    if mixed:
        # a new prompt is prefilled in chunks of max_num_batched_tokens, each chunk riding along one decode step
        chunk = min(new_prompt, chunk_cap)
        chunk_step = decode_step(m, fmt, gpu, lay, framework, B, avg_ctx, req.kv_dtype, calib, extra + chunk * lay.pp,
                                 off, req.cpu_bandwidth_gb_per_s, eta_bw, eta_c)
        t_prefill = math.ceil(new_prompt / chunk) * chunk_step.total(True)
        p_tokens = new_prompt
        # a step that prefills runs outside the decode CUDA graphs: its ops are launched from Python. That launch
        # cost is the arriving prompt's, and every stream waits through it: at B users each asking every
        # output_tokens steps, min(1, B / output_tokens) such steps per decode step
        launch = prefill_launch_s(m, framework, calib, lay.pp)
        t_prefill += launch
        t_step += launch * min(1.0, B / req.output_tokens)
    else:
        # prefill: all prompt tokens of all streams in one compute-bound pass (plus one read of the weights)
        p_tokens = B * new_prompt
        t_prefill = prefill_seconds(m, fmt, gpu, lay, framework, p_tokens, new_prompt, calib, eta_bw, eta_c)
    if off:
        t_prefill += off * w_bytes / (req.cpu_bandwidth_gb_per_s * 1e9)
    decode = 1 / t_step
    if users > B:  # users beyond max_num_seqs wait their turn: each gets a share of the B slots
        decode *= B / users
    return _Speed(m, gpu, fmt, framework, lay, users, B, step, t_prefill, p_tokens, w_bytes, mixed, extra, chunk_cap,
                  decode, bw_share, mfu, peak, peak_kind)


def estimate_throughput(req: ThroughputRequest, calib: ServeCalib | None = None) -> ThroughputResult:
    calib = calib or SERVE_CALIB
    n = speed_numbers(req, calib)
    m, gpu, fmt, framework, lay, users, B, step = n.m, n.gpu, n.fmt, n.framework, n.lay, n.users, n.B, n.step
    t_prefill, p_tokens, w_bytes, mixed, extra, chunk_cap = n.t_prefill, n.p_tokens, n.w_bytes, n.mixed, n.extra, \
        n.chunk_cap
    decode, bw_share, mfu, peak, peak_kind = n.decode, n.bw_share, n.mfu, n.peak, n.peak_kind
    eta_bw, eta_c = req.bandwidth_efficiency, req.compute_efficiency
    off = req.cpu_offload_fraction
    bound = "memory bandwidth" if step.mem_s >= step.comp_s else "compute"
    kclass = KERNEL_CLASS[framework]
    assumptions = [
        f"{framework}: {bw_share:.0%} of {gpu.memory_bandwidth_gb_per_s:g} GB/s reached by decode"
        + ("" if eta_bw else _assumed("bandwidth", gpu.vendor))
        + (f", {mfu:.0%} of {peak:g} {peak_kind} TFLOPS by large matrix multiplies" if math.isfinite(peak) else
           ", compute not limiting (no TFLOPS given)")
        + (f" (x{WEIGHT_ONLY_QUANT_PENALTY:g} for dequantizing weights{_assumed('penalty', True)})"
           if mfu < calib.mfu and not eta_c else ""),
        f"{_kernels_per_layer(m):.0f} kernels per layer at {getattr(calib, f'kernel_{kclass}_s') * 1e6:.1f} us each "
        f"({'CUDA-graph replay' if kclass == 'graph' else 'llama.cpp graph' if kclass == 'llamacpp' else 'eager launches'})",
        f"prompt {req.prompt_tokens:,} + output {req.output_tokens:,} tokens, batch {B}, KV cache {req.kv_dtype}",
    ]
    if req.prefix_cached_tokens:
        assumptions.append(f"a chat turn: {req.prefix_cached_tokens:,} of the prompt's tokens are the conversation's "
                           f"earlier turns, reused from the prefix cache; the new {req.prompt_tokens - req.prefix_cached_tokens:,} are prefilled (time to "
                           f"first token is for those)")
    if mixed:
        assumptions.append(f"continuous batching at a steady load of {B} users: each step also prefills their next "
                           f"prompts ({extra:,.0f} prompt tokens per step on average); a new prompt is prefilled in "
                           f"{chunk_cap:,}-token chunks alongside the decodes (time to first token excludes queueing)")
    if users > B:
        assumptions.append(f"max_num_seqs {B}: {users - B} of {users} users wait for a slot")
    notes = [m.note] if m.note else []
    if gpu.notes and gpu.kind == "described":
        notes.append(f"{gpu.name} is {gpu.notes}" + ("; with no TFLOPS given, decode is taken as bandwidth-bound and "
                                                     "prefill (time to first token) is not estimated"
                                                     if math.isinf(peak) else ""))
    if req.precision is None and fmt.key != "bf16":
        notes.append(f"{m.name} ships in {fmt.key.upper()}; sized in that format.")
    if req.gpu_count > 1:
        if lay.layer_split:
            assumptions.append("layers split across GPUs (they take turns: no speed-up, more memory)")
        else:
            kind, _ = _link(gpu, lay.tp, lay.tp_spans_nodes)
            par = f"tensor parallel {lay.tp}" + (f" x pipeline parallel {lay.pp}" if lay.pp > 1 else "") + (
                f", experts over {lay.ep} GPUs" if lay.ep > 1 else "")
            assumptions.append(f"{par}; all-reduces over {'InfiniBand' if kind == 'network' else kind.upper() if kind == 'pcie' else 'NVLink'}"
                               + (f", {ALLREDUCE_LATENCY_S['pcie'] * 1e6:.0f} us each{_assumed('allreduce', 'pcie')}"
                                  if kind == "pcie" else "")
                               + (f"; {lay.nodes} nodes of {GPUS_PER_NODE}" if lay.nodes > 1 else ""))
            if kind == "pcie" and lay.tp > 1:
                notes.append("Without NVLink, tensor-parallel all-reduces go over PCIe and cost "
                             f"{step.comm_s * step.stages * 1e3:.1f} ms per step here.")
    if off:
        assumptions.append(f"{off:.0%} of the weights stream from host RAM at {req.cpu_bandwidth_gb_per_s:g} GB/s")
    if m.is_moe:
        notes.append(f"MoE: each step reads the experts its tokens route to ({m.experts_per_token} of "
                     f"{m.num_experts} per token, E x (1 - (1 - k/E)^B) distinct per layer), not all of them.")
    speed_group = "serving speed, MoE" if m.is_moe else "serving speed, dense"
    ttft_group = "time to first token, one request or a static batch"
    dec_range = value_range(decode, speed_group)
    return ThroughputResult(
        model=m.name, gpu=gpu.name, gpu_count=req.gpu_count, precision=fmt.key, framework=framework, batch=users,
        decode_tokens_per_s=round(decode, 2), decode_tokens_per_s_total=round(decode * users, 1),
        concurrency=users, aggregate_tokens_per_s=round(decode * users, 1),
        prefill_tokens_per_s=round(p_tokens / t_prefill, 1),
        time_to_first_token_s=round(t_prefill, 4), ms_per_token=round(1e3 / decode, 3), bound=bound,
        request_seconds=round(t_prefill + req.output_tokens / decode, 3),
        weights_read_gb_per_token=round(w_bytes / 1e9, 3), assumptions=assumptions, notes=notes,
        tensor_parallel=lay.tp, pipeline_parallel=lay.pp, expert_parallel=lay.ep,
        nodes=1 if lay.layer_split else math.ceil(req.gpu_count / GPUS_PER_NODE),
        step_ms={k: round(v * step.stages * 1e3, 3) for k, v in (("reads", step.mem_s), ("compute", step.comp_s),
                                                               ("kernels", step.kernel_s), ("collectives", step.comm_s))},
        decode_tokens_per_s_range=dec_range,
        time_to_first_token_s_range=value_range(t_prefill, ttft_group, lower_is_faster=True),
        range_note="; ".join(n for n in (range_note(speed_group), range_note(ttft_group)
                                         + (" (queueing under load is not modelled)" if mixed and B > 1 else ""))
                             if n),
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
    lay = layout(req, m, fw)
    ctx = req.prompt_tokens + req.output_tokens
    one = estimate_memory(MemoryRequest(model=req.model, precision=req.precision, context=min(ctx, m.max_context),
                                        batch=1, gpu_count=req.gpu_count, framework="vllm" if fw != "llama.cpp" else fw,
                                        kv_dtype=req.kv_dtype))
    free = gpu.memory_gib * RUNTIME_MEMORY_SHARE - (one.per_gpu_gib - one.breakdown_gib["kv_cache"])
    # paged KV cache: a running sequence holds only the tokens it has so far; in a steady stream of requests the
    # average one is halfway through its answer (prompt + output / 2)
    held = req.prompt_tokens + req.output_tokens / 2
    per_seq = kv_bytes_per_token(m, ctx, req.kv_dtype, lay.tp) * held / 2**30 / lay.pp
    cap = req.max_num_seqs or MAX_CONCURRENT_SEQUENCES
    return max(1, min(cap, int(free / per_seq)))


def offline_throughput(req: ThroughputRequest, calib: ServeCalib | None = None, batch: int | None = None
                       ) -> ThroughputResult:
    """Aggregate output tokens/s with the batch saturated (MLPerf/trtllm-bench offline style)."""
    from .base import replace

    b = batch or saturating_batch(req)
    r = estimate_throughput(replace(req, batch=b, concurrency=None), calib)
    total = b * req.output_tokens / r.request_seconds
    r.assumptions.append(f"offline max throughput: {b} concurrent sequences (KV cache fills "
                         f"{RUNTIME_MEMORY_SHARE:.0%} of memory after weights; cap {req.max_num_seqs or MAX_CONCURRENT_SEQUENCES}), "
                         "prefill and decode of each wave counted")
    r.decode_tokens_per_s_total = r.aggregate_tokens_per_s = round(total, 1)
    return r
