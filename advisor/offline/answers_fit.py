"""Fits? How much memory? How many GPUs to hold it? Verdicts for the setup a practitioner would run:
fine-tuning with gradient checkpointing on (the recipes' default), the model's native format, a batching
engine when several users are served."""

from __future__ import annotations

import re
from dataclasses import replace

from .concepts import format_topic
from .parse import Slots
from .text import (
    Reply,
    breakdown,
    gib,
    memory_assumptions,
    method_name,
    model_label,
    on_gpus,
    pick,
    short_fix,
    suggestion_text,
    what,
)

FOUR_BIT_CONSUMER = "q4_k_m"
FOUR_BIT_SERVER = "awq-4bit"


def training(s: Slots) -> bool:
    return s.workload in ("training", "pretrain") or bool(s.method)


def method_of(s: Slots) -> str:
    if s.workload == "pretrain":
        return s.method if s.method in ("lora", "qlora") else "pretrain"
    return s.method or "lora"


def training_args(s: Slots, count: int | None = None, checkpointing: bool | None = None) -> dict:
    """The run a practitioner would set up: gradient checkpointing on unless they said off, ZeRO-3/FSDP when
    several GPUs train one model, NF4 for QLoRA."""
    method = method_of(s)
    n = count or s.count or 1
    ck = s.checkpointing if s.checkpointing is not None else (True if checkpointing is None else checkpointing)
    args = dict(workload="training", method=method, context=s.context, batch=s.batch, gradient_checkpointing=ck)
    if method == "qlora" and s.precision in (None, "bf16"):
        args["precision"] = "nf4-dq"
    elif s.precision:
        args["precision"] = s.precision
    if s.sharding:
        args["sharding"] = "fsdp" if s.sharding == "fsdp" else s.sharding
    elif n > 1:
        args["sharding"] = "zero3"
    if s.offload and method in ("full", "pretrain"):
        args["offload"] = s.offload
    if s.optimizer:
        args["optimizer"] = s.optimizer
    if s.trainer:  # "用 Unsloth 做 QLoRA": its memory, not Hugging Face PEFT's (fp32 embeddings, full fp32 logits)
        args["framework"] = "torchtune"
        if s.trainer in ("unsloth", "liger"):
            args["loss_kernel"] = "fused"
    return args


def inference_args(s: Slots) -> dict:
    users = s.users or s.batch
    gguf = bool(s.precision and re.match(r"q\d", s.precision))
    framework = s.framework or ("vllm" if (users or 1) > 1 and not gguf else None)  # GGUF runs on llama.cpp
    pp = dict(tensor_parallel=1, pipeline_parallel=s.pipeline_parallel) if s.pipeline_parallel else {}
    return dict(precision=s.precision, context=s.context, batch=users, framework=framework, kv_dtype=s.kv_dtype, **pp)


def gpu_for_vram(vram: float | None) -> str:
    from tools.gpus import all_gpus
    from tools.prices import gpu_prices

    gpus = [g for g in all_gpus() if g.vendor == "nvidia" and g.memory_gib >= (vram or 24) * 0.97]
    # the smallest card of that size; among equals a desktop card (what "a 16GB card" means), then a priced one
    return min(gpus, key=lambda g: (round(g.memory_gib), g.kind != "consumer",
                                    gpu_prices(g.id).on_demand_usd_per_hour is None, -(g.release_year or 0))).id


def gpu_kind(gpu: str | None) -> str | None:
    if not gpu:
        return None
    from tools.gpus import get_gpu

    return get_gpu(gpu).kind


def four_bit(gpu: str | None, batching: bool = False) -> str:
    """The 4-bit format people run: AWQ on datacenter GPUs or behind a batching engine, GGUF on a desktop card."""
    return FOUR_BIT_SERVER if batching or gpu_kind(gpu) == "datacenter" else FOUR_BIT_CONSUMER


# ---- fits? ---------------------------------------------------------------------------------------------

def fit(turn, s: Slots) -> Reply:
    gpu = s.gpu or gpu_for_vram(s.vram_gib)
    n = s.count or 1
    if training(s):
        return _fit_training(turn, s, gpu, n)
    return _fit_inference(turn, s, gpu, n)


def _fit_training(turn, s: Slots, gpu: str, n: int) -> Reply:
    zh = turn.zh
    if s.workload == "training" and not s.method:
        return _fit_any_method(turn, s, gpu, n)
    args = training_args(s, n)
    r = turn.call("check_fit", model=s.model, gpu=gpu, gpu_count=n, **args)
    m = r.memory
    label = what(m, zh)
    where = on_gpus(n, r.gpu, zh)
    body = [breakdown(m, zh)]
    ck_default = s.checkpointing is None and m.method != "qlora"
    without = None
    if ck_default:
        without = turn.call("check_fit", model=s.model, gpu=gpu, gpu_count=n, **{**args, "gradient_checkpointing": False})
    if r.fits:
        tight = pick(zh, " (tight)", "（余量很小）") if "tight" in r.verdict else ""
        if ck_default and without is not None and not without.fits:
            lead = pick(zh, f"**Yes{tight}, with gradient checkpointing** (the usual setting): {label} on {where} needs "
                            f"{gib(r.required_gib)} of {gib(r.available_gib)} per GPU; without it "
                            f"{gib(without.required_gib)}, which does not fit.",
                        f"**可以{tight}（开启梯度检查点，常规做法）**：{label} 在 {where} 上每卡需要 {gib(r.required_gib)}，"
                        f"可用 {gib(r.available_gib)}；不开则需要 {gib(without.required_gib)}，放不下。")
        else:
            lead = pick(zh, f"**Yes{tight}.** {label} on {where} needs {gib(r.required_gib)} of "
                            f"{gib(r.available_gib)} per GPU.",
                        f"**可以{tight}。** {label} 在 {where} 上每卡需要 {gib(r.required_gib)}，可用 {gib(r.available_gib)}。")
            if ck_default and without is not None:
                body.append(pick(zh, f"That is with gradient checkpointing on; without it {gib(without.required_gib)} "
                                     f"per GPU ({'also fits' if without.fits else 'does not fit'}).",
                                 f"以上为开启梯度检查点；不开为每卡 {gib(without.required_gib)}"
                                 f"（{'也放得下' if without.fits else '放不下'}）。"))
        if r.max_batch and r.max_batch > 1:
            body.append(pick(zh, f"Room for a micro-batch of up to {r.max_batch} at this sequence length.",
                             f"该序列长度下 micro-batch 最大约 {r.max_batch}。"))
    else:
        lead = _no_training_lead(turn, r, label, where, n)
        body.append(_suggestions(r, zh))
    return Reply(lead, body, memory_assumptions(m, args, zh), cite=_training_topic(r))


