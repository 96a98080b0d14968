"""Answers for the asks in the table (advisor/offline/table.py): each plans its tool calls from the slots and leads
with the verdict or figure asked for. Derived figures (users at a speed, ratios, savings, energy) come from the
calculators in tools/search.py, recorded as tool calls like the registry's."""

from __future__ import annotations

import dataclasses
import math
import re

from tools import search
from tools.defaults import CHAT_USER_TOKENS_PER_S, INFERENCE_CONTEXT
from tools.errors import AdvisorInputError
from tools.gpus import get_gpu
from tools.throughput import chat_turn, serving_split

from .answers_fit import fewest_gpus, training
from .asks import CAP_COST_ASK
from .parse import SERVING_LOAD, Slots
from .text import QUALITY_ZH, Reply, chat_average_note, gib, hours_text, model_label, pick, tps, usd

REPRESENTATIVE_MODEL = "llama-3.1-8b"  # "A100 vs H100 for inference" with no model: a common 8B chat model
REPRESENTATIVE_PRETRAIN = ("1B", 5e10)  # "... for training" with no model: pretraining 1B on 50B tokens


def clarify(turn, s: Slots, question: str, spec, missing: list[str]) -> Reply:
    """A required fact is missing: say what the ask is, and ask for that one fact."""
    en, zh = spec.missing[missing[0]]
    return Reply(pick(turn.zh, f"**One thing first:** {en}", f"**先确认一点：**{zh}"),
                 [pick(turn.zh, "With it I can give the figure; without it any number would be a guess.",
                       "有了这一点我才能给出数字，否则只能是猜测。")])


def clarify_only(turn, s: Slots, question: str) -> Reply:  # never reached with the fact known (see table)
    from .answers_misc import unknown

    return unknown(turn, s)


TYPICAL_TRAINING_JOBS = (  # (model, tokens, method, GPUs): a LoRA run, a full fine-tune, a small pretraining run
    ("llama-3.1-8b", 5e7, "lora", 1), ("llama-3.1-8b", 5e8, "full", 8), ("llama-3.2-1b", 2e10, "pretrain", 8))


def training_cost_typical(turn, s: Slots, question: str) -> Reply:
    """'训练一个模型要多少钱？' with nothing else said: three typical jobs costed by the tools (H100 rent on file), then
    one question for the facts that set the figure."""
    from .answers_fit import FAMILY, FAMILY_SIZES
    from .text import tokens_text

    zh = turn.zh
    lines, costs, spans = [], [], []
    gpu = s.gpu or "h100-sxm"
    fam = FAMILY.search(question)
    small = FAMILY_SIZES[fam.group(0).lower()][0] if fam else None
    jobs = [(small or model, tokens, method, s.count or n) for model, tokens, method, n in TYPICAL_TRAINING_JOBS]
    if fam:  # "cost to finetune mistral?": the family's small model, fine-tuned two ways
        jobs = jobs[:2]
    for model, tokens, method, n in jobs:
        t = turn.call("estimate_training", model=model, tokens=tokens, gpu=gpu, gpu_count=n, method=method,
                      sequence_length=2048 if method != "pretrain" else 4096,
                      gradient_checkpointing=True if method != "pretrain" else None)
        c = turn.call("estimate_cost", gpu=gpu, gpu_count=n, gpu_hours=max(t.gpu_hours, 0.1))
        costs.append(c.usd or 0)
        spans.append(t.hours)
        job = {"lora": pick(zh, "LoRA fine-tune", "LoRA 微调"), "full": pick(zh, "full fine-tune", "全参数微调"),
               "pretrain": pick(zh, "pretraining", "预训练")}[method]
        lines.append(pick(zh, f"- {job} of {t.model} on {tokens_text(tokens, zh)}, {n}x {t.gpu}: about "
                              f"{hours_text(t.hours, zh)}, {usd(c.usd)}",
                          f"- {t.model} {job}，{tokens_text(tokens, zh)}，{n} 张 {t.gpu}：约 {hours_text(t.hours, zh)}，{usd(c.usd)}"))
    if re.search(r"how long|多久|多长时间|几天", question, re.I):
        lead = pick(zh, f"**From {hours_text(min(spans), False)} to {hours_text(max(spans), False)} for these typical jobs** "
                        "(a larger model or more data scales it up):",
                    f"**这些典型任务从 {hours_text(min(spans), True)} 到 {hours_text(max(spans), True)} 不等**（模型更大、数据更多则成倍增加）：")
    else:
        lead = pick(zh, f"**From {usd(min(costs))} to {usd(max(costs))} for these typical jobs** at the rent on file (a larger "
                        "model or more data scales it up):",
                    f"**这些典型任务从 {usd(min(costs))} 到 {usd(max(costs))} 不等**（按已收录租价；模型更大、数据更多则成倍增加）：")
    ask = pick(zh, "Which model size, about how many tokens (or examples x length), and full fine-tune, LoRA or pretraining?",
               "你要训练多大的模型、大约多少 token（或多少条样本 x 每条长度），全参数微调、LoRA 还是从头预训练？")
    rule = pick(zh, "Compute is about 6 x parameters x tokens FLOPs (LoRA about 4 x parameters x tokens), at 40-50% of the GPU's peak.",
                "算力约为 6 x 参数量 x token 数 FLOPs（LoRA 约 4 x 参数量 x token 数），GPU 峰值利用率 40-50%。")
    return Reply(lead, ["\n".join(lines), rule, ask])


def model_facts(turn, s: Slots, question: str) -> Reply:
    """'How many layers does Llama 3 70B have?': the architecture from the catalog (or the Hub config)."""
    zh = turn.zh
    m = turn.call("lookup_model", name=s.model)
    spec = m.spec
    get = (lambda k: spec.get(k)) if isinstance(spec, dict) else (lambda k: getattr(spec, k, None))
    facts = [(pick(zh, "layers", "层数"), get("num_layers")), (pick(zh, "attention heads", "注意力头"), get("num_heads")),
             (pick(zh, "KV heads", "KV 头"), get("num_kv_heads")), (pick(zh, "hidden size", "隐藏维度"), get("hidden_size")),
             (pick(zh, "vocabulary", "词表"), get("vocab_size")), (pick(zh, "experts", "专家数"), get("num_experts")),
             (pick(zh, "context limit", "最长上下文"), get("max_context"))]
    shown = [(k, v) for k, v in facts if v]
    listed = ", ".join(f"{k} {v:,}" for k, v in shown)
    params = pick(zh, f"; {m.params_b:,.1f}B parameters", f"；参数量 {m.params_b:,.1f}B") if m.params_b else ""
    if re.search(r"layer|层", question, re.I) and get("num_layers"):
        lead = pick(zh, f"**{m.model} has {get('num_layers')} layers.**", f"**{m.model} 有 {get('num_layers')} 层。**")
        return Reply(lead, [listed + params])
    return Reply(pick(zh, f"**{m.model}:** ", f"**{m.model}：**") + listed + params)


def prefill(turn, s: Slots, question: str) -> Reply:
    """'How long to prefill a 100k-token prompt?': the time to first token at that prompt length."""
    zh = turn.zh
    prompt = s.context or 8192
    t = turn.call("estimate_throughput", model=s.model, gpu=s.gpu, gpu_count=s.count or 1, precision=s.precision,
                  prompt_tokens=prompt, output_tokens=1)
    lead = pick(zh, f"**About {t.time_to_first_token_s:,.1f} s** to prefill a {prompt:,}-token prompt of {t.model} on "
                    f"{s.count or 1}x {t.gpu} ({t.precision}, {t.framework}): about {tps(t.prefill_tokens_per_s)} tokens/s.",
                f"**约 {t.time_to_first_token_s:,.1f} 秒**：{t.model} 在 {s.count or 1} 张 {t.gpu} 上预填充 {prompt:,} tokens 的提示词"
                f"（{t.precision}，{t.framework}），约 {tps(t.prefill_tokens_per_s)} tokens/s。")
    return Reply(lead, [pick(zh, "Prefill is compute-bound: it follows the GPU's TFLOPS, and attention grows with the "
                                 "square of the prompt length.", "预填充受算力限制：取决于 GPU 的 TFLOPS，注意力部分随提示词长度平方增长。")])


def speed_check(turn, s: Slots, question: str) -> Reply:
    """A speed the person sees, checked against the estimate for the same model, format and GPU."""
    zh = turn.zh
    precision = s.precision if s.precision != "4bit" else None
    t = turn.call("estimate_throughput", model=s.model, gpu=s.gpu, gpu_count=s.count or 1,
                  precision=precision or ("q4_k_m" if s.framework in (None, "llama.cpp") and not s.users else None),
                  batch=s.users or 1, framework=s.framework)
    expect, seen = t.decode_tokens_per_s, s.measured_tps
    load = pick(zh, f"{s.users} users at once, each" if (s.users or 1) > 1 else "one stream",
                f"{s.users} 路并发、每路" if (s.users or 1) > 1 else "单路")
    ratio = seen / expect if expect else 1
    fit = turn.call("check_fit", model=s.model, gpu=s.gpu, gpu_count=s.count or 1, precision=t.precision,
                    framework=t.framework, batch=s.users or 1)
    g = get_gpu(s.gpu)
    ceiling = g.memory_bandwidth_gb_per_s * (s.count or 1) / t.weights_read_gb_per_token  # every weight read per token
    if not fit.fits and (s.users or 1) > 1:  # "8 卡 H20 跑 R1 支持 1000 并发、每人 30 tok/s": the KV cache for them first
        one = turn.call("check_fit", model=s.model, gpu=s.gpu, gpu_count=s.count or 1, precision=t.precision,
                        framework=t.framework, batch=1)
        most = one.max_batch or 0  # the sequences the KV cache holds at this context: memory alone, before any speed
        lead = pick(zh, f"**Not as stated: {s.count or 1}x {t.gpu} {'cannot hold ' + t.model + ' at all' if not one.fits else f'hold the context of about {most} users at once, not {s.users}'}**"
                        f" ({t.precision}; {s.users} users need {fit.required_gib:.0f} GiB per GPU of {fit.available_gib:.0f}"
                        " at 8k tokens each).",
                    f"**不靠谱：{s.count or 1} 张 {t.gpu} {'根本放不下 ' + t.model if not one.fits else f'显存只放得下约 {most} 个用户的上下文，不是 {s.users} 个'}**"
                    f"（{t.precision}；{s.users} 个并发每卡需要 {fit.required_gib:.0f} GiB，只有 {fit.available_gib:.0f} GiB，按每人 8k tokens）。")
        return Reply(lead, [pick(zh, "Concurrent users are bounded by the KV cache (each user's context held in GPU memory) "
                                     "and by the speed each one gets as the batch grows.",
                                 "并发数受 KV 缓存（每个用户的上下文都占显存）和批量变大后每人速度下降两方面限制。")])
    squeezed = None
    if not fit.fits and (s.users or 1) <= 1 and t.framework != "llama.cpp":
        # "单张 H100 跑 70B FP8，单用户 28 token/s": it loads once the engine's memory share and window are squeezed,
        # which is how the person ran it; their speed is then judged, not called impossible
        squeezed = turn.call("check_fit", model=s.model, gpu=s.gpu, gpu_count=s.count or 1, precision=t.precision,
                             framework=t.framework, batch=1, context=4096, gpu_memory_utilization=0.95)
        squeezed = squeezed if squeezed.fits else None
    if not fit.fits and (s.users or 1) <= 1 and squeezed is None:  # "150 tok/s with Llama 3 70B Q4 on one 4090": no fit
        return Reply(pick(zh, f"**Not as stated: {t.model} {t.precision} needs {fit.required_gib:.1f} GiB per GPU and "
                              f"{s.count or 1}x {t.gpu} has {fit.available_gib:.1f}**, so {seen:g} tokens/s is not possible "
                              "on the GPU alone; with layers left in CPU RAM, expect a few tokens/s.",
                          f"**不可能：{t.model} {t.precision} 每卡需要 {fit.required_gib:.1f} GiB，{s.count or 1} 张 {t.gpu} 只有 "
                          f"{fit.available_gib:.1f} GiB**，所以 {seen:g} tokens/s 单靠 GPU 做不到；部分层放在 CPU 内存时只有每秒几个 token。"),
                     [pick(zh, f"Even if it fit, reading {t.weights_read_gb_per_token:.1f} GB of weights per token at "
                               f"{g.memory_bandwidth_gb_per_s:,.0f} GB/s caps one stream at {ceiling:,.0f} tokens/s.",
                           f"就算放得下，每个 token 读 {t.weights_read_gb_per_token:.1f} GB 权重、带宽 {g.memory_bandwidth_gb_per_s:,.0f} GB/s，"
                           f"单路上限约 {ceiling:,.0f} tokens/s。")])
    if ratio > 2 and seen > ceiling and (s.users or 1) <= 1:
        return Reply(pick(zh, f"**Not plausible: {seen:g} tokens/s is above the memory-bandwidth ceiling of about "
                              f"{ceiling:,.0f}** for {t.model} {t.precision} on {s.count or 1}x {t.gpu} (every weight, "
                              f"{t.weights_read_gb_per_token:.1f} GB, is read per token); we estimate about {tps(expect)}.",
                          f"**不可信：{seen:g} tokens/s 超过了显存带宽上限（约 {ceiling:,.0f}）**：{t.model} {t.precision} 在 "
                          f"{s.count or 1} 张 {t.gpu} 上每个 token 要读 {t.weights_read_gb_per_token:.1f} GB 权重；我们估算约 {tps(expect)}。"),
                     [pick(zh, "Speculative decoding or batching many streams can raise a total, not one stream's plain "
                               "decode past this ceiling.", "投机解码或多路并发能提高总吞吐，但单路普通解码超不过这个上限。")])
    # as expected: within our dense serving range's middle (held out -41%/+40%, docs/validation.md), tighter above:
    # a figure 30%+ over one stream's estimate is more often a batched total or a smaller quant than a faster stream
    if 0.65 <= ratio <= 1.3:
        lead = pick(zh, f"**Yes, that is about what to expect:** we estimate about {tps(expect)} tokens/s for {t.model} "
                        f"{t.precision} on {s.count or 1}x {t.gpu} ({t.framework}), {load}.",
                    f"**正常，差不多就是这个水平：**估算 {t.model} {t.precision} 在 {s.count or 1} 张 {t.gpu}（{t.framework}）上{load}约 "
                    f"{tps(expect)} tokens/s。")
        body = []
    elif ratio < 0.65:
        lead = pick(zh, f"**Low: about {tps(expect)} tokens/s is what {s.count or 1}x {t.gpu} should give** for {t.model} "
                        f"{t.precision} ({t.framework}, {load}), so {seen:g} is well below it.",
                    f"**偏低：{s.count or 1} 张 {t.gpu} 跑 {t.model} {t.precision}（{t.framework}，{load}）应有约 {tps(expect)} "
                    f"tokens/s**，{seen:g} 明显偏低。")
        body = [pick(zh, "Common causes: some layers left on the CPU (llama.cpp -ngl / Ollama's GPU layers), a CPU-only "
                         "or debug build, a different (larger) quantization than you think, another process using "
                         "the GPU, or prompt processing counted in the speed.",
                     "常见原因：部分层留在 CPU（llama.cpp 的 -ngl / Ollama 的 GPU 层数）、CPU 版本或调试版本、实际用的量化格式"
                     "更大、别的进程占用 GPU，或者把处理提示词的时间也算进了速度。")]
    else:
        lead = pick(zh, f"**Higher than we estimate ({tps(expect)} tokens/s)** for {t.model} {t.precision} on "
                        f"{s.count or 1}x {t.gpu}: check it is the model and format you think (a smaller quant or a "
                        "draft/speculative setup reads fewer bytes per token).",
                    f"**比我们的估算（{tps(expect)} tokens/s）更高**：请确认模型和量化格式（更小的量化或投机解码每个 token 读的字节更少）。")
        body = []
        if (s.users or 1) <= 1:  # a figure above one stream may be a total over several requests at once
            for n in (4, 8, 16, 32):
                batched = "awq-4bit" if t.precision.startswith(("q", "iq")) else t.precision  # vLLM's 4-bit is AWQ
                b = turn.call("estimate_throughput", model=s.model, gpu=s.gpu, gpu_count=s.count or 1, precision=batched,
                              framework="vllm", batch=n, continuous_batching=True)
                if b.decode_tokens_per_s_total >= seen:
                    lead = pick(zh, f"**Not for one stream, yes as a total:** one request gets about {tps(expect)} tokens/s "
                                    f"({t.model} {t.precision}, {s.count or 1}x {t.gpu}), but {n} requests at once in vLLM "
                                    f"reach about {tps(b.decode_tokens_per_s_total)} tokens/s together, so {seen:g} is a "
                                    "batched total.",
                                f"**单路达不到，多路合计可以：**单个请求约 {tps(expect)} tokens/s（{t.model} {t.precision}，{s.count or 1} 张 "
                                f"{t.gpu}），而 vLLM 同时跑 {n} 个请求合计约 {tps(b.decode_tokens_per_s_total)} tokens/s，"
                                f"所以 {seen:g} 应是多路合计。")
                    break
    if squeezed is not None:  # how it loads at all: the person ran it this way
        body.append(pick(zh, f"It loads only squeezed: {squeezed.required_gib:.1f} GiB per GPU with a 4,096-token window "
                             "(--max-model-len 4096) and --gpu-memory-utilization 0.95; at the defaults it needs "
                             f"{fit.required_gib:.1f} of {fit.available_gib:.1f} GiB.",
                         f"它只有压着才放得下：窗口 4,096 tokens（--max-model-len 4096）、--gpu-memory-utilization 0.95 时每卡 "
                         f"{squeezed.required_gib:.1f} GiB；默认设置下需要 {fit.required_gib:.1f} GiB，只有 {fit.available_gib:.1f}。"))
    return Reply(lead, body)


def framework_choice(turn, s: Slots, question: str) -> Reply:
    """vLLM or llama.cpp: by the number of people using it at once."""
    zh = turn.zh
    users = s.users or s.batch or 1
    if users > 1:
        lead = pick(zh, f"**vLLM** for {users} users at once: it batches their requests on the GPU (continuous batching), "
                        "while llama.cpp/Ollama serve streams largely one after another, so each user waits for the "
                        "others.",
                    f"**vLLM**：{users} 个用户同时用时，它在 GPU 上把请求合批（连续批处理）；llama.cpp/Ollama 基本是一路接一路地"
                    "处理，用户要互相等待。")
        body = [pick(zh, "llama.cpp is the better fit for one person on a desktop card or a Mac (GGUF files, low memory).",
                     "一个人在桌面显卡或 Mac 上用时，llama.cpp 更合适（GGUF 文件，占用内存少）。")]
    else:
        lead = pick(zh, "**llama.cpp (or Ollama)** for one person: GGUF files such as Q4_K_M, the smallest memory "
                        "footprint, and it runs on desktop cards and Macs; vLLM pays off once several people use it at "
                        "the same time.",
                    "**一个人用选 llama.cpp（或 Ollama）**：GGUF 文件（如 Q4_K_M）占用最少，桌面显卡和 Mac 都能跑；多人同时使用时"
                    "vLLM 才划算。")
        body = []
    if not s.model:
        body.append(pick(zh, "Tell me the model for the memory and speed on your card.", "告诉我模型，我可以给出显存和速度。"))
    return Reply(lead, body)


def budget_to_buy(turn, s: Slots, question: str) -> Reply:
    from .answers_money import _budget_to_buy

    return _budget_to_buy(turn, s)


def measured_cost(turn, s: Slots, question: str) -> Reply:
    from tools.gpus import get_gpu

    from .answers_serve import _cost_per_token

    return _cost_per_token(turn, s, get_gpu(s.gpu))


def max_context(turn, s: Slots, question: str) -> Reply:
    from .answers_fit import limits

    return limits(turn, s, question + " max context")


def decline(turn, s: Slots, question: str) -> Reply:
    return Reply(pick(turn.zh, "**I can't help with that.** I'm a GPU sizing advisor: I answer which GPUs, how many, how "
                               "fast and what it costs to train, fine-tune or serve language models.",
                      "**这个我不能帮忙。** 我是 GPU 选型顾问：回答训练、微调或部署大模型需要什么 GPU、几张、多快、多少钱。"))


def social(turn, s: Slots, question: str) -> Reply:
    import re

    if re.search(r"thank|thx|\bty\b|谢|感谢|收到|好的|明白", question, re.I):
        return Reply(pick(turn.zh, "You're welcome. Ask me about any model and GPU: whether it fits, how many GPUs, how "
                                   "fast, what it costs.", "不客气。可以继续问任何模型和 GPU：放不放得下、要几张卡、多快、多少钱。"))
    from .answers_misc import unknown

    greeting = unknown(turn, s)
    greeting.lead = pick(turn.zh, "Hello. ", "你好。") + greeting.lead
    return greeting


def off_topic(turn, s: Slots, question: str) -> Reply:
    return Reply(pick(turn.zh, "**That's outside what I do.** I'm a GPU sizing advisor: which GPUs, how many, how fast and "
                               "what it costs to train, fine-tune or serve language models (e.g. 'Can I run Llama 3.1 8B on "
                               "one 4090?').",
                      "**这超出了我的范围。** 我是 GPU 选型顾问：训练、微调或部署大模型需要什么 GPU、几张、多快、多少钱"
                      "（例如“一张 4090 能跑 Llama 3.1 8B 吗？”）。"))


SIZING_ASK = re.compile(r"\bhow (?:many|much|fast|long|big)\b|\bcosts?\b|\bprice\b|\bneed\b|\bwhich\b|\brun\b|\bhost\b|"
                        r"\bbuy\b|\bbest\b|\bshould\b|\brecommend|"
                        r"几张|几块|多少|多快|多久|多大|需要|要什么|成本|费用|跑|部署|买什么|买哪|什么好|哪个好|选什么|推荐|上什么", re.I)
