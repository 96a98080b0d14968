"""recommend_hardware: feasible GPU x count x precision x layout configurations, ranked by cost and speed.

Memory per GPU depends on the layout, not on which GPU it is, so each (precision, count) layout is
estimated once and compared with every GPU's capacity; speed and price are then per GPU.
"""

from __future__ import annotations

import copy
import math
from functools import lru_cache
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
from .quantization import mxfp4_weight_only
from .throughput import ThroughputRequest, chat_turn, estimate_throughput, serving_split, speed_numbers
from .training import TrainingRequest, estimate_training

COUNTS = (1, 2, 4, 8)
TIGHT = TIGHT_HEADROOM  # one margin for check_fit and plans (tools/defaults.py)
FINETUNE_DEFAULT_TOKENS = FINETUNE_TOKENS


GPUS_PER_NODE = 8  # HGX/DGX servers; past one node, GPUs come in whole nodes joined by InfiniBand
SERVE_PRECISIONS = ("bf16", "fp8", "awq-4bit")  # what batching engines (vLLM/SGLang/TRT-LLM) serve
DEFAULT_TARGET_TOKENS_PER_S = 10.0  # per user: faster than people read (~4-8 words/s); chat services aim 10-30
DEFAULT_MAX_GPUS = {"inference": 64, "finetune": 64, "pretrain": 65_536}
TP_DEGREES = (1, 2, 4, 8)
# Past one server: tensor parallel within each 8-GPU node, one pipeline stage per node (vLLM's and SGLang's
# multi-node recipes); tried only when no single-node layout holds the model.
PP_STAGES = (2, 4, 8)


@record
class PlanRequest:
    model: str = spec(description="the model as the person wrote it: a catalog name or alias, a Hugging Face repo id (org/name) or a size in billions of parameters; e.g. '70B', or (CLI only) a config.json path")
    workload: Literal["inference", "finetune", "pretrain"] = spec("inference", "what to plan for")
    method: Literal["full", "lora", "qlora"] = spec("lora", "fine-tuning method")
    context: int = spec(INFERENCE_CONTEXT, "inference: tokens per user's sequence (prompt + answer); training: "
                        "sequence length", gt=0, le=2**24)
    concurrency: int = spec(CONCURRENCY, "inference: users served at the same time, one stream each", gt=0, le=4096)
    target_tokens_per_s: float | None = spec(DEFAULT_TARGET_TOKENS_PER_S, "inference: minimum decode speed per user at "
                                             "that load (default 10 tokens/s, faster than reading speed)", gt=0,
                                             le=1e6)
    ttft_s: float | None = spec(None, "inference: longest acceptable time to first token, seconds", gt=0, le=3600)
    tokens: float | None = spec(None, "training tokens (fine-tune default 5e7; required for pretraining)",
                                ge=1, le=1e15)
    deadline_days: float | None = spec(None, "training must finish within this many days", ge=0.01,
                                       le=36500)
    gpus: list[str] | None = spec(None, "only consider these GPUs")
    max_gpus: int | None = spec(None, "most GPUs in one configuration (default 64 for serving and fine-tuning, "
                                "65,536 for pretraining)", gt=0, le=100_000)
    price: Literal["on_demand", "cheapest"] = spec(PRICE_BASIS, "rental price to rank by")
    precision: str | None = spec(None, "inference: only this weight format (bf16, fp8, awq-4bit, q4_k_m, ...); "
                                 "default: every format a serving engine runs")
    usd_per_gpu_hour: float | None = spec(None, "your own rental price per GPU-hour, used instead of the catalog's "
                                          "for every GPU considered (pair it with gpus=[...])", gt=0, le=1000)
    limit: int = spec(12, "options to return", gt=0, le=500)

    def __post_init__(self) -> None:
        check(self)
        if self.target_tokens_per_s is None:  # None (e.g. from a caller that leaves it unset) = the stated default
            self.target_tokens_per_s = DEFAULT_TARGET_TOKENS_PER_S

    @property
    def gpu_cap(self) -> int:
        return self.max_gpus or DEFAULT_MAX_GPUS[self.workload]


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
    engine: str = spec("", "serving engine (vllm, sglang, tensorrt-llm, llama.cpp) or training framework")
    replicas: int = spec(1, "independent copies of the model (data parallel)")
    tensor_parallel: int = spec(1, "GPUs each replica is split over (tensor parallel)")
    pipeline_parallel: int = spec(1, "inference: pipeline stages of a replica (one per server past one node)")
    decode_tokens_per_s: float | None = spec(None, "inference: per user, at the planned load")
    decode_tokens_per_s_range: list = spec(factory=list, description="inference: [low, high] per user, from the "
                                                                      "held-out errors (docs/validation.md)")
    decode_tokens_per_s_total: float | None = None
    aggregate_tokens_per_s: float | None = spec(None, "inference: generated tokens/s of all users together")
    max_concurrent_sequences: int | None = spec(None, "inference: sequences of this context the KV pools hold, "
                                                "all replicas")
    kv_pool_gib: float | None = spec(None, "inference: KV-cache pool per GPU")
    ttft_s: float | None = spec(None, "inference: time to first token of a full prompt at that load")
    multi_node: bool = spec(False, "one replica spans more than one server (e.g. GH200: one GPU per node)")
    consumer: bool = spec(False, "consumer card: no ECC, and NVIDIA's GeForce licence bars datacenter use")
    hours: float | None = spec(None, "training: wall-clock hours")
    gpu_hours: float | None = None
    days: float | None = spec(None, "training: wall-clock days")
    usd_per_hour: float | None = spec(None, "rent for the whole configuration")
    usd_total: float | None = spec(None, "training: cost of the run")
    usd_per_million_tokens: float | None = spec(None, "inference: rent per 1M output tokens, all users busy")
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
    gpus_needed: dict[str, int] = spec(factory=dict, description="training: GPUs of each type that meet the deadline")
    notes: list[str] = spec(factory=list)


