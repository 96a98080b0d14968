"""bench/llm_eval.py end to end against the scripted OpenAI-compatible server on loopback: a scripted model
that routes by the question, one that writes its tool calls as text (as small local models served without a
tool parser do), and one that guesses without tools. The evaluator must tell them apart."""

import json

import pytest

from bench import llm_eval
from tests.openai_stub import StubServer, tool_results

ROWS = [
    {"id": "fit-lora", "lang": "en", "history": [], "question": "Can I fine-tune 13B with LoRA on one 4090?",
     "asks": ["fit"], "tools": ["check_fit"], "args": {"check_fit": {"model": "llama-2-13b", "gpu": "rtx-4090",
                                                                       "method": "lora"}},
     "verdict": "no", "first_line_has": ["no"]},
    {"id": "speed", "lang": "en", "history": [], "question": "How fast is Llama 3 8B Q4_K_M on a 4090?",
     "asks": ["speed"], "tools": ["estimate_throughput"],
     "args": {"estimate_throughput": {"model": "llama-3-8b", "gpu": "rtx-4090", "precision": "q4_k_m"}},
     "verdict": None, "first_line_has": []},
    {"id": "zh-fit", "lang": "zh", "history": ["我有一张4090"], "question": "能跑Qwen2.5-32B吗？",
     "asks": ["fit"], "tools": ["check_fit"], "args": {"check_fit": {"model": "qwen2.5-32b", "gpu": "rtx-4090"}},
     "verdict": "no", "first_line_has": []},
]
# what the scripted model calls for each question (by a phrase in it); "能跑" is the follow-up's turn
PLAN = {"LoRA on one 4090": ("check_fit", {"model": "llama 2 13b", "gpu": "4090", "method": "lora"}),
        "Q4_K_M": ("estimate_throughput", {"model": "llama-3-8b", "gpu": "rtx-4090", "precision": "q4_k_m"}),
        "能跑": ("check_fit", {"model": "qwen2.5-32b", "gpu": "rtx-4090"})}


def _question(messages) -> str:
    return next(m["content"] for m in reversed(messages) if m["role"] == "user")


def _final(messages) -> dict:
    result = next(iter(tool_results(messages).values()))
    if "fits" in result:
        zh = any("\u4e00" <= ch <= "\u9fff" for ch in _question(messages))
        word = ("可以" if result["fits"] else "不行") if zh else ("Yes" if result["fits"] else "No")
        return {"content": f"{word}: {result['required_gib']:.1f} GiB of {result['available_gib']:.1f} GiB."}
    return {"content": f"About {result['decode_tokens_per_s']:.0f} tokens/s."}


def router(text_form: bool):
    def reply(messages):
        if any(m["role"] == "tool" for m in messages[-2:]):
            return _final(messages)
        q = _question(messages)
        hit = next((plan for key, plan in PLAN.items() if key in q), None)
        if hit is None:  # an earlier turn ("我有一张4090"): no tool needed
            return {"content": "好的。"}
        name, args = hit
        if text_form:
            return {"content": f"<tools> {json.dumps({'name': name, 'arguments': args})} </tools>"}
        return {"tool_calls": [(name, args)]}
    return reply


def guesser(messages):
    return {"content": "Yes, it needs about 20 GiB."}


def run_eval(reply):
    with StubServer([reply], repeat_last=True) as server:
        from langchain_core.callbacks import UsageMetadataCallbackHandler
        from langchain_openai import ChatOpenAI

        from advisor.core import Advisor

        usage = UsageMetadataCallbackHandler()
        llm = ChatOpenAI(model="stub", base_url=server.url, api_key="sk-test", max_retries=0, timeout=30,
                         callbacks=[usage])
        return llm_eval.evaluate(ROWS, Advisor(llm=llm), usage)


@pytest.mark.parametrize("text_form", [False, True], ids=["tool_calls", "text-form"])
def test_a_model_that_routes_well_scores_well(text_form):
    s = run_eval(router(text_form))
    assert s["routed_pct"] == s["args_pct"] == s["verdict_pct"] == s["language_pct"] == s["llm_pct"] == 100
    assert s["right_pct"] == s["checked_pct"] == 100 and s["wrong_checked_pct"] == s["fallback_pct"] == 0
    assert s["grounding_warning_pct"] == 0 and s["questions"] == 3
    assert s["tokens_per_answer"] > 0 and s["latency_s_p50"] > 0  # the stub reports 2 tokens per call
    assert "tool routing (expected tools ran; LLM answers only): 100.0% of 3" in llm_eval.report(s)


