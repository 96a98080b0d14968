"""Figures with their units, read from answers and tool results, for the grounding check.

`figures(text)` reads "41.8 GiB", "$1.2k", "3.5 days", "141 tokens/s", "41.5%", "8x H100", "70B", "8k context"
into (number as written, kind, base units per written unit). `key_kind(field)` says what a tool-result field
holds from its name (`required_gib`, `hours`, `usd_per_hour`, `decode_tokens_per_s`, `headroom_pct`, ...)."""

from __future__ import annotations

import re
from dataclasses import dataclass

GIB, MIB, TIB = 2.0**30, 2.0**20, 2.0**40
HOUR, DAY = 3600.0, 86400.0
MONTH, YEAR = 30.44 * DAY, 365.25 * DAY


@dataclass(frozen=True)
class Figure:
    raw: str  # as written: "41.8 GiB"
    value: float  # the number as written: 41.8
    kind: str  # bytes, bandwidth, rate, time, usd, fraction, count, params, tokens, flops, power, any
    scales: tuple[float, ...]  # base units per written unit, one per reading ("GB": decimal or loosely GiB)
    plain: tuple[float, ...]  # the bare numbers it can stand for ("8k": 8000 or 8192)
    decimals: int


# (pattern, kind, scales); longer spellings first. Matched right after the number (and its k/M/B/T suffix).
_UNITS: list[tuple[str, str, tuple[float, ...]]] = [
    (r"GiB/s", "bandwidth", (GIB,)), (r"GB/s|GBps", "bandwidth", (1e9,)), (r"TB/s", "bandwidth", (1e12,)),
    (r"MB/s", "bandwidth", (1e6,)),
    (r"(?:tokens?|tok|t)\s*(?:/\s*s(?:ec)?\b|per\s+second|/\s*秒|每秒)|个?token/秒", "rate", (1.0,)),
    (r"TiB", "bytes", (TIB,)), (r"TB", "bytes", (1e12, TIB)), (r"GiB", "bytes", (GIB,)),
    (r"GB|G(?![A-Za-z])", "bytes", (1e9, GIB)), (r"MiB", "bytes", (MIB,)), (r"MB", "bytes", (1e6, MIB)),
    (r"PFLOPS|PFLOP/s", "flops", (1e15,)), (r"TFLOPS|TFLOP/s|TOPS", "flops", (1e12,)),
    (r"GFLOPs?", "flops", (1e9,)), (r"FLOPs", "flops", (1.0,)),
    (r"GPU[- ]?(?:hours?|hrs?|h\b|小?时)|卡时", "time", (HOUR,)),
    (r"hours?|hrs?|h(?![A-Za-z])|小时", "time", (HOUR,)), (r"days?|天", "time", (DAY,)),
    (r"weeks?|周", "time", (7 * DAY,)), (r"months?|个月|月", "time", (MONTH,)), (r"years?|年", "time", (YEAR,)),
    (r"minutes?|mins?|分钟", "time", (60.0,)), (r"ms|milliseconds?|毫秒", "time", (1e-3,)),
    (r"seconds?|secs?|s(?![A-Za-z])|秒", "time", (1.0,)),
    (r"USD|dollars?|美元", "usd", (1.0,)), (r"%|％|percent", "fraction", (0.01,)),
    (r"[x×](?![A-Za-z0-9])|[x×](?=\s?[A-Z])|(?=(?:RTX |MI)?[A-Z]{1,2}\d{2,4})|GPUs?|cards?|nodes?|replicas?|users?|张|块|卡|台", "count", (1.0,)),
    (r"(?:parameters|params)", "params", (1.0,)), (r"(?:tokens?|context)", "tokens", (1.0,)),
    (r"kW", "power", (1e3,)), (r"W(?![A-Za-z])|watts?", "power", (1.0,)),
]
_UNIT_RE = "|".join(f"(?P<u{i}>{p})" for i, (p, _, _) in enumerate(_UNITS))
_MULT = {"k": (1e3,), "K": (1e3,), "M": (1e6,), "B": (1e9,), "b": (1e9,), "T": (1e12,)}
_FIG = re.compile(
    r"(?P<cur>US\$|\$|＄)?\s?"
    r"(?<![A-Za-z_\d.,])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"
    r"(?:(?P<mult>[kKMBTb])(?![A-Za-z])|\s?(?P<yi>亿|万))?"
    rf"(?:\s?(?:{_UNIT_RE}))?")
# an example phrasing offered to the user ("ask e.g. 'A100 vs H100 for Llama 3.1 8B'"), not a claim
_EXAMPLE = re.compile(r"(?:e\.g\.|for example|such as|ask|例如|比如|可以问|问)[,:]?\s*(['\"“‘「])[^'\"”’」\n]{1,200}['\"”’」]", re.I)
_CITATION = re.compile(r"knowledge/docs/\S+\s*§[^)\n]*|https?://\S+")
_LIST_MARKER = re.compile(r"^\s*\d+[.)]\s", re.M)
_PER_MILLION = re.compile(r"(?:\bper|/)\s*(?:1\s?M\b|1,000,000\b|million\b)|每百万", re.I)  # a denominator, not a claim
_RANGE_GAP = re.compile(r"^\s*(?:-|–|~|to|到|至)\s*$")


