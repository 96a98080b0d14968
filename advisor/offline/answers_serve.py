"""Serving: how many GPUs for N users, which GPU, how fast at a load, and side-by-side comparisons."""

from __future__ import annotations

import re

from tools.defaults import (  # noqa: E402
    CHAT_USER_TOKENS_PER_S,  # noqa: E402
    FINETUNE_SEQUENCE_LENGTH,
    PRETRAIN_SEQUENCE_LENGTH,
)
from tools.defaults import INFERENCE_CONTEXT as PLAN_CONTEXT  # noqa: E402 - one home for defaults
from tools.throughput import chat_turn, serving_split

from ..registry import result_dict
from .answers_fit import fit, how_many_training, inference_args, training, training_args
from .asks import FOLLOW_UP
from .parse import Slots
from .text import Reply, chat_average_note, format_option_line, gib, hours_text, model_label, on_gpus, pick, tps, usd

CHAT_TARGET_TPS = CHAT_USER_TOKENS_PER_S  # the stated default per-user target (tools/defaults.py)


def _o(o, name: str, default=None):
    return getattr(o, name, default)


def _aggregate(o) -> float | None:
    return _o(o, "aggregate_tokens_per_s") or _o(o, "decode_tokens_per_s_total")


def _layout(o, zh: bool) -> str:
    engine = _o(o, "engine") or _o(o, "framework") or ""
    layout = _o(o, "layout") or ""
    return ", ".join(x for x in (o.precision, layout, engine) if x)


def option_line(o, zh: bool, workload: str = "inference") -> str:
    cfg = f"{o.gpu_count}x {o.gpu} ({_layout(o, zh)})"
    price = f"{usd(o.usd_per_hour)}/h" if o.usd_per_hour else pick(zh, "no price on file", "无价格数据")
    if workload == "inference":
        seqs = _o(o, "max_concurrent_sequences")
        room = pick(zh, f", KV pool holds {seqs} sequences" if seqs else "", f"，KV 池可容纳 {seqs} 个序列" if seqs else "")
        per_m = _o(o, "usd_per_million_tokens")
        per_m_text = pick(zh, f", {usd(per_m)} per 1M output tokens", f"，每百万输出 token {usd(per_m)}") if per_m else ""
        flags = _flags(o, zh)
        return (pick(zh, f"{cfg}: {tps(o.decode_tokens_per_s)} tok/s per user, {tps(_aggregate(o))} in all",
                     f"{cfg}：每用户 {tps(o.decode_tokens_per_s)} tok/s，合计 {tps(_aggregate(o))}")
                + room + f", {price}" + per_m_text + flags)
    total = (usd(o.usd_total) if o.usd_total >= 1 else pick(zh, "under $1", "不到 $1")) if o.usd_total is not None else \
        pick(zh, "no price on file", "无价格数据")
    return pick(zh, f"{cfg}: {hours_text(o.hours or 0, False)}, {o.gpu_hours or 0:,.0f} GPU-hours, {total}",
                f"{cfg}：{hours_text(o.hours or 0, True)}，{o.gpu_hours or 0:,.0f} GPU-小时，{total}")


def _flags(o, zh: bool) -> str:
    out = []
    if _o(o, "multi_node"):
        out.append(pick(zh, "multi-node", "跨节点"))
    if _o(o, "consumer"):
        out.append(pick(zh, "consumer cards: no ECC, datacenter licence limits", "消费级显卡：无 ECC，数据中心使用受许可限制"))
    if o.tight:
        out.append(pick(zh, "tight", "余量小"))
    return f" [{'; '.join(out)}]" if out else ""


def _plan(turn, s: Slots, gpus: list[str] | None, workload: str = "inference"):
    users = s.users or s.batch or 1
    # one server's 8 GPUs unless the load needs more: many users are served by replicas over several servers
    cap = s.count or (8 if users <= 16 else 64 if users <= 512 else 512)
    args = dict(model=s.model, workload=workload, context=s.context or PLAN_CONTEXT, concurrency=users, limit=8,
                gpus=gpus, max_gpus=max(8, cap))
    if workload == "inference":
        args["target_tokens_per_s"] = s.target_tps or (CHAT_TARGET_TPS if users > 1 else None)
        args["ttft_s"] = s.ttft_s
        args["precision"] = s.precision  # a format the person chose ("in bf16", "full precision", "Q4_K_M")
    else:
        # training sequences: the training default (as training_time uses), not the serving context
        args["context"] = s.context or (PRETRAIN_SEQUENCE_LENGTH if workload == "pretrain" else FINETUNE_SEQUENCE_LENGTH)
        args.update(method=s.method or "lora", tokens=s.tokens, deadline_days=s.days,
                    max_gpus=4096 if workload == "pretrain" or s.days else max(8, s.count or 8))
    return turn.call("recommend_hardware", **args)


def _target_text(s: Slots, zh: bool) -> str:
    users = s.users or s.batch or 1
    if users <= 1 and not s.target_tps:
        return ""
    target = s.target_tps or CHAT_TARGET_TPS
    stated = "" if s.target_tps else pick(zh, " (default chat target)", "（默认聊天目标）")
    return pick(zh, f" at >= {target:g} tokens/s each{stated}", f"，每用户 ≥ {target:g} tokens/s{stated}")


PER_TOKEN = re.compile(r"per (?:million|1m|m|1,000,000)\b|per (?:output )?token|/\s*1m|每百万|每个? ?token|每 ?token", re.I)
BUSY_SERVER_USERS = 32  # "cost per token" means a busy server: 32 concurrent requests unless the person says how many
# one person's own machine: a desktop or workstation at home or in the office, one stream at a time
LOCAL_USE = re.compile(r"本地|自己用|个人用|自用|家用|单人|一个人用|\blocal(?:ly)?\b|\bat home\b|\bpersonal\b|\bjust me\b|"
                       r"\bsingle[- ]user\b|\bhomelab\b|\bmy own\b", re.I)
THROUGHPUT_WORDS = re.compile(r"\bthroughput\b|\bmax(?:imum)? tokens?/s\b|\bmany users\b|\bhigh concurrency\b|吞吐|高并发|大并发|并发量大", re.I)


def serving_cost(turn, s: Slots, question: str = "") -> Reply:
    """What serving costs: the configuration that carries the load, its rent per hour, per month at the hours a day
    it runs (24 unless said), and per 1M output tokens (led with when that is what was asked)."""
    zh = turn.zh
    from tools.gpus import get_gpu

    g = get_gpu(s.gpu)
    if PER_TOKEN.search(question) or s.per_million:
        return _cost_per_token(turn, s, g)
    p = _plan(turn, s, [g.id])
    if not p.by_cost:
        return how_many(turn, s)
    best = min(p.by_cost, key=lambda o: (o.usd_per_hour or 1e18, o.gpu_count))
    hpd = s.hours_per_day or 24.0
    hours = round(hpd * 365 / 12, 1)
    c = turn.call("estimate_cost", gpu=g.id, gpu_count=best.gpu_count, hours=hours)
    if not c.usd:
        return how_many(turn, s)
    per_m = _o(best, "usd_per_million_tokens")
    per_m_text = pick(zh, f", {usd(per_m)} per 1M output tokens at full load", f"，满载时每百万输出 token {usd(per_m)}") \
        if per_m else ""
    lead = pick(zh, f"**About {usd(c.usd)} a month** ({hpd:g} hours a day): {best.gpu_count}x {g.name} "
                    f"({_layout(best, zh)}) at {usd(c.usd_per_hour)}/hour for {model_label(p.model, zh)}{per_m_text}.",
                f"**每月约 {usd(c.usd)}**（每天 {hpd:g} 小时）：{best.gpu_count} 张 {g.name}（{_layout(best, zh)}），"
                f"{usd(c.usd_per_hour)}/小时，{model_label(p.model, zh)}{per_m_text}。")
    body = [option_line(best, zh)]
    return Reply(lead, body, _plan_assumptions(p, s, zh) + (list(c.assumptions) if not zh else []))


UTILIZATION = re.compile(r"utili[sz]|利用率|使用率|\bbusy\b|\bidle\b|空闲|闲置", re.I)