def test_a_model_that_guesses_scores_badly():
    s = run_eval(guesser)
    assert s["llm_pct"] == 0 and s["fallback_pct"] == 100  # every answer fell back to the offline engine
    # the offline engine's calls are not credited to the model: routing and arguments are not scored at all
    assert s["routed_n"] == s["args_n"] == 0 and s["wrong_checked_pct"] == 0
    report = llm_eval.report(s)
    assert "answered by the LLM (not the offline fallback): 0.0% of 3" in report
    assert "tool routing (expected tools ran; LLM answers only): n/a" in report


def test_a_wrong_answer_shown_as_checked_is_counted():
    from advisor.answer import Answer, ToolCallRecord
    from advisor.toolkit import execute

    row = ROWS[0]
    fit, _ = execute("check_fit", {"model": "llama-2-13b", "gpu": "rtx-4090", "method": "lora"})
    truth = [fit]
    right = Answer(text=f"No: {fit.result['required_gib']:.1f} GiB needed.", engine="llm", calls=[fit])
    assert llm_eval.score(row, right, truth)["wrong_checked"] is False
    wrong_verdict = Answer(text="Yes, it fits.", engine="llm", calls=[fit])
    assert llm_eval.score(row, wrong_verdict, truth)["wrong_checked"] is True
    other = ToolCallRecord(tool="check_fit", args={}, result={"required_gib": 9.99, "fits": False})
    wrong_figure = Answer(text="No: 9.99 GiB needed.", engine="llm", calls=[other])
    assert llm_eval.score(row, wrong_figure, truth)["wrong_checked"] is True
    warned = Answer(text="No: 9.99 GiB needed.", engine="llm", calls=[other], warnings=["Unverified figures: 9.99"])
    assert llm_eval.score(row, warned, truth)["wrong_checked"] is False


def test_the_cli_runs_against_an_endpoint_from_the_environment(monkeypatch, tmp_path, capsys):
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in ROWS), encoding="utf-8")
    with StubServer([router(True)], repeat_last=True) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        monkeypatch.setenv("ADVISOR_MODEL", "stub")
        assert llm_eval.main(["--questions", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["routed_pct"] == 100 and out["questions"] == 3 and out["tokens_per_answer"] > 0


def _figure(results: dict) -> str:
    """The key figure of the first tool result, as an answer states it (an answer must state a result)."""
    r = next(iter(results.values()), {})
    if isinstance(r, dict) and r.get("by_cost"):
        return f"{r['by_cost'][0]['gpu_count']}x {r['by_cost'][0]['gpu']}."
    if isinstance(r, dict) and "decode_tokens_per_s" in r:
        return f"About {r['decode_tokens_per_s']:.1f} tokens/s."
    if isinstance(r, dict) and "usd_per_gpu_hour" in r:
        return f"${r['usd_per_gpu_hour']:.2f} per GPU-hour."
    return "Here is what the tools say."


def oracle(rows: list[dict], text_form: bool):
    """A scripted model that makes, for each question of the real question set, the calls the set expects
    (written as text when text_form, as small local models do), then answers verdict-first from the result."""
    by_question = {r["question"]: r for r in rows}

    def reply(messages):
        q = _question(messages)
        row = by_question.get(q)
        if any(m["role"] == "tool" for m in messages[-3:]) or row is None:
            fit = tool_results(messages)
            fits = [v["fits"] for v in fit.values() if isinstance(v, dict) and "fits" in v]
            word = ("Yes." if fits[-1] else "No.") if fits else _figure(fit)
            return {"content": ("可以。" if fits and fits[-1] else "不行。") if row and row["lang"] == "zh" and fits
                    else ("工具的结果：" + _figure(fit) if row and row["lang"] == "zh" else word)}
        calls = [(t, row["args"].get(t, {})) for t in row["tools"]]
        if text_form:
            return {"content": "\n".join(f"<tool_call>{json.dumps({'name': n, 'arguments': a})}</tool_call>"
                                         for n, a in calls)}
        return {"tool_calls": calls}
    return reply


@pytest.mark.parametrize("text_form", [False, True], ids=["tool_calls", "text-form"])
def test_chat_eval_engine_llm_end_to_end_on_the_question_set(text_form, monkeypatch, capsys):
    from bench import chat_eval

    rows = chat_eval.load_cases()[:4]
    with StubServer([oracle(rows, text_form)], repeat_last=True) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        monkeypatch.setenv("ADVISOR_MODEL", "stub")
        assert chat_eval.main(["--engine", "llm", "--limit", "4", "--json", "--show", "0"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["questions"] == 4 and out["routed_pct"] == 100 and out["args_pct"] == 100 and out["llm_pct"] == 100
    assert out["language_pct"] == 100 and out["grounding_warning_pct"] == 0
