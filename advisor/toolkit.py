"""The calculators as tools for a model: JSON schemas built from each calculator's request record, and one
way to run a call whatever the front end (the LLM engine, the MCP server).

Lean schemas: every call to a model carries them, so each tool shows only the arguments people actually
ask about (CORE); the others are still accepted when sent. Types and choices come from the record (enums
included, so the model sees the valid values); bounds and defaults stay in the calculator, which applies
and states them, and answers an out-of-range value with an error naming the fix.

Error policy: input the model can correct (unknown tool or argument, a bad value, an unknown GPU) comes back
as "Error: ..." naming the valid choices, so the model can retry; anything else is a bug and propagates."""

from __future__ import annotations

import dataclasses
import json
import typing
from functools import cache
from typing import Any

from pydantic import Field, TypeAdapter, ValidationError, create_model

from tools.errors import AdvisorInputError

from .answer import ToolCallRecord
from .registry import TOOLS, ToolSpec, registry, result_dict, run_tool
from .toolcalls import repair_json

MAX_LIST = 20  # long lists are cut for the model; the Answer's records keep results whole
# bulky fields the model does not need: every plan option (by_cost/by_speed keep the best), GPU spec sources
DROP = {"recommend_hardware": {"options"}, "lookup_gpu": {"sources", "aliases"}, "lookup_model": {"config_source"},
        "estimate_cost": {"note", "source"}}
CORE = {d.name: d.core for d in TOOLS}  # the arguments each lean schema lists (advisor/registry.py)


def _short(description: str) -> str:
    """The description up to its first ';' (the rest restates defaults the calculator applies anyway)."""
    head = description.split(";")[0].strip()
    return head.split(" (")[0] if head.count("(") > head.count(")") else head


def _type_schema(hint: Any) -> dict:
    schema = TypeAdapter(hint).json_schema()
    options = [s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]
    out = dict(options[0]) if len(options) == 1 else {"anyOf": options}
    for key in ("title", "default", "exclusiveMinimum", "minimum", "maximum", "exclusiveMaximum"):
        out.pop(key, None)
    return out


@cache
def tool_schema(name: str, lean: bool = True) -> dict:
    """The JSON schema of a tool's arguments (OpenAI function format), from its request record."""
    spec = registry()[name]
    hints = typing.get_type_hints(spec.request)
    props, required = {}, []
    for f in dataclasses.fields(spec.request):
        is_required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING  # type: ignore[misc]
        if lean and f.name not in CORE.get(name, ()) and not is_required:
            continue
        prop = _type_schema(hints[f.name])
        desc = f.metadata.get("description", "")
        if desc and not (lean and "enum" in prop):  # the choices say it
            prop["description"] = _short(desc) if lean else desc
        props[f.name] = prop
        if is_required:
            required.append(f.name)
    params = {"type": "object", "properties": props, "required": required}
    return {"type": "function", "function": {"name": name, "description": spec.description, "parameters": params}}


NOT_FOR_LLM = frozenset(d.name for d in TOOLS if not d.for_llm)  # declared in advisor/registry.py


def openai_tools(lean: bool = True) -> list[dict]:
    return [tool_schema(n, lean) for n in registry() if n not in NOT_FOR_LLM]


@cache
def _validator(name: str):
    """A pydantic model of every field of the request (with its bounds), to coerce "2" -> 2 and name errors."""
    spec: ToolSpec = registry()[name]
    hints = typing.get_type_hints(spec.request)
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(spec.request):
        bounds = {k: f.metadata[k] for k in ("gt", "ge", "le") if k in f.metadata}
        fields[f.name] = (hints[f.name] | None, Field(None, **bounds))
    return create_model(f"{name}_args", **fields)


def validate_args(name: str, raw: Any) -> dict:
    """Arguments as the calculator takes them; AdvisorInputError (listing the valid choices) otherwise."""
    if name not in registry():
        raise AdvisorInputError(f"unknown tool '{name}'. The tools are: {', '.join(registry())}.")
    args = repair_json(raw)
    if not isinstance(args, dict):
        raise AdvisorInputError(f"the arguments of {name} must be a JSON object, e.g. "
                                f"{json.dumps(_example(name))}; got {str(raw)[:120]!r}.")
    known = [f.name for f in dataclasses.fields(registry()[name].request)]
    unknown = sorted(set(args) - set(known))
    if unknown:
        raise AdvisorInputError(f"{name} does not take {', '.join(unknown)}; it takes {', '.join(known)}.")
    try:
        parsed = _validator(name).model_validate(args)
    except ValidationError as exc:
        parts = [f"{'.'.join(str(x) for x in e.get('loc', ()))}: {e.get('msg', '')}" for e in exc.errors()]
        raise AdvisorInputError(f"invalid arguments for {name} - " + "; ".join(parts)) from None
    return {k: v for k, v in parsed.model_dump(exclude_unset=True).items() if v is not None}


# result fields a model may write back as if they were an answer or arguments (with every argument name)
RESULT_FIELDS = frozenset({"fits", "verdict", "required_gib", "available_gib", "headroom_gib", "per_gpu_gib",
                           "total_gib", "breakdown_gib", "decode_tokens_per_s", "prefill_tokens_per_s", "hours",
                           "gpu_hours", "usd", "usd_per_hour", "usd_per_gpu_hour", "by_cost", "by_speed", "options"})


@cache
def parameter_names(name: str) -> frozenset[str]:
    spec = registry().get(name)
    return frozenset(f.name for f in dataclasses.fields(spec.request)) if spec else frozenset()


@cache
def field_names() -> frozenset[str]:
    """Every tool's argument names and the common result fields: a JSON object made of them is not an answer."""
    return frozenset().union(*(parameter_names(n) for n in registry())) - {"name", "query", "k"} | RESULT_FIELDS


def _example(name: str) -> dict:
    required = tool_schema(name)["function"]["parameters"]["required"]
    return {k: "..." for k in required}


def compact(value: Any, drop: frozenset | set = frozenset()) -> Any:
    if isinstance(value, list):
        return [compact(v, drop) for v in value[:MAX_LIST]]
    if isinstance(value, dict):
        return {k: compact(v, drop) for k, v in value.items() if k not in drop}
    return value


def execute(name: str, raw_args: Any, guard=None) -> tuple[ToolCallRecord, str]:
    """Run one call: the record for the Answer, and the text the model gets back (JSON, or "Error: ...").
    guard(name, args): None, or why the (validated) arguments contradict the question; then the call is not
    run and the reason is its error (advisor.contract)."""
    args = raw_args if isinstance(raw_args, dict) else {}
    try:
        args = validate_args(name, raw_args)
        refused = guard(name, args) if guard is not None else None
        if refused:
            raise AdvisorInputError(refused)
        result = result_dict(run_tool(name, args))
    except AdvisorInputError as exc:
        message = f"Error: {exc}"
        return ToolCallRecord(tool=name, args=args, result=message, error=message), message
    content = json.dumps(compact(result, DROP.get(name, set())), ensure_ascii=False, default=str)
    return ToolCallRecord(tool=name, args=args, result=result), content
