"""The chat app streams answers as they come (advisor.ask_stream on a worker thread, under the time
limit): an LLM's text piece by piece, then the checked answer with its grounding mark or warning; the
offline engine's answer section by section, verdict first."""

import time

from langchain_openai import ChatOpenAI

import app
from advisor.answer import Answer
from advisor.core import Advisor
from advisor.llm import StreamEvent
from advisor.web import Session, stream_with_time_limit
from tests.openai_stub import StubServer, tool_results

QUESTION = "Can I fine-tune 13B with LoRA on one 4090?"
FIT = {"model": "llama-2-13b", "gpu": "rtx-4090", "method": "lora"}


def _views(advisor, question):
    session = Session()
    app.take(question, [], session)
    views = [v[-1]["content"] for v in app.stream(advisor, session, {}) if v and v[-1]["role"] == "assistant"]
    return views, session


def test_an_llm_answer_streams_in_pieces_then_shows_its_grounding_mark():
    def final(messages):
        fit = next(iter(tool_results(messages).values()))
        return {"content": f"No: LoRA needs {fit['required_gib']:.1f} GiB; the 4090 has {fit['available_gib']:.2f} GiB."}

    with StubServer([lambda m: {"tool_calls": [("check_fit", FIT)]}, final]) as server:
        llm = ChatOpenAI(model="stub", base_url=server.url, api_key="sk-test", max_retries=0, timeout=30,
                         streaming=True)
        views, session = _views(Advisor(llm=llm), QUESTION)
    answer = session.last_answer
    assert answer.engine == "llm" and not answer.warnings
    partial = [v for v in views if not v.startswith("_computing") and v != views[-1]]
    texts = [v for v in partial if "_computing" not in v]
    assert any("_computing: check_fit" in v for v in views)  # the tool running is shown while it runs
    assert len(texts) >= 2 and all(answer.text.startswith(t) for t in texts), views  # the text as it came
    assert len(texts[0]) < len(answer.text)
    assert views[-1].startswith(answer.text) and "✓" in views[-1]  # checked: the mark, once complete
    assert session.history[-1]["content"] == views[-1]


def test_an_offline_answer_streams_by_section_verdict_first():
    views, session = _views(Advisor(engine="offline", quick_start=True), QUESTION)
    final = session.history[-1]["content"]
    assert len(views) >= 3 and views[-1] == final and "✓" not in final  # offline: no LLM figures to check
    assert views[0].startswith("**No**") and len(views[0]) < len(final) / 2  # the verdict comes first
    assert all(final.startswith(v) for v in views)


def test_a_stream_past_its_time_limit_ends_with_a_short_reply(monkeypatch):
    class Slow(Advisor):
        def ask_stream(self, *a, **k):
            yield StreamEvent("text", "Thinking")
            time.sleep(3)
            yield StreamEvent("answer", answer=Answer(text="late", engine="offline"))

    monkeypatch.setenv("ADVISOR_ANSWER_LIMIT_S", "1")
    start = time.perf_counter()
    events = list(stream_with_time_limit(Slow(engine="offline", quick_start=True), "q", [], {}))
    assert time.perf_counter() - start < 2.5
    assert events[0].text == "Thinking" and "took too long" in events[-1].answer.text


def test_a_failing_stream_ends_with_the_sorry_line_not_a_traceback():
    class Broken(Advisor):
        def ask_stream(self, *a, **k):
            yield StreamEvent("text", "No: ")
            raise RuntimeError("boom at /secret/path")

    views, session = _views(Broken(engine="offline", quick_start=True), QUESTION)
    assert session.history[-1]["content"] == app.SORRY and "boom" not in "".join(views)
