"""A minimal client for the chat app's own queue protocol (what the browser does), for load tests.

`chat_turn` sends one message as a browser session would (POST /gradio_api/queue/join, then read
the session's event stream) and returns the conversation the server sends back, with timings.
Loopback only: every function refuses a non-loopback URL.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

API = "/gradio_api"


@dataclass
class Turn:
    chat: list  # the conversation after the turn (role/content dicts, content as text)
    raw: list  # the same as the server sent it (what the page sends back with the next message)
    seconds_to_text: float  # until the answer text had streamed in full
    seconds_total: float  # until the event completed (the "show work" panel and chart included)
    ok: bool
    error: str = ""

    @property
    def answer(self) -> str:
        return self.chat[-1]["content"] if self.chat and self.chat[-1]["role"] == "assistant" else ""


def loopback(url: str) -> str:
    host = urlsplit(url).hostname or ""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"refusing to send load to {host!r}: loopback only")
    return url.rstrip("/")


def new_session() -> str:
    return uuid.uuid4().hex[:12]


@dataclass
class ChatFns:
    """The chat box's events: take the message (no queue), stream the answer, show the work."""

    take: int
    trigger: int
    stream: int
    finish: int


async def chat_fn_index(client: httpx.AsyncClient, base: str) -> ChatFns:
    """The steps chained after the chat box's submit event, from the app's config."""
    config = (await client.get(f"{base}/config")).json()
    box = {c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == "question"}
    deps = config["dependencies"]
    after = {d.get("trigger_after"): d["id"] for d in deps if d.get("trigger_after") is not None}
    for dep in deps:
        for target, event in dep.get("targets", []):
            if target in box and event == "submit":  # moves the message out of the box, in the browser
                take = after[dep["id"]]
                stream = after[take]
                return ChatFns(take, target, stream, after[stream])
    raise RuntimeError("the chat app's submit event was not found in /config")


def _text(content) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(_text(p) for p in content)
    if isinstance(content, dict):
        return str(content.get("text") or "")
    return ""


def _apply(value, diff):
    from gradio_client.utils import apply_diff

    if isinstance(diff, dict) and diff.get("__type__") == "update":  # "leave it as it is"
        return value
    return apply_diff(value, diff) if isinstance(diff, list) and diff and isinstance(diff[0], list) \
        and diff[0] and diff[0][0] in ("replace", "append", "add", "delete") else diff


async def _queued(client: httpx.AsyncClient, base: str, session: str, fn: int, data: list, timeout_s: float,
                  on_output=None) -> tuple[bool, str]:
    """Run one queued event and read its stream to the end: (success, error)."""
    payload = {"data": data, "event_data": None, "fn_index": fn, "trigger_id": None, "session_hash": session}
    joined = await client.post(f"{base}{API}/queue/join", json=payload, timeout=timeout_s)
    if joined.status_code != 200:
        return False, f"join {joined.status_code}"
    event_id = joined.json()["event_id"]
    async with client.stream("GET", f"{base}{API}/queue/data", params={"session_hash": session},
                             timeout=timeout_s) as stream:
        async for line in stream.aiter_lines():
            if not line.startswith("data:"):
                continue
            msg = json.loads(line[5:])
            if msg.get("event_id") not in (None, event_id):
                continue
            kind = msg.get("msg")
            if kind in ("process_generating", "process_completed"):
                output = msg.get("output") or {}
                if kind == "process_completed" and not msg.get("success", True):
                    return False, str(output)[:200]
                if on_output is not None:
                    on_output(output.get("data") or [])
            if kind == "process_completed":
                return True, ""
    return False, "the stream ended early"


async def chat_turn(client: httpx.AsyncClient, base: str, fns: ChatFns, session: str, message: str,
                    history: list, timeout_s: float = 60.0, sent_log: str | None = None) -> Turn:
    """One message as the page sends it: take (no queue), then stream the answer, then the work.
    `sent_log`: the page's log of sent messages as sent (default: this message alone)."""
    start = time.perf_counter()
    chat = history
    log = sent_log if sent_log is not None else json.dumps([[time.monotonic_ns() // 1000, message]])
    try:
        took = await client.post(f"{base}{API}/run/predict", timeout=timeout_s, json={
            "data": [log, history], "fn_index": fns.take, "trigger_id": fns.trigger, "session_hash": session,
            "event_data": None})
        if took.status_code != 200:
            return Turn([], history, 0, time.perf_counter() - start, False, f"take {took.status_code}")

        def on_chat(data: list) -> None:
            nonlocal chat
            if data and data[0] is not None:
                chat = _apply(chat, data[0])

        ok, error = await _queued(client, base, session, fns.stream, [history, "(none)", 1, "(auto)", 0],
                                  timeout_s, on_chat)
        text_done = time.perf_counter() - start
        if ok:
            ok, error = await _queued(client, base, session, fns.finish, [], timeout_s)
        total = time.perf_counter() - start
        shown = [{"role": m["role"], "content": _text(m.get("content"))} for m in (chat or [])]
        return Turn(shown, chat or [], text_done, total, ok, error)
    except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:  # a diff we could not follow too
        return Turn([], history, 0, time.perf_counter() - start, False, f"{type(exc).__name__}: {exc}"[:200])
