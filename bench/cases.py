"""Validation cases: each published measurement in bench/measured.json mapped to the estimate that
should reproduce it.

Accuracy is judged per group, never per row: GROUPS gives each group one tolerance (stated in
docs/validation.md). A row outside its group's tolerance is a miss and is reported as one; the
tests (tests/test_validation.py) assert each group's median error and list the misses.

Each row also says whether it was used to set a constant (`sets`: the constants whose value was
chosen to match it) or only checks the model; `added` marks rows added after the model was frozen
(the out-of-sample check). docs/validation.md reports the medians of each part separately.

To add rows: append Case(...) lines (a new group needs one GROUPS entry). Used by
tests/test_validation.py and bench/validate.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bench.train_cases import E2E_ROWS, THROUGHPUT_ROWS
from tools.formats import weight_bytes, weight_format
from tools.memory import MemoryRequest, estimate_memory
from tools.memory_inference import CUDA_CONTEXT_GIB
from tools.models import get_model
from tools.throughput import ThroughputRequest, estimate_throughput, offline_throughput
from tools.training import TrainingRequest, estimate_training
from tools.units import GB, GIB

DATA = Path(__file__).resolve().parent / "measured.json"


@lru_cache(maxsize=1)
def rows() -> dict[str, dict]:
    return {r["id"]: r for r in json.loads(DATA.read_text(encoding="utf-8"))["rows"]}


@dataclass(frozen=True)
class Group:
    tolerance: float  # relative: a row beyond it is a miss; the group's median error must be within it
    why: str  # where the tolerance comes from


GROUPS: dict[str, Group] = {
    "weights": Group(0.05, "file sizes follow from llama.cpp's per-tensor recipe: a few % covers metadata "
                           "and rounding of the published listing"),
    "inference memory": Group(0.10, "issue target for memory rows (median <= 10%)"),
    "fine-tune memory": Group(0.10, "issue target for memory rows (median <= 10%)"),
    "single-stream decode": Group(0.25, "issue target for speed (median <= 25%): kernels and builds vary more "
                                        "than bytes"),
    "batched throughput": Group(0.25, "as single-stream decode"),
    "training throughput": Group(0.15, "issue 17 target: median error <= 15% on training speed (tokens/s, MFU)"),
    "training GPU-hours": Group(0.15, "issue 17 target: median error <= 15% on whole-run GPU-hours"),
    "long-context fine-tune memory": Group(0.10, "issue 17 target: long-context fine-tune peak median <= 10%"),
}


@dataclass(frozen=True)
class Case:
    row_id: str
    group: str  # a GROUPS key
    estimate: Callable[[], float] | None
    how: str  # how the published setting maps onto our inputs
    gap: str = ""  # why the estimate may differ, when it does
    value: float | None = None  # a second figure published in the same row (e.g. its tokens/s column)
    sets: tuple[str, ...] = ()  # constants whose value was chosen to match this row (in-sample for them)
    added: str = ""  # date the row was added after the model was frozen (held out from every constant)

    @property
    def row(self) -> dict:
        return rows()[self.row_id]

    @property
    def measured(self) -> float:
        return self.value if self.value is not None else self.row["value"]

    @property
    def split(self) -> str:
        return "used to set constants" if self.sets else ("added after" if self.added else "checks only")


def _weights(model: str, fmt: str, unit: float) -> Callable[[], float]:
    return lambda: weight_bytes(get_model(model), weight_format(fmt)) / unit


def _allocated(**kw) -> Callable[[], float]:
    """torch.cuda.max_memory_allocated-style peak (no CUDA context, no allocator cache)."""
    return lambda: estimate_memory(MemoryRequest(**kw)).allocated_per_gpu_gib


def _reserved(**kw) -> Callable[[], float]:
    """torch.cuda.max_memory_reserved-style peak: what the caching allocator holds (tensors + its cache),
    i.e. what nvidia-smi shows less the CUDA context. Checks the verdict figure per_gpu_gib up to that context."""
    def run() -> float:
        e = estimate_memory(MemoryRequest(**kw))
        return e.per_gpu_gib - CUDA_CONTEXT_GIB.get(e.framework, 0.5)
    return run


def _nvidia_smi(**kw) -> Callable[[], float]:
    """What nvidia-smi shows for the process: the figure verdicts use (per_gpu_gib)."""
    return lambda: estimate_memory(MemoryRequest(**kw)).per_gpu_gib


def _decode(**kw) -> Callable[[], float]:
    """Single-stream (or batch) decode tokens/s, all streams together."""
    return lambda: estimate_throughput(ThroughputRequest(**kw)).decode_tokens_per_s_total


def _offline(**kw) -> Callable[[], float]:
    return lambda: offline_throughput(ThroughputRequest(framework="tensorrt-llm", **kw)).decode_tokens_per_s_total


def _ms_per_token(batch: int, out: int, **kw) -> Callable[[], float]:
    """DeepSpeed-Inference's metric: wall time / (batch x new tokens), prefill included."""
    def run() -> float:
        r = estimate_throughput(ThroughputRequest(batch=batch, output_tokens=out, **kw))
        return 1000 * r.request_seconds / (batch * out)
    return run


