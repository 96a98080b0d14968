"""The Slack bot over real HTTP: signed requests (computed with the test secret) to the Bolt app, and
slack_sdk's WebClient pointed at a fake Slack Web API on loopback that records chat.postMessage."""

import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from slack_sdk import WebClient

from advisor.answer import Answer
from advisor.config import Settings
from advisor.core import Advisor
from advisor.slack import SlackSettingsError, build_app, check_settings
from advisor.slack_format import SECTION_LIMIT, blocks_for, split_text, to_mrkdwn
from advisor.slack_http import SlackGate, make_server
from tests.fakes import free_port

SECRET = "test-signing-secret"


class FakeSlack:
    """Records Web API calls; serves auth.test and conversations.replies."""

    def __init__(self):
        self.posts: list[dict] = []
        self.threads: dict[str, list[dict]] = {}
        fake = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                ctype = self.headers.get("Content-Type", "")
                data = json.loads(raw) if "json" in ctype else {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}
                method = self.path.rsplit("/", 1)[-1]
                if method == "auth.test":
                    out = {"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1", "user": "gpu-advisor"}
                elif method == "chat.postMessage":
                    if isinstance(data.get("blocks"), str):
                        data["blocks"] = json.loads(data["blocks"])
                    fake.posts.append(data)
                    out = {"ok": True, "ts": f"{time.time():.6f}", "channel": data.get("channel")}
                elif method == "conversations.replies":
                    out = {"ok": True, "messages": fake.threads.get(data.get("ts"), [])}
                else:
                    out = {"ok": False, "error": "unknown_method"}
                body = json.dumps(out).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/api/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_posts(self, n: int, timeout: float = 30.0) -> list[dict]:
        deadline = time.time() + timeout
        while len(self.posts) < n and time.time() < deadline:
            time.sleep(0.05)
        return self.posts



class BotServer:
    """The bot as `gpu-advisor slack` runs it in HTTP mode: the signature gate under uvicorn on loopback."""

    def __init__(self, advisor, seen=None, slack=None, **gate_kwargs):
        self.slack = slack or FakeSlack()
        settings = Settings(slack_bot_token="xoxb-test", slack_signing_secret=SECRET)
        client = WebClient(token="xoxb-test", base_url=self.slack.base_url)
        self.app = build_app(advisor=advisor, settings=settings, client=client, seen=seen)
        self.port = free_port()
        self.server = make_server(SlackGate(self.app, SECRET, **gate_kwargs), host="127.0.0.1", port=self.port)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.port}/slack/events"
        for _ in range(200):
            if self.server.started:
                break
            time.sleep(0.05)

    def stop(self):
        self.server.should_exit = True
        self.thread.join(timeout=10)

    def send(self, payload: dict, secret: str = SECRET, ts: int | None = None, retry: int | None = None):
        body = json.dumps(payload).encode()
        ts = ts or int(time.time())
        sig = "v0=" + hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
        headers = {"Content-Type": "application/json", "X-Slack-Request-Timestamp": str(ts),
                   "X-Slack-Signature": sig}
        if retry is not None:
            headers.update({"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"})
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(urllib.request.Request(self.url, body, headers), timeout=10) as r:
                return r.status, time.perf_counter() - start
        except urllib.error.HTTPError as e:
            return e.code, time.perf_counter() - start


def event(text, event_id="Ev1", ts="100.1", thread_ts=None, channel="C1", kind="app_mention", **extra):
    ev = {"type": kind, "user": "U1", "text": text, "ts": ts, "channel": channel, "event_ts": ts, **extra}
    if thread_ts:
        ev["thread_ts"] = thread_ts
    return {"token": "x", "team_id": "T1", "api_app_id": "A1", "event": ev, "type": "event_callback",
            "event_id": event_id, "event_time": int(time.time()),
            "authorizations": [{"team_id": "T1", "user_id": "UBOT", "is_bot": True}]}


@pytest.fixture(scope="module")
def bot():
    server = BotServer(Advisor(engine="offline"))
    yield server
    server.stop()


def _text(post: dict) -> str:
    return post.get("text", "") + json.dumps(post.get("blocks", []), ensure_ascii=False)


def test_mention_is_answered_in_a_thread_with_blocks(bot):
    n = len(bot.slack.posts)
    status, seconds = bot.send(event("<@UBOT> Can I fine-tune 13B with LoRA on one 4090?", event_id="EvM"))
    assert status == 200 and seconds < 3
    post = bot.slack.wait_posts(n + 1)[n]
    assert post["channel"] == "C1" and post["thread_ts"] == "100.1"
    blocks = post["blocks"]
    assert blocks[0]["text"]["text"].startswith("*No*")  # verdict first, in mrkdwn
    fields = " ".join(f["text"] for b in blocks if "fields" in b for f in b["fields"])
    assert "Needs per GPU" in fields and "GiB" in fields
    assert "Show work" in _text(post) and "check_fit" in _text(post)


