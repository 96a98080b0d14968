"""Plain-text rendering of tool results for the terminal."""

from __future__ import annotations

from .terminal import clip

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
    what = ("inference" if m.workload == "inference" else "pretraining" if m.method == "pretrain"
            else f"{(m.method or 'full').upper()} training")
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
    what = ("inference" if m.workload == "inference" else "pretraining" if m.method == "pretrain"
            else f"{(m.method or 'full').upper()} fine-tune")
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
        lines.append(f"{g.id:<24}{clip(g.name, 39):<40}{g.memory_gib:>7.1f}{g.memory_bandwidth_gb_per_s:>7.0f}"
                     f"{bf16:>9}{fp8:>8}  {clip(ic, 40)}")
    return "\n".join(lines)


def models_text(rows) -> str:
    lines = [f"{'id':<32}{'params (B)':>11}{'active':>8}{'layers':>7}{'KV heads':>9}{'context':>9}{'ships in':>9}  name"]
    for s, c in rows:
        active = f"{c.active_b:.1f}" if s.is_moe else ""
        lines.append(f"{s.id:<32}{c.total_b:>11.2f}{active:>8}{s.num_layers:>7}{s.num_kv_heads:>9}"
                     f"{s.max_context:>9}{s.native_precision:>9}  {s.name}")
    lines.append(f"{len(rows)} models. Also: any Hugging Face repo id (org/name), or a size like 13B.")
    return "\n".join(lines)


def model_text(s, c) -> str:
    lines = [f"{s.name} ({s.id})" + (" - APPROXIMATE shape from a bare size" if s.approximate else ""),
             f"  parameters: {c.total_b:.3f}B" + (f" total, {c.active_b:.3f}B active per token" if s.is_moe else ""),
             f"  layers {s.num_layers}, hidden {s.hidden_size}, heads {s.num_heads} (KV heads {s.num_kv_heads}, "
             f"head_dim {s.head_dim}), MLP {s.intermediate_size} ({s.mlp}), vocab {s.vocab_size:,}"
             + (", tied embeddings" if s.tie_embeddings else ""),
             f"  context: {s.max_context:,} tokens; weights ship in {s.native_precision}"]
    if s.note:
        lines.append(f"  note: {s.note}")
    if s.extra_params:
        lines.append(f"  plus {s.extra_params / 1e9:.3f}B outside the text stack: {s.extra_params_note}")
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


def _lines(title: str, rows: list[str], assumptions: list[str], notes: list[str]) -> str:
    out = [title, *rows, "", "Assumptions:"] + [f"  - {a}" for a in assumptions]
    if notes:
        out += ["Notes:"] + [f"  - {n}" for n in notes]
    return "\n".join(out)


def throughput_text(r) -> str:
    rows = [f"Decode: {r.decode_tokens_per_s:,.1f} tokens/s per stream ({r.ms_per_token:.1f} ms/token), "
            f"{r.decode_tokens_per_s_total:,.0f} tokens/s for all {r.batch} stream(s); limited by {r.bound}.",
            f"Prefill: {r.prefill_tokens_per_s:,.0f} tokens/s; time to first token {r.time_to_first_token_s:.2f} s; "
            f"one request end to end {r.request_seconds:.1f} s.",
            f"Weights read per decode step: {r.weights_read_gb_per_token:.2f} GB."]
    if r.step_ms:
        rows.append("One decode step: " + ", ".join(f"{k} {v:.2f} ms" for k, v in r.step_ms.items()) + ".")
    if r.decode_tokens_per_s_range:
        lo, hi = r.decode_tokens_per_s_range
        ttft = r.time_to_first_token_s_range
        rows.append(f"Range: {lo:,.1f}-{hi:,.1f} tokens/s per stream"
                    + (f"; time to first token {ttft[0]:.2f}-{ttft[1]:.2f} s" if ttft else "") + " (see notes).")
    notes = r.notes + ([r.range_note] if r.range_note else [])
    return _lines(f"{r.model} - {r.precision} on {r.gpu_count}x {r.gpu} ({r.framework})", rows, r.assumptions, notes)