def _train_tokens_per_s(**kw) -> Callable[[], float]:
    return lambda: estimate_training(TrainingRequest(**kw)).tokens_per_s_per_gpu


TG = dict(prompt_tokens=1, output_tokens=512)  # llama-bench tg512: 512 tokens from an empty context
DEC23 = ("llama.cpp snapshot of Dec 2023: its CUDA kernels of the time reached far less of a datacenter GPU's "
         "bandwidth than the May 2024 build does on consumer cards; we model the current kernels.")
AWQ_DECODE_GAP = ("AutoAWQ's eager fused attention expands GQA KV heads with repeat_interleave each step, so long "
                  "contexts cost more than the bytes we count.")

Q2K_GAP = ("TheBloke's Q2_K files (Sep 2023) predate llama.cpp's Jan-2024 Q2_K recipe: attn_v and ffn_down were "
           "Q4_K then, Q3_K/Q4_K now. We model today's recipe, which makes Q2_K files ~10% smaller.")

AWQ_GAP = ("AutoAWQ 0.1.6 (awq/modules/fused/attn.py): fused layers pre-allocate a KV cache of max_new_tokens, "
           "attention is eager with an fp32 softmax, and fusing q/k/v at load briefly holds both copies; all modelled "
           "by framework='autoawq'.")

