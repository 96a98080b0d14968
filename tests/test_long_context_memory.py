"""Issue 17 part 2: long-context fine-tuning memory (logits/loss by kernel, recomputation peak, HF QLoRA fp32)."""

import pytest

from tools.errors import AdvisorInputError
from tools.memory import MemoryRequest, estimate_memory
from tools.models import get_model
from tools.train_activations import layer_bytes_per_token
from tools.units import GIB

QLORA_8B = dict(model="llama-3.1-8b", workload="training", method="qlora", precision="nf4-dq", batch=1,
                lora_rank=32, gradient_checkpointing=True, optimizer="adamw-8bit")


def mem(**kw):
    return estimate_memory(MemoryRequest(**{**QLORA_8B, **kw}))


def test_plain_loss_holds_14_bytes_per_logit():
    # bf16 logits 2 + fp32 upcast 4 + shifted contiguous copy 4 + saved log-softmax 4; vocab 128,256
    r = mem(context=8192)
    head_copy = 2 * 128_256 * 4096  # HF QLoRA: bf16 autocast copy of the fp32 LM head, held for backward
    assert r.breakdown_gib["logits"] * GIB == pytest.approx(8192 * 128_256 * 14 + head_copy, rel=1e-3)


def test_loss_kernels_order_and_fused_ignores_the_vocabulary():
    plain, chunked, fused = (mem(context=16384, loss_kernel=k) for k in ("plain", "chunked", "fused"))
    assert fused.breakdown_gib["logits"] < chunked.breakdown_gib["logits"] < plain.breakdown_gib["logits"]
    assert plain.per_gpu_gib - fused.per_gpu_gib > 20  # ~27 GiB of logits at 16k tokens x 128k vocab
    assert any("fused linear cross-entropy" in a for a in fused.assumptions)
    assert any("plain cross-entropy" in a and "default" in a for a in mem(context=16384).assumptions)


def test_hf_qlora_keeps_embeddings_and_head_in_fp32_torchtune_does_not():
    hf, tt = mem(context=2048), mem(context=2048, framework="torchtune")
    embed_and_head = 2 * 128_256 * 4096
    assert (hf.breakdown_gib["weights"] - tt.breakdown_gib["weights"]) * GIB == pytest.approx(2 * embed_and_head,
                                                                                               rel=0.01)
    assert any("fp32" in a for a in hf.assumptions)


def test_hugging_face_qlora_of_an_8b_model_does_not_fit_8_gib_at_any_context():
    # Unsloth's table: HF + FA2 goes out of memory on an 8 GB GPU
    assert mem(context=16).per_gpu_gib > 8


def test_checkpointed_peak_is_the_larger_stage_not_the_sum():
    m = get_model("llama-3.1-8b")
    r = mem(context=4096, framework="torchtune")  # bf16 stream, chunked loss: the recomputed layer dominates
    checkpoints = 4096 * 2 * 4096 * 32
    layer = 4096 * layer_bytes_per_token(m, 4096, True)
    total_acts = (r.breakdown_gib["activations"] + r.breakdown_gib["logits"]) * GIB
    assert checkpoints + layer < total_acts < checkpoints + layer + r.breakdown_gib["logits"] * GIB + 4096 * 1e5


def test_fp32_stream_doubles_the_residual_but_flash_attention_inputs_stay_bf16():
    m = get_model("llama-3.1-8b")
    bf16, fp32 = layer_bytes_per_token(m, 4096, True), layer_bytes_per_token(m, 4096, True, act=4.0)
    h, i, q, kv = 4096, 14336, 4096, 1024
    assert bf16 == 4 * h + 4 * q + 4 * kv + 4 * h + 8 * i  # Korthikanti et al. without dropout, GQA, gated MLP
    assert fp32 == 8 * h + 4 * q + 4 * kv + 8 * h + 14 * i


def test_unknown_loss_kernel_is_a_fix_it_error():
    with pytest.raises(AdvisorInputError, match="loss-kernel"):
        mem(context=1024, loss_kernel="magic")