MODEL_WORDS = re.compile(r"\b(?:llms?|(?:large |language |ai )?models?|llama|qwen|mistral|mixtral|deepseek|gemma|phi|gpt|"
                         r"chatbot|cards?|chips?|accelerators?)\b|大模型|模型|卡|算力|芯片", re.I)


def outside(turn, s: Slots, question: str) -> Reply:
    """No GPU, model size or workload named. A sizing question about models or cards in general ("跑大模型需要几张卡？",
    "How much does it cost to run llama?") gets one short question for the facts it needs; anything else is off topic."""
    if SIZING_ASK.search(question) and MODEL_WORDS.search(question):
        from .answers_misc import size_tiers
        from .table import WHAT_JOB

        body = [pick(turn.zh, "With these I can give the figure for your case.", "有了这些就能按你的情况给出数字。")]
        if re.search(r"几张|几块|多少张|how many|什么(?:显)?卡|哪(?:张|种|款)卡|what (?:gpu|card|hardware)|which (?:gpu|card)|"
                     r"部署|上线|serve|deploy|host", question, re.I) and not re.search(r"训练|微调|train|fine-?tun", question, re.I):
            body.insert(0, size_tiers(turn, turn.zh))  # the rule of thumb first: what each common size needs
        return Reply(pick(turn.zh, f"**One thing first:** {WHAT_JOB[0]}", f"**先确认一点：**{WHAT_JOB[1]}"), body)
    return off_topic(turn, s, question)


def serve_compare(turn, s: Slots, question: str) -> Reply:
    """Two or more GPUs to serve a model at a load: each GPU's cheapest setup for that load, compared by cost."""
    from .answers_money import tokens_per_dollar

    return tokens_per_dollar(turn, s)


def spec_check(turn, s: Slots, question: str) -> Reply:
    """'Vendor says H100 has 756 TFLOPS, use that?': which catalog figure the claim is, and what to plan with."""
    from tools.gpus import all_gpus, get_gpu

    from .table import claimed_spec

    zh = turn.zh
    value, unit = claimed_spec(question)
    named = get_gpu(s.gpu)
    if unit == "tflops" and not re.search(r"fp8|int8|fp4|fp32|tf32", question, re.I):
        pass  # a bare TFLOPS figure: compared with every precision below, BF16 the one to plan with
    base = named.id.split("-")[0]
    family = [g for g in all_gpus() if g.id.split("-")[0] == base] or [named]
    fields = ([("bf16_tflops_dense", "dense BF16"), ("fp8_tflops_dense", "dense FP8"), ("fp32_tflops", "FP32"),
               ("fp4_tflops_dense", "dense FP4"), ("int8_tops_dense", "dense INT8")] if unit == "tflops" else
              [("memory_bandwidth_gb_per_s", "memory bandwidth")])
    matches = []
    for g in family:
        turn.call("lookup_gpu", name=g.id)
        for f, label in fields:
            v = getattr(g, f, None)
            if not v:
                continue
            if abs(v - value) / v <= 0.03:
                matches.append((g, label, v, False))
            elif unit == "tflops" and f != "fp32_tflops" and abs(2 * v - value) / (2 * v) <= 0.03:
                matches.append((g, label, v, True))  # a "with sparsity" figure: twice the dense one
    ref = getattr(named, fields[0][0]) or 0
    plan = pick(zh, " Plan training on the dense BF16 figure times the MFU a real run reaches (well under half of peak; "
                    "ask 'how long to train ...' for our estimate)." if unit == "tflops" else "",
                "规划训练要用稠密 BF16 数值乘以实际能达到的 MFU（远低于峰值的一半；可以问“训练……要多久”得到我们的估算）。"
                if unit == "tflops" else "")
    if matches:
        matches.sort(key=lambda m: (m[0].id != named.id, m[3]))  # the named card first, exact before sparse
        def said(m):
            g, label, v, sparse = m
            return pick(zh, f"{g.name}'s {label} figure" + (" with 2:4 sparsity" if sparse else ""),
                        f"{g.name} 的{label}" + ("（2:4 稀疏）" if sparse else "") + "数值")
        what_en = pick(zh, " and ".join(said(m) for m in matches[:2]), "，也是".join(said(m) for m in matches[:2]))
        g, label, v, sparse = matches[0]
        same = g.id == named.id and not sparse and label == fields[0][1]
        verdict = pick(zh, "**Yes, that is the figure to use**" if same else "**Not as the figure to plan with**",
                       "**对，就用这个数**" if same else "**不能直接拿来规划**")
        lead = pick(zh, f"{verdict}: {value:,g} {unit.upper()} is {what_en}"
                        + ("" if same else f"; {named.name}'s {fields[0][1]} figure is {ref:,g}") + "." + plan,
                    f"{verdict}：{value:,g} {unit.upper()} 是{what_en}"
                    + ("" if same else f"；{named.name} 的{fields[0][1]}为 {ref:,g}") + "。" + plan)
    else:
        lead = pick(zh, f"**{value:,g} {unit.upper()} matches no figure on file for {named.name}**: its {fields[0][1]} is "
                        f"{ref:,g}." + plan,
                    f"**{value:,g} {unit.upper()} 与 {named.name} 的任何已收录数值都不符**：其{fields[0][1]}为 {ref:,g}。" + plan)
    return Reply(lead, ["\n".join(f"- {g.name}: " + ", ".join(f"{label} {getattr(g, f):,g}" for f, label in fields
                                                                if getattr(g, f, None)) for g in family)])


def zero_savings(turn, s: Slots, question: str) -> Reply:
    zh = turn.zh
    n = s.count or 8
    method = s.method if s.method in ("full", "lora", "qlora") else "full"
    r = turn.derive("zero_savings", search.zero_savings, model=s.model, gpu_count=n, gpu=s.gpu, method=method,
                    context=s.context)
    st = r["stages"]
    named = sorted({int(x) for x in re.findall(r"zero[- ]?([123])\b", question, re.I)})
    lo, hi = (named[0], named[-1]) if len(named) >= 2 else (2, 3)  # the two stages asked about ("ZeRO-1 and ZeRO-3")
    saves = st[f"zero{lo}"]["per_gpu_gib"] - st[f"zero{hi}"]["per_gpu_gib"]
    what_en = "the gradients and the weights too" if (lo, hi) == (1, 3) else {2: "the gradients too", 3: "the weights too"}[hi]
    what_zh = "梯度和权重也被切分" if (lo, hi) == (1, 3) else {2: "梯度也被切分", 3: "权重也被切分"}[hi]
    lead = pick(zh, f"**ZeRO-{hi} saves about {gib(saves)} per GPU over ZeRO-{lo}** for {s.model} "
                    f"({method} fine-tune/training, {n} GPUs): {gib(st[f'zero{lo}']['per_gpu_gib'])} -> "
                    f"{gib(st[f'zero{hi}']['per_gpu_gib'])}, by sharding {what_en}.",
                f"**{n} 卡训练 {s.model}（{method}）时，ZeRO-{hi} 比 ZeRO-{lo} 每卡约省 {gib(saves)}**："
                f"{gib(st[f'zero{lo}']['per_gpu_gib'])} -> {gib(st[f'zero{hi}']['per_gpu_gib'])}，因为{what_zh}。")
    rows = []
    for stage, label in (("none", pick(zh, "no sharding (DDP)", "不切分（DDP）")), ("zero1", "ZeRO-1"), ("zero2", "ZeRO-2"),
                         ("zero3", "ZeRO-3")):
        b = st[stage]["breakdown_gib"]
        rows.append(f"- {label}: {gib(st[stage]['per_gpu_gib'])} " + pick(zh, "per GPU", "每卡") + " ("
                    + ", ".join(f"{k} {gib(v)}" for k, v in b.items() if k in ("weights", "gradients", "optimizer")) + ")")
    body = ["\n".join(rows), pick(zh, "ZeRO-3 gathers each layer's weights before use, so it moves more data between "
                                      "GPUs every step: worth it when ZeRO-2 does not fit.",
                                  "ZeRO-3 每层用前要把权重聚合回来，每步的卡间通信更多：ZeRO-2 放不下时才值得。")]
    if s.gpu:  # the person's card: which stages fit it, said first among the figures
        body.insert(0, _zero_verdict(s.gpu, st, n, zh))
    from .table import STAGE_CHOICE_EN, STAGE_CHOICE_ZH

    if s.gpu and re.search(f"{STAGE_CHOICE_EN}|{STAGE_CHOICE_ZH}", question, re.I):  # "which stage?": the answer is one
        body.insert(0, lead)
        lead = _zero_pick(s.gpu, st, n, zh, question)
    assumptions = [] if s.count else [pick(zh, "8 GPUs (say how many for yours)", "按 8 张卡（可告诉我你的卡数）")]
    return Reply(lead, body, assumptions)


def _zero_pick(gpu: str, stages: dict, n: int, zh: bool, question: str) -> str:
    """The stage to use: the lowest that fits the card (each stage up adds communication: ZeRO-3 gathers every layer's
    weights each step, slow over PCIe without NVLink); none fitting, what would."""
    g = get_gpu(gpu)
    cap = g.usable_gib
    names = {"none": "DDP", "zero1": "ZeRO-1", "zero2": "ZeRO-2", "zero3": "ZeRO-3"}
    fit = next((k for k in ("zero1", "zero2", "zero3") if stages[k]["per_gpu_gib"] <= cap * 0.9), None)
    pcie = not g.nvlink_for(n) if hasattr(g, "nvlink_for") else False
    if fit is None:
        z3 = stages["zero3"]["per_gpu_gib"]
        return pick(zh, f"**No stage fits {n}x {g.name}: even ZeRO-3 needs {gib(z3)} per GPU of {gib(cap)}** - use ZeRO-3 with "
                        "the optimizer offloaded to CPU (ZeRO-Offload), or LoRA/QLoRA.",
                    f"**{n} 张 {g.name} 上哪个 stage 都放不下：ZeRO-3 每卡也要 {gib(z3)}（每卡 {gib(cap)}）**——用 ZeRO-3 加优化器"
                    "卸载到 CPU（ZeRO-Offload），或改用 LoRA/QLoRA。")
    per = gib(stages[fit]["per_gpu_gib"])
    lower = [names[k] for k in ("zero1", "zero2") if k != fit and stages[k]["per_gpu_gib"] > cap * 0.9
             and ("zero1", "zero2", "zero3").index(k) < ("zero1", "zero2", "zero3").index(fit)]
    why_en = (f"; {' and '.join(lower)} need{'s' if len(lower) == 1 else ''} more than its {gib(cap)}" if lower else "") + \
        (" - over PCIe without NVLink, the lowest stage that fits is also the fastest" if pcie else "")
    why_zh = (f"；{'、'.join(lower)} 超过每卡 {gib(cap)}" if lower else "") + ("——没有 NVLink 走 PCIe 时，放得下的最低 stage 也最快" if pcie else "")
    return pick(zh, f"**{names[fit]}** for this run on {n}x {g.name}: {per} per GPU{why_en}.",
                f"**选 {names[fit]}**：{n} 张 {g.name} 上每卡约 {per}{why_zh}。")


def _zero_verdict(gpu: str, stages: dict, n: int, zh: bool) -> str:
    """Which ZeRO stages fit the person's GPU, and what to do when none does."""
    g = get_gpu(gpu)
    cap = g.usable_gib
    names = {"none": "DDP", "zero1": "ZeRO-1", "zero2": "ZeRO-2", "zero3": "ZeRO-3"}
    fitting = [names[k] for k, v in stages.items() if v["per_gpu_gib"] <= cap]
    rest = [x for x in names.values() if x not in fitting]
    if fitting:
        return pick(zh, f"On {n}x {g.name} ({gib(cap)} each): {', '.join(fitting)} fit"
                        + (f"; {', '.join(rest)} {'does' if len(rest) == 1 else 'do'} not." if rest else "."),
                    f"在 {n} 张 {g.name}（每张 {gib(cap)}）上：{'、'.join(fitting)} 放得下"
                    + (f"；{'、'.join(x for x in names.values() if x not in fitting)} 放不下。" if len(fitting) < 4 else "。"))
    z3 = stages["zero3"]["per_gpu_gib"]
    more = math.ceil(n * z3 / cap) if z3 > cap else n
    return pick(zh, f"Neither fits your {n}x {g.name} ({gib(cap)} each): even ZeRO-3 needs {gib(z3)} per GPU. Options: "
                    f"offload the optimizer states to CPU (ZeRO-Offload), LoRA/QLoRA instead of a full fine-tune, or more "
                    f"GPUs (ZeRO-3 shards everything, so roughly {more}+ of them).",
                f"你的 {n} 张 {g.name}（每张 {gib(cap)}）都放不下：ZeRO-3 每卡也要 {gib(z3)}。办法：把优化器状态卸载到 CPU"
                f"（ZeRO-Offload）、改用 LoRA/QLoRA，或加卡（ZeRO-3 全部切分，大约 {more} 张以上）。")


RESERVE_POWER = re.compile(r"预留|多少电力|多大(?:的)?功率|功率多大|制冷|散热|供电|电力容量|多少千瓦|几千瓦|\bcooling\b|\breserve\b|"
                           r"\bprovision\b|how (?:much|many) (?:power|kw|kilowatts)\b(?! (?:does|do|will) it cost)|\bpower (?:and|&) cooling\b|"
                           r"\bheat\b|\bbtu\b|\bcircuits?\b.{0,20}\bneed", re.I)


# idle draw when a machine is on but not generating (an assumption, said in the answer): a GPU holding a loaded model
# idles at ~10% of its board power (nvidia-smi shows ~20-35 W on a 350 W RTX 3090, ~70 W on a 700 W H100); the rest of
# the machine (CPU, board, fans, supply losses) at ~40% of what it draws under load
IDLE_GPU_SHARE = 0.10
IDLE_HOST_SHARE = 0.40
SAME_AGAIN = re.compile(r"\bthe same (?:numbers|figures|thing|question|calculation|estimate)s?\b|\bsame (?:numbers|figures)\b|"
                        r"同样(?:的)?(?:数字|问题|算法|计算)?|也算一下|也这么算|一样算", re.I)


def _facility_power(turn, s: Slots, n: int) -> Reply:
    """'How much power and cooling for 4 DGX B200?': kW to reserve, not a bill."""
    zh = turn.zh
    r = turn.derive("facility_power", search.facility_power, gpu=s.gpu, gpu_count=n, **({"pue": s.pue} if s.pue else {}))
    lead = pick(zh, f"**Reserve about {r['it_kw']:,.1f} kW of IT power ({r['facility_kw']:,.1f} kW at the facility with PUE "
                    f"{r['pue']:g}) and cooling for about {r['cooling_kw']:,.1f} kW of heat** ({r['btu_per_hour']:,} BTU/h, "
                    f"{r['cooling_tons']:,.1f} tons) for {n}x {r['gpu']} at full load.",
                f"**约需预留 {r['it_kw']:,.1f} kW 的 IT 供电（按 PUE {r['pue']:g} 计机房总计 {r['facility_kw']:,.1f} kW），制冷按约 "
                f"{r['cooling_kw']:,.1f} kW 的散热量**（{r['btu_per_hour']:,} BTU/h，约 {r['cooling_tons']:,.1f} 冷吨）：{n} 张 {r['gpu']} 满载。")
    body = [pick(zh, f"Working: {n} x {r['tdp_w']:,.0f} W of GPUs = {r['gpu_kw']:,.1f} kW, plus {r['host_kw']:,.1f} kW for the rest of "
                     f"{r['servers']} server(s) (CPUs, NVSwitches, NICs, fans, supply losses) = {r['it_kw']:,.1f} kW; every watt "
                     "drawn becomes heat to remove.",
                 f"计算：GPU {n} x {r['tdp_w']:,.0f} W = {r['gpu_kw']:,.1f} kW，加上 {r['servers']} 台服务器其余部分（CPU、NVSwitch、"
                 f"网卡、风扇、电源损耗）{r['host_kw']:,.1f} kW = {r['it_kw']:,.1f} kW；用电全部变成要带走的热量。"),
            pick(zh, "Size circuits for the servers' nameplate maximum input (it can be higher than this full-load "
                     "estimate; check the vendor's sheet) and keep continuous load at or below 80% of a breaker.",
                 "配电按服务器铭牌最大输入功率设计（可能高于这里的满载估算，以厂商规格为准），持续负载不超过断路器额定的 80%。")]
    assumptions = [pick(zh, "an 8-GPU SXM server's host draws 4.6 kW (DGX H100: 10.2 kW rated with 8 x 700 W GPUs); a PCIe "
                            "box 35% of its GPUs + 0.3 kW", "8 卡 SXM 服务器非 GPU 部分按 4.6 kW（DGX H100 额定 10.2 kW，含 8 x 700 W "
                            "GPU）；PCIe 机器按 GPU 功耗的 35% + 0.3 kW")]
    return Reply(lead, body, assumptions)


ENERGY_ASK = re.compile(r"\bkwh\b|\benergy\b|\bmwh\b|千瓦时|度电|多少度|耗电量|能耗", re.I)


PSU_ASK = re.compile(r"电源|\bpsu\b|power supply|\bpsus\b|多少瓦的?电源", re.I)
PLATFORM_W = 250  # CPU, board, drives and fans of a desktop or workstation around the cards (an assumption, said)
PSU_HEADROOM = 1.25  # a PSU run at ~80% of its rating: efficient, and room for GPU transient spikes


def power_cap_effect(gpu_name: str, cap_w: float, tdp_w: float, zh: bool) -> str:
    """What a power limit below board power costs: generating tokens waits on memory, which the cap barely slows; the
    compute-bound work (prompt processing, training) slows with the clock."""
    share = cap_w / tdp_w
    return pick(zh, f"**At {cap_w:.0f} W ({share:.0%} of its {tdp_w:.0f} W) the {gpu_name} generates tokens nearly as fast: "
                    "expect well under 10% fewer tokens/s**, because decoding waits on memory bandwidth, which a power "
                    "limit barely touches (an RTX 3090 holds its decode speed from ~230 W to ~330 W: club-3090's "
                    "measurements, github.com/noonghunna/club-3090/issues/58 and /698). Prompt processing and training "
                    "are compute-bound and slow more, roughly with the clock the cap allows.",
                f"**限到 {cap_w:.0f} W（额定 {tdp_w:.0f} W 的 {share:.0%}）后，{gpu_name} 生成 token 的速度几乎不变：预计 tokens/s "
                "下降不到 10%**，因为解码受显存带宽限制，限功率基本不影响带宽（RTX 3090 在约 230-330 W 之间解码速度基本持平："
                "club-3090 的实测，github.com/noonghunna/club-3090/issues/58 和 /698）。处理长 prompt 和训练是算力瓶颈，会掉得更多，"
                "大致随限功率后的频率下降。")


def power(turn, s: Slots, question: str) -> Reply:
    """Power and energy (`_power`), and the power supply to buy when asked: the cards' board power (or the limit
    said) plus the rest of the machine, with a quarter of headroom."""
    reply = _power(turn, s, question)
    reply = _with_psu(turn, s, question, reply)
    g = get_gpu(s.gpu) if s.gpu else None
    if g and g.tdp_w and s.watts_per_gpu and s.watts_per_gpu < g.tdp_w and CAP_COST_ASK.search(question):
        # "如果每张卡限功率到 250W 呢？性能掉多少": the speed it costs leads, the power it saves follows
        reply.body.insert(0, reply.lead.replace("**", ""))
        reply.lead = power_cap_effect(g.name, s.watts_per_gpu, g.tdp_w, turn.zh)
    return reply


def _with_psu(turn, s: Slots, question: str, reply: Reply) -> Reply:
    earlier = getattr(turn, "local_history", "") or ""
    bill_asked = bool(ENERGY_ASK.search(question) or re.search(r"电费|\bbill\b|electricity|cost", question, re.I))
    psu_asked = PSU_ASK.search(question) or (PSU_ASK.search(earlier) and len(question) < 80 and not bill_asked)
    if psu_asked and s.gpu:
        g = get_gpu(s.gpu)
        n = s.count or 1
        each = s.watts_per_gpu or g.tdp_w
        if each:
            load = n * each + PLATFORM_W
            psu = math.ceil(load * PSU_HEADROOM / 100) * 100
            turn.derive("psu_size", lambda **kw: kw, gpu_watts=each, gpu_count=n, platform_watts=PLATFORM_W,
                        headroom=PSU_HEADROOM, load_watts=load, psu_watts=psu)
            # the size asked leads (the bill first when that was asked too, "一个月电费大概多少？电源要配多大？")
            lead = pick(turn.zh, f"**A power supply of about {psu:,} W** ({n} x {each:.0f} W of cards + ~{PLATFORM_W} W for "
                                 f"the rest of the machine = {load:,.0f} W, with 25% headroom for efficiency and the cards' brief "
                                 "power spikes)" + ("; past ~1,600 W that is two supplies or a server chassis, and a dedicated "
                                                    "circuit (a 15 A, 120 V outlet carries ~1,440 W continuous)." if psu > 1600 else "."),
                        f"**电源约 {psu:,} W**（{n} 张 x {each:.0f} W 显卡 + 主机其余约 {PLATFORM_W} W = {load:,.0f} W，留 25% 余量给效率和"
                        "显卡的瞬时功耗尖峰）" + ("；超过约 1,600 W 就要双电源或服务器机箱，并单独走一路电。" if psu > 1600 else "。"))
            if bill_asked:
                reply.body.insert(0, pick(turn.zh, "Power supply: ", "电源：") + lead.replace("**", "").removeprefix(
                    "A power supply of ").removeprefix("电源"))
            else:
                reply.body.insert(0, reply.lead.replace("**", ""))
                reply.lead = lead
    return reply