CASES: list[Case] = [
    # --- weight / file sizes: llama.cpp's per-tensor GGUF recipe (tools/formats.py) ---
    Case("file-gguf-llama2-7b-q4km", "weights", _weights("llama-2-7b", "q4_k_m", GB), "GGUF Q4_K_M, decimal GB"),
    Case("file-gguf-llama2-7b-q4_0", "weights", _weights("llama-2-7b", "q4_0", GB), "GGUF Q4_0, decimal GB"),
    Case("file-gguf-llama2-7b-q2k", "weights", _weights("llama-2-7b", "q2_k", GB), "GGUF Q2_K", Q2K_GAP),
    Case("file-gguf-llama2-7b-q3km", "weights", _weights("llama-2-7b", "q3_k_m", GB), "GGUF Q3_K_M"),
    Case("file-gguf-llama2-7b-q8_0-with-maxram", "weights", _weights("llama-2-7b", "q8_0", GB), "GGUF Q8_0"),
    Case("file-gguf-llama2-13b-q4km", "weights", _weights("llama-2-13b", "q4_k_m", GB), "GGUF Q4_K_M"),
    Case("file-gguf-llama2-13b-q4_0", "weights", _weights("llama-2-13b", "q4_0", GB), "GGUF Q4_0"),
    Case("file-gguf-llama2-13b-q2k", "weights", _weights("llama-2-13b", "q2_k", GB), "GGUF Q2_K", Q2K_GAP),
    Case("file-gguf-mistral7b-q4km", "weights", _weights("mistral-7b-v0.1", "q4_k_m", GB), "GGUF Q4_K_M"),
    Case("file-gguf-mistral7b-q4_0", "weights", _weights("mistral-7b-v0.1", "q4_0", GB), "GGUF Q4_0"),
    Case("file-gguf-mistral7b-q3km", "weights", _weights("mistral-7b-v0.1", "q3_k_m", GB), "GGUF Q3_K_M"),
    Case("size-llamacpp-l3-8b-q4km", "weights", _weights("llama-3-8b", "q4_k_m", GIB), "GGUF Q4_K_M, GiB"),
    Case("size-llamacpp-l3-70b-q4km", "weights", _weights("llama-3-70b", "q4_k_m", GIB), "GGUF Q4_K_M, GiB"),
    Case("size-llamacpp-l3-70b-f16", "weights", _weights("llama-3-70b", "f16", GIB), "GGUF F16, GiB"),
    # --- inference memory, torch.cuda.max_memory_allocated (GiB despite the 'GB' label) ---
    Case("inf-mem-autoawq-vicuna7b-gemv-bs1-64", "inference memory",
         _allocated(model="vicuna-7b-v1.5", precision="awq-4bit", framework="autoawq", context=64, batch=1),
         "AWQ 4-bit g128; fused cache sized to the 64 new tokens", AWQ_GAP),
    Case("inf-mem-autoawq-mistral7b-gemm-bs1-2048", "inference memory",
         _allocated(model="mistral-7b-v0.1", precision="awq-4bit", framework="autoawq", context=2048, batch=1),
         "AWQ 4-bit g128; fused cache of 2048 tokens (reset when full)", AWQ_GAP),
    Case("inf-mem-autoawq-mistral7b-gemm-bs8-2048", "inference memory",
         _allocated(model="mistral-7b-v0.1", precision="awq-4bit", framework="autoawq", context=2048, batch=8),
         "AWQ 4-bit g128; batch 8, fused cache of 2048 tokens", AWQ_GAP),
    Case("inf-mem-autoawq-llama2-13b-gemm-bs1-64", "inference memory",
         _allocated(model="llama-2-13b", precision="awq-4bit", framework="autoawq", context=64, batch=1),
         "AWQ 4-bit g128; fused cache sized to the 64 new tokens", AWQ_GAP),
    Case("inf-mem-autoawq-llama2-13b-gemm-bs3-2048", "inference memory",
         _allocated(model="llama-2-13b", precision="awq-4bit", framework="autoawq", context=2048, batch=3),
         "AWQ 4-bit g128; batch 3, fused cache of 2048 tokens", AWQ_GAP),
    Case("inf-mem-autoawq-codellama34b-gemm-bs1-2048", "inference memory",
         _allocated(model="codellama-34b", precision="awq-4bit", framework="autoawq", context=2048, batch=1),
         "AWQ 4-bit g128; fused cache of 2048 tokens", AWQ_GAP),
    Case("inf-hf-octocoder-bf16-peak", "inference memory",
         _allocated(model="starcoder", precision="bf16", framework="transformers", context=256, batch=1),
         "OctoCoder = StarCoder shape, bf16, short prompt + 60 new tokens"),
    Case("inf-hf-octocoder-int8-peak", "inference memory",
         _allocated(model="starcoder", precision="int8", framework="transformers", context=256, batch=1),
         "LLM.int8 (bitsandbytes load_in_8bit)"),
    Case("inf-hf-octocoder-nf4-peak", "inference memory",
         _allocated(model="starcoder", precision="nf4", framework="transformers", context=256, batch=1),
         "bitsandbytes load_in_4bit (no double quantization)"),
    # --- fine-tuning peaks, torchtune README (bs 2 x 2048 packed, activation checkpointing on). torchtune reports
    # peak memory *reserved* (its README's resource table says so; the 4090 vs A6000 rows differ by allocator cache) ---
    Case("ft-torchtune-l31-8b-full-4090", "fine-tune memory",
         _reserved(model="llama-3.1-8b", workload="training", method="full", framework="torchtune", context=2048,
                    batch=2, pure_bf16=True, optimizer="paged-adamw-8bit", optimizer_in_backward=True,
                    gradient_checkpointing=True), "torchtune 8B_full_single_device: bf16, PagedAdamW8bit, optimizer in backward, checkpointing"),
    Case("ft-torchtune-l31-8b-lora-4090", "fine-tune memory",
         _reserved(model="llama-3.1-8b", workload="training", method="lora", framework="torchtune", context=2048,
                    batch=2, lora_rank=8, gradient_checkpointing=True), "torchtune 8B_lora_single_device: rank 8, checkpointing"),
    Case("ft-torchtune-l31-8b-qlora-4090", "fine-tune memory",
         _reserved(model="llama-3.1-8b", workload="training", method="qlora", framework="torchtune", context=2048,
                    batch=2, lora_rank=8, precision="nf4-dq", gradient_checkpointing=True), "torchtune 8B_qlora_single_device: NF4 base, rank 8, checkpointing"),
    Case("ft-torchtune-l31-70b-lora-8xa100", "fine-tune memory",
         _reserved(model="llama-3.1-70b", workload="training", method="lora", framework="torchtune", context=2048,
                    batch=2, gpu_count=8, sharding="fsdp", gradient_checkpointing=True), "torchtune 70B_lora: FSDP over 8 GPUs, rank 16, checkpointing"),
    Case("ft-torchtune-l31-70b-full-8xa100", "fine-tune memory",
         _reserved(model="llama-3.1-70b", workload="training", method="full", framework="torchtune", context=2048,
                    batch=2, gpu_count=8, sharding="fsdp", offload="optimizer+params", pure_bf16=True,
                    gradient_checkpointing=True), "torchtune 70B_full: FSDP with CPU offload of params, grads and optimizer"),
    Case("ft-torchtune-l31-405b-qlora-8xa100", "fine-tune memory",
         _reserved(model="llama-3.1-405b", workload="training", method="qlora", framework="torchtune", context=2048,
                    batch=2, gpu_count=8, sharding="fsdp", precision="nf4-dq", gradient_checkpointing=True), "torchtune 405B_qlora: FSDP over 8 GPUs, NF4 base, rank 16"),
]

