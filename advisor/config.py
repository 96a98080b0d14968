"""Settings from the environment (read at the edge), with fix-it messages."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_MODEL = "gpt-4o-mini"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    openai_api_key: str | None = None
    openai_base_url: str | None = None
    advisor_model: str = DEFAULT_MODEL
    advisor_llm_timeout_s: float = 60.0
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
        return ChatOpenAI(model=self.advisor_model, api_key=self.openai_api_key or "not-needed",
                          base_url=self.openai_base_url, timeout=self.advisor_llm_timeout_s, max_retries=1,
                          temperature=0)
