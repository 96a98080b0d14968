"""Amounts in another currency: a budget in yuan or euros compared with the dollar prices on file at the person's
rate or the dated rate on file (tools/data/exchange_rates.json), which the answer names; a follow-up rate recounts."""
import re

import pytest

from advisor.offline.parse import find_exchange_rate, find_money, parse
from tests.chat_helpers import chat, first_line
from tools import currency
from tools.catalog_io import load_json


def test_every_rate_on_file_has_a_source_and_a_date():
    for r in load_json("exchange_rates.json")["rates"]:
        assert r["source"] and re.match(r"\d{4}-\d{2}-\d{2}$", r["date"]) and r["per_usd"] > 0
    assert 6.5 < currency.rate("CNY").per_usd < 7.6  # the yuan's range over 2023-2025
    assert currency.rate("USD") is None and currency.rate("XYZ") is None


@pytest.mark.parametrize("text,rate", [
    ("汇率按7.1算", 7.1), ("按 7.2 的汇率", 7.2), ("1美元=7.15元", 7.15), ("7.3元/美元", 7.3),
    ("at 7.2 yuan per dollar", 7.2), ("exchange rate 7.05", 7.05), ("USD/CNY 7.2", 7.2), ("预算20万人民币", None),
    ("$2/hour on 8 GPUs", None),
])
def test_a_rate_the_person_gives_is_read(text, rate):
    assert find_exchange_rate(text) == rate


@pytest.mark.parametrize("text,amount,cur", [
    ("$20k to build a local rig to run llama 3.1 70b", 20_000, "USD"), ("€15k for a workstation", 15_000, "EUR"),
    ("准备花20万买卡部署", 200_000, "CNY"),
])
def test_money_to_spend_on_a_machine_is_a_budget(text, amount, cur):
    assert find_money(text) == (amount, cur)


def test_the_persons_rate_wins_over_the_one_on_file():
    s = parse("预算20万人民币，汇率按7.0算")
    assert s.budget_usd == pytest.approx(200_000 / 7.0) and s.budget_rate.said


def test_a_budget_in_the_currency_of_the_prices_needs_no_rate():
    s = parse("预算50万人民币，H100 每卡时15元，最多能预训练多大的模型？")
    assert s.price_currency == "CNY" and s.budget_usd == 500_000 and s.budget_rate is None


def test_a_yuan_budget_to_buy_is_converted_and_says_how():
    a = chat("我们公司想本地部署 DeepSeek-R1-Distill-Qwen-32B 给 30 个员工用，预算 20 万人民币，买什么卡？")
    rate = currency.rate("CNY")
    assert f"${200_000 / rate.per_usd:,.0f}" in first_line(a.text)  # the verdict is on the converted budget
    assert f"{rate.per_usd:g}" in a.text and rate.date in a.text  # the rate and its date are said
    assert "无法直接判断" not in a.text


def test_a_follow_up_rate_recounts_the_same_ask():
    a = chat("我们公司想本地部署 DeepSeek-R1-Distill-Qwen-32B 给 30 个员工用，预算 20 万人民币，买什么卡？", "汇率按7.0算呢")
    assert f"${200_000 / 7.0:,.0f}" in first_line(a.text) and "预算内" in first_line(a.text)


def test_a_euro_budget_for_training_is_compared_in_dollars():
    a = chat("We have a €40k budget to fine-tune Llama 3.1 70B with LoRA on 20M tokens, enough?")
    assert first_line(a.text).startswith("**Yes, within budget")
    assert "euros is about $" in a.text and "'at 7" not in a.text  # the example rate is a euro rate


def test_the_fewest_cards_within_a_budget_lead():
    a = chat("我们公司想本地部署 DeepSeek-R1-Distill-Qwen-32B 给 30 个员工用，预算 20 万人民币，买什么卡？")
    n = int(re.search(r"(\d+) 张", first_line(a.text)).group(1))
    listed = [int(x) for x in re.findall(r"^- (\d+)x ", a.text, re.M)]
    assert n <= min(listed)  # not 16 consumer cards when two larger ones carry the load
