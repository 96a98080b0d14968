"""Cost, budget and buy-vs-rent questions in the offline chat engine: the first line gives the verdict or the amount
asked for, with every number the person gave (count, hours a day, months/years, budget, deadline) passed to the tools
and said back, in the asker's language. Expected figures are worked out here from the price catalog and the GPU
specs, not read back from the answer."""

import re
import statistics

import pytest

from advisor.offline.engine import OfflineEngine
from advisor.offline.parse import parse
from tools.catalog_io import load_json
from tools.cost import CostRequest, estimate_cost
from tools.gpus import get_gpu

ENGINE = OfflineEngine(quick=True)
PRICES = load_json("prices.json")
HOURS_PER_MONTH = 365 * 24 / 12


def _first(text: str) -> str:
    return text.strip().splitlines()[0]


def _calls(answer, tool: str) -> list:
    return [c for c in answer.calls if c.tool == tool]


def _median_on_demand(gpu_id: str) -> float:
    return round(statistics.median(o["usd_per_gpu_hour"] for o in PRICES["gpus"][gpu_id]["rent"]
                                   if o["type"] == "on_demand"), 2)


def _purchase(gpu_id: str) -> float:
    return statistics.median(p["usd"] for p in PRICES["gpus"][gpu_id]["purchase"])


def _dollars(text: str) -> list[float]:
    return [float(x.replace(",", "")) for x in re.findall(r"\$([\d,]+(?:\.\d+)?)", text)]


def _near(values: list[float], want: float, rel: float = 0.002) -> bool:
    return any(abs(v - want) <= rel * want + 0.01 for v in values)


def _no_english_words(text: str) -> bool:
    """Chinese all the way: no English words other than names, units and formats."""
    allowed = {"nvidia", "h100", "sxm5", "80gb", "gpu", "tokens", "amd", "instinct", "rtx", "geforce", "a100", "sxm4",
               "lora", "qlora", "llama", "qwen2", "mfu", "zero", "fsdp", "bf16", "gib", "gb", "tdp", "vllm", "fp8",
               "single", "tp", "pue", "kwh"}
    words = re.findall(r"[A-Za-z]{3,}", re.sub(r"\([^)]*\d{4}-\d\d[^)]*\)", "", text))
    return all(w.lower() in allowed or not w.islower() for w in words)


# ---- parsing the money words -------------------------------------------------------------------------------------

@pytest.mark.parametrize("q,months", [
    ("i'd use it maybe 3 hrs a day for a year", 12), ("买8张H100还是租？每天跑20小时，要用3年", 36),
    ("buy or rent 4 A100s for 2 years", 24), ("一个月租两张H100要多少钱", 1), ("monthly cost?", 1),
    ("rent 8 A100s for 6 months", 6), ("用两年", 24), ("over 18 months", 18),
    ("pretrain 7B within a month", None), ("训练要在一个月内完成", None), ("2024年买的H100", None),
])
def test_periods_of_use_are_read_and_deadlines_are_not(q, months):
    assert parse(q).months == months


@pytest.mark.parametrize("q,amount,currency", [
    ("I have $20k budget", 20_000, "USD"), ("预算10万美元够吗", 100_000, "USD"), ("budget of 50,000 USD", 50_000, "USD"),
    ("我只有5万人民币预算", 50_000, "CNY"), ("we can spend up to €30k", 30_000, "EUR"), ("预算5千美元", 5_000, "USD"),
])
def test_budgets_in_k_and_wan_and_their_currency(q, amount, currency):
    s = parse(q)
    assert s.budget_currency == currency
    assert (s.budget_usd if currency == "USD" else s.budget_other) == amount
    if currency != "USD":  # compared in dollars at the dated rate on file, never as if it were dollars
        assert s.budget_rate is not None and s.budget_rate.date
        assert s.budget_usd == pytest.approx(amount / s.budget_rate.per_usd)
        assert s.budget_usd != amount


def test_24_7_and_kwh_price():
    s = parse("cost of owning an H100 24/7 for a year at $0.10/kWh")
    assert (s.hours_per_day, s.months, s.usd_per_kwh) == (24, 12, 0.10)


# ---- the cost tool's totals over a period ---------------------------------------------------------------------------