def _power(turn, s: Slots, question: str) -> Reply:
    """Power and energy: the catalog's board power x GPUs x hours x $/kWh, per month, and per 1M tokens when a model
    is named (from the serving speed at the load)."""
    zh = turn.zh
    n = s.count or 1
    if SAME_AGAIN.search(question) and getattr(turn, "local_history", ""):
        # "and the same numbers for B200 nodes?": what was asked before (capacity, a year's bill) is asked again
        question = turn.local_history[-400:] + " " + question
    if RESERVE_POWER.search(question):
        if not re.search(r"电费|bill|cost|费用|多少钱|per month|a month|每月|\$|¥|€", question, re.I):
            return _facility_power(turn, s, n)
        # "what power/cooling capacity should we budget, and the annual bill at $0.10/kWh?": both, the bill at the
        # whole servers' draw
        facility = _facility_power(turn, s, n)
        turn.servers = True
        bill = _power(turn, s, SAME_AGAIN.sub(" ", RESERVE_POWER.sub(" ", question)))
        said = bill.lead.replace("**", "").rstrip(".。")
        return Reply(facility.lead.rstrip(".。") + pick(turn.zh, "; ", "；") + (said[:1].lower() + said[1:] if not turn.zh else said)
                     + pick(turn.zh, ".", "。"), facility.body + bill.body, facility.assumptions + bill.assumptions)
    if training(s) and s.model and s.tokens and not getattr(turn, "run_hours", None) and not s.job_hours:
        # "energy to pretrain a 1B model on 100B tokens on H100s?": the run's GPU-hours at the cards' draw
        n = s.count or 8
        method = s.method or ("pretrain" if s.workload == "pretrain" else "full")
        t = turn.call("estimate_training", model=s.model, tokens=s.tokens, gpu=s.gpu, gpu_count=n, method=method,
                      gradient_checkpointing=True if method != "pretrain" else None)
        turn.run_hours = t.hours
    tokens_per_s = None
    given_tps = s.aggregate_tps or s.measured_tps  # "an L40S doing 1,500 tok/s": the person's rate, not an estimate
    if given_tps:
        tokens_per_s = given_tps
    elif s.model and not training(s) and not getattr(turn, "run_hours", None):
        users = s.users or s.batch or 32
        t = turn.call("estimate_throughput", model=s.model, gpu=s.gpu, gpu_count=n, precision=s.precision,
                      concurrency=users, continuous_batching=users > 1)
        tokens_per_s = t.decode_tokens_per_s_total
    period = _period(question)
    days = _period_days(period) if period else None
    run_h = getattr(turn, "run_hours", None) or (s.job_hours if not s.hours_per_day else None)
    if run_h and not days and not s.hours_per_day:  # "要多久？电费多少？": the bill for the run just timed, not a month
        days = (run_h / 24, f"the whole run ({hours_text(run_h, False)})",
                f"{'整个训练' if getattr(turn, 'run_hours', None) else '整个任务'}（{hours_text(run_h, True)}）")
    extra = {k: v for k, v in (("pue", s.pue), ("watts_per_gpu", s.watts_per_gpu)) if v}
    from .own_numbers import desktop_card, load_share

    if not s.pue and desktop_card(s.gpu):
        extra["pue"] = 1.0  # a desktop card at home or in an office: no data-centre cooling and power delivery on top
    host_note = ""
    in_servers = get_gpu(s.gpu).form_factor.startswith(("SXM", "OAM")) and n >= 8  # such cards come only in 8-GPU servers
    if not s.watts_per_gpu and (re.search(r"\b(?:node|server|box|dgx|hgx|machine|rig|cluster|rack|desktop|pc|workstation)s?\b|"
                                          r"节点|服务器|整机|机器|集群|机柜|主机|台式机|电脑|工作站",
                                          question, re.I) or getattr(turn, "servers", False) or in_servers):
        # a whole server's bill, not its GPUs' alone: each GPU's share of the server's input power (host counted)
        per = 8 if n % 8 == 0 else n
        kw = round(search.server_draw_kw(get_gpu(s.gpu), per), 2)
        extra["watts_per_gpu"] = round(kw * 1000 / per)
        host_note = pick(turn.zh, f"Counted per server: {kw:g} kW each ({per} GPUs at board power plus the host: CPUs, "
                                  "memory, fans, NICs).",
                         f"按整机计：每台 {kw:g} kW（{per} 张 GPU 满载功耗加主机：CPU、内存、风扇、网卡）。")
    share = load_share(question)
    if share and 0.05 <= share < 1 and not s.watts_per_gpu:
        # "at about 70% average GPU load": the cards draw about that share of board power; the host does not scale
        tdp = get_gpu(s.gpu).tdp_w or 0
        each = extra.get("watts_per_gpu", tdp)
        extra["watts_per_gpu"] = round(each - tdp + tdp * share)
        host_note = (host_note + " " if host_note else "") + pick(
            turn.zh, f"The cards at {share:.0%} of board power on average, as you said.", f"按你说的平均负载，显卡取板卡功耗的 {share:.0%}。")
    from .own_numbers import busy_hours

    busy_h = busy_hours(question)  # (not the whole own-numbers reading of the question: one pattern)
    on_h = s.hours_per_day or 24.0
    duty = None
    if busy_h and busy_h < on_h and not s.watts_per_gpu:
        # "on 24/7, mostly idle, busy 3 hours a day": the busy hours at full draw, the rest at idle draw (the cards
        # at IDLE_GPU_SHARE of board power with a model loaded, the host at IDLE_HOST_SHARE of its own draw)
        tdp = get_gpu(s.gpu).tdp_w or 0
        full = extra.get("watts_per_gpu", tdp)
        idle = IDLE_GPU_SHARE * tdp + IDLE_HOST_SHARE * (full - tdp)
        extra["watts_per_gpu"] = round((busy_h * full + (on_h - busy_h) * idle) / on_h)
        duty = (full * n, idle * n)
        host_note = (host_note + " " if host_note else "") + pick(
            turn.zh, f"Busy {busy_h:g} h a day at up to {full * n:,.0f} W, idle {on_h - busy_h:g} h at about {idle * n:,.0f} W "
                     f"(cards idle at ~{IDLE_GPU_SHARE:.0%} of board power with a model loaded, the host at ~{IDLE_HOST_SHARE:.0%} "
                     f"of its load draw): {extra['watts_per_gpu'] * n:,.0f} W on average. Idle draw is most of this bill: "
                     "a power limit, suspending the machine or unloading the model when idle cuts it.",
            f"每天忙 {busy_h:g} 小时、最高 {full * n:,.0f} W，空闲 {on_h - busy_h:g} 小时约 {idle * n:,.0f} W（加载模型后显卡空闲约为板卡功耗的 "
            f"{IDLE_GPU_SHARE:.0%}，主机约为满载时的 {IDLE_HOST_SHARE:.0%}）：平均 {extra['watts_per_gpu'] * n:,.0f} W。空闲功耗占了大头："
            "限功率、空闲时休眠或卸载模型都能省下来。")
    r = turn.derive("estimate_energy", search.estimate_energy, gpu=s.gpu, gpu_count=n, hours_per_day=s.hours_per_day,
                    usd_per_kwh=s.usd_per_kwh, months=s.months if s.months and s.months > 1 and not period else None,
                    tokens_per_s=tokens_per_s, days=days[0] if days else None, **extra)
    limit = pick(zh, ", as you said", "，按你给的") if s.watts_per_gpu else pick(zh, ", host included", "，含主机") if host_note else ""
    draw = pick(zh, f"{n}x {r['gpu']} draw up to {r['total_w']:,.0f} W ({r['tdp_w']:,.0f} W each{limit})",
                f"{n} 张 {r['gpu']} 最高功耗 {r['total_w']:,.0f} W（每张 {r['tdp_w']:,.0f} W{limit}）")
    if duty:
        draw = pick(zh, f"{n}x {r['gpu']} average {r['total_w']:,.0f} W over the day ({busy_h:g} h busy at up to {duty[0]:,.0f} W, "
                        f"{on_h - busy_h:g} h idle at about {duty[1]:,.0f} W)",
                    f"{n} 张 {r['gpu']} 全天平均 {r['total_w']:,.0f} W（忙 {busy_h:g} 小时最高 {duty[0]:,.0f} W，空闲 {on_h - busy_h:g} 小时约 "
                    f"{duty[1]:,.0f} W）")
    lead = pick(zh, f"**About {usd(r['usd_per_month'])} a month for power** ({r['kwh_per_month']:,.0f} kWh): {draw}, "
                    f"{r['hours_per_day']:g} hours a day, PUE {r['pue']:g}, ${r['usd_per_kwh']:g}/kWh.",
                f"**电费每月约 {usd(r['usd_per_month'])}**（{r['kwh_per_month']:,.0f} 千瓦时）：{draw}，每天 "
                f"{r['hours_per_day']:g} 小时，PUE {r['pue']:g}，${r['usd_per_kwh']:g}/千瓦时。")
    if re.search(r"\bwatts?\b|\bpower draw\b|how much power|功耗|多少瓦", question, re.I) and not re.search(
            r"\bcost|\bbill|\$|电费|多少钱", question, re.I):  # the watts were the question
        lead = f"**{draw}**" + pick(zh, f"; at {r['hours_per_day']:g} hours a day about {usd(r['usd_per_month'])} a month "
                                        f"({r['kwh_per_month']:,.0f} kWh, PUE {r['pue']:g}, ${r['usd_per_kwh']:g}/kWh).",
                                    f"；每天 {r['hours_per_day']:g} 小时约每月 {usd(r['usd_per_month'])}（{r['kwh_per_month']:,.0f} "
                                    f"千瓦时，PUE {r['pue']:g}，${r['usd_per_kwh']:g}/千瓦时）。")
    body = []
    if days:  # "训练一周，电费多少？", "per year?": the bill for the period asked leads
        _, en, cn = days
        cost, kwh = r["usd_period"], r["kwh_period"]
        if not run_h:  # a run's bill stands alone: a month of power is not what it costs
            body.insert(0, lead.replace("**", ""))
        lead = pick(zh, f"**About {usd(cost)} for {en}** ({kwh:,.0f} kWh): {draw}, {r['hours_per_day']:g} hours a day, "
                        f"PUE {r['pue']:g}, ${r['usd_per_kwh']:g}/kWh.",
                    f"**{cn}电费约 {usd(cost)}**（{kwh:,.0f} 千瓦时）：{draw}，每天 {r['hours_per_day']:g} 小时，PUE {r['pue']:g}，"
                    f"${r['usd_per_kwh']:g}/千瓦时。")
        if ENERGY_ASK.search(question) and not re.search(r"\bcost|\bbill|\$|电费|多少钱|费用", question, re.I):
            lead = pick(zh, f"**About {kwh:,.0f} kWh for {en}**: {draw}, PUE {r['pue']:g}; at ${r['usd_per_kwh']:g}/kWh "
                            f"that is {usd(cost)}.",
                        f"**{cn}约耗电 {kwh:,.0f} 千瓦时**：{draw}，PUE {r['pue']:g}；按 ${r['usd_per_kwh']:g}/千瓦时约 {usd(cost)}。")
    if r.get("usd_total") and not days:
        body.append(pick(zh, f"Over {r['months']:g} months: {usd(r['usd_total'])}.", f"{r['months']:g} 个月合计 {usd(r['usd_total'])}。"))
    if r.get("kwh_per_million_tokens") and re.search(r"per (?:1m|million)|/\s*1m|每百万|百万\s*token", question, re.I):
        body.insert(0, lead.replace("**", ""))  # energy per 1M tokens asked: that leads
        lead = pick(zh, f"**About {r['kwh_per_million_tokens']:g} kWh per 1M generated tokens** ({usd(r['usd_per_million_tokens'])} of "
                        f"electricity) at {tps(r['tokens_per_s'])} tokens/s on {draw}, PUE {r['pue']:g}.",
                    f"**每百万生成 token 约 {r['kwh_per_million_tokens']:g} 千瓦时**（电费 {usd(r['usd_per_million_tokens'])}），按合计 "
                    f"{tps(r['tokens_per_s'])} tokens/s，{draw}，PUE {r['pue']:g}。")
    if r.get("kwh_per_million_tokens"):
        body.append(pick(zh, f"Per 1M generated tokens at full load ({tps(r['tokens_per_s'])} tokens/s in all): "
                             f"{r['kwh_per_million_tokens']:g} kWh, {usd(r['usd_per_million_tokens'])}.",
                         f"满载时（合计 {tps(r['tokens_per_s'])} tokens/s）每百万 token：{r['kwh_per_million_tokens']:g} 千瓦时，"
                         f"{usd(r['usd_per_million_tokens'])}。"))
    from .parse import find_carbon_intensity

    co2 = find_carbon_intensity(question)
    if co2:  # "按 0.58 kgCO2/度算碳排放多少": the energy of the period asked (or a month) times the intensity said
        kwh_c = r["kwh_period"] if days else r["kwh_per_month"]
        kg = kwh_c * co2
        lead = lead.rstrip("。.") + pick(zh, f"; at {co2:g} kg CO2 per kWh that is **about {kg:,.0f} kg of CO2**"
                                          + (" a month" if not days else "") + ".",
                                         f"；按 {co2:g} kgCO2/千瓦时，**约 {kg:,.0f} kg 二氧化碳**" + ("（每月）" if not days else "") + "。")
    if host_note:
        body.insert(0, host_note)
    assumptions = [pick(zh, "board power (TDP) is a ceiling: GPUs under full load run near it, idle far below; PUE "
                            "adds cooling and power delivery", "按板卡功耗（TDP）上限计：满载接近，空闲远低于此；PUE 计入散热和供电损耗"),
                   pick(zh, f"electricity: {r['price_basis']}", "电价：" + ("你给的价格" if s.usd_per_kwh else "默认值（美国商业电价均值）"))]
    return Reply(lead, body, assumptions)


DAYS_PER_MONTH = 30.4
PERIOD = re.compile(r"\b(?:for|over|in|per|a|one|each)\s+(?:(\d+)\s+)?(day|week|year)s?\b(?!\s*(?:a|per)\b)|"
                    r"(?:训练|跑|用|运行)?\s*(一|两|三|\d+)\s*(?:个)?\s*(天|周|星期|年)(?!\s*(?:内|之内))(?=.{0,12}(?:电费|多少钱|花多少|成本))|"
                    r"(每天|每周|每年|一年|一周|一天)(?=.{0,6}(?:电费|多少钱|花多少))|\b(annual(?:ly)?|yearly)\b|(全年|年度)", re.I)


def _period(question: str) -> re.Match | None:
    """The period a bill is asked for ('for a week', '训练一周', 'per year?'), never the 'a day' of '12 hours a day'."""
    for m in PERIOD.finditer(question):
        if not re.search(r"(?:hours?|hrs?|\bh|\dh|小时)\s*$", question[:m.start()], re.I):
            return m
    return None


def _period_days(m: re.Match) -> tuple[float, str, str]:
    """(days, English, Chinese) of a period asked for: 'for a week', '训练一周', '一年'."""
    zh_n = {"一": 1, "两": 2, "三": 3}
    if m.group(2):
        n = float(m.group(1) or 1)
        unit = m.group(2).lower()
    elif m.group(4):
        n = float(zh_n.get(m.group(3), m.group(3)))
        unit = {"天": "day", "周": "week", "星期": "week", "年": "year"}[m.group(4)]
    elif m.group(5):
        n, unit = 1.0, {"天": "day", "周": "week", "年": "year"}[m.group(5)[-1]]
    else:  # "annual", "yearly", "全年"
        n, unit = 1.0, "year"
    days = n * {"day": 1, "week": 7, "year": 365}[unit]
    en = f"{n:g} {unit}s" if n != 1 else f"a {unit}"
    cn = f"{n:g}{ {'day': '天', 'week': '周', 'year': '年'}[unit] }"
    return days, en, cn


def _target(s: Slots, zh: bool) -> str:
    return pick(zh, f"{s.target_tps:g} tokens/s each", f"每人 {s.target_tps:g} tokens/s")


DEFAULT_USER_TPS = CHAT_USER_TOKENS_PER_S  # per-user speed when none is said (tools/defaults.py)


MEMORY_ONLY = re.compile(r"memory[- ]wise|by memory|memory alone|memory[- ]only|in terms of memory|kv[- ]cache[- ]wise|"
                         r"(?:按|从|光看|只看|单看)显存|显存(?:上|角度|层面)", re.I)


REACH_SIZES = ("llama-3.2-1b", "llama-3.2-3b", "llama-3.1-8b", "qwen2.5-14b", "qwen2.5-32b", "llama-3.3-70b")


def training_reach(turn, s: Slots, question: str) -> Reply:
    """'Is a 4090 enough for training?' with no model: the largest common size each method fits on the cards (the
    fit check itself, at the sequence length said or the fine-tuning default), and which model and method?"""
    from tools.fit import FitRequest, check_fit

    from .answers_fit import training_args

    zh = turn.zh
    n = s.count or 1
    reach = {}
    for method in ("full", "lora", "qlora"):
        sub = dataclasses.replace(s, method=method, workload="training", precision=None)
        args = {k: v for k, v in training_args(sub, n).items() if v is not None}
        for model in reversed(REACH_SIZES):  # the largest that fits
            try:
                ok = check_fit(FitRequest(model=model, gpu=s.gpu, gpu_count=n, **args)).fits
            except AdvisorInputError:
                ok = False
            if ok:
                reach[method] = turn.call("check_fit", model=model, gpu=s.gpu, gpu_count=n, **args)
                break
    gpu = get_gpu(s.gpu).name
    names = {"full": ("full fine-tuning", "全参微调"), "lora": ("LoRA", "LoRA"), "qlora": ("QLoRA", "QLoRA")}
    said = [pick(zh, f"{names[m][0]} up to {model_label(r.memory.model, zh)}", f"{names[m][1]}最大到 {model_label(r.memory.model, zh)}")
            for m, r in reach.items()]
    ctx = next(iter(reach.values())).memory.context if reach else (s.context or 2048)
    if not said:
        lead = pick(zh, f"**Not for training models of 1B and up on {n}x {gpu}** at {ctx:,} tokens, even with QLoRA.",
                    f"**{n} 张 {gpu} 连 1B 模型都训练不了**（{ctx:,} tokens，QLoRA 也不行）。")
    else:
        lead = pick(zh, f"**It depends on the model and the method: on {n}x {gpu}, {', '.join(said)}** ({ctx:,}-token "
                        "sequences, batch 1, gradient checkpointing). Which model and which method?",
                    f"**取决于模型和方法：{n} 张 {gpu} 上，{'，'.join(said)}**（序列 {ctx:,} tokens、batch 1、梯度检查点）。"
                    "你要训练哪个模型、用哪种方法？")
    lines = [f"- {names[m][1 if zh else 0]}: {model_label(r.memory.model, zh)} ({r.memory.params_b:.1f}B), "
             f"{gib(r.required_gib)} / {gib(r.available_gib)}" for m, r in reach.items()]
    body = ["\n".join(lines)] if lines else []
    body.append(pick(zh, "Pretraining from scratch needs the same memory as full fine-tuning and far more GPU-hours: "
                         "on one card only small models in reasonable time.",
                     "从头预训练的显存与全参微调相同，但 GPU 小时多得多：单卡只适合小模型。"))
    return Reply(lead, body)


CAPACITY_SIZES = ("llama-3.1-8b", "qwen2.5-14b", "qwen2.5-32b", "llama-3.3-70b")  # common chat models, 8B to 70B


def capacity_by_size(turn, s: Slots, question: str) -> Reply:
    """'How many users can one L4 serve at 15 tok/s?' with no model: the users it carries for common sizes (the same
    search as a named model), and the one question that settles it: which model."""
    zh = turn.zh
    target = s.target_tps or DEFAULT_USER_TPS
    n = s.count or 1
    rows = []
    for model in CAPACITY_SIZES:
        r = turn.derive("max_users", search.max_users, model=model, gpu=s.gpu, gpu_count=n, target_tokens_per_s=target,
                        context=s.context)
        best = next((x for x in r["by_format"] if x["users"]), None)
        rows.append((r, best))
    gpu = rows[0][0]["gpu"]
    said = [f"{model_label(r['model'], zh)} {b['users']}" for r, b in rows if b]
    lines = [pick(zh, f"- {r['model']}: " + (f"about {b['users']} users ({b['precision']}), {tps(b['decode_tokens_per_s'])} "
                                             f"tokens/s each" if b else "does not reach that speed, or does not load"),
                  f"- {r['model']}：" + (f"约 {b['users']} 人（{b['precision']}），每人 {tps(b['decode_tokens_per_s'])} tokens/s"
                                        if b else "达不到该速度或放不下")) for r, b in rows]
    ctx = rows[0][0]["context"]
    lead = pick(zh, f"**It depends on the model: on {n}x {gpu} at >= {target:g} tokens/s each, "
                    f"{', '.join(said) or 'none of the common sizes'} users at once** ({ctx:,} tokens per conversation). "
                    "Which model do you serve?",
                f"**取决于模型：{n} 张 {gpu}、每人 ≥ {target:g} tokens/s 时，可同时服务 {'，'.join(said) or '常见尺寸都不行'} 人**"
                f"（每段对话 {ctx:,} tokens）。你要部署哪个模型？")
    body = ["\n".join(lines), pick(zh, "Each at its best serving format on vLLM; the KV cache each conversation holds caps "
                                       "the count as much as speed does.",
                                   "每个模型取它在 vLLM 上带得最多的格式；每段对话占的 KV 缓存和速度一样会限制人数。")]
    return Reply(lead, body, [chat_average_note(ctx, zh)] if s.context_default else [])


