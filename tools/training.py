"""estimate_training: FLOPs, throughput while running, and end-to-end wall time / GPU-hours.

FLOPs per token follow PaLM (Chowdhery et al. 2022, appendix B): 6N for the weights' forward and
backward plus 12 x layers x heads x head_dim x sequence for attention, N counting the parameters a
token multiplies (MoE: active experts; not the embedding lookup). Full activation recomputation adds
one more forward of the weights (8N of hardware work for 6N of useful work). LoRA/QLoRA still run the
forward and the activation-gradient half of the backward through the frozen weights, but skip their
weight gradients: ~4N, about 2/3 of full fine-tuning per token -- they save memory, not most FLOPs.

Two separate figures (issue 17):
- Throughput while running (`mfu`, `tokens_per_s_per_gpu`) from a step-time model in
  tools/training_speed.py, calibrated on published benchmark rows (bench/train_fit.py).
- End-to-end time and GPU-hours divide that by a goodput (restarts after failures, evaluation,
  checkpoint saves, stalls), also calibrated on published whole-run GPU-hours.
"""

from __future__ import annotations

from typing import Literal

from .base import check, record, spec
from .defaults import ASSUMED, PRETRAIN_SEQUENCE_LENGTH
from .errors import AdvisorInputError
from .gpus import get_gpu
from .models import get_model
from .params import count_params
from .throughput import speed_ranges
from .training_speed import CALIB, RANGE_BEST, RANGE_TYPICAL, SpeedInputs, default_layout, goodput, running_mfu

TrainMethod = Literal["pretrain", "full", "lora", "qlora"]
TrainFramework = Literal["megatron", "fsdp", "torchtitan", "deepspeed", "transformers"]
QLORA_FACTOR = 0.7  # bitsandbytes dequantizes every NF4 weight in each forward and backward: ~30% slower


@record
class TrainingRequest:
    model: str = spec(description="the model as the person wrote it: a catalog name or alias, a Hugging Face repo id (org/name) or a size in billions of parameters; e.g. '7B', or "
                      "(CLI only) a config.json path")
    tokens: float = spec(description="training tokens, the number the person gave (T = 10^12, B = 10^9); e.g. 2e12 "
                                       "for pretraining, 1e8 for a fine-tune", ge=1,
                         le=1e15)
    gpu: str = spec("a100-80gb-sxm", "GPU type")
    gpu_count: int = spec(8, "GPUs training together", gt=0, le=1_000_000)
    method: TrainMethod = spec("pretrain", "pretrain, full (fine-tune), lora or qlora")
    sequence_length: int = spec(PRETRAIN_SEQUENCE_LENGTH, "tokens per sequence", gt=0, le=10_000_000)
    gradient_checkpointing: bool = spec(False, "full activation recomputation (one more forward)")
    mfu: float | None = spec(None, "override model FLOPs utilisation while running (0-1)", ge=0.01,
                               le=1)
    precision: Literal["bf16", "fp8"] = spec("bf16", "training compute precision (fp8 needs Hopper or newer)")
    framework: TrainFramework | None = spec(
        None, "megatron (tensor/pipeline parallel), fsdp/torchtitan/deepspeed (sharded data parallel) or "
              "transformers (Trainer); default: megatron above 100B parameters on many GPUs, else fsdp")
    tensor_parallel: int | None = spec(None, "tensor-parallel size (default from the framework and model size)",
                                       gt=0, le=64)
    pipeline_parallel: int = spec(1, "pipeline stages (Megatron 1F1B); each step idles (stages - 1) micro-batch "
                                     "slots", gt=0, le=512)
    microbatches: int | None = spec(None, "micro-batches per step through the pipeline (default 4 x stages)",
                                    gt=0, le=1_000_000)
    network: Literal["infiniband", "ethernet"] = spec(
        "infiniband", "fabric between nodes: infiniband (or RoCE at 200-400 Gb/s per GPU) or ethernet (commodity)")
    goodput: float | None = spec(None, "override the share of wall time doing useful steps (0-1)", ge=0.01,
                                    le=1)
    reference_model: bool = spec(False, "preference training with a frozen reference model (DPO, KTO, IPO): it "
                                        "also runs a forward pass over every token, 2N more FLOPs per token")

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
    mfu: float = spec(description="model FLOPs utilisation while running (useful FLOPs / peak)")
    mfu_range: list[float] = spec(factory=list, description="[typical, best] MFU while running")
    goodput: float = spec(1.0, "share of wall time spent on useful steps (restarts, evaluation, checkpoints)")
    hours: float = spec(description="wall-clock hours end to end (running time / goodput)")
    hours_range: list[float] = spec(factory=list, description="[best, typical] wall-clock hours end to end")
    running_hours: float = spec(0.0, "hours of pure training steps (no failures or evaluation)")
    gpu_hours: float = spec(description="GPU-hours end to end")
    gpu_hours_range: list[float] = spec(factory=list, description="[best, typical] GPU-hours end to end")
    days: float
    tokens_per_s_per_gpu: float = spec(description="throughput while running")
    tflops_per_gpu: float = spec(description="achieved model TFLOPS per GPU while running")
    framework: str = ""
    tensor_parallel: int = 1
    assumptions: list[str]
    notes: list[str] = spec(factory=list)


