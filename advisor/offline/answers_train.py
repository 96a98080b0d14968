"""How long and what it costs to train (rent prices and buy vs rent: answers_money.py)."""

from __future__ import annotations

import re

from tools.defaults import (  # noqa: E402 - one home for defaults, stated in the answer when assumed
    FINETUNE_SEQUENCE_LENGTH,
    FINETUNE_TOKENS,
    PRETRAIN_SEQUENCE_LENGTH,
    PRETRAIN_TOKENS_PER_PARAM,
)

from .answers_fit import method_of
from .parse import Slots
from .text import Reply, hours_text, method_name, model_label, on_gpus, pick, tokens_text, usd

# Token budgets of famous runs people ask to redo ("how long to train GPT-3?"): name pattern -> (tokens, params B, source)
PUBLISHED_PRETRAIN_TOKENS = {
    r"\bgpt-?3\b": (300e9, 175.0, "GPT-3's own 300B training tokens (Brown et al. 2020, Table D.1)"),
    # Llama 3 / 3.1: "pretrained on over 15 trillion tokens" (github.com/meta-llama/llama3 MODEL_CARD.md; the 3.1 card
    # repeats ~15T); the size check below picks the member
    r"\bllama[- ]?3(?:\.1)?\b.{0,12}\b8b": (15e12, 8.03, "Llama 3's own ~15T pretraining tokens (Meta model card)"),
    r"\bllama[- ]?3(?:\.1)?\b.{0,12}\b70b": (15e12, 70.6, "Llama 3's own ~15T pretraining tokens (Meta model card)"),
    r"\bllama[- ]?3(?:\.1)?\b.{0,12}\b405b": (15e12, 405.9, "Llama 3.1's own ~15T pretraining tokens (Meta model card)"),
}


# Published whole-run GPU-hours, said beside our estimate when the question asks what a model's training took:
# Llama 3.1 model card (github.com/meta-llama/llama-models, MODELS/llama3_1/MODEL_CARD.md): "cumulative of 39.3M GPU
# hours of computation on H100-80GB" - 8B 1.46M, 70B 7.0M, 405B 30.84M.
PUBLISHED_GPU_HOURS = {"llama-3.1-8b": (1.46e6, "H100-80GB"), "llama-3.1-70b": (7.0e6, "H100-80GB"),
                       "llama-3.1-405b": (30.84e6, "H100-80GB")}
TOOK = re.compile(r"\b(?:did|does|took|take)\b.{0,30}\bto train\b|\bwas (?:it )?trained\b|训练(?:用了|花了|耗费了?)", re.I)


FP8_GAIN_ASK = re.compile(r"(?:快多少|快几倍|能快|提速|加速多少|省多少)|\bhow much (?:faster|quicker|time)\b|\bspeed-?up\b|"
                          r"\bfaster\b|\bvs\.? bf16\b|\bcompared (?:to|with) bf16\b", re.I)


def _time_method(s: Slots) -> str:
    """Training on a token budget is pretraining unless a fine-tune is said; LoRA/QLoRA only when said."""
    if s.workload == "pretrain":
        return method_of(s)
    return s.method or "full"


