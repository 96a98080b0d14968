"""Limits for the HTTP servers this package runs with uvicorn (the Slack bot's HTTP mode, the app).

- A header deadline: a client has HEADER_TIMEOUT_S from connecting (or from the previous response on a
  kept-alive connection) to send a request's headers; uvicorn alone keeps a connection that trickles its
  headers a byte at a time open for ever.
- Header size: at most MAX_HEADER_BYTES for the request line and headers together (431-style close).
- JSON depth: `json_depth_ok` finds nesting deeper than MAX_JSON_DEPTH without parsing (Python's parser
  raises RecursionError on a deep enough body).
"""

from __future__ import annotations

HEADER_TIMEOUT_S = 10.0
MAX_HEADER_BYTES = 16 * 1024
MAX_JSON_DEPTH = 64


def header_deadline_protocol(timeout_s: float = HEADER_TIMEOUT_S, max_header_bytes: int = MAX_HEADER_BYTES):
    """uvicorn's HTTP protocol (httptools when installed, else h11) with a deadline and a size limit for each
    request's headers (pass as uvicorn.Config(http=...)). A connection that misses either is closed."""
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as Base
    except ImportError:
        from uvicorn.protocols.http.h11_impl import H11Protocol as Base

    class HeaderLimitedProtocol(Base):
        def connection_made(self, transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._headers_of, self._header_bytes, self._deadline = None, 0, None
            self._await_headers()

        def _await_headers(self) -> None:
            self._header_bytes = 0
            if self._deadline is None and not self.transport.is_closing():
                self._deadline = self.loop.call_later(timeout_s, self._too_slow)

        def data_received(self, data: bytes) -> None:
            if self._deadline is not None:
                self._header_bytes += len(data)
            super().data_received(data)
            if self.cycle is not None and self.cycle is not self._headers_of:  # a new request's headers are in
                self._headers_of = self.cycle
                self._stop_deadline()
            elif self._deadline is not None and self._header_bytes > max_header_bytes:  # still no end of headers
                self._close(b"HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\n"
                            b"Connection: close\r\n\r\n")

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._await_headers()

        def connection_lost(self, exc) -> None:
            self._stop_deadline()
            super().connection_lost(exc)

        def _stop_deadline(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _too_slow(self) -> None:
            self._deadline = None
            if self.cycle is self._headers_of:
                self._close(b"")

        def _close(self, reply: bytes) -> None:
            self._stop_deadline()
            if not self.transport.is_closing():
                if reply:
                    self.transport.write(reply)
                self.transport.close()

    return HeaderLimitedProtocol


def server_limits(header_timeout_s: float = HEADER_TIMEOUT_S) -> dict:
    """uvicorn.Config keyword arguments: the h11 protocol with the header deadline and size limit."""
    return {"http": header_deadline_protocol(header_timeout_s), "h11_max_incomplete_event_size": MAX_HEADER_BYTES,
            "timeout_keep_alive": 5}


def json_depth_ok(text: str, max_depth: int = MAX_JSON_DEPTH) -> bool:
    """False when JSON text nests objects/arrays deeper than `max_depth` (brackets inside strings do not
    count); linear time, no parsing."""
    depth, in_string, escaped = 0, False, False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > max_depth:
                return False
        elif ch in "]}":
            depth -= 1
    return True


def limit_uvicorn() -> None:
    """Servers started later in this process by a library (Gradio's launch) get the same limits: uvicorn's
    Config defaults to the header-deadline protocol, 16 KiB of headers and a 5 s keep-alive."""
    import uvicorn

    if getattr(uvicorn.Config, "_advisor_limited", False):
        return
    original = uvicorn.Config.__init__

    def init(self, app, *args, **kwargs):
        for key, value in server_limits().items():
            kwargs.setdefault(key, value)
        original(self, app, *args, **kwargs)

    uvicorn.Config.__init__ = init
    uvicorn.Config._advisor_limited = True
