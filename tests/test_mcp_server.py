"""`gpu-advisor mcp` with the official MCP SDK's own client: over stdio (a real subprocess) and over
streamable HTTP on loopback."""

import os
import subprocess
import sys
import time
from pathlib import Path

import anyio
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from advisor.registry import registry, result_dict, run_tool
from tests.fakes import free_port

ROOT = Path(__file__).resolve().parents[1]
FIT = {"model": "llama-2-13b", "gpu": "rtx-4090", "method": "lora"}


async def _session_calls(read, write):
    async with ClientSession(read, write) as s:
        await s.initialize()
        tools = (await s.list_tools()).tools
        fit = await s.call_tool("check_fit", FIT)
        bad_model = await s.call_tool("check_fit", {"model": "no-such-model-xyz", "gpu": "rtx-4090"})
        bad_value = await s.call_tool("check_fit", FIT | {"batch": 0})
        path = await s.call_tool("lookup_model", {"name": "/etc/passwd"})
        after = await s.call_tool("lookup_gpu", {"name": "h100"})  # the server survived the errors
        return tools, fit, bad_model, bad_value, path, after


def _env():
    return {**os.environ, "PYTHONPATH": str(ROOT), "GRADIO_ANALYTICS_ENABLED": "False"}


def test_stdio_lists_the_registry_tools_and_returns_real_verdicts_and_tool_errors():
    params = StdioServerParameters(command=sys.executable, args=["-m", "advisor.cli", "mcp"], env=_env(), cwd=str(ROOT))

    async def main():
        async with stdio_client(params) as (read, write):
            return await _session_calls(read, write)

    tools, fit, bad_model, bad_value, path, after = anyio.run(main)
    assert [t.name for t in tools] == list(registry())
    schema = {t.name: t.input_schema for t in tools}["check_fit"]
    assert {"model", "gpu", "lora_rank"} <= set(schema["properties"]) and set(schema["required"]) == {"model", "gpu"}
    expected = result_dict(run_tool("check_fit", FIT))  # the calculator itself, called here
    assert not fit.is_error and fit.structured_content["fits"] is expected["fits"] is False
    assert fit.structured_content["required_gib"] == expected["required_gib"]
    for bad, words in ((bad_model, "no-such-model-xyz"), (bad_value, "batch"), (path, "Local files")):
        assert bad.is_error and words in bad.content[0].text and "Traceback" not in bad.content[0].text
    assert not after.is_error and after.structured_content["memory_gib"] > 70


@pytest.mark.skipif(sys.platform == "win32", reason="subprocess signals")
def test_streamable_http_on_loopback():
    from mcp.client.streamable_http import streamable_http_client

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "advisor.cli", "mcp", "--http", "--port", str(port)], env=_env(),
                            cwd=str(ROOT), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        async def main():
            deadline = time.monotonic() + 60
            while True:
                try:
                    async with streamable_http_client(f"http://127.0.0.1:{port}/mcp") as (read, write, *_):
                        return await _session_calls(read, write)
                except Exception:  # noqa: BLE001 - not listening yet
                    if time.monotonic() > deadline or proc.poll() is not None:
                        raise
                    await anyio.sleep(0.5)

        tools, fit, *_ = anyio.run(main)
        assert len(tools) == 11 and fit.structured_content["fits"] is False  # 11: rank_runnable_models
    finally:
        proc.terminate()
        proc.wait(timeout=10)