CASES += [
    # --- single-stream decode (llama.cpp llama-bench tg512; AutoAWQ batch 1) ---
    Case("tput-llamacpp-l3-8b-q4km-3090", "single-stream decode",
         _decode(model="llama-3-8b", gpu="rtx-3090", precision="q4_k_m", **TG), "llama.cpp, Q4_K_M, tg512",
         sets=("throughput.LAYER_OVERHEAD_S['llama.cpp']",)),
    Case("tput-llamacpp-l3-8b-q4km-4090", "single-stream decode",
         _decode(model="llama-3-8b", gpu="rtx-4090", precision="q4_k_m", **TG), "llama.cpp, Q4_K_M, tg512",
         sets=("throughput.LAYER_OVERHEAD_S['llama.cpp']",)),
    Case("tput-llamacpp-l3-8b-f16-4090", "single-stream decode",
         _decode(model="llama-3-8b", gpu="rtx-4090", precision="f16", **TG), "llama.cpp, F16, tg512",
         sets=("throughput.LAYER_OVERHEAD_S['llama.cpp']",)),
    Case("tput-llamacpp-l3-70b-q4km-2x4090", "single-stream decode",
         _decode(model="llama-3-70b", gpu="rtx-4090", gpu_count=2, precision="q4_k_m", **TG), "llama.cpp layer split over 2 GPUs (they take turns)",
         sets=("throughput.LAYER_OVERHEAD_S['llama.cpp']",)),
    Case("tput-llamacpp-l3-70b-q4km-2x3090", "single-stream decode",
         _decode(model="llama-3-70b", gpu="rtx-3090", gpu_count=2, precision="q4_k_m", **TG), "llama.cpp layer split over 2 GPUs",
         sets=("throughput.LAYER_OVERHEAD_S['llama.cpp']",)),
    Case("tput-llamacpp-l3-70b-f16-8x4090", "single-stream decode",
         _decode(model="llama-3-70b", gpu="rtx-4090", gpu_count=8, precision="f16", **TG), "llama.cpp layer split over 8 GPUs"),
    Case("tput-llamacpp-l3-8b-q4km-m2ultra", "single-stream decode",
         _decode(model="llama-3-8b", gpu="m2-ultra", precision="q4_k_m", **TG), "llama.cpp Metal",
         "Small models on the two-die Ultra reach a lower share of its 800 GB/s than we assume (70%).",
         sets=("throughput.BANDWIDTH_EFFICIENCY['apple']", "throughput.LAYER_OVERHEAD_S['llama.cpp']")),
    Case("tput-llamacpp-l3-70b-q4km-m2ultra", "single-stream decode",
         _decode(model="llama-3-70b", gpu="m2-ultra", precision="q4_k_m", **TG), "llama.cpp Metal",
         sets=("throughput.BANDWIDTH_EFFICIENCY['apple']",)),
    Case("tput-llamacpp-l3-70b-q4km-m3max", "single-stream decode",
         _decode(model="llama-3-70b", gpu="m3-max", precision="q4_k_m", **TG), "llama.cpp Metal",
         sets=("throughput.BANDWIDTH_EFFICIENCY['apple']",)),
    Case("tput-llamacpp-l2-7b-q4_0-a100-80gb", "single-stream decode",
         _decode(model="llama-2-7b", gpu="a100-80gb-sxm", precision="q4_0", **TG), "llama.cpp (Dec 2023)", DEC23),
    Case("tput-llamacpp-l2-70b-q4_0-a100-80gb", "single-stream decode",
         _decode(model="llama-2-70b", gpu="a100-80gb-sxm", precision="q4_0", **TG), "llama.cpp (Dec 2023)", DEC23),
    Case("tput-llamacpp-l2-7b-f16-h100pcie", "single-stream decode",
         _decode(model="llama-2-7b", gpu="h100-pcie", precision="f16", **TG), "llama.cpp (Dec 2023)", DEC23),
    Case("tput-llamacpp-l2-7b-q4_0-m2ultra", "single-stream decode",
         _decode(model="llama-2-7b", gpu="m2-ultra", precision="q4_0", **TG), "llama.cpp Metal (Dec 2023)", DEC23),
    Case("inf-tput-autoawq-vicuna7b-gemv-bs1-64", "single-stream decode",
         _decode(model="vicuna-7b-v1.5", gpu="rtx-4090", precision="awq-4bit", framework="autoawq", prompt_tokens=64,
                 output_tokens=64), "AutoAWQ fused layers, 64+64",
         sets=("throughput.LAYER_OVERHEAD_S['autoawq']",)),
    Case("inf-tput-autoawq-mistral7b-gemm-bs1-2048", "single-stream decode",
         _decode(model="mistral-7b-v0.1", gpu="rtx-4090", precision="awq-4bit", framework="autoawq",
                 prompt_tokens=2048, output_tokens=2048), "AutoAWQ fused layers, 2048+2048", AWQ_DECODE_GAP,
         sets=("throughput.LAYER_OVERHEAD_S['autoawq']",)),
    Case("inf-tput-autoawq-llama2-13b-gemm-bs1-64", "single-stream decode",
         _decode(model="llama-2-13b", gpu="rtx-4090", precision="awq-4bit", framework="autoawq", prompt_tokens=64,
                 output_tokens=64), "AutoAWQ fused layers, 64+64",
         sets=("throughput.LAYER_OVERHEAD_S['autoawq']",)),
    Case("inf-tput-autoawq-codellama34b-gemm-bs1-2048", "single-stream decode",
         _decode(model="codellama-34b", gpu="rtx-4090", precision="awq-4bit", framework="autoawq",
                 prompt_tokens=2048, output_tokens=2048), "AutoAWQ fused layers, 2048+2048", AWQ_DECODE_GAP,
         sets=("throughput.LAYER_OVERHEAD_S['autoawq']",)),
    # --- held out: added 2026-11-30, after the constants above were set (none of them was changed since) ---
    Case("tput-llamacpp-l32-3b-f16-m2ultra-nov24", "single-stream decode",
         _decode(model="llama-3.2-3b", gpu="m2-ultra", precision="f16", prompt_tokens=1, output_tokens=128),
         "llama.cpp Metal, llama-bench tg128 (Nov 2024 master)", added="2026-11-30"),
    Case("tput-llamacpp-l32-3b-q4_0-m2ultra-nov24", "single-stream decode",
         _decode(model="llama-3.2-3b", gpu="m2-ultra", precision="q4_0", prompt_tokens=1, output_tokens=128),
         "llama.cpp Metal, llama-bench tg128 (Nov 2024 master)", added="2026-11-30"),
    Case("tput-llamacpp-l33-70b-q4km-m3ultra-dec25", "single-stream decode",
         _decode(model="llama-3.3-70b", gpu="m3-ultra", precision="q4_k_m", prompt_tokens=1, output_tokens=128),
         "llama.cpp Metal, flash attention, llama-bench tg128 (build 7315)", added="2026-11-30"),
    Case("tput-llamacpp-tinyllama-q4km-m1ultra-feb26", "single-stream decode",
         _decode(model="tinyllama-1.1b", gpu="m1-ultra", precision="q4_k_m", prompt_tokens=1, output_tokens=128),
         "llama.cpp Metal, llama-bench tg128 (build 7825)", added="2026-11-30"),
    # --- batched / aggregate throughput (reported, looser) ---
    Case("inf-tput-autoawq-mistral7b-gemm-bs8-2048", "batched throughput",
         _decode(model="mistral-7b-v0.1", gpu="rtx-4090", precision="awq-4bit", framework="autoawq", batch=8,
                 prompt_tokens=2048, output_tokens=2048), "AutoAWQ, batch 8"),
    Case("inf-tput-autoawq-llama2-13b-gemm-bs3-2048", "batched throughput",
         _decode(model="llama-2-13b", gpu="rtx-4090", precision="awq-4bit", framework="autoawq", batch=3,
                 prompt_tokens=2048, output_tokens=2048), "AutoAWQ, batch 3"),
    Case("tput-trtllm-l31-8b-fp8-1xh100-128-128", "batched throughput",
         _offline(model="llama-3.1-8b", gpu="h100-sxm", precision="fp8", prompt_tokens=128, output_tokens=128), "TensorRT-LLM offline, batch saturated by KV memory (cap 1024)",
         sets=("throughput.COMPUTE_EFFICIENCY['tensorrt-llm']",)),
    Case("tput-trtllm-l31-8b-fp8-1xh100-1000-1000", "batched throughput",
         _offline(model="llama-3.1-8b", gpu="h100-sxm", precision="fp8", prompt_tokens=1000, output_tokens=1000), "TensorRT-LLM offline",
         sets=("throughput.COMPUTE_EFFICIENCY['tensorrt-llm']",)),
    Case("tput-trtllm-l31-8b-fp8-1xh200-1000-1000", "batched throughput",
         _offline(model="llama-3.1-8b", gpu="h200-sxm", precision="fp8", prompt_tokens=1000, output_tokens=1000), "TensorRT-LLM offline",
         sets=("throughput.COMPUTE_EFFICIENCY['tensorrt-llm']",)),
    Case("tput-trtllm-l33-70b-fp8-2xh100-1000-1000", "batched throughput",
         _offline(model="llama-3.3-70b", gpu="h100-sxm", gpu_count=2, precision="fp8", prompt_tokens=1000,
                  output_tokens=1000), "TensorRT-LLM offline, TP=2",
         sets=("throughput.COMPUTE_EFFICIENCY['tensorrt-llm']", "throughput.ALLREDUCE_LATENCY_S['nvlink']")),
    Case("tput-trtllm-l33-70b-fp8-1xh200-1000-1000", "batched throughput",
         _offline(model="llama-3.3-70b", gpu="h200-sxm", precision="fp8", prompt_tokens=1000, output_tokens=1000), "TensorRT-LLM offline",
         sets=("throughput.COMPUTE_EFFICIENCY['tensorrt-llm']",)),
    Case("tput-trtllm-l33-70b-fp4-1xb200-1000-1000", "batched throughput",
         _offline(model="llama-3.3-70b", gpu="b200", precision="nvfp4", prompt_tokens=1000, output_tokens=1000), "TensorRT-LLM offline, NVFP4",
         sets=("throughput.COMPUTE_EFFICIENCY['tensorrt-llm']",)),
    Case("tput-trtllm-l31-405b-fp8-8xh100-1000-1000", "batched throughput",
         _offline(model="llama-3.1-405b", gpu="h100-sxm", gpu_count=8, precision="fp8", prompt_tokens=1000,
                  output_tokens=1000), "TensorRT-LLM offline, TP=8",
         sets=("throughput.COMPUTE_EFFICIENCY['tensorrt-llm']", "throughput.ALLREDUCE_LATENCY_S['nvlink']")),
    Case("tput-bloom176b-accelerate-bf16-8xa100-bs1", "batched throughput",
         _ms_per_token(1, 100, model="bloom-176b", gpu="a100-80gb-sxm", gpu_count=8, tensor_parallel=1,
                       precision="bf16", framework="transformers", prompt_tokens=16), "Accelerate device_map: layers split over 8 GPUs, ms per token",
         sets=("throughput.LAYER_OVERHEAD_S['transformers']",)),
    Case("tput-bloom176b-dsinference-fp16-8xa100-bs1", "batched throughput",
         _ms_per_token(1, 100, model="bloom-176b", gpu="a100-80gb-sxm", gpu_count=8, precision="fp16",
                       framework="vllm", prompt_tokens=16), "DeepSpeed-Inference TP=8 (modelled like vLLM), ms per token",
         "DeepSpeed-Inference's 2022 kernels and NCCL all-reduces were slower than today's runtimes.",
         sets=("throughput.LAYER_OVERHEAD_S['vllm']", "throughput.ALLREDUCE_LATENCY_S['nvlink']")),
    Case("tput-bloom176b-dsinference-fp16-8xa100-bs128", "batched throughput",
         _ms_per_token(128, 100, model="bloom-176b", gpu="a100-80gb-sxm", gpu_count=8, precision="fp16",
                       framework="vllm", prompt_tokens=16), "DeepSpeed-Inference TP=8, batch 128",
         "DeepSpeed-Inference's 2022 kernels and NCCL all-reduces were slower than today's runtimes.",
         sets=("throughput.COMPUTE_EFFICIENCY['vllm']",)),
    # --- training: the torchtune single-GPU row is held out (not used by bench/train_fit.py) ---
    Case("ft-torchtune-l31-8b-full-4090", "training throughput",
         _train_tokens_per_s(model="llama-3.1-8b", tokens=1e8, gpu="rtx-4090", gpu_count=1, method="full",
                             sequence_length=2048, gradient_checkpointing=True),
         "tokens/s per GPU of the torchtune single-device full fine-tune (same row's Tokens/sec column: 1650)",
         value=1650.0),
]

