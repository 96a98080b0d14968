"""`gpu-advisor` command line. Thin: parses arguments, calls tools/, prints text or --json.

Bad input exits 2 with one line that says how to fix it; no traceback reaches the user.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from .registry import TOOLS


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2 (argparse prints usage + message)
        import re

        # argparse echoes the bad value whole ("invalid int value: '0.09945600207792835'"): shorten it
        message = re.sub(r"'([^']{15,})'", lambda m: repr(m.group(1)[:12] + "..."), message)
        raise _UsageError(f"{message} (see `{self.prog} --help`)")


class _UsageError(Exception):
    pass


class _Version(argparse.Action):
    """--version, read from the installed package's metadata only when asked (start-up time)."""

    def __call__(self, parser, namespace, values, option_string=None):
        from importlib.metadata import PackageNotFoundError, version

        try:
            text = version("gpu-advisor")
        except PackageNotFoundError:
            text = "unknown (not installed: pip install -e .)"
        print(f"gpu-advisor {text}")
        parser.exit(0)


# Commands whose options are a tool's request record: generated from the record's fields (names, types,
# choices, bounds, descriptions, defaults), as vLLM builds its argparse from its config dataclasses. A field
# added to a record becomes an option with no edit here. Values are checked by the record itself, so the CLI
# accepts exactly what the tool accepts and refuses the rest with the tool's one-line fix-it message.
RECORDS = {  # command: (module, request record, help), from the one declaration of each tool (advisor/registry.py)
    d.command: (*d.request.split(":"), d.command_help) for d in TOOLS if d.command}
# Short and historical spellings of record fields (README and scripts use them).
ALIASES = {
    "model": ("-m",), "gpu": ("-g",), "gpu_count": ("--count", "-n"), "workload": ("-w",),
    "precision": ("--quant", "-p", "-q"), "context": ("--seq-len", "-c"), "sequence_length": ("--seq-len",),
    "batch": ("-b",), "tensor_parallel": ("--tp",), "pipeline_parallel": ("--pp",),
    "cpu_offload_fraction": ("--cpu-offload",), "cpu_bandwidth_gb_per_s": ("--cpu-bandwidth",),
    "purchase_usd_per_gpu": ("--purchase-usd",),
}
NEGATIVE_ALIASES = {"flash_attention": ("--eager-attention", "no FlashAttention/SDPA (same as --no-flash-attention)")}
# Options a command has besides its record's fields (besides --json), each with the reason.
EXTRA_OPTIONS = {
    "train": {"price": "the train command also prices the run (CostRequest.price)"},
    "plan": {"table": "prints the by-model-size hardware guide instead of a plan"},
}
NOT_REQUIRED = {"plan": {"model"}}  # `plan --table` needs no model


def _record_class(command: str):
    import importlib

    module, name, _ = RECORDS[command]
    return getattr(importlib.import_module(module), name)


def _list_type(tp) -> bool:
    import types
    import typing

    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return any(_list_type(a) for a in typing.get_args(tp))
    return typing.get_origin(tp) is list or tp is list


def _comma_list(text: str) -> list[str]:
    return [x.strip() for x in text.split(",") if x.strip()]


def _number(v: float) -> str:
    return f"{int(v):,}" if float(v).is_integer() and abs(v) < 1e9 else f"{v:g}"


def _default_text(f) -> str:
    import dataclasses

    if f.default is dataclasses.MISSING or f.default is None or f.default == []:
        return ""
    value = f.default
    if isinstance(value, bool):
        return "default on" if value else "default off"
    return f"default {_number(value)}" if isinstance(value, int | float) else f"default {value}"