def _candidate_gpus(req: PlanRequest) -> list[GPU]:
    if req.gpus:
        return [get_gpu(g) for g in req.gpus]
    return [g for g in all_gpus() if g.vendor in ("nvidia", "amd", "apple") and g.id != "mi250x"]


def _price(gpu: GPU, kind: str) -> float | None:
    p = gpu_prices(gpu.id)
    return (p.cheapest_usd_per_hour if kind == "cheapest" else p.on_demand_usd_per_hour) or p.cheapest_usd_per_hour


def gpus_per_node(gpu: GPU) -> int:
    """GPUs one server holds: GH200 superchips are one GPU per node; Apple machines one; HGX/DGX eight."""
    if gpu.vendor == "apple" or gpu.id.startswith("gh200"):
        return 1
    return GPUS_PER_NODE


def _runs(prec: str, gpu: GPU, chosen: bool = False) -> bool:
    """Whether a serving engine runs this format on this GPU. FP8 on NVIDIA GPUs without FP8 tensor cores (Ampere:
    A100, A10, RTX 30xx) runs weight-only (vLLM's FP8 Marlin kernels, 16-bit compute): planned only when the person
    chose FP8, as the plans otherwise offer FP8 where it also speeds up the math."""
    if gpu.vendor == "apple":
        return prec == "q4_k_m"
    if prec == "fp8":
        return gpu.supports_fp8 or (chosen and gpu.vendor == "nvidia" and gpu.supports_bf16)
    family = weight_format(prec).family
    if family in ("mxfp4", "nvfp4"):  # native FP4 tensor cores, or vLLM's weight-only MXFP4 kernels on NVIDIA
        return bool(gpu.fp4_tflops_dense) or (family == "mxfp4" and mxfp4_weight_only(gpu))
    return True


def _serve_precisions(native: str) -> tuple[str, ...]:
    """The formats a batching engine serves, led by the format the weights ship in (MXFP4 for gpt-oss)
    when that is not one of them: serving the checkpoint as released needs no re-quantization. A checkpoint that
    ships in 4 bits (MXFP4, NVFP4) is not re-quantized to another 4-bit format (AWQ of gpt-oss gains nothing and
    loses the released quality); its 8- and 16-bit copies remain options."""
    if native in SERVE_PRECISIONS:
        return SERVE_PRECISIONS
    if weight_format(native).family in ("mxfp4", "nvfp4"):
        return (native, *(p for p in SERVE_PRECISIONS if weight_format(p).linear_bits > 4.5))
    return (native, *SERVE_PRECISIONS)


@lru_cache(maxsize=4096)
def _memory_base(model: str, prec: str, context: int, engine: str, gpu_id: str) -> MemoryRequest:
    """One validated memory request per model, format, context, engine and GPU; layouts copy it and set their counts
    (it is shared: never changed in place)."""
    return MemoryRequest(model=model, precision=prec, context=context, batch=1, framework=engine, gpu=gpu_id)


