"""Which validation rows does each model constant move?

Scales every module-level numeric constant of the calculators (each entry of a dict of numbers on
its own) by +25%, re-runs every validation case, and lists the rows whose estimate moved by more
than 0.5%. A constant that moves no row is not checked by any measurement: its comment must name a
source, or the answer must state it as an assumption. Prints a table; `--markdown` prints it as
Markdown (bench/validate.py embeds it in docs/validation.md).

Run: python bench/sensitivity.py
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MODULES = ("tools.memory_inference", "tools.memory_training", "tools.throughput", "tools.training",
           "tools.training_speed")
STEP = 1.25
MOVED = 0.005


def constants() -> list[tuple[str, str, str | None]]:
    """(module, NAME, dict key or None) for every numeric constant."""
    out = []
    for modname in MODULES:
        mod = importlib.import_module(modname)
        for name, value in vars(mod).items():
            if not name.isupper() or name.startswith("_") or getattr(value, "__module__", None):
                continue
            if _is_number(value) and _defined_in(mod, name):
                out.append((modname, name, None))
            elif isinstance(value, dict) and value and all(_is_number(v) for v in value.values()) \
                    and _defined_in(mod, name):
                out += [(modname, name, k) for k in value]
    return out


def _is_number(v) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _defined_in(mod, name: str) -> bool:
    """True where the module assigns the name itself (not an import of another module's constant)."""
    src = Path(mod.__file__).read_text(encoding="utf-8")
    return any(line.startswith(f"{name} =") or line.startswith(f"{name}: ") for line in src.splitlines())


def _holders(name: str, value) -> list:
    return [m for n, m in list(sys.modules.items()) if n.startswith("tools.") and getattr(m, name, None) is value]


def _run(cases) -> dict[str, float]:
    out = {}
    for c in cases:
        try:
            out[c.row_id + ("#" + c.group if c.value is not None else "")] = c.estimate()
        except Exception:  # noqa: BLE001 - a perturbation may push a case out of range
            out[c.row_id] = float("nan")
    return out


def sensitivity() -> list[tuple[str, list[str]]]:
    from bench.cases import CASES

    base = _run(CASES)
    result = []
    for modname, name, key in constants():
        mod = importlib.import_module(modname)
        value = getattr(mod, name)
        if key is None:
            new = type(value)(value * STEP) if isinstance(value, float) else max(value + 1, round(value * STEP))
            holders = _holders(name, value)
            for m in holders:
                setattr(m, name, new)
            try:
                moved = _moved(base, _run(CASES))
            finally:
                for m in holders:
                    setattr(m, name, value)
            label = name
        else:
            old = value[key]
            value[key] = old * STEP
            try:
                moved = _moved(base, _run(CASES))
            finally:
                value[key] = old
            label = f"{name}[{key!r}]"
        result.append((f"{modname.removeprefix('tools.')}.{label}", moved))
    return result


def _moved(base: dict[str, float], now: dict[str, float]) -> list[str]:
    return [k for k, v in base.items() if not (abs(now.get(k, v) / v - 1) <= MOVED if v else now.get(k) == v)]


def markdown(result) -> list[str]:
    lines = ["| constant | rows it moves (+25% -> >0.5% change) |", "|---|---|"]
    for label, moved in result:
        lines.append(f"| `{label}` | {', '.join(f'`{m}`' for m in moved) if moved else '**none**'} |")
    return lines


def main() -> None:
    result = sensitivity()
    if "--markdown" in sys.argv:
        print("\n".join(markdown(result)))
        return
    for label, moved in result:
        print(f"{label:<52} {len(moved):>3} rows  {', '.join(moved[:4])}{' ...' if len(moved) > 4 else ''}")
    none = [label for label, moved in result if not moved]
    print(f"\n{len(none)} of {len(result)} constants move no validation row: {', '.join(none)}")


if __name__ == "__main__":
    main()
