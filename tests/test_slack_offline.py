"""`gpu-advisor slack --offline`: starts without reaching Slack (issue 26: HTTP mode ended in "internal error:
URLError" because the token was checked with Slack at start-up) and answers a signed event, printing the reply;
`slack --help` lists the settings each mode needs."""

import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from advisor.config import Settings
from advisor.slack import check_settings
from tests.fakes import free_port
from tests.test_slack import event

ROOT = Path(__file__).resolve().parents[1]
SECRET = "local-test-secret"


def test_help_lists_the_settings_of_each_mode():
    out = subprocess.run([sys.executable, "-m", "advisor.cli", "slack", "--help"], capture_output=True, text=True,
                         timeout=60).stdout
    for needed in ("Socket Mode", "SLACK_APP_TOKEN", "HTTP mode", "SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN",
                   "--offline", "SLACK_OFFLINE=1", "SLACK_DEDUP_REDIS_URL"):
        assert needed in out, needed


def test_offline_needs_only_the_signing_secret():
    assert check_settings(Settings(slack_signing_secret="s"), offline=True) == "offline"
    try:
        check_settings(Settings(), offline=True)
    except Exception as exc:  # noqa: BLE001
        assert "SLACK_SIGNING_SECRET" in str(exc)
    else:
        raise AssertionError("offline mode without a signing secret must say what to set")


def _signed(payload: dict, url: str) -> int:
    body = json.dumps(payload).encode()
    ts = int(time.time())
    sig = "v0=" + hmac.new(SECRET.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    req = urllib.request.Request(url, body, {"Content-Type": "application/json", "X-Slack-Request-Timestamp": str(ts),
                                             "X-Slack-Signature": sig})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status


def test_the_bot_starts_offline_and_prints_its_answer(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_", "CHROMA_"))}
    env |= {"SLACK_SIGNING_SECRET": SECRET, "ADVISOR_DATA_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1",
            "HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"}  # any call out would fail
    proc = subprocess.Popen([sys.executable, "-m", "advisor.cli", "slack", "--offline", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    try:
        deadline = time.time() + 120
        while not any("listening" in x for x in lines):
            line = proc.stdout.readline()
            assert line or proc.poll() is None, "".join(lines)
            lines.append(line)
            assert time.time() < deadline, "".join(lines)
        assert "offline" in lines[-1]
        url = f"http://127.0.0.1:{port}/slack/events"
        for _ in range(100):  # "listening" is printed just before the server binds
            try:
                status = _signed(event("<@UBOT> Can I fine-tune Llama 2 13B with QLoRA on one 4090?",
                                       event_id="EvOff"), url)
                break
            except OSError:
                time.sleep(0.2)
        assert status == 200
        while not any("11.2 GiB" in x or "11.15" in x for x in lines):
            line = proc.stdout.readline()
            assert line and time.time() < deadline, "".join(lines)
            lines.append(line)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    text = "".join(lines)
    assert "[offline reply to C1, thread 100.1]" in text and "internal error" not in text and "URLError" not in text