def _serve(req: PlanRequest, m, gpu: GPU, prec: str, tp: int, engine: str, context: int, pp: int = 1):
    """(memory estimate, replicas, users per replica, their throughput request and numbers, a function giving the
    first turn's TTFT) for one GPU, precision and TP x PP layout, or None when a replica cannot hold one sequence or
    no replica count meets the targets."""
    try:
        mem_req = copy.copy(_memory_base(req.model, prec, context, engine, gpu.id))  # validated once per format
        mem_req.gpu_count, mem_req.tensor_parallel, mem_req.pipeline_parallel = tp * pp, tp, pp  # counts in bounds
        mem = estimate_memory(mem_req)
    except AdvisorInputError:
        return None
    if engine == "llama.cpp":
        fits = mem.per_gpu_gib <= available_gib(gpu, _memory_base(req.model, prec, context, engine, gpu.id))
        per_replica = 1 if fits else 0
    else:
        per_replica = mem.max_concurrent_sequences
    if not per_replica:
        return None
    C = req.concurrency

    base = ThroughputRequest(
        model=req.model, gpu=gpu.id, gpu_count=tp * pp, tensor_parallel=None if engine == "llama.cpp" else tp,
        pipeline_parallel=None if engine == "llama.cpp" else pp, precision=prec, framework=engine, concurrency=1,
        **chat_turn(context), continuous_batching=engine != "llama.cpp")

    seen: dict[int, object] = {}  # the search and the result ask for the same user counts: each computed once

    def numbers(users: int):
        if users not in seen:
            one = copy.copy(base)  # validated once above; users is a count within the request's bounds (<= 4096)
            one.batch = one.concurrency = users
            seen[users] = speed_numbers(one, m=m, gpu=gpu)
        return seen[users]

    def ok(n) -> bool:  # the same rounding as the result's fields
        return round(n.decode, 2) >= req.target_tokens_per_s and (req.ttft_s is None
                                                                  or round(full_prompt_ttft(n.B), 4) <= req.ttft_s)

    def full_prompt_ttft(users: int) -> float:
        """A conversation's first turn prefills its whole prompt (nothing cached yet): the TTFT a target must meet."""
        one = copy.copy(base)
        one.batch = one.concurrency = users
        one.prefix_cached_tokens = 0
        return speed_numbers(one, m=m, gpu=gpu).t_prefill

    # most users per replica that the KV pool holds and that still meet the per-user targets (speed falls with load)
    lo, hi = 0, min(per_replica, C)
    if ok(numbers(hi)):  # the common case: the most users the pool holds already meet the targets
        lo = hi
    else:
        hi -= 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if ok(numbers(mid)):
            lo = mid
        else:
            hi = mid - 1
    if lo == 0:
        return None
    replicas = math.ceil(C / lo)
    users = math.ceil(C / replicas)  # spread evenly
    one = copy.copy(base)
    one.batch = one.concurrency = users
    return mem, replicas, users, one, numbers(users), lambda: full_prompt_ttft(users)  # TTFT: only for the one kept


def _inference(req: PlanRequest) -> tuple[list[PlanOption], int]:
    m = get_model(req.model)
    context = min(req.context, m.max_context)
    single_user = req.concurrency == 1
    options, considered = [], 0
    for gpu in _candidate_gpus(req):
        precisions = [p for p in _serve_precisions(m.native_precision) if _runs(p, gpu)]
        if single_user and _runs("q4_k_m", gpu):
            precisions.append("q4_k_m")  # llama.cpp / Ollama: fine for one local user, not for many
        if req.precision:  # a format the person chose: only that one
            precisions = [req.precision] if _runs(req.precision, gpu, chosen=True) else []
        for prec in precisions:
            engine = "llama.cpp" if prec.startswith("q") else "vllm"
            best = None
            node = gpus_per_node(gpu)
            layouts = [(tp, 1) for tp in TP_DEGREES]
            if engine != "llama.cpp" and node == GPUS_PER_NODE:
                layouts += [(GPUS_PER_NODE, pp) for pp in PP_STAGES]
            for tp, pp in layouts:
                if tp * pp > req.gpu_cap or (gpu.vendor == "apple" and tp > 1):
                    continue
                if best is not None and tp * pp > best[0][0]:
                    break  # a wider layout cannot use fewer GPUs than the best so far
                if engine != "llama.cpp" and m.num_heads % tp or pp > m.num_layers:
                    continue
                considered += 1
                got = _serve(req, m, gpu, prec, tp, engine, context, pp)
                if got is None:
                    continue
                mem, replicas, users, one, n, ttft = got
                if replicas * tp * pp > req.gpu_cap:
                    continue
                key = (replicas * tp * pp, -round(n.decode, 2))
                if best is None or key < best[0]:
                    best = (key, tp, pp, mem, replicas, users, one, ttft)
            if best is not None:
                _, tp, pp, mem, replicas, users, one, ttft = best
                t = estimate_throughput(one)  # the full result (its text) only for the layout kept
                options.append(_serving_option(req, gpu, prec, engine, tp, mem, replicas, users, t, context, pp,
                                               ttft()))
    return options, considered