def _cost_per_token(turn, s: Slots, g) -> Reply:
    zh = turn.zh
    util = round(s.hours_per_day / 24, 3) if s.hours_per_day else 1.0
    if s.aggregate_tps:  # the person's own measured rate: rent / tokens, nothing of ours in between
        n = s.count or 1
        if n > 1:  # "they push ~2,500 tok/s each": the per-card figure behind the total
            turn.derive("aggregate_rate", lambda **kw: kw, tokens_per_s=s.aggregate_tps, tokens_per_s_per_gpu=s.aggregate_tps / n,
                        gpu_count=n)
        c = turn.call("estimate_cost", gpu=g.id, gpu_count=n, tokens_per_s=s.aggregate_tps, utilization=util)
        if c.usd_per_million_tokens:
            return Reply(pick(zh, f"**About {usd(c.usd_per_million_tokens)} per 1M output tokens** at your {s.aggregate_tps:,g} "
                                  f"tokens/s on {n}x {g.name} at {usd(c.usd_per_hour)}/hour"
                                  + (f", busy {util:.0%} of the time" if util < 1 else "") + ".",
                              f"**每百万输出 token 约 {usd(c.usd_per_million_tokens)}**：按你的 {s.aggregate_tps:,g} tokens/s，"
                              f"{n} 张 {g.name}，{usd(c.usd_per_hour)}/小时" + (f"，{util:.0%} 时间在忙" if util < 1 else "") + "。"))
    if not (s.users or s.batch):  # the GPUs named (one unless said), as many users as they carry at a chat speed
        from tools import search

        n = s.count or 1
        cap = turn.derive("max_users", search.max_users, model=s.model, gpu=g.id, gpu_count=n,
                          target_tokens_per_s=s.target_tps, context=s.context, precision=s.precision)
        if cap["users"]:
            best = cap["by_format"][0]
            c = turn.call("estimate_cost", gpu=g.id, gpu_count=n, tokens_per_s=best["aggregate_tokens_per_s"],
                          utilization=util)
            if c.usd_per_million_tokens:
                turn.derive("hourly_output", lambda tokens_per_s: {"hourly_output_tokens": tokens_per_s * 3600},
                            tokens_per_s=best["aggregate_tokens_per_s"])
                setup = f"{best['precision']}, {best['framework']}" + (
                    f", TP={best['tensor_parallel']}" if best["tensor_parallel"] > 1 else "")
                return Reply(pick(zh, f"**About {usd(c.usd_per_million_tokens)} per 1M output tokens** for {cap['model']} on "
                                      f"{n}x {g.name} ({setup}) at {usd(c.usd_per_hour)}/hour, carrying {cap['users']} users at "
                                      f"{tps(best['decode_tokens_per_s'])} tokens/s each ({tps(best['aggregate_tokens_per_s'])} "
                                      "in all)" + (f", busy {util:.0%} of the time" if util < 1 else ", busy all the time") + ".",
                                  f"**每百万输出 token 约 {usd(c.usd_per_million_tokens)}**：{cap['model']}，{n} 张 {g.name}"
                                  f"（{setup}），{usd(c.usd_per_hour)}/小时，承载 {cap['users']} 个用户、每人 "
                                  f"{tps(best['decode_tokens_per_s'])} tokens/s（合计 {tps(best['aggregate_tokens_per_s'])}）"
                                  + (f"，{util:.0%} 时间在忙" if util < 1 else "，满负载") + "。"),
                             [pick(zh, f"That is about {best['aggregate_tokens_per_s'] * 3600 / 1e6:,.1f}M tokens an hour. "
                                       "Fewer users than that raise the cost per token in proportion.",
                                   f"即每小时约 {best['aggregate_tokens_per_s'] * 3600 / 1e4:,.0f} 万 tokens。"
                                   "用户少于这个数，每 token 成本按比例上升。")],
                             [chat_average_note(s.context, zh)] if s.context_default else [])
    users = s.users or s.batch or BUSY_SERVER_USERS
    p = _plan(turn, Slots(**{**s.__dict__, "users": users}), [g.id])
    priced = [o for o in p.by_cost if _o(o, "usd_per_million_tokens")]
    if not priced:
        return how_many(turn, s)
    best = min(priced, key=lambda o: o.usd_per_million_tokens)
    stated = "" if (s.users or s.batch) else pick(zh, " (a busy server; say how many users for yours)",
                                                    "（按繁忙服务器估算；可告诉我你的并发数）")
    lead = pick(zh, f"**About {usd(best.usd_per_million_tokens)} per 1M output tokens** for {model_label(p.model, zh)} on "
                    f"{best.gpu_count}x {g.name} ({_layout(best, zh)}) at {users} concurrent requests{stated}, "
                    f"{usd(best.usd_per_hour)}/hour.",
                f"**每百万输出 token 约 {usd(best.usd_per_million_tokens)}**：{model_label(p.model, zh)}，{best.gpu_count} 张 "
                f"{g.name}（{_layout(best, zh)}），{users} 个并发请求{stated}，{usd(best.usd_per_hour)}/小时。")
    body = [pick(zh, "Cost per token falls as more requests share the GPU: with one user at a time it is many times "
                     "higher.", "并发越多，每个 token 越便宜；一次只服务一个用户时要贵很多倍。"), option_line(best, zh)]
    per_m = best.usd_per_million_tokens
    if s.hours_per_day and s.hours_per_day < 24:  # busy part of the day: rented all day, each token carries the idle hours
        idle = per_m * 24 / s.hours_per_day
        if UTILIZATION.search(getattr(turn, "question", "") or ""):  # "utilization is only 30%": the GPUs stay rented
            share = s.hours_per_day / 24
            lead = pick(zh, f"**About {usd(idle)} per 1M output tokens at {share:.0%} utilization** for {model_label(p.model, zh)} "
                            f"on {best.gpu_count}x {g.name} ({_layout(best, zh)}) rented around the clock at "
                            f"{usd(best.usd_per_hour)}/hour ({usd(per_m)} while busy; the idle hours are paid too).",
                        f"**利用率 {share:.0%} 时每百万输出 token 约 {usd(idle)}**：{model_label(p.model, zh)}，{best.gpu_count} 张 "
                        f"{g.name}（{_layout(best, zh)}）全天租用 {usd(best.usd_per_hour)}/小时：忙时每百万 {usd(per_m)}，闲时的租金也要摊进来。")
        body.insert(0, pick(zh, f"Busy {s.hours_per_day:g} h a day: {usd(idle)} per 1M if the GPUs stay rented around the "
                                f"clock, {usd(per_m)} if they are shut down (or serve other work) when idle.",
                            f"每天只忙 {s.hours_per_day:g} 小时：GPU 全天租着时每百万 token {usd(idle)}；闲时关机（或跑别的任务）则为 {usd(per_m)}。"))
        turn.derive("idle_hours_share", lambda **kw: kw, busy_hours_per_day=s.hours_per_day, usd_per_million_busy=per_m,
                    usd_per_million_rented_all_day=round(idle, 4))
    from .own_numbers import facts

    api = facts(turn.question).api_per_m if getattr(turn, "question", None) else None
    if api:  # "和直接调 API（比如 $2/M 输出）比如何": self-hosting against that price
        ours = per_m * 24 / s.hours_per_day if s.hours_per_day and s.hours_per_day < 24 else per_m
        cheaper = ours < api
        ratio = max(ours, api) / min(ours, api)
        lead += pick(zh, f" **{'Self-hosting' if cheaper else 'The API'} is cheaper**: {usd(ours)} vs the API's {usd(api)} per 1M "
                         f"output tokens ({ratio:.1f}x), while the GPUs stay this busy.",
                     f"**{'自建' if cheaper else 'API'}更便宜**：自建每百万输出 token {usd(ours)}，API {usd(api)}（{ratio:.1f} 倍），前提是 GPU 一直这么忙。")
        turn.derive("api_compared", lambda **kw: kw, self_usd_per_million=round(ours, 4), api_usd_per_million=api)
    return Reply(lead, body, _plan_assumptions(p, Slots(**{**s.__dict__, "users": users}), zh))


def _plan_assumptions(p, s: Slots, zh: bool) -> list[str]:
    said = [chat_average_note(s.context, zh)] if s.context_default and p.workload == "inference" else []
    if not zh:
        return said + list(p.assumptions)
    mine = next((a for a in p.assumptions if a.startswith("rent: your price")), None)
    price = f"价格按你给的每卡每小时 ${s.usd_per_gpu_hour:g}" if mine and s.usd_per_gpu_hour else "价格按已收录的按需报价中位数"
    if p.workload == "inference":
        users = s.users or s.batch or 1
        return said + [f"上下文 {s.context or PLAN_CONTEXT:,} tokens，{users} 个并发", "多路并发时用 vLLM/SGLang 等批处理引擎", price]
    return ["梯度检查点开启；多卡用 ZeRO-3/FSDP", price]


def how_many(turn, s: Slots) -> Reply:
    if training(s):
        if s.workload == "pretrain" and s.tokens and s.days:
            return which_gpu(turn, s)
        return how_many_training(turn, s)
    zh = turn.zh
    from tools.gpus import get_gpu

    g = get_gpu(s.gpu)
    users = s.users or s.batch or 1
    p = _plan(turn, s, [g.id])
    if not p.by_cost or s.precision and not any(o.precision == s.precision for o in p.options):
        # more than one node (or the format asked for needs more): say how many would do it
        p = _plan(turn, Slots(**{**s.__dict__, "count": 64}), [g.id])
    ctx = s.context or PLAN_CONTEXT
    load = pick(zh, f"{users} concurrent users at {ctx:,} tokens each", f"{users} 个并发用户、每个 {ctx:,} tokens") \
        if users > 1 else pick(zh, f"one stream at {ctx:,} tokens", f"单路、{ctx:,} tokens 上下文")
    if not p.by_cost and (g.vendor != "apple"):
        multi = _across_nodes(turn, s, g, users, ctx)
        if multi is not None:
            return multi
    if not p.by_cost:
        turn.call("lookup_gpu", name=g.id)  # the GPU's name and memory, on the record
        lead = pick(zh, f"**More than {max(64, s.count or 64)}x {g.name}** would be needed for {model_label(p.model, zh)} with "
                        f"{load}{_target_text(s, zh)}.",
                    f"**超过 {max(64, s.count or 64)} 张 {g.name}** 才能满足 {model_label(p.model, zh)}（{load}{_target_text(s, zh)}）。")
        return Reply(lead, list(p.notes), _plan_assumptions(p, s, zh))
    pool = [o for o in p.options if o.precision == s.precision] if s.precision else list(p.by_cost)
    if not pool:  # the format asked for ("满血": the native one) does not serve this load on up to the cap
        return Reply(pick(zh, f"**Not in {s.precision} on up to {max(64, s.count or 8)}x {g.name}** for "
                              f"{model_label(p.model, zh)} with {load}{_target_text(s, zh)}.",
                          f"**{s.precision} 下 {max(64, s.count or 8)} 张 {g.name} 以内都不够**："
                          f"{model_label(p.model, zh)}（{load}{_target_text(s, zh)}）。"), list(p.notes),
                     _plan_assumptions(p, s, zh))
    best = min(pool, key=lambda o: (o.gpu_count, o.tight, o.usd_per_hour or 0))
    turn.config = best  # what a cost ask in the same answer prices
    node = _o(best, "gpus_per_node") or 8
    # in servers too when it takes more than one, or when the person counts in servers ("要几台8卡H200")
    in_servers = best.gpu_count > node or (best.gpu_count == node and re.search(
        r"几台|多少台|\d\s*台|\bhow many (?:nodes|servers|machines|boxes)\b", getattr(turn, "question", "") or "", re.I))
    nodes = pick(zh, f" = {-(-best.gpu_count // node)} node{'s' if best.gpu_count > node else ''} of {node}" if in_servers else "",
                 f"，即 {-(-best.gpu_count // node)} 台 {node} 卡服务器" if in_servers else "")
    lead = pick(zh, f"**{best.gpu_count}x {g.name}{nodes}** ({_layout(best, zh)}) for "
                    f"{model_label(p.model, zh)} with {load}{_target_text(s, zh)}: about {tps(best.decode_tokens_per_s)} "
                    f"tokens/s per user{_likely(best, zh)}.",
                f"**{best.gpu_count} 张 {g.name}{nodes}**（{_layout(best, zh)}）可服务 {model_label(p.model, zh)}"
                f"（{load}{_target_text(s, zh)}），每用户约 {tps(best.decode_tokens_per_s)} tokens/s{_likely(best, zh)}。")
    by_prec = {}
    for o in sorted(p.options, key=lambda o: (o.gpu_count, o.tight)):
        by_prec.setdefault(o.precision, o)
    bf16 = by_prec.get("bf16")
    if bf16 is not None and best.precision != "bf16" and not s.precision:
        lead += pick(zh, f" In bf16: {bf16.gpu_count}x.", f"bf16 需要 {bf16.gpu_count} 张。")
    body = [pick(zh, "By precision (fewest GPUs first):", "按精度（卡数最少的配置）：") + "\n"
            + "\n".join(f"- {option_line(o, zh)}" for o in by_prec.values())]
    return Reply(lead, body, _plan_assumptions(p, s, zh))


