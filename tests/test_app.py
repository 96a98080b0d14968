"""The chat app: built without a server, and driven in headless Chromium as a person would."""

import json
import os
import re
import shutil
import subprocess
import sys
import threading
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
        def ask_stream(self, *a, **k):
            yield from ()
            raise RuntimeError("boom")

    out = list(app.make_respond(Broken(engine="offline"))("hi", [], "(none)", 1, "(auto)", 0))
    text = out[-1][0][-1]["content"]
    assert "something went wrong" in text and "boom" not in text and "Traceback" not in text


def test_ui_defaults_reach_the_tools():
    respond = app.make_respond(Advisor(engine="offline"))
    *_, last = respond("Can I run Llama 3.1 70B?", [], "h100-sxm", 2, "(auto)", 0)
    assert "2x NVIDIA H100" in last[0][-1]["content"]



def running_app(tmp_path_factory, path_first: Path | None = None):
    """Start app.py on a free port (no LLM, no Chroma server, its own data folder; `path_first` ahead of PATH,
    e.g. a fake nvidia-smi), yield its URL once it answers, stop it afterwards."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "CHROMA_"))}
    env["ADVISOR_DATA_DIR"] = str(tmp_path_factory.mktemp("app-data"))
    if path_first is not None:
        env["PATH"] = f"{path_first}{os.pathsep}{env['PATH']}"
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
def server(tmp_path_factory):
    yield from running_app(tmp_path_factory)


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


def _open(page, url: str):
    """Open the app and wait until it is up and listening: text typed into the box before Gradio has
    mounted it is reset by the mount (under load the first of three quick sends was lost that way)."""
    page.goto(url, wait_until="networkidle")  # the page's own start-up requests are done
    page.wait_for_function("() => window.__advisorReady === true", timeout=30_000)


def _ask(page, question: str):
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")


def test_a_person_asks_reads_the_numbers_opens_the_work_and_follows_up(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    _open(page, server)
    assert "offline engine" in page.locator("#engine-banner").inner_text()
    _ask(page, "Can I fine-tune 13B with LoRA on one 4090?")
    page.get_by_text("What would make it fit").wait_for(timeout=60_000)
    chat = page.locator("#chat").inner_text()
    assert "No - the 16-bit base weights alone" in chat and "24.5 GiB" in chat and "QLoRA" in chat  # the verdict and the numbers
    page.get_by_text("Show work: tool calls").click()
    page.locator("#chart img").first.wait_for(timeout=30_000)  # the memory chart is drawn
    assert "check_fit" in page.locator("#work").inner_text()
    _ask(page, "what about two of them?")
    last = page.locator("#chat .message-row").last  # the follow-up's answer, not the first answer's options
    page.wait_for_function("() => { const rows = document.querySelectorAll('#chat .message-row');"
                           " return rows.length >= 4 && rows[rows.length - 1].innerText.includes('on 2x NVIDIA GeForce RTX 4090'); }",
                           timeout=60_000)
    assert "on 2x NVIDIA GeForce RTX 4090" in last.inner_text()
    page.close()


# Where the first line of the newest answer is: its first character, and whether that point is the
# answer itself as a person sees it (not scrolled out of the chat or the window, not under a label).
FIRST_LINE_JS = """() => {
  const rows = document.querySelectorAll('#chat .message-row.bot-row');
  if (!rows.length) return null;
  const row = rows[rows.length - 1];
  const walk = document.createTreeWalker(row, NodeFilter.SHOW_TEXT,
    {acceptNode: (n) => n.textContent.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT});
  const node = walk.nextNode();
  if (!node) return null;
  const at = node.textContent.search(/\\S/);
  const range = document.createRange();
  range.setStart(node, at); range.setEnd(node, at + 1);
  const r = range.getBoundingClientRect();
  const chat = row.closest('.bubble-wrap').getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return {line: row.innerText.trim().split('\\n')[0], top: r.top, bottom: r.bottom, chat_top: chat.top,
          chat_bottom: chat.bottom, window: window.innerHeight, seen: !!hit && row.contains(hit)};
}"""


def _answer_done(page, n_answers: int, has: str):
    """Wait until the n-th answer is on the page with `has` in it and has not changed for 0.8 s (done streaming)."""
    page.wait_for_function("""([n, has]) => {
      const rows = document.querySelectorAll('#chat .message-row.bot-row');
      if (rows.length < n || !rows[n - 1].innerText.includes(has)) return false;
      const text = rows[n - 1].innerText, now = performance.now();
      if (window.__answerText !== text) { window.__answerText = text; window.__since = now; return false; }
      return now - window.__since > 800;
    }""", arg=[n_answers, has], polling=100, timeout=60_000)


@pytest.mark.parametrize("size", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_the_verdict_line_of_the_newest_answer_is_on_screen(server, browser, size):
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    _open(page, server)
    for n, (question, work) in enumerate([("Can I run Llama 3.1 8B on one RTX 4090?", "Llama 3.1 8B"),
                                          ("Can I fine-tune a 13B model with LoRA on one 4090?", "QLoRA")],
                                         1):  # a first answer above the one read
        page.locator("#question textarea").scroll_into_view_if_needed()
        _ask(page, question)
        _answer_done(page, n, work)
    where = page.evaluate(FIRST_LINE_JS)
    assert where["line"].startswith("No") and "24.5 GiB" in where["line"], where  # the verdict line...
    assert where["chat_top"] <= where["top"] and where["bottom"] <= where["chat_bottom"], where  # ...in the chat
    assert 0 <= where["top"] and where["bottom"] <= where["window"], where  # ...in the window
    assert where["seen"], where  # ...and not under anything
    if size[0] < 700:  # the phone layout: "My defaults" folded above the chat, the work's JSON wrapped
        defaults, chat = page.locator("#defaults").bounding_box(), page.locator("#chat").bounding_box()
        assert defaults["y"] + defaults["height"] <= chat["y"] and not page.locator("#default-gpu").is_visible()
        page.get_by_text("Show work: tool calls").click()
        page.locator("#work pre").first.wait_for(timeout=30_000)
        widths = page.evaluate("() => [...document.querySelectorAll('#work pre')].map(e => [e.scrollWidth, e.clientWidth])")
        assert widths and all(scroll <= shown + 1 for scroll, shown in widths), widths  # nothing spills sideways
        chart = page.locator("#chart img").first
        chart.wait_for(timeout=30_000)
        box = chart.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= size[0], box  # the chart fits the phone
    page.close()


def test_a_chinese_question_gets_its_chinese_verdict_on_screen(server, browser):
    fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout \
        if shutil.which("fc-list") else ""
    assert fonts.strip(), "no CJK font: Chinese would render as boxes (apt-get install fonts-noto-cjk)"
    page = browser.new_page(viewport={"width": 390, "height": 844})
    _open(page, server)
    _ask(page, "一张4090能用LoRA微调13B模型吗？")
    _answer_done(page, 1, "QLoRA")
    where = page.evaluate(FIRST_LINE_JS)
    assert where["line"].startswith("放不下") and "24.5 GiB" in where["line"] and "QLoRA" in where["line"], where
    assert where["seen"] and where["chat_top"] <= where["top"] and where["bottom"] <= where["window"], where
    page.close()


def test_bad_input_and_separate_sessions(server, browser):
    a = browser.new_context().new_page()
    b = browser.new_context().new_page()
    dialogs = []
    a.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _open(a, server)
    _open(b, server)
    _ask(a, "<script>alert('x')</script><img src=x onerror=alert(1)>")
    a.get_by_text(re.compile("Tell me the model|outside what I do")).first.wait_for(timeout=60_000)
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


def test_a_follow_up_sent_while_an_answer_streams_is_answered_next(browser):
    """A person sends a follow-up while the first answer is still being written (a scripted LLM holds
    it): the box empties at once, nothing is lost, and both are answered in order.

    (This test was dropped once because it timed out: three quick sends gave one answer. Gradio runs
    an event's `.then` steps with trigger_mode "once" unless told otherwise, so a send whose step came
    while the previous send's step was pending was dropped; and the page read its log of sent messages
    from a hidden box that Gradio had not updated yet. app.py fixes both; the next test checks quick sends.)"""
    from bench.app_server import running_app
    from tests.openai_stub import StubServer, tool_results

    fit_args = {"model": "llama-2-13b", "gpu": "rtx-4090", "method": "lora"}
    gate = threading.Event()

    def reply(messages):
        question = [m for m in messages if m.get("role") == "user"][-1]["content"]
        two = "two of them" in str(question)
        results = tool_results(messages)
        if not results:
            return {"tool_calls": [("check_fit", {**fit_args, "gpu_count": 2} if two else fit_args)]}
        fit = next(iter(results.values()))
        if two:
            return {"content": f"With two: {fit['required_gib']:.1f} GiB per GPU of {fit['available_gib']:.2f} GiB."}
        gate.wait(30)  # the first answer is held here until the follow-up has been sent
        return {"content": f"No: LoRA needs {fit['required_gib']:.1f} GiB; the 4090 has {fit['available_gib']:.2f} GiB."}

    env = {"OPENAI_BASE_URL": "", "OPENAI_API_KEY": "sk-test", "ADVISOR_MODEL": "stub-model"}
    with StubServer([reply], repeat_last=True) as stub:
        env["OPENAI_BASE_URL"] = stub.url
        with running_app(data_dir=os.environ.get("ADVISOR_DATA_DIR"), env=env) as (url, _, _lines):
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            _open(page, url)
            assert "stub-model" in page.locator("#engine-banner").inner_text()
            _ask(page, "Can I fine-tune 13B with LoRA on one 4090?")
            deadline = time.time() + 30
            while len(stub.requests) < 2 and time.time() < deadline:  # the tool ran; the answer is being written
                time.sleep(0.1)
            assert len(stub.requests) == 2 and not gate.is_set()
            box = page.locator("#question textarea")
            _ask(page, "what about two of them?")
            page.wait_for_function("() => document.querySelector('#question textarea').value === ''",
                                   timeout=10_000)  # taken at once
            time.sleep(0.5)
            assert len(stub.requests) == 2  # the follow-up waits for the answer being written
            gate.set()
            page.wait_for_function("() => { const rows = document.querySelectorAll('#chat .message-row');"
                                   " return rows.length >= 4 && rows[rows.length - 1].innerText.includes('With two'); }",
                                   timeout=60_000)
            rows = page.locator("#chat .message-row").all_inner_texts()
            assert "13B" in rows[0] and rows[1].startswith("No: LoRA needs") and "two of them" in rows[2], rows
            assert rows[3].startswith("With two") and len(rows) == 4, rows
            assert box.input_value() == ""
            page.close()


def test_three_quick_sends_are_all_answered_in_order(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    _open(page, server)
    box = page.locator("#question textarea")
    for question in ("Can I run Llama 3.1 8B on one RTX 4090?", "Can I run Qwen2.5 7B on one L40S?",
                     "what about two of them?"):
        box.fill(question)
        box.press("Enter")
        # at a quick person's pace: typing within a few ms of a send can still be wiped when Gradio
        # writes the emptied box back (its state update lags the page, more so under load)
        page.wait_for_timeout(400)
    try:
        page.wait_for_function("() => { const rows = document.querySelectorAll('#chat .message-row');"
                               " return rows.length >= 6 && rows[rows.length - 1].innerText.includes('2x'); }",
                               timeout=60_000)
    finally:  # on a timeout too: what the chat shows says which message went missing
        rows = page.locator("#chat .message-row").all_inner_texts()
        print("chat rows:", [r[:80] for r in rows], "sent log:", page.evaluate("() => window.__advisorSent"),
              "sends tried:", page.evaluate("() => window.__advisorSends"))
    assert "Llama 3.1 8B" in rows[1] and "Qwen2.5 7B" in rows[3] and "on 2x NVIDIA L40S" in rows[5], rows
    assert box.input_value() == ""  # every message was taken, none left behind or lost
    box.fill("a half-typed question")  # typing while nothing streams is left alone
    page.wait_for_timeout(500)
    assert box.input_value() == "a half-typed question"
    page.close()


def test_uploads_and_cross_origin_writes_are_refused(server):
    import httpx

    files = {"files": ("x.bin", b"0" * 1024, "application/octet-stream")}
    for headers in ({"Origin": "http://evil.example"}, {}):
        r = httpx.post(server + "gradio_api/upload", files=files, headers=headers, timeout=10)
        assert r.status_code == 403 and "Uploads are turned off" in r.text
    join = {"data": ["hi"], "fn_index": 9, "session_hash": "x1", "event_data": None, "trigger_id": None}
    r = httpx.post(server + "gradio_api/queue/join", json=join, headers={"Origin": "http://evil.example"},
                   timeout=10)
    assert r.status_code == 403 and "Cross-origin" in r.text
    same = server.rstrip("/")
    r = httpx.post(server + "gradio_api/queue/join", json=join, headers={"Origin": same}, timeout=10)
    assert r.status_code != 403
    r = httpx.post(server + "gradio_api/queue/join", content=b"{" + b" " * (5 * 2**20) + b"}",
                   headers={"content-type": "application/json"}, timeout=30)
    assert r.status_code == 413


def test_a_10000_digit_history_does_not_stall_another_session(server):
    """One client sends 10,000-digit turns in a loop; another session's questions stay under 2 s."""
    import asyncio

    import httpx

    from bench.chat_client import chat_fn_index, chat_turn, new_session

    digits = "9" * 10_000
    history = [{"role": "user", "content": [{"type": "text", "text": f"Can I run {digits}B on {digits} GPUs?"}]},
               {"role": "assistant", "content": [{"type": "text", "text": digits}]}]

    async def attack(client, base, fns, stop):
        sent = 0
        while not stop.is_set():
            await chat_turn(client, base, fns, new_session(), digits, history * 12)
            sent += 1
        return sent

    async def run():
        base = server.rstrip("/")
        async with httpx.AsyncClient(timeout=60) as client:
            fns = await chat_fn_index(client, base)
            await chat_turn(client, base, fns, new_session(), "Can I run Llama 3.1 8B on one H100?", [])  # warm
            stop = asyncio.Event()
            attacker = asyncio.create_task(attack(client, base, fns, stop))
            await asyncio.sleep(1.0)
            times = []
            for question in ("Can I run Llama 3.1 8B on one RTX 4090?", "Can I run Qwen2.5 7B on one L40S?",
                             "Can I run Mistral 7B on one A10G?"):
                turn = await chat_turn(client, base, fns, new_session(), question, [])
                assert turn.ok and ("7B" in turn.answer or "8B" in turn.answer), turn
                times.append(turn.seconds_to_text)
            stop.set()
            return times, await attacker

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:  # its own event loop (Playwright's runs in this thread)
        times, attacks = pool.submit(asyncio.run, run()).result()
    assert attacks >= 1 and max(times) < 2.0, (times, attacks)


def test_credentials_never_appear_on_the_page_or_in_the_log():
    import httpx
    from gradio_client import Client

    from bench.app_server import running_app

    secrets = ("alice", "s3cretpw", "tok123abc", "sk-topsecret999")
    env = {"OPENAI_BASE_URL": "http://alice:s3cretpw@127.0.0.1:9/v1?api_key=tok123abc&v=1",
           "OPENAI_API_KEY": "sk-topsecret999", "ADVISOR_MODEL": "test-model", "ADVISOR_LLM_TIMEOUT_S": "5"}
    with running_app(data_dir=os.environ.get("ADVISOR_DATA_DIR"), env=env) as (url, _, lines):
        page = httpx.get(url + "/", timeout=10).text + httpx.get(url + "/config", timeout=10).text
        answer = Client(url, verbose=False).predict("Can I run Llama 3.1 8B on an RTX 4090?", api_name="/ask")
    log = "\n".join(lines)
    assert "127.0.0.1:9" in page and "test-model" in page  # the banner names the endpoint...
    for secret in secrets:  # ...without its credentials, and neither does the log or the answer
        assert secret not in page and secret not in log and secret not in answer, secret
