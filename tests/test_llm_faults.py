"""LLM faults and weak models over the real wire format (a scripted OpenAI-compatible server on loopback).

Each fault is answered within a stated bound (the engine's time limit, here a few seconds; 60 s by default)
by the LLM or the offline engine, with a warning in words, never a traceback."""

import json
import logging
import time

import pytest
from langchain_openai import ChatOpenAI

from advisor.core import Advisor
from advisor.grounding import check
from advisor.llm import LLMEngine
from advisor.offline.engine import OfflineEngine
from tests.fakes import free_port
from tests.openai_stub import StubServer, tool_results

QUESTION = "Can I fine-tune 13B with LoRA on one 4090?"
FIT = {"model": "llama-2-13b", "gpu": "rtx-4090", "method": "lora"}
LIMIT_S = 4.0


def engine(url: str, streaming: bool = False, limit_s: float = LIMIT_S, rounds: int = 6) -> LLMEngine:
    llm = ChatOpenAI(model="stub", base_url=url, api_key="sk-test", max_retries=0, timeout=30, streaming=streaming)
    return LLMEngine(llm, fallback=OfflineEngine(quick=True), time_limit_s=limit_s, max_rounds=rounds)


def final_from_fit(messages):
    fit = next(iter(tool_results(messages).values()))
    return {"content": f"No: LoRA needs {fit['required_gib']:.1f} GiB; the 4090 has {fit['available_gib']:.2f} GiB."}


def ask(replies, streaming=False, repeat_last=False, **kw):
    with StubServer(replies, repeat_last=repeat_last) as server:
        start = time.monotonic()
        answer = engine(server.url, streaming, **kw).ask(QUESTION)
        return answer, server, time.monotonic() - start


def assert_offline_with(answer, words: str):
    assert answer.engine == "offline" and answer.calls, answer
    assert any(words in w and "offline engine" in w for w in answer.warnings), answer.warnings
    assert not any("Traceback" in w or "Error(" in w for w in answer.warnings)


def test_endpoint_down(caplog):
    caplog.set_level(logging.WARNING)
    start = time.monotonic()
    answer = engine(f"http://127.0.0.1:{free_port()}/v1").ask(QUESTION)
    assert time.monotonic() - start < LIMIT_S + 5
    assert_offline_with(answer, "could not reach the LLM endpoint")
    records = [r for r in caplog.records if r.name == "advisor.llm"]
    assert len(records) == 1 and records[0].exc_info is None and "\n" not in records[0].getMessage()


def test_http_500():
    answer, _, _ = ask([lambda m: 1 / 0])
    assert_offline_with(answer, "HTTP 500")


@pytest.mark.parametrize("streaming", [False, True])
def test_a_hanging_server_is_cut_off_at_the_time_limit(streaming):
    answer, _, seconds = ask([lambda m: {"hang": 30}], streaming=streaming, limit_s=2.0)
    assert seconds < 2.0 + 5  # the limit, plus the offline engine's own answer
    assert_offline_with(answer, "did not reply within 2 s")


def test_a_model_that_never_stops_calling_tools():
    def another_batch(messages):  # a new call every round, never an answer
        return {"tool_calls": [("check_fit", FIT | {"batch": len(messages)})]}
    answer, server, seconds = ask([another_batch], repeat_last=True, rounds=3)
    assert_offline_with(answer, "still calling tools after 3 rounds")
    assert len(server.requests) == 3 and seconds < LIMIT_S + 5


def test_an_identical_repeated_call_stops_at_once():
    """One question made the same call 5 times (198 s) against a real model: the second identical call ends it."""
    answer, server, _ = ask([lambda m: {"tool_calls": [("check_fit", FIT)]}], repeat_last=True, rounds=6)
    assert_offline_with(answer, "repeated the same check_fit call")
    assert len(server.requests) == 2


def test_a_tool_result_echoed_back_as_a_call_stops():
    def echo(messages):
        return {"content": "<tool_call>" + json.dumps({"name": "check_fit",
                                                       "arguments": next(iter(tool_results(messages).values()))})
                + "</tool_call>"}
    answer, server, _ = ask([lambda m: {"tool_calls": [("check_fit", FIT)]}, echo])
    assert_offline_with(answer, "sent a tool result back as a new call")
    assert len(server.requests) == 2


@pytest.mark.parametrize("raw", ['{"model": "llama-2-13b", "gpu": "rtx-4090", "method": "lora",}',  # trailing comma
                                 "{'model': 'llama-2-13b', 'gpu': 'rtx-4090', 'method': 'lora'}",  # Python quotes
                                 '{"model": "llama-2-13b", "gpu": "rtx-4090", "method": "lora"'])  # unclosed
def test_malformed_arguments_are_repaired(raw):
    answer, server, _ = ask([lambda m: {"tool_calls": [("check_fit", raw)]}, final_from_fit])
    assert answer.engine == "llm" and answer.calls[0].error is None and answer.calls[0].args == FIT
    assert check(answer.text, answer.calls, QUESTION).ok and not answer.warnings


def test_unreadable_arguments_and_an_unknown_tool_go_back_to_the_model_with_the_choices():
    def retry(messages):
        sent = " | ".join(m["content"] for m in messages if m["role"] == "tool")
        assert "check_fit must be a JSON object" in sent and "unknown tool 'gpu_specs'" in sent and "lookup_gpu" in sent
        return {"tool_calls": [("check_fit", FIT)]}

    answer, server, _ = ask([lambda m: {"tool_calls": [("check_fit", '{"model": [,,'), ("gpu_specs", {"x": 1})]},
                             retry, final_from_fit])
    assert answer.engine == "llm" and [c.error is not None for c in answer.calls] == [True, True, False]
    assert not answer.warnings


