"""What the chat app (app.py) needs to stay responsive under load and hostile input.

- `answer_with_time_limit`: answers run on worker threads (never on the server's event loop) and a
  request that runs past its time limit gets a short reply instead of holding its user forever.
- `sessions`: per-session state (the conversation as shown, questions queued while an answer
  streams), bounded in count and expiring after an hour idle, so memory levels off.
- `guard_middleware`: uploads refused (the app takes no files), cross-origin writes refused, request
  bodies limited - any web page a user visits could otherwise post to a local app.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections import OrderedDict, deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .answer import Answer
from .config import redact_text

log = logging.getLogger("gpu-advisor.app")

MAX_SHOWN_MESSAGES = 60  # per session: the last 30 exchanges are kept and shown


def _env_number(name: str, default: float, low: float, high: float) -> float:
    try:
        return min(max(float(os.environ.get(name) or default), low), high)
    except ValueError:
        log.warning("%s is not a number; using %g", name, default)
        return default


MAX_SESSIONS = int(_env_number("ADVISOR_MAX_SESSIONS", 1000, 10, 100_000))
SESSION_TTL_S = _env_number("ADVISOR_SESSION_TTL_S", 3600.0, 60.0, 7 * 86400.0)
MAX_BODY_BYTES = 4 * 1024 * 1024  # a question plus 60 bounded messages is well under 1 MiB

_POOL = ThreadPoolExecutor(max_workers=16, thread_name_prefix="answer")


def time_limit_s(advisor) -> float:
    """The advisor's own limit (ADVISOR_ANSWER_LIMIT_S; advisor.core.Advisor.time_limit_s): one for every front end."""
    own = getattr(advisor, "time_limit_s", None)
    return min(max(own() if callable(own) else 20.0, 1.0), 3600.0)


def answer_with_time_limit(advisor, question: str, history: list, defaults: dict) -> Answer | None:
    """The advisor's Answer, computed on a worker thread; a short "took too long" Answer past the time
    limit; None (and one log line) if answering failed."""
    limit = time_limit_s(advisor)
    future = _POOL.submit(advisor.ask, question, history, defaults=defaults)
    try:
        return future.result(timeout=limit)
    except TimeoutError:
        log.warning("An answer took over %.0f s and was abandoned (question of %d characters).", limit,
                    len(question))
        return Answer(text=f"That took too long to answer (over {limit:.0f} s). Try a shorter question, or ask "
                      "about one model and one GPU.", engine=advisor.engine_name)
    except Exception as exc:  # noqa: BLE001 - the page never shows a traceback; the log gets one line
        log.error("Answering failed: %s: %s", type(exc).__name__, redact_text(str(exc))[:300],
                  exc_info=log.isEnabledFor(logging.DEBUG))
        return None


def stream_with_time_limit(advisor, question: str, history: list, defaults: dict):
    """advisor.ask_stream's events ("text", "reset", "tool", then "answer"), produced on a worker thread;
    past the time limit a last "answer" event with a short "took too long" Answer (the worker stops at
    its next event); if answering fails, a last "answer" event with answer=None (and one log line)."""
    import queue

    from .llm import StreamEvent

    limit = time_limit_s(advisor)
    events: queue.Queue = queue.Queue()
    stop = threading.Event()

    def produce() -> None:
        stream = advisor.ask_stream(question, history, defaults=defaults)
        try:
            for event in stream:
                if stop.is_set():
                    break
                events.put(event)
        except Exception as exc:  # noqa: BLE001 - the page never shows a traceback; the log gets one line
            log.error("Answering failed: %s: %s", type(exc).__name__, redact_text(str(exc))[:300],
                      exc_info=log.isEnabledFor(logging.DEBUG))
            events.put(StreamEvent("answer", answer=None))
        finally:
            stream.close()
            events.put(None)  # done

    _POOL.submit(produce)
    deadline = time.monotonic() + limit
    try:
        while True:
            try:
                event = events.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                log.warning("An answer took over %.0f s and was abandoned (question of %d characters).", limit,
                            len(question))
                yield StreamEvent("answer", answer=Answer(
                    text=f"That took too long to answer (over {limit:.0f} s). Try a shorter question, or ask "
                    "about one model and one GPU.", engine=advisor.engine_name))
                return
            if event is None:
                return
            yield event
            if event.kind == "answer":
                return
    finally:
        stop.set()  # the page went away, the time ran out, or the answer is in: the worker stops


