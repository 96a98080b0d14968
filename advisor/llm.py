"""LLMEngine: a LangChain tool-calling agent (create_agent over any chat model) that must call tools
for every number, checked afterwards by the grounding check; falls back to the offline engine when
the endpoint fails."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from .answer import Answer, Source, ToolCallRecord
from .grounding import unsupported_numbers

log = logging.getLogger(__name__)

SYSTEM_PROMPT = """You are gpu-advisor. You answer questions about which GPUs to use for training, fine-tuning
and serving large language models: memory, fit, speed, training time, cost and quantization.

Rules:
1. Every number you state (GiB, GB, tokens/s, hours, $, counts, TFLOPS, percentages) must come from a tool
   result in this conversation. Never compute or recall a number yourself: call a tool. Call independent
   tools in parallel in one turn (e.g. check_fit and search_guidance together).
2. If the user leaves out something with a sensible default (context 4096 for inference, 2048 for training,
   batch 1, one GPU, bf16), use the default and say so. Ask a question only when no sensible default
   exists (e.g. no model at all).
3. When a tool returns "Error: ...", fix the arguments it names and call it again.
4. Cite our guidance for explanations: call search_guidance and cite as (knowledge/docs/<file> § <heading>).
5. Answer briefly, in the user's language: the verdict first (yes/no, the number asked for), then the key
   numbers, then why and the options (e.g. QLoRA, quantization, more GPUs).
"""

RETRY_PROMPT = ("Your answer states figures that no tool result supports: {figures}. Call the tools that give "
                "those numbers, or remove them, and answer again following the rules.")


def to_messages(history: list | None, question: str) -> list:
    from langchain_core.messages import AIMessage, HumanMessage

    out = []
    for turn in history or []:
        if isinstance(turn, dict):
            role, content = turn.get("role", "user"), str(turn.get("content") or "")
        else:
            role, content = getattr(turn, "type", "human"), str(getattr(turn, "content", ""))
        out.append(HumanMessage(content) if role in ("user", "human") else AIMessage(content))
    out.append(HumanMessage(question))
    return out


def extract_calls(messages: list) -> list[ToolCallRecord]:
    """Pair each tool call the model made with the tool's reply."""
    from langchain_core.messages import AIMessage, ToolMessage

    args_by_id: dict[str, tuple[str, dict]] = {}
    records = []
    for msg in messages:
        if isinstance(msg, AIMessage):
            for tc in msg.tool_calls or []:
                args_by_id[tc["id"]] = (tc["name"], tc.get("args") or {})
        elif isinstance(msg, ToolMessage):
            name, args = args_by_id.get(msg.tool_call_id, (msg.name or "?", {}))
            content = msg.content if isinstance(msg.content, str) else json.dumps(msg.content)
            error = content if content.startswith("Error:") else None
            try:
                result: Any = json.loads(content)
            except (json.JSONDecodeError, TypeError):
                result = content
            records.append(ToolCallRecord(tool=name, args=args, result=result, error=error))
    return records


def _sources(calls: list[ToolCallRecord]) -> list[Source]:
    out: dict[str, Source] = {}
    for c in calls:
        if c.tool == "search_guidance" and isinstance(c.result, list):
            for p in c.result:
                if isinstance(p, dict) and p.get("citation"):
                    out.setdefault(p["citation"], Source(doc_id=p["doc_id"], title=p["title"], heading=p["heading"],
                                                         path=p["path"], citation=p["citation"], score=p.get("score")))
    return list(out.values())


class LLMEngine:
    name = "llm"

    def __init__(self, llm, fallback=None, max_rounds: int = 6, time_limit_s: float = 120.0) -> None:
        self.llm = llm
        self.fallback = fallback
        self.max_rounds = max_rounds
        self.time_limit_s = time_limit_s
        self._agent = None

    def _build(self):
        if self._agent is None:
            from langchain.agents import create_agent

            from .toolkit import build_toolkit

            self._agent = create_agent(self.llm, tools=build_toolkit(), system_prompt=SYSTEM_PROMPT)
        return self._agent

    def _run(self, messages: list) -> list:
        config = {"recursion_limit": 2 * self.max_rounds + 1}
        return self._build().invoke({"messages": messages}, config=config)["messages"]

    def ask(self, question: str, history: list | None = None) -> Answer:
        start = time.monotonic()
        try:
            messages = self._run(to_messages(history, question))
            text = _final_text(messages)
            calls = extract_calls(messages)
            bad = unsupported_numbers(text, calls, question, history)
            warnings: list[str] = []
            if bad and time.monotonic() - start < self.time_limit_s:
                from langchain_core.messages import HumanMessage

                messages = self._run(messages + [HumanMessage(RETRY_PROMPT.format(figures=", ".join(bad)))])
                text = _final_text(messages)
                calls = extract_calls(messages)
                bad = unsupported_numbers(text, calls, question, history)
            if bad:
                warnings.append("Unverified figures (not from any tool result): " + ", ".join(bad))
            return Answer(text=text, engine="llm", calls=calls, sources=_sources(calls), warnings=warnings,
                          language="zh" if any("\u4e00" <= ch <= "\u9fff" for ch in question) else "en")
        except Exception as exc:  # noqa: BLE001 - endpoint down, timeout, rate limit, a tool bug: answer anyway
            log.exception("LLM engine failed; answering with the offline engine")
            if self.fallback is None:
                raise
            answer = self.fallback.ask(question, history)
            answer.warnings.append(f"The LLM endpoint failed ({type(exc).__name__}: {str(exc)[:160]}); "
                                   "this answer comes from the offline engine.")
            return answer


def _final_text(messages: list) -> str:
    from langchain_core.messages import AIMessage

    for msg in reversed(messages):
        if isinstance(msg, AIMessage) and not msg.tool_calls:
            content = msg.content
            if isinstance(content, list):
                content = "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
            return str(content).strip()
    return ""
