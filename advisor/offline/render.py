"""Answer templates, English and Chinese: verdict first, then the numbers, then why and the options."""

from __future__ import annotations

from .parse import Slots

FOUR_BIT_CONSUMER = "q4_k_m"
FOUR_BIT_SERVER = "awq-4bit"
PLAN_CONTEXT = 8192


def _zh(turn) -> bool:
    return turn.lang == "zh"


def _gib(x: float) -> str:
    return f"{x:.1f} GiB"


def _model_name(turn) -> str:
    for c in reversed(turn.calls):
        r = c.result if isinstance(c.result, dict) else {}
        m = r.get("memory", r) if isinstance(r, dict) else {}
        if isinstance(m, dict) and m.get("model"):
            return m["model"]
    return "the model"


def _strip_refs(text: str) -> str:
    """Drop the docs' [source-id] markers; the answer cites the doc section instead."""
    import re

    return re.sub(r"\s*\[[A-Za-z0-9][\w.-]*\]", "", text)


def _cite_line(turn, topic: str) -> str:
    hits = turn.cite(topic)
    if not hits:
        return ""
    h = hits[0]
    first = _strip_refs(h["text"]).split(". ")[0].strip().rstrip(".")
    label = "依据" if _zh(turn) else "Why"
    return f"\n\n{label}: {first}. ({h['citation']})"


def _four_bit(gpu_kind: str | None) -> str:
    return FOUR_BIT_SERVER if gpu_kind == "datacenter" else FOUR_BIT_CONSUMER


def _gpu_kind(gpu: str | None) -> str | None:
    if not gpu:
        return None
    from tools.gpus import get_gpu

    return get_gpu(gpu).kind


def _training_args(s: Slots) -> dict:
    method = s.method or ("full" if s.workload == "pretrain" else "lora")
    args = dict(workload="training", method=method, context=s.context, batch=s.batch)
    if method == "qlora" and (s.precision in (None, "bf16")):
        args["precision"] = "nf4-dq"
    elif s.precision:
        args["precision"] = s.precision
    if (s.count or 1) > 1:
        args["sharding"] = "zero3"  # several GPUs for one model: shard it (FSDP / ZeRO-3)
    return args


# ---- fit -------------------------------------------------------------------------------------------

def answer_fit(turn, s: Slots, question: str) -> str:
    if not s.model:
        return answer_unknown(turn, s, question)
    if not s.gpu and not s.vram_gib:
        return answer_memory(turn, s, question)
    gpu = s.gpu or _gpu_for_vram(s.vram_gib)
    n = s.count or 1
    training = s.workload in ("training", "pretrain") or bool(s.method)
    args = _training_args(s) if training else dict(precision=s.precision or "bf16", context=s.context,
                                                   batch=s.batch, framework=s.framework)
    r = turn.call("check_fit", model=s.model, gpu=gpu, gpu_count=n, **args)
    zh = _zh(turn)
    what = _what(r["memory"] if isinstance(r, dict) else r.memory, zh)
    head = _verdict_line(r, what, n, zh)
    lines = [head, _breakdown_line(r, zh)]
    if training and not r.fits and r.memory.method == "lora" and n == 1:
        base = r.memory.weights_gib
        if base > r.available_gib:
            lines.append(f"仅 16 位基座权重就有 {_gib(base)}，超过单卡 {_gib(r.available_gib)}。" if zh else
                         f"The 16-bit base weights alone are {_gib(base)}, more than the {_gib(r.available_gib)} "
                         "one card has.")
    if not r.fits:
        lines.append(_suggestions(r, zh))
        if not training and not s.precision:
            q = turn.call("check_fit", model=s.model, gpu=gpu, gpu_count=n, precision=_four_bit(_gpu_kind(gpu)),
                          context=s.context, batch=s.batch)
            lines.append(_four_bit_line(q, zh))
    elif r.max_context or r.max_batch:
        lines.append(_limits(r, zh))
    lines.append(("假设：" if zh else "Assumptions: ") + "; ".join(r.memory.assumptions))
    if training:
        topic = ("QLoRA: NF4, double quantization and paged optimizers" if not r.fits else
                 "What each method saves: memory versus compute")
    else:
        topic = ("GPTQ and AWQ: 4-bit weights with group scales" if not r.fits else
                 "KV cache: why it grows with context and batch")
    return "\n\n".join(x for x in lines if x) + _cite_line(turn, topic)


