"""A format list speaks the asker's language: a Chinese answer printed the quality classes in English
("; negligible", "; moderate"), and both format lists (answers_misc, answers_serve) built the line separately."""

from advisor import Advisor

QUALITY_WORDS = ("negligible", "moderate", "large", "small")


def _format_lines(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if "bits/w" in ln]


def test_a_chinese_format_list_names_quality_in_chinese():
    a = Advisor().ask("一张 4090 跑 Qwen2.5-14B，用什么量化格式最好？")
    lines = _format_lines(a.text)
    assert lines, a.text
    assert all("质量：" in ln for ln in lines)
    assert not any(w in ln for ln in lines for w in QUALITY_WORDS), lines


def test_an_english_format_list_says_quality():
    a = Advisor().ask("Which quantization format is best for Qwen2.5-14B on one RTX 4090?")
    lines = _format_lines(a.text)
    assert lines and all("quality: " in ln for ln in lines), a.text
