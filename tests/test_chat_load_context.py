"""Many users and no context said: each conversation sized at the tokens a chat holds on average (half the 8k
window, tools/defaults.CHAT_CONTEXT_AVERAGE), said in the answer with the full-window count beside it. A stated
context, a verdict on one setup and a speed at load keep their own sizes."""
import re

from tools.defaults import CHAT_CONTEXT_AVERAGE, INFERENCE_CONTEXT
from tools.memory import MemoryRequest, estimate_memory

from .chat_helpers import chat, first_line


def _users(text: str) -> int:
    return int(re.search(r"(\d[\d,]*)\s*(?:concurrent users|个并发用户)", text).group(1).replace(",", ""))


def test_the_average_is_half_the_window():
    assert CHAT_CONTEXT_AVERAGE * 2 == INFERENCE_CONTEXT


def test_capacity_with_no_context_is_sized_at_the_average_and_says_the_full_window_count():
    a = chat("how many concurrent users can one L40S serve with Qwen2.5-7B-Instruct in vLLM?")
    lead = first_line(a.text)
    at_avg = estimate_memory(MemoryRequest(model="qwen2.5-7b", gpu="l40s", context=CHAT_CONTEXT_AVERAGE,
                                           framework="vllm")).max_concurrent_sequences
    at_full = estimate_memory(MemoryRequest(model="qwen2.5-7b", gpu="l40s", context=INFERENCE_CONTEXT,
                                            framework="vllm")).max_concurrent_sequences
    assert _users(lead) == at_avg and at_avg > 1.8 * at_full
    assert f"{INFERENCE_CONTEXT:,} tokens: {at_full}" in lead  # the worst case beside it
    assert "half" in a.text and f"{CHAT_CONTEXT_AVERAGE:,}" in a.text


def test_capacity_in_chinese_says_the_assumption():
    a = chat("L4 24G 跑 Llama-3.1-8B 做客服,一张卡大概能同时服务多少人?")
    assert "一半" in a.text and "每段对话按 4,096 tokens" in a.text
    assert re.search(r"用满 8,192 tokens：\d+ 个", first_line(a.text))


def test_a_stated_context_is_kept():
    a = chat("how many concurrent users can one L40S serve with Qwen2.5-7B at 8k context?")
    assert "8,192 tokens" in first_line(a.text) and "half" not in a.text


def test_users_for_hardware_are_sized_at_the_average_and_say_so():
    a = chat("how many h100s to serve llama 3.1 70b to 50 concurrent users?")
    assert "4,096 tokens each" in first_line(a.text)
    assert "half of a window of 8,192 tokens" in a.text


def test_cost_per_token_at_full_load_gives_tokens_an_hour():
    a = chat("推理服务准备按 token 收费,Llama-3.1-8B FP8 放在 L40S 上(0.9 美元/小时),满载每小时能出多少 token,每百万 token 成本多少?")
    total = int(re.search(r"合计 ([\d,]+)", a.text).group(1).replace(",", ""))
    per_hour = float(re.search(r"每小时约 ([\d,]+) 万 tokens", a.text).group(1).replace(",", "")) * 1e4
    assert abs(per_hour - total * 3600) / (total * 3600) < 0.01
    usd_per_m = float(re.search(r"约 \$([\d.]+)", first_line(a.text)).group(1))
    assert abs(usd_per_m - 0.9 / (total * 3600 / 1e6)) < 0.01  # the person's $0.90/hour over those tokens


def test_a_fit_verdict_for_users_keeps_the_full_window():
    a = chat("Can I serve Qwen2.5-32B on one A100 80GB to 8 users, and how fast would it be?")
    assert "8,192" in a.text and "half" not in a.text
