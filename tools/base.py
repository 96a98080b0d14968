"""Records for tool inputs and results: stdlib dataclasses with described, checked fields.

Why not pydantic here: on this project's 2-core machines `import pydantic` plus one model costs
~0.25-0.3 s, the whole start-up budget of `gpu-advisor fit` (bench/startup.py). tools/ therefore
depends on nothing but the standard library. Each field carries its description and bounds in its
metadata, `check()` validates them with fix-it messages, `to_dict`/`to_json` serialise, and
pydantic (in advisor/) can wrap any of these classes with `TypeAdapter` for schemas and
LLM tool arguments.
"""

from __future__ import annotations

import dataclasses
import json
import math
import types
import typing
from functools import cache
from typing import Any, Literal

from .errors import AdvisorInputError

record = dataclasses.dataclass(kw_only=True)


def spec(default: Any = dataclasses.MISSING, description: str = "", *, gt: float | None = None,
         ge: float | None = None, le: float | None = None, factory: Any = dataclasses.MISSING) -> Any:
    """A dataclass field with a description and optional numeric bounds."""
    meta = {"description": description}
    for k, v in (("gt", gt), ("ge", ge), ("le", le)):
        if v is not None:
            meta[k] = v
    if factory is not dataclasses.MISSING:
        return dataclasses.field(default_factory=factory, metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _allowed(tp: Any) -> tuple[tuple | None, tuple[type, ...], bool]:
    """(literal choices, accepted python types, None allowed) for a field type."""
    origin = typing.get_origin(tp)
    if origin is Literal:
        return typing.get_args(tp), (), False
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        choices, kinds, optional = None, (), type(None) in args
        for a in args:
            if a is type(None):
                continue
            c, k, _ = _allowed(a)
            choices = c if c else choices
            kinds += k
        return choices, kinds, optional
    if tp is float:
        return None, (int, float), False
    if isinstance(tp, type):
        return None, (tp,), False
    return None, (), False


@cache
def _rules(cls: type) -> tuple:
    """Per field: (name, flag, choices, kinds, optional, metadata), worked out once per class."""
    hints = _hints(cls)
    return tuple((f.name, "--" + f.name.replace("_", "-"), *_allowed(hints[f.name]), f.metadata)
                 for f in dataclasses.fields(cls))


# No quantity these calculators take is physically above 1e15 (a quadrillion tokens is ~50x all the
# text ever used to train a model); a number beyond it in any field is a typo or an attack, and
# letting it through prints inf or an 80-digit figure. Fields with a tighter `le` use theirs.
MAX_ANY_NUMBER = 1e15
# Below this a positive float means nothing in any unit here (1e-320 tokens divided by zero).
MIN_POSITIVE = 1e-9


def short_number(value: Any) -> str:
    """A number for an error message, never a 40-digit wall: 1e+38, 3.5, 4096, inf."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        text = repr(value)
        return text if len(text) <= 40 else text[:37] + "..."
    if isinstance(value, int):
        if abs(value) < 10**9:
            return str(value)
        try:
            return f"{float(value):.3g}"
        except OverflowError:
            return ("-" if value < 0 else "") + "a number over 1e308"
    if math.isnan(value) or math.isinf(value) or value == 0:
        return str(value)
    return f"{value:.6g}" if 1e-4 <= abs(value) < 1e9 else f"{value:.3g}"


def _bound(v: float) -> str:
    return str(int(v)) if float(v).is_integer() and abs(v) < 1e9 else f"{v:g}"


def _check_number(flag: str, value: float, meta: dict) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise AdvisorInputError(f"{flag} must be a finite number (got {short_number(value)}).")
    if "gt" in meta and not value > meta["gt"]:
        raise AdvisorInputError(f"{flag} must be greater than {_bound(meta['gt'])} (got {short_number(value)}).")
    if "ge" in meta and not value >= meta["ge"]:
        raise AdvisorInputError(f"{flag} must be at least {_bound(meta['ge'])} (got {short_number(value)}).")
    if "le" in meta and not value <= meta["le"]:
        raise AdvisorInputError(f"{flag} must be at most {_bound(meta['le'])} (got {short_number(value)}).")
    if abs(value) > MAX_ANY_NUMBER:
        raise AdvisorInputError(f"{flag} must be at most {_bound(MAX_ANY_NUMBER)} (got {short_number(value)}).")
    if "gt" in meta and meta["gt"] == 0 and "ge" not in meta and value < MIN_POSITIVE:
        raise AdvisorInputError(f"{flag} must be a positive number of sensible size (got {short_number(value)}).")


def check(obj: Any) -> None:
    """Validate an input record's fields: types, Literal choices and numeric bounds (every number
    finite and at most MAX_ANY_NUMBER; error messages never repeat a 40-digit number)."""
    for name, flag, choices, kinds, optional, meta in _rules(type(obj)):
        value = getattr(obj, name)
        if value is None:
            if optional:
                continue
            raise AdvisorInputError(f"{flag} is required.")
        if choices is not None and value not in choices:
            raise AdvisorInputError(f"{flag} must be one of {', '.join(map(str, choices))} "
                                    f"(got {short_number(value)}).")
        if kinds and (not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds)):
            want = "/".join(k.__name__ for k in kinds)
            raise AdvisorInputError(f"{flag} must be a {want} (got {short_number(value)}).")
        if isinstance(value, int | float) and not isinstance(value, bool):
            _check_number(flag, value, meta)


def to_dict(obj: Any) -> Any:
    return dataclasses.asdict(obj)


def to_json(obj: Any, indent: int | None = 2) -> str:
    return json.dumps(to_dict(obj), indent=indent, ensure_ascii=False)


def replace(obj: Any, **changes: Any) -> Any:
    """A copy with some fields changed, re-validated when the record validates itself."""
    return dataclasses.replace(obj, **changes)


def describe(cls: type) -> dict[str, str]:
    """Field descriptions, for schemas and help texts."""
    return {f.name: f.metadata.get("description", "") for f in dataclasses.fields(cls)}
