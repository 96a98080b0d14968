"""Tool calls that models write as text, and arguments that are almost JSON.

Small local models served without a tool-call parser (llama.cpp, Ollama, vLLM without
`--tool-call-parser`) put their calls in the message text instead of `tool_calls`:
  Hermes/Qwen   <tool_call>{"name": "check_fit", "arguments": {...}}</tool_call>
  Qwen2.5-Coder <tools> {"name": ..., "arguments": {...}} </tools>
  Llama 3.x     {"name": ..., "parameters": {...}}   or   <function=check_fit>{...}</function>
  OpenAI-ish    {"type": "function", "function": {"name": ..., "arguments": "{...}"}}, in ```json fences
`text_tool_calls` finds them so the engine runs them as calls; `looks_like_tool_call` tells a blob that
must never be shown as an answer; `repair_json` mends arguments where the fix is unambiguous."""

from __future__ import annotations

import json
import re
from typing import Any

_TAGGED = re.compile(r"<(tool_call|tools|function_call|\|python_tag\|)>|<function=([A-Za-z_][\w.-]*)>", re.I)
_FENCE = re.compile(r"```(?:json|tool_call|python)?\s*|```", re.I)
_BLOB_HINT = re.compile(r"<\s*/?\s*(tool_call|tools|function)|\"(arguments|parameters)\"\s*:|\[TOOL_CALLS\]", re.I)


def _as_call(obj: Any) -> tuple[str, Any] | None:
    if not isinstance(obj, dict):
        return None
    if isinstance(obj.get("function"), dict):  # {"type": "function", "function": {...}}
        return _as_call(obj["function"])
    name = obj.get("name") or obj.get("tool") or obj.get("tool_name")
    if not isinstance(name, str):
        return None
    for key in ("arguments", "parameters", "args", "input"):
        if key in obj:
            return name, obj[key]
    return (name, {}) if set(obj) <= {"name", "id", "type"} else None


def _objects(text: str):
    """Every top-level JSON value in text that starts with { or [ (skipping what is not JSON)."""
    dec = json.JSONDecoder()
    i = 0
    while i < len(text):
        j = min((k for k in (text.find("{", i), text.find("[", i)) if k >= 0), default=-1)
        if j < 0:
            return
        try:
            obj, end = dec.raw_decode(text, j)
        except json.JSONDecodeError:
            span = _balanced(text, j)
            obj = repair_json(span) if span else None
            if obj is None:
                i = j + 1
                continue
            end = j + len(span)
        yield obj
        i = end


def _balanced(text: str, start: int) -> str | None:
    """The bracketed span from text[start], honouring strings; None if it never closes."""
    depth, in_str, esc = 0, False, False
    for k in range(start, len(text)):
        ch = text[k]
        if in_str:
            esc = ch == "\\" and not esc
            if ch == '"' and not esc:
                in_str = False
            continue
        if ch == '"':
            in_str = True
        elif ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
            if depth == 0:
                return text[start:k + 1]
    return None


def text_tool_calls(text: str) -> list[tuple[str, Any]]:
    """(name, arguments) for each tool call written in the text; [] when the text holds none."""
    if not text or ("{" not in text and "<function=" not in text):
        return []
    body = _FENCE.sub(" ", text).replace("[TOOL_CALLS]", " ")
    calls: list[tuple[str, Any]] = []
    for m in re.finditer(r"<function=([A-Za-z_][\w.-]*)>\s*(\{.*?\})\s*</function>", body, re.S):
        calls.append((m.group(1), m.group(2)))
    if calls:
        return calls
    for obj in _objects(body):
        for item in obj if isinstance(obj, list) else [obj]:
            call = _as_call(item)
            if call:
                calls.append(call)
    return calls


def argument_blob(text: str, names: set[str] | frozenset[str]) -> bool:
    """A JSON object of tool arguments (or of a tool result) written as the answer: '```json {"model": "13B",
    "gpu": "rtx-4090", ...}```'. `names`: every argument and result field name. Never an answer."""
    if not text or "{" not in text:
        return False
    for obj in _objects(_FENCE.sub(" ", text)):
        for item in obj if isinstance(obj, list) else [obj]:
            if isinstance(item, dict) and item:
                hits = len(set(item) & names)
                if hits >= 2 or (hits and hits == len(item)):
                    return True
    return False


def looks_like_tool_call(text: str) -> bool:
    """A tool-call blob (or the remains of one) that must not be shown to the user as an answer."""
    return bool(text) and bool(_BLOB_HINT.search(text) or _TAGGED.search(text))


_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_BARE_KEY = re.compile(r"([{,]\s*)([A-Za-z_][\w-]*)\s*:")
_PY_CONST = {"True": "true", "False": "false", "None": "null"}


def repair_json(raw: Any) -> dict | list | None:
    """Parse arguments a model sent, mending what is unambiguous: code fences, single quotes, trailing commas,
    unquoted keys, Python's True/False/None, a missing closing brace, JSON encoded twice."""
    if isinstance(raw, (dict, list)):
        return raw
    if not isinstance(raw, str):
        return None
    s = _FENCE.sub("", raw).strip()
    if not s:
        return {}
    for attempt in range(2):
        try:
            value = json.loads(s)
        except json.JSONDecodeError:
            pass
        else:
            if isinstance(value, str):  # encoded twice
                return repair_json(value) if attempt == 0 else None
            return value if isinstance(value, (dict, list)) else None
        if attempt == 0:
            s = _mend(s)
    return None


def _mend(s: str) -> str:
    if '"' not in s and "'" in s:
        s = s.replace("'", '"')
    s = re.sub(r"\b(True|False|None)\b", lambda m: _PY_CONST[m.group(1)], s)
    s = _BARE_KEY.sub(lambda m: f'{m.group(1)}"{m.group(2)}":', s)
    s = _TRAILING_COMMA.sub(r"\1", s)
    opened = s.count("{") - s.count("}")
    if s.startswith("{") and opened > 0:
        s += "}" * opened
    return s
