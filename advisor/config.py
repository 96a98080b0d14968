"""Settings from the environment (read at the edge), with fix-it messages."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_MODEL = "gpt-4o-mini"


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

    @property
    def llm_configured(self) -> bool:
        return bool(self.openai_api_key or self.openai_base_url)

    def describe_llm(self) -> str:
        if not self.llm_configured:
            return "offline engine (no LLM configured: set OPENAI_API_KEY, or OPENAI_BASE_URL for a local server)"
        where = self.openai_base_url or "api.openai.com"
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
