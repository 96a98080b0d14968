"""recommend_hardware: feasible GPU x count x precision x layout configurations, ranked by cost and speed.

Memory per GPU depends on the layout, not on which GPU it is, so each (precision, count) layout is
estimated once and compared with every GPU's capacity; speed and price are then per GPU.
"""

from __future__ import annotations

import math
from typing import Literal

from .base import check, record, spec
from .defaults import CONCURRENCY, FINETUNE_TOKENS, INFERENCE_CONTEXT, PRICE_BASIS, TIGHT_HEADROOM
from .errors import AdvisorInputError
from .fit import available_gib
from .formats import weight_format
from .gpus import GPU, all_gpus, get_gpu
from .memory import MemoryRequest, estimate_memory
from .models import get_model
from .prices import gpu_prices
from .throughput import ThroughputRequest, estimate_throughput
from .training import TrainingRequest, estimate_training

COUNTS = (1, 2, 4, 8)
TIGHT = TIGHT_HEADROOM  # one margin for check_fit and plans (tools/defaults.py)
INFERENCE_PRECISIONS = ("bf16", "fp8", "awq-4bit", "q4_k_m")
FINETUNE_DEFAULT_TOKENS = FINETUNE_TOKENS


@record
class PlanRequest:
    model: str = spec(description="catalog name or alias, a Hugging Face repo id (org/name), a size like '70B', or (CLI only) a config.json path")
    workload: Literal["inference", "finetune", "pretrain"] = spec("inference", "what to plan for")
    method: Literal["full", "lora", "qlora"] = spec("lora", "fine-tuning method")
    context: int = spec(INFERENCE_CONTEXT, "inference: tokens per sequence; training: sequence length", gt=0,
                       le=2**24)
    concurrency: int = spec(CONCURRENCY, "inference: simultaneous streams", gt=0, le=4096)
    target_tokens_per_s: float | None = spec(None, "inference: minimum decode speed per stream", gt=0, le=1e6)
    tokens: float | None = spec(None, "training tokens (fine-tune default 5e7; required for pretraining)",
                                ge=1, le=1e15)
    deadline_days: float | None = spec(None, "training must finish within this many days", ge=0.01,
                                       le=36500)
    gpus: list[str] | None = spec(None, "only consider these GPUs")
    max_gpus: int = spec(8, "largest GPU count per configuration (one node = 8)", gt=0, le=100_000)
    price: Literal["on_demand", "cheapest"] = spec(PRICE_BASIS, "rental price to rank by")
    limit: int = spec(12, "options to return", gt=0, le=500)

    def __post_init__(self) -> None:
        check(self)


@record
class PlanOption:
    gpu: str
    gpu_id: str
    gpu_count: int
    precision: str
    layout: str
    framework: str
    memory_per_gpu_gib: float
    available_per_gpu_gib: float
    headroom_pct: float
    tight: bool
    decode_tokens_per_s: float | None = spec(None, "inference: per stream")
    decode_tokens_per_s_total: float | None = None
    hours: float | None = spec(None, "training: wall-clock hours")
    gpu_hours: float | None = None
    usd_per_hour: float | None = spec(None, "rent for the whole configuration")
    usd_total: float | None = spec(None, "training: cost of the run")
    usd_per_million_tokens: float | None = spec(None, "inference: at full load, all streams")
    reason: str = ""


@record
class PlanResult:
    model: str
    workload: str
    by_cost: list[PlanOption] = spec(description="the cheapest `limit` options")
    by_speed: list[PlanOption] = spec(description="the fastest `limit` options")
    options: list[PlanOption] = spec(description="every feasible option, cheapest first (unpriced last)")
    cheapest_single_node: PlanOption | None
    considered: int
    assumptions: list[str]
    notes: list[str] = spec(factory=list)


def _candidate_gpus(req: PlanRequest) -> list[GPU]:
    if req.gpus:
        return [get_gpu(g) for g in req.gpus]
    return [g for g in all_gpus() if g.vendor in ("nvidia", "amd", "apple") and g.id != "mi250x"]


def _price(gpu: GPU, kind: str) -> float | None:
    p = gpu_prices(gpu.id)
    return (p.cheapest_usd_per_hour if kind == "cheapest" else p.on_demand_usd_per_hour) or p.cheapest_usd_per_hour


