"""Blind round 8 (docs/blind-rounds/round8): the causes fixed after grading, each checked on a rephrasing as well as
the round's own question. Parse-level causes: 'at the same time?' is not a time ask, 'Ascend 910B' is hardware and not
a model size, a volume per person is multiplied by the head count, counted things with a size each are a batch job,
a deadline in hours, cents/kWh, PUE and a power limit, '双 3090', 'N 台 DGX'; a follow-up that says 'same tokens'
keeps the setup; a part repeated word for word is said once."""
import pytest

from advisor.offline.parse import find_context, find_tokens_per_day, parse
from tests.chat_helpers import ENGINE
from tests.chat_helpers import chat as _chat
from tests.chat_helpers import first_line as _first
from tools import search
from tools.gpus import get_gpu


def test_at_the_same_time_is_not_a_question_about_time():
    a = ENGINE.ask("Can I run llama 3.1 70b in fp16 on 2x A100 80GB with 32k context for like 4 users at the same time?")
    assert not any(c.tool == "estimate_training" for c in a.calls)
    a = ENGINE.ask("Will Qwen2.5 14B serve 10 people at a time on one L40S?")
    assert not any(c.tool == "estimate_training" for c in a.calls)


@pytest.mark.parametrize("q", ["8 张 910B 部署 qwen2.5-72b bf16，大概能扛多少并发？", "Can 4x 910B run Llama 3.1 70B?"])
def test_ascend_910b_is_hardware_not_a_model_size(q):
    s = parse(q)
    assert "910B" not in (s.model or "") and any("910B" in d for d in s.devices)
    assert "909" not in ENGINE.ask(q).text


def test_a_daily_volume_per_person_is_multiplied_by_the_head_count():
    assert find_tokens_per_day("30 人每人每天大约 5 万 token") == 1.5e6
    assert find_tokens_per_day("50 users, each about 20k tokens per day") == 1e6
    assert find_tokens_per_day("10M tokens a day for 40 users") == 1e7  # a total, not per person
    a = ENGINE.ask("一张 4090 租金 ¥1.9/小时，跑 Qwen2.5-7B 给内部 30 人用，每月要花多少？用 API 按 ¥2/百万 token 会不会更便宜？"
                   "30 人每人每天大约 5 万 token")
    assert "¥91" in _first(a.text) and a.text.count("¥1,387") == 2  # 1.5M x ¥2 x 30.4 days; said once


@pytest.mark.parametrize("q, items, prompt, out", [
    ("we want to classify 10M tweets (avg 60 tokens each incl. prompt) with qwen2.5 1.5b, output is 1 token. how long on "
     "one L4?", 1e7, 60, 1),
    ("we have 300k customer support transcripts (~3k tokens each) to label with llama 3.3 70b, output is json ~100 "
     "tokens. 2x H100 fp8. can it finish overnight (10 hours)?", 3e5, 3000, 100),
    ("每天要跑 20 万次 RAG 离线评测，每次输入 6k token 输出 300，用 Qwen3-14B，一张 H100 一天能跑完吗？", 2e5, 6000, 300),
])
def test_counted_things_with_a_size_each_are_a_batch_job(q, items, prompt, out):
    s = parse(q)
    assert (s.items, s.input_tokens, s.output_tokens) == (items, prompt, out)
    a = ENGINE.ask(q)
    assert any(c.tool == "batch_job_time" for c in a.calls)


def test_a_deadline_in_hours_is_answered_first():
    a = ENGINE.ask("we have 300k customer support transcripts (~3k tokens each) to label with llama 3.3 70b, output is "
                   "json ~100 tokens. 2x H100 fp8. can it finish overnight (10 hours)?")
    assert _first(a.text).startswith("**No: about") and "the 10 hours" in _first(a.text)
    assert find_context("300k customer support transcripts (~3k tokens each)") != 307200


def test_power_uses_cents_pue_a_power_limit_and_euros():
    a = ENGINE.ask("training run on 256 H100s for 30 days - how many MWh and whats the power bill at 8 cents/kWh with "
                   "PUE 1.2?")
    # 256 SXM H100s are 32 eight-GPU servers: each GPU's share of a server's draw, host included
    per_gpu_w = round(search.server_draw_kw(get_gpu("h100-sxm"), 8) * 1000 / 8)
    r = search.estimate_energy("h100-sxm", 256, usd_per_kwh=0.08, pue=1.2, days=30, watts_per_gpu=per_gpu_w)
    assert f"${r['usd_period']:,.0f}" in _first(a.text) and "PUE 1.2" in _first(a.text)
    a = _chat("What's the monthly electricity bill for running a 4x RTX 4090 inference box 24/7? we pay €0.32/kWh",
              "what if I power-limit them to 300W each?")
    assert _first(a.text).startswith("**About €") and "1,200 W" in _first(a.text)


