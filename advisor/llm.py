"""LLMEngine: a tool-calling loop over any LangChain chat model (ChatOpenAI for any OpenAI-compatible server).

Every number must come from a tool: the answer is checked by the grounding check (figures and verdicts) and
retried once when it fails. Built for weak models and real servers as much as for scripted ones:
- tool calls written as text (<tool_call>, <tools>, bare {"name", "arguments"} JSON) are run as calls, and a
  tool-call blob is never returned as the answer;
- malformed JSON arguments are repaired where unambiguous; unknown tools/arguments get an error listing the
  valid choices, which goes back to the model;
- rounds and wall-clock time are capped (TIME_LIMIT_S), every model call has a deadline even if the server
  hangs, and past the caps the offline engine answers with a one-line warning;
- a sizing answer with no tool result behind it is replaced by the offline engine's, with a note.
`ask_stream` yields the answer's text as it arrives, then the checked Answer."""

from __future__ import annotations

import logging
import os
import queue
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .answer import Answer, Source, ToolCallRecord
from .toolcalls import looks_like_tool_call, repair_json, text_tool_calls

log = logging.getLogger(__name__)
_THINK = re.compile(r"<think>.*?(?:</think>|$)", re.S)
TIME_LIMIT_S = 60.0  # one question, all rounds and retries; then the offline engine answers
MAX_ROUNDS = 6  # model turns per attempt (each may run several tools)

SYSTEM_PROMPT = """You are gpu-advisor: you size GPUs for training, fine-tuning and serving LLMs.
- Every number you state must come from a tool result here; never compute or recall one. Call tools, several \
at once when independent.
- Pass only what the user said; the tools apply and report defaults. Ask only if no model is named.
- On "Error: ...", fix the arguments it names and call again.
- For why/how, call search_guidance and cite (knowledge/docs/<file> § <heading>).
- Reply briefly in the user's language: verdict first, then key numbers, then options."""

RETRY_PROMPT = ("Your answer has {problems}. Call the tools that give those numbers, with the question's own "
                "facts, or remove the numbers, and answer again following the rules.")
SIZING_TOOLS = {"check_fit", "estimate_memory", "recommend_hardware", "estimate_throughput", "estimate_training",
                "estimate_cost", "compare_quantization", "lookup_gpu", "lookup_model"}


@dataclass
class StreamEvent:
    """kind: "text" (a piece of the answer), "reset" (drop the text so far: a retry follows),
    "tool" (a tool is running; text = its name), "answer" (the final, checked Answer)."""
    kind: str
    text: str = ""
    answer: Answer | None = None


class LLMFailure(Exception):
    """Why the LLM could not answer, in words for the user (no library internals)."""


def to_messages(history: list | None, question: str) -> list:
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    out: list = [SystemMessage(SYSTEM_PROMPT)]
    for turn in history or []:
        if isinstance(turn, dict):
            role, content = turn.get("role", "user"), str(turn.get("content") or "")
        else:
            role, content = getattr(turn, "type", "human"), str(getattr(turn, "content", ""))
        out.append(HumanMessage(content) if role in ("user", "human") else AIMessage(content))
    out.append(HumanMessage(question))
    return out


def _sources(calls: list[ToolCallRecord]) -> list[Source]:
    out: dict[str, Source] = {}
    for c in calls:
        if c.tool == "search_guidance" and isinstance(c.result, list):
            for p in c.result:
                if isinstance(p, dict) and p.get("citation"):
                    out.setdefault(p["citation"], Source(doc_id=p["doc_id"], title=p["title"], heading=p["heading"],
                                                         path=p["path"], citation=p["citation"], score=p.get("score")))
    return list(out.values())


def _text(content: Any) -> str:
    if isinstance(content, list):
        content = "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
    return str(content or "")