def _fit_any_method(turn, s: Slots, gpu: str, n: int) -> Reply:
    """'Can I fine-tune X on Y?' with no method named: a full fine-tune if it fits, else the lightest method that does,
    said with the full fine-tune's figure."""
    zh = turn.zh
    from dataclasses import replace

    full = _fit_training(turn, replace(s, method="full"), gpu, n)
    full_call = next(c for c in turn.calls if c.tool == "check_fit" and c.args.get("method") == "full")
    if full_call.result["fits"]:
        return full
    for method in ("lora", "qlora"):
        reply = _fit_training(turn, replace(s, method=method), gpu, n)
        call = next(c for c in reversed(turn.calls) if c.tool == "check_fit" and c.args.get("method") == method
                    and c.args.get("gradient_checkpointing") is not False)
        if call.result["fits"]:
            need = gib(call.result["required_gib"])
            have = gib(call.result["available_gib"])
            full_need = gib(full_call.result["required_gib"])
            reply.lead = pick(zh, f"**Yes, with {method_name(method, False)}** ({need} of {have} per GPU, gradient "
                                  f"checkpointing on); a full fine-tune needs {full_need} per GPU and does not fit.",
                              f"**可以，用 {method_name(method, True)}**（每卡 {need}，可用 {have}，开启梯度检查点）；"
                              f"全量微调每卡需要 {full_need}，放不下。")
            return reply
    return full


def _no_training_lead(turn, r, label: str, where: str, n: int) -> str:
    zh = turn.zh
    m = r.memory
    fixes = [x for x in r.suggestions if x.fits]
    fix = ""
    if fixes:
        best = fixes[0]
        fix = pick(zh, f"; yes with {short_fix(best)} ({gib(best.required_gib)} per GPU)",
                   f"；{suggestion_text(best, zh)}则可以（每卡 {gib(best.required_gib)}）")
    base = m.breakdown_gib.get("weights", 0)
    if m.method == "lora" and n == 1 and base > r.available_gib:
        return pick(zh, f"**No** - the 16-bit base weights alone are {gib(base)}, more than the "
                        f"{gib(r.available_gib)} on one {r.gpu}{fix}.",
                    f"**放不下**——仅 16 位基座权重就有 {gib(base)}，超过单张 {r.gpu} 的 {gib(r.available_gib)}{fix}。")
    return pick(zh, f"**No.** {label} on {where} needs {gib(r.required_gib)} per GPU; each has "
                    f"{gib(r.available_gib)}{fix}.",
                f"**放不下。** {label} 在 {where} 上每卡需要 {gib(r.required_gib)}，每卡只有 {gib(r.available_gib)}{fix}。")


def _training_topic(r) -> str:
    top = next((x.action for x in r.suggestions if x.fits), None) if not r.fits else None
    return {"qlora": "QLoRA 4-bit NF4 base weights memory", "zero3": "ZeRO-3 FSDP sharding memory",
            "more-gpus": "ZeRO-3 FSDP sharding memory", "offload": "ZeRO-Offload CPU offload optimizer",
            "gradient-checkpointing": "gradient checkpointing activations memory",
            "8bit-optimizer": "8-bit optimizer states memory"}.get(top or "", "")


def _fit_inference(turn, s: Slots, gpu: str, n: int) -> Reply:
    zh = turn.zh
    args = inference_args(s)
    r = turn.call("check_fit", model=s.model, gpu=gpu, gpu_count=n, **args)
    m = r.memory
    label = what(m, zh)
    where = on_gpus(n, r.gpu, zh)
    body = [breakdown(m, zh)]
    users = args.get("batch") or 1
    ctx = f"{m.context:,}"
    each = pick(zh, "" if s.context else " (assumed; say yours)", "" if s.context else "（默认值，可告诉我你的）")
    load = pick(zh, f" for {users} concurrent users at {ctx} tokens each{each}" if users > 1 else
                (f" at {ctx} tokens of context" if s.context else ""),
                f"（{users} 个并发用户，每个 {ctx} tokens{each}）" if users > 1 else (f"（上下文 {ctx} tokens）" if s.context else ""))
    if r.fits:
        tight = pick(zh, " (tight)", "（余量很小）") if "tight" in r.verdict else ""
        lead = pick(zh, f"**Yes{tight}.** {label}{load} on {where} needs {gib(r.required_gib)} of "
                        f"{gib(r.available_gib)} per GPU.",
                    f"**可以{tight}。** {label}{load} 在 {where} 上每卡需要 {gib(r.required_gib)}，可用 {gib(r.available_gib)}。")
        if users > 1:
            body.insert(0, _speed_at_load(turn, s, gpu, n, m.precision, users, m.context))
            per = turn.calls[-1].result.get("decode_tokens_per_s") if turn.calls[-1].tool == "estimate_throughput" else None
            if s.target_tps and per is not None and per < s.target_tps:
                # it loads, but the speed asked for is part of "enough"
                lead = pick(zh, f"**No - it fits in memory but is too slow:** about {per:,.0f} tokens/s per user, short of "
                                f"the {s.target_tps:g} you asked for. {label}{load} on {where} needs {gib(r.required_gib)} "
                                f"of {gib(r.available_gib)} per GPU.",
                            f"**不够——显存放得下，但速度不够：**每个用户约 {per:,.0f} tokens/s，达不到你要求的 "
                            f"{s.target_tps:g}。{label}{load} 在 {where} 上每卡需要 {gib(r.required_gib)}，可用 "
                            f"{gib(r.available_gib)}。")
        elif r.max_batch or r.max_context:
            body.append(pick(zh, f"Limits: up to {r.max_batch} sequences at this context; context up to "
                                 f"{r.max_context:,} tokens for one sequence.",
                             f"上限：该上下文下最多 {r.max_batch} 个序列；单序列最长上下文 {r.max_context:,} tokens。"))
        return Reply(lead, body, memory_assumptions(m, args, zh))
    alt, tried = None, {}
    if not s.precision:
        batching = bool(args.get("framework")) or users > 1
        desktop = not batching and gpu_kind(gpu) != "datacenter"  # one user at a desk: llama.cpp / Ollama formats
        eight_bit = ["q8_0"] if desktop else (["fp8"] if _fp8(gpu) else ["int8"])
        for fmt in eight_bit + [four_bit(gpu, batching=batching)]:
            if fmt == m.precision:
                continue
            q = tried[fmt] = turn.call("check_fit", model=s.model, gpu=gpu, gpu_count=n, **{**args, "precision": fmt})
            if q.fits:
                alt = q
                break
    if alt is not None:
        name = model_label(m.model, zh)
        lead = pick(zh, f"**{name}: not in {m.precision}; yes at {alt.memory.precision}** ({gib(alt.required_gib)} of "
                        f"{gib(alt.available_gib)} per GPU on {where}{load}). In {m.precision} it needs "
                        f"{gib(r.required_gib)} per GPU of {gib(r.available_gib)} usable ({m.framework}).",
                    f"**{name}：{m.precision} 放不下；{alt.memory.precision} 可以**（在 {where} 上{load}每卡 "
                    f"{gib(alt.required_gib)}，可用 {gib(alt.available_gib)}）。{m.precision} 每卡需要 {gib(r.required_gib)}，"
                    f"可用 {gib(r.available_gib)}（{m.framework}）。")
        body = [breakdown(alt.memory, zh)]
        if users > 1:
            body.insert(0, _speed_at_load(turn, s, gpu, n, alt.memory.precision, users, alt.memory.context))
        return Reply(lead, body, memory_assumptions(alt.memory, {**args, "precision": alt.memory.precision}, zh),
                     cite=format_topic(alt.memory.precision))
    lead = pick(zh, f"**No.** {label}{load} on {where} needs {gib(r.required_gib)} per GPU; each has "
                    f"{gib(r.available_gib)}.",
                f"**放不下。** {label}{load} 在 {where} 上每卡需要 {gib(r.required_gib)}，每卡只有 {gib(r.available_gib)}。")
    if not s.precision and users <= 1 and gpu_kind(gpu) != "datacenter":
        # a desk machine: Q4_K_M with an 8-bit KV cache (llama.cpp's -ctk q8_0 -ctv q8_0, Ollama's q8_0 KV type) first,
        # then the 3-, 2- and 1.58-bit quants people try before giving up
        q = turn.call("check_fit", model=s.model, gpu=gpu, gpu_count=n,
                      **{**args, "precision": FOUR_BIT_CONSUMER, "kv_dtype": "q8_0"}) if not s.kv_dtype else None
        if q is not None and q.fits:
            name = model_label(m.model, zh)
            lead = pick(zh, f"**{name}: not in {m.precision}; yes at {FOUR_BIT_CONSUMER} with an 8-bit (q8_0) KV cache**, "
                            f"tight: {gib(q.required_gib)} of {gib(q.available_gib)} per GPU on {where} (llama.cpp "
                            "-ctk q8_0 -ctv q8_0, or Ollama's q8_0 KV type).",
                        f"**{name}：{m.precision} 放不下；{FOUR_BIT_CONSUMER} 加 8 位（q8_0）KV 缓存可以**，很紧：在 {where} 上每卡 "
                        f"{gib(q.required_gib)}，可用 {gib(q.available_gib)}（llama.cpp -ctk q8_0 -ctv q8_0，或 Ollama 的 q8_0 KV）。")
            return Reply(lead, [breakdown(q.memory, zh)], memory_assumptions(q.memory, {**args, "precision": FOUR_BIT_CONSUMER}, zh),
                         cite=format_topic(FOUR_BIT_CONSUMER))
        offloaded = _with_system_ram(turn, s, gpu, n, args, r, tried.get(FOUR_BIT_CONSUMER)) \
            if s.ram_gib and gpu_kind(gpu) != "apple_unified" else None
        if offloaded is not None:
            return offloaded
        for fmt in ("q3_k_m", "iq3_xxs", "iq2_xs", "iq1_s"):
            q = turn.call("check_fit", model=s.model, gpu=gpu, gpu_count=n, **{**args, "precision": fmt})
            if q.fits:
                lead += pick(zh, f" Only at {fmt} ({gib(q.required_gib)}), with a large quality loss.",
                             f"只有 {fmt} 放得下（{gib(q.required_gib)}），质量损失很大。")
                break
        else:
            lead += pick(zh, f" Not even at 1.58-bit (iq1_s): {gib(q.required_gib)}.",
                         f"1.58 位（iq1_s）也要 {gib(q.required_gib)}，放不下。")
            if "deepseek-r1" in (s.model or "") and "distill" not in (s.model or ""):
                lead += pick(zh, " What runs on such machines under that name is a DeepSeek-R1 distill (Qwen or Llama, "
                                 "1.5B to 70B).", "在这类机器上以这个名字跑的通常是 DeepSeek-R1 蒸馏版（Qwen 或 Llama，1.5B 到 70B）。")
    body.append(_suggestions(r, zh))
    combo = _serving_combination(turn, s, gpu, n, users, args) if users > 1 and not s.precision else None
    if combo is not None:  # many users: the three changes a serving deployment makes together
        fits, text = combo
        if fits:  # the question was whether it can be served: yes, the way deployments serve it; the 16-bit miss follows
            body.insert(0, lead.replace("**No.**", "In 16-bit:").replace("**放不下。**", "16 位下："))
            lead = pick(zh, f"**Yes, with 4-bit weights and an FP8 KV cache.** {text}", f"**可以，要用 4 位权重和 FP8 KV 缓存。**{text}")
        else:
            body.insert(0, text)
    return Reply(lead, body, memory_assumptions(m, args, zh))


