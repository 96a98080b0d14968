"""Property tests: random valid and hostile numbers into every calculator, every CLI command's numeric
options and a config.json's fields. Each input either gets a one-line fix-it error (AdvisorInputError,
CLI exit 2) or an answer whose figures are finite, non-negative where they are sizes, money or time,
and computed quickly. Kept small (max_examples) so the suite stays fast."""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.cli import build_parser, main
from tools.errors import AdvisorInputError

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.function_scoped_fixture])
SECONDS = 5.0  # per call; the calculators take milliseconds

# the numbers a person, a typo or an attacker sends
NUMBERS = st.one_of(
    st.integers(min_value=-10, max_value=70_000),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=1e-6, max_value=1e6),
    st.sampled_from([0, 1, 2, 8, 1e-320, 5e-324, 1e308, -0.0, 2**31, 2**63, 10**400]),
)
SIZE_KEYS = re.compile(r"gib|_gb|usd|hours|days|months|seconds|_s$|_per_s|bytes|tokens|flops|params")


def _walk(value, key=""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, str(k))
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _walk(v, key)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield key, value


def assert_sane(result) -> None:
    data = dataclasses.asdict(result) if dataclasses.is_dataclass(result) else result
    for key, value in _walk(data):
        assert math.isfinite(value), f"{key} = {value}"
        if SIZE_KEYS.search(key) and "headroom" not in key and "short" not in key and "delta" not in key:
            assert value >= 0, f"{key} = {value}"


def _call(fn, request_cls, **fields):
    start = time.perf_counter()
    try:
        result = fn(request_cls(**fields))
    except AdvisorInputError as exc:
        assert len(str(exc)) < 400 and "\n" not in str(exc).strip()
        assert not re.search(r"\d{17,}", str(exc)), str(exc)  # long numbers are cut
        return None
    assert time.perf_counter() - start < SECONDS
    assert_sane(result)
    return result


MODELS = st.sampled_from(["llama-3.1-8b", "mixtral-8x7b", "qwen2.5-72b", "deepseek-v3", "13B", "gpt-oss-20b"])
GPUS = st.sampled_from(["rtx-4090", "h100-sxm", "a100-80gb", "l40s", "mi300x"])


@FAST
@given(model=MODELS, gpu=GPUS, count=NUMBERS, context=NUMBERS, batch=NUMBERS, util=NUMBERS, rank=NUMBERS,
       workload=st.sampled_from(["inference", "training"]), sharding=st.sampled_from(["none", "zero3"]))
def test_fit_and_memory(model, gpu, count, context, batch, util, rank, workload, sharding):
    from tools.fit import FitRequest, check_fit
    from tools.memory import MemoryRequest, estimate_memory

    fields = dict(model=model, gpu=gpu, gpu_count=count, context=context, batch=batch, gpu_memory_utilization=util,
                  lora_rank=rank, workload=workload, sharding=sharding)
    _call(check_fit, FitRequest, **fields)
    _call(estimate_memory, MemoryRequest, **fields)


@FAST
@given(model=MODELS, gpu=GPUS, count=NUMBERS, batch=NUMBERS, prompt=NUMBERS, output=NUMBERS, offload=NUMBERS,
       bandwidth=NUMBERS, eff=NUMBERS)
def test_throughput(model, gpu, count, batch, prompt, output, offload, bandwidth, eff):
    from tools.throughput import ThroughputRequest, estimate_throughput

    _call(estimate_throughput, ThroughputRequest, model=model, gpu=gpu, gpu_count=count, batch=batch,
          prompt_tokens=prompt, output_tokens=output, cpu_offload_fraction=offload,
          cpu_bandwidth_gb_per_s=bandwidth, bandwidth_efficiency=eff)


@FAST
@given(model=MODELS, gpu=GPUS, tokens=NUMBERS, count=NUMBERS, seq=NUMBERS, mfu=NUMBERS)
def test_training(model, gpu, tokens, count, seq, mfu):
    from tools.training import TrainingRequest, estimate_training

    _call(estimate_training, TrainingRequest, model=model, gpu=gpu, tokens=tokens, gpu_count=count,
          sequence_length=seq, mfu=mfu)


@FAST
@given(gpu=GPUS, count=NUMBERS, hours=NUMBERS, gpu_hours=NUMBERS, tps=NUMBERS, util=NUMBERS, rate=NUMBERS,
       buy=NUMBERS, per_month=NUMBERS, kwh=NUMBERS)
def test_cost(gpu, count, hours, gpu_hours, tps, util, rate, buy, per_month, kwh):
    from tools.cost import CostRequest, estimate_cost

    r = _call(estimate_cost, CostRequest, gpu=gpu, gpu_count=count, hours=hours, gpu_hours=gpu_hours,
              tokens_per_s=tps, utilization=util, usd_per_gpu_hour=rate, purchase_usd_per_gpu=buy,
              hours_per_month=per_month, usd_per_kwh=kwh)
    if r is not None and r.usd is not None:
        assert r.usd < 1e20


