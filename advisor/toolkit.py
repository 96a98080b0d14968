"""The calculators as LangChain tools. Each tool's args_schema is built from the calculator's own
request record (field types, defaults and descriptions), so the model sees what every argument means.

Error policy: input the model can correct (unknown GPU, impossible size) comes back as "Error: ..."
naming the valid choices, so the model can retry; anything else is a bug and propagates (logged)."""

from __future__ import annotations

import dataclasses
import json
import logging
import typing
from typing import Any

from langchain_core.tools import StructuredTool, ToolException
from pydantic import Field, create_model

from tools.errors import AdvisorInputError

from .registry import ToolSpec, registry, result_dict, run_tool

log = logging.getLogger(__name__)
MAX_LIST = 20  # long lists are cut for the model; the Answer's records keep results whole
# bulky fields the model does not need: every plan option (by_cost/by_speed keep the best), GPU spec sources
DROP = {"recommend_hardware": {"options"}, "lookup_gpu": {"sources"}, "lookup_model": {"config_source"}}


def args_schema(spec: ToolSpec):
    """A pydantic model mirroring the request dataclass: same names, types, defaults, descriptions."""
    hints = typing.get_type_hints(spec.request)
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(spec.request):
        desc = f.metadata.get("description", "")
        if f.default is not dataclasses.MISSING:
            default = f.default
        elif f.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
            default = None
        else:
            default = ...
        bounds = {k: f.metadata[k] for k in ("gt", "ge", "le") if k in f.metadata}
        fields[f.name] = (hints[f.name], Field(default, description=desc or None, **bounds))
    return create_model(f"{spec.name}_args", **fields)


def compact(value: Any, drop: frozenset | set = frozenset()) -> Any:
    if isinstance(value, list):
        return [compact(v, drop) for v in value[:MAX_LIST]]
    if isinstance(value, dict):
        return {k: compact(v, drop) for k, v in value.items() if k not in drop}
    return value


def _make_tool(spec: ToolSpec) -> StructuredTool:
    def run(**kwargs: Any) -> str:
        args = {k: v for k, v in kwargs.items() if v is not None}
        try:
            result = result_dict(run_tool(spec.name, args))
        except AdvisorInputError as exc:
            raise ToolException(f"Error: {exc}") from exc
        return json.dumps(compact(result, DROP.get(spec.name, set())), ensure_ascii=False, default=str)

    return StructuredTool.from_function(func=run, name=spec.name, description=spec.description,
                                        args_schema=args_schema(spec), handle_tool_error=True,
                                        handle_validation_error=_validation_message)


def _validation_message(exc: Exception) -> str:
    """Arguments outside the schema (batch 0, a wrong type) go back to the model to correct."""
    errors = getattr(exc, "errors", lambda: [])()
    parts = [f"{'.'.join(str(x) for x in e.get('loc', ()))}: {e.get('msg', '')}" for e in errors] or [str(exc)]
    return "Error: invalid arguments - " + "; ".join(parts)


def build_toolkit() -> list[StructuredTool]:
    return [_make_tool(s) for s in registry().values()]
