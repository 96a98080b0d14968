"""Text for a terminal: chat markdown rendered (bold in a terminal, plain in a pipe: never raw ** markers), a GPU's
card as readable lines, and cuts that end at a word."""

from __future__ import annotations

import re

BOLD, RESET = "\033[1m", "\033[0m"


def clip(text: str, width: int) -> str:
    """At most `width` characters, cut at a word boundary with an ellipsis (never mid-word)."""
    text = " ".join(str(text).split())
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > width // 2 else cut).rstrip(" ,;:-") + "…"


def markdown_to_terminal(text: str, color: bool = False) -> str:
    """**bold** (and __bold__), `code`, [text](url), '# heading' and whole-line _italics_ as a terminal shows them."""
    on, off = (BOLD, RESET) if color else ("", "")
    out = []
    for line in text.split("\n"):
        heading = re.match(r"^#{1,6}\s+(.*)$", line)
        if heading:
            line = f"{on}{heading.group(1)}{off}"
        italic = re.fullmatch(r"_(.+)_", line.strip())
        if italic:
            line = italic.group(1)
        line = re.sub(r"`([^`]+)`", r"\1", line)
        line = re.sub(r"\[([^\]]+)\]\((https?://[^)\s]+)\)", r"\1 (\2)", line)
        # last: the escape codes hold '[' that the link pattern would take for a link
        line = re.sub(r"\*\*(.+?)\*\*|__(.+?)__", lambda m: f"{on}{m.group(1) or m.group(2)}{off}", line)
        out.append(line)
    return "\n".join(out)


def _source_line(src) -> str:
    where = src.url if src.url.startswith(("http://", "https://")) else "catalog research notes"
    fields = f" [{', '.join(src.fields)}]" if src.fields else ""
    return f"  - {clip(src.title, 110)}{fields}: {where}"


def gpu_text(g) -> str:
    """One GPU as a person reads it: specs with units, then where each figure comes from."""
    def tf(v, unit="TFLOPS"):
        return f"{v:g} {unit}" if v else "-"

    ic = g.interconnect
    rows = [
        f"{g.name} ({g.id})",
        f"  vendor / architecture   {g.vendor} / {g.architecture}" + (f", {g.release_year}" if g.release_year else ""),
        f"  memory                  {g.memory_gib:g} GiB" + (f" ({g.memory_vendor_label})" if g.memory_vendor_label
                                                            else "")
        + (f"; nvidia-smi {g.memory_mib_nvidia_smi:,} MiB" if g.memory_mib_nvidia_smi else ""),
        f"  memory bandwidth        {g.memory_bandwidth_gb_per_s:g} GB/s",
        f"  dense BF16 / FP16       {tf(g.bf16_tflops_dense)} / {tf(g.fp16_tflops_dense)}",
        f"  dense FP8 / FP4         {tf(g.fp8_tflops_dense)} / {tf(g.fp4_tflops_dense)}",
        f"  INT8 / FP32             {tf(g.int8_tops_dense, 'TOPS')} / {tf(g.fp32_tflops)}",
        "  interconnect            " + (f"{ic.type}" + (f", {ic.bandwidth_gb_per_s:g} GB/s" if ic.bandwidth_gb_per_s
                                                      else "") + (f"; {ic.pcie}" if ic.pcie else "") if ic else "-"),
        f"  power / form factor     {f'{g.tdp_w:g} W' if g.tdp_w else '-'} / {g.form_factor or '-'}",
    ]
    if g.gpu_usable_fraction < 1:
        rows.append(f"  usable by the GPU       {g.gpu_usable_fraction:.0%} of memory by default")
    if g.aliases:
        rows.append(f"  also called             {clip(', '.join(g.aliases[:8]), 100)}")
    if g.notes:
        rows.append(f"  notes                   {g.notes}")
    if g.sources:
        rows += ["Sources:"] + [_source_line(s) for s in g.sources]
    return "\n".join(rows)
