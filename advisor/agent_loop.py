"""One question through the LLM engine: model turns, tool runs, the grounding check and one retry, under a
round cap and a wall-clock deadline. Raises LLMFailure (a reason in the user's words) when the offline
engine should answer instead."""

from __future__ import annotations

import time
from collections.abc import Generator

from .answer import Answer, ToolCallRecord
from .grounding import check, verdict
from .llm import (
    RETRY_PROMPT,
    SIZING_TOOLS,
    LLMFailure,
    ModelCall,
    StreamEvent,
    _sources,
    _text,
    _zh,
    looks_like_tool_call,
    parse_calls,
    to_messages,
)
from .toolkit import execute

_HOLD = "<{[`"  # a reply that opens like this may be a tool call written as text: don't stream it


class Run:
    def __init__(self, engine, question: str, history: list | None, stream: bool) -> None:
        self.engine, self.question, self.history, self.stream = engine, question, history, stream
        self.deadline = time.monotonic() + engine.time_limit_s
        self.messages = to_messages(history, question)
        self.calls: list[ToolCallRecord] = []
        self.zh = _zh(question)
        self.answer: Answer | None = None

    def _say(self, en: str, zh: str) -> str:
        return zh if self.zh else en

    def events(self) -> Generator[StreamEvent, None, None]:
        from langchain_core.messages import AIMessage, HumanMessage

        text = yield from self._attempt()
        g = check(text, self.calls, self.question, self.history)
        if not g.ok and time.monotonic() < self.deadline:
            yield StreamEvent("reset")
            self.messages += [AIMessage(text), HumanMessage(RETRY_PROMPT.format(problems=g.problems()))]
            text = yield from self._attempt()
            g = check(text, self.calls, self.question, self.history)
        backed = any(c.tool in SIZING_TOOLS and not c.error for c in self.calls)
        if not backed and (g.unsupported or verdict(text)):
            raise LLMFailure(self._say("the model answered a sizing question without running the calculators",
                                       "模型没有调用计算工具就给出了结论"))
        warnings = []
        if g.unsupported:
            warnings.append(self._say("Unverified figures (not from any tool result): ", "未经工具核实的数字：")
                            + ", ".join(g.unsupported))
        if g.contradiction:
            warnings.append(self._say(f"The verdict may be wrong: {g.contradiction}.",
                                      f"结论可能有误（与 check_fit 结果矛盾）：{g.contradiction}。"))
        self.answer = Answer(text=text, engine="llm", calls=self.calls, sources=_sources(self.calls),
                             warnings=warnings, language="zh" if self.zh else "en")

    def _attempt(self) -> Generator[StreamEvent, None, str]:
        from langchain_core.messages import AIMessage, ToolMessage

        for _ in range(self.engine.max_rounds):
            msg = yield from self._call_model()
            calls, text = parse_calls(msg)
            if not calls:
                if not text:
                    raise LLMFailure(self._say("the model returned an empty answer", "模型返回了空回答"))
                if looks_like_tool_call(text):
                    raise LLMFailure(self._say("the model wrote a tool call the advisor could not read",
                                               "模型写出了无法解析的工具调用"))
                return text
            self.messages.append(AIMessage(content="", tool_calls=[
                {"name": n, "args": a if isinstance(a, dict) else {}, "id": i} for n, a, i in calls]))
            for name, args, call_id in calls:
                yield StreamEvent("tool", name)
                started = time.monotonic()
                record, content = execute(name, args)
                self.deadline += time.monotonic() - started  # the limit is on waiting for the model; tools are local
                self.calls.append(record)
                self.messages.append(ToolMessage(content, tool_call_id=call_id, name=name))
        raise LLMFailure(self._say(f"the model was still calling tools after {self.engine.max_rounds} rounds",
                                   f"模型调用工具超过 {self.engine.max_rounds} 轮仍未作答"))

    def _call_model(self) -> Generator[StreamEvent, None, object]:
        if time.monotonic() >= self.deadline:
            raise LLMFailure(self._say(f"no answer within {self.engine.time_limit_s:.0f} s",
                                       f"{self.engine.time_limit_s:.0f} 秒内没有得到回答"))
        call = ModelCall(self.engine._model(), self.messages, self.stream)
        try:
            if not self.stream:
                return next(v for _, v in call.items(self.deadline))
            full, shown, hold = None, "", None
            for _, chunk in call.items(self.deadline):
                full = chunk if full is None else full + chunk
                piece = _text(chunk.content)
                if hold is None and (shown + piece).strip():
                    hold = (shown + piece).lstrip()[0] in _HOLD or bool(getattr(full, "tool_call_chunks", None))
                if piece and hold is False and not getattr(full, "tool_call_chunks", None):
                    shown += piece
                    yield StreamEvent("text", piece)
            if full is None:
                raise LLMFailure(self._say("the model returned nothing", "模型没有返回内容"))
            if shown and (getattr(full, "tool_call_chunks", None) or text_is_call(full)):
                yield StreamEvent("reset")
            return full
        except TimeoutError:
            raise LLMFailure(self._say(f"the LLM endpoint did not reply within {self.engine.time_limit_s:.0f} s",
                                       f"LLM 服务在 {self.engine.time_limit_s:.0f} 秒内没有回应")) from None


def text_is_call(msg) -> bool:
    return bool(parse_calls(msg)[0])