def capacity(turn, s: Slots, question: str) -> Reply:
    """Users a configuration carries with every user at the stated per-user speed (a stated default if none)."""
    zh = turn.zh
    speed_given = bool(s.target_tps)
    if not speed_given:
        s = dataclasses.replace(s, target_tps=DEFAULT_USER_TPS)
    n = s.count or 1
    if s.precision and re.fullmatch(r"q\d.*", s.precision):  # many users means a batching engine: 4-bit there is AWQ
        s = dataclasses.replace(s, precision="awq-4bit")
    r = turn.derive("max_users", search.max_users, model=s.model, gpu=s.gpu, gpu_count=n,
                    target_tokens_per_s=s.target_tps, context=s.context, precision=s.precision,
                    tensor_parallel=s.tensor_parallel)
    rows = [x for x in r["by_format"] if x["users"]]
    if not rows:
        lead = pick(zh, f"**None at {_target(s, zh)}:** {n}x {r['gpu']} cannot give even one user of {r['model']} that "
                        "speed in any format it runs.",
                    f"**一个都不行：**{n} 张 {r['gpu']} 跑 {r['model']}，任何格式都达不到{_target(s, zh)}。")
        return Reply(lead)
    best = rows[0]
    setup = f"{best['precision']}, {best['framework']}" + (f", TP={best['tensor_parallel']}" if best["tensor_parallel"] > 1 else "")
    lead = pick(zh, f"**About {best['users']} concurrent users** on {n}x {r['gpu']} at >= {_target(s, zh)} with "
                    f"{r['model']} ({setup}): about {tps(best['decode_tokens_per_s'])} tokens/s per user, "
                    f"{tps(best['aggregate_tokens_per_s'])} in all, at {r['context']:,} tokens per conversation.",
                f"**约 {best['users']} 个并发用户**：{n} 张 {r['gpu']} 跑 {r['model']}（{setup}），每人 ≥ {s.target_tps:g} "
                f"tokens/s，实际每人约 {tps(best['decode_tokens_per_s'])}，合计 {tps(best['aggregate_tokens_per_s'])}，每段对话 "
                f"{r['context']:,} tokens。")
    lines = [f"- {x['precision']}: " + (pick(zh, f"{x['users']} users, {tps(x['decode_tokens_per_s'])} tokens/s each",
                                              f"{x['users']} 个用户，每人 {tps(x['decode_tokens_per_s'])} tokens/s")
                                         if x["users"] else pick(zh, "cannot reach that speed", "达不到该速度"))
             for x in r["by_format"]]
    if s.per_million or s.usd_per_gpu_hour or re.search(r"\bcost|\bprice|成本|多少钱|价格", question, re.I):
        c = turn.call("estimate_cost", gpu=r["gpu_id"], gpu_count=n, tokens_per_s=best["aggregate_tokens_per_s"],
                      utilization=1.0)
        if c.usd_per_million_tokens:
            lead += pick(zh, f" **About {usd(c.usd_per_million_tokens)} per 1M output tokens** with all of them busy "
                             f"({usd(c.usd_per_hour)}/hour).",
                         f"**满载时每百万输出 token 约 {usd(c.usd_per_million_tokens)}**（{usd(c.usd_per_hour)}/小时）。")
    body = [pick(zh, "By format:", "按格式：") + "\n" + "\n".join(lines),
            pick(zh, "Fewer users each get more speed; the KV cache (memory for each conversation) caps the count too.",
                 "用户越少每人越快；KV 缓存（每段对话占的显存）也限制人数。")]
    if not speed_given:  # no speed asked ("max concurrent users at 4k?", "memory-wise"): the KV cache's count first
        from tools.models import get_model

        from .answers_fit import inference_args

        fmt = s.precision or get_model(s.model).native_precision  # the model as it ships unless a format is said
        f = turn.call("check_fit", model=s.model, gpu=r["gpu_id"], gpu_count=n, **{**inference_args(s), "precision": fmt})
        if f.fits and f.max_batch:
            at = turn.call("estimate_throughput", model=s.model, gpu=r["gpu_id"], gpu_count=n, precision=fmt,
                           framework="vllm", batch=f.max_batch, continuous_batching=True,
                           **chat_turn(r["context"]))
            body.insert(0, pick(zh, f"With a floor of {DEFAULT_USER_TPS:g} tokens/s each: ", f"再加每人 {DEFAULT_USER_TPS:g} "
                                "tokens/s 的速度下限：") + lead.replace("**", ""))
            lead = pick(zh, f"**About {f.max_batch} concurrent users by memory**: the KV cache of {n}x {r['gpu']} holds "
                            f"{f.max_batch} conversations of {r['context']:,} tokens with {r['model']} ({fmt}); at that "
                            f"load each gets about {tps(at.decode_tokens_per_s)} tokens/s.",
                        f"**按显存约 {f.max_batch} 个并发用户**：{n} 张 {r['gpu']} 的 KV 缓存能放下 {f.max_batch} 段 "
                        f"{r['context']:,} tokens 的对话（{r['model']}，{fmt}）；这时每人约 {tps(at.decode_tokens_per_s)} tokens/s。")
            if s.context_default:  # sized at a chat's average: the count with every conversation at the full window too
                full = turn.call("check_fit", model=s.model, gpu=r["gpu_id"], gpu_count=n,
                                 **{**inference_args(s), "precision": fmt, "context": INFERENCE_CONTEXT})
                if full.fits and full.max_batch:
                    lead += pick(zh, f" If every conversation filled a window of {INFERENCE_CONTEXT:,} tokens: {full.max_batch}.",
                                 f"如果每段对话都用满 {INFERENCE_CONTEXT:,} tokens：{full.max_batch} 个。")
    assumptions = [chat_average_note(r["context"], zh) if s.context_default else
                   pick(zh, f"{r['context']:,} tokens per conversation", f"每段对话 {r['context']:,} tokens")
                   + ("" if s.context else pick(zh, " (default)", "（默认）")),
                   *([] if speed_given else [pick(zh, f"{DEFAULT_USER_TPS:g} tokens/s per user (you did not say; tell me "
                                                      "yours and I'll recount)", f"每人 {DEFAULT_USER_TPS:g} tokens/s"
                                                  "（你没说每人要多快；告诉我你的要求可以重算）")]),
                   pick(zh, "vLLM with continuous batching", "vLLM 连续批处理")]
    return Reply(lead, body, assumptions)


API_YUAN = re.compile(r"(?:输入|输出|input|output)\s*[:：]?\s*[¥￥]|\d\s*(?:元|块)\s*(?:/|每)\s*(?:百万|1m|m\b|million)", re.I)


def _api_verdict(zh: bool, question: str, s: Slots, self_usd_month: float | None) -> str | None:
    """'百炼按输入 0.8 元/百万、输出 2 元/百万，一天 2000 万 token，八成是输入': the API's monthly bill at the person's two
    prices and mix, against the self-hosted bill just sized, in the API's currency."""
    from tools.currency import rate

    prices = _api_in_out(question)
    if not prices or not self_usd_month or not s.tokens_per_day or s.output_share is None:
        return None
    (pin, pout), share = prices, s.output_share
    api_month = s.tokens_per_day * ((1 - share) * pin + share * pout) / 1e6 * 365 / 12
    r = rate("CNY") if API_YUAN.search(question) else None
    if API_YUAN.search(question) and r is None:
        return None
    self_month = self_usd_month * r.per_usd if r else self_usd_month
    cur = "¥" if r else "$"
    cheaper = api_month < self_month
    rate_note = pick(zh, f" at ¥{r.per_usd:g} per dollar ({r.date})", f"，按 1 美元兑 ¥{r.per_usd:g}（{r.date}）") if r else ""
    return pick(zh, f"**{'The API is' if cheaper else 'Self-hosting is'} cheaper: about {cur}{api_month:,.0f} a month at your API "
                    f"prices vs {cur}{self_month:,.0f} self-hosted**{rate_note} ({s.tokens_per_day:,.0f} tokens a day, "
                    f"{1 - share:.0%} input at {cur}{pin:g}/1M and {share:.0%} output at {cur}{pout:g}/1M).",
                f"**{'API' if cheaper else '自建'}更便宜：按你给的 API 价格每月约 {cur}{api_month:,.0f}，自建约 {cur}{self_month:,.0f}**"
                f"{rate_note}（每天 {s.tokens_per_day:,.0f} tokens，输入 {1 - share:.0%} 按 {cur}{pin:g}/百万、输出 {share:.0%} 按 "
                f"{cur}{pout:g}/百万）。")


def daily_volume(turn, s: Slots, question: str) -> Reply:
    """'10M tokens a day': the average and peak generation rate, the streams that is at the per-user speed, and the
    GPUs (the person's GPU, or the cheapest) that carry it, with the monthly rent (at the person's price if given)."""
    from .answers_serve import _layout, model_label

    zh = turn.zh
    out_per_day = s.tokens_per_day * (s.output_share or 1.0)  # generation is the load; the prompts are prefilled alongside
    load = turn.derive("users_for_daily_tokens", search.users_for_daily_tokens, tokens_per_day=out_per_day,
                       target_tokens_per_s=s.target_tps, hours_per_day=s.hours_per_day)
    users = load["concurrent_streams"]
    p = turn.call("recommend_hardware", model=s.model, workload="inference", context=s.context or 4096, concurrency=users,
                  target_tokens_per_s=load["target_tokens_per_s"], gpus=[s.gpu] if s.gpu else None, limit=4,
                  max_gpus=64, precision=s.precision)
    if not p.by_cost:
        return Reply(pick(zh, f"**Nothing on file carries {users} streams** ({s.tokens_per_day:,.0f} tokens a day) within 64 GPUs.",
                          f"**目录里没有能承载 {users} 路并发的配置**（每天 {s.tokens_per_day:,.0f} tokens，64 卡以内）。"))
    best = p.by_cost[0]
    if s.count and s.gpu and best.gpu_id == s.gpu:  # the person's own count: whether it carries the load, then their bill
        enough = s.count >= best.gpu_count
        c = turn.call("estimate_cost", gpu=s.gpu, gpu_count=s.count, hours=round(load["hours_per_day"] * 365 / 12, 1))
        per_m = c.usd / (out_per_day * 365 / 12 / 1e6) if c.usd else None
        all_m = c.usd / (s.tokens_per_day * 365 / 12 / 1e6) if c.usd else None
        share = (pick(zh, f" ({s.output_share:.0%} of it output: {out_per_day:,.0f} generated tokens a day)",
                      f"（其中输出 {s.output_share:.0%}：每天生成 {out_per_day:,.0f} tokens）") if s.output_share else "")
        lead = pick(zh, f"**{'Yes' if enough else 'No'}: {s.count}x {best.gpu} "
                        f"{('carries' if s.count == 1 else 'carry') if enough else ('does not' if s.count == 1 else 'do not') + ' carry'} "
                        f"{s.tokens_per_day:,.0f} tokens a day** of {model_label(p.model, zh)}{share}: the peak needs "
                        f"{best.gpu_count} ({_layout(best, zh)}). "
                        + (f"**About {usd(c.usd)} a month** for your {s.count} at {usd(c.usd_per_gpu_hour)}/GPU-hour, "
                           f"{usd(per_m)} per 1M output tokens" + (f" ({usd(all_m)} per 1M tokens in and out)"
                                                                  if s.output_share else "") + "." if c.usd else ""),
                    f"**{'撑得住' if enough else '撑不住'}：{s.count} 张 {best.gpu} 承载每天 {s.tokens_per_day:,.0f} tokens 的 "
                    f"{model_label(p.model, zh)}{share}{'' if enough else '不够'}**：按峰值需要 {best.gpu_count} 张（{_layout(best, zh)}）。"
                    + (f"**你的 {s.count} 张每月约 {usd(c.usd)}**（{usd(c.usd_per_gpu_hour)}/卡时），折合每百万输出 token "
                       f"{usd(per_m)}" + (f"（按输入加输出每百万 token {usd(all_m)}）" if s.output_share else "") + "。"
                       if c.usd else ""))
        body = [pick(zh, f"Load: {tps(load['average_tokens_per_s'])} output tokens/s on average, planned for a "
                         f"{load['peak_factor']:g}x peak of {tps(load['peak_tokens_per_s'])} = {users} streams at "
                         f"{load['target_tokens_per_s']:g} tokens/s each.",
                     f"负载：平均 {tps(load['average_tokens_per_s'])} 输出 tokens/s，按 {load['peak_factor']:g} 倍峰值 "
                     f"{tps(load['peak_tokens_per_s'])} = {users} 路并发、每路 {load['target_tokens_per_s']:g} tokens/s。")]
        verdict = _api_verdict(zh, question, s, c.usd)
        if verdict:
            body.insert(0, lead.replace("**", ""))
            lead = verdict
        return Reply(lead, body, [pick(zh, f"traffic peaks at {load['peak_factor']:g}x the daily average (say your peak if you "
                                            "know it)", f"峰值按日均的 {load['peak_factor']:g} 倍（如知道实际峰值请告诉我）")])
    hours = load["hours_per_day"] * 365 / 12
    c = turn.call("estimate_cost", gpu=best.gpu_id, gpu_count=best.gpu_count, hours=round(hours, 1))
    lead = pick(zh, f"**{best.gpu_count}x {best.gpu}** ({_layout(best, zh)}) for {model_label(p.model, zh)} at "
                    f"{s.tokens_per_day:,.0f} tokens a day: that is {tps(load['average_tokens_per_s'])} tokens/s on average, "
                    f"planned for a {load['peak_factor']:g}x peak of {tps(load['peak_tokens_per_s'])} tokens/s = {users} "
                    f"streams at {load['target_tokens_per_s']:g} tokens/s each. " + (
                        f"**About {usd(c.usd)} a month** ({load['hours_per_day']:g} h a day at {usd(c.usd_per_gpu_hour)}"
                        "/GPU-hour)." if c.usd else f"No rental price on file for {best.gpu}: give yours (e.g. '$2/GPU-hour') "
                                                   "for the monthly bill."),
                f"**{best.gpu_count} 张 {best.gpu}**（{_layout(best, zh)}）运行 {model_label(p.model, zh)}，每天 "
                f"{s.tokens_per_day:,.0f} tokens：平均 {tps(load['average_tokens_per_s'])} tokens/s，按 {load['peak_factor']:g} 倍峰值 "
                f"{tps(load['peak_tokens_per_s'])} tokens/s 规划 = {users} 路并发、每路 {load['target_tokens_per_s']:g} tokens/s。"
                + (f"**每月约 {usd(c.usd)}**（每天 {load['hours_per_day']:g} 小时，{usd(c.usd_per_gpu_hour)}/卡时）。" if c.usd else
                   f"目录里没有 {best.gpu} 的租价：告诉我你的价格（例如“每卡时 2 美元”）即可算月账单。"))
    assumptions = [pick(zh, f"traffic peaks at {load['peak_factor']:g}x the daily average (say your peak if you know it)",
                        f"峰值按日均的 {load['peak_factor']:g} 倍（如知道实际峰值请告诉我）"),
                   pick(zh, f"rent: {c.assumptions[0]}" if c.assumptions else "", "租金：" + (
                       "你给的价格" if s.usd_per_gpu_hour and turn.price_used else "已收录的按需报价中位数"))]
    verdict = _api_verdict(zh, question, s, c.usd)
    if verdict:  # the API's bill at the person's prices was the question: which is cheaper leads
        return Reply(verdict, [lead.replace("**", "")], [a for a in assumptions if a])
    return Reply(lead, [], [a for a in assumptions if a])


def _counts_each(question: str, gpus: list[str]) -> list[int] | None:
    """Each compared GPU's own count when the question gives them different counts ("one H100 vs two A100s")."""
    from .parse import find_gpus

    found = {g: c for g, c, *_ in find_gpus(question)}
    counts = [found.get(g) or 1 for g in gpus]
    return counts if len(gpus) == 2 and len(set(counts)) > 1 else None


def _setups_vs(turn, s: Slots, gpus: list[str], counts: list[int], model: str, tokens, method: str, stated: str) -> Reply:
    zh = turn.zh
    rows = []
    for g, c in zip(gpus, counts, strict=True):
        r = turn.derive("compare_gpus", search.compare_gpus, gpus=[g], model=model, workload="training",
                        tokens=tokens or (5e7 if method != "pretrain" else None), method=method, gpu_count=c)
        row = r["rows"][0]
        if "hours" not in row:
            return Reply(pick(zh, f"**I can't compare these for {model}:** {row.get('error', '')}", f"**无法比较：**{row.get('error', '')}"))
        rows.append((c, row))
    (fast_c, fast), (slow_c, slow) = sorted(rows, key=lambda x: x[1]["hours"])
    ratio = round(slow["hours"] / fast["hours"], 2)
    figs = ", ".join(f"{c}x {x['gpu']}: {hours_text(x['hours'], False)}" for c, x in rows)
    figs_zh = "，".join(f"{c} 张 {x['gpu']}：{hours_text(x['hours'], True)}" for c, x in rows)
    lead = pick(zh, f"**{fast_c}x {fast['gpu']}: about {ratio:g}x faster** than {slow_c}x {slow['gpu']}{stated}: {figs}.",
                f"**{fast_c} 张 {fast['gpu']} 约快 {ratio:g} 倍**（相对 {slow_c} 张 {slow['gpu']}）{stated}：{figs_zh}。")
    body = [pick(zh, "Training follows compute; several cards also lose a little to communication between them.",
                 "训练速度取决于算力；多卡之间的通信也会损失一些。")]
    return Reply(lead, body, [pick(zh, f"{counts[0]} and {counts[1]} GPUs as you said", f"按你说的 {counts[0]} 张和 {counts[1]} 张")])


CLAIMED_MULTIPLE = re.compile(r"(?<!贵)(?<!贵了)(\d+(?:\.\d+)?|一|两|二|三)\s*(?:x|×|倍|times)(?!\s*(?:the\s+)?(?:price|cost|rent|money|as much)\b)"
                              r"(?!\s*(?:的)?(?:价格|价钱|租金|钱))(?:\s*(?:faster|quicker|as fast|速度|更快|的速度))?|"
                              r"\b(twice) as fast\b", re.I)
# "快一倍" is twice as fast (one more time the speed); "快两倍" is read the same way in everyday Chinese sales talk
_CN_MULTIPLE = {"一": 2.0, "两": 2.0, "二": 2.0, "三": 3.0, "twice": 2.0}


def claimed_multiple(m: re.Match) -> float:
    word = m.group(1) or m.group(2)
    if word in _CN_MULTIPLE:
        return _CN_MULTIPLE[word] if not re.match(r"[\d.]", word) else float(word)
    return float(word)


def gpu_vs_gpu(turn, s: Slots, question: str) -> Reply:
    """Two GPUs for one workload, and a claimed multiple ('H100 trains 9x faster than A100, true?') judged against
    the ratio the calculators give."""
    reply = _gpu_vs_gpu(turn, s, question)
    claim = CLAIMED_MULTIPLE.search(question)
    done = next((c.result for c in reversed(turn.calls) if c.tool == "compare_gpus" and isinstance(c.result, dict)), None)
    if claim and done and done.get("speedup_x"):
        said, ours = claimed_multiple(claim), done["speedup_x"]
        close = 1 / 1.5 <= said / ours <= 1.5
        reply.lead = pick(turn.zh, f"**{'About right' if close else 'No'}: about {ours:.1f}x, "
                                   f"{'in line with' if close else 'not'} the {said:g}x claimed.** ",
                          f"**{'基本靠谱' if close else '不靠谱'}：实际约 {ours:.1f} 倍，{'与说法相符' if close else f'不是 {said:g} 倍'}。**") \
            + reply.lead.replace("**", "")
    return reply


def _serving_ratio(turn, s: Slots, gpus: list[str], model: str):
    """Two cards for serving a load: each card's cheapest configuration for it (tools/plan), and the ratio of the work
    one GPU-hour of each does (output tokens/s per GPU). None when either card cannot carry the load."""
    from .answers_money import BUSY_USERS, cheapest_per_token
    from .answers_serve import _layout, _plan_assumptions

    zh = turn.zh
    users = s.users or s.batch or BUSY_USERS
    # the load sets each card's count ("is a B200 worth it over an H200 for 500 users": not one of each)
    sub = Slots(**{**s.__dict__, "model": model, "users": users, "count": None})
    rows = cheapest_per_token(turn, sub, gpus)
    if any(o is None for _, o, _ in rows):
        return None
    per_gpu = {o.gpu: (o.aggregate_tokens_per_s or o.decode_tokens_per_s_total) / o.gpu_count for _, o, _ in rows}
    fast, slow = sorted(per_gpu, key=per_gpu.get, reverse=True)[:2]
    opts = {o.gpu: o for _, o, _ in rows}
    rents = {o.gpu: o.usd_per_hour / o.gpu_count for _, o, _ in rows if o.usd_per_hour}
    r = turn.derive("serving_ratio", lambda **kw: kw, users=users, faster=fast, slower=slow,
                    speedup_x=round(per_gpu[fast] / per_gpu[slow], 2),
                    rent_multiple_x=round(rents[fast] / rents[slow], 2) if len(rents) == 2 else None,
                    faster_is_cheaper_per_work=opts[fast].usd_per_million_tokens <= opts[slow].usd_per_million_tokens,
                    rows=[{"gpu": o.gpu, "gpu_id": o.gpu_id, "gpu_count": o.gpu_count,
                           "tokens_per_s_per_gpu": round(per_gpu[o.gpu], 1)} for _, o, _ in rows])

    def one(o, zh_: bool) -> str:
        return pick(zh_, f"{o.gpu_count}x {o.gpu} ({_layout(o, zh_)}), {tps(o.decode_tokens_per_s)} tokens/s per user, "
                         f"{tps(per_gpu[o.gpu])} per GPU",
                    f"{o.gpu_count} 张 {o.gpu}（{_layout(o, zh_)}），每用户 {tps(o.decode_tokens_per_s)} tokens/s，"
                    f"每卡 {tps(per_gpu[o.gpu])}")

    figs = f" serving {users} users at once: " + " vs ".join(one(opts[g], False) for g in (fast, slow))
    figs_zh = f"（{users} 路并发）：" + " 对 ".join(one(opts[g], True) for g in (fast, slow))
    return r, figs, figs_zh, _plan_assumptions(rows[0][2], sub, zh)


