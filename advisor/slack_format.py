"""Answers as Slack messages: mrkdwn text and Block Kit (verdict first, key numbers as fields, a
"show work" section with the tool calls, sources), split within Slack's limits."""

from __future__ import annotations

import json
import re

from .answer import Answer

SECTION_LIMIT = 2900  # a section block's text may be 3000 characters
BLOCK_LIMIT = 48  # a message may carry 50 blocks
MESSAGE_TEXT_LIMIT = 3500  # the notification text; the blocks carry the rest


def to_mrkdwn(text: str) -> str:
    """Markdown -> Slack mrkdwn: **bold** -> *bold*, headings -> bold lines, bullets kept."""
    text = re.sub(r"\*\*(.+?)\*\*", r"*\1*", text)
    text = re.sub(r"^#{1,6}\s*(.+)$", r"*\1*", text, flags=re.M)
    return re.sub(r"^(\s*)[-*] ", r"\1• ", text, flags=re.M)


def split_text(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Pieces under `limit`, cut at paragraph, then line, then word boundaries."""
    pieces, current = [], ""
    for para in text.split("\n\n"):
        candidate = f"{current}\n\n{para}" if current else para
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current)
        while len(para) > limit:
            cut = para.rfind("\n", 0, limit)
            cut = cut if cut > limit // 2 else para.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            pieces.append(para[:cut])
            para = para[cut:].lstrip()
        current = para
    if current:
        pieces.append(current)
    return pieces


def key_fields(answer: Answer) -> list[str]:
    """The numbers worth a glance, straight from the tool results."""
    fields: list[str] = []
    for call in answer.calls:
        r = call.result if isinstance(call.result, dict) else {}
        if call.tool == "check_fit" and r:
            fields += [f"*Fits*\n{'yes' if r.get('fits') else 'no'}", f"*Needs per GPU*\n{r['required_gib']:.1f} GiB",
                       f"*Available per GPU*\n{r['available_gib']:.1f} GiB", f"*GPUs*\n{r['gpu_count']}x {r['gpu']}"]
        elif call.tool == "estimate_memory" and r:
            fields += [f"*Per GPU*\n{r['per_gpu_gib']:.1f} GiB", f"*Weights*\n{r['weights_gib']:.1f} GiB"]
        elif call.tool == "estimate_throughput" and r:
            fields += [f"*Decode*\n{r['decode_tokens_per_s']:.0f} tok/s per stream",
                       f"*First token*\n{r['time_to_first_token_s']:.2f} s"]
        elif call.tool == "estimate_training" and r:
            fields += [f"*Time*\n{r['hours']:,.1f} h", f"*GPU-hours*\n{r['gpu_hours']:,.0f}"]
        elif call.tool == "estimate_cost" and r and r.get("usd") is not None:
            fields += [f"*Cost*\n${r['usd']:,.0f}"]
        if len(fields) >= 4:
            break
    return fields[:10]


def work_lines(answer: Answer, limit: int = 6) -> list[str]:
    lines = []
    for call in answer.calls[:limit]:
        if call.tool == "search_guidance":
            continue
        args = json.dumps(call.args, ensure_ascii=False)
        lines.append(f"• `{call.tool}` `{args[:300]}`" + (f" → {call.error[:200]}" if call.error else ""))
    return lines


def blocks_for(answer: Answer) -> list[list[dict]]:
    """One or more messages' worth of blocks for an answer (more than one only when it is very long)."""
    body = split_text(to_mrkdwn(answer.text))
    blocks: list[dict] = [{"type": "section", "text": {"type": "mrkdwn", "text": body[0]}}]
    fields = key_fields(answer)
    if fields:
        blocks.append({"type": "section", "fields": [{"type": "mrkdwn", "text": f} for f in fields]})
    blocks += [{"type": "section", "text": {"type": "mrkdwn", "text": piece}} for piece in body[1:]]
    for w in answer.warnings:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f":warning: {w[:2900]}"}]})
    work = work_lines(answer)
    if work:
        blocks.append({"type": "divider"})
        blocks += [{"type": "section", "text": {"type": "mrkdwn", "text": piece}}
                   for piece in split_text("*Show work* (every number comes from these tool calls)\n" + "\n".join(work))]
    if answer.sources:
        srcs = "\n".join(f"• {s.citation}" for s in answer.sources)
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"Sources:\n{srcs}"[:2900]}]})
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"_{answer.engine} engine_"}]})
    return [blocks[i: i + BLOCK_LIMIT] for i in range(0, len(blocks), BLOCK_LIMIT)]


def fallback_text(answer: Answer) -> str:
    text = to_mrkdwn(answer.text)
    return text if len(text) <= MESSAGE_TEXT_LIMIT else text[: MESSAGE_TEXT_LIMIT - 1] + "…"