def training_time(turn, s: Slots, with_cost: bool = True) -> Reply:
    zh = turn.zh
    method = _time_method(s)
    chinchilla = None
    if method == "pretrain" and not s.tokens:
        # no budget given: the compute-optimal one (stated as assumed), rather than no answer
        info = turn.call("lookup_model", name=s.model)
        published = next((t for name, t in PUBLISHED_PRETRAIN_TOKENS.items()
                          if re.search(name, turn.question, re.I) and abs(info.params_b / t[1] - 1) < 0.05), None)
        chinchilla = published[0] if published else float(f"{PRETRAIN_TOKENS_PER_PARAM * info.params_b * 1e9:.2g}")
    if method == "pretrain" and s.days and not s.count:
        from .answers_serve import which_gpu

        return which_gpu(turn, s)
    memory_note = ""
    if s.gpu and method != "pretrain":
        method, memory_note = _method_that_fits(turn, s, method)
    gpu = s.gpu or ("h100-sxm" if method == "pretrain" else "a100-80gb-sxm")
    desk = s.gpu is not None and _gpu_kind(s.gpu) in ("consumer", "workstation", "apple_unified")
    count = s.count or (64 if method == "pretrain" and not desk else 1)  # "my 4090": one card, not a cluster
    seq = s.context or (PRETRAIN_SEQUENCE_LENGTH if method == "pretrain" else FINETUNE_SEQUENCE_LENGTH)
    from_examples = bool(s.examples and not s.tokens)
    epochs_of_tokens = s.epochs if s.tokens and s.epochs and s.epochs != 1 else None  # "2 亿 token，训 3 个 epoch"
    tokens = s.tokens * (epochs_of_tokens or 1) if s.tokens else (chinchilla or (
        s.examples * seq * (s.epochs or 1) if from_examples else FINETUNE_TOKENS * (s.epochs or 1)))
    # an MFU the person gives is their whole-run efficiency: used as given, with no goodput taken off it on top
    t = turn.call("estimate_training", model=s.model, tokens=tokens, gpu=gpu, gpu_count=count, method=method,
                  sequence_length=seq, gradient_checkpointing=True if method != "pretrain" else None,
                  mfu=s.mfu, goodput=1.0 if s.mfu else None, reference_model=s.preference or None,
                  precision="fp8" if s.train_fp8 else None)
    c = turn.call("estimate_cost", gpu=gpu, gpu_count=count, gpu_hours=t.gpu_hours) if with_cost and t.gpu_hours > 0 \
        else None  # a run too short to round to a tenth of a GPU-hour costs nothing worth saying
    defaults = []
    if epochs_of_tokens:
        defaults.append(pick(zh, f"{tokens_text(s.tokens, False)} x {epochs_of_tokens:g} epochs = {tokens_text(tokens, False)}",
                             f"{tokens_text(s.tokens, True)} × {epochs_of_tokens:g} 轮 = {tokens_text(tokens, True)}"))
    if from_examples:
        defaults.append(pick(zh, f"{s.examples:,} examples x {seq:,} tokens" + (f" x {s.epochs:g} epochs" if s.epochs else "")
                             + " (packed sequences; shorter examples train faster)",
                             f"{s.examples:,} 条样本 × {seq:,} tokens" + (f" × {s.epochs:g} 轮" if s.epochs else "")
                             + "（按打包后的序列计；样本更短则更快）"))
    elif chinchilla and published:
        defaults.append(pick(zh, f"{tokens_text(tokens, False)}: {published[2]}; say your token count",
                             f"{tokens_text(tokens, True)}：{published[2]}；可告诉我你的 token 数"))
    elif chinchilla:
        defaults.append(pick(zh, f"{tokens_text(tokens, False)} assumed: the compute-optimal {PRETRAIN_TOKENS_PER_PARAM} "
                                 "tokens per parameter (Chinchilla); say your token count",
                             f"按 {tokens_text(tokens, True)} 估算：计算最优的每参数 {PRETRAIN_TOKENS_PER_PARAM} 个 token"
                             "（Chinchilla），可告诉我你的 token 数"))
    elif not s.tokens:
        defaults.append(pick(zh, f"{tokens_text(tokens, False)} assumed (a typical fine-tune)",
                             f"按 {tokens_text(tokens, True)} 估算（典型微调）"))
    if not s.gpu:
        defaults.append(pick(zh, f"no GPU given: {count}x {t.gpu}", f"未指定 GPU：按 {count} 张 {t.gpu}"))
    elif not s.count:
        defaults.append(pick(zh, f"no count given: {count} GPU(s)", f"未指定卡数：按 {count} 张"))
    name_en, name_zh = method_name(method, False), method_name(method, True)
    if s.train_fp8:  # "train in fp8": the matmuls in FP8 (Transformer Engine), said in the lead
        name_en, name_zh = f"{name_en} in FP8", f"{name_zh}（FP8 训练）"
    if s.preference:  # DPO with all weights trained is not "full fine-tuning" to the person who asked
        name_en, name_zh = (f"DPO ({'full parameters' if method == 'full' else method_name(method, False)}) of",
                            f"DPO（{'全参数' if method == 'full' else method_name(method, True)}）")
    what = pick(zh, f"{name_en} {model_label(t.model, zh)} on {tokens_text(t.tokens, False)} with "
                    f"{on_gpus(t.gpu_count, t.gpu, False)}",
                f"{model_label(t.model, zh)} {name_zh}，{tokens_text(t.tokens, True)}，{on_gpus(t.gpu_count, t.gpu, True)}")
    cost = ""
    if c is not None and c.usd:
        cost = pick(zh, f" and about {usd(c.usd)} at {usd(c.usd_per_gpu_hour)}/GPU-hour",
                    f"，约 {usd(c.usd)}（{usd(c.usd_per_gpu_hour)}/GPU-小时）")
    rng = _range(t, zh)
    if memory_note:
        what += memory_note
    about = ("About ", "约 ") if t.hours * 60 >= 0.5 else ("", "")
    lead = pick(zh, f"**{about[0]}{hours_text(t.hours, False)}{rng}, {t.gpu_hours:,.0f} GPU-hours{cost}** for {what}.",
                f"**{about[1]}{hours_text(t.hours, True)}{rng}、{t.gpu_hours:,.0f} GPU-小时{cost}**：{what}。")
    if s.days:  # a deadline: the verdict on it comes first
        ok = t.days <= s.days
        lead = pick(zh, f"**{'Yes' if ok else 'No'}: about {t.days:,.1f} days** (deadline: {s.days:g} days) for {what}; "
                        f"{t.gpu_hours:,.0f} GPU-hours{cost}.",
                    f"**{'能' if ok else '不能'}：约需 {t.days:,.1f} 天**（期限 {s.days:g} 天）：{what}；"
                    f"{t.gpu_hours:,.0f} GPU-小时{cost}。")
    body = [pick(zh, f"{t.tokens_per_s_per_gpu:,.0f} tokens/s per GPU at {t.mfu:.0%} MFU.",
                 f"每卡 {t.tokens_per_s_per_gpu:,.0f} tokens/s，MFU {t.mfu:.0%}。")]
    if s.train_fp8 and FP8_GAIN_ASK.search(turn.question):
        # "要多久？换成 FP8 训练能快多少？": the BF16 run beside the FP8 one, and the ratio between them
        b = turn.call("estimate_training", model=s.model, tokens=tokens, gpu=gpu, gpu_count=count, method=method,
                      sequence_length=seq, gradient_checkpointing=True if method != "pretrain" else None,
                      mfu=s.mfu, goodput=1.0 if s.mfu else None, reference_model=s.preference or None)
        gain = b.hours / t.hours if t.hours else 0
        body.insert(0, pick(zh, f"In BF16 the same run takes about {hours_text(b.hours, False)} ({b.gpu_hours:,.0f} GPU-hours): "
                                f"FP8 is about {gain:.2f}x faster ({(1 - 1 / gain):.0%} less time) - FP8 speeds the matrix "
                                "multiplies, not attention, communication or the optimizer step.",
                            f"BF16 训练同样的量约 {hours_text(b.hours, True)}（{b.gpu_hours:,.0f} GPU-小时）：FP8 约快 {gain:.2f} 倍"
                            f"（省 {(1 - 1 / gain):.0%} 时间）——FP8 只加速矩阵乘，不加速注意力、通信和优化器。"))
        turn.derive("fp8_training_gain", lambda **kw: kw, bf16_hours=round(b.hours, 1), fp8_hours=round(t.hours, 1),
                    speedup_x=round(gain, 3))
    shown = t.gpu_hours
    stated = re.search(rf"(?<![\d,]){t.gpu_count}(?![\d,])", turn.question)
    if method == "pretrain" and t.days > 180 and not stated and not s.days:
        # a pretraining run of years on the count that merely holds it is not a plan: the cluster sizes that make it one
        ladder = _cluster_ladder(turn, s, tokens, seq, gpu, t)
        if ladder:
            lead, rows, shown = ladder
            body = [rows] + body
    published = PUBLISHED_GPU_HOURS.get(s.model) if TOOK.search(turn.question) else None
    if published:  # "how many GPU hours did Llama 3.1 405B take to train?": what its makers report, beside ours
        body.insert(1 if len(body) > 1 else 0, pick(
            zh, f"Meta reports {published[0] / 1e6:g}M {published[1]} GPU-hours for its pretraining (Llama 3.1 model card); "
                f"this estimate is {shown / published[0]:.2f}x that.",
            f"Meta 公布的预训练用量是 {published[0] / 1e6:g}M {published[1]} GPU-小时（Llama 3.1 模型卡）；"
            f"这里的估算是它的 {shown / published[0]:.2f} 倍。"))
    if method in ("lora", "qlora"):
        body.append(pick(zh, f"{method_name(method, False)} still does about two-thirds of full fine-tuning's compute "
                             "per token: it saves memory, not most of the FLOPs.",
                         f"{method_name(method, True)} 每个 token 的计算量仍约为全量微调的三分之二：省的是显存，不是算力。"))
    if s.days and t.days > s.days:
        body.insert(0, _gpus_for_deadline(turn, s, method, tokens, seq, gpu, t))
    if s.budget_usd and c is not None and c.usd:
        within = c.usd <= s.budget_usd
        body.insert(0, pick(zh, f"{'Within' if within else 'Over'} the ${s.budget_usd:,.0f} budget.",
                            f"{'在' if within else '超出'} ${s.budget_usd:,.0f} 预算{'内' if within else ''}。"))
    if defaults:
        body.append(pick(zh, "Assumed: ", "默认：") + "; ".join(defaults) + ".")
    if not zh:
        body += [n for n in t.notes if "compute per token" not in n and not n.startswith("Range:")]
    assumptions = list(t.assumptions) if not zh else [f"MFU {t.mfu:.0%}", f"序列 {seq:,} tokens",
                                                       f"{t.gpu_count} 张 {t.gpu}"]
    return Reply(lead, body, assumptions)


