"""compare_quantization: size, fit, hardware support and typical quality impact of each weight format.

4-bit is 4x smaller than 16-bit, not 8x: 70B parameters at 4 bits are ~35 GB of weights, plus the
group scales and the 16-bit embeddings -- a widely copied table's "17.5 GB" divides by 8.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .base import check, record, replace, spec
from .catalog_io import load_json
from .defaults import BATCH, INFERENCE_CONTEXT, TIGHT_HEADROOM, default_inference_framework
from .errors import AdvisorInputError
from .fit import available_gib
from .formats import WeightFormat, weight_bytes, weight_format
from .gpus import GPU, get_gpu
from .memory import MemoryRequest, estimate_memory
from .models import get_model
from .params import count_params
from .units import GB, GIB

DEFAULT_FORMATS = ["bf16", "fp8", "int8", "gptq-4bit-g128", "gptq-3bit-g128", "awq-4bit", "nf4", "q8_0", "q6_k",
                   "q5_k_m", "q4_k_m", "q4_0", "iq4_xs", "q3_k_m", "iq3_xxs", "q2_k", "iq2_m", "iq2_xs", "iq1_s", "mxfp4",
                   "nvfp4"]  # the i-quants: what a 70B on one 24 GB card or DeepSeek on a 192 GB Mac can load


@record
class QuantizationRequest:
    model: str = spec(description="the model as the person wrote it: a catalog name or alias, a Hugging Face repo id (org/name) or a size in billions of parameters; e.g. '70B', or (CLI only) a config.json path")
    gpu: str | None = spec(None, "GPU to check the fit on")
    gpu_count: int = spec(1, "number of GPUs", gt=0, le=4096)
    context: int = spec(INFERENCE_CONTEXT, "tokens per sequence for the KV cache", gt=0, le=2**24)
    batch: int = spec(BATCH, "concurrent sequences", gt=0, le=65536)
    formats: list[str] | None = spec(None, "formats to compare (default: all common ones)")

    def __post_init__(self) -> None:
        check(self)


@record
class QuantOption:
    format: str
    label: str
    bits_per_weight: float = spec(description="average over all weights, scales included")
    weights_gib: float
    weights_gb: float = spec(description="decimal GB, as file listings show")
    total_gib: float | None = spec(None, "per GPU at the requested context, if it can run")
    fits: bool | None = None
    tight: bool | None = spec(None, "fits with less than a tenth of the memory free (little room for the KV cache)")
    runs_on_gpu: str = spec(description="native, emulated/weight-only, or not supported, with the reason")
    framework: str
    quality: str = spec(description="typical impact vs 16-bit, with the figure it rests on")
    quality_impact: str = spec(description="none, negligible, small, moderate, large, or unknown")
    sources: list[str] = spec(factory=list)


@record
class QuantizationResult:
    model: str
    params_b: float
    gpu: str | None
    gpu_count: int
    options: list[QuantOption]
    smallest_that_fits: str | None = spec(None, "the least lossy format that fits, if a GPU was given (ranked by "
                                          "measured quality: quality_order)")
    notes: list[str] = spec(factory=list)


@lru_cache(maxsize=1)
def _quality() -> dict:
    try:
        return load_json("quant_quality.json")
    except FileNotFoundError:
        return {"formats": {}}


def mxfp4_weight_only(gpu: GPU) -> bool:
    """vLLM runs MXFP4 checkpoints without FP4 tensor cores through weight-only (Marlin) kernels, which need
    an NVIDIA GPU with BF16 tensor cores (Ampere, SM80, or newer)."""
    return gpu.vendor == "nvidia" and bool(gpu.bf16_tflops_dense)


def hardware_support(fmt: WeightFormat, gpu: GPU | None) -> tuple[str, str]:
    """(support summary, framework that runs it) for a format on a GPU."""
    if fmt.family == "gguf":
        return "native (llama.cpp: CUDA, ROCm, Metal, Vulkan, CPU)", "llama.cpp"
    if gpu is None:
        return "depends on the GPU", _framework(fmt)
    if gpu.vendor == "apple":
        ok = fmt.family in ("float",)
        return ("native (MLX/llama.cpp)" if ok else "not supported on Apple GPUs (use GGUF or MLX formats)"), (
            default_inference_framework(fmt.family, gpu.vendor))
    if gpu.vendor == "google":
        ok = fmt.family in ("float", "int8", "fp8")
        return ("native (JAX/XLA)" if ok else "not supported on TPUs"), "jax"
    if fmt.family == "fp8":
        if gpu.supports_fp8:
            return f"native FP8 tensor cores ({gpu.architecture})", "vllm"
        if mxfp4_weight_only(gpu):  # vLLM's FP8 Marlin kernels: NVIDIA SM80 (Ampere) or newer
            return "weight-only FP8 (no FP8 tensor cores before Ada/Hopper): memory saving, little speed-up", "vllm"
        return (f"not supported on {gpu.architecture or gpu.name}: FP8 weight-only kernels need NVIDIA Ampere (SM80) or "
                "newer, FP8 tensor cores Ada/Hopper; use AWQ/GPTQ 4-bit or INT8"), "vllm"
    if fmt.family in ("nvfp4", "mxfp4"):
        if gpu.fp4_tflops_dense:
            return f"native FP4 tensor cores ({gpu.architecture})", "tensorrt-llm" if fmt.family == "nvfp4" else "vllm"
        if fmt.family == "mxfp4" and mxfp4_weight_only(gpu):
            return "weight-only MXFP4 kernels (dequantized to 16-bit): runs, no FP4 speed-up", "vllm"
        return "needs Blackwell-class FP4 (or ROCm MI355X)", "tensorrt-llm"
    if fmt.family == "int8" and gpu.vendor != "nvidia":
        return "bitsandbytes LLM.int8 targets NVIDIA CUDA", "transformers"
    return "supported (weight-only kernels: Marlin/ExLlama/bitsandbytes)", _framework(fmt)


def _framework(fmt: WeightFormat) -> str:
    return default_inference_framework(fmt.family)


def compare_quantization(req: QuantizationRequest) -> QuantizationResult:
    m = get_model(req.model)
    gpu = get_gpu(req.gpu) if req.gpu else None
    names = req.formats or DEFAULT_FORMATS
    if not req.formats and m.native_precision not in names:
        names = [m.native_precision, *names]  # the format the weights ship in (MXFP4 for gpt-oss)
    params = count_params(m).total
    options: list[QuantOption] = []
    room: dict[str, float] = {}  # GiB per GPU the format's runtime may use
    quality = _quality().get("formats", {})
    for name in names:
        fmt = weight_format(name)
        size = weight_bytes(m, fmt)
        support, framework = hardware_support(fmt, gpu)
        total = fits = None
        runnable = not support.startswith(("not supported", "needs", "bitsandbytes LLM.int8 targets"))
        if gpu is not None and runnable:
            try:  # sized as check_fit sizes it: the default runtime for the format, the same available memory
                mem_req = MemoryRequest(model=req.model, precision=fmt.key, context=min(req.context, m.max_context),
                                        batch=req.batch, gpu_count=req.gpu_count, gpu=gpu.id)
                est = estimate_memory(mem_req)
                total = est.per_gpu_gib
                room[fmt.key] = available_gib(gpu, replace(mem_req, framework=est.framework))
                fits = total <= room[fmt.key]
            except AdvisorInputError:
                total, fits = None, None
        q = quality.get(fmt.key) or quality.get(_quality_key(fmt)) or {}
        options.append(QuantOption(
            format=fmt.key, label=fmt.label, bits_per_weight=round(size * 8 / params, 3),
            weights_gib=round(size / GIB, 2), weights_gb=round(size / GB, 2), total_gib=total,
            fits=fits if runnable else False if gpu else None,
            tight=(total > room[fmt.key] * (1 - TIGHT_HEADROOM)) if fits and runnable else None,
            runs_on_gpu=support, framework=framework,
            quality=q.get("summary", "no published figure on file"), quality_impact=q.get("impact", "unknown"),
            sources=[f.get("source", "") for f in q.get("figures", [])],
        ))
    fitting = sorted((o for o in options if o.fits), key=lambda o: quality_order(o.format, o.bits_per_weight))
    if gpu is not None and gpu.kind == "datacenter" and any(o.framework in ("vllm", "sglang", "tensorrt-llm")
                                                            for o in fitting):
        # a datacenter card runs a serving engine (vLLM, SGLang, TRT-LLM): GGUF files are for llama.cpp/Ollama, and
        # bitsandbytes formats run in plain transformers, not a serving engine
        fitting = [o for o in fitting if o.framework in ("vllm", "sglang", "tensorrt-llm")]
    if gpu is not None and fitting and fitting[0].tight:
        # a format that fills the card to within a tenth holds the weights and little KV cache: one of the same
        # near-lossless class with room to run is the better pick (never a lossier one just for room)
        roomy = [o for o in fitting if not o.tight and o.quality_impact == fitting[0].quality_impact
                 and o.quality_impact in ("none", "negligible", "small")]  # a lossy class orders by measured loss
        fitting = roomy + [o for o in fitting if o not in roomy]
    best = fitting[0].format if fitting and gpu else None
    notes = ["4-bit weights are ~4x smaller than 16-bit (not 8x): 4 bits plus group scales, and embeddings/LM "
             "head usually stay 16-bit."]
    if m.native_precision != "bf16":
        notes.insert(0, f"{m.name} ships in {m.native_precision.upper()} (its native format).")
    if gpu and gpu.vendor == "apple":
        notes.append("On Apple Silicon use GGUF (llama.cpp/Ollama) or MLX quantizations.")
    return QuantizationResult(model=m.name, params_b=round(params / 1e9, 3), gpu=gpu.name if gpu else None,
                              gpu_count=req.gpu_count, options=options, smallest_that_fits=best, notes=notes)


_IMPACT_RANK = {"none": 0, "negligible": 1, "small": 2, "moderate": 3, "large": 4}


def quality_entry(name: str) -> dict:
    """The measured-quality entry of tools/data/quant_quality.json for a format (empty if none on file)."""
    fmt = weight_format(name)
    quality = _quality().get("formats", {})
    return quality.get(fmt.key) or quality.get(_quality_key(fmt)) or {}


def measured_loss_pct(entry: dict) -> float | None:
    """Relative quality loss vs 16-bit (or the source's baseline), in percent, from the entry's first figure:
    perplexity increase, or accuracy drop; None when the figure is qualitative. Clamped at 0 (a quantized score a
    hair above its baseline is noise, not a gain)."""
    figures = entry.get("figures") or []
    if not figures:
        return None
    fig = figures[0]
    value, metric = fig.get("value"), fig.get("metric", "").lower()
    loss = None
    if isinstance(value, int | float):
        if "ratio" in metric:
            loss = (value - 1) * 100
        elif "dppl" in metric:  # llama.cpp's scoreboard: absolute perplexity increase over the F16 perplexity
            base = re.search(r"F16 PPL ([0-9.]+)", fig.get("note", ""))
            loss = 100 * value / float(base.group(1)) if base else None
    elif isinstance(value, dict):
        if "increase_pct" in value:
            loss = value["increase_pct"]
        elif "recovery_pct" in value:
            loss = 100 - value["recovery_pct"]
        elif "baseline" in value and "quantized" in value and value["baseline"]:
            change = 100 * (value["quantized"] - value["baseline"]) / value["baseline"]
            loss = change if "perplexity" in metric else -change
        else:
            lists = [v for v in value.values() if isinstance(v, list) and v]
            if len(lists) == 2:  # [baseline scores], [quantized scores]: mean relative accuracy drop
                base, quant = (sum(x) / len(x) for x in lists)
                loss = 100 * (base - quant) / base
    return None if loss is None else max(0.0, round(loss, 3))


def quality_order(name: str, bits_per_weight: float) -> tuple:
    """Sort key, least lossy first: the measured impact class (tools/data/quant_quality.json); within a class of no
    measurable loss (none, negligible) the format with more bits; otherwise the smaller measured loss; formats with
    no figure last in their class."""
    entry = quality_entry(name)
    impact = _IMPACT_RANK.get(entry.get("impact", ""), 5)
    loss = measured_loss_pct(entry)
    within = 0.0 if impact <= 1 else (loss if loss is not None else 1e9)
    return impact, within, -bits_per_weight


def _quality_key(fmt: WeightFormat) -> str:
    return {"gptq": "gptq-4bit-g128", "awq": "awq-4bit", "bnb4": "nf4"}.get(fmt.family, fmt.key)

