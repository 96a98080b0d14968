"""The chat app's per-session state and limits, without a server (advisor/web.py, app.take/stream)."""

import time

import app
from advisor.answer import Answer
from advisor.core import Advisor
from advisor.web import MAX_SHOWN_MESSAGES, RequestGuard, Session, SessionStore, answer_with_time_limit


def test_sessions_are_bounded_in_number_least_recently_used_first():
    store = SessionStore(max_sessions=3, ttl_s=3600)
    a = store.get("a")
    for key in "bcd":
        store.get(key)
    assert len(store) == 3 and store.get("a") is not a  # "a" was the oldest: evicted, a fresh one now
    assert store.get("d") is store.get("d")


def test_sessions_expire_when_idle(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    store = SessionStore(max_sessions=100, ttl_s=60)
    first = store.get("x")
    store.get("y")
    clock[0] += 61
    store.get("z")  # any access drops the expired ones
    assert len(store) == 1 and store.get("x") is not first


def test_a_session_keeps_a_bounded_conversation():
    s = Session(history=[])
    for i in range(MAX_SHOWN_MESSAGES + 25):
        s.append({"role": "user", "content": str(i)})
    assert len(s.history) == MAX_SHOWN_MESSAGES and s.history[-1]["content"] == str(MAX_SHOWN_MESSAGES + 24)


def test_a_question_sent_while_an_answer_streams_is_answered_next():
    advisor = Advisor(engine="offline", quick_start=True)
    s = Session()
    assert app.take("Can I run Llama 3.1 8B on one RTX 4090?", [], s) == ""
    first = app.stream(advisor, s, {})
    next(first)  # streaming has begun
    app.take("Can I run Qwen2.5 7B on one L40S?", [], s)  # sent meanwhile, from another request
    assert list(app.stream(advisor, s, {})) == []  # that request leaves the answering to the running one
    list(first)
    shown = [m["content"] for m in s.history]
    assert len(shown) == 4 and "Llama 3.1 8B" in shown[1] and "Qwen2.5 7B" in shown[3]
    assert not s.busy and not s.pending


def test_an_answer_past_its_time_limit_gets_a_short_reply(monkeypatch):
    class Slow(Advisor):
        def ask(self, *a, **k):
            time.sleep(3)
            return Answer(text="late", engine="offline")

    monkeypatch.setenv("ADVISOR_ANSWER_LIMIT_S", "1")
    start = time.perf_counter()
    answer = answer_with_time_limit(Slow(engine="offline", quick_start=True), "q", [], {})
    assert time.perf_counter() - start < 2.5 and "took too long" in answer.text


def test_the_guard_compares_origins_by_host_and_port(monkeypatch):
    monkeypatch.setenv("ADVISOR_ALLOWED_ORIGINS", "https://advisor.example.com")
    guard = RequestGuard(app=None)
    assert guard._same_origin("http://127.0.0.1:7860", {"host": "127.0.0.1:7860"})
    assert not guard._same_origin("http://127.0.0.1:9999", {"host": "127.0.0.1:7860"})
    assert not guard._same_origin("null", {"host": "127.0.0.1:7860"})
    assert guard._same_origin("https://advisor.example.com", {"host": "10.0.0.5:7860"})


def test_the_page_log_of_sent_messages_is_taken_once_each_in_order():
    import json

    s = Session()
    app.take_sent(json.dumps([[1, "first"]]), [], s)
    app.take_sent(json.dumps([[1, "first"], [2, "second"], [3, "third"]]), [], s)  # two more sent at once
    app.take_sent(json.dumps([[1, "first"], [2, "second"], [3, "third"]]), [], s)  # a repeat takes nothing
    assert list(s.pending) == ["first", "second", "third"]
    fresh = Session()  # a new or expired session: only the newest entry is new to it
    earlier = [{"role": "user", "content": "old"}, {"role": "assistant", "content": "an answer"}]
    app.take_sent(json.dumps([[7, "old"], [8, "newest"]]), earlier, fresh)
    app.take_sent("not json", [], fresh)
    assert list(fresh.pending) == ["newest"]


def test_a_session_queues_at_most_8_questions_then_one_refusal():
    from advisor.web import MAX_PENDING_QUESTIONS, Refusal

    session = Session(client="s")
    with session.lock:
        session.history = []
        taken = [session.queue(f"q{i}") for i in range(50)]
    assert sum(taken) == MAX_PENDING_QUESTIONS
    assert len(session.pending) == MAX_PENDING_QUESTIONS + 1 and isinstance(session.pending[-1], Refusal)
    assert len(session.view()) == MAX_PENDING_QUESTIONS  # the refusal is not shown as a question


def test_admission_says_busy_with_a_retry_time_when_the_wait_is_too_long(monkeypatch):
    import advisor.web as web

    pool = web.AnswerPool(4, "t", 1.0, cpu_slots=2)
    pool.pending = 2
    assert pool.retry_after_s() is None
    pool.pending = 2 + int(web.MAX_ANSWER_WAIT_S * 2) + 5  # ~12 s of compute waiting for 2 slots
    retry = pool.retry_after_s()
    assert retry is not None and retry >= 1


def test_fair_slots_serve_the_client_that_used_least_first():
    import threading

    from advisor.web import FairSlots

    slots = FairSlots(1)
    slots.charge("greedy", 10.0)
    slots.acquire("someone")  # the only slot is taken
    order: list[str] = []

    def wait(who: str) -> None:
        slots.acquire(who)
        order.append(who)
        slots.release()

    greedy = threading.Thread(target=wait, args=("greedy",))
    greedy.start()
    time.sleep(0.1)
    quiet = threading.Thread(target=wait, args=("quiet",))
    quiet.start()
    time.sleep(0.1)
    slots.release()
    greedy.join(5)
    quiet.join(5)
    assert order == ["quiet", "greedy"]


def test_the_api_answers_busy_with_a_retry_time_instead_of_timing_out(monkeypatch):
    import json

    import advisor.web as web

    advisor = Advisor(engine="offline", quick_start=True)
    monkeypatch.setattr(web.answer_pool(advisor), "retry_after_s", lambda: 7)
    out = json.loads(app.ask_api(advisor, "Can I run Llama 3.1 8B on one RTX 4090?"))
    assert out == {"error": "busy, retry in 7 s", "busy": True, "retry_after_s": 7}
    events = list(web.stream_with_time_limit(advisor, "q", [], {}))
    assert len(events) == 1 and "ask again in 7 s" in events[0].answer.text
