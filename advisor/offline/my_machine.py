""""What can I run on my machine?": the ranked list of catalog models for the user's GPUs.

The chat may run on a server: "my machine" is the machine the advisor runs on only when it runs locally
(advisor.machine.is_local: the CLI, or the app bound to loopback). Otherwise the answer asks which GPU the user has,
unless the question names it ("what can I run on my 2x 3090?").
"""

from __future__ import annotations

import re

from .parse import Slots
from .text import Reply, pick

MY_MACHINE = re.compile(r"\b(?:my|our) (?:own )?(?:machine|computer|pc|box|workstation|laptop|mac|rig|desktop|"
                        r"hardware|gpus?|cards?|setup|server)\b|\bthis (?:machine|computer|pc|box|workstation|laptop|mac)\b|"
                        r"\blocally\b|本机|我的(?:机器|电脑|显卡|服务器)|这台(?:机器|电脑)", re.I)
# asking for models, not for a setting ("what batch fits on my 4090?", "what precision should I use?" are not this)
WHAT_RUNS = re.compile(r"\bwhat (?:(?:sizes? of )?(?:llms?|models?)|can (?:i|we) (?:run|fine-?tune|train|load|fit|serve))\b|"
                       r"\bwhich (?:\w+ )?(?:llms?|models?)\b|能跑什么|跑什么|哪些.{0,12}模型|什么模型|能微调什么", re.I)
FAMILIES = ("qwen", "llama", "gemma", "mistral", "deepseek", "phi", "glm", "yi", "internlm", "falcon", "olmo",
            "granite", "smollm", "minicpm", "gpt-oss")
TRAINING = re.compile(r"q?lora|fine-?tun|train|微调|训练", re.I)
MAX_SIZE = re.compile(r"(?:under|below|up to|at most|<=?|smaller than|less than|不超过|小于|以下)\s*(\d+(?:\.\d+)?)\s*b\b"
                      r"|(\d+(?:\.\d+)?)\s*b\s*(?:or (?:less|smaller)|以下|以内)", re.I)
MIN_SIZE = re.compile(r"(?:over|above|at least|>=?|bigger than|larger than|more than|超过|大于|以上)\s*(\d+(?:\.\d+)?)\s*b\b"
                      r"|(\d+(?:\.\d+)?)\s*b\s*(?:or (?:more|bigger|larger)|以上)", re.I)


def _size(pattern: re.Pattern, text: str) -> float | None:
    m = pattern.search(text)
    return float(m.group(1) or m.group(2)) if m else None


def asks_what_runs(question: str, now: Slots) -> bool:
    """'what can I run on my machine?', '我的电脑能跑什么模型' - and no model named (then it is a fit question)."""
    mine = MY_MACHINE.search(question) or (now.gpu and re.search(r"\b(?:my|our)\b|我的", question, re.I))
    # "Qwen models under 15B": the parser reads a model into "Qwen ... 15B"; a size bound names none
    size_filter = bool(MAX_SIZE.search(question) or MIN_SIZE.search(question))
    return bool(mine and WHAT_RUNS.search(question)) and (not now.model or size_filter)


def reply(turn, now: Slots, question: str) -> Reply:
    from advisor.machine import detect_machine, is_local
    from advisor.machine_text import machine_lines, ranking_lines

    zh = turn.zh
    machine = None
    if now.gpu:
        gpu, count = now.gpu, now.count or 1
    elif is_local():
        machine = detect_machine()
        group = machine.group()
        if group is None:
            return Reply(pick(zh, "**I found no GPU of the catalog on this machine.**", "**本机没有找到目录中的 GPU。**"),
                         [_bullets(machine_lines(machine, zh)), _ask_gpu(zh)])
        gpu, count = group
    else:
        return Reply(pick(zh, "**Which GPU do you have?** This chat runs on a server and cannot see your machine.",
                          "**你用的是什么显卡？** 这个聊天运行在服务器上，看不到你的机器。"), [_ask_gpu(zh)])
    lower = question.lower()
    family = next((f for f in FAMILIES if re.search(rf"(?<![a-z]){re.escape(f)}", lower)), None)
    workloads = (["qlora", "lora"] if "qlora" in lower else ["lora", "qlora"]) if TRAINING.search(question) \
        else ["inference"]
    sizes = {"max_params_b": _size(MAX_SIZE, question), "min_params_b": _size(MIN_SIZE, question)}
    results = [turn.call("rank_runnable_models", gpu=gpu, gpu_count=count, workload=w, family=family, limit=10,
                         **sizes) for w in workloads]
    top = results[0].models[0] if results[0].models else None
    where = f"{count}x {results[0].gpu}"
    if top:
        lead = pick(zh, f"**On {where}: {results[0].runnable} catalog models run; the largest is {top.name}.**",
                    f"**{where} 上：目录中有 {results[0].runnable} 个模型能跑，最大的是 {top.name}。**")
    else:
        lead = pick(zh, f"**Nothing in the catalog runs on {where} with these filters.**",
                    f"**按这些条件，目录中没有能在 {where} 上跑的模型。**")
    body = [_bullets(machine_lines(machine, zh))] if machine else []
    for r in results:
        body.append("\n".join(ranking_lines(r, zh, markdown=True)))
    return Reply(lead, body)


def _bullets(lines: list[str]) -> str:
    return "\n".join(f"- {x}" for x in lines)


def _ask_gpu(zh: bool) -> str:
    return pick(zh, "Tell me the GPU and how many, e.g. \"what can I run on 2x RTX 3090?\", or run "
                    "`gpu-advisor detect` on your machine: it reads the GPUs and lists what runs on them.",
                "请告诉我显卡型号和数量，例如“2 张 RTX 3090 能跑什么模型？”，或在你的机器上运行 `gpu-advisor detect`："
                "它会读取显卡并列出能跑的模型。")


def with_local_gpus(slots: Slots, now: Slots, question: str) -> Slots:
    """"Can I run Llama 3 70B on my machine?" on a local run: this machine's GPUs, when the question names none."""
    from dataclasses import replace

    from advisor.machine import detect_machine, is_local

    if now.gpu or not MY_MACHINE.search(question) or not is_local():
        return slots
    group = detect_machine().group()
    if group is None:
        return slots
    gpu, count = group
    return replace(slots, gpu=gpu, gpus=[gpu], counts=[count], count=count, vram_gib=None)