def test_cost_totals_over_months_from_rate_hours_and_power():
    r = estimate_cost(CostRequest(gpu="a100-80gb-sxm", gpu_count=4, hours_per_day=8, months=24, usd_per_gpu_hour=2.0,
                                  purchase_usd_per_gpu=10_000, usd_per_kwh=0.1, power_w=500, pue=1.0))
    hours = 8 * HOURS_PER_MONTH / 24 * 24  # 8 h a day for 24 months
    assert r.rent_usd_total == pytest.approx(2.0 * 4 * hours, rel=1e-3)
    assert r.power_usd_total == pytest.approx(0.5 * 0.1 * hours * 4, rel=1e-3)
    assert r.buy_usd_total == pytest.approx(40_000 + 0.5 * 0.1 * hours * 4, rel=1e-3)
    assert estimate_cost(CostRequest(gpu="a100-80gb-sxm", hours=1)).rent_usd_total is None  # no period, no total


# ---- the reviewer's questions and variations ------------------------------------------------------------------------

def test_buy_8_h100_or_rent_20h_a_day_3_years_zh():
    a = ENGINE.ask("买8张H100还是租？每天跑20小时，要用3年")
    c = _calls(a, "estimate_cost")[0]
    assert (c.args["gpu_count"], c.args["hours_per_day"], c.args["months"]) == (8, 20, 36)
    first = _first(a.text)
    rent = _median_on_demand("h100-sxm") * 8 * 20 * 365 * 3
    buy = _purchase("h100-sxm") * 8
    assert _near(_dollars(first), rent, 0.01), first
    assert buy < rent and first.startswith("**买")  # ~$700k renting vs ~$250k buying at 83% use
    assert "3 年" in first and "20 小时" in first and "8 张" in first
    assert _no_english_words(a.text), a.text


def test_cost_of_owning_an_h100_24_7_for_a_year_with_power():
    a = ENGINE.ask("what would it cost to run an H100 24/7 for a year if I buy it, incl power?")
    c = _calls(a, "estimate_cost")[0]
    assert (c.args["hours_per_day"], c.args["months"]) == (24, 12)
    first = _first(a.text)
    power = get_gpu("h100-sxm").tdp_w / 1000 * 1.4 * PRICES["electricity_usd_per_kwh_default"] * 24 * 365
    assert _near(_dollars(first), _purchase("h100-sxm") + power, 0.01), first
    assert _near(_dollars(first), power, 0.01) and "a year" in first and "24 hours a day" in first
    assert "per GPU-hour" not in first  # not a rental price list


def test_buy_a_4090_vs_rent_an_h100_for_a_year():
    a = ENGINE.ask("Is it worth buying a 4090 vs renting H100 on runpod? i'd use it maybe 3 hrs a day for a year")
    costs = _calls(a, "estimate_cost")
    assert {c.args["gpu"] for c in costs} == {"rtx-4090", "h100-sxm"}
    assert all(c.args["hours_per_day"] == 3 and c.args["months"] == 12 for c in costs)
    first = _first(a.text)
    rent_h100 = _median_on_demand("h100-sxm") * 3 * 365
    assert _near(_dollars(first), rent_h100, 0.01), first
    assert first.startswith("**Buying the NVIDIA GeForce RTX 4090") and "a year" in first and "3 hours a day" in first
    assert "24" in a.text and "80" in a.text  # the memory difference is said


@pytest.mark.parametrize("q,gpu,n,hpd,months", [
    ("Is it cheaper to buy or rent 4 A100s if I use them 8 hours a day for 2 years?", "a100-80gb-sxm", 4, 8, 24),
    ("is renting cheaper than buying 2 L40S for 18 months at 12 hours per day?", "l40s", 2, 12, 18),
    ("自己买一张4090，每天用6小时，用两年，加电费一共多少钱？", "rtx-4090", 1, 6, 24),
])
def test_buy_or_rent_verdict_follows_the_totals_over_the_period(q, gpu, n, hpd, months):
    a = ENGINE.ask(q)
    c = _calls(a, "estimate_cost")[0]
    assert (c.args["gpu"], c.args["gpu_count"], c.args["hours_per_day"], c.args["months"]) == (gpu, n, hpd, months)
    rent = _median_on_demand(gpu) * n * hpd * HOURS_PER_MONTH / 24 * months
    first = _first(a.text)
    assert _near(_dollars(first), rent, 0.01), first
    buy_cheaper = c.result["buy_usd_total"] < c.result["rent_usd_total"]
    if a.language == "zh":
        assert ("买更便宜" if buy_cheaper else "租更便宜") in first or first.startswith("**买" if buy_cheaper else "**租")
    else:
        assert first.startswith("**Buy" if buy_cheaper else "**Rent")


def test_monthly_rent_of_two_h100s_zh():
    a = ENGINE.ask("一个月租两张H100要多少钱")
    first = _first(a.text)
    assert _near(_dollars(first), _median_on_demand("h100-sxm") * 2 * HOURS_PER_MONTH, 0.002), first
    assert "2 张" in first and "每天 24 小时" in first
    assert "中位数" in a.text and _no_english_words(a.text)


