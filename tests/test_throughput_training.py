"""Throughput and training-time calculators: the core formulas pinned with hand-derived numbers."""

import pytest

from tools.errors import AdvisorInputError
from tools.formats import weight_format
from tools.models import get_model
from tools.throughput import (
    BANDWIDTH_EFFICIENCY,
    LAYER_OVERHEAD_S,
    ThroughputRequest,
    _decode_weight_bytes,
    estimate_throughput,
    offline_throughput,
)
from tools.training import TrainingRequest, estimate_training


def tput(**kw):
    return estimate_throughput(ThroughputRequest(**kw))


def test_single_stream_decode_is_bytes_over_bandwidth_plus_launch_overhead():
    # Llama-3-8B Q4_K_M on a 4090: 4.62 GB read per token (all weights but the embedding table) at
    # 85% of 1008 GB/s, plus 32 layers x 50 us of llama.cpp launch overhead.
    r = tput(model="llama-3-8b", gpu="rtx-4090", precision="q4_k_m", prompt_tokens=1, output_tokens=1)
    w = _decode_weight_bytes(get_model("llama-3-8b"), weight_format("q4_k_m"), 1)
    expected = w / (1008e9 * BANDWIDTH_EFFICIENCY["nvidia"]) + 32 * LAYER_OVERHEAD_S["llama.cpp"]
    assert r.ms_per_token == pytest.approx(expected * 1e3, rel=0.01)
    assert r.bound == "memory bandwidth"


def test_llama3_8b_q4km_on_4090_within_25pct_of_measured():
    # llama.cpp llama-bench tg512 on an RTX 4090: 130.58 tokens/s (XiongjieDai/GPU-Benchmarks-on-LLM-Inference)
    r = tput(model="llama-3-8b", gpu="rtx-4090", precision="q4_k_m", framework="llama.cpp", prompt_tokens=1,
             output_tokens=512)
    assert r.decode_tokens_per_s == pytest.approx(130.58, rel=0.25)


def test_batching_moves_decode_from_memory_to_compute_bound():
    small = tput(model="llama-3.1-8b", gpu="h100-sxm", precision="bf16", batch=1)
    big = tput(model="llama-3.1-8b", gpu="h100-sxm", precision="bf16", batch=512, prompt_tokens=128, output_tokens=128)
    assert small.bound == "memory bandwidth" and big.bound == "compute"
    assert big.decode_tokens_per_s_total > 20 * small.decode_tokens_per_s_total
    assert big.decode_tokens_per_s < small.decode_tokens_per_s  # each stream slows as the batch grows


def test_tensor_parallel_speeds_up_and_layer_split_does_not():
    one = tput(model="llama-3.1-70b", gpu="h100-sxm", precision="fp8")
    tp2 = tput(model="llama-3.1-70b", gpu="h100-sxm", gpu_count=2, precision="fp8")
    assert tp2.decode_tokens_per_s > 1.6 * one.decode_tokens_per_s
    split1 = tput(model="llama-3-70b", gpu="rtx-3090", gpu_count=2, precision="q4_k_m")
    split4 = tput(model="llama-3-70b", gpu="rtx-3090", gpu_count=4, precision="q4_k_m")
    assert split4.decode_tokens_per_s == pytest.approx(split1.decode_tokens_per_s, rel=0.01)


def test_pcie_tensor_parallel_costs_more_than_nvlink():
    pcie = tput(model="llama-3.1-70b", gpu="l40s", gpu_count=4, precision="fp8")
    assert any("PCIe" in n for n in pcie.notes)


def test_cpu_offload_drops_to_host_memory_speed():
    gpu_only = tput(model="llama-3-70b", gpu="rtx-4090", precision="q4_k_m")
    half = tput(model="llama-3-70b", gpu="rtx-4090", precision="q4_k_m", cpu_offload_fraction=0.5)
    assert half.decode_tokens_per_s < gpu_only.decode_tokens_per_s / 4


def test_moe_reads_only_routed_experts():
    r = tput(model="mixtral-8x7b", gpu="h100-sxm", precision="bf16")
    assert r.weights_read_gb_per_token == pytest.approx(12.9 * 2 * 0.98, rel=0.05)  # ~active params x 2 bytes


