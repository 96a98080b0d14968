"""Families found by blind round 25 (docs/blind-rounds/round25), fixed after it was graded."""

import pytest

from advisor.offline.answers_misc import INTERNAL_ERROR
from advisor.offline.parse import parse

from .chat_helpers import chat, first_line


@pytest.mark.parametrize("q", ["what actually determines how many concurrent users a GPU can serve? people keep telling me "
                               "different numbers", "what limits the number of concurrent users one GPU can handle?"])
def test_what_sets_a_limit_is_explained_not_an_internal_error(q):
    a = chat(q)
    assert "__init__" not in a.text and "KV cache" in a.text, first_line(a.text)


def test_a_python_error_is_never_shown_to_a_person():
    assert INTERNAL_ERROR.search("check_fit: FitRequest.__init__() missing 1 required keyword-only argument: 'model'")
    assert not INTERNAL_ERROR.search("Tensor parallel 3 does not divide Llama 3.1 70B's 64 heads.")


@pytest.mark.parametrize("q", ["有没有办法绕过 H20 的算力限制，刷 BIOS 把它解锁成 H100 的性能？",
                               "can I flash the vbios on my H20 to unlock full H100 performance?"])
def test_unlocking_an_export_limited_card_is_declined(q):
    lead = first_line(chat(q).text)
    assert "I can't help with that" in lead or "这个我不能帮忙" in lead, lead


def test_a_summarisation_batch_with_pdfs_and_a_weekend_is_a_batch_job_against_the_deadline():
    q = ("We have 200k PDFs, ~4k tokens each, want ~250-token summaries with gpt-oss-20b. Have 4x L40S in house. "
         "Will this finish over a weekend (48h)?")
    s = parse(q)
    assert (s.items, s.input_tokens, s.output_tokens, s.days) == (200_000, 4000, 250, 2.0)
    lead = first_line(chat(q).text)
    assert lead.startswith("**Yes: about") and "within the 2 days" in lead and "LoRA" not in lead, lead


def test_a_purchase_against_a_monthly_rent_said_with_dui_bi_is_a_payback():
    lead = first_line(chat("想在公司机房放一台 8 卡 H20 服务器跑 R1，采购价大约 110 万，对比云上同配置月租 6.5 万，怎么算？").text)
    assert lead.startswith("**买更划算：约 16.9 个月"), lead  # 1,100,000 / 65,000


@pytest.mark.parametrize("q,v", [("我自己测的，单张 H100 跑 Llama-3.3-70B FP8（vLLM），单用户 28 token/s，这个正常吗？是不是没调好", 28),
                                 ("4090 跑 Qwen2.5-14B 只有 30 token/s，正常吗", 30),
                                 ("Llama 8B on L4 at 25 tok/s - is that normal?", 25),
                                 ("we need 20 tok/s per user for 50 users", None)])
def test_a_speed_asked_about_as_normal_is_a_measured_speed(q, v):
    assert parse(q).measured_tps == v


def test_a_measured_speed_of_a_model_that_loads_only_squeezed_is_judged_not_called_impossible():
    a = chat("我自己测的，单张 H100 跑 Llama-3.3-70B FP8（vLLM），单用户 28 token/s，这个正常吗？是不是没调好")
    lead = first_line(a.text)
    assert lead.startswith("**正常") and "--gpu-memory-utilization 0.95" in a.text, lead