def _across_nodes(turn, s: Slots, g, users: int, ctx: int) -> Reply | None:
    """A model one server cannot hold (DeepSeek-R1 in FP8 on H100s): tensor parallel 8 inside each server, pipeline
    parallel across servers, for the fewest whole servers whose memory holds it. The plans keep a replica inside one
    server, so this is a memory answer: no speed is given for it."""
    zh = turn.zh
    for n in (16, 24, 32, 48, 64):
        r = turn.call("check_fit", model=s.model, gpu=g.id, gpu_count=n, precision=s.precision, tensor_parallel=8,
                      pipeline_parallel=n // 8, batch=users, context=s.context, framework="vllm")
        if r.fits:
            load = pick(zh, f"{users} users at {ctx:,} tokens" if users > 1 else f"one stream at {ctx:,} tokens",
                        f"{users} 个用户、每个 {ctx:,} tokens" if users > 1 else f"单路、{ctx:,} tokens")
            lead = pick(zh, f"**{n}x {g.name} = {n // 8} nodes of 8** ({r.memory.precision}, TP=8 x PP={n // 8}, vllm) hold "
                            f"{model_label(r.memory.model, zh)} for {load}: {gib(r.required_gib)} of {gib(r.available_gib)} per GPU.",
                        f"**{n} 张 {g.name}，即 {n // 8} 台 8 卡服务器**（{r.memory.precision}，TP=8 x PP={n // 8}，vllm）可以放下 "
                        f"{model_label(r.memory.model, zh)}（{load}）：每卡 {gib(r.required_gib)}，可用 {gib(r.available_gib)}。")
            return Reply(lead, [pick(zh, "One server (8 GPUs) cannot hold it, so each copy spans servers: pipeline parallel "
                                         "between them over InfiniBand. I give no speed for this layout (the speed model "
                                         "keeps a copy inside one server).",
                                     "一台 8 卡服务器放不下，所以每份模型要跨服务器：服务器之间用流水线并行（InfiniBand）。"
                                     "这种布局我不给速度（速度模型只覆盖单台服务器内的一份模型）。")])
    return None


def which_gpu(turn, s: Slots) -> Reply:
    zh = turn.zh
    workload = "pretrain" if s.workload == "pretrain" else ("finetune" if training(s) else "inference")
    if workload == "pretrain" and not s.tokens:
        return Reply(pick(zh, "**Pretraining needs a token budget to size**, e.g. 'pretrain a 7B model on 1T tokens in "
                              "30 days' (for whether it fits in memory, ask 'does it fit on 8x H100?').",
                          "**预训练需要 token 数才能规划**，例如“用 1 万亿 token 在 30 天内预训练 7B 模型”（只问显存够不够可以问"
                          "“8 张 H100 放得下吗”）。"))
    gpus = s.gpus or None
    if gpus and re.search(r"\b(?:buy|get|upgrade|purchase|rent)\b|买|换", turn.question, re.I) and re.search(
            r"\b(?:i|we) (?:have|own|got)\b|\bmy\b|\bour\b|我有|我们有|我的", turn.question, re.I):
        gpus = None  # "I have a 4090. Which GPU should I buy ...?": the card owned is not the one asked about
    p = _plan(turn, s, gpus or _gpus_of_size(s.vram_gib), workload)
    ctx = s.context or PLAN_CONTEXT
    pinned = ""
    if not p.by_cost and gpus and workload == "inference" and not s.count:  # past one server of the GPU named
        p = _plan(turn, Slots(**{**s.__dict__, "count": 64}), gpus, workload)
    if not p.by_cost and gpus and workload == "inference":
        # nothing on the GPUs named (or owned): say so, and give the cheapest setup over the whole catalog
        names = ", ".join(_gpu_name(g) for g in s.gpus)
        pinned = pick(zh, f"Not on up to {max(8, s.count or 8)}x {names}. ", f"{names} 在 {max(8, s.count or 8)} 张以内做不到。")
        p = _plan(turn, s, None, workload)
    if not p.by_cost:
        lead = pick(zh, "**Nothing in the catalog meets these constraints.** ", "**目录里没有满足这些条件的配置。**")
        notes = list(p.notes) if not zh else ["可以放宽条件：允许更多 GPU、更低精度、更短上下文，或改用 QLoRA。"]
        return Reply(lead + " ".join(notes), [], _plan_assumptions(p, s, zh))
    best = p.by_cost[0]
    if workload == "inference":
        users = s.users or s.batch or 1
        load = pick(zh, f" for {users} users at {ctx:,} tokens{_target_text(s, zh)}" if users > 1 else "",
                    f"（{users} 个用户，{ctx:,} tokens{_target_text(s, zh)}）" if users > 1 else "")
        lead = pick(zh, f"**Cheapest: {best.gpu_count}x {best.gpu}** ({_layout(best, zh)}) for {model_label(p.model, zh)}{load}, "
                        f"{usd(best.usd_per_hour)}/hour, about {tps(best.decode_tokens_per_s)} tokens/s per user.",
                    f"**最便宜：{best.gpu_count} 张 {best.gpu}**（{_layout(best, zh)}）运行 {model_label(p.model, zh)}{load}，"
                    f"{usd(best.usd_per_hour)}/小时，每用户约 {tps(best.decode_tokens_per_s)} tokens/s。")
    else:
        within = pick(zh, f" within {s.days:g} days" if s.days else "", f"（{s.days:g} 天内）" if s.days else "")
        cost_en = (usd(best.usd_total) if (best.usd_total or 0) >= 1 else "under $1") if best.usd_total is not None else \
            "no price on file"
        cost_zh = usd(best.usd_total) if best.usd_total is not None else "无价格数据"
        lead = pick(zh, f"**{best.gpu_count}x {best.gpu}**{within}: about {hours_text(best.hours or 0, False)} and "
                        f"{cost_en} for {model_label(p.model, zh)} ({workload}).",
                    f"**{best.gpu_count} 张 {best.gpu}**{within}：约 {hours_text(best.hours or 0, True)}、{cost_zh}，{model_label(p.model, zh)}"
                    f"（{'预训练' if workload == 'pretrain' else '微调'}）。")
    lead = pinned + lead
    body = [pick(zh, "Cheapest options:", "按价格排序：") + "\n"
            + "\n".join(f"- {option_line(o, zh, workload)}" for o in p.by_cost[:4])]
    fastest = p.by_speed[0] if p.by_speed else None
    if fastest is not None and fastest is not best:
        body.append(pick(zh, "Fastest: ", "最快：") + option_line(fastest, zh, workload))
    needed = _o(p, "gpus_needed")
    if needed and workload == "pretrain":
        body.append(pick(zh, "GPUs needed by type: ", "各型号所需卡数：") + ", ".join(f"{k}: {v}" for k, v in list(needed.items())[:6]))
    if not zh:
        body += _brief_notes(list(p.notes))
    return Reply(lead, body, _plan_assumptions(p, s, zh))


def _brief_notes(notes: list[str]) -> list[str]:
    """The plan's notes with the per-card "needs at least N GPUs to hold the model" lines folded into one: a list of
    twenty small cards that cannot hold the run is noise under an answer that names the ones that can."""
    held = [n for n in notes if "needs at least" in n and "to hold the model" in n]
    rest = [n for n in notes if n not in held]
    if len(held) <= 3:
        return notes
    names = [n.split(":")[0] for n in held]
    least = min(int(re.search(r"needs at least ([\d,]+)", n).group(1).replace(",", "")) for n in held[2:])
    return rest + held[:2] + [f"{len(held) - 2} more cards ({', '.join(names[2:6])}{', ...' if len(names) > 6 else ''}) need "
                              f"{least:,} or more of them to hold the model; allow more with --max-gpus."]


def _gpus_of_size(vram_gb: float | None) -> list[str] | None:
    """'How many 80GB GPUs?': the catalog GPUs of that memory size (vendor GB or GiB, within 6%)."""
    if not vram_gb:
        return None
    from tools.gpus import all_gpus

    out = [g.id for g in all_gpus() if g.vendor in ("nvidia", "amd")
           and min(abs(g.memory_gib - vram_gb), abs(g.memory_gib * 2**30 / 1e9 - vram_gb)) <= 0.06 * vram_gb]
    return out or None


def _format_that_fits(turn, s: Slots, gpu: str, users: int) -> str | None:
    """No format named: the model's own if it loads on these GPUs, else the least lossy one that does. (Whether all
    the users' sequences fit in the KV cache at once is said separately: vLLM queues what does not fit.)"""
    from tools.errors import AdvisorInputError
    from tools.fit import FitRequest, check_fit
    from tools.gpus import get_gpu

    llama_cpp = s.framework == "llama.cpp" or _desktop_one_user(s, gpu, users)
    fp8 = ["fp8"] if get_gpu(gpu).supports_fp8 else []
    ladder = [None, "q8_0", "q4_k_m"] if llama_cpp else [None, *fp8, "awq-4bit"]
    for fmt in ladder:
        args = dict(model=s.model, gpu=gpu, gpu_count=s.count or 1, context=s.context,
                    framework=s.framework or ("vllm" if users > 1 else None), precision=fmt)
        try:
            if check_fit(FitRequest(**{k: v for k, v in args.items() if v is not None})).fits:
                if fmt is not None:
                    turn.call("check_fit", **args)  # on the record: why this format
                return fmt
        except AdvisorInputError:
            continue
    return None


def _default_prompt_output() -> tuple[int, int]:
    from tools.throughput import ThroughputRequest

    fields = ThroughputRequest.__dataclass_fields__
    return fields["prompt_tokens"].default, fields["output_tokens"].default


def _format_of_verdict(turn, s: Slots, gpu: str) -> str | None:
    """The format of the configuration this answer already said fits on these GPUs (a fit verdict before a speed)."""
    for c in reversed(turn.calls):
        if c.tool == "check_fit" and c.args.get("gpu") == gpu and c.args.get("model") == s.model and \
                c.args.get("gpu_count", 1) == (s.count or 1) and isinstance(c.result, dict) and c.result.get("fits"):
            return (c.result.get("memory") or {}).get("precision") or c.args.get("precision")
    return None


def _kv_room(turn, s: Slots, gpu: str, precision: str, users: int, context: int) -> tuple[str, int]:
    """Do all the users' sequences fit in the KV cache at once? (the sentence, how many run together). What does not
    fit waits in vLLM's queue."""
    from tools.errors import AdvisorInputError

    zh = turn.zh
    try:
        f = turn.call("check_fit", model=s.model, gpu=gpu, gpu_count=s.count or 1, precision=precision,
                      context=context, batch=users, framework=s.framework or "vllm")
    except AdvisorInputError:
        return "", users
    ctx = f.memory.context
    said = pick(zh, "" if s.context else " (prompt + answer, assumed: say your context)", "" if s.context else "（提示+回答，默认值，可告诉我你的上下文）")
    if f.fits:
        return pick(zh, f"All {users} sequences of {ctx:,} tokens{said} fit in the KV cache at once.",
                    f"{users} 个 {ctx:,} tokens{said}的序列可以同时放进 KV 缓存。"), users
    room = min(users, f.memory.max_concurrent_sequences or f.max_batch or 0)  # what vLLM's KV pool holds
    if room < 1:
        return pick(zh, f"Not even one sequence of {ctx:,} tokens fits in the KV cache next to the weights; shorten the "
                        "context, use a smaller format or more GPUs.",
                    f"权重之外的显存连一个 {ctx:,} tokens 的序列都放不下；请缩短上下文、换更小的格式或加卡。"), 0
    return pick(zh, f"Only {room} of the {users} sequences of {ctx:,} tokens{said} fit in the KV cache at once, so {room} run "
                    f"together at the speed above and the rest wait their turn (shorter contexts, an fp8 KV cache or "
                    "more GPUs let more run together).",
                f"{ctx:,} tokens{said}的序列只能同时放下 {room} 个（共 {users} 个）：上面的速度按 {room} 路同时运行计算，其余排队等待"
                "（缩短上下文、KV 用 fp8 或加卡可以同时跑更多）。"), room


def _gpu_name(gpu: str) -> str:
    from tools.gpus import get_gpu

    return get_gpu(gpu).name


def _nothing_fits(turn, s: Slots, gpu: str, users: int) -> bool:
    """True when even the smallest 4-bit format does not fit (then a speed figure would mislead). On the record."""
    from tools.errors import AdvisorInputError

    fmt = "q4_k_m" if _desktop_one_user(s, gpu, users) else "awq-4bit"
    try:
        r = turn.call("check_fit", model=s.model, gpu=gpu, gpu_count=s.count or 1, precision=fmt, context=s.context)
    except AdvisorInputError:
        return False
    return not r.fits


def _desktop_one_user(s: Slots, gpu: str, users: int) -> bool:
    from tools.gpus import get_gpu

    return users <= 1 and get_gpu(gpu).kind in ("consumer", "workstation", "apple_unified") and \
        s.framework in (None, "llama.cpp", "ollama")


def speed(turn, s: Slots) -> Reply:
    models = list(dict.fromkeys(s.models))
    if len(models) >= 2 and len(set(s.gpus)) <= 1 and not training(s):
        # "Llama 3.1 8B 和 Qwen2.5-32B 的 Q4 大概多少速度？": each model on the same card, one after the other
        replies = [_speed_one(turn, Slots(**{**s.__dict__, "model": m, "models": [m]})) for m in models[:3]]
        body = [r.lead.replace("**", "") for r in replies[1:]] + replies[0].body
        return Reply(replies[0].lead, body + _rocm_note(turn, s), replies[0].assumptions)
    reply = _speed_one(turn, s)
    reply.body += _rocm_note(turn, s)
    return reply


def _rocm_note(turn, s: Slots) -> list[str]:
    """'ROCm 靠谱吗？': what runs on an AMD card, said when asked."""
    if not re.search(r"\brocm\b|\bamd\b.{0,30}(?:support|work|reliable|靠谱|能用)", turn.question, re.I):
        return []
    return [pick(turn.zh, "ROCm: llama.cpp (HIP or Vulkan builds), Ollama and vLLM run on RDNA 3 and Instinct cards; "
                          "decode reaches a little less of the bandwidth than CUDA does (already in these figures), "
                          "and newer kernels (FP8, some quantized formats) arrive later than on NVIDIA.",
                 "ROCm：llama.cpp（HIP 或 Vulkan 版）、Ollama 和 vLLM 都能在 RDNA 3 和 Instinct 卡上跑；解码能用到的带宽比 CUDA "
                 "略低（上面的数字已计入），新内核（FP8、部分量化格式）通常比 NVIDIA 晚支持。")]


def _speed_one(turn, s: Slots) -> Reply:
    zh = turn.zh
    gpu = s.gpu or "h100-sxm"
    users = s.users or s.batch or 1
    # a fit verdict given in this answer settles the format; the speed is for that same setup
    precision = s.precision or _format_of_verdict(turn, s, gpu) or _format_that_fits(turn, s, gpu, users)
    no_fit = ""
    if s.precision and users <= 1 and not any(c.tool == "check_fit" for c in turn.calls):
        # "how fast is phi-4 on a T4 in fp16?": a speed for a setup that does not load is no answer; say so, and give
        # the speed of the least lossy format that does
        f = turn.call("check_fit", model=s.model, gpu=gpu, gpu_count=s.count or 1, precision=s.precision,
                      **({"framework": s.framework} if s.framework else {}))
        if not f.fits and f.required_gib <= 1.10 * f.available_gib:
            # within a tenth of the card (the estimate's own error): the speed of the format asked, with the squeeze said
            no_fit = pick(zh, f"**Tight: {s.precision} needs {f.required_gib:.1f} GiB per GPU of {f.available_gib:.1f} usable** at "
                              "vLLM's defaults and this context; with a shorter context (--max-model-len) and "
                              "--gpu-memory-utilization 0.95 it loads. ",
                          f"**很紧：{s.precision} 每卡需要 {f.required_gib:.1f} GiB，默认设置下可用 {f.available_gib:.1f}**；缩短上下文"
                          "（--max-model-len）并把 --gpu-memory-utilization 调到 0.95 可以放下。")
        elif not f.fits:
            alt = _format_that_fits(turn, Slots(**{**s.__dict__, "precision": None}), gpu, users)
            if alt:
                no_fit = pick(zh, f"**{s.precision} does not fit** ({f.required_gib:.1f} GiB per GPU needed, {f.available_gib:.1f} usable); "
                                  f"in {alt}: ", f"**{s.precision} 放不下**（每卡需要 {f.required_gib:.1f} GiB，可用 {f.available_gib:.1f}）；"
                                  f"改用 {alt}：")
                precision = alt
            else:  # no format loads it: no speed to give, and what would make it load
                where = on_gpus(s.count or 1, _gpu_name(gpu), zh)
                ideas = [x for x in (f.suggestions or []) if x.fits][:3]
                body = [pick(zh, "What would make it load:\n" + "\n".join(f"- {x.description}: {x.required_gib:.0f} GiB per GPU"
                                                                           for x in ideas),
                             "能放下的办法：\n" + "\n".join(f"- {x.description}：每卡 {x.required_gib:.0f} GiB" for x in ideas))] \
                    if ideas else []
                return Reply(pick(zh, f"**It does not run in {s.precision}: it needs {f.required_gib:.1f} GiB on {where}, "
                                      f"{f.available_gib:.1f} usable**, so there is no speed to give for it.",
                                  f"**{s.precision} 跑不了：在 {where} 上需要 {f.required_gib:.1f} GiB，可用 {f.available_gib:.1f}**，"
                                  "所以没有这个配置的速度。"), body)
    if precision is None and not s.precision and _nothing_fits(turn, s, gpu, users):
        where = on_gpus(s.count or 1, _gpu_name(gpu), zh)
        return Reply(pick(zh, f"**Does not fit** on {where} in any format we size, so there is no speed to give.",
                          f"**放不下**：{where} 上任何格式都放不下，没有速度可言。"))
    # No context given: the tool's short prompt and answer (how serving speed is benchmarked: vLLM's benchmark_serving
    # and llama-bench use prompts of hundreds of tokens), and the KV check at that same length. A stated context:
    # sequences of that length split into prompt and answer as the plans split them. Several users on a batching
    # engine: a steady load (continuous batching), with as many running together as the KV cache holds.
    if s.context:
        prompt, out = serving_split(s.context)
    else:
        prompt, out = _default_prompt_output()
    framework = s.framework or ("vllm" if users > 1 else None)
    room_text, running = "", users
    if users > 1:
        room_text, running = _kv_room(turn, s, gpu, precision, users, s.context or prompt + out)
    batching = users > 1 and framework not in ("llama.cpp", "ollama")
    cached = chat_turn(s.context)["prefix_cached_tokens"] if batching and s.context else None  # chat turns, as plans
    r = turn.call("estimate_throughput", model=s.model, gpu=gpu, gpu_count=s.count or 1, precision=precision,
                  framework=framework, batch=max(1, running), kv_dtype=s.kv_dtype, prompt_tokens=prompt,
                  output_tokens=out, continuous_batching=batching, prefix_cached_tokens=cached)
    assumed = "" if s.gpu else pick(zh, " (no GPU given: assumed one H100 SXM)", "（未指定 GPU，按 1 张 H100 SXM 估算）")
    where = on_gpus(r.gpu_count, r.gpu, zh)
    bound = pick(zh, "memory bandwidth" if r.bound.startswith("memory") else "compute",
                 "显存带宽" if r.bound.startswith("memory") else "算力")
    if users > 1:
        at_once = pick(zh, f" ({running} at a time: the KV cache holds no more)" if 0 < running < users else "",
                       f"（KV 缓存只够 {running} 路同时运行）" if 0 < running < users else "")
        lead = pick(zh, f"**About {tps(r.decode_tokens_per_s_total)} tokens/s in all, {tps(r.decode_tokens_per_s)} per "
                        f"request** with {users} parallel requests{at_once}{assumed}: {model_label(r.model, zh)} {r.precision} "
                        f"on {where} ({r.framework}).",
                    f"**{users} 路并发时合计约 {tps(r.decode_tokens_per_s_total)} tokens/s，每路约 "
                    f"{tps(r.decode_tokens_per_s)} tokens/s**{at_once}{assumed}：{model_label(r.model, zh)} {r.precision}，{where}"
                    f"（{r.framework}）。")
    else:
        lead = no_fit + pick(zh, f"**About {tps(r.decode_tokens_per_s)} tokens/s** for one stream{assumed}: {model_label(r.model, zh)} "
                        f"{r.precision} on {where} ({r.framework}).",
                    f"**单路约 {tps(r.decode_tokens_per_s)} tokens/s**{assumed}：{model_label(r.model, zh)} {r.precision}，{where}"
                    f"（{r.framework}）。")
    body = [pick(zh, f"Limited by {bound}. Prefill {tps(r.prefill_tokens_per_s)} tokens/s; first token after "
                     f"{r.time_to_first_token_s:.2f} s.",
                 f"瓶颈是{bound}。Prefill {tps(r.prefill_tokens_per_s)} tokens/s，首 token {r.time_to_first_token_s:.2f} 秒。")]
    spread = speed_range_text(r, zh)
    if spread:
        body.append(spread)
    if any("not estimated" in n for n in r.notes):  # a described device with no TFLOPS: no prefill figure to give
        body = [pick(zh, f"Limited by {bound}; with no TFLOPS given, the time to first token is not estimated.",
                     f"瓶颈是{bound}；没有给出 TFLOPS，首 token 时间不做估算。")]
    if room_text:
        body.insert(0, room_text)
    if s.target_tps:
        ok = r.decode_tokens_per_s >= s.target_tps
        body.insert(0, pick(zh, f"{'Meets' if ok else 'Misses'} the {s.target_tps:g} tokens/s target per stream.",
                            f"{'达到' if ok else '达不到'}每路 {s.target_tps:g} tokens/s 的目标。"))
    if WAIT_ASK.search(turn.question) and s.output_tokens and r.decode_tokens_per_s and users <= 1:
        # "一次要思考两千多 token，我大概要等多久": the first token, then every token of the answer at this speed
        wait = (r.time_to_first_token_s or 0) + s.output_tokens / r.decode_tokens_per_s
        turn.derive("request_wait", lambda **kw: kw, output_tokens=s.output_tokens, tokens_per_s=r.decode_tokens_per_s,
                    first_token_s=r.time_to_first_token_s, seconds=round(wait, 1))
        lead = lead.rstrip() + pick(zh, f" **About {wait:,.0f} s for {s.output_tokens:,} tokens** "
                                        f"({'%.1f min' % (wait / 60) if wait >= 90 else 'first token included'}).",
                                    f"**{s.output_tokens:,} tokens 约要等 {wait:,.0f} 秒**"
                                    f"（{'约 %.1f 分钟' % (wait / 60) if wait >= 90 else '含首 token'}）。")
    if CONTEXT_MATTERS.search(turn.question) and s.context and s.context > 2048:
        # "Does context length matter much?": the same stream at a short context, and what the long one costs
        short_p, short_o = serving_split(1024)
        r1 = turn.call("estimate_throughput", model=s.model, gpu=gpu, gpu_count=s.count or 1, precision=precision,
                       framework=framework, batch=max(1, running), kv_dtype=s.kv_dtype, prompt_tokens=short_p,
                       output_tokens=short_o, continuous_batching=batching)
        slower = 1 - r.decode_tokens_per_s / r1.decode_tokens_per_s if r1.decode_tokens_per_s else 0
        body.insert(0, pick(zh, f"Context matters {'a little' if slower < 0.15 else 'a lot'} for decoding: about "
                                f"{tps(r1.decode_tokens_per_s)} tokens/s at 1,024 tokens against {tps(r.decode_tokens_per_s)} at "
                                f"{s.context:,} ({slower:.0%} slower: each token also reads the whole KV cache); it matters most "
                                f"for the first token, {r.time_to_first_token_s:.1f} s against {r1.time_to_first_token_s:.2f} s.",
                            f"上下文对生成速度的影响{'不大' if slower < 0.15 else '很大'}：1,024 tokens 时约 {tps(r1.decode_tokens_per_s)} "
                            f"tokens/s，{s.context:,} tokens 时约 {tps(r.decode_tokens_per_s)}（慢 {slower:.0%}：每个 token 还要读一遍 KV 缓存）；"
                            f"影响最大的是首 token：{r.time_to_first_token_s:.1f} 秒对 {r1.time_to_first_token_s:.2f} 秒。"))
    assumptions = list(r.assumptions) if not zh else [f"框架 {r.framework}", f"权重 {r.precision}", f"并发 {users}"]
    if TTFT_ASK.search(turn.question) and r.time_to_first_token_s and not any("not estimated" in n for n in r.notes):
        # "首 token 延迟大概多少？": the time to first token leads, the decode speed follows
        lead, body = pick(zh, f"**About {r.time_to_first_token_s * 1000:,.0f} ms to the first token**{assumed}: "
                              f"{model_label(r.model, zh)} {r.precision} on {where} ({r.framework}), prefill "
                              f"{tps(r.prefill_tokens_per_s)} tokens/s; longer prompts and a queue of other requests add to it.",
                         f"**首 token 约 {r.time_to_first_token_s * 1000:,.0f} 毫秒**{assumed}：{model_label(r.model, zh)} "
                         f"{r.precision}，{where}（{r.framework}），prefill {tps(r.prefill_tokens_per_s)} tokens/s；"
                         "提示词更长或有其他请求排队时会更久。"), [lead] + body[1:]
    return Reply(lead, body, assumptions)


WAIT_ASK = re.compile(r"等多久|要等|多久能|多长时间|\bhow long\b|\bwait\b|\bhow many seconds\b", re.I)
CONTEXT_MATTERS = re.compile(r"\b(?:context|prompt)(?: length| size)?\b.{0,30}\b(?:matter|affect|slow|impact|change|make a difference)|"
                             r"\b(?:does|will|would) (?:the )?(?:longer |long )?(?:context|prompt)\b.{0,20}\b(?:matter|slow|hurt)|"
                             r"(?:上下文|提示词|prompt).{0,12}(?:影响|有关系|重要|变慢|拖慢|有多大影响)", re.I)
TTFT_ASK = re.compile(r"\bttft\b|time to first token|first[- ]token (?:latency|time)|首\s*token|首字|首包|首 ?token ?延迟", re.I)


def _likely(o, zh: bool) -> str:
    """' (likely 43-90)' after a plan option's per-user speed: its group's held-out spread."""
    rng = _o(o, "decode_tokens_per_s_range")
    if not rng:
        return ""
    return pick(zh, f" (likely {tps(rng[0])}-{tps(rng[1])})", f"（可能在 {tps(rng[0])}-{tps(rng[1])} 之间）")


def speed_range_text(r, zh: bool) -> str:
    """The likely spread of a speed estimate: the 10th-90th percentile of the held-out errors of its group
    (tools/throughput.value_range), with what it assumes; empty when the group has no held-out rows."""
    if not r.decode_tokens_per_s_range:
        return ""
    lo, hi = r.decode_tokens_per_s_range
    ttft = r.time_to_first_token_s_range
    if ttft and ttft[1] > 5 * ttft[0]:
        ttft = []  # a first-token spread over 5x (early ROCm rows prefilled 4-11x slower) says nothing a reader can use
    ttft_en = f"; first token {ttft[0]:.2f}-{ttft[1]:.2f} s" if ttft else ""
    ttft_zh = f"；首 token {ttft[0]:.2f}-{ttft[1]:.2f} 秒" if ttft else ""
    return pick(zh, f"Likely range: {tps(lo)}-{tps(hi)} tokens/s per stream{ttft_en} (the usual spread of our "
                    f"estimates' errors on published measurements they were not fitted to; engine version and kernels "
                    f"move it).",
                f"可能区间：每路 {tps(lo)}-{tps(hi)} tokens/s{ttft_zh}（按我们的估算在未参与拟合的公开实测上的常见误差；"
                f"引擎版本和算子会让它变动）。")


# ---- comparisons ------------------------------------------------------------------------------------------

def compare(turn, s: Slots, then: str | None) -> Reply:
    zh = turn.zh
    if len(s.formats) >= 2 and len(s.models) < 2 and len(s.gpus) < 2:
        if then == "speed" and not training(s):
            return _compare_format_speeds(turn, s)
        return _compare_formats(turn, s)
    if len(s.models) >= 2:
        rows = [(m, s.gpus[0] if s.gpus else None) for m in s.models[:4]]
    else:
        rows = [(s.model, g) for g in s.gpus[:4]]
    lines, results = [], []
    kind = then or ("speed" if not training(s) else "fit")
    if training(s) and kind in ("fit", "speed") and re.search(r"\bfaster\b|\bfinish(?:es)?\b|\bquicker\b|\bsooner\b|"
                                                              r"\bspeed\b|\bhow long\b|更快|快多少|多快|谁快|哪个快|多久",
                                                              turn.question, re.I):
        kind = "time"  # "A100 vs L40S for LoRA on 8B: which finishes faster?": the run's hours on each
        if not s.method:  # compared on one method: the heaviest that fits on every option
            from tools.fit import FitRequest, check_fit

            from .answers_fit import training_args
            for method in ("full", "lora", "qlora"):
                sub_s = Slots(**{**s.__dict__, "method": method})
                try:
                    if all(check_fit(FitRequest(model=model, gpu=gpu or s.gpu or "h100-sxm", gpu_count=_count_for(s, gpu),
                                                **{k: v for k, v in training_args(sub_s, _count_for(s, gpu)).items()
                                                   if v is not None})).fits for model, gpu in rows):
                        s = sub_s
                        break
                except Exception:  # noqa: BLE001 - a method a row cannot take: try the next
                    continue
    card_prices = _card_prices(turn.question) if not training(s) and len(s.models) < 2 else {}
    if kind == "cost" and not training(s) and len(s.models) < 2 and not (s.users or s.batch) and \
            (LOCAL_USE.search(turn.question) or len(card_prices) >= 2 or
             (FOLLOW_UP.search(turn.question.lower()) and LOCAL_USE.search(getattr(turn, "local_history", "") or ""))):
        # "本地推理 70B 4bit：买两张二手 3090 还是一张 6000 Ada？3090 5500 一张，6000 Ada 5 万": a machine bought for
        # one person: one stream's speed on each, against what each costs to buy (not rent per 1M tokens at a busy load)
        kind, s = "speed", Slots(**{**s.__dict__, "users": 1})
    if kind == "cost" and not training(s) and len(s.models) < 2:
        from .answers_money import tokens_per_dollar

        return tokens_per_dollar(turn, s)  # serving: each GPU's cheapest setup for the load, by $ per 1M tokens
    if kind == "speed" and not s.precision and not training(s):
        s = Slots(**{**s.__dict__, "precision": _common_format(s, rows)})
    busy = kind == "speed" and not training(s) and not (s.users or s.batch) and bool(THROUGHPUT_WORDS.search(turn.question))
    if busy:  # "which has higher throughput?": the total at a busy server's load, not one stream's speed
        s = Slots(**{**s.__dict__, "users": BUSY_SERVER_USERS})
    fewest = {}
    if kind == "speed" and not training(s) and len(s.models) < 2 and not any(_count_for(s, g) for _, g in rows):
        # "MI300X vs H100 for 405B": when one GPU of neither holds it, each on the fewest that do
        fewest = {g: _fewest_that_fit(Slots(**{**s.__dict__, "model": m, "gpu": g or s.gpu or "h100-sxm"})) for m, g in rows}
        if any(c == 1 for c in fewest.values()):
            fewest = {}
    row_counts, totals, speeds = [], [], []  # totals: tokens/s per GPU of each row at the load (throughput tool)
    for model, gpu in rows:
        before = len(turn.calls)
        sub = Slots(**{**s.__dict__, "model": model, "models": [model], "gpu": gpu or s.gpu or "h100-sxm", "gpus": [gpu] if gpu else s.gpus,
                       "count": _count_for(s, gpu) or fewest.get(gpu)})
        row_counts.append(sub.count)
        if kind == "speed" and not training(sub):
            # a speed for a setup the model does not fit in is no answer: the fit first (with no format set, speed()
            # picks one that fits, or says none does)
            checked = result_dict(turn.call("check_fit", model=sub.model, gpu=sub.gpu, gpu_count=sub.count or 1,
                                            **inference_args(sub))) if sub.precision else {}
            need, have = (checked or {}).get("required_gib"), (checked or {}).get("available_gib")
            short = bool(need and have and need > have)
            room = (checked or {}).get("max_context") or 0  # the longest context that does fit, if any
            if short and room < 2048:
                r = fit(turn, sub)  # the verdict, with what would make it fit
            else:  # fits, or runs with a shorter context (at least 2k tokens): a speed is given
                r = speed(turn, sub)
                if short:
                    r.lead += pick(zh, f" (tight: {need:.1f} of {have:.1f} GiB per GPU at this context; up to {room:,} "
                                       "tokens fit)", f"（很紧：这个上下文每卡需要 {need:.1f} GiB，可用 {have:.1f}；最多 {room:,} tokens 放得下）")
        elif (kind == "cost" and training(sub)) or (kind == "time" and training(sub)):
            # (a cost with no job size: the same default job on each, said in its defaults, so the cheaper one shows)
            from .answers_train import training_time

            r = training_time(turn, sub, with_cost=True)
        else:
            r = fit(turn, sub)
        results.append(r)
        lines.append(f"- {r.lead}")
        t = next((c.result for c in reversed(turn.calls[before:]) if c.tool == "estimate_throughput"
                  and isinstance(c.result, dict)), None)
        totals.append((t.get("decode_tokens_per_s_total") or 0) / (sub.count or 1) if t else None)
        speeds.append(t.get("decode_tokens_per_s") if t else None)
    names = [_row_name(turn, r, model if len(s.models) >= 2 else gpu, len(s.models) >= 2,
                       Slots(**{**s.__dict__, "count": c}) if c and not s.count and len(s.models) < 2 else s)
             for r, (model, gpu), c in zip(results, rows, row_counts, strict=True)]
    lead = _compare_lead(turn, kind, names, results) or pick(zh, f"**{' vs '.join(names)}, side by side:**",
                                                             f"**{' 与 '.join(names)} 对比：**")
    body = []
    value = _value_for_money(turn, rows, row_counts, speeds, card_prices) if kind == "speed" else None
    if value:  # the person's purchase prices: what each setup costs per token/s, the better buy first
        lead = value + "\n" + lead.replace("**", "")
    counts = {c or 1 for c in row_counts}
    if kind == "speed" and len(counts) > 1 and all(totals) and len(totals) == len(names):
        # 4 H100s against 2 MI300Xs: the totals compare setups, the per-GPU figures compare the cards
        per = pick(zh, ", ".join(f"{n} {tps(v)} tokens/s" for n, v in zip(names, totals, strict=True)),
                   "，".join(f"{n} {tps(v)} tokens/s" for n, v in zip(names, totals, strict=True)))
        body.append(pick(zh, f"Per GPU (the setups have different GPU counts): {per}.", f"按每张卡算（两边卡数不同）：{per}。"))
    if busy:
        body.append(pick(zh, f"Throughput is taken at a busy server's load, {BUSY_SERVER_USERS} concurrent requests; tell "
                             "me yours to recount. One stream alone runs much slower in total.",
                         f"吞吐按繁忙服务器的负载计算：{BUSY_SERVER_USERS} 路并发；告诉我你的并发数可以重算。单路请求的合计速度低得多。"))
    return Reply(lead + "\n" + "\n".join(lines), body, results[0].assumptions if results else [])


def _card_prices(question: str) -> dict[str, float]:
    """Purchase prices said right after each card ('二手 3090 大概 5500 一张，6000 Ada 大概 5 万', '3090 at $700'): per
    card, in the question's currency; a rent (per hour or day) is not a purchase price. Two or more, or none."""
    from .parse import after_each_card

    # the gap after the card's name does not reach the next option ("3090 还是一张 RTX 6000": 6000 is a card)
    tail = (r"(?:(?!还是|\bor\b|\bvs\.?\b|\bversus\b|和|或)[^\d\n。；;?？]){0,14}?(?:大概|约|大约|~|at|for|:|：|is|costs?)?"
            r"\s*[$¥￥]?\s*(\d[\d,]*(?:\.\d+)?)(?![\d.,])\s*(万|k)?"
            r"(?!\s*(?:g\b|gb|x\b|张|卡|b\b|%|w\b|tok|瓦|ada\b|ti\b|super\b|xtx?\b|/\s*(?:h|hr|hour|小时|天|day)|一小时|每小时))")
    out = {}
    for gid, m in after_each_card(question, tail, min_alias=3).items():
        v = float(m.group(1).replace(",", "")) * {"万": 1e4, "k": 1e3}.get((m.group(2) or "").lower(), 1)
        if v >= 150:  # a price, not a count or a model size
            out[gid] = v
    return out if len(out) >= 2 else {}


def _value_for_money(turn, rows, counts, speeds, prices: dict[str, float]) -> str | None:
    """'按你给的价格，2 张 RTX 3090 更划算：¥11,000 买到约 17 tokens/s（每 tokens/s ¥650），…': each setup's price (cards
    x the price said per card) over one stream's speed, when every row has both."""
    from tools.gpus import get_gpu

    zh = turn.zh
    got = []
    for (_, gpu), n, v in zip(rows, counts, speeds, strict=True):
        if not gpu or gpu not in prices or not v:
            return None
        got.append((gpu, n or 1, prices[gpu] * (n or 1), v))
    if len(got) < 2:
        return None
    cny = bool(re.search(r"¥|￥|元|块|万|rmb|人民币", turn.question, re.I)) and "$" not in turn.question
    money = (lambda x: f"¥{x:,.0f}") if cny else (lambda x: f"${x:,.0f}")
    got.sort(key=lambda g: g[2] / g[3])
    best, other = got[0], got[1]
    ratio = (other[2] / other[3]) / (best[2] / best[3])
    parts = [(f"{n}x {get_gpu(g).name}: {money(c)} for about {tps(v)} tokens/s ({money(c / v)} per token/s)",
              f"{n} 张 {get_gpu(g).name}：{money(c)}，约 {tps(v)} tokens/s（每 tokens/s {money(c / v)}）")
             for g, n, c, v in got]
    return pick(zh, f"**{best[1]}x {get_gpu(best[0]).name} is the better buy at your prices: {ratio:.1f}x the speed per "
                    f"{'yuan' if cny else 'dollar'}** (one stream). " + "; ".join(p[0] for p in parts) + ".",
                f"**按你给的价格，{best[1]} 张 {get_gpu(best[0]).name} 更划算：每花一元买到的速度是另一种的 {ratio:.1f} 倍**（单路）。"
                + "；".join(p[1] for p in parts) + "。")


def _compare_format_speeds(turn, s: Slots) -> Reply:
    """'How much faster is fp8 than bf16?': each format's speed on the fewest of these GPUs that hold every one."""
    from tools.errors import AdvisorInputError
    from tools.fit import FitRequest, check_fit

    zh = turn.zh
    gpu = s.gpu or "h100-sxm"
    users = s.users or s.batch or 1
    if users == 1 and THROUGHPUT_WORDS.search(turn.question):  # "追求吞吐", "for max throughput": at a busy load
        users = BUSY_SERVER_USERS
        s = Slots(**{**s.__dict__, "users": users})
    counts = [s.count] if s.count else [1, 2, 4, 8]
    n = None
    for c in counts:
        try:
            if all(check_fit(FitRequest(model=s.model, gpu=gpu, gpu_count=c, precision=f,
                                        **({"batch": users, "framework": "vllm"} if users > 1 else {}))).fits
                   for f in s.formats):
                n = c
                break
        except AdvisorInputError:
            continue
    if n is None:
        return _compare_formats(turn, s)
    rows = []
    speeds = []
    for f in s.formats[:4]:
        sub = Slots(**{**s.__dict__, "precision": f, "count": n, "gpu": gpu})
        before = len(turn.calls)
        rows.append((f, speed(turn, sub)))
        t = next((c.result for c in reversed(turn.calls[before:]) if c.tool == "estimate_throughput"), None)
        if isinstance(t, dict) and t.get("decode_tokens_per_s"):
            speeds.append((f, float(t["decode_tokens_per_s"])))  # per stream, from the tool, not read back from text
    lines = "\n".join(f"- {r.lead}" for _, r in rows)
    if len(speeds) < 2:
        return Reply(pick(zh, "**Side by side:**", "**对比：**") + "\n" + lines)
    fast, slow = max(speeds, key=lambda x: x[1]), min(speeds, key=lambda x: x[1])
    where = on_gpus(n, _gpu_name(gpu), zh)
    each = pick(zh, f" per user with {users} users" if users > 1 else "", f"（{users} 路并发时每路）" if users > 1 else "")
    why = (pick(zh, "with many requests batched, dequantizing 4-bit weights inside each matrix multiply costs more than "
                    "the bytes it saves; FP8 runs natively on FP8 tensor cores",
                "多路并发批处理时，4-bit 权重在每次矩阵乘法里反量化的开销超过省下的读取量；FP8 直接在 FP8 张量核心上算")
           if users > 1 and fast[0] in ("fp8", "nvfp4", "mxfp4") and slow[0].endswith("4bit") else
           pick(zh, "decode reads every weight once per token, so fewer bytes per weight means more tokens/s",
                "解码每个 token 要把权重读一遍，每个权重字节越少越快"))
    lead = pick(zh, f"**{fast[0]} is faster: {tps(fast[1])} vs {tps(slow[1])} tokens/s{each} in {slow[0]}** on {where} ({why}):",
                f"**{fast[0]} 更快：{tps(fast[1])} tokens/s，{slow[0]} 为 {tps(slow[1])} tokens/s{each}**（{where}；{why}）：")
    return Reply(lead + "\n" + lines, [], rows[0][1].assumptions)


def _row_name(turn, reply: Reply, key: str | None, models: bool, s: Slots) -> str:
    if models:
        from tools.models import get_model

        try:
            return get_model(key).name
        except Exception:  # noqa: BLE001 - a Hub id or size: shown as typed
            return str(key)
    from tools.gpus import get_gpu

    n = _count_for(s, key) or 1
    name = get_gpu(key or s.gpu or "h100-sxm").name
    return f"{n}x {name}" if n > 1 else name


def _compare_lead(turn, kind: str, names: list[str], results: list[Reply]) -> str:
    """'X is faster: a vs b tokens/s', 'X is cheaper: $a vs $b', or 'Only X runs it' when some options do not fit."""
    zh = turn.zh
    hours = [c.result.get("hours") for c in turn.calls if c.tool == "estimate_training" and isinstance(c.result, dict)]
    faster = re.search(r"\bfaster\b|\bfinish(?:es)?\b|\bquicker\b|\bsooner\b|更快|快多少|谁快|哪个快", turn.question, re.I)
    if kind == "time" and faster and len(hours) == len(names) >= 2 and all(hours):
        i = min(range(len(hours)), key=lambda k: hours[k])
        j = max(range(len(hours)), key=lambda k: hours[k])
        if hours[j] / hours[i] < 1.1:
            return pick(zh, f"**About the same: {hours_text(hours[i], False)} on {names[i]} vs {hours_text(hours[j], False)} "
                            f"on {names[j]}** (within a tenth; pick by price):",
                        f"**差不多：{names[i]} {hours_text(hours[i], True)}，{names[j]} {hours_text(hours[j], True)}**（相差不到一成，按价格选）：")
        yes = ("Yes: " if i == 0 else "No: ") if re.match(r"\s*(?:is|are|does|do|would|will|can)\b", turn.question, re.I) else ""
        return pick(zh, f"**{yes}{names[i]} finishes faster: {hours_text(hours[i], False)} vs {hours_text(hours[j], False)} on "
                        f"{names[j]}** ({hours[j] / hours[i]:.1f}x):",
                    f"**{names[i]} 更快：{hours_text(hours[i], True)}，{names[j]} 要 {hours_text(hours[j], True)}**"
                    f"（{hours[j] / hours[i]:.1f} 倍）：")
    costs = [c.result.get("usd") for c in turn.calls if c.tool == "estimate_cost" and isinstance(c.result, dict)]
    if kind in ("cost", "time") and len(costs) == len(names) >= 2 and all(costs):
        i = min(range(len(costs)), key=lambda k: costs[k])
        j = max(range(len(costs)), key=lambda k: costs[k])
        return pick(zh, f"**{names[i]} is cheaper for this run: {usd(costs[i])} vs {usd(costs[j])}** for {names[j]}:",
                    f"**{names[i]} 更便宜：{usd(costs[i])}，{names[j]} 为 {usd(costs[j])}**：")
    if kind != "speed" or len(results) < 2:
        return ""
    import re as _re

    speeds, fit = [], []
    for r in results:
        m = _re.search(r"([\d,.]+) tokens/s", r.lead)
        fits = not r.lead.startswith(("**Does not fit", "**放不下", "**No.", "**No,"))
        fit.append(fits)
        speeds.append(float(m.group(1).replace(",", "")) if m and fits else None)
    ok = [i for i, v in enumerate(speeds) if v is not None]
    if not ok:  # no speeds to compare (fit answers for a training job): say "none runs it" only when none fits
        return "" if any(fit) else pick(zh, "**None of these runs it.**", "**这几种配置都放不下。**")
    if len(ok) < len(speeds):
        i = ok[0] if len(ok) == 1 else max(ok, key=lambda k: speeds[k])
        others = ", ".join(names[k] for k in range(len(names)) if k not in ok)
        return pick(zh, f"**Only {' and '.join(names[k] for k in ok)} runs it** ({tps(speeds[i])} tokens/s); {others}: "
                        "does not fit.",
                    f"**只有 {'、'.join(names[k] for k in ok)} 放得下**（{tps(speeds[i])} tokens/s）；{others} 放不下。")
    i = max(ok, key=lambda k: speeds[k])
    j = min(ok, key=lambda k: speeds[k])
    return pick(zh, f"**{names[i]} is faster: {tps(speeds[i])} tokens/s vs {tps(speeds[j])} for {names[j]}**:",
                f"**{names[i]} 更快：{tps(speeds[i])} tokens/s，{names[j]} 为 {tps(speeds[j])} tokens/s**：")


def _common_format(s: Slots, rows: list) -> str | None:
    """The least lossy format that fits in every compared setup, so a comparison compares like with like."""
    from tools.errors import AdvisorInputError
    from tools.fit import FitRequest, check_fit
    from tools.gpus import get_gpu

    gpus = [get_gpu(g or s.gpu or "h100-sxm") for _, g in rows]
    users = s.users or s.batch or 1
    if all(_desktop_one_user(s, g.id, users) for g in gpus):
        ladder = [None, "q8_0", "q4_k_m"]
    else:
        ladder = [None] + (["fp8"] if all(g.supports_fp8 for g in gpus) else []) + ["awq-4bit"]
    for fmt in ladder:
        ok = True
        for (model, gpu), g in zip(rows, gpus, strict=True):
            args = dict(model=model, gpu=g.id, gpu_count=_count_for(s, gpu) or 1, precision=fmt, context=s.context,
                        batch=users if users > 1 else None)
            try:
                ok = ok and check_fit(FitRequest(**{k: v for k, v in args.items() if v is not None})).fits
            except AdvisorInputError:
                ok = False
        if ok:
            return fmt
    return None


def _fewest_that_fit(s: Slots) -> int | None:
    """The fewest of these GPUs (1, 2, 4 or 8) that hold the model in its chosen format, or in any of bf16, fp8 and
    4-bit when none is chosen; None when none of these counts is enough."""
    from .answers_fit import fewest_gpus

    formats = [s.precision] if s.precision else [None, "fp8", "awq-4bit"]
    found = [n for f in formats if (n := fewest_gpus(s.model, s.gpu, f, counts=(1, 2, 4, 8)))]
    return min(found) if found else None


def _count_for(s: Slots, gpu: str | None) -> int | None:
    if gpu and gpu in s.gpus:
        i = s.gpus.index(gpu)
        if i < len(s.counts) and s.counts[i]:
            return s.counts[i]
    return s.count


def _compare_formats(turn, s: Slots) -> Reply:
    zh = turn.zh
    q = turn.call("compare_quantization", model=s.model, gpu=s.gpu, gpu_count=s.count or 1, context=s.context,
                  formats=s.formats)
    lines = []
    for o in q.options:
        lines.append(format_option_line(o, zh))
    smallest = min(q.options, key=lambda o: o.weights_gb)
    lead = pick(zh, f"**{smallest.format} is the smallest: {smallest.weights_gb:.1f} GB** of weights for {model_label(q.model, zh)}.",
                f"**{smallest.format} 最小：权重 {smallest.weights_gb:.1f} GB**（{model_label(q.model, zh)}）。")
    verdict = _format_verdict(s, q.options, zh, turn)
    if verdict and s.gpu and not any(o.fits for o in q.options) and (s.context or 0) > 8192:
        # "can I do 128k?": none fits at that context; say what fits at an ordinary one
        short = turn.call("compare_quantization", model=s.model, gpu=s.gpu, gpu_count=s.count or 1, context=8192,
                          formats=s.formats)
        ok = [o for o in short.options if o.fits]
        if ok:
            best = max(ok, key=lambda o: o.bits_per_weight)
            verdict = pick(zh, f"**Not at {s.context:,} tokens of context; at 8,192 tokens {best.format} fits** "
                               f"({gib(best.total_gib)} per GPU)" + (f", {', '.join(o.format for o in short.options if not o.fits)} "
                                                                     "does not" if len(ok) < len(short.options) else "") + ".",
                           f"**{s.context:,} tokens 上下文放不下；8,192 tokens 时 {best.format} 放得下**"
                           f"（每卡 {gib(best.total_gib)}）" + (f"，{'、'.join(o.format for o in short.options if not o.fits)} 放不下"
                                                             if len(ok) < len(short.options) else "") + "。")
    if verdict:
        lead = verdict + "\n" + lead.replace("**", "")
    return Reply(lead + "\n" + "\n".join(lines), [])


def _fits_squeezed(s: Slots, smallest) -> tuple[str, int, float, float] | None:
    """(format, longest context, GiB per GPU, vLLM memory share) at which the smallest format fits with an FP8 KV
    cache, from 8,192 tokens down to 2,048 (a short chat or a coding assistant), at vLLM's default share of memory or
    at 0.95; None when even that does not fit."""
    from tools.defaults import VLLM_GPU_MEMORY_UTILIZATION
    from tools.errors import AdvisorInputError
    from tools.fit import FitRequest, check_fit

    if smallest is None or not s.model or not s.gpu:
        return None
    for util in (VLLM_GPU_MEMORY_UTILIZATION, 0.95):  # vLLM's default share of memory, then the usual raise
        for ctx in (8192, 6144, 4096, 2048):
            try:
                r = check_fit(FitRequest(model=s.model, gpu=s.gpu, gpu_count=s.count or 1, precision=smallest.format,
                                         context=ctx, kv_dtype="fp8", framework=s.framework, gpu_memory_utilization=util))
            except AdvisorInputError:
                return None
            if r.fits:
                return smallest.format, ctx, r.required_gib, util
    return None


SERVING_ORDER = ("fp8", "int8", "awq-4bit", "gptq-4bit", "bf16", "fp16")  # several users: throughput first, then quality


def _format_verdict(s: Slots, options: list, zh: bool, turn=None) -> str | None:
    """'fp16, q8 or q4?': a recommendation, not only sizes. One person on a desktop card or a Mac: the least lossy
    format that fits with a tenth of the memory left for the context. Several users, or a datacenter card: the
    format that serves the most users at the per-user speed (tools/search.max_users: the KV pool left after the
    weights, and the speed at that load), the least lossy one within a tenth of the most; GGUF is for llama.cpp."""
    from tools.gpus import get_gpu

    if not s.gpu:
        return None
    g = get_gpu(s.gpu)
    per_gpu = g.memory_gib
    roomy = [o for o in options if o.fits and (o.total_gib is None or o.total_gib <= 0.9 * per_gpu)]
    fits = [o for o in options if o.fits]
    pool = roomy or fits
    if not pool:
        squeezed = _fits_squeezed(s, min((o for o in options if o.total_gib), key=lambda o: o.total_gib, default=None))
        if squeezed:  # "70B on one L40S: AWQ, GPTQ or FP8?": the smallest fits with a short context and an FP8 KV cache
            fmt, ctx, need, util = squeezed
            raise_ = util > 0.9
            return pick(zh, f"**{fmt}, and only just: it fits {g.name} at up to about {ctx:,} tokens with an FP8 KV cache"
                            + (f" and vLLM's --gpu-memory-utilization raised to {util:g}" if raise_ else "")
                            + f"** ({gib(need)} per GPU); the others do not fit at all. Expect few users at a time.",
                        f"**选 {fmt}，而且很勉强：KV 缓存用 FP8" + (f"、vLLM 的 --gpu-memory-utilization 调到 {util:g}" if raise_ else "")
                        + f" 时最多约 {ctx:,} tokens 放得下 {g.name}**（每卡 {gib(need)}）；其余格式都放不下。同时只能服务很少的用户。")
        return pick(zh, f"**None of these fits {g.name}** at this context: use a smaller model or more memory.",
                    f"**这几种都放不下 {g.name}**（按这个上下文）：换小一点的模型或更大显存。")
    if (s.framework in ("vllm", "sglang", "tensorrt-llm") or g.kind == "datacenter") and \
            any(not o.format.startswith("q") for o in pool):
        pool = [o for o in pool if not o.format.startswith("q")]  # GGUF is for llama.cpp, not a serving engine
    one_user = (s.users or 1) <= 1 and _desktop_one_user(s, g.id, s.users or 1)
    if one_user:
        best = max(pool, key=lambda o: o.bits_per_weight)
        why = pick(zh, "the least lossy of these that fits with room for the context",
                   "这几种里放得下、还留有上下文空间的质量最好的一个")
        if best.bits_per_weight > 9 and any(o.format.startswith("q8") for o in pool):
            why += pick(zh, "; Q8_0 is nearly as good and about twice as fast",
                        "；Q8_0 质量几乎一样、速度约快一倍")
    else:
        rank = {f: i for i, f in enumerate(SERVING_ORDER)}
        usable = [o for o in pool if not (o.format == "fp8" and not g.supports_fp8) and not o.format.startswith("q")] or pool
        best = min(usable, key=lambda o: rank.get(o.format, 99))
        from .answers_asks import DEFAULT_USER_TPS

        served = _users_by_format(turn, s, g.id, [o.format for o in usable]) if turn is not None else {}
        target = s.target_tps or DEFAULT_USER_TPS
        listed = ", ".join(f"{f} {n}" for f, n in sorted(served.items(), key=lambda kv: -kv[1]))
        evidence = pick(zh, f" (users at {target:g} tokens/s each on {s.count or 1}x {g.name}: {listed})",
                        f"（每人 {target:g} tokens/s 时 {s.count or 1} 张 {g.name} 带的用户数：{listed}）") if served else ""
        if s.users and any(served.values()):  # a load said: the least lossy format that carries it
            enough = [o for o in usable if served.get(o.format, 0) >= s.users]
            best = max(enough, key=lambda o: o.bits_per_weight) if enough else \
                max(usable, key=lambda o: served.get(o.format, 0))
            why = pick(zh, f"the least lossy format that serves your {s.users} users" if enough else
                           f"none serves {s.users} users on this setup; this one serves the most",
                       f"能带 {s.users} 个用户的格式里质量最好" if enough else f"这套配置没有格式能带 {s.users} 个用户；它带得最多")
            return pick(zh, f"**Use {best.format}** on {g.name}: {why}{evidence}.",
                        f"**建议用 {best.format}**（{g.name}）：{why}{evidence}。")
        why = pick(zh, "for several users with vLLM: FP8 keeps quality and runs on FP8 tensor cores" if best.format == "fp8"
                   else "for several users with vLLM: INT8 (W8A8) keeps quality and runs on INT8 tensor cores"
                   if best.format == "int8"
                   else "for several users with vLLM: the smallest serving format leaves the most memory for users' KV cache",
                   "多人用 vLLM 服务：FP8 质量几乎无损、走 FP8 张量核心" if best.format == "fp8"
                   else "多人用 vLLM 服务：INT8（W8A8）质量几乎无损、走 INT8 张量核心" if best.format == "int8"
                   else "多人用 vLLM 服务：更小的服务格式给用户的 KV 缓存留更多显存")
        if "fp8" in {o.format for o in options} and not g.supports_fp8:
            why += pick(zh, f"; {g.name} has no FP8 tensor cores, so FP8 gains it nothing", f"；{g.name} 没有 FP8 张量核心，FP8 对它没有加速")
        elif g.supports_fp8 and "fp8" not in {o.format for o in options}:
            why += pick(zh, f"; {g.name} also runs FP8 natively, worth a look", f"；{g.name} 原生支持 FP8，也值得考虑")
        why += evidence
    return pick(zh, f"**Use {best.format}** on {g.name}: {why}.", f"**建议用 {best.format}**（{g.name}）：{why}。")


def _users_by_format(turn, s: Slots, gpu: str, formats: list[str]) -> dict[str, int]:
    """Users served at the per-user speed, for each serving format (tools/search.max_users, on the record)."""
    from tools import search

    from .answers_asks import DEFAULT_USER_TPS

    out = {}
    for fmt in formats:
        if fmt not in ("bf16", "fp16", "fp8", "int8", "awq-4bit", "gptq-4bit"):
            continue
        r = turn.derive("max_users", search.max_users, model=s.model, gpu=gpu, gpu_count=s.count or 1,
                        target_tokens_per_s=s.target_tps or DEFAULT_USER_TPS, context=s.context, precision=fmt)
        out[fmt] = r["users"]
    return out


__all__ = ["compare", "how_many", "speed", "which_gpu", "training_args", "inference_args"]