def _serving_option(req, gpu, prec, engine, tp, mem, replicas, users, t, context, pp: int = 1,
                    ttft_s: float | None = None) -> PlanOption:
    n = replicas * tp * pp
    avail = available_gib(gpu, _memory_base(req.model, prec, context, engine, gpu.id))
    need = mem.per_gpu_gib - mem.breakdown_gib["kv_cache"] + mem.breakdown_gib["kv_cache"] * users
    headroom = (avail - need) / avail
    price = req.usd_per_gpu_hour or _price(gpu, req.price)
    usd_h = price * n if price else None
    aggregate = t.decode_tokens_per_s * req.concurrency
    per_m = usd_h / (aggregate * 3600) * 1e6 if usd_h and aggregate else None
    holds = (mem.max_concurrent_sequences or 1) * replicas
    node = gpus_per_node(gpu)
    multi = tp * pp > node
    if engine == "llama.cpp":
        layout = "single GPU" if tp == 1 else f"layer split x{tp}"
    else:
        one = (f"TP={tp}" if tp > 1 else "single GPU") + (f" x PP={pp}" if pp > 1 else "")
        layout = one if replicas == 1 else f"{replicas} replicas" + (f" x {one}" if tp * pp > 1 else "")
    why = []
    if engine != "llama.cpp":
        if tp > 1:
            why.append(f"tensor parallel {tp}: one GPU cannot hold the weights plus a useful KV pool")
        if replicas > 1:
            why.append(f"{replicas} replicas (data parallel, {users} users each): cheaper than a wider TP for "
                       f"{req.target_tokens_per_s:g} tok/s per user")
    why.append(f"KV pool {mem.kv_pool_gib:.1f} GiB per GPU holds {holds} sequence(s) of {context:,} tokens"
               if mem.kv_pool_gib is not None else f"{need:.1f} of {avail:.1f} GiB per GPU")
    tight = headroom < TIGHT  # the one margin check_fit uses too (tools/defaults.py)
    if tight:
        why.append(f"tight: {need:.1f} of {avail:.1f} GiB per GPU in use at full load, little KV room to spare")
    rng = t.decode_tokens_per_s_range
    why.append(f"{t.decode_tokens_per_s:.0f} tok/s per user with {users} user(s) per replica"
               + (f" (range {rng[0]:.0f}-{rng[1]:.0f}: held-out errors of published serving rows)" if rng else ""))
    if multi and pp > 1:
        why.append(f"{tp * pp} GPUs per replica: TP={tp} within each of {pp} servers, one pipeline stage per server, "
                   "stages joined by InfiniBand")
    elif multi:
        why.append(f"{gpu.name} has {node} GPU(s) per node: TP={tp} spans nodes over the network")
    elif n > node:
        why.append(f"{math.ceil(n / node)} servers")
    if gpu.kind == "consumer":
        why.append("consumer card: no ECC; the GeForce driver licence bars datacenter deployment")
    return PlanOption(gpu=gpu.name, gpu_id=gpu.id, gpu_count=n, precision=weight_format(prec).key, layout=layout,
                      framework=engine, engine=engine, replicas=replicas, tensor_parallel=tp, pipeline_parallel=pp,
                      decode_tokens_per_s_range=list(t.decode_tokens_per_s_range),
                      memory_per_gpu_gib=round(need, 2), available_per_gpu_gib=round(avail, 2),
                      headroom_pct=round(100 * headroom, 1), tight=tight,
                      decode_tokens_per_s=t.decode_tokens_per_s, decode_tokens_per_s_total=round(aggregate, 1),
                      aggregate_tokens_per_s=round(aggregate, 1), max_concurrent_sequences=holds,
                      kv_pool_gib=mem.kv_pool_gib, ttft_s=round(ttft_s if ttft_s is not None else t.time_to_first_token_s, 3), multi_node=multi,
                      consumer=gpu.kind == "consumer", usd_per_hour=round(usd_h, 2) if usd_h else None,
                      usd_per_million_tokens=round(per_m, 3) if per_m else None, reason="; ".join(why))