def test_a_bad_argument_value_names_the_valid_choices():
    answer, server, _ = ask([lambda m: {"tool_calls": [("check_fit", FIT | {"method": "lorra"})]},
                             lambda m: {"tool_calls": [("check_fit", FIT)]}, final_from_fit])
    assert "'qlora'" in answer.calls[0].error and answer.calls[1].error is None and answer.engine == "llm"


TEXT_FORMS = [
    '<tools> {"name": "check_fit", "arguments": %s} </tools>',  # Qwen2.5-Coder on llama.cpp, as seen
    '<tool_call>\n{"name": "check_fit", "arguments": %s}\n</tool_call>',  # Hermes / Qwen
    '{"name": "check_fit", "parameters": %s}',  # Llama 3.x JSON
    'Let me check.\n```json\n{"type": "function", "function": {"name": "check_fit", "arguments": %s}}\n```',
]


@pytest.mark.parametrize("streaming", [False, True])
@pytest.mark.parametrize("form", TEXT_FORMS, ids=["tools", "tool_call", "bare-json", "fenced"])
def test_tool_calls_written_as_text_are_run(form, streaming):
    answer, server, _ = ask([lambda m: {"content": form % json.dumps(FIT)}, final_from_fit], streaming=streaming)
    assert answer.engine == "llm" and [c.tool for c in answer.calls] == ["check_fit"], answer
    assert answer.calls[0].error is None and not answer.warnings and "{" not in answer.text
    assert sum(m["role"] == "tool" for m in server.requests[1]["messages"]) == 1  # the result went back


def test_a_tool_call_blob_is_never_the_answer():
    answer, _, _ = ask([lambda m: {"content": '<tool_call>{"name": "check_fit", "arguments": {"model": </tool_call>'}])
    assert_offline_with(answer, "tool call the advisor could not read")
    assert "<tool_call>" not in answer.text


def test_a_sizing_answer_without_tools_is_retried_then_answered_offline():
    guess = lambda m: {"content": "Yes, it fits: about 20 GiB."}  # noqa: E731
    answer, server, _ = ask([guess, guess])
    assert "figures that no tool result supports: 20 GiB" in server.requests[1]["messages"][-1]["content"]
    assert_offline_with(answer, "it answered whether it fits without calling check_fit")


def test_a_verdict_that_contradicts_the_tool_is_retried_and_flagged():
    wrong = lambda m: {"content": "Yes, you can fine-tune 13B with LoRA on one 4090."}  # noqa: E731
    answer, server, _ = ask([lambda m: {"tool_calls": [("check_fit", FIT)]}, wrong, wrong])
    assert "check_fit says it does not fit" in server.requests[2]["messages"][-1]["content"]
    assert answer.engine == "llm" and any("verdict may be wrong" in w for w in answer.warnings)


def test_max_tokens_and_the_timeout_come_from_settings(monkeypatch):
    from advisor.config import Settings

    with StubServer([lambda m: {"content": "Hello."}]) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        monkeypatch.setenv("ADVISOR_MAX_TOKENS", "333")
        monkeypatch.setenv("ADVISOR_LLM_TIMEOUT_S", "240")
        llm = Settings().make_llm()
        assert llm.request_timeout == 240
        Advisor(llm=llm).ask("hi")
    body = server.requests[0]
    assert body["max_completion_tokens"] == 333 and body["max_tokens"] == 333  # older servers read max_tokens


def test_stream_yields_text_then_the_checked_answer():
    with StubServer([lambda m: {"tool_calls": [("check_fit", FIT)]}, final_from_fit]) as server:
        llm = ChatOpenAI(model="stub", base_url=server.url, api_key="sk-test", max_retries=0, timeout=30)
        events = list(Advisor(llm=llm).ask_stream(QUESTION))
    kinds = [e.kind for e in events]
    assert kinds[0] == "tool" and kinds[-1] == "answer" and kinds.count("text") >= 2  # the stub sends two pieces
    text = "".join(e.text for e in events if e.kind == "text")
    assert text == events[-1].answer.text and events[-1].answer.engine == "llm" and not events[-1].answer.warnings


def test_cli_fallback_is_one_line_on_stderr(monkeypatch, capsys):
    from advisor.cli import main

    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{free_port()}/v1")
    logging.getLogger("advisor.llm").handlers.clear()
    assert main(["ask", QUESTION]) == 0
    out, err = capsys.readouterr()
    assert "offline engine" in out and "Traceback" not in err and len(err.strip().splitlines()) <= 2, err


def test_reasoning_is_not_part_of_the_answer():
    think = '<think>The user asks about 13B... maybe 99 GiB?</think>\n<tool_call>{"name": "check_fit", "arguments": %s}</tool_call>'
    answer, _, _ = ask([lambda m: {"content": think % json.dumps(FIT)},
                        lambda m: {"content": "<think>so 41.75 vs 23.99</think>" + final_from_fit(m)["content"]}])
    assert answer.engine == "llm" and answer.calls[0].error is None and not answer.warnings
    assert "<think>" not in answer.text and answer.text.startswith("No:")
