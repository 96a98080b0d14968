"""Parameter inventory computed from a model's shape.

Every tensor group carries a role, so formats can treat them differently (GGUF gives the LM head
Q6_K, GPTQ/AWQ and bitsandbytes keep embeddings and the LM head in 16-bit, LoRA targets the
linear layers). Counts include embeddings, the LM head when untied, biases, norms, MoE experts
and routers, and MLA's low-rank projections.
"""

from __future__ import annotations

from dataclasses import dataclass

from .arch import ModelSpec
from .base import record

# Roles that are linear layers inside the transformer blocks (quantizable, LoRA targets).
LINEAR_ROLES = frozenset(
    {"attn_q", "attn_k", "attn_v", "attn_o", "attn_qkv", "mla_q_a", "mla_q_b", "mla_kv_a", "mla_kv_b",
     "mlp_gate", "mlp_up", "mlp_down", "expert_gate", "expert_up", "expert_down",
     "shared_gate", "shared_up", "shared_down"}
)
EXPERT_ROLES = frozenset({"expert_gate", "expert_up", "expert_down"})


@dataclass(frozen=True)
class TensorGroup:
    """`per_layer` elements of one kind of weight, present in `layers` layers (0 = outside the blocks).

    `rows`/`cols` give one matrix's shape (for LoRA rank maths and GGUF row-size rules);
    `copies` counts identical matrices per layer (experts)."""

    role: str
    per_layer: int
    layers: int = 0
    rows: int = 0
    cols: int = 0
    copies: int = 1
    first_layer: int = 0

    @property
    def total(self) -> int:
        return self.per_layer * max(self.layers, 1)

    @property
    def is_linear(self) -> bool:
        return self.role in LINEAR_ROLES


@record
class ParamCounts:
    total: int
    active: int
    embedding: int
    lm_head: int
    attention: int
    mlp: int
    experts: int
    norms_and_biases: int
    extra: int

    @property
    def total_b(self) -> float:
        return self.total / 1e9

    @property
    def active_b(self) -> float:
        return self.active / 1e9


def _attention(m: ModelSpec, n: int) -> list[TensorGroup]:
    h = m.hidden_size
    if m.is_mla:
        qk = m.qk_nope_head_dim + m.qk_rope_head_dim
        out: list[TensorGroup] = []
        if m.q_lora_rank:
            out += [TensorGroup("mla_q_a", h * m.q_lora_rank, n, m.q_lora_rank, h),
                    TensorGroup("norm", m.q_lora_rank, n),
                    TensorGroup("mla_q_b", m.q_lora_rank * m.num_heads * qk, n, m.num_heads * qk, m.q_lora_rank)]
        else:
            out.append(TensorGroup("attn_q", h * m.num_heads * qk, n, m.num_heads * qk, h))
        kv_a = m.kv_lora_rank + m.qk_rope_head_dim
        kv_b = m.num_heads * (m.qk_nope_head_dim + m.v_head_dim)
        out += [TensorGroup("mla_kv_a", h * kv_a, n, kv_a, h),
                TensorGroup("norm", m.kv_lora_rank, n),
                TensorGroup("mla_kv_b", m.kv_lora_rank * kv_b, n, kv_b, m.kv_lora_rank),
                TensorGroup("attn_o", m.num_heads * m.v_head_dim * h, n, h, m.num_heads * m.v_head_dim)]
        return out
    q_out = m.num_heads * m.head_dim
    kv_out = m.num_kv_heads * m.head_dim
    groups: list[TensorGroup] = []
    if m.fused_qkv:
        groups.append(TensorGroup("attn_qkv", h * (q_out + 2 * kv_out), n, q_out + 2 * kv_out, h))
    else:
        groups += [TensorGroup("attn_q", h * q_out, n, q_out, h),
                   TensorGroup("attn_k", h * kv_out, n, kv_out, h),
                   TensorGroup("attn_v", h * kv_out, n, kv_out, h)]
    groups.append(TensorGroup("attn_o", q_out * h, n, h, q_out))
    bias = (q_out + 2 * kv_out if m.qkv_bias else 0) + (h if m.attn_out_bias else 0)
    bias += m.num_heads if m.attention_sinks else 0
    bias += 2 * m.head_dim if m.qk_norm else 0
    if bias:
        groups.append(TensorGroup("bias", bias, n))
    return groups


