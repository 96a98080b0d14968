"""check_fit: does a workload fit on N GPUs of a kind, by how much, and what would make it fit."""

from __future__ import annotations

from .base import record, replace, spec
from .defaults import TIGHT_HEADROOM
from .errors import AdvisorInputError
from .gpus import GPU, get_gpu
from .memory import MemoryEstimate, MemoryRequest, estimate_memory


@record
class FitRequest(MemoryRequest):
    gpu: str = spec(description="GPU name as the person wrote it; e.g. 'rtx-4090', 'h100-sxm', 'a100-80gb'")


@record
class Suggestion:
    action: str = spec(description="short name: qlora, quantize, gradient-checkpointing, ...")
    description: str
    changes: dict = spec(description="request fields to change")
    required_gib: float = spec(description="per GPU, with the change")
    fits: bool


@record
class FitResult:
    fits: bool
    verdict: str = spec(description="'fits', 'fits (tight)' or 'does not fit'")
    gpu: str
    gpu_id: str
    gpu_count: int
    required_gib: float = spec(description="per GPU")
    available_gib: float = spec(description="per GPU usable memory")
    headroom_gib: float
    headroom_pct: float
    max_batch: int | None = spec(None, description="largest batch that fits at this context")
    max_context: int | None = spec(None, description="largest context that fits at this batch")
    kv_pool_gib: float | None = spec(None, description="vLLM/SGLang: KV-cache pool per GPU")
    max_concurrent_sequences: int | None = spec(None, description="vLLM/SGLang: sequences of this context the pool "
                                                "holds at once")
    memory: MemoryEstimate
    suggestions: list[Suggestion]
    notes: list[str] = spec(factory=list)
    size_range: dict | None = spec(None, description="a bare size ('13B'): the generic shape sized, and the per-GPU "
                                   "range over dense catalog models of that size for the same request")


def available_gib(gpu: GPU, req: MemoryRequest) -> float:
    usable = gpu.usable_gib
    if req.workload == "inference" and (req.framework or "") in ("vllm", "sglang"):
        usable = gpu.memory_gib * req.gpu_memory_utilization
    return usable


def _required(req: MemoryRequest) -> float | None:
    try:
        return estimate_memory(req).per_gpu_gib
    except AdvisorInputError:
        return None


def _largest(req: MemoryRequest, field: str, limit: int, avail: float) -> int | None:
    """Largest value of `field` (batch or context) that fits, by bisection."""
    lo, hi = 0, limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        r = _required(replace(req, **{field: mid}))
        if r is not None and r <= avail:
            lo = mid
        else:
            hi = mid - 1
    return lo or None


def check_fit(req: FitRequest) -> FitResult:
    gpu = get_gpu(req.gpu)
    mem = estimate_memory(replace(req, gpu=gpu.id))
    mem_req = replace(req, gpu=gpu.id, framework=mem.framework)  # the runtime sized, defaults resolved
    avail = available_gib(gpu, mem_req)
    required = mem.per_gpu_gib
    headroom = avail - required
    fits = headroom >= 0
    tight = fits and headroom < TIGHT_HEADROOM * avail
    notes = _capability_notes(gpu, mem)
    max_batch = _largest(replace(mem_req, context=mem.context), "batch", 4096, avail) if fits else None
    from .models import get_model

    limit = get_model(req.model).max_context
    max_ctx = _largest(replace(mem_req, batch=mem.batch), "context", limit, avail)
    from .suggest import suggestions

    sugg = suggestions(mem_req, mem, gpu, avail) if (not fits or tight) else []
    from .size_range import bare_size_note, bare_size_range

    size_range = bare_size_range(get_model(req.model), mem_req)
    if size_range:
        notes.insert(0, bare_size_note(size_range, required))
    return FitResult(
        fits=fits, verdict="does not fit" if not fits else ("fits (tight)" if tight else "fits"),
        gpu=gpu.name, gpu_id=gpu.id, gpu_count=req.gpu_count, required_gib=required,
        available_gib=round(avail, 2), headroom_gib=round(headroom, 2),
        headroom_pct=round(100 * headroom / avail, 1), max_batch=max_batch, max_context=max_ctx,
        kv_pool_gib=mem.kv_pool_gib, max_concurrent_sequences=mem.max_concurrent_sequences,
        memory=mem, suggestions=sugg, notes=notes, size_range=size_range,
    )


def _capability_notes(gpu: GPU, mem: MemoryEstimate) -> list[str]:
    notes = []
    if mem.precision == "fp8" and not gpu.supports_fp8:
        notes.append(f"{gpu.name} has no native FP8 tensor cores: FP8 weights run as weight-only (e.g. vLLM's "
                     "Marlin kernels) with 16-bit compute; same memory, less speed-up.")
    if mem.precision == "bf16" and not gpu.supports_bf16 and gpu.vendor == "nvidia":
        notes.append(f"{gpu.name} has no BF16 support: run in FP16 (same memory).")
    if gpu.gpu_usable_fraction < 1:
        notes.append(f"{gpu.name}: by default the GPU may use about {gpu.gpu_usable_fraction:.0%} of unified memory "
                     "(raise it with `sudo sysctl iogpu.wired_limit_mb=...`).")
    if mem.gpu_count > 1 and mem.tensor_parallel > 1 and not gpu.nvlink_for(mem.tensor_parallel):
        notes.append(f"{gpu.name} has no NVLink: tensor parallelism goes over PCIe and costs speed.")
    return notes

