"""gpu-advisor chat: a Gradio front end over advisor.Advisor. Run: python app.py (or gpu-advisor serve).

Binds 127.0.0.1 unless told otherwise (--host / GRADIO_SERVER_NAME) and never shares publicly."""

from __future__ import annotations

import argparse
import html
import json
import logging
import os
import re
import sys

# No phoning home: Gradio's usage analytics and the Hugging Face Hub's telemetry are off unless a
# person turns them on (set before gradio is imported, which reads them at import time).
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
# Gradio's queue re-summarises its whole event history (a pandas group-by over up to 10,000 events) after
# every event, for a monitoring page this app does not show: 1.5 ms per answer on a fresh server, ~6 ms
# once the history is full (bench/api_load.py). Summarise rarely and keep a short history.
os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "100000")
os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "1000")

import gradio as gr  # noqa: E402

from advisor import app_panels  # noqa: E402
from advisor.answer import Answer, checked  # noqa: E402
from advisor.config import RedactFilter, install_log_hygiene, one_line_library_errors, redact_text  # noqa: E402, F401
from advisor.core import MAX_QUESTION_CHARS, Advisor, bound_text  # noqa: E402
from advisor.http_limits import limit_uvicorn  # noqa: E402
from advisor.machine import set_process_local  # noqa: E402
from advisor.web import (  # noqa: E402
    MAX_SENT_ENTRIES,
    MAX_SHOWN_MESSAGES,
    Busy,
    Refusal,
    answer_with_time_limit,
    clean_text,
    guard_middleware,
    sessions,
    stream_with_time_limit,
)

log = logging.getLogger("gpu-advisor.app")

EXAMPLES = [
    "Can I fine-tune 13B with LoRA on one 4090?",
    "How many A100 80GB do I need to serve Llama 3 70B?",
    "How much memory does Llama 3.1 8B need at 32k context with 8 users?",
    "Which GPU should I use to serve Llama 3.1 70B at 8k context?",
    "How fast is Llama 3 8B Q4_K_M on an RTX 4090?",
    "How long and how much to pretrain a 7B model on 1T tokens with 256 H100s?",
    "Compare quantization options for Llama 3 70B on two 4090s",
    "一张4090能跑Qwen2.5-32B吗?",
    "What does ZeRO-3 shard?",
]


# The page keeps the start of the newest answer in view: Gradio's own autoscroll (off) would follow the
# end of a streaming answer, leaving the verdict line above the visible part of the chat. When a new
# answer appears, its first line goes to the top of the chat (and the chat into the window); after that
# the view stays put while the answer grows, so a person reads from the verdict down. On a phone the
# "My defaults" panel starts folded (it sits above the chat there).
PAGE_JS = """() => {
  let answers = -1, asked = -1, queued = false;
  const inView = (row) => {
    const wrap = row.closest('.bubble-wrap') || row.parentElement;
    const top = row.getBoundingClientRect().top - wrap.getBoundingClientRect().top;
    wrap.scrollTop += top - 44;  // below the chat's label, with the end of the question above
    const r = row.getBoundingClientRect();
    if (r.top < 0 || r.top > window.innerHeight - 80) window.scrollBy(0, r.top - 80);
  };
  const follow = () => {
    queued = false;
    const chat = document.querySelector('#chat');
    if (!chat) return;
    const rows = [...chat.querySelectorAll('.message-row')];
    const bots = rows.filter((r) => r.classList.contains('bot-row'));
    const users = rows.length - bots.length;
    if (bots.length > answers && bots.length) inView(bots[bots.length - 1]);
    else if (users > asked && rows.length && !rows[rows.length - 1].classList.contains('bot-row')
             && answers === bots.length) {
      const wrap = chat.querySelector('.bubble-wrap');  // a question just sent: show it
      if (wrap) wrap.scrollTop = wrap.scrollHeight;
    }
    answers = bots.length; asked = users;
  };
  new MutationObserver(() => { if (!queued) { queued = true; requestAnimationFrame(follow); } })
    .observe(document.body, {childList: true, subtree: true, characterData: true});
  if (window.innerWidth < 700) {
    const fold = () => {
      const label = document.querySelector('#defaults > button, #defaults .label-wrap');
      if (label) { if (label.classList.contains('open')) label.click(); } else setTimeout(fold, 200);
    };
    fold();
  }
  window.__advisorReady = true;  // the page is up and listening (browser tests wait for this)
}"""

