"""Speed figures in the chat carry their likely range (issue 27): the spread of the held-out errors of their
group, taken from the same tool result as the figure, so the range moves with the estimate."""
import re

from advisor.offline.engine import OfflineEngine
from tools.throughput import ThroughputRequest, estimate_throughput

ENGINE = OfflineEngine(quick=True)


def _numbers(text: str, pattern: str) -> tuple[float, float]:
    m = re.search(pattern, text)
    assert m, text
    return float(m.group(1).replace(",", "")), float(m.group(2).replace(",", ""))


def test_single_stream_speed_states_the_range_of_its_estimate():
    a = ENGINE.ask("How fast is Llama 3.1 8B on one RTX 4090 for a single user?")
    r = estimate_throughput(ThroughputRequest(model="llama-3.1-8b", gpu="rtx-4090"))
    lo, hi = _numbers(a.text, r"Likely range: ([\d,.]+)-([\d,.]+) tokens/s")
    assert lo < r.decode_tokens_per_s < hi
    assert abs(lo - r.decode_tokens_per_s_range[0]) <= 1 and abs(hi - r.decode_tokens_per_s_range[1]) <= 1


def test_chinese_speed_answer_states_the_range_too():
    a = ENGINE.ask("llama 3.1 8b 在一张 4090 上单路多少 token/s?")
    lo, hi = _numbers(a.text, r"可能区间：每路 ([\d,.]+)-([\d,.]+) tokens/s")
    assert lo < hi


def test_moe_range_is_wider_than_dense_as_its_held_out_errors_are():
    dense = estimate_throughput(ThroughputRequest(model="llama-3.1-70b", gpu="h100-sxm", gpu_count=4, precision="fp8"))
    moe = estimate_throughput(ThroughputRequest(model="qwen3-235b-a22b", gpu="h100-sxm", gpu_count=4, precision="fp8"))
    spread = [r.decode_tokens_per_s_range[1] / r.decode_tokens_per_s_range[0] for r in (dense, moe)]
    assert spread[1] > spread[0]


def test_how_many_gpus_lead_carries_the_per_user_range():
    a = ENGINE.ask("How many H100s to serve Llama-3.1-70B at 32k context to 40 users?")
    first = a.text.splitlines()[0]
    m = re.search(r"about ([\d,.]+) tokens/s per user \(likely ([\d,.]+)-([\d,.]+)\)", first)
    assert m, first
    speed, lo, hi = (float(x.replace(",", "")) for x in m.groups())
    assert lo < speed < hi
