"""Runs the chat question set (tests/data/chat_questions.jsonl) through an engine and prints the pass rate by ask and
by language, with every failure and why.

    python bench/chat_eval.py                 # the offline engine
    python bench/chat_eval.py --engine llm    # an OpenAI-compatible endpoint (OPENAI_BASE_URL / OPENAI_API_KEY /
                                              # ADVISOR_MODEL): routing, argument, verdict, grounding-warning and
                                              # language rates, latency and tokens (bench/llm_eval.py)

A case passes when: the answer is in the question's language; every expected tool was called, with the key
arguments the question gave; the first line carries the verdict expected (yes / no / yes only when quantized) and
the strings expected (the numbers the person gave); and no figure in the answer lacks a tool result behind it."""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "tests" / "data" / "chat_questions.jsonl"


def load_cases(path: Path = QUESTIONS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def verdict_of(first_line: str) -> str | None:
    """The verdict a first line gives: 'yes', 'no', 'yes_quantized' (only a quantized format fits), or None."""
    head = first_line.lstrip()
    named = re.match(r"\*\*[^*:：]{1,60}[:：]\s*(?=not in|[\w.-]+ 放不下)", head, re.I)  # "**Qwen2.5 72B: not in bf16; ..."
    if named:
        head = "**" + head[named.end():].replace("not in", "Not in", 1)
    if head.startswith("**Not in") or ("放不下；" in head and "可以" in head and head.startswith("**")):
        return "yes_quantized"
    if head.startswith(("**Yes", "**可以", "**基本是的")):
        return "yes"
    if head.startswith(("**No", "**放不下", "**不是")):
        return "no"
    return None


def _matches(expected, actual) -> bool:
    if isinstance(expected, float) and isinstance(actual, int | float):
        return abs(actual - expected) <= 1e-6 * max(1.0, abs(expected))
    return expected == actual


def check(case: dict, answer, history: list | None = None) -> list[str]:
    """Why this answer fails the case (empty when it passes)."""
    from advisor.grounding import unsupported_numbers

    problems = []
    if answer.language != case["lang"]:
        problems.append(f"language {answer.language}, expected {case['lang']}")
    for tool in case["tools"]:
        calls = [c for c in answer.calls if c.tool == tool]
        if not calls:
            problems.append(f"no {tool} call (got {[c.tool for c in answer.calls]})")
            continue
        want = case["args"].get(tool) or {}
        if not any(all(_matches(v, c.args.get(k)) for k, v in want.items()) for c in calls):
            problems.append(f"{tool} args {[c.args for c in calls][:3]} lack {want}")
    first = answer.text.strip().splitlines()[0] if answer.text.strip() else ""
    if case.get("verdict"):
        got = verdict_of(first)
        if got != case["verdict"]:
            problems.append(f"verdict {got!r}, expected {case['verdict']!r}: {first[:120]}")
    for s in case.get("first_line_has", []):
        if s not in first:
            problems.append(f"first line lacks {s!r}: {first[:160]}")
    if answer.calls:
        bad = unsupported_numbers(answer.text, answer.calls, case["question"], history or [])
        if bad:
            problems.append(f"numbers with no tool result behind them: {bad}")
    return problems


def run_case(advisor, case: dict):
    history: list = []
    for turn in case["history"]:
        a = advisor.ask(turn, history)
        history += [{"role": "user", "content": turn}, {"role": "assistant", "content": a.text}]
    t0 = time.perf_counter()
    answer = advisor.ask(case["question"], history)
    return answer, history, time.perf_counter() - t0


def evaluate(advisor, cases: list[dict]) -> dict:
    by_ask: dict[str, list[bool]] = defaultdict(list)
    by_lang: dict[str, list[bool]] = defaultdict(list)
    failures, times = [], []
    for case in cases:
        try:
            answer, history, dt = run_case(advisor, case)
            problems = check(case, answer, history)
        except Exception as exc:  # noqa: BLE001 - a crash is a failure to report, not a reason to stop
            problems, dt = [f"raised {type(exc).__name__}: {exc}"], 0.0
        times.append(dt)
        ok = not problems
        for ask in case["asks"] or ["follow-up"]:
            by_ask[ask].append(ok)
        by_lang[case["lang"]].append(ok)
        if not ok:
            failures.append((case["id"], case["question"], problems))
    times.sort()
    return {"n": len(cases), "passed": sum(sum(v) for v in by_lang.values()), "by_ask": by_ask, "by_lang": by_lang,
            "failures": failures, "p50_ms": 1000 * times[len(times) // 2] if times else 0.0}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--engine", choices=["offline", "llm"], default="offline")
    ap.add_argument("--limit", type=int, help="only the first N cases")
    ap.add_argument("--show", type=int, default=5, help="--engine llm: print up to N answers that missed")
    ap.add_argument("--json", action="store_true", help="--engine llm: print the summary as JSON")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    cases = load_cases()[: args.limit]
    if args.engine == "llm":
        from bench.llm_eval import run_cases

        return run_cases(cases, show=args.show, as_json=args.json)
    from advisor.offline.engine import OfflineEngine

    class _Offline:
        engine = OfflineEngine()

        def ask(self, q, history=None):
            return self.engine.ask(q, history)

    r = evaluate(_Offline(), cases)
    print(f"offline engine: {r['passed']}/{r['n']} cases pass ({100 * r['passed'] / r['n']:.1f}%), "
          f"p50 {r['p50_ms']:.1f} ms per answer")
    for name, table in (("ask", r["by_ask"]), ("language", r["by_lang"])):
        print(f"by {name}: " + ", ".join(f"{k} {sum(v)}/{len(v)}" for k, v in sorted(table.items())))
    for cid, q, problems in r["failures"]:
        print(f"FAIL {cid}: {q}\n    " + "\n    ".join(problems))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