def _gpu_vs_gpu(turn, s: Slots, question: str) -> Reply:
    """Two GPUs for one workload: which is faster, by how much, and up to what price ratio the faster one is worth
    it. With no model named, a stated representative workload."""
    zh = turn.zh
    gpus = list(dict.fromkeys(s.gpus))[:2]
    training = s.workload in ("training", "pretrain") or bool(s.method)
    stated = ""
    model = s.model
    served = None
    if training:
        fine_tune = re.search(r"fine-?tun|微调|\bsft\b", question, re.I)  # "for fine-tuning": a full fine-tune, not pretraining
        method = s.method or ("full" if fine_tune and s.workload != "pretrain" else "pretrain")
        tokens = s.tokens
        if not model:
            model, tokens = (REPRESENTATIVE_PRETRAIN if method == "pretrain" else ("8B", 5e7))
            stated = pick(zh, f" (no model named: {dict(pretrain='pretraining ', full='full fine-tuning of ').get(method, method + ' of ')}a {model} "
                              f"model on {tokens:,.0f} tokens as the example)",
                          f"（未指定模型：以{dict(pretrain='预训练', full='全量微调').get(method, method + ' 微调')} {model} 模型、{tokens:,.0f} tokens 为例）")
        if not tokens and method == "pretrain":  # a model and no budget: Chinchilla's 20 tokens per parameter, said
            info = turn.call("lookup_model", name=model)
            tokens = round(info.params_b * 20, 1) * 1e9
            stated = pick(zh, f" (no token count given: {tokens:,.0f} tokens, 20 per parameter)",
                          f"（未给 token 数：按每参数 20 个，{tokens:,.0f} tokens）")
        if tokens and tokens < 1e6 and method != "pretrain":
            tokens = None  # "prompt 经常 20k-30k token" said before: a prompt length, not a training budget
        if not tokens and method != "pretrain" and not stated:
            tokens = 5e7
            stated = pick(zh, f" ({method} fine-tune on 50M tokens as the example; the ratio does not depend on it)",
                          f"（以 {method} 微调 5,000 万 tokens 为例；倍数与 token 数无关）")
        n = s.count or (8 if method == "pretrain" else None)  # a fine-tune: the fewest of each card that hold it
        counts = _counts_each(question, gpus)
        if counts:  # "one H100 vs two A100s": each side with its own count, the ratio between the two setups
            return _setups_vs(turn, s, gpus, counts, model, tokens, method, stated)
        r = turn.derive("compare_gpus", search.compare_gpus, gpus=gpus, model=model, workload="training",
                        tokens=tokens or (5e7 if method != "pretrain" else None), method=method, gpu_count=n)
        n = r.get("gpu_count") or n
    else:
        if model and _counts_each(question, gpus):  # "两张 4090 和一张 5090 比": each setup with its own count, by speed
            from .answers_serve import compare

            return compare(turn, s, "speed")
        if model and ((s.users or 1) > 1 or SERVING_LOAD.search(question)):
            served = _serving_ratio(turn, s, gpus, model)  # many users: each card's cheapest layout for that load
            if served is not None:
                r, figs, figs_zh, plan_notes = served
        if not model:
            model = REPRESENTATIVE_MODEL
            stated = pick(zh, " (no model named: Llama 3.1 8B in bf16, one user, as the example)",
                          "（未指定模型：以 Llama 3.1 8B bf16 单用户为例）")
        if not served:
            n = s.count or 1
            r = turn.derive("compare_gpus", search.compare_gpus, gpus=gpus, model=model, workload="inference",
                            gpu_count=n, users=s.users or 1, precision=s.precision)
    if not r["speedup_x"]:
        errors = "; ".join(x.get("error", "") for x in r["rows"] if x.get("error"))
        return Reply(pick(zh, f"**I can't compare these for {model}:** {errors}", f"**无法比较：**{errors}"))
    ratio, price_ratio = r["speedup_x"], r["rent_multiple_x"]
    specs = [turn.call("lookup_gpu", name=g) for g in gpus]
    specs.sort(key=lambda g: g.name != r["faster"])  # the faster card's figure first, as the lead names it
    if training:  # what sets the pace: compute for training, memory bandwidth for generating tokens
        pace = " vs ".join(f"{g.bf16_tflops_dense or g.fp16_tflops_dense or 0:,g}" for g in specs) + " dense BF16 TFLOPS"
    elif not served:
        pace = " vs ".join(f"{g.memory_bandwidth_gb_per_s:,g}" for g in specs) + " GB/s"
    if training:
        figs = ", ".join(f"{x['gpu']}: {hours_text(x['hours'], False)}" for x in r["rows"] if "hours" in x)
        figs_zh = "，".join(f"{x['gpu']}：{hours_text(x['hours'], True)}" for x in r["rows"] if "hours" in x)
    elif not served:
        figs = ", ".join(f"{x['gpu']}: {tps(x['decode_tokens_per_s'])} tokens/s ({x['precision']})" for x in r["rows"]
                         if "decode_tokens_per_s" in x)
        figs_zh = "，".join(f"{x['gpu']}：{tps(x['decode_tokens_per_s'])} tokens/s（{x['precision']}）" for x in r["rows"]
                            if "decode_tokens_per_s" in x)
    worth_en = f"worth it up to about {ratio:g}x the price"
    worth_zh = f"价格在 {ratio:g} 倍以内就划算"
    said = _said_price_ratio(question)
    from .answers_money import said_hourly_prices

    # the rents or prices the person gives card by card: "H200 每卡时 3.5 美元，B200 5.5 美元", "3090 at $700 vs 4090 at $1,800"
    prices = dict(s.gpu_prices) if len(s.gpu_prices) >= 2 else (said_hourly_prices(question)[0] or _said_card_prices(question))
    w = re.search(r"\b([a-z]+\d{2,4}[a-z]*)\b[^$?]{0,30}\bworth (?:it )?(?:at|for)\s*\$\s*(\d+(?:\.\d+)?)\s*(?:/\s*h\w*)?\s*"
                  r"(?:vs\.?|versus|over|against|compared to)\s*\$\s*(\d+(?:\.\d+)?)", question, re.I)
    if w and len(prices) < 2:  # "is H200 worth it at $3.5/h vs $2.5/h?": the named card at the first price, the other at the second
        from tools.gpus import get_gpu

        try:
            named = get_gpu(w.group(1)).id
            other = next(g for g in gpus if g != named)
            prices = {named: float(w.group(2)), other: float(w.group(3))}
        except Exception:  # noqa: BLE001 - not a card name: no pairing
            pass
    fast_id = next((x["gpu_id"] for x in r["rows"] if x.get("gpu") == r["faster"]), None)
    slow_id = next((x["gpu_id"] for x in r["rows"] if x.get("gpu") == r["slower"]), None)
    if not said and fast_id in prices and slow_id in prices and prices[slow_id]:
        said = round(prices[fast_id] / prices[slow_id], 2)  # "二手 3090 ¥5500，新 4090 ¥1.5万": their own prices
    if said:  # "is H200 worth paying ~30% more per hour?": the person's price gap decides
        turn.derive("said_price_ratio", lambda **kw: kw, price_ratio=said, percent_more=round((said - 1) * 100, 6),
                    prices=sorted(prices.values()))
        if prices:
            turn.price_used = True  # the person's own rents decided the verdict
        yes = ratio >= said
        worth_en = (f"**{'yes' if yes else 'no'}, at {said:g}x the price it is {'worth it' if yes else 'not worth it'}** "
                    f"for this job (worth it up to about {ratio:g}x the price)")
        worth_zh = f"**按贵 {said - 1:.0%}（{said:g} 倍）算，{'值得' if yes else '不值'}**（快 {ratio:g} 倍，{ratio:g} 倍以内都划算）"
    elif (bought := _purchase_prices(question, fast_id, slow_id)) is not None:  # buying, not renting: what each costs
        (fast_usd, fast_kind), (slow_usd, slow_kind) = bought
        buy_ratio = round(fast_usd / slow_usd, 2)
        turn.derive("purchase_ratio", lambda **kw: kw, faster_usd=fast_usd, slower_usd=slow_usd, ratio=buy_ratio)
        better = buy_ratio <= ratio
        worth_en += (f"; to buy, at the prices on file ({usd(fast_usd)} {fast_kind} vs {usd(slow_usd)} {slow_kind}, "
                     f"{buy_ratio:g}x) {'the faster card is the better buy' if better else 'the slower card gives more speed per dollar'}")
        worth_zh += (f"；按已收录的购买价（{usd(fast_usd)} {fast_kind} 对 {usd(slow_usd)} {slow_kind}，{buy_ratio:g} 倍）"
                     f"{'快的更划算' if better else '慢的那张每块钱的速度更高'}")
    elif price_ratio:
        worth_en += (f"; at the rents on file ({price_ratio:g}x) it is the better buy" if r["faster_is_cheaper_per_work"]
                     else f"; at the rents on file ({price_ratio:g}x) the slower card costs less per unit of work")
        worth_zh += (f"；按已收录租金（{price_ratio:g} 倍）更快的更划算" if r["faster_is_cheaper_per_work"]
                     else f"；按已收录租金（{price_ratio:g} 倍）慢的那张单位工作量更便宜")
    if served:  # a load: the work one GPU-hour of each does, each card at the layout that serves the load cheapest
        lead = pick(zh, f"**{r['faster']}: about {ratio:g}x the output per GPU** of {r['slower']}{figs}; {worth_en}.",
                    f"**{r['faster']} 每卡产出约为 {r['slower']} 的 {ratio:g} 倍**{figs_zh}；{worth_zh}。")
        body = [pick(zh, "Many users at once: a card's memory sets how many conversations' KV caches one copy of the model "
                         "holds, its bandwidth and compute how fast the batch moves; each card is at the layout that "
                         "carries this load cheapest.",
                     "多用户并发时：显存决定一份模型能放下多少路对话的 KV 缓存，带宽和算力决定整批生成多快；两种卡各取带得动"
                     "这个负载的最便宜配置。")]
    else:
        lead = pick(zh, f"**{r['faster']}: about {ratio:g}x faster** than {r['slower']} ({pace}){stated}: {figs}; {worth_en}.",
                    f"**{r['faster']} 约快 {ratio:g} 倍**（相对 {r['slower']}；{pace}）{stated}：{figs_zh}；{worth_zh}。")
        body = [pick(zh, "Generating tokens follows memory bandwidth; training and long prompts follow compute.",
                     "生成 token 的速度取决于显存带宽；训练和长提示词取决于算力。")]
    if not training and not served and (s.users or 1) == 1:  # one user rides on bandwidth; many users at once on compute: the order may flip
        busy = turn.derive("compare_gpus", search.compare_gpus, gpus=gpus, model=model, workload="inference",
                           gpu_count=n, users=64, precision=s.precision)
        if busy.get("speedup_x") and busy["faster"] != r["faster"]:
            tflops = " vs ".join(f"{g.bf16_tflops_dense or g.fp16_tflops_dense or 0:,g}"
                                 for g in sorted(specs, key=lambda g: g.name != busy["faster"]))
            body.insert(0, pick(zh, f"Serving many users reverses it: at 64 users at once {busy['faster']} is about "
                                    f"{busy['speedup_x']:g}x faster in total ({tflops} dense BF16 TFLOPS), so it is only "
                                    "for one or a few streams that the other card wins.",
                                f"多用户并发时结果反过来：64 个用户同时请求时 {busy['faster']} 总吞吐约快 {busy['speedup_x']:g} 倍"
                                f"（稠密 BF16 {tflops} TFLOPS），只有单路或少量并发时另一张卡更快。"))
    big, small = max(specs, key=lambda g: g.memory_gib), min(specs, key=lambda g: g.memory_gib)
    if big.memory_gib >= 1.5 * small.memory_gib:  # capacity decides which models load at all, before speed
        body.append(pick(zh, f"Memory: {big.name} holds {gib(big.memory_gib)} against {gib(small.memory_gib)}: larger models and "
                             f"longer contexts that do not load on {small.name} fit on it.",
                         f"显存：{big.name} 有 {gib(big.memory_gib)}，{small.name} 只有 {gib(small.memory_gib)}：后者装不下的更大模型和"
                         f"更长上下文，前者能装下。"))
    return Reply(lead, body, plan_notes if served else [pick(zh, f"{n} GPU(s) each", f"各 {n} 张卡")])


BUYING = re.compile(r"\bbuy(?:ing)?\b|\bpurchas\w*|\bused\b|second-?hand|\blocal(?:ly)?\b|\bat home\b|\bown\b|二手|买|购|本地|自己用", re.I)


def _purchase_prices(question: str, fast_id: str | None, slow_id: str | None):
    """((usd, kind), (usd, kind)) for the faster and slower card when the question is about buying them: a used price
    on file for a card said used ('a used 3090'), else the new price on file; None when either is missing."""
    from tools.prices import gpu_prices

    if not (fast_id and slow_id and BUYING.search(question)):
        return None
    used_said = bool(re.search(r"\bused\b|second-?hand|二手", question, re.I))
    out = []
    for gid in (fast_id, slow_id):
        p = gpu_prices(gid)
        if used_said and p.used_usd:
            out.append((p.used_usd, "used"))
        elif p.purchase_usd:
            out.append((p.purchase_usd, "new"))
        else:
            return None
    return tuple(out)


def _said_card_prices(question: str) -> dict[str, float]:
    """A price the person gives right after a card ('二手 3090 ¥5500，新 4090 ¥1.5万', '3090 at $700 vs 4090 at $1,800'):
    card id -> price, in the currency given."""
    from .parse import after_each_card

    out: dict[str, float] = {}
    for gid, m in after_each_card(question, r"\W{0,3}(?:(?:at|for|is|@|卖|要|价格|售价)\W{0,3})?[$¥￥€]?\s*(\d+(?:[.,]\d+)?)\s*"
                                            r"(万|k)?(?!\s*(?:gb|g\b|tokens?|tok|%|w\b|x\b|张|块|卡))").items():
        v = float(m.group(1).replace(",", "")) * {"万": 1e4, "k": 1e3, "K": 1e3}.get(m.group(2) or "", 1)
        if v >= 50:
            out[gid] = v
    return out


def _said_price_ratio(question: str) -> float | None:
    """The price gap the person states: '~30% more per hour' -> 1.3, '1.5x the price', 'twice the cost', '贵 30%',
    '贵一倍'."""
    q = question.lower()
    m = re.search(r"(\d+(?:\.\d+)?)\s*%\s*(?:more|higher|extra|pricier|dearer)|(?:贵|多花|高出?)\s*(?:了)?\s*(\d+(?:\.\d+)?)\s*%", q)
    if m:
        return 1 + float(m.group(1) or m.group(2)) / 100
    m = re.search(r"(\d+(?:\.\d+)?)\s*(?:x|×|times)\s*(?:the\s+)?(?:price|cost|rent|as much)", q)
    if m:
        return float(m.group(1))
    if re.search(r"\btwice (?:the|as much)\b|\bdouble the (?:price|cost)\b|贵一倍|两倍的?(?:价格|价钱|租金)", q):
        return 2.0
    return None


def format_choice(turn, s: Slots, question: str) -> Reply:
    """'GGUF Q4_K_M, AWQ, FP8 - which for my 4060 Ti 16G?' with no model: the rule for this card, and the one question
    that decides the size (which model)."""
    from tools.gpus import get_gpu

    zh = turn.zh
    desktop = True
    name = f"a {s.vram_gib:g} GB card" if s.vram_gib else "your card"
    fp8 = None
    if s.gpu:
        g = get_gpu(s.gpu)
        turn.call("lookup_gpu", name=g.id)
        name, desktop, fp8 = g.name, g.kind in ("consumer", "workstation"), g.supports_fp8
    one_user = (s.users or 1) <= 1
    if desktop and one_user:
        rule = pick(zh, f"for one user on {name}, GGUF Q4_K_M (llama.cpp/Ollama) is the usual choice: the smallest of "
                        "these, quality close to 8-bit, and it runs well on desktop cards.",
                    f"在 {name} 上单人使用，通常选 GGUF Q4_K_M（llama.cpp/Ollama）：体积最小、质量接近 8 位，桌面卡上运行良好。")
    else:
        rule = pick(zh, f"for several users on {name}, serve with vLLM: FP8 where the card supports it, else AWQ 4-bit.",
                    f"在 {name} 上服务多个用户，用 vLLM：卡支持就用 FP8，否则用 AWQ 4 位。")
    extra = []
    if "fp8" in s.formats and fp8 is False:
        extra.append(pick(zh, f"{name} has no FP8 tensor cores, so FP8 weights gain it nothing.",
                          f"{name} 没有 FP8 张量核心，FP8 权重对它没有加速。"))
    return Reply(pick(zh, f"**Which model?** That decides whether each format fits; in general, {rule}",
                      f"**请问是哪个模型？**这决定了每种格式放不放得下；一般来说，{rule}"), extra)


# ---- work at a steady full load: a batch job, requests per second, one request's time ------------------------

SERVE_MAX_SEQS = 256  # vLLM's default max_num_seqs: the most requests one engine runs in a step


def _full_load(turn, s: Slots, prompt: int, out: int, count: int | None = None, target_tps: float | None = None):
    """(throughput at the busiest steady load, requests running together): as many one-shot requests of `prompt` +
    `out` tokens as the KV pool holds (at most vLLM's max_num_seqs), each prefilled in full (no shared prefix); with
    a per-request speed to keep, the busiest load that keeps it."""
    gpu, n = s.gpu or "h100-sxm", count or s.count or 1
    mem = turn.call("estimate_memory", model=s.model, gpu=gpu, gpu_count=n, precision=s.precision, framework="vllm",
                    context=prompt + out, batch=1)
    running = max(1, min(mem.max_concurrent_sequences or 1, SERVE_MAX_SEQS))
    t = turn.call("estimate_throughput", model=s.model, gpu=gpu, gpu_count=n, precision=s.precision, framework="vllm",
                  batch=running, prompt_tokens=prompt, output_tokens=out, continuous_batching=True)
    if target_tps and t.decode_tokens_per_s < target_tps and running > 1:
        # "生成 ≥20 tok/s": the busiest load at which each request still gets that speed (fewer running together)
        lo, hi, best = 1, running - 1, None
        while lo <= hi:
            mid = (lo + hi) // 2
            got = turn.call("estimate_throughput", model=s.model, gpu=gpu, gpu_count=n, precision=s.precision,
                            framework="vllm", batch=mid, prompt_tokens=prompt, output_tokens=out, continuous_batching=True)
            if got.decode_tokens_per_s >= target_tps:
                best, lo = (got, mid), mid + 1
            else:
                hi = mid - 1
        if best:
            return best
    return t, running


def _io(s: Slots) -> tuple[int, int, bool]:
    """(prompt, output tokens per request, whether both were given); a chat-sized request where not said. In a job
    of N items, 'N documents of ~2,000 tokens each' is the prompt of each."""
    given_in = s.input_tokens or (s.context if s.items and s.output_tokens and s.context else None)
    if not given_in and not s.output_tokens and s.context and s.request_rate and not s.context_default:
        given_in, said_out = serving_split(s.context)  # "每次 2k token": the request's tokens, split as plans split them
        return given_in, said_out, True
    prompt, out = given_in or 512, s.output_tokens or 256
    if not given_in and s.input_total and s.output_total:  # totals only: requests of the default output, the totals' mix
        prompt = max(1, round(out * s.input_total / s.output_total))
    return prompt, out, bool(given_in and s.output_tokens)


def _fewest_holding(model: str, gpu: str, precision: str | None) -> int:
    """The fewest GPUs (1, 2, 4, 8, 16, 32) that hold the model with room for a batch: DeepSeek-V3 is not run on one."""
    return fewest_gpus(model, gpu, precision, counts=(1, 2, 4, 8, 16, 32), batch=8) or 1


def batch_job(turn, s: Slots, question: str) -> Reply:
    """'2M documents, 800 tokens in and 150 out each, on one L4: how long?' / '5e8 output tokens at a measured 3,000
    tok/s: hours and cost?': the time and rent of a batch job at a steady full load. Two cards named ("how many L4s,
    or H100s instead?"): the job on each, the cheaper first."""
    gpus = list(dict.fromkeys(s.gpus))
    if len(gpus) >= 2 and not s.aggregate_tps and not s.count:
        return _batch_job_compared(turn, s, question, gpus[:2])
    reply = _batch_job_one(turn, s, question)
    gpu = s.gpu or "h100-sxm"
    hours = next((c.result["hours"] for c in reversed(turn.calls) if c.tool == "batch_job_time"), None)
    if hours and not s.precision and not s.aggregate_tps and get_gpu(gpu).fp8_tflops_dense and s.model:
        # a throughput job on a card with FP8 tensor cores: FP8 weights are the usual choice; said beside bf16
        from tools.models import get_model

        # (a checkpoint released in 4 bits, gpt-oss's MXFP4, is served as released: FP8 would be a bigger copy)
        if (get_model(s.model).native_precision or "bf16") not in ("fp8", "mxfp4", "nvfp4"):
            fast = _batch_job_one(turn, dataclasses.replace(s, precision="fp8"), question)
            hours8 = next((c.result["hours"] for c in reversed(turn.calls) if c.tool == "batch_job_time"), None)
            if hours8 and hours8 < 0.9 * hours:
                reply.body.insert(0, pick(turn.zh, f"With FP8 weights (this GPU has FP8 tensor cores; near-lossless for "
                                                   f"generation): {fast.lead.replace('**', '')}",
                                          f"用 FP8 权重（这款 GPU 有 FP8 张量核心，生成质量基本无损）：{fast.lead.replace('**', '')}"))
    return reply


