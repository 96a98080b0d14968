"""The model catalog (tools/data/models/*.json), bare sizes ("13B") and local config.json files."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from functools import cache, lru_cache
from pathlib import Path

from .arch import ModelSpec, spec_from_config
from .catalog_io import data_files, norm_key, read_local_json
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
        **({"extra_params": int(vision * 1e9), "extra_params_note": "vision encoder (catalog figure)"} if vision else {}),
        **({"native_precision": e["native_precision"]} if e.get("native_precision") else {}),
    )


def all_specs() -> list[ModelSpec]:
    return [catalog_spec(mid) for mid in model_ids()]


def longer_context_twin(model_id: str, context: int) -> ModelSpec | None:
    """The catalog model of the same shape (layers, widths, heads, vocabulary) that supports `context` tokens, when
    `model_id` does not: Llama 3 8B (8k) and Llama 3.1 8B (128k) are one network with a longer RoPE schedule, so a
    question about "Llama 3 8B at 128k" is sized on 3.1 and says so. The shortest such window, or None."""
    try:
        m = catalog_spec(model_id)
    except (KeyError, ValueError):
        return None
    family = m.id.split("-")[0]  # a twin of the same family ("llama-3.1-8b"), not a distill that copied the shape
    shape = (m.num_layers, m.hidden_size, m.num_heads, m.num_kv_heads, m.head_dim, m.intermediate_size, m.vocab_size,
             m.is_moe)
    twins = [t for t in all_specs() if t.id != m.id and t.id.split("-")[0] == family and t.max_context >= context and
             (t.num_layers, t.hidden_size, t.num_heads, t.num_kv_heads, t.head_dim, t.intermediate_size, t.vocab_size,
              t.is_moe) == shape]
    return min(twins, key=lambda t: (t.max_context, t.id)) if twins else None


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
           # no real limit to hold a shape-only model to: size it at whatever context is asked (its note says the
           # real model's limits may differ)
           "max_position_embeddings": 2**24}
    spec = spec_from_config(cfg, id=f"{params_b:g}b", name=f"generic {params_b:g}B dense model",
                            origin="size", approximate=True)
    actual = count_params(spec).total / 1e9
    spec.name = f"generic {params_b:g}B dense model (approx. shape, {actual:.2f}B params)"
    return spec


def config_spec(path: str) -> ModelSpec:
    """A local config.json (or a folder holding one), read by catalog_io.read_local_json: regular files
    under 4 MiB only, so a FIFO or /dev/zero cannot hang or bloat the process."""
    p = Path(path).expanduser()
    if p.is_dir():
        p = p / "config.json"
    config = read_local_json(p)
    if not isinstance(config, dict):
        raise AdvisorInputError(f"'{str(path)[:200]}' is not a Hugging Face config.json (expected a JSON object).")
    name = str(config.get("_name_or_path") or p.parent.name or "local model")
    return spec_from_config(config, id=f"config:{p}", name=name, origin="config")


# ---- resolving the names people give -------------------------------------------------------------

_ALLOW_PATHS: ContextVar[bool] = ContextVar("gpu_advisor_allow_local_paths", default=False)
_REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]{0,95}/[A-Za-z0-9][\w.-]{0,95}$")
_SIZE_IN_NAME = re.compile(r"(?<![a-z0-9])(\d+(?:\.\d+)?)\s*([bm])(?![a-z])", re.IGNORECASE)
# words that name a variant of the same weights' shape (chat/instruct tunes), dropped for a second try
_VARIANT_WORDS = re.compile(r"(?<![a-z])(instruct|chat|base|hf|it|sft|preview|latest|thinking)(?![a-z])", re.IGNORECASE)
PATH_REFUSED = ("Local files are read only by the gpu-advisor CLI (--model PATH/config.json). Name a catalog "
                "model (gpu-advisor models), a Hugging Face repo id like 'org/name', or a size like '13B'.")


@contextmanager
def local_paths_allowed(allowed: bool = True) -> Iterator[None]:
    """Within this block get_model may read a local config.json (the CLI's one-shot commands)."""
    token = _ALLOW_PATHS.set(allowed)
    try:
        yield
    finally:
        _ALLOW_PATHS.reset(token)


def looks_like_path(text: str) -> bool:
    """Decided from the text alone: refusing a path must not reveal whether it exists."""
    return (text.startswith(("/", "~", ".", "\\")) or "\\" in text or text.lower().endswith(".json")
            or text.count("/") > 1 or bool(re.match(r"^[A-Za-z]:", text)))


@lru_cache(maxsize=4096)
def find_catalog_id(text: str) -> str | None:
    """The catalog id for a name as typed ('llama3 70b', 'Qwen/Qwen2.5-72B-Instruct', '通义千问72B'), or None."""
    index = _index()
    key = norm_key(text)
    if key in index:
        return index[key]
    if "/" in text:
        # another repo of the same publisher with a catalog model's name (an -Instruct tune): same shape
        org, rest = text.split("/", 1)
        mid = find_catalog_id(rest)
        hf_org = (_entries()[mid].get("hf_id") or "/").split("/")[0].lower() if mid else ""
        return mid if mid and org.lower() == hf_org else None
    loose = norm_key(_VARIANT_WORDS.sub(" ", text))
    return index.get(loose) if loose and loose != key else None


def _size_in_name(text: str) -> float | None:
    m = _SIZE_IN_NAME.search(text.split("/")[-1])
    if not m:
        return None
    value = float(m.group(1)) / (1000 if m.group(2).lower() == "m" else 1)
    return value if 0.01 <= value <= 2000 else None


def _close_ids(text: str) -> list[str]:
    return list(_close_ids_cached(text))


# One answer resolves the same unknown name dozens of times (every tool call sizes the model again) and
# difflib over the catalog costs ~50 ms a time: remembered (the catalog does not change in a process).
@lru_cache(maxsize=2048)
def _close_ids_cached(text: str) -> tuple[str, ...]:
    index = _index()
    return tuple(list(dict.fromkeys(index[k] for k in closest_names(norm_key(text), list(index), n=8)))[:5])


@lru_cache(maxsize=2048)
def _is_typo(text: str) -> bool:
    """Within a letter or two of a catalog name ('lama-2-7b'): ask, rather than size a generic shape."""
    import difflib

    return bool(difflib.get_close_matches(norm_key(text), list(_index()), n=1, cutoff=0.88))


def generic_spec(text: str, why: str) -> ModelSpec | None:
    """A typical dense shape for a name carrying a size ('InternLM3-8B'), flagged approximate with a note."""
    size = _size_in_name(text)
    if size is None:
        return None
    spec = size_spec(size)
    close = _close_ids(text)
    spec.name = f"{text} (sized as a generic {size:g}B dense model)"
    spec.note = (f"{text} {why}; sized as a generic {size:g}B dense model (about ±10% on weights; KV cache and "
                 "context limits may differ)." + (f" Close catalog models: {', '.join(close)}." if close else ""))
    return spec


def get_model(name: str, allow_path: bool = False) -> ModelSpec:
    """A catalog name or alias, a bare size ('13B'), a Hugging Face repo id ('org/name', read from the
    Hub), or - only when the caller allows it (the CLI) - a path to a config.json."""
    if not isinstance(name, str) or not name.strip():
        raise AdvisorInputError("Give a model: a catalog name (e.g. 'llama-3.1-8b'), a size ('13B') or a Hugging "
                                "Face repo id ('org/name').")
    text = name.strip()
    if text.startswith(UPLOAD_PREFIX):
        if text in _UPLOADED:
            return _UPLOADED[text]
        raise AdvisorInputError(f"'{text[:40]}' was an uploaded config.json this app no longer holds (it restarted): "
                                "upload it again.")
    allow_path = allow_path or _ALLOW_PATHS.get()
    if looks_like_path(text) or (allow_path and "/" in text and Path(text).expanduser().exists()):
        if not allow_path:
            raise AdvisorInputError(PATH_REFUSED)
        return config_spec(text)
    m = _SIZE.match(text)
    if m:
        value = float(m.group(1)) / (1000 if m.group(2).lower() == "m" else 1)
        return size_spec(value)
    mid = find_catalog_id(text)
    if mid:
        return catalog_spec(mid)
    if _REPO_ID.match(text):
        return _hub_model(text)
    generic = None if _is_typo(text) else generic_spec(text, "is not in the catalog")
    if generic:
        return generic
    raise UnknownNameError(
        "model", text, _close_ids(text),
        "Run `gpu-advisor models` for the catalog, give a size like '13B', or a Hugging Face repo id 'org/name'.",
    )


def _hub_model(repo_id: str) -> ModelSpec:
    from .hub import HubRepoNotFound, HubUnavailable, hub_spec

    try:
        return hub_spec(repo_id)
    except HubRepoNotFound as exc:
        raise UnknownNameError("model", repo_id, _close_ids(repo_id), str(exc)) from None
    except HubUnavailable as exc:
        why = f"could not be read from the Hugging Face Hub ({exc.reason})"
        same = find_catalog_id(repo_id.split("/", 1)[1])
        if same:
            spec = replace(catalog_spec(same), note=f"{repo_id} {why}; sized as the catalog's {catalog_spec(same).name} "
                           "(same name, another publisher: check the shape matches).")
            return spec
        generic = generic_spec(repo_id, why)
        if generic:
            return generic
        raise AdvisorInputError(f"{repo_id} {why}, and its name gives no size to fall back on; give a size "
                                "like '13B' or try again when the Hub is reachable.") from None


def released(model_id: str) -> str:
    """The catalog's release month ('2024-09'), or '' when it has none."""
    return str(_entries()[model_id].get("released") or "")


# ---- config.json text given in the app (never a path) --------------------------------------------------------

UPLOAD_MAX_BYTES = 1024 * 1024  # a Hugging Face config.json is a few KiB; the weights are not a config
UPLOAD_PREFIX = "upload:"
_UPLOADED_CAP = 512  # held in memory, oldest dropped first: the app's sessions come and go
_UPLOADED: dict[str, ModelSpec] = {}


def spec_from_config_text(text: str, filename: str = "config.json") -> ModelSpec:
    """A config.json given as text (the app's upload): at most 1 MiB, a JSON object, its dimensions checked by
    spec_from_config. Kept in memory under 'upload:<hash>' so that later questions can name it; no file is written."""
    import hashlib

    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else b""
    if not data.strip():
        raise AdvisorInputError("The file is empty: pick a Hugging Face config.json (a few KiB of JSON).")
    if len(data) > UPLOAD_MAX_BYTES:
        raise AdvisorInputError(f"{filename[:80]} is over 1 MiB; a config.json is a few KiB. Pick the model's "
                                "config.json, not its weights or tokenizer.")
    try:
        config = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        raise AdvisorInputError(f"{filename[:80]} is not JSON. Pick the model's config.json from its Hugging Face "
                                "repo (Files tab).") from None
    if not isinstance(config, dict):
        raise AdvisorInputError(f"{filename[:80]} is JSON but not a config.json (expected an object with "
                                "hidden_size, num_hidden_layers, ...).")
    mid = UPLOAD_PREFIX + hashlib.sha256(data).hexdigest()[:12]
    name = str(config.get("_name_or_path") or "")[:80] or f"uploaded {filename[:60]}"
    spec = spec_from_config(config, id=mid, name=name, origin="config")
    _UPLOADED.pop(mid, None)
    _UPLOADED[mid] = spec
    while len(_UPLOADED) > _UPLOADED_CAP:
        _UPLOADED.pop(next(iter(_UPLOADED)))
    return spec
