"""One question through the LLM engine: model turns, tool runs, the grounding check and one retry, under a
round cap and a wall-clock deadline. Raises LLMFailure (a reason in the user's words) when the offline
engine should answer instead."""

from __future__ import annotations

import re
import time
from collections.abc import Generator

from .answer import Answer, ToolCallRecord
from .contract import ASK_TOOLS, ASK_WORDS, ASK_WORDS_ZH, Contract
from .figures import figures
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
from .toolcalls import argument_blob, repair_json
from .toolkit import execute, field_names, parameter_names

_HOLD = "<{[`"  # a reply that opens like this may be a tool call written as text: don't stream it


class Run:
    def __init__(self, engine, question: str, history: list | None, stream: bool, asked: str | None = None) -> None:
        self.engine, self.question, self.history, self.stream = engine, question, history, stream
        self.deadline = time.monotonic() + engine.time_limit_s
        self.messages = to_messages(history, question)
        self.calls: list[ToolCallRecord] = []
        self.zh = _zh(asked or question)
        self.contract = Contract.of(asked or question, history)  # the person's words, without the UI defaults note
        self.seen: set[str] = set()
        self.answer: Answer | None = None

    def _say(self, en: str, zh: str) -> str:
        return zh if self.zh else en

    def events(self) -> Generator[StreamEvent, None, None]:
        from langchain_core.messages import AIMessage, HumanMessage

        if self.contract.asks in (["local_path"], ["problem"]):  # the offline engine's own refusals, never a model's
            raise LLMFailure(self._say("the question names a local file or a figure out of range",
                                       "问题包含本地文件路径或超出范围的数字"))
        text = yield from self._attempt()
        problems = self._problems(text)
        if problems and time.monotonic() < self.deadline:
            yield StreamEvent("reset")
            self.messages += [AIMessage(text), HumanMessage(RETRY_PROMPT.format(problems=problems))]
            text = yield from self._attempt()
        self.answer = self._final(text)

    def _problems(self, text: str) -> str:
        """What is wrong with an answer, for the one retry ("" when nothing is)."""
        parts = []
        g = check(text, self.calls, self.question, self.history)
        if not g.ok:
            parts.append(g.problems())
        missing = self.contract.unbacked(self.calls)
        if missing:
            need = sorted(set().union(*(ASK_TOOLS[a] for a in missing)))
            parts.append(f"no successful result from {' or '.join(need)} behind it, with the question's own facts")
        if self._states_nothing(text):
            parts.append("no result: answer the question with the verdict and figures the tools returned")
        if wrong_language(text, self.zh):
            parts.append("it is not in the language of the question: answer in "
                         + ("Chinese" if self.zh else "English"))
        return "; ".join(parts)

    def _final(self, text: str) -> Answer:
        """The answer, or LLMFailure (the offline engine answers) with the true reason."""
        missing = self.contract.unbacked(self.calls)
        if missing and missing[0] == self.contract.sizing_asks()[0]:  # the main ask: no answer without its result
            raise LLMFailure(self._say(self.contract.reason(missing, self.calls),
                                       "模型关于" + "、".join(ASK_WORDS_ZH.get(a, a) for a in missing)
                                       + "的回答没有成功的计算工具结果支撑"))
        if self._states_nothing(text):  # "please give me more information" to a question the tools answer
            raise LLMFailure(self._say("its reply gives no verdict or figure from the calculators",
                                       "模型的回复没有给出计算工具的结论或数字"))
        if wrong_language(text, self.zh):
            raise LLMFailure(self._say("the model answered in another language than the question's",
                                       "模型没有用提问的语言回答"))
        g = check(text, self.calls, self.question, self.history)
        backed = any(c.tool in SIZING_TOOLS and not c.error for c in self.calls)
        if not backed and (g.unsupported or verdict(text)):
            ran = sorted({c.tool for c in self.calls if not c.error})
            what = (f"its figures ({', '.join(g.unsupported[:3])}) come from no calculator result" if g.unsupported
                    else "it gave a verdict without a calculator result")
            raise LLMFailure(self._say(what + (f" (it ran only {', '.join(ran)})" if ran else ""),
                                       "模型没有调用计算工具就给出了数字或结论"))
        warnings = []
        if missing:  # a further ask ("... and what would it cost?") that no calculator result answers
            warnings.append(self._say("Not checked against the calculators: "
                                      + " and ".join(ASK_WORDS.get(a, a) for a in missing) + ".",
                                      "以下部分没有经过计算工具核实：" + "、".join(ASK_WORDS_ZH.get(a, a) for a in missing)
                                      + "。"))
        if g.unsupported:
            warnings.append(self._say("Unverified figures (not from any tool result): ", "未经工具核实的数字：")
                            + ", ".join(g.unsupported))
        if g.contradiction:
            warnings.append(self._say(f"The verdict may be wrong: {g.contradiction}.",
                                      f"结论可能有误（与 check_fit 结果矛盾）：{g.contradiction}。"))
        return Answer(text=text, engine="llm", calls=self.calls, sources=_sources(self.calls),
                      warnings=warnings, language="zh" if self.zh else "en")

    def _states_nothing(self, text: str) -> bool:
        """A reply to a sizing ask with no figure in it (nor a verdict, for a yes/no ask): not an answer."""
        asks = self.contract.sizing_asks()
        yes_no = {"fit", "misconception", "budget", "buy_rent", "compare", "value", "limits"} & set(asks)
        return bool(asks) and not figures(text) and not (yes_no and verdict(text))

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
                if argument_blob(text, field_names()):
                    raise LLMFailure(self._say("the model wrote tool arguments as its answer instead of calling "
                                               "the tool", "模型把工具参数当成了回答"))
                return text
            for name, args, _ in calls:
                if self._echoed(name, args):
                    raise LLMFailure(self._say("the model sent a tool result back as a new call",
                                               "模型把工具结果当成新的调用发回"))
                key = _call_key(name, args)
                if key in self.seen:
                    raise LLMFailure(self._say(f"the model repeated the same {name} call",
                                               f"模型重复了同一个 {name} 调用"))
                self.seen.add(key)
            self.messages.append(AIMessage(content="", tool_calls=[
                {"name": n, "args": a if isinstance(a, dict) else {}, "id": i} for n, a, i in calls]))
            for name, args, call_id in calls:
                yield StreamEvent("tool", name)
                started = time.monotonic()
                record, content = execute(name, args, guard=self.contract.check_call)
                self.deadline += time.monotonic() - started  # the limit is on waiting for the model; tools are local
                self.calls.append(record)
                self.messages.append(ToolMessage(content, tool_call_id=call_id, name=name))
        raise LLMFailure(self._say(f"the model was still calling tools after {self.engine.max_rounds} rounds",
                                   f"模型调用工具超过 {self.engine.max_rounds} 轮仍未作答"))

    def _echoed(self, name: str, args) -> bool:
        """A tool result (or part of one) sent back as a call's arguments."""
        args = repair_json(args) if isinstance(args, str) else args
        if not isinstance(args, dict) or not args:
            return False
        params = parameter_names(name)
        for c in self.calls:
            if isinstance(c.result, dict) and not c.error:
                if args == c.result or (set(args) - params) & set(c.result):
                    return True
        return False

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


def _call_key(name: str, args) -> str:
    import json

    value = repair_json(args) if isinstance(args, str) else args
    return name + json.dumps(value, sort_keys=True, default=str)


_CJK = re.compile(r"[\u4e00-\u9fff]")
_LETTER = re.compile(r"[A-Za-z\u4e00-\u9fff]")


def wrong_language(text: str, zh: bool) -> bool:
    """A Chinese question answered with no Chinese, or an English one answered mostly in Chinese."""
    cjk = len(_CJK.findall(text))
    letters = len(_LETTER.findall(text)) or 1
    return (cjk == 0) if zh else cjk / letters > 0.3
