"""estimate_training: FLOPs, wall time, GPU-hours and MFU for pretraining, full fine-tuning, LoRA, QLoRA.

FLOPs per token follow PaLM (Chowdhery et al. 2022, appendix B): 6N for the weights' forward and
backward plus 12 x layers x heads x head_dim x sequence for attention, N counting the parameters a
token multiplies (MoE: active experts; not the embedding lookup). Full activation recomputation adds
one more forward (8N). LoRA/QLoRA still run the forward and the activation-gradient half of the
backward through the frozen weights, but skip their weight gradients: ~4N, i.e. about 2/3 of full
fine-tuning per token, not 1/3 -- what they save is memory (no gradients or optimizer state for the
base weights), not most of the compute.
"""

from __future__ import annotations

import math
from typing import Literal

from .base import check, record, spec
from .defaults import PRETRAIN_SEQUENCE_LENGTH
from .errors import AdvisorInputError
from .gpus import GPU, get_gpu
from .models import get_model
from .params import count_params

TrainMethod = Literal["pretrain", "full", "lora", "qlora"]

# Model FLOPs utilisation measured by Megatron-LM on A100-80GB (Narayanan et al. / Korthikanti et al.,
# NVIDIA/Megatron-LM README "MFU" table: 22B 41.5%, 175B 51.4%, 530B 56.0%, 1T 56.3%), interpolated
# in log(parameters); smaller models are held at the 22B figure.
MEGATRON_A100_MFU = [(22e9, 0.415), (175e9, 0.514), (530e9, 0.560), (1000e9, 0.563)]
# Megatron-Core GPT-3 175B on H100 reaches 47% MFU at 96 GPUs (NVIDIA/Megatron-LM README), i.e. ~0.91x
# the A100 figure at that scale: H100-class parts run closer to their (much higher) peak's memory wall.
GENERATION_FACTOR = {"Ampere": 1.0, "Hopper": 0.91, "Blackwell": 0.85}
OTHER_GPU_FACTOR = 0.8  # multi-GPU runs without NVLink/InfiniBand: gradient traffic over PCIe
# One GPU has no communication at all: large bf16 GEMMs reach ~70% of peak and take ~80% of a
# step, so ~55% MFU is reachable (torch.compile'd recipes; an eager Trainer loop gets less).
SINGLE_GPU_MFU = 0.55
QLORA_FACTOR = 0.7  # dequantizing NF4 weights in every forward and backward costs ~30%


@record
class TrainingRequest:
    model: str = spec(description="catalog name, a size like '7B', or a config.json path")
    tokens: float = spec(description="training tokens (e.g. 2e12 for pretraining, 1e8 for a fine-tune)", gt=0)
    gpu: str = spec("a100-80gb-sxm", "GPU type")
    gpu_count: int = spec(8, "GPUs training together", gt=0, le=1_000_000)
    method: TrainMethod = spec("pretrain", "pretrain, full (fine-tune), lora or qlora")
    sequence_length: int = spec(PRETRAIN_SEQUENCE_LENGTH, "tokens per sequence", gt=0)
    gradient_checkpointing: bool = spec(False, "full activation recomputation (one more forward)")
    mfu: float | None = spec(None, "override model FLOPs utilisation (0-1)", gt=0, le=1)
    precision: Literal["bf16", "fp8"] = spec("bf16", "training compute precision (fp8 needs Hopper or newer)")

    def __post_init__(self) -> None:
        check(self)


@record
class TrainingResult:
    model: str
    gpu: str
    gpu_count: int
    method: str
    tokens: float
    flops: float = spec(description="model FLOPs for the whole run")
    flops_per_token: float
    mfu: float = spec(description="model FLOPs utilisation assumed (stated; override with mfu)")
    hours: float = spec(description="wall-clock hours")
    gpu_hours: float
    days: float
    tokens_per_s_per_gpu: float
    tflops_per_gpu: float = spec(description="achieved model TFLOPS per GPU")
    assumptions: list[str]
    notes: list[str] = spec(factory=list)


