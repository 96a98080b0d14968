"""The model catalog (tools/data/models/*.json), bare sizes ("13B") and local config.json files."""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache
from pathlib import Path

from .arch import ModelSpec, spec_from_config
from .catalog_io import data_files, norm_key
from .errors import AdvisorInputError, UnknownNameError, closest_names

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([bm])\s*$", re.IGNORECASE)

# Typical dense shapes by scale (hidden, layers, heads), modelled on the Llama 2/3 family; a bare
# size picks the nearest hidden size and solves for the layer count. Llama-3-style GQA (8 KV heads,
# head_dim 128), SwiGLU with intermediate = 3.5 x hidden, vocab 128256, untied.
_LADDER = [(896, 24, 14), (2048, 16, 32), (3072, 28, 24), (4096, 32, 32), (5120, 40, 40),
           (6656, 60, 52), (8192, 80, 64), (12288, 96, 96), (16384, 126, 128)]


@lru_cache(maxsize=1)
def _entries() -> dict[str, dict]:
    out: dict[str, dict] = {}
    for path in data_files("models"):
        with open(path, encoding="utf-8") as fh:
            for entry in json.load(fh)["models"]:
                out[entry["id"]] = entry
    return out


@lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for mid, e in _entries().items():
        for key in (mid, e.get("name", ""), e.get("hf_id", ""), *e.get("aliases", [])):
            if key:
                index.setdefault(norm_key(key), mid)
                if "/" in key:
                    index.setdefault(norm_key(key.split("/", 1)[1]), mid)
    return index


def model_ids() -> list[str]:
    return sorted(_entries())


@cache
def catalog_spec(model_id: str) -> ModelSpec:
    e = _entries()[model_id]
    vision = e.get("vision_params_b") or 0
    return spec_from_config(
        e["config"],
        id=model_id,
        name=e.get("name", model_id),
        origin="catalog",
        hf_id=e.get("hf_id"),
        family=e.get("family", ""),
        official_params_b=e.get("official_params_b"),
        official_active_params_b=e.get("official_active_params_b"),
        params_source=e.get("params_source", ""),
        params_note=e.get("params_note", ""),
        config_source=e.get("config_source", ""),
        max_context=int(e.get("max_context") or e["config"].get("max_position_embeddings") or 4096),
        extra_params=int(vision * 1e9),
        extra_params_note="vision encoder" if vision else "",
    )


def all_specs() -> list[ModelSpec]:
    return [catalog_spec(mid) for mid in model_ids()]


def size_spec(params_b: float) -> ModelSpec:
    """A typical dense decoder of about `params_b` billion parameters (approximate by design)."""
    if not 0.01 <= params_b <= 2000:
        raise AdvisorInputError(f"A model size of {params_b:g}B is out of range; use 0.01B to 2000B.")
    from .params import count_params

    target = params_b * 1e9
    vocab = 128256
    best = None
    for hidden, layers, heads in _LADDER:
        inter = int(hidden * 3.5 // 256 * 256)
        kv = min(8, heads)
        per_layer = hidden * (heads * 128 + 2 * kv * 128) + heads * 128 * hidden + 3 * hidden * inter
        n = max(1, round((target - 2 * vocab * hidden) / per_layer))
        # prefer the rung whose solved depth is closest to its own typical depth
        score = abs(n - layers) / layers
        if best is None or score < best[0]:
            best = (score, hidden, n, heads, inter, kv)
    _, hidden, n, heads, inter, kv = best
    cfg = {"model_type": "llama", "hidden_size": hidden, "num_hidden_layers": n,
           "num_attention_heads": heads, "num_key_value_heads": kv, "head_dim": 128,
           "intermediate_size": inter, "vocab_size": vocab, "tie_word_embeddings": False,
           "max_position_embeddings": 8192}
    spec = spec_from_config(cfg, id=f"{params_b:g}b", name=f"generic {params_b:g}B dense model",
                            origin="size", approximate=True)
    actual = count_params(spec).total / 1e9
    spec.name = f"generic {params_b:g}B dense model (approx. shape, {actual:.2f}B params)"
    return spec


def config_spec(path: str) -> ModelSpec:
    p = Path(path).expanduser()
    if p.is_dir():
        p = p / "config.json"
    try:
        config = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise AdvisorInputError(f"No config.json at '{path}'. Give the path to a Hugging Face config.json.") from exc
    except (OSError, json.JSONDecodeError) as exc:
        raise AdvisorInputError(f"Could not read '{path}' as JSON ({exc}).") from exc
    if not isinstance(config, dict):
        raise AdvisorInputError(f"'{path}' is not a Hugging Face config.json (expected a JSON object).")
    name = str(config.get("_name_or_path") or p.parent.name or "local model")
    return spec_from_config(config, id=f"config:{p}", name=name, origin="config")


def get_model(name: str) -> ModelSpec:
    """A catalog name or alias, a bare size ('13B', '70b', '500M'), or a path to a config.json."""
    if not name or not name.strip():
        raise AdvisorInputError("Give a model: a catalog name (e.g. 'llama-3.1-8b'), a size ('13B') or a config.json path.")
    text = name.strip()
    if text.endswith(".json") or "/" in text and Path(text).expanduser().exists():
        return config_spec(text)
    m = _SIZE.match(text)
    if m:
        value = float(m.group(1)) / (1000 if m.group(2).lower() == "m" else 1)
        return size_spec(value)
    index = _index()
    key = norm_key(text)
    if key in index:
        return catalog_spec(index[key])
    suggestions = list(dict.fromkeys(index[k] for k in closest_names(key, list(index), n=8)))[:5]
    raise UnknownNameError(
        "model", text, suggestions,
        "Run `gpu-advisor models` for the catalog, give a size like '13B', or a path to a config.json.",
    )