def training_text(r, cost=None) -> str:
    rows = [f"{r.flops:.3g} FLOPs ({r.flops_per_token / 1e9:.1f} GFLOPs/token x {r.tokens:.3g} tokens)",
            f"Time: {r.hours:,.1f} h ({r.days:,.1f} days) on {r.gpu_count} GPUs = {r.gpu_hours:,.0f} GPU-hours "
            f"end to end at {r.goodput:.0%} goodput",
            f"Range: {r.gpu_hours_range[0]:,.0f} (best) to {r.gpu_hours_range[1]:,.0f} (typical) GPU-hours",
            f"Speed while running: {r.tokens_per_s_per_gpu:,.0f} tokens/s per GPU, {r.tflops_per_gpu:.0f} TFLOPS "
            f"per GPU (MFU {r.mfu:.1%}; typical-best {r.mfu_range[0]:.0%}-{r.mfu_range[1]:.0%})"]
    if cost is not None and cost.usd is not None:
        rows.append(f"Cost: ${cost.usd:,.0f} at ${cost.usd_per_gpu_hour:.2f}/GPU-hour ({cost.price_basis})")
    return _lines(f"{r.model} - {r.method} on {r.gpu_count}x {r.gpu}", rows, r.assumptions, r.notes)


def cost_text(r) -> str:
    rows = []
    if r.usd_per_hour is not None:
        rows.append(f"Rent: ${r.usd_per_gpu_hour:.2f} per GPU-hour, ${r.usd_per_hour:,.2f}/hour for {r.gpu_count} "
                    f"({r.price_basis})")
    if r.usd is not None:
        rows.append(f"Cost of the run: ${r.usd:,.2f}")
    if r.usd_per_million_tokens is not None:
        rows.append(f"Serving: ${r.usd_per_million_tokens:,.3f} per 1M generated tokens")
    if r.purchase_usd:
        rows.append(f"Buying: ${r.purchase_usd:,.0f}; power ~${r.power_usd_per_month or 0:,.0f}/month; "
                    + (f"break-even after {r.break_even_months} months of renting" if r.break_even_months
                       else "renting stays cheaper at this usage"))
    if r.offers:
        rows += ["", "Offers on file:"] + [f"  {o.provider:<14}{o.type:<12}${o.usd_per_gpu_hour:>6.2f}/GPU-h  {o.date:<11}"
                                           f"{o.source}" for o in r.offers]
    return _lines(f"Cost - {r.gpu_count}x {r.gpu}", rows, r.assumptions, r.notes)


def _quality_note(o) -> str:
    """'moderate: GPTQ INT4 g128 raises ...', without the summary's own repeat of the impact word, cut at a word."""
    note = o.quality
    if note.lower().startswith(o.quality_impact.lower()):
        note = note[len(o.quality_impact):].lstrip(" :")
    return clip(f"{o.quality_impact}{' ' if note.startswith('(') else ': '}{note}", 80)


def quantization_text(r) -> str:
    head = f"{'format':<16}{'bits/w':>7}{'weights GiB':>12}{'per GPU GiB':>12}  {'fits':<5} quality"
    rows = [head]
    for o in r.options:
        fits = "-" if o.fits is None else ("yes" if o.fits else "no")
        total = f"{o.total_gib:.1f}" if o.total_gib is not None else "-"
        rows.append(f"{o.format:<16}{o.bits_per_weight:>7.2f}{o.weights_gib:>12.1f}{total:>12}  {fits:<5} "
                    f"{_quality_note(o)}")
    if r.gpu:
        rows += ["", "Runs on this GPU:"] + [f"  {o.format:<16}{o.runs_on_gpu}" for o in r.options]
        rows.append(f"Least lossy format that fits: {r.smallest_that_fits or 'none'}")
    title = f"{r.model} ({r.params_b:.1f}B params)" + (f" on {r.gpu_count}x {r.gpu}" if r.gpu else "")
    return _lines(title, rows, [], r.notes)


