"""How long and what it costs to train (rent prices and buy vs rent: answers_money.py)."""

from __future__ import annotations

from tools.defaults import (  # noqa: E402 - one home for defaults, stated in the answer when assumed
    FINETUNE_SEQUENCE_LENGTH,
    FINETUNE_TOKENS,
    PRETRAIN_SEQUENCE_LENGTH,
)

from .answers_fit import method_of
from .parse import Slots
from .text import Reply, hours_text, method_name, model_label, on_gpus, pick, tokens_text, usd


def _time_method(s: Slots) -> str:
    """Training on a token budget is pretraining unless a fine-tune is said; LoRA/QLoRA only when said."""
    if s.workload == "pretrain":
        return method_of(s)
    return s.method or "full"


def training_time(turn, s: Slots, with_cost: bool = True) -> Reply:
    zh = turn.zh
    method = _time_method(s)
    if method == "pretrain" and not s.tokens:
        return Reply(pick(zh, "**Pretraining time depends on the token budget**: say how many tokens, e.g. 'pretrain "
                              "a 13B model on 500B tokens on 16 A100s'.",
                          "**预训练时间取决于 token 数**：请说明训练多少 token，例如“用 16 张 A100 在 5000 亿 token 上预训练 13B 模型”。"))
    if method == "pretrain" and s.days and not s.count:
        from .answers_serve import which_gpu

        return which_gpu(turn, s)
    memory_note = ""
    if s.gpu and method != "pretrain":
        method, memory_note = _method_that_fits(turn, s, method)
    gpu = s.gpu or ("h100-sxm" if method == "pretrain" else "a100-80gb-sxm")
    count = s.count or (64 if method == "pretrain" else 1)
    seq = s.context or (PRETRAIN_SEQUENCE_LENGTH if method == "pretrain" else FINETUNE_SEQUENCE_LENGTH)
    from_examples = bool(s.examples and not s.tokens)
    tokens = s.tokens or (s.examples * seq * (s.epochs or 1) if from_examples else FINETUNE_TOKENS * (s.epochs or 1))
    t = turn.call("estimate_training", model=s.model, tokens=tokens, gpu=gpu, gpu_count=count, method=method,
                  sequence_length=seq, gradient_checkpointing=True if method != "pretrain" else None)
    c = turn.call("estimate_cost", gpu=gpu, gpu_count=count, gpu_hours=t.gpu_hours) if with_cost else None
    defaults = []
    if from_examples:
        defaults.append(pick(zh, f"{s.examples:,} examples x {seq:,} tokens" + (f" x {s.epochs:g} epochs" if s.epochs else "")
                             + " (packed sequences; shorter examples train faster)",
                             f"{s.examples:,} 条样本 × {seq:,} tokens" + (f" × {s.epochs:g} 轮" if s.epochs else "")
                             + "（按打包后的序列计；样本更短则更快）"))
    elif not s.tokens:
        defaults.append(pick(zh, f"{tokens_text(tokens, False)} assumed (a typical fine-tune)",
                             f"按 {tokens_text(tokens, True)} 估算（典型微调）"))
    if not s.gpu:
        defaults.append(pick(zh, f"no GPU given: {count}x {t.gpu}", f"未指定 GPU：按 {count} 张 {t.gpu}"))
    elif not s.count:
        defaults.append(pick(zh, f"no count given: {count} GPU(s)", f"未指定卡数：按 {count} 张"))
    what = pick(zh, f"{method_name(method, False)} {model_label(t.model, zh)} on {tokens_text(t.tokens, False)} with "
                    f"{on_gpus(t.gpu_count, t.gpu, False)}",
                f"{model_label(t.model, zh)} {method_name(method, True)}，{tokens_text(t.tokens, True)}，{on_gpus(t.gpu_count, t.gpu, True)}")
    cost = ""
    if c is not None and c.usd:
        cost = pick(zh, f" and about {usd(c.usd)} at {usd(c.usd_per_gpu_hour)}/GPU-hour",
                    f"，约 {usd(c.usd)}（{usd(c.usd_per_gpu_hour)}/GPU-小时）")
    rng = _range(t, zh)
    if memory_note:
        what += memory_note
    lead = pick(zh, f"**About {hours_text(t.hours, False)}{rng}, {t.gpu_hours:,.0f} GPU-hours{cost}** for {what}.",
                f"**约 {hours_text(t.hours, True)}{rng}、{t.gpu_hours:,.0f} GPU-小时{cost}**：{what}。")
    body = [pick(zh, f"{t.tokens_per_s_per_gpu:,.0f} tokens/s per GPU at {t.mfu:.0%} MFU.",
                 f"每卡 {t.tokens_per_s_per_gpu:,.0f} tokens/s，MFU {t.mfu:.0%}。")]
    if method in ("lora", "qlora"):
        body.append(pick(zh, f"{method_name(method, False)} still does about two-thirds of full fine-tuning's compute "
                             "per token: it saves memory, not most of the FLOPs.",
                         f"{method_name(method, True)} 每个 token 的计算量仍约为全量微调的三分之二：省的是显存，不是算力。"))
    if method == "pretrain" and s.days:
        ok = t.days <= s.days
        body.insert(0, pick(zh, f"{'Meets' if ok else 'Misses'} the {s.days:g}-day deadline ({t.days:,.1f} days).",
                            f"{'能' if ok else '不能'}在 {s.days:g} 天内完成（约 {t.days:,.1f} 天）。"))
    if s.budget_usd and c is not None and c.usd:
        within = c.usd <= s.budget_usd
        body.insert(0, pick(zh, f"{'Within' if within else 'Over'} the ${s.budget_usd:,.0f} budget.",
                            f"{'在' if within else '超出'} ${s.budget_usd:,.0f} 预算{'内' if within else ''}。"))
    if defaults:
        body.append(pick(zh, "Assumed: ", "默认：") + "; ".join(defaults) + ".")
    if not zh:
        body += [n for n in t.notes if "compute per token" not in n]
    assumptions = list(t.assumptions) if not zh else [f"MFU {t.mfu:.0%}", f"序列 {seq:,} tokens",
                                                       f"{t.gpu_count} 张 {t.gpu}"]
    return Reply(lead, body, assumptions)


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
    if hi < 10:
        return pick(zh, f" (typical-best {lo:,.1f}-{hi:,.1f} h)", f"（区间 {lo:,.1f}-{hi:,.1f} 小时）")
    return pick(zh, f" (typical-best {lo:,.0f}-{hi:,.0f} h)", f"（区间 {lo:,.0f}-{hi:,.0f} 小时）")
