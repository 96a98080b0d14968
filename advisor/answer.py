"""The Answer every front end renders (design.md contract)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class ToolCallRecord(BaseModel):
    tool: str
    args: dict[str, Any]
    result: Any = Field(description="the tool's result as plain data, or an error message")
    error: str | None = None


class Source(BaseModel):
    doc_id: str
    title: str
    heading: str
    path: str
    citation: str
    score: float | None = None


class Answer(BaseModel):
    text: str
    engine: Literal["llm", "offline"]
    calls: list[ToolCallRecord] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    language: str = "en"


def checked(answer: Answer) -> bool:
    """Whether an answer may carry the mark "every figure was checked against the calculators' results": an LLM
    answer with no warning and at least one successful calculator call (a guidance search is not a calculator)."""
    return answer.engine == "llm" and not answer.warnings and any(
        not c.error and c.tool != "search_guidance" for c in answer.calls)
