"""Every figure the person gave is used or named: after an answer is planned, each number-with-unit in the question
("$2.50/hour", "10M tokens a day", "每人每秒20个token", "8 hours a day") is checked against the facts the parser read
and the arguments of the tool calls made; one that neither holds is said back ("Not used in this answer: '10M
tokens a day'"), so a dropped number is never silent."""

from __future__ import annotations

import re
from dataclasses import fields

from .parse import Slots, bounded, spaced

_N = r"\d[\d,]*(?:\.\d+)?"
MENTION = re.compile(
    rf"\$\s*{_N}\s*[km]?\b(?:\s*(?:/|per|an?)\s*(?:gpu[- ]?)?(?:hour|hr|h|month|mo|kwh|day|year)\b)?|"
    rf"{_N}\s*(?:usd|dollars?|bucks)\b(?:\s*(?:/|per|an?)\s*(?:gpu[- ]?)?(?:hour|hr|h|month|day)\b)?|"
    rf"{_N}\s*(?:[kmbt]|thousand|million|billion|trillion)?\s*(?:output\s+|training\s+)?(?:tokens?|toks?)\b"
    r"(?:\s*/\s*(?:s|sec|day)\b|\s+(?:per|a|each) (?:second|day)\b|\s+daily\b)?|"
    rf"{_N}\s*(?:tok/s|t/s|tps)\b|"
    rf"{_N}\s*(?:hours?|hrs?|days?|weeks?|months?|years?)\b(?:\s*(?:a|per|/)\s*(?:day|week)\b)?|"
    rf"{_N}\s*(?:concurrent\s+|simultaneous\s+)?(?:users?|people|requests|customers|sessions)\b|"
    rf"{_N}\s*(?:kwh|watts?|w|tflops|gb/s)\b|{_N}\s*(?:\$|usd|美元)?\s*(?:/|per)\s*kwh\b|"
    rf"{_N}\s*%|"
    rf"{_N}\s*(?:万|亿|千万|百万)?\s*(?:美元|美金|人民币|元|刀|块钱|小时|天|周|个月|年|个?用户|人(?!民)|个?token|tokens?)",
    re.I)
SCALES = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "b": 1e9, "billion": 1e9, "t": 1e12, "trillion": 1e12,
          "万": 1e4, "亿": 1e8, "千万": 1e7, "百万": 1e6}
# families whose slot, once read, stands for every mention of that family (a week pattern folds into hours a day)
FOLDED = [(re.compile(r"(?:hours?|hrs?|小时).*(?:day|天)|days?\s*(?:a|per|/)\s*week|每周|每天", re.I), "hours_per_day"),
          (re.compile(r"%", re.I), "hours_per_day"),
          (re.compile(r"years?|months?|个月|年", re.I), "months")]


PER_HOUR_PRICE = re.compile(r"(?i)(?:\$|usd|dollars?|bucks).*(?:/|per|an?)\s*(?:gpu[- ]?)?(?:hour|hr|h)\b|(?:美元|美金|刀).*小时|"
                            r"小时.*(?:美元|美金|刀)")


def _numbers(value) -> list[float]:
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, (int, float)):
        return [float(value)]
    if isinstance(value, str):
        return [float(x.replace(",", "")) for x in re.findall(r"\d[\d,]*(?:\.\d+)?", value)]
    if isinstance(value, dict):
        return [n for v in value.values() for n in _numbers(v)]
    if isinstance(value, (list, tuple)):
        return [n for v in value for n in _numbers(v)]
    return []


def _candidates(raw: str) -> list[float]:
    m = re.search(_N, raw)
    v = float(m.group(0).replace(",", ""))
    rest = raw[m.end():].strip().lower()
    out = [v]
    for word, scale in SCALES.items():
        if rest.startswith(word):
            out.append(v * scale)
    if rest.startswith("k"):  # "2k tokens" of a sequence is read as 2,048
        out.append(v * 1024)
    if re.match(r"(?:years?|年)", rest):
        out.append(v * 12)
    if re.match(r"(?:weeks?|周)", rest):
        out += [v * 7, round(v * 7 / (365 / 12), 4)]
    if re.match(r"(?:months?|个月)", rest):
        out.append(v * 30)
    if rest.startswith("%"):
        out += [v / 100, round(24 * v / 100, 1)]
    return out


def unused(question: str, now: Slots, s: Slots, turn, replies: list | None = None) -> list[str]:
    """The number-with-unit mentions in the question that no slot read, no tool call used and the answer does not
    name."""
    text = spaced(bounded(question))
    answer = " ".join(" ".join([r.lead, *r.body]) for r in replies or [])
    said = [float(x.replace(",", "")) for x in re.findall(r"\d[\d,]*(?:\.\d+)?", answer)]
    known: list[float] = []
    for f in fields(now):
        if f.name not in ("problems", "unknown_gpus", "devices", "mixed_gpus"):
            known += _numbers(getattr(now, f.name))
    for c in turn.calls:
        known += _numbers(c.args)
    out = []
    for m in MENTION.finditer(text):
        raw = m.group(0).strip()
        if any(p.search(raw) and getattr(now, slot) is not None for p, slot in FOLDED):
            continue
        if PER_HOUR_PRICE.search(raw):  # a rental price: used only when a call priced with it
            if not turn.price_used:
                out.append(raw)
            continue
        if any(abs(c - k) <= 0.01 * max(abs(k), 1e-9) for c in _candidates(raw) for k in known + said):
            continue
        out.append(raw)
    return list(dict.fromkeys(out))


def note(unused_mentions: list[str], zh: bool) -> str:
    listed = ", ".join(f"'{u}'" for u in unused_mentions)
    listed_zh = "、".join(f"“{u}”" for u in unused_mentions)
    return (f"不是这次回答用到的数字：{listed_zh}（如果它很重要，请说明它指什么，我再算一次）。" if zh else
            f"Not used in this answer: {listed} (if it matters, say what it is for and I'll size with it).")


def unused_by_own(question: str, answer_text: str, own_facts) -> list[str]:
    """For an answer from the person's own figures (own_numbers): the figures of the question that neither its facts
    nor its text hold ("what if we're ok with 20 tok/s per user?" after a scaled measurement)."""
    from dataclasses import asdict

    held = {round(v, 6) for v in _numbers(asdict(own_facts))} | {round(v, 6) for v in _numbers(answer_text)}
    out = []
    for m in MENTION.finditer(spaced(bounded(question))):
        raw = m.group(0).strip()
        if not any(round(c, 6) in held for c in _candidates(raw)):
            out.append(raw)
    return out