def test_rent_price_labels_the_median_next_to_the_offers():
    a = ENGINE.ask("What does an H100 cost per hour to rent?")
    on_demand = sorted(o["usd_per_gpu_hour"] for o in PRICES["gpus"]["h100-sxm"]["rent"] if o["type"] == "on_demand")
    assert "median of the on-demand offers" in a.text
    assert f"${on_demand[0]:.2f} to ${on_demand[-1]:.2f}" in a.text
    assert "Cheapest offers on file:" in a.text


def test_cheapest_serving_and_its_monthly_cost_at_12_hours_a_day():
    a = ENGINE.ask("Whats the cheapest way to serve llama 3.1 8b for 10 users, 12h per day, on cloud? monthly cost?")
    plan = _calls(a, "recommend_hardware")[0]
    assert plan.args["concurrency"] == 10
    c = _calls(a, "estimate_cost")[-1]
    assert (c.args["hours_per_day"], c.args["months"]) == (12, 1)
    first = _first(a.text)
    assert "a month" in first and "12 hours a day" in first and "10 users" in first
    assert _near(_dollars(first), c.result["usd_per_hour"] * 12 * HOURS_PER_MONTH / 24, 0.002)


def test_monthly_bill_of_serving_on_a_named_gpu():
    a = ENGINE.ask("what's the monthly bill to serve Llama 3.1 8B to 100 users on L40S")
    first = _first(a.text)
    assert first.startswith("**About $") and "a month" in first and "L40S" in first and "100 users" in first
    plan = _calls(a, "recommend_hardware")[0]
    assert plan.args["gpus"] == ["l40s"] and plan.args["concurrency"] == 100


def test_budget_and_deadline_lora_70b_on_h100_or_a100():
    a = ENGINE.ask("I have $20k budget, want to fine-tune Llama 3.1 70B with LoRA on ~500M tokens, deadline 2 weeks. "
                   "Rent H100s or A100s?")
    plan = _calls(a, "recommend_hardware")[0]
    assert plan.args["deadline_days"] == 14 and plan.args["tokens"] == 5e8 and plan.args["method"] == "lora"
    assert set(plan.args["gpus"]) == {"h100-sxm", "a100-80gb-sxm"}
    best = plan.result["by_cost"][0]
    assert best["memory_per_gpu_gib"] <= best["available_per_gpu_gib"]  # a configuration that fits
    assert best["days"] <= 14
    first = _first(a.text)
    assert first.startswith("**Yes, within budget") and "$20,000" in first and "14-day deadline" in first
    assert f"{best['gpu_count']}x" in first and "does not fit" not in a.text
    assert "A100" in a.text and "H100" in first


def test_budget_not_enough_for_pretraining_zh():
    a = ENGINE.ask("租H100训练7B模型，1T token，预算10万美元够吗")
    first = _first(a.text)
    t = _calls(a, "estimate_training")[0]
    cost = t.result["gpu_hours"] * _median_on_demand("h100-sxm")
    assert cost > 100_000 and first.startswith("**不够")
    assert "$100,000" in first and _near(_dollars(first), cost, 0.01)
    assert "放不下" not in first  # not a one-GPU memory verdict
    assert "最低报价" in a.text  # the cheaper offer that would fit the budget
    assert _no_english_words(a.text), a.text


def test_budget_enough_with_count_and_deadline_zh():
    a = ENGINE.ask("租4张A100微调llama3 70b，QLoRA，5亿token，两周内完成，预算1万美元够不够？")
    t = _calls(a, "estimate_training")[0]
    assert (t.args["gpu_count"], t.args["method"], t.args["tokens"]) == (4, "qlora", 5e8)
    first = _first(a.text)
    assert first.startswith("**够") and "$10,000" in first and "14 天" in first


def test_a_budget_in_another_currency_is_converted_at_a_dated_rate_said_plainly():
    zh = ENGINE.ask("我只有5万人民币预算，想微调qwen2.5 7b，够吗")
    assert "50,000 人民币约合 $6,897" in zh.text and "2025-02-21" in zh.text  # ¥7.25 per dollar, dated
    assert _first(zh.text).startswith("**够")
    en = ENGINE.ask("I have a budget of €30k to LoRA fine-tune llama 3.1 8b on 100M tokens, is that enough?")
    assert "30,000 euros is about $31,381" in en.text  # 0.956 euros per dollar
    assert "within budget" in _first(en.text).lower()