def _inference_layouts(req: PlanRequest, spec_heads: int) -> list[tuple[str, int, str]]:
    out = []
    for prec in INFERENCE_PRECISIONS:
        for n in COUNTS:
            if n > req.max_gpus:
                continue
            fw = "llama.cpp" if prec.startswith("q") else "vllm"
            if fw == "vllm" and spec_heads % n:
                continue
            out.append((prec, n, fw))
    return out


def _inference(req: PlanRequest) -> tuple[list[PlanOption], int]:
    m = get_model(req.model)
    context = min(req.context, m.max_context)
    mems = {}
    for prec, n, fw in _inference_layouts(req, m.num_heads):
        try:
            mems[(prec, n)] = (estimate_memory(MemoryRequest(model=req.model, precision=prec, context=context,
                                                             batch=req.concurrency, gpu_count=n, framework=fw)), fw)
        except AdvisorInputError:
            continue
    options, considered = [], 0
    for gpu in _candidate_gpus(req):
        for prec in INFERENCE_PRECISIONS:
            if not _runs(prec, gpu):
                continue
            for n in COUNTS:
                if (prec, n) not in mems or (gpu.vendor == "apple" and n > 1):
                    continue
                considered += 1
                mem, fw = mems[(prec, n)]
                avail = available_gib(gpu, MemoryRequest(model=req.model, framework=fw))
                if mem.per_gpu_gib > avail:
                    continue
                opt = _inference_option(req, gpu, n, prec, fw, mem, avail, context)
                if opt:
                    options.append(opt)
                if not opt or not opt.tight:
                    break  # the smallest count that fits; when that is tight, also the next one up
    return options, considered


def _runs(prec: str, gpu: GPU) -> bool:
    if gpu.vendor == "apple":
        return prec == "q4_k_m"
    if prec == "fp8":
        return gpu.supports_fp8
    return True


