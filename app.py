"""gpu-advisor chat: a Gradio front end over advisor.Advisor. Run: python app.py (or gpu-advisor serve).

Binds 127.0.0.1 unless told otherwise (--host / GRADIO_SERVER_NAME) and never shares publicly."""

from __future__ import annotations

import argparse
import html
import json
import logging
import os
import sys

import gradio as gr

from advisor.answer import Answer
from advisor.core import MAX_QUESTION_CHARS, Advisor

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


def _gpu_choices() -> list[str]:
    from tools.gpus import all_gpus

    return ["(none)"] + [g.id for g in all_gpus()]


def work_markdown(answer: Answer) -> str:
    """The "show work" panel: every tool call with its inputs and result, the sources, any warning."""
    parts = [f"**Engine:** {answer.engine}"]
    if answer.warnings:
        parts.append("**Warnings**\n" + "\n".join(f"- {html.escape(w)}" for w in answer.warnings))
    for i, c in enumerate(answer.calls, 1):
        result = json.dumps(c.result, ensure_ascii=False, indent=1, default=str)
        if len(result) > 6000:
            result = result[:6000] + "\n... (cut; the full result is in the JSON answer)"
        parts.append(f"**{i}. `{c.tool}`** `{json.dumps(c.args, ensure_ascii=False)}`\n```json\n{result}\n```")
    if answer.sources:
        parts.append("**Sources**\n" + "\n".join(f"- {s.citation}" for s in answer.sources))
    return "\n\n".join(parts)


