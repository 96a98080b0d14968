"""No phoning home: the app, the CLI and the Slack bot's start-up make no connection off this machine
unless a person configured one. Each runs in a fresh process under tests/outbound_guard.py, which
refuses and logs every DNS lookup or connection to a non-loopback host; with the library defaults
(Gradio analytics, Chroma telemetry, Hugging Face Hub) left as the user's environment would have them."""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.fakes import free_port

ROOT = Path(__file__).resolve().parents[1]
# what a user's shell could have set to hide a call home; the test checks the app's own defaults
_MASKS = ("OPENAI_", "CHROMA_", "HF_", "GRADIO_", "ANONYMIZED_TELEMETRY", "DO_NOT_TRACK", "SLACK_", "ADVISOR_",
          "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    """One guidance index for the module: the first test builds it (model load, Chroma), the others
    open it."""
    return tmp_path_factory.mktemp("outbound-data")


@pytest.fixture
def env(data_dir):
    def make(**extra) -> dict:
        environ = {k: v for k, v in os.environ.items() if not k.startswith(_MASKS)}
        environ.update(ADVISOR_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT), **extra)
        return environ

    return make


def _guarded(log: Path, argv: list[str]) -> list[str]:
    code = f"from tests.outbound_guard import run; run({str(log)!r}, {argv!r})"
    return [sys.executable, "-c", code]


def _attempts(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def test_the_app_makes_no_outbound_connection(tmp_path, env):
    log, port = tmp_path / "outbound.log", free_port()
    proc = subprocess.Popen(_guarded(log, [str(ROOT / "app.py"), "--port", str(port)]), cwd=tmp_path,
                            env=env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    try:
        deadline = time.time() + 180
        for line in proc.stdout:  # until the guidance index is built (embedding model, Chroma)
            lines.append(line)
            if line.startswith(("Guidance index", "The guidance index could not")) or time.time() > deadline:
                break
        assert any(x.startswith("Guidance index") for x in lines), "".join(lines[-20:])
        url = f"http://127.0.0.1:{port}/"
        while True:
            try:
                page = urllib.request.urlopen(url, timeout=5).read().decode()
                break
            except OSError:
                assert proc.poll() is None and time.time() < deadline, "".join(lines[-20:])
                time.sleep(0.5)
        from gradio_client import Client

        answer = Client(url, verbose=False).predict("Can I run Llama 3.1 8B on an RTX 4090?", api_name="/ask")
        assert "Llama 3.1 8B" in answer and "gpu-advisor" in page
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert _attempts(log) == []


def test_the_cli_makes_no_outbound_connection(tmp_path, env):
    log = tmp_path / "outbound.log"
    script = tmp_path / "commands.py"
    commands = [["fit", "--model", "llama-3.1-8b", "--gpu", "rtx-4090"], ["memory", "--model", "13B"],
                ["plan", "--model", "llama-3.1-70b"], ["train", "--model", "7B", "--tokens", "1e12"],
                ["cost", "--gpu", "h100-sxm", "--hours", "10"], ["quantize", "--model", "qwen2.5-32b"],
                ["throughput", "--model", "llama-3.1-8b", "--gpu", "l40s"], ["gpus"], ["models"],
                ["ask", "Can I fine-tune 13B with LoRA on one 4090?"], ["index"], ["search", "what does ZeRO-3 shard"]]
    script.write_text("import sys\nfrom advisor.cli import main\n"
                      f"codes = [main(c) for c in {commands!r}]\nprint('EXIT CODES', codes)\n")
    out = subprocess.run(_guarded(log, [str(script)]), cwd=tmp_path, env=env(), capture_output=True,
                         text=True, timeout=300)
    assert f"EXIT CODES {[0] * len(commands)}" in out.stdout, out.stdout[-2000:] + out.stderr[-2000:]
    assert _attempts(log) == []


@pytest.mark.parametrize("mode", ["http"])
def test_the_slack_bot_start_up_contacts_nothing_but_slack(tmp_path, env, mode):
    """The bot is configured to talk to Slack (its token check at start-up goes to slack.com, refused
    here): nothing else - no telemetry, no model download - is contacted while it starts."""
    log, port = tmp_path / "outbound.log", free_port()
    environ = env(SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET="test-secret")
    proc = subprocess.Popen(_guarded(log, ["-m", "advisor.slack", "--port", str(port)]), cwd=tmp_path, env=environ,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        out, _ = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:  # it started and is serving: that is fine too
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    hosts = {line.split(" ", 1)[1] for line in _attempts(log)}
    assert hosts <= {"slack.com", "www.slack.com"}, (hosts, out[-2000:])
