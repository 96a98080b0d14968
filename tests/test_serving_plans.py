"""Serving plans sized for load, training plans to a deadline, buy vs rent at the stated use, the vLLM KV pool."""

from __future__ import annotations

import json

import pytest

from advisor.cli import main
from tools.cost import CostRequest, estimate_cost
from tools.fit import FitRequest, check_fit
from tools.gpus import get_gpu
from tools.memory import MemoryRequest, estimate_memory
from tools.plan import PlanRequest, recommend_hardware
from tools.throughput import ThroughputRequest, estimate_throughput

KV_70B_PER_TOKEN = 2 * 80 * 8 * 128 * 2  # K and V x 80 layers x 8 KV heads x 128 dims x bf16 bytes


def _cli_json(argv: list[str], capsys) -> dict:
    assert main(argv + ["--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_seventy_b_for_forty_users_at_4k(capsys):
    r = _cli_json(["plan", "--model", "llama-3.1-70b", "--context", "4096", "--concurrency", "40"], capsys)
    best = r["by_cost"][0]
    assert best["engine"] != "llama.cpp" and best["framework"] != "llama.cpp"
    assert best["decode_tokens_per_s"] >= 10  # the default per-user target, stated in the assumptions
    assert any("10 tokens/s per user" in a for a in r["assumptions"])
    assert best["max_concurrent_sequences"] >= 40
    assert best["replicas"] * best["tensor_parallel"] == best["gpu_count"]
    # the pool of every GPU holds its share of the users' 4k sequences (KV heads split over TP)
    users_per_replica = -(-40 // best["replicas"])
    per_gpu_kv_gib = users_per_replica * 4096 * KV_70B_PER_TOKEN / best["tensor_parallel"] / 2**30
    assert best["kv_pool_gib"] >= per_gpu_kv_gib
    assert best["aggregate_tokens_per_s"] == pytest.approx(40 * best["decode_tokens_per_s"], rel=0.01)
    assert best["ttft_s"] > 0 and best["usd_per_hour"] > 0
    assert best["usd_per_million_tokens"] == pytest.approx(
        best["usd_per_hour"] / (best["aggregate_tokens_per_s"] * 3600) * 1e6, rel=0.02)
    assert all(o["engine"] != "llama.cpp" for o in r["options"])


def test_a_single_user_may_run_llama_cpp():
    r = recommend_hardware(PlanRequest(model="llama-3.1-8b", context=4096, gpus=["rtx-4090"]))
    assert any(o.engine == "llama.cpp" for o in r.options)


def test_more_users_need_more_gpus_or_replicas():
    few = recommend_hardware(PlanRequest(model="llama-3.1-8b", context=8192, concurrency=4, gpus=["l4"]))
    many = recommend_hardware(PlanRequest(model="llama-3.1-8b", context=8192, concurrency=200, gpus=["l4"]))
    f = {o.precision: o for o in few.options}
    m = {o.precision: o for o in many.options}
    assert m["bf16"].gpu_count > f["bf16"].gpu_count
    assert m["bf16"].max_concurrent_sequences >= 200


def test_a_stricter_speed_target_costs_more():
    base = recommend_hardware(PlanRequest(model="llama-3.1-70b", context=4096, concurrency=40, gpus=["h100-sxm"]))
    fast = recommend_hardware(PlanRequest(model="llama-3.1-70b", context=4096, concurrency=40, gpus=["h100-sxm"],
                                          target_tokens_per_s=60))
    assert fast.by_cost and all(o.decode_tokens_per_s >= 60 for o in fast.options)
    assert fast.by_cost[0].usd_per_hour > base.by_cost[0].usd_per_hour


def test_gh200_tensor_parallel_is_marked_multi_node_and_consumer_cards_are_marked():
    r = recommend_hardware(PlanRequest(model="llama-3.1-70b", context=4096, concurrency=8,
                                       gpus=["gh200", "rtx-4090"], limit=50))
    for o in r.options:
        assert o.multi_node == (o.gpu_id.startswith("gh200") and o.tensor_parallel > 1)
        assert o.consumer == (o.gpu_id == "rtx-4090")
    assert any(o.multi_node for o in r.options) or all(o.tensor_parallel == 1 for o in r.options
                                                         if o.gpu_id.startswith("gh200"))


def test_plan_table_shows_whole_gpu_names(capsys):
    assert main(["plan", "--model", "llama-3.1-70b", "--context", "4096", "--concurrency", "40",
                 "--gpus", "b200,gh200"]) == 0
    out = capsys.readouterr().out
    for gpu in ("b200", "gh200"):
        assert get_gpu(gpu).name in out


def test_pretraining_to_a_deadline_says_how_many_gpus(capsys):
    r = _cli_json(["plan", "--workload", "pretrain", "--model", "13b", "--tokens", "5e11", "--deadline-days", "30",
                   "--gpus", "a100-80gb-sxm"], capsys)
    assert r["options"]
    o = r["options"][0]
    assert o["days"] <= 30 and o["hours"] <= 30 * 24
    assert o["gpu_count"] > 8 and o["gpu_count"] % 8 == 0 and o["multi_node"]
    assert r["gpus_needed"]["a100-80gb-sxm"] == o["gpu_count"]
    # 6 x 13B x 5e11 FLOPs at <= 60% of 312 TFLOPS per GPU need at least this many GPU-days
    assert o["gpu_count"] * 30 >= 6 * 13e9 * 5e11 / (0.6 * 312e12) / 86400
    assert o["gpu_hours"] == pytest.approx(o["hours"] * o["gpu_count"], rel=0.01)


def test_pretraining_beyond_the_gpu_cap_says_what_would_work():
    r = recommend_hardware(PlanRequest(model="13b", workload="pretrain", tokens=5e11, deadline_days=30,
                                       gpus=["a100-80gb-sxm"], max_gpus=8))
    assert not r.options
    need = r.gpus_needed["a100-80gb-sxm"]
    assert need > 8
    assert any(f"needs about {need:,} GPUs" in n and "8 finish in" in n for n in r.notes)


def test_huge_model_pretraining_uses_tensor_and_pipeline_parallel():
    r = recommend_hardware(PlanRequest(model="llama-3.1-405b", workload="pretrain", tokens=1e12, deadline_days=90,
                                       gpus=["h100-sxm"], context=8192))
    assert r.options
    o = r.options[0]
    assert o.days <= 90 and o.gpu_count % 8 == 0


def test_buying_breaks_even_later_at_fewer_hours_a_day(capsys):
    eight = _cli_json(["cost", "--gpu", "h100-sxm", "--hours-per-day", "8"], capsys)
    full = _cli_json(["cost", "--gpu", "h100-sxm", "--hours-per-day", "24"], capsys)
    assert eight["break_even_months"] > 2.5 * full["break_even_months"]
    assert eight["hours_per_month"] == pytest.approx(full["hours_per_month"] / 3, rel=1e-3)


def test_cost_per_million_tokens_follows_the_utilisation():
    busy = estimate_cost(CostRequest(gpu="h100-sxm", tokens_per_s=1000, hours_per_day=24, usd_per_gpu_hour=2.0))
    part = estimate_cost(CostRequest(gpu="h100-sxm", tokens_per_s=1000, hours_per_day=6, usd_per_gpu_hour=2.0))
    assert busy.usd_per_million_tokens == pytest.approx(2.0 / (1000 * 3600) * 1e6, rel=1e-3)
    assert part.usd_per_million_tokens == pytest.approx(4 * busy.usd_per_million_tokens, rel=1e-3)


def test_power_and_pue_are_inputs():
    a = estimate_cost(CostRequest(gpu="h100-sxm", hours_per_day=24, usd_per_kwh=0.1, power_w=1000, pue=1.0))
    b = estimate_cost(CostRequest(gpu="h100-sxm", hours_per_day=24, usd_per_kwh=0.1, power_w=1000, pue=1.5))
    assert a.power_usd_per_month == pytest.approx(1.0 * 0.1 * 730, rel=1e-3)
    assert b.power_usd_per_month == pytest.approx(1.5 * a.power_usd_per_month, rel=1e-3)


def test_fit_for_pretraining_never_suggests_adapters(capsys):
    r = check_fit(FitRequest(model="13b", gpu="a100-80gb-sxm", gpu_count=8, method="pretrain"))
    assert not r.fits and r.suggestions
    assert not {s.action for s in r.suggestions} & {"lora", "qlora"}
    assert any(s.fits and s.action in ("zero3", "more-gpus", "tensor-parallel") for s in r.suggestions)
    assert main(["fit", "--model", "13b", "--gpu", "a100-80gb-sxm", "--count", "8", "--method", "pretrain"]) == 1  # no fit
    out = capsys.readouterr().out
    assert "pretraining" in out.splitlines()[0] and "fine-tune" not in out.splitlines()[0]
    assert "LoRA" not in out


def test_vllm_pool_takes_out_the_profile_peak_and_grows_with_tensor_parallel():
    one = estimate_memory(MemoryRequest(model="llama-3.1-8b", framework="vllm", gpu="h100-sxm", context=8192))
    budget, weights = 0.9 * 79.647, 8.03e9 * 2 / 2**30
    # less than budget - weights, by more than a GiB (profile peak + CUDA graphs), but most of the rest
    assert 40 < one.kv_pool_gib < budget - weights - 1.0
    assert one.max_concurrent_sequences == int(one.kv_pool_gib * 2**30 // (8192 * 2 * 32 * 8 * 128 * 2))
    big = estimate_memory(MemoryRequest(model="qwen2.5-32b", framework="vllm", gpu="h100-sxm", context=16384))
    assert big.breakdown_gib["activations"] > one.breakdown_gib["activations"]  # grows with the model
    two = estimate_memory(MemoryRequest(model="qwen2.5-32b", framework="vllm", gpu="h100-sxm", context=16384,
                                        gpu_count=2))
    assert two.kv_pool_gib > 4 * big.kv_pool_gib
    fit = check_fit(FitRequest(model="qwen2.5-32b", framework="vllm", gpu="h100-sxm", context=16384))
    assert fit.kv_pool_gib == big.kv_pool_gib and fit.max_concurrent_sequences == big.max_concurrent_sequences
    assert estimate_memory(MemoryRequest(model="llama-3.1-8b", gpu="h100-sxm", framework="transformers")).kv_pool_gib is None


def test_throughput_at_a_concurrency_gives_per_stream_and_total():
    r = estimate_throughput(ThroughputRequest(model="llama-3.1-8b", gpu="h100-sxm", concurrency=16))
    assert r.batch == 16 and r.concurrency == 16
    assert r.aggregate_tokens_per_s == pytest.approx(16 * r.decode_tokens_per_s, rel=0.01)
    one = estimate_throughput(ThroughputRequest(model="llama-3.1-8b", gpu="h100-sxm", concurrency=1))
    assert one.decode_tokens_per_s > r.decode_tokens_per_s and one.aggregate_tokens_per_s < r.aggregate_tokens_per_s


def test_continuous_batching_charges_the_arriving_prompts():
    kw = dict(model="llama-3.1-70b", gpu="h100-sxm", gpu_count=4, concurrency=64, prompt_tokens=3584,
              output_tokens=512)
    static = estimate_throughput(ThroughputRequest(**kw))
    steady = estimate_throughput(ThroughputRequest(continuous_batching=True, **kw))
    assert steady.decode_tokens_per_s < static.decode_tokens_per_s
    assert steady.time_to_first_token_s < static.time_to_first_token_s  # one prompt, not all 64 at once


def test_published_vllm_kv_pools_within_ten_percent_median():
    import statistics

    from bench.cases import CASES

    errors = [abs(c.estimate() / c.measured - 1) for c in CASES if c.group == "vLLM KV pool"]
    assert len(errors) >= 5 and statistics.median(errors) <= 0.10
    serving = [abs(c.estimate() / c.measured - 1) for c in CASES if c.row_id.startswith("nim-")]  # under load
    assert serving and statistics.median(serving) <= 0.25


def test_throughput_cli_takes_users_and_a_steady_load(capsys):
    r = _cli_json(["throughput", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--concurrency", "32",
                   "--continuous-batching", "--prompt-tokens", "2000", "--output-tokens", "500"], capsys)
    assert r["concurrency"] == 32 and r["batch"] == 32
    assert r["aggregate_tokens_per_s"] == pytest.approx(32 * r["decode_tokens_per_s"], rel=0.01)
    assert any("continuous batching" in a for a in r["assumptions"])


def test_plan_and_cost_options_all_have_help():
    from advisor.cli import build_parser

    sub = next(a for a in build_parser()._actions if a.__class__.__name__ == "_SubParsersAction")
    for command in ("plan", "cost"):
        for action in sub.choices[command]._actions:
            if action.dest != "help":
                assert action.help, f"{command} {action.option_strings} has no help text"


def test_a_model_too_big_for_the_cap_says_how_many_gpus_hold_it_and_meet_the_deadline():
    r = recommend_hardware(PlanRequest(model="llama-3.1-405b", workload="pretrain", tokens=2e12, deadline_days=30,
                                       gpus=["h100-sxm"], max_gpus=8))
    assert not r.options
    need = r.gpus_needed["h100-sxm"]
    # 16 bytes of weights, gradients and Adam state per parameter alone exceed 8 x 80 GB
    assert need > 8 and need * 80e9 > 16 * 405e9
    assert any("needs at least" in n and f"{need:,} to finish in 30 days" in n for n in r.notes)


def test_serving_plan_offers_the_native_format_the_weights_ship_in():
    """gpt-oss ships in MXFP4: plans serve the released checkpoint where a kernel runs it (FP4 tensor cores, or
    vLLM's weight-only kernels on Ampere+), not only bf16/fp8/AWQ re-quantizations; Turing (T4) has no such kernel."""
    r = recommend_hardware(PlanRequest(model="gpt-oss-120b", concurrency=8, limit=100))
    by_gpu = {}
    for o in r.options:
        by_gpu.setdefault(o.gpu, set()).add(o.precision)
    assert "mxfp4" in by_gpu[get_gpu("h100-sxm").name]
    assert "mxfp4" in by_gpu[get_gpu("b200").name]
    assert "mxfp4" not in by_gpu.get(get_gpu("t4").name, set())
    llama = recommend_hardware(PlanRequest(model="llama-3.1-8b", concurrency=8, limit=100))
    assert {o.precision for o in llama.options} <= {"bf16", "fp8", "awq-4bit"}


def test_a_checkpoint_released_in_4_bits_is_not_requantized_to_awq():
    """gpt-oss ships in MXFP4: its serving options are MXFP4 and its 8/16-bit copies, never AWQ 4-bit."""
    from tools import search
    from tools.plan import _serve_precisions

    assert _serve_precisions("mxfp4") == ("mxfp4", "bf16", "fp8")
    assert "awq-4bit" in _serve_precisions("bf16")
    cap = search.max_users(model="gpt-oss-120b", gpu="h100-sxm", gpu_count=1, target_tokens_per_s=20)
    assert cap["by_format"][0]["precision"] == "mxfp4"
    assert "awq-4bit" not in {r["precision"] for r in cap["by_format"]}
