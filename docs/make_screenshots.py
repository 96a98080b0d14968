"""Regenerate the app's screenshots in docs/: python docs/make_screenshots.py

Starts `python app.py` on a free loopback port (offline engine, a temporary data folder) and drives it in
headless Chromium (Debian's /usr/bin/chromium, with fonts-noto-cjk for Chinese):
- docs/screenshot.png: the README picture - a desktop page with the verdict of an answer in view;
- docs/app-empty.png: the app as it opens;
- docs/app-show-work.png: an answer with "Show work" open (tool calls, sources, chart);
- docs/app-phone.png: the phone layout (390x844) after a Chinese question."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.app_server import running_app  # noqa: E402

QUESTION = "Can I fine-tune 13B with LoRA on one 4090?"  # the README headline (bench/readme_numbers.py)


def _ask(page, question: str) -> None:
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")


def _wait_answer(page, has: str) -> None:
    page.wait_for_function("(has) => { const rows = document.querySelectorAll('#chat .message-row.bot-row');"
                           " return rows.length && rows[rows.length - 1].innerText.includes(has); }",
                           arg=has, timeout=60_000)
    page.wait_for_timeout(1500)  # the rest of the answer and the page's scroll


def main() -> int:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    docs = ROOT / "docs"
    with running_app() as (url, _, _lines), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(url)
        page.wait_for_function("() => window.__advisorReady === true", timeout=30_000)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(docs / "app-empty.png"))
        _ask(page, QUESTION)
        _wait_answer(page, "QLoRA")
        page.screenshot(path=str(docs / "screenshot.png"))
        page.get_by_text("Show work: tool calls").click()
        page.locator("#chart img").first.wait_for(timeout=30_000)
        page.wait_for_timeout(1000)
        page.set_viewport_size({"width": 1280, "height": 1000})
        page.locator("#show-work").evaluate("(e) => window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 200)")
        page.wait_for_timeout(500)
        page.screenshot(path=str(docs / "app-show-work.png"))  # the end of the answer, the chart, the first call
        page.close()
        phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
        phone.goto(url)
        phone.wait_for_function("() => window.__advisorReady === true", timeout=30_000)
        phone.wait_for_timeout(1500)
        _ask(phone, "一张4090能用LoRA微调13B模型吗？")
        _wait_answer(phone, "QLoRA")
        phone.screenshot(path=str(docs / "app-phone.png"))
        browser.close()
    for name in ("screenshot.png", "app-empty.png", "app-show-work.png", "app-phone.png"):
        print(docs / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
