"""A scripted chat model: each step sees the conversation so far and returns the next AIMessage, so a
final answer can quote the numbers the tools actually returned (proof they came from the tools)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult

Step = Callable[[list], AIMessage]


class ScriptedChatModel(BaseChatModel):
    steps: list[Any]
    seen: list[list] = []

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def bind_tools(self, tools, **kwargs):  # the agent binds tools; the script already knows them
        return self

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        self.seen.append(list(messages))
        if not self.steps:
            raise AssertionError("the script ran out of steps")
        step = self.steps.pop(0)
        msg = step(messages) if callable(step) else step
        return ChatResult(generations=[ChatGeneration(message=msg)])


def call(*calls: tuple[str, dict]) -> AIMessage:
    """An AIMessage asking for one or more (parallel) tool calls."""
    return AIMessage(content="", tool_calls=[{"name": n, "args": a, "id": f"call_{i}_{n}"}
                                             for i, (n, a) in enumerate(calls)])


def tool_results(messages: list) -> dict[str, Any]:
    """The latest result of each tool in the conversation, parsed from JSON."""
    out: dict[str, Any] = {}
    for m in messages:
        if isinstance(m, ToolMessage):
            try:
                out[m.name] = json.loads(m.content)
            except (json.JSONDecodeError, TypeError):
                out[m.name] = m.content
    return out


def answer(fn: Callable[[dict], str]) -> Step:
    """A final answer built from the tool results."""
    return lambda messages: AIMessage(content=fn(tool_results(messages)))


class FailingChatModel(BaseChatModel):
    error: str = "connection refused"

    @property
    def _llm_type(self) -> str:
        return "failing"

    def bind_tools(self, tools, **kwargs):
        return self

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        raise ConnectionError(self.error)


def free_port() -> int:
    """A free TCP port on loopback for a server a test starts."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
