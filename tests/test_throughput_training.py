"""Throughput and training-time calculators: the core formulas pinned with hand-derived numbers."""

import pytest

from tools.errors import AdvisorInputError
from tools.throughput import (
    SERVE_CALIB,
    ThroughputRequest,
    estimate_throughput,
    offline_throughput,
)
from tools.training import TrainingRequest, estimate_training


def tput(**kw):
    return estimate_throughput(ThroughputRequest(**kw))


def test_single_stream_decode_is_bytes_over_bandwidth_plus_launch_overhead():
    # Llama-3-8B Q4_K_M on a 4090, derived by hand: the published file is 4.58 GiB (llama.cpp's size,
    # bench/measured.json) = 4.918e9 B; the token-embedding table (128256 x 4096 in Q4_K, 4.5 bits) is
    # looked up, not read whole: 0.296e9 B. So 4.62e9 B per token at the fitted share of 1008 GB/s, plus
    # 32 layers x 10 kernels + 6 per step at llama.cpp's fitted cost per kernel.
    c = SERVE_CALIB
    r = tput(model="llama-3-8b", gpu="rtx-4090", precision="q4_k_m", prompt_tokens=1, output_tokens=1)
    read = 4.58 * 2**30 - 128256 * 4096 * 4.5 / 8
    expected_s = read / (1008e9 * c.bw_eff) + (32 * 10 + 6) * c.kernel_llamacpp_s
    assert r.ms_per_token == pytest.approx(expected_s * 1e3, rel=0.01)
    assert r.weights_read_gb_per_token == pytest.approx(read / 1e9, rel=0.01)
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
    # the reads halve, the kernels do not: gpt-fast measured 1.78x from TP 2 to 4 for Llama-2-70B on A100s
    assert tp2.decode_tokens_per_s > 1.4 * one.decode_tokens_per_s
    split1 = tput(model="llama-3-70b", gpu="rtx-3090", gpu_count=2, precision="q4_k_m")
    split4 = tput(model="llama-3-70b", gpu="rtx-3090", gpu_count=4, precision="q4_k_m")
    assert split4.decode_tokens_per_s == pytest.approx(split1.decode_tokens_per_s, rel=0.01)


def test_pcie_tensor_parallel_costs_more_than_nvlink():
    # The same A100 80GB as SXM (NVLink) and as PCIe card: 4-way TP gains less over PCIe, although the PCIe
    # card's own bandwidth (1935 vs 2039 GB/s) would, alone, make its speed-up slightly larger.
    def speedup(gpu):
        one = tput(model="llama-3.1-70b", gpu=gpu, precision="bf16")
        four = tput(model="llama-3.1-70b", gpu=gpu, gpu_count=4, precision="bf16")
        return four.decode_tokens_per_s / one.decode_tokens_per_s, four
    nvlink, _ = speedup("a100-80gb-sxm")
    pcie, four = speedup("a100-80gb-pcie")
    assert pcie < nvlink - 0.2
    assert any("PCIe" in n for n in four.notes)


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
    # end-to-end GPU-hours = the hand-derived FLOPs at the MFU the answer states, divided by the stated goodput
    flops = (6 * n + attn) * 1e9
    assert r.gpu_hours == pytest.approx(flops / (312e12 * r.mfu) / 3600 / r.goodput, rel=1e-2)
    assert r.running_hours * r.gpu_count == pytest.approx(flops / (312e12 * r.mfu) / 3600, rel=1e-2)
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
