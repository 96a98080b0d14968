"""Which Host headers a local server answers (DNS rebinding defence for the app, Slack HTTP and MCP HTTP).

After DNS rebinding, an attacker's page at http://evil.example:7860 reaches a server on 127.0.0.1 with
both `Host` and `Origin` naming evil.example, so comparing the two proves nothing. The defence is to
answer only Host names this server is known by: 127.0.0.1, localhost, ::1 (any port), the address it
was told to bind (--host), and the names in ADVISOR_ALLOWED_HOSTS (comma-separated; `*` turns the check
off, e.g. behind a proxy that checks it). When bound to every interface (0.0.0.0 or ::) any IP address
and this machine's name are also answered: a rebinding attack needs a domain name, never an address.
"""

from __future__ import annotations

import ipaddress
import os
import socket

LOOPBACK = ("127.0.0.1", "localhost", "::1")
WILDCARD = ("0.0.0.0", "::", "")


def host_name(header: str) -> str:
    """'Example.COM:7860' -> 'example.com'; '[::1]:7860' -> '::1'; a trailing dot goes."""
    value = (header or "").strip().lower()
    if value.startswith("["):
        return value[1:].split("]", 1)[0]
    if value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value.rstrip(".")


def _ip(name: str):
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        return None


class HostPolicy:
    def __init__(self, bind_host: str | None = "127.0.0.1", extra: tuple[str, ...] = ()) -> None:
        bind = host_name(bind_host or "")
        self.any_ip = bind in WILDCARD
        configured = [h for h in os.environ.get("ADVISOR_ALLOWED_HOSTS", "").split(",") if h.strip()]
        self.names = {*LOOPBACK, *(host_name(h) for h in (*extra, *configured))}
        if not self.any_ip:
            self.names.add(bind)
        else:
            self.names.add(socket.gethostname().lower())  # no lookup: the name the machine calls itself
        self.off = "*" in self.names

    def allows(self, header: str | None) -> bool:
        """Is a request with this Host header for us? (No Host: not a browser; HTTP/1.0 tools.)"""
        if self.off or header is None:
            return True
        name = host_name(header)
        if name in self.names:
            return True
        ip = _ip(name)
        return ip is not None and (ip.is_loopback or self.any_ip)

    def refusal(self, header: str | None) -> str:
        return (f"This server does not answer to the host name '{host_name(header or '')[:80]}'. Open it at "
                "http://127.0.0.1 or http://localhost, or name the host in ADVISOR_ALLOWED_HOSTS.")

    def mcp_hosts(self) -> list[str]:
        """The same names as the MCP SDK's TransportSecuritySettings.allowed_hosts (any port)."""
        return sorted({f"[{n}]:*" if ":" in n else f"{n}:*" for n in self.names} | self.names)


class HostGuard:
    """ASGI middleware: requests (and websockets) for a host name that is not this server's get 421."""

    def __init__(self, app, policy: HostPolicy, what: str = "server") -> None:
        self.app, self.policy, self.what = app, policy, what

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] in ("http", "websocket"):
            host = next((v.decode("latin-1") for k, v in scope.get("headers") or [] if k.lower() == b"host"), None)
            if not self.policy.allows(host):
                import json
                import logging

                logging.getLogger("gpu-advisor").warning("%s: refused a request for host %r (not a name of this "
                                                         "server).", self.what, (host or "")[:80])
                if scope["type"] == "websocket":
                    await send({"type": "websocket.close", "code": 1008})
                    return
                body = json.dumps({"error": self.policy.refusal(host)}).encode()
                await send({"type": "http.response.start", "status": 421,
                            "headers": [(b"content-type", b"application/json"),
                                        (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)
