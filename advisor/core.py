"""Advisor: the one object every front end uses. `Advisor().ask(question, history) -> Answer`."""

from __future__ import annotations

from .answer import Answer
from .offline.engine import OfflineEngine

MAX_QUESTION_CHARS = 4000


class Advisor:
    """Answers with an LLM agent when one is configured (or passed in), else with the offline engine.

    llm: a LangChain chat model, or None to use the environment (OPENAI_API_KEY / OPENAI_BASE_URL).
    engine: "offline" or "llm" to force one.
    quick_start: for one-shot processes (the CLI): the offline engine cites guidance by keyword rather
    than loading the vector index (~2 s)."""

    def __init__(self, llm=None, engine: str | None = None, settings=None, quick_start: bool = False) -> None:
        from .config import Settings

        self.settings = settings or Settings()
        self.offline = OfflineEngine(quick=quick_start)
        self.llm_engine = None
        if engine not in (None, "offline", "llm"):
            raise ValueError("engine must be 'offline' or 'llm'")
        if engine != "offline":
            if llm is None and self.settings.llm_configured:
                llm = self.settings.make_llm()
            if llm is None and engine == "llm":
                raise ValueError("No LLM configured: set OPENAI_API_KEY (or OPENAI_BASE_URL for a local "
                                 "OpenAI-compatible server) and ADVISOR_MODEL.")
            if llm is not None:
                from .llm import LLMEngine

                self.llm_engine = LLMEngine(llm, fallback=self.offline,
                                            time_limit_s=self.settings.advisor_answer_limit_s)

    @property
    def engine_name(self) -> str:
        return "llm" if self.llm_engine else "offline"

    def describe(self) -> str:
        if self.llm_engine:
            model = getattr(self.llm_engine.llm, "model_name", None) or type(self.llm_engine.llm).__name__
            base = getattr(self.llm_engine.llm, "openai_api_base", None) or ""
            return f"LLM {model}" + (f" at {base}" if base else "")
        return self.settings.describe_llm() if not self.settings.llm_configured else "offline engine (forced)"

    def ask(self, question: str, history: list | None = None, defaults: dict | None = None) -> Answer:
        """defaults: what the user picked in a UI (gpu, gpu_count, precision, context) -- used only where
        the question and the conversation say nothing else."""
        answer = None
        for event in self.ask_stream(question, history, defaults, _stream=False):
            answer = event.answer or answer
        return answer

    def ask_stream(self, question: str, history: list | None = None, defaults: dict | None = None,
                   _stream: bool = True):
        """Yields advisor.llm.StreamEvent: with an LLM, "text" pieces as the model writes them ("reset" drops
        the text so far when a retry or the offline fallback follows), "tool" as each tool runs; always a last
        "answer" event carrying the checked Answer (render its warnings, or a mark when there are none)."""
        from .llm import StreamEvent

        q = (question or "").strip()
        if not q:
            yield StreamEvent("answer", answer=Answer(
                text="Ask me about GPUs for an LLM, e.g. \"Can I fine-tune 13B with LoRA on one 4090?\"",
                engine=self.engine_name))
            return
        warnings = []
        if len(q) > MAX_QUESTION_CHARS:
            q = q[:MAX_QUESTION_CHARS]
            warnings.append(f"The question was cut to its first {MAX_QUESTION_CHARS} characters.")
        defaults = {k: v for k, v in (defaults or {}).items() if v not in (None, "", 0)}
        if self.llm_engine:
            note = ", ".join(f"{k}={v}" for k, v in defaults.items())
            events = self.llm_engine._events(f"{q}\n\n(My defaults, if I did not say otherwise: {note})" if note
                                             else q, history, stream=_stream)
        else:
            events = iter([StreamEvent("answer", answer=self.offline.ask(q, history, defaults=defaults))])
        for event in events:
            if event.answer is not None:
                event.answer.warnings = warnings + event.answer.warnings
            yield event
