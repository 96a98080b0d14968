"""Every number in an answer must come from a tool result, the question or the conversation.

Numbers are compared after rounding (to the precision the answer shows, or 1%) and after the unit
conversions answers commonly make (GiB <-> GB, fractions <-> percent, hours <-> days, units of 10^3)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# unsigned: a hyphen is far more often a range or a date ("2026-09-25") than a minus sign
_NUM = re.compile(r"(?<![A-Za-z_])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![A-Za-z_])\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_CITATION = re.compile(r"knowledge/docs/\S+\s*§[^)\n]*|https?://\S+")
_LIST_MARKER = re.compile(r"^\s*\d+[.)]\s", re.M)
TRIVIAL = {0.0, 1.0, 2.0}  # "1 GPU", "2x": counts this small carry no claim worth checking
CONVERSIONS = (1.0, 2**30 / 1e9, 1e9 / 2**30, 100.0, 0.01, 1 / 24, 24.0, 1e3, 1e-3, 1e6, 1e-6, 1e9, 1e-9, 1e12,
               1e-12, 60.0, 1 / 60, 8.0, 0.125, 1024.0, 1 / 1024)


def numbers(text: str) -> list[tuple[str, float]]:
    text = _CITATION.sub(" ", text)
    text = _LIST_MARKER.sub(" ", text)
    out = []
    for m in _NUM.finditer(text):
        raw = m.group(0)
        try:
            out.append((raw, float(raw.replace(",", ""))))
        except ValueError:
            continue
    return out


def _walk(value: Any) -> Iterable[float]:
    if isinstance(value, bool):
        return
    if isinstance(value, (int, float)):
        yield abs(float(value))
    elif isinstance(value, str):
        for _, v in numbers(value):
            yield v
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(k) if isinstance(k, str) else ()
            yield from _walk(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _walk(v)


def known_numbers(calls: list, question: str, history: list | None) -> set[float]:
    known: set[float] = set()
    for c in calls:
        known.update(_walk(getattr(c, "result", c)))
        known.update(_walk(getattr(c, "args", {})))
    known.update(v for _, v in numbers(question))
    for turn in history or []:
        content = turn.get("content") if isinstance(turn, dict) else getattr(turn, "content", turn)
        known.update(v for _, v in numbers(str(content or "")))
    return known


def _tolerance(raw: str, value: float) -> float:
    decimals = len(raw.split(".")[1]) if "." in raw and "e" not in raw.lower() else 0
    return max(0.5 * 10 ** -decimals, abs(value) * 0.01)


def supported(raw: str, value: float, known: set[float]) -> bool:
    if abs(value) in TRIVIAL:
        return True
    tol = _tolerance(raw, value)
    for k in known:
        for f in CONVERSIONS:
            if abs(k * f - abs(value)) <= tol:
                return True
    return False


def unsupported_numbers(text: str, calls: list, question: str, history: list | None = None) -> list[str]:
    known = known_numbers(calls, question, history)
    bad = [raw for raw, v in numbers(text) if not supported(raw, v, known)]
    return list(dict.fromkeys(bad))
