"""Advisor: the one object every front end uses. `Advisor().ask(question, history) -> Answer`."""

from __future__ import annotations

import re

from .answer import Answer
from .config import redact_url
from .offline.engine import OfflineEngine

# Every text input is bounded before any engine parses it (the chat client sends the history, so a
# client can send anything): the question, each earlier turn, the number of turns, and runs of digits
# (no quantity here needs more than 20 digits; a 10,000-digit "number" cost seconds of parsing).
MAX_QUESTION_CHARS = 4000
MAX_TURN_CHARS = 4000
MAX_HISTORY_TURNS = 24
MAX_DIGIT_RUN = 20
_DIGIT_RUN = re.compile(rf"\d[\d,_]{{{MAX_DIGIT_RUN},}}")
# a number in a question: scientific notation (1e308, 2.5E+20) or a run of digits with separators
_NUMBER = re.compile(r"(?<![\w.])(?:\d+(?:\.\d+)?[eE][+]?\d+|\d[\d,_]*)(?![\w])")
LARGEST_NUMBER = 1e15  # tools.base.MAX_ANY_NUMBER: nothing this advisor sizes is larger
# The one time limit on an answer (Advisor.time_limit_s), for the CLI, the app and Slack alike
OFFLINE_TIME_LIMIT_S = 20.0  # the offline engine answers in ~15-50 ms; 20 s means something is wrong
FALLBACK_MARGIN_S = 20.0  # after the LLM's limit: the offline engine's answer (and its tools) on a loaded machine


def bound_text(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, with every run of digits (and digit separators) over
    MAX_DIGIT_RUN characters cut to its first MAX_DIGIT_RUN digits: still an absurdly large number
    (which the tools refuse with a short message), never one that costs seconds to read."""
    text = text[: limit * 64]  # a cheap first cut (the digit runs below can shrink what remains)
    text = _DIGIT_RUN.sub(lambda m: re.sub(r"[,_]", "", m.group(0))[:MAX_DIGIT_RUN], text)
    return text[:limit]


def absurd_number(text: str) -> str | None:
    """The first number in `text` beyond LARGEST_NUMBER ("1e308 H100s", a 40-digit user count), shown
    short, or None. Such a number is refused before parsing rather than misread (1e308 as 308)."""
    from tools.base import short_number

    for m in _NUMBER.finditer(text):
        raw = m.group(0)
        digits = raw.replace(",", "").replace("_", "")
        if "e" in raw.lower():
            value = float(digits)
        elif len(digits) > 16:
            value = float("inf") if len(digits) > 308 else float(digits)
        else:
            continue
        if value > LARGEST_NUMBER:
            return short_number(value) if value != float("inf") else "a number over 1e308"
    return None


def bound_history(history) -> list[dict]:
    """The last MAX_HISTORY_TURNS turns as {"role": "user"|"assistant", "content": str}, each bounded.
    Accepts strings (user turns), role/content dicts (Gradio, Slack) and LangChain messages; anything
    else (a malformed payload) is skipped rather than failing the answer."""
    if not isinstance(history, list | tuple):
        return []
    out = []
    for turn in list(history)[-MAX_HISTORY_TURNS:]:
        if isinstance(turn, str):
            role, content = "user", turn
        elif isinstance(turn, dict):
            role, content = turn.get("role", "user"), turn.get("content")
        else:
            role, content = getattr(turn, "type", None), getattr(turn, "content", None)
        if not isinstance(content, str) or not content.strip():
            continue
        out.append({"role": "user" if role in ("user", "human") else "assistant",
                    "content": bound_text(content, MAX_TURN_CHARS)})
    return out


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

    def time_limit_s(self) -> float:
        """The one limit on an answer, from ADVISOR_ANSWER_LIMIT_S (Settings.advisor_answer_limit_s): with an LLM,
        that long waiting for the model, then the offline engine's answer within FALLBACK_MARGIN_S; offline,
        OFFLINE_TIME_LIMIT_S (or the setting, if lower). Front ends that stop waiting (the web app) use this,
        so a slow local server falls back to the offline answer everywhere instead of "took too long"."""
        limit = self.settings.advisor_answer_limit_s
        return limit + FALLBACK_MARGIN_S if self.llm_engine else min(OFFLINE_TIME_LIMIT_S, limit)

    @property
    def engine_name(self) -> str:
        return "llm" if self.llm_engine else "offline"

    def describe(self) -> str:
        if self.llm_engine:
            model = getattr(self.llm_engine.llm, "model_name", None) or type(self.llm_engine.llm).__name__
            base = redact_url(getattr(self.llm_engine.llm, "openai_api_base", None) or "")
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

        q = (question if isinstance(question, str) else "").strip()
        if not q:
            yield StreamEvent("answer", answer=Answer(
                text="Ask me about GPUs for an LLM, e.g. \"Can I fine-tune 13B with LoRA on one 4090?\"",
                engine=self.engine_name))
            return
        warnings = []
        if len(q) > MAX_QUESTION_CHARS:
            warnings.append(f"The question was cut to its first {MAX_QUESTION_CHARS} characters.")
        absurd = absurd_number(q[:MAX_QUESTION_CHARS])
        q = bound_text(q, MAX_QUESTION_CHARS)
        if absurd:
            yield StreamEvent("answer", answer=Answer(
                text=f"That number ({absurd}) is beyond anything this advisor can size: GPU and user counts, "
                f"tokens, hours and prices all stop at {LARGEST_NUMBER:g}. Check the number and ask again.",
                engine="offline", warnings=warnings))  # a canned refusal: no model wrote it
            return
        history = bound_history(history)
        defaults = {k: v for k, v in (defaults or {}).items() if v not in (None, "", 0)} \
            if isinstance(defaults, dict) else {}
        from tools.hub import hub_budget

        with hub_budget():  # all of this answer's Hub lookups together wait at most ADVISOR_HUB_TIMEOUT_S
            if self.llm_engine:
                note = ", ".join(f"{k}={v}" for k, v in defaults.items())
                events = self.llm_engine._events(f"{q}\n\n(My defaults, if I did not say otherwise: {note})"
                                                 if note else q, history, stream=_stream, asked=q)
            else:
                events = iter([StreamEvent("answer", answer=self.offline.ask(q, history, defaults=defaults))])
            for event in events:
                if event.answer is not None:
                    event.answer.warnings = warnings + event.answer.warnings
                yield event
