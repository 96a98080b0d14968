"""Two cards compared for serving many users: each at the configuration that carries the load, by the work a GPU-hour
does, not by one stream's speed; and a model's digits are never read as a user count."""

import re

import pytest

from advisor.offline.parse import parse

from .chat_helpers import chat, first_line


@pytest.mark.parametrize("q", ["A100 80G 和 H100 哪个跑 vLLM 高并发推理 Llama3 8B 更划算？", "高并发 Llama 3 8B 用什么卡",
                               "哪个跑高并发推理 qwen2 7b 快"])
def test_a_model_name_after_a_concurrency_word_is_not_a_user_count(q):
    assert parse(q).users is None


@pytest.mark.parametrize("q, users", [("并发 100 个用户", 100), ("同时在线 50", 50), ("并发数大概 64", 64)])
def test_a_count_after_a_concurrency_word_still_is(q, users):
    assert parse(q).users == users


@pytest.mark.parametrize("q", [
    "H100 vs H200 for serving Llama 3.1 70B to 200 concurrent users - is the H200 worth 40% more per hour?",
    "200 个并发用户跑 Llama 3.1 70B，H200 比 H100 贵 40%，值得吗？",
])
def test_a_serving_comparison_sizes_each_card_for_the_load(q):
    lead = first_line(chat(q).text)
    # both cards at a GPU count that serves 200 users (a 70B model needs more than one card for that), never one card
    # each with 200 streams at a few tokens/s
    counts = [int(n) for n in re.findall(r"(\d+)(?:x | 张 )NVIDIA H[12]00", lead)]
    assert len(counts) == 2 and all(n >= 2 for n in counts), lead
    assert "200" in lead and ("1.4" in lead or "40%" in lead), lead


def test_the_price_gap_decides_the_serving_verdict():
    lead = first_line(chat("H100 vs H200 for serving Llama 3.1 70B to 200 concurrent users - is the H200 worth 40% "
                           "more per hour?").text)
    ratio = float(re.search(r"about ([\d.]+)x the output per GPU", lead).group(1))
    assert ("**yes" in lead) == (ratio >= 1.4), lead


@pytest.mark.parametrize("q", ["How many concurrent users can one L4 serve at 15 tokens/s each?", "一张 H100 能同时服务多少人？"])
def test_users_on_a_card_with_no_model_are_given_per_common_size_with_one_question(q):
    a = chat(q)
    lead = first_line(a.text)
    # the card is read (never "no model or GPU"), the users for common sizes lead, and the model is asked for
    assert re.search(r"Llama 3\.1 8B \d+", lead) and ("Which model" in lead or "哪个模型" in lead), lead
    assert "15 tokens/s" in lead or a.language == "zh", lead  # the per-user speed said is the one sized


def test_users_per_size_fall_as_the_model_grows():
    lead = first_line(chat("一张 H100 能同时服务多少人？").text)
    counts = [int(n) for n in re.findall(r"(?:8B|14B|32B|70B Instruct) (\d+)", lead)]
    assert len(counts) >= 3 and counts == sorted(counts, reverse=True), lead


def test_a_card_named_with_an_article_is_not_a_count_of_one_for_a_load():
    # "is a B200 worth it over an H200 for 500 users": each card at the count the load needs, not one of each
    lead = first_line(chat("Is a B200 worth it over an H200 for serving DeepSeek-V3 to 500 users?").text)
    counts = [int(n) for n in re.findall(r"(\d+)x NVIDIA [BH]200", lead)]
    assert len(counts) == 2 and min(counts) >= 8, lead