def _zh(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


class LLMEngine:
    name = "llm"

    def __init__(self, llm, fallback=None, max_rounds: int = MAX_ROUNDS, time_limit_s: float = TIME_LIMIT_S) -> None:
        self.llm = llm
        self.fallback = fallback
        self.max_rounds = max_rounds
        self.time_limit_s = time_limit_s
        self._bound = None

    def _model(self):
        if self._bound is None:
            from .toolkit import openai_tools

            self._bound = self.llm.bind_tools(openai_tools())
        return self._bound

    def ask(self, question: str, history: list | None = None) -> Answer:
        answer = None
        for event in self._events(question, history, stream=False):
            answer = event.answer or answer
        assert answer is not None
        return answer

    def ask_stream(self, question: str, history: list | None = None) -> Iterator[StreamEvent]:
        """The answer's text as the model writes it, then the checked Answer (kind "answer")."""
        yield from self._events(question, history, stream=True)

    def _events(self, question: str, history: list | None, stream: bool,
                asked: str | None = None) -> Iterator[StreamEvent]:
        """asked: the person's question when `question` carries more (the UI's defaults note)."""
        from .agent_loop import Run

        zh = _zh(asked or question)
        run = Run(self, question, history, stream, asked)
        try:
            yield from run.events()
        except LLMFailure as exc:
            yield StreamEvent("reset")
            yield StreamEvent("answer", answer=self._fallback(question, history, str(exc), zh))
            return
        except Exception as exc:  # noqa: BLE001 - endpoint down, HTTP 500, a tool bug: the user still gets an answer
            yield StreamEvent("reset")
            yield StreamEvent("answer", answer=self._fallback(question, history, describe_failure(exc, zh), zh, exc))
            return
        yield StreamEvent("answer", answer=run.answer)

    def _fallback(self, question, history, reason: str, zh: bool, exc: Exception | None = None) -> Answer:
        """One line in the log (the traceback only with GPU_ADVISOR_DEBUG=1 or debug logging)."""
        log.warning("LLM engine: %s; answered with the offline engine", reason)
        if exc is not None and (os.environ.get("GPU_ADVISOR_DEBUG") or log.isEnabledFor(logging.DEBUG)):
            log.warning("LLM engine traceback", exc_info=exc)
        if self.fallback is None:
            raise LLMFailure(reason)
        answer = self.fallback.ask(question, history)
        answer.warnings.append(f"LLM 未能回答（{reason}），以下由离线引擎回答。" if zh else
                               f"The LLM could not answer ({reason}); this answer comes from the offline engine.")
        return answer


def describe_failure(exc: Exception, zh: bool = False) -> str:
    """What went wrong with the endpoint, in the user's words rather than the library's."""
    status = getattr(exc, "status_code", None) or getattr(getattr(exc, "response", None), "status_code", None)
    name = type(exc).__name__
    if isinstance(exc, TimeoutError) or "Timeout" in name:
        return "LLM 服务在时限内没有回应" if zh else "the LLM endpoint did not reply in time"
    if status in (401, 403):
        return f"LLM 服务拒绝了 API key（HTTP {status}）" if zh else f"the LLM endpoint refused the API key (HTTP {status})"
    if status == 404:
        return "LLM 服务找不到该模型（HTTP 404），请检查 ADVISOR_MODEL" if zh else \
            "the LLM endpoint does not know this model (HTTP 404): check ADVISOR_MODEL"
    if status == 429:
        return "LLM 服务限流（HTTP 429）" if zh else "the LLM endpoint is rate-limiting (HTTP 429)"
    if status:
        return f"LLM 服务出错（HTTP {status}）" if zh else f"the LLM endpoint answered HTTP {status}"
    if isinstance(exc, ConnectionError) or "Connection" in name:
        return "无法连接 LLM 服务" if zh else "could not reach the LLM endpoint"
    return "LLM 引擎内部错误" if zh else f"internal error in the LLM engine ({name})"


class ModelCall:
    """One model call in a worker thread, so a server that hangs cannot hold the caller past its deadline."""

    def __init__(self, model, messages: list, stream: bool) -> None:
        self.q: queue.Queue = queue.Queue()
        threading.Thread(target=self._work, args=(model, messages, stream), daemon=True).start()

    def _work(self, model, messages, stream) -> None:
        try:
            if stream:
                for chunk in model.stream(messages):
                    self.q.put(("chunk", chunk))
                self.q.put(("end", None))
            else:
                self.q.put(("message", model.invoke(messages)))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            self.q.put(("error", exc))

    def items(self, deadline: float) -> Iterator[tuple[str, Any]]:
        while True:
            try:
                kind, value = self.q.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise TimeoutError("no reply from the model before the deadline") from None
            if kind == "error":
                raise value
            if kind == "end":
                return
            yield kind, value
            if kind == "message":
                return


def parse_calls(msg) -> tuple[list[tuple[str, Any, str]], str]:
    """(name, raw arguments, id) for every call in a model message, structured or written as text; and the
    message text when it is not a call."""
    text = _THINK.sub("", _text(msg.content))  # reasoning models served without a reasoning parser
    calls = [(tc["name"], tc.get("args") or {}, tc.get("id") or f"call_{i}")
             for i, tc in enumerate(getattr(msg, "tool_calls", None) or [])]
    for i, tc in enumerate(getattr(msg, "invalid_tool_calls", None) or []):  # JSON the client could not parse
        calls.append((tc.get("name") or "?", tc.get("args") or "", tc.get("id") or f"bad_{i}"))
    if not calls:
        calls = [(name, repair_json(args) if isinstance(args, str) else args, f"text_{i}")
                 for i, (name, args) in enumerate(text_tool_calls(text))]
    return calls, ("" if calls else text.strip())


__all__ = ["LLMEngine", "StreamEvent", "describe_failure", "looks_like_tool_call", "parse_calls", "to_messages"]