@FAST
@given(model=MODELS, context=NUMBERS, concurrency=NUMBERS, target=NUMBERS, max_gpus=st.integers(-5, 64),
       limit=NUMBERS, workload=st.sampled_from(["inference", "finetune"]))
def test_plan(model, context, concurrency, target, max_gpus, limit, workload):
    from tools.plan import PlanRequest, recommend_hardware

    _call(recommend_hardware, PlanRequest, model=model, context=context, concurrency=concurrency,
          target_tokens_per_s=target, max_gpus=max_gpus, limit=limit, workload=workload)


@FAST
@given(model=MODELS, gpu=GPUS, count=NUMBERS, context=NUMBERS, batch=NUMBERS)
def test_quantization(model, gpu, count, context, batch):
    from tools.quantization import QuantizationRequest, compare_quantization

    _call(compare_quantization, QuantizationRequest, model=model, gpu=gpu, gpu_count=count, context=context,
          batch=batch)


# --- the CLI: every command's numeric options, read from the parser itself ---------------------------

BASE_ARGS = {"fit": ["--model", "llama-3.1-8b", "--gpu", "rtx-4090"], "memory": ["--model", "llama-3.1-8b"],
             "throughput": ["--model", "llama-3.1-8b", "--gpu", "h100-sxm"],
             "train": ["--model", "7B", "--tokens", "1e9"], "cost": ["--gpu", "h100-sxm", "--hours", "10"],
             "quantize": ["--model", "llama-3.1-8b", "--gpu", "rtx-4090"], "plan": ["--model", "llama-3.1-8b"]}


def _numeric_options() -> list[tuple[str, str]]:
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    out = []
    for command in BASE_ARGS:
        for action in sub.choices[command]._actions:
            if action.type in (int, float) and action.option_strings:
                flag = max(action.option_strings, key=len)
                out.append((command, flag))
    return out


NUMERIC_OPTIONS = _numeric_options()


def _clean_exit(code: int, out) -> bool:
    """0 (an answer), 2 (a fix-it message), or 1 from `fit` for "does not fit" - never an internal error."""
    return "internal error" not in out.err and "Traceback" not in out.err and code in (0, 1, 2)
FIGURE = re.compile(r"(?<![\w.])\$?(\d[\d,]*\.?\d*(?:e[+-]?\d+)?)")


def test_the_cli_has_numeric_options_to_test():
    assert len(NUMERIC_OPTIONS) >= 20 and ("train", "--tokens") in NUMERIC_OPTIONS


@pytest.mark.parametrize("command, flag", NUMERIC_OPTIONS)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=NUMBERS)
def test_every_cli_numeric_option(command, flag, value, capsys):
    text = repr(value) if isinstance(value, float) else str(value)
    argv = [command, *BASE_ARGS[command], f"{flag}={text}"]
    start = time.perf_counter()
    code = main(argv)
    seconds = time.perf_counter() - start
    out = capsys.readouterr()
    assert _clean_exit(code, out), (argv, out.err[-500:])
    assert seconds < SECONDS, argv
    if code == 2:
        assert out.err.count("\n") == 1 and not re.search(r"\d{17,}", out.err), out.err
        return
    lowered = out.out.lower()
    assert not re.search(r"\b(inf|nan)\b", lowered), (argv, out.out[:500])
    for m in FIGURE.finditer(out.out):
        number = float(m.group(1).replace(",", "").rstrip(".") or 0)
        if "e" not in m.group(1):  # FLOPs are printed in scientific notation and may be large
            assert number <= 1e15, (argv, m.group(0))


# --- config.json fields ----------------------------------------------------------------------------

BASE_CONFIG = {"model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32,
               "num_key_value_heads": 8, "intermediate_size": 11008, "vocab_size": 32000,
               "max_position_embeddings": 4096}
CONFIG_VALUES = st.one_of(NUMBERS, st.none(), st.text(max_size=5), st.booleans(), st.lists(st.integers(), max_size=3))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.dictionaries(st.sampled_from([*BASE_CONFIG.keys(), "head_dim", "num_local_experts",
                                                "num_experts_per_tok", "sliding_window", "kv_lora_rank",
                                                "moe_intermediate_size", "tie_word_embeddings"]),
                               CONFIG_VALUES, max_size=3))
def test_config_json_fields(tmp_path_factory, changes, capsys):
    path = tmp_path_factory.mktemp("cfg") / "config.json"
    path.write_text(json.dumps(BASE_CONFIG | changes, default=str))
    for argv in (["quantize", "--model", str(path), "--gpu", "h100-sxm"],
                 ["fit", "--model", str(path), "--gpu", "h100-sxm", "--method", "full", "--count", "8",
                  "--sharding", "zero3"]):
        start = time.perf_counter()
        code = main(argv)
        out = capsys.readouterr()
        assert _clean_exit(code, out), (changes, out.err[-500:])
        assert time.perf_counter() - start < SECONDS, changes
        assert not re.search(r"\b(inf|nan)\b", out.out.lower()), (changes, out.out[:300])
