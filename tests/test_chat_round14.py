"""Causes found by blind round 14 (docs/blind-rounds/round14), as families rather than the round's phrasings."""
import re

from .chat_helpers import ENGINE, chat, first_line


def test_an_announced_list_of_questions_split_on_question_marks_answers_each():
    a = ENGINE.ask("三个问题：Llama-3.1-8B 全参微调要多少显存？LoRA 呢？FP16 推理 8k 上下文呢？")
    assert "全量微调" in a.text and "LoRA" in a.text and "推理" in a.text
    assert len(re.findall(r"约需 [\d.]+ GiB", a.text)) == 3


def test_hours_a_day_of_inference_set_the_power_bill():
    a = chat("家里跑本地大模型，3090 待机和推理分别耗多少电？每天推理 4 小时，电费 0.6 元/度，一个月多少钱")
    assert "每天 4 小时" in first_line(a.text) and "“4 小时”" not in a.text


def test_an_api_priced_per_input_and_output_with_both_volumes():
    a = chat("cheaper to self-host qwen2.5-72b on 4x h100 ($2.2/gpu-hr) or pay an api at $0.40 per 1M input / $1.20 per "
             "1M output? we do 300M input + 60M output tokens per day")
    assert "$5,840" in first_line(a.text) and "$6,424" in first_line(a.text)


def test_a_rent_per_card_hour_against_a_servers_price_counts_every_card():
    a = chat("租 H100 ¥15/卡时，还是买一台 8 卡 H100 服务器 ¥220 万？三年内预计平均利用率 50%，电费 ¥0.6/度，整机 10kW")
    lead = first_line(a.text)
    assert lead.startswith("**租更划算") and "¥1,576,800" in lead and "73%" in lead


def test_card_hours_a_month_against_a_bought_box_and_a_follow_up_figure():
    a = chat("买 8 张 4090 组个服务器大概 15 万，还是租 A100 每卡时 ¥7？我们主要做 7B-13B 的 LoRA 微调，每月大概用 2000 卡时")
    assert re.match(r"\*\*买更划算：约 10\.7 个月", first_line(a.text))
    b = chat("买 8 张 4090 组个服务器大概 15 万，还是租 A100 每卡时 ¥7？我们主要做 7B-13B 的 LoRA 微调，每月大概用 2000 卡时",
             "如果每月只用 500 卡时呢？")
    assert re.match(r"\*\*租更划算：约 42\.9 个月", first_line(b.text))


def test_the_utilization_at_which_buying_pays_off():
    a = chat("8x h100 server is ~$250k. cloud is $2/gpu-hr. at what utilization does buying pay off over 3 years? "
             "power ~10kw at $0.12/kwh")
    assert re.match(r"\*\*Buying pays off above about 6\d% utilization over 3 years", first_line(a.text))


def test_a_model_shaped_name_the_catalog_lacks_is_said_back_not_replaced():
    a = chat("macbook pro m4 max 128gb — can it run llama 3.3 70b? how fast?", "what about glm-4.5-air?")
    assert "glm-4.5-air is not in my model catalog" in first_line(a.text) and "Llama" not in a.text
    from advisor.offline.parse import parse

    for t in ("llama 3.1 8b on a 4090", "Qwen3-235B-A22B", "DeepSeek-R1-Distill-Llama-70B", "Qwen2.5-VL-7B"):
        assert parse(t).unknown_models == []


def test_how_much_faster_on_another_gpu_after_a_training_time_is_the_run_there():
    a = chat("用 LoRA 微调 Qwen2.5-14B，数据 20 万条，每条平均 800 token，跑 3 个 epoch，单张 A100 80G 大概要多久？",
             "换成 H100 能快多少？")
    assert "H100" in first_line(a.text) and "小时" in first_line(a.text) and "tokens/s" not in first_line(a.text)


def test_a_follow_up_keeps_the_method_the_last_answer_settled_on():
    a = chat("Qwen2.5-7B 用 LoRA 微调，手上只有一张 3060 12G，能跑吗？序列长度 1024", "那序列长度拉到 4096 呢？")
    assert "QLoRA" in first_line(a.text)


def test_each_cards_rate_is_the_total_for_a_cost_per_million_and_a_utilization_follow_up():
    a = chat("serving llama 3.1 8b on 2x l40s at $0.90/hr each, 24/7. whats my cost per million output tokens if they "
             "push ~2,500 tok/s each on average?")
    assert first_line(a.text).startswith("**About $0.10 per 1M") and "Not used" not in a.text
    b = chat("serving llama 3.1 8b on 2x l40s at $0.90/hr each, 24/7. whats my cost per million output tokens if they "
             "push ~2,500 tok/s each on average?", "and if real utilization is only 30%?")
    assert first_line(b.text).startswith("**About $0.33 per 1M")


def test_generating_tokens_is_a_batch_job_against_the_budget():
    a = chat("want to generate 2B tokens of synthetic data with qwen2.5-72b-instruct fp8. avg prompt 300 tok, output 700 "
             "tok. budget 10k usd at $2.5/hr per h100. doable?")
    assert first_line(a.text).startswith("**Yes: about $") and "LoRA" not in a.text and "output tokens" in a.text


def test_the_largest_model_a_budget_pretrains_compute_optimally():
    a = chat("预算 50 万人民币，租 H100 大概 ¥15/卡时，能从头预训练多大的模型？按 Chinchilla 20 token/参数算")
    size = float(re.search(r"约 ([\d.]+)B 参数", first_line(a.text)).group(1))
    assert 14 < size < 27 and "33,333 卡时" in first_line(a.text)
    b = chat("with a $100k budget at $2/gpu-hour on h100s, how big a model can we pretrain chinchilla-optimal?")
    assert "50,000 GPU-hours" in first_line(b.text)


def test_a_vague_question_gets_a_tool_backed_rule_of_thumb_and_one_question():
    a = chat("我们要上线一个客服大模型，需要几张卡？")
    assert "先确认一点" in first_line(a.text) and "Llama 3.3 70B" in a.text and "2x NVIDIA H100" in a.text
    b = chat("8 张 A100，训练一个模型要多久？")
    assert re.match(r"\*\*这些典型任务从 .+ 到 .+ 不等", first_line(b.text)) and "A100" in b.text and "Ampere" not in b.text
    c = chat("whats the cost to finetune mistral?")
    assert re.match(r"\*\*From \$[\d.]+ to \$[\d.]+ for these typical jobs", first_line(c.text)) and "Mistral 7B" in c.text


def test_one_default_per_user_speed_and_prompts_and_answers_said_in_the_plural():
    from advisor.offline.answers_asks import DEFAULT_USER_TPS
    from advisor.offline.answers_serve import CHAT_TARGET_TPS
    from advisor.offline.parse import parse

    assert DEFAULT_USER_TPS == CHAT_TARGET_TPS == 10.0
    s = parse("bf16. prompts ~1500 tok, answers ~300. how many concurrent users before it gets slow?")
    assert (s.input_tokens, s.output_tokens) == (1500, 300)
    a = chat("we serve qwen2.5-7b-instruct on one l4 for an internal chatbot, bf16. prompts ~1500 tok, answers ~300. how "
             "many concurrent users before it gets slow?")
    assert "1,800 tokens" in first_line(a.text)


def test_a_speed_asked_for_a_format_within_a_tenth_of_the_card_is_given_with_the_squeeze_said():
    a = chat("single stream decode speed for llama 3.3 70b fp8 on one h100 sxm w/ vllm?")
    lead = first_line(a.text)
    assert lead.startswith("**Tight: fp8") and "fp8 on 1x NVIDIA H100" in lead and "awq" not in lead