def attn_forward(m, seq: int) -> float:
    """Attention FLOPs of one forward pass per token (QK^T and AV over the causal half of `seq`)."""
    return 4 * m.num_layers * m.num_heads * m.head_dim * seq


def flops_per_token(m, n_mult: float, method: str, seq: int) -> tuple[float, float]:
    """(useful FLOPs per token, attention share of them)."""
    attn = 12 * m.num_layers * m.num_heads * m.head_dim * seq
    if method in ("pretrain", "full"):
        return 6 * n_mult + attn, attn
    return 4 * n_mult + attn * 2 / 3, attn * 2 / 3  # no weight gradients for frozen weights


def estimate_training(req: TrainingRequest, calib=CALIB, spec_override=None) -> TrainingResult:
    """`calib` and `spec_override` (a ModelSpec) are for bench/train_fit.py; tools and the CLI leave them."""
    m = spec_override or get_model(req.model)
    gpu = get_gpu(req.gpu)
    if req.precision == "fp8" and not gpu.supports_fp8:
        raise AdvisorInputError(f"{gpu.name} has no FP8 tensor cores; train in bf16 (--precision bf16).")
    peak = gpu.fp8_tflops_dense if req.precision == "fp8" else gpu.bf16_tflops_dense or gpu.fp16_tflops_dense
    if not peak:
        raise AdvisorInputError(f"No tensor FLOPS figure for {gpu.name}; pick another GPU.")
    c = count_params(m)
    # parameters each token multiplies: all but the embedding lookup, plus the LM head when it is tied
    n_mult = c.active - c.embedding - c.extra + (m.vocab_size * m.hidden_size if m.tie_embeddings else 0)
    per_token, attn = flops_per_token(m, n_mult, req.method, req.sequence_length)
    if req.reference_model:  # the frozen reference model's forward over the same tokens (TRL's DPOTrainer default)
        per_token, attn = per_token + 2 * n_mult + attn_forward(m, req.sequence_length), attn + attn_forward(m, req.sequence_length)
    framework, tp = default_layout(req.framework, c.active, req.gpu_count, req.tensor_parallel)
    if tp * req.pipeline_parallel > req.gpu_count:
        raise AdvisorInputError(f"Tensor parallel {tp} x pipeline parallel {req.pipeline_parallel} needs at least "
                                f"{tp * req.pipeline_parallel} GPUs; you have {req.gpu_count}.")
    nvlink = gpu.kind == "datacenter" and gpu.nvlink_for(min(req.gpu_count, 8))
    speed = SpeedInputs(flops=per_token, attn_flops=attn, hidden=m.hidden_size, layers=m.num_layers,
                        peak_tflops=peak, bandwidth_gb_per_s=gpu.memory_bandwidth_gb_per_s,
                        hopper=gpu.architecture in ("Hopper", "Blackwell"), gpus=req.gpu_count, tp=tp,
                        nvlink=nvlink, ethernet=req.network == "ethernet",
                        recompute=req.gradient_checkpointing, fp8=req.precision == "fp8",
                        pp=req.pipeline_parallel, microbatches=req.microbatches or 4 * req.pipeline_parallel)
    mfu, why = (req.mfu, ["given"]) if req.mfu else running_mfu(speed, calib)
    if req.method == "qlora" and not req.mfu:
        mfu *= QLORA_FACTOR
        why.append(f"x{QLORA_FACTOR:g} for NF4 dequantization ({ASSUMED})")
    good, good_why = (req.goodput, "given") if req.goodput else goodput(req.gpu_count, calib)
    flops = per_token * req.tokens
    run_s = flops / (peak * 1e12 * mfu * req.gpu_count)
    hours = run_s / 3600 / good
    # range: the 10th-90th percentile of the held-out errors of training throughput (docs/validation.md); without
    # that file, the typical-best band of tuned vs untuned setups
    held = speed_ranges().get("training")
    lo_f, hi_f = (1 / (1 + held["p90"]), 1 / (1 + held["p10"])) if held else (RANGE_TYPICAL, RANGE_BEST)
    lo_mfu, hi_mfu = mfu * lo_f, min(mfu * hi_f, 0.95)
    best_h, typ_h = hours * mfu / hi_mfu, hours * mfu / lo_mfu
    assumptions = [
        f"{per_token / 1e9:.1f} GFLOPs per token ("
        + ("6N + attention" if req.method in ("pretrain", "full") else "4N + attention: frozen weights get no gradient")
        + f", N = {n_mult / 1e9:.2f}B multiplied parameters, sequence {req.sequence_length:,})"
        + ("; + 2N for the frozen reference model's forward (DPO-style; precomputing its log-probs once saves it)"
           if req.reference_model else ""),
        f"MFU while running {mfu:.1%} ({'; '.join(why)}); range {lo_mfu:.0%}-{hi_mfu:.0%}",
        f"goodput {good:.0%} ({good_why}): hours = running time / goodput",
        f"{req.gpu_count} x {gpu.name} at {peak:g} dense {req.precision.upper()} TFLOPS each, {framework}"
        + (f", tensor parallel {tp}" if tp > 1 else "")
        + (f", pipeline parallel {req.pipeline_parallel}" if req.pipeline_parallel > 1 else "") + ("" if nvlink or req.gpu_count == 1 else ", PCIe between GPUs"),
        "kernels: FlashAttention-2 class attention, fused bf16 GEMMs"
        + ("; full activation recomputation (one extra forward)" if req.gradient_checkpointing else ""),
    ]
    notes = [f"Range: {best_h:,.1f} (best) to {typ_h:,.1f} (typical-slow) hours end to end"
             + (f": the 10th-90th percentile of held-out errors on {held['rows']} published throughput rows from "
                f"{held['sources']} sources, each scored by constants fitted without its source; assumes "
                f"{held['assumes']}. Untuned setups (eager PyTorch, no fused kernels) run ~20% slower still."
                if held else ".")]
    if req.method in ("lora", "qlora"):
        notes.append(f"{req.method.upper()} does about {per_token / flops_per_token(m, n_mult, 'full', req.sequence_length)[0]:.0%}"
                     " of full fine-tuning's compute per token: it saves the base weights' gradients and optimizer "
                     "state (memory), not most of the FLOPs.")
    if m.is_moe:
        notes.append(f"MoE: FLOPs use the {c.active / 1e9:.1f}B active parameters, not all {c.total / 1e9:.1f}B; "
                     "expert all-to-all traffic is not modelled, so real MoE runs are often slower.")
    return TrainingResult(
        model=m.name, gpu=gpu.name, gpu_count=req.gpu_count, method=req.method, tokens=req.tokens,
        flops=flops, flops_per_token=per_token, mfu=round(mfu, 4), mfu_range=[round(lo_mfu, 4), round(hi_mfu, 4)],
        goodput=round(good, 3), hours=round(hours, 2), hours_range=[round(best_h, 2), round(typ_h, 2)],
        running_hours=round(run_s / 3600, 2), gpu_hours=round(hours * req.gpu_count, 1),
        gpu_hours_range=[round(best_h * req.gpu_count, 1), round(typ_h * req.gpu_count, 1)],
        days=round(hours / 24, 2), tokens_per_s_per_gpu=round(req.tokens / run_s / req.gpu_count, 1),
        tflops_per_gpu=round(peak * mfu, 1), framework=framework, tensor_parallel=tp,
        assumptions=assumptions, notes=notes,
    )
