"""Issue 25: DNS rebinding (Host and Origin both the attacker's name) is refused by the app's guard, the Slack
HTTP gate and the MCP HTTP server; the Slack server bounds header time and size and JSON depth."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest
from starlette.testclient import TestClient

from advisor.hosts import HostPolicy
from tests.test_slack import SECRET, event
from tests.test_slack_http import raw_request, signed_headers, status_of

EVIL = {"Host": "evil.example:7860", "Origin": "http://evil.example:7860"}


async def _ok_app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})


def _guarded(bind_host: str = "127.0.0.1") -> TestClient:
    from advisor.web import RequestGuard

    return TestClient(RequestGuard(_ok_app, bind_host=bind_host), base_url="http://127.0.0.1:7860")


def test_the_app_refuses_a_rebound_request():
    client = _guarded()
    for method in ("GET", "POST"):
        r = client.request(method, "/gradio_api/queue/join", headers=EVIL, content=b"{}")
        assert r.status_code == 421 and "ADVISOR_ALLOWED_HOSTS" in r.json()["error"]
    assert client.post("/gradio_api/queue/join", content=b"{}",
                       headers={"Host": "127.0.0.1:7860", "Origin": "http://127.0.0.1:7860"}).status_code == 200
    assert client.get("/", headers={"Host": "localhost:7860"}).status_code == 200
    assert client.get("/", headers={"Host": "[::1]:7860"}).status_code == 200


def test_the_app_on_every_interface_answers_addresses_not_foreign_names(monkeypatch):
    client = _guarded("0.0.0.0")
    assert client.get("/", headers={"Host": "192.168.1.20:7860"}).status_code == 200
    assert client.get("/", headers=EVIL).status_code == 421
    monkeypatch.setenv("ADVISOR_ALLOWED_HOSTS", "advisor.lan")
    client = _guarded("0.0.0.0")
    assert client.get("/", headers={"Host": "advisor.lan:7860"}).status_code == 200
    assert client.get("/", headers={"Host": "advisor.lan.evil.example"}).status_code == 421


def test_host_names_are_compared_whole():
    policy = HostPolicy("127.0.0.1")
    assert policy.allows("LOCALHOST.:80") and policy.allows("127.0.0.2:1")
    assert not policy.allows("localhost.evil.example") and not policy.allows("127.0.0.1.nip.io:7860")
    assert HostPolicy("advisor.internal").allows("advisor.internal:7860")


class _Bolt:
    def __init__(self) -> None:
        self.dispatched = 0

    def dispatch(self, request):
        from slack_bolt import BoltResponse

        self.dispatched += 1
        return BoltResponse(status=200, body="")


@pytest.fixture
def slack_server():
    from advisor.slack_http import SlackGate, make_server
    from tests.fakes import free_port

    bolt, port = _Bolt(), free_port()
    server = make_server(SlackGate(bolt, SECRET), port=port, header_timeout_s=1.0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield port, bolt
    server.should_exit = True
    thread.join(timeout=10)


def _send(port: int, data: bytes) -> int:
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(data)
        return status_of(s)


def test_slack_refuses_a_rebound_request_even_when_signed(slack_server):
    port, bolt = slack_server
    body = json.dumps(event("<@UBOT> hi", event_id="EvRebind")).encode()
    request = raw_request(port, headers=signed_headers(body), body=body)
    assert _send(port, request.replace(b"Host: 127.0.0.1", b"Host: evil.example:3000")) == 421
    assert bolt.dispatched == 0
    assert _send(port, request) == 200 and bolt.dispatched == 1


def test_slack_refuses_deep_json_with_a_400_not_a_500(slack_server):
    port, bolt = slack_server
    body = ('{"type": "event_callback", "x": ' + "[" * 100_000 + "]" * 100_000 + "}").encode()
    assert _send(port, raw_request(port, headers=signed_headers(body), body=body)) == 400
    form = b"payload=" + b"%5B" * 5000 + b"%5D" * 5000
    headers = signed_headers(form) | {"Content-Type": "application/x-www-form-urlencoded"}
    assert _send(port, raw_request(port, headers=headers, body=form)) == 400
    assert bolt.dispatched == 0


def test_slack_closes_a_connection_that_trickles_its_headers(slack_server):
    port, _ = slack_server
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    t0 = time.monotonic()
    s.settimeout(0.2)
    closed = False
    while time.monotonic() - t0 < 5 and not closed:
        try:
            s.sendall(b"X")  # one byte of a header now and then
            closed = s.recv(1) == b""
        except TimeoutError:
            continue
        except OSError:
            closed = True
    s.close()
    assert closed and time.monotonic() - t0 < 3


def test_slack_refuses_a_200_kb_header(slack_server):
    port, _ = slack_server
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n")
        s.settimeout(5)
        try:
            data = s.recv(100)
        except OSError:
            data = b""
    assert not data.startswith(b"HTTP/1.1 2") and (not data or b" 431 " in data or b" 400 " in data)


@pytest.mark.parametrize("bind", ["127.0.0.1", "0.0.0.0"])
def test_mcp_http_refuses_a_rebound_request(bind):
    from advisor.mcp_server import build_server, http_app

    app = http_app(build_server(), bind)
    hello = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
             "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}
    accept = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        r = client.post("/mcp", json=hello, headers=accept | EVIL)
        assert r.status_code == 421
        ok = client.post("/mcp", json=hello, headers=accept | {"Host": "127.0.0.1:8000"})
        assert ok.status_code == 200
