"""`gpu-advisor` command line. Thin: parses arguments, calls tools/, prints text or --json.

Bad input exits 2 with one line that says how to fix it; no traceback reaches the user.
"""

from __future__ import annotations

import argparse
import json
import os
import sys


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2 (argparse prints usage + message)
        raise _UsageError(f"{message} (see `{self.prog} --help`)")


class _UsageError(Exception):
    pass


def _sizing_args(p: argparse.ArgumentParser, need_gpu: bool) -> None:
    p.add_argument("--model", "-m", required=True, help="catalog name, a size like 13B, or a config.json path")
    if need_gpu:
        p.add_argument("--gpu", "-g", required=True, help="GPU name, e.g. rtx-4090, h100-sxm, a100-80gb")
    else:
        p.add_argument("--gpu", "-g", help="GPU (for vLLM pre-allocation and Apple limits)")
    p.add_argument("--count", "-n", type=int, default=1, dest="gpu_count", help="number of GPUs (default 1)")
    p.add_argument("--workload", "-w", default=None, help="inference (default) or training/finetune")
    p.add_argument("--method", choices=["full", "lora", "qlora", "pretrain"],
                   help="training method (implies --workload training)")
    p.add_argument("--precision", "--quant", "-p", "-q", default="bf16", dest="precision",
                   help="bf16, fp16, fp8, int8, nf4, awq, gptq, q4_k_m, q8_0, ... (default bf16)")
    p.add_argument("--context", "--seq-len", "-c", type=int, help="tokens per sequence")
    p.add_argument("--batch", "-b", type=int, default=1, help="concurrent sequences / micro-batch (default 1)")
    p.add_argument("--kv-dtype", default="bf16", help="KV cache dtype: bf16, fp8, q8_0, q4_0")
    p.add_argument("--framework", choices=["transformers", "vllm", "llama.cpp", "tensorrt-llm", "sglang",
                                           "deepspeed", "fsdp", "torchtune"])
    p.add_argument("--gpu-memory-utilization", type=float, default=0.9, help="vLLM pre-allocation (0.9)")
    p.add_argument("--tp", type=int, dest="tensor_parallel", help="tensor parallel degree")
    p.add_argument("--pp", type=int, default=1, dest="pipeline_parallel", help="pipeline stages")
    p.add_argument("--optimizer", choices=["adamw", "adamw-8bit", "paged-adamw-8bit", "paged-adamw", "sgd",
                                           "adafactor"], default=None,
                   help="default: paged-adamw for QLoRA, adamw otherwise")
    p.add_argument("--pure-bf16", action="store_true", help="no fp32 master weights")
    ck = p.add_mutually_exclusive_group()
    ck.add_argument("--gradient-checkpointing", dest="gradient_checkpointing", action="store_true", default=None)
    ck.add_argument("--no-gradient-checkpointing", dest="gradient_checkpointing", action="store_false")
    p.add_argument("--eager-attention", dest="flash_attention", action="store_false",
                   help="no FlashAttention/SDPA")
    p.add_argument("--lora-rank", type=int, default=16)
    p.add_argument("--lora-targets", choices=["all-linear", "attention", "qv"], default="all-linear")
    p.add_argument("--sharding", choices=["none", "zero1", "zero2", "zero3", "fsdp"], default="none")
    p.add_argument("--offload", choices=["none", "optimizer", "optimizer+params"], default="none")
    p.add_argument("--optimizer-in-backward", action="store_true")
    p.add_argument("--json", action="store_true", help="print the result as JSON")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gpu-advisor", description="Which GPUs, how many, how fast, what cost: LLM sizing.")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, required=True)
    _sizing_args(sub.add_parser("fit", help="does a model fit on N GPUs? what would make it fit"), need_gpu=True)
    _sizing_args(sub.add_parser("memory", help="memory needed for inference or training"), need_gpu=False)
    t = sub.add_parser("throughput", help="decode and prefill speed on given GPUs")
    t.add_argument("--model", "-m", required=True)
    t.add_argument("--gpu", "-g", required=True)
    t.add_argument("--count", "-n", type=int, default=1, dest="gpu_count")
    t.add_argument("--precision", "--quant", "-p", "-q", default="bf16", dest="precision")
    t.add_argument("--framework", choices=["transformers", "vllm", "llama.cpp", "tensorrt-llm", "sglang", "autoawq"])
    t.add_argument("--batch", "-b", type=int, default=1)
    t.add_argument("--prompt-tokens", type=int, default=512)
    t.add_argument("--output-tokens", type=int, default=256)
    t.add_argument("--kv-dtype", default="bf16")
    t.add_argument("--tp", type=int, dest="tensor_parallel")
    t.add_argument("--cpu-offload", type=float, default=0.0, dest="cpu_offload_fraction",
                   help="share of weights in CPU RAM (0-1)")
    t.add_argument("--cpu-bandwidth", type=float, default=80.0, dest="cpu_bandwidth_gb_per_s")
    t.add_argument("--bandwidth-efficiency", type=float)
    t.add_argument("--compute-efficiency", type=float)
    t.add_argument("--json", action="store_true")
    tr = sub.add_parser("train", help="training FLOPs, time, GPU-hours, MFU and cost")
    tr.add_argument("--model", "-m", required=True)
    tr.add_argument("--tokens", type=float, required=True, help="training tokens, e.g. 2e12")
    tr.add_argument("--gpu", "-g", default="a100-80gb-sxm")
    tr.add_argument("--count", "-n", type=int, default=8, dest="gpu_count")
    tr.add_argument("--method", choices=["pretrain", "full", "lora", "qlora"], default="pretrain")
    tr.add_argument("--seq-len", type=int, default=4096, dest="sequence_length")
    tr.add_argument("--gradient-checkpointing", action="store_true")
    tr.add_argument("--mfu", type=float)
    tr.add_argument("--precision", choices=["bf16", "fp8"], default="bf16")
    tr.add_argument("--framework", choices=["megatron", "fsdp", "torchtitan", "deepspeed", "transformers"])
    tr.add_argument("--tensor-parallel", type=int)
    tr.add_argument("--network", choices=["infiniband", "ethernet"], default="infiniband")
    tr.add_argument("--goodput", type=float, help="share of wall time doing useful steps (default modelled)")
    tr.add_argument("--price", choices=["on_demand", "cheapest"], default="on_demand")
    tr.add_argument("--json", action="store_true")
    c = sub.add_parser("cost", help="rent, run cost, serving $/1M tokens, buy vs rent")
    c.add_argument("--gpu", "-g", required=True)
    c.add_argument("--count", "-n", type=int, default=1, dest="gpu_count")
    c.add_argument("--hours", type=float)
    c.add_argument("--gpu-hours", type=float)
    c.add_argument("--tokens-per-s", type=float)
    c.add_argument("--utilization", type=float, default=0.5)
    c.add_argument("--usd-per-gpu-hour", type=float)
    c.add_argument("--price", choices=["on_demand", "cheapest"], default="on_demand")
    c.add_argument("--purchase-usd", type=float, dest="purchase_usd_per_gpu")
    c.add_argument("--hours-per-month", type=float, default=365.0)
    c.add_argument("--usd-per-kwh", type=float)
    c.add_argument("--json", action="store_true")
    q = sub.add_parser("quantize", help="compare formats: size, fit, hardware support, quality")
    q.add_argument("--model", "-m", required=True)
    q.add_argument("--gpu", "-g")
    q.add_argument("--count", "-n", type=int, default=1, dest="gpu_count")
    q.add_argument("--context", "-c", type=int, default=4096)
    q.add_argument("--batch", "-b", type=int, default=1)
    q.add_argument("--formats", help="comma-separated, e.g. bf16,fp8,awq,q4_k_m")
    q.add_argument("--json", action="store_true")
    pl = sub.add_parser("plan", help="which GPUs, how many, at what precision: ranked by cost and speed")
    pl.add_argument("--model", "-m")
    pl.add_argument("--workload", "-w", choices=["inference", "finetune", "pretrain"], default="inference")
    pl.add_argument("--method", choices=["full", "lora", "qlora"], default="lora")
    pl.add_argument("--context", "-c", type=int, default=8192)
    pl.add_argument("--concurrency", type=int, default=1)
    pl.add_argument("--target-tokens-per-s", type=float)
    pl.add_argument("--tokens", type=float)
    pl.add_argument("--deadline-days", type=float)
    pl.add_argument("--gpus", help="comma-separated GPUs to consider")
    pl.add_argument("--max-gpus", type=int, default=8)
    pl.add_argument("--price", choices=["on_demand", "cheapest"], default="on_demand")
    pl.add_argument("--limit", type=int, default=12)
    pl.add_argument("--table", action="store_true", help="print the by-model-size hardware guide")
    pl.add_argument("--json", action="store_true")
    sv = sub.add_parser("serve", help="start the chat app (http://127.0.0.1:7860)")
    sv.add_argument("--host", default=None, help="interface to bind (default 127.0.0.1)")
    sv.add_argument("--port", type=int, default=None, help="port (default 7860)")
    mc = sub.add_parser("mcp", help="serve the calculators to MCP clients (Claude Desktop, Cursor, VS Code)")
    mc.add_argument("--http", action="store_true", help="streamable HTTP instead of stdio")
    mc.add_argument("--host", default="127.0.0.1", help="HTTP interface (default 127.0.0.1)")
    mc.add_argument("--port", type=int, default=8000, help="HTTP port (default 8000; path /mcp)")
    sl = sub.add_parser("slack", help="run the Slack bot (Socket Mode or HTTP)")
    sl.add_argument("--host", default="127.0.0.1", help="HTTP mode interface (default 127.0.0.1)")
    sl.add_argument("--port", type=int, default=3000, help="HTTP mode port")
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
    m = sub.add_parser("models", help="list the model catalog, or show one model")
    m.add_argument("name", nargs="?", help="a model (name, size or config.json path) to show in full")
    m.add_argument("--json", action="store_true")
    return parser