def _cluster_ladder(turn, s: Slots, tokens: float, seq: int, gpu: str, t) -> tuple[str, str] | None:
    """Pretraining that would take years on the GPUs that merely hold it: the days on clusters of 512-16,384 GPUs
    (MFU falls a little with scale in the step model), led by the smallest that finishes within about three months."""
    zh = turn.zh
    rows, pick_row = [], None
    for n in (512, 1024, 2048, 4096, 8192, 16384):
        if n <= t.gpu_count:
            continue
        r = turn.call("estimate_training", model=s.model, tokens=tokens, gpu=gpu, gpu_count=n, method="pretrain",
                      sequence_length=seq, mfu=s.mfu, goodput=1.0 if s.mfu else None)
        rows.append(r)
        if pick_row is None and r.days <= 92:
            pick_row = r
    if not rows:
        return None
    best = pick_row or rows[-1]
    c = turn.call("estimate_cost", gpu=gpu, gpu_count=best.gpu_count, gpu_hours=best.gpu_hours)
    priced_en = f", {usd(c.usd)} at {usd(c.usd_per_gpu_hour)}/GPU-hour" if c.usd else ""  # no rent on file: none said
    priced_zh = f"，约 {usd(c.usd)}（{usd(c.usd_per_gpu_hour)}/GPU-小时）" if c.usd else ""
    lead = pick(zh, f"**About {best.gpu_hours:,.0f} GPU-hours{priced_en}**: on "
                    f"{best.gpu_count:,} {best.gpu} about {best.days:,.0f} days (the GPU-hours barely change with the "
                    "cluster size; the days do).",
                f"**约 {best.gpu_hours:,.0f} GPU-小时{priced_zh}**：用 "
                f"{best.gpu_count:,} 张 {best.gpu} 约 {best.days:,.0f} 天（总 GPU-小时几乎不随集群大小变，天数会变）。")
    lines = [pick(zh, f"- {r.gpu_count:,} GPUs: about {r.days:,.0f} days (MFU {r.mfu:.0%})",
                  f"- {r.gpu_count:,} 张：约 {r.days:,.0f} 天（MFU {r.mfu:.0%}）") for r in rows]
    head = pick(zh, f"By cluster size (the {t.gpu_count} GPUs that merely hold it would take {t.days / 365:,.1f} years):",
                f"按集群规模（只够放下的 {t.gpu_count} 张要跑 {t.days / 365:,.1f} 年）：")
    return lead, head + "\n" + "\n".join(lines), best.gpu_hours