def test_tokens_per_dollar_compares_cost_per_token_not_speed():
    a = ENGINE.ask("H100 vs A100 vs 4090 vs MI300X for serving llama 3.1 70b, which gives best tokens per dollar?")
    plans = _calls(a, "recommend_hardware")
    assert len(plans) == 4
    best = {}
    for p in plans:
        priced = [o for o in p.result["by_cost"] if o.get("usd_per_million_tokens")]
        if priced:
            o = min(priced, key=lambda o: o["usd_per_million_tokens"])
            best[o["gpu"]] = o["usd_per_million_tokens"]
    winner = min(best, key=best.get)
    first = _first(a.text)
    assert first.startswith(f"**{winner} gives the most tokens per dollar") and "per 1M output tokens" in first
    assert _near(_dollars(first), best[winner], 0.01)


def test_rent_for_a_week_and_for_months_at_hours_a_day():
    week = ENGINE.ask("How much does it cost to rent an A100 for a week?")
    assert _near(_dollars(_first(week.text)), _median_on_demand("a100-80gb-sxm") * 24 * 7, 0.01)
    assert "a week" in _first(week.text)
    three = ENGINE.ask("If I rent an H100 for 3 months at 8 hours a day, how much?")
    assert _near(_dollars(_first(three.text)), _median_on_demand("h100-sxm") * 8 * HOURS_PER_MONTH / 24 * 3, 0.01)
    assert "3 months" in _first(three.text) and "8 hours a day" in _first(three.text)


def test_would_buying_pay_off_is_a_buy_or_rent_verdict():
    a = ENGINE.ask("Would buying 8 H100s pay off over 2 years if I run them 16 hours a day?")
    c = _calls(a, "estimate_cost")[0]
    assert (c.args["gpu_count"], c.args["hours_per_day"], c.args["months"]) == (8, 16, 24)
    assert _first(a.text).startswith("**Buy" if c.result["buy_usd_total"] < c.result["rent_usd_total"] else "**Rent")


def test_a_monthly_serving_budget_is_compared():
    a = ENGINE.ask("We have a budget of $2,000 per month to serve mistral 7b for 50 users. which gpu?")
    c = _calls(a, "estimate_cost")[-1]
    first = _first(a.text)
    assert "$2,000" in first and ("Within" if c.result["rent_usd_total"] <= 2000 else "Over") in first


def test_cheaper_per_token_between_two_gpus():
    a = ENGINE.ask("What's cheaper per token for llama 3.1 8b, L4 or L40S?")
    assert len(_calls(a, "recommend_hardware")) == 2 and "per 1M output tokens" in _first(a.text)


def test_a_serving_budget_per_month_and_one_in_yuan():
    en = ENGINE.ask("our budget is $3000 a month, can we serve qwen2.5 32b to 40 users?")
    plan = _calls(en, "recommend_hardware")[0]
    assert plan.args["concurrency"] == 40
    c = _calls(en, "estimate_cost")[-1]
    assert ("Within" if c.result["rent_usd_total"] <= 3000 else "Over") + " your $3,000 budget" in _first(en.text)
    zh = ENGINE.ask("我们每个月预算2万元，想部署llama 3.1 70b给50个人用，够吗")
    assert _calls(zh, "recommend_hardware")[0].args["concurrency"] == 50
    assert _first(zh.text).startswith("**在 $2,759 预算内：每月约 $") and "20,000 人民币约合 $2,759" in zh.text


def test_a_follow_up_changes_only_the_hours_or_the_period():
    first = "买8张H100还是租？每天跑20小时，要用3年"
    a = ENGINE.ask("如果每天只用8小时呢？", history=[first])
    c = _calls(a, "estimate_cost")[0]
    assert (c.args["gpu_count"], c.args["hours_per_day"], c.args["months"]) == (8, 8, 36)
    assert "每天 8 小时" in _first(a.text)
    b = ENGINE.ask("what about 5 years?", history=["Is it cheaper to buy or rent 4 A100s if I use them 8 hours a day "
                                                   "for 2 years?"])
    c = _calls(b, "estimate_cost")[0]
    assert (c.args["gpu_count"], c.args["hours_per_day"], c.args["months"]) == (4, 8, 60)
    assert "5 years" in _first(b.text)


@pytest.mark.parametrize("q,hpd", [("buy or rent an H100 for 2 years at 50% utilization", 12),
                                   ("rent or buy 2 A100s, 8 hours a day, 5 days a week, for 3 years", 5.7),
                                   ("每天用10小时，每周5天，H100买还是租？", 7.1)])
def test_utilization_and_working_weeks_become_hours_a_day(q, hpd):
    assert parse(q).hours_per_day == hpd
    c = _calls(ENGINE.ask(q), "estimate_cost")[0]
    assert c.args["hours_per_day"] == hpd