RAM_FOR_SYSTEM_GB = 6  # what the OS, the browser and llama.cpp's own buffers keep of a desk machine's RAM (assumed)


def _with_system_ram(turn, s: Slots, gpu: str, n: int, args: dict, r, q=None) -> Reply | None:
    """'4060 8G 显存，32G 内存，能跑 Qwen3-14B 吗': at Q4_K_M what does not fit in VRAM stays in system RAM (llama.cpp -ngl,
    Ollama splits layers on its own); each token then reads those weights at the RAM's bandwidth. None when it does not
    fit in both together."""
    from tools.throughput import CPU_BANDWIDTH_GB_S

    zh = turn.zh  # (q: the Q4_K_M check already made, when there was one)
    q = q or turn.call("check_fit", model=s.model, gpu=gpu, gpu_count=n, **{**args, "precision": FOUR_BIT_CONSUMER})
    over = q.required_gib - q.available_gib
    spare = s.ram_gib * 1e9 / 2**30 - RAM_FOR_SYSTEM_GB
    weights = q.memory.weights_gib
    if q.fits or over > spare or not weights:
        return None
    share = min(1.0, over / weights)
    t = turn.call("estimate_throughput", model=s.model, gpu=gpu, gpu_count=n, precision=FOUR_BIT_CONSUMER,
                  framework="llama.cpp", cpu_offload_fraction=round(share, 3), prompt_tokens=512, output_tokens=256)
    name, where, ram = model_label(q.memory.model, zh), on_gpus(n, q.gpu, zh), f"{s.ram_gib:g} GB"
    lead = pick(zh, f"**Yes, with part of it in system RAM: {name} at {FOUR_BIT_CONSUMER} needs {gib(q.required_gib)}; "
                    f"{where} holds {gib(q.available_gib)}, the other {gib(over)} ({share:.0%} of the weights) sit in your "
                    f"{ram} of RAM (llama.cpp -ngl; Ollama splits the layers itself): about {t.decode_tokens_per_s:,.1f} "
                    "tokens/s.**",
                f"**能跑，但有一部分要放在内存里：{name} {FOUR_BIT_CONSUMER} 需要 {gib(q.required_gib)}，{where} 放得下 "
                f"{gib(q.available_gib)}，其余 {gib(over)}（权重的 {share:.0%}）放到你的 {ram} 内存里（llama.cpp 的 -ngl；Ollama "
                f"会自动分层）：约 {t.decode_tokens_per_s:,.1f} tokens/s。**")
    body = [pick(zh, f"The layers in RAM are read at its bandwidth (~{CPU_BANDWIDTH_GB_S:g} GB/s for dual-channel DDR5, a "
                     "tenth of a GPU's or less), so the more of the model sits there, the slower each token.",
                 f"放在内存里的层按内存带宽读取（双通道 DDR5 约 {CPU_BANDWIDTH_GB_S:g} GB/s，是显卡的十分之一或更少），放得越多，"
                 "每个 token 越慢。"),
            pick(zh, f"All in VRAM: {r.memory.precision} needs {gib(r.required_gib)} per GPU of {gib(r.available_gib)}.",
                 f"全部放进显存：{r.memory.precision} 每卡需要 {gib(r.required_gib)}，可用 {gib(r.available_gib)}。")]
    return Reply(lead, body, memory_assumptions(q.memory, {**args, "precision": FOUR_BIT_CONSUMER}, zh)
                 + [pick(zh, f"~{RAM_FOR_SYSTEM_GB} GB of RAM left to the system", f"内存留约 {RAM_FOR_SYSTEM_GB} GB 给系统")],
                 cite=format_topic(FOUR_BIT_CONSUMER))


