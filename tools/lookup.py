"""lookup_gpu and lookup_model: catalog entries by the names people type."""

from __future__ import annotations

from .arch import ModelSpec
from .base import record, spec
from .gpus import GPU, get_gpu
from .models import get_model
from .params import count_params


@record
class ModelInfo:
    spec: ModelSpec
    params_b: float = spec(description="total parameters, billions, counted from the shape")
    active_params_b: float = spec(description="parameters used per token (MoE: routed experts only)")
    embedding_params_b: float
    kv_cache_bytes_per_token_bf16: float = spec(description="per sequence, full-attention layers, 16-bit cache")


def lookup_gpu(name: str) -> GPU:
    """A GPU's specs and sources; unknown names raise with the closest catalog names."""
    return get_gpu(name)


def lookup_model(name: str) -> ModelInfo:
    """A model's architecture and parameter counts (catalog name, a size like '13B', or a config.json path)."""
    from .memory_inference import kv_bytes_per_token

    s = get_model(name)
    c = count_params(s)
    return ModelInfo(spec=s, params_b=round(c.total_b, 3), active_params_b=round(c.active_b, 3),
                     embedding_params_b=round(c.embedding / 1e9, 3),
                     kv_cache_bytes_per_token_bf16=kv_bytes_per_token(s, s.max_context, "bf16"))
