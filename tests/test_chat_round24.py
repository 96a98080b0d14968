"""Families found by blind round 24 (docs/blind-rounds/round24), fixed after it was graded."""

import pytest

from advisor.offline.parse import find_output_share, find_ram, find_watts_per_gpu

from .chat_helpers import chat, first_line


@pytest.mark.parametrize("q", [
    "should i buy a 4090 or just rent one on runpod? i'd use it ~4 hrs/day for LoRA experiments",
    "buy or rent a 3090 for QLoRA fine-tuning? maybe 4 hours a day",
])
def test_buy_or_rent_with_a_fine_tuning_method_named_is_not_a_concept_question(q):
    lead = first_line(chat(q).text)
    assert "pays for itself" in lead and ("Rent" in lead or "Buy" in lead), lead


def test_more_hours_after_buy_or_rent_re_weigh_it():
    q = "should i buy a 4090 or just rent one on runpod? i'd use it ~4 hrs/day for LoRA experiments"
    four, twelve = first_line(chat(q).text), first_line(chat(q, "what if it's more like 12 hrs a day").text)
    assert four.startswith("**Rent") and twelve.startswith("**Buy: at 12 hours a day"), (four, twelve)


@pytest.mark.parametrize("follow", ["ok and B200?", "what about the B200"])
def test_a_new_card_after_a_two_card_comparison_is_compared_with_the_thread_card(follow):
    a = chat("H100 vs H200 for serving Llama 3.1 70B -- is the H200 worth ~30-40% more per hour?", follow)
    lead = first_line(a.text)
    assert "B200" in lead and "faster" in lead and "H100" in lead and "Tell me the model" not in a.text, lead


@pytest.mark.parametrize("follow", ["那 Qwen3-235B-A22B 放在 4 张 H100 上大概是什么情况？",
                                    "那 Llama-3.1-70B 放在 2 张 A100 80G 上是什么情况"])
def test_a_model_on_named_cards_after_a_concept_is_sized(follow):
    a = chat("MoE 模型为什么显存要按总参数算，速度却按激活参数算？", follow)
    lead = first_line(a.text)
    assert ("放不下" in lead or "可以" in lead) and "tokens/s" in a.text and "Transformer Engine" not in a.text, lead


def test_a_new_model_with_hearsay_keeps_the_fit_asked_before():
    a = chat("我笔记本是 4060 8G 显存，32G 内存，能跑 Qwen3-14B 吗", "那 Qwen3-30B-A3B 呢？听说 MoE 更快")
    lead = first_line(a.text)
    assert "30B-A3B" in lead and "4060" in lead, lead


def test_two_formats_in_a_follow_up_are_compared_not_the_one_settled_before():
    a = chat("Mac mini M4 Pro 64G 跑 Qwen2.5-Coder-32B，大概多少 token/s？写代码够用吗", "用 MLX 的话 4bit 和 8bit 速度差多少")
    assert "q4_k_m" in a.text and "q8_0" in a.text and "更快" in first_line(a.text), first_line(a.text)


# power limits; an input share gives the output share; system RAM apart from VRAM and unified memory
FIGURES = [(find_watts_per_gpu, q, v) for q, v in (
    ("如果每张卡限功率到 250W 呢？性能掉多少", 250), ("功率上限设为 280 W", 280), ("功耗限制到300W", 300),
    ("power-limit them to 300W each", 300), ("我的电源是 1000W", None))] + [(find_output_share, q, v) for q, v in (
    ("一天大概 2000 万 token，八成是输入", 0.2), ("输出占两成", 0.2), ("about 70% input", 0.3), ("80% of it is input", 0.2),
    ("输出大约占 20%", 0.2), ("输入占 75%", 0.25))] + [(find_ram, q, v) for q, v in (
    ("我笔记本是 4060 8G 显存，32G 内存，能跑 Qwen3-14B 吗", 32), ("I have a 3060 12GB and 64GB RAM", 64), ("内存 64G，显卡 4090", 64),
    ("Mac with 64GB unified memory", None), ("24G显存 16G内存条", 16), ("have 64gb ddr5 + 7950x", 64))]


@pytest.mark.parametrize("reader,q,value", FIGURES, ids=lambda x: getattr(x, "__name__", None))
def test_figures_are_read(reader, q, value):
    assert reader(q) == value


def test_a_power_cap_asked_about_leads_with_what_it_costs_in_speed():
    a = chat("家里想装 4 张 3090 跑模型，电源要多大？一个月电费多少（电价 0.55 元/度，每天跑 10 小时）",
             "如果每张卡限功率到 250W 呢？性能掉多少")
    lead = first_line(a.text)
    assert lead.startswith("**限到 250 W") and "不到 10%" in lead, lead
    assert "电源约 1,600 W" in a.text and "1,250 W" in a.text and "¥167" in a.text  # the cap's PSU and bill follow
    b = chat("I have two 4090s. If I power-limit them to 300W each, how much performance do I lose for inference?")
    assert "fewer tokens/s" in first_line(b.text), first_line(b.text)


