"""Charts for answers that are easier to see than to read: memory against the GPU's capacity, training
time and cost by GPU count, prices on file, and option comparisons (plans, quantization, speed).
matplotlib figures (front ends render them); None when an answer has nothing worth drawing.

Every figure is built with matplotlib.figure.Figure (not pyplot), so nothing is kept in a global
registry after the page has it. Titles wrap at word boundaries; labels that could collide (the
"available" line, values on bars) go in the legend or beside the bars, never on top of a line."""

from __future__ import annotations

import textwrap
from contextvars import ContextVar
from functools import cache

from .answer import Answer

_ZH: ContextVar[bool] = ContextVar("chart_language_zh", default=False)
ZH_PARTS = {"weights": "权重", "LoRA adapters": "LoRA 适配器", "KV cache": "KV 缓存", "activations": "激活",
            "logits": "logits", "gradients": "梯度", "optimizer": "优化器", "CUDA context + allocator": "CUDA 上下文 + 分配器"}


def T(en: str, zh: str) -> str:  # noqa: N802 - reads like a marker around each label
    """A label in the answer's language (Chinese only where a CJK font can draw it)."""
    return zh if _ZH.get() else en


@cache
def _cjk_font() -> str | None:
    """A CJK font matplotlib can use (Debian's fonts-noto-cjk), or None: then the chart stays in English."""
    from matplotlib import font_manager

    for f in font_manager.fontManager.ttflist:
        if "CJK" in f.name and "Sans" in f.name:
            return f.name
    return None

PARTS = [("weights", "weights", "#4C78A8"), ("adapters", "LoRA adapters", "#9ECAE9"), ("kv_cache", "KV cache", "#F58518"),
         ("activations", "activations", "#54A24B"), ("logits", "logits", "#88D27A"), ("gradients", "gradients", "#E45756"),
         ("optimizer", "optimizer", "#B279A2"), ("overhead", "CUDA context + allocator", "#BAB0AC")]
TITLE_CHARS = 68  # per title line at 6.4 in wide and 10 pt: wraps before the figure's edge
MAX_BARS = 4  # memory bars (one per configuration the answer checked)


def _calls(answer: Answer, *tools: str) -> list:
    return [c for c in answer.calls if c.tool in tools and isinstance(c.result, dict)]


def chart_for(answer: Answer):
    """A figure for the answer, or None when there is nothing worth drawing; titles, axes and legends in the
    answer's language."""
    font = _cjk_font() if getattr(answer, "language", "en") == "zh" else None
    token = _ZH.set(bool(font))
    try:
        if not font:
            return _chart_for(answer)
        import matplotlib

        # named families (not the generic 'sans-serif', which is looked up again when the figure is drawn, after
        # this block): each text keeps CJK first, DejaVu for what it lacks
        with matplotlib.rc_context({"font.family": [font, "DejaVu Sans"]}):
            return _chart_for(answer)
    finally:
        _ZH.reset(token)


def _chart_for(answer: Answer):
    fits = _calls(answer, "check_fit", "estimate_memory")
    speeds = _calls(answer, "estimate_throughput")
    if len(speeds) >= 2 and len(speeds) >= len(fits):  # a speed comparison (each option's fit checked first)
        return speed_chart([c.result for c in speeds])
    if fits:
        return memory_chart([c.result for c in fits], [c.args for c in fits])
    plan = _calls(answer, "recommend_hardware")
    if plan:
        return plan_chart(plan[-1].result)
    training = _calls(answer, "estimate_training")
    if training:
        cost = _calls(answer, "estimate_cost")
        return training_chart(training[-1].args, training[-1].result, cost[-1].result if cost else None)
    quant = _calls(answer, "compare_quantization")
    if quant:
        return quant_chart(quant[-1].result)
    speeds = _calls(answer, "estimate_throughput")
    if len(speeds) >= 2:
        return speed_chart([c.result for c in speeds])
    cost = _calls(answer, "estimate_cost")
    if cost:
        return price_chart(cost[-1].result)
    return None


def _figure(width: float = 6.4, height: float = 3.2):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    return fig, fig.subplots()


def _title(ax, text: str) -> None:
    """A title of at most two lines, wrapped between words (a longer one ends with "...")."""
    lines = textwrap.wrap(" ".join(str(text).split()), TITLE_CHARS, max_lines=2, placeholder=" ...")
    ax.set_title("\n".join(lines), fontsize=10, pad=8)


