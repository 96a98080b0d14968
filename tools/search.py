"""Searches and comparisons built on the calculators, so that every figure a chat answer derives (users a GPU
carries at a per-user speed, how much faster one GPU is than another, what a ZeRO stage saves, what the power
costs) is computed here, once, and can be recorded as a tool call instead of being worked out in reply text.

Each function returns a plain dict (JSON-ready) whose numeric fields carry their unit in the name."""

from __future__ import annotations

import math

from .errors import AdvisorInputError
from .gpus import get_gpu
from .memory import MemoryRequest, estimate_memory
from .models import get_model
from .plan import (
    DEFAULT_TARGET_TOKENS_PER_S,
    TP_DEGREES,
    PlanRequest,
    _runs,
    _serve,
    _serve_precisions,
)
from .prices import electricity_usd_per_kwh, gpu_prices
from .throughput import ThroughputRequest, chat_turn, estimate_throughput, serving_split
from .training import TrainingRequest, estimate_training

HOURS_PER_MONTH = 365 * 24 / 12  # 730
PUE = 1.4  # as tools/cost.py: facility power / IT power for a datacenter GPU
SEARCH_USERS = 4096  # the most concurrent users a capacity search asks a replica to carry


def max_users(model: str, gpu: str, gpu_count: int = 1, target_tokens_per_s: float | None = None,
              context: int | None = None, precision: str | None = None, tensor_parallel: int | None = None) -> dict:
    """The most concurrent users `gpu_count` x `gpu` serve with every user at >= target tokens/s, per weight format:
    the plan's own search (tools/plan.py `_serve`: the KV pool bounds the users, the per-user speed falls with load),
    over the tensor-parallel degrees that divide the GPUs (or the one given: 1 = a replica per GPU), replicas on
    the rest."""
    m = get_model(model)
    g = get_gpu(gpu)
    target = target_tokens_per_s or DEFAULT_TARGET_TOKENS_PER_S
    ctx = min(context or 8192, m.max_context)
    req = PlanRequest(model=model, concurrency=SEARCH_USERS, target_tokens_per_s=target, context=ctx,
                      gpus=[g.id], max_gpus=gpu_count)
    formats = [precision] if precision else list(_serve_precisions(m.native_precision))
    rows = []
    for prec in formats:
        if not _runs(prec, g, chosen=bool(precision)):
            continue
        engine = "llama.cpp" if prec.startswith("q") else "vllm"
        best = None
        for tp in TP_DEGREES:
            if tp > gpu_count or gpu_count % tp or (engine == "vllm" and m.num_heads % tp) or \
                    (tensor_parallel and tp != tensor_parallel):
                continue
            got = _serve(req, m, g, prec, tp, engine, ctx)
            if got is None:
                continue
            mem, users, decode = _replica(got)
            if engine == "llama.cpp":
                users = 1
            total = users * (gpu_count // tp)
            if best is None or total > best["users"]:
                best = dict(precision=prec, framework=engine, tensor_parallel=tp, replicas=gpu_count // tp,
                            users=total, users_per_replica=users,
                            decode_tokens_per_s=round(decode, 1),
                            aggregate_tokens_per_s=round(decode * total, 1),
                            kv_sequences_per_replica=mem.max_concurrent_sequences)
        rows.append(best or dict(precision=prec, framework=engine, users=0))
    rows.sort(key=lambda r: -r["users"])
    return dict(model=m.name, gpu=g.name, gpu_id=g.id, gpu_count=gpu_count, target_tokens_per_s=target, context=ctx,
                by_format=rows, users=rows[0]["users"] if rows else 0)


def _replica(got: tuple) -> tuple:
    """(memory estimate, users per replica, decode tokens/s per user) from tools/plan.py's `_serve` result
    (memory, replicas, users per replica, request, speed numbers at that load, a function giving the TTFT)."""
    return got[0], got[2], float(got[4].decode)


def users_for_daily_tokens(tokens_per_day: float, target_tokens_per_s: float | None = None,
                           hours_per_day: float | None = None, peak_factor: float = 2.0) -> dict:
    """A daily token volume as a serving load: the average generation rate over the hours it arrives, a peak of
    `peak_factor` x that (traffic is uneven), and the concurrent streams that peak is at the per-user speed."""
    target = target_tokens_per_s or DEFAULT_TARGET_TOKENS_PER_S
    hours = hours_per_day or 24.0
    average = tokens_per_day / (hours * 3600)
    peak = average * peak_factor
    users = max(1, int(-(-peak // target)))
    return dict(tokens_per_day=tokens_per_day, hours_per_day=hours, average_tokens_per_s=round(average, 1),
                peak_factor=peak_factor, peak_tokens_per_s=round(peak, 1), target_tokens_per_s=target,
                concurrent_streams=users)


def training_count_that_fits(gpus: list[str], model: str, method: str, counts=(1, 2, 4, 8, 16, 32, 64)) -> int | None:
    """The fewest GPUs (of `counts`) on which a training run of `method` fits every card named, ZeRO-3 across them
    (gradient checkpointing on for fine-tunes): the same count on each side, so a ratio compares like with like."""
    for n in counts:
        ok = True
        for name in gpus:
            g = get_gpu(name)
            r = estimate_memory(MemoryRequest(model=model, workload="training", method=method, gpu_count=n, gpu=g.id,
                                              sharding="zero3" if n > 1 else "none",
                                              gradient_checkpointing=method != "pretrain"))
            if r.per_gpu_gib > g.usable_gib:
                ok = False
                break
        if ok:
            return n
    return None


def compare_gpus(gpus: list[str], model: str, workload: str = "inference", tokens: float | None = None,
                 method: str = "pretrain", gpu_count: int | None = None, users: int = 1, precision: str | None = None) -> dict:
    """One workload on each GPU: the speed of each (decode tokens/s per user for serving, hours for training), the
    ratio to the slowest, the rent of each, and the price ratio up to which the faster one is the better buy.
    A training run with no count given runs on the fewest GPUs that hold it on every card named."""
    if gpu_count is None:
        gpu_count = (training_count_that_fits(gpus, model, method) or 8) if workload != "inference" else 1
    if workload == "inference" and precision is None:
        precision = _common_format(model, gpus, gpu_count, users)
    rows = []
    for name in gpus:
        g = get_gpu(name)
        price = gpu_prices(g.id).on_demand_usd_per_hour or gpu_prices(g.id).cheapest_usd_per_hour
        row: dict = dict(gpu=g.name, gpu_id=g.id, usd_per_gpu_hour=price)
        try:
            if workload == "inference":
                prompt, out = serving_split(1024)
                tokens = chat_turn(8192) if users > 1 else dict(prompt_tokens=prompt, output_tokens=out)
                t = estimate_throughput(ThroughputRequest(model=model, gpu=g.id, gpu_count=gpu_count, precision=precision,
                                                          concurrency=users, **tokens, continuous_batching=users > 1))
                row.update(decode_tokens_per_s=round(t.decode_tokens_per_s, 1), precision=t.precision,
                           speed=t.decode_tokens_per_s)
            else:
                r = estimate_training(TrainingRequest(model=model, tokens=tokens or 5e7, gpu=g.id, gpu_count=gpu_count,
                                                      method=method, gradient_checkpointing=method != "pretrain"))
                row.update(hours=round(r.hours, 1), days=round(r.days, 1), mfu=round(r.mfu, 3), speed=1 / r.hours,
                           usd_total=round(r.gpu_hours * price, 0) if price else None)
        except AdvisorInputError as exc:
            row.update(error=str(exc), speed=None)
        rows.append(row)
    ok = [r for r in rows if r.get("speed")]
    if len(ok) >= 2:
        slow = min(ok, key=lambda r: r["speed"])
        fast = max(ok, key=lambda r: r["speed"])
        ratio = fast["speed"] / slow["speed"]
        price_ratio = (fast["usd_per_gpu_hour"] / slow["usd_per_gpu_hour"]
                       if fast["usd_per_gpu_hour"] and slow["usd_per_gpu_hour"] else None)
        for r in rows:
            r.pop("speed", None)
        return dict(model=model, workload=workload, rows=rows, faster=fast["gpu"], slower=slow["gpu"], gpu_count=gpu_count,
                    speedup_x=round(ratio, 2), rent_multiple_x=round(price_ratio, 2) if price_ratio else None,
                    worth_up_to_x=round(ratio, 2),
                    faster_is_cheaper_per_work=bool(price_ratio and price_ratio < ratio))
    for r in rows:
        r.pop("speed", None)
    return dict(model=model, workload=workload, rows=rows, faster=None, slower=None, gpu_count=gpu_count, speedup_x=None,
                rent_multiple_x=None, worth_up_to_x=None, faster_is_cheaper_per_work=None)


def _common_format(model: str, gpus: list[str], gpu_count: int, users: int) -> str | None:
    """The least lossy weight format that loads on every GPU compared (the model's own, FP8 where all have it, then
    AWQ 4-bit), so that the speeds compared are of one model that runs: None when the model's own format fits."""
    from .fit import FitRequest, check_fit

    cards = [get_gpu(g) for g in gpus]
    # one person at a desk: llama.cpp's Q4_K_M last (a 32B model loads on a 24 GB card that way, not in vLLM's AWQ)
    desk = users <= 1 and all(g.kind != "datacenter" for g in cards)
    for fmt in (None, "fp8", "awq-4bit", *(("q4_k_m",) if desk else ())):
        if fmt == "fp8" and not all(_runs("fp8", g) for g in cards):
            continue
        engine = "llama.cpp" if fmt == "q4_k_m" else "vllm"
        try:
            if all(check_fit(FitRequest(model=model, gpu=g.id, gpu_count=gpu_count, precision=fmt,
                                        batch=max(1, users), framework=engine)).fits for g in cards):
                return fmt
        except AdvisorInputError:
            continue
    return None


def zero_savings(model: str, gpu_count: int = 8, gpu: str | None = None, method: str = "full",
                 context: int | None = None) -> dict:
    """Training memory per GPU under each ZeRO stage (1, 2, 3) on `gpu_count` GPUs, and what each stage saves
    over the one before: ZeRO-1 shards optimizer states, ZeRO-2 also gradients, ZeRO-3 also the weights."""
    stages = {}
    for stage in ("none", "zero1", "zero2", "zero3"):
        r = estimate_memory(MemoryRequest(model=model, workload="training", method=method, gpu_count=gpu_count,
                                          sharding=stage, gpu=gpu, context=context))
        stages[stage] = dict(per_gpu_gib=round(r.per_gpu_gib, 1),
                             breakdown_gib={k: round(v, 1) for k, v in r.breakdown_gib.items()})
    return dict(model=model, gpu_count=gpu_count, method=method, stages=stages,
                zero2_saves_vs_zero1_gib=round(stages["zero1"]["per_gpu_gib"] - stages["zero2"]["per_gpu_gib"], 1),
                zero3_saves_vs_zero2_gib=round(stages["zero2"]["per_gpu_gib"] - stages["zero3"]["per_gpu_gib"], 1),
                zero3_saves_vs_none_gib=round(stages["none"]["per_gpu_gib"] - stages["zero3"]["per_gpu_gib"], 1))


def estimate_energy(gpu: str, gpu_count: int = 1, hours_per_day: float | None = None, usd_per_kwh: float | None = None,
                    months: float | None = None, tokens_per_s: float | None = None, pue: float = PUE,
                    days: float | None = None, watts_per_gpu: float | None = None) -> dict:
    """Power and energy: the GPUs' board power (TDP, a ceiling under full load) x PUE x hours x $/kWh, per month,
    over `months` (or `days`: a week is 7), and per 1M generated tokens when the configuration's tokens/s is given."""
    g = get_gpu(gpu)
    watts = watts_per_gpu or g.tdp_w  # a stated draw (a power limit) replaces the board power
    if not watts:
        raise AdvisorInputError(f"{g.name} has no board power on file; give the watts (e.g. '350 W').")
    price = usd_per_kwh or electricity_usd_per_kwh()
    hpd = hours_per_day or 24.0
    kw = watts * gpu_count * pue / 1000
    kwh_month = kw * hpd * HOURS_PER_MONTH / 24
    out = dict(gpu=g.name, gpu_count=gpu_count, tdp_w=watts, total_w=watts * gpu_count, pue=pue,
               facility_kw=round(kw, 2), hours_per_day=hpd, usd_per_kwh=price,
               kwh_per_month=round(kwh_month, 0), usd_per_month=round(kwh_month * price, 2),
               price_basis="given" if usd_per_kwh else "default (US commercial average, tools/data/prices.json)")
    if months:
        out.update(months=months, usd_total=round(kwh_month * price * months, 2))
    if days:
        kwh = kw * hpd * days
        out.update(days=days, kwh_period=round(kwh, 1), usd_period=round(kwh * price, 2))
    if tokens_per_s:
        kwh_per_m = kw / (tokens_per_s * 3600) * 1e6
        out.update(tokens_per_s=tokens_per_s, kwh_per_million_tokens=round(kwh_per_m, 3),
                   usd_per_million_tokens=round(kwh_per_m * price, 4))
    return out


def batch_job_time(tokens_per_s: float, output_tokens_total: float | None = None, items: float | None = None,
                   output_tokens: int | None = None, prompt_tokens: int | None = None) -> dict:
    """A batch job at a steady generation rate: its output tokens (given, or items x output tokens each), the prompt
    tokens it reads, and the hours it takes."""
    total = output_tokens_total or (items * output_tokens if items and output_tokens else None)
    if not total or tokens_per_s <= 0:
        raise AdvisorInputError("A batch job needs its size (requests and tokens each, or output tokens in all) and a "
                                "rate above 0 tokens/s.")
    out = dict(tokens_per_s=tokens_per_s, output_tokens_total=total, hours=round(total / tokens_per_s / 3600, 3))
    if items:
        out.update(items=items, output_tokens_each=output_tokens)
        if prompt_tokens:
            out.update(prompt_tokens_each=prompt_tokens, prompt_tokens_total=items * prompt_tokens)
    return out


def request_volume(requests_per_s: float, peak_factor: float, setup_requests_per_s: float, gpus_per_setup: int) -> dict:
    """A request rate carried by copies of one setup: the rate at its peak, the copies and GPUs that carry it, and how
    busy they are then."""
    need = requests_per_s * peak_factor
    copies = max(1, math.ceil(need / setup_requests_per_s))
    return dict(requests_per_s=round(requests_per_s, 4), requests_per_day=round(requests_per_s * 86400),
                requests_per_minute=round(requests_per_s * 60, 1), peak_factor=peak_factor,
                peak_requests_per_s=round(need, 4), setup_requests_per_s=round(setup_requests_per_s, 3),
                copies=copies, gpus=copies * gpus_per_setup, utilisation_at_peak=round(need / (copies * setup_requests_per_s), 3))


def requests_at_rate(output_tokens_per_s: float, output_tokens_each: int) -> dict:
    """Requests completed per second when a setup generates `output_tokens_per_s` in all and each request asks for
    `output_tokens_each` (the prompt's prefill is already in that rate at a steady load)."""
    return dict(output_tokens_per_s=output_tokens_per_s, output_tokens_each=output_tokens_each,
                requests_per_s=round(output_tokens_per_s / output_tokens_each, 3),
                requests_per_minute=round(output_tokens_per_s / output_tokens_each * 60, 1))


def training_claim(model: str, tokens: float, gpu: str, gpu_count: int = 8, claimed_gpu_hours: float | None = None,
                   claimed_days: float | None = None) -> dict:
    """A claimed training cost ('1.3M H100-hours for 8B on 15T tokens', '8 H100s do it in a day') against the
    estimate: the estimate's GPU-hours and days, the ratio of the claim to it, and the MFU the claim implies
    (the model's training FLOPs / (claimed GPU-seconds x peak))."""
    r = estimate_training(TrainingRequest(model=model, tokens=tokens, gpu=gpu, gpu_count=gpu_count, method="pretrain"))
    peak = r.tflops_per_gpu / r.mfu  # TFLOPS per GPU at 100%
    out = dict(model=r.model, gpu=r.gpu, gpu_count=gpu_count, tokens=tokens, estimate_gpu_hours=round(r.gpu_hours),
               estimate_days=round(r.days, 1), estimate_mfu=r.mfu, flops=r.flops)
    if claimed_gpu_hours:
        out.update(claimed_gpu_hours=claimed_gpu_hours, ratio=round(claimed_gpu_hours / r.gpu_hours, 2),
                   implied_mfu=round(r.flops / (claimed_gpu_hours * 3600 * peak * 1e12), 3))
    if claimed_days:
        out.update(claimed_days=claimed_days, ratio=round(claimed_days / r.days, 3),
                   implied_mfu=round(r.flops / (claimed_days * 86400 * gpu_count * peak * 1e12), 3))
    return out


# An 8-GPU SXM server's non-GPU draw (CPUs, NVSwitches, NICs, fans, PSU losses): NVIDIA's DGX H100 is rated at
# 10.2 kW maximum input (DGX H100 user guide, power specifications) with 8 x 700 W of GPUs, leaving 4.6 kW.
SXM_SERVER_HOST_KW = 10.2 - 8 * 0.7
# A PCIe server or workstation: the host taken as 35% of its GPUs' board power plus 0.3 kW (an assumption, stated
# in the answer; dual-socket 4-GPU PCIe servers are sold with 2-3 kW supplies for ~1.4 kW of GPUs).
PCIE_HOST_SHARE, PCIE_HOST_KW = 0.35, 0.3
CONTINUOUS_LOAD_SHARE = 0.8  # a circuit carries a continuous load of at most 80% of its breaker rating (NEC 210.19)


def power_budget(gpu: str, budget_kw: float, gpus_per_server: int | None = None, circuit: bool = False) -> dict:
    """How many GPUs (or servers of `gpus_per_server`) a power budget carries at full board power, with the rest of
    each server counted, and on a circuit only 80% of its rating used continuously."""
    g = get_gpu(gpu)
    if not g.tdp_w:
        raise AdvisorInputError(f"{g.name} has no board power on file; give its watts (e.g. '350 W').")
    usable = budget_kw * (CONTINUOUS_LOAD_SHARE if circuit else 1.0)
    sxm = _is_sxm(g)
    n = gpus_per_server or (8 if sxm else 1)
    server_kw = server_draw_kw(g, n)
    servers = int(usable // server_kw)
    if gpus_per_server is None and not sxm:  # single cards in one box: one host, as many cards as the rest allows
        servers = max(0, int((usable - PCIE_HOST_KW) // (g.tdp_w / 1000 * (1 + PCIE_HOST_SHARE))))
        n, server_kw = 1, g.tdp_w / 1000 * (1 + PCIE_HOST_SHARE)
    return dict(gpu=g.name, tdp_w=g.tdp_w, budget_kw=budget_kw, usable_kw=round(usable, 2), circuit=circuit,
                gpus_per_server=n, server_kw=round(server_kw, 2), servers=servers, gpus=servers * n,
                gpus_by_board_power_alone=int(usable * 1000 // g.tdp_w))


def _is_sxm(g) -> bool:
    return "sxm" in (g.form_factor or "").lower() or g.id.endswith("-sxm")


# A desktop's host around its cards: its CPU at full load (a Ryzen 9 / Core i9 ~150-250 W; a 4-card box a workstation
# CPU), board, drives and fans, and the PSU's losses at the wall. Assumptions, said in the answer.
DESKTOP_HOST_KW, DESKTOP_HOST_KW_PER_GPU = 0.15, 0.05  # a 4-card box needs a workstation CPU: ~0.35 kW of host
DESKTOP_PSU_EFFICIENCY = 0.92  # ATX 80 PLUS Gold/Platinum at 50-80% load: the wall draws ~8% more than the parts


def server_draw_kw(g, gpus: int) -> float:
    """A server's input power at full load: its GPUs at board power plus the host (an SXM server's share of its rated
    host draw; a PCIe box 35% of its GPUs + 0.3 kW)."""
    gpu_kw = (g.tdp_w or 0) * gpus / 1000
    if g.kind == "described" and "shared with the CPU" in (g.notes or ""):
        return gpu_kw  # a Jetson or an APU box: the module's power is the whole system's, no separate host
    if g.kind == "consumer":  # a desktop or workstation: one CPU, board, drives and fans, not a server's host
        return (gpu_kw + DESKTOP_HOST_KW + DESKTOP_HOST_KW_PER_GPU * gpus) / DESKTOP_PSU_EFFICIENCY
    return gpu_kw + (SXM_SERVER_HOST_KW * gpus / 8 if _is_sxm(g) else PCIE_HOST_SHARE * gpu_kw + PCIE_HOST_KW)


def facility_power(gpu: str, gpu_count: int, pue: float = PUE) -> dict:
    """The power and cooling to reserve for GPUs at full load: their servers' input power (GPUs at board power plus
    each server's host, as power_budget counts it), the facility draw with PUE, and the heat to remove (all the IT
    power ends up as heat: 1 kW = 3,412 BTU/h = 0.284 refrigeration tons)."""
    g = get_gpu(gpu)
    if not g.tdp_w:
        raise AdvisorInputError(f"{g.name} has no board power on file; give its watts (e.g. '350 W').")
    sxm = _is_sxm(g)
    per_server = 8 if sxm else min(gpu_count, 8)
    servers = max(1, -(-gpu_count // per_server))
    gpu_kw = g.tdp_w * gpu_count / 1000
    host_kw = (SXM_SERVER_HOST_KW * gpu_count / 8) if sxm else servers * PCIE_HOST_KW + PCIE_HOST_SHARE * gpu_kw
    it_kw = gpu_kw + host_kw
    return dict(gpu=g.name, gpu_count=gpu_count, tdp_w=g.tdp_w, servers=servers, gpus_per_server=per_server,
                gpu_kw=round(gpu_kw, 2), host_kw=round(host_kw, 2), it_kw=round(it_kw, 2), pue=pue,
                facility_kw=round(it_kw * pue, 2), cooling_kw=round(it_kw, 2), btu_per_hour=round(it_kw * 3412),
                cooling_tons=round(it_kw * 0.2843, 1))


def mfu_from_throughput(model: str, gpu: str, gpu_count: int, tokens_per_s: float, method: str = "pretrain",
                        sequence_length: int | None = None) -> dict:
    """The MFU a measured training throughput means: the model's training FLOPs per token (6 x parameters + attention;
    4 x for LoRA's frozen weights) x tokens/s over the GPUs' dense peak. Recomputation is not counted (that would be
    HFU)."""
    args = dict(model=model, tokens=1e9, gpu=gpu, gpu_count=gpu_count, method=method)
    if sequence_length:
        args["sequence_length"] = sequence_length
    r = estimate_training(TrainingRequest(**args))
    peak = r.tflops_per_gpu / r.mfu
    mfu = r.flops_per_token * tokens_per_s / (gpu_count * peak * 1e12)
    return dict(model=r.model, gpu=r.gpu, gpu_count=gpu_count, tokens_per_s=tokens_per_s,
                flops_per_token=r.flops_per_token, peak_tflops_per_gpu=round(peak, 1), mfu=round(mfu, 3),
                estimate_mfu=r.mfu, tokens_per_s_per_gpu=round(tokens_per_s / gpu_count, 1))
