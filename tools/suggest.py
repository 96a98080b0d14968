"""Ranked "what would make it fit" suggestions, each re-estimated with its change applied."""

from __future__ import annotations

from .base import replace
from .errors import AdvisorInputError
from .gpus import GPU, all_gpus
from .memory import MemoryEstimate, MemoryRequest, estimate_memory

# lower = less disruptive (speed or quality cost, money); fitting suggestions come first
_RANK = {"gradient-checkpointing": 1, "leaner-trainer": 1.5, "kv-fp8": 2, "smaller-batch": 3, "shorter-context": 3,
         "8bit-optimizer": 3, "pure-bf16": 3.5, "quantize": 4, "lora": 4, "qlora": 4.5, "zero3": 5, "offload": 6,
         "tensor-parallel": 5.5, "more-gpus": 7, "bigger-gpu": 8}


def _try(req: MemoryRequest, changes: dict) -> float | None:
    try:
        return estimate_memory(replace(req, **changes)).per_gpu_gib
    except AdvisorInputError:
        return None


def _avail(gpu: GPU, req: MemoryRequest) -> float:
    from .fit import available_gib

    return available_gib(gpu, req)


def _inference_options(req: MemoryRequest, mem: MemoryEstimate, gpu: GPU) -> list[tuple[str, str, dict]]:
    opts = []
    if req.framework == "llama.cpp" or mem.precision.startswith("q"):
        ladder = ["q8_0", "q6_k", "q5_k_m", "q4_k_m", "q3_k_m", "q2_k"]
    else:
        ladder = (["fp8"] if gpu.supports_fp8 else ["int8"]) + ["awq-4bit"]
    current_bits = _bits(mem.precision)
    for fmt in ladder:
        if _bits(fmt) < current_bits:
            label = {"fp8": "FP8", "int8": "INT8", "awq-4bit": "4-bit AWQ/GPTQ"}.get(fmt, fmt.upper())
            opts.append(("quantize", f"quantize weights to {label}", {"precision": fmt}))
    if req.kv_dtype in ("bf16", "fp16") and mem.breakdown_gib.get("kv_cache", 0) > 0.5:
        kv = "q8_0" if mem.framework == "llama.cpp" else "fp8"
        opts.append(("kv-fp8", f"store the KV cache in {kv} (halves it)", {"kv_dtype": kv}))
    return opts


def _training_options(req: MemoryRequest, mem: MemoryEstimate) -> list[tuple[str, str, dict]]:
    """Training options; each also turns on gradient checkpointing when it is off, since that is the
    cheapest saving and the bigger changes rarely fit without it."""
    method = mem.method or "full"
    ckpt_off = mem.gradient_checkpointing is False
    ck, plus = ({"gradient_checkpointing": True}, " + gradient checkpointing") if ckpt_off else ({}, "")
    opts = []
    if ckpt_off:
        opts.append(("gradient-checkpointing", "turn on gradient checkpointing (~30% slower, far fewer activations)", ck))
    if method in ("full", "pretrain") and req.optimizer in (None, "adamw"):
        opts.append(("8bit-optimizer", "use an 8-bit AdamW (bitsandbytes): 2 instead of 8 bytes of state per param"
                     + plus, {"optimizer": "adamw-8bit", **ck}))
    if method in ("full", "pretrain") and not req.pure_bf16 and req.precision in (None, "bf16"):
        # mixed precision keeps an fp32 master copy of every weight (4 bytes/param); training the bf16 weights
        # directly (Kahan-summation or stochastic-rounding optimizers, torchtune's bf16 recipes) drops it
        opts.append(("pure-bf16", "train the bf16 weights directly, with no fp32 master copy (a Kahan-summation or "
                     "stochastic-rounding optimizer)" + plus, {"pure_bf16": True, **ck}))
    if method == "full":
        opts.append(("lora", "fine-tune with LoRA instead of all weights" + plus, {"method": "lora", **ck}))
    if method in ("full", "lora"):
        opts.append(("qlora", "use QLoRA: 4-bit NF4 base weights + LoRA adapters",
                     {"method": "qlora", "precision": "nf4-dq", "gradient_checkpointing": True}))
    if method == "pretrain" and req.gpu_count > 1 and (req.tensor_parallel or 1) == 1:
        # pretraining trains every weight: past what ZeRO-3 holds, split layers (TP) and stages (PP) instead
        from .models import get_model

        heads = get_model(req.model).num_heads
        tp = max((t for t in (2, 4, 8) if t <= req.gpu_count and heads % t == 0 and req.gpu_count % t == 0),
                 default=0)
        if tp:
            opts.append(("tensor-parallel", f"tensor parallel {tp} (Megatron-style; activations and weights split "
                         f"{tp} ways)" + plus, {"tensor_parallel": tp, **ck}))
    if method in ("lora", "qlora") and req.framework in (None, "transformers"):
        # Hugging Face PEFT keeps embeddings/LM head in fp32 (QLoRA) and materialises fp32 logits; torchtune keeps
        # them bf16 and chunks the loss (Unsloth and Liger go further): same run, less memory
        opts.append(("leaner-trainer", "train with torchtune (bf16 embeddings, chunked loss) or Unsloth instead of "
                     "Hugging Face PEFT" + plus, {"framework": "torchtune", **ck}))
    if req.gpu_count > 1 and req.sharding != "zero3":
        opts.append(("zero3", f"shard weights, gradients and optimizer over the {req.gpu_count} GPUs (ZeRO-3/FSDP)"
                     + plus, {"sharding": "zero3", **ck}))
    if req.offload == "none" and method in ("full", "pretrain"):
        shard = {"sharding": "zero3"} if req.gpu_count > 1 else {}
        opts.append(("offload", "offload optimizer state to CPU RAM (DeepSpeed ZeRO-Offload; slower steps)" + plus,
                     {"offload": "optimizer", **shard, **ck}))
    return opts


