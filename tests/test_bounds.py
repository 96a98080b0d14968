"""Degenerate numbers never reach an answer: each case from the "slow and degenerate inputs" review
(issue 15) exits 2 with one short line, fast, and never prints inf/NaN or a runaway figure."""

import json
import re
import time

import pytest

from advisor.cli import main
from tools.base import MAX_ANY_NUMBER, short_number
from tools.cost import CostRequest
from tools.errors import AdvisorInputError
from tools.plan import PlanRequest
from tools.training import TrainingRequest

LLAMA_LIKE = {"model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32,
              "num_key_value_heads": 8, "intermediate_size": 11008, "vocab_size": 32000,
              "max_position_embeddings": 4096}


def _cli(argv, capsys):
    start = time.perf_counter()
    code = main(argv)
    seconds = time.perf_counter() - start
    out = capsys.readouterr()
    return code, out.out, out.err, seconds


def _config(tmp_path, **changes) -> str:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(LLAMA_LIKE | changes))
    return str(path)


@pytest.mark.parametrize("argv, message", [
    (["train", "--model", "mixtral-8x7b", "--tokens", "1e-320"], "--tokens must be at least 1 (got 1e-320)"),
    (["train", "--model", "llama-2-7b", "--tokens", "inf"], "--tokens must be a finite number (got inf)"),
    (["train", "--model", "llama-2-7b", "--tokens", "nan"], "--tokens must be a finite number (got nan)"),
    (["train", "--model", "llama-2-7b", "--tokens", "1e308"], "(got 1e+308)"),
    (["cost", "--gpu", "h100-sxm", "--hours", "inf"], "--hours must be a finite number (got inf)"),
    (["cost", "--gpu", "h100-sxm", "--hours", "1e308", "--tokens-per-s", "1e-320"], "(got 1e+308)"),
    (["cost", "--gpu", "h100-sxm", "--hours", "10", "--tokens-per-s", "1e-320"], "(got 1e-320)"),
    (["cost", "--gpu", "h100-sxm", "--purchase-usd", "1e308"], "(got 1e+308)"),
    (["cost", "--gpu", "h100-sxm", "--hours", "5", "--usd-per-gpu-hour=-inf"], "(got -inf)"),
    (["fit", "--model", "llama-2-7b", "--gpu", "h100-sxm", "--batch", "1" + "0" * 38], "(got 1e+38)"),
    (["throughput", "--model", "llama-2-7b", "--gpu", "h100-sxm", "--prompt-tokens", "1" + "0" * 20],
     "(got 1e+20)"),
    (["plan", "--model", "llama-2-7b", "--concurrency", "1" + "0" * 38], "(got 1e+38)"),
    (["plan", "--model", "7B", "--workload", "pretrain", "--tokens", "1e12", "--deadline-days", "1e-300"],
     "(got 1e-300)"),
])
def test_absurd_numbers_exit_2_with_a_short_message(argv, message, capsys):
    code, out, err, seconds = _cli(argv, capsys)
    assert code == 2, (out, err)
    assert message in err and err.count("\n") == 1
    assert not re.search(r"\d{16,}", err)  # never a 40-digit wall
    assert seconds < 5


def test_zero_layer_config_is_refused_in_fit_zero3_and_quantize(tmp_path, capsys):
    path = _config(tmp_path, num_hidden_layers=0)
    for argv in (["fit", "--model", path, "--gpu", "h100-sxm", "--method", "full", "--count", "8",
                  "--sharding", "zero3"], ["quantize", "--model", path]):
        code, _, err, _ = _cli(argv, capsys)
        assert code == 2 and "num_hidden_layers=0" in err


@pytest.mark.parametrize("changes, field", [
    (dict(num_hidden_layers=10**9), "num_hidden_layers=1e+09"),
    (dict(hidden_size=10**12, intermediate_size=10**12), "hidden_size=1e+12"),
    (dict(vocab_size=10**15), "vocab_size=1e+15"),
    (dict(num_local_experts=10**9, num_experts_per_tok=2), "num_experts=1e+09"),
    (dict(num_key_value_heads=64), "KV heads cannot outnumber"),
])
def test_enormous_config_dimensions_are_refused_at_once(tmp_path, capsys, changes, field):
    path = _config(tmp_path, **changes)
    code, out, err, seconds = _cli(["quantize", "--model", path], capsys)
    assert code == 2 and field in err, err
    assert seconds < 5


