"""Charts for answers that are easier to see than to read: a memory breakdown against the GPU's capacity,
and option comparisons for plans and quantization. matplotlib figures (front ends render them)."""

from __future__ import annotations

from .answer import Answer

PARTS = [("weights", "weights", "#4C78A8"), ("adapters", "LoRA adapters", "#9ECAE9"), ("kv_cache", "KV cache", "#F58518"),
         ("activations", "activations", "#54A24B"), ("logits", "logits", "#88D27A"), ("gradients", "gradients", "#E45756"),
         ("optimizer", "optimizer", "#B279A2"), ("overhead", "CUDA context + allocator", "#BAB0AC")]


def _last(answer: Answer, *tools: str):
    for call in reversed(answer.calls):
        if call.tool in tools and isinstance(call.result, dict):
            return call
    return None


def chart_for(answer: Answer):
    """A figure for the answer, or None when there is nothing worth drawing."""
    fit = _last(answer, "check_fit", "estimate_memory")
    if fit is not None:
        return memory_chart(fit.result)
    plan = _last(answer, "recommend_hardware")
    if plan is not None:
        return plan_chart(plan.result)
    quant = _last(answer, "compare_quantization")
    if quant is not None:
        return quant_chart(quant.result)
    return None


def _figure(width: float = 6.4, height: float = 3.2):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(width, height), dpi=100)
    return fig, ax


def memory_chart(result: dict):
    mem = result.get("memory", result)
    breakdown = mem.get("breakdown_gib", {})
    available = result.get("available_gib")
    fig, ax = _figure()
    left = 0.0
    for key, label, color in PARTS:
        v = breakdown.get(key, 0.0)
        if v > 0:
            ax.barh(["per GPU"], [v], left=left, color=color, label=f"{label} {v:.1f}")
            left += v
    if available:
        ax.axvline(available, color="black", linestyle="--", linewidth=1.5)
        ax.text(available, -0.42, f" available {available:.1f} GiB", va="top", fontsize=8)
    ax.set_xlabel("GiB per GPU")
    ax.set_title(f"{mem.get('model', '')[:48]}: {mem.get('per_gpu_gib', left):.1f} GiB per GPU", fontsize=10, pad=8)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.35), ncol=4, frameon=False)
    fig.tight_layout()
    return fig


def plan_chart(result: dict):
    opts = [o for o in result.get("by_cost", [])[:8] if o.get("usd_per_hour")]
    fig, ax = _figure(6.4, 0.45 * max(len(opts), 3) + 1)
    labels = [f"{o['gpu_count']}x {o['gpu_id']} {o['precision']}" for o in opts][::-1]
    values = [o["usd_per_hour"] for o in opts][::-1]
    bars = ax.barh(labels, values, color=["#E45756" if o.get("tight") else "#4C78A8" for o in opts][::-1])
    for bar, o in zip(bars, opts[::-1], strict=False):
        speed = o.get("decode_tokens_per_s")
        note = f" {speed:.0f} tok/s" if speed else (f" {o['hours']:.0f} h" if o.get("hours") else "")
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, note, va="center", fontsize=7)
    ax.set_xlabel("$ per hour (whole configuration)")
    ax.set_title("Cheapest configurations (red: tight on memory)", fontsize=10)
    ax.tick_params(axis="y", labelsize=7)
    fig.tight_layout()
    return fig


def quant_chart(result: dict):
    opts = result.get("options", [])
    fig, ax = _figure()
    colors = ["#54A24B" if o.get("fits") else ("#E45756" if o.get("fits") is False else "#4C78A8") for o in opts]
    ax.bar([o["format"] for o in opts], [o["weights_gb"] for o in opts], color=colors)
    ax.set_ylabel("weights, GB")
    ax.set_title(f"{result.get('model', '')}: size by format" + (" (green fits)" if result.get("gpu") else ""),
                 fontsize=10)
    ax.tick_params(axis="x", labelrotation=60, labelsize=7)
    fig.tight_layout()
    return fig