def _text(content) -> str:
    """A chat message's text: Gradio sends a string, or a list of parts like {"type": "text", "text": ...}."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text") or content.get("value") or "")
    if isinstance(content, list):
        return "".join(_text(p) for p in content)
    return ""


def _chunks(text: str, n: int = 12):
    """The answer in growing pieces, so it streams onto the page."""
    step = max(1, len(text) // n)
    for end in range(step, len(text) + step, step):
        yield text[: min(end, len(text))]


def _defaults(gpu: str | None, count: float | None, precision: str | None, context: float | None) -> dict:
    out: dict = {}
    if gpu and gpu != "(none)":
        out["gpu"], out["gpu_count"] = gpu, int(count or 1)
    if precision and precision != "(auto)":
        out["precision"] = precision
    if context:
        out["context"] = int(context)
    return out


def make_respond(advisor: Advisor):
    def respond(message, chat_history, gpu, count, precision, context):
        from advisor.charts import chart_for

        chat_history = list(chat_history or [])
        question = (message or "").strip()
        if not question:
            yield chat_history, "", gr.update(), gr.update()
            return
        if len(question) > MAX_QUESTION_CHARS:
            question = question[:MAX_QUESTION_CHARS]
        history = [{"role": m["role"], "content": _text(m.get("content"))} for m in chat_history
                   if isinstance(m, dict) and m.get("role") in ("user", "assistant")]
        chat_history.append({"role": "user", "content": question})
        try:
            answer = advisor.ask(question, history, defaults=_defaults(gpu, count, precision, context))
        except Exception:  # noqa: BLE001 - the page never shows a traceback
            log.exception("advisor failed")
            chat_history.append({"role": "assistant", "content": "Sorry, something went wrong on our side while "
                                 "answering. Try rephrasing, or ask about one model and one GPU."})
            yield chat_history, "", gr.update(), gr.update()
            return
        text = answer.text + ("".join(f"\n\n> ⚠️ {w}" for w in answer.warnings) if answer.warnings else "")
        chat_history.append({"role": "assistant", "content": ""})
        for partial in _chunks(text):
            chat_history[-1] = {"role": "assistant", "content": partial}
            yield chat_history, "", gr.update(), gr.update()
        try:
            figure = chart_for(answer)
        except Exception:  # noqa: BLE001 - a chart is a bonus
            log.exception("chart failed")
            figure = None
        yield chat_history, "", work_markdown(answer), (figure if figure is not None else None)

    return respond


def create_app(advisor: Advisor | None = None) -> gr.Blocks:
    """The UI, without starting a server (tests build it directly)."""
    advisor = advisor or Advisor()
    engine_line = advisor.describe()
    switch = ("" if advisor.engine_name == "llm" else
              " To answer with an LLM, set `OPENAI_API_KEY` (or `OPENAI_BASE_URL` for a local OpenAI-compatible "
              "server such as vLLM or Ollama) and `ADVISOR_MODEL`, then restart.")
    with gr.Blocks(title="gpu-advisor") as demo:
        gr.Markdown("# gpu-advisor\nWhich GPUs, how many, how fast, what cost - every number is computed by our "
                    "calculators, never guessed.")
        gr.Markdown(f"**Answering with:** {engine_line}.{switch}", elem_id="engine-banner")
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(label="Conversation", height=480, elem_id="chat", sanitize_html=True)
                with gr.Row():
                    msg = gr.Textbox(placeholder="Ask e.g. 'Can I fine-tune 13B with LoRA on one 4090?'", scale=5,
                                     show_label=False, elem_id="question", max_lines=6)
                    send = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
                gr.Examples(EXAMPLES, inputs=msg, label="Try")
                with gr.Accordion("Show work: tool calls, sources and chart", open=False, elem_id="show-work"):
                    chart = gr.Plot(label="Chart", elem_id="chart")
                    work = gr.Markdown(elem_id="work")
            with gr.Column(scale=1):
                gr.Markdown("### My defaults\nUsed when a question does not say.")
                gpu = gr.Dropdown(_gpu_choices(), value="(none)", label="My GPU", elem_id="default-gpu")
                count = gr.Number(value=1, minimum=1, maximum=64, precision=0, label="How many")
                precision = gr.Dropdown(["(auto)", "bf16", "fp8", "int8", "awq-4bit", "q4_k_m", "nf4"],
                                        value="(auto)", label="Precision")
                context = gr.Number(value=0, minimum=0, maximum=1_048_576, precision=0,
                                    label="Context in tokens (0 = the default)")
        respond = make_respond(advisor)
        inputs = [msg, chatbot, gpu, count, precision, context]
        outputs = [chatbot, msg, work, chart]
        msg.submit(respond, inputs, outputs, api_name=False)
        send.click(respond, inputs, outputs, api_name=False)
        api_q = gr.Textbox(visible=False)
        api_out = gr.Textbox(visible=False)
        api_btn = gr.Button(visible=False)
        api_btn.click(lambda q: ask_api(advisor, q), api_q, api_out, api_name="ask")
    return demo


def ask_api(advisor: Advisor, question: str) -> str:
    """The programmatic endpoint (/ask): the Answer as JSON."""
    return advisor.ask(question or "").model_dump_json()


def _prepare_index_in_background() -> None:
    """Build (first start, ~12 s) or open the guidance index while the page starts serving; until it is
    ready, answers cite guidance by keyword and concept questions wait for it."""
    import threading

    from knowledge import build_index

    def run() -> None:
        print("Preparing the guidance index (built on first start, ~15 s)...", flush=True)
        try:
            status = build_index()
            print(f"Guidance index {status.action}: {status.chunks} passages ({status.seconds:.1f} s).", flush=True)
        except Exception as exc:  # noqa: BLE001 - the calculators still answer without guidance
            log.error("The guidance index could not be prepared (%s); answers will cite no guidance.", exc)

    threading.Thread(target=run, name="index", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="gpu-advisor chat app")
    ap.add_argument("--host", default=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
                    help="interface to bind (default 127.0.0.1; use 0.0.0.0 to serve your network)")
    ap.add_argument("--port", type=int, default=int(os.environ.get("GRADIO_SERVER_PORT", "7860")))
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    _prepare_index_in_background()
    advisor = Advisor()
    print(f"Answering with: {advisor.describe()}", flush=True)
    demo = create_app(advisor)
    demo.queue(default_concurrency_limit=8)
    demo.launch(server_name=args.host, server_port=args.port, share=False, show_error=False, quiet=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