def _gpu_for_vram(vram: float | None) -> str:
    from tools.gpus import all_gpus
    from tools.prices import gpu_prices

    gpus = [g for g in all_gpus() if g.vendor == "nvidia" and g.memory_gib >= (vram or 24) * 0.97]
    # the smallest card of that size; among equals, one people actually rent (priced), consumer first
    return min(gpus, key=lambda g: (round(g.memory_gib), gpu_prices(g.id).on_demand_usd_per_hour is None,
                                    g.kind != "consumer", -(g.release_year or 0))).id


def _what(m, zh: bool) -> str:
    if m.workload == "training":
        meth = {"full": "全量微调" if zh else "full fine-tuning", "lora": "LoRA", "qlora": "QLoRA",
                "pretrain": "预训练" if zh else "pretraining"}[m.method or "full"]
        return (f"{m.model} {meth}（{m.precision}）" if zh else f"{meth} {m.model} ({m.precision})")
    return f"{m.model} 推理（{m.precision}）" if zh else f"{m.model} inference ({m.precision})"


def _verdict_line(r, what: str, n: int, zh: bool) -> str:
    on = f"{n} 张 {r.gpu}" if zh else f"{n}x {r.gpu}"
    need, have = _gib(r.required_gib), _gib(r.available_gib)
    if zh:
        if not r.fits:
            return f"**放不下。** {what} 在 {on} 上每卡需要 {need}，每卡只有 {have}。"
        tight = "（余量很小）" if "tight" in r.verdict else ""
        return f"**可以{tight}。** {what} 在 {on} 上每卡需要 {need}，每卡可用 {have}。"
    if not r.fits:
        return f"**No.** {what} on {on} needs {need} per GPU; each has {have}."
    tight = " (tight)" if "tight" in r.verdict else ""
    return f"**Yes{tight}.** {what} on {on} needs {need} per GPU of {have}."


def _breakdown_line(r, zh: bool) -> str:
    b = r.memory.breakdown_gib
    names = {"weights": ("权重", "weights"), "kv_cache": ("KV 缓存", "KV cache"), "activations": ("激活", "activations"),
             "gradients": ("梯度", "gradients"), "optimizer": ("优化器", "optimizer"), "logits": ("logits", "logits"),
             "adapters": ("LoRA 适配器", "LoRA adapters"), "overhead": ("CUDA 上下文等", "CUDA context/allocator")}
    parts = [f"{names.get(k, (k, k))[0 if zh else 1]} {_gib(v)}" for k, v in b.items() if v >= 0.05 and k in names]
    ctx = r.memory.context
    return ("每卡构成：" if zh else "Per GPU: ") + ", ".join(parts) + (
        f"（序列 {ctx:,} tokens，batch {r.memory.batch}）" if zh else f" (at {ctx:,} tokens, batch {r.memory.batch}).")


def _suggestions(r, zh: bool) -> str:
    good = [x for x in r.suggestions if x.fits][:3]
    if not good:
        return "目录里没有单一改动能让它放下。" if zh else "No single change in our catalog makes it fit."
    head = "能放下的办法：" if zh else "What would make it fit:"
    return head + "\n" + "\n".join(f"- {x.description}: {_gib(x.required_gib)}" for x in good)


def _four_bit_line(q, zh: bool) -> str:
    fmt = q.memory.precision
    if zh:
        return (f"4 位（{fmt}）：{'可以' if q.fits else '也放不下'}，每卡需要 {_gib(q.required_gib)}，"
                f"可用 {_gib(q.available_gib)}。")
    return (f"At 4-bit ({fmt}): {'yes' if q.fits else 'still no'}, {_gib(q.required_gib)} per GPU of "
            f"{_gib(q.available_gib)}.")