def _batch_job_compared(turn, s: Slots, question: str, gpus: list[str]) -> Reply:
    zh = turn.zh
    rows = []
    for g in gpus:
        r = _batch_job_one(turn, dataclasses.replace(s, gpu=g, gpus=[g], count=None), question)
        cost = next((c.result for c in reversed(turn.calls) if c.tool == "estimate_cost"), None)
        usd_total = (cost.get("usd") if isinstance(cost, dict) else getattr(cost, "usd", None)) if cost is not None else None
        rows.append((usd_total if usd_total else math.inf, g, r))
    rows.sort(key=lambda x: x[0])
    best_usd, best, first = rows[0]
    other_usd, other, _ = rows[1]
    cheaper = math.isfinite(best_usd) and math.isfinite(other_usd) and best_usd < other_usd
    lead = pick(zh, f"**{gpu_name(best)} is cheaper for this job" + (f" ({usd(best_usd)} vs {usd(other_usd)}, "
                                                                        f"{other_usd / best_usd:.1f}x)" if cheaper else "") + ":** ",
                f"**这个任务用 {gpu_name(best)} 更便宜" + (f"（{usd(best_usd)} 对 {usd(other_usd)}，{other_usd / best_usd:.1f} 倍）"
                                                         if cheaper else "") + "：**") if cheaper else ""
    body = [pick(zh, f"{gpu_name(g)}: ", f"{gpu_name(g)}：") + r.lead.replace("**", "") for _, g, r in rows]
    return Reply(lead + body[0] if lead else body[0], body[1:] + first.body)


