"""The grounding check reads each figure with its unit and matches it only against tool values of that kind."""

import pytest

from advisor.answer import ToolCallRecord
from advisor.grounding import check, unsupported_numbers, verdict

FIT_NO = ToolCallRecord(tool="check_fit", args={"model": "llama-2-13b", "gpu": "rtx-4090", "method": "lora"},
                        result={"fits": False, "required_gib": 41.75, "available_gib": 23.99, "headroom_pct": -74.0,
                                "breakdown_gib": {"weights": 24.244, "activations": 14.688}})
TRAIN = ToolCallRecord(tool="estimate_training", args={"tokens": 2e12, "gpu_count": 2048},
                       result={"hours": 96.55, "gpu_hours": 197741.9, "mfu": 0.415, "tokens_per_s_per_gpu": 2809.5})
COST = ToolCallRecord(tool="estimate_cost", args={"gpu_count": 8, "hours": 24},
                      result={"usd": 766.08, "usd_per_gpu_hour": 3.99, "break_even_months": 19.6})


@pytest.mark.parametrize("text", [
    "It needs 41.8 GiB; the 4090 has 23.99 GiB.",  # rounded to the digits shown
    "It needs about 44.8 GB.",  # GiB -> decimal GB
    "It needs about 42 GB.",  # GB used loosely for GiB
    "Weights take 24.2 GiB and activations 14.7 GiB.",  # breakdown values inherit the unit of their dict
    "Headroom is -74%.",
])
def test_true_memory_figures_pass(text):
    assert not unsupported_numbers(text, [FIT_NO], "")


@pytest.mark.parametrize("text", [
    "It needs 4,175 GiB.",  # x100 of a real value: the old check's conversion table let this through
    "It needs 41.75 hours.",  # the right number with the wrong unit
    "It costs $41.75.",
    "It needs 37.3 GiB.",
])
def test_invented_or_mislabelled_memory_figures_are_flagged(text):
    assert unsupported_numbers(text, [FIT_NO], "Can I fine-tune 13B with LoRA on one 4090?")


def test_time_money_and_percent_conversions():
    ok = "About 96.6 hours (4.0 days), 197,742 GPU-hours at 41.5% MFU, 2,810 tokens/s per GPU."
    assert not unsupported_numbers(ok, [TRAIN], "")
    assert unsupported_numbers("About 96.6 days.", [TRAIN], "") == ["96.6 days"]
    assert unsupported_numbers("MFU 4,150%.", [TRAIN], "")  # a fraction is x100 as %, not x10,000
    assert not unsupported_numbers("$766 for the day, $3.99 per GPU-hour, break-even in 19.6 months.", [COST], "")
    assert unsupported_numbers("$7,660 for the day.", [COST], "")


def test_numbers_from_the_question_and_history_count():
    history = [{"role": "assistant", "content": "Earlier: 61.2 GiB on two cards."}]
    assert not unsupported_numbers("At 8k context and 61.2 GiB.", [], "serve 70B at 8k context", history)
    assert unsupported_numbers("At 16k context.", [], "serve 70B at 8k context", history)


def test_errors_are_not_evidence():
    failed = ToolCallRecord(tool="check_fit", args={}, result="Error: unknown GPU", error="Error: gpu 55 GiB")
    assert unsupported_numbers("It needs 55 GiB.", [failed], "")


@pytest.mark.parametrize("text,expected", [
    ("Yes, you can fine-tune 13B with LoRA on one 4090.", "yes"), ("**No.** It needs 41.8 GiB.", "no"),
    ("It does not fit: 41.8 GiB.", "no"), ("It fits with room to spare.", "yes"), ("可以，一张卡就够。", "yes"),
    ("不能，显存不够。", "no"), ("Here are the numbers.", None)])
def test_verdict_reading(text, expected):
    assert verdict(text) == expected


def test_a_verdict_that_contradicts_check_fit_is_flagged():
    g = check("Yes, you can fine-tune 13B with LoRA on one 4090: 41.8 GiB.", [FIT_NO], "")
    assert not g.unsupported and g.contradiction and "does not fit" in g.contradiction and not g.ok
    assert check("No: it needs 41.8 GiB of 23.99 GiB.", [FIT_NO], "").ok
    fits = FIT_NO.model_copy(update={"result": {**FIT_NO.result, "fits": True}})
    assert check("No, it does not fit.", [fits], "").contradiction
    assert check("Yes with QLoRA, no with LoRA.", [FIT_NO, fits], "").contradiction is None  # mixed: no claim


def test_names_are_not_figures_and_accuracy_bands_need_an_approximate_estimate():
    assert not unsupported_numbers("Use ZeRO-3 or FSDP; Llama-3 and GPT-4 differ.", [FIT_NO], "")
    approx = FIT_NO.model_copy(update={"result": {**FIT_NO.result, "memory": {"approximate_shape": True}}})
    assert not unsupported_numbers("Sized as a typical 13B model, about ±10%.", [approx], "13B")
    assert unsupported_numbers("About ±10%.", [FIT_NO], "")  # the tool claimed no approximation


def test_example_phrasings_offered_to_the_user_are_not_claims():
    assert not unsupported_numbers("Compare per token (ask e.g. 'A100 vs H100 for Llama 3.1 8B: which is faster?').",
                                   [FIT_NO], "")
    assert not unsupported_numbers("请说明 token 数，例如“用 16 张 A100 在 5000 亿 token 上预训练 13B 模型”。", [FIT_NO], "")
    assert unsupported_numbers("It needs 'about 37 GiB'.", [FIT_NO], "")  # quoting is not an example
