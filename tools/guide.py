"""The classic "which hardware for which model size" guide, computed from the calculators."""

from __future__ import annotations

from .base import record
from .plan import PlanRequest, recommend_hardware

SCALES = [("under 1B", "0.5B"), ("1-7B", "7B"), ("7-70B", "70B"), ("70B-1T", "405B")]


@record
class GuideRow:
    scale: str
    example: str
    training: str
    inference_bf16: str
    inference_4bit: str
    limiting_factor: str


def _fmt(o) -> str:
    if o is None:
        return "nothing on file fits"
    return f"{o.gpu_count}x {o.gpu_id} ({o.memory_per_gpu_gib:.0f} GiB/GPU)"


def hardware_guide() -> list[GuideRow]:
    rows = []
    for scale, size in SCALES:
        train = recommend_hardware(PlanRequest(model=size, workload="finetune", method="full", context=2048,
                                               max_gpus=1024, limit=1)).by_cost
        serve = recommend_hardware(PlanRequest(model=size, workload="inference", context=8192, max_gpus=8, limit=500))
        bf16 = next((o for o in serve.by_cost if o.precision == "bf16" and not o.tight), None)
        q4 = next((o for o in serve.by_cost if o.precision in ("awq-4bit", "q4_k_m") and not o.tight), None)
        t = train[0] if train else None
        factors = []
        factors.append("training: memory for weights+grads+Adam (16 B/param)" if t and t.gpu_count > 1
                       else "training: compute (6 x params x tokens)")
        factors.append("serving: memory to hold the weights" if bf16 is None or bf16.gpu_count > 1
                       else "serving: memory bandwidth (decode)")
        rows.append(GuideRow(scale=scale, example=size, training=_fmt(t), inference_bf16=_fmt(bf16),
                             inference_4bit=_fmt(q4), limiting_factor="; ".join(factors)))
    return rows