def _limits(r, zh: bool) -> str:
    if zh:
        return f"上限：该上下文下最大 batch {r.max_batch}；batch {r.memory.batch} 时最长上下文 {r.max_context:,} tokens。"
    return (f"Limits: batch up to {r.max_batch} at this context; context up to {r.max_context:,} tokens at batch "
            f"{r.memory.batch}.")


# ---- memory ----------------------------------------------------------------------------------------

def answer_memory(turn, s: Slots, question: str) -> str:
    if not s.model:
        return answer_unknown(turn, s, question)
    training = s.workload in ("training", "pretrain") or bool(s.method)
    args = _training_args(s) if training else dict(precision=s.precision or "bf16", context=s.context,
                                                   batch=s.batch, framework=s.framework)
    m = turn.call("estimate_memory", model=s.model, gpu_count=s.count or 1, **args)
    zh = _zh(turn)
    what = _what(m, zh)
    if zh:
        head = f"**{what} 需要约 {_gib(m.per_gpu_gib)} 显存**（每卡；共 {_gib(m.total_gib)}），其中权重 {_gib(m.weights_gib)}。"
    else:
        head = f"**{what} needs about {_gib(m.per_gpu_gib)} per GPU** ({_gib(m.total_gib)} in all); weights {_gib(m.weights_gib)}."
    fake = type("R", (), {"memory": m})
    lines = [head, _breakdown_line(fake, zh), ("假设：" if zh else "Assumptions: ") + "; ".join(m.assumptions)]
    if not training and not s.precision:
        q = turn.call("estimate_memory", model=s.model, precision=FOUR_BIT_SERVER, context=s.context, batch=s.batch,
                      gpu_count=s.count or 1)
        lines.append(f"4 位（AWQ）约 {_gib(q.per_gpu_gib)}。" if zh else f"At 4-bit (AWQ): about {_gib(q.per_gpu_gib)}.")
    topic = ("Gradients and optimizer states: the 16-byte rule" if training else
             "KV cache: why it grows with context and batch")
    return "\n\n".join(lines) + _cite_line(turn, topic)


# ---- how many GPUs ---------------------------------------------------------------------------------

def answer_how_many(turn, s: Slots, question: str) -> str:
    if not s.model:
        return answer_unknown(turn, s, question)
    if not s.gpu:
        return answer_which_gpu(turn, s, question)
    from tools.gpus import get_gpu

    g = get_gpu(s.gpu)
    zh = _zh(turn)
    training = s.workload in ("training", "pretrain") or bool(s.method)
    context = s.context or (None if training else PLAN_CONTEXT)
    precisions = [s.precision] if s.precision else (
        ["bf16"] if training else ["bf16", "fp8" if g.supports_fp8 else "int8", FOUR_BIT_SERVER])
    lines = []
    for prec in precisions:
        found = None
        for n in (1, 2, 4, 8, 16, 32, 64):
            args = _training_args(Slots(**{**s.__dict__, "count": n, "precision": prec})) if training else dict(
                precision=prec, context=context, batch=s.batch, framework="vllm")
            try:
                r = _fit_quiet(s.model, g.id, n, args)
            except Exception:  # noqa: BLE001 - a count TP cannot split by: try the next
                continue
            if r.fits:
                found = turn.call("check_fit", model=s.model, gpu=g.id, gpu_count=n, **args)
                break
        lines.append(_how_many_line(found, prec, zh))
    what = _what_model(turn, s, zh)
    head = (f"**{what}：{g.name}**" if zh else f"**{what} on {g.name}:**")
    note = ("（推理按 vLLM、上下文 8,192 tokens 计；KV 余量指还能再放几个这样的序列）" if zh and not training else
            "(inference with vLLM at 8,192 tokens of context; KV room = how many more such sequences fit)"
            if not training else "")
    return head + "\n" + "\n".join(lines) + ("\n" + note if note else "") + _cite_line(
        turn, "Tensor parallelism for serving: NVLink vs PCIe" if not training else
        "DeepSpeed ZeRO stages, ZeRO-Offload and ZeRO-Infinity")


def _fit_quiet(model, gpu, n, args):
    from tools.fit import FitRequest, check_fit

    return check_fit(FitRequest(model=model, gpu=gpu, gpu_count=n, **{k: v for k, v in args.items() if v is not None}))