def _whole_nodes(n: int, node: int) -> int:
    """Round a GPU count up to what one buys: 1, 2, 4 or 8 GPUs in one server, whole servers past one."""
    if n <= node:
        return next(c for c in (1, 2, 4, 8, node) if c >= n)
    return math.ceil(n / node) * node


def _train_memory(req: PlanRequest, method: str, seq: int, n: int, tp: int = 1, pp: int = 1):
    try:
        return estimate_memory(MemoryRequest(
            model=req.model, workload="training", method=method, context=seq, batch=1, gpu_count=n,
            tensor_parallel=tp, pipeline_parallel=pp, sharding="zero3" if n // (tp * pp) > 1 else "none",
            gradient_checkpointing=True, precision="nf4-dq" if method == "qlora" else "bf16"))
    except AdvisorInputError:
        return None


def _layout(req: PlanRequest, m, gpu: GPU, method: str, seq: int, n: int):
    """(memory, layout text, tp, pp) for n GPUs: ZeRO-3/FSDP when the sharded states and one micro-batch fit,
    else Megatron-style TP (inside a node) x PP x DP; None when nothing fits on n GPUs."""
    mem = _train_memory(req, method, seq, n)
    if mem is not None and mem.per_gpu_gib <= gpu.usable_gib:
        return mem, (f"ZeRO-3/FSDP x{n}" if n > 1 else "single GPU"), 1, 1
    node = gpus_per_node(gpu)
    for tp in (2, 4, 8):
        if tp > min(node, n) or m.num_heads % tp:
            continue
        for pp in (1, 2, 4, 8, 16, 32, 64):
            if tp * pp > n or n % (tp * pp) or pp > m.num_layers:
                continue
            mem = _train_memory(req, method, seq, n, tp, pp)
            if mem is not None and mem.per_gpu_gib <= gpu.usable_gib:
                dp = n // (tp * pp)
                return mem, f"TP={tp} x PP={pp} x DP={dp}" + (" (ZeRO-3 over DP)" if dp > 1 else ""), tp, pp
    return None


def _deadline_count(run, n_mem: int, days_at_mem: float, deadline_days: float, node: int) -> int:
    """GPUs (whole nodes past one) that finish by the deadline: time scales as 1/n at a given MFU, then
    re-checked, since MFU changes with the GPU count."""
    want = n_mem * days_at_mem / deadline_days
    n = _whole_nodes(math.ceil(want), node)
    while run(n).days > deadline_days and n <= 10 * want:
        n = _whole_nodes(n + 1, node)
    return n


