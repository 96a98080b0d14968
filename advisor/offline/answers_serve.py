"""Serving: how many GPUs for N users, which GPU, how fast at a load, and side-by-side comparisons."""

from __future__ import annotations

from tools.defaults import INFERENCE_CONTEXT as PLAN_CONTEXT  # noqa: E402 - one home for defaults

from .answers_fit import fit, how_many_training, inference_args, training, training_args
from .parse import Slots
from .text import Reply, gib, model_label, on_gpus, pick, tps, usd

CHAT_TARGET_TPS = 10.0  # a chat user reads ~5-10 words/s; 10 tokens/s each is the stated default target


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
    total = usd(o.usd_total) if o.usd_total else "?"
    hours = o.hours or 0
    return pick(zh, f"{cfg}: {hours:,.0f} h ({hours / 24:,.1f} days), {o.gpu_hours or 0:,.0f} GPU-hours, {total}",
                f"{cfg}：{hours:,.0f} 小时（{hours / 24:,.1f} 天），{o.gpu_hours or 0:,.0f} GPU-小时，{total}")


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
    args = dict(model=s.model, workload=workload, context=s.context or PLAN_CONTEXT, concurrency=users, limit=8,
                gpus=gpus, max_gpus=max(8, s.count or 8))
    if workload == "inference":
        args["target_tokens_per_s"] = s.target_tps or (CHAT_TARGET_TPS if users > 1 else None)
        args["ttft_s"] = s.ttft_s
    else:
        args.update(method=s.method or "lora", tokens=s.tokens, deadline_days=s.days,
                    max_gpus=4096 if workload == "pretrain" else max(8, s.count or 8))
    return turn.call("recommend_hardware", **args)


def _target_text(s: Slots, zh: bool) -> str:
    users = s.users or s.batch or 1
    if users <= 1 and not s.target_tps:
        return ""
    target = s.target_tps or CHAT_TARGET_TPS
    stated = "" if s.target_tps else pick(zh, " (default chat target)", "（默认聊天目标）")
    return pick(zh, f" at >= {target:g} tokens/s each{stated}", f"，每用户 ≥ {target:g} tokens/s{stated}")


def _plan_assumptions(p, s: Slots, zh: bool) -> list[str]:
    if not zh:
        return list(p.assumptions)
    if p.workload == "inference":
        users = s.users or s.batch or 1
        return [f"上下文 {s.context or PLAN_CONTEXT:,} tokens，{users} 个并发", "多路并发时用 vLLM/SGLang 等批处理引擎",
                "价格按已收录的按需报价中位数"]
    return ["梯度检查点开启；多卡用 ZeRO-3/FSDP", "价格按已收录的按需报价中位数"]


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
    if not p.by_cost:  # more than one node: say how many would do it
        p = _plan(turn, Slots(**{**s.__dict__, "count": 64}), [g.id])
    ctx = s.context or PLAN_CONTEXT
    load = pick(zh, f"{users} concurrent users at {ctx:,} tokens each", f"{users} 个并发用户、每个 {ctx:,} tokens") \
        if users > 1 else pick(zh, f"one stream at {ctx:,} tokens", f"单路、{ctx:,} tokens 上下文")
    if not p.by_cost:
        turn.call("lookup_gpu", name=g.id)  # the GPU's name and memory, on the record
        lead = pick(zh, f"**More than {max(64, s.count or 64)}x {g.name}** would be needed for {model_label(p.model, zh)} with "
                        f"{load}{_target_text(s, zh)}.",
                    f"**超过 {max(64, s.count or 64)} 张 {g.name}** 才能满足 {model_label(p.model, zh)}（{load}{_target_text(s, zh)}）。")
        return Reply(lead, list(p.notes), _plan_assumptions(p, s, zh))
    best = min(p.by_cost, key=lambda o: (o.gpu_count, o.tight, o.usd_per_hour or 0))
    lead = pick(zh, f"**{best.gpu_count}x {g.name}** ({_layout(best, zh)}) for {model_label(p.model, zh)} with {load}"
                    f"{_target_text(s, zh)}: about {tps(best.decode_tokens_per_s)} tokens/s per user.",
                f"**{best.gpu_count} 张 {g.name}**（{_layout(best, zh)}）可服务 {model_label(p.model, zh)}（{load}{_target_text(s, zh)}），"
                f"每用户约 {tps(best.decode_tokens_per_s)} tokens/s。")
    by_prec = {}
    for o in sorted(p.options, key=lambda o: (o.gpu_count, o.tight)):
        by_prec.setdefault(o.precision, o)
    bf16 = by_prec.get("bf16")
    if bf16 is not None and best.precision != "bf16" and not s.precision:
        lead += pick(zh, f" In bf16: {bf16.gpu_count}x.", f"bf16 需要 {bf16.gpu_count} 张。")
    body = [pick(zh, "By precision (fewest GPUs first):", "按精度（卡数最少的配置）：") + "\n"
            + "\n".join(f"- {option_line(o, zh)}" for o in by_prec.values())]
    return Reply(lead, body, _plan_assumptions(p, s, zh))