def _bits(precision: str) -> float:
    from .formats import weight_format

    return weight_format(precision).linear_bits


def suggestions(req: MemoryRequest, mem: MemoryEstimate, gpu: GPU, avail: float) -> list:
    from .fit import Suggestion

    out: list[Suggestion] = []
    opts = _inference_options(req, mem, gpu) if req.workload == "inference" else _training_options(req, mem)
    quant: list[Suggestion] = []
    for action, text, changes in opts:
        r = _try(req, changes)
        if r is None:
            continue
        s = Suggestion(action=action, description=text, changes=changes, required_gib=r, fits=r <= avail)
        (quant if action == "quantize" else out).append(s)
    if quant:
        # the least aggressive format that fits; if none does, the smallest, to show how close it gets
        out.append(next((q for q in quant if q.fits), quant[-1]))
    out += _shrink(req, mem, avail)
    out += _scale_out(req, mem, gpu, avail)
    out.sort(key=lambda s: (not s.fits, _RANK.get(s.action, 9), s.required_gib))
    return out


def _shrink(req: MemoryRequest, mem: MemoryEstimate, avail: float) -> list:
    from .fit import Suggestion, _largest

    out = []
    if mem.batch > 1:
        b = _largest(replace(req, context=mem.context), "batch", mem.batch - 1, avail)
        if b:
            out.append(Suggestion(action="smaller-batch", description=f"use batch {b} (from {mem.batch})",
                                  changes={"batch": b}, required_gib=_try(req, {"batch": b}) or 0, fits=True))
    c = _largest(replace(req, batch=mem.batch), "context", mem.context - 1, avail)
    if c and c >= 256:
        word = "sequence length" if req.workload == "training" else "context"
        out.append(Suggestion(action="shorter-context", description=f"cut the {word} to {c:,} tokens (from {mem.context:,})",
                              changes={"context": c}, required_gib=_try(req, {"context": c}) or 0, fits=True))
    return out


def _scale_out(req: MemoryRequest, mem: MemoryEstimate, gpu: GPU, avail: float) -> list:
    from .fit import Suggestion

    out = []
    for n in (2, 4, 8, 16, 32, 64):
        if n <= req.gpu_count or gpu.vendor == "apple":  # Macs are not split by tensor parallel (one unified memory each)
            continue
        changes: dict = {"gpu_count": n}
        if req.workload == "inference":
            changes["tensor_parallel"] = n if mem.framework != "llama.cpp" else None
        else:
            if req.sharding == "none":
                changes["sharding"] = "zero3"
            if mem.gradient_checkpointing is False:
                changes["gradient_checkpointing"] = True
        r = _try(req, changes)
        if r is not None and r <= avail:
            how = "tensor parallel" if req.workload == "inference" else "ZeRO-3/FSDP"
            if changes.get("gradient_checkpointing"):
                how += " + gradient checkpointing"
            out.append(Suggestion(action="more-gpus", description=f"use {n}x {gpu.name} ({how})", changes=changes,
                                  required_gib=r, fits=True))
            break
    for other in sorted(all_gpus(), key=lambda g: g.usable_gib):
        if other.usable_gib <= gpu.usable_gib or other.vendor != gpu.vendor:
            continue
        r = _try(req, {"gpu": other.id})
        if r is not None and r <= _avail(other, req):
            out.append(Suggestion(action="bigger-gpu", description=f"use {req.gpu_count}x {other.name} "
                                  f"({other.memory_gib:.0f} GiB)", changes={"gpu": other.id}, required_gib=r, fits=True))
            break
    return out