# Phone (< 700 px): the defaults panel above the chat, "show work" JSON wrapped instead of spilling
# sideways, charts scaled to the width.
PAGE_CSS = """
#work pre, #work code { white-space: pre-wrap !important; overflow-wrap: anywhere; word-break: break-word; }
#chart img, #chart canvas, #chart svg { max-width: 100%; height: auto; }
@media (max-width: 700px) {
  #main-row { flex-direction: column-reverse; }
  #main-row > div { min-width: 100% !important; }
}
/* issue 26. Bold at 700: Gradio's bundled IBM Plex Sans SemiBold (600) file holds only a few glyphs, so
   semibold text mixed two typefaces; the Bold file is complete. */
strong, b, .prose strong, .prose b, .prose h1, .prose h2, .prose h3, .prose h4 { font-weight: 700 !important; }
/* The chat's scroll-down arrow sat over the last lines of an answer: room below the text, and on a phone
   the arrow moves to the corner. */
#chat .bubble-wrap { padding-bottom: 44px; }
@media (max-width: 700px) {
  #chat .scroll-down-button-container { left: auto !important; right: 6px; bottom: 6px; transform: none !important; }
}
"""


def _gpu_choices() -> list[str]:
    from tools.gpus import all_gpus

    return ["(none)"] + [g.id for g in all_gpus()]


def work_markdown(answer: Answer) -> str:
    """The "show work" panel: every tool call with its inputs and result, the sources, any warning."""
    zh = getattr(answer, "language", "en") == "zh"  # in the answer's language, like the answer
    parts = [f"**{'引擎' if zh else 'Engine'}:** {answer.engine}"]
    if answer.warnings:
        parts.append(f"**{'警告' if zh else 'Warnings'}**\n" + "\n".join(f"- {html.escape(redact_text(w))}"
                                                                      for w in answer.warnings))
    for i, c in enumerate(answer.calls, 1):
        result = json.dumps(c.result, ensure_ascii=False, indent=1, default=str)
        if len(result) > 6000:
            result = result[:6000] + "\n... (cut; the full result is in the JSON answer)"
        parts.append(f"**{i}. `{c.tool}`** `{json.dumps(c.args, ensure_ascii=False)}`\n```json\n{result}\n```")
    if answer.sources:
        parts.append(f"**{'来源' if zh else 'Sources'}**\n" + "\n".join(f"- {s.citation}" for s in answer.sources))
    return "\n\n".join(parts)


def _text(content, depth: int = 0) -> str:
    """A chat message's text: Gradio sends a string, or a list of parts like {"type": "text", "text": ...}
    (nesting beyond 3 levels and parts beyond 16 are ignored: a client can send anything)."""
    if isinstance(content, str):
        return clean_text(content[: MAX_QUESTION_CHARS * 4])
    if isinstance(content, dict):
        value = content.get("text") or content.get("value") or ""
        return clean_text(value[: MAX_QUESTION_CHARS * 4]) if isinstance(value, str) else ""
    if isinstance(content, list) and depth < 3:
        return "".join(_text(p, depth + 1) for p in content[:16])
    return ""


_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")


def readable(text: str) -> str:
    """Markdown as meant: a line right after a list ("Fastest: ...") starts a new paragraph instead of
    being read as the end of the last bullet."""
    out: list[str] = []
    in_list = False  # right after a list item or its indented continuation lines
    for line in text.split("\n"):
        if _LIST_ITEM.match(line):
            in_list = True
        elif not line.strip():
            in_list = False
        elif in_list and not line.startswith((" ", "\t")):
            out.append("")
            in_list = False
        out.append(line)
    return "\n".join(out)


