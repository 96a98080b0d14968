"""estimate_memory: golden numbers derived by hand from the model shapes, with the formula cited."""

import pytest

from tools.errors import AdvisorInputError
from tools.formats import weight_bytes, weight_format
from tools.memory import MemoryRequest, estimate_memory
from tools.memory_inference import kv_bytes_per_token
from tools.models import get_model
from tools.units import GIB


def mem(**kw):
    return estimate_memory(MemoryRequest(**kw))


def test_llama31_8b_bf16_weights_and_kv_at_8k():
    # 8,030,261,248 params x 2 bytes = 14.96 GiB; KV = 32 layers x 2 x 8 heads x 128 x 2 B x 8192 = 1.0 GiB
    m = mem(model="llama-3.1-8b", workload="inference", precision="bf16", context=8192)
    assert m.breakdown_gib["weights"] == pytest.approx(14.96, abs=0.01)
    assert m.breakdown_gib["kv_cache"] == pytest.approx(1.0, abs=0.001)
    assert m.total_gib == m.per_gpu_gib > m.allocated_per_gpu_gib
    assert set(m.breakdown_gib) >= {"weights", "kv_cache", "activations", "overhead"}
    assert any("8,192" in a for a in m.assumptions)


def test_llama3_70b_q4_k_m_weights():
    # llama.cpp reports 39.59 GiB for Meta-Llama-3-70B Q4_K_M (XiongjieDai benchmark table)
    m = mem(model="llama-3-70b", workload="inference", precision="q4_k_m")
    assert m.weights_gib == pytest.approx(39.6, abs=0.1)
    assert m.framework == "llama.cpp"


def test_four_bit_is_four_times_smaller_not_eight():
    # the widely copied "70B at 4-bit needs 17.5 GB" is wrong: 4-bit plus scales is ~35 GB of weights
    spec = get_model("llama-3-70b")
    awq = weight_bytes(spec, weight_format("awq"))
    assert 35e9 < awq < 40e9
    assert weight_bytes(spec, weight_format("bf16")) / awq == pytest.approx(3.7, abs=0.2)


def test_kv_cache_uses_kv_heads_not_hidden_size():
    # Llama-3-70B: 80 layers x 2 x 8 KV heads x 128 x 2 B = 327,680 B/token (from hidden_size it would be 8x)
    assert kv_bytes_per_token(get_model("llama-3-70b"), 4096, "bf16") == 327_680
    assert kv_bytes_per_token(get_model("llama-3-70b"), 4096, "fp8") == 163_840


def test_mla_caches_the_compressed_latent():
    # DeepSeek-V3: 61 layers x (512 + 64) x 2 B = 70,272 B/token, replicated on each TP rank
    ds = get_model("deepseek-v3")
    assert kv_bytes_per_token(ds, 8192, "bf16") == 61 * 576 * 2
    assert kv_bytes_per_token(ds, 8192, "bf16", tp=8) == 61 * 576 * 2


def test_sliding_window_layers_hold_only_the_window():
    # Gemma-2-9B: 21 of 42 layers see 4096 tokens; at 8192 context those layers cost half per token
    g = get_model("gemma-2-9b")
    per_layer = 2 * 8 * 256 * 2
    assert kv_bytes_per_token(g, 8192, "bf16") == pytest.approx(per_layer * (21 + 21 * 0.5))
    assert kv_bytes_per_token(g, 4096, "bf16") == pytest.approx(per_layer * 42)


def test_kv_heads_are_split_by_tensor_parallel_and_replicated_past_them():
    m = get_model("llama-3-70b")  # 8 KV heads
    assert kv_bytes_per_token(m, 4096, "bf16", tp=4) == 327_680 / 4
    assert kv_bytes_per_token(m, 4096, "bf16", tp=16) == 327_680 / 8  # one head per GPU, replicated


def test_tensor_parallel_splits_weights():
    one = mem(model="llama-3.1-70b", precision="bf16")
    four = mem(model="llama-3.1-70b", precision="bf16", gpu_count=4)
    assert four.tensor_parallel == 4
    assert four.breakdown_gib["weights"] == pytest.approx(one.breakdown_gib["weights"] / 4, abs=0.001)


def test_405b_fp8_is_about_410_gb_of_weights():
    m = mem(model="llama-3.1-405b", precision="fp8", gpu_count=8)
    assert m.weights_gib * GIB / 1e9 == pytest.approx(410, rel=0.02)


def test_moe_holds_all_experts():
    m = mem(model="mixtral-8x7b", precision="bf16")
    assert m.params_b == pytest.approx(46.7, rel=0.01) and m.active_params_b == pytest.approx(12.9, rel=0.01)
    assert m.weights_gib == pytest.approx(46.7e9 * 2 / GIB, rel=0.01)


