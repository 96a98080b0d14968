"""What the chat app (app.py) needs to stay responsive under load and hostile input.

- `answer_with_time_limit`: answers run on worker threads (never on the server's event loop) and a
  request that runs past its time limit gets a short reply instead of holding its user forever.
- `sessions`: per-session state (the conversation as shown, questions queued while an answer
  streams), bounded in count and expiring after an hour idle, so memory levels off.
- `guard_middleware`: requests for a host name that is not this app's refused (DNS rebinding, see
  advisor/hosts.py), uploads refused (the app takes no files), cross-origin writes refused, request
  bodies limited - any web page a user visits could otherwise post to a local app.
"""

from __future__ import annotations

import contextvars
import json
import logging
import os
import re
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
MAX_PENDING_QUESTIONS = 8  # per session: questions waiting for an answer (more are refused, saying so)
MAX_SENT_ENTRIES = 8  # the page's log of sent messages keeps its last 8 (app.SEND_JS)
TOO_MANY_QUESTIONS = ("You sent more questions than I can queue ({n} are waiting for an answer); the ones after "
                      "that were not taken. Send them again once these are answered.")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Text safe to keep and send back: a lone surrogate ('\\ud800', which no JSON encoder will write)
    becomes U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


class Refusal(str):
    """A queued entry that is not a question: _drain shows it as the answer's text, answering nothing."""


def _env_number(name: str, default: float, low: float, high: float) -> float:
    try:
        return min(max(float(os.environ.get(name) or default), low), high)
    except ValueError:
        log.warning("%s is not a number; using %g", name, default)
        return default


MAX_SESSIONS = int(_env_number("ADVISOR_MAX_SESSIONS", 1000, 10, 100_000))
SESSION_TTL_S = _env_number("ADVISOR_SESSION_TTL_S", 3600.0, 60.0, 7 * 86400.0)
MAX_BODY_BYTES = 4 * 1024 * 1024  # a question plus 60 bounded messages is well under 1 MiB

# Answers run on worker pools, never on the server's event loop. The offline engine's answers are CPU
# work (milliseconds to ~0.1 s, holding the GIL): at most as many compute at once as there are cores
# (CPU_SLOTS), so the event loop always gets its turn; an answer waiting on something else (a Hub lookup,
# the guidance index while it is first built) gives its slot up meanwhile, so it never holds up others.
# An LLM's answers mostly wait on the network: no CPU limit there.
CPU_SLOTS = int(_env_number("ADVISOR_ANSWER_CPU_SLOTS", os.cpu_count() or 2, 1, 64))
OFFLINE_WORKERS = int(_env_number("ADVISOR_ANSWER_WORKERS", 32, 1, 256))
LLM_WORKERS = 16
# Admission: a question that would wait longer than this for a worker is answered at once with "busy,
# retry in N s" instead of timing out in the client (gradio_client waits 5 s for the queue to take a job).
MAX_ANSWER_WAIT_S = _env_number("ADVISOR_MAX_ANSWER_WAIT_S", 10.0, 0.5, 600.0)
MAX_WAITING_ANSWERS = int(_env_number("ADVISOR_MAX_WAITING_ANSWERS", 500, 1, 100_000))