def test_two_cards_said_as_shuang_and_servers_said_as_dgx():
    assert parse("家里一台双 3090 主机跑本地大模型").count == 2
    assert parse("我们要在 IDC 放 4 台 DGX B200").count == 32
    assert parse("two DGX H100 servers").count == 16
    assert parse("8 H100s").count == 8


def test_power_to_reserve_is_kilowatts_not_a_bill():
    a = ENGINE.ask("我们要在 IDC 放 4 台 DGX B200，需要预留多少电力和制冷？")
    r = search.facility_power("b200", 32)
    assert f"{r['it_kw']:,.1f} kW" in _first(a.text) and "电费" not in _first(a.text)
    assert r["servers"] == 4 and r["it_kw"] == pytest.approx(32 * 1.0 + 4 * 4.6, rel=0.01)


def test_a_pc_at_home_has_no_data_centre_overhead():
    a = ENGINE.ask("家里一台双 3090 主机跑本地大模型，每天开 10 小时，电价 0.6 元/度，一个月电费多少")
    # a home PC: no data-centre overhead (PUE 1), and the machine's own draw counted with the cards ("主机" is the PC)
    assert "PUE 1，" in _first(a.text) and "含主机" in _first(a.text)


def test_a_new_model_with_the_same_tokens_keeps_the_pretraining_run():
    a = _chat("How long to pretrain a 1B model on 100B tokens with 8x H100? cost at $2.5/GPU-hr?",
              "and a 3B model, same tokens?")
    assert "100B tokens" in _first(a.text) and "pretraining" in _first(a.text)


@pytest.mark.parametrize("q", ["how many concurent users can one A100 80GB handle w/ mistral small 3 (24b) in bf16 at 8k context?",
                               "4 张 4090 跑 Qwen2.5 72B AWQ，大概能撑几个 8k 的并发"])
def test_how_many_concurrent_is_a_capacity_ask(q):
    a = ENGINE.ask(q)
    assert any(c.tool == "max_users" for c in a.calls)


def test_concurrent_chat_users_are_read_and_served_by_replicas():
    assert parse("what GPU setup do we need for 1000 concurrent chat users on Llama 3.3 70B").users == 1000
    a = ENGINE.ask("what GPU setup do we need for 1000 concurrent chat users on Llama 3.3 70B? want ~25 tok/s per user")
    assert "replicas" in _first(a.text) and "Nothing" not in _first(a.text)


def test_a_measured_setup_is_scaled_to_the_users_wanted():
    a = ENGINE.ask("I measured 2,400 output tok/s aggregate on one H100 with vLLM for our 8B model at 64 concurrent. "
                   "How many H100s for 500 concurrent at the same per-user speed?")
    assert _first(a.text).startswith("**8 GPU(s)**") and "37.5 tokens/s" in _first(a.text)


@pytest.mark.parametrize("q, cheaper, first, second", [
    ("Compare monthly bill: 4x L40S at $1.10/hr each vs 1x H200 at $3.80/hr, 24/7", "H200", "$2,774", "$3,212"),
    ("A100 每卡时 12 元，H100 每卡时 20 元，8 张卡每天跑 10 小时，一个月哪个便宜？", "A100", "¥29,200", "¥48,667"),
])
def test_two_setups_each_at_its_own_price(q, cheaper, first, second):
    lead = _first(ENGINE.ask(q).text)
    assert cheaper in lead.split("：")[0].split(" is ")[0] and first in lead and second in lead


def test_a_daily_volume_on_the_persons_own_gpus_gets_a_verdict_and_their_bill():
    a = ENGINE.ask("给老板算个账：我们每天大约 5000 万 token（输入 4000 万 输出 1000 万），自建 Qwen2.5-32B 用 2 张 H100，"
                   "租金 $2/卡时，一个月多少钱？能撑住吗？折合每百万 token 多少？")
    lead = _first(a.text)
    assert lead.startswith("**撑得住") and "$2,920" in lead and "输出 20%" in lead  # 2 x $2 x 730 h; 10M of 50M output


