"""The Slack bot's HTTP mode under hostile clients, on loopback: prints numbers.

1. An unsigned 64 MiB POST: how long until it is refused, and how much the server's memory grows.
2. A signed-looking 64 MiB chunked POST (no Content-Length): same, cut off by the streaming limit.
3. 50 stalled connections (half-sent headers and half-sent bodies) held open while 20 valid events are
   sent one after another: their acknowledgement latency.

The advisor is a stub that answers at once, and the Slack Web API a local fake: only the HTTP edge is
measured. Run: python bench/slack_http.py
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SECRET = "bench-secret"


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def signed(body: bytes) -> dict[str, str]:
    ts = str(int(time.time()))
    sig = "v0=" + hmac.new(SECRET.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig, "Content-Type": "application/json"}


def head(lines: list[str]) -> bytes:
    return ("\r\n".join(["POST /slack/events HTTP/1.1", "Host: 127.0.0.1", *lines]) + "\r\n\r\n").encode()


def send_big(port: int, headers: list[str], chunked: bool) -> tuple[float, int, str]:
    """Stream up to 64 MiB; returns (seconds to the response, bytes the client got out, status line)."""
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(head(headers))
    start, sent, block = time.perf_counter(), 0, b"x" * 65536
    s.setblocking(False)
    status = ""
    while sent < 64 << 20:
        try:
            data = s.recv(4096)
            if data:
                status = data.split(b"\r\n", 1)[0].decode()
                break
        except BlockingIOError:
            pass
        except OSError:
            break
        try:
            s.sendall(f"{len(block):x}\r\n".encode() + block + b"\r\n" if chunked else block)
            sent += len(block)
        except (BlockingIOError, OSError):
            time.sleep(0.001)
    if not status:
        s.setblocking(True)
        s.settimeout(10)
        try:
            status = s.recv(4096).split(b"\r\n", 1)[0].decode()
        except OSError as exc:
            status = f"({exc})"
    seconds = time.perf_counter() - start
    s.close()
    return seconds, sent, status


def main() -> None:
    from slack_sdk import WebClient

    from advisor.answer import Answer
    from advisor.config import Settings
    from advisor.slack import build_app
    from advisor.slack_http import SlackGate, make_server
    from tests.fakes import free_port
    from tests.test_slack import FakeSlack, event

    class Instant:
        def ask(self, question, history=None):
            return Answer(text="**Yes.** ok", engine="offline")

    slack = FakeSlack()
    app = build_app(advisor=Instant(), settings=Settings(slack_bot_token="xoxb-x", slack_signing_secret=SECRET),
                    client=WebClient(token="xoxb-x", base_url=slack.base_url))
    port = free_port()
    server = make_server(SlackGate(app, SECRET), port=port)
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)

    before = rss_mib()
    secs, sent, status = send_big(port, [f"Content-Length: {64 << 20}"], chunked=False)
    print(f"unsigned 64 MiB POST: '{status}' after {secs * 1000:.0f} ms; client got {sent / 2**20:.1f} MiB out; "
          f"server process RSS {before:.0f} -> {rss_mib():.0f} MiB")
    before = rss_mib()
    hdrs = [f"{k}: {v}" for k, v in signed(b"x").items()] + ["Transfer-Encoding: chunked"]
    secs, sent, status = send_big(port, hdrs, chunked=True)
    print(f"signed-looking 64 MiB chunked POST: '{status}' after {secs * 1000:.0f} ms; client got "
          f"{sent / 2**20:.1f} MiB out; RSS {before:.0f} -> {rss_mib():.0f} MiB")

    stalled = []
    for i in range(50):
        s = socket.create_connection(("127.0.0.1", port))
        if i % 2:
            s.sendall(b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Sla")
        else:
            body = b'{"type": "event_callback", "event_id": "x"}'
            s.sendall(head([*(f"{k}: {v}" for k, v in signed(body).items()), f"Content-Length: {len(body)}"])
                      + body[:10])
        stalled.append(s)
    import urllib.request

    latencies = []
    for i in range(20):
        body = json.dumps(event("<@UBOT> hi", event_id=f"EvBench{i}", ts=f"{900 + i}.1")).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{port}/slack/events", body, signed(body))
        start = time.perf_counter()
        with urllib.request.urlopen(req, timeout=30) as r:
            assert r.status == 200
        latencies.append(time.perf_counter() - start)
    slack.wait_posts(20, timeout=30)
    print(f"20 valid events with 50 stalled connections open: ack p50 {statistics.median(latencies) * 1000:.1f} ms, "
          f"max {max(latencies) * 1000:.1f} ms; answers posted: {len(slack.posts)}/20")
    for s in stalled:
        s.close()
    server.should_exit = True


if __name__ == "__main__":
    main()