def test_offline_throughput_saturates_the_batch():
    r = offline_throughput(ThroughputRequest(model="llama-3.1-8b", gpu="h100-sxm", precision="fp8",
                                             framework="tensorrt-llm", prompt_tokens=1000, output_tokens=1000))
    assert r.batch > 100 and r.decode_tokens_per_s_total > 5000


def test_gguf_needs_llama_cpp():
    with pytest.raises(AdvisorInputError, match="llama.cpp"):
        tput(model="llama-3-8b", gpu="rtx-4090", precision="q4_k_m", framework="vllm")


def test_llama2_7b_gpu_hours_within_25pct_of_meta():
    # Llama 2 model card: 184,320 A100-80GB GPU-hours for 7B on 2T tokens
    r = estimate_training(TrainingRequest(model="llama-2-7b", tokens=2e12, gpu="a100-80gb-sxm"))
    assert r.gpu_hours == pytest.approx(184_320, rel=0.25)


def test_training_flops_are_6nd_plus_attention():
    r = estimate_training(TrainingRequest(model="llama-2-7b", tokens=1e9, gpu="a100-80gb-sxm", gpu_count=8))
    n = 6_738_415_616 - 32000 * 4096  # every multiplied weight: all but the embedding lookup
    attn = 12 * 32 * 32 * 128 * 4096
    assert r.flops_per_token == pytest.approx(6 * n + attn, rel=1e-6)
    # end-to-end GPU-hours = running time at the stated MFU, divided by the stated goodput (issue 17)
    assert r.gpu_hours == pytest.approx(r.flops / (312e12 * r.mfu) / 3600 / r.goodput, rel=1e-2)
    assert r.running_hours * r.gpu_count == pytest.approx(r.flops / (312e12 * r.mfu) / 3600, rel=1e-2)
    assert 0.5 < r.goodput < 1


def test_lora_saves_a_third_of_compute_not_two_thirds():
    kw = dict(model="llama-3.1-8b", tokens=1e8, gpu="h100-sxm", gpu_count=1, sequence_length=2048)
    full = estimate_training(TrainingRequest(method="full", **kw))
    lora = estimate_training(TrainingRequest(method="lora", **kw))
    assert lora.flops / full.flops == pytest.approx(2 / 3, abs=0.02)
    qlora = estimate_training(TrainingRequest(method="qlora", **kw))
    assert qlora.hours > lora.hours
    assert any("saves" in n for n in lora.notes)


def test_mfu_default_grows_with_model_width_and_can_be_overridden():
    kw = dict(tokens=1e12, gpu="a100-80gb-sxm", gpu_count=1024)
    # at one layout, small models lose more of each step to memory-bound work (llm-foundry's A100 table:
    # 125M 45% MFU, 7B 64%); across layouts it need not hold (Megatron TP 175B: 51%)
    assert estimate_training(TrainingRequest(model="70B", framework="fsdp", **kw)).mfu > estimate_training(
        TrainingRequest(model="1B", framework="fsdp", **kw)).mfu
    assert estimate_training(TrainingRequest(model="7B", mfu=0.3, **kw)).mfu == 0.3
    plain = estimate_training(TrainingRequest(model="7B", **kw))
    ckpt = estimate_training(TrainingRequest(model="7B", gradient_checkpointing=True, **kw))
    # recomputation costs at most one extra forward of the weights (8/6 of the work), and something
    assert plain.mfu / 1.34 < ckpt.mfu < plain.mfu


def test_moe_training_uses_active_parameters():
    r = estimate_training(TrainingRequest(model="mixtral-8x7b", tokens=1e9, gpu="h100-sxm", gpu_count=8))
    assert r.flops_per_token < 6 * 13e9 + 1e10
    assert any("active" in n for n in r.notes)


def test_fp8_training_needs_fp8_hardware():
    with pytest.raises(AdvisorInputError, match="FP8"):
        estimate_training(TrainingRequest(model="7B", tokens=1e9, gpu="a100-80gb-sxm", precision="fp8"))