def _short_gpu(name: str) -> str:
    return str(name).replace("NVIDIA ", "").replace("GeForce ", "")


def _fit_label(args: dict, result: dict) -> str:
    """The configuration a bar stands for, in a few words: "1x rtx-4090, lora, checkpointing"."""
    gpu = args.get("gpu") or result.get("gpu_id")
    parts = [f"{args.get('gpu_count', result.get('gpu_count', 1))}x {gpu}"] if gpu else []
    for key in ("method", "precision", "framework"):
        if args.get(key):
            parts.append(str(args[key]))
    if "gradient_checkpointing" in args:
        parts.append("checkpointing" if args["gradient_checkpointing"] else "no checkpointing")
    if args.get("context"):
        parts.append(f"{int(args['context']):,} tokens")
    return textwrap.fill(", ".join(parts), 26)


def memory_chart(results: list[dict], args: list[dict] | None = None):
    """Memory per GPU by part, one bar per configuration checked (the first is the one asked about),
    with each bar's usable GPU memory marked and named in the legend."""
    args = args or [{} for _ in results]
    rows = []
    for result, arg in list(zip(results, args, strict=False))[:MAX_BARS]:
        mem = result.get("memory", result)
        rows.append((_fit_label(arg, result) if len(results) > 1 else T("per GPU", "每卡"), mem.get("breakdown_gib", {}),
                     result.get("available_gib"), mem))
    fix = _fix_row(results)
    if fix and len(rows) < MAX_BARS:
        if len(rows) == 1:
            rows[0] = (T("as asked", "按所问"), *rows[0][1:])
        rows.append(fix)
    rows.reverse()  # the first configuration on top
    fig, ax = _figure(6.4, 2.2 + 0.55 * len(rows))
    labels = [r[0] for r in rows]
    drawn = set()
    for key, label, color in PARTS:
        values = [r[1].get(key, 0.0) or 0.0 for r in rows]
        if any(v > 0 for v in values):
            lefts = [sum((r[1].get(k, 0.0) or 0.0) for k, _, _ in PARTS[:[p[0] for p in PARTS].index(key)])
                     for r in rows]
            shown = ZH_PARTS.get(label, label) if _ZH.get() else label
            ax.barh(labels, values, left=lefts, color=color, height=0.6,
                    label=shown if len(rows) > 1 else f"{shown} {values[0]:.1f}")
            drawn.add(key)
    fixes = [r[1].get("fix", 0.0) for r in rows]
    if any(fixes):
        ax.barh(labels, fixes, color="#72B7B2", height=0.6, hatch="//",
                label=T("the recommended fix", "推荐改法"))
    for y, (_, _, available, _) in enumerate(rows):
        if available:
            ax.vlines(available, y - 0.42, y + 0.42, colors="black", linestyles="--", linewidth=1.5,
                      label=T(f"usable on the GPU: {available:.1f} GiB", f"GPU 可用：{available:.1f} GiB") if y == 0
                      else None)
    ax.set_xlabel(T("GiB per GPU", "每卡 GiB"))
    ax.tick_params(axis="y", labelsize=8)
    first = rows[-1][3]
    model = first.get("model") or ""
    model = model.split(" (")[0]  # "generic 13B dense model (approx. shape, ...)" -> its name
    total = first.get("per_gpu_gib") or sum(v or 0.0 for v in rows[-1][1].values())
    _title(ax, T(f"{model}: {total:.1f} GiB per GPU", f"{model}：每卡 {total:.1f} GiB")
           + (T(" (top bar: as asked)", "（最上面一条：按所问）") if len(rows) > 1 else ""))
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.28), ncol=3, frameon=False)
    fig.tight_layout()
    return fig


def _fix_row(results: list[dict]):
    """When nothing the answer checked fits: the first change that makes it fit (the fix the answer recommends),
    as one bar of its total per GPU (its parts are not in the result)."""
    if not results or any(r.get("fits") for r in results):
        return None
    fix = next((x for x in results[0].get("suggestions") or [] if x.get("fits")), None)
    if not fix:
        return None
    name = textwrap.fill(T(f"fix: {fix.get('action', '')}", f"改法：{fix.get('action', '')}"), 26)
    return name, {"fix": fix["required_gib"]}, results[0].get("available_gib"), {"per_gpu_gib": fix["required_gib"]}


