"""Text for "this machine": the detected GPUs and what runs on them (CLI plain text; chat and app markdown).

One function builds the rows, so the CLI, the chat and the app print the same figures.
"""

from __future__ import annotations

from tools.detect import Machine
from tools.runnable import RunnableRequest, RunnableResult, rank_runnable

WORKLOADS = ("inference", "lora", "qlora")
TITLES = {"inference": ("Inference", "推理"), "lora": ("LoRA fine-tuning (bf16 base)", "LoRA 微调（bf16 底座）"),
          "qlora": ("QLoRA fine-tuning (4-bit NF4 base)", "QLoRA 微调（4-bit NF4 底座）")}


def machine_lines(machine: Machine, zh: bool = False) -> list[str]:
    if not machine.gpus:
        return list(machine.notes)
    lines = []
    for g in machine.gpus:
        where = (f"catalog: {g.catalog_id}" if not zh else f"目录：{g.catalog_id}") if g.catalog_id else \
            ("not in the catalog" if not zh else "不在目录中")
        lines.append(f"GPU {g.index}: {g.name}, {g.memory_mib:,} MiB ({where})")
    lines += [g.note for g in machine.gpus if g.note]
    lines.append(("Read with " if not zh else "读取自 ") + machine.source)
    return lines + list(machine.notes)


def rankings(gpu: str, count: int, workloads=WORKLOADS, **filters) -> list[RunnableResult]:
    return [rank_runnable(RunnableRequest(gpu=gpu, gpu_count=count, workload=w, **filters)) for w in workloads]


def _row(i: int, m, workload: str, zh: bool) -> str:
    if workload == "inference":
        ctx = f"{m.max_context:,}" if m.max_context else "-"
        return (f"{i}. {m.name} ({m.params_b:g}B): {m.format} ({m.quality_impact} loss), "
                f"{m.required_gib:.1f} of {m.available_gib:.1f} GiB per GPU, up to {ctx} tokens, "
                f"{m.decode_tokens_per_s:g} tokens/s" if not zh else
                f"{i}. {m.name}（{m.params_b:g}B）：{m.format}（质量损失 {m.quality_impact}），每卡 "
                f"{m.required_gib:.1f}/{m.available_gib:.1f} GiB，最长 {ctx} tokens，{m.decode_tokens_per_s:g} tokens/s")
    shard = "" if m.sharding == "none" else (f", {m.sharding}" if not zh else f"，{m.sharding}")
    return (f"{i}. {m.name} ({m.params_b:g}B): {m.required_gib:.1f} of {m.available_gib:.1f} GiB per GPU{shard}"
            if not zh else f"{i}. {m.name}（{m.params_b:g}B）：每卡 {m.required_gib:.1f}/{m.available_gib:.1f} GiB{shard}")


def ranking_lines(r: RunnableResult, zh: bool = False, markdown: bool = False) -> list[str]:
    title = TITLES[r.workload][1 if zh else 0]
    head = (f"{title} on {r.gpu_count}x {r.gpu}: {r.runnable} of {r.considered} catalog models run"
            if not zh else f"{title}（{r.gpu_count}x {r.gpu}）：目录中 {r.considered} 个模型里 {r.runnable} 个能跑")
    lines = [f"**{head}**" if markdown else head]
    lines += [_row(i, m, r.workload, zh) for i, m in enumerate(r.models, 1)]
    if not r.models:
        lines.append("Nothing in the catalog fits with these filters." if not zh else "按这些条件，目录中没有放得下的模型。")
    lines += [f"_{n}_" if markdown else f"   {n}" for n in r.notes]
    return lines


def what_runs_text(machine: Machine | None, results: list[RunnableResult], zh: bool = False,
                   markdown: bool = False) -> str:
    parts = []
    if machine is not None:
        head = "This machine" if not zh else "本机"
        parts.append("\n".join([f"**{head}**" if markdown else head + ":",
                                *(("- " if markdown else "  ") + x for x in machine_lines(machine, zh))]))
    for r in results:
        parts.append("\n".join(ranking_lines(r, zh, markdown)))
    return "\n\n".join(parts)