def plan_text(r) -> str:
    inference = r.workload == "inference"
    shown = list(r.by_cost) + list(r.by_speed[:6])
    width = max([len(f"{o.gpu_count}x {o.gpu}") for o in shown] + [6]) + 2
    if inference:
        head = (f"{'config':<{width}}{'precision':<10}{'layout':<22}{'tok/s/user':>11}{'users held':>11}"
                f"{'TTFT s':>8}{'$/hour':>9}{'$/1M tok':>10}  note")
    else:
        head = f"{'config':<{width}}{'layout':<30}{'GiB/GPU':>14}{'days':>9}{'GPU-hours':>12}{'$ total':>13}  note"
    priced = any(o.usd_per_hour for o in r.by_cost)
    rows = ["Cheapest first:" if priced else "No rental price on file for these GPUs (options unranked by cost):", head]

    def row(o):
        cfg = f"{o.gpu_count}x {o.gpu}"
        usd = f"{o.usd_per_hour:.2f}" if o.usd_per_hour else "?"
        note = ", ".join(x for x in ("TIGHT" if o.tight else "", "multi-node" if o.multi_node else "",
                                      "consumer card" if o.consumer else "") if x)
        if inference:
            per_m = f"{o.usd_per_million_tokens:.2f}" if o.usd_per_million_tokens else "?"
            held = f"{o.max_concurrent_sequences}" if o.max_concurrent_sequences is not None else "-"
            ttft = f"{o.ttft_s:.2f}" if o.ttft_s is not None else "-"
            return (f"{cfg:<{width}}{o.precision:<10}{o.layout:<22}{o.decode_tokens_per_s:>11.1f}{held:>11}"
                    f"{ttft:>8}{usd:>9}{per_m:>10}  {note}")
        mem = f"{o.memory_per_gpu_gib:.1f}/{o.available_per_gpu_gib:.0f}"
        total = f"{o.usd_total:,.0f}" if o.usd_total else "?"
        return (f"{cfg:<{width}}{o.layout:<30}{mem:>14}{(o.days or 0):>9,.1f}{(o.gpu_hours or 0):>12,.0f}{total:>13}"
                f"  {note}")

    rows += [row(o) for o in r.by_cost]
    rows += ["", "Fastest first:", head] + [row(o) for o in r.by_speed[:6]]
    if inference:
        rows += ["", "By GPU (fewest GPUs per precision; tok/s per user, $/hour):"]
        by_gpu: dict[str, list] = {}
        for o in r.options:
            by_gpu.setdefault(o.gpu, []).append(o)
        for gpu, opts in by_gpu.items():
            parts = [f"{o.precision} {o.gpu_count}x {o.layout}{' TIGHT' if o.tight else ''} "
                     f"{o.decode_tokens_per_s:.0f} t/s" + (f" ${o.usd_per_hour:.2f}" if o.usd_per_hour else "")
                     for o in opts]
            rows.append(f"  {gpu}: " + " | ".join(parts))
    if r.cheapest_single_node:
        o = r.cheapest_single_node
        rows += ["", f"Cheapest single-node option with headroom: {o.gpu_count}x {o.gpu} ({o.precision}, {o.layout}): "
                 f"{o.reason}"]
    elif r.by_cost and r.by_cost[0].usd_per_hour:
        o = r.by_cost[0]
        rows += ["", f"Cheapest: {o.gpu_count}x {o.gpu} ({o.layout}): {o.reason}"]
    elif r.by_speed:  # nothing priced (H20, L20, ...): there is no cheapest, name the fastest and say why
        o = r.by_speed[0]
        rows += ["", f"Fastest (no rental price on file for these GPUs): {o.gpu_count}x {o.gpu} ({o.layout}): {o.reason}"]
    if getattr(r, "gpus_needed", None):
        rows.append("GPUs needed: " + ", ".join(f"{k} {v:,}" for k, v in r.gpus_needed.items()))
    rows.append(f"({r.considered} configurations considered)")
    return _lines(f"{r.model} - plan for {r.workload}", rows, r.assumptions, r.notes)


def guide_text(rows) -> str:
    out = [f"{'scale':<11}{'example':<10}{'train (full fine-tune)':<42}{'serve (bf16)':<28}{'serve (4-bit)':<28}"
           "limiting factor"]
    for g in rows:
        out.append(f"{g.scale:<11}{g.example:<10}{clip(g.training, 41):<42}{clip(g.inference_bf16, 27):<28}"
                   f"{clip(g.inference_4bit, 27):<28}{g.limiting_factor}")
    return "\n".join(out)


def passages_text(hits) -> str:
    if not hits:
        return "No guidance found."
    out = []
    for h in hits:
        out += [f"[{h.score:.2f}] {h.citation}", "  " + h.text.replace("\n", "\n  ")[:700], ""]
    return "\n".join(out).rstrip()