# Long-context QLoRA fine-tuning with Hugging Face + FlashAttention-2 (Unsloth's max-context tables): at the
# largest context that fit, what nvidia-smi would show should be the GPU's memory. No constant is set from them.


def _longctx(size: str, gb: int, ctx: int) -> Case:
    model = "llama-3.1-8b" if size == "8b" else "llama-3.3-70b"
    return Case(f"ft-longctx-hf-qlora-{size}-{gb}gb", "long-context fine-tune memory",
                _nvidia_smi(model=model, workload="training", method="qlora", precision="nf4-dq", context=ctx,
                            batch=1, lora_rank=32, gradient_checkpointing=True, optimizer="adamw-8bit"),
                f"HF + PEFT QLoRA rank 32 all-linear, batch 1, {ctx:,} tokens, checkpointing, 8-bit AdamW; "
                f"peak vs the {gb} GiB card",
                "the largest context that fit: the real peak is at most the GPU's memory, so a few % under is expected")


CASES += [_longctx("8b", gb, ctx) for gb, ctx in ((12, 932), (16, 2551), (24, 5789), (40, 12264), (48, 15502),
                                                  (80, 28454))] + [_longctx("70b", 80, 6916)]

# Training rows from published benchmarks and whole runs (bench/train_cases.py), each tagged with its source.
# bench/train_fit.py fits training_speed.CALIB on all of them (so they are in-sample for it) and scores every
# source again with the constants fitted without it: those leave-one-source-out medians are in docs/validation.md.
CASES += [Case(r.row_id, "training GPU-hours" if r.kind == "gpu_hours" else "training throughput", r.predict,
               r.how, r.gap, r.value, sets=("training_speed.CALIB",)) for r in THROUGHPUT_ROWS + E2E_ROWS]

