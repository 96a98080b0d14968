"""estimate_memory: request and result models, and the dispatcher.

The maths lives in memory_inference.py and memory_training.py; this module owns the contract
(`total_gib`, `per_gpu_gib`, `breakdown_gib`, stated assumptions).
"""

from __future__ import annotations

from typing import Literal

from .base import check, record, replace, spec
from .defaults import BATCH, VLLM_GPU_MEMORY_UTILIZATION
from .errors import AdvisorInputError

Workload = Literal["inference", "training"]
Method = Literal["full", "lora", "qlora", "pretrain"]
Framework = Literal["transformers", "vllm", "llama.cpp", "tensorrt-llm", "sglang", "autoawq", "deepspeed", "fsdp",
                    "torchtune"]
Optimizer = Literal["adamw", "adamw-8bit", "paged-adamw-8bit", "paged-adamw", "sgd", "adafactor"]
Sharding = Literal["none", "zero1", "zero2", "zero3", "fsdp"]
Offload = Literal["none", "optimizer", "optimizer+params"]

_WORKLOAD_WORDS = {"infer": "inference", "inference": "inference", "serve": "inference", "serving": "inference",
                   "training": "training", "train": "training", "finetune": "training", "fine-tune": "training",
                   "fine-tuning": "training", "finetuning": "training", "pretrain": "training",
                   "pretraining": "training"}


@record
class MemoryRequest:
    """What to size. Defaults are stated in the result's assumptions."""

    model: str = spec(description="the model as the person wrote it: a catalog name or alias, a Hugging Face repo id (org/name) or a size in billions of parameters; e.g. '13B', or (CLI only) a config.json path")
    workload: Workload | None = spec(None, description="inference or training (fine-tuning/pretraining); default "
                                     "inference, or training when a method is given")
    method: Method | None = spec(None, description="training method: full, lora, qlora, pretrain (default full)")
    precision: str | None = spec(None, description="weights: bf16, fp16, fp32, fp8, mxfp4, int8, nf4, awq, gptq, "
                                 "q4_k_m, ...; default: the model's native format (inference) or bf16 (training)")
    context: int | None = spec(None, gt=0, le=2**24, description="tokens per sequence (prompt + output); default 8192 "
                                "for inference, 2048 for training, capped at the model's limit")
    batch: int = spec(BATCH, gt=0, le=65536, description="concurrent sequences (inference) or micro-batch (training)")
    kv_dtype: str = spec("bf16", description="KV-cache dtype: bf16, fp16, fp8, q8_0, q4_0")
    framework: Framework | None = spec(None, description="runtime; default for inference vLLM (llama.cpp for GGUF, "
                                       "transformers for bitsandbytes), for training transformers (DeepSpeed with ZeRO)")
    gpu_memory_utilization: float = spec(VLLM_GPU_MEMORY_UTILIZATION, gt=0.05, le=1.0, description="vLLM's pre-allocated share")
    gpu_count: int = spec(1, gt=0, le=4096, description="number of GPUs")
    tensor_parallel: int | None = spec(None, gt=0, le=4096, description="TP degree; default: all GPUs for inference, 1 for training")
    pipeline_parallel: int = spec(1, gt=0, le=4096, description="pipeline stages")
    optimizer: Optimizer | None = spec(None, description="training optimizer; default paged-adamw for QLoRA "
                                       "(as in the QLoRA paper), adamw otherwise")
    pure_bf16: bool = spec(False, description="train without fp32 master weights (bf16 states)")
    gradient_checkpointing: bool | None = spec(None, description="default: on (as LoRA/QLoRA recipes run)")
    flash_attention: bool = spec(True, description="FlashAttention/SDPA (no S^2 attention matrix)")
    lora_rank: int = spec(16, gt=0, le=4096)
    lora_targets: Literal["all-linear", "attention", "qv"] = "all-linear"
    sharding: Sharding = spec("none", description="ZeRO stage or FSDP across data-parallel GPUs")
    offload: Offload = spec("none", description="CPU offload of optimizer state (and parameters)")
    optimizer_in_backward: bool = spec(False, description="step each parameter in backward (torchtune)")
    loss_kernel: Literal["plain", "chunked", "fused"] | None = spec(
        None, description="cross-entropy: plain (Hugging Face: full fp32 logits), chunked (torchtune), fused "
        "(Liger / Unsloth Cut Cross-Entropy: logits never materialised); default from the framework")
    gpu: str | None = spec(None, description="GPU name, used for vLLM pre-allocation and Apple limits")

    def __post_init__(self) -> None:
        if isinstance(self.workload, str):
            word = _WORKLOAD_WORDS.get(self.workload.strip().lower())
            if word is None:
                raise AdvisorInputError("--workload must be 'inference' or 'training' (fine-tuning, pretraining).")
            self.workload = word
        if self.method and self.workload == "inference":
            raise AdvisorInputError(
                f"workload 'inference' takes no training method, but method '{self.method}' was given: to size "
                f"serving, leave out the method (--method); to size a {self.method} run, use workload 'training' "
                "(--workload training).")
        if self.workload is None:
            self.workload = "training" if self.method else "inference"
        for name in ("precision", "kv_dtype"):
            value = getattr(self, name)
            if isinstance(value, str):
                setattr(self, name, value.strip().lower())
        check(self)