def add_record_options(p: argparse.ArgumentParser, cls, required_off: frozenset = frozenset()) -> None:
    """One option per field of the request record `cls`: --field-name (plus ALIASES), help from the field."""
    import dataclasses

    from tools.base import _allowed, _hints

    hints = _hints(cls)
    for f in dataclasses.fields(cls):
        tp = hints[f.name]
        choices, kinds, _ = _allowed(tp)
        meta = f.metadata
        flag = "--" + f.name.replace("_", "-")
        bits = [meta.get("description", "")]
        if choices:
            bits.append("one of " + ", ".join(map(str, choices)))
        for key, word in (("gt", ">"), ("ge", ">="), ("le", "<=")):
            if key in meta:
                bits.append(f"{word} {_number(meta[key])}")
        bits.append(_default_text(f))
        helptext = "; ".join(b for b in bits if b) or None
        required = (f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
                    and f.name not in required_off)
        kw: dict = {"dest": f.name, "default": None, "help": helptext}
        if bool in kinds:
            p.add_argument(flag, action=argparse.BooleanOptionalAction, **kw)
            if f.name in NEGATIVE_ALIASES:
                neg, neg_help = NEGATIVE_ALIASES[f.name]
                p.add_argument(neg, dest=f.name, action="store_false", default=None, help=neg_help)
            continue
        if _list_type(tp):
            kw.update(type=_comma_list, metavar="A,B,...")
        elif choices:
            kw["metavar"] = "{" + ",".join(map(str, choices)) + "}"  # the record checks it, with its fix-it message
        elif float in kinds:
            kw["type"] = float
        elif int in kinds:
            kw["type"] = int
        p.add_argument(flag, *ALIASES.get(f.name, ()), required=required, **kw)


def _add_record_command(sub, command: str, populate: bool) -> argparse.ArgumentParser:
    p = sub.add_parser(command, help=RECORDS[command][2])
    if populate:
        add_record_options(p, _record_class(command), frozenset(NOT_REQUIRED.get(command, ())))
        if command == "train":
            p.add_argument("--price", choices=["on_demand", "cheapest"], default=None, help=EXTRA_OPTIONS["train"]["price"])
        if command == "plan":
            p.add_argument("--table", action="store_true", help=EXTRA_OPTIONS["plan"]["table"])
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    return p


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole parser; with `command`, only that record command's options are generated (start-up time)."""
    parser = _Parser(prog="gpu-advisor", description="Which GPUs, how many, how fast, what cost: LLM sizing.")
    parser.add_argument("--version", action=_Version, nargs=0, help="print the version and exit")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, required=True)
    for name in RECORDS:
        _add_record_command(sub, name, populate=command is None or command == name)
    sv = sub.add_parser("serve", help="start the chat app (http://127.0.0.1:7860)")
    sv.add_argument("--host", default=None, help="interface to bind (default 127.0.0.1)")
    sv.add_argument("--port", type=int, default=None, help="port (default 7860)")
    mc = sub.add_parser("mcp", help="serve the calculators to MCP clients (Claude Desktop, Cursor, VS Code)")
    mc.add_argument("--http", action="store_true", help="streamable HTTP instead of stdio")
    mc.add_argument("--host", default="127.0.0.1", help="HTTP interface (default 127.0.0.1)")
    mc.add_argument("--port", type=int, default=8000, help="HTTP port (default 8000; path /mcp)")
    from advisor.slack_help import SETTINGS_HELP

    sl = sub.add_parser("slack", help="run the Slack bot (Socket Mode or HTTP)", epilog=SETTINGS_HELP,
                        formatter_class=argparse.RawDescriptionHelpFormatter)
    sl.add_argument("--host", default="127.0.0.1", help="HTTP mode interface (default 127.0.0.1)")
    sl.add_argument("--port", type=int, default=3000, help="HTTP mode port")
    sl.add_argument("--offline", action="store_true", help="local testing: start without reaching Slack "
                    "(SLACK_SIGNING_SECRET only; replies printed, not posted)")
    a = sub.add_parser("ask", help="ask a question in your own words (English or Chinese)")
    a.add_argument("question")
    a.add_argument("--engine", choices=["offline", "llm"], help="force an engine (default: LLM if configured)")
    a.add_argument("--json", action="store_true", help="print the Answer (text, engine, calls, sources, warnings)")
    sr = sub.add_parser("search", help="search our hardware guidance (knowledge/docs)")
    sr.add_argument("query")
    sr.add_argument("-k", type=int, default=4)
    sr.add_argument("--json", action="store_true")
    ix = sub.add_parser("index", help="(re)build the guidance index and say what was done")
    ix.add_argument("--force", action="store_true", help="rebuild even if the docs did not change")
    ix.add_argument("--json", action="store_true")
    g = sub.add_parser("gpus", help="list the GPU catalog, or show one GPU")
    g.add_argument("name", nargs="?", help="a GPU to show in full")
    g.add_argument("--json", action="store_true")
    _add_detect_command(sub)
    m = sub.add_parser("models", help="list the model catalog, or show one model")
    m.add_argument("name", nargs="?", help="a model (name, size or config.json path) to show in full")
    m.add_argument("--json", action="store_true")
    return parser