def _serving_combination(turn, s: Slots, gpu: str, n: int, users: int, args: dict) -> tuple[bool, str] | None:
    """'Can I serve 32B to 40 people on 2x 4090?' misses in 16-bit at the full window; a serving deployment makes three
    changes together - 4-bit weights, an FP8 KV cache, and conversations at a chat's average length rather than the
    window (when no context was said) - and each alone may not be enough. (Whether it fits, the verdict said.)"""
    from tools.defaults import CHAT_CONTEXT_AVERAGE, TIGHT_HEADROOM

    context = s.context or CHAT_CONTEXT_AVERAGE
    try:
        q = turn.call("check_fit", model=s.model, gpu=gpu, gpu_count=n, **{**args, "precision": FOUR_BIT_SERVER,
                                                                          "kv_dtype": "fp8", "context": context})
    except Exception:  # noqa: BLE001 - a layout the model cannot take: nothing to add
        return None
    zh = turn.zh
    avg = "" if s.context else pick(zh, f" and conversations averaging {context:,} tokens (half the window)",
                                    f"、每段对话平均 {context:,} tokens（窗口的一半）")
    if q.fits:
        tight = q.required_gib > q.available_gib * (1 - TIGHT_HEADROOM)
        return True, pick(zh, f"With {FOUR_BIT_SERVER} weights, an FP8 KV cache{avg}: {gib(q.required_gib)} of "
                              f"{gib(q.available_gib)} per GPU for {users} users - it fits" + (", tightly." if tight else "."),
                          f"用 {FOUR_BIT_SERVER} 权重、FP8 KV 缓存{avg}：{users} 个用户每卡 {gib(q.required_gib)}，可用 "
                          f"{gib(q.available_gib)}——放得下" + ("，但很紧。" if tight else "。"))
    return False, pick(zh, f"Even with {FOUR_BIT_SERVER} weights, an FP8 KV cache{avg}: {gib(q.required_gib)} of "
                    f"{gib(q.available_gib)} per GPU for {users} users - still too much.",
                f"即使用 {FOUR_BIT_SERVER} 权重、FP8 KV 缓存{avg}：{users} 个用户每卡 {gib(q.required_gib)}，可用 "
                f"{gib(q.available_gib)}——仍放不下。")


def _fp8(gpu: str) -> bool:
    from tools.gpus import get_gpu

    return bool(get_gpu(gpu).supports_fp8)


def _speed_at_load(turn, s: Slots, gpu: str, n: int, precision: str, users: int, context: int) -> str:
    if s.pipeline_parallel:
        return ""  # the speed model splits tensors, not pipeline stages: no speed rather than a wrong one
    fw = s.framework or ("llama.cpp" if precision and re.match(r"q\d", precision) else "vllm")  # GGUF: llama.cpp
    """Per-user and total decode speed with `users` sequences of `context` tokens (the context the memory
    verdict sized), split into prompt and answer as the serving plans split it."""
    from tools.throughput import chat_turn, serving_split

    zh = turn.zh
    batching = fw not in ("llama.cpp", "ollama")
    # users chatting: each turn prefills only its new message (the plans' chat turn, tools/throughput.chat_turn)
    tokens = chat_turn(context) if batching and users > 1 else dict(zip(("prompt_tokens", "output_tokens"),
                                                                        serving_split(context), strict=True))
    t = turn.call("estimate_throughput", model=s.model, gpu=gpu, gpu_count=n, precision=precision,
                  framework=fw, batch=users, continuous_batching=batching, **tokens)
    per, total = t.decode_tokens_per_s, t.decode_tokens_per_s_total
    return pick(zh, f"At {users} concurrent users: about {per:,.0f} tokens/s each, {total:,.0f} tokens/s in all "
                    f"({t.framework}).",
                f"{users} 个并发用户时：每个约 {per:,.0f} tokens/s，合计 {total:,.0f} tokens/s（{t.framework}）。")


def _suggestions(r, zh: bool, skip: tuple = ()) -> str:
    good = [x for x in r.suggestions if x.fits and x.action not in skip][:3]
    if not good:
        return pick(zh, "No single change in our catalog makes it fit.", "目录里没有单一改动能让它放下。")
    head = pick(zh, "What would make it fit:", "能放下的办法：")
    return head + "\n" + "\n".join(f"- {suggestion_text(x, zh)}: {gib(x.required_gib)}" for x in good)


# ---- how much memory? ----------------------------------------------------------------------------------

def memory(turn, s: Slots) -> Reply:
    zh = turn.zh
    n = s.count or 1
    args = training_args(s, n) if training(s) else inference_args(s)
    m = turn.call("estimate_memory", model=s.model, gpu_count=n, gpu=s.gpu, **args)
    label = what(m, zh)
    per = pick(zh, " per GPU" if n > 1 else "", "每卡" if n > 1 else "")
    total = pick(zh, f" ({gib(m.total_gib)} over {n} GPUs)" if n > 1 else "", f"（{n} 卡共 {gib(m.total_gib)}）" if n > 1 else "")
    at = pick(zh, f" at {m.context:,} tokens of context" if s.context else "", f"（上下文 {m.context:,} tokens）" if s.context else "")
    w_gpu = m.breakdown_gib.get("weights", m.weights_gib)
    weights = pick(zh, f"the weights are {gib(w_gpu)} per GPU ({gib(m.weights_gib)} in all)" if n > 1 else
                   f"the weights are {gib(m.weights_gib)}",
                   f"其中权重每卡 {gib(w_gpu)}（共 {gib(m.weights_gib)}）" if n > 1 else f"其中权重 {gib(m.weights_gib)}")
    lead = pick(zh, f"**About {gib(m.per_gpu_gib)}{per}** for {label}{at}{total}; {weights}.",
                f"**{label}{at} {per}约需 {gib(m.per_gpu_gib)} 显存**{total}，{weights}。")
    body = [breakdown(m, zh)]
    if training(s) and s.checkpointing is None and m.method != "qlora":
        w = turn.call("estimate_memory", model=s.model, gpu_count=n, gpu=s.gpu,
                      **{**args, "gradient_checkpointing": False})
        body.append(pick(zh, f"That is with gradient checkpointing on (the usual setting); without it "
                             f"{gib(w.per_gpu_gib)}.", f"以上为开启梯度检查点（常规做法）；不开约 {gib(w.per_gpu_gib)}。"))
    if training(s) and (s.batch or 1) > 4:
        # "batch 32" is usually the global batch, reached with gradient accumulation over micro-batches
        mb = turn.call("estimate_memory", model=s.model, gpu_count=n, gpu=s.gpu, **{**args, "batch": 1})
        body.append(pick(zh, f"That is {s.batch} sequences in one step. As a global batch reached by gradient accumulation "
                             f"(micro-batch 1 x {s.batch} steps, same result): {gib(mb.per_gpu_gib)} per GPU.",
                         f"以上是一步同时跑 {s.batch} 个序列。若 {s.batch} 是用梯度累积达到的全局 batch（micro-batch 1 × {s.batch} 步，"
                         f"结果相同）：每卡 {gib(mb.per_gpu_gib)}。"))
    if not training(s) and not s.precision and m.precision in ("bf16", "fp16"):
        q = turn.call("estimate_memory", model=s.model, gpu_count=n, **{**args, "precision": FOUR_BIT_SERVER})
        body.append(pick(zh, f"At 4-bit (AWQ): about {gib(q.per_gpu_gib)}.", f"4 位（AWQ）约 {gib(q.per_gpu_gib)}。"))
    return Reply(lead, body, memory_assumptions(m, args, zh))


