"""gpu-advisor's advisor: `from advisor import Advisor`; `Advisor().ask(question, history) -> Answer`.

Heavy parts (LangChain, Chroma) load lazily, so the CLI's sizing commands stay fast."""

from __future__ import annotations

__all__ = ["Advisor", "Answer", "Source", "ToolCallRecord"]


def __getattr__(name: str):
    if name == "Advisor":
        from .core import Advisor

        return Advisor
    if name in ("Answer", "Source", "ToolCallRecord"):
        from . import answer

        return getattr(answer, name)
    raise AttributeError(name)