def _how_many_line(r, prec: str, zh: bool) -> str:
    if r is None:
        return f"- {prec}：64 张以内放不下" if zh else f"- {prec}: does not fit on up to 64"
    m = r.memory
    held = getattr(r, "max_concurrent_sequences", None)
    if held is not None:  # vLLM/SGLang: the engine's KV pool, from the tool
        extra = f"，KV 池可容纳 {held} 个序列" if zh else f", KV pool holds {held} sequences"
    else:
        kv_seq = m.breakdown_gib.get("kv_cache", 0) / max(m.batch, 1)
        room = int(r.headroom_gib / kv_seq) if kv_seq > 0.01 else None
        extra = (f"，KV 余量约 {room} 个序列" if zh else f", KV room for ~{room} more sequences") if room is not None else ""
    if zh:
        return f"- {m.precision}：{r.gpu_count} 张，每卡 {_gib(r.required_gib)} / {_gib(r.available_gib)}{extra}"
    return f"- {m.precision}: {r.gpu_count} GPU(s), {_gib(r.required_gib)} of {_gib(r.available_gib)} each{extra}"


def _what_model(turn, s: Slots, zh: bool) -> str:
    name = _model_name(turn)
    if name == "the model" and s.model:
        name = s.model
    training = s.workload in ("training", "pretrain") or bool(s.method)
    if zh:
        return f"{name} {'训练' if training else '推理'}需要的卡数"
    return f"GPUs needed to {'train' if training else 'serve'} {name}"


# ---- which GPU -------------------------------------------------------------------------------------

def answer_which_gpu(turn, s: Slots, question: str) -> str:
    if not s.model:
        return answer_unknown(turn, s, question)
    training = s.workload in ("training", "pretrain") or bool(s.method)
    workload = "pretrain" if s.workload == "pretrain" else ("finetune" if training else "inference")
    p = turn.call("recommend_hardware", model=s.model, workload=workload, method=s.method or "lora",
                  context=s.context or PLAN_CONTEXT, concurrency=s.batch or 1, tokens=s.tokens,
                  deadline_days=s.days, target_tokens_per_s=s.target_tps, limit=5,
                  gpus=s.gpus or None, max_gpus=max(8, s.count or 8) if workload != "pretrain" else 4096)
    zh = _zh(turn)
    if not p.by_cost:
        return ("目录里没有满足条件的配置。" if zh else "Nothing in the catalog meets these constraints. ") + " ".join(p.notes)
    lines = [f"**{p.model}：按价格排序的可行配置**" if zh else f"**{p.model} - cheapest configurations that work:**"]
    for o in p.by_cost[:4]:
        lines.append("- " + _option(o, workload, zh))
    fast = p.by_speed[0]
    lines.append(("最快：" if zh else "Fastest: ") + _option(fast, workload, zh))
    if p.cheapest_single_node:
        lines.append(("单机最便宜且有余量：" if zh else "Cheapest single node with headroom: ")
                     + _option(p.cheapest_single_node, workload, zh))
    return "\n".join(lines) + _cite_line(turn, "Choosing among GPUs that all fit")


def _option(o, workload: str, zh: bool) -> str:
    cfg = f"{o.gpu_count}x {o.gpu} {o.precision}"
    price = f"${o.usd_per_hour:.2f}/h" if o.usd_per_hour else ("价格未知" if zh else "price unknown")
    tight = (" 余量小" if zh else " TIGHT") if o.tight else ""
    if workload == "inference":
        return (f"{cfg}: {o.memory_per_gpu_gib:.1f}/{o.available_per_gpu_gib:.1f} GiB{tight}, "
                f"{o.decode_tokens_per_s:.0f} tok/s, {price}")
    total = f"${o.usd_total:,.0f}" if o.usd_total else "?"
    return f"{cfg}: {o.hours:,.1f} h, {total}, {o.memory_per_gpu_gib:.1f}/{o.available_per_gpu_gib:.1f} GiB{tight}"


# ---- speed -----------------------------------------------------------------------------------------

