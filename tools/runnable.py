"""rank_runnable: which catalog models run on given GPUs, ranked: for inference in the least lossy format that fits
(with the longest context that fits and the decode speed), for LoRA and QLoRA fine-tuning at a training context.

Ranked by size (more parameters first: within one generation the larger model is the stronger one), among models
released since `released_since` (older generations are listed only when asked: a 2022 66B model is not better advice
than a 2025 32B one). Inference formats with a large measured quality loss (q4_0, q3_k_m, q2_k, 3-bit GPTQ) are not
offered; the format order is quantization.quality_order (tools/data/quant_quality.json).
"""

from __future__ import annotations

from typing import Literal

from .base import check, record, replace, spec
from .errors import AdvisorInputError
from .fit import _largest, available_gib
from .formats import weight_bytes, weight_format
from .gpus import GPU, get_gpu
from .memory import MemoryRequest, estimate_memory
from .models import catalog_spec, model_ids, released
from .params import count_params
from .quantization import hardware_support, quality_order

RunWorkload = Literal["inference", "lora", "qlora"]
INFERENCE_FORMATS = ["bf16", "fp8", "awq-4bit", "gptq-4bit-g128", "q8_0", "q6_k", "q5_k_m", "q4_k_m", "iq4_xs"]
TRAIN_CONTEXT = 2048
RELEASED_SINCE = "2024-01"


@record
class RunnableRequest:
    gpu: str = spec(description="GPU name, e.g. 'rtx-3090'")
    gpu_count: int = spec(1, "number of GPUs", gt=0, le=64)
    workload: RunWorkload = spec("inference", description="inference, lora or qlora")
    family: str | None = spec(None, "only this model family (qwen, llama, gemma, mistral, deepseek, ...)")
    min_params_b: float | None = spec(None, "smallest model size in billions", ge=0, le=5000)
    max_params_b: float | None = spec(None, "largest model size in billions", gt=0, le=5000)
    context: int = spec(4096, "inference: tokens one sequence must hold", gt=0, le=2**24)
    released_since: str = spec(RELEASED_SINCE, "only models released since this month (YYYY-MM); '0' for all")
    min_tokens_per_s: float = spec(5.0, "inference: leave out models decoding slower than this", ge=0, le=1e6)
    limit: int = spec(15, "how many models to list", gt=0, le=500)

    def __post_init__(self) -> None:
        check(self)


@record
class RunnableModel:
    model_id: str
    name: str
    family: str
    params_b: float
    released: str
    format: str = spec(description="weights: least lossy that fits (inference), bf16 (LoRA) or nf4 (QLoRA)")
    quality_impact: str = spec("", "inference: measured impact class of the format vs 16-bit")
    required_gib: float = spec(description="per GPU")
    available_gib: float = spec(description="per GPU")
    context: int = spec(description="tokens per sequence the figure is for")
    max_context: int | None = spec(None, "inference: longest context one sequence can have (capped at the model's)")
    decode_tokens_per_s: float | None = spec(None, "inference: one stream")
    sharding: str = spec("none", "training: how the GPUs share the model")


@record
class RunnableResult:
    gpu: str
    gpu_id: str
    gpu_count: int
    workload: str
    models: list[RunnableModel]
    considered: int = spec(description="catalog models that passed the filters")
    runnable: int = spec(description="of those, how many run (before `limit`)")
    notes: list[str] = spec(factory=list)


def _fits(req: MemoryRequest, gpu: GPU) -> tuple[float, float, MemoryRequest] | None:
    """(per-GPU GiB, available GiB, the request with its runtime resolved) when it fits; None otherwise."""
    try:
        est = estimate_memory(req)
    except AdvisorInputError:
        return None
    resolved = replace(req, framework=est.framework)
    avail = available_gib(gpu, resolved)
    return (est.per_gpu_gib, avail, resolved) if est.per_gpu_gib <= avail else None