@record
class MemoryEstimate:
    model: str
    model_id: str
    approximate_shape: bool
    params_b: float
    active_params_b: float
    workload: Workload
    method: str | None
    precision: str
    framework: str
    context: int
    batch: int
    gpu_count: int
    tensor_parallel: int
    pipeline_parallel: int
    data_parallel: int
    total_gib: float = spec(description="sum over all GPUs")
    per_gpu_gib: float = spec(description="peak on the busiest GPU, as nvidia-smi would show it")
    allocated_per_gpu_gib: float = spec(description="peak tensors only, as torch.cuda.max_memory_allocated shows")
    breakdown_gib: dict[str, float] = spec(description="per GPU")
    weights_gib: float = spec(description="all model weights (without LoRA adapters), whole model, in the chosen format")
    kv_cache_per_token_mib: float | None = None
    host_ram_gib: float = spec(0.0, description="CPU memory for offloaded state")
    gradient_checkpointing: bool | None = spec(None, description="training: activations recomputed (None: inference)")
    kv_pool_gib: float | None = spec(None, description="vLLM/SGLang: KV-cache pool per GPU after weights, the "
                                     "profile-run peak, non-torch memory and CUDA graphs")
    max_concurrent_sequences: int | None = spec(None, description="vLLM/SGLang: sequences of this context the KV "
                                                "pool holds at once (capped by max_num_seqs)")
    assumptions: list[str]
    notes: list[str] = spec(factory=list)


def estimate_memory(req: MemoryRequest) -> MemoryEstimate:
    """Peak memory per GPU for inference or training of a model."""
    from .models import get_model

    spec = get_model(req.model)
    if req.context is not None and req.context > spec.max_context:
        raise AdvisorInputError(
            f"A context of {req.context:,} tokens is beyond {spec.name}'s limit of {spec.max_context:,}; "
            f"use --context {spec.max_context} or less."
        )
    tp = req.tensor_parallel or (req.gpu_count if req.workload == "inference" else 1)
    if tp * req.pipeline_parallel > req.gpu_count or req.gpu_count % (tp * req.pipeline_parallel):
        raise AdvisorInputError(
            f"{req.gpu_count} GPUs cannot be split into tensor parallel {tp} x pipeline {req.pipeline_parallel}; "
            "the GPU count must be a multiple of TP x PP."
        )
    note = None
    if req.precision is None:
        req, note = resolve_precision(req, spec)
    if req.workload == "inference":
        from .memory_inference import inference_memory

        result = inference_memory(req, spec, tp)
    else:
        from .memory_training import training_memory

        result = training_memory(req, spec, tp)
    result.notes[:0] = [n for n in (spec.note, note and note.format(weights_gib=result.weights_gib)) if n]
    if spec.image_tokens_per_image and req.workload == "inference":
        result.notes.append(image_kv_note(spec, req.kv_dtype))
    return result


def image_kv_note(spec, kv_dtype: str) -> str:
    """Cross-attention VLMs (Llama 3.2 Vision) cache K and V of every image's vision states in each
    cross-attention layer, per sequence; the text KV cache above does not include them."""
    from .formats import KV_BYTES

    per_image = (spec.image_tokens_per_image * spec.cross_attention_layers * 2 * spec.num_kv_heads * spec.head_dim
                 * KV_BYTES.get(kv_dtype, 2.0))
    return (f"Each image adds {per_image / 2**20:.0f} MiB of cross-attention KV cache per sequence "
            f"({spec.image_tokens_per_image:,} vision states x {spec.cross_attention_layers} cross-attention layers, "
            f"{kv_dtype}); add it per image in flight.")


def resolve_precision(req, spec):
    """(request with its precision set, a note naming the format) for a request that left it unset:
    inference uses the format the weights ship in; training computes in bf16 (a natively FP8/MXFP4
    checkpoint is dequantized to train it)."""
    native = spec.native_precision
    if req.workload == "inference":
        note = None if native == "bf16" else f"{spec.name} ships in {native.upper()}: {{weights_gib:.1f}} GiB of weights."
        return replace(req, precision=native), note
    note = None if native == "bf16" else (f"{spec.name} ships in {native.upper()}; training is sized with 16-bit "
                                          "weights (dequantized).")
    return replace(req, precision="bf16"), note