@dataclass(eq=False)
class Session:
    """One browser session: the conversation as shown and the questions waiting for an answer."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    history: list | None = None  # None until the first message (then seeded from the page's view)
    pending: deque = field(default_factory=deque)
    busy: bool = False
    last_answer: Answer | None = None  # for the chart, drawn when "show work" opens
    last_sent: int = 0  # the number of the last message taken from the page's sent-message log
    work_open: bool = False

    def append(self, message: dict) -> None:
        """Add a message (call with the lock held); the oldest go beyond MAX_SHOWN_MESSAGES."""
        self.history.append(message)
        del self.history[:-MAX_SHOWN_MESSAGES]

    def view(self, streaming: dict | None = None) -> list[dict]:
        """The chat to show: the conversation, the answer streaming now, then the queued questions."""
        with self.lock:
            chat = list(self.history or [])
            queued = [{"role": "user", "content": q} for q in self.pending]
        return chat + ([streaming] if streaming else []) + queued


class SessionStore:
    """Sessions by id, at most `max_sessions` (least recently used go first), each dropped after
    `ttl_s` idle. A session that goes is only forgotten server-side: its page still shows the chat
    and sends it with the next message."""

    def __init__(self, max_sessions: int = MAX_SESSIONS, ttl_s: float = SESSION_TTL_S) -> None:
        self.max_sessions, self.ttl_s = max_sessions, ttl_s
        self._items: OrderedDict[str, tuple[float, Session]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str | None) -> Session:
        if not key:
            return Session()  # no session id (a direct call): nothing to keep
        now = time.monotonic()
        with self._lock:
            while self._items and next(iter(self._items.values()))[0] < now - self.ttl_s:
                self._items.popitem(last=False)
            item = self._items.pop(key, None)
            session = item[1] if item else Session()
            self._items[key] = (now, session)
            while len(self._items) > self.max_sessions:
                self._items.popitem(last=False)
            return session

    def __len__(self) -> int:
        return len(self._items)


sessions = SessionStore()

_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class RequestGuard:
    """ASGI middleware in front of Gradio: refuses uploads, cross-origin writes and big bodies."""

    def __init__(self, app, max_body_bytes: int = MAX_BODY_BYTES, allowed_origins: tuple[str, ...] = ()) -> None:
        self.app, self.max_body_bytes = app, max_body_bytes
        extra = os.environ.get("ADVISOR_ALLOWED_ORIGINS", "")
        self.allowed = {_netloc(o) for o in (*allowed_origins, *extra.split(",")) if o.strip()}

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, method = scope.get("path", ""), scope.get("method", "GET")
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or []}
        if path.rstrip("/").endswith("/upload"):
            await _refuse(send, 403, "Uploads are turned off: this app takes no files.")
            return
        origin = headers.get("origin")
        if method not in _SAFE_METHODS and origin is not None and not self._same_origin(origin, headers):
            log.warning("Refused a %s %s from another origin (%s).", method, path[:80], redact_text(origin)[:80])
            await _refuse(send, 403, "Cross-origin requests are refused (set ADVISOR_ALLOWED_ORIGINS to allow "
                          "a front end on another address).")
            return
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body_bytes):
            await _refuse(send, 413, f"Request too large (limit {self.max_body_bytes // 1024} KiB).")
            return
        await self.app(scope, self._limited(receive), send)

    def _same_origin(self, origin: str, headers: dict) -> bool:
        netloc = _netloc(origin)
        return bool(netloc) and (netloc == headers.get("host", "").lower() or netloc in self.allowed)

    def _limited(self, receive):
        """A body sent without Content-Length (chunked) is cut off at the limit."""
        seen = 0

        async def wrapped():
            nonlocal seen
            message = await receive()
            if message.get("type") == "http.request":
                seen += len(message.get("body") or b"")
                if seen > self.max_body_bytes:
                    return {"type": "http.disconnect"}
            return message

        return wrapped


def _netloc(origin: str) -> str:
    try:
        return urlsplit(origin.strip()).netloc.lower()
    except ValueError:
        return ""


async def _refuse(send, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def guard_middleware():
    """The guard as a Starlette Middleware entry (Gradio passes app_kwargs to its FastAPI app)."""
    from starlette.middleware import Middleware

    return Middleware(RequestGuard)
