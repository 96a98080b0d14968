"""The app's "size a model" panel: a config.json the user picks in the page (read by the browser, sent as text: no
file upload, no path) or a Hugging Face repo id, sized exactly by the calculators.

Remote callers never name a local path: the text is parsed as JSON only (tools.models.spec_from_config_text), and a
Hub id must look like 'org/name' (tools.models.get_model refuses paths outside the CLI).
"""

from __future__ import annotations

from dataclasses import dataclass

from tools.errors import AdvisorInputError

FORMATS = ("bf16", "fp8", "q8_0", "q4_k_m")
INFERENCE_CONTEXT = 4096
TRAIN_CONTEXT = 2048


@dataclass
class Sized:
    model_id: str  # '' when nothing was sized
    markdown: str


def size_model(config_text: str | None, hub_id: str | None, gpu: str | None = None, gpu_count: int = 1,
               filename: str = "config.json") -> Sized:
    """Size a config.json's text (wins when given) or a Hub id; a clear message instead of an error."""
    from tools.models import get_model, looks_like_path, spec_from_config_text

    text = config_text if isinstance(config_text, str) else ""
    hub = (hub_id if isinstance(hub_id, str) else "").strip()[:200]
    try:
        if text.strip():
            spec = spec_from_config_text(text, filename)
            origin = f"your {filename[:60]}"
        elif hub:
            if looks_like_path(hub) or "/" not in hub:
                raise AdvisorInputError("Give a Hugging Face repo id like 'Qwen/Qwen2.5-7B-Instruct' (files on this "
                                        "server are not read), or pick a config.json file.")
            spec = get_model(hub)
            origin = "the Hugging Face Hub" if spec.origin == "hub" else "the catalog"
        else:
            return Sized("", "Pick a config.json file or paste a Hugging Face repo id, then press **Size it**.")
        return Sized(spec.id, _markdown(spec, origin, gpu, gpu_count))
    except AdvisorInputError as exc:
        return Sized("", f"**Not sized:** {exc}")


def _markdown(spec, origin: str, gpu: str | None, n: int) -> str:
    from tools.fit import FitRequest, check_fit
    from tools.memory import MemoryRequest, estimate_memory
    from tools.params import count_params

    c = count_params(spec)
    active = f", {c.active_b:.2f}B active" if abs(c.active_b - c.total_b) > 0.01 else ""
    ctx = min(INFERENCE_CONTEXT, spec.max_context)
    lines = [f"**{spec.name}** (from {origin}): {c.total_b:.2f}B parameters{active}, context up to "
             f"{spec.max_context:,} tokens." + (f" {spec.note}" if spec.note else ""), ""]
    where = f" on {n}x {gpu}" if gpu else ""
    lines += [f"| | memory per GPU{where} | fits |" if gpu else "| | memory |", "|---|---|---|" if gpu else "|---|---|"]
    rows = [(f"inference, {f}, {ctx:,} tokens", dict(precision=f, context=ctx)) for f in FORMATS]
    rows += [(f"{m} fine-tune, {TRAIN_CONTEXT:,} tokens", dict(workload="training", method=m.lower(),
                                                               context=min(TRAIN_CONTEXT, spec.max_context)))
             for m in ("LoRA", "QLoRA")]
    for label, args in rows:
        try:
            if gpu:
                r = check_fit(FitRequest(model=spec.id, gpu=gpu, gpu_count=n, **args))
                lines.append(f"| {label} | {r.required_gib:.2f} of {r.available_gib:.2f} GiB | "
                             f"{'yes' if r.fits else 'no'} |")
            else:
                m = estimate_memory(MemoryRequest(model=spec.id, **args))
                lines.append(f"| {label} | {m.per_gpu_gib:.2f} GiB |")
        except AdvisorInputError as exc:
            lines.append(f"| {label} | {str(exc)[:120]} |" + (" - |" if gpu else ""))
    lines += ["", "It is now the model for chat questions that name none (\"can I run it on two 4090s?\")."
              + ("" if gpu else " Pick \"My GPU\" to see the fit.")]
    return "\n".join(lines)
