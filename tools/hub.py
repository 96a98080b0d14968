"""Models named by a Hugging Face repo id ('org/name'), read from the Hub (or a mirror) with a time bound.

What is read: `config.json` (the shape), `model.safetensors.index.json` (`metadata.total_size`, the exact
checkpoint bytes) or, for single-file repos, the size of `model.safetensors` from a HEAD request; the
native format comes from the config's `quantization_config`. Nothing else is downloaded.

- `huggingface_hub` is imported inside the fetch only: tools/ stays import-light.
- Honoured at call time (not only at import): `HF_ENDPOINT` (a mirror), `HF_TOKEN` (gated repos),
  `HF_HUB_OFFLINE=1` (cache only). `ADVISOR_HUB=off` turns lookups off; `ADVISOR_HUB_TIMEOUT_S` bounds
  each lookup (default 5 s), after which the caller falls back to the catalog or a generic shape, saying so.
- What was fetched is kept under the data directory (`ADVISOR_DATA_DIR/hub`, default
  ~/.cache/gpu-advisor/hub): the next lookup of that repo is answered from there, offline and instantly.
  Delete the file to refresh it.
- The Hub is only contacted when someone names a repo that is not in the catalog.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from dataclasses import replace
from pathlib import Path

from .arch import ModelSpec, spec_from_config
from .errors import AdvisorInputError

HUB_TIMEOUT_S = 5.0
# model types that are not decoder-only language models (encoders, encoder-decoders, vision, speech)
_NOT_DECODER = {"bert", "roberta", "xlm-roberta", "distilbert", "deberta", "deberta-v2", "electra", "albert",
                "mpnet", "t5", "mt5", "umt5", "bart", "mbart", "marian", "pegasus", "whisper", "wav2vec2",
                "hubert", "clip", "siglip", "vit", "dinov2", "convnext", "resnet", "swin", "detr", "sam",
                "modernbert", "nomic_bert", "xlm", "camembert", "longformer", "led", "blip", "segformer"}
# heads of encoder models; decoders end in ForCausalLM / LMHeadModel / ForConditionalGeneration, or, in remote
# code, plain *Model (ChatGLMModel)
_ENCODER_HEADS = ("ForMaskedLM", "ForSequenceClassification", "ForTokenClassification", "ForQuestionAnswering",
                  "ForImageClassification", "ForSpeechSeq2Seq", "ForCTC", "ForMultipleChoice", "ForNextSentencePrediction")


class HubUnavailable(AdvisorInputError):
    """The Hub could not answer (off, offline, unreachable, slow, failing): the caller falls back."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"The Hugging Face Hub could not be read ({reason}).")


class HubRepoNotFound(AdvisorInputError):
    """No such repo (or revision) on the Hub."""


def data_dir() -> Path:
    """The advisor's data directory (same rule as knowledge.index.data_dir)."""
    env = os.environ.get("ADVISOR_DATA_DIR")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gpu-advisor"


def _cache_file(repo_id: str) -> Path:
    return data_dir() / "hub" / "configs" / (repo_id.replace("/", "--") + ".json")


