"""The Slack bot's HTTP mode: a small ASGI gate in front of the Bolt app, served by uvicorn.

Bolt's own `app.start()` is a development server (one request at a time; it reads and parses the whole body
before checking the signature). Here, in order, before any byte of the body is parsed:
1. only POST on the events path (404 / 405);
2. the headers: X-Slack-Request-Timestamp must be an integer within 5 minutes of our clock, X-Slack-Signature
   must look like `v0=<64 hex>`, Content-Length (when sent) at most the body limit - else 401 / 413 at once,
   without reading the body, so an unsigned 64 MiB upload costs nothing;
3. the body is read as a stream, stopped at the limit (413) or after a time limit (408);
4. the HMAC-SHA256 signature over `v0:{timestamp}:{raw body}` (constant-time compare) - else 401;
0. (first of all) the Host header must be a name of this bot (advisor/hosts.py: loopback, --host,
   ADVISOR_ALLOWED_HOSTS - set it to the public name Slack posts to) - else 421;
5. only then is the body decoded and checked to be a Slack payload (400; JSON nested over 64 levels is
   refused before parsing), and the Bolt app dispatched on a
   worker thread (it acks at once; the answer is posted from Bolt's listener threads).
Each refusal is logged as one short line (status, reason, client, size) - never the body.
uvicorn's event loop keeps a half-sent request from holding up anyone else.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import Callable
from urllib.parse import parse_qs

log = logging.getLogger("gpu-advisor.slack")

EVENTS_PATH = "/slack/events"
BODY_LIMIT_BYTES = 1 << 20  # 1 MiB: Slack event payloads are a few KiB (a 40,000-character message ~ 100 KiB)
BODY_TIMEOUT_S = 10.0  # a client has this long to send its whole body (Slack sends it at once)
MAX_CLOCK_SKEW_S = 300  # Slack's rule: refuse requests whose timestamp is more than 5 minutes off
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


class Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


def check_headers(headers: dict[str, str], now: float, body_limit: int = BODY_LIMIT_BYTES) -> None:
    """Refused(401/413/400) unless the request could be a signed Slack delivery; reads no body."""
    length = headers.get("content-length")
    if length is not None:
        if not length.isdigit():
            raise Refused(400, "bad content-length")
        if int(length) > body_limit:
            raise Refused(413, f"body of {int(length)} bytes over the {body_limit}-byte limit")
    ts = headers.get("x-slack-request-timestamp", "")
    if not _TIMESTAMP.fullmatch(ts):
        raise Refused(401, "missing or malformed timestamp")
    if abs(now - int(ts)) > MAX_CLOCK_SKEW_S:
        raise Refused(401, "stale timestamp")
    if not _SIGNATURE.fullmatch(headers.get("x-slack-signature", "")):
        raise Refused(401, "missing or malformed signature")


def signature_ok(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    expected = "v0=" + hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body,
                                hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def check_payload(content_type: str, body: bytes) -> str:
    """The body as text if it is a Slack payload (a JSON object, or a form with fields), else Refused(400)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "body is not UTF-8") from None
    from .http_limits import MAX_JSON_DEPTH, json_depth_ok

    if "json" in content_type:
        if not json_depth_ok(text):
            raise Refused(400, f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
        try:
            ok = isinstance(json.loads(text), dict)
        except (ValueError, RecursionError):
            ok = False
        if not ok:
            raise Refused(400, "body is not a JSON object")
    else:
        form = parse_qs(text)
        if not form:
            raise Refused(400, "body is neither JSON nor a form")
        if not all(json_depth_ok(v) for values in form.values() for v in values):  # payload=<JSON>
            raise Refused(400, f"a form field's JSON is nested deeper than {MAX_JSON_DEPTH} levels")
    return text


async def read_body(receive: Callable, limit: int, timeout_s: float) -> bytes:
    """The request body, refusing (413) as soon as it passes `limit` and (408) if it takes over `timeout_s`."""
    chunks, size = [], 0
    try:
        async with asyncio.timeout(timeout_s):
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    raise Refused(499, "client went away")
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > limit:
                    raise Refused(413, f"body over the {limit}-byte limit")
                chunks.append(chunk)
                if not message.get("more_body", False):
                    return b"".join(chunks)
    except TimeoutError:
        raise Refused(408, f"body not received within {timeout_s:g} s") from None


class SlackGate:
    """ASGI app: verified Slack deliveries go to the (sync) Bolt app; everything else is refused cheaply."""

    def __init__(self, bolt_app, signing_secret: str, path: str = EVENTS_PATH, body_limit: int = BODY_LIMIT_BYTES,
                 body_timeout_s: float = BODY_TIMEOUT_S, clock: Callable[[], float] = time.time,
                 bind_host: str | None = "127.0.0.1") -> None:
        from .hosts import HostPolicy

        self.bolt_app, self.secret, self.path = bolt_app, signing_secret, path
        self.body_limit, self.body_timeout_s, self.clock = body_limit, body_timeout_s, clock
        self.hosts = HostPolicy(bind_host)  # Slack's deliveries name the public host: ADVISOR_ALLOWED_HOSTS

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        client = (scope.get("client") or ("?",))[0]
        size = 0
        try:
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
            if not self.hosts.allows(headers.get("host")):
                raise Refused(421, f"host {headers.get('host', '')[:60]!r} is not this bot's (ADVISOR_ALLOWED_HOSTS)")
            if scope["path"] != self.path:
                raise Refused(404, "unknown path")
            if scope["method"] != "POST":
                raise Refused(405, f"method {scope['method'][:10]}")
            check_headers(headers, self.clock(), self.body_limit)
            body = await read_body(receive, self.body_limit, self.body_timeout_s)
            size = len(body)
            if not signature_ok(self.secret, headers["x-slack-request-timestamp"], body,
                                headers["x-slack-signature"]):
                raise Refused(401, "bad signature")
            text = check_payload(headers.get("content-type", ""), body)
        except Refused as r:
            log.warning("slack: refused %d %s from %s (%d body bytes read)", r.status, r.reason, client, size)
            if r.status != 499:
                await _respond(send, r.status, {"error": r.reason})
            return
        from anyio import to_thread
        from slack_bolt import BoltRequest

        query = scope.get("query_string", b"").decode("latin-1")
        request = BoltRequest(body=text, query=query, headers=headers)
        try:
            response = await to_thread.run_sync(self.bolt_app.dispatch, request)
        except Exception as exc:  # noqa: BLE001 - one line in the log, a bare 500 to the client
            log.error("slack: dispatch failed for a signed request from %s: %s: %s", client, type(exc).__name__,
                      str(exc)[:200])
            await _respond(send, 500, {"error": "internal error"})
            return
        await _respond(send, response.status, response.body,
                       {k: v for k, v in response.first_headers_without_set_cookie().items()
                        if k.lower() not in ("content-length",)})


async def _respond(send, status: int, body, headers: dict[str, str] | None = None) -> None:
    if isinstance(body, dict):
        data, ctype = json.dumps(body).encode(), "application/json"
    else:
        data, ctype = (body or "").encode(), None
    out = [(k.lower().encode("latin-1"), str(v).encode("latin-1")) for k, v in (headers or {}).items()]
    if ctype and not any(k == b"content-type" for k, _ in out):
        out.append((b"content-type", ctype.encode()))
    out.append((b"content-length", str(len(data)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": out})
    await send({"type": "http.response.body", "body": data})


def make_server(gate: SlackGate, host: str = "127.0.0.1", port: int = 3000, header_timeout_s: float = 10.0):
    """A uvicorn server for the gate (call .run(); set .should_exit = True to stop it)."""
    import uvicorn

    from .http_limits import server_limits

    # headers within 10 s of connecting and at most 16 KiB; idle kept-alive connections closed after 5 s
    config = uvicorn.Config(gate, host=host, port=port, lifespan="on", access_log=False, log_level="warning",
                            server_header=False, **server_limits(header_timeout_s))
    return uvicorn.Server(config)
