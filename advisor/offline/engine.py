"""OfflineEngine: parse -> tools (the same registry the LLM uses) -> templated answer, in the
question's language, keeping facts across turns ("what about two of them?")."""

from __future__ import annotations

import logging
import re
from typing import Any

from tools.errors import AdvisorInputError

from ..answer import Answer, Source, ToolCallRecord
from ..registry import result_dict, run_tool
from . import render
from .intent import detect
from .parse import Slots, is_chinese, parse

log = logging.getLogger(__name__)


class Turn:
    """One answer being built: records each tool call and the guidance cited."""

    def __init__(self, lang: str, quick: bool = False) -> None:
        self.lang = lang
        self.quick = quick
        self.calls: list[ToolCallRecord] = []
        self.sources: list[Source] = []
        self.warnings: list[str] = []

    def call(self, tool: str, **args: Any) -> Any:
        args = {k: v for k, v in args.items() if v is not None}
        result = run_tool(tool, args)
        self.calls.append(ToolCallRecord(tool=tool, args=args, result=result_dict(result)))
        return result

    def cite(self, query: str, k: int = 1, semantic: bool = False) -> list:
        """The best guidance passages for a topic: search_guidance (Chroma + keywords) when asked for
        (concept questions) or when the index is already loaded; otherwise -- and in quick mode, used by
        one-shot CLI runs -- the keyword half alone, which avoids a ~2 s index load. Skipped quietly if
        neither works."""
        try:
            from knowledge import index_loaded
            from knowledge.zh import expand_query

            if (semantic and not self.quick) or index_loaded():
                hits = self.call("search_guidance", query=query, k=k)
            else:
                import dataclasses

                from knowledge.keyword import keyword_search

                hits = [dataclasses.asdict(p) | {"citation": p.citation}
                        for p in keyword_search(expand_query(query), k)]
                self.calls.append(ToolCallRecord(tool="search_guidance", args={"query": query, "k": k,
                                                                               "mode": "keyword"}, result=hits))
        except Exception as exc:  # noqa: BLE001 - guidance is a bonus, the numbers are the answer
            log.warning("guidance search failed: %s", exc)
            return []
        for h in hits:
            if all(s.citation != h["citation"] for s in self.sources):
                self.sources.append(Source(doc_id=h["doc_id"], title=h["title"], heading=h["heading"],
                                           path=h["path"], citation=h["citation"], score=h["score"]))
        return hits


def conversation_state(history: list | None) -> tuple[Slots, str | None]:
    """Facts and the last intent from earlier user turns (history: dicts with role/content, or strings)."""
    state, intent = Slots(), None
    for turn in history or []:
        role, content = _role_content(turn)
        if role != "user" or not content:
            continue
        now = parse(content)
        merged = now.merged_over(state)
        intent = detect(content, now, merged, intent)
        state = merged
    return state, intent


def _role_content(turn) -> tuple[str, str]:
    if isinstance(turn, str):
        return "user", turn
    if isinstance(turn, dict):
        return str(turn.get("role", "user")), str(turn.get("content") or "")
    role = getattr(turn, "type", None) or getattr(turn, "role", "user")
    return ("user" if role in ("human", "user") else str(role)), str(getattr(turn, "content", "") or "")


class OfflineEngine:
    """quick=True (one-shot CLI runs) cites guidance by keyword instead of loading the vector index."""

    name = "offline"

    def __init__(self, quick: bool = False) -> None:
        self.quick = quick

    def ask(self, question: str, history: list | None = None, defaults: dict | None = None) -> Answer:
        lang = "zh" if is_chinese(question) else "en"
        turn = Turn(lang, quick=self.quick)
        state, previous = conversation_state(history)
        now = parse(question)
        slots = _with_defaults(now.merged_over(state), defaults or {})
        intent = detect(question, now, slots, previous)
        handler = getattr(render, f"answer_{intent}", render.answer_unknown)
        try:
            text = handler(turn, slots, question)
        except AdvisorInputError as exc:
            text = render.input_problem(turn, slots, str(exc))
        return Answer(text=_tidy(text), engine="offline", calls=turn.calls, sources=turn.sources,
                      warnings=turn.warnings, language=lang)


def _with_defaults(state: Slots, defaults: dict) -> Slots:
    """UI defaults fill only what the conversation has not set."""
    from tools.gpus import get_gpu

    if defaults.get("gpu") and not state.gpu:
        state.gpu = get_gpu(str(defaults["gpu"])).id
        state.gpus = [state.gpu]
        state.count = state.count or int(defaults.get("gpu_count") or 1)
    for key, slot in (("precision", "precision"), ("context", "context")):
        if defaults.get(key) and getattr(state, slot) is None:
            setattr(state, slot, defaults[key])
    return state


def _tidy(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", text).strip()