def _add_detect_command(sub) -> None:
    d = sub.add_parser("detect", help="this machine's GPUs (nvidia-smi/NVML, rocm-smi, Apple) and what runs on them")
    d.add_argument("--workload", choices=["inference", "lora", "qlora", "all"], default="all",
                   help="which ranking to show (default all three)")
    d.add_argument("--family", help="only this model family (qwen, llama, gemma, mistral, deepseek, phi, ...)")
    d.add_argument("--min-size", type=float, dest="min_params_b", help="smallest model, billions of parameters")
    d.add_argument("--max-size", type=float, dest="max_params_b", help="largest model, billions of parameters")
    d.add_argument("--context", type=int, help="inference: tokens one sequence must hold (default 4,096)")
    d.add_argument("--limit", type=int, default=None, help="models per ranking (default 10)")
    d.add_argument("--all-releases", action="store_true", help="also models released before 2024")
    d.add_argument("--gpu", "-g", help="rank for this catalog GPU instead of the detected ones")
    d.add_argument("--count", "-n", type=int, help="with --gpu: how many")
    d.add_argument("--json", action="store_true")


def _fields(args: argparse.Namespace, cls) -> dict:
    """The parsed arguments that are fields of `cls`, skipping the ones left unset."""
    import dataclasses

    names = {f.name for f in dataclasses.fields(cls)}
    return {k: v for k, v in vars(args).items() if k in names and v is not None}


def _emit(result, text: str, as_json: bool) -> None:
    from tools.base import to_json

    print(to_json(result) if as_json else text)


def _cmd_fit(args, render, to_dict):
    from tools.fit import FitRequest, check_fit

    r = check_fit(FitRequest(**_fields(args, FitRequest)))
    _emit(r, render.fit_text(r), args.json)
    return 0 if r.fits else 1  # like `test`: scripts can branch on the verdict (2 stays bad input)


def _cmd_memory(args, render, to_dict):
    from tools.memory import MemoryRequest, estimate_memory

    r = estimate_memory(MemoryRequest(**_fields(args, MemoryRequest)))
    _emit(r, render.memory_text(r), args.json)


def _cmd_throughput(args, render, to_dict):
    from tools.throughput import ThroughputRequest, estimate_throughput

    r = estimate_throughput(ThroughputRequest(**_fields(args, ThroughputRequest)))
    _emit(r, render.throughput_text(r), args.json)


def _cmd_train(args, render, to_dict):
    from tools.cost import CostRequest, estimate_cost
    from tools.training import TrainingRequest, estimate_training

    req = TrainingRequest(**_fields(args, TrainingRequest))
    r = estimate_training(req)
    price = {"price": args.price} if args.price else {}
    cost = estimate_cost(CostRequest(gpu=req.gpu, gpu_count=r.gpu_count, gpu_hours=r.gpu_hours, **price))
    if args.json:
        print(json.dumps({"training": to_dict(r), "cost": to_dict(cost)}, indent=2))
    else:
        print(render.training_text(r, cost))