class FairSlots:
    """At most `n` answers compute at once; when a slot frees, the waiting answer whose client used the
    least compute time lately (decaying with a 30 s half-life) goes first - so clients who keep asking
    expensive questions wait behind everyone else instead of ahead of them."""

    HALF_LIFE_S = 30.0
    MAX_CLIENTS = 10_000

    def __init__(self, n: int) -> None:
        import itertools

        self.free = n
        self._lock = threading.Lock()
        self._waiting: list = []  # heap of (usage, arrival, Event): a freed slot is handed to the head
        self._order = itertools.count()
        self._usage: dict[str, tuple[float, float]] = {}  # client -> (seconds, when)

    def usage(self, client: str) -> float:
        seconds, when = self._usage.get(client, (0.0, 0.0))
        return seconds * 0.5 ** ((time.monotonic() - when) / self.HALF_LIFE_S) if seconds else 0.0

    def acquire(self, client: str = "") -> None:
        """Take a slot, waiting in line if none is free. Each waiter sleeps on its own Event and is woken
        only when a slot is handed to it (no thundering herd fighting the event loop for the GIL)."""
        import heapq

        with self._lock:
            if self.free > 0 and not self._waiting:
                self.free -= 1
                return
            entry = (self.usage(client) if client else 0.0, next(self._order), threading.Event())
            heapq.heappush(self._waiting, entry)
        try:
            entry[2].wait()
        except BaseException:  # interrupted while waiting: leave the line (or give back the slot handed over)
            with self._lock:
                if entry in self._waiting:
                    self._waiting.remove(entry)
                    heapq.heapify(self._waiting)
                    raise
            self.release()
            raise

    def release(self) -> None:
        import heapq

        with self._lock:
            if self._waiting:
                heapq.heappop(self._waiting)[2].set()  # the slot goes straight to the next in line
            else:
                self.free += 1

    def charge(self, client: str, seconds: float) -> None:
        if not client:
            return
        with self._lock:
            self._usage[client] = (self.usage(client) + seconds, time.monotonic())
            if len(self._usage) > self.MAX_CLIENTS:  # forget the quietest half
                keep = sorted(self._usage, key=self.usage)[len(self._usage) // 2:]
                self._usage = {k: self._usage[k] for k in keep}


class AnswerPool:
    """A fixed pool of answer threads, at most `cpu_slots` of them computing at once, with admission
    control: it keeps a running mean of the compute time of an answer and refuses a question whose
    estimated wait is over MAX_ANSWER_WAIT_S (or when MAX_WAITING_ANSWERS are already waiting), saying
    when to retry."""

    def __init__(self, workers: int, name: str, typical_s: float, cpu_slots: int | None = None) -> None:
        self.workers, self.mean_s = workers, typical_s
        self.slots = cpu_slots or workers
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
        self._cpu = FairSlots(self.slots)
        self._lock = threading.Lock()
        self.pending = 0  # submitted and not finished (computing, waiting for a slot or on the Hub)

    def retry_after_s(self) -> int | None:
        """None when a new question is admitted now, else whole seconds to wait before asking again."""
        with self._lock:
            waiting = max(0, self.pending - self.slots + 1)
            wait_s = waiting * self.mean_s / self.slots
            if wait_s <= MAX_ANSWER_WAIT_S and waiting <= MAX_WAITING_ANSWERS:
                return None
            return max(1, int(wait_s - MAX_ANSWER_WAIT_S / 2 + 0.999))

    def submit(self, fn, *args, client: str | None = None, **kwargs):
        with self._lock:
            self.pending += 1

        def work():
            # in a fresh copy of the context: nothing an answer sets (a Hub budget) outlives it on this thread
            return contextvars.copy_context().run(run)

        def run():
            import contextlib

            from tools.hub import hub_client, while_waiting

            held, since = [0.0], [0.0]

            @contextlib.contextmanager
            def slot_given_up():  # around a wait for the Hub: another answer computes meanwhile
                held[0] += time.monotonic() - since[0]
                self._cpu.release()
                try:
                    yield
                finally:
                    self._cpu.acquire(who)
                    since[0] = time.monotonic()

            who = str(client or "")
            self._cpu.acquire(who)
            since[0] = time.monotonic()
            try:
                with hub_client(client), while_waiting(slot_given_up):
                    return fn(*args, **kwargs)
            finally:
                held[0] += time.monotonic() - since[0]
                self._cpu.release()
                self._cpu.charge(who, held[0])
                with self._lock:
                    self.pending -= 1
                    self.mean_s = 0.9 * self.mean_s + 0.1 * min(held[0], 60.0)

        try:
            return self._pool.submit(work)
        except RuntimeError:  # the interpreter is shutting down
            with self._lock:
                self.pending -= 1
            raise


_POOLS = {"offline": AnswerPool(OFFLINE_WORKERS, "answer", 0.05, CPU_SLOTS),
          "llm": AnswerPool(LLM_WORKERS, "answer-llm", 5.0)}


def answer_pool(advisor) -> AnswerPool:
    return _POOLS["llm" if advisor.engine_name == "llm" else "offline"]


def busy_answer(advisor, retry_after_s: int) -> Answer:
    return Answer(text=f"The advisor is busy right now: ask again in {retry_after_s} s.", engine=advisor.engine_name)


def time_limit_s(advisor) -> float:
    """The advisor's own limit (ADVISOR_ANSWER_LIMIT_S; advisor.core.Advisor.time_limit_s): one for every front end."""
    own = getattr(advisor, "time_limit_s", None)
    return min(max(own() if callable(own) else 20.0, 1.0), 3600.0)


def answer_with_time_limit(advisor, question: str, history: list, defaults: dict,
                           client: str | None = None) -> Answer | None:
    """The advisor's Answer, computed on a worker thread; a short "took too long" Answer past the time
    limit; None (and one log line) if answering failed. `client` (a session id) bounds that client's Hub
    lookups. When the workers are too far behind, raises Busy at once."""
    limit = time_limit_s(advisor)
    pool = answer_pool(advisor)
    retry = pool.retry_after_s()
    if retry is not None:
        raise Busy(retry)
    future = pool.submit(advisor.ask, question, history, defaults=defaults, client=client)
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


def stream_with_time_limit(advisor, question: str, history: list, defaults: dict, client: str | None = None):
    """advisor.ask_stream's events ("text", "reset", "tool", then "answer"), produced on a worker thread;
    past the time limit a last "answer" event with a short "took too long" Answer (the worker stops at
    its next event); if answering fails, a last "answer" event with answer=None (and one log line); when
    the workers are too far behind, at once an "answer" event saying to retry in N s."""
    import queue

    from .llm import StreamEvent

    limit = time_limit_s(advisor)
    pool = answer_pool(advisor)
    retry = pool.retry_after_s()
    if retry is not None:
        log.warning("Busy: a question was asked to retry in %d s (%d answers in progress).", retry, pool.pending)
        yield StreamEvent("answer", answer=busy_answer(advisor, retry))
        return
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

    pool.submit(produce, client=client)
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


class Busy(Exception):
    """Too many answers ahead: ask again in `retry_after_s` seconds."""

    def __init__(self, retry_after_s: int) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(f"busy, retry in {retry_after_s} s")


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
    my_model: str | None = None  # the model sized in "Size a model" (advisor/app_panels.py): the chat's default
    client: str = ""  # the session id: bounds this session's Hub lookups

    def append(self, message: dict) -> None:
        """Add a message (call with the lock held); the oldest go beyond MAX_SHOWN_MESSAGES."""
        self.history.append(message)
        del self.history[:-MAX_SHOWN_MESSAGES]

    def queue(self, question: str) -> bool:
        """Queue a question (call with the lock held); past MAX_PENDING_QUESTIONS it is refused, and one
        refusal is queued to say so. False when refused."""
        if sum(not isinstance(q, Refusal) for q in self.pending) < MAX_PENDING_QUESTIONS:
            self.pending.append(question)
            return True
        if not (self.pending and isinstance(self.pending[-1], Refusal)):
            self.pending.append(Refusal(TOO_MANY_QUESTIONS.format(n=MAX_PENDING_QUESTIONS)))
            log.warning("Refused a question: %d are already queued in that session.", MAX_PENDING_QUESTIONS)
        return False

    def view(self, streaming: dict | None = None) -> list[dict]:
        """The chat to show: the conversation, the answer streaming now, then the queued questions."""
        with self.lock:
            chat = list(self.history or [])
            queued = [{"role": "user", "content": q} for q in self.pending if not isinstance(q, Refusal)]
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
            session = item[1] if item else Session(client=key)
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

    def __init__(self, app, max_body_bytes: int = MAX_BODY_BYTES, allowed_origins: tuple[str, ...] = (),
                 bind_host: str | None = "127.0.0.1") -> None:
        from .hosts import HostPolicy

        self.app, self.max_body_bytes = app, max_body_bytes
        extra = os.environ.get("ADVISOR_ALLOWED_ORIGINS", "")
        self.allowed = {_netloc(o) for o in (*allowed_origins, *extra.split(",")) if o.strip()}
        # a front end named in ADVISOR_ALLOWED_ORIGINS is also a host this app answers to
        self.hosts = HostPolicy(bind_host, tuple(self.allowed))

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path, method = scope.get("path", ""), scope.get("method", "GET")
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or []}
        if not self.hosts.allows(headers.get("host")):  # DNS rebinding: Host and Origin both the attacker's
            log.warning("Refused a %s %s for host %r (not a name of this app).", method, path[:80],
                        headers.get("host", "")[:80])
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
            else:
                await _refuse(send, 421, self.hosts.refusal(headers.get("host")))
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
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
        started = False

        async def tracked(message) -> None:
            nonlocal started
            started = started or message.get("type") == "http.response.start"
            await send(message)

        try:
            await self.app(scope, self._limited(receive), tracked)
        except Exception as exc:  # noqa: BLE001 - bad input (an unknown fn_index...): one line, never a traceback
            log.warning("Refused a %s %s: %s: %s", method, path[:80], type(exc).__name__,
                        redact_text(str(exc))[:200])
            if not started:
                await _refuse(send, 400, "Bad request: the app could not read it.")

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


def guard_middleware(bind_host: str | None = "127.0.0.1"):
    """The guard as a Starlette Middleware entry (Gradio passes app_kwargs to its FastAPI app)."""
    from starlette.middleware import Middleware

    return Middleware(RequestGuard, bind_host=bind_host)
