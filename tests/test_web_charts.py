"""The charts under "show work": one only when there is something to draw, titles that wrap between
words, no label drawn on top of a line, training time and cost by GPU count from the calculator."""

import pytest

import app
from advisor.charts import TITLE_CHARS, chart_for
from advisor.core import Advisor


@pytest.fixture(scope="module")
def advisor():
    return Advisor(engine="offline", quick_start=True)


def _titles(fig):
    return [line for ax in fig.axes for line in ax.get_title().splitlines()]


def test_a_concept_answer_draws_no_chart_and_the_box_is_hidden(advisor):
    answer = advisor.ask("What does ZeRO-3 shard?")
    assert chart_for(answer) is None
    update = app._chart(answer)
    assert update["visible"] is False and update["value"] is None


def test_the_fit_chart_names_the_usable_memory_in_its_legend_not_on_its_line(advisor):
    answer = advisor.ask("Can I fine-tune a 13B model with LoRA on one 4090?")
    fig = chart_for(answer)
    ax = fig.axes[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    fit = next(c.result for c in answer.calls if c.tool == "check_fit")
    assert f"usable on the GPU: {fit['available_gib']:.1f} GiB" in legend and "weights" in legend
    assert not ax.texts  # nothing written over the bars or the dashed line
    assert app._chart(answer)["visible"] is True


def test_titles_wrap_between_words(advisor):
    for question in ("Can I fine-tune a 13B model with LoRA on one 4090?",
                     "How long and how much to pretrain a 7B model on 1T tokens with 256 H100s?",
                     "Compare quantization options for Llama 3 70B on two 4090s"):
        fig = chart_for(advisor.ask(question))
        lines = _titles(fig)
        assert 1 <= len(lines) <= 2 and all(len(line) <= TITLE_CHARS for line in lines), lines
        title = " ".join(lines)
        assert title.count("(") == title.count(")") and "..." not in title, lines  # no name cut short


def test_a_training_answer_charts_time_and_cost_by_gpu_count(advisor):
    answer = advisor.ask("How long and how much to pretrain a 7B model on 1T tokens with 256 H100s?")
    train = next(c for c in answer.calls if c.tool == "estimate_training")
    price = next(c.result["usd_per_gpu_hour"] for c in answer.calls if c.tool == "estimate_cost")
    fig = chart_for(answer)
    ax = fig.axes[0]
    counts = [t.get_text().replace(",", "") for t in ax.get_xticklabels()]
    assert counts == ["64", "128", "256", "512", "1024"]
    bars = ax.patches
    asked = bars[counts.index("256")]
    assert asked.get_height() == pytest.approx(train.result["hours"] / 24)  # the answer's own figure
    assert all(a.get_height() > b.get_height() for a, b in zip(bars, bars[1:], strict=False))  # more GPUs, fewer days
    notes = [t.get_text() for t in ax.texts]
    assert len(notes) == 5 and all(n.startswith("$") for n in notes)
    assert f"${price:.2f}/GPU-hour" in ax.get_title().replace("\n", " ")


def test_a_speed_comparison_draws_one_bar_per_configuration(advisor):
    answer = advisor.ask("Compare H100 and A100 for serving Llama 3 70B")
    speeds = [c.result["decode_tokens_per_s"] for c in answer.calls if c.tool == "estimate_throughput"]
    fig = chart_for(answer)
    assert sorted(p.get_width() for p in fig.axes[0].patches) == pytest.approx(sorted(speeds))


def test_a_line_after_a_list_starts_its_own_paragraph():
    text = "Options:\n- 2x A100\n- 1x H200\nFastest: 1x H200\n\n1. one\n   more\nEnd"
    out = app.readable(text)
    assert "- 1x H200\n\nFastest: 1x H200" in out and "   more\n\nEnd" in out
    assert app.readable("- a\n- b") == "- a\n- b"
