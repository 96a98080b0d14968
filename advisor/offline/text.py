"""Wording shared by the answer templates, English and Chinese: figures, names, assumptions and suggestions
rendered from the tools' structured fields (so a Chinese answer is Chinese all the way, not tool prose)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

METHOD_NAMES = {"full": ("full fine-tuning", "全量微调"), "lora": ("LoRA", "LoRA"), "qlora": ("QLoRA", "QLoRA"),
                "pretrain": ("pretraining", "预训练")}
FRAMEWORK_NAMES = {"transformers": "Hugging Face transformers", "vllm": "vLLM", "llama.cpp": "llama.cpp",
                   "tensorrt-llm": "TensorRT-LLM", "sglang": "SGLang", "autoawq": "AutoAWQ", "deepspeed": "DeepSpeed",
                   "fsdp": "PyTorch FSDP", "torchtune": "torchtune"}


@dataclass
class Reply:
    """One ask's part of an answer: the lead sentence (the answer itself), then details."""

    lead: str
    body: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    cite: str | None = None  # a topic to look up for a one-sentence "why", or None


def pick(zh: bool, en: str, zh_text: str) -> str:
    return zh_text if zh else en


def chat_average_note(context: int, zh: bool) -> str:
    """The assumption behind a many-user answer sized at a chat's average context (tools/defaults.CHAT_CONTEXT_AVERAGE)."""
    from tools.defaults import INFERENCE_CONTEXT

    return pick(zh, f"{context:,} tokens per conversation: you did not say a context, and a chat holds about half of a "
                    f"window of {INFERENCE_CONTEXT:,} tokens on average (the KV cache holds the tokens used, not the window); "
                    "tell me yours to recount",
                f"每段对话按 {context:,} tokens：你没说上下文，聊天平均只用到 {INFERENCE_CONTEXT:,} tokens 窗口的一半左右"
                "（KV 缓存按实际用到的 token 占显存，不按窗口）；告诉我你的上下文可以重算")


def gib(x: float) -> str:
    return f"{x:.1f} GiB" if x < 100 else f"{x:,.0f} GiB"


def tps(x: float | None) -> str:
    if x is None:
        return "?"
    return f"{x:,.0f}" if x >= 10 else f"{x:.1f}"


def usd(x: float | None) -> str:
    if x is None:
        return "?"
    if x >= 100:
        return f"${x:,.0f}"
    return f"${x:,.2f}"


def hours_text(h: float, zh: bool) -> str:
    if h < 1:
        mins = max(1, round(h * 60))
        return pick(zh, f"{mins} minute{'s' if mins > 1 else ''}" if h * 60 >= 0.5 else "under a minute",
                    f"{mins} 分钟" if h * 60 >= 0.5 else "不到 1 分钟")
    if h >= 48:
        return pick(zh, f"{h:,.0f} hours ({h / 24:,.1f} days)", f"{h:,.0f} 小时（{h / 24:,.1f} 天）")
    return pick(zh, f"{h:,.1f} hours", f"{h:,.1f} 小时")


def tokens_text(n: float, zh: bool) -> str:
    if zh:
        if n >= 1e12:
            return f"{n / 1e12:g} 万亿 tokens"
        if n >= 1e8:
            return f"{n / 1e8:g} 亿 tokens"
        return f"{n / 1e4:g} 万 tokens"
    for scale, word in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if n >= scale:
            return f"{float(f'{n / scale:.3g}'):g}{word} tokens"
    return f"{n:g} tokens"


QUALITY_ZH = {"none": "无损", "negligible": "几乎无损", "small": "轻微损失", "moderate": "中等损失", "large": "明显损失",
              "unknown": "无公开数据"}