# ---- how many GPUs to hold a training run? -------------------------------------------------------------------

def how_many_training(turn, s: Slots) -> Reply:
    from tools.fit import FitRequest, check_fit
    from tools.gpus import get_gpu

    zh = turn.zh
    g = get_gpu(s.gpu)
    found = None
    # within a node any count; past one node whole nodes of 8 (24 H100s hold what 16 do not, and 32 is not the minimum)
    for n in (1, 2, 4, 8, 16, 24, 32, 40, 48, 56, 64, 96, 128, 192, 256, 384, 512):
        args = training_args(s, n)
        try:
            r = check_fit(FitRequest(model=s.model, gpu=g.id, gpu_count=n,
                                     **{k: v for k, v in args.items() if v is not None}))
        except Exception:  # noqa: BLE001 - a count the layout cannot use: try the next
            continue
        if r.fits:
            found = turn.call("check_fit", model=s.model, gpu=g.id, gpu_count=n, **args)
            break
    if found is None:
        lead = pick(zh, f"**More than 512 {g.name} GPUs** would be needed to hold this run in memory with ZeRO-3/FSDP.",
                    f"**超过 512 张 {g.name}** 才能用 ZeRO-3/FSDP 放下这个训练。")
        return Reply(lead)
    m = found.memory
    turn.config_count = found.gpu_count  # the time asked next is for this many GPUs
    lead = pick(zh, f"**{found.gpu_count}x {g.name}** hold {what(m, zh)} ({gib(found.required_gib)} of "
                    f"{gib(found.available_gib)} per GPU" + (", ZeRO-3/FSDP" if found.gpu_count > 1 else "") + ").",
                f"**{found.gpu_count} 张 {g.name}** 放得下 {what(m, zh)}（每卡 {gib(found.required_gib)}，可用 "
                f"{gib(found.available_gib)}" + ("，ZeRO-3/FSDP" if found.gpu_count > 1 else "") + "）。")
    body = [breakdown(m, zh), pick(zh, "That is the memory minimum; more GPUs finish sooner (ask how long).",
                                   "这是放得下的最少卡数；卡越多训练越快（可以问要多久）。")]
    fewer = _fewer_with_offload(turn, s, g.id, found.gpu_count)
    if fewer:  # the optimizer state in CPU RAM (DeepSpeed ZeRO-Offload): fewer GPUs, a slower step
        body.insert(1, pick(zh, f"With the optimizer state offloaded to CPU RAM (ZeRO-Offload): {fewer.gpu_count}x "
                                f"({gib(fewer.required_gib)} per GPU, about {gib(fewer.memory.host_ram_gib)} of host RAM in "
                                "all), at the cost of a much slower optimizer step.",
                            f"把优化器状态卸载到 CPU 内存（ZeRO-Offload）：{fewer.gpu_count} 张（每卡 {gib(fewer.required_gib)}，"
                            f"共需主机内存约 {gib(fewer.memory.host_ram_gib)}），代价是优化器步骤慢很多。"))
    return Reply(lead, body, memory_assumptions(m, training_args(s, found.gpu_count), zh))


def _fewer_with_offload(turn, s: Slots, gpu: str, n_found: int):
    """The fewest GPUs below `n_found` that hold a full fine-tune or pretraining run with the optimizer state in CPU
    RAM, with a tenth of their memory to spare, or None (LoRA/QLoRA keep little optimizer state)."""
    from tools.defaults import TIGHT_HEADROOM
    from tools.fit import FitRequest, check_fit

    if (s.method or "full") not in ("full", "pretrain") or n_found <= 1:
        return None
    for n in (1, 2, 4, 8, 16, 24, 32, 48, 64):
        if n >= n_found:
            return None
        args = {k: v for k, v in training_args(s, n).items() if v is not None}
        try:
            r = check_fit(FitRequest(model=s.model, gpu=gpu, gpu_count=n, **{**args, "offload": "optimizer"}))
            if r.fits and r.required_gib <= r.available_gib * (1 - TIGHT_HEADROOM):  # with room, not at the edge
                return turn.call("check_fit", model=s.model, gpu=gpu, gpu_count=n, **{**args, "offload": "optimizer"})
        except Exception:  # noqa: BLE001 - a count the layout cannot use
            continue
    return None


# ---- limits: the largest batch or context that fits ----------------------------------------------------

def limits(turn, s: Slots, question: str) -> Reply:
    import re

    zh = turn.zh
    gpu = s.gpu or gpu_for_vram(s.vram_gib)
    n = s.count or 1
    args = training_args(s, n) if training(s) else inference_args(s)
    r = turn.call("check_fit", model=s.model, gpu=gpu, gpu_count=n, **{**args, "batch": None if not training(s)
                                                                        else args.get("batch")})
    m = r.memory
    where = on_gpus(n, r.gpu, zh)
    want_context = bool(re.search(r"(?:max(?:imum)?|largest|longest|biggest)\s+(?:context|sequence)|how (?:long|much) "
                                  r"(?:a )?context|最长|最大上下文|上下文最多", question.lower()))
    note = ""
    if not r.fits and not training(s) and not s.precision:
        # the model's own format does not load: the limits at the least lossy format that does
        desktop = gpu_kind(gpu) != "datacenter" and (s.users or s.batch or 1) <= 1
        for fmt in (["q8_0", "q4_k_m"] if desktop else (["fp8"] if _fp8(gpu) else ["int8"]) + [FOUR_BIT_SERVER]):
            q = turn.call("check_fit", model=s.model, gpu=gpu, gpu_count=n, **{**args, "batch": None, "precision": fmt})
            if q.fits:
                note = pick(zh, f" (in {r.memory.precision} it does not load: {gib(r.required_gib)} of "
                                f"{gib(r.available_gib)})",
                            f"（{r.memory.precision} 放不下：需要 {gib(r.required_gib)}，可用 {gib(r.available_gib)}）")
                r = q
                break
    if not r.fits:
        return _fit_inference(turn, s, gpu, n) if not training(s) else _fit_training(turn, s, gpu, n)
    m = r.memory
    if want_context:
        lead = pick(zh, f"**Up to about {r.max_context:,} tokens of context** for one sequence of {what(m, zh)} on "
                        f"{where}{note}.",
                    f"**单序列最长约 {r.max_context:,} tokens 上下文**：{what(m, zh)}，{where}{note}。")
    else:
        if training(s):
            lead = pick(zh, f"**A micro-batch of up to about {r.max_batch}** sequences of {m.context:,} tokens for "
                            f"{what(m, zh)} on {where}.",
                        f"**micro-batch 最大约 {r.max_batch}**（每个 {m.context:,} tokens）：{what(m, zh)}，{where}。")
        else:
            lead = pick(zh, f"**Up to about {r.max_batch} concurrent sequences** of {m.context:,} tokens for {what(m, zh)} "
                            f"on {where}.",
                        f"**最多约 {r.max_batch} 个并发序列**（每个 {m.context:,} tokens）：{what(m, zh)}，{where}。")
    body = [breakdown(m, zh), pick(zh, f"One sequence needs {gib(r.required_gib)} of {gib(r.available_gib)} per GPU.",
                                   f"单序列每卡需要 {gib(r.required_gib)}，可用 {gib(r.available_gib)}。")]
    return Reply(lead, body, memory_assumptions(m, args, zh))