def which_gpu(turn, s: Slots) -> Reply:
    zh = turn.zh
    workload = "pretrain" if s.workload == "pretrain" else ("finetune" if training(s) else "inference")
    if workload == "pretrain" and not s.tokens:
        return Reply(pick(zh, "**Pretraining needs a token budget to size**, e.g. 'pretrain a 7B model on 1T tokens in "
                              "30 days' (for whether it fits in memory, ask 'does it fit on 8x H100?').",
                          "**预训练需要 token 数才能规划**，例如“用 1 万亿 token 在 30 天内预训练 7B 模型”（只问显存够不够可以问"
                          "“8 张 H100 放得下吗”）。"))
    p = _plan(turn, s, s.gpus or None, workload)
    ctx = s.context or PLAN_CONTEXT
    if not p.by_cost:
        lead = pick(zh, "**Nothing in the catalog meets these constraints.** ", "**目录里没有满足这些条件的配置。**")
        return Reply(lead + " ".join(p.notes), [], _plan_assumptions(p, s, zh))
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
        days = (best.hours or 0) / 24
        within = pick(zh, f" within {s.days:g} days" if s.days else "", f"（{s.days:g} 天内）" if s.days else "")
        lead = pick(zh, f"**{best.gpu_count}x {best.gpu}**{within}: about {days:,.1f} days and {usd(best.usd_total)} "
                        f"for {model_label(p.model, zh)} ({workload}).",
                    f"**{best.gpu_count} 张 {best.gpu}**{within}：约 {days:,.1f} 天、{usd(best.usd_total)}，{model_label(p.model, zh)}"
                    f"（{'预训练' if workload == 'pretrain' else '微调'}）。")
    body = [pick(zh, "Cheapest options:", "按价格排序：") + "\n"
            + "\n".join(f"- {option_line(o, zh, workload)}" for o in p.by_cost[:4])]
    fastest = p.by_speed[0] if p.by_speed else None
    if fastest is not None and fastest is not best:
        body.append(pick(zh, "Fastest: ", "最快：") + option_line(fastest, zh, workload))
    needed = _o(p, "gpus_needed")
    if needed and workload == "pretrain":
        body.append(pick(zh, "GPUs needed by type: ", "各型号所需卡数：") + ", ".join(f"{k}: {v}" for k, v in list(needed.items())[:6]))
    body += list(p.notes)
    return Reply(lead, body, _plan_assumptions(p, s, zh))


def _format_that_fits(turn, s: Slots, gpu: str, users: int) -> str | None:
    """No format named: the model's own if it fits on these GPUs, else the least lossy one that does."""
    from tools.errors import AdvisorInputError
    from tools.fit import FitRequest, check_fit

    llama_cpp = s.framework == "llama.cpp"
    ladder = [None, "q8_0", "q4_k_m"] if llama_cpp else [None, "fp8", "int8", "awq-4bit"]
    for fmt in ladder:
        args = dict(model=s.model, gpu=gpu, gpu_count=s.count or 1, batch=users, context=s.context,
                    framework=s.framework or ("vllm" if users > 1 else None), precision=fmt)
        try:
            if check_fit(FitRequest(**{k: v for k, v in args.items() if v is not None})).fits:
                if fmt is not None:
                    turn.call("check_fit", **args)  # on the record: why this format
                return fmt
        except AdvisorInputError:
            continue
    return None