def _batch_job_one(turn, s: Slots, question: str) -> Reply:
    zh = turn.zh
    prompt, out, said = _io(s)
    gpu, n = s.gpu or "h100-sxm", s.count or _fewest_holding(s.model, s.gpu or "h100-sxm", s.precision)
    total_out = s.output_total or (s.items * out if s.items else None)
    if s.aggregate_tps:  # the person's own measured rate: plain arithmetic on it
        rate, how = s.aggregate_tps, pick(zh, f"your measured {s.aggregate_tps:,.0f} output tokens/s",
                                          f"你实测的 {s.aggregate_tps:,.0f} 输出 tokens/s")
        body = []
    else:
        # a batch job on many GPUs runs copies of the smallest setup that holds the model (8 copies of one 4090 for a
        # 7B), not one model split 8 ways
        per = _fewest_holding(s.model, gpu, s.precision) if s.count else n
        copies = max(1, n // per) if per <= n else 1
        t, running = _full_load(turn, s, prompt, out, min(per, n))
        rate = t.decode_tokens_per_s_total * copies
        each = pick(zh, f", {copies} copies of {per} GPU{'s' if per > 1 else ''}" if copies > 1 else "",
                    f"，{copies} 份、每份 {per} 张卡" if copies > 1 else "")
        how = pick(zh, f"about {rate:,.0f} output tokens/s with {running} requests running together{' in each' if copies > 1 else ''} "
                       f"({t.precision}, vLLM, {prompt:,} tokens in + {out:,} out each{each})",
                   f"约 {rate:,.0f} 输出 tokens/s，{'每份' if copies > 1 else ''}{running} 个请求同时跑（{t.precision}，vLLM，每个输入 {prompt:,} + "
                   f"输出 {out:,} tokens{each}）")
        body = [pick(zh, f"At that load each request's prompt is prefilled alongside the decoding of the others; the "
                         f"KV cache holds {running} requests of {prompt + out:,} tokens.",
                     f"这个负载下，每个请求的提示词与其他请求的解码一起算；KV 缓存可容纳 {running} 个 {prompt + out:,} tokens 的请求。")]
        if not said:
            body.append(pick(zh, f"Tokens per request not given: assumed {prompt:,} in and {out:,} out.",
                             f"没给每个请求的 token 数：按输入 {prompt:,}、输出 {out:,} 估算。"))
    if not total_out:
        return Reply(pick(zh, f"**About {rate:,.0f} output tokens/s** on {n}x {gpu_name(gpu)} ({how}). How many "
                              "requests (or output tokens) in all?",
                          f"**约 {rate:,.0f} 输出 tokens/s**（{n} 张 {gpu_name(gpu)}，{how}）。一共多少个请求（或多少输出 token）？"),
                     body)
    job = turn.derive("batch_job_time", search.batch_job_time, tokens_per_s=rate, output_tokens_total=s.output_total,
                      items=s.items, output_tokens=out, prompt_tokens=prompt if s.input_tokens else None)
    hours = job["hours"]
    c = turn.call("estimate_cost", gpu=gpu, gpu_count=n, hours=hours)
    total_out = job["output_tokens_total"]
    what_job = pick(zh, f"{job['items']:,.0f} requests x {out:,} output tokens = {total_out:,.0f} output tokens" if s.items and
                    not s.output_total else f"{total_out:,.0f} output tokens",
                    f"{job['items']:,.0f} 个请求 × {out:,} 输出 tokens = {total_out:,.0f} 输出 tokens" if s.items and not s.output_total
                    else f"{total_out:,.0f} 输出 tokens")
    cost = pick(zh, f", about {usd(c.usd)} of rent at {usd(c.usd_per_gpu_hour)}/GPU-hour" if c.usd else "",
                f"，租金约 {usd(c.usd)}（{usd(c.usd_per_gpu_hour)}/卡时）" if c.usd else "")
    lead = pick(zh, f"**About {hours_text(hours, False)}**{cost} for {what_job} on {n}x {gpu_name(gpu)} at {how}.",
                f"**约 {hours_text(hours, True)}**{cost}：{what_job}，{n} 张 {gpu_name(gpu)}，按{how}。")
    if s.days:  # "两周内能跑完吗？": the deadline answered first
        ok = hours <= s.days * 24
        if not ok:  # what it takes: the job splits over copies of the setup (each its own requests)
            copies = math.ceil(hours / (s.days * 24))
            body.insert(0, pick(zh, f"To finish within the deadline: {copies * n}x {gpu_name(gpu)} ({copies} copies of this setup, "
                                    f"the requests split between them, about {hours_text(hours / copies, False)}).",
                                f"要按时完成：{copies * n} 张 {gpu_name(gpu)}（{copies} 份这样的配置，请求分开跑，约 "
                                f"{hours_text(hours / copies, True)}）。"))
        limit_en = f"the {s.days * 24:g} hours" if s.days < 2 else f"the {s.days:g} days"
        limit_zh = f"{s.days * 24:g} 小时" if s.days < 2 and s.days != 1 else f"{s.days:g} 天"
        asked_count = re.search(r"\bhow many\b|几张|多少张|几块|需要几|要几", question, re.I)
        if not ok and asked_count:  # "how many do we need by tomorrow morning?": the count that meets it leads
            rent_en = f"; rent about {usd(c.usd)} at {usd(c.usd_per_gpu_hour)}/GPU-hour" if c.usd else ""
            rent_zh = f"，租金约 {usd(c.usd)}（{usd(c.usd_per_gpu_hour)}/卡时）" if c.usd else ""
            body[0] = pick(zh, "One setup: ", "单份配置：") + lead.replace("**", "")
            lead = pick(zh, f"**{copies * n}x {gpu_name(gpu)}, about {hours_text(hours / copies, False)}**, within {limit_en}"
                            f"{rent_en} (one setup of {n} would take {hours_text(hours, False)}).",
                        f"**{copies * n} 张 {gpu_name(gpu)}，约 {hours_text(hours / copies, True)}**，在 {limit_zh}之内{rent_zh}"
                        f"（{n} 张要 {hours_text(hours, True)}）。")
        else:
            rest = re.sub(r"^(?:About [^,]+?(?=,| for )|约 [^，：]+?(?=[，：]))[,，]?\s*", "", lead.replace("**", ""))
            lead = pick(zh, f"**{'Yes' if ok else 'No'}: about {hours_text(hours, False)}, {'within' if ok else 'more than'} "
                            f"{limit_en}**; ",
                        f"**{'能' if ok else '不能'}：约 {hours_text(hours, True)}，{'在' if ok else '超过'} {limit_zh}{'之内' if ok else ''}**；") \
                + rest
    if s.budget_usd and c.usd and not s.days:  # "budget 10k usd ... doable?": the rent against the budget leads
        ok = c.usd <= s.budget_usd
        lead = pick(zh, f"**{'Yes' if ok else 'No'}: about {usd(c.usd)} of your {usd(s.budget_usd)}** "
                        f"({c.usd / s.budget_usd:.0%}). ",
                    f"**{'够' if ok else '不够'}：约 {usd(c.usd)}，预算 {usd(s.budget_usd)}**（{c.usd / s.budget_usd:.0%}）。") \
            + lead.replace("**", "")
    if job.get("prompt_tokens_total"):
        body.append(pick(zh, f"Input read: {job['prompt_tokens_total']:,.0f} prompt tokens (prefilled, counted in the rate).",
                         f"读入：{job['prompt_tokens_total']:,.0f} 个提示词 tokens（预填充，已计入速率）。"))
    return Reply(lead, body)


def qps(turn, s: Slots, question: str) -> Reply:
    """'How many QPS can 4x H100 serve Qwen2.5-72B at 1,500 in / 500 out?': requests per second at a steady full load."""
    zh = turn.zh
    prompt, out, said = _io(s)
    t, running = _full_load(turn, s, prompt, out)
    per_s = turn.derive("requests_at_rate", search.requests_at_rate, output_tokens_per_s=t.decode_tokens_per_s_total,
                        output_tokens_each=out)["requests_per_s"]
    n, gpu = s.count or 1, gpu_name(s.gpu or "h100-sxm")
    per_min = turn.calls[-1].result["requests_per_minute"]
    lead = pick(zh, f"**About {per_s:,.1f} requests/s ({per_min:,.0f} a minute)** ({prompt:,} tokens in, {out:,} out each) on {n}x {gpu} "
                    f"({t.precision}, vLLM): {t.decode_tokens_per_s_total:,.0f} output tokens/s with {running} requests "
                    f"running together, each at about {tps(t.decode_tokens_per_s)} tokens/s.",
                f"**约 {per_s:,.1f} QPS（每分钟约 {per_min:,.0f} 个）**（每个请求输入 {prompt:,}、输出 {out:,} tokens），{n} 张 {gpu}（{t.precision}，vLLM）："
                f"{running} 个请求同时跑，合计 {t.decode_tokens_per_s_total:,.0f} 输出 tokens/s，每个约 {tps(t.decode_tokens_per_s)} tokens/s。")
    body = [pick(zh, f"Each request takes about {t.request_seconds:,.1f} s at that load (first token after "
                     f"{t.time_to_first_token_s:,.2f} s, queueing excluded); fewer requests at once are each faster, "
                     "with fewer requests per second in all.",
                 f"这个负载下每个请求约 {t.request_seconds:,.1f} 秒（首 token {t.time_to_first_token_s:,.2f} 秒，不含排队）；"
                 "同时跑的请求越少，单个越快，但每秒完成的请求越少。")]
    if not said:
        body.append(pick(zh, f"Tokens per request not given: assumed {prompt:,} in and {out:,} out.",
                         f"没给每个请求的 token 数：按输入 {prompt:,}、输出 {out:,} 估算。"))
    if PER_K_REQUESTS.search(question):  # "$ per 1k requests at $0.7/hr": the rent of the hour over its requests
        c = turn.call("estimate_cost", gpu=s.gpu or "h100-sxm", gpu_count=n, hours=1.0,
                      **({"usd_per_gpu_hour": s.usd_per_gpu_hour} if s.usd_per_gpu_hour else {}))
        if c.usd_per_gpu_hour:
            hourly = c.usd_per_gpu_hour * n
            per_k = hourly / (per_s * 3600) * 1000
            turn.derive("usd_per_1k_requests", lambda **kw: kw, usd_per_hour=round(hourly, 4), requests_per_s=per_s,
                        usd=round(per_k, 4))
            body.insert(0, lead.replace("**", ""))
            lead = pick(zh, f"**About {usd(per_k)} per 1,000 requests** at full load: {usd(hourly)}/h over {per_s * 3600:,.0f} "
                            f"requests an hour ({prompt:,} in + {out:,} out each, {n}x {gpu}); at lower load each costs more.",
                        f"**满载时每千次请求约 {usd(per_k)}**：每小时 {usd(hourly)}，完成 {per_s * 3600:,.0f} 个请求（每个输入 {prompt:,} + "
                        f"输出 {out:,}，{n} 张 {gpu}）；负载低时每次更贵。")
    return Reply(lead, body)


PER_K_REQUESTS = re.compile(r"\bper (?:1k|1,?000|thousand|k) (?:requests|reqs|calls|queries|conversations)\b|每千次|每 ?1000 ?次|"
                            r"每千个请求|每一千次", re.I)


def request_time(turn, s: Slots, question: str) -> Reply:
    """'How many seconds to generate 500 tokens after a 2,000-token prompt?': one request, alone on the GPU."""
    zh = turn.zh
    prompt, out = s.input_tokens or 512, s.output_tokens or 256
    gpu, n = s.gpu or "h100-sxm", s.count or 1
    t = turn.call("estimate_throughput", model=s.model, gpu=gpu, gpu_count=n, precision=s.precision,
                  prompt_tokens=prompt, output_tokens=out, batch=1)
    lead = pick(zh, f"**About {t.request_seconds:,.1f} s** for {out:,} tokens after a {prompt:,}-token prompt: "
                    f"first token after {t.time_to_first_token_s:,.2f} s, then {out:,} tokens at about "
                    f"{tps(t.decode_tokens_per_s)} tokens/s ({t.model} {t.precision} on {n}x {t.gpu}, {t.framework}).",
                f"**约 {t.request_seconds:,.1f} 秒**：提示词 {prompt:,} tokens，首 token {t.time_to_first_token_s:,.2f} 秒，之后 "
                f"{out:,} 个 token 按约 {tps(t.decode_tokens_per_s)} tokens/s 生成（{t.model} {t.precision}，{n} 张 {t.gpu}，{t.framework}）。")
    return Reply(lead, [pick(zh, "One request alone on the GPU; with others running at the same time each is slower.",
                             "按 GPU 上只有这一个请求估算；同时有其他请求时每个都会变慢。")])


def gpu_name(gpu: str) -> str:
    from tools.gpus import get_gpu

    return get_gpu(gpu).name


DEFAULT_PEAK_FACTOR = 2.0  # a day's busiest hour over its average, when not said (chat traffic peaks ~2-3x)


CHEAPEST_ASK = re.compile(r"\bcheapest\b|\bwhich gpus?\b|\bwhat gpus?\b|最省钱|最便宜|什么卡|哪种卡|哪款卡", re.I)
VOLUME_CANDIDATES = ("l4", "a10g", "rtx-4090", "l40s", "a100-80gb-sxm", "h100-sxm")  # cards rented for serving, small to big


def volume(turn, s: Slots, question: str) -> Reply:
    """A request or token volume on the card named, or with none named and the cheapest asked ("用什么卡最省钱"): the
    volume on each of the usual serving cards, the cheapest a month first."""
    if s.gpu or not CHEAPEST_ASK.search(question):
        return _volume(turn, s, question)
    rows = []
    for g in VOLUME_CANDIDATES:
        try:
            r = _volume(turn, dataclasses.replace(s, gpu=g, gpus=[g]), question)
        except AdvisorInputError:  # a card that cannot hold the model is not a candidate
            continue
        month = next((_monthly_of(c) for c in reversed(turn.calls) if c.tool in ("monthly_rent", "estimate_cost")), None)
        if month:
            rows.append((month, g, r))
    if not rows:
        return _volume(turn, s, question)
    rows.sort(key=lambda x: x[0])
    best_month, best, reply = rows[0]
    others = "; ".join(f"{gpu_name(g)} {usd(m)}" for m, g, _ in rows[1:4])
    reply.lead = pick(turn.zh, f"**Cheapest: {gpu_name(best)}, about {usd(best_month)} a month.** ",
                      f"**最省钱：{gpu_name(best)}，每月约 {usd(best_month)}。**") + reply.lead.replace("**", "")
    reply.body.insert(0, pick(turn.zh, f"The same load on other cards, a month: {others}.", f"同样的负载用其他卡每月：{others}。"))
    return reply


def _monthly_of(call) -> float | None:
    r = call.result
    if call.tool == "monthly_rent":
        return r.get("usd") if isinstance(r, dict) else None
    return (r.get("rent_usd_total") if isinstance(r, dict) else getattr(r, "rent_usd_total", None))


def _volume(turn, s: Slots, question: str) -> Reply:
    """A request or token volume ('20k chats a day, 1,500 in / 300 out each', '1B tokens a day, 20% output', '120
    requests a minute'): the GPUs that carry it at its peak, from one setup's requests per second at a steady full
    load (its KV pool full of one-shot requests, each prefilled in full)."""

    from tools.errors import AdvisorInputError

    zh = turn.zh
    prompt, out, said = _io(s)
    notes = []
    if s.request_rate:
        rate = s.request_rate
    else:
        share = s.output_share
        if share and not said:  # requests shaped by the share: the default answer length, the prompt to match
            prompt = max(1, round(out * (1 - share) / share))
        rate = s.tokens_per_day / (prompt + out) / 86400
    if not said and not s.output_share:
        notes.append(pick(zh, f"Tokens per request not given: assumed {prompt:,} in and {out:,} out.",
                          f"没给每个请求的 token 数：按输入 {prompt:,}、输出 {out:,} 估算。"))
    daily = s.rate_is_daily or not s.request_rate  # a day's volume: its busiest hour runs above the average
    peak = s.peak_factor or (DEFAULT_PEAK_FACTOR if daily else 1.0)
    gpu = s.gpu or "h100-sxm"
    t = running = tp = None
    # each tensor-parallel width that holds a request, and the one that carries the peak on the fewest GPUs in all
    # (70B in bf16 on 2 H100s holds 3 requests at once; on 4 it holds dozens, so 4-wide copies need fewer GPUs)
    best_key = None
    for width in (1, 2, 4, 8):
        try:
            mem = turn.call("estimate_memory", model=s.model, gpu=gpu, gpu_count=width, precision=s.precision,
                            framework="vllm", context=prompt + out, batch=1)
        except AdvisorInputError:
            continue
        if not mem.max_concurrent_sequences:
            continue
        got, n_running = _full_load(turn, dataclasses.replace(s, gpu=gpu, count=width), prompt, out, target_tps=s.target_tps)
        setup_rps = got.decode_tokens_per_s_total / out
        key = (width * math.ceil(rate * peak / setup_rps) if setup_rps else math.inf,
               -setup_rps / width)  # as many GPUs either way: the one with more room (2 x TP=2 at 3 requests each is full)
        if best_key is None or key < best_key:
            t, running, tp, best_key = got, n_running, width, key
    if t is None:
        return Reply(pick(zh, f"**{s.model} does not fit on up to 8x {gpu_name(gpu)}** with requests of {prompt + out:,} tokens.",
                          f"**{s.model} 在最多 8 张 {gpu_name(gpu)} 上都放不下**（每个请求 {prompt + out:,} tokens）。"))
    v = turn.derive("request_volume", search.request_volume, requests_per_s=rate, peak_factor=peak,
                    setup_requests_per_s=t.decode_tokens_per_s_total / out, gpus_per_setup=tp)
    qps, copies, gpus, need = v["setup_requests_per_s"], v["copies"], v["gpus"], v["peak_requests_per_s"]
    if s.request_rate and not s.rate_is_daily:
        basis = pick(zh, f"{v['requests_per_s']:g} requests/s ({v['requests_per_minute']:g} a minute)",
                     f"每秒 {v['requests_per_s']:g} 个请求（每分钟 {v['requests_per_minute']:g} 个）")
    elif s.request_rate:
        basis = pick(zh, f"{v['requests_per_day']:,} requests a day = {v['requests_per_s']:g}/s on average",
                     f"每天 {v['requests_per_day']:,} 个请求 = 平均每秒 {v['requests_per_s']:g} 个")
    else:
        basis = pick(zh, f"{s.tokens_per_day:,.0f} tokens a day in requests of {prompt:,} in + {out:,} out = "
                         f"{v['requests_per_s']:g} requests/s on average",
                     f"每天 {s.tokens_per_day:,.0f} tokens，按每个请求输入 {prompt:,} + 输出 {out:,} = 平均每秒 {v['requests_per_s']:g} 个请求")
    width = f"TP={tp}" if copies == 1 else f"{copies} copies x TP={tp}"
    setup = pick(zh, f"{t.precision}, vLLM" + (f", {width}" if tp > 1 else ""),
                 f"{t.precision}，vLLM" + ((f"，TP={tp}" if copies == 1 else f"，{copies} 份 x TP={tp}") if tp > 1 else ""))
    one = pick(zh, f"one copy serves about {qps:g} requests/s at full load ({running} running together, "
                   f"{t.decode_tokens_per_s_total:,.0f} output tokens/s)",
               f"一份满载约每秒 {qps:g} 个请求（{running} 个同时跑，合计 {t.decode_tokens_per_s_total:,.0f} 输出 tokens/s）")
    peak_text = pick(zh, f"x {peak:g} at the peak" + ("" if s.peak_factor else " (assumed; say yours)") + f" = {need:g}/s",
                     f"高峰按 {peak:g} 倍" + ("" if s.peak_factor else "（假设，可告诉我实际值）") + f" = 每秒 {need:g} 个") \
        if peak != 1 else pick(zh, "as the rate to carry", "按这个速率承载")
    if s.count:
        enough = s.count >= gpus
        lead = pick(zh, f"**{'Yes' if enough else 'No'}: {s.count}x {t.gpu} {'carry' if enough else 'do not carry'} it** - "
                        f"{gpus} needed for {basis}, {peak_text}; {one}.",
                    f"**{'够' if enough else '不够'}：{s.count} 张 {t.gpu}{'撑得住' if enough else '撑不住'}**——需要 {gpus} 张："
                    f"{basis}，{peak_text}；{one}。")
    else:
        lead = pick(zh, f"**{gpus}x {t.gpu}** ({setup}) for {basis}, {peak_text}: {one}.",
                    f"**{gpus} 张 {t.gpu}**（{setup}）：{basis}，{peak_text}；{one}。")
    n_run = max(s.count or 0, gpus)
    self_month = None
    if not s.usd_per_gpu_hour:  # the bill at the median rent on file, so a volume always comes with its cost
        c = turn.call("estimate_cost", gpu=gpu, gpu_count=n_run, hours_per_day=24.0, months=1.0)
        self_month = c.rent_usd_total
        if c.rent_usd_total:
            notes.append(pick(zh, f"Monthly: about {usd(c.rent_usd_total)} for {n_run}x {t.gpu} around the clock at "
                                  f"{usd(c.usd_per_gpu_hour)}/GPU-hour (median on-demand rent on file; give yours to use it).",
                              f"每月：{n_run} 张 {t.gpu} 全天运行约 {usd(c.rent_usd_total)}（{usd(c.usd_per_gpu_hour)}/卡时，已收录按需租价中位数；"
                              "告诉我你的价格即可替换）。"))
    if s.usd_per_gpu_hour:  # "A10 每小时 ¥11.5 ... 每月成本多少": the bill of the GPUs it takes, 24 h a day
        month = self_month = n_run * s.usd_per_gpu_hour * 730
        turn.price_used = True
        turn.derive("monthly_rent", lambda **kw: kw, gpus=n_run, usd_per_gpu_hour=s.usd_per_gpu_hour, hours=730,
                    usd=round(month, 2))
        day = n_run * s.usd_per_gpu_hour * 24
        if PER_DAY.search(question):  # "GPU cost per day at $2.5/hr?": the day's bill, in the lead
            lead = lead.rstrip() + pick(zh, f" **Per day: {n_run} x {usd(s.usd_per_gpu_hour)} x 24 h = {usd(day)}.**",
                                        f" **每天：{n_run} 张 x {usd(s.usd_per_gpu_hour)}/卡时 x 24 小时 = {usd(day)}。**")
        notes.append(pick(zh, f"Monthly: {n_run} x {usd(s.usd_per_gpu_hour)}/GPU-hour x 730 h = {usd(month)}.",
                          f"每月：{n_run} 张 x {usd(s.usd_per_gpu_hour)}/卡时 x 730 小时 = {usd(month)}。"))
    api = _api_in_out(question)
    asked_first = bool(s.usd_per_gpu_hour and s.request_rate)  # "单卡够吗？每月多少？和直接调 API 比": the count leads
    if api and self_month and (asked_first or not API_YUAN.search(question)):  # (not yuan API prices against a $ rent)
        # the same requests at the API's prices ("和直接调 API（输入 1 元/百万，输出 4 元/百万）比", "or an API at $0.10/M?")
        api_month = (prompt * api[0] + out * api[1]) / 1e6 * rate * 86400 * 30.4
        turn.derive("api_cost", lambda **kw: kw, input_per_m=api[0], output_per_m=api[1], requests_per_s=rate,
                    usd_per_month=round(api_month, 2))
        cheaper = api_month < self_month
        if asked_first:
            notes.append(pick(zh, f"The API at {usd(api[0])}/1M in and {usd(api[1])}/1M out: {usd(api_month)} a month for the "
                                  f"same requests, so {'the API' if cheaper else 'self-hosting'} is cheaper.",
                              f"按 API 价格（输入每百万 {usd(api[0])}，输出每百万 {usd(api[1])}）同样的请求每月 {usd(api_month)}，"
                              f"{'API' if cheaper else '自建'}更便宜。"))
        else:  # the comparison was the question: it leads
            notes.insert(0, lead.replace("**", ""))
            lead = pick(zh, f"**{'The API is' if cheaper else 'Self-hosting is'} cheaper: about {usd(api_month)} a month at "
                            f"${api[0]:g}/1M in and ${api[1]:g}/1M out vs {usd(self_month)} for the GPUs it takes** (the "
                            f"same requests: {prompt:,} in + {out:,} out).",
                        f"**{'API' if cheaper else '自建'}更便宜：按 API 价格（输入每百万 ${api[0]:g}、输出每百万 ${api[1]:g}）每月约 "
                        f"{usd(api_month)}，自建所需的卡每月约 {usd(self_month)}**（同样的请求：输入 {prompt:,} + 输出 {out:,}）。")
    paid = API_SPEND.search(question)
    if paid and self_month:  # "we pay openai ~$9k/month": what they pay now against renting the GPUs it takes
        now_month = float(paid.group(1).replace(",", "")) * (1000 if paid.group(2) else 1)
        turn.derive("current_api_spend", lambda **kw: kw, usd_per_month=now_month)
        better = now_month > self_month
        notes.insert(0, pick(zh, f"{'Yes' if better else 'No'}: you pay {usd(now_month)} a month now; renting these GPUs "
                                 f"around the clock is about {usd(self_month)} ({'cheaper' if better else 'dearer'}), "
                                 "before engineering time.",
                             f"{'划算' if better else '不划算'}：现在每月付 {usd(now_month)}；租这些卡全天运行约每月 {usd(self_month)}"
                             f"（{'更便宜' if better else '更贵'}），未算人力。"))
    asked_per = [m for m in PER_REQUESTS.finditer(question) if m.group(1) or m.group(2) or re.search(
        r"\b(?:cost|price|\$)\b[^.?]{0,12}$", question[:m.start()])]  # "300 out per request" describes the request
    if asked_per and self_month:  # "cost per 1,000 requests", "每百万次请求成本": the month's bill over its requests
        unit = max(_per_requests_unit(m) for m in asked_per)
        monthly_requests = rate * 86400 * 30.4
        each = self_month / monthly_requests * unit
        turn.derive("cost_per_requests", lambda **kw: kw, usd_per_month=round(self_month, 2), requests_per_month=round(monthly_requests),
                    per_requests=unit, usd=round(each, 6))
        lead = lead.rstrip() + pick(zh, f" **About {usd(each)} per {unit:,} requests** ({usd(self_month)} a month over "
                                        f"{monthly_requests:,.0f} requests).",
                                    f" **每 {unit:,} 次请求约 {usd(each)}**（每月 {usd(self_month)}，{monthly_requests:,.0f} 次请求）。")
    util = v["utilisation_at_peak"]
    notes.append(pick(zh, f"At the peak they run at {util:.0%} of that capacity; each request takes about "
                          f"{t.request_seconds:,.1f} s at full load (first token after {t.time_to_first_token_s:,.2f} s).",
                      f"高峰时负载约为容量的 {util:.0%}；满载时每个请求约 {t.request_seconds:,.1f} 秒（首 token "
                      f"{t.time_to_first_token_s:,.2f} 秒）。"))
    return Reply(lead, notes)


PER_REQUESTS = re.compile(r"\bper (?:(1,000|1000|thousand|a thousand|1k|1m|million|a million|1,000,000)\s+)?(?:requests?|queries|calls|conversations)\b|"
                          r"每\s*(千|万|百万|一百万|1000|1,000)?\s*(?:次|个)?\s*(?:请求|调用|对话|问答)", re.I)


def _per_requests_unit(m: re.Match) -> int:
    word = (m.group(1) or m.group(2) or "").lower()
    return {"": 1, "1,000": 1000, "1000": 1000, "thousand": 1000, "a thousand": 1000, "1k": 1000, "千": 1000, "万": 10_000,
            "1m": 1_000_000, "million": 1_000_000, "a million": 1_000_000, "1,000,000": 1_000_000, "百万": 1_000_000,
            "一百万": 1_000_000}.get(word, 1)


PER_DAY = re.compile(r"\bper day\b|\ba day\b\s*\?|\bdaily (?:cost|bill|spend)|\bcost (?:per|a|each) day|每天.{0,8}(?:成本|费用|多少钱|花)|"
                     r"一天.{0,8}(?:成本|费用|多少钱|花)|日(?:成本|费用)", re.I)
API_SPEND = re.compile(r"(?:\bpay(?:ing)?|\bspend(?:ing)?|\bbill(?:ed)?|\bcosts? us|花|付|开销)\D{0,30}?\$\s*(\d[\d,]*(?:\.\d+)?)\s*(k)?"
                       r"\s*(?:/|a|per|每|一个?)\s*(?:month|mo\b|月)", re.I)


def _api_in_out(question: str) -> tuple[float, float] | None:
    """An API's prices per 1M tokens, input and output: '输入 1 元/百万 token，输出 4 元/百万', '$0.15/M input and $0.60/M
    output'."""
    q = question.lower()
    unit = r"\s*(?:元|块|美元|\$)?\s*(?:/|每|per|a)\s*(?:百万|1m\b|m\b|million)(?:\s*tokens?)?"
    i = re.search(r"(?:输入|input)\s*[:：]?\s*[$¥￥]?\s*(\d+(?:\.\d+)?)" + unit, q) or \
        re.search(r"[$¥￥]\s*(\d+(?:\.\d+)?)" + unit + r"\s*(?:tokens?\s*)?(?:input|in)\b", q)
    o = re.search(r"(?:输出|output)\s*[:：]?\s*[$¥￥]?\s*(\d+(?:\.\d+)?)" + unit, q) or \
        re.search(r"[$¥￥]\s*(\d+(?:\.\d+)?)" + unit + r"\s*(?:tokens?\s*)?(?:output|out)\b", q)
    return (float(i.group(1)), float(o.group(1))) if i and o else None


CLAIMED_DAYS = re.compile(r"\b(?:in|within|under)\s+(?:a|one|(\d+(?:\.\d+)?))\s*(day|week|month)s?\b|"
                          r"(一|两|三|四|五|六|七|十|\d+(?:\.\d+)?)\s*(?:个)?\s*(天|周|星期|月)(?:内|之内|就|能|可以|训完|搞定)")
_ZH_NUM = {"一": 1, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "十": 10}


def training_claim(turn, s: Slots, question: str) -> Reply:
    """'Llama 3 8B took 1.3M H100-hours on 15T tokens - does that add up?', '8 H100s train it in a day?': the claim
    against the estimate, with the MFU the claim implies (physics: the run's FLOPs over the GPU-time claimed)."""
    zh = turn.zh
    unit = re.search(r"\b([a-z]{1,3}\d{2,4}[a-z]?)[- ]?(?:hours?|hrs?)\b", question, re.I)
    gpu = s.gpu or (unit and parse_gpu(unit.group(1))) or "h100-sxm"
    days = None
    m = CLAIMED_DAYS.search(question)
    if m and not s.gpu_hours:
        if m.group(2):
            days = float(m.group(1) or 1) * {"day": 1, "week": 7, "month": 30}[m.group(2).lower()]
        else:
            days = float(_ZH_NUM.get(m.group(3), m.group(3))) * {"天": 1, "周": 7, "星期": 7, "月": 30}[m.group(4)]
    r = turn.derive("training_claim", search.training_claim, model=s.model, tokens=s.tokens, gpu=gpu,
                    gpu_count=s.count or (8 if days else 1024), claimed_gpu_hours=s.gpu_hours, claimed_days=days)
    implied = r.get("implied_mfu")
    if implied is None:
        return Reply(pick(zh, f"**About {r['estimate_gpu_hours']:,} GPU-hours** ({r['estimate_days']:,} days on "
                              f"{r['gpu_count']}x {r['gpu']}) to train {r['model']} on {s.tokens:,.0f} tokens.",
                          f"**约 {r['estimate_gpu_hours']:,} GPU-小时**（{r['gpu_count']} 张 {r['gpu']} 约 {r['estimate_days']:,} 天）。"))
    claim = pick(zh, f"{r['claimed_gpu_hours']:,.0f} GPU-hours" if s.gpu_hours else f"{days:g} days on {r['gpu_count']}x {r['gpu']}",
                 f"{r['claimed_gpu_hours']:,.0f} GPU-小时" if s.gpu_hours else f"{r['gpu_count']} 张 {r['gpu']} {days:g} 天")
    ours = pick(zh, f"we estimate about {r['estimate_gpu_hours']:,} GPU-hours ({r['estimate_days']:,} days on "
                    f"{r['gpu_count']}x {r['gpu']}) at {r['estimate_mfu']:.0%} MFU",
                f"我们估算约 {r['estimate_gpu_hours']:,} GPU-小时（{r['gpu_count']} 张约 {r['estimate_days']:,} 天），MFU {r['estimate_mfu']:.0%}")
    if implied > 1:
        lead = pick(zh, f"**Not possible: it takes about {r['estimate_days']:,} days on {r['gpu_count']}x {r['gpu']}, not "
                        f"{days:g}**; {claim} would need {implied:,.0f}x the GPUs' peak FLOPS - {ours}." if days else
                        f"**Not possible: {claim} would need {implied:,.1f}x the GPUs' peak FLOPS** - {ours}.",
                    f"**不可能：{r['gpu_count']} 张 {r['gpu']} 约需 {r['estimate_days']:,} 天，不是 {days:g} 天**；{claim} 要求超过峰值算力的 "
                    f"{implied:,.0f} 倍——{ours}。" if days else f"**不可能：{claim} 需要峰值算力的 {implied:,.1f} 倍**——{ours}。")
    elif implied > 0.7:
        lead = pick(zh, f"**Not possible: {claim} would need {implied:.0%} MFU**; GPUs sustain 35-55% on large training "
                        f"runs - {ours}.",
                    f"**不可能：{claim} 需要 {implied:.0%} 的 MFU**，大规模训练实际只有 35-55%——{ours}。")
    elif days and r["ratio"] >= 1:  # a deadline the run meets
        lead = pick(zh, f"**Yes: about {r['estimate_days']:,} days**, within the {days:g} days asked ({claim} needs only "
                        f"{implied:.0%} MFU) - {ours}.",
                    f"**可以：约 {r['estimate_days']:,} 天**，在 {days:g} 天之内（{claim} 只需 {implied:.0%} 的 MFU）——{ours}。")
    elif implied >= 0.25:
        lead = pick(zh, f"**Yes, that adds up: {claim} means {implied:.0%} MFU**, within what large runs reach - {ours}.",
                    f"**说得通：{claim} 相当于 {implied:.0%} 的 MFU**，在大规模训练的常见范围内——{ours}。")
    else:
        lead = pick(zh, f"**Plausible but inefficient: {claim} means {implied:.0%} MFU**, about {r['ratio']:g}x our estimate "
                        f"- {ours}; the gap is restarts, evaluation, data stalls or a smaller batch.",
                    f"**可能，但效率偏低：{claim} 相当于 {implied:.0%} 的 MFU**，约为我们估算的 {r['ratio']:g} 倍——{ours}；"
                    "差距来自重启、评测、数据等待或更小的 batch。")
    return Reply(lead, [pick(zh, f"Training FLOPs: {r['flops']:.2e} (6 x parameters x tokens, plus attention).",
                             f"训练计算量：{r['flops']:.2e} FLOPs（6 x 参数 x tokens，加注意力）。")])


def parse_gpu(text: str) -> str | None:
    from .parse import find_gpus

    found = find_gpus(text)
    return found[0][0] if found else None


def power_budget(turn, s: Slots, question: str) -> Reply:
    """'Our rack has 15 kW: how many 8x H100 servers, or 4x L40S boxes?', '那路电只有 3kW，能放几张 3090？': servers (or
    cards) that fit the budget at full board power, each server's host counted (tools/search.power_budget)."""
    zh = turn.zh
    rows = []
    budget_kw = s.power_budget_kw
    facility = bool(s.pue)  # a PUE said with a power budget: the budget is the facility's, cooling included
    if facility:  # "a 200 kW facility envelope, PUE 1.25": the IT load is what is left after cooling and delivery
        budget_kw = round(s.power_budget_kw / s.pue, 2)
        turn.derive("it_power", lambda **kw: kw, facility_kw=s.power_budget_kw, pue=s.pue, it_kw=budget_kw)
    sizes = [int(x) for x in re.findall(r"(\d{1,2})\s*-?\s*(?:gpu|卡)\b", question, re.I)]  # "4-GPU L40S servers"
    for i, gpu in enumerate(list(dict.fromkeys(s.gpus or [s.gpu]))[:3]):
        per_server = (s.count if len(set(s.gpus or [s.gpu])) == 1 and s.count else None) or \
            (s.counts[i] if i < len(s.counts) else None) or (sizes[i] if i < len(sizes) else None)
        rows.append(turn.derive("power_budget", search.power_budget, gpu=gpu, budget_kw=budget_kw,
                                gpus_per_server=per_server if per_server and per_server > 1 else None,
                                circuit=s.on_circuit))
    def one(r) -> str:
        if r["gpus_per_server"] > 1:
            return pick(zh, f"{r['servers']} server(s) of {r['gpus_per_server']}x {r['gpu']} ({r['server_kw']:g} kW each, "
                            f"{r['gpus']} GPUs)",
                        f"{r['servers']} 台 {r['gpus_per_server']} 卡 {r['gpu']} 服务器（每台 {r['server_kw']:g} kW，共 {r['gpus']} 张）")
        return pick(zh, f"{r['gpus']}x {r['gpu']} ({r['tdp_w']:g} W each plus the host)",
                    f"{r['gpus']} 张 {r['gpu']}（每张 {r['tdp_w']:g} W，另算主机）")
    usable = rows[0]["usable_kw"]
    r0 = rows[0]
    yes_no = re.search(r"吗|呢[？?]?\s*$|够不够|带得动|带不动|扛得住|撑得住|跳闸|\bwhat about\b|\b(?:can|will|would|does|is)\b.{0,40}\b(?:handle|power|run|"
                       r"take|enough|trip)\b", question, re.I)
    if len(rows) == 1 and r0["gpus_per_server"] > 1 and yes_no:  # "220V 16A 的插座带得动两张 5090 的机器吗？": that machine
        ok = r0["servers"] >= 1
        lead = pick(zh, f"**{'Yes' if ok else 'No'}: one {r0['gpus_per_server']}x {r0['gpu']} machine draws about "
                        f"{r0['server_kw']:g} kW at full load, {'within' if ok else 'more than'} the {usable:g} kW"
                        f"{' you can load continuously' if s.on_circuit else ''}.**",
                    f"**{'带得动' if ok else '带不动'}：一台 {r0['gpus_per_server']} 卡 {r0['gpu']} 的机器满载约 {r0['server_kw']:g} kW，"
                    f"{'在' if ok else '超过'} {usable:g} kW{'（持续负载）' if s.on_circuit else ''}{'之内' if ok else ''}。**")
        body = [pick(zh, "Board power (TDP) at full load plus the host (CPU, fans, supply losses: 35% + 0.3 kW for a PCIe "
                         "box); power-limiting the cards (nvidia-smi -pl) cuts it, at some speed."
                         + (" A circuit carries 80% of its rating continuously." if s.on_circuit else ""),
                     "按板卡满载功耗加主机（CPU、风扇、电源损耗：PCIe 机器按 GPU 的 35% + 0.3 kW）；用 nvidia-smi -pl 限功率可以降下来，"
                     "速度会慢一些。" + ("电路持续负载按额定的 80%。" if s.on_circuit else ""))]
        return Reply(lead, body)
    if len(rows) == 1 and r0["gpus_per_server"] > 1 and r0["servers"] == 0:  # not even one server: say so first
        lead = pick(zh, f"**None: one {r0['gpus_per_server']}x {r0['gpu']} server draws about {r0['server_kw']:g} kW, more than "
                        f"the {usable:g} kW{' you can load continuously' if s.on_circuit else ''}.** By GPU board power "
                        f"alone {r0['gpus_by_board_power_alone']} of its GPUs would fit: a smaller box (fewer or lower-power "
                        "cards), or a bigger feed.",
                    f"**一台都放不下：一台 {r0['gpus_per_server']} 卡 {r0['gpu']} 服务器约 {r0['server_kw']:g} kW，超过 {usable:g} kW"
                    f"{'（持续负载）' if s.on_circuit else ''}。**只算 GPU 板卡功耗也只够 {r0['gpus_by_board_power_alone']} 张："
                    "换更少或更低功耗的卡的机器，或者加大供电。")
        return Reply(lead, [])
    it_en = f" ({budget_kw:g} kW for the IT load at PUE {s.pue:g})" if facility else ""
    it_zh = f"（按 PUE {s.pue:g}，IT 负载 {budget_kw:g} kW）" if facility else ""
    lead = pick(zh, f"**{' or '.join(one(r) for r in rows)}** fit in {s.power_budget_kw:g} kW{it_en}"
                    + (f" ({usable:g} kW of it for a continuous load)" if s.on_circuit else "") + ".",
                f"**{s.power_budget_kw:g} kW{it_zh} 可以放 {' 或 '.join(one(r) for r in rows)}**"
                + (f"（持续负载按 {usable:g} kW 计）" if s.on_circuit else "") + "。")
    body = []
    if len(rows) >= 2:
        from tools.gpus import get_gpu

        power = [(r["gpus"] * (get_gpu(g).bf16_tflops_dense or 0), r) for r, g in zip(rows, dict.fromkeys(s.gpus), strict=False)]
        if all(p for p, _ in power):
            best = max(power, key=lambda x: x[0])
            body.append(pick(zh, "Dense BF16 compute in the budget: " + ", ".join(f"{p / 1000:,.1f} PFLOPS with {r['gpu']}"
                                                                               for p, r in power)
                             + f"; most with {best[1]['gpu']}.",
                             "预算内的 BF16 稠密算力：" + "，".join(f"{r['gpu']} {p / 1000:,.1f} PFLOPS" for p, r in power)
                             + f"；{best[1]['gpu']} 最多。"))
    body.append(pick(zh, "Board power (TDP) is the ceiling under full load; an 8-GPU SXM server is counted at its rated "
                         "10.2 kW (DGX H100), a PCIe box as its GPUs + 35% + 0.3 kW for CPUs, fans and supply losses"
                         + ("; a circuit carries 80% of its rating continuously" if s.on_circuit else "")
                         + f". By GPU board power alone: {rows[0]['gpus_by_board_power_alone']} GPUs.",
                     "按板卡功耗（TDP）满载上限计；8 卡 SXM 服务器按额定 10.2 kW（DGX H100），PCIe 机器按 GPU 功耗 + 35% + 0.3 kW"
                     "（CPU、风扇、电源损耗）" + ("；电路持续负载按额定的 80%" if s.on_circuit else "")
                     + f"。只算 GPU 板卡功耗：{rows[0]['gpus_by_board_power_alone']} 张。"))
    if s.usd_per_kwh and r0.get("servers"):  # "... and the monthly power bill at $0.12/kWh at ~70% load"
        util = (s.hours_per_day or 24.0) / 24  # "~70% load" is read as hours a day in use
        kw = r0["servers"] * r0["server_kw"] if r0["gpus_per_server"] > 1 else r0["gpus"] * r0["tdp_w"] / 1000
        bill = kw * util * 730 * s.usd_per_kwh
        body.insert(0, pick(zh, f"Power bill for them: {kw:g} kW x {util:.0%} load x 730 h x ${s.usd_per_kwh:g}/kWh = "
                                f"{usd(bill)} a month (PUE not added; the rack's cooling is usually in the colo fee).",
                            f"它们的电费：{kw:g} kW x {util:.0%} 负载 x 730 小时 x {s.usd_per_kwh:g}/度 = 每月 {usd(bill)}"
                            "（未乘 PUE；机柜散热通常含在托管费里）。"))
    return Reply(lead, body)


TRAIN_RATE = re.compile(r"每秒\s*(?:处理|训练|跑|吞吐)?\s*(?:约|大概)?\s*(\d+(?:\.\d+)?)\s*(万|千)?\s*(?:个)?\s*tokens?|"
                        r"吞吐\s*(?:是|为|约|大概)?\s*(?:每秒)?\s*(\d+(?:\.\d+)?)\s*(万|千)?\s*(?:个)?\s*tokens?|"
                        r"(\d[\d,]*(?:\.\d+)?)\s*(k)?\s*tok(?:en)?s?\s*(?:/\s*s(?:ec)?|per second)", re.I)


def mfu_measured(turn, s: Slots, question: str) -> Reply:
    """'8 A100s train 7B at 25k tokens/s - what's the MFU?': the model's training FLOPs per token x the rate over the
    GPUs' dense peak (tools/search.mfu_from_throughput), with what MFU means."""
    zh = turn.zh
    m = TRAIN_RATE.search(question)
    if m.group(1) or m.group(3):
        rate = float(m.group(1) or m.group(3)) * {"万": 1e4, "千": 1e3}.get(m.group(2) or m.group(4) or "", 1)
    else:
        rate = float(m.group(5).replace(",", "")) * (1e3 if m.group(6) else 1)
    method = s.method if s.method in ("full", "lora", "qlora") else "pretrain"
    n = s.count or 1
    per_gpu = re.search(r"per (?:gpu|card|device)|/\s*gpu|each gpu|每卡|每张卡?|单卡", question[m.end():m.end() + 24], re.I)
    # "1,300 tokens/s per GPU ... on 64 GPUs": a per-GPU rate, measured on one GPU of the run
    count_for_rate = 1 if per_gpu else n
    r = turn.derive("mfu_from_throughput", search.mfu_from_throughput, model=s.model, gpu=s.gpu, gpu_count=count_for_rate,
                    tokens_per_s=rate, method=method, sequence_length=s.context)
    lead = pick(zh, f"**MFU about {r['mfu']:.0%}**: {r['flops_per_token'] / 1e9:,.1f} GFLOPs per token x {rate:,.0f} tokens/s "
                    f"over {r['gpu_count']} x {r['peak_tflops_per_gpu']:,g} dense BF16 TFLOPS ({r['gpu']}).",
                f"**MFU 约 {r['mfu']:.0%}**：每 token {r['flops_per_token'] / 1e9:,.1f} GFLOPs x {rate:,.0f} tokens/s，除以 "
                f"{r['gpu_count']} x {r['peak_tflops_per_gpu']:,g} 稠密 BF16 TFLOPS（{r['gpu']}）。")
    body = [pick(zh, "MFU (model FLOPs utilisation) is the share of the GPUs' peak that the model's own FLOPs use: 6 per "
                     "parameter per token for training (forward 2, backward 4) plus attention. Recomputed activations are "
                     f"not counted (counting them gives HFU). Large runs reach 35-55%; our estimate for this setup is "
                     f"{r['estimate_mfu']:.0%}.",
                 "MFU（模型算力利用率）= 模型本身的计算量占 GPU 峰值算力的比例：训练每个参数每个 token 约 6 次运算（前向 2、反向 4），再加注意力。"
                 f"激活重计算的运算不算在内（算进去叫 HFU）。大规模训练一般 35-55%；这个配置我们估算约 {r['estimate_mfu']:.0%}。")]
    return Reply(lead, body)


ENCODER_CARDS = ("t4", "l4", "a10", "l40s", "a100-80gb-sxm", "h100-sxm")  # single cards tried for a sustained load


def embedding(turn, s: Slots, question: str) -> Reply:
    """An embedding or reranking job (tools/embedding.py): hours for a corpus, or the share of a card a sustained rate
    takes (the cheapest single card that carries it when none is named)."""
    from tools import embedding as emb

    zh = turn.zh
    said = re.search(r"(?:~|about |around |约|大概|平均)\s*(\d{1,5})\s*(?:个)?\s*tokens?\b", question, re.I)
    each = s.input_tokens or (s.context if s.context and s.context <= 8192 else None) or \
        (int(said.group(1)) if said and 1 <= int(said.group(1)) <= 8192 else None) or 512  # "queries are short, ~20 tokens"
    total = s.tokens or (s.items * each if s.items and s.items > 1000 else None)
    rate = s.request_rate or (s.items if s.items and s.items <= 1000 and re.search(
        r"/\s*s(?:ec)?\b|per sec|a second|每秒|/秒", question, re.I) else None)
    n = s.count or 1
    gpu = s.gpu
    if rate and not total:
        tried = [gpu] if gpu else list(ENCODER_CARDS)
        for g in tried:
            r = turn.derive("embedding_job", emb.embedding_job, model=question, gpu=g, gpu_count=n if gpu else 1,
                            tokens_per_text=each, texts_per_s=rate)
            if gpu or r["load_share"] <= 0.8:  # the cheapest card with a fifth of its compute to spare
                break
        ok = r["load_share"] <= 1
        verdict_en, verdict_zh = ("Yes" if ok else "No", "可以" if ok else "不够") if gpu else ("One card is enough", "一张卡就够")
        if gpu and not ok and not s.count:  # "How many L4s?": each card at most 80% busy, the load split between them
            cards = math.ceil(r["load_share"] * r["gpu_count"] / 0.8)
            turn.derive("encoder_cards", lambda **kw: kw, load_share_one=r["load_share"], busy_limit=0.8, cards=cards)
            verdict_en, verdict_zh = f"{cards}x {r['gpu']}, each about 80% busy. One", f"需要 {cards} 张 {r['gpu']}（每张约 80% 负载）。一张"
        lead = pick(zh, f"**{verdict_en}: {r['gpu_count']}x {r['gpu']} {'carries' if ok else 'cannot carry'} "
                        f"{rate:g} texts/s of {each:,} tokens with {r['model']}** at about {r['load_share']:.0%} of its "
                        f"compute ({r['load_share_high']:.0%} at the low end): {r['tokens_per_s_needed']:,.0f} tokens/s x "
                        f"{r['flops_per_token'] / 1e9:.2f} GFLOPs = {r['tflops_needed']:.0f} TFLOPS needed.",
                    f"**{verdict_zh}：{r['gpu_count']} 张 {r['gpu']} {'扛得住' if ok else '扛不住'} {r['model']} 每秒 "
                    f"{rate:g} 条、每条 {each:,} tokens**，约占算力的 {r['load_share']:.0%}（效率偏低时 {r['load_share_high']:.0%}）："
                    f"每秒 {r['tokens_per_s_needed']:,.0f} tokens x {r['flops_per_token'] / 1e9:.2f} GFLOPs = 需要 "
                    f"{r['tflops_needed']:.0f} TFLOPS。")
    elif total:
        r = turn.derive("embedding_job", emb.embedding_job, model=question, gpu=gpu or "l4", gpu_count=n,
                        total_tokens=total, tokens_per_text=each)
        lead = pick(zh, f"**About {hours_text(r['hours'], False)}** ({hours_text(r['hours_low'], False)} to "
                        f"{hours_text(r['hours_high'], False)}) to embed {total:,.0f} tokens with {r['model']} on "
                        f"{n}x {r['gpu']}: one forward pass per token, {r['flops_per_token'] / 1e9:.2f} GFLOPs each, at "
                        f"{r['efficiency']:.0%} (30-50%) of the cards' FP16 peak.",
                    f"**约 {hours_text(r['hours'], True)}**（{hours_text(r['hours_low'], True)} 到 {hours_text(r['hours_high'], True)}）："
                    f"用 {r['model']} 在 {n} 张 {r['gpu']} 上对 {total:,.0f} tokens 做向量化；每个 token 前向一次，"
                    f"{r['flops_per_token'] / 1e9:.2f} GFLOPs，按 FP16 峰值的 {r['efficiency']:.0%}（30-50%）计。")
        if s.usd_per_gpu_hour:
            lead += pick(zh, f" At ${s.usd_per_gpu_hour:g}/GPU-hour: about {usd(r['hours'] * n * s.usd_per_gpu_hour)}.",
                         f"按每卡每小时 ${s.usd_per_gpu_hour:g}：约 {usd(r['hours'] * n * s.usd_per_gpu_hour)}。")
    elif gpu:  # "BGE-M3 做 embedding 服务，部署在一张 T4 上够吗？显存大概占多少？": the service's memory and what one card carries
        r = turn.derive("embedding_memory", emb.serving_memory, model=question, gpu=gpu, tokens_per_text=each)
        lead = pick(zh, f"**{'Yes' if r['fits'] else 'No'}: {r['model']} as a service takes about {gib(r['total_gib'])} on "
                        f"{r['gpu']}** ({gib(r['weights_gib'])} FP16 weights + {gib(r['activations_gib'])} for a batch of "
                        f"{r['batch_tokens']:,} tokens + {gib(r['cuda_context_gib'])} CUDA context) of "
                        f"{gib(r['gpu_memory_gib'])}; it embeds about {r['texts_per_s']:,.0f} texts/s of {each:,} tokens "
                        f"({r['texts_per_s_low']:,.0f}-{r['texts_per_s_high']:,.0f}).",
                    f"**{'够' if r['fits'] else '不够'}：{r['model']} 做服务约占 {gib(r['total_gib'])} 显存**（{r['gpu']}，共 "
                    f"{gib(r['gpu_memory_gib'])}；FP16 权重 {gib(r['weights_gib'])} + 一批 {r['batch_tokens']:,} tokens 的激活 "
                    f"{gib(r['activations_gib'])} + CUDA 上下文 {gib(r['cuda_context_gib'])}）；每秒约 {r['texts_per_s']:,.0f} 条、"
                    f"每条 {each:,} tokens（{r['texts_per_s_low']:,.0f}-{r['texts_per_s_high']:,.0f}）。")
        return Reply(lead, [pick(zh, "A larger --max-batch-tokens raises the activations in proportion; the weights stay the same. "
                                     "Longer texts cost more per text (attention grows with length).",
                                 "--max-batch-tokens 调大，激活按比例增加，权重不变；文本越长，每条越慢（注意力随长度增长）。")],
                     [pick(zh, f"{each:,} tokens per text" + ("" if s.input_tokens else " (assumed)") + "; a batch of "
                               f"{r['batch_tokens']:,} tokens (text-embeddings-inference's default --max-batch-tokens); "
                               "40% of the FP16 peak, an assumption",
                           f"每条 {each:,} tokens" + ("" if s.input_tokens else "（假设）") + f"；每批 {r['batch_tokens']:,} tokens"
                           "（text-embeddings-inference 的默认 --max-batch-tokens）；按 FP16 峰值的 40%，这是假设")])
    else:
        return Reply(pick(zh, "**How much text, and on which GPU?** An embedding job costs one forward pass per token: "
                              "say the number of texts and their length (or tokens in all), or the texts per second.",
                          "**多少文本、用什么卡？**向量化每个 token 前向一次：告诉我条数和每条长度（或总 token 数），或每秒多少条。"))
    body = [pick(zh, f"Memory is no constraint: the weights are {gib(r['weights_gib'])} in FP16 ({r['params'] / 1e6:,.0f}M "
                     f"parameters, {r['non_embedding_params'] / 1e6:,.0f}M outside the embedding table); batches of texts "
                     "fill the rest.",
                 f"显存不是问题：FP16 权重 {gib(r['weights_gib'])}（{r['params'] / 1e6:,.0f}M 参数，其中词表以外 "
                 f"{r['non_embedding_params'] / 1e6:,.0f}M）；其余显存用来放批量文本。"),
            pick(zh, "Sort texts by length (less padding), run FP16 with large batches (TEI, Infinity or sentence-transformers); "
                     "tokenizing on the CPU can become the limit on fast cards.",
                 "按长度排序（减少 padding）、FP16 大批量（TEI、Infinity 或 sentence-transformers）；卡很快时 CPU 分词可能成为瓶颈。")]
    said = s.input_tokens or (s.context if s.context and s.context <= 8192 else None)
    return Reply(lead, body, [pick(zh, f"{each:,} tokens per text" + ("" if said else " (assumed)") +
                                   f"; {r['efficiency']:.0%} of FP16 peak, an assumption no measurement here checks",
                                   f"每条 {each:,} tokens" + ("" if said else "（假设）") +
                                   f"；按 FP16 峰值的 {r['efficiency']:.0%}，这是未经实测校验的假设")])


def largest_trainable(turn, s: Slots, question: str) -> Reply:
    """'A budget of ¥500k at ¥15 per H100-hour: how big a model can we pretrain, Chinchilla-style?': the GPU-hours the
    money buys, and the model whose compute-optimal run (20 tokens a parameter, Hoffmann et al. 2022) takes them, found
    with the training-time estimate itself (its MFU depends on the model's size)."""
    from tools.defaults import PRETRAIN_TOKENS_PER_PARAM

    zh = turn.zh
    budget = s.budget_usd or s.budget_other
    price = s.usd_per_gpu_hour
    gpu = s.gpu or "h100-sxm"
    m = re.search(r"(\d+(?:\.\d+)?)\s*(?:tokens?|token)\s*(?:/|per|每)\s*(?:param\w*|参数)", question, re.I)
    ratio = float(m.group(1)) if m else PRETRAIN_TOKENS_PER_PARAM
    gpu_hours = budget / price
    size_b, t = 7.0, None
    for _ in range(4):  # cost grows with the square of the size: rescale until the run uses the GPU-hours bought
        n = max(8, min(4096, 2 ** round(math.log2(max(8, gpu_hours / 24 / 30)))))  # about a month on the GPUs
        t = turn.call("estimate_training", model=f"{size_b:.3g}B", tokens=size_b * 1e9 * ratio, gpu=gpu, gpu_count=n,
                      method="pretrain")
        size_b = max(0.05, size_b * math.sqrt(gpu_hours / t.gpu_hours))
    money = usd(budget) if not s.price_currency else f"¥{budget:,.0f}"
    lead = pick(zh, f"**About {t.model.split('(')[0].replace('generic ', '').replace(' dense model', '').strip()} parameters**: "
                    f"{money} at {'¥' if s.price_currency else '$'}{price:g} per GPU-hour buys {gpu_hours:,.0f} GPU-hours, and "
                    f"a compute-optimal run ({ratio:g} tokens per parameter, {t.tokens / 1e9:,.0f}B tokens) of that size takes "
                    f"{t.gpu_hours:,.0f} GPU-hours at {t.mfu:.0%} MFU.",
                f"**约 {t.model.split('(')[0].replace('generic ', '').replace(' dense model', '').strip()} 参数**：{money}、每卡时 "
                f"{'¥' if s.price_currency else '$'}{price:g} 可买 {gpu_hours:,.0f} 卡时；按 Chinchilla 每参数 {ratio:g} 个 token"
                f"（{t.tokens / 1e9:,.0f}B tokens）训练这个规模要 {t.gpu_hours:,.0f} 卡时（MFU {t.mfu:.0%}）。")
    body = [pick(zh, f"Compute: 6 x parameters x tokens = {t.flops:.2e} FLOPs. On {t.gpu_count} {t.gpu} it runs about "
                     f"{hours_text(t.hours, False)}; more GPUs finish sooner for about the same GPU-hours.",
                 f"算力：6 x 参数 x token = {t.flops:.2e} FLOPs。用 {t.gpu_count} 张 {t.gpu} 约 {hours_text(t.hours, True)}；卡越多越快，"
                 "卡时基本不变。"),
            pick(zh, "Chinchilla-optimal is the best loss for the compute, not the best model to serve: models meant for "
                     "serving (Llama 3's small ones among them) are trained on far more tokens per parameter.",
                 "Chinchilla 最优是同样算力下损失最低，不是最适合部署的模型：用于部署的小模型（如 Llama 3 的小尺寸）"
                 "每个参数训练的 token 要多得多。")]
    return Reply(lead, body, [pick(zh, "a dense Llama-style model; evaluation, failed runs and data work not counted",
                                   "按稠密 Llama 式结构；未计评估、失败重跑和数据处理")])


KV_QUALITY = {  # knowledge/docs/quantization.md § KV-cache quantization (vLLM, Ollama FAQ, KIVI)
    "fp8": ("negligible", "usually no measurable loss: FP8 keeps 8 bits per value; calibrate the scales (llm-compressor) "
                          "rather than leaving them at 1.0, and check your own long-context task once",
            "通常测不出损失：FP8 每个值 8 bit；最好用 llm-compressor 校准 scale 而不是默认 1.0，并在自己的长文本任务上验证一次"),
    "q8_0": ("negligible", "very small loss (Ollama's FAQ), half the memory of f16",
             "损失很小（Ollama FAQ），显存是 f16 的一半"),
    "q4_0": ("noticeable", "a quarter of the memory, with a loss that grows more noticeable at long contexts: treat it as "
                           "an experiment and re-check long-context quality before you use it",
             "显存只要四分之一，但上下文越长损失越明显：当作实验，上线前重新验证长文本效果"),
}


def format_quality(turn, s: Slots, question: str) -> Reply:
    """'Will an FP8 KV cache lose accuracy for 64k RAG?', 'does AWQ hurt quality?': the quality verdict for the format
    named (measured figures on file for weights, the guidance's rules for the KV cache), then what it saves."""
    from tools.quantization import quality_entry

    zh = turn.zh
    kv = s.kv_dtype if (s.kv_dtype and re.search(r"\bkv\b|kv[- ]?cache|kv ?缓存", question, re.I)) else None
    if kv:
        impact, en, z = KV_QUALITY.get(kv, KV_QUALITY["fp8"])
        ctx = f" at {s.context:,} tokens" if s.context else ""
        lead = pick(zh, f"**A {kv.upper()} KV cache: {en}.**", f"**{kv.upper()} 的 KV cache：{z}。**")
        body = []
        if s.model and s.gpu:
            a = turn.call("check_fit", model=s.model, gpu=s.gpu, gpu_count=s.count or 1, context=s.context,
                          kv_dtype=kv, **({"precision": s.precision} if s.precision else {}))
            b = turn.call("check_fit", model=s.model, gpu=s.gpu, gpu_count=s.count or 1, context=s.context,
                          **({"precision": s.precision} if s.precision else {}))
            body.append(pick(zh, f"What it saves{ctx}: the KV cache of one sequence {gib(b.memory.breakdown_gib['kv_cache'])} "
                                 f"-> {gib(a.memory.breakdown_gib['kv_cache'])}; sequences the pool holds "
                                 f"{b.memory.max_concurrent_sequences or 1} -> {a.memory.max_concurrent_sequences or 1}.",
                             f"省下的显存{f'（{s.context:,} tokens）' if s.context else ''}：单条序列的 KV 缓存 "
                             f"{gib(b.memory.breakdown_gib['kv_cache'])} -> {gib(a.memory.breakdown_gib['kv_cache'])}；KV 池可容纳 "
                             f"{b.memory.max_concurrent_sequences or 1} -> {a.memory.max_concurrent_sequences or 1} 条。"))
        body.append(pick(zh, "Source: knowledge/docs/quantization.md § KV-cache quantization",
                         "出处：knowledge/docs/zh/quantization.md § KV cache 量化"))
        return Reply(lead, body)
    fmt = s.precision or (s.formats[0] if s.formats else None)
    entry = quality_entry(fmt) if fmt else {}
    if not entry:
        from .answers_misc import concept

        return concept(turn, s, question)
    lead = pick(zh, f"**{fmt}: {entry.get('impact', 'unknown')} quality loss** - {entry.get('summary', '')}",
                f"**{fmt}：{QUALITY_ZH.get(entry.get('impact', ''), entry.get('impact', ''))}**——{entry.get('summary', '')}")
    src = [f.get("source", "") for f in entry.get("figures", []) if f.get("source")][:1]
    return Reply(lead, [pick(zh, f"Source: {src[0]}", f"出处：{src[0]}")] if src else [])