def _inference(mid: str, gpu: GPU, req: RunnableRequest) -> RunnableModel | None:
    from .throughput import ThroughputRequest, estimate_throughput

    m = catalog_spec(mid)
    params = count_params(m).total
    names = list(dict.fromkeys([m.native_precision, *INFERENCE_FORMATS]))
    formats = [weight_format(n) for n in names]
    usable = [f for f in formats if not hardware_support(f, gpu)[0].startswith(("not supported", "needs", "bitsandbytes"))]
    ordered = sorted(usable, key=lambda f: quality_order(f.key, weight_bytes(m, f) * 8 / params))
    context = min(req.context, m.max_context)
    for fmt in ordered:
        if quality_order(fmt.key, 0)[0] >= 4:  # large measured loss: not offered
            continue
        hit = _fits(MemoryRequest(model=mid, precision=fmt.key, context=context, batch=1, gpu=gpu.id,
                                  gpu_count=req.gpu_count), gpu)
        if not hit:
            continue
        required, avail, resolved = hit
        tps = estimate_throughput(ThroughputRequest(model=mid, gpu=gpu.id, gpu_count=req.gpu_count, precision=fmt.key,
                                                    framework=resolved.framework, batch=1)).decode_tokens_per_s
        if tps < req.min_tokens_per_s:
            return None
        from .quantization import quality_entry

        return RunnableModel(model_id=mid, name=m.name, family=m.family, params_b=round(params / 1e9, 2),
                             released=released(mid), format=fmt.key,
                             quality_impact=quality_entry(fmt.key).get("impact", "unknown"),
                             required_gib=required, available_gib=round(avail, 2), context=context,
                             max_context=_largest(resolved, "context", m.max_context, avail),
                             decode_tokens_per_s=round(tps, 1))
    return None


def _training(mid: str, gpu: GPU, req: RunnableRequest) -> RunnableModel | None:
    m = catalog_spec(mid)
    context = min(TRAIN_CONTEXT, m.max_context)
    shardings = ["none"] + (["fsdp"] if req.gpu_count > 1 else [])
    for sharding in shardings:
        hit = _fits(MemoryRequest(model=mid, workload="training", method=req.workload, context=context, batch=1,
                                  gpu=gpu.id, gpu_count=req.gpu_count, sharding=sharding), gpu)
        if hit:
            required, avail, _ = hit
            return RunnableModel(model_id=mid, name=m.name, family=m.family,
                                 params_b=round(count_params(m).total / 1e9, 2), released=released(mid),
                                 format="nf4" if req.workload == "qlora" else "bf16", required_gib=required,
                                 available_gib=round(avail, 2), context=context, sharding=sharding)
    return None


def _selected(req: RunnableRequest) -> list[str]:
    family = (req.family or "").strip().lower()
    out = []
    for mid in model_ids():
        m = catalog_spec(mid)
        size = (m.official_params_b or count_params(m).total / 1e9)
        if family and family not in m.family.lower():
            continue
        if req.min_params_b is not None and size < req.min_params_b:
            continue
        if req.max_params_b is not None and size > req.max_params_b:
            continue
        if req.released_since not in ("", "0") and released(mid) < req.released_since:
            continue
        out.append(mid)
    return out


def rank_runnable(req: RunnableRequest) -> RunnableResult:
    gpu = get_gpu(req.gpu)
    chosen = _selected(req)
    rows = [r for mid in chosen if (r := (_inference if req.workload == "inference" else _training)(mid, gpu, req))]
    rows.sort(key=lambda r: (-r.params_b, -(r.decode_tokens_per_s or 0), r.model_id))
    notes = []
    if req.workload == "inference":
        notes.append(f"Each model in the least lossy format that fits (measured quality, tools/data/quant_quality.json)"
                     f" at {req.context:,} tokens, one sequence; speed is one stream's decode. Formats with a large "
                     f"measured loss (q4_0, q3_k_m, q2_k) are left out, and models slower than "
                     f"{req.min_tokens_per_s:g} tokens/s.")
    else:
        notes.append(f"{'QLoRA' if req.workload == 'qlora' else 'LoRA'} at {TRAIN_CONTEXT:,} tokens, micro-batch 1, gradient checkpointing on"
                     + (" (fsdp: the model sharded over the GPUs when one GPU cannot hold it)." if req.gpu_count > 1
                        else "."))
    if req.released_since not in ("", "0"):
        notes.append(f"Models released since {req.released_since}; older ones only when asked (CLI: --all-releases).")
    return RunnableResult(gpu=gpu.name, gpu_id=gpu.id, gpu_count=req.gpu_count, workload=req.workload,
                          models=rows[:req.limit], considered=len(chosen), runnable=len(rows), notes=notes)
