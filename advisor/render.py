"""Plain-text rendering of tool results for the terminal."""

from __future__ import annotations

_ORDER = ["weights", "adapters", "kv_cache", "activations", "logits", "gradients", "optimizer", "optimizer_paged", "overhead"]
_LABEL = {"kv_cache": "KV cache", "adapters": "LoRA adapters (fp32)", "optimizer_paged": "optimizer (paged, not counted)",
          "overhead": "CUDA context + allocator"}


def breakdown_table(breakdown: dict[str, float], total: float) -> list[str]:
    keys = [k for k in _ORDER if k in breakdown] + [k for k in breakdown if k not in _ORDER]
    lines = ["  Memory per GPU                       GiB"]
    for k in keys:
        lines.append(f"    {_LABEL.get(k, k):<32}{breakdown[k]:>7.2f}")
    lines.append(f"    {'total':<32}{total:>7.2f}")
    return lines


def memory_text(m) -> str:
    what = "inference" if m.workload == "inference" else f"{(m.method or 'full').upper()} training"
    layout = f"{m.gpu_count} GPU" + ("s" if m.gpu_count > 1 else "")
    if m.gpu_count > 1:
        layout += f" (TP {m.tensor_parallel}, PP {m.pipeline_parallel}, DP {m.data_parallel})"
    lines = [f"{m.model} ({m.params_b:.2f}B params) - {what}, {m.precision}, {m.framework}, {layout}",
             f"Needs {m.per_gpu_gib:.2f} GiB per GPU ({m.total_gib:.2f} GiB in all); weights {m.weights_gib:.2f} GiB.", ""]
    lines += breakdown_table(m.breakdown_gib, m.per_gpu_gib)
    lines += ["", "Assumptions:"] + [f"  - {a}" for a in m.assumptions]
    if m.host_ram_gib:
        lines.append(f"  - host RAM for offloaded state: {m.host_ram_gib:.1f} GiB")
    if m.notes:
        lines += ["Notes:"] + [f"  - {n}" for n in m.notes]
    return "\n".join(lines)


def fit_text(r) -> str:
    m = r.memory
    what = "inference" if m.workload == "inference" else f"{(m.method or 'full').upper()} fine-tune"
    head = f"{m.model} - {what} ({m.precision}) on {r.gpu_count}x {r.gpu}"
    if r.fits:
        verdict = (f"{r.verdict.upper()}: needs {r.required_gib:.2f} GiB per GPU of {r.available_gib:.2f} GiB "
                   f"({r.headroom_gib:.2f} GiB free).")
    else:
        verdict = (f"DOES NOT FIT: needs {r.required_gib:.2f} GiB per GPU, {r.available_gib:.2f} GiB available "
                   f"(short by {-r.headroom_gib:.2f} GiB).")
    lines = [head, verdict]
    limits = []
    if r.max_batch:
        limits.append(f"largest batch at {m.context:,} tokens: {r.max_batch}")
    if r.max_context:
        limits.append(f"longest context at batch {m.batch}: {r.max_context:,} tokens")
    if limits:
        lines.append("Limits: " + "; ".join(limits) + ".")
    lines.append("")
    lines += breakdown_table(m.breakdown_gib, m.per_gpu_gib)
    if r.suggestions:
        lines += ["", "What would make it fit (best first):"]
        for i, s in enumerate(r.suggestions, 1):
            mark = "fits" if s.fits else "still too big"
            lines.append(f"  {i}. {s.description}: {s.required_gib:.2f} GiB per GPU ({mark})")
    lines += ["", "Assumptions:"] + [f"  - {a}" for a in m.assumptions]
    notes = list(r.notes) + list(m.notes)
    if notes:
        lines += ["Notes:"] + [f"  - {n}" for n in notes]
    return "\n".join(lines)


def gpus_text(gpus) -> str:
    lines = [f"{'id':<24}{'name':<40}{'GiB':>7}{'GB/s':>7}{'BF16 TF':>9}{'FP8 TF':>8}  interconnect"]
    for g in gpus:
        bf16 = f"{g.bf16_tflops_dense:g}" if g.bf16_tflops_dense else "-"
        fp8 = f"{g.fp8_tflops_dense:g}" if g.fp8_tflops_dense else "-"
        ic = g.interconnect.type if g.interconnect else "-"
        lines.append(f"{g.id:<24}{g.name[:39]:<40}{g.memory_gib:>7.1f}{g.memory_bandwidth_gb_per_s:>7.0f}"
                     f"{bf16:>9}{fp8:>8}  {ic[:40]}")
    return "\n".join(lines)


def models_text(rows) -> str:
    lines = [f"{'id':<32}{'params (B)':>11}{'active':>8}{'layers':>7}{'KV heads':>9}{'context':>9}  name"]
    for s, c in rows:
        active = f"{c.active_b:.1f}" if s.is_moe else ""
        lines.append(f"{s.id:<32}{c.total_b:>11.2f}{active:>8}{s.num_layers:>7}{s.num_kv_heads:>9}"
                     f"{s.max_context:>9}  {s.name}")
    return "\n".join(lines)


def model_text(s, c) -> str:
    lines = [f"{s.name} ({s.id})" + (" - APPROXIMATE shape from a bare size" if s.approximate else ""),
             f"  parameters: {c.total_b:.3f}B" + (f" total, {c.active_b:.3f}B active per token" if s.is_moe else ""),
             f"  layers {s.num_layers}, hidden {s.hidden_size}, heads {s.num_heads} (KV heads {s.num_kv_heads}, "
             f"head_dim {s.head_dim}), MLP {s.intermediate_size} ({s.mlp}), vocab {s.vocab_size:,}"
             + (", tied embeddings" if s.tie_embeddings else ""),
             f"  context: {s.max_context:,} tokens"]
    if s.is_moe:
        lines.append(f"  MoE: {s.num_experts} experts, {s.experts_per_token} per token, expert MLP "
                     f"{s.moe_intermediate_size}, {s.moe_layers} MoE layers, {s.num_shared_experts} shared")
    if s.is_mla:
        lines.append(f"  MLA: kv_lora_rank {s.kv_lora_rank}, rope dims {s.qk_rope_head_dim}")
    if s.sliding_layers:
        lines.append(f"  sliding window {s.sliding_window} on {s.sliding_layers} of {s.num_layers} layers")
    if s.official_params_b:
        lines.append(f"  official count: {s.official_params_b}B ({s.params_source})")
    if s.config_source:
        lines.append(f"  config: {s.config_source}")
    return "\n".join(lines)
