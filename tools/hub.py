"""Models named by a Hugging Face repo id ('org/name'), read from the Hub (or a mirror) with a time bound.

What is read: `config.json` (the shape), `model.safetensors.index.json` (`metadata.total_size`, the exact
checkpoint bytes) or, for single-file repos, the size of `model.safetensors` from a HEAD request; the
native format comes from the config's `quantization_config`. Nothing else is downloaded.

- Honoured at call time (not only at import): `HF_ENDPOINT` (a mirror), `HF_TOKEN` (gated repos),
  `HF_HUB_OFFLINE=1` (cache only). `ADVISOR_HUB=off` turns lookups off; `ADVISOR_HUB_TIMEOUT_S` bounds
  the wait (default 4 s; one answer waits at most that in all), after which the caller falls back to the catalog or a generic shape, saying so.
- What was fetched is kept under the data directory (`ADVISOR_DATA_DIR/hub`, default
  ~/.cache/gpu-advisor/hub): the next lookup of that repo is answered from there, offline and instantly.
  Delete the file to refresh it.
- The Hub is only contacted when someone names a repo that is not in the catalog.

Under a dead or slow Hub and many clients (docs/hostile-load.md) a lookup costs at most one bounded wait:
- one lookup per repo id per process: callers asking for an id that is being looked up wait for that lookup;
- a failure (unreachable, slow, no such repo) is remembered for `ADVISOR_HUB_RETRY_S` (default 300 s): the
  same id answers at once with the fallback until then;
- lookups run on a fixed pool of HUB_WORKERS daemon threads, each request with its own timeout and no
  retries; at most HUB_MAX_WAITING more wait for a worker, beyond that a lookup falls back at once;
- an answer (`hub_budget`) spends at most the timeout on the Hub in all, however many tools ask, and one
  client has at most HUB_PER_CLIENT lookups in flight.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import os
import queue
import threading
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path

from .arch import ModelSpec, spec_from_config
from .errors import AdvisorInputError

HUB_TIMEOUT_S = 4.0  # one wait per id and per answer; a lookup still running after it is cached when it ends
HUB_RETRY_S = 300.0  # a failed id is not looked up again for this long
HUB_WORKERS = 4
HUB_MAX_WAITING = 8
HUB_PER_CLIENT = 2
HUB_MAX_REMEMBERED = 10_000  # failed ids kept (oldest go first)
MAX_HUB_FILE_BYTES = 4 * 1024 * 1024  # a config.json or safetensors index is a few KiB to ~100 KiB
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


def _env_seconds(name: str, default: float, low: float, high: float) -> float:
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return min(max(value, low), high)


def _timeout_s() -> float:
    return _env_seconds("ADVISOR_HUB_TIMEOUT_S", HUB_TIMEOUT_S, 0.1, 60.0)


def _endpoint() -> str:
    return (os.environ.get("HF_ENDPOINT") or "https://huggingface.co").rstrip("/")


# ---- the time an answer may spend on the Hub, and who is asking ----

@dataclass
class HubBudget:
    deadline: float  # time.monotonic() by which this answer stops waiting for the Hub
    client: str = ""  # the session or address asking ("" when unknown: no per-client limit)

    def remaining_s(self) -> float:
        return self.deadline - time.monotonic()


_BUDGET: contextvars.ContextVar[HubBudget | None] = contextvars.ContextVar("hub_budget", default=None)
_CLIENT: contextvars.ContextVar[str] = contextvars.ContextVar("hub_client", default="")


@contextlib.contextmanager
def hub_client(client: str | None):
    """Lookups made inside count against `client` (a session id, an address)."""
    token = _CLIENT.set(str(client or "")[:200])
    try:
        yield
    finally:
        with contextlib.suppress(ValueError):  # reset from another context (a generator closed elsewhere)
            _CLIENT.reset(token)


_WAIT_HOOK: contextvars.ContextVar = contextvars.ContextVar("hub_wait_hook", default=None)


@contextlib.contextmanager
def while_waiting(hook):
    """`hook()` (a context manager) is entered around every wait for the Hub made inside: the answer
    pool gives its CPU slot up meanwhile."""
    token = _WAIT_HOOK.set(hook)
    try:
        yield
    finally:
        with contextlib.suppress(ValueError):
            _WAIT_HOOK.reset(token)


def waiting():
    """The context to wait in (a Hub lookup; the guidance index while it is built): the caller's hook, if any."""
    hook = _WAIT_HOOK.get()
    return hook() if hook else contextlib.nullcontext()


@contextlib.contextmanager
def hub_budget(seconds: float | None = None):
    """One answer: all its Hub lookups together wait at most `seconds` (default the lookup timeout).
    Inside an answer that already has a budget, that budget stays."""
    outer = _BUDGET.get()
    if outer is not None and outer.remaining_s() > -60:  # (one left over from a finished answer is replaced)
        yield
        return
    limit = _timeout_s() if seconds is None else seconds
    token = _BUDGET.set(HubBudget(time.monotonic() + limit, _CLIENT.get()))
    try:
        yield
    finally:
        with contextlib.suppress(ValueError):
            _BUDGET.reset(token)


