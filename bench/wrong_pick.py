"""A scripted model that picks a wrong model, GPU or method 1 time in 3, over the chat question set: how many of
the LLM engine's answers are shown as checked (no warning, a successful call) yet contradict the calculators?
The number must be 0 (issue 24).

    python bench/wrong_pick.py [--limit N] [--every 3]

The model makes the calls the offline engine makes for each question of tests/data/chat_questions.jsonl (complete,
with the question's facts; up to 3 calculator calls and one guidance search); on every third row it swaps one of model / GPU / method for a wrong one, as a small model copying example values does. It
then answers from what that call returns (computed without the question contract, as the model "believes" it),
verdict first with the first call's key figure, and repeats that answer when told to fix it. "Contradicts the
calculators": checked against the results of the offline engine's (right) calls, the answer has a figure none of
them supports, or a verdict check_fit does not give. Prints the counts and rates."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
QUESTIONS = ROOT / "tests" / "data" / "chat_questions.jsonl"
WRONG_MODELS = ("Qwen2.5-32B", "llama-3.1-8b")
WRONG_GPUS = ("rtx-4090", "h100-sxm")


def wrong_args(tool: str, args: dict, pick: int) -> tuple[dict, str | None]:
    """The row's arguments with one of model / GPU / method swapped (trying them in turn from `pick`)."""
    from advisor.contract import _same_gpu, _same_model

    for k in range(3):
        what = ("model", "gpu", "method")[(pick + k) % 3]
        out = dict(args)
        if what == "model" and isinstance(args.get("model"), str):
            out["model"] = next(m for m in WRONG_MODELS if not _same_model(m, args["model"]))
        elif what == "gpu" and isinstance(args.get("gpu"), str):
            out["gpu"] = next(g for g in WRONG_GPUS if not _same_gpu(g, args["gpu"]))
        elif what == "gpu" and isinstance(args.get("gpus"), list) and args["gpus"]:
            out["gpus"] = [next(g for g in WRONG_GPUS if not _same_gpu(g, str(args["gpus"][0])))]
        elif what == "method" and tool in ("check_fit", "estimate_memory", "estimate_training", "recommend_hardware"):
            method = args.get("method")
            if tool == "recommend_hardware":
                out["workload"] = "inference" if args.get("workload") in ("finetune", "pretrain") else "finetune"
            else:
                out["method"] = "lora" if method in ("full", "pretrain") else "full"
                if tool != "estimate_training":
                    out["workload"] = "training"
        else:
            continue
        return out, what
    return args, None


def _fmt(x: float) -> str:
    return f"{x:,.2f}"


def summary(tool: str, r, zh: bool) -> str:
    """The key figure of a result, as a small model would state it (verdict first for check_fit)."""
    if isinstance(r, str):  # an error the model saw
        return "我无法确定。" if zh else "I could not work that out."
    if tool == "check_fit":
        word = ("可以" if r["fits"] else "不行") if zh else ("Yes" if r["fits"] else "No")
        return f"{word}: {_fmt(r['required_gib'])} GiB / {_fmt(r['available_gib'])} GiB."
    if tool == "estimate_memory":
        return f"{_fmt(r['per_gpu_gib'])} GiB."
    if tool == "recommend_hardware":
        best = (r.get("by_cost") or [None])[0]
        return (f"{best['gpu_count']}x {best['gpu']}, {_fmt(best['memory_per_gpu_gib'])} GiB." if best
                else ("没有合适的配置。" if zh else "Nothing fits."))
    if tool == "estimate_throughput":
        return f"{_fmt(r['decode_tokens_per_s'])} tokens/s."
    if tool == "estimate_training":
        return f"{_fmt(r['hours'])} hours."
    if tool == "estimate_cost":
        return f"${_fmt(r['usd_per_gpu_hour'])} per GPU-hour."
    if tool == "compare_quantization":
        return f"{_fmt(r['options'][0]['weights_gib'])} GiB."
    if tool == "lookup_gpu":
        return f"{_fmt(r['memory_gib'])} GiB."
    return "详见指南。" if zh else "See the guidance."