# Rows we do not score, and why (reported in docs/validation.md).
NOT_SCORED: dict[str, str] = {
    "inf-hf-octocoder-bf16-longprompt-noflash": "prompt length not published (10x a system prompt of unstated size)",
    "inf-hf-octocoder-bf16-longprompt-flash": "prompt length not published",
    "ft-peft-t0_3b-full": "T0_3B is an encoder-decoder (T5); we model decoder-only LLMs; batch and length unstated",
    "ft-peft-t0_3b-lora": "encoder-decoder (T5), settings unstated",
    "ft-peft-t0_3b-lora-ds-offload": "encoder-decoder (T5), settings unstated",
    "ft-peft-mt0xxl-lora": "encoder-decoder (mT5), settings unstated",
    "ft-peft-mt0xxl-lora-ds-offload": "encoder-decoder (mT5), settings unstated",
    "ft-peft-bloomz7b1-lora": "batch size and sequence length not published",
    "ft-peft-bloomz7b1-lora-ds-offload": "batch size and sequence length not published",
    "ft-torchtune-l31-8b-full-a6000": "same run as the 4090 row; the larger figure is allocator caching on a 48 GB card "
                                      "(reserved, not needed)",
    "ft-torchtune-l31-8b-lora-a6000": "same run as the 4090 row; allocator caching on a 48 GB card",
    "tput-bloom176b-dsinference-int8-4xa100-bs1": "DeepSpeed's 2022 int8 kernels dequantized on the fly and ran slower "
                                                  "than fp16; we model modern weight-only int8 kernels",
}