def _mlp(m: ModelSpec, inter: int, n: int, prefix: str = "mlp", copies: int = 1) -> list[TensorGroup]:
    h = m.hidden_size
    groups = []
    if m.mlp == "gated":
        groups += [TensorGroup(f"{prefix}_gate", copies * h * inter, n, inter, h, copies),
                   TensorGroup(f"{prefix}_up", copies * h * inter, n, inter, h, copies)]
        bias = 2 * inter + h
    else:
        groups.append(TensorGroup(f"{prefix}_up", copies * h * inter, n, inter, h, copies))
        bias = inter + h
    groups.append(TensorGroup(f"{prefix}_down", copies * inter * h, n, h, inter, copies))
    if m.mlp_bias:
        groups.append(TensorGroup("bias", copies * bias, n))
    return groups


_GROUPS: dict[str, tuple[TensorGroup, ...]] = {}


def tensor_groups(m: ModelSpec) -> tuple[TensorGroup, ...]:
    """All weights of the model, grouped by role (cached for catalog models, whose shapes are fixed)."""
    if m.origin == "catalog":
        if m.id not in _GROUPS:
            _GROUPS[m.id] = _build_groups(m)
        return _GROUPS[m.id]
    return _build_groups(m)


def _build_groups(m: ModelSpec) -> tuple[TensorGroup, ...]:
    h, L = m.hidden_size, m.num_layers
    norm_w = 2 if m.norm == "layer" else 1
    groups = [TensorGroup("embed", m.vocab_size * h, 0, m.vocab_size, h)]
    if m.learned_positions:
        groups.append(TensorGroup("pos_embed", m.learned_positions * h, 0))
    if m.embed_norm:
        groups.append(TensorGroup("norm", norm_w * h, 0))
    groups += _attention(m, L)
    groups.append(TensorGroup("norm", m.norms_per_layer * norm_w * h, L))
    if m.dense_layers:
        groups += _mlp(m, m.intermediate_size, m.dense_layers)
    if m.is_moe:
        E, n = m.num_experts, m.moe_layers
        groups += _mlp(m, m.moe_intermediate_size, n, "expert", E)
        groups.append(TensorGroup("router", h * E + (E if m.router_bias else 0), n))
        if m.num_shared_experts:
            groups += _mlp(m, m.shared_expert_intermediate_size, n, "shared")
            if m.shared_expert_gate:
                groups.append(TensorGroup("router", h, n))
    groups.append(TensorGroup("norm", norm_w * h, 0))
    if not m.tie_embeddings:
        groups.append(TensorGroup("lm_head", m.vocab_size * h, 0, m.vocab_size, h))
    if m.lm_head_bias:
        groups.append(TensorGroup("bias", m.vocab_size, 0))
    if m.extra_params:
        groups.append(TensorGroup("extra", m.extra_params, 0))
    return tuple(groups)


_COUNTS: dict[str, ParamCounts] = {}


def count_params(m: ModelSpec) -> ParamCounts:
    if m.origin == "catalog":
        if m.id not in _COUNTS:
            _COUNTS[m.id] = _count(m)
        return _COUNTS[m.id]
    return _count(m)


def _count(m: ModelSpec) -> ParamCounts:
    sums: dict[str, int] = {}
    active = 0
    for g in tensor_groups(m):
        sums[g.role] = sums.get(g.role, 0) + g.total
        if g.role in EXPERT_ROLES:
            active += g.total * m.experts_per_token // max(m.num_experts, 1)
        elif g.role != "extra":
            active += g.total
    attention = sum(v for k, v in sums.items() if k.startswith(("attn_", "mla_")))
    mlp = sum(v for k, v in sums.items() if k.startswith(("mlp_", "shared_")))
    experts = sum(sums.get(k, 0) for k in EXPERT_ROLES) + sums.get("router", 0)
    total = sum(sums.values())
    return ParamCounts(
        total=total,
        active=active,
        embedding=sums.get("embed", 0) + sums.get("pos_embed", 0),
        lm_head=sums.get("lm_head", 0),
        attention=attention,
        mlp=mlp,
        experts=experts,
        norms_and_biases=sums.get("norm", 0) + sums.get("bias", 0),
        extra=sums.get("extra", 0),
    )
