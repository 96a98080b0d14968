"""ChatOpenAI over HTTP against a scripted OpenAI-compatible server on loopback: the real wire format."""

import pytest
from langchain_openai import ChatOpenAI

from advisor.core import Advisor
from advisor.grounding import unsupported_numbers
from tests.openai_stub import StubServer, tool_results


def _final(messages):
    results = tool_results(messages)
    fit = results["call_0"]
    cite = results["call_1"][0]["citation"]
    return {"content": f"No. LoRA needs {fit['required_gib']:.1f} GiB per GPU; the 4090 has "
                       f"{fit['available_gib']:.2f} GiB. QLoRA is the fix ({cite})."}


@pytest.mark.parametrize("streaming", [False, True])
def test_parallel_tool_calls_round_trip_over_http(streaming):
    replies = [lambda m: {"tool_calls": [("check_fit", {"model": "llama-2-13b", "gpu": "rtx-4090", "method": "lora"}),
                                         ("search_guidance", {"query": "QLoRA memory"})]},
               _final]
    with StubServer(replies) as server:
        llm = ChatOpenAI(model="stub-model", base_url=server.url, api_key="sk-test", streaming=streaming,
                         max_retries=0, timeout=30)
        answer = Advisor(llm=llm).ask("Can I fine-tune 13B with LoRA on one 4090?")
    assert answer.engine == "llm" and not answer.warnings, answer.warnings
    assert [c.tool for c in answer.calls] == ["check_fit", "search_guidance"]
    assert answer.sources and answer.sources[0].citation in answer.text
    assert not unsupported_numbers(answer.text, answer.calls, "")
    first = server.requests[0]
    tools = {t["function"]["name"]: t["function"] for t in first["tools"]}
    assert "check_fit" in tools and "description" in tools["check_fit"]["parameters"]["properties"]["gpu"]
    assert first["messages"][0]["role"] == "system" and "tool" in first["messages"][0]["content"].lower()
    second = server.requests[1]["messages"]
    assert sum(m["role"] == "tool" for m in second) == 2  # both results sent back in one request
    assert bool(server.requests[0].get("stream")) == streaming


def test_server_errors_fall_back_to_offline():
    def boom(messages):
        raise RuntimeError("model crashed")

    with StubServer([boom]) as server:
        llm = ChatOpenAI(model="stub", base_url=server.url, api_key="sk-test", max_retries=0, timeout=10)
        answer = Advisor(llm=llm).ask("How much memory does Llama 3.1 8B need at 8k context?")
    assert answer.engine == "offline" and any("HTTP 500" in w and "offline engine" in w for w in answer.warnings)
    assert "GiB" in answer.text
