"""Cost, quantization comparison and hardware plans."""


import pytest

from tools.cost import PUE, CostRequest, estimate_cost
from tools.errors import AdvisorInputError
from tools.guide import hardware_guide
from tools.plan import PlanRequest, recommend_hardware
from tools.prices import gpu_prices
from tools.quantization import QuantizationRequest, compare_quantization


def test_every_price_is_dated_and_sourced():
    from tools.catalog_io import load_json
    from tools.gpus import get_gpu

    for gpu_id, entry in load_json("prices.json")["gpus"].items():
        get_gpu(gpu_id)  # keys are catalog ids
        for r in entry.get("rent", []):
            assert r["source"] and r["date"] and r["provider"] and r["usd_per_gpu_hour"] > 0
        for p in entry.get("purchase", []):
            assert p["source"] and p["date"] and p["usd"] > 0


def test_run_cost_is_gpu_hours_times_rate():
    r = estimate_cost(CostRequest(gpu="h100-sxm", gpu_count=8, hours=10, usd_per_gpu_hour=2.5))
    assert r.usd == 200.0 and r.usd_per_hour == 20.0


def test_serving_cost_per_million_tokens():
    r = estimate_cost(CostRequest(gpu="h100-sxm", tokens_per_s=1000, utilization=0.5, usd_per_gpu_hour=3.6))
    assert r.usd_per_million_tokens == pytest.approx(3.6 / (1000 * 0.5 * 3600) * 1e6, rel=1e-3)  # $2.00


def test_buy_vs_rent_break_even():
    r = estimate_cost(CostRequest(gpu="rtx-4090", hours=1, usd_per_gpu_hour=0.5, purchase_usd_per_gpu=1600,
                                  hours_per_month=300, usd_per_kwh=0.2))
    power = 0.45 * PUE * 0.2 * 300
    assert r.power_usd_per_month == pytest.approx(power, rel=1e-3)
    assert r.break_even_months == pytest.approx(1600 / (0.5 * 300 - power), abs=0.1)


def test_reference_price_is_the_median_on_demand_offer():
    p = gpu_prices("h100-sxm")
    assert p.on_demand_usd_per_hour and p.cheapest_usd_per_hour <= p.on_demand_usd_per_hour


def test_cost_needs_something_to_price():
    with pytest.raises(AdvisorInputError, match="--hours"):
        estimate_cost(CostRequest(gpu="t4"))


def test_70b_at_4bit_is_about_35_to_40_gb_not_17_5():
    r = compare_quantization(QuantizationRequest(model="llama-3-70b"))
    by = {o.format: o for o in r.options}
    assert 35 <= by["awq-4bit"].weights_gb <= 41
    assert by["bf16"].weights_gb / by["awq-4bit"].weights_gb == pytest.approx(3.55, abs=0.2)
    assert by["q4_k_m"].weights_gib == pytest.approx(39.6, abs=0.1)


def test_fp8_is_native_on_hopper_and_weight_only_on_ampere():
    h = {o.format: o for o in compare_quantization(QuantizationRequest(model="llama-3.1-8b", gpu="h100-sxm")).options}
    a = {o.format: o for o in compare_quantization(QuantizationRequest(model="llama-3.1-8b", gpu="a100-80gb-sxm")).options}
    assert h["fp8"].runs_on_gpu.startswith("native")
    assert a["fp8"].runs_on_gpu.startswith("weight-only")
    assert not a["nvfp4"].fits and "Blackwell" in a["nvfp4"].runs_on_gpu


def test_every_format_has_a_sourced_quality_figure():
    r = compare_quantization(QuantizationRequest(model="llama-3.1-8b"))
    for o in r.options:
        if o.format != "bf16":
            assert o.quality_impact != "unknown" and o.sources and all(o.sources), o.format


def test_least_lossy_format_that_fits():
    # 2k context: a 4-bit 32B (18 GiB) leaves vLLM's pool ~0.7 GiB on 24 GiB at utilization 0.9 once the sampler
    # warm-up and CUDA graphs are taken out; 4k (1 GiB of KV) needs 3-bit
    r = compare_quantization(QuantizationRequest(model="qwen2.5-32b", gpu="rtx-4090", context=2048))
    assert r.smallest_that_fits in ("gptq-4bit-g128", "awq-4bit", "q4_k_m", "nf4", "iq4_xs", "q4_0")


def test_plan_for_70b_at_4k_lists_the_classic_configurations():
    # 4k: in bf16 on 2x H100 vLLM's pool (after weights, sampler warm-up, CUDA graphs) holds about one such sequence
    r = recommend_hardware(PlanRequest(model="llama-3.1-70b", workload="inference", context=4096, limit=500))
    opts = {(o.gpu_id, o.gpu_count, o.precision): o for o in r.options}
    h100 = opts[("h100-sxm", 2, "bf16")]
    assert h100.tight and "tight" in h100.reason  # loads, but the KV pool holds about one sequence -- we say so
    assert ("h200-sxm", 1, "fp8") in opts
    assert ("l40s", 4, "bf16") in opts
    assert ("rtx-4090", 2, "q4_k_m") in opts
    for key in [("h100-sxm", 2, "bf16"), ("h200-sxm", 1, "fp8"), ("l40s", 4, "bf16"), ("rtx-4090", 2, "q4_k_m")]:
        o = opts[key]
        assert o.memory_per_gpu_gib > 0 and o.decode_tokens_per_s > 0 and o.usd_per_hour > 0
    costs = [o.usd_per_hour for o in r.by_cost if o.usd_per_hour]
    assert costs == sorted(costs)
    assert r.cheapest_single_node and not r.cheapest_single_node.tight


def test_plan_respects_a_speed_target_and_gpu_list():
    r = recommend_hardware(PlanRequest(model="llama-3.1-8b", target_tokens_per_s=100, gpus=["rtx-4090", "h100-sxm"]))
    assert r.options and all(o.decode_tokens_per_s >= 100 for o in r.options)
    assert {o.gpu_id for o in r.options} <= {"rtx-4090", "h100-sxm"}


def test_plan_for_fine_tuning_and_pretraining():
    ft = recommend_hardware(PlanRequest(model="llama-3.1-8b", workload="finetune", method="qlora"))
    assert ft.by_cost and ft.by_cost[0].usd_total is not None
    pre = recommend_hardware(PlanRequest(model="7B", workload="pretrain", tokens=1e12, deadline_days=30,
                                         max_gpus=4096, gpus=["h100-sxm"]))
    assert pre.options and all(o.hours <= 30 * 24 for o in pre.options)
    with pytest.raises(AdvisorInputError, match="token budget"):
        recommend_hardware(PlanRequest(model="7B", workload="pretrain"))


def test_guide_table_covers_the_four_scales():
    rows = hardware_guide()
    assert [r.scale for r in rows] == ["under 1B", "1-7B", "7-70B", "70B-1T"]
    assert all(r.training and r.inference_bf16 and r.limiting_factor for r in rows)
    assert "memory" in rows[-1].limiting_factor
