"""The Slack HTTP mode under hostile and faulty clients (loopback only), and de-duplication shared via Redis."""

import hashlib
import hmac
import json
import logging
import socket
import time

import fakeredis
import pytest

from advisor.config import Settings
from advisor.core import Advisor
from advisor.slack import RedisSeenEvents, SlackSettingsError, seen_events
from advisor.slack_http import BODY_LIMIT_BYTES, Refused, check_headers
from tests.test_slack import SECRET, BotServer, FakeSlack, event


def signed_headers(body: bytes, ts: int | None = None, secret: str = SECRET) -> dict[str, str]:
    ts = ts or int(time.time())
    sig = "v0=" + hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": sig, "Content-Type": "application/json"}


def raw_request(port: int, method: str = "POST", path: str = "/slack/events", headers: dict | None = None,
                body: bytes = b"", content_length: int | None = None) -> bytes:
    head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    for k, v in (headers or {}).items():
        head.append(f"{k}: {v}")
    head.append(f"Content-Length: {len(body) if content_length is None else content_length}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def status_of(sock: socket.socket, timeout: float = 10.0) -> int:
    sock.settimeout(timeout)
    data = b""
    while b"\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return int(data.split(b" ", 2)[1])


@pytest.fixture(scope="module")
def bot():
    server = BotServer(Advisor(engine="offline"), body_timeout_s=2.0)
    yield server
    server.stop()


def test_a_slow_client_does_not_block_a_valid_event(bot):
    half_headers = socket.create_connection(("127.0.0.1", bot.port))
    half_headers.sendall(b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slack-Req")
    body = json.dumps(event("<@UBOT> hi", event_id="EvSlow")).encode()
    half_body = socket.create_connection(("127.0.0.1", bot.port))
    half_body.sendall(raw_request(bot.port, headers=signed_headers(body), body=body[:20], content_length=len(body)))
    try:
        n = len(bot.slack.posts)
        status, seconds = bot.send(event("<@UBOT> Can I run Llama 3.1 8B on an RTX 4090?", event_id="EvFast"))
        assert status == 200 and seconds < 3  # Slack's limit; not queued behind the stalled connections
        assert len(bot.slack.wait_posts(n + 1)) == n + 1
        assert status_of(half_body) == 408  # the stalled body is dropped after the body time limit (2 s here)
    finally:
        half_headers.close()
        half_body.close()


def test_an_oversized_body_is_refused_before_it_is_sent(bot, caplog):
    big = 64 << 20
    with socket.create_connection(("127.0.0.1", bot.port)) as s, caplog.at_level(logging.WARNING):
        s.sendall(raw_request(bot.port, headers=signed_headers(b"x"), content_length=big))  # headers only
        assert status_of(s, timeout=5) == 413  # answered without waiting for (or reading) a byte of the body
    line = next(r.getMessage() for r in caplog.records if "413" in r.getMessage())
    assert len(line) < 160 and "\n" not in line


def test_a_chunked_body_is_cut_off_at_the_limit(bot):
    head = ["POST /slack/events HTTP/1.1", "Host: 127.0.0.1", "Transfer-Encoding: chunked"]
    head += [f"{k}: {v}" for k, v in signed_headers(b"x").items()]
    chunk = b"a" * 65536
    with socket.create_connection(("127.0.0.1", bot.port)) as s:
        s.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        sent = 0
        try:
            while sent <= 4 * BODY_LIMIT_BYTES:
                s.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                sent += len(chunk)
        except OSError:
            pass  # the server closed the connection after refusing
        assert status_of(s) == 413


@pytest.mark.parametrize("ts", ["abc", "", "1e9", "-5", "12.5", "99999999999999999999", " 1700000000"])
def test_a_malformed_timestamp_gets_401_not_500(bot, ts):
    body = json.dumps(event("<@UBOT> hi", event_id="EvTs")).encode()
    headers = signed_headers(body) | {"X-Slack-Request-Timestamp": ts}
    with socket.create_connection(("127.0.0.1", bot.port)) as s:
        s.sendall(raw_request(bot.port, headers=headers, body=body))
        assert status_of(s) == 401


def test_malformed_requests_are_refused_with_short_log_lines(bot, caplog):
    secret_body = json.dumps(event("TOP-SECRET " * 20000, event_id="EvBig")).encode()  # ~220 KB, wrong key
    cases = [
        (raw_request(bot.port, headers=signed_headers(secret_body, secret="wrong"), body=secret_body), 401),
        (raw_request(bot.port, headers={"X-Slack-Request-Timestamp": str(int(time.time()))}, body=b"{}"), 401),
        (raw_request(bot.port, headers=signed_headers(b"not json"), body=b"not json"), 400),
        (raw_request(bot.port, headers=signed_headers(b"[1, 2]"), body=b"[1, 2]"), 400),
        (raw_request(bot.port, headers=signed_headers(b"\xff\xfe"), body=b"\xff\xfe"), 400),
        (raw_request(bot.port, method="GET", body=b""), 405),
        (raw_request(bot.port, path="/admin", body=b""), 404),
    ]
    n = len(bot.slack.posts)
    with caplog.at_level(logging.INFO):
        for request, expected in cases:
            with socket.create_connection(("127.0.0.1", bot.port)) as s:
                s.sendall(request)
                assert status_of(s) == expected, request[:80]
    refusals = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert len(refusals) == len(cases)
    assert all(len(m) < 160 and "TOP-SECRET" not in m for m in refusals)
    assert not any("TOP-SECRET" in r.getMessage() for r in caplog.records)
    time.sleep(0.3)
    assert len(bot.slack.posts) == n


def test_url_verification_still_answers_through_the_gate(bot):
    body = json.dumps({"type": "url_verification", "challenge": "chal-123", "token": "x"}).encode()
    with socket.create_connection(("127.0.0.1", bot.port)) as s:
        s.sendall(raw_request(bot.port, headers=signed_headers(body), body=body))
        s.settimeout(10)
        data = s.recv(65536)
    assert data.startswith(b"HTTP/1.1 200") and b"chal-123" in data


def test_header_checks_without_a_server():
    now = 1_700_000_000
    ok = {"x-slack-request-timestamp": str(now), "x-slack-signature": "v0=" + "a" * 64}
    check_headers(ok, now)  # no exception
    for headers, status in [(ok | {"x-slack-request-timestamp": str(now - 301)}, 401),
                            (ok | {"x-slack-signature": "v0=zz"}, 401),
                            (ok | {"content-length": str(BODY_LIMIT_BYTES + 1)}, 413),
                            (ok | {"content-length": "-1"}, 400)]:
        with pytest.raises(Refused) as err:
            check_headers(headers, now)
        assert err.value.status == status


# --- de-duplication shared through Redis (fakeredis) ---------------------------------------------------------

def test_two_bot_processes_sharing_redis_answer_an_event_once():
    store = fakeredis.FakeServer()
    slack = FakeSlack()
    a = BotServer(Advisor(engine="offline"), seen=RedisSeenEvents(fakeredis.FakeRedis(server=store)), slack=slack)
    b = BotServer(Advisor(engine="offline"), seen=RedisSeenEvents(fakeredis.FakeRedis(server=store)), slack=slack)
    try:
        payload = event("<@UBOT> How much memory does Llama 3.1 8B need?", event_id="EvShared", ts="500.1")
        assert a.send(payload)[0] == 200
        assert b.send(payload, retry=1)[0] == 200  # the load balancer sent the retry to the other replica
        slack.wait_posts(1)
        time.sleep(1.0)
        assert len(slack.posts) == 1
    finally:
        a.stop()
        b.stop()
    # a restarted process still remembers the event
    c = BotServer(Advisor(engine="offline"), seen=RedisSeenEvents(fakeredis.FakeRedis(server=store)), slack=slack)
    try:
        assert c.send(payload, retry=2)[0] == 200
        time.sleep(1.0)
        assert len(slack.posts) == 1
    finally:
        c.stop()


def test_redis_ids_expire_and_an_outage_answers_rather_than_drops(caplog):
    store = fakeredis.FakeServer()
    client = fakeredis.FakeRedis(server=store)
    seen = RedisSeenEvents(client, ttl_s=120)
    assert seen.first_time("Ev1") and not seen.first_time("Ev1") and seen.first_time("Ev2")
    assert 0 < client.ttl(RedisSeenEvents.PREFIX + "Ev1") <= 120
    store.connected = False
    with caplog.at_level(logging.WARNING):
        assert seen.first_time("Ev1")
    assert any("de-duplication store unavailable" in r.getMessage() for r in caplog.records)


def test_the_store_follows_the_setting_and_an_unreachable_one_is_a_fix_it_error():
    assert not isinstance(seen_events(Settings()), RedisSeenEvents)
    url = "redis://user:hunter2@127.0.0.1:1/0"
    seen = seen_events(Settings(slack_dedup_redis_url=url))
    assert isinstance(seen, RedisSeenEvents)
    with pytest.raises(SlackSettingsError) as err:
        seen.check(url)
    assert "SLACK_DEDUP_REDIS_URL" in str(err.value) and "hunter2" not in str(err.value)


def test_the_bot_refuses_to_start_with_an_unreachable_store(monkeypatch, capsys):
    from advisor.slack import main

    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    monkeypatch.setenv("SLACK_DEDUP_REDIS_URL", "redis://:hunter2@127.0.0.1:1/0")
    assert main(["--host", "127.0.0.1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "SLACK_DEDUP_REDIS_URL" in err and "hunter2" not in err


def test_a_failing_dispatch_is_a_500_and_one_log_line(caplog):
    class Exploding:
        def dispatch(self, request):
            raise RuntimeError("boom " + "x" * 5000)

    from advisor.slack_http import SlackGate, make_server
    from tests.fakes import free_port

    port = free_port()
    server = make_server(SlackGate(Exploding(), SECRET), port=port)
    import threading

    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    while not server.started:
        time.sleep(0.05)
    try:
        body = json.dumps(event("<@UBOT> hi", event_id="EvBoom")).encode()
        with caplog.at_level(logging.INFO), socket.create_connection(("127.0.0.1", port)) as s:
            s.sendall(raw_request(port, headers=signed_headers(body), body=body))
            assert status_of(s) == 500
        lines = [r.getMessage() for r in caplog.records if "dispatch failed" in r.getMessage()]
        assert len(lines) == 1 and len(lines[0]) < 400 and not any(r.exc_info for r in caplog.records)
    finally:
        server.should_exit = True
        t.join(timeout=10)
