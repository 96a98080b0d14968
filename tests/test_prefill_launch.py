"""The serving step's prefill launch and the MoE experts as bytes (docs/speed-model.md, 7-8 Dec)."""

import dataclasses

import pytest

from tools import throughput
from tools.throughput import ThroughputRequest, estimate_throughput


def _req(**kw) -> ThroughputRequest:
    base = dict(model="qwen3-235b-a22b", gpu="b200", gpu_count=8, precision="bf16", prompt_tokens=600,
                output_tokens=500)
    return ThroughputRequest(**{**base, **kw})


def test_a_prefill_in_vllm_or_sglang_pays_its_python_launches_tensorrt_and_llama_cpp_do_not():
    slow = dataclasses.replace(throughput.SERVE_CALIB, kernel_prefill_s=throughput.SERVE_CALIB.kernel_prefill_s * 2)
    for fw, moves in (("sglang", True), ("vllm", True), ("tensorrt-llm", False)):
        a = estimate_throughput(_req(framework=fw)).time_to_first_token_s
        b = estimate_throughput(_req(framework=fw), slow).time_to_first_token_s
        assert (b > a * 1.2) is moves, (fw, a, b)


def test_under_load_the_decodes_wait_through_the_prefill_launches_more_with_short_answers():
    """At a steady load each user asks again every output_tokens steps: short answers mean more prefills per step."""
    def per_user(out):
        return estimate_throughput(_req(framework="sglang", concurrency=64, continuous_batching=True,
                                        output_tokens=out)).decode_tokens_per_s
    no_launch = dataclasses.replace(throughput.SERVE_CALIB, kernel_prefill_s=throughput.SERVE_CALIB.kernel_graph_s)

    def per_user_free(out):
        return estimate_throughput(_req(framework="sglang", concurrency=64, continuous_batching=True,
                                        output_tokens=out), no_launch).decode_tokens_per_s
    assert per_user(128) / per_user_free(128) < per_user(2048) / per_user_free(2048) < 1


def test_a_routed_expert_costs_its_bytes_not_a_floor_of_its_own():
    """DeepSeek-R1 on 8 H200s at 8-64 users: InferenceX (SGLang 0.5.7, 2026) measured 75 tok/s per user at 8 and 28 at
    64; a per-expert floor made it 22 and 7. Bytes of the touched experts, kernels and all-reduces land near both."""
    for users, measured in ((8, 74.6), (64, 28.0)):
        r = estimate_throughput(ThroughputRequest(model="deepseek-r1", gpu="h200-sxm", gpu_count=8, precision="fp8",
                                                  framework="sglang", concurrency=users, continuous_batching=True,
                                                  prompt_tokens=1024, output_tokens=1024))
        assert r.decode_tokens_per_s == pytest.approx(measured, rel=0.35), (users, r.step_ms)


def test_the_serving_calibration_has_no_expert_floor():
    assert not hasattr(throughput.SERVE_CALIB, "expert_floor_s")
    assert "kernel_prefill_s" in {f.name for f in dataclasses.fields(throughput.ServeCalib)}