def _sections(text: str, max_pieces: int = 8):
    """The answer in growing pieces, section by section (paragraphs), so it streams onto the page with
    the verdict first; no delays: each piece goes out as soon as the previous one is sent."""
    cuts = [i for i in range(len(text)) if text.startswith("\n\n", i)] + [len(text)]
    step = max(1, -(-len(cuts) // max_pieces))
    for end in cuts[step - 1::step][:-1] + [len(text)]:
        yield text[:end]


def _defaults(gpu: str | None, count: float | None, precision: str | None, context: float | None,
              model: str | None = None) -> dict:
    out: dict = {}
    if isinstance(model, str) and model.strip():  # sized in "Size a model": an upload's id, a Hub or catalog id
        out["model"] = model.strip()[:200]
    if isinstance(gpu, str) and gpu and gpu != "(none)":
        out["gpu"], out["gpu_count"] = gpu, _int(count, 1, 1, 64)
    if isinstance(precision, str) and precision and precision != "(auto)":
        out["precision"] = precision
    context = _int(context, 0, 0, 1_048_576)
    if context:
        out["context"] = context
    return out


def _int(value, default: int, low: int, high: int) -> int:
    """A UI number as an int within the widget's range (a client can send anything)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return int(min(max(number, low), high)) if number == number else default


def _client_history(chat_history) -> list[dict]:
    """The conversation the page sent, as role/content dicts (malformed entries skipped)."""
    if not isinstance(chat_history, list):
        return []
    return [{"role": m["role"], "content": _text(m.get("content"))} for m in chat_history[-MAX_SHOWN_MESSAGES:]
            if isinstance(m, dict) and m.get("role") in ("user", "assistant")]


SORRY = ("Sorry, something went wrong on our side while answering. Try rephrasing, or ask about one model "
         "and one GPU.")


# In the browser, sending appends [number, message] to a small log of sent messages and empties the
# text box; the server takes every entry it has not taken yet. Two races are closed here:
# - the log lives in the page's own memory (window.__advisorSent), not only in the hidden box: sends a
#   few milliseconds apart run before Gradio has written the previous send's output into that box;
# - the message is read from the box itself and the box emptied at once, in the page (an "input" event
#   tells Gradio): Gradio's copy of the box's value, and an event's output, lag behind under load - a
#   next message typed meanwhile was wiped, or a send read the box as it was before.
SEND_JS = """(m, log) => {
  const sent = window.__advisorSent = window.__advisorSent || [];
  window.__advisorSends = (window.__advisorSends || 0) + 1;  // sends tried, empty ones too
  const box = document.querySelector('#question textarea');
  const text = box ? box.value : m;  // what is in the box now (Gradio's copy, m, can lag behind)
  if ((text || "").trim()) {
    window.__advisorSentN = (window.__advisorSentN || 0) + 1;
    sent.push([window.__advisorSentN, text]);
    sent.splice(0, Math.max(0, sent.length - 8));
  }
  if (box && box.value) {
    box.value = '';
    box.dispatchEvent(new Event('input', {bubbles: true}));
  }
  return JSON.stringify(sent);
}"""


def take_sent(sent_log, chat_history, session) -> None:
    """Queue the entries of the page's sent-message log that this session has not taken yet (a new
    or expired session takes only the newest: the older ones were answered before)."""
    try:  # the request body is at most 4 MiB (advisor.web.RequestGuard); the page keeps 8 entries
        entries = json.loads(sent_log) if isinstance(sent_log, str) else []
        if len(entries) > MAX_SENT_ENTRIES:
            log.warning("Took the last %d of %d entries of a sent-message log.", MAX_SENT_ENTRIES, len(entries))
        entries = [(int(n), m[: MAX_QUESTION_CHARS + 1]) for n, m in entries[-MAX_SENT_ENTRIES:] if isinstance(m, str)]
    except (ValueError, TypeError, RecursionError):
        entries = []
    with session.lock:
        fresh = session.history is None
        if fresh and entries and _client_history(chat_history):  # the page had a conversation before:
            entries = entries[-1:]  # its older entries were answered by a session that expired
        new = [(n, m) for n, m in entries if n > session.last_sent]
        if new:
            session.last_sent = new[-1][0]
    for _, message in new:
        take(message, chat_history, session)


def take(message, chat_history, session) -> str:
    """Queue a message in its session; returns "" to clear the box. Runs at once (no queue), also
    while an answer streams: the streaming handler answers queued messages in order."""
    question = clean_text(message[: MAX_QUESTION_CHARS + 1].strip()) if isinstance(message, str) else ""
    if question:
        with session.lock:
            if session.history is None:  # first message of this session (or it expired): the page's view
                session.history = _client_history(chat_history)[-MAX_SHOWN_MESSAGES:]
            session.queue(question)  # the advisor cuts a long one and says so; past 8 waiting: refused
    return ""


def stream(advisor: Advisor, session, defaults: dict):
    """Yields the chat as it grows while the session's queued questions are answered; yields nothing
    when another handler is already answering this session (it will take the new question)."""
    with session.lock:
        if session.busy or not session.pending:
            return
        session.busy = True
    try:
        yield from _drain(advisor, session, defaults)
    except BaseException:  # the page went away mid-answer: the next message drains what is left
        with session.lock:
            session.busy = False
        raise


def finish(session):
    """After an answer: the "show work" panel (and its chart while the panel is open)."""
    with session.lock:
        answer, work_open = session.last_answer, session.work_open
    if answer is None:
        return gr.update(), gr.update()
    # the chart costs ~10x the answer (matplotlib): drawn only while "show work" is open
    return work_markdown(answer), (_chart(answer) if work_open else gr.update(value=None, visible=False))


def make_respond(advisor: Advisor):
    """All three steps for one caller (tests, scripts): yields (chat, box, work, chart)."""

    def respond(message, chat_history, gpu, count, precision, context):
        from advisor.web import Session

        session = Session(work_open=True)
        box = take(message, chat_history, session)
        for chat in stream(advisor, session, _defaults(gpu, count, precision, context)):
            yield chat, box, gr.update(), gr.update()
        yield session.view(), box, *finish(session)

    return respond


def _session(request) -> object:
    return sessions.get(getattr(request, "session_hash", None))


def _drain(advisor: Advisor, session, defaults: dict):
    """Answer the session's queued questions one after another, streaming each."""
    while True:
        with session.lock:
            if not session.pending:
                session.busy = False  # under the lock: a question queued from now on starts its own stream
                return
            question = session.pending.popleft()
            history = list(session.history)
            if isinstance(question, Refusal):  # too many queued: say so, answer nothing
                session.append({"role": "assistant", "content": str(question)})
            else:
                session.append({"role": "user", "content": bound_text(question, MAX_QUESTION_CHARS)})
        yield session.view()
        if isinstance(question, Refusal):
            continue
        answer, streamed = None, False
        for kind, value in _answer_as_it_comes(advisor, question, history, defaults, session.client):
            if kind == "text":
                streamed = True
                yield session.view({"role": "assistant", "content": value})
            else:
                answer = value
        if answer is None:
            with session.lock:
                session.append({"role": "assistant", "content": SORRY})
            continue
        text = final_text(answer)
        # the offline engine's answer section by section; an LLM's, already shown as it came, at once
        for partial in [text] if streamed else _sections(text):
            yield session.view({"role": "assistant", "content": partial})
        with session.lock:
            session.append({"role": "assistant", "content": text})
            session.last_answer = answer


def _answer_as_it_comes(advisor: Advisor, question: str, history: list, defaults: dict, client: str = ""):
    """("text", the text so far) while an LLM writes (with a line naming the tool running), then
    ("answer", Answer or None) once the answer is checked - on a worker thread, under the time limit."""
    text, tool = "", ""
    for event in stream_with_time_limit(advisor, question, history, defaults, client):
        if event.kind == "text":
            text, tool = text + event.text, ""
        elif event.kind == "reset":  # a retry or the offline fallback follows: its text replaces this
            text = ""
        elif event.kind == "tool":
            tool = event.text
        elif event.kind == "answer":
            yield "answer", event.answer
            return
        shown = readable(text) + (f"\n\n_computing: {html.escape(tool)} ..._" if tool else "")
        if shown.strip():
            yield "text", shown
    yield "answer", None


def final_text(answer: Answer) -> str:
    """The answer as shown once complete: the text, then its warnings; an LLM answer with no grounding
    warning gets a mark saying its figures were checked against the tool results."""
    text = readable(answer.text)
    if answer.warnings:
        return text + "".join(f"\n\n> ⚠️ {redact_text(w)}" for w in answer.warnings)
    if checked(answer):  # no mark without a successful calculator call
        return text + "\n\n✓ _Every figure above was checked against the calculators' results._"
    return text


def _chart(answer: Answer | None):
    """The chart for an answer, shown; or the chart box hidden when the answer has nothing to draw."""
    from advisor.charts import chart_for

    figure = None
    if answer is not None:
        try:
            figure = chart_for(answer)
        except Exception:  # noqa: BLE001 - a chart is a bonus
            log.exception("chart failed")
    return gr.update(value=figure, visible=figure is not None)


def make_show_work(open_: bool):
    """The "show work" panel opened (draw the last answer's chart) or closed (stop drawing charts)."""

    def show_work(request: gr.Request = None):
        session = _session(request)
        with session.lock:
            session.work_open, answer = open_, session.last_answer
        return _chart(answer) if open_ else gr.update()

    return show_work


def create_app(advisor: Advisor | None = None, local: bool = False) -> gr.Blocks:
    """The UI, without starting a server (tests build it directly). local: the app runs on the user's machine
    (bound to loopback), so it may offer "This machine" (advisor/app_panels.py)."""
    advisor = advisor or Advisor()
    engine_line = advisor.describe()
    if advisor.engine_name != "llm" and not advisor.settings.llm_configured:  # its hint is said once, just below
        engine_line = engine_line.split(" (")[0]
    switch = ("" if advisor.engine_name == "llm" else
              " To answer with an LLM, set `OPENAI_API_KEY` (or `OPENAI_BASE_URL` for a local OpenAI-compatible "
              "server such as vLLM or Ollama) and `ADVISOR_MODEL`, then restart.")
    with gr.Blocks(title="gpu-advisor", analytics_enabled=False) as demo:
        gr.Markdown("# gpu-advisor\nWhich GPUs, how many, how fast, what cost - every number is computed by our "
                    "calculators, never guessed.")
        gr.Markdown(f"**Answering with:** {engine_line}.{switch}", elem_id="engine-banner")
        with gr.Row(elem_id="main-row"):
            with gr.Column(scale=3, min_width=320):
                chatbot = gr.Chatbot(label="Conversation", height=480, elem_id="chat", sanitize_html=True,
                                     autoscroll=False,  # PAGE_JS keeps the newest answer's start in view
                                     placeholder="Ask about GPUs for a large language model: will it fit, how "
                                     "many, how fast, what it costs. Every number is computed, never guessed.")
                with gr.Row():
                    msg = gr.Textbox(placeholder="Ask e.g. 'Can I fine-tune 13B with LoRA on one 4090?'", scale=5,
                                     show_label=False, elem_id="question", max_lines=6)
                    send = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
                gr.Examples(EXAMPLES, inputs=msg, label="Try")
                with gr.Accordion("Show work: tool calls, sources and chart · 计算过程：工具调用、来源和图表", open=False,
                                  elem_id="show-work") as show_work:
                    chart = gr.Plot(label="Chart", elem_id="chart", visible=False)  # shown when there is one
                    work = gr.Markdown(elem_id="work")
            with gr.Column(scale=1, min_width=240), gr.Accordion("My defaults", open=True, elem_id="defaults"):
                gr.Markdown("Used when a question does not say.")
                gpu = gr.Dropdown(_gpu_choices(), value="(none)", label="My GPU", elem_id="default-gpu")
                count = gr.Number(value=1, minimum=1, maximum=64, precision=0, label="How many")
                precision = gr.Dropdown(["(auto)", "bf16", "fp8", "int8", "awq-4bit", "q4_k_m", "nf4"],
                                        value="(auto)", label="Precision")
                context = gr.Number(value=0, minimum=0, maximum=1_048_576, precision=0,
                                    label="Context in tokens (0 = the default)")
                # ---- "This machine" and "Size a model" (issue 26): advisor/app_panels.py ----
                if local:
                    app_panels.add_machine_panel(gpu, count)
                app_panels.add_size_panel(gpu, count)  # sets the session's my_model
        state = [gpu, count, precision, context]

        def take_event(sent_log, chat_history, request: gr.Request = None):
            take_sent(sent_log, chat_history, _session(request))

        def stream_event(chat_history, gpu, count, precision, context, request: gr.Request = None):
            session = _session(request)
            shown = False
            for chat in stream(advisor, session, _defaults(gpu, count, precision, context, session.my_model)):
                shown = True
                yield chat
            if not shown:  # another handler is answering this session: leave the chat to it
                yield gr.update()

        def finish_event(request: gr.Request = None):
            return finish(_session(request))

        # Sending moves the message out of the box in the browser itself (no round trip, so a next
        # message typed at once is never wiped), then the server takes it at once (queue=False), also
        # while an answer streams ("multiple"); the streaming and "show work" steps run on the queue
        # without a concurrency limit of their own: the engine is CPU-light, answers run on worker threads.
        sent = gr.Textbox(visible=False, elem_id="sent")
        for trigger in (msg.submit, send.click):
            # every step "multiple": Gradio's default ("once") drops a step triggered while the same step
            # of an earlier send is still pending - the second and third of three quick sends were lost
            trigger(None, [msg, sent], [sent], js=SEND_JS, api_name=False, trigger_mode="multiple",
                    queue=False) \
                .then(take_event, [sent, chatbot], None, api_name=False, queue=False, trigger_mode="multiple") \
                .then(stream_event, [chatbot, *state], [chatbot], api_name=False, concurrency_limit=None,
                      trigger_mode="multiple") \
                .then(finish_event, None, [work, chart], api_name=False, concurrency_limit=None,
                      trigger_mode="multiple")
        show_work.expand(make_show_work(True), None, chart, api_name=False, concurrency_limit=None)
        show_work.collapse(make_show_work(False), None, chart, api_name=False, concurrency_limit=None)
        api_q = gr.Textbox(visible=False)
        api_out = gr.Textbox(visible=False)
        api_btn = gr.Button(visible=False)
        def ask_event(question, request: gr.Request = None):
            return ask_api(advisor, question, getattr(request, "session_hash", None))

        api_btn.click(ask_event, api_q, api_out, api_name="ask", concurrency_limit=None)
    return demo


def ask_api(advisor: Advisor, question: str, client: str | None = None) -> str:
    """The programmatic endpoint (/ask): the Answer as JSON; when too many answers are ahead,
    {"error": "busy, retry in N s", "busy": true, "retry_after_s": N} at once."""
    try:
        question = clean_text(question[: MAX_QUESTION_CHARS * 64]) if isinstance(question, str) else ""
        answer = answer_with_time_limit(advisor, question, [], {}, client)
    except Busy as busy:
        log.warning("Busy: an API question was asked to retry in %d s.", busy.retry_after_s)
        return json.dumps({"error": str(busy), "busy": True, "retry_after_s": busy.retry_after_s})
    if answer is None:
        return json.dumps({"error": SORRY})
    return answer.model_dump_json()


def _prepare_index_in_background() -> None:
    """Build (first start) or open the guidance index while the page starts serving; until it is
    ready, answers cite guidance by keyword and concept questions wait for it. Says "Building ..." only
    when there is no index yet, or when opening takes long enough that it must be (re)building."""
    import threading

    from knowledge import build_index
    from knowledge.index import data_dir

    done = threading.Event()

    def say_building() -> None:
        if not done.is_set():
            print("Building the guidance index (first start, or the docs changed; 5-40 s). The app answers "
                  "meanwhile.", flush=True)

    def run() -> None:
        if not os.environ.get("CHROMA_HOST") and not (data_dir() / "chroma").exists():
            say_building()
        else:
            threading.Timer(10.0, say_building).start()  # opening one takes 1-5 s, more under load
        try:
            status = build_index()
            done.set()
            print(f"Guidance index {status.action}: {status.chunks} passages ({status.seconds:.1f} s).", flush=True)
        except Exception as exc:  # noqa: BLE001 - the calculators still answer without guidance
            done.set()
            log.error("The guidance index could not be prepared (%s); answers will cite no guidance.", exc)

    threading.Thread(target=run, name="index", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="gpu-advisor chat app")
    ap.add_argument("--host", default=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
                    help="interface to bind (default 127.0.0.1; use 0.0.0.0 to serve your network)")
    ap.add_argument("--port", type=int, default=int(os.environ.get("GRADIO_SERVER_PORT", "7860")))
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    # no credentials in any log line, no per-request library lines, bounded repeats (advisor/config.py);
    # headers within 10 s and at most 16 KiB (advisor/http_limits.py)
    install_log_hygiene()
    one_line_library_errors()
    limit_uvicorn()
    _prepare_index_in_background()
    advisor = Advisor()
    print(f"Answering with: {advisor.describe()}", flush=True)
    local = args.host in ("127.0.0.1", "localhost", "::1")  # a server's GPUs are not its visitors'
    set_process_local(local)
    demo = create_app(advisor, local=local)
    demo.queue(default_concurrency_limit=None, max_size=1000)
    # uploads refused (the app has none), cross-origin writes refused, request bodies limited;
    # Gradio's own per-session state kept for at most as many sessions as ours
    # quiet: Gradio's own start-up lines include a "set share=True" hint, which this app never does
    demo.launch(server_name=args.host, server_port=args.port, share=False, show_error=False, quiet=True,
                css=PAGE_CSS, js=PAGE_JS, prevent_thread_lock=True,
                max_file_size="1mb", app_kwargs={"middleware": [guard_middleware(args.host)]},
                state_session_capacity=sessions.max_sessions, max_threads=64)
    print(f"Open {demo.local_url} in a browser (Ctrl+C stops the app).", flush=True)
    demo.block_thread()
    return 0


if __name__ == "__main__":
    sys.exit(main())