@pytest.mark.parametrize("value, shown", [(10**38, "1e+38"), (10**400, "a number over 1e308"),
                                          (float("inf"), "inf"), (1e-320, "1e-320"), (4096, "4096"),
                                          (2.5, "2.5"), ("x" * 100, "'" + "x" * 36 + "...")])
def test_error_messages_cut_long_numbers(value, shown):
    assert short_number(value) == shown


def test_requests_refuse_numbers_beyond_their_bounds():
    with pytest.raises(AdvisorInputError, match=r"at most 1e\+15 \(got 1e\+16\)"):
        TrainingRequest(model="7B", tokens=1e16)
    with pytest.raises(AdvisorInputError, match=r"--gpu-hours must be at most 1e\+10 \(got 1e\+11\)"):
        CostRequest(gpu="h100-sxm", gpu_hours=1e11)
    with pytest.raises(AdvisorInputError, match="got 1e\\+38"):
        PlanRequest(model="7B", concurrency=10**38)
    with pytest.raises(AdvisorInputError, match="finite"):
        CostRequest(gpu="h100-sxm", gpu_hours=float("nan"))
    assert MAX_ANY_NUMBER == 1e15


def test_extreme_but_valid_inputs_give_finite_figures(capsys):
    code, out, err, _ = _cli(["cost", "--gpu", "h100-sxm", "--count", "1000000", "--hours", "1000000",
                              "--tokens-per-s", "0.001", "--utilization", "0.01", "--json"], capsys)
    assert code == 0, err
    r = json.loads(out)
    for key in ("usd", "usd_per_hour", "usd_per_million_tokens"):
        assert r[key] is not None and 0 < r[key] < 1e20
    assert "inf" not in out.lower().replace("info", "")


def test_fields_without_their_own_bound_get_the_global_ones():
    from tools.base import check, record, spec

    @record
    class Probe:
        n: float = spec(1.0, "a positive number", gt=0)

        def __post_init__(self) -> None:
            check(self)

    assert Probe(n=1e14).n == 1e14
    with pytest.raises(AdvisorInputError, match=r"--n must be at most 1e\+15 \(got 1e\+16\)"):
        Probe(n=1e16)
    with pytest.raises(AdvisorInputError, match=r"--n must be a positive number of sensible size \(got 1e-300\)"):
        Probe(n=1e-300)
    with pytest.raises(AdvisorInputError, match="finite"):
        Probe(n=float("-inf"))


@pytest.mark.parametrize("question, shown", [
    ("Can I run Llama 3 8B on 1e308 H100s?", "1e+308"),
    ("Serve Llama 3 70B to 100000000000000000000000000000000000000 users on H100s", "1e+38"),
    ("pretrain 7B on 1,000,000,000,000,000,000 tokens", "1e+18"),
])
def test_questions_with_absurd_numbers_are_refused_not_misread(question, shown):
    from advisor.core import Advisor

    answer = Advisor(engine="offline", quick_start=True).ask(question)
    assert answer.calls == [] and f"That number ({shown})" in answer.text  # never "308 GPUs"


def test_text_inputs_are_bounded_before_any_engine_sees_them():
    from advisor.core import MAX_HISTORY_TURNS, MAX_TURN_CHARS, bound_history, bound_text

    text = bound_text("run " + "1" * 10_000 + " users on 1,000,000 tokens", 4000)
    assert text == "run " + "1" * 20 + " users on 1,000,000 tokens"  # the run cut, the rest kept
    history = bound_history(["x" * 50_000] * 100 + [None, 5, {"role": "user", "content": ["not text"]}])
    assert len(history) <= MAX_HISTORY_TURNS and all(len(t["content"]) <= MAX_TURN_CHARS for t in history)
    assert bound_history("not a list") == [] and bound_history({"role": "user"}) == []
