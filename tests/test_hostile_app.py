"""The running app under hostile input (issue 25): amplified requests, huge and broken messages, bad requests,
rebinding, credentials in the endpoint's path. One app on loopback for the module."""

from __future__ import annotations

import asyncio
import json
import os
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from bench.app_server import running_app
from bench.chat_client import chat_fn_index, chat_turn, new_session


@pytest.fixture(scope="module")
def app_server():
    with running_app(data_dir=os.environ.get("ADVISOR_DATA_DIR")) as (url, proc, lines):
        yield url, lines


def _run(coro):
    with ThreadPoolExecutor(1) as pool:  # its own event loop
        return pool.submit(asyncio.run, coro).result()


def _turn(url: str, message: str, history=None, session=None, sent_log=None, timeout_s=60.0):
    async def go():
        async with httpx.AsyncClient(timeout=timeout_s) as client:
            fns = await chat_fn_index(client, url)
            return await chat_turn(client, url, fns, session or new_session(), message, history or [],
                                   timeout_s=timeout_s, sent_log=sent_log)

    return _run(go())


def test_a_sent_log_of_2000_entries_makes_at_most_8_answers(app_server):
    """One 64 KB request used to queue 2,000 questions: over 240 s of streaming and 44 MB sent."""
    import time

    url, _ = app_server
    log = json.dumps([[i, f"Can I run Llama 3.1 8B on {i % 7 + 1} RTX 4090?"] for i in range(1, 2001)])

    async def go():
        async with httpx.AsyncClient(timeout=60) as client:
            fns = await chat_fn_index(client, url)
            session = new_session()
            took = await client.post(f"{url}/gradio_api/run/predict", json={
                "data": [log, []], "fn_index": fns.take, "trigger_id": fns.trigger, "session_hash": session,
                "event_data": None})
            assert took.status_code == 200
            join = {"data": [[], "(none)", 1, "(auto)", 0], "event_data": None, "fn_index": fns.stream,
                    "trigger_id": None, "session_hash": session}
            event_id = (await client.post(f"{url}/gradio_api/queue/join", json=join)).json()["event_id"]
            sent, questions = 0, set()
            async with client.stream("GET", f"{url}/gradio_api/queue/data", params={"session_hash": session}) as r:
                async for line in r.aiter_lines():
                    sent += len(line)
                    questions.update(q for q in range(1, 8) if f"on {q} RTX 4090?" in line)
                    if line.startswith("data:") and json.loads(line[5:]).get("msg") == "process_completed" \
                            and json.loads(line[5:]).get("event_id") == event_id:
                        return sent

    t0 = time.perf_counter()
    sent = _run(go())
    assert time.perf_counter() - t0 < 30 and sent < 2_000_000, (time.perf_counter() - t0, sent)


def test_a_300000_character_message_is_answered_and_says_it_was_cut(app_server):
    url, _ = app_server
    turn = _turn(url, "Can I run Llama 3.1 8B on one RTX 4090? " + "x" * 300_000)
    assert turn.ok, turn.error
    assert "Llama 3.1 8B" in turn.answer and "cut to its first 4000 characters" in turn.answer


def test_a_lone_surrogate_does_not_break_the_session(app_server):
    url, _ = app_server
    session = new_session()
    first = _turn(url, "Can I run Llama 3.1 8B \ud800 on one RTX 4090?", session=session)
    assert first.ok, first.error
    second = _turn(url, "Can I run Qwen2.5 7B on one L40S?", history=first.raw, session=session)
    assert second.ok and "Qwen2.5 7B" in second.answer, second


def test_bad_requests_are_one_log_line_each_never_a_traceback(app_server):
    url, lines = app_server
    before = len(lines)
    headers = {"content-type": "application/json"}
    bad_fn = {"data": ["hi"], "fn_index": 9999, "session_hash": "x", "event_data": None, "trigger_id": None}
    for body in (b"\x00\xff" * 500, json.dumps(bad_fn).encode(), b"[" * 50_000 + b"]" * 50_000):
        for path in ("/gradio_api/queue/join", "/gradio_api/run/predict"):
            r = httpx.post(url + path, content=body, headers=headers, timeout=30)
            assert 400 <= r.status_code < 500, (path, r.status_code, r.text[:200])
    # a 140 KB history of malformed turns
    junk = [{"role": "user", "content": [[[{"text": 1}]]] * 50}, {"role": "bot", "content": None}, 7, "x" * 1000] * 120
    _turn(url, "Can I run Llama 3.1 8B on one RTX 4090?", history=junk)  # refused (Gradio's check) or answered
    import time

    time.sleep(1)
    added = lines[before:]
    assert not any("Traceback" in line for line in added), "\n".join(added[-40:])
    assert len(added) <= 20, "\n".join(added[-40:])


def test_a_rebound_request_is_refused_by_the_running_app(app_server):
    url, _ = app_server
    port = url.rsplit(":", 1)[1]
    evil = {"Host": f"evil.example:{port}", "Origin": f"http://evil.example:{port}"}
    assert httpx.get(url + "/config", headers=evil, timeout=10).status_code == 421
    join = {"data": ["hi"], "fn_index": 0, "session_hash": "r1", "event_data": None, "trigger_id": None}
    assert httpx.post(url + "/gradio_api/queue/join", json=join, headers=evil, timeout=10).status_code == 421
    assert httpx.get(url + "/config", timeout=10).status_code == 200


def test_a_token_in_the_endpoint_path_is_never_shown_or_logged():
    from gradio_client import Client

    env = {"OPENAI_BASE_URL": "http://127.0.0.1:9/sk-pathtoken123456/v1?key2=hf_abcdefghijkl",
           "OPENAI_API_KEY": "sk-topsecret999", "ADVISOR_MODEL": "test-model", "ADVISOR_LLM_TIMEOUT_S": "3"}
    with running_app(data_dir=os.environ.get("ADVISOR_DATA_DIR"), env=env) as (url, _, lines):
        page = httpx.get(url + "/", timeout=10).text + httpx.get(url + "/config", timeout=10).text
        answer = Client(url, verbose=False).predict("Can I run Llama 3.1 8B on an RTX 4090?", api_name="/ask")
    log = "\n".join(lines)
    assert "127.0.0.1:9" in page
    for secret in ("pathtoken123456", "hf_abcdefghijkl", "topsecret999"):
        assert secret not in page and secret not in log and secret not in answer, secret
    assert "HTTP Request:" not in log  # the LLM client's per-request INFO line is off


def test_the_app_refuses_a_200_kb_header(app_server):
    import socket

    url, _ = app_server
    host, port = url.split("//")[1].split(":")
    with socket.create_connection((host, int(port))) as s:
        s.sendall(f"GET /config HTTP/1.1\r\nHost: {host}\r\nX-Big: ".encode() + b"a" * 200_000 + b"\r\n\r\n")
        s.settimeout(10)
        try:
            data = s.recv(200)
        except OSError:
            data = b""
    assert not data.startswith(b"HTTP/1.1 200"), data[:80]
