"""One sentence asking two things joined by "and": split into parts only when the question read as one would drop an
ask; a later part uses what an earlier one found (the biggest model that fits)."""
from advisor.offline import parts
from tests.chat_helpers import chat, first_line


def test_the_biggest_model_and_the_time_for_an_epoch_are_both_answered():
    a = chat("I have a 5090. What's the biggest model I can fine-tune with QLoRA, and how long would 1 epoch over "
             "20k examples of ~800 tokens take?")
    assert first_line(a.text).startswith("**Up to about")
    t = [c for c in a.calls if c.tool == "estimate_training"]
    assert t and t[0].args["tokens"] == 16e6  # 20k x 800: the epoch, on the model the first part found
    assert t[0].args["model"] in first_line(a.text) or t[0].result["model"] in first_line(a.text)


def test_asks_answered_together_stay_one_answer():
    for q in ("can I run qwen2.5 14b on a 3090 and what context can I use?",
              "can I run llama 3.1 8b on a 4060 ti and how fast will it be?"):
        assert parts.split(q)[1] == [], q


def test_which_has_more_throughput_is_answered_at_a_busy_load_with_per_gpu_figures():
    a = chat("4张H100 和 2张MI300X 跑 Llama 3.1 70B FP8 推理，哪个吞吐更高？")
    t = [c for c in a.calls if c.tool == "estimate_throughput"]
    assert t and all(c.args.get("batch", c.args.get("concurrency")) == 32 for c in t)
    assert "32 路并发" in a.text and "按每张卡算" in a.text