def kv_cache(turn, s: Slots) -> Reply:
    zh = turn.zh
    args = inference_args(s)
    m = turn.call("estimate_memory", model=s.model, gpu_count=s.count or 1, gpu=s.gpu, **args)
    kv = m.breakdown_gib.get("kv_cache", 0) * max(m.tensor_parallel, 1)
    per_token = m.kv_cache_per_token_mib
    seqs = pick(zh, f" x {m.batch} sequences" if m.batch > 1 else "", f" × {m.batch} 个序列" if m.batch > 1 else "")
    lead = pick(zh, f"**About {gib(kv)} of KV cache** for {model_label(m.model, zh)} at {m.context:,} tokens{seqs} "
                    f"({per_token:,.3f} MiB per token, KV in {args.get('kv_dtype') or 'bf16'}).",
                f"**KV 缓存约 {gib(kv)}**：{model_label(m.model, zh)}，{m.context:,} tokens{seqs}（每 token "
                f"{per_token:,.3f} MiB，KV 精度 {args.get('kv_dtype') or 'bf16'}）。")
    body = [breakdown(m, zh)]
    return Reply(lead, body, memory_assumptions(m, args, zh))


# ---- the largest model that runs ----------------------------------------------------------------------------

def largest(turn, s: Slots) -> Reply:
    from tools.fit import FitRequest, check_fit
    from tools.models import all_specs
    from tools.params import count_params

    zh = turn.zh
    gpu = s.gpu or gpu_for_vram(s.vram_gib)
    n = s.count or 1
    specs = sorted(all_specs(), key=lambda m: -count_params(m).total)
    lines, best = [], None
    variants = [method_of(s)] if training(s) else ([s.precision] if s.precision else ["bf16", four_bit(gpu)])
    for prec in variants:
        for m in specs:
            args = training_args(s, n) if training(s) else dict(precision=prec, context=s.context)
            args = {k: v for k, v in args.items() if v is not None}
            try:
                ok = check_fit(FitRequest(model=m.id, gpu=gpu, gpu_count=n, **args)).fits
            except Exception:  # noqa: BLE001 - e.g. a TP degree the model cannot split by
                ok = False
            if ok:
                r = turn.call("check_fit", model=m.id, gpu=gpu, gpu_count=n, **args)
                lines.append(f"- {prec}: {r.memory.model} ({r.memory.params_b:.1f}B), {gib(r.required_gib)} / "
                             f"{gib(r.available_gib)}")
                best = best or r
                if prec != "bf16":
                    best = r
                break
    from tools.defaults import INFERENCE_CONTEXT
    from tools.gpus import get_gpu

    ctx = s.context or (best.memory.context if best else INFERENCE_CONTEXT)  # the context the tool sized at

    name = get_gpu(gpu).name
    if best is None:
        return Reply(pick(zh, f"**No catalog model runs on {n}x {name}** at {ctx:,} tokens of context.",
                          f"**{n} 张 {name} 跑不了目录里的任何模型**（上下文 {ctx:,} tokens）。"))
    floor = _largest_at_speed(turn, s, specs, best, gpu, n) if s.target_tps and not training(s) else None
    if floor is not None:  # "the biggest that's usable, >5 tok/s": the largest that fits AND keeps that speed
        fast, fast_tps, big_tps = floor
        turn.config_model = fast.memory.model
        ctx = fast.memory.context
        lead = pick(zh, f"**Up to about {fast.memory.params_b:.0f}B parameters at >= {s.target_tps:g} tokens/s: "
                        f"{what(fast.memory, zh)}** on {n}x {name}, about {fast_tps:,.0f} tokens/s (at {ctx:,} tokens). "
                        f"The largest that fits, {best.memory.model} ({best.memory.params_b:.0f}B), runs at about "
                        f"{big_tps:,.1f} tokens/s.",
                    f"**每秒 ≥ {s.target_tps:g} tokens 时最大约 {fast.memory.params_b:.0f}B 参数：{what(fast.memory, zh)}**，"
                    f"{n} 张 {name}，约 {fast_tps:,.0f} tokens/s（序列 {ctx:,} tokens）。放得下的最大模型 {best.memory.model}"
                    f"（{best.memory.params_b:.0f}B）只有约 {big_tps:,.1f} tokens/s。")
        head = pick(zh, "Largest catalog model by precision (memory only):", "各精度下放得下的最大模型（只看显存）：")
        return Reply(lead, [head + "\n" + "\n".join(lines)])
    turn.config_model = best.memory.model  # a later part of the question ("and how long would it take?") uses it
    job = what(best.memory, zh)
    ctx = best.memory.context
    lead = pick(zh, f"**Up to about {best.memory.params_b:.0f}B parameters: {job}** on {n}x {name} (at {ctx:,} tokens).",
                f"**最大约 {best.memory.params_b:.0f}B 参数：{job}**，{n} 张 {name}，序列 {ctx:,} tokens。")
    head = pick(zh, "Largest catalog model by precision:", "各精度下能跑的最大模型：")
    body = [head + "\n" + "\n".join(lines)]
    if not training(s):  # "... and how fast?": one stream of that largest model
        try:
            t = turn.call("estimate_throughput", model=best.memory.model_id, gpu=gpu, gpu_count=n,
                          precision=best.memory.precision)
            body.append(pick(zh, f"One stream of it: about {t.decode_tokens_per_s:,.0f} tokens/s; a model half the size runs "
                                 "about twice as fast.",
                             f"单路约 {t.decode_tokens_per_s:,.0f} tokens/s；小一半的模型大约快一倍。"))
        except Exception:  # noqa: BLE001 - a device with no bandwidth given: no speed to say
            pass
    return Reply(lead, body)


def _largest_at_speed(turn, s: Slots, specs: list, best, gpu: str, n: int):
    """(the largest catalog model that fits in `best`'s format and decodes one stream at >= s.target_tps, its speed,
    the speed of `best`) - or None when `best` itself is that fast, or no speed can be given."""
    from tools.errors import AdvisorInputError
    from tools.fit import FitRequest, check_fit
    from tools.throughput import ThroughputRequest, estimate_throughput

    prec = best.memory.precision

    def speed(model_id: str) -> float | None:
        try:
            return estimate_throughput(ThroughputRequest(model=model_id, gpu=gpu, gpu_count=n, precision=prec)
                                       ).decode_tokens_per_s
        except AdvisorInputError:
            return None

    big = speed(best.memory.model_id)
    if big is None or big >= s.target_tps:
        return None
    for m in specs:  # largest first
        if m.id == best.memory.model_id:
            continue
        try:
            if not check_fit(FitRequest(model=m.id, gpu=gpu, gpu_count=n, precision=prec, context=s.context)).fits:
                continue
        except AdvisorInputError:
            continue
        v = speed(m.id)
        if v is not None and v >= s.target_tps:
            r = turn.call("check_fit", model=m.id, gpu=gpu, gpu_count=n, precision=prec,
                          **({"context": s.context} if s.context else {}))
            t = turn.call("estimate_throughput", model=m.id, gpu=gpu, gpu_count=n, precision=prec)
            return r, t.decode_tokens_per_s, big
    return None


