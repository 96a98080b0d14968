"""The Slack bot: the advisor in a team's Slack, with Bolt. Run: gpu-advisor slack (or python -m advisor.slack).

Socket Mode when SLACK_APP_TOKEN is set, else an HTTP app (SLACK_SIGNING_SECRET; uvicorn behind the signature
gate in advisor/slack_http.py, on --host/--port); SLACK_BOT_TOKEN always. Answers app mentions and direct
messages in a thread, with the thread as conversation history. Bolt acknowledges each event at once and the
answer is posted from a worker thread (Slack's 3 s limit); retried deliveries (X-Slack-Retry-Num) of an event
already handled are not answered twice - per process in memory, or across processes and restarts with a Redis
store (SLACK_DEDUP_REDIS_URL); the bot ignores its own and other bots' messages; failures get a short reply and
a logged detail."""

from __future__ import annotations

import logging
import re
import sys
import threading
import uuid
from collections import OrderedDict

from .config import redact_url
from .slack_format import blocks_for, fallback_text

log = logging.getLogger("gpu-advisor.slack")
DEDUP_TTL_S = 3600  # Slack retries a delivery 3 times: at once, after 1 and after 5 minutes; keep ids well past
_MENTION = re.compile(r"<@[A-Z0-9]+>")

WHERE = {
    "SLACK_BOT_TOKEN": "the Bot User OAuth Token (xoxb-...): your app's page at api.slack.com/apps -> OAuth & "
                       "Permissions, after installing the app to the workspace",
    "SLACK_APP_TOKEN": "an app-level token (xapp-..., scope connections:write) for Socket Mode: Basic Information "
                       "-> App-Level Tokens",
    "SLACK_SIGNING_SECRET": "the Signing Secret for HTTP mode: Basic Information -> App Credentials",
}


class SlackSettingsError(RuntimeError):
    pass


class SeenEvents:
    """Event ids already taken on (bounded), so a retried delivery is not answered twice."""

    def __init__(self, size: int = 5000) -> None:
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def first_time(self, event_id: str | None) -> bool:
        if not event_id:
            return True
        with self._lock:
            if event_id in self._ids:
                return False
            self._ids[event_id] = None
            while len(self._ids) > self._size:
                self._ids.popitem(last=False)
            return True


class RedisSeenEvents:
    """Event ids shared by every bot process through Redis (SET NX with an expiry), so each event is answered
    once across replicas and after a restart. If Redis fails mid-run the event is answered (twice is better
    than never) and one line is logged."""

    PREFIX = "gpu-advisor:slack:event:"

    def __init__(self, client, ttl_s: int = DEDUP_TTL_S) -> None:
        self._redis, self._ttl_s = client, ttl_s

    @classmethod
    def from_url(cls, url: str, ttl_s: int = DEDUP_TTL_S) -> RedisSeenEvents:
        try:
            import redis
        except ImportError:
            raise SlackSettingsError("SLACK_DEDUP_REDIS_URL needs the Redis client: pip install 'redis>=5' "
                                     "(or unset SLACK_DEDUP_REDIS_URL for per-process de-duplication)") from None
        return cls(redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2), ttl_s)

    def check(self, url: str) -> None:
        """SlackSettingsError with the (redacted) URL when the store cannot be reached."""
        try:
            self._redis.ping()
        except Exception as exc:  # noqa: BLE001 - any client error means "cannot use it"
            raise SlackSettingsError(f"cannot reach the de-duplication store SLACK_DEDUP_REDIS_URL="
                                     f"{redact_url(url)} ({type(exc).__name__}): start Redis there or unset "
                                     "the variable") from None

    def first_time(self, event_id: str | None) -> bool:
        if not event_id:
            return True
        try:
            return bool(self._redis.set(self.PREFIX + event_id, "1", nx=True, ex=self._ttl_s))
        except Exception as exc:  # noqa: BLE001
            log.warning("de-duplication store unavailable (%s); answering %s anyway", type(exc).__name__,
                        event_id)
            return True


def seen_events(settings):
    """The de-duplication store the settings ask for: Redis when SLACK_DEDUP_REDIS_URL is set, else memory."""
    url = getattr(settings, "slack_dedup_redis_url", None)
    return RedisSeenEvents.from_url(url) if url else SeenEvents()


def check_settings(settings, offline: bool = False) -> str:
    """'socket', 'http' or 'offline', or a SlackSettingsError naming exactly what to set and where to find it."""
    if offline:
        if not settings.slack_signing_secret:
            raise SlackSettingsError("Offline mode takes signed HTTP events: set SLACK_SIGNING_SECRET (any value for "
                                     "local testing; sign your test requests with it).")
        return "offline"
    if not settings.slack_bot_token:
        raise SlackSettingsError(f"Set SLACK_BOT_TOKEN to {WHERE['SLACK_BOT_TOKEN']}.")
    if settings.slack_app_token:
        return "socket"
    if settings.slack_signing_secret:
        return "http"
    raise SlackSettingsError(f"Set SLACK_APP_TOKEN to {WHERE['SLACK_APP_TOKEN']}, or for an HTTP app set "
                             f"SLACK_SIGNING_SECRET to {WHERE['SLACK_SIGNING_SECRET']}.")


