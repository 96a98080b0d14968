"""The chat app: built without a server, and driven in headless Chromium as a person would."""

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.fakes import free_port

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
sys.path.insert(0, str(ROOT))

import app  # noqa: E402
from advisor.core import Advisor  # noqa: E402


def test_app_builds_without_a_server_and_shows_the_engine():
    demo = app.create_app(Advisor(engine="offline"))
    config = json.dumps(demo.get_config_file(), default=str)
    assert "offline engine" in config and "OPENAI_API_KEY" in config
    assert "Show work" in config and "My GPU" in config


def test_respond_never_shows_a_traceback():
    class Broken(Advisor):
        def ask(self, *a, **k):
            raise RuntimeError("boom")

    out = list(app.make_respond(Broken(engine="offline"))("hi", [], "(none)", 1, "(auto)", 0))
    text = out[-1][0][-1]["content"]
    assert "something went wrong" in text and "boom" not in text and "Traceback" not in text


def test_ui_defaults_reach_the_tools():
    respond = app.make_respond(Advisor(engine="offline"))
    *_, last = respond("Can I run Llama 3.1 70B?", [], "h100-sxm", 2, "(auto)", 0)
    assert "2x NVIDIA H100" in last[0][-1]["content"]



@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "CHROMA_"))}
    env["ADVISOR_DATA_DIR"] = str(tmp_path_factory.mktemp("app-data"))
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 120
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except Exception:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                raise RuntimeError("app did not start:\n" + (proc.stdout.read() if proc.stdout else "")) from None
            time.sleep(0.5)
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (apt-get install chromium); .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu",
                                                              "--disable-background-networking"])
        yield b
        b.close()


def _ask(page, question: str):
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")


def test_a_person_asks_reads_the_numbers_opens_the_work_and_follows_up(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(server)
    assert "offline engine" in page.locator("#engine-banner").inner_text()
    _ask(page, "Can I fine-tune 13B with LoRA on one 4090?")
    page.get_by_text("What would make it fit").wait_for(timeout=60_000)
    chat = page.locator("#chat").inner_text()
    assert "No - the 16-bit base weights alone" in chat and "24.5 GiB" in chat and "QLoRA" in chat  # the verdict and the numbers
    page.get_by_text("Show work: tool calls").click()
    page.locator("#chart img").first.wait_for(timeout=30_000)  # the memory chart is drawn
    assert "check_fit" in page.locator("#work").inner_text()
    if os.environ.get("UPDATE_SCREENSHOT"):  # README picture: the first answer, with its chart
        page.locator("#chat").scroll_into_view_if_needed()
        page.screenshot(path=str(ROOT / "docs" / "screenshot.png"), full_page=True,
                        clip={"x": 0, "y": 0, "width": 1280, "height": 1500})
    _ask(page, "what about two of them?")
    last = page.locator("#chat .message-row").last  # the follow-up's answer, not the first answer's options
    page.wait_for_function("() => { const rows = document.querySelectorAll('#chat .message-row');"
                           " return rows.length >= 4 && rows[rows.length - 1].innerText.includes('on 2x NVIDIA GeForce RTX 4090'); }",
                           timeout=60_000)
    assert "on 2x NVIDIA GeForce RTX 4090" in last.inner_text()
    page.close()


def test_bad_input_and_separate_sessions(server, browser):
    a = browser.new_context().new_page()
    b = browser.new_context().new_page()
    dialogs = []
    a.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    a.goto(server)
    b.goto(server)
    _ask(a, "<script>alert('x')</script><img src=x onerror=alert(1)>")
    a.get_by_text("Tell me the model").first.wait_for(timeout=60_000)
    _ask(a, "   ")
    a.wait_for_timeout(1500)  # let the empty submit settle (it clears the box) before typing again
    _ask(a, "Can I run Llama 3.1 8B on an RTX 4090? " + "z" * 10_000)
    a.get_by_text("Llama 3.1 8B inference").first.wait_for(timeout=60_000)
    assert not dialogs  # the HTML was shown as text, never run
    assert "Traceback" not in a.content()
    assert "Llama 3.1 8B" not in b.locator("#chat").inner_text()  # the other user's page stays empty


def test_gradio_client_api(server):
    from gradio_client import Client

    client = Client(server, verbose=False)
    answer = json.loads(client.predict("How many A100 80GB do I need to serve Llama 3 70B?", api_name="/ask"))
    assert answer["engine"] == "offline" and answer["calls"][0]["tool"] == "recommend_hardware"
    assert "A100" in answer["text"].splitlines()[0] and "bf16" in answer["text"]