def _cmd_cost(args, render, to_dict):
    from tools.cost import CostRequest, estimate_cost

    r = estimate_cost(CostRequest(**_fields(args, CostRequest)))
    _emit(r, render.cost_text(r), args.json)


def _cmd_quantize(args, render, to_dict):
    from tools.quantization import QuantizationRequest, compare_quantization

    r = compare_quantization(QuantizationRequest(**_fields(args, QuantizationRequest)))
    _emit(r, render.quantization_text(r), args.json)


def _cmd_plan(args, render, to_dict):
    if args.table:
        from tools.guide import hardware_guide

        rows = hardware_guide()
        print(json.dumps([to_dict(x) for x in rows], indent=2) if args.json else render.guide_text(rows))
        return
    if not args.model:
        raise _UsageError("plan needs --model (or --table for the by-size guide)")
    from tools.plan import PlanRequest, recommend_hardware

    r = recommend_hardware(PlanRequest(**_fields(args, PlanRequest)))
    _emit(r, render.plan_text(r), args.json)


def _cmd_gpus(args, render, to_dict):
    from tools.gpus import all_gpus, get_gpu

    if args.name:
        from advisor.terminal import gpu_text

        g = get_gpu(args.name)
        print(json.dumps(to_dict(g), indent=2, ensure_ascii=False) if args.json else gpu_text(g))
    elif args.json:
        print(json.dumps([to_dict(g) for g in all_gpus()], indent=2, ensure_ascii=False))
    else:
        print(render.gpus_text(all_gpus()))


def _cmd_models(args, render, to_dict):
    from tools.models import all_specs, get_model
    from tools.params import count_params

    if args.name:
        s = get_model(args.name)
        c = count_params(s)
        print(json.dumps({"spec": to_dict(s), "params": to_dict(c)}, indent=2, ensure_ascii=False) if args.json
              else render.model_text(s, c))
        return
    rows = [(s, count_params(s)) for s in all_specs()]
    if args.json:
        print(json.dumps([to_dict(s) | {"params_b": round(c.total_b, 3), "active_params_b": round(c.active_b, 3)}
                          for s, c in rows], indent=2, ensure_ascii=False))
    else:
        print(render.models_text(rows))


def _cmd_detect(args, render, to_dict):
    from advisor.machine import detect_machine
    from advisor.machine_text import WORKLOADS, rankings, what_runs_text

    machine = None if args.gpu else detect_machine()
    group = (args.gpu, args.count or 1) if args.gpu else machine.group()
    filters = {k: v for k, v in (("family", args.family), ("min_params_b", args.min_params_b),
                                 ("max_params_b", args.max_params_b), ("context", args.context)) if v is not None}
    filters["limit"] = args.limit or 10
    if args.all_releases:
        filters["released_since"] = "0"
    workloads = WORKLOADS if args.workload == "all" else (args.workload,)
    results = rankings(group[0], group[1], workloads, **filters) if group else []
    if args.json:
        print(json.dumps({"machine": to_dict(machine) if machine else None,
                          "rankings": [to_dict(r) for r in results]}, indent=2, ensure_ascii=False))
    else:
        print(what_runs_text(machine, results))
    return 0 if group else 1  # 1: no catalog GPU found to rank for (the text says what to do)


def _cmd_ask(args, render, to_dict):
    from advisor.core import Advisor

    if not args.question.strip():
        raise _UsageError('give a question, e.g. gpu-advisor ask "Can I fine-tune 13B with LoRA on one 4090?"')
    try:
        advisor = Advisor(engine=args.engine, quick_start=True)
    except ValueError as exc:
        raise _UsageError(str(exc)) from exc
    from advisor.machine import local_machine

    with local_machine():  # the CLI runs on the user's machine: "my machine" is this one
        answer = advisor.ask(args.question)
    if args.json:
        print(answer.model_dump_json(indent=2))
        return
    from advisor.terminal import markdown_to_terminal

    print(markdown_to_terminal(answer.text, color=sys.stdout.isatty() and not os.environ.get("NO_COLOR")))
    if answer.sources:
        print("\nSources: " + "; ".join(s.citation for s in answer.sources))
    for w in answer.warnings:
        print(f"\nWarning: {w}")
    print(f"\n[{answer.engine} engine; {len(answer.calls)} tool call(s); --json shows them]", file=sys.stderr)