# --- vLLM's KV pool and serving at a concurrency (tools/engine_memory.py, tools/throughput.py) ---
def _kv_pool(model: str, precision: str, tp: int, vllm_version: str, gpu: str = "h100-sxm",
             utilization: float = 0.9) -> Callable[[], float]:
    """The KV pool per GPU that vLLM logs as "Available KV cache memory", for the engine version of the row."""
    from tools.engine_memory import engine_pool
    from tools.gpus import get_gpu

    def run() -> float:
        m, g = get_model(model), get_gpu(gpu)
        return engine_pool(m, framework="vllm", gpu_memory_gib=g.memory_gib, gpu_name=g.name,
                           weights_per_gpu_bytes=weight_bytes(m, weight_format(precision)) / tp, tp=tp,
                           gpu_memory_utilization=utilization, vllm_version=vllm_version).kv_pool_gib
    return run


def _serving(concurrency: int, per_user: bool, **kw) -> Callable[[], float]:
    """Continuous batching at a steady concurrency: per-user decode speed, or all users' output tokens/s in a
    closed loop (each user sends the next request when the last one finishes)."""
    def run() -> float:
        r = estimate_throughput(ThroughputRequest(concurrency=concurrency, continuous_batching=True, **kw))
        return r.decode_tokens_per_s if per_user else concurrency * kw["output_tokens"] / r.request_seconds
    return run