def _money(usd: float) -> str:
    if usd >= 1e6:
        return f"${usd / 1e6:.2f}M"
    if usd >= 1e3:
        return f"${usd / 1e3:.0f}k"
    return f"${usd:,.0f}"


def plan_chart(result: dict):
    """Serving plans: $ per hour by configuration, speed beside each bar. Training plans: days by
    configuration, total cost beside each bar."""
    options = [o for o in result.get("by_cost", [])[:8]]
    training = any(o.get("hours") for o in options)
    opts = [o for o in options if o.get("hours")] if training else [o for o in options if o.get("usd_per_hour")]
    if not opts:
        return None
    fig, ax = _figure(6.4, 0.45 * max(len(opts), 3) + 1.3)
    labels = [f"{o['gpu_count']}x {_short_gpu(o['gpu_id'])} {o['precision']}" for o in opts][::-1]
    if training:
        values = [o.get("days") or o["hours"] / 24 for o in opts][::-1]
        notes = [f" {_money(o['usd_total'])}" if o.get("usd_total") else "" for o in opts][::-1]
        ax.set_xlabel(T("days to train (bar), total cost (beside it)", "训练天数（条），总成本（旁注）"))
        title = T("Training options: time and cost (red: tight on memory)", "训练方案：时间与成本（红色：显存紧张）")
    else:
        values = [o["usd_per_hour"] for o in opts][::-1]
        notes = [T(f" {o['decode_tokens_per_s']:.0f} tok/s per user", f" 每用户 {o['decode_tokens_per_s']:.0f} tok/s")
                 if o.get("decode_tokens_per_s") else "" for o in opts][::-1]
        ax.set_xlabel(T("$ per hour, whole configuration (speed beside each bar)", "整套配置每小时美元（旁注：速度）"))
        title = T("Cheapest configurations (red: tight on memory)", "最便宜的配置（红色：显存紧张）")
    bars = ax.barh(labels, values, color=["#E45756" if o.get("tight") else "#4C78A8" for o in opts][::-1])
    for bar, note in zip(bars, notes, strict=True):
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, note, va="center", fontsize=8)
    ax.set_xlim(0, max(values) * 1.35)  # room for the notes beside the longest bar
    _title(ax, title)
    ax.tick_params(axis="y", labelsize=8)
    fig.tight_layout()
    return fig


