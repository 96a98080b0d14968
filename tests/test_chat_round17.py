"""Round 17's causes, fixed as families (docs/blind-rounds/round17/summary.md): numbers the person gave that were
dropped (daily active users, hours a day with a card count between, a per-user speed with words between, people of
any kind at once, a share of a population, FP8 weights said with an FP8 cache, machines bought by the box, rent a
month at an hourly price), a follow-up comparing the same two cards on a new job, and which ZeRO stage to pick."""

import re

import pytest

from advisor import Advisor
from advisor.offline.own_numbers import facts
from advisor.offline.parse import find_daily_users, find_hours_per_day, find_target_speed, parse


@pytest.fixture(scope="module")
def advisor():
    return Advisor()


def _chat(advisor, *turns):
    history, out = [], []
    for q in turns:
        a = advisor.ask(q, history)
        history += [{"role": "user", "content": q}, {"role": "assistant", "content": a.text}]
        out.append(a)
    return out


@pytest.mark.parametrize("text, people", [
    ("10 万 DAU", 100_000), ("100k daily active users", 100_000), ("日活 5 万", 50_000), ("DAU of 2,000", 2_000),
    ("2,000 DAU", 2_000), ("日活用户约 3 万", 30_000), ("1.5M daily users", 1_500_000), ("we have 800 users a day", 800),
])
def test_daily_active_users_are_read_in_each_phrasing(text, people):
    assert find_daily_users(text) == people


def test_a_volume_per_person_is_multiplied_by_the_daily_users():
    s = parse("一个 AI 写作 App，10 万 DAU，人均每天生成 3000 token、输入 1000 token。模型 Qwen2.5-14B，H100 租价 16 元/卡时。")
    assert s.tokens_per_day == pytest.approx(3e8)
    s = parse("100k daily active users, each generating 2k tokens a day with Llama 3.1 8B: how many H100s?")
    assert s.tokens_per_day == pytest.approx(2e8)


def test_requests_per_person_are_multiplied_by_the_daily_users():
    s = parse("we have 2,000 DAU, each sends about 20 queries a day at ~3k tokens each, Qwen2.5-14B on L40S")
    assert s.request_rate * 86400 == pytest.approx(40_000)
    s = parse("日活 5 万，每人每天 10 次对话，每次 1500 token，用 Qwen2.5-7B 要几张 4090？")
    assert s.request_rate * 86400 == pytest.approx(500_000)


@pytest.mark.parametrize("text, tps", [
    ("希望每个用户生成速度不低于 20 token/s", 20), ("单用户输出速度要 30 tok/s 以上", 30), ("每人生成速度至少 15 token/s", 15),
    ("每路吐字速度 25 token/s", 25),
])
def test_a_per_user_speed_with_words_between_is_the_target(text, tps):
    assert find_target_speed(text) == tps


@pytest.mark.parametrize("text, hours", [
    ("每天大概 8 张卡跑 10 小时", 10), ("每天跑满 20 小时", 20), ("每天 4 张卡一起跑 6 小时", 6), ("每天用 8 小时", 8),
])
def test_hours_a_day_with_a_card_count_between(text, hours):
    assert find_hours_per_day(text) == hours


@pytest.mark.parametrize("text, users", [
    ("for maybe 8 lawyers at the same time", 8), ("30 agents concurrently", 30), ("12 analysts simultaneously", 12),
    ("~1,000 students online at exam-prep peak. Maybe 15% are actually waiting on a generation at any moment", 150),
])
def test_people_of_any_kind_at_once(text, users):
    assert parse(text).users == users


def test_hours_of_gpus_are_not_people():
    assert parse("8 GPUs at the same time for 3 days").users is None


def test_fp8_weights_said_with_an_fp8_cache_are_both():
    s = parse("那换成 FP8 权重 + FP8 KV cache 呢？")
    assert (s.precision, s.kv_dtype) == ("fp8", "fp8")
    s = parse("kv cache 换成 fp8 呢")
    assert (s.precision, s.kv_dtype) == (None, "fp8")


def test_machines_bought_by_the_box_and_cards_rented_as_used():
    f = facts("纠结是自建 16 张 4090 出图，还是租 4090 云（¥2/卡时）。每天跑满 20 小时。一台 8 卡 4090 服务器约 ¥16 万，要买两台。")
    assert (f.buy, f.hours_per_day) == (320_000, 20)
    assert facts("buy 8x H100 servers at $250k per server, we need 2 of them, or rent at $2.5/GPU-hour 24/7?").buy == 500_000
    f = facts("买 8 张 RTX 4090 组一台服务器（整机大概 ¥18 万），还是租云上 A100 80G（¥7/卡时）。每天大概 8 张卡跑 10 小时。怎么算划算？")
    assert (f.rent_count, f.hours_per_day) == (8, 10)


def test_buy_or_rent_uses_the_cards_and_hours_said(advisor):
    a = advisor.ask("我们团队在纠结：买 8 张 RTX 4090 组一台服务器（整机大概 ¥18 万），还是租云上 A100 80G（¥7/卡时）。主要做 7B-14B "
                    "模型的 LoRA 微调和评测，每天大概 8 张卡跑 10 小时。怎么算划算？", [])
    months = float(re.search(r"约 ([\d.]+) 个月", a.text).group(1))
    assert 9 <= months <= 13  # 8 x ¥7 x 304 h = ¥17,033 a month of rent against ¥180k
    assert "8 张" in a.text and "每天 10 小时" in a.text


def test_a_monthly_rent_at_an_hourly_price_is_the_hours_an_owned_card_runs(advisor):
    a = advisor.ask("Solo dev here. I spend about $120/month renting a 4090 on a GPU marketplace (~$0.40/hr). Would buying "
                    "my own 4090 (~$1,900 incl. tax) pay off? Electricity is $0.22/kWh.", [])
    assert "300 h of use a month" in a.text and a.text.startswith("**Buy")


def test_a_follow_up_compares_the_same_two_cards_on_a_new_job(advisor):
    first, second = _chat(advisor, "H20 和 H100 做推理到底差多少？我们主要跑 Qwen2.5-72B，长上下文 RAG，prompt 经常 20k-30k token。",
                          "那做训练呢，比如 LoRA 微调 72B，H20 会慢多少？")
    lead = second.text.split("\n")[0]
    assert "H100" in lead and "H20" in lead
    ratio = float(re.search(r"约快 ([\d.]+) 倍", lead).group(1))
    assert 4.5 <= ratio <= 8  # 989 vs 148 dense BF16 TFLOPS
    assert "各 4 张卡" in second.text  # 72B LoRA in bf16 needs several of each card, the same count on both sides


def test_a_size_said_after_a_named_model_is_that_model(advisor):
    _, second = _chat(advisor, "We mostly run Qwen2.5-72B for RAG on H100s.", "how much memory to LoRA fine-tune the 72B?")
    assert any(c.args.get("model") == "qwen2.5-72b" for c in second.calls if isinstance(c.args, dict))


@pytest.mark.parametrize("question, stage", [
    ("那我 8 张 4090，没有 NVLink，想全参训 7B，选哪个 stage 合适？", "ZeRO-3"),
    ("which ZeRO stage should I use for full fine-tuning Llama 3 8B on 4x A100 80GB?", "ZeRO-1"),
])
def test_which_zero_stage_leads_with_the_lowest_that_fits(advisor, question, stage):
    a = advisor.ask(question, [])
    assert stage in a.text.split("\n")[0]
