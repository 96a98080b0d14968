"""Evaluate an LLM endpoint as the advisor's engine on the chat question set.

    OPENAI_BASE_URL=http://127.0.0.1:8080/v1 OPENAI_API_KEY=... ADVISOR_MODEL=... \\
        python bench/llm_eval.py [--questions tests/data/chat_questions.jsonl] [--limit N] [--show N]

(`python bench/chat_eval.py --engine llm` runs the same.) For each question (earlier turns asked first, as a
conversation) it records which engine answered, whether the answer is right (its verdict is the row's, and an
LLM answer's figures and verdict agree with the calculators' results for the question), whether it was shown as
checked (no warning, a successful call behind it), and -- on the answers the LLM wrote only -- whether the
expected tools ran with the expected arguments; also the grounding warnings, the language, the latency and the
tokens used. It prints first the rate that must be zero: wrong answers shown as checked; then the right rate and
the fallback rate. Question format: tests/data/chat_questions.jsonl (see PROTOCOL)."""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
QUESTIONS = ROOT / "tests" / "data" / "chat_questions.jsonl"
GROUNDING_WARNINGS = ("Unverified figures", "未经工具核实", "verdict may be wrong", "结论可能有误")


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _norm(value) -> str:
    return re.sub(r"[^a-z0-9.]", "", str(value).lower())


def _resolved(tool: str, key: str, value):
    """A model or GPU name as the catalog knows it, so "llama 2 13b" and "llama-2-13b" compare equal."""
    try:
        if key == "model":
            from tools.models import get_model

            return get_model(str(value)).id
        if key == "gpu":
            from tools.gpus import get_gpu

            return get_gpu(str(value)).id
    except Exception:  # noqa: BLE001 - unknown: compare as written
        pass
    return _norm(value)


def _args_match(expected: dict, got: dict, tool: str) -> bool:
    for k, v in expected.items():
        if k not in got:
            return False
        if isinstance(v, list):  # e.g. gpus: compare the sets of resolved names
            inner = "gpu" if k == "gpus" else k
            if not isinstance(got[k], list) or {_resolved(tool, inner, x) for x in v} != \
                    {_resolved(tool, inner, x) for x in got[k]}:
                return False
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            try:
                if abs(float(got[k]) - v) > 1e-6 * max(1.0, abs(v)):
                    return False
            except (TypeError, ValueError):
                return False
        elif _resolved(tool, k, v) != _resolved(tool, k, got[k]):
            return False
    return True


def score(row: dict, answer, truth: list | None = None) -> dict:
    """One answer against its question row: True/False per measure, None where the row does not say.

    Routing and arguments are scored only on answers the LLM wrote: an offline fallback's calls are not the
    model's. `truth`: the calculators' results for the question (the offline engine's calls); an answer is
    wrong when its verdict is not the row's, or (an LLM answer) a figure or verdict contradicts those results
    and the results of its own calls that were made with the row's expected arguments.
    "checked": shown with the mark (advisor.answer.checked: no warning, a successful calculator call)."""
    from advisor.grounding import check, verdict

    llm = answer.engine == "llm"
    ran = [c for c in answer.calls if not c.error]
    tools_expected = set(row.get("tools") or [])
    routed = (tools_expected <= {c.tool for c in ran}) if tools_expected and llm else None
    args = row.get("args") or {}
    args_ok = all(any(c.tool == t and _args_match(a, c.args, t) for c in ran) for t, a in args.items()) \
        if args and llm else None
    want = row.get("verdict")
    zh = row.get("lang") == "zh"
    has_zh = any("\u4e00" <= ch <= "\u9fff" for ch in answer.text)
    from advisor.answer import checked as marked
    from bench.chat_eval import verdict_of

    said = verdict(answer.text) if llm else (verdict_of(answer.text.strip().split("\n")[0]) or verdict(answer.text))
    verdict_ok = (said == want) if want else None
    wrong = verdict_ok is False
    if llm and truth is not None:
        # the calculators' results: the offline engine's calls, and the model's own calls made with the row's
        # expected arguments ("13B" may be read as llama-2-13b or as a generic 13B shape; both are right)
        truth = truth + [c for c in ran if c.tool in args and _args_match(args[c.tool], c.args, c.tool)]
        g = check(answer.text, truth, row["question"])
        wrong = wrong or bool(g.unsupported or g.contradiction)
    warned = any(w.startswith(GROUNDING_WARNINGS) or any(g in w for g in GROUNDING_WARNINGS) for w in answer.warnings)
    checked = marked(answer)
    return {"routed": routed, "args": args_ok, "verdict": verdict_ok, "grounding_warning": warned,
            "language": has_zh == zh, "llm": llm, "fallback": not llm, "right": not wrong,
            "llm_right": (not wrong) if llm else None, "checked": checked, "wrong_checked": checked and wrong,
            "first_line": all(s.lower() in answer.text.split("\n")[0].lower() for s in row.get("first_line_has", []))
            if row.get("first_line_has") else None}