def format_option_line(o, zh: bool) -> str:
    """One weight format in a list: file size, bits per weight, memory per GPU, fit, and the measured quality
    class (tools/data/quant_quality.json), in the asker's language."""
    unsupported = o.runs_on_gpu.startswith(("not supported", "needs"))
    if o.fits is None:
        fit = ""
    elif unsupported:
        fit = pick(zh, " - not supported on this GPU", "，这张卡不支持")
    elif o.fits:
        fit = pick(zh, " - fits, tight (little KV room)" if o.tight else " - fits",
                   "，放得下但很紧（KV 空间很少）" if o.tight else "，放得下")
    else:
        fit = pick(zh, " - too big", "，放不下")
    total = f", {gib(o.total_gib)}/GPU" if o.total_gib is not None else ""
    quality = pick(zh, f"quality: {o.quality_impact}", f"质量：{QUALITY_ZH.get(o.quality_impact, o.quality_impact)}")
    return f"- {o.format}: {o.weights_gb:.1f} GB ({o.bits_per_weight:.2f} bits/w){total}{fit}; {quality}"


def method_name(method: str | None, zh: bool) -> str:
    en, z = METHOD_NAMES.get(method or "full", (method or "", method or ""))
    return z if zh else en


def on_gpus(n: int, gpu: str, zh: bool) -> str:
    return f"{n} 张 {gpu}" if zh else f"{n}x {gpu}"


def model_label(name: str, zh: bool) -> str:
    """Catalog names as they are; the generic-shape label in the answer's language."""
    m = re.match(r"generic ([\d.]+[BM]) dense model \(approx\. shape, ([\d.]+)B params\)", name)
    if not m:
        return name
    return (f"通用 {m.group(1)} 稠密模型（近似结构，{m.group(2)}B 参数）" if zh else
            f"a generic {m.group(1)} dense model ({m.group(2)}B params, approximate shape)")


def what(m, zh: bool) -> str:
    """'LoRA Llama 2 13B (bf16)' / 'Llama 2 13B LoRA（bf16）' from a MemoryEstimate."""
    name = model_label(m.model, zh)
    if m.workload == "training":
        meth = method_name(m.method, zh)
        return f"{name} {meth}（{m.precision}）" if zh else f"{meth} {name} ({m.precision})"
    return f"{name} 推理（{m.precision}）" if zh else f"{name} inference ({m.precision})"


BREAKDOWN_NAMES = {"weights": ("weights", "权重"), "kv_cache": ("KV cache", "KV 缓存"),
                   "activations": ("activations", "激活"), "gradients": ("gradients", "梯度"),
                   "optimizer": ("optimizer", "优化器状态"), "logits": ("logits", "logits"),
                   "adapters": ("LoRA adapters", "LoRA 适配器"), "overhead": ("CUDA context/allocator", "CUDA 上下文等")}


def breakdown(m, zh: bool) -> str:
    parts = [f"{BREAKDOWN_NAMES[k][1 if zh else 0]} {gib(v)}" for k, v in m.breakdown_gib.items()
             if v >= 0.05 and k in BREAKDOWN_NAMES]
    unit = "tokens"
    if zh:
        return "每卡构成：" + "，".join(parts) + f"（序列 {m.context:,} {unit}，batch {m.batch}）。"
    return "Per GPU: " + ", ".join(parts) + f" (at {m.context:,} {unit}, batch {m.batch})."


def memory_assumptions(m, args: dict, zh: bool) -> list[str]:
    """The assumptions behind a memory estimate. English: the tool's own list; Chinese: rendered from the fields and
    the arguments (the tool's prose is English)."""
    if not zh:
        return list(m.assumptions)
    fused = args.get("loss_kernel") == "fused"  # Unsloth or Liger said: sized with torchtune's profile and a fused loss
    out = [f"权重格式 {m.precision}", f"序列 {m.context:,} tokens × batch {m.batch}",
           "框架 Unsloth/Liger（嵌入层 bf16、融合交叉熵，不生成完整 logits）" if fused else
           f"框架 {FRAMEWORK_NAMES.get(m.framework, m.framework)}"]
    if m.workload == "training":
        ck = args.get("gradient_checkpointing")
        if ck is None:
            ck = m.method == "qlora"
        out.append("梯度检查点" + ("开启" if ck else "关闭"))
        if args.get("sharding") and args["sharding"] != "none":
            out.append(f"{m.data_parallel} 卡 ZeRO-3/FSDP 分片")
        if m.method in ("lora", "qlora"):
            out.append(f"LoRA rank {args.get('lora_rank', 16)}，作用于全部线性层")
    else:
        if m.tensor_parallel > 1:
            out.append(f"张量并行 {m.tensor_parallel}")
        kv = args.get("kv_dtype")
        if kv:
            out.append(f"KV 缓存 {kv}")
    if m.approximate_shape:
        out.append("模型结构按通用稠密模型估算（约 ±10%）")
    return out