def _one(m: re.Match) -> Figure | None:
    raw_num = m.group("num")
    try:
        value = float(raw_num.replace(",", ""))
    except ValueError:
        return None
    decimals = len(raw_num.split(".")[1]) if "." in raw_num and "e" not in raw_num.lower() else 0
    mult = _MULT.get(m.group("mult") or "", (1.0,))
    if m.group("yi"):
        mult = (1e8,) if m.group("yi") == "亿" else (1e4,)
    kind, scales = "any", (1.0,)
    for i, (_, k, s) in enumerate(_UNITS):
        if m.group(f"u{i}") is not None:  # "" for a unit read ahead without taking it ("12 A100s")
            kind, scales = k, s
            break
    if m.group("cur"):
        kind, scales = "usd", (1.0,)
    elif kind == "any" and (m.group("mult") or "") in "Bb" and m.group("mult"):
        kind = "params"  # "70B", "llama-2-13b"
    elif kind == "any" and m.group("mult") == "T":
        kind = "tokens"  # "2T"
    if kind == "count" and mult != (1.0,):
        kind = "params" if m.group("mult") in ("B", "b") else "any"
    if m.group("mult") in ("k", "K") and kind in ("tokens", "any"):
        mult = (1e3, 1024.0)  # "8k context" is 8,192 tokens as often as 8,000
    if kind == "bytes" and decimals and GIB in scales and len(scales) > 1 and m.group(0).rstrip()[-1] in "Bb":
        scales = tuple(x for x in scales if x != GIB)  # "494.56 GB" is decimal; only a round "24 GB" may be GiB
    scales = tuple(s * k for s in scales for k in mult)
    plain = tuple(value * k for k in mult) + ((value,) if mult != (1.0,) else ())
    return Figure(m.group(0).strip(), value, kind, scales, plain, decimals)


def figures(text: str, keep_names: bool = False) -> list[Figure]:
    """The figures in `text`, citations and list markers left out; a range "40-48 GiB" takes its unit on both ends."""
    text = _PER_MILLION.sub(" per million", _LIST_MARKER.sub(" ", _CITATION.sub(" ", text or "")))
    if not keep_names:
        text = _EXAMPLE.sub(" ", text)
    out: list[tuple[re.Match, Figure]] = []
    for m in _FIG.finditer(text):
        f = _one(m)
        if f is not None:
            out.append((m, f))
    result = []
    for i, (m, f) in enumerate(out):
        before = text[max(0, m.start() - 2):m.start()]
        if not keep_names and f.kind == "any" and len(before) == 2 and before[1] == "-" and before[0].isalpha():
            continue  # a name, not a figure: ZeRO-3, Llama-3, GPT-4
        if text[max(0, m.start() - 1):m.start()] == "±" and f.kind == "fraction":
            f = Figure(f.raw, f.value, "band", f.scales, f.plain, f.decimals)
        if f.kind == "any" and i + 1 < len(out):
            nm, nf = out[i + 1]
            if nf.kind not in ("any", "params") and _RANGE_GAP.match(text[m.end():nm.start()]):
                f = Figure(f.raw, f.value, nf.kind, nf.scales, f.plain, f.decimals)
        result.append(f)
    return result


# field names -> (kind, base units per value); the first rule that matches wins
_KEYS: list[tuple[re.Pattern, str, float]] = [(re.compile(p), k, s) for p, k, s in [
    (r"_gb_per_s|_gbps|bandwidth_gb", "bandwidth", 1e9), (r"_tb_per_s", "bandwidth", 1e12),
    (r"tokens_per_s", "rate", 1.0),
    (r"(^|_)gib($|_)", "bytes", GIB), (r"(^|_)mib($|_)", "bytes", MIB), (r"(^|_)gb($|_)", "bytes", 1e9),
    (r"tflops|tops", "flops", 1e12), (r"(^|_)flops", "flops", 1.0),
    (r"usd|price|cost", "usd", 1.0),
    (r"(^|_)hours?($|_)", "time", HOUR), (r"(^|_)days($|_)", "time", DAY),
    (r"months($|_)", "time", MONTH), (r"(^|_)ms($|_)", "time", 1e-3), (r"(_s|seconds)$", "time", 1.0),
    (r"_pct$|percent", "fraction", 0.01), (r"^mfu$|utili[sz]ation|fraction|efficiency", "fraction", 1.0),
    (r"params_b$", "params", 1e9), (r"params$", "params", 1.0),
    (r"tokens$|^context|max_context|sequence_length|seq_len", "tokens", 1.0),
    (r"(^|_)(count|gpus|replicas|parallel|concurrency|batch|sequences|users|needed)($|_)", "count", 1.0),
    (r"_w$|watts", "power", 1.0),
]]


def key_kind(key: str) -> tuple[str, float] | None:
    k = key.lower()
    for pattern, kind, scale in _KEYS:
        if pattern.search(k):
            return kind, scale
    return None