def training_chart(args: dict, result: dict, cost: dict | None):
    """Training time and cost at a quarter, half, the same, twice and four times the GPU count asked
    about, each computed by the training calculator (same model, tokens and settings)."""
    from .registry import result_dict, run_tool

    asked = int(args.get("gpu_count") or result.get("gpu_count") or 1)
    usd_per_gpu_hour = (cost or {}).get("usd_per_gpu_hour")
    points = []
    for count in sorted({max(1, asked // 4), max(1, asked // 2), asked, asked * 2, asked * 4}):
        if count == asked:
            points.append((count, result))
            continue
        try:
            points.append((count, result_dict(run_tool("estimate_training", {**args, "gpu_count": count}))))
        except Exception:  # noqa: BLE001 - a count the calculator refuses (e.g. too few to hold the model) is left out
            continue
    points = [(n, r) for n, r in points if isinstance(r, dict) and r.get("hours")]
    if len(points) < 2:
        return None
    fig, ax = _figure(6.4, 3.4)
    labels = [f"{n:,}" for n, _ in points]
    days = [r["hours"] / 24 for _, r in points]
    bars = ax.bar(labels, days, color=["#F58518" if n == asked else "#4C78A8" for n, _ in points])
    for bar, (_, r) in zip(bars, points, strict=True):
        note = _money(r["gpu_hours"] * usd_per_gpu_hour) if usd_per_gpu_hour and r.get("gpu_hours") else \
            f"{r['gpu_hours']:,.0f} GPU-h" if r.get("gpu_hours") else ""
        ax.annotate(note, (bar.get_x() + bar.get_width() / 2, bar.get_height()), xytext=(0, 2),
                    textcoords="offset points", ha="center", va="bottom", fontsize=8)
    ax.set_ylim(0, max(days) * 1.18)  # room for the notes above the tallest bar
    gpu_name = _short_gpu(result.get('gpu', args.get('gpu', 'GPUs')))
    ax.set_xlabel(T(f"number of {gpu_name} (orange: as asked)", f"{gpu_name} 数量（橙色：按所问）"))
    ax.set_ylabel(T("days", "天"))
    basis = T(f" at ${usd_per_gpu_hour:.2f}/GPU-hour", f"（每 GPU 小时 ${usd_per_gpu_hour:.2f}）") if usd_per_gpu_hour else ""
    model = str(result.get('model', '')).split(' (')[0]
    _title(ax, T(f"Training time and cost by GPU count{basis}: {model}", f"按 GPU 数量的训练时间与成本{basis}：{model}"))
    fig.tight_layout()
    return fig


def speed_chart(results: list[dict]):
    """A speed comparison: tokens/s per user for each configuration asked about."""
    rows = [r for r in results if r.get("decode_tokens_per_s")][:8]
    if len(rows) < 2:
        return None
    fig, ax = _figure(6.4, 0.5 * len(rows) + 1.4)
    labels = [textwrap.fill(f"{r.get('gpu_count', 1)}x {_short_gpu(r.get('gpu', ''))} {r.get('precision', '')}", 30)
              for r in rows][::-1]
    values = [r["decode_tokens_per_s"] for r in rows][::-1]
    bars = ax.barh(labels, values, color="#4C78A8")
    for bar, v in zip(bars, values, strict=True):
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {v:.0f}", va="center", fontsize=8)
    ax.set_xlim(0, max(values) * 1.2)
    ax.set_xlabel(T("tokens/s per user (decode)", "每用户 tokens/s（解码）"))
    ax.tick_params(axis="y", labelsize=8)
    _title(ax, T(f"Speed compared: {rows[0].get('model', '')}", f"速度对比：{rows[0].get('model', '')}"))
    fig.tight_layout()
    return fig


def price_chart(result: dict):
    """Prices on file for the GPU: $ per GPU-hour by offer (the one used marked)."""
    offers = [o for o in result.get("offers", []) if o.get("usd_per_gpu_hour")][:10]
    if len(offers) < 2:
        return None
    fig, ax = _figure(6.4, 0.4 * len(offers) + 1.4)
    labels, seen = [], {}
    for o in offers:  # one bar per offer: a provider with two offers of a type gets "#2"
        label = f"{o.get('provider', '?')} ({str(o.get('type', '')).replace('_', '-')})"
        seen[label] = seen.get(label, 0) + 1
        labels.append(label + (f" #{seen[label]}" if seen[label] > 1 else ""))
    values = [o["usd_per_gpu_hour"] for o in offers]
    used = result.get("usd_per_gpu_hour")
    first_used = next((i for i, v in enumerate(values) if v == used), None)
    colors = ["#F58518" if i == first_used else "#4C78A8" for i in range(len(values))]
    ax.barh(labels[::-1], values[::-1], color=colors[::-1])
    ax.set_xlabel(T("$ per GPU-hour (orange: the price used)", "每 GPU 小时美元（橙色：所用价格）"))
    ax.tick_params(axis="y", labelsize=8)
    _title(ax, T(f"Prices on file: {_short_gpu(result.get('gpu', ''))}", f"在档价格：{_short_gpu(result.get('gpu', ''))}"))
    fig.tight_layout()
    return fig


def quant_chart(result: dict):
    opts = result.get("options", [])
    if not opts:
        return None
    fig, ax = _figure(6.4, 3.4)
    colors = ["#54A24B" if o.get("fits") else ("#E45756" if o.get("fits") is False else "#4C78A8") for o in opts]
    ax.bar([o["format"] for o in opts], [o["weights_gb"] for o in opts], color=colors)
    ax.set_ylabel(T("weights, GB", "权重 GB"))
    _title(ax, T(f"{result.get('model', '')}: size by format", f"{result.get('model', '')}：各格式大小")
           + (T(" (green: fits, red: too big)", "（绿色：放得下，红色：放不下）") if result.get("gpu") else ""))
    ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    for label in ax.get_xticklabels():
        label.set_horizontalalignment("right")
    fig.tight_layout()
    return fig