def speed(turn, s: Slots) -> Reply:
    zh = turn.zh
    gpu = s.gpu or "h100-sxm"
    users = s.users or s.batch or 1
    precision = s.precision or _format_that_fits(turn, s, gpu, users)
    r = turn.call("estimate_throughput", model=s.model, gpu=gpu, gpu_count=s.count or 1, precision=precision,
                  framework=s.framework or ("vllm" if users > 1 else None), batch=users,
                  prompt_tokens=min(s.context, 32768) if s.context else None, kv_dtype=s.kv_dtype)
    assumed = "" if s.gpu else pick(zh, " (no GPU given: assumed one H100 SXM)", "（未指定 GPU，按 1 张 H100 SXM 估算）")
    where = on_gpus(r.gpu_count, r.gpu, zh)
    bound = pick(zh, "memory bandwidth" if r.bound.startswith("memory") else "compute",
                 "显存带宽" if r.bound.startswith("memory") else "算力")
    if users > 1:
        lead = pick(zh, f"**About {tps(r.decode_tokens_per_s_total)} tokens/s in all, {tps(r.decode_tokens_per_s)} per "
                        f"request** with {users} parallel requests{assumed}: {model_label(r.model, zh)} {r.precision} on {where} "
                        f"({r.framework}).",
                    f"**{users} 路并发时合计约 {tps(r.decode_tokens_per_s_total)} tokens/s，每路约 "
                    f"{tps(r.decode_tokens_per_s)} tokens/s**{assumed}：{model_label(r.model, zh)} {r.precision}，{where}（{r.framework}）。")
    else:
        lead = pick(zh, f"**About {tps(r.decode_tokens_per_s)} tokens/s** for one stream{assumed}: {model_label(r.model, zh)} "
                        f"{r.precision} on {where} ({r.framework}).",
                    f"**单路约 {tps(r.decode_tokens_per_s)} tokens/s**{assumed}：{model_label(r.model, zh)} {r.precision}，{where}"
                    f"（{r.framework}）。")
    body = [pick(zh, f"Limited by {bound}. Prefill {tps(r.prefill_tokens_per_s)} tokens/s; first token after "
                     f"{r.time_to_first_token_s:.2f} s.",
                 f"瓶颈是{bound}。Prefill {tps(r.prefill_tokens_per_s)} tokens/s，首 token {r.time_to_first_token_s:.2f} 秒。")]
    if s.target_tps:
        ok = r.decode_tokens_per_s >= s.target_tps
        body.insert(0, pick(zh, f"{'Meets' if ok else 'Misses'} the {s.target_tps:g} tokens/s target per stream.",
                            f"{'达到' if ok else '达不到'}每路 {s.target_tps:g} tokens/s 的目标。"))
    assumptions = list(r.assumptions) if not zh else [f"框架 {r.framework}", f"权重 {r.precision}", f"并发 {users}"]
    return Reply(lead, body, assumptions)


# ---- comparisons ------------------------------------------------------------------------------------------