class WrongPickModel(BaseChatModel):
    """Calls what `plan[question]` says; answers from those calls' unchecked results; repeats itself on retry."""

    plan: dict = {}

    @property
    def _llm_type(self) -> str:
        return "wrong-pick"

    def bind_tools(self, tools, **kwargs):
        return self

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        from advisor.toolkit import execute

        humans = [i for i, m in enumerate(messages) if isinstance(m, HumanMessage)]
        question = next(m.content for m in reversed(messages) if isinstance(m, HumanMessage)
                        and not str(m.content).startswith("Your answer has"))
        calls = self.plan.get(question.split("\n\n(My defaults")[0], [])
        if calls and not any(isinstance(m, ToolMessage) for m in messages[humans[-1]:]) and \
                not str(messages[humans[-1]].content).startswith("Your answer has"):
            msg = AIMessage(content="", tool_calls=[{"name": n, "args": a, "id": f"c{i}"}
                                                    for i, (n, a) in enumerate(calls)])
        else:
            zh = any("\u4e00" <= ch <= "\u9fff" for ch in question)
            said = [summary(n, execute(n, a)[0].result, zh) for n, a in calls[:1]] or ["OK."]
            msg = AIMessage(content=" ".join(said))
        return ChatResult(generations=[ChatGeneration(message=msg)])


def contradicts(answer, truth: list, question: str) -> bool:
    from advisor.grounding import check

    g = check(answer.text, truth, question)
    return bool(g.unsupported or g.contradiction)


def run(rows: list[dict], every: int = 3) -> dict:
    """The right calls for each question are the offline engine's (complete, with the question's facts); their
    results are the calculators' answer that a checked LLM answer must not contradict."""
    import logging

    log = logging.getLogger("advisor.llm")
    level = log.level
    log.setLevel(logging.ERROR)  # one fallback line per question otherwise
    try:
        return _run(rows, every)
    finally:
        log.setLevel(level)


def _run(rows: list[dict], every: int) -> dict:
    from advisor.answer import checked as marked
    from advisor.llm import LLMEngine
    from advisor.offline.engine import OfflineEngine

    offline = OfflineEngine(quick=True)
    plan, truth, wrong = {}, {}, {}
    for i, row in enumerate(rows):
        history = _history(row)
        right = [c for c in offline.ask(row["question"], history).calls if not c.error]
        truth[row["question"]] = right
        calls = [(c.tool, dict(c.args)) for c in right if c.tool != "search_guidance"][:3]
        calls += [(c.tool, dict(c.args)) for c in right if c.tool == "search_guidance"][:1]
        if every and i % every == every - 1 and calls:
            swapped, what = wrong_args(*calls[0], pick=i // every)
            wrong[row["question"]] = what is not None
            calls[0] = (calls[0][0], swapped)
        plan[row["question"]] = calls
    engine = LLMEngine(WrongPickModel(plan=plan), fallback=OfflineEngine(quick=True))
    counts = {"questions": 0, "picked_wrong": 0, "llm": 0, "fallback": 0, "warned": 0, "shown_as_checked": 0,
              "checked_but_contradicting": 0, "picked_wrong_shown_as_checked": 0}
    bad = []
    for row in rows:
        a = engine.ask(row["question"], _history(row))
        counts["questions"] += 1
        counts["picked_wrong"] += bool(wrong.get(row["question"]))
        counts["llm" if a.engine == "llm" else "fallback"] += 1
        counts["warned"] += a.engine == "llm" and bool(a.warnings)
        checked = marked(a)
        counts["shown_as_checked"] += checked
        counts["picked_wrong_shown_as_checked"] += checked and bool(wrong.get(row["question"]))
        if checked and contradicts(a, truth[row["question"]], row["question"]):
            counts["checked_but_contradicting"] += 1
            bad.append((row["id"], row["question"], a.text, [(c.tool, c.args) for c in a.calls]))
    counts["bad"] = bad
    return counts


def _history(row: dict) -> list[dict]:
    out: list[dict] = []
    for turn in row.get("history") or []:
        out += [{"role": "user", "content": turn}, {"role": "assistant", "content": "OK."}]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--questions", type=Path, default=QUESTIONS)
    ap.add_argument("--limit", type=int)
    ap.add_argument("--every", type=int, default=3, help="pick wrong on every Nth question (0: never)")
    a = ap.parse_args(argv)
    rows = [json.loads(line) for line in a.questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    c = run(rows[: a.limit], a.every)
    n = c["questions"] or 1
    print(f"{c['questions']} questions, a wrong model/GPU/method picked on {c['picked_wrong']}")
    print(f"  answered by the LLM: {c['llm']} ({100 * c['llm'] / n:.1f}%); fallback to the offline engine: "
          f"{c['fallback']} ({100 * c['fallback'] / n:.1f}%); LLM answers with a warning: {c['warned']}")
    print(f"  shown as checked: {c['shown_as_checked']} (of them after a wrong pick: "
          f"{c['picked_wrong_shown_as_checked']})")
    print(f"  shown as checked but contradicting the calculators: {c['checked_but_contradicting']} (must be 0)")
    for row_id, q, text, calls in c["bad"][:10]:
        print(f"    [{row_id}] {q}\n      {text[:200]!r}\n      {calls}", file=sys.stderr)
    return 0 if c["checked_but_contradicting"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
