"""The routing of the older asks is data (advisor/offline/asks.py): every row carries an example, and that example
must be decided by that row. A row whose example no longer reaches it is dead or shadowed by a row above it."""

import pytest

from advisor.offline import asks
from advisor.offline.parse import parse


def _route(example: str, after: tuple[str, ...] = ()) -> tuple[list[str], list[str]]:
    now = parse(example)
    trace: list[str] = []
    return asks.detect(example, now, now, list(after) or None, trace), trace


def _name(step) -> str:
    return step.name if hasattr(step, "name") else f"{step.loser}<{'|'.join(step.winners) or 'rule'}"


@pytest.mark.parametrize("row", asks.SITUATIONS, ids=lambda r: r.name)
def test_each_situation_decides_its_own_example(row):
    got, trace = _route(row.example, row.after)
    assert trace[-1] == row.name, (row.example, trace)
    assert got and all(a in asks.PATTERNS or a in {"local_path", "problem", "gpu_specs", "sharding", "budget", "value",
                                                    "compare", "unknown"} for a in got)


@pytest.mark.parametrize("row", asks.FALLBACKS, ids=lambda r: r.name)
def test_each_fallback_decides_its_own_example(row):
    _, trace = _route(row.example, row.after)
    assert trace[-1] == row.name, (row.example, trace)


@pytest.mark.parametrize("step", asks.ADJUSTMENTS, ids=_name)
def test_each_adjustment_applies_to_its_own_example(step):
    _, trace = _route(step.example)
    assert _name(step) in trace, (step.example, trace)


def test_every_condition_is_a_known_test():
    reading = asks._Reading("", [], parse(""), parse(""), [])
    rows = [*asks.SITUATIONS, *asks.FALLBACKS, *asks.ADJUSTMENTS, asks.TARGET_IS_NOT_ASKED]
    for row in rows:
        for test in (*row.when, *getattr(row, "unless", ())):
            asks._holds(test, reading)  # raises KeyError on a name nobody defined


def test_a_conflict_is_explained_in_the_trace():
    got, trace = _route("we need Llama 3.1 70B served to 40 users at 8k: rent or buy 2 H100s, and what does it cost?")
    assert "cost" not in got and "cost<buy_rent" in trace


@pytest.mark.parametrize("row", asks.OVERRIDES, ids=lambda r: r.name)
def test_each_override_applies_to_its_own_example(row):
    example = row.example.split(" (")[0]
    now = parse(example)
    # "该选哪个" is asked after full fine-tuning and LoRA were sized: the conversation said the training run
    merged = now.merged_over(parse("full fine-tune or LoRA for Llama 3 8B?")) if row.name == "choose_method" else now
    trace: list[str] = []
    got = asks.detect(example, now, merged, None, trace, overrides=True)
    assert trace[-1] == row.name and got == list(row.asks), (example, trace, got)


def test_overrides_are_read_only_for_the_turns_own_answer():
    now = parse("Llama 3 8B 在 4090 上会不会爆显存？")
    assert asks.detect("Llama 3 8B 在 4090 上会不会爆显存？", now, now, None) == ["memory"]
