"""A bare size ("13B", "a 70B model") is sized as a generic dense shape (tools.models.size_spec). This says which
shape, and what the dense catalog models of about that size need for the same run, so a reader sees how far the
real model may be from the generic one (a 13B with a 32k vocabulary needs less than one with a 128k vocabulary)."""

from __future__ import annotations

from .base import replace
from .errors import AdvisorInputError
from .models import all_specs
from .params import count_params

PEER_SHARE = 0.10  # catalog models within +-10% of the size are "of that size"


def shape_text(spec) -> str:
    kv = f"{spec.num_kv_heads} KV heads" if spec.num_kv_heads != spec.num_heads else "MHA"
    return (f"a Llama-3-style dense decoder (hidden {spec.hidden_size:,}, {spec.num_layers} layers, "
            f"{spec.num_heads} heads, {kv}, {spec.vocab_size:,}-token vocabulary)")


def dense_peers(params_b: float) -> list[str]:
    """Dense catalog models within PEER_SHARE of `params_b` billion parameters."""
    out = []
    for m in all_specs():
        c = count_params(m)
        if abs(c.active_b - c.total_b) > 0.01 * c.total_b or m.extra_params:
            continue  # MoE and vision models are not "a 13B model"
        if abs(c.total_b - params_b) <= PEER_SHARE * params_b:
            out.append(m.id)
    return out


def bare_size_range(spec, req) -> dict | None:
    """For a request sized on a bare size's generic shape: the shape, and the per-GPU memory range over the dense
    catalog models of that size for the same request. None for a named model."""
    if getattr(spec, "origin", "") != "size":
        return None
    from .memory import estimate_memory

    size = float(spec.id.rstrip("b"))
    figures = []
    for mid in dense_peers(size):
        try:
            figures.append((estimate_memory(replace(req, model=mid)).per_gpu_gib, mid))
        except AdvisorInputError:
            continue  # e.g. a context beyond that model's limit
    out = {"size": spec.id.upper(), "shape": shape_text(spec), "hidden": spec.hidden_size, "layers": spec.num_layers,
           "heads": spec.num_heads, "kv_heads": spec.num_kv_heads, "vocab": spec.vocab_size, "models": len(figures),
           "low_b": round(size * (1 - PEER_SHARE), 2), "high_b": round(size * (1 + PEER_SHARE), 2)}
    if figures:
        (lo, lo_id), (hi, hi_id) = min(figures), max(figures)
        out |= {"low_gib": lo, "low_model": lo_id, "high_gib": hi, "high_model": hi_id}
    return out


def bare_size_note(r: dict, required_gib: float) -> str:
    head = f"A bare size: '{r['size']}' was sized as {r['shape']}: {required_gib:.1f} GiB per GPU."
    if not r["models"]:
        return head + " No catalog model of that size to compare; name the model for its exact figure."
    return (f"{head} The {r['models']} dense catalog models of {r['low_b']:g}-{r['high_b']:g}B need "
            f"{r['low_gib']:.1f}-{r['high_gib']:.1f} GiB for the same run ({r['low_model']} to {r['high_model']}); "
            "name the model for its exact figure.")