def _thread_history(client, channel: str, thread_ts: str, current_ts: str, bot_user: str | None) -> list[dict]:
    """Earlier messages of the thread as conversation history (user / assistant)."""
    try:
        resp = client.conversations_replies(channel=channel, ts=thread_ts, limit=50)
    except Exception as exc:  # noqa: BLE001 - answer without history rather than not at all
        log.warning("could not read thread %s: %s", thread_ts, exc)
        return []
    history = []
    for m in resp.get("messages", []):
        if m.get("ts") == current_ts:
            continue
        text = _MENTION.sub("", m.get("text") or "").strip()
        if not text:
            continue
        is_bot = bool(m.get("bot_id")) or (bot_user and m.get("user") == bot_user)
        history.append({"role": "assistant" if is_bot else "user", "content": text})
    return history


class OfflineClient:
    """Stands in for the Slack Web API in offline mode: reads no thread, writes each reply to the log."""

    def conversations_replies(self, **_kwargs) -> dict:
        return {"messages": []}

    def chat_postMessage(self, channel: str, text: str = "", thread_ts: str | None = None, **_kwargs) -> dict:  # noqa: N802
        print(f"[offline reply to {channel}, thread {thread_ts}]\n{text}", flush=True)
        return {"ok": True}


def _offline_authorize(enterprise_id, team_id, user_id):
    from slack_bolt.authorization import AuthorizeResult

    return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, user_id=user_id, bot_token="xoxb-offline",
                           bot_id="BOFFLINE", bot_user_id="UOFFLINE")


def build_app(advisor=None, settings=None, client=None, token_verification: bool = True, seen=None,
              offline: bool = False):
    """The Bolt app (not started). `client` lets tests point the Web API at a local fake; `seen` is the
    de-duplication store (default: from the settings); offline: nothing reaches Slack (OfflineClient)."""
    from slack_bolt import App

    from .config import Settings
    from .core import Advisor

    settings = settings or Settings()
    advisor = advisor or Advisor()
    seen = seen if seen is not None else seen_events(settings)
    kwargs = {"token": settings.slack_bot_token, "signing_secret": settings.slack_signing_secret or "unused",
              "token_verification_enabled": token_verification}
    offline_client = OfflineClient() if offline else None
    if offline:  # Bolt checks a token with auth.test (at start and on the first event); an authorize hook does not
        del kwargs["token"], kwargs["token_verification_enabled"]
        kwargs["authorize"] = _offline_authorize
    if client is not None:
        kwargs["client"] = client
    app = App(**kwargs)

    def handle(event: dict, client, context, body: dict) -> None:
        client = offline_client or client
        if event.get("bot_id") or event.get("subtype") in ("bot_message", "message_changed", "message_deleted"):
            return  # own and other bots' messages
        if not seen.first_time(body.get("event_id")):
            log.info("ignoring repeated delivery of %s", body.get("event_id"))
            return
        channel, ts = event["channel"], event["ts"]
        thread_ts = event.get("thread_ts") or ts
        question = _MENTION.sub("", event.get("text") or "").strip()
        history = _thread_history(client, channel, thread_ts, ts, context.get("bot_user_id")) \
            if event.get("thread_ts") else []
        try:
            answer = advisor.ask(question, history)
            for i, blocks in enumerate(blocks_for(answer)):
                client.chat_postMessage(channel=channel, thread_ts=thread_ts, blocks=blocks,
                                        text=fallback_text(answer) if i == 0 else "(continued)")
        except Exception:  # noqa: BLE001 - a friendly reply in the channel, the detail in the log
            ref = uuid.uuid4().hex[:8]
            log.exception("could not answer (ref %s)", ref)
            try:
                client.chat_postMessage(channel=channel, thread_ts=thread_ts,
                                        text=f"Sorry, I couldn't answer that one (ref {ref}). Try rephrasing, or "
                                             "ask about one model and one GPU.")
            except Exception:  # noqa: BLE001
                log.exception("could not post the error reply (ref %s)", ref)

    @app.event("app_mention")
    def on_mention(event, client, context, body):
        handle(event, client, context, body)

    @app.event("message")
    def on_message(event, client, context, body):
        if event.get("channel_type") == "im":  # direct messages; channel messages arrive as app_mention
            handle(event, client, context, body)

    return app


def main(argv: list[str] | None = None) -> int:
    import argparse

    from .config import Settings
    from .slack_help import SETTINGS_HELP

    ap = argparse.ArgumentParser(prog="gpu-advisor slack", description="Run the Slack bot", epilog=SETTINGS_HELP,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", default="127.0.0.1",
                    help="HTTP mode interface (default 127.0.0.1; 0.0.0.0 only behind a TLS proxy)")
    ap.add_argument("--port", type=int, default=3000, help="HTTP mode port (default 3000)")
    ap.add_argument("--offline", action="store_true", help="local testing: start without reaching Slack")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    settings = Settings()
    offline = args.offline or settings.slack_offline
    try:
        mode = check_settings(settings, offline=offline)
        seen = seen_events(settings)
        if isinstance(seen, RedisSeenEvents):
            seen.check(settings.slack_dedup_redis_url)
    except SlackSettingsError as exc:
        print(f"gpu-advisor slack: {exc}", file=sys.stderr)
        return 2
    from knowledge import build_index

    build_index()
    app = build_app(settings=settings, seen=seen, offline=offline)
    if mode == "socket":
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        print("Slack bot running in Socket Mode", flush=True)
        SocketModeHandler(app, settings.slack_app_token).start()
    else:
        from .slack_http import EVENTS_PATH, SlackGate, make_server

        print(f"Slack bot listening on http://{args.host}:{args.port}{EVENTS_PATH}"
              + (" (offline: nothing reaches Slack; replies are printed here)" if offline else ""), flush=True)
        make_server(SlackGate(app, settings.slack_signing_secret), host=args.host, port=args.port).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