def suggestion_text(s, zh: bool, gpu_names: dict | None = None) -> str:
    """A 'what would make it fit' line from a Suggestion's action and changes."""
    if not zh:
        return s.description
    c = s.changes
    gpu = _gpu_name(c.get("gpu")) if c.get("gpu") else None
    texts = {
        "qlora": "改用 QLoRA（4 位 NF4 基座权重 + LoRA 适配器）",
        "quantize": f"把权重量化到 {c.get('precision')}",
        "gradient-checkpointing": "开启梯度检查点（慢约 30%，激活大幅减少）",
        "kv-fp8": f"KV 缓存改用 {c.get('kv_dtype')}（减半）",
        "smaller-batch": f"batch 减到 {c.get('batch')}",
        "shorter-context": f"序列缩短到 {c.get('context', 0):,} tokens",
        "8bit-optimizer": "改用 8 位 AdamW（bitsandbytes）",
        "pure-bf16": "直接训练 bf16 权重、不保留 fp32 主副本（用 Kahan 求和或随机舍入的优化器）",
        "leaner-trainer": "改用 torchtune（嵌入层保持 bf16、分块计算 loss）或 Unsloth，而不是 Hugging Face PEFT",
        "lora": "改用 LoRA 微调",
        "zero3": "用 ZeRO-3/FSDP 把权重、梯度和优化器分片到多卡",
        "offload": "把优化器状态卸载到 CPU 内存（DeepSpeed ZeRO-Offload，较慢）",
        "more-gpus": f"用 {c.get('gpu_count')} 张卡（" + ("张量并行" if c.get("tensor_parallel") else "ZeRO-3/FSDP") + "）",
        "bigger-gpu": f"换成更大的 GPU：{gpu}",
    }
    text = texts.get(s.action, s.description)
    if s.action not in ("gradient-checkpointing", "qlora") and c.get("gradient_checkpointing"):
        text += " + 梯度检查点"
    return text


def _gpu_name(gpu_id: str) -> str:
    from tools.gpus import get_gpu

    try:
        return get_gpu(gpu_id).name
    except Exception:  # noqa: BLE001 - a name we cannot resolve is shown as given
        return gpu_id


def short_fix(s) -> str:
    """The change in a few words, for a lead sentence: 'yes with QLoRA (9.5 GiB per GPU)'."""
    c = s.changes
    return {"qlora": "QLoRA", "quantize": f"{c.get('precision')} weights", "lora": "LoRA",
            "gradient-checkpointing": "gradient checkpointing", "8bit-optimizer": "an 8-bit optimizer",
            "zero3": "ZeRO-3/FSDP sharding", "offload": "the optimizer offloaded to CPU",
            "more-gpus": f"{c.get('gpu_count')} GPUs", "kv-fp8": f"a {c.get('kv_dtype')} KV cache",
            "smaller-batch": f"batch {c.get('batch')}", "shorter-context": f"{c.get('context', 0):,}-token sequences",
            "bigger-gpu": "a bigger GPU", "leaner-trainer": "torchtune or Unsloth",
            "pure-bf16": "no fp32 master copy"}.get(s.action, s.description)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'*])|(?<=[。！？])")


def first_sentence(text: str, max_chars: int = 300) -> str:
    """The first whole sentence of a guidance passage: no table rows, headings or list markers, never cut mid-way."""
    text = re.sub(r"\s*\[[A-Za-z0-9][\w.-]*\]", "", text)  # the docs' [source-id] markers
    lines = [ln.strip() for ln in text.splitlines()]
    prose = " ".join(ln for ln in lines if ln and not ln.startswith(("|", "#", "<!--", "```")))
    prose = re.sub(r"^[-*]\s+", "", prose).replace("**", "")
    for sentence in _SENTENCE_END.split(prose):
        sentence = sentence.strip()
        if 20 <= len(sentence) <= max_chars:
            return sentence
    return ""