def test_vllm_note_reports_the_kv_pool():
    m = mem(model="llama-3.1-8b", framework="vllm", gpu="h100-sxm")
    assert any("KV pool" in n for n in m.notes)


def test_full_finetune_mixed_precision_adamw_is_16_bytes_per_param():
    m = mem(model="llama-2-7b", workload="training", method="full", gradient_checkpointing=True)
    p = 6_738_415_616
    states = m.breakdown_gib["weights"] + m.breakdown_gib["gradients"] + m.breakdown_gib["optimizer"]
    assert states == pytest.approx(16 * p / GIB, rel=1e-3)


def test_pure_bf16_and_8bit_adam_save_state():
    p = 6_738_415_616
    pure = mem(model="llama-2-7b", workload="training", method="full", pure_bf16=True)
    assert pure.breakdown_gib["optimizer"] == pytest.approx(4 * p / GIB, rel=1e-3)  # bf16 m and v
    eight = mem(model="llama-2-7b", workload="training", method="full", optimizer="adamw-8bit")
    assert eight.breakdown_gib["optimizer"] == pytest.approx(6 * p / GIB, rel=1e-3)  # fp32 master 4 + 2


def test_zero_stages_follow_deepspeed_estimators():
    # DeepSpeed estimate_zero2_model_states_mem_needs: 2P + 18P/N; zero3: 18P/N (+ gathered layers)
    p, n = 6_738_415_616, 8
    kw = dict(model="llama-2-7b", workload="training", method="full", gpu_count=n, gradient_checkpointing=True)
    z2 = mem(**kw, sharding="zero2")
    states2 = sum(z2.breakdown_gib[k] for k in ("weights", "gradients", "optimizer"))
    assert states2 == pytest.approx((2 * p + 18 * p / n) / GIB, rel=1e-3)
    z3 = mem(**kw, sharding="zero3")
    gathered = 2 * 2 * (p - 2 * 32000 * 4096 - 4096) / 32 / GIB  # two bf16 blocks in flight
    states3 = sum(z3.breakdown_gib[k] for k in ("weights", "gradients", "optimizer"))
    assert states3 == pytest.approx(18 * p / n / GIB + gathered, rel=1e-3)
    z1 = mem(**kw, sharding="zero1")
    assert z1.per_gpu_gib > z2.per_gpu_gib > z3.per_gpu_gib


def test_checkpointing_shrinks_activations():
    kw = dict(model="llama-3.1-8b", workload="training", method="lora", context=4096)
    off = mem(**kw, gradient_checkpointing=False).breakdown_gib["activations"]
    on = mem(**kw, gradient_checkpointing=True).breakdown_gib["activations"]
    assert on < off / 5


def test_qlora_defaults_follow_the_paper():
    # QLoRA (Dettmers et al. 2023): NF4 + double quantization, paged optimizer, gradient checkpointing
    m = mem(model="llama-2-13b", workload="training", method="qlora")
    assert m.precision == "nf4-dq" and any("checkpointing on" in a for a in m.assumptions)
    assert m.breakdown_gib["optimizer"] == 0 and m.breakdown_gib["optimizer_paged"] > 0
    assert any("paged-adamw (default for qlora)" in a for a in m.assumptions)
    plain = mem(model="llama-2-13b", workload="training", method="qlora", precision="nf4", optimizer="adamw")
    assert plain.per_gpu_gib > m.per_gpu_gib  # explicit choices are honoured


def test_cpu_offload_moves_state_to_host():
    kw = dict(model="llama-2-7b", workload="training", method="full")
    off = mem(**kw, offload="optimizer")
    assert off.breakdown_gib["optimizer"] == 0 and off.host_ram_gib > 70


@pytest.mark.parametrize("kw,match", [
    (dict(model="llama-2-13b", context=100_000), "beyond .* limit of 4,096"),
    (dict(model="llama-3-70b", gpu_count=3), "does not divide"),
    (dict(model="llama-2-7b", batch=0), "--batch must be greater than 0"),
    (dict(model="llama-2-7b", context=-5), "--context must be greater than 0"),
    (dict(model="llama-2-7b", precision="q9"), "Unknown precision"),
    (dict(model="llama-2-7b", workload="dance"), "--workload"),
    (dict(model="llama-2-7b", gpu_count=4, pipeline_parallel=3), "multiple of TP x PP"),
    (dict(model="llama-2-7b", workload="training", method="full", precision="q4_k_m"), "qlora"),
    (dict(model="llama-2-7b", precision="awq", framework="llama.cpp"), "GGUF"),
    (dict(model="llama-2-7b", workload="training", offload="optimizer+params"), "ZeRO-3"),
])
def test_bad_input_says_how_to_fix_it(kw, match):
    with pytest.raises(AdvisorInputError, match=match):
        mem(**kw)