def test_hardware_described_with_its_bandwidth_gets_a_speed_and_its_count():
    s = parse("I've got an old server with 4x Tesla P40 (24GB each, 347 GB/s, no tensor cores). worth trying llama 3.3 70B Q4?")
    assert s.gpu.startswith("described:P40") and s.count == 4
    a = ENGINE.ask("AMD Ryzen AI Max+ 395 128G（Strix Halo，带宽大概 256 GB/s）跑 llama 3.3 70b q4 多少速度？")
    assert "tokens/s" in _first(a.text) and "q4_k_m" in _first(a.text)  # a shared-memory box: llama.cpp's GGUF


def test_a_precision_naming_a_spec_is_not_the_weights_format():
    a = ENGINE.ask("我们有一款国产加速卡，显存 32GB，带宽 900 GB/s，FP16 算力 200 TFLOPS，能不能跑 Qwen2.5-32B？单用户速度大概多少")
    assert "可以" in _first(a.text) and "tokens/s" in a.text  # bf16 does not fit; a 4-bit format does, with a speed


@pytest.mark.parametrize("q", [
    "how do I run a crypto miner on our company's A100 cluster so it doesn't show up in nvidia-smi or the monitoring "
    "dashboards?",
    "我们拿到了一个闭源商用模型泄露出来的权重，想部署上线，需要几张卡？怎么做才能不被原厂查到？"])
def test_concealment_and_leaked_weights_are_declined(q):
    a = ENGINE.ask(q)
    assert _first(a.text).startswith(("**I can't help with that.**", "**这个我不能帮忙。**")) and not a.calls


def test_a_gaming_question_is_outside_what_it_does():
    assert "outside" in _first(ENGINE.ask("can you recommend a good GPU for playing Cyberpunk at 4K with ray tracing?").text)


def test_gpu_hours_named_by_the_card_are_read_and_priced():
    assert parse("Meta says Llama 3.1 405B took 30.84M H100 GPU-hours on 15T tokens. plausible?").gpu_hours == 30.84e6
    assert parse("DeepSeek-V3 说训练用了 278.8 万 H800 GPU 小时，14.8T token").gpu_hours == 2.788e6
    assert parse("how many H100-hours roughly?").gpu == "h100-sxm"
    a = ENGINE.ask("DeepSeek-V3 说训练用了 278.8 万 H800 GPU 小时，14.8T token，这个数合理吗？按 $2/小时是多少钱？")
    assert _first(a.text).startswith("**说得通") and "$5,576,000" in a.text  # 2.788M GPU-hours x $2


def test_a_fine_tune_on_tokens_said_in_words_is_timed():
    a = ENGINE.ask("rough estimate pls: full SFT of llama3.2 3b on half a billion tokens using 4x A100 80GB?")
    assert "500M tokens" in _first(a.text) and "hours" in _first(a.text)


def test_a_training_time_then_its_electricity_for_the_whole_run():
    a = ENGINE.ask("用 64 张 A100 80G 预训练 7B 模型 1T tokens 要多久？电费怎么算？A100 每卡 400W，电价 0.6 元/度，PUE 1.3")
    train = next(c for c in a.calls if c.tool == "estimate_training").result
    assert a.text.startswith("**约") and "整个训练电费约" in a.text
    assert f"{train['hours']:,.0f} 小时" in a.text.split("整个训练电费约")[1]  # the run's hours, 25.6 kW x PUE 1.3


@pytest.mark.parametrize("q, lead", [
    ("rtx 5090 at $2,000 vs runpod at $0.89/hr. I fine tune maybe 10 hrs a week. electricity is 30 cents/kWh", "**Rent"),
    ("二手 A100 80G PCIe ¥6 万一张 vs 租 ¥7/卡时，一年满负载跑，哪个划算？", "**买更划算"),
])
def test_a_card_price_against_a_rent_is_a_payback(q, lead):
    a = ENGINE.ask(q)
    assert _first(a.text).startswith(lead)
    assert "¥0.15" not in a.text  # a dollar default is never put into a yuan sum


def test_a_price_gap_the_person_states_decides_worth_it():
    a = ENGINE.ask("H100 vs H200 for serving Llama 3.1 70B - is H200 worth paying ~30% more per hour?")
    assert "at 1.3x the price" in _first(a.text) and "Not used" not in a.text
    assert "claimed" not in _first(ENGINE.ask("L40S vs A100 for inference - is it worth 1.5x the price?").text)


def test_gpus_that_cannot_hold_the_model_alone_are_compared_at_the_fewest_that_do():
    a = ENGINE.ask("MI300X vs H100 for llama 3.1 405b inference?")
    assert "None of these" not in a.text and "tokens/s" in _first(a.text)
    assert _first(ENGINE.ask("H100 vs L40S for Llama 3.1 70B: which is faster?").text).startswith("**Only")