# ---- one shared, bounded set of lookups ----

@dataclass(eq=False)
class _Lookup:
    key: tuple
    repo_id: str
    client: str
    done: threading.Event = field(default_factory=threading.Event)
    value: dict | None = None
    error: tuple[type, str] | None = None  # (exception class, its text): a fresh exception per caller


_lock = threading.Lock()
_in_flight: dict[tuple, _Lookup] = {}
_failed: OrderedDict[tuple, tuple[float, type, str]] = OrderedDict()  # key -> (expires, class, text)
_per_client: Counter = Counter()
_work: queue.Queue = queue.Queue()
_workers: list[threading.Thread] = []


def _key(repo_id: str) -> tuple:
    # a failure under one setting says nothing about another (a token, a mirror, another data dir)
    return (repo_id, _endpoint(), bool(os.environ.get("HF_TOKEN")), str(data_dir()))


def _raise(cls: type, text: str):
    raise (HubUnavailable(text) if cls is HubUnavailable else cls(text))


def _remember(key: tuple, cls: type, text: str) -> None:
    """Remember a failure (call with _lock held)."""
    _failed.pop(key, None)
    _failed[key] = (time.monotonic() + _env_seconds("ADVISOR_HUB_RETRY_S", HUB_RETRY_S, 0.0, 86400.0), cls, text)
    while len(_failed) > HUB_MAX_REMEMBERED:
        _failed.popitem(last=False)


def forget_failures() -> None:
    """Forget remembered failures (tests; a person who fixed their network can also restart)."""
    with _lock:
        _failed.clear()


def hub_threads() -> int:
    """Lookup threads alive (at most HUB_WORKERS)."""
    return sum(t.is_alive() for t in _workers)


def _worker() -> None:
    while True:
        lookup: _Lookup = _work.get()
        try:
            lookup.value = _download(lookup.repo_id, _timeout_s())
            _store(lookup.repo_id, lookup.value)
        except HubUnavailable as exc:
            lookup.error = (HubUnavailable, exc.reason)
        except AdvisorInputError as exc:  # not found, gated, no config.json
            lookup.error = (type(exc), str(exc))
        except Exception as exc:  # noqa: BLE001 - any failure of a lookup is a fallback, never a crash
            lookup.error = (HubUnavailable, f"{type(exc).__name__}")
        with _lock:
            _in_flight.pop(lookup.key, None)
            _per_client[lookup.client] -= 1
            if _per_client[lookup.client] <= 0:
                del _per_client[lookup.client]
            if lookup.error:
                _remember(lookup.key, *lookup.error)
            else:
                _failed.pop(lookup.key, None)  # it answered after all: the next caller gets the cached copy
        lookup.done.set()


def _start(lookup: _Lookup) -> None:
    """Queue a lookup; start the pool's threads the first time (call with _lock held)."""
    _work.put(lookup)
    _workers[:] = [t for t in _workers if t.is_alive()]
    while len(_workers) < HUB_WORKERS:
        thread = threading.Thread(target=_worker, name=f"hub-{len(_workers)}", daemon=True)
        thread.start()
        _workers.append(thread)


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
    if _env_on("HF_HUB_OFFLINE"):
        raise HubUnavailable("HF_HUB_OFFLINE is set and it is not cached")
    key, timeout, budget = _key(repo_id), _timeout_s(), _BUDGET.get()
    wait = timeout if budget is None else min(timeout, budget.remaining_s())
    with _lock:
        failed = _failed.get(key)
        if failed and failed[0] > time.monotonic():
            _raise(failed[1], failed[2])
        if failed:
            del _failed[key]
        if wait <= 0:
            _raise(HubUnavailable, f"this answer's {timeout:g} s for Hub lookups is spent")
        lookup = _in_flight.get(key)
        if lookup is None:
            client = budget.client if budget else _CLIENT.get()
            if client and _per_client[client] >= HUB_PER_CLIENT:
                _raise(HubUnavailable, f"{HUB_PER_CLIENT} lookups of yours are still running")
            if len(_in_flight) >= HUB_WORKERS + HUB_MAX_WAITING:
                _raise(HubUnavailable, "too many Hub lookups are running; try again in a minute")
            lookup = _in_flight[key] = _Lookup(key, repo_id, client)
            _per_client[client] += 1
            _start(lookup)
    with waiting():
        finished = lookup.done.wait(wait)
    if not finished:
        reason = f"no answer from {_endpoint().split('://')[-1]} within {wait:.2g} s"
        with _lock:
            if not lookup.done.is_set():  # later callers fall back at once until the lookup ends or expires
                _remember(key, HubUnavailable, reason)
        _raise(HubUnavailable, reason)
    if lookup.error:
        _raise(*lookup.error)
    return dict(lookup.value)


