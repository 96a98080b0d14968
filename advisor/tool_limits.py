"""A time limit on every tool call (the offline engine and the LLM agent both run tools through
advisor.registry.run_tool, which calls run_with_time_limit).

The tools are pure calculators that answer in milliseconds; a call that runs on (a pathological input, a
slow disk, a hung Hub lookup) must not hold an answer, a Slack worker or a chat session forever. Python
cannot kill a thread, so the call runs on a daemon thread and the caller stops waiting at the limit: it gets a
one-line error, the stray thread ends on its own and never blocks the process from exiting. The calling
context (contextvars: e.g. the CLI's permission to read a local config.json) goes with the call."""

from __future__ import annotations

import contextvars
import logging
import threading
from collections.abc import Callable
from typing import Any

from tools.errors import AdvisorInputError

log = logging.getLogger("gpu-advisor.tools")

TOOL_TIME_LIMIT_S = 15.0  # calculators take milliseconds; 15 s allows a loaded 2-core machine a 1000x margin
TIME_LIMITS_S = {
    "search_guidance": 120.0,  # may (re)build the guidance index first: ~30 s on a busy 2-core machine
}


class ToolTimeoutError(AdvisorInputError):
    """A tool call ran past its time limit."""


def time_limit_s(name: str) -> float:
    return TIME_LIMITS_S.get(name, TOOL_TIME_LIMIT_S)


def run_with_time_limit(name: str, fn: Callable[..., Any], *args: Any, limit_s: float | None = None) -> Any:
    """fn(*args), or ToolTimeoutError once it has run `limit_s` seconds (default: the tool's limit)."""
    limit = time_limit_s(name) if limit_s is None else limit_s
    context = contextvars.copy_context()
    outcome: dict[str, Any] = {}
    done = threading.Event()

    def work() -> None:
        try:
            outcome["value"] = context.run(fn, *args)
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller's thread below
            outcome["error"] = exc
        finally:
            done.set()

    threading.Thread(target=work, name=f"tool-{name}", daemon=True).start()
    if not done.wait(limit):
        log.warning("tool %s stopped after its %g s time limit", name, limit)
        raise ToolTimeoutError(f"{name} did not finish within {limit:g} s; try a smaller request (fewer GPUs, "
                               "a shorter context) or try again.")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
