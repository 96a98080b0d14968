"""Concepts and misconceptions (from our guidance), quantization choices, GPU specs, and the answers for what
cannot be computed: out-of-range figures, local file paths, questions with nothing to size."""

from __future__ import annotations

import re

from .answers_fit import inference_args, training, training_args
from .parse import SERVING_LOAD, Slots
from .text import Reply, format_option_line, gib, memory_assumptions, model_label, on_gpus, pick, what

GIB_PER_GB = 2**30 / 1e9


def concept(turn, s: Slots, question: str) -> Reply:
    """A concept question answered from the guidance section that names what was asked (advisor/offline/concepts.py):
    its opening sentence leads, in the asker's language; a second section is named only when it is as relevant."""
    from . import concepts

    zh = turn.zh
    hits = turn.cite(question, k=8, semantic=True, relevant_only=False)
    extra = [h for h in concepts.heading_hits(question, turn.lang) if all(h["chunk_id"] != x.get("chunk_id") for x in hits)]
    if extra:
        # a section found by its heading gets the middle search score: no bonus or penalty from a search it missed
        scores = sorted(h.get("score") or 0.0 for h in hits)
        mid = scores[len(scores) // 2] if scores else 0.0
        extra = [h | {"score": mid} for h in extra]
        turn.record_guidance(question, extra)
    ranked = concepts.rank(hits + extra, question)
    if not ranked:
        return unknown(turn, s, pick(zh, "I found no guidance on that. ", "我没有找到相关指南。"))
    best, top = ranked[0]
    more = bool(concepts.SECOND_ASK.search(question))
    lead, body = concepts.quote(top["text"], zh, more=more)
    lead = lead or top["heading"]
    source = pick(zh, f"Source: {top['citation']}", f"出处：{top['citation']}")
    if len(ranked) > 1 and ranked[1][1]["citation"] != top["citation"] and ranked[1][0] >= 0.85 * best:
        source += pick(zh, f"; see also {ranked[1][1]['citation']}", f"；另见 {ranked[1][1]['citation']}")
        if more:  # "why is decode memory bound but prefill compute bound?": the other section's opening too
            other, rest = concepts.quote(ranked[1][1]["text"], zh, sentences=2)
            if other:
                body.append(other + ("" if zh else " ") + (rest[0] if rest else ""))
    body.append(source)
    verdict = _mfu_verdict(question, zh)
    if verdict:  # "is 40% MFU high or low?": the verdict first, the explanation after
        body.insert(0, f"**{lead}**" if len(lead) < 220 else lead)
        return Reply(verdict, body)
    return Reply(f"**{lead}**" if len(lead) < 220 else lead, body)


# MFU of well-tuned large training runs (knowledge/docs/distributed-training.md: Llama 3 405B 38-43% on H100s, PaLM
# 46.2%, Megatron-LM 52%); smaller models, long sequences, PCIe-only GPUs and untuned code run lower
MFU_TUNED_PCT = (35, 55)
MFU_PCT = re.compile(r"(?:mfu\D{0,20}?(\d{1,2}(?:\.\d+)?)\s*%|(\d{1,2}(?:\.\d+)?)\s*%\s*(?:的\s*)?mfu)", re.I)


def _mfu_verdict(question: str, zh: bool) -> str | None:
    """An MFU figure the person asks about, against what well-tuned runs reach."""
    m = MFU_PCT.search(question) or (re.search(r"mfu", question, re.I) and re.search(r"(\d{1,2}(?:\.\d+)?)\s*%", question))
    if not m:
        return None
    v = float(next(g for g in m.groups() if g))
    lo, hi = MFU_TUNED_PCT
    if v < lo - 10:
        en, z = f"{v:g}% MFU is low", f"{v:g}% 的 MFU 偏低"
    elif v < lo:
        en, z = f"{v:g}% MFU is a little below a tuned run", f"{v:g}% 的 MFU 略低于调优良好的水平"
    elif v <= hi:
        en, z = f"{v:g}% MFU is good", f"{v:g}% 的 MFU 算好的"
    else:
        en, z = f"{v:g}% MFU is exceptionally high (check how it is counted)", f"{v:g}% 的 MFU 非常高（核对一下算法）"
    return pick(zh, f"**{en}**: well-tuned large training runs reach {lo}-{hi}% (Llama 3 405B: 38-43% on H100s); smaller "
                    "models, long sequences, PCIe-only GPUs and untuned code run lower.",
                f"**{z}**：调优良好的大规模训练约 {lo}-{hi}%（Llama 3 405B 在 H100 上 38-43%）；小模型、长序列、只有 PCIe 互联"
                "和未调优的代码会更低。")


def misconception(turn, s: Slots, question: str) -> Reply:
    zh = turn.zh
    if not s.model:
        return concept(turn, s, question)
    args = training_args(s) if training(s) else {**inference_args(s), "batch": None}
    m = turn.call("estimate_memory", model=s.model, gpu_count=s.count or 1, **args)
    need_gb = m.per_gpu_gib * GIB_PER_GB
    weights_gb = m.weights_gib * GIB_PER_GB
    label = what(m, zh)
    body = []
    if s.claimed_gb:
        close = abs(s.claimed_gb / need_gb - 1) <= 0.15
        naive = m.params_b * _bits(m.precision) / 8
        if close:
            lead = pick(zh, f"**Yes, roughly:** {label} needs about {need_gb:.1f} GB ({gib(m.per_gpu_gib)}) in all.",
                        f"**基本是的：** {label} 总共约需 {need_gb:.1f} GB（{gib(m.per_gpu_gib)}）。")
            if not training(s) and not s.precision and m.precision in ("bf16", "fp16"):  # true at 16-bit; lighter formats
                lighter = [turn.call("estimate_memory", model=s.model, gpu_count=s.count or 1,
                                     **{**args, "precision": p}) for p in ("fp8", "awq-4bit")]
                lead += pick(zh, " That is at 16-bit: " + ", ".join(f"{x.precision} about {gib(x.per_gpu_gib)}" for x in lighter)
                             + ".", "这是 16 位的数字：" + "，".join(f"{x.precision} 约 {gib(x.per_gpu_gib)}" for x in lighter) + "。")
        else:
            lead = pick(zh, f"**No - about {need_gb:.1f} GB ({gib(m.per_gpu_gib)}), not {s.claimed_gb:g} GB.** "
                            f"The weights alone are {weights_gb:.1f} GB for {label}.",
                        f"**不是——约 {need_gb:.1f} GB（{gib(m.per_gpu_gib)}），不是 {s.claimed_gb:g} GB。** "
                        f"{label} 仅权重就有 {weights_gb:.1f} GB。")
            implied_bits = s.claimed_gb * 8 / m.params_b
            if abs(s.claimed_gb - naive) / max(naive, 1e-9) >= 0.1 and implied_bits < _bits(m.precision) * 0.9:
                body.append(pick(zh, f"{s.claimed_gb:g} GB for {m.params_b:.1f}B parameters would be {implied_bits:.1f} bits "
                                     f"per parameter; {m.precision} stores about {_bits(m.precision):g} bits per weight "
                                     f"({_bits(m.precision) / 8:g} byte).",
                                 f"{s.claimed_gb:g} GB 对 {m.params_b:.1f}B 参数相当于每个参数 {implied_bits:.1f} 位；"
                                 f"{m.precision} 每个权重约 {_bits(m.precision):g} 位（{_bits(m.precision) / 8:g} 字节）。"))
            if abs(s.claimed_gb - naive) / max(naive, 1e-9) < 0.1:
                body.append(pick(zh, f"{s.claimed_gb:g} GB is just {m.params_b:.1f}B parameters x {_bits(m.precision):g} "
                                     "bits: it leaves out the quantization scales, the layers kept in 16-bit "
                                     "(embeddings, LM head), the KV cache, activations and the CUDA context.",
                                 f"{s.claimed_gb:g} GB 只是 {m.params_b:.1f}B 参数 × {_bits(m.precision):g} 位：漏掉了量化"
                                 "缩放因子、保持 16 位的层（embedding、LM head）、KV 缓存、激活和 CUDA 上下文。"))
    elif re.search(r"\bactive\b|激活参数|活跃参数", question, re.I) and _active_b(s.model):
        active = _active_b(s.model)
        lead = pick(zh, f"**No: all {m.params_b:.1f}B parameters must be in memory, not only the {active:.1f}B active ones** - "
                        f"{label} needs about {need_gb:.1f} GB ({gib(m.per_gpu_gib)}), weights {weights_gb:.1f} GB. The "
                        "active parameters set the compute and the bytes read per token, so speed, not memory.",
                    f"**不对：全部 {m.params_b:.1f}B 参数都要放进显存，不只是激活的 {active:.1f}B**——{label} 约需 {need_gb:.1f} GB"
                    f"（{gib(m.per_gpu_gib)}），权重 {weights_gb:.1f} GB。激活参数决定的是每个 token 的计算量和读取量，即速度，而不是显存。")
    else:
        lead = pick(zh, f"**{label} needs about {need_gb:.1f} GB ({gib(m.per_gpu_gib)})**; weights {weights_gb:.1f} GB.",
                    f"**{label} 约需 {need_gb:.1f} GB（{gib(m.per_gpu_gib)}）**，其中权重 {weights_gb:.1f} GB。")
    from .text import breakdown

    body.append(breakdown(m, zh))
    return Reply(lead, body, memory_assumptions(m, args, zh), cite=None if s.claimed_gb else "misconceptions " + question)


def _desktop(gpu: str) -> bool:
    from tools.gpus import get_gpu

    return get_gpu(gpu).kind in ("consumer", "workstation") or get_gpu(gpu).vendor == "apple"


def _active_b(model: str) -> float | None:
    """Active parameters (billions) of a mixture-of-experts model, else None."""
    from tools.lookup import lookup_model

    try:
        info = lookup_model(model)
    except Exception:  # noqa: BLE001 - no MoE verdict without the model
        return None
    a = info.active_params_b
    return a if a and info.params_b and a < info.params_b * 0.9 else None


def _bits(precision: str) -> float:
    from tools.formats import weight_format

    try:
        return float(round(weight_format(precision).linear_bits))
    except Exception:  # noqa: BLE001 - an unknown format: no naive figure to compare
        return 16.0


def quantization(turn, s: Slots, question: str) -> Reply:
    zh = turn.zh
    if not s.model:
        return concept(turn, s, question)
    formats = s.formats if len(s.formats) >= 2 else None  # None: the CLI's list, so both pick alike
    if s.gpu and formats is None:
        from tools.gpus import get_gpu
        from tools.quantization import DEFAULT_FORMATS

        g = get_gpu(s.gpu)
        if not g.supports_fp8 or not g.supports_bf16:  # Turing/Ampere: no FP8; V100/T4: 16-bit means fp16
            formats = [("fp16" if f == "bf16" and not g.supports_bf16 else f) for f in DEFAULT_FORMATS
                       if not (f == "fp8" and not g.supports_fp8)]
    q = turn.call("compare_quantization", model=s.model, gpu=s.gpu, gpu_count=s.count or 1, context=s.context,
                  formats=formats)
    lines = []
    for o in q.options:
        lines.append(format_option_line(o, zh))
    desktop = bool(s.gpu) and (s.users or s.batch or 1) <= 1 and s.framework in (None, "llama.cpp") and \
        _desktop(s.gpu) and len(s.formats) < 2
    gguf = next((o.format for o in q.options if o.fits and o.format.startswith("q")), None) if desktop else None
    if q.gpu:
        where = on_gpus(q.gpu_count, q.gpu, zh) if q.gpu_count > 1 else q.gpu
        lead = pick(zh, f"**{q.smallest_that_fits}** is the least lossy format of {model_label(q.model, zh)} that fits on {where}."
                    if q.smallest_that_fits else f"**No format of {model_label(q.model, zh)} fits on {where}.**",
                    f"**{q.smallest_that_fits}** 是 {model_label(q.model, zh)} 在 {where} 上放得下且损失最小的格式。"
                    if q.smallest_that_fits else f"**{model_label(q.model, zh)} 的所有格式在 {where} 上都放不下。**")
    else:
        lead = pick(zh, f"**{model_label(q.model, zh)} by weight format** (file size, memory and quality):",
                    f"**{model_label(q.model, zh)} 各量化格式**（大小、显存、质量）：")
    if s.gpu and re.search(r"fp8", question, re.I):
        from tools.gpus import get_gpu

        g = get_gpu(s.gpu)
        fp8 = next((o for o in q.options if o.format == "fp8"), None)
        if not g.supports_fp8:  # "A100 不支持 FP8 吧？": answered first, as the tool says this card runs it
            asked = re.search(r"不支持|没有|doesn'?t|does not|no fp8|support", question, re.I)
            right = pick(zh, "Right, " if asked else "", "对，" if asked else "")
            if fp8 is not None and fp8.runs_on_gpu.startswith("not supported"):
                note = pick(zh, f"{right}{g.name} cannot run FP8 weights (no FP8 tensor cores, and the weight-only FP8 "
                                "kernels need Ampere or newer).",
                            f"{right}{g.name} 跑不了 FP8 权重（没有 FP8 张量核心，weight-only FP8 内核也要 Ampere 及以上）。")
                lead = note + " " + lead if asked else lead + " " + note  # asked about FP8: that first
            else:
                lead = pick(zh, f"{right}{g.name} has no FP8 tensor cores (FP8 weights run weight-only, 16-bit math). ",
                            f"{right}{g.name} 没有 FP8 张量核心（FP8 权重只能按 weight-only 运行，计算仍是 16 位）。") + lead
    if q.gpu and ((s.users or s.batch or 1) > 1 or SERVING_LOAD.search(question)):
        from .answers_serve import _format_verdict

        # serving many users: the format that carries the load (users at the per-user speed, per format) decides,
        # not only which is least lossy
        verdict = _format_verdict(s, q.options, zh, turn)
        if verdict:
            lead = verdict + "\n" + lead.replace("**", "")
    if gguf and gguf != q.smallest_that_fits:  # the tool's pick leads (as the CLI's); one person's runtime too
        lines.insert(0, pick(zh, f"For one person with llama.cpp/Ollama: **{gguf}** (GGUF) is the least lossy file that fits.",
                             f"一个人用 llama.cpp/Ollama 时：**{gguf}**（GGUF）是放得下且损失最小的文件。"))
    return Reply(lead, lines)


def gpu_specs(turn, s: Slots) -> Reply:
    zh = turn.zh
    lines = []
    for gid in (s.gpus or ([s.gpu] if s.gpu else []))[:4]:
        g = turn.call("lookup_gpu", name=gid)
        fp8 = f", FP8 {g.fp8_tflops_dense:g}" if g.fp8_tflops_dense else pick(zh, ", no FP8", "，不支持 FP8")
        ic = g.interconnect.type if g.interconnect else "-"
        price = ""
        if len(s.gpus) >= 2:
            c = turn.call("estimate_cost", gpu=gid, hours=1.0) if _priced(gid) else None
            price = pick(zh, f", {_usd(c.usd_per_gpu_hour)}/GPU-hour to rent", f"，租金 {_usd(c.usd_per_gpu_hour)}/GPU-小时") \
                if c and c.usd_per_gpu_hour else ""
        lines.append(f"- **{g.name}**: {g.memory_gib:.1f} GiB, {g.memory_bandwidth_gb_per_s:,.0f} GB/s, "
                     + (f"BF16 {g.bf16_tflops_dense:g}" if g.bf16_tflops_dense else f"FP16 {g.fp16_tflops_dense or 0:g} (no BF16)")
                     + f" TFLOPS{fp8}, {ic}, {g.tdp_w or 0:.0f} W{price}")
    if not lines:
        return unknown(turn, s)
    if len(lines) == 1:
        return Reply(lines[0][2:], [])
    lead = pick(zh, "**GPU specs side by side (dense TFLOPS):**", "**GPU 规格对比（稠密 TFLOPS）：**")
    specs = [c.result for c in turn.calls if c.tool == "lookup_gpu" and isinstance(c.result, dict)]
    if len(specs) == 2:
        a, b = specs
        fa = a.get("bf16_tflops_dense") or a.get("fp16_tflops_dense") or 0
        fb = b.get("bf16_tflops_dense") or b.get("fp16_tflops_dense") or 0
        lead = pick(zh, f"**{a['name']} vs {b['name']}: {fa:g} vs {fb:g} dense BF16 TFLOPS, "
                        f"{a['memory_bandwidth_gb_per_s']:,.0f} vs {b['memory_bandwidth_gb_per_s']:,.0f} GB/s, "
                        f"{a['memory_gib']:.0f} vs {b['memory_gib']:.0f} GiB.** Training and prefill follow compute; "
                        "generating tokens follows memory bandwidth.",
                    f"**{a['name']} 对 {b['name']}：稠密 BF16 {fa:g} 对 {fb:g} TFLOPS，带宽 {a['memory_bandwidth_gb_per_s']:,.0f} 对 "
                    f"{b['memory_bandwidth_gb_per_s']:,.0f} GB/s，显存 {a['memory_gib']:.0f} 对 {b['memory_gib']:.0f} GiB。**"
                    "训练和 prefill 看算力，生成 token 看显存带宽。")
    if len(s.gpus) >= 2:
        lead += pick(zh, " For value, compare cost per token on your model (ask e.g. 'A100 vs H100 for Llama 3.1 8B: "
                         "which is faster?').", "性价比要看在你的模型上每个 token 的成本（可以问“Llama 3.1 8B 在 A100 和 H100 上哪个快”）。")
    return Reply(lead + "\n" + "\n".join(lines), [])


def _priced(gpu_id: str) -> bool:
    from tools.prices import gpu_prices

    p = gpu_prices(gpu_id)
    return bool(p.on_demand_usd_per_hour or p.cheapest_usd_per_hour)


def _usd(x: float) -> str:
    from .text import usd

    return usd(x)


def unknown(turn, s: Slots, prefix: str = "") -> Reply:
    zh = turn.zh
    got = []
    if s.model:
        got.append(pick(zh, "model ", "模型 ") + s.model)
    if s.gpu:
        got.append(f"GPU {s.count or 1}x {s.gpu}")
    if s.workload:
        got.append(pick(zh, s.workload, {"inference": "推理部署", "training": "训练", "pretrain": "预训练"}.get(s.workload, s.workload)))
    if s.workload == "inference" and not s.model:  # "部署一个大模型给公司内部用，需要几张卡？": the two facts that set the count
        return Reply(prefix + pick(zh, "**It depends on the model and the load.** Which model (e.g. Llama 3.1 8B, Qwen2.5-32B, "
                                       "a 70B), and about how many people use it at once?",
                                   "**要看模型和并发。**用哪个模型（例如 Llama 3.1 8B、Qwen2.5-32B 还是 70B 级），大约多少人同时用？"),
                     [size_tiers(turn, zh),
                      pick(zh, "With the model and the users at once I can give the GPU count, the speed per user and the "
                               "monthly cost.", "告诉我模型和同时使用人数，就能给出卡数、每人速度和每月成本。")])
    understood = ", ".join(got) or pick(zh, "no model or GPU", "没有识别出模型或 GPU")
    return Reply(prefix + pick(zh, f"I understood: {understood}. Tell me the model (e.g. Llama 3.1 8B, Qwen2.5-32B, or a "
                                   "size like '13B'), the GPU (e.g. 'one 4090', '2x A100 80GB') and the job (inference, "
                                   "LoRA/QLoRA fine-tuning, pretraining).",
                               f"我理解到的是：{understood}。请告诉我模型（如 Llama 3.1 8B、Qwen2.5-32B 或 “13B”）、GPU（如 4090、"
                               "2x A100 80GB）以及用途（推理、LoRA/QLoRA 微调、预训练）。"))


TIER_MODELS = ("llama-3.1-8b", "qwen2.5-32b", "llama-3.3-70b")  # small, medium, large: what "a model" usually means
TIER_GPUS = ("l40s", "h100-sxm")


def size_tiers(turn, zh: bool) -> str:
    """The fewest of two common cards that load each of three typical model sizes in FP8 (memory for one user; more
    users need room for their KV cache): the rule of thumb, from the fit check itself."""
    from .answers_fit import fewest_gpus

    lines = []
    for model in TIER_MODELS:
        parts = []
        for gpu in TIER_GPUS:
            n = fewest_gpus(model, gpu, "fp8")
            if n:
                r = turn.call("check_fit", model=model, gpu=gpu, gpu_count=n, precision="fp8")
                parts.append(f"{n}x {r.gpu}")
        if parts:
            name = turn.call("lookup_model", name=model).model
            lines.append(f"- {name}: " + pick(zh, " or ", " 或 ").join(parts))
    return pick(zh, "As a guide, the fewest cards that load each size in FP8 (one user; many users need more for their "
                    "context):\n", "参考：FP8 下能装下各尺寸的最少卡数（按单用户；多用户还要给上下文留显存）：\n") + "\n".join(lines)


def problem(turn, s: Slots) -> Reply:
    zh = turn.zh
    turn.warnings.extend(s.problems)
    return Reply(pick(zh, "**I can't size that:** " + "; ".join(s.problems) + ". Give a figure in that range.",
                      "**这个数没法算：** " + "；".join(s.problems) + "。请给出范围内的数值。"))


def local_path(turn, s: Slots) -> Reply:
    zh = turn.zh
    return Reply(pick(zh, "**I don't open local files from a chat.** Name the model (a catalog name or a Hugging Face id "
                          "such as meta-llama/Llama-3.1-8B), or run `gpu-advisor fit --model path/to/config.json` on "
                          "your own machine.",
                      "**聊天里不会读取本地文件。** 请给出模型名（目录里的名字或 Hugging Face id，如 meta-llama/Llama-3.1-8B），"
                      "或在本机运行 `gpu-advisor fit --model path/to/config.json`。"))


# a tool's complaint written for Python, not for a person ("FitRequest.__init__() missing 1 required keyword-only
# argument: 'model'"): never shown; the facts that are missing are asked for instead
INTERNAL_ERROR = re.compile(r"__init__\(\)|missing \d+ required|unexpected keyword|object has no attribute|Traceback|NoneType",
                            re.I)


def input_problem(turn, message: str) -> Reply:
    zh = turn.zh
    turn.warnings.append(message)
    if INTERNAL_ERROR.search(message):
        return unknown(turn, Slots())
    return Reply(pick(zh, f"I couldn't compute that: {message}", f"这个问题我没法直接算：{message}"))


MOE_CLAIM = re.compile(r"(?:只|仅|only|just)\s*(?:需要|要|needs?|takes?|uses?)?.{0,30}(?:显存|内存|memory|vram|ram)|"
                       r"(?:省|save|saves|less|low)\w*\s*(?:显存|内存|memory|vram)|active\s*(?:params|parameters)?.{0,30}(?:memory|vram)|"
                       r"(?:显存|memory|vram).{0,20}(?:active|激活)", re.I)
CLAIM_WORDS = re.compile(r"听说|对吗|对不对|是真的|真的吗|是不是|\btrue\b|\breally\b|\bright\?|\bcorrect\b|\bi (?:heard|read)\b|"
                         r"\bthey say\b|\bsomeone (?:said|told)\b|\bsays?\b", re.I)


def moe_memory_claim(turn, s: Slots, question: str) -> str | None:
    """'Qwen3-30B-A3B only needs a 3B model's memory, right?': no - every expert sits in memory; MoE saves compute per
    token, not memory. The verdict with the model's own figures (its total and active parameters)."""
    if not s.model or not CLAIM_WORDS.search(question) or not MOE_CLAIM.search(question):
        return None
    from tools.models import get_model
    from tools.params import count_params

    try:
        m = get_model(s.model)
    except Exception:  # noqa: BLE001 - no model, no verdict
        return None
    if not m.is_moe:
        return None
    c = count_params(m)
    total, active = c.total / 1e9, c.active / 1e9
    return pick(turn.zh, f"**No: {m.name} keeps all {total:.1f}B parameters in memory, not its {active:.1f}B active ones.** "
                         "A mixture-of-experts model saves compute per token (each token uses a few experts), not memory: "
                         "every expert must be loaded (or offloaded to CPU RAM, which is slow).",
                f"**不对：{m.name} 要把全部 {total:.1f}B 参数放进显存，而不是只放 {active:.1f}B 激活参数。**MoE 省的是每个 token 的"
                "计算量（每个 token 只用少数专家），不是显存：所有专家都要加载（或卸载到 CPU 内存，会很慢）。")