def answer_speed(turn, s: Slots, question: str) -> str:
    if not s.model:
        return answer_unknown(turn, s, question)
    zh = _zh(turn)
    gpu = s.gpu or "h100-sxm"
    r = turn.call("estimate_throughput", model=s.model, gpu=gpu, gpu_count=s.count or 1,
                  precision=s.precision or "bf16", framework=s.framework, batch=s.batch or 1,
                  prompt_tokens=min(s.context, 32768) if s.context else None)
    assumed = "" if s.gpu else ("（未指定 GPU，按 1 张 H100 SXM 估算）" if zh else " (no GPU given: assumed one H100 SXM)")
    if zh:
        head = (f"**约 {r.decode_tokens_per_s:.0f} tokens/s（单路）**{assumed}：{r.model} {r.precision} 在 "
                f"{r.gpu_count} 张 {r.gpu} 上（{r.framework}），瓶颈是{'显存带宽' if r.bound.startswith('memory') else '算力'}。")
        more = (f"batch {r.batch} 合计 {r.decode_tokens_per_s_total:,.0f} tokens/s；prefill {r.prefill_tokens_per_s:,.0f} "
                f"tokens/s，首 token {r.time_to_first_token_s:.2f} s。")
    else:
        head = (f"**About {r.decode_tokens_per_s:.0f} tokens/s per stream**{assumed}: {r.model} {r.precision} on "
                f"{r.gpu_count}x {r.gpu} ({r.framework}), limited by {r.bound}.")
        more = (f"Batch {r.batch}: {r.decode_tokens_per_s_total:,.0f} tokens/s in all; prefill "
                f"{r.prefill_tokens_per_s:,.0f} tokens/s, first token after {r.time_to_first_token_s:.2f} s.")
    lines = [head, more, ("假设：" if zh else "Assumptions: ") + "; ".join(r.assumptions)]
    return "\n\n".join(lines) + _cite_line(turn, "Prefill vs decode: time to first token and tokens per second")


# ---- training time and cost --------------------------------------------------------------------------

def answer_training(turn, s: Slots, question: str) -> str:
    if not s.model:
        return answer_unknown(turn, s, question)
    zh = _zh(turn)
    method = "pretrain" if s.workload == "pretrain" else (s.method or "lora")
    tokens = s.tokens or (None if method == "pretrain" else 5e7)
    if tokens is None:
        return ("预训练需要 token 数，例如“在 1T tokens 上预训练”。" if zh else
                "Pretraining needs a token budget, e.g. 'pretrain on 1T tokens'.")
    gpu = s.gpu or ("h100-sxm" if method == "pretrain" else "a100-80gb-sxm")
    count = s.count or (64 if method == "pretrain" else 1)
    t = turn.call("estimate_training", model=s.model, tokens=tokens, gpu=gpu, gpu_count=count, method=method,
                  sequence_length=s.context or (4096 if method == "pretrain" else 2048))
    c = turn.call("estimate_cost", gpu=gpu, gpu_count=count, gpu_hours=t.gpu_hours)
    default = "" if s.tokens else (" (assumed 50M tokens, a typical fine-tune)" if not zh else "（默认 5000 万 tokens）")
    price = (f"${c.usd:,.0f}（${c.usd_per_gpu_hour:.2f}/GPU-小时）" if zh else
             f"${c.usd:,.0f} at ${c.usd_per_gpu_hour:.2f}/GPU-hour") if c.usd else ("价格未知" if zh else "price unknown")
    if zh:
        head = (f"**约 {t.hours:,.1f} 小时（{t.days:,.1f} 天）、{t.gpu_hours:,.0f} GPU-小时，约 {price}**{default}："
                f"{t.model} {method}，{t.gpu_count} 张 {t.gpu}，{t.tokens:.3g} tokens。")
        more = f"每卡 {t.tokens_per_s_per_gpu:,.0f} tokens/s，MFU {t.mfu:.0%}。"
    else:
        head = (f"**About {t.hours:,.1f} hours ({t.days:,.1f} days), {t.gpu_hours:,.0f} GPU-hours, {price}**{default}: "
                f"{method} {t.model} on {t.gpu_count}x {t.gpu}, {t.tokens:.3g} tokens.")
        more = f"{t.tokens_per_s_per_gpu:,.0f} tokens/s per GPU at {t.mfu:.0%} MFU."
    lines = [head, more] + list(t.notes) + [("假设：" if zh else "Assumptions: ") + "; ".join(t.assumptions)]
    return "\n\n".join(lines) + _cite_line(turn, "LoRA compute: still about two-thirds of full fine-tuning"
                                           if method in ("lora", "qlora") else
                                           "3D parallelism and interconnects: NVLink, PCIe, InfiniBand")


