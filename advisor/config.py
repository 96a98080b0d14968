"""Settings from the environment (read at the edge), with fix-it messages."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_MODEL = "gpt-4o-mini"
REDACTED = "***"
# query parameters that carry credentials (api_key, access_token, sig, X-Amz-Signature, password, ...)
_SECRET_PARAM = re.compile(r"key|token|secret|pass|pwd|auth|sig|credential|session|code", re.IGNORECASE)
_URL_IN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>]*[^\s'\"<>.,:;)\]]")


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
        query = urlencode([(k, REDACTED if _SECRET_PARAM.search(k) else v) for k, v in pairs], safe="*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def redact_text(text: str) -> str:
    """`text` (a log line, an exception message) with every URL in it passed through redact_url."""
    return _URL_IN_TEXT.sub(lambda m: redact_url(m.group(0)), text or "")


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