def default_mfu(params: float, gpu: GPU, method: str, gpu_count: int) -> tuple[float, str]:
    if gpu_count == 1:
        mfu, why = SINGLE_GPU_MFU, [f"single GPU, no communication: {SINGLE_GPU_MFU:.0%}"]
    else:
        mfu = _megatron_mfu(params)
        why = [f"Megatron-LM A100 MFU at this scale {mfu:.1%}"]
        fast = gpu.kind == "datacenter" and gpu.has_fast_interconnect
        factor = GENERATION_FACTOR.get(gpu.architecture, 1.0) if fast else OTHER_GPU_FACTOR
        if factor != 1.0:
            why.append(f"x{factor:g} for {gpu.architecture}" + ("" if fast else " without NVLink"))
        mfu *= factor
    if method == "qlora":
        mfu *= QLORA_FACTOR
        why.append(f"x{QLORA_FACTOR:g} for NF4 dequantization")
    return mfu, ", ".join(why)


def _megatron_mfu(params: float) -> float:
    pts = MEGATRON_A100_MFU
    if params <= pts[0][0]:
        return pts[0][1]
    for (p0, m0), (p1, m1) in zip(pts, pts[1:], strict=False):
        if params <= p1:
            return m0 + (m1 - m0) * math.log(params / p0) / math.log(p1 / p0)
    return pts[-1][1]


def estimate_training(req: TrainingRequest) -> TrainingResult:
    m = get_model(req.model)
    gpu = get_gpu(req.gpu)
    if req.precision == "fp8" and not gpu.supports_fp8:
        raise AdvisorInputError(f"{gpu.name} has no FP8 tensor cores; train in bf16 (--precision bf16).")
    c = count_params(m)
    n_mult = c.active - c.embedding - c.extra  # parameters each token multiplies (incl. the LM head)
    attn = 12 * m.num_layers * m.num_heads * m.head_dim * req.sequence_length
    full = 6 * n_mult + attn
    if req.method in ("pretrain", "full"):
        per_token = full
        hw_factor = 8 / 6 if req.gradient_checkpointing else 1.0
    else:
        per_token = 4 * n_mult + attn * 2 / 3  # no weight gradients for frozen weights
        hw_factor = 6 / 4 if req.gradient_checkpointing else 1.0
    flops = per_token * req.tokens
    peak = (gpu.fp8_tflops_dense if req.precision == "fp8" else gpu.bf16_tflops_dense or gpu.fp16_tflops_dense)
    if not peak:
        raise AdvisorInputError(f"No tensor FLOPS figure for {gpu.name}; pick another GPU.")
    mfu, why = (req.mfu, "given") if req.mfu else default_mfu(c.active, gpu, req.method, req.gpu_count)
    effective = mfu / hw_factor
    seconds = flops / (peak * 1e12 * effective * req.gpu_count)
    hours = seconds / 3600
    assumptions = [
        f"{per_token / 1e9:.1f} GFLOPs per token ("
        + ("6N + attention" if req.method in ("pretrain", "full") else "4N + attention: frozen weights get no gradient")
        + f", N = {n_mult / 1e9:.2f}B multiplied parameters, sequence {req.sequence_length:,})",
        f"MFU {mfu:.1%} ({why})" + (f"; recomputation makes it {effective:.1%} of useful work" if hw_factor > 1 else ""),
        f"{req.gpu_count} x {gpu.name} at {peak:g} dense {req.precision.upper()} TFLOPS each",
    ]
    notes = []
    if req.method in ("lora", "qlora"):
        notes.append(f"{req.method.upper()} does about {per_token / full:.0%} of full fine-tuning's compute per token: "
                     "it saves the base weights' gradients and optimizer state (memory), not most of the FLOPs.")
    if m.is_moe:
        notes.append(f"MoE: FLOPs use the {c.active / 1e9:.1f}B active parameters, not all {c.total / 1e9:.1f}B.")
    return TrainingResult(
        model=m.name, gpu=gpu.name, gpu_count=req.gpu_count, method=req.method, tokens=req.tokens,
        flops=flops, flops_per_token=per_token, mfu=round(effective, 4), hours=round(hours, 2),
        gpu_hours=round(hours * req.gpu_count, 1), days=round(hours / 24, 2),
        tokens_per_s_per_gpu=round(req.tokens / seconds / req.gpu_count, 1),
        tflops_per_gpu=round(peak * effective, 1), assumptions=assumptions, notes=notes,
    )