def compare(turn, s: Slots, then: str | None) -> Reply:
    zh = turn.zh
    if len(s.formats) >= 2 and len(s.models) < 2 and len(s.gpus) < 2:
        return _compare_formats(turn, s)
    if len(s.models) >= 2:
        rows = [(m, s.gpus[0] if s.gpus else None) for m in s.models[:4]]
    else:
        rows = [(s.model, g) for g in s.gpus[:4]]
    lines, results = [], []
    kind = then or ("speed" if not training(s) else "fit")
    for model, gpu in rows:
        sub = Slots(**{**s.__dict__, "model": model, "gpu": gpu or s.gpu or "h100-sxm", "gpus": [gpu] if gpu else s.gpus,
                       "count": _count_for(s, gpu)})
        if kind == "speed" and not training(sub):
            r = speed(turn, sub)
        elif kind == "cost" and training(sub) and sub.tokens:
            from .answers_train import training_time

            r = training_time(turn, sub, with_cost=True)
        else:
            r = fit(turn, sub)
        results.append(r)
        lines.append(f"- {r.lead}")
    names = [_subject(turn, i, len(s.models) >= 2) for i in range(len(rows))]
    lead = _compare_lead(turn, kind, names) or pick(zh, f"**{' vs '.join(names)}, side by side:**",
                                                      f"**{' 与 '.join(names)} 对比：**")
    return Reply(lead + "\n" + "\n".join(lines), [], results[0].assumptions if results else [])


def _subject(turn, i: int, models: bool) -> str:
    """The i-th compared thing's display name, from the i-th primary tool call."""
    calls = [c for c in turn.calls if c.tool in ("estimate_throughput", "check_fit", "estimate_training")]
    seen, out = set(), []
    for c in calls:
        key = (c.args.get("model"), c.args.get("gpu"))
        if key in seen:
            continue
        seen.add(key)
        r = c.result if isinstance(c.result, dict) else {}
        mem = r.get("memory") or r
        out.append(mem.get("model") if models else r.get("gpu"))
    return str(out[i]) if i < len(out) else "?"


def _compare_lead(turn, kind: str, names: list[str]) -> str:
    zh = turn.zh
    speeds = []
    seen = set()
    for c in turn.calls:
        if c.tool == "estimate_throughput" and isinstance(c.result, dict):
            key = (c.args.get("model"), c.args.get("gpu"))
            if key not in seen:
                seen.add(key)
                speeds.append(c.result.get("decode_tokens_per_s_total") or 0)
    if kind != "speed" or len(speeds) != len(names) or len(speeds) < 2 or min(speeds) <= 0:
        return ""
    i = max(range(len(speeds)), key=lambda k: speeds[k])
    j = min(range(len(speeds)), key=lambda k: speeds[k])
    return pick(zh, f"**{names[i]} is faster: {tps(speeds[i])} vs {tps(speeds[j])} tokens/s** for {names[j]}:",
                f"**{names[i]} 更快：{tps(speeds[i])} tokens/s，{names[j]} 为 {tps(speeds[j])} tokens/s**：")


def _count_for(s: Slots, gpu: str | None) -> int | None:
    if gpu and gpu in s.gpus:
        i = s.gpus.index(gpu)
        if i < len(s.counts) and s.counts[i]:
            return s.counts[i]
    return s.count


def _compare_formats(turn, s: Slots) -> Reply:
    zh = turn.zh
    q = turn.call("compare_quantization", model=s.model, gpu=s.gpu, gpu_count=s.count or 1, context=s.context or 4096,
                  formats=s.formats)
    lines = []
    for o in q.options:
        fit_text = "" if o.fits is None else pick(zh, " - fits" if o.fits else " - too big", "，放得下" if o.fits else "，放不下")
        total = f", {gib(o.total_gib)}/GPU" if o.total_gib is not None else ""
        lines.append(f"- {o.format}: {o.weights_gb:.1f} GB ({o.bits_per_weight:.2f} bits/w){total}{fit_text}; "
                     f"{o.quality_impact}")
    smallest = min(q.options, key=lambda o: o.weights_gb)
    lead = pick(zh, f"**{smallest.format} is the smallest: {smallest.weights_gb:.1f} GB** of weights for {model_label(q.model, zh)}.",
                f"**{smallest.format} 最小：权重 {smallest.weights_gb:.1f} GB**（{model_label(q.model, zh)}）。")
    return Reply(lead + "\n" + "\n".join(lines), [])


__all__ = ["compare", "how_many", "speed", "which_gpu", "training_args", "inference_args"]