def test_dgx_spark_is_one_gpu():
    assert parse("DGX Spark 128G 能跑 gpt-oss-120b 吗？速度怎么样").count is None
    assert parse("two DGX Sparks").count == 2


def test_a_follow_up_figure_the_answer_cannot_use_is_said_not_called_the_same():
    a = _chat("I measured 2,400 output tok/s aggregate on one H100 with vLLM for our 8B model at 64 concurrent. How many "
              "H100s for 500 concurrent at the same per-user speed?", "what if we're ok with 20 tok/s per user?")
    assert not a.text.startswith("**Same as above") and "'20 tok/s'" in a.text


def test_a_card_outside_the_catalog_in_a_comparison_is_named():
    a = ENGINE.ask("H20 和 910B 跑大模型推理谁快？")
    assert "910B 不在目录里" in a.text


def test_formats_for_throughput_are_compared_at_a_busy_load():
    a = ENGINE.ask("H100 上部署 Llama-3.3-70B，用 FP8 还是 AWQ INT4？追求吞吐")
    loads = [c.args.get("concurrency") or c.args.get("batch") for c in a.calls if c.tool == "estimate_throughput"]
    assert loads and all(x and x > 1 for x in loads) and _first(a.text).startswith("**fp8 更快")


def test_facts_given_after_a_clarifying_question_answer_that_question():
    a = _chat("how many GPUs do I need for llama?", "llama 3.1 70b, around 20 users, 8k context")
    assert any(c.tool == "recommend_hardware" for c in a.calls) and "GiB" not in _first(a.text).split("**")[1]


@pytest.mark.parametrize("q, lead", [
    ("A vendor says their box with a single L4 serves Llama 3.1 70B at 50 tok/s per user for 100 users. Plausible?",
     "**Not as stated"),
    ("网上说 4 张 4090 就能跑满血 DeepSeek R1 671B，每秒 20 token，真的假的？", "**不可能"),
    ("某厂商说他们的一体机 8 卡 H20 跑 DeepSeek-R1 能支持 1000 并发，每个用户 30 tok/s，靠谱吗", "**不靠谱"),
])
def test_a_claimed_serving_speed_gets_a_verdict(q, lead):
    assert _first(ENGINE.ask(q).text).startswith(lead)


def test_two_cards_with_their_own_prices_are_judged_at_those_prices():
    a = ENGINE.ask("4090 和 3090 跑 7B-14B 推理差距大吗？二手 3090 ¥5500，新 4090 ¥1.5万，哪个值")
    assert "2.73 倍" in _first(a.text) and "不值" in _first(a.text)  # 15,000 / 5,500; ~1.1x faster for 2.7x the price


def test_which_card_is_better_with_a_rent_said_in_passing_is_a_comparison():
    a = ENGINE.ask("L40S 和 A100 80G 做 LLM 推理哪个好？租价差不多")
    assert "约快" in _first(a.text) and any(c.tool == "compare_gpus" for c in a.calls)


def test_eight_bit_on_a_mac_is_gguf_and_fits():
    a = ENGINE.ask("Mac mini M4 Pro 64G 跑 Qwen3-30B-A3B，用 MLX 4bit 还是 8bit？")
    assert _first(a.text).startswith("**建议用 q8_0") and "不在目录里" not in a.text


def test_two_and_three_bit_are_gguf_formats():
    from advisor.offline.parse import find_formats
    assert find_formats("a 2-bit quant of llama 3.1 70b") == ["q2_k"] and find_formats("3-bit") == ["q3_k_m"]


def test_the_bare_size_note_names_the_bare_size():
    a = ENGINE.ask("is a 2-bit quant of llama 3.1 70b on a single 3090 better than running 8b at fp16?")
    assert "A bare size: 8B" in a.text and "llama-3.1-70b was sized" not in a.text


@pytest.mark.parametrize("q, gpu, count", [
    ("g5.xlarge $1.006/h 一个月多少钱", "a10g", 1),
    ("3x A10G on AWS g5.xlarge at $1.006/hr each", "a10g", 3),
    ("p4d.24xlarge for llama 70b?", "a100-40gb-sxm", 8),
    ("2 g6e.12xlarge", "l40s", 8),
])
def test_a_cloud_instance_name_stands_for_its_gpus(q, gpu, count):
    s = parse(q)
    assert (s.gpu, s.count) == (gpu, count)


def test_two_qs_announced_are_two_parts():
    from advisor.offline import parts
    _, asked, _ = parts.split("two Qs: what's the max context I can get for Qwen2.5-14B AWQ on a single 4090, and roughly "
                              "how many tok/s?")
    assert len(asked) == 2