@pytest.mark.parametrize("q,at_once,people", [
    ("it's a 70b model, maybe 1000 users internally, mostly short questions", 50, 1000),
    ("公司内部 300 人用 Qwen2.5-32B，需要几张卡", 15, 300),
    ("100 concurrent internal users on llama 70b", 100, None),
    ("内部 200 人，高峰 20 人同时用", 20, None),
    ("serve llama 70b to 60 users", 60, None),
])
def test_users_counted_across_a_company_are_a_head_count_unless_said_to_be_at_once(q, at_once, people):
    from advisor.offline.parse import parse

    s = parse(q)
    assert (s.users, s.population) == (at_once, people)


def test_a_company_head_count_is_sized_for_the_users_at_once_and_says_so():
    a = chat("how many gpus do i need for my llm", "it's a 70b model, maybe 1000 users internally, mostly short questions")
    assert "for 50 users" in first_line(a.text) and "5% of the 1,000 people" in a.text, first_line(a.text)


def test_an_api_priced_in_and_out_is_weighed_against_self_hosting_the_same_volume():
    a = chat("做个 AI 客服，模型用 Qwen2.5-32B，白天 9 点到 21 点高峰大概 30 并发，晚上基本没人。自己租卡部署还是用阿里云百炼 API 划算？",
             "百炼那边按输入 0.8 元/百万 token、输出 2 元/百万算，我们一天大概 2000 万 token，八成是输入")
    lead = first_line(a.text)
    # 20M a day x (0.8 x ¥0.8 + 0.2 x ¥2) / 1M x 365 / 12 = ¥633 a month
    assert lead.startswith("**API更便宜：按你给的 API 价格每月约 ¥633") and "不是这次回答用到的数字" not in a.text, lead
    b = chat("Llama 3.1 8B, 300M tokens a day, about 75% input. Self-host on L40S or use an API at $0.10/M input and "
             "$0.30/M output?")
    assert "cheaper" in first_line(b.text) and "$0.1/1M" in first_line(b.text), first_line(b.text)


def test_a_desk_machine_that_misses_in_vram_runs_with_layers_in_its_system_ram():
    a = chat("我笔记本是 4060 8G 显存，32G 内存，能跑 Qwen3-14B 吗")
    lead = first_line(a.text)
    assert lead.startswith("**能跑，但有一部分要放在内存里：Qwen3 14B q4_k_m") and "32 GB 内存" in lead, lead
    b = chat("我笔记本是 4060 8G 显存，32G 内存，能跑 Qwen3-14B 吗", "那 Qwen3-30B-A3B 呢？听说 MoE 更快")
    assert "30B-A3B" in first_line(b.text) and "能跑" in first_line(b.text), first_line(b.text)
    c = chat("I have a 3060 12GB and only 16GB of RAM. Can I run Llama 3.3 70B?")
    assert first_line(c.text).startswith("**No"), first_line(c.text)  # 40 GB at Q4 does not fit in 12 + 10 GB
    d = chat("RTX 3060 12GB, 64GB RAM: can it run Qwen2.5-32B?")
    assert "system RAM" in first_line(d.text) and "tokens/s" in first_line(d.text), first_line(d.text)


def test_a_company_head_count_in_chinese_is_sized_for_the_share_at_once():
    from advisor.offline.parse import parse

    s = parse("我们公司 500 人，想内部部署 Qwen2.5-72B 做知识库问答，需要几张 H100？每月大概多少钱？")
    assert (s.users, s.population) == (25, 500)
    assert (parse("公司 300 人，高峰 30 人同时用").users, parse("我们团队 20 个人用 Qwen2.5-7B 写代码").users) == (30, 20)
    # a team's people are its users, not a head count at 5% ("30 人" would be 2 at once)
    team = parse("我们团队 30 人要用 Qwen2.5-32B 做代码助手，上下文 16k，每人至少 20 token/s")
    assert (team.users, team.population) == (30, None)


def test_two_desk_cards_compared_for_a_model_that_loads_only_at_4_bit_use_q4_k_m():
    a = chat("Is an RTX 5090 worth it over a used 3090 ($700) for running 32B models locally? 5090 is $2000.")
    lead = first_line(a.text)
    assert "(q4_k_m)" in lead and "(bf16)" not in lead and "not worth it" in lead, lead


def test_tokens_per_example_in_tok_are_read():
    a = chat("can I fine-tune 13B with LoRA on one 4090?", "ok what about qlora then, and how long for ~20k examples, ~512 tok each, 3 epochs")
    assert "30.7M tokens" in first_line(a.text), first_line(a.text)  # 20,000 x 512 x 3


def test_input_and_output_volumes_said_words_first_are_the_days_volume():
    a = chat("DeepSeek 官方 API（按输入 2 元/百万、输出 3 元/百万算）和自己租 8 卡 H800 跑 R1，哪个便宜？我们每天大概输入 1 亿 token、"
             "输出 5000 万 token。H800 租金按 8 卡每小时 100 元算")
    lead = first_line(a.text)
    assert lead.startswith("**API 更便宜：每月 ¥10,646"), lead  # (100M x ¥2 + 50M x ¥3) a day x 30.4


def test_ddr_ram_on_a_desk_machine_lets_a_70b_run_with_layers_in_ram():
    lead = first_line(chat("can i run llama 3.3 70b on a single 4090? have 64gb ddr5 + 7950x").text)
    assert lead.startswith("**Yes, with part of it in system RAM") and "64 GB of RAM" in lead, lead
