"""The CLI's record commands are generated from the tools' request records: every field has an option,
every option is a field (or a declared extra), and `--help` lists exactly those."""

import argparse
import dataclasses
import re
import subprocess
import sys
from typing import Literal

import pytest

from advisor.cli import (
    ALIASES,
    EXTRA_OPTIONS,
    NEGATIVE_ALIASES,
    RECORDS,
    _record_class,
    add_record_options,
    build_parser,
    main,
)
from tools.base import record, spec


def _subparser(command: str) -> argparse.ArgumentParser:
    parser = build_parser(command)
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return action.choices[command]


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


@pytest.mark.parametrize("command", RECORDS)
def test_every_field_has_an_option_and_every_option_is_a_field(command):
    fields = {f.name for f in dataclasses.fields(_record_class(command))}
    dests = {a.dest for a in _subparser(command)._actions} - {"help", "json"}
    assert dests == fields | set(EXTRA_OPTIONS.get(command, {}))


@pytest.mark.parametrize("command", RECORDS)
def test_help_lists_exactly_the_record_fields(command):
    text = _subparser(command).format_help()
    fields = {f.name for f in dataclasses.fields(_record_class(command))}
    listed = set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", text))
    aliases = {a for names in ALIASES.values() for a in names} | {neg for neg, _ in NEGATIVE_ALIASES.values()}
    named = {x for x in listed if x not in aliases and not x.startswith("--no-")} - {"--help", "--json"}
    assert named == {_flag(f) for f in fields} | {_flag(x) for x in EXTRA_OPTIONS.get(command, {})}


def test_help_from_the_installed_entry_point_names_each_field():
    p = subprocess.run([sys.executable, "-m", "advisor.cli", "throughput", "--help"], capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 0
    for f in dataclasses.fields(_record_class("throughput")):
        assert _flag(f.name) in p.stdout, f.name


def test_a_new_record_field_becomes_an_option_without_edits():
    @record
    class Req:
        model: str = spec(description="a model")
        hours_per_day: float = spec(24.0, "hours of use per day", gt=0, le=24)
        engine: Literal["vllm", "sglang"] = spec("vllm", "serving engine")
        gpus: list[str] | None = spec(None, "GPUs")
        warm: bool = spec(False, "keep it warm")

    p = argparse.ArgumentParser()
    add_record_options(p, Req)
    args = p.parse_args(["--model", "x", "--hours-per-day", "6.5", "--engine", "sglang", "--gpus", "h100, a100",
                         "--warm"])
    assert (args.hours_per_day, args.engine, args.gpus, args.warm) == (6.5, "sglang", ["h100", "a100"], True)
    assert "hours of use per day; > 0; <= 24; default 24" in " ".join(p.format_help().split())
    unset = p.parse_args(["--model", "x"])
    assert unset.hours_per_day is None and unset.warm is None  # unset options leave the record's default


def test_the_cli_accepts_what_the_record_accepts(capsys):
    # The hand-written CLI refused --framework autoawq although MemoryRequest and the README allow it.
    assert main(["memory", "-m", "mistral-7b-v0.1", "--quant", "awq", "--framework", "autoawq", "--json"]) == 0
    assert '"framework": "autoawq"' in capsys.readouterr().out


@pytest.mark.parametrize("args,fragment", [
    (["fit", "-m", "llama-3.1-8b", "-g", "rtx-4090", "--count", "0"], "--gpu-count must be greater than 0"),
    (["memory", "-m", "llama-3.1-8b", "--sharding", "zero9"], "--sharding must be one of"),
    (["cost", "-g", "h100", "--utilization", "2"], "--utilization must be at most 1"),
    (["plan", "-m", "llama-3.1-8b", "--price", "free"], "--price must be one of"),
    (["fit", "-m", "llama-3.1-8b", "-g", "rtx-4090", "--batch", "two"], "invalid int value"),
])
def test_bad_values_get_the_records_one_line_message(args, fragment, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert fragment in err and "\n" not in err, err
