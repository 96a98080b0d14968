"""Every figure in an answer must come from a tool result, the question or the conversation.

A figure is read with its unit ("41.8 GiB", "$1.2k", "3.5 days", "141 tokens/s", "41.5%") and matched only
against values of the same kind: the kind of a tool-result value comes from its field name (`*_gib`, `hours`,
`usd*`, `*_tokens_per_s`, `*_pct`, ...) or from the unit written next to it in a string. Only the conversions
that unit allows are tried (GiB <-> GB, hours <-> days, fraction <-> %), and a figure matches when it equals
the value rounded to the digits shown (or within 1%). A bare number matches a value as the tool wrote it.

Verdicts too: an answer that opens with "Yes"/"fits"/"可以" when every check_fit result says it does not fit
(or "No" when they all say it fits) contradicts the tools."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .figures import Figure, figures, key_kind

TRIVIAL = {0.0, 1.0, 2.0}  # "1 GPU", "2x": bare counts this small carry no claim worth checking
REL_TOL = 0.01


@dataclass(frozen=True)
class Known:
    kind: str  # "bytes", "time", "usd", ... or "any" when nothing says what the number is
    base: float  # in base units (bytes, seconds, $, fraction, tokens/s, ...)
    shown: float  # as the tool or the user wrote it


@dataclass
class Grounding:
    unsupported: list[str] = field(default_factory=list)
    contradiction: str | None = None

    @property
    def ok(self) -> bool:
        return not self.unsupported and not self.contradiction

    def problems(self) -> str:
        parts = []
        if self.unsupported:
            parts.append("figures that no tool result supports: " + ", ".join(self.unsupported))
        if self.contradiction:
            parts.append(self.contradiction)
        return "; ".join(parts)


def _walk(value: Any, kind: tuple[str, float] = ("any", 1.0)) -> Iterable[Known]:
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, dict) and (value.get("approximate_shape") is True or value.get("approximate") is True):
        yield Known("approximate", 0.0, 0.0)
    if isinstance(value, (int, float)):
        if value == value and abs(value) != float("inf"):
            yield Known(kind[0], abs(float(value)) * kind[1], abs(float(value)))
    elif isinstance(value, str):
        yield from _from_text(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, key_kind(str(k)) or kind)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _walk(v, kind)


def _from_text(text: str, bare: str = "bare") -> Iterable[Known]:
    for f in figures(text, keep_names=True):  # "rtx-4090" in a tool result backs a "4090" in the answer
        if f.kind != "any":
            for scale in f.scales:
                yield Known(f.kind, f.value * scale, f.value)
        for p in f.plain:  # a bare number in a tool's prose ("Llama 3.1", "sequence length 2,048") backs only
            yield Known(bare, p, p)  # bare figures; the user's own ("24/7") backs an echo with a unit too


# Guidance passages are prose written for other cases: a number in one ("12 GPUs", "80 GB", "$2/hour") never
# supports a count, memory, speed, time or cost in an answer; it backs only a figure nothing gives a unit to.
PROSE_TOOLS = {"search_guidance"}
SIZING_KINDS = {"count", "bytes", "bandwidth", "rate", "time", "usd", "flops", "power", "fraction", "tokens", "params"}


def _prose(result: Any) -> Iterable[Known]:
    for k in _walk(result):
        if k.kind in ("any", "bare", "user"):
            yield Known("prose", k.base, k.shown)
        elif k.kind not in SIZING_KINDS:
            yield k


def known_values(calls: list, question: str, history: list | None, quoted: bool = False) -> list[Known]:
    """quoted: guidance passages back figures as any result does (the offline engine quotes a passage next to
    its citation); by default (an LLM's answer) they back no count, memory, speed, time or cost."""
    known: list[Known] = []
    for c in calls:
        if getattr(c, "error", None):
            continue
        if getattr(c, "tool", None) in PROSE_TOOLS and not quoted:
            known.extend(_prose(getattr(c, "result", c)))
            continue
        known.extend(_walk(getattr(c, "result", c)))
        known.extend(_walk(getattr(c, "args", {}) or {}))
    known.extend(_from_text(question or "", bare="user"))
    for turn in history or []:
        content = turn.get("content") if isinstance(turn, dict) else getattr(turn, "content", turn)
        user = (turn.get("role") if isinstance(turn, dict) else getattr(turn, "type", "")) in ("user", "human")
        known.extend(_from_text(str(content or ""), bare="user" if user else "bare"))
    return known


def _tolerance(f: Figure) -> float:
    return max(0.5 * 10 ** -f.decimals, abs(f.value) * REL_TOL) * (1 + 1e-9)  # 1.25 shown as "1.2"


def supported(f: Figure, known: list[Known]) -> bool:
    if f.kind in ("any", "count") and f.value in TRIVIAL:
        return True
    if f.kind == "band":  # "about ±10%": the stated accuracy of an estimate a tool marked approximate
        return any(k.kind == "approximate" for k in known)
    tol = _tolerance(f)
    for k in known:
        if k.kind == f.kind and f.kind != "any":
            if any(abs(k.base / s - f.value) <= tol for s in f.scales):
                return True
        elif f.kind == "any" or k.kind in ("any", "user") or (k.kind == "bare" and f.kind == "count"):
            # a bare figure, or a number nothing gives a unit to: compared as written
            if any(abs(k.shown - p) <= tol * p / f.value for p in f.plain if f.value) or \
                    (k.kind == "fraction" and abs(k.base * 100 - f.value) <= tol):
                return True
    return False


# verdicts: the answer's first clause, negative forms first ("不能" contains "能", "doesn't fit" contains "fit")
_NO = re.compile(r"^\W*(no\b|nope\b|not\b)|\b(does ?n[o']t|won'?t|will not|would not|wouldn'?t|cannot|can'?t|"
                 r"too (big|large))\b|不行|不能|不可以|放不下|装不下|跑不了|跑不动|不够|不足", re.I)
_YES = re.compile(r"^\W*(yes\b)|\b(it fits|fits|will fit|you can|can run|can fine-tune|can train|can serve)\b|"
                  r"可以|能跑|能够|放得下|装得下|够用|足够", re.I)
_CLAUSE = re.compile(r"[.\n。:：;；!?！？]")


def verdict(text: str) -> str | None:
    head = _CLAUSE.split(text.strip().lstrip("*#> "), maxsplit=1)[0][:200]
    if _NO.search(head):
        return "no"
    if _YES.search(head):
        return "yes"
    return None


def contradiction(text: str, calls: list) -> str | None:
    fits = [c.result for c in calls if getattr(c, "tool", None) == "check_fit" and not getattr(c, "error", None)
            and isinstance(getattr(c, "result", None), dict) and isinstance(c.result.get("fits"), bool)]
    said = verdict(text)
    if not fits or said is None or len({r["fits"] for r in fits}) != 1 or (said == "yes") == fits[0]["fits"]:
        return None
    r = fits[-1]
    tool = (f"check_fit says it {'fits' if r['fits'] else 'does not fit'} ({r.get('required_gib')} GiB needed per "
            f"GPU, {r.get('available_gib')} GiB available)")
    return f"the answer says {said!r} but {tool}"


def check(text: str, calls: list, question: str = "", history: list | None = None) -> Grounding:
    known = known_values(calls, question, history)
    bad = [f.raw for f in figures(text) if not supported(f, known)]
    return Grounding(unsupported=list(dict.fromkeys(bad)), contradiction=contradiction(text, calls))


def unsupported_numbers(text: str, calls: list, question: str, history: list | None = None,
                        quoted: bool = True) -> list[str]:
    """The figures in `text` that no tool result, question or earlier turn supports (verdicts aside). For the
    offline engine's answers, which quote guidance passages with their citation (quoted=True)."""
    known = known_values(calls, question, history, quoted)
    return list(dict.fromkeys(f.raw for f in figures(text) if not supported(f, known)))