def evaluate(rows: list[dict], advisor, usage=None, show: int = 0, progress=None) -> dict:
    """Ask every row (with its history as earlier turns) and return the rates. `usage`: a LangChain
    UsageMetadataCallbackHandler attached to the model, for tokens per answer. `progress`: a file to write
    one line per answer to (a long run against a CPU server can be watched)."""
    results, latencies, tokens = [], [], []
    for row in rows:
        history: list[dict] = []
        for turn in row.get("history") or []:
            earlier = advisor.ask(turn, history)
            history += [{"role": "user", "content": turn}, {"role": "assistant", "content": earlier.text}]
        before = _tokens(usage)
        start = time.perf_counter()
        answer = advisor.ask(row["question"], history)
        latencies.append(time.perf_counter() - start)
        tokens.append(_tokens(usage) - before)
        truth = [c for c in advisor.offline.ask(row["question"], history).calls if not c.error]
        s = score(row, answer, truth)
        results.append(s)
        if progress is not None:
            print(json.dumps({"id": row.get("id"), "s": round(latencies[-1], 1), "engine": answer.engine,
                              "right": s["right"], "checked": s["checked"], "wrong_checked": s["wrong_checked"],
                              "warnings": answer.warnings, "tools": [(c.tool, bool(c.error)) for c in answer.calls],
                              "answer": answer.text[:300]}, ensure_ascii=False), file=progress, flush=True)
        missed = s["grounding_warning"] or any(v is False for k, v in s.items()
                                               if k not in ("grounding_warning", "fallback", "wrong_checked"))
        if show and missed:
            show -= 1
            print(f"  [{row.get('id')}] {row['question']}\n    {s}\n    tools: "
                  f"{[(c.tool, c.args, bool(c.error)) for c in answer.calls]}\n    answer: {answer.text[:300]!r}",
                  file=sys.stderr)
    return summarize(results, latencies, tokens)


def _tokens(usage) -> int:
    if usage is None:
        return 0
    return sum(int(u.get("total_tokens", 0)) for u in getattr(usage, "usage_metadata", {}).values())


def _rate(results: list[dict], key: str) -> tuple[float | None, int]:
    vals = [r[key] for r in results if r[key] is not None]
    return (100 * sum(vals) / len(vals) if vals else None), len(vals)


def summarize(results: list[dict], latencies: list[float], tokens: list[int]) -> dict:
    out: dict = {"questions": len(results)}
    for key in ("routed", "args", "verdict", "grounding_warning", "language", "llm", "first_line", "fallback",
                "right", "llm_right", "checked", "wrong_checked"):
        out[f"{key}_pct"], out[f"{key}_n"] = _rate(results, key)
    out["latency_s_p50"] = statistics.median(latencies) if latencies else None
    out["latency_s_mean"] = statistics.fmean(latencies) if latencies else None
    out["tokens_per_answer"] = statistics.fmean(tokens) if tokens else None
    return out


LABELS = [("wrong_checked", "WRONG answers shown as checked (must be 0)"),
          ("right", "right answers shown to the user (LLM or fallback)"),
          ("fallback", "fell back to the offline engine"),
          ("llm_right", "right, of the answers the LLM wrote"),
          ("checked", "shown as checked (no warning, a successful call)"),
          ("routed", "tool routing (expected tools ran; LLM answers only)"),
          ("args", "arguments as expected (LLM answers only)"),
          ("verdict", "verdict right"), ("first_line", "first line has the key facts"),
          ("grounding_warning", "answers with a grounding warning"), ("language", "answered in the question's language"),
          ("llm", "answered by the LLM (not the offline fallback)")]


def report(summary: dict) -> str:
    lines = [f"{summary['questions']} questions"]
    for key, label in LABELS:
        pct, n = summary[f"{key}_pct"], summary[f"{key}_n"]
        lines.append(f"  {label}: " + (f"{pct:.1f}% of {n}" if pct is not None else "n/a"))
    lines.append(f"  latency per answer: p50 {summary['latency_s_p50']:.2f} s, mean {summary['latency_s_mean']:.2f} s")
    lines.append(f"  tokens per answer (prompt + completion, all rounds): {summary['tokens_per_answer']:.0f}")
    return "\n".join(lines)


def make_advisor(timeout_s: float | None = None):
    """The Advisor over the configured endpoint (OPENAI_BASE_URL / OPENAI_API_KEY / ADVISOR_MODEL), with a
    token counter attached to the model."""
    from langchain_core.callbacks import UsageMetadataCallbackHandler

    from advisor.config import Settings
    from advisor.core import Advisor

    settings = Settings()
    if not settings.llm_configured:
        raise SystemExit("set OPENAI_BASE_URL (a local server) or OPENAI_API_KEY, and ADVISOR_MODEL")
    if timeout_s:
        settings.advisor_llm_timeout_s = timeout_s
    usage = UsageMetadataCallbackHandler()
    llm = settings.make_llm()
    llm.callbacks = [usage]
    return Advisor(llm=llm, settings=settings), usage


def run_cases(rows: list[dict], show: int = 5, as_json: bool = False, progress=None) -> int:
    """Evaluate the configured endpoint on these question rows and print the rates (bench/chat_eval.py
    --engine llm calls this)."""
    advisor, usage = make_advisor()
    summary = evaluate(rows, advisor, usage, show=show, progress=progress)
    print(json.dumps(summary, indent=2) if as_json else report(summary))
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--questions", type=Path, default=QUESTIONS)
    ap.add_argument("--limit", type=int, help="only the first N questions")
    ap.add_argument("--show", type=int, default=5, help="print up to N answers that missed")
    ap.add_argument("--json", action="store_true", help="print the summary as JSON")
    ap.add_argument("--progress", type=Path, help="append one JSON line per answer to this file")
    a = ap.parse_args(argv)
    if not a.questions.exists():
        print(f"no question set at {a.questions}", file=sys.stderr)
        return 2
    progress = a.progress.open("a", encoding="utf-8") if a.progress else None
    try:
        return run_cases(load(a.questions)[: a.limit], show=a.show, as_json=a.json, progress=progress)
    finally:
        if progress:
            progress.close()


if __name__ == "__main__":
    sys.exit(main())
