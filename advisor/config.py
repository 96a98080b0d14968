"""Settings from the environment (read at the edge), with fix-it messages."""

from __future__ import annotations

import logging
import re
import threading
import time
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_MODEL = "gpt-4o-mini"
REDACTED = "***"
# query parameters that carry credentials (api_key, access_token, sig, X-Amz-Signature, password, ...)
_SECRET_PARAM = re.compile(r"key|token|secret|pass|pwd|auth|sig|credential|session|code", re.IGNORECASE)
_URL_IN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>]*[^\s'\"<>.,:;)\]]")
# credential-shaped strings anywhere (a URL path segment like /sk-.../v1, a query value, a log line): the key
# formats of OpenAI-compatible servers, Hugging Face, Slack, GitHub, GitLab, AWS, a bearer token - and any
# long random-looking run (32+ letters and digits, both present)
_TOKEN = re.compile(r"(?<![A-Za-z0-9])(?:(?:sk|pk|rk)[-_][A-Za-z0-9_\-]{8,}|hf_[A-Za-z0-9]{8,}|xox[a-z]-[A-Za-z0-9\-]{8,}"
                    r"|gh[pousr]_[A-Za-z0-9]{8,}|glpat-[A-Za-z0-9_\-]{8,}|AKIA[0-9A-Z]{16}"
                    r"|(?=[A-Za-z0-9_\-]*[0-9])(?=[A-Za-z0-9_\-]*[A-Za-z])[A-Za-z0-9_\-]{32,})(?![A-Za-z0-9])")
_BEARER = re.compile(r"(?i)\b(bearer\s+|(?:api[-_]?key|token|secret|password)\s*[:=]\s*)()[A-Za-z0-9._~+/=\-]{8,}")


def redact_tokens(text: str) -> str:
    """`text` with credential-shaped strings (see _TOKEN) and 'Bearer <token>' values replaced by ***."""
    return _BEARER.sub(lambda m: m.group(1) + m.group(2) + REDACTED, _TOKEN.sub(REDACTED, text))


def redact_url(url: str | None) -> str:
    """A URL safe to show or log: user:password@ and credential-like query values become ***.
    'http://u:p@host:8000/v1?api_key=k&v=1' -> 'http://***@host:8000/v1?api_key=***&v=1'."""
    if not url:
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. a malformed IPv6 host: show nothing of it rather than risk a secret
        return "(a URL that could not be parsed)"
    if not parts.netloc:  # "user:pass@host/v1" without a scheme
        return re.sub(r"^[^/?#]*@", REDACTED + "@", url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = REDACTED + "@" + netloc.rsplit("@", 1)[1]
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(k, REDACTED if _SECRET_PARAM.search(k) or _TOKEN.search(v) else v) for k, v in pairs],
                          safe="*")
    path = "/".join(REDACTED if _TOKEN.search(seg) else seg for seg in parts.path.split("/"))
    return urlunsplit((parts.scheme, netloc, path, query, ""))


def redact_text(text: str) -> str:
    """`text` (a log line, an exception message) with every URL in it passed through redact_url and
    credential-shaped strings outside URLs replaced too."""
    return redact_tokens(_URL_IN_TEXT.sub(lambda m: redact_url(m.group(0)), text or ""))


def quiet_library_logs() -> None:
    """Libraries that log a line per request at INFO (the OpenAI client's 'HTTP Request: POST <url>' and
    'Retrying request', httpx, LangChain) log only warnings: the app's own one line per event is enough."""
    for name in ("httpx", "httpcore", "openai", "openai._base_client", "langchain", "langchain_openai",
                 "langchain_core", "urllib3", "huggingface_hub", "chromadb", "uvicorn.access"):
        logging.getLogger(name).setLevel(logging.WARNING)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    openai_api_key: str | None = None
    openai_base_url: str | None = None
    advisor_model: str = DEFAULT_MODEL
    # seconds per model request, and for a whole answer (all rounds; then the offline engine answers).
    # A local CPU server (llama.cpp) needs more: its first, prompt-heavy call can take minutes (README).
    advisor_llm_timeout_s: float = 30.0
    advisor_answer_limit_s: float = 60.0
    advisor_max_tokens: int = 1024  # a looping model otherwise generates until its context is full
    advisor_data_dir: str | None = None
    chroma_host: str | None = None
    chroma_port: int = 8000
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_dedup_redis_url: str | None = None  # shared de-duplication store for several bot processes
    slack_offline: bool = False  # local testing: start without reaching Slack (gpu-advisor slack --offline)

    @property
    def llm_configured(self) -> bool:
        return bool(self.openai_api_key or self.openai_base_url)

    def describe_llm(self) -> str:
        if not self.llm_configured:
            return "offline engine (no LLM configured: set OPENAI_API_KEY, or OPENAI_BASE_URL for a local server)"
        where = redact_url(self.openai_base_url) or "api.openai.com"
        return f"LLM {self.advisor_model} at {where}"

    def make_llm(self):
        """A ChatOpenAI for any OpenAI-compatible server (OpenAI, vLLM, Ollama, llama.cpp)."""
        try:
            from langchain_openai import ChatOpenAI
        except ImportError as exc:  # pragma: no cover - a dependency of the package
            raise RuntimeError("The LLM engine needs langchain-openai: pip install 'langchain-openai>=1'") from exc
        # ChatOpenAI sends max_completion_tokens; older OpenAI-compatible servers read only max_tokens
        extra = {"extra_body": {"max_tokens": self.advisor_max_tokens}} if self.openai_base_url else {}
        return ChatOpenAI(model=self.advisor_model, api_key=self.openai_api_key or "not-needed",
                          base_url=self.openai_base_url, timeout=self.advisor_llm_timeout_s, max_retries=1,
                          temperature=0, max_tokens=self.advisor_max_tokens, **extra)