_SIZING_FIELDS = ("model", "gpu", "gpu_count", "workload", "method", "precision", "context", "batch", "kv_dtype",
                  "framework", "gpu_memory_utilization", "tensor_parallel", "pipeline_parallel", "optimizer",
                  "pure_bf16", "gradient_checkpointing", "flash_attention", "lora_rank", "lora_targets",
                  "sharding", "offload", "optimizer_in_backward")


def _request_fields(args: argparse.Namespace) -> dict:
    fields = {k: getattr(args, k) for k in _SIZING_FIELDS if getattr(args, k, None) is not None}
    if args.method and not args.workload:
        fields["workload"] = "training"
    if args.method == "qlora" and args.precision == "bf16":
        fields["precision"] = "nf4-dq"
    return fields


def _fields(args: argparse.Namespace, cls) -> dict:
    """The parsed arguments that are fields of `cls`, skipping the ones left unset."""
    import dataclasses

    names = {f.name for f in dataclasses.fields(cls)}
    return {k: v for k, v in vars(args).items() if k in names and v is not None}


def _emit(result, text: str, as_json: bool) -> None:
    from tools.base import to_json

    print(to_json(result) if as_json else text)


def _csv(text: str | None) -> list[str] | None:
    return [x.strip() for x in text.split(",") if x.strip()] if text else None


