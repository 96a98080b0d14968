"""lookup_gpu and lookup_model: catalog entries by the names people type."""

from __future__ import annotations

from .arch import ModelSpec
from .base import record, spec
from .gpus import GPU, get_gpu
from .models import get_model
from .params import count_params


@record
class ModelInfo:
    model: str = spec(description="the model chosen for the name given")
    model_id: str
    native_precision: str = spec(description="the format the weights ship in; the default precision")
    notes: list[str] = spec(factory=list, description="how the name was resolved (Hub, generic shape), vision parts")
    spec: ModelSpec
    params_b: float = spec(description="total parameters, billions, counted from the shape")
    active_params_b: float = spec(description="parameters used per token (MoE: routed experts only)")
    embedding_params_b: float
    kv_cache_bytes_per_token_bf16: float = spec(description="per sequence, full-attention layers, 16-bit cache")


def lookup_gpu(name: str) -> GPU:
    """A GPU's specs and sources; unknown names raise with the closest catalog names."""
    return get_gpu(name)


def lookup_model(name: str) -> ModelInfo:
    """A model's architecture and parameter counts, naming the model chosen (a catalog name or alias, a
    Hugging Face repo id, or a size like '13B')."""
    from .memory_inference import kv_bytes_per_token

    s = get_model(name)
    c = count_params(s)
    notes = [s.note] if s.note else []
    if s.extra_params:
        notes.append(f"Includes {s.extra_params / 1e9:.2f}B parameters outside the text stack: {s.extra_params_note}.")
    if s.image_tokens_per_image:
        notes.append(f"Each image is read as {s.image_tokens_per_image:,} vision states per cross-attention layer.")
    return ModelInfo(model=s.name, model_id=s.id, native_precision=s.native_precision, notes=notes, spec=s, params_b=round(c.total_b, 3), active_params_b=round(c.active_b, 3),
                     embedding_params_b=round(c.embedding / 1e9, 3),
                     kv_cache_bytes_per_token_bf16=kv_bytes_per_token(s, s.max_context, "bf16"))
