"""Activation, recomputation and loss (logits) memory of a training step, per GPU.

A step's activation peak is one of two moments:
- the loss: every layer's saved activations (with checkpointing: only each layer's input) plus the
  logits and cross-entropy buffers, which for a 128k-152k vocabulary dwarf a layer at long sequences;
- the backward through the last layer, with checkpointing: every layer's input plus the recomputed
  layer's activations and their gradients. The logits are freed by then.
The peak is the larger of the two (not their sum).

Hugging Face QLoRA (PEFT's prepare_model_for_kbit_training) casts every parameter that is not 4-bit
(embeddings, LM head, norms) to fp32 ("cast all non INT8 parameters to fp32", peft/utils/other.py). The
fp32 embedding output makes the residual stream fp32 (transformers warns that FlashAttention's inputs
were "silently casted in float32" and casts them back), so checkpoints and most saved activations are
4 bytes per value, and under bf16 autocast the fp32 LM head is cast to a bf16 copy held for backward.
"""

from __future__ import annotations

from .arch import ModelSpec

# Bytes per (token x vocabulary entry) live at the loss. plain: transformers >= 4.46 ForCausalLMLoss keeps
# the bf16 logits (2), upcasts them (4), makes the shifted copy contiguous (4) and log_softmax saves its
# fp32 output for backward (4) = 14 at the forward peak (the backward holds 12). chunked: torchtune's
# CEWithChunkedOutputLoss upcasts one of 8 chunks at a time: 2 + 2 x 4/8 = 3.
LOSS_BYTES_PER_LOGIT = {"plain": 14.0, "chunked": 3.0}
# fused (Liger's fused linear cross-entropy, Apple's Cut Cross-Entropy in Unsloth): the sequence's logits are
# never materialised; Liger processes tokens x hidden / vocab positions per chunk, so a chunk's fp32 logits and
# their gradient are 2 x 4 bytes x hidden per token, whatever the vocabulary.
FUSED_BYTES_PER_HIDDEN = 8.0
LOSS_KERNEL_LABEL = {"plain": "plain cross-entropy (fp32 upcast logits, shifted copy, log-softmax)",
                     "chunked": "chunked cross-entropy (torchtune: one fp32 chunk of 8 at a time)",
                     "fused": "fused linear cross-entropy (Liger / Unsloth-CCE: logits never materialised)"}
ATTN_INPUT_ROLES = ("attn_q", "attn_k", "attn_v", "attn_qkv")
MLP_INPUT_ROLES = ("mlp_gate", "mlp_up")


def default_loss_kernel(kernel: str | None, framework: str | None) -> str:
    return kernel or ("chunked" if framework == "torchtune" else "plain")


def layer_bytes_per_token(m: ModelSpec, context: int, flash: bool, act: float = 2.0,
                          lora_roles: frozenset = frozenset()) -> float:
    """Saved activations of one layer for one token (Korthikanti et al. 2022, no dropout masks, GQA, gated MLPs).

    act: bytes of the residual stream and MLP values (2 in bf16; 4 in HF QLoRA's fp32 stream).
    Attention: norm input and output 2 x act x h; Q, K, V and the output as FlashAttention saves them in bf16.
    MLP: norm input and output; gated: gate, act(gate) and up (act each) and the down projection's input
    (2); plain: fc1 output (act) and fc2 input (2). With an fp32 stream each LoRA A on an fp32 input saves a
    bf16 copy of it (autocast). Eager attention adds scores and probabilities: 2 x 2 x heads x S."""
    h = m.hidden_size
    q = m.num_heads * (m.qk_nope_head_dim + m.qk_rope_head_dim if m.is_mla else m.head_dim)
    kv = m.num_kv_heads * m.head_dim if not m.is_mla else m.kv_lora_rank + m.num_heads * (m.qk_nope_head_dim + m.v_head_dim)
    inter = m.moe_intermediate_size * m.experts_per_token + m.shared_expert_intermediate_size if m.is_moe else m.intermediate_size
    casts = 0.0
    if act > 2:
        casts = 2 * h * (sum(r in lora_roles for r in ATTN_INPUT_ROLES) + sum(r in lora_roles for r in MLP_INPUT_ROLES))
    attn = 2 * act * h + 4 * q + 4 * kv
    mlp = 2 * act * h + ((3 * act + 2) if m.mlp == "gated" else (act + 2)) * inter
    scores = 0 if flash else 4 * m.num_heads * context
    return attn + mlp + casts + scores


def layer_grad_bytes_per_token(m: ModelSpec, act: float) -> float:
    """Gradients alive while back-propagating one layer: the residual stream's and the MLP's widest two."""
    inter = m.moe_intermediate_size * m.experts_per_token if m.is_moe else m.intermediate_size
    return act * (m.hidden_size + 2 * inter)


def loss_bytes(m: ModelSpec, tokens: float, kernel: str, fp32_head: bool) -> float:
    """Bytes live at the loss: the logits' buffers, plus HF QLoRA's bf16 autocast copy of an fp32 LM head."""
    if kernel == "fused":
        out = tokens * FUSED_BYTES_PER_HIDDEN * m.hidden_size
    else:
        out = tokens * m.vocab_size * LOSS_BYTES_PER_LOGIT[kernel]
    return out + (2.0 * m.vocab_size * m.hidden_size if fp32_head else 0.0)


def activation_peak(m: ModelSpec, tokens: float, context: int, layers: float, ckpt: bool, flash: bool,
                    kernel: str, fp32_stream: bool, lora_roles: frozenset) -> tuple[float, float, str]:
    """(activations, loss-stage bytes, explanation) such that their sum is the step's activation peak."""
    act = 4.0 if fp32_stream else 2.0
    layer = layer_bytes_per_token(m, context, flash, act, lora_roles if fp32_stream else frozenset())
    loss = loss_bytes(m, tokens, kernel, fp32_stream)
    if not ckpt:
        return tokens * layer * layers, loss, "all layers' activations held at the loss"
    saved = tokens * act * m.hidden_size * layers
    recompute = tokens * (layer + layer_grad_bytes_per_token(m, act))
    why = (f"checkpoints {saved / 2**30:.2f} GiB + the larger of the loss stage ({loss / 2**30:.2f} GiB) and "
           f"the recomputed layer with its gradients ({recompute / 2**30:.2f} GiB)")
    return saved + max(0.0, recompute - loss), loss, why