def sharding_choice(turn, s: Slots) -> Reply:
    """DDP or FSDP/ZeRO-3: DDP keeps the whole training state (weights, gradients, Adam) on every GPU; FSDP shards it.
    The answer is which fits, and what each needs per GPU."""
    zh = turn.zh
    gpu = s.gpu or "a100-80gb-sxm"
    n = s.count or 8
    method = s.method or ("pretrain" if s.workload == "pretrain" else "full")
    base = training_args(replace(s, method=method), n)
    ddp = turn.call("check_fit", model=s.model, gpu=gpu, gpu_count=n, **{**base, "sharding": "none"})
    fsdp = turn.call("check_fit", model=s.model, gpu=gpu, gpu_count=n, **{**base, "sharding": "fsdp"})
    where = on_gpus(n, ddp.gpu, zh)
    label = what(ddp.memory, zh)
    if ddp.fits:
        lead = pick(zh, f"**Both fit; DDP is the simpler and slightly faster choice**: {label} on {where} needs "
                        f"{gib(ddp.required_gib)} per GPU with DDP and {gib(fsdp.required_gib)} with FSDP "
                        f"(of {gib(ddp.available_gib)}).",
                    f"**两种都放得下，DDP 更简单、略快**：{label} 在 {where} 上 DDP 每卡 {gib(ddp.required_gib)}，"
                    f"FSDP 每卡 {gib(fsdp.required_gib)}（可用 {gib(ddp.available_gib)}）。")
        body = [pick(zh, "FSDP's spare memory buys a larger micro-batch or a longer sequence.",
                     "FSDP 省下的显存可以换更大的 micro-batch 或更长的序列。")]
    elif fsdp.fits:
        lead = pick(zh, f"**FSDP (or ZeRO-3)**: with DDP every GPU holds the whole training state, {gib(ddp.required_gib)} "
                        f"per GPU, more than the {gib(ddp.available_gib)} of each; FSDP shards it over {n} GPUs to "
                        f"{gib(fsdp.required_gib)} per GPU. ({label}, {where})",
                    f"**选 FSDP（或 ZeRO-3）**：DDP 每张卡都要放下完整的训练状态，每卡 {gib(ddp.required_gib)}，超过每卡 "
                    f"{gib(ddp.available_gib)}；FSDP 把它分到 {n} 张卡上，每卡 {gib(fsdp.required_gib)}。（{label}，{where}）")
        body = [breakdown(fsdp.memory, zh)]
    else:
        lead = pick(zh, f"**Neither fits**: {label} on {where} needs {gib(ddp.required_gib)} per GPU with DDP and "
                        f"{gib(fsdp.required_gib)} with FSDP, of {gib(fsdp.available_gib)}.",
                    f"**两种都放不下**：{label} 在 {where} 上 DDP 每卡 {gib(ddp.required_gib)}，FSDP 每卡 "
                    f"{gib(fsdp.required_gib)}，可用 {gib(fsdp.available_gib)}。")
        body = [pick(zh, "Options: ", "可选：") + "; ".join(
            suggestion_text(x, zh) for x in fsdp.suggestions[:3] if x.fits)] if any(x.fits for x in fsdp.suggestions) else []
    return Reply(lead, body, memory_assumptions(fsdp.memory, {**base, "sharding": "fsdp"}, zh))


# a model family named without its size ("is an a100 enough for llama?"): its common sizes, each with the lightest
# format that loads on the card, and one question back
FAMILY = re.compile(r"(?<![a-z0-9])(?:llama|qwen|mistral|gemma|deepseek|phi)(?![a-z0-9])(?![- ]?\d)(?!\s*(?:\d|v\d|r1|3\.\d|2\.5))"
                    r"(?!\.cpp|[-_ ]?cpp|file|[-_]server|[-_ ]?index|[-_ ]factory)", re.I)
FAMILY_ASK = re.compile(r"\benough\b|\brun\b|\bfit\b|\bserve\b|\bhost\b|\bhandle\b|fine-?tun\w*|\btrain\w*|\blora\b|"
                        r"够|能跑|跑得动|跑|部署|放得下|微调|训练", re.I)
FAMILY_SIZES = {"llama": ("llama-3.1-8b", "llama-3.3-70b", "llama-3.1-405b"),
                "qwen": ("qwen2.5-7b", "qwen2.5-32b", "qwen2.5-72b"),
                "mistral": ("mistral-7b", "mistral-small-24b", "mistral-large-123b"),
                "gemma": ("gemma-2-9b", "gemma-2-27b"),
                "deepseek": ("deepseek-r1-distill-qwen-7b", "deepseek-r1-distill-qwen-32b", "deepseek-v3"),
                "phi": ("phi-3-mini", "phi-4")}


def family_size(now: Slots, earlier: str) -> Slots:
    """"the 70b one, with 4 bit" after a family named without a size ("how much vram to run llama?"): that family's
    model of the size said (FAMILY_SIZES), not a generic shape of that size."""
    from tools.models import find_catalog_id, get_model
    from tools.params import count_params

    if not (now.model and re.fullmatch(r"\d+(?:\.\d+)?[bB]", now.model) and len(now.models) <= 1):
        return now
    size = float(now.model[:-1])
    if earlier:  # "LoRA 微调 72B" after "我们主要跑 Qwen2.5-72B": the model of that size said before
        from tools.errors import AdvisorInputError

        from .parse import parse

        for mid in reversed(parse(earlier[-600:]).models):
            try:
                total = count_params(get_model(mid)).total / 1e9
            except AdvisorInputError:  # a shape said before that is not a model on file
                continue
            if abs(total - size) <= 0.15 * size and not re.fullmatch(r"\d+(?:\.\d+)?[bB]", mid):
                return replace(now, model=mid, models=[mid])
    m = FAMILY.findall(earlier or "")
    if not m:
        return now
    for name in FAMILY_SIZES[m[-1].lower()]:
        mid = find_catalog_id(name)
        if mid and abs(count_params(get_model(mid)).total / 1e9 - size) <= 0.15 * size:
            return replace(now, model=mid, models=[mid])
    return now