def _cmd_mcp(args, render, to_dict):
    from advisor.mcp_server import main as mcp_main

    mcp_main(http=args.http, host=args.host, port=args.port)


def _cmd_serve(args, render, to_dict):
    import app

    argv = (["--host", args.host] if args.host else []) + (["--port", str(args.port)] if args.port else [])
    app.main(argv)


def _cmd_slack(args, render, to_dict):
    from advisor.slack import main as slack_main

    code = slack_main(["--host", args.host, "--port", str(args.port)] + (["--offline"] if args.offline else []))
    if code:
        raise SystemExit(code)


def _cmd_search(args, render, to_dict):
    from knowledge import search_guidance

    if not args.query.strip():
        raise _UsageError("give a question to search for, e.g. gpu-advisor search \"what does ZeRO-3 shard\"")
    hits = search_guidance(args.query, k=max(1, args.k))
    if args.json:
        print(json.dumps([vars(h) | {"citation": h.citation} for h in hits], indent=2, ensure_ascii=False))
    else:
        print(render.passages_text(hits))


def _cmd_index(args, render, to_dict):
    from knowledge import build_index

    print("Indexing knowledge/docs ...", file=sys.stderr)
    st = build_index(force=args.force)
    print(json.dumps(vars(st), indent=2) if args.json else
          f"{st.action}: {st.chunks} passages from {st.docs} docs in {st.seconds:.1f} s "
          f"({st.embedding_model}; {st.location}; content hash {st.content_hash})")


_COMMANDS = {"mcp": _cmd_mcp, "slack": _cmd_slack, "serve": _cmd_serve, "ask": _cmd_ask, "search": _cmd_search, "index": _cmd_index, "fit": _cmd_fit, "memory": _cmd_memory, "throughput": _cmd_throughput, "train": _cmd_train,
             "cost": _cmd_cost, "quantize": _cmd_quantize, "plan": _cmd_plan, "gpus": _cmd_gpus,
             "models": _cmd_models, "detect": _cmd_detect}


# Only these local, one-shot commands may read a config.json path given as --model; the app, the Slack bot
# and `ask` (whose text may come from anyone, or from an LLM) never open local files.
_PATH_COMMANDS = frozenset({"fit", "memory", "throughput", "train", "cost", "quantize", "plan", "models"})


def _run(args: argparse.Namespace) -> int:
    from advisor import render
    from tools.base import to_dict
    from tools.models import local_paths_allowed

    with local_paths_allowed(args.command in _PATH_COMMANDS):
        return _COMMANDS[args.command](args, render, to_dict) or 0


def main(argv: list[str] | None = None) -> int:
    try:
        argv = sys.argv[1:] if argv is None else list(argv)
        args = build_parser(next((a for a in argv if not a.startswith("-")), None)).parse_args(argv)
        return _run(args)
    except _UsageError as exc:
        print(f"gpu-advisor: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head`
        return 0
    except Exception as exc:  # noqa: BLE001 - the CLI never shows a traceback
        from tools.errors import AdvisorInputError

        if isinstance(exc, AdvisorInputError):
            print(f"gpu-advisor: error: {exc}", file=sys.stderr)
            return 2
        if os.environ.get("GPU_ADVISOR_DEBUG"):
            raise
        print(f"gpu-advisor: internal error: {type(exc).__name__}: {exc} "
              "(set GPU_ADVISOR_DEBUG=1 for the traceback, and please report it)", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