def answer_cost(turn, s: Slots, question: str) -> str:
    if s.model and (s.tokens or s.workload in ("training", "pretrain")):
        return answer_training(turn, s, question)
    if s.model and not s.gpu:
        return answer_which_gpu(turn, s, question)
    if not s.gpu:
        return answer_unknown(turn, s, question)
    zh = _zh(turn)
    c = turn.call("estimate_cost", gpu=s.gpu, gpu_count=s.count or 1, hours=1.0)
    if c.usd_per_gpu_hour is None:
        return f"{c.gpu}: " + " ".join(c.notes)
    lines = [(f"**{c.gpu}：约 ${c.usd_per_gpu_hour:.2f}/GPU-小时**（{c.price_basis}）" if zh else
              f"**{c.gpu}: about ${c.usd_per_gpu_hour:.2f} per GPU-hour** ({c.price_basis}).")]
    if c.purchase_usd:
        lines.append(f"购买约 ${c.purchase_usd:,.0f}" if zh else f"Buying: about ${c.purchase_usd:,.0f}"
                     + (f"; break-even after {c.break_even_months} months at half-time use." if c.break_even_months
                        and not zh else "."))
    offers = sorted(c.offers, key=lambda o: o.usd_per_gpu_hour)[:4]
    lines += [f"- {o.provider} ({o.type}, {o.date}): ${o.usd_per_gpu_hour:.2f}" for o in offers]
    return "\n".join(lines) + _cite_line(turn, "Compare GPUs by cost per token or per run, not per GPU-hour")


# ---- quantization ------------------------------------------------------------------------------------

def answer_quantization(turn, s: Slots, question: str) -> str:
    if not s.model:
        return answer_concept(turn, s, question)
    zh = _zh(turn)
    q = turn.call("compare_quantization", model=s.model, gpu=s.gpu, gpu_count=s.count or 1,
                  context=s.context or 4096,
                  formats=["bf16", "fp8", "int8", "awq-4bit", "q8_0", "q5_k_m", "q4_k_m", "q3_k_m"])
    lines = [f"**{q.model} 各量化格式**" if zh else f"**{q.model} by weight format:**"]
    for o in q.options:
        fit = "" if o.fits is None else ((" 放得下" if o.fits else " 放不下") if zh else (" fits" if o.fits else " too big"))
        total = f", {o.total_gib:.1f} GiB/GPU" if o.total_gib is not None else ""
        lines.append(f"- {o.format}: {o.weights_gb:.1f} GB ({o.bits_per_weight:.2f} bits/w){total}{fit}; "
                     f"{o.quality_impact}")
    if q.gpu:
        lines.append((f"能放下且损失最小：{q.smallest_that_fits}" if zh else f"Least lossy format that fits: "
                      f"{q.smallest_that_fits}") if q.smallest_that_fits else ("都放不下。" if zh else "None fits."))
    return "\n".join(lines) + _cite_line(turn, "Quality impact by bit width")


# ---- GPU specs, largest model ---------------------------------------------------------------------------

def answer_gpu_specs(turn, s: Slots, question: str) -> str:
    zh = _zh(turn)
    lines = []
    for gid in (s.gpus or ([s.gpu] if s.gpu else []))[:3]:
        g = turn.call("lookup_gpu", name=gid)
        fp8 = f", FP8 {g.fp8_tflops_dense:g}" if g.fp8_tflops_dense else (", 无 FP8" if zh else ", no FP8")
        ic = g.interconnect.type if g.interconnect else "-"
        lines.append(f"- **{g.name}**: {g.memory_gib:.1f} GiB, {g.memory_bandwidth_gb_per_s:,.0f} GB/s, "
                     f"BF16 {g.bf16_tflops_dense or g.fp16_tflops_dense or 0:g} TFLOPS{fp8}, {ic}, "
                     f"{g.tdp_w or 0:.0f} W")
    if not lines:
        return answer_unknown(turn, s, question)
    head = "**GPU 规格（稠密 TFLOPS）：**" if zh else "**GPU specs (dense TFLOPS):**"
    return head + "\n" + "\n".join(lines) + _cite_line(turn, "GPU generations Hopper Blackwell what each adds")