class RedactFilter(logging.Filter):
    """Log lines never carry credentials: URLs in them lose user:password@, token-shaped path segments and
    query values; token-shaped strings elsewhere go too."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact_text(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:  # a traceback's exception text can carry the URL
            record.exc_text = redact_text(logging.Formatter().formatException(record.exc_info))
        return True


class RepeatFilter(logging.Filter):
    """Bounded log volume: at most `burst` lines of one kind (one logging call site) per `window_s`;
    the next line of that kind after a quiet spell says how many were left out."""

    def __init__(self, burst: int = 5, window_s: float = 10.0, max_kinds: int = 1000) -> None:
        super().__init__()
        self.burst, self.window_s, self.max_kinds = burst, window_s, max_kinds
        self._seen: dict[tuple, list] = {}  # kind -> [window start, lines in window, dropped]
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        kind = (record.name, record.pathname, record.lineno)  # one call site (py.warnings: all warnings)
        now = time.monotonic()
        with self._lock:
            entry = self._seen.get(kind)
            if entry is None or now - entry[0] > self.window_s:
                dropped = entry[2] if entry else 0
                if len(self._seen) >= self.max_kinds:
                    self._seen.clear()
                self._seen[kind] = [now, 1, 0]
                if dropped:
                    record.msg = f"{record.getMessage()} ({dropped} more like it in the last {self.window_s:g} s " \
                                 "were left out)"
                    record.args = None
                return True
            entry[1] += 1
            if entry[1] <= self.burst:
                return True
            entry[2] += 1
            return False


def install_log_hygiene() -> None:
    """For a server process: every handler of the root and uvicorn loggers redacts credentials and bounds
    repeats; libraries' per-request INFO lines are off."""
    quiet_library_logs()
    logging.captureWarnings(True)  # a library's warnings.warn per malformed message: through the filters below
    redact, repeats = RedactFilter(), RepeatFilter()
    for name in ("", "uvicorn", "uvicorn.error", "py.warnings"):
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, RedactFilter) for f in handler.filters):
                handler.addFilter(redact)
                handler.addFilter(repeats)


def one_line_library_errors(modules: tuple[str, ...] = ("gradio.routes", "gradio.queueing", "gradio.blocks",
                                                         "gradio.route_utils", "gradio.utils")) -> None:
    """Gradio prints a full traceback (traceback.print_exc, past logging) for every request it cannot
    process - a malformed chat history gave 55,000 lines of pydantic errors. In these modules that becomes
    one redacted log line (through the filters above): the exception's type and the start of its message."""
    import importlib
    import sys
    import traceback
    import types

    log = logging.getLogger("gpu-advisor.requests")

    class OneLine(types.ModuleType):
        def __getattr__(self, name):
            return getattr(traceback, name)

        @staticmethod
        def print_exc(*args, **kwargs) -> None:
            exc = sys.exc_info()[1]
            if log.isEnabledFor(logging.DEBUG):  # a developer asked for everything
                traceback.print_exc(*args, **kwargs)
            first = str(exc).splitlines()[0] if exc is not None and str(exc) else ""
            log.warning("Refused a request: %s: %s", type(exc).__name__, redact_text(first)[:200])

    shim = OneLine("traceback")
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if getattr(module, "traceback", None) is traceback:
            module.traceback = shim