def _training(req: PlanRequest) -> tuple[list[PlanOption], int, dict[str, int], list[str]]:
    m = get_model(req.model)
    seq = min(req.context, m.max_context, 8192 if req.workload == "finetune" else m.max_context)
    tokens = req.tokens or (FINETUNE_DEFAULT_TOKENS if req.workload == "finetune" else None)
    if tokens is None:
        raise AdvisorInputError("Pretraining needs a token budget: give --tokens (e.g. 2e12).")
    method = "full" if req.workload == "pretrain" else req.method
    train_method = "pretrain" if req.workload == "pretrain" else method
    cap = req.gpu_cap
    options, considered, needed, notes = [], 0, {}, []
    for gpu in _candidate_gpus(req):
        if gpu.vendor == "apple":
            continue
        node = gpus_per_node(gpu)
        # smallest count whose memory holds the model (doubling, then whole nodes)
        counts = [c for c in (1, 2, 4, 8) if c <= node] + [node * 2 ** k for k in range(1, 14)]
        fit = None
        for n in counts:  # past the cap too, so that a plan can say how many GPUs it would take
            considered += 1
            fit = _layout(req, m, gpu, method, seq, n)
            if fit is not None:
                n_mem = n
                break
        if fit is None:
            notes.append(f"{gpu.name}: the model does not fit on up to {counts[-1]:,} GPUs with ZeRO-3 or TP x PP.")
            continue

        def run(n: int, gpu_id: str = gpu.id):
            return estimate_training(TrainingRequest(model=req.model, tokens=tokens, gpu=gpu_id, gpu_count=n,
                                                     method=train_method, sequence_length=seq,
                                                     gradient_checkpointing=True))
        if n_mem > cap:
            at_mem = run(n_mem)
            n_dead = (_deadline_count(run, n_mem, at_mem.days, req.deadline_days, node)
                      if req.deadline_days and at_mem.days > req.deadline_days else n_mem)
            needed[gpu.id] = n_dead
            notes.append(f"{gpu.name}: needs at least {n_mem:,} GPUs to hold the model for training "
                         f"({at_mem.days:,.0f} days on {n_mem:,})"
                         + (f", about {n_dead:,} to finish in {req.deadline_days:g} days" if n_dead > n_mem else "")
                         + "; allow more with --max-gpus.")
            continue
        n = n_mem
        tr = run(n)
        if req.deadline_days and tr.days > req.deadline_days:
            # time scales as 1/n at a given MFU; take whole nodes, then re-check (MFU changes past one GPU)
            n = _deadline_count(run, n_mem, tr.days, req.deadline_days, node)
            tr_n = run(n)
            needed[gpu.id] = n
            if n > cap:
                # what the allowed GPUs would do: the most that come as a whole layout within the cap
                n_cap = max(n_mem, (cap // node) * node if cap >= node else max(c for c in (1, 2, 4, 8) if c <= cap))
                at_cap = run(n_cap) if n_cap != n_mem else tr
                notes.append(f"{gpu.name}: needs about {n:,} GPUs to finish in {req.deadline_days:g} days; "
                             f"{n_cap} finish in {at_cap.days:,.0f} days (allow more with --max-gpus).")
                continue
            wider = _layout(req, m, gpu, method, seq, n)
            if wider is None:
                # the TP x PP that held the model on n_mem GPUs, replicated: n in whole model copies
                mem0, _, tp0, pp0 = fit
                n = math.ceil(n / (tp0 * pp0)) * tp0 * pp0
                dp = n // (tp0 * pp0)
                wider = (mem0, f"TP={tp0} x PP={pp0} x DP={dp}" + (" (ZeRO-3 over DP)" if dp > 1 and tp0 * pp0 > 1 else
                                                                    ""), tp0, pp0)
                if tp0 * pp0 == 1:
                    wider = (mem0, f"ZeRO-3/FSDP x{n}", 1, 1)
                tr_n = run(n)
                needed[gpu.id] = n
            fit = wider
            tr = tr_n
        else:
            needed[gpu.id] = n
        mem, layout, tp, pp = fit
        price = req.usd_per_gpu_hour or _price(gpu, req.price)
        headroom = (gpu.usable_gib - mem.per_gpu_gib) / gpu.usable_gib
        multi = n > node
        reason = (f"{mem.per_gpu_gib:.1f} of {gpu.usable_gib:.1f} GiB per GPU; {tr.hours:,.1f} h ({tr.days:,.1f} days) "
                  f"at {tr.mfu:.0%} MFU")
        if multi:
            reason += f"; {n // node} nodes of {node} joined by InfiniBand"
        if req.deadline_days and n > n_mem:
            reason += f"; {n_mem} GPU(s) would hold the model but take {run(n_mem).days:,.0f} days"
        options.append(PlanOption(
            gpu=gpu.name, gpu_id=gpu.id, gpu_count=n, precision=mem.precision, layout=layout,
            framework="megatron/deepspeed" if tp * pp > 1 else ("deepspeed/fsdp" if n > 1 else "transformers"),
            engine="megatron" if tp * pp > 1 else ("fsdp" if n > 1 else "transformers"), replicas=n // (tp * pp),
            tensor_parallel=tp, memory_per_gpu_gib=mem.per_gpu_gib, available_per_gpu_gib=round(gpu.usable_gib, 2),
            headroom_pct=round(100 * headroom, 1), tight=headroom < TIGHT, multi_node=multi,
            consumer=gpu.kind == "consumer", hours=tr.hours, gpu_hours=tr.gpu_hours, days=tr.days,
            usd_per_hour=round(price * n, 2) if price else None,
            usd_total=round(price * tr.gpu_hours, 0) if price else None, reason=reason))
    return options, considered, needed, notes


def recommend_hardware(req: PlanRequest) -> PlanResult:
    m = get_model(req.model)
    needed: dict[str, int] = {}
    notes: list[str] = []
    if req.workload == "inference":
        options, considered = _inference(req)
        speed_key = lambda o: -(o.decode_tokens_per_s or 0)  # noqa: E731
        context = min(req.context, m.max_context)
        if context < req.context:  # said, never silent: check_fit refuses a context past the model's limit
            notes.append(f"{m.name} supports at most {m.max_context:,} tokens of context; planned at {context:,}, "
                         f"not the {req.context:,} asked.")
        prompt, out = serving_split(context)
        assumptions = [
            f"{req.concurrency} concurrent user(s), {context:,} tokens each ({prompt:,} prompt + {out:,} answer; "
            f"a chat turn prefills only its new message, {out:,} tokens: the earlier turns are in the prefix cache), "
            f"at least {req.target_tokens_per_s:g} tokens/s per user"
            + ("" if req.target_tokens_per_s != DEFAULT_TARGET_TOKENS_PER_S else " (default target)")
            + (f", first token within {req.ttft_s:g} s" if req.ttft_s else ""),
            "batching engine (vLLM; SGLang and TensorRT-LLM batch alike) with continuous batching; llama.cpp "
            "only for a single user" if req.concurrency == 1 else
            "batching engine (vLLM; SGLang and TensorRT-LLM batch alike) with continuous batching: more than one "
            "user rules out llama.cpp/Ollama, which serve streams one after another",
            "each replica's KV pool (after weights, the profile-run peak, non-torch memory and CUDA graphs at "
            "gpu_memory_utilization 0.9) must hold its users' full sequences",
            "per GPU and precision, the fewest GPUs that meet the targets; tensor parallel vs replicas chosen by that",
            "$ per 1M output tokens: rent / tokens generated with every user busy",
        ]
    else:
        options, considered, needed, notes = _training(req)
        speed_key = lambda o: o.hours or math.inf  # noqa: E731
        tokens = req.tokens or FINETUNE_DEFAULT_TOKENS
        assumptions = [f"{tokens:,.0f} training tokens" + ("" if req.tokens else " (default for a fine-tune)"),
                       "gradient checkpointing on; ZeRO-3/FSDP across GPUs, Megatron TP x PP x DP where ZeRO-3 "
                       "cannot hold one micro-batch",
                       f"past one server, whole nodes of {GPUS_PER_NODE} GPUs joined by InfiniBand"]
        if req.deadline_days:
            assumptions.append(f"deadline {req.deadline_days:g} days: the GPU count is raised until the run fits it")
    if req.usd_per_gpu_hour:
        assumptions.append(f"rent: your price, ${req.usd_per_gpu_hour:g} per GPU-hour")
    else:
        assumptions.append(f"rent: {'median on-demand' if req.price == 'on_demand' else 'cheapest'} price on file "
                           "(tools/data/prices.json, dated and sourced)")
    priced = [o for o in options if o.usd_per_hour]
    cost_key = (lambda o: o.usd_total) if req.workload != "inference" else (lambda o: o.usd_per_hour)
    ranked = sorted(priced, key=lambda o: (cost_key(o), o.tight)) + [o for o in options if not o.usd_per_hour]
    by_cost = ranked[: req.limit]
    by_speed = sorted(options, key=speed_key)[: req.limit]
    single = next((o for o in sorted(priced, key=cost_key) if o.gpu_count <= GPUS_PER_NODE and not o.tight
                   and not o.multi_node), None)
    if not options:
        if req.workload == "inference":
            notes.append(f"Nothing on file serves {req.concurrency} user(s) at {req.target_tokens_per_s:g} tokens/s each "
                         f"within {req.gpu_cap} GPUs: allow more GPUs (--max-gpus), a lower per-user target, a "
                         "shorter context or fewer users.")
        elif not notes:
            notes.append("Nothing in the catalog fits under these constraints: allow more GPUs (--max-gpus), a "
                         "shorter sequence, or QLoRA.")
    unpriced = len(options) - len(priced)
    if unpriced:
        notes.append(f"{unpriced} feasible option(s) have no rental price on file and are ranked by speed only.")
    return PlanResult(model=m.name, workload=req.workload, by_cost=by_cost, by_speed=by_speed, options=ranked,
                      cheapest_single_node=single, considered=considered, assumptions=assumptions,
                      gpus_needed=needed, notes=notes)