def _env_on(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _timeout_s() -> float:
    try:
        value = float(os.environ.get("ADVISOR_HUB_TIMEOUT_S", HUB_TIMEOUT_S))
    except ValueError:
        return HUB_TIMEOUT_S
    return min(max(value, 0.1), 60.0)


def fetch_repo(repo_id: str) -> dict:
    """{'config', 'total_size', 'commit', 'endpoint', 'fetched_at'} for a repo: from the cache when it
    was read before, else from the Hub within the time bound. Raises HubUnavailable, HubRepoNotFound
    or AdvisorInputError (gated, no config.json)."""
    cached = _cache_file(repo_id)
    if cached.is_file():
        try:
            return {**json.loads(cached.read_text(encoding="utf-8")), "from_cache": True}
        except (OSError, ValueError):
            pass  # a damaged cache file is fetched again
    if os.environ.get("ADVISOR_HUB", "").strip().lower() in ("0", "off", "false", "no"):
        raise HubUnavailable("Hub lookups are off: ADVISOR_HUB=off")
    timeout = _timeout_s()
    box: dict = {}

    def work() -> None:
        try:
            box["value"] = _download(repo_id, timeout)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            box["error"] = exc

    worker = threading.Thread(target=work, name=f"hub-{repo_id}", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        endpoint = os.environ.get("HF_ENDPOINT") or "huggingface.co"
        raise HubUnavailable(f"no answer from {endpoint} within {timeout:g} s")
    if "error" in box:
        raise box["error"]
    record = box["value"]
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        tmp.replace(cached)
    except OSError:
        pass  # a read-only data directory only costs the next lookup a fetch
    return record


def _download(repo_id: str, timeout: float) -> dict:
    # No telemetry: with it on, huggingface_hub also fetches {endpoint}/api/agent-harnesses for its user agent.
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    try:
        import huggingface_hub as hf
        from huggingface_hub import constants as hf_constants
        from huggingface_hub import errors as hf_errors
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise HubUnavailable("huggingface_hub is not installed: pip install huggingface_hub") from exc
    hf_constants.HF_HUB_DISABLE_TELEMETRY = True
    # a lookup that outlived its time bound retries in the background; its warnings are not the user's concern
    logging.getLogger("huggingface_hub").setLevel(logging.ERROR)
    endpoint = os.environ.get("HF_ENDPOINT") or None
    kwargs = dict(cache_dir=str(data_dir() / "hub" / "hf"), etag_timeout=timeout, endpoint=endpoint,
                  token=os.environ.get("HF_TOKEN") or None, local_files_only=_env_on("HF_HUB_OFFLINE"))
    try:
        with open(hf.hf_hub_download(repo_id, "config.json", **kwargs), encoding="utf-8") as fh:
            config = json.load(fh)
        total_size = _checkpoint_bytes(hf, hf_errors, repo_id, kwargs)
    except hf_errors.GatedRepoError:
        raise AdvisorInputError(
            f"{repo_id} is a gated repo: accept its licence at https://huggingface.co/{repo_id} and set HF_TOKEN "
            "to an access token of that account.") from None
    except (hf_errors.RepositoryNotFoundError, hf_errors.RevisionNotFoundError):
        raise HubRepoNotFound(f"There is no Hugging Face repo '{repo_id}' (or it is private: set HF_TOKEN).") from None
    except hf_errors.LocalEntryNotFoundError:
        why = "HF_HUB_OFFLINE is set and it is not cached" if kwargs["local_files_only"] else "Hub unreachable"
        raise HubUnavailable(why) from None
    except hf_errors.RemoteEntryNotFoundError:
        raise AdvisorInputError(f"{repo_id} has no config.json: it is not a transformers language model "
                                "(GGUF-only and diffusion repos are not read; give a size like '13B').") from None
    except hf_errors.HfHubHTTPError as exc:
        status = getattr(getattr(exc, "response", None), "status_code", None)
        raise HubUnavailable(f"the Hub answered HTTP {status}" if status else "the Hub request failed") from None
    except (OSError, ValueError) as exc:
        raise HubUnavailable(f"{type(exc).__name__}") from None
    if not isinstance(config, dict):
        raise AdvisorInputError(f"{repo_id}'s config.json is not a JSON object.")
    return {"repo_id": repo_id, "config": config, "total_size": total_size,
            "endpoint": endpoint or "https://huggingface.co", "fetched_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}


def _checkpoint_bytes(hf, hf_errors, repo_id: str, kwargs: dict) -> int | None:
    """The checkpoint's weight bytes: the safetensors index's total_size, or a single file's size."""
    try:
        with open(hf.hf_hub_download(repo_id, "model.safetensors.index.json", **kwargs), encoding="utf-8") as fh:
            size = (json.load(fh).get("metadata") or {}).get("total_size")
        return int(size) if size else None
    except hf_errors.RemoteEntryNotFoundError:
        pass
    except hf_errors.LocalEntryNotFoundError:
        return None
    if kwargs["local_files_only"]:
        return None
    try:
        url = hf.hf_hub_url(repo_id, "model.safetensors", endpoint=kwargs["endpoint"])
        meta = hf.get_hf_file_metadata(url, token=kwargs["token"], timeout=kwargs["etag_timeout"])
        return int(meta.size) if meta.size else None
    except hf_errors.RemoteEntryNotFoundError:
        return None


def check_decoder(repo_id: str, config: dict) -> None:
    model_type = str(config.get("model_type") or "").lower()
    archs = [str(a) for a in config.get("architectures") or []]
    if model_type in _NOT_DECODER or (archs and all(a.endswith(_ENCODER_HEADS) for a in archs)):
        what = ", ".join(archs) or model_type
        raise AdvisorInputError(f"{repo_id} is not a decoder language model ({what}); the advisor sizes "
                                "decoder-only LLMs (and vision-language models built on one).")


def hub_spec(repo_id: str) -> ModelSpec:
    """The exact shape of a Hub repo's model."""
    from .params import count_params

    record = fetch_repo(repo_id)
    config = record["config"]
    check_decoder(repo_id, config)
    total = record.get("total_size")
    where = "cached copy of " if record.get("from_cache") else ""
    spec = spec_from_config(config, id=f"hf:{repo_id}", name=repo_id, origin="hub", hf_id=repo_id,
                            checkpoint_bytes=int(total) if total else None,
                            config_source=f"{where}{record.get('endpoint', '')}/{repo_id} config.json "
                                          f"(read {record.get('fetched_at', '')})")
    counted = count_params(spec).total
    if total and spec.native_precision == "bf16" and int(total) / 2 > counted * 1.02:
        # 16-bit checkpoint holding more than the text stack (a vision tower, a speech encoder)
        spec = replace(spec, extra_params=int(total) // 2 - counted,
                       extra_params_note="other modules (e.g. a vision encoder), from the checkpoint size")
    size = f"; its safetensors hold {int(total) / 1e9:.2f} GB" if total else ""
    spec.note = f"{repo_id}: shape read from its config.json on the Hugging Face Hub{size}."
    return spec