def answer_largest(turn, s: Slots, question: str) -> str:
    from tools.fit import FitRequest, check_fit
    from tools.models import all_specs
    from tools.params import count_params

    zh = _zh(turn)
    gpu = s.gpu or _gpu_for_vram(s.vram_gib)
    n = s.count or 1
    specs = sorted(all_specs(), key=lambda m: -count_params(m).total)
    lines = []
    for prec in ([s.precision] if s.precision else ["bf16", _four_bit(_gpu_kind(gpu))]):
        for m in specs:
            try:
                ok = check_fit(FitRequest(model=m.id, gpu=gpu, gpu_count=n, precision=prec, context=s.context)).fits
            except Exception:  # noqa: BLE001 - e.g. a TP degree the model cannot split by
                ok = False
            if ok:
                r = turn.call("check_fit", model=m.id, gpu=gpu, gpu_count=n, precision=prec, context=s.context)
                lines.append(f"- {prec}: {r.memory.model} ({r.memory.params_b:.1f}B), {_gib(r.required_gib)} / "
                             f"{_gib(r.available_gib)}")
                break
    ctx = s.context or 4096
    head = (f"**{n} 张 {gpu} 能跑的最大模型**（上下文 {ctx:,} tokens）：" if zh else
            f"**Largest catalog model that runs on {n}x {gpu}** (at {ctx:,} tokens of context):")
    return head + "\n" + "\n".join(lines or ["-"]) + _cite_line(turn, "What limits each scale: capacity, bandwidth, "
                                                                        "compute")


# ---- concepts and the rest ---------------------------------------------------------------------------------

def answer_concept(turn, s: Slots, question: str) -> str:
    hits = turn.cite(question, k=2, semantic=True)
    zh = _zh(turn)
    if not hits:
        return ("我没有找到相关指南。" if zh else "I found no guidance on that. ") + answer_unknown(turn, s, question)
    top = hits[0]
    body = _strip_refs(top["text"]).strip()
    if len(body) > 900:
        body = body[:900].rsplit(". ", 1)[0] + "."
    head = f"**{top['heading']}**（{top['citation']}）" if zh else f"**{top['heading']}** ({top['citation']})"
    more = ""
    if len(hits) > 1:
        more = ("\n\n另见：" if zh else "\n\nSee also: ") + hits[1]["citation"]
    note = "\n\n（指南原文为英文。）" if zh else ""
    return f"{head}\n\n{body}{more}{note}"


def answer_unknown(turn, s: Slots, question: str) -> str:
    zh = _zh(turn)
    got = []
    if s.model:
        got.append(("模型 " if zh else "model ") + s.model)
    if s.gpu:
        got.append(f"GPU {s.count or 1}x {s.gpu}")
    if s.workload:
        got.append(s.workload)
    understood = ", ".join(got) or ("没有识别出模型或 GPU" if zh else "no model or GPU")
    if zh:
        return (f"我理解到的是：{understood}。请告诉我模型（如 Llama 3.1 8B、Qwen2.5-32B 或 “13B”）、GPU（如 4090、"
                "2x A100 80GB）以及用途（推理、LoRA/QLoRA 微调、预训练）。")
    return (f"I understood: {understood}. Tell me the model (e.g. Llama 3.1 8B, Qwen2.5-32B, or a size like '13B'), "
            "the GPU (e.g. 'one 4090', '2x A100 80GB') and the job (inference, LoRA/QLoRA fine-tuning, pretraining).")


def input_problem(turn, s: Slots, message: str) -> str:
    zh = _zh(turn)
    turn.warnings.append(message)
    return (f"这个问题我没法直接算：{message}" if zh else f"I couldn't compute that: {message}")