def _gpus_for_deadline(turn, s: Slots, method: str, tokens: float, seq: int, gpu: str, t) -> str:
    """How many of these GPUs would finish by the deadline (the plan: whole nodes, MFU at that scale)."""
    from tools.errors import AdvisorInputError

    zh = turn.zh
    workload = "pretrain" if method == "pretrain" else "finetune"
    extra = {} if workload == "pretrain" else {"method": method}
    try:
        p = turn.call("recommend_hardware", model=s.model, workload=workload, tokens=tokens, context=seq,
                      deadline_days=s.days, gpus=[gpu],
                      max_gpus=100_000, **extra)
    except AdvisorInputError:
        return ""
    n = next(iter((p.gpus_needed or {}).values()), None)
    if not n:
        return ""
    return pick(zh, f"To finish in {s.days:g} days: about {n:,} {t.gpu} (the time shrinks a little less than the "
                    "GPU count grows).",
                f"要在 {s.days:g} 天内完成：约需 {n:,} 张 {t.gpu}（卡数增加时效率略有下降）。")


def _method_that_fits(turn, s: Slots, method: str) -> tuple[str, str]:
    """A time for a run that cannot start misleads: check memory on the GPUs given. No method named and a full
    fine-tune does not fit: the lightest method that does, said so. A named method that does not fit: said so."""
    from dataclasses import replace

    from .answers_fit import training_args

    zh = turn.zh
    n = s.count or 1
    first = turn.call("check_fit", model=s.model, gpu=s.gpu, gpu_count=n, **training_args(replace(s, method=method), n))
    if first.fits:
        return method, ""
    if s.method:
        return method, pick(zh, f" - but it does not fit in memory there ({first.required_gib:.1f} GiB per GPU of "
                                f"{first.available_gib:.1f})", f"——但显存放不下（每卡需要 {first.required_gib:.1f} GiB，"
                                f"可用 {first.available_gib:.1f}）")
    for lighter in ("lora", "qlora"):
        r = turn.call("check_fit", model=s.model, gpu=s.gpu, gpu_count=n, **training_args(replace(s, method=lighter), n))
        if r.fits:
            return lighter, pick(zh, f" (a full fine-tune needs {first.required_gib:.1f} GiB per GPU and does not fit, "
                                     f"so {method_name(lighter, False)})",
                                 f"（全量微调每卡需要 {first.required_gib:.1f} GiB，放不下，所以按 {method_name(lighter, True)}）")
    return method, pick(zh, " - but no method fits in memory there", "——但任何方法都放不下")


def _range(t, zh: bool) -> str:
    lo_hi = getattr(t, "hours_range", None)
    if not lo_hi:
        return ""
    lo, hi = lo_hi
    digits = 1 if hi < 10 else 0
    if round(lo, digits) == round(hi, digits) or hi < 0.5:
        return ""  # a range that rounds to one figure says nothing
    return pick(zh, f" (best to typical: {lo:,.{digits}f}-{hi:,.{digits}f} h)",
                f"（区间 {lo:,.{digits}f}-{hi:,.{digits}f} 小时）")


def _gpu_kind(gpu: str) -> str:
    from tools.gpus import get_gpu

    return get_gpu(gpu).kind