def _inference_option(req, gpu, n, prec, fw, mem, avail, context) -> PlanOption | None:
    need = mem.per_gpu_gib
    out_tokens = min(512, max(1, context // 4))
    t = estimate_throughput(ThroughputRequest(model=req.model, gpu=gpu.id, gpu_count=n, precision=prec, framework=fw,
                                              batch=req.concurrency, prompt_tokens=max(1, context - out_tokens),
                                              output_tokens=out_tokens))
    if req.target_tokens_per_s and t.decode_tokens_per_s < req.target_tokens_per_s:
        return None
    price = _price(gpu, req.price)
    usd_h = price * n if price else None
    headroom = (avail - need) / avail
    layout = "layer split" if fw == "llama.cpp" and n > 1 else (f"TP={n}" if n > 1 else "single GPU")
    per_m = usd_h / (t.decode_tokens_per_s_total * 3600) * 1e6 if usd_h else None
    per_seq = mem.breakdown_gib["kv_cache"] / max(req.concurrency, 1)
    room = int((avail - need) / per_seq) if per_seq > 0 else 0
    why = (f"{need:.1f} of {avail:.1f} GiB per GPU; KV room for {room} more {context:,}-token sequence(s)"
           + (" - tight" if headroom < TIGHT else "") + f"; {t.decode_tokens_per_s:.0f} tok/s per stream")
    return PlanOption(gpu=gpu.name, gpu_id=gpu.id, gpu_count=n, precision=weight_format(prec).key, layout=layout,
                      framework=fw, memory_per_gpu_gib=need, available_per_gpu_gib=round(avail, 2),
                      headroom_pct=round(100 * headroom, 1), tight=headroom < TIGHT,
                      decode_tokens_per_s=t.decode_tokens_per_s, decode_tokens_per_s_total=t.decode_tokens_per_s_total,
                      usd_per_hour=round(usd_h, 2) if usd_h else None,
                      usd_per_million_tokens=round(per_m, 3) if per_m else None, reason=why)


def _training(req: PlanRequest) -> tuple[list[PlanOption], int]:
    m = get_model(req.model)
    seq = min(req.context, m.max_context, 8192 if req.workload == "finetune" else m.max_context)
    tokens = req.tokens or (FINETUNE_DEFAULT_TOKENS if req.workload == "finetune" else None)
    if tokens is None:
        raise AdvisorInputError("Pretraining needs a token budget: give --tokens (e.g. 2e12).")
    method = "full" if req.workload == "pretrain" else req.method
    counts = list(COUNTS)
    if req.workload == "pretrain" or req.max_gpus > 8:
        counts = sorted({*COUNTS, *(8 * 2**k for k in range(1, 15))})
    counts = [n for n in counts if n <= req.max_gpus]
    options, considered, mems = [], 0, {}
    for gpu in _candidate_gpus(req):
        if gpu.vendor == "apple":
            continue
        for n in counts:
            considered += 1
            key = n
            if key not in mems:
                try:
                    mems[key] = estimate_memory(MemoryRequest(
                        model=req.model, workload="training", method=method, context=seq, batch=1, gpu_count=n,
                        sharding="zero3" if n > 1 else "none", gradient_checkpointing=True,
                        precision="nf4-dq" if method == "qlora" else "bf16"))
                except AdvisorInputError:
                    mems[key] = None
            mem = mems[key]
            if mem is None or mem.per_gpu_gib > gpu.usable_gib:
                continue
            tr = estimate_training(TrainingRequest(model=req.model, tokens=tokens, gpu=gpu.id, gpu_count=n,
                                                   method="pretrain" if req.workload == "pretrain" else method,
                                                   sequence_length=seq, gradient_checkpointing=True))
            if req.deadline_days and tr.days > req.deadline_days:
                continue
            price = _price(gpu, req.price)
            headroom = (gpu.usable_gib - mem.per_gpu_gib) / gpu.usable_gib
            layout = f"ZeRO-3/FSDP x{n}" if n > 1 else "single GPU"
            options.append(PlanOption(
                gpu=gpu.name, gpu_id=gpu.id, gpu_count=n, precision=mem.precision, layout=layout,
                framework="deepspeed/fsdp" if n > 1 else "transformers", memory_per_gpu_gib=mem.per_gpu_gib,
                available_per_gpu_gib=round(gpu.usable_gib, 2), headroom_pct=round(100 * headroom, 1),
                tight=headroom < TIGHT, hours=tr.hours, gpu_hours=tr.gpu_hours,
                usd_per_hour=round(price * n, 2) if price else None,
                usd_total=round(price * tr.gpu_hours, 0) if price else None,
                reason=f"{mem.per_gpu_gib:.1f} of {gpu.usable_gib:.1f} GiB per GPU; {tr.hours:,.1f} h at "
                       f"{tr.mfu:.0%} MFU"))
            break
    return options, considered


def recommend_hardware(req: PlanRequest) -> PlanResult:
    m = get_model(req.model)
    if req.workload == "inference":
        options, considered = _inference(req)
        speed_key = lambda o: -(o.decode_tokens_per_s or 0)  # noqa: E731
        assumptions = [f"context {min(req.context, m.max_context):,} tokens, {req.concurrency} concurrent stream(s)",
                       "vLLM (TP over the GPUs) for bf16/FP8/AWQ, llama.cpp (layer split) for GGUF",
                       "the smallest GPU count that fits is listed for each GPU and precision"]
    else:
        options, considered = _training(req)
        speed_key = lambda o: o.hours or math.inf  # noqa: E731
        tokens = req.tokens or FINETUNE_DEFAULT_TOKENS
        assumptions = [f"{tokens:,.0f} training tokens" + ("" if req.tokens else " (default for a fine-tune)"),
                       "gradient checkpointing on; ZeRO-3/FSDP across GPUs"]
    assumptions.append(f"rent: {'median on-demand' if req.price == 'on_demand' else 'cheapest'} price on file "
                       "(tools/data/prices.json, dated and sourced)")
    priced = [o for o in options if o.usd_per_hour]
    cost_key = (lambda o: o.usd_total) if req.workload != "inference" else (lambda o: o.usd_per_hour)
    ranked = sorted(priced, key=lambda o: (cost_key(o), o.tight)) + [o for o in options if not o.usd_per_hour]
    by_cost = ranked[: req.limit]
    by_speed = sorted(options, key=speed_key)[: req.limit]
    single = next((o for o in sorted(priced, key=cost_key) if o.gpu_count <= 8 and not o.tight), None)
    notes = []
    if not options:
        notes.append("Nothing in the catalog fits under these constraints: allow more GPUs (--max-gpus), a lower "
                     "precision, a shorter context, or QLoRA.")
    unpriced = len(options) - len(priced)
    if unpriced:
        notes.append(f"{unpriced} feasible option(s) have no rental price on file and are ranked by speed only.")
    return PlanResult(model=m.name, workload=req.workload, by_cost=by_cost, by_speed=by_speed, options=ranked,
                      cheapest_single_node=single, considered=considered, assumptions=assumptions, notes=notes)