def _cmd_fit(args, render, to_dict):
    from tools.fit import FitRequest, check_fit

    r = check_fit(FitRequest(**_request_fields(args)))
    _emit(r, render.fit_text(r), args.json)
    return 0 if r.fits else 1  # like `test`: scripts can branch on the verdict (2 stays bad input)


def _cmd_memory(args, render, to_dict):
    from tools.memory import MemoryRequest, estimate_memory

    r = estimate_memory(MemoryRequest(**_request_fields(args)))
    _emit(r, render.memory_text(r), args.json)


def _cmd_throughput(args, render, to_dict):
    from tools.throughput import ThroughputRequest, estimate_throughput

    r = estimate_throughput(ThroughputRequest(**_fields(args, ThroughputRequest)))
    _emit(r, render.throughput_text(r), args.json)


def _cmd_train(args, render, to_dict):
    from tools.cost import CostRequest, estimate_cost
    from tools.training import TrainingRequest, estimate_training

    r = estimate_training(TrainingRequest(**_fields(args, TrainingRequest)))
    cost = estimate_cost(CostRequest(gpu=args.gpu, gpu_count=r.gpu_count, gpu_hours=r.gpu_hours, price=args.price))
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

    r = compare_quantization(QuantizationRequest(**_fields(args, QuantizationRequest) | {"formats": _csv(args.formats)}))
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

    r = recommend_hardware(PlanRequest(**_fields(args, PlanRequest) | {"gpus": _csv(args.gpus)}))
    _emit(r, render.plan_text(r), args.json)


def _cmd_gpus(args, render, to_dict):
    from tools.gpus import all_gpus, get_gpu

    if args.name:
        print(json.dumps(to_dict(get_gpu(args.name)), indent=2, ensure_ascii=False))
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


def _cmd_ask(args, render, to_dict):
    from advisor.core import Advisor

    if not args.question.strip():
        raise _UsageError('give a question, e.g. gpu-advisor ask "Can I fine-tune 13B with LoRA on one 4090?"')
    try:
        advisor = Advisor(engine=args.engine, quick_start=True)
    except ValueError as exc:
        raise _UsageError(str(exc)) from exc
    answer = advisor.ask(args.question)
    if args.json:
        print(answer.model_dump_json(indent=2))
        return
    print(answer.text)
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

    code = slack_main(["--host", args.host, "--port", str(args.port)])
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
             "models": _cmd_models}


def _run(args: argparse.Namespace) -> int:
    from advisor import render
    from tools.base import to_dict

    return _COMMANDS[args.command](args, render, to_dict) or 0


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
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
