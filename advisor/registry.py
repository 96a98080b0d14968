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


def _search(req: SearchGuidanceRequest) -> list[dict]:
    from knowledge import search_guidance

    return [dataclasses.asdict(p) | {"citation": p.citation} for p in search_guidance(req.query, k=req.k)]


def _registry() -> dict[str, ToolSpec]:
    from tools.cost import CostRequest, estimate_cost
    from tools.fit import FitRequest, check_fit
    from tools.lookup import lookup_gpu, lookup_model
    from tools.memory import MemoryRequest, estimate_memory
    from tools.plan import PlanRequest, recommend_hardware
    from tools.quantization import QuantizationRequest, compare_quantization
    from tools.throughput import ThroughputRequest, estimate_throughput
    from tools.training import TrainingRequest, estimate_training

    specs = [
        ToolSpec("check_fit", FitRequest, check_fit,
                 "Does a model fit on N GPUs, for inference or training (full, LoRA, QLoRA)? Verdict, GiB needed vs "
                 "available per GPU, and changes that would make it fit."),
        ToolSpec("estimate_memory", MemoryRequest, estimate_memory,
                 "Memory per GPU and in total, broken down: weights, KV cache, activations, gradients, optimizer, "
                 "overhead."),
        ToolSpec("recommend_hardware", PlanRequest, recommend_hardware,
                 "Which GPUs and how many: configurations ranked by cost and by speed, for serving, fine-tuning or "
                 "pretraining."),
        ToolSpec("estimate_throughput", ThroughputRequest, estimate_throughput,
                 "Speed on given GPUs: decode tokens/s per stream and in total, prefill tokens/s, time to first token."),
        ToolSpec("estimate_training", TrainingRequest, estimate_training,
                 "Training time for pretraining, full fine-tuning, LoRA or QLoRA: FLOPs, hours, GPU-hours, MFU."),
        ToolSpec("estimate_cost", CostRequest, estimate_cost,
                 "Cost: rent per GPU-hour, cost of hours or GPU-hours, serving $ per 1M tokens, buy-vs-rent "
                 "break-even."),
        ToolSpec("compare_quantization", QuantizationRequest, compare_quantization,
                 "Weight formats (bf16, fp8, int8, GPTQ, AWQ, NF4, GGUF, MXFP4, NVFP4) for a model: size, fit and "
                 "native support on a GPU, quality impact."),
        ToolSpec("lookup_gpu", LookupGpuRequest, lambda r: lookup_gpu(r.name),
                 "A GPU's specs: memory, bandwidth, TFLOPS by precision, interconnect, power."),
        ToolSpec("lookup_model", LookupModelRequest, lambda r: lookup_model(r.name),
                 "A model's architecture, parameters (total and active), KV cache bytes per token."),
        ToolSpec("search_guidance", SearchGuidanceRequest, _search,
                 "Search our hardware guidance for explanations (QLoRA, ZeRO, tensor parallelism, PagedAttention...); "
                 "passages with citations."),
    ]
    return {s.name: s for s in specs}


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