LLMD_PROFILE = "0.10-0.18"  # the sampler warm-up with top-k/top-p (39 B per logit); graphs not yet subtracted
KV_HOW = "vLLM V1 on H100, util 0.9, profile run of the v0.10-0.18 engines (PyTorch top-k/top-p sampler warm-up)"
NIM70 = dict(model="llama-3.3-70b", gpu="h100-sxm", gpu_count=2, precision="fp8", framework="tensorrt-llm",
             prompt_tokens=5000, output_tokens=500)
GROUPS["vLLM KV pool"] = Group(0.10, "issue 17 target: vLLM's KV pool within 10% (median) of its startup logs")
GROUPS["serving at a concurrency"] = Group(0.25, "as batched throughput: kernels and schedulers vary more than bytes")
# NON_TORCH_GIB / NON_TORCH_TP_GIB were read off these logs' "non-torch" debug figures; only the rows whose small
# pools they move by more than 0.5% claim them
_TP1 = ("engine_memory.NON_TORCH_GIB",)
CASES += [
    Case("vllm-kv-pool-llama-3.1-8b-bf16-tp1-h100-16k", "vLLM KV pool", _kv_pool("llama-3.1-8b", "bf16", 1, LLMD_PROFILE),
         KV_HOW),
    Case("vllm-kv-pool-qwen3-0.6b-bf16-tp1-h100-16k", "vLLM KV pool", _kv_pool("qwen3-0.6b", "bf16", 1, LLMD_PROFILE),
         KV_HOW),
    Case("vllm-kv-pool-qwen3-32b-bf16-tp1-h100-16k", "vLLM KV pool", _kv_pool("qwen3-32b", "bf16", 1, LLMD_PROFILE),
         KV_HOW + " (the row the old model gave ~2x)", sets=_TP1),
    Case("vllm-kv-pool-qwen3-32b-bf16-tp2-h100-16k", "vLLM KV pool", _kv_pool("qwen3-32b", "bf16", 2, LLMD_PROFILE),
         KV_HOW + ", TP=2: logits gathered on every rank, NCCL buffers"),
    Case("vllm-kv-pool-llama-3.3-70b-fp8-tp2-h100-16k", "vLLM KV pool",
         _kv_pool("llama-3.3-70b", "fp8", 2, LLMD_PROFILE), KV_HOW + ", FP8 weights, TP=2"),
    Case("vllm-kv-pool-gpt-oss-20b-mxfp4-tp1-h100-16k", "vLLM KV pool",
         _kv_pool("gpt-oss-20b", "mxfp4", 1, LLMD_PROFILE), KV_HOW + ", MXFP4 MoE, 201k vocabulary"),
    Case("vllm-kv-pool-gpt-oss-120b-mxfp4-tp1-h100-16k", "vLLM KV pool",
         _kv_pool("gpt-oss-120b", "mxfp4", 1, LLMD_PROFILE), KV_HOW + ", MXFP4 MoE",
         "vLLM loads 64.38 GiB of weights, our MXFP4 sizing 60.8 GiB; the pool is the small difference of large "
         "numbers, so the weights' gap shows up five-fold", sets=_TP1),
]
_MIXED = ("these rows guided one structural choice (no constant): in a step that mixes prefill chunks and decodes, "
          "the memory and compute times add rather than overlap")
for _c in (1, 5, 25, 50):
    CASES += [
        Case(f"nim-l33-70b-fp8-2xh100-5000-500-c{_c}", "serving at a concurrency", _serving(_c, False, **NIM70),
             f"TensorRT-LLM FP8 TP=2, {_c} users, 5000-token prompts, 500-token answers: all users' output tok/s",
             _MIXED),
        Case(f"nim-l33-70b-fp8-2xh100-5000-500-c{_c}-per-user", "serving at a concurrency",
             _serving(_c, True, **NIM70), f"same, decode tok/s per user at {_c} users", _MIXED),
    ]