def _store(repo_id: str, record: dict) -> None:
    cached = _cache_file(repo_id)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        tmp.replace(cached)
    except OSError:
        pass  # a read-only data directory only costs the next lookup a fetch


# ---- the HTTP reads: one attempt each, each bounded; no retries (a retry is the next question's lookup) ----

class _Missing(Exception):
    """The file is not in the repo (the repo exists)."""


def _download(repo_id: str, timeout: float) -> dict:
    import httpx

    endpoint, token = _endpoint(), os.environ.get("HF_TOKEN") or None
    headers = {"User-Agent": "gpu-advisor"} | ({"Authorization": f"Bearer {token}"} if token else {})
    deadline = time.monotonic() + 3 * timeout  # three small reads at most; the caller waits `timeout`
    try:
        with httpx.Client(headers=headers, timeout=httpx.Timeout(timeout), follow_redirects=False) as client:
            try:
                config = json.loads(_get(client, endpoint, repo_id, "config.json", deadline))
            except _Missing:
                raise AdvisorInputError(
                    f"{repo_id} has no config.json: it is not a transformers language model (GGUF-only and "
                    "diffusion repos are not read; give a size like '13B').") from None
            total_size = _checkpoint_bytes(client, endpoint, repo_id, deadline)
    except AdvisorInputError:
        raise
    except httpx.TimeoutException:
        raise HubUnavailable(f"no answer from {endpoint.split('://')[-1]} within {timeout:g} s") from None
    except httpx.ConnectError:  # no network, a name that does not resolve, a closed port
        raise HubUnavailable(f"could not connect to {endpoint.split('://')[-1]}") from None
    except httpx.HTTPError as exc:
        raise HubUnavailable(f"{type(exc).__name__}") from None
    except ValueError:
        raise HubUnavailable("the Hub sent a file that is not JSON") from None
    if not isinstance(config, dict):
        raise AdvisorInputError(f"{repo_id}'s config.json is not a JSON object.")
    return {"repo_id": repo_id, "config": config, "total_size": total_size, "endpoint": endpoint,
            "fetched_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}


def _request(client, method: str, url: str, deadline: float):
    """The response to one request, following redirects on the same host (a renamed repo); a redirect
    elsewhere (a CDN) is returned as is (its headers carry the size)."""
    import httpx

    for _ in range(4):
        if time.monotonic() > deadline:
            raise httpx.TimeoutException("the lookup's time ran out")
        response = client.send(client.build_request(method, url), stream=True)
        if not response.is_redirect:
            return response
        target = httpx.URL(url).join(response.headers.get("location", ""))
        if target.host != httpx.URL(url).host:
            return response
        response.close()
        url = str(target)
    return response


def _check(response, repo_id: str) -> None:
    code = response.headers.get("x-error-code", "")
    if response.status_code < 400:
        return
    if code == "GatedRepo":
        raise AdvisorInputError(
            f"{repo_id} is a gated repo: accept its licence at https://huggingface.co/{repo_id} and set HF_TOKEN "
            "to an access token of that account.")
    if code == "EntryNotFound":
        raise _Missing()
    if code in ("RepoNotFound", "RevisionNotFound") or response.status_code in (401, 404):
        raise HubRepoNotFound(f"There is no Hugging Face repo '{repo_id}' (or it is private: set HF_TOKEN).")
    raise HubUnavailable(f"the Hub answered HTTP {response.status_code}")


def _get(client, endpoint: str, repo_id: str, filename: str, deadline: float) -> bytes:
    response = _request(client, "GET", f"{endpoint}/{repo_id}/resolve/main/{filename}", deadline)
    try:
        _check(response, repo_id)
        if response.is_redirect:  # a small JSON file is not on a CDN
            raise HubUnavailable(f"{filename} is served from another host")
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > MAX_HUB_FILE_BYTES or time.monotonic() > deadline:
                raise HubUnavailable(f"{filename} is over {MAX_HUB_FILE_BYTES // 2**20} MiB or too slow")
        return bytes(body)
    finally:
        response.close()


def _checkpoint_bytes(client, endpoint: str, repo_id: str, deadline: float) -> int | None:
    """The checkpoint's weight bytes: the safetensors index's total_size, or a single file's size."""
    try:
        size = (json.loads(_get(client, endpoint, repo_id, "model.safetensors.index.json", deadline))
                .get("metadata") or {}).get("total_size")
        return int(size) if size else None
    except _Missing:
        pass
    except AdvisorInputError:
        raise
    except (AttributeError, TypeError, ValueError):
        return None
    response = _request(client, "HEAD", f"{endpoint}/{repo_id}/resolve/main/model.safetensors", deadline)
    try:
        _check(response, repo_id)
        size = response.headers.get("x-linked-size") or response.headers.get("content-length")
        return int(size) if size and size.isdigit() else None
    except _Missing:
        return None
    finally:
        response.close()


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
