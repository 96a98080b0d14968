"""A scripted OpenAI-compatible chat server on loopback: exercises langchain-openai's real wire format
(tool calls, parallel calls, tool results, streaming) without a real model."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# request messages -> {"content": str} or {"tool_calls": [(name, args)]} (args a dict, or a raw string sent as is);
# a reply that raises is answered with HTTP 500, and {"hang": seconds} holds the request that long
Reply = Callable[[list[dict]], dict]


class StubServer:
    def __init__(self, replies: list[Reply], repeat_last: bool = False) -> None:
        self.replies = list(replies)
        self.repeat_last = repeat_last  # keep answering with the last reply (a model that never stops)
        self.release = threading.Event()
        self.requests: list[dict] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                stub.requests.append(body)
                step = stub.replies.pop(0) if len(stub.replies) > 1 or not stub.repeat_last else stub.replies[0]
                try:
                    reply = step(body["messages"])
                except Exception as exc:  # noqa: BLE001 - what a crashing model server does
                    return self._json({"error": {"message": str(exc), "type": "server_error"}}, status=500)
                if reply.get("hang"):
                    stub.release.wait(reply["hang"])
                    return None
                if body.get("stream"):
                    self._stream(body, reply)
                else:
                    self._json(_completion(body, reply))

            def _json(self, data, status=200):
                raw = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _stream(self, body, reply):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for chunk in _chunks(body, reply):
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.write(b"data: [DONE]\n\n")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def _tool_calls(reply: dict) -> list[dict]:
    return [{"id": f"call_{i}", "type": "function",
             "function": {"name": n, "arguments": a if isinstance(a, str) else json.dumps(a)}}
            for i, (n, a) in enumerate(reply.get("tool_calls", []))]


def _completion(body: dict, reply: dict) -> dict:
    calls = _tool_calls(reply)
    msg = {"role": "assistant", "content": reply.get("content")}
    if calls:
        msg["tool_calls"] = calls
    return {"id": "chatcmpl-stub", "object": "chat.completion", "created": 0, "model": body.get("model", "stub"),
            "choices": [{"index": 0, "message": msg, "finish_reason": "tool_calls" if calls else "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}


def _chunks(body: dict, reply: dict):
    base = {"id": "chatcmpl-stub", "object": "chat.completion.chunk", "created": 0, "model": body.get("model", "stub")}
    yield base | {"choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]}
    for i, call in enumerate(_tool_calls(reply)):
        args = call["function"]["arguments"]
        half = len(args) // 2  # split the arguments over two chunks, as real servers do
        yield base | {"choices": [{"index": 0, "delta": {"tool_calls": [{"index": i, "id": call["id"], "type": "function",
                                   "function": {"name": call["function"]["name"], "arguments": args[:half]}}]},
                                   "finish_reason": None}]}
        yield base | {"choices": [{"index": 0, "delta": {"tool_calls": [{"index": i, "function": {"arguments": args[half:]}}]},
                                   "finish_reason": None}]}
    text = reply.get("content") or ""
    for piece in (text[: len(text) // 2], text[len(text) // 2:]):
        if piece:
            yield base | {"choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
    yield base | {"choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls" if reply.get("tool_calls") else "stop"}]}


def tool_results(messages: list[dict]) -> dict[str, dict]:
    """Tool results the client sent back, keyed by tool_call_id."""
    return {m["tool_call_id"]: json.loads(m["content"]) for m in messages if m.get("role") == "tool"
            and m.get("content", "").startswith(("{", "["))}
