"""The tools every engine calls, by their contract names (design.md), with one error policy.

No LangChain here: the offline engine and the CLI use this registry directly, and advisor/toolkit.py
wraps the same entries as LangChain tools for the LLM engine.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tools.base import check, record, spec, to_dict


@record
class LookupGpuRequest:
    name: str = spec(description="GPU name as the person wrote it; e.g. '4090', 'h100 sxm', 'MI300X', 'M2 Ultra'")

    def __post_init__(self) -> None:
        check(self)


@record
class LookupModelRequest:
    name: str = spec(description="model name as the person wrote it, a Hugging Face repo id (org/name), or a size in "
                             "billions of parameters; e.g. 'llama-3.1-70b', 'Qwen2.5-32B', 'GLM4-9B', '13B'")

    def __post_init__(self) -> None:
        check(self)


@record
class SearchGuidanceRequest:
    query: str = spec(description="what to look up in our hardware guidance, in the user's words")
    k: int = spec(4, "passages to return", gt=0, le=10)

    def __post_init__(self) -> None:
        check(self)


@dataclass(frozen=True)
class ToolSpec:
    name: str
    request: type
    run: Callable[[Any], Any]
    description: str


@dataclass(frozen=True)
class ToolDecl:
    """One tool, declared once. Everything else is derived from TOOLS: the registry every engine runs
    (registry(): the offline engine's calls, the LLM's tools, MCP), the LLM's lean schemas (`core`:
    the arguments they list; advisor/toolkit.py), and the CLI's sizing commands (`command`; advisor/cli.py).
    Strings, not imports, so the CLI loads only the record of the command it runs."""
    name: str
    request: str  # "module:RequestRecord"
    run: str  # "module:function" taking the request record
    description: str  # for the model and MCP clients
    core: tuple[str, ...]  # the arguments the LLM's schema lists (the rest are accepted when sent)
    command: str | None = None  # its `gpu-advisor` command, if it has one
    command_help: str = ""
    # offered to the LLM: every model call carries the schemas, and their budget
    # (tests/test_llm_agent.py::test_prompt_and_schemas_stay_lean) has no room for every tool; MCP and the offline
    # engine have all of them
    for_llm: bool = True


def _search(req: SearchGuidanceRequest) -> list[dict]:
    import contextlib

    from knowledge import index_loaded, search_guidance
    from tools.hub import waiting

    # while the index is first built (up to ~2 min) the chat app's answer gives its CPU slot up
    with contextlib.nullcontext() if index_loaded() else waiting():
        found = search_guidance(req.query, k=req.k)
    return [dataclasses.asdict(p) | {"citation": p.citation} for p in found]


def _lookup_gpu(req: LookupGpuRequest):
    from tools.lookup import lookup_gpu

    return lookup_gpu(req.name)


def _lookup_model(req: LookupModelRequest):
    from tools.lookup import lookup_model

    return lookup_model(req.name)


_MEMORY_ARGS = ("model", "gpu", "gpu_count", "workload", "method", "precision", "context", "batch", "framework")
TOOLS: tuple[ToolDecl, ...] = (
    ToolDecl("check_fit", "tools.fit:FitRequest", "tools.fit:check_fit",
             "Does a model fit on N GPUs, for inference or training (full, LoRA, QLoRA)? Verdict, GiB needed vs "
             "available per GPU, and changes that would make it fit.",
             _MEMORY_ARGS, "fit", "does a model fit on N GPUs? what would make it fit"),
    ToolDecl("estimate_memory", "tools.memory:MemoryRequest", "tools.memory:estimate_memory",
             "Memory per GPU and in total, broken down: weights, KV cache, activations, gradients, optimizer, "
             "overhead.",
             _MEMORY_ARGS, "memory", "memory needed for inference or training"),
    ToolDecl("recommend_hardware", "tools.plan:PlanRequest", "tools.plan:recommend_hardware",
             "Which GPUs and how many: configurations ranked by cost and by speed, for serving, fine-tuning or "
             "pretraining.",
             ("model", "workload", "method", "context", "concurrency", "target_tokens_per_s", "tokens",
              "deadline_days", "gpus"),
             "plan", "which GPUs, how many, at what precision: ranked by cost and speed"),
    ToolDecl("estimate_throughput", "tools.throughput:ThroughputRequest", "tools.throughput:estimate_throughput",
             "Speed on given GPUs: decode tokens/s per stream and in total, prefill tokens/s, time to first token.",
             ("model", "gpu", "gpu_count", "precision", "framework", "batch", "concurrency", "prompt_tokens",
              "output_tokens"),
             "throughput", "decode and prefill speed on given GPUs"),
    ToolDecl("estimate_training", "tools.training:TrainingRequest", "tools.training:estimate_training",
             "Training time for pretraining, full fine-tuning, LoRA or QLoRA: FLOPs, hours, GPU-hours, MFU.",
             ("model", "tokens", "gpu", "gpu_count", "method", "precision", "sequence_length"),
             "train", "training FLOPs, time, GPU-hours, MFU and cost"),
    ToolDecl("estimate_cost", "tools.cost:CostRequest", "tools.cost:estimate_cost",
             "Cost: rent per GPU-hour, cost of hours or GPU-hours, serving $ per 1M tokens, buy-vs-rent "
             "break-even.",
             ("gpu", "gpu_count", "hours", "gpu_hours", "tokens_per_s", "utilization", "hours_per_day", "months"),
             "cost", "rent, run cost, serving $/1M tokens, buy vs rent"),
    ToolDecl("compare_quantization", "tools.quantization:QuantizationRequest",
             "tools.quantization:compare_quantization",
             "Weight formats (bf16, fp8, int8, GPTQ, AWQ, NF4, GGUF, MXFP4, NVFP4) for a model: size, fit and "
             "native support on a GPU, quality impact.",
             ("model", "gpu", "gpu_count", "context", "formats"),
             "quantize", "compare formats: size, fit, hardware support, quality"),
    ToolDecl("rank_runnable_models", "tools.runnable:RunnableRequest", "tools.runnable:rank_runnable",
             "Which catalog models run on given GPUs, ranked (largest first): for inference in the least lossy "
             "format that fits, with context and tokens/s; or for LoRA / QLoRA fine-tuning. Filter by family and "
             "size.",
             ("gpu", "gpu_count", "workload", "family", "max_params_b"), for_llm=False),
    ToolDecl("lookup_gpu", "advisor.registry:LookupGpuRequest", "advisor.registry:_lookup_gpu",
             "A GPU's specs: memory, bandwidth, TFLOPS by precision, interconnect, power.", ("name",)),
    ToolDecl("lookup_model", "advisor.registry:LookupModelRequest", "advisor.registry:_lookup_model",
             "A model's architecture, parameters (total and active), KV cache bytes per token.", ("name",)),
    ToolDecl("search_guidance", "advisor.registry:SearchGuidanceRequest", "advisor.registry:_search",
             "Search our hardware guidance for explanations (QLoRA, ZeRO, tensor parallelism, PagedAttention...); "
             "passages with citations.", ("query",)),
)


def load(path: str) -> Any:
    """The object at "module:name"."""
    import importlib

    module, name = path.split(":")
    return getattr(importlib.import_module(module), name)


def _registry() -> dict[str, ToolSpec]:
    return {d.name: ToolSpec(d.name, load(d.request), load(d.run), d.description) for d in TOOLS}


_CACHE: dict[str, ToolSpec] = {}


def registry() -> dict[str, ToolSpec]:
    if not _CACHE:
        _CACHE.update(_registry())
    return _CACHE


def run_tool(name: str, args: dict) -> Any:
    """Run a tool on plain arguments; input errors raise AdvisorInputError with the fix in the message."""
    from tools.errors import AdvisorInputError

    spec_ = registry().get(name)
    if spec_ is None:
        raise AdvisorInputError(f"Unknown tool '{name}'. Tools: {', '.join(registry())}.")
    known = {f.name for f in dataclasses.fields(spec_.request)}
    unknown = set(args) - known
    if unknown:
        raise AdvisorInputError(f"{name} does not take {', '.join(sorted(unknown))}; it takes {', '.join(sorted(known))}.")
    try:
        request = spec_.request(**args)
    except TypeError as exc:
        raise AdvisorInputError(f"{name}: {exc}") from exc
    from .tool_limits import run_with_time_limit

    return run_with_time_limit(name, spec_.run, request)


def result_dict(result: Any) -> Any:
    if isinstance(result, list):
        return [r if isinstance(r, dict) else to_dict(r) for r in result]
    return to_dict(result)