def test_direct_message_is_answered(bot):
    n = len(bot.slack.posts)
    bot.send(event("How much memory does Llama 3.1 8B need at 8k context?", event_id="EvDM", ts="200.1",
                   channel="D1", kind="message", channel_type="im"))
    post = bot.slack.wait_posts(n + 1)[n]
    assert post["channel"] == "D1" and "GiB" in _text(post)


def test_thread_follow_up_uses_the_thread_as_history(bot):
    bot.slack.threads["300.1"] = [
        {"ts": "300.1", "user": "U1", "text": "<@UBOT> Can I fine-tune 13B with LoRA on one 4090?"},
        {"ts": "300.2", "bot_id": "BBOT", "user": "UBOT", "text": "No. LoRA needs 43.1 GiB per GPU."},
        {"ts": "300.3", "user": "U1", "text": "<@UBOT> what about two of them?"},
    ]
    n = len(bot.slack.posts)
    bot.send(event("<@UBOT> what about two of them?", event_id="EvT", ts="300.3", thread_ts="300.1"))
    post = bot.slack.wait_posts(n + 1)[n]
    assert post["thread_ts"] == "300.1" and "2x NVIDIA GeForce RTX 4090" in _text(post)


def test_a_retried_event_is_not_answered_twice(bot):
    n = len(bot.slack.posts)
    payload = event("<@UBOT> How fast is Llama 3 8B Q4_K_M on an RTX 4090?", event_id="EvR", ts="400.1")
    assert bot.send(payload)[0] == 200
    bot.slack.wait_posts(n + 1)
    assert bot.send(payload, retry=1)[0] == 200
    time.sleep(1.0)
    assert len(bot.slack.posts) == n + 1


def test_bad_or_stale_signatures_are_rejected(bot):
    n = len(bot.slack.posts)
    assert bot.send(event("<@UBOT> hi", event_id="EvBad"), secret="wrong-secret")[0] == 401
    assert bot.send(event("<@UBOT> hi", event_id="EvOld"), ts=int(time.time()) - 3600)[0] == 401
    time.sleep(0.5)
    assert len(bot.slack.posts) == n


def test_bot_messages_are_ignored(bot):
    n = len(bot.slack.posts)
    bot.send(event("<@UBOT> Can I run Llama 3.1 8B on an RTX 4090?", event_id="EvBot", bot_id="B999"))
    bot.send(event("echo", event_id="EvBot2", kind="message", channel_type="im", channel="D2", bot_id="BBOT",
                   subtype="bot_message"))
    time.sleep(1.0)
    assert len(bot.slack.posts) == n


def test_an_advisor_error_gets_a_short_friendly_reply_and_acks_fast():
    class Broken:
        def ask(self, *a, **k):
            time.sleep(3.5)  # slower than Slack's 3 s limit: the ack must not wait for it
            raise RuntimeError("secret internal detail")

    server = BotServer(Broken())
    status, seconds = server.send(event("<@UBOT> anything", event_id="EvErr"))
    assert status == 200 and seconds < 3
    post = server.slack.wait_posts(1, timeout=30)[0]
    server.stop()
    assert "Sorry, I couldn't answer" in post["text"] and "secret internal detail" not in post["text"]


def test_long_answers_are_split_within_slack_limits():
    long = Answer(text="**Yes.** " + "\n\n".join(f"paragraph {i} " + "word " * 300 for i in range(20)),
                  engine="offline")
    messages = blocks_for(long)
    for blocks in messages:
        assert len(blocks) <= 50
        for b in blocks:
            if b["type"] == "section" and "text" in b:
                assert len(b["text"]["text"]) <= 3000
    assert sum(len(b) for b in messages) > 10
    assert all(len(p) <= SECTION_LIMIT for p in split_text("x" * 10_000))
    assert to_mrkdwn("**No.** text") == "*No.* text"


def test_missing_settings_say_what_to_set_and_where():
    with pytest.raises(SlackSettingsError, match="SLACK_BOT_TOKEN.*OAuth & Permissions"):
        check_settings(Settings())
    with pytest.raises(SlackSettingsError, match="SLACK_APP_TOKEN.*App-Level Tokens.*SLACK_SIGNING_SECRET"):
        check_settings(Settings(slack_bot_token="xoxb-1"))
    assert check_settings(Settings(slack_bot_token="xoxb-1", slack_app_token="xapp-1")) == "socket"
    assert check_settings(Settings(slack_bot_token="xoxb-1", slack_signing_secret="s")) == "http"


def test_cli_without_tokens_exits_2_naming_the_variable(monkeypatch, capsys):
    from advisor.slack import main

    for var in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(var, raising=False)
    assert main([]) == 2
    err = capsys.readouterr().err
    assert "SLACK_BOT_TOKEN" in err and "OAuth & Permissions" in err and "\n" == err[-1] and err.count("\n") == 1
