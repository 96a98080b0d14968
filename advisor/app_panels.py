"""Two panels of the app, built inside its gr.Blocks (kept out of app.py so that file stays the chat's):

- "Size a model": pick a config.json (the browser reads it and sends its text, at most 1 MiB; the app's file
  upload endpoint stays refused and nothing is written to disk) or paste a Hugging Face repo id; the calculators
  size it, and it becomes the model for chat questions that name none.
- "This machine" (only when the app runs locally, bound to a loopback address): the GPUs detected here, set as
  "My GPU", and the ranked list of catalog models that run on them.
"""

from __future__ import annotations

import gradio as gr

from tools.models import UPLOAD_MAX_BYTES

# The file never goes through Gradio's upload route (refused by advisor.web.RequestGuard): the browser reads at most
# one byte over the limit, so an oversize file is refused by the server with its message, not sent whole.
READ_CONFIG_JS = f"""async (text, name, hub) => {{
  const input = document.getElementById('config-file');
  const f = input && input.files && input.files[0];
  if (!f) return ['', '', hub];
  const body = await f.slice(0, {UPLOAD_MAX_BYTES + 1}).text();
  return [body, f.name, hub];
}}"""

FILE_INPUT_HTML = ('<label for="config-file">config.json (at most 1 MiB; read in your browser, not uploaded as a '
                   'file)</label><br><input type="file" id="config-file" accept=".json,application/json">')


def add_size_panel(gpu, count) -> None:
    """The "Size a model" accordion. The sized model's id is kept on the browser session (advisor.web.Session
    .my_model), where the chat takes it as the model of questions that name none."""
    from advisor.upload import size_model
    from advisor.web import sessions

    with gr.Accordion("Size a model: config.json or Hugging Face id", open=False, elem_id="size-model"):
        gr.HTML(FILE_INPUT_HTML)
        hub = gr.Textbox(label="or a Hugging Face repo id", placeholder="Qwen/Qwen2.5-7B-Instruct", max_lines=1,
                         elem_id="hub-id")
        go = gr.Button("Size it", elem_id="size-it")
        out = gr.Markdown(elem_id="size-result")
        text = gr.Textbox(visible=False)
        name = gr.Textbox(visible=False)

    def size(config_text, filename, hub_id, gpu_id, n, request: gr.Request = None):
        gpu_id = gpu_id if isinstance(gpu_id, str) and gpu_id not in ("", "(none)") else None
        try:
            n = max(1, min(64, int(n or 1)))
        except (TypeError, ValueError):
            n = 1
        clean = filename.replace("\\", "/").rsplit("/", 1)[-1][:80] if isinstance(filename, str) and filename else \
            "config.json"
        sized = size_model(config_text, hub_id, gpu_id, n, filename=clean)
        if sized.model_id:
            session = sessions.get(getattr(request, "session_hash", None))
            with session.lock:
                session.my_model = sized.model_id
        return sized.markdown

    go.click(size, [text, name, hub, gpu, count], [out], js=READ_CONFIG_JS, api_name=False, concurrency_limit=None)


def add_machine_panel(gpu, count) -> None:
    """The "This machine" button (local runs): detect, set My GPU and How many, list what runs."""
    from advisor.machine import detect_machine
    from advisor.machine_text import rankings, what_runs_text

    button = gr.Button("This machine: detect my GPUs", elem_id="this-machine")
    out = gr.Markdown(elem_id="machine-result")

    def detect():
        machine = detect_machine()
        group = machine.group()
        if group is None:
            return gr.update(), gr.update(), what_runs_text(machine, [], markdown=True)
        results = rankings(group[0], group[1], limit=10)
        return group[0], group[1], what_runs_text(machine, results, markdown=True)

    button.click(detect, None, [gpu, count, out], api_name=False, concurrency_limit=None)
