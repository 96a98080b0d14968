"""Causes found by asking the product ten stranger questions before a resolve (docs/offline-engine.md)."""
from advisor.offline.engine import OfflineEngine
from advisor.offline.parse import find_users

ENGINE = OfflineEngine(quick=True)


def test_people_at_once_outrank_the_head_count():
    assert find_users("我们公司大概 200 人用，高峰时 20 人同时提问") == (20, None)
    assert find_users("200 employees, about 20 concurrent users at peak") == (20, None)
    assert find_users("3000 users total, 150 users at once") == (150, None)
    assert find_users("1000 concurrent chat users") == (1000, None)
    assert find_users("serve 100 chat users") == (100, None)


def test_capacity_answer_sizes_the_peak_not_the_head_count():
    a = ENGINE.ask("我们公司想做内部知识库问答，大概 200 人用，高峰时 20 人同时提问，模型用 Qwen2.5-32B，需要几张 L40S？")
    first = a.text.splitlines()[0]
    assert "20 个并发用户" in first and "200 个并发" not in first
    assert "不是这次回答用到的数字" not in a.text


def test_electricity_after_a_training_time_is_for_that_run():
    a = ENGINE.ask("8 张 H100 训练 Llama 3.1 8B 全参微调，数据 5 亿 token，训 2 个 epoch，要多久？电费按 1 元一度算多少钱？")
    assert "整个训练" in a.text and "电费每月" not in a.text
    en = ENGINE.ask("How long to pretrain a 3B model on 300B tokens with 64 H100s? And what is the electricity at $0.12/kWh?")
    assert "for the whole run" in en.text and "a month for power" not in en.text
    assert "Per 1M generated tokens" not in en.text  # a training run generates no served tokens


def test_power_bill_alone_is_still_monthly():
    a = ENGINE.ask("What's the monthly electricity bill for 8 H100s at $0.15/kWh?")
    assert "a month for power" in a.text.splitlines()[0]


def test_zero_stages_on_the_persons_cards_get_a_verdict():
    a = ENGINE.ask("what's the difference in vram between zero-2 and zero-3 when full finetuning a 13b model on 4 a100 40gb?")
    assert "Neither fits your 4x NVIDIA A100 SXM4 40GB" in a.text and "ZeRO-Offload" in a.text
    b = ENGINE.ask("ZeRO-2 和 ZeRO-3 对 7B 全参微调 8 张 A100 80G 显存差多少？")
    assert "ZeRO-2、ZeRO-3 放得下" in b.text
    c = ENGINE.ask("How much memory does ZeRO-3 save over ZeRO-2 for a 13B full fine-tune on 8 GPUs?")
    assert "fit" not in c.text.split("\n\n")[1]  # no card named: no verdict invented


def test_dpo_counts_the_reference_model_and_its_pairs():
    a = ENGINE.ask("DPO on llama 3.1 8b (full params), 20k preference pairs, each pair ~3k tokens total (chosen+rejected), "
                   "2 epochs, 4x a100 80gb. how long roughly")
    t = next(c for c in a.calls if c.tool == "estimate_training")
    assert t.args["reference_model"] is True and t.args["tokens"] > 1e8  # 20k pairs x ~3k tokens x 2 epochs
    assert "DPO (full parameters)" in a.text.splitlines()[0]
    sft = ENGINE.ask("full fine-tune llama 3.1 8b on 123M tokens with 4x a100 80gb, 3k sequences: how long?")
    hours = [next(c for c in x.calls if c.tool == "estimate_training").result["hours"] for x in (a, sft)]
    assert 1.2 < hours[0] / hours[1] < 1.45  # the reference forward: 2N on top of 6N, about a third more
    zh = ENGINE.ask("用 LoRA 做 DPO，Qwen2.5-7B，1 万组偏好数据，每组 2k token，1 张 H100 要多久？")
    assert "DPO（LoRA）" in zh.text and "不是这次回答用到的数字" not in zh.text


def test_a_tiny_training_run_does_not_fail():
    a = ENGINE.ask("LoRA fine-tune llama 3.1 8b on 5k tokens on one H100, how long")
    assert a.text.startswith("**under a minute")
    assert "couldn't" not in a.text


def test_buying_a_card_compares_purchase_prices_and_a_used_one_its_used_price():
    from tools.prices import gpu_prices

    assert gpu_prices("rtx-3090").used_usd == 700 and gpu_prices("rtx-3090").purchase_usd == 1499
    a = ENGINE.ask("is an rtx 5090 worth it over a used 3090 for local llm inference? mostly 30b models at q4")
    lead = a.text.splitlines()[0]
    assert "$700 used" in lead and "the slower card gives more speed per dollar" in lead
    b = ENGINE.ask("4090 vs 3090 for llm inference, which to rent?")
    assert "rents on file" in b.text.splitlines()[0]
