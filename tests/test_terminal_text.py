"""What the terminal shows (issue 26): `ask` without raw ** markers, `gpus NAME` as readable lines with no raw JSON
and no internal code-index:// links, table cells cut at a word, never mid-word."""

import re

from advisor.cli import main
from advisor.terminal import BOLD, clip, markdown_to_terminal


def test_markdown_is_rendered_bold_in_a_terminal_and_plain_in_a_pipe():
    text = "**No** - see `fit` and [vLLM](https://docs.vllm.ai)\n## Options\n_Assumed 4,096 tokens._"
    plain = markdown_to_terminal(text)
    assert plain == "No - see fit and vLLM (https://docs.vllm.ai)\nOptions\nAssumed 4,096 tokens."
    assert markdown_to_terminal(text, color=True).startswith(f"{BOLD}No")


def test_ask_prints_no_markers(capsys):
    assert main(["ask", "Can I fine-tune 13B with LoRA on one 4090?", "--engine", "offline"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("No - the 16-bit base weights") and "**" not in out


def test_gpus_name_is_readable(capsys):
    assert main(["gpus", "rtx-3090"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("NVIDIA GeForce RTX 3090 24GB (rtx-3090)") and "936 GB/s" in out and "Sources:" in out
    assert "code-index://" not in out and "{" not in out


def test_cuts_end_at_a_word():
    assert clip("GPTQ INT4 g128 raises Llama-2-7B WikiText-2 perplexity", 30) == "GPTQ INT4 g128 raises…"
    assert clip("short", 30) == "short"


def test_quantize_quality_cells_end_at_a_word(capsys):
    from tools.quantization import QuantizationRequest, compare_quantization

    assert main(["quantize", "--model", "llama-2-13b", "--gpu", "rtx-4090"]) == 0
    out = capsys.readouterr().out
    summaries = {o.format: o.quality for o in compare_quantization(QuantizationRequest(model="llama-2-13b")).options}
    for line in out.splitlines():
        fmt = line.split(" ", 1)[0]
        if fmt in summaries and line.endswith("…"):
            shown = re.split(r"\s{2,}", line)[-1].split(": ", 1)[-1].split(") ", 1)[-1][:-1]
            assert " ".join(summaries[fmt].split()).find(shown) >= 0
            rest = summaries[fmt][summaries[fmt].find(shown) + len(shown):]
            assert not rest or not rest[0].isalnum(), (fmt, shown)  # the cut fell between words