def family_fits(turn, s: Slots, question: str) -> Reply:
    from tools.errors import AdvisorInputError
    from tools.fit import FitRequest, check_fit
    from tools.gpus import get_gpu
    from tools.models import find_catalog_id, get_model

    zh = turn.zh
    fam = FAMILY.search(question).group(0).lower()
    n = s.count or 1
    tuning = training(s) or bool(re.search(r"fine-?tun|\btrain|\blora\b|微调|训练", question, re.I))
    # serving: the lightest format that loads; fine-tuning: the lightest method that fits (full, LoRA, QLoRA)
    tries = [dict(method=m) for m in ((s.method,) if s.method else ("full", "lora", "qlora"))] if tuning else \
        [dict(precision=p) for p in ("bf16", "fp8", "awq-4bit" if get_gpu(s.gpu).kind == "datacenter" else "q4_k_m")]
    rows = []
    for name in FAMILY_SIZES[fam]:
        mid = find_catalog_id(name)
        if not mid:
            continue
        verdict = None
        for args in tries:
            if tuning:
                args = {**args, "workload": "training"}
            try:
                if check_fit(FitRequest(model=mid, gpu=s.gpu, gpu_count=n, **args)).fits:
                    verdict = turn.call("check_fit", model=mid, gpu=s.gpu, gpu_count=n, **args)
                    break
            except AdvisorInputError:
                continue
        rows.append((get_model(mid).name, verdict))
    where = on_gpus(n, get_gpu(s.gpu).name, zh)
    lines = []
    for mid, r in rows:
        if r is None:
            lines.append(pick(zh, f"- {mid}: does not fit, even with QLoRA" if tuning else f"- {mid}: does not fit, even at 4-bit",
                              f"- {mid}：QLoRA 也放不下" if tuning else f"- {mid}：4-bit 也放不下"))
        else:
            how = method_name(r.memory.method, zh) if tuning else r.memory.precision
            lines.append(pick(zh, f"- {r.memory.model}: yes with {how} ({gib(r.required_gib)} of {gib(r.available_gib)})",
                              f"- {r.memory.model}：{how} 可以（{gib(r.required_gib)} / {gib(r.available_gib)}）"))
    job = pick(zh, "fine-tune", "微调") if tuning else ""
    lead = pick(zh, f"**Which {fam.title()}? It depends on the size** to {job + ' ' if job else ''}on {where}:",
                f"**要看是哪个尺寸的 {fam.title()}**（{where}{'，' + job if job else ''}）：")
    ask = pick(zh, "Which model and size do you mean, and how long are your training sequences?",
               "你说的是哪个模型、多大尺寸？训练样本多长？") if tuning else \
        pick(zh, "Which model and size do you mean, and for how many users or what context?",
             "你说的是哪个模型、多大尺寸？多少人用、多长上下文？")
    return Reply(lead, ["\n".join(lines), ask])


_CARDS = r"\s*x?\s*(?:gpus?\b|cards?\b|(?:nvidia\s+)?[a-z]{1,4}\s?\d{2,4}[a-z]*)"
MIN_CLAIM = re.compile(rf"\b(?:minimum|at least|min)\W{{0,3}}(?:of\s+)?\d+{_CARDS}|\d+{_CARDS}s?\s+(?:minimum|at least|min)\b|"
                       r"(?:最少|至少|起码|最低)\s*(?:要|需要)?\s*\d+\s*张|\d+\s*张\S{0,8}(?:起步|起)|"
                       rf"(?:\bsaid|\bsays|\btold|\bclaims?|\bheard|\bvendor|\bsales|听说|说|销售).{{0,60}}\bneeds?\s+\d+{_CARDS}|"
                       r"(?:说|听说|销售).{0,30}(?:要|需要)\s*\d+\s*张", re.I)


def fewest_gpus(model: str, gpu: str, precision: str | None = None, counts=(1, 2, 4, 8, 16, 32, 64),
                **fit_args) -> int | None:
    """The fewest of these GPUs, among `counts`, that hold the model in `precision` (its own format when None); None
    when none of them does. A count the layout cannot use is skipped."""
    from tools.errors import AdvisorInputError
    from tools.fit import FitRequest, check_fit

    for n in counts:
        try:
            if check_fit(FitRequest(model=model, gpu=gpu, gpu_count=n, precision=precision, **fit_args)).fits:
                return n
        except AdvisorInputError:
            continue
    return None


def minimum_claim(turn, s: Slots) -> Reply:
    """'The vendor says 70B needs 8x H100 minimum - true?': the fewest of those GPUs that hold it, in its own format and
    in the lighter ones the card runs, against the count claimed."""
    from tools.gpus import get_gpu

    zh, g, claimed = turn.zh, get_gpu(s.gpu), s.count
    formats = [s.precision] if s.precision else [None] + (["fp8"] if g.supports_fp8 else ["int8"]) + ["awq-4bit"]
    fewest = []
    for fmt in formats:
        n = fewest_gpus(s.model, g.id, fmt, context=s.context)
        if n:
            r = turn.call("check_fit", model=s.model, gpu=g.id, gpu_count=n, precision=fmt, context=s.context)
            fewest.append((r.memory.precision, n, r))
    if not fewest:
        return Reply(pick(zh, f"**Not even {claimed}**: it does not fit on up to 64x {g.name} in the formats we size.",
                          f"**{claimed} 张也不够**：最多 64 张 {g.name} 在我们估算的格式下都放不下。"))
    native = fewest[0]
    least = min(fewest, key=lambda x: x[1])
    name = model_label(native[2].memory.model, zh)
    if native[1] < claimed:
        lead = pick(zh, f"**No: {native[1]}x {g.name} hold {name} in {native[0]}**, not {claimed}",
                    f"**不对：{native[1]} 张 {g.name} 就能放下 {name}（{native[0]}）**，不需要 {claimed} 张")
    elif native[1] == claimed:
        lead = pick(zh, f"**In {native[0]}, yes: {claimed}x {g.name} is the fewest that hold {name}**",
                    f"**按 {native[0]} 算没错：{name} 最少要 {claimed} 张 {g.name}**")
    else:
        lead = pick(zh, f"**No, more: {name} in {native[0]} needs {native[1]}x {g.name}**, not {claimed}",
                    f"**不够：{name}（{native[0]}）需要 {native[1]} 张 {g.name}**，不是 {claimed} 张")
    if least[1] < native[1]:
        lead += pick(zh, f"; in {least[0]} {least[1]} do.", f"；{least[0]} 只要 {least[1]} 张。")
    else:
        lead += "." if not zh else "。"
    lines = [pick(zh, f"- {fmt}: {n}x ({gib(r.required_gib)} of {gib(r.available_gib)} per GPU)",
                  f"- {fmt}：{n} 张（每卡 {gib(r.required_gib)} / {gib(r.available_gib)}）") for fmt, n, r in fewest]
    body = [pick(zh, "Fewest GPUs that load it, by format (one user at the context sized; more users need room for "
                     "their KV cache, and more GPUs also run faster):",
                 "按格式列出能放下的最少卡数（按单用户和所列上下文；多用户要给 KV 缓存留空间，卡多也更快）：") + "\n" + "\n".join(lines)]
    return Reply(lead, body)


def family_memory(turn, s: Slots, question: str) -> Reply:
    """'跑 deepseek 要多少显存': a family named without a size or a card: each common size's memory in its own format and at
    4-bit, then one question."""
    from tools.models import find_catalog_id, get_model

    zh = turn.zh
    fam = FAMILY.search(question).group(0).lower()
    lines = []
    for name in FAMILY_SIZES[fam]:
        mid = find_catalog_id(name)
        if not mid:
            continue
        own = turn.call("estimate_memory", model=mid)
        four = turn.call("estimate_memory", model=mid, precision="q4_k_m")
        lines.append(pick(zh, f"- {get_model(mid).name}: {gib(own.per_gpu_gib)} in {own.precision}, {gib(four.per_gpu_gib)} at "
                              "4-bit (Q4_K_M)",
                          f"- {get_model(mid).name}：{own.precision} 约 {gib(own.per_gpu_gib)}，4-bit（Q4_K_M）约 {gib(four.per_gpu_gib)}"))
    shown = {"deepseek": "DeepSeek", "qwen": "Qwen", "llama": "Llama", "phi": "Phi", "gemma": "Gemma"}.get(fam, fam.title())
    lead = pick(zh, f"**It depends on which {shown}**: one user at 8k context needs about",
                f"**要看是哪个 {shown}**：单用户、8k 上下文大约需要")
    ask = pick(zh, "Which model and size, on what GPU, and for how many users?", "具体是哪个模型、多大？用什么卡、几个人用？")
    return Reply(lead, ["\n".join(lines), ask])
