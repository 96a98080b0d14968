"""`gpu-advisor mcp`: the ten calculators as an MCP server (the official `mcp` SDK), for Claude Desktop, Cursor,
VS Code or any MCP client. stdio by default; streamable HTTP on 127.0.0.1 with `--http --port`.

Same names, argument schemas (from each calculator's request record, every argument listed) and error policy
as the LLM engine (advisor/toolkit.py): input a client can correct - an unknown model or GPU, a value out of
range - comes back as a tool error naming the fix (is_error), never a crash; local config paths are refused
as in every non-CLI front end."""

from __future__ import annotations

import dataclasses
import inspect
import typing
from typing import Annotated, Any

INSTRUCTIONS = ("GPU sizing for LLMs: memory, fit, speed, training time and cost, computed from catalogs with "
                "sources. Quote the numbers the tools return; each result lists its assumptions.")


def _signature(name: str) -> inspect.Signature:
    """A keyword-only signature mirroring the request record, so the SDK lists the record's types, choices and
    descriptions. Bounds are left to validate_args, whose errors name the fix in our words."""
    from pydantic import Field

    from .registry import registry

    spec = registry()[name]
    hints = typing.get_type_hints(spec.request)
    params = []
    for f in dataclasses.fields(spec.request):
        desc = f.metadata.get("description") or None
        if f.default is not dataclasses.MISSING:
            hint, default = hints[f.name] | None if f.default is None else hints[f.name], f.default
        elif f.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
            hint, default = hints[f.name] | None, None
        else:
            hint, default = hints[f.name], inspect.Parameter.empty
        params.append(inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=default,
                                        annotation=Annotated[hint, Field(description=desc)]))
    return inspect.Signature(params, return_annotation=dict[str, Any])


def _tool(name: str):
    from mcp.server.mcpserver.exceptions import ToolError

    from tools.errors import AdvisorInputError

    from .registry import result_dict, run_tool
    from .toolkit import validate_args

    def call(**kwargs: Any) -> dict[str, Any]:
        try:
            result = result_dict(run_tool(name, validate_args(name, kwargs)))
        except AdvisorInputError as exc:
            raise ToolError(str(exc)) from None
        return {"results": result} if isinstance(result, list) else result

    call.__name__ = name
    call.__signature__ = _signature(name)  # type: ignore[attr-defined]
    return call


def build_server():
    """The MCP server with every registry tool on it (no transport started)."""
    try:
        from mcp.server.mcpserver import MCPServer
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise RuntimeError("The MCP server needs the official SDK: pip install 'mcp>=2.3'") from exc
    from .registry import registry

    server = MCPServer(name="gpu-advisor", instructions=INSTRUCTIONS, log_level="WARNING")
    for spec in registry().values():
        server.add_tool(_tool(spec.name), name=spec.name, description=spec.description)
    return server


def http_app(server, host: str = "127.0.0.1"):
    """The streamable HTTP app (path /mcp) behind the host allow-list (advisor/hosts.py): a request for a
    host name that is not this server's (DNS rebinding) gets 421, on any bind address, not only loopback."""
    from mcp.server.transport_security import TransportSecuritySettings

    from .hosts import HostGuard, HostPolicy

    policy = HostPolicy(host)
    security = None if policy.any_ip or policy.off else TransportSecuritySettings(
        enable_dns_rebinding_protection=True, allowed_hosts=policy.mcp_hosts(),
        allowed_origins=[f"http://{h}" for h in policy.mcp_hosts()] + [f"https://{h}" for h in policy.mcp_hosts()])
    return HostGuard(server.streamable_http_app(host=host, transport_security=security), policy, "mcp")


def main(http: bool = False, host: str = "127.0.0.1", port: int = 8000) -> None:
    server = build_server()
    if not http:
        server.run("stdio")
        return
    import uvicorn

    from .http_limits import server_limits

    config = uvicorn.Config(http_app(server, host), host=host, port=port, log_level="warning", access_log=False,
                            server_header=False, **server_limits())
    uvicorn.Server(config).run()


if __name__ == "__main__":  # python -m advisor.mcp_server (the stdio server)
    main()
