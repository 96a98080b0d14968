"""Training memory: model states (weights, gradients, optimizer), activations, overhead, per GPU.

Bytes per parameter follow the ZeRO paper (Rajbhandari et al. 2019, §3.1): mixed-precision AdamW
keeps 2 (bf16 weights) + 2 (bf16 grads) + 4 (fp32 master) + 4 + 4 (Adam m, v) = 16 bytes.
DeepSpeed's own estimators (estimate_zero2/3_model_states_mem_needs) give 2P + 18P/N for ZeRO-2
and 18P/N for ZeRO-3: its fp32 gradient partition is modelled explicitly below.
Activations follow Korthikanti et al. 2022 ("Reducing Activation Recomputation"), without
dropout masks, generalised to GQA and gated MLPs.
"""

from __future__ import annotations

from .arch import ModelSpec
from .defaults import (
    FINETUNE_SEQUENCE_LENGTH,
    PRETRAIN_SEQUENCE_LENGTH,
    SHARDED_TRAINING_FRAMEWORK,
    TRAINING_FRAMEWORK,
)
from .errors import AdvisorInputError
from .formats import weight_bytes, weight_format
from .memory import MemoryEstimate, MemoryRequest
from .memory_inference import ALLOCATOR_SLACK, CUDA_CONTEXT_GIB
from .params import LINEAR_ROLES, count_params, tensor_groups
from .train_activations import LOSS_KERNEL_LABEL, activation_peak, default_loss_kernel
from .units import GIB

LORA_TARGETS = {
    "all-linear": LINEAR_ROLES,
    "attention": frozenset({"attn_q", "attn_k", "attn_v", "attn_o", "attn_qkv", "mla_q_a", "mla_q_b",
                            "mla_kv_a", "mla_kv_b"}),
    "qv": frozenset({"attn_q", "attn_v", "attn_qkv", "mla_q_b", "mla_kv_b"}),
}
# optimizer state bytes per trainable parameter
# Definitions, not fits: Adam keeps two fp32 moments (8 B); 8-bit Adam two 1-byte states (Dettmers et al.
# 2021, bitsandbytes); SGD with momentum one fp32 buffer.
OPTIMIZER_BYTES = {"adamw": 8.0, "paged-adamw": 8.0, "adamw-8bit": 2.0, "paged-adamw-8bit": 2.0, "sgd": 4.0}


def lora_params(m: ModelSpec, rank: int, targets: str) -> int:
    """LoRA adds rank x (in + out) per targeted matrix (each expert counts)."""
    roles = LORA_TARGETS[targets]
    return sum(rank * (g.rows + g.cols) * g.copies * max(g.layers, 1) for g in tensor_groups(m) if g.role in roles)


def _adafactor_bytes(m: ModelSpec) -> float:
    """Factored second moment: one fp32 row and column vector per matrix, no first moment."""
    return sum(4.0 * (g.rows + g.cols) * g.copies * max(g.layers, 1) for g in tensor_groups(m) if g.rows)


def training_memory(req: MemoryRequest, m: ModelSpec, tp: int) -> MemoryEstimate:
    method = req.method or "full"
    pp = req.pipeline_parallel
    if tp > 1 and m.num_heads % tp:
        raise AdvisorInputError(f"Tensor parallel {tp} does not divide {m.name}'s {m.num_heads} heads.")
    dp = req.gpu_count // (tp * pp)
    default_seq = PRETRAIN_SEQUENCE_LENGTH if method == "pretrain" else FINETUNE_SEQUENCE_LENGTH
    seq = req.context or min(default_seq, m.max_context)
    ckpt = req.gradient_checkpointing if req.gradient_checkpointing is not None else method == "qlora"
    counts = count_params(m)
    P = counts.total
    shards = tp * pp
    zero = {"none": 0, "zero1": 1, "zero2": 2, "zero3": 3, "fsdp": 3}[req.sharding]
    n = dp if zero else 1
    offload_opt = req.offload != "none"
    offload_params = req.offload == "optimizer+params"
    if offload_params and zero != 3:
        raise AdvisorInputError("Parameter offload needs ZeRO-3 or FSDP: add --sharding zero3.")

    # Hugging Face QLoRA: PEFT's prepare_model_for_kbit_training casts every non-4-bit parameter to fp32
    peft_fp32 = method == "qlora" and req.framework in (None, "transformers")
    if method == "qlora":
        # QLoRA as published: NF4 with double quantization (Dettmers et al. 2023, section 3)
        base_fmt = weight_format("nf4-dq" if req.precision in ("bf16", "fp16") else req.precision)
    else:
        base_fmt = weight_format("bf16" if req.precision in ("fp32", "bf16", "fp16") else req.precision)
        if method in ("full", "pretrain") and base_fmt.family != "float":
            raise AdvisorInputError(
                f"Full fine-tuning updates every weight, so it cannot train a {base_fmt.label} model; "
                "use --method qlora for a quantized base, or --precision bf16."
            )
    assumptions = [f"sequence length {seq:,} x micro-batch {req.batch}" + (f" (default {default_seq:,})" if req.context is None else "")]
    optimizer = req.optimizer or ("paged-adamw" if method == "qlora" else "adamw")
    opt_b = _adafactor_bytes(m) / max(P, 1) if optimizer == "adafactor" else OPTIMIZER_BYTES[optimizer]
    paged = optimizer.startswith("paged")
    adapters = 0.0
    if method in ("full", "pretrain"):
        trainable = P
        weights = 2.0 * P if req.precision != "fp32" else 4.0 * P
        master = 0.0 if req.pure_bf16 or req.precision == "fp32" else 4.0 * P
        grads16 = 2.0 * P if req.precision != "fp32" else 4.0 * P
        opt = opt_b * P / (2 if req.pure_bf16 and optimizer in ("adamw", "paged-adamw") else 1)
        assumptions.append(("pretraining: " if method == "pretrain" else "full fine-tune: ") + ("pure bf16 weights and states" if req.pure_bf16 else
                           "mixed precision (bf16 weights and grads, fp32 master copy)") + f", {optimizer}")
    else:
        trainable = lora_params(m, req.lora_rank, req.lora_targets)
        weights = weight_bytes(m, base_fmt) + 4.0 * trainable  # adapters kept in fp32 (PEFT default)
        if peft_fp32:  # embeddings, LM head and norms stored at 4 bytes instead of 2
            weights += sum(b for role, b in weight_bytes(m, base_fmt, by_role=True).items() if role not in LINEAR_ROLES)
        adapters = 4.0 * trainable
        master, grads16, opt = 0.0, 4.0 * trainable, opt_b * trainable
        assumptions.append(f"{method.upper()}: frozen base in {base_fmt.label}, rank {req.lora_rank} adapters on "
                           f"{req.lora_targets} layers ({trainable / 1e6:.1f}M trainable params, fp32), {optimizer}"
                           + (" (default for qlora)" if req.optimizer is None and method == "qlora" else ""))

    bytes_per_param = weights / max(P, 1)  # of the stored (possibly quantized) weights
    # DeepSpeed keeps an fp32 gradient partition for the optimizer step under ZeRO (4 bytes/param).
    fp32_grads = 4.0 * trainable if zero and method in ("full", "pretrain") and not req.pure_bf16 else 0.0
    w_gpu = weights / shards / (n if zero == 3 else 1)
    g_gpu = (grads16 / (n if zero >= 2 else 1) + fp32_grads / n) / shards
    if zero == 3 and fp32_grads:
        g_gpu = fp32_grads / n / shards  # bf16 grads are reduce-scattered straight into the fp32 partition
    if req.optimizer_in_backward:
        g_gpu = min(g_gpu, _largest_matrix_bytes(m))  # each grad is freed right after its own step
    o_gpu = (master + opt) / shards / n
    host = 0.0
    if offload_opt:
        host += o_gpu * shards * n + (fp32_grads / shards if fp32_grads else 0)
        o_gpu = 0.0
        g_gpu = grads16 / shards / (n if zero >= 2 else 1)
    if offload_params:
        # parameters and gradients live on the CPU; the GPU holds the gathered layer in use plus
        # the prefetched next one, and one layer's unsharded gradients before they are moved out
        host += w_gpu * shards * n
        w_gpu = 2 * _layer_params(m) * bytes_per_param / tp
        g_gpu = _layer_params(m) * 2.0 / tp
    elif zero == 3 and n > 1:
        w_gpu += 2 * _layer_params(m) * bytes_per_param / tp  # all-gathered layer + prefetch
    paged_gib = 0.0
    if paged:
        paged_gib = o_gpu
        o_gpu = 0.0
    tokens = seq * req.batch
    kernel = default_loss_kernel(req.loss_kernel, req.framework)
    roles = LORA_TARGETS[req.lora_targets] if method in ("lora", "qlora") else frozenset()
    acts, logits, act_why = activation_peak(m, tokens, seq, m.num_layers / pp, ckpt, req.flash_attention, kernel,
                                            peft_fp32, roles)
    acts /= tp
    logits /= tp
    allocated = w_gpu + g_gpu + o_gpu + acts + logits
    context_gib = CUDA_CONTEXT_GIB["transformers"]
    overhead = context_gib * GIB + ALLOCATOR_SLACK * (acts + logits + g_gpu)
    adapters_gpu = adapters * w_gpu / max(weights, 1)
    breakdown = {"weights": w_gpu - adapters_gpu, "gradients": g_gpu, "optimizer": o_gpu, "activations": acts,
                 "logits": logits, "overhead": overhead}
    if adapters_gpu:
        breakdown["adapters"] = adapters_gpu
    if paged_gib:
        breakdown["optimizer_paged"] = paged_gib
    assumptions.append(("gradient checkpointing on" if ckpt else "no gradient checkpointing")
                       + ("" if req.gradient_checkpointing is not None else " (default for " + method + ")")
                       + ("; FlashAttention" if req.flash_attention else "; eager attention")
                       + f"; {LOSS_KERNEL_LABEL[kernel]}"
                       + ("" if req.loss_kernel else f" (default for {req.framework or 'transformers'})"))
    assumptions.append(f"activation peak: {act_why}; allocator slack {ALLOCATOR_SLACK:.0%} of dynamic memory "
                       "(fragmentation between differently sized long-sequence buffers)")
    if peft_fp32:
        assumptions.append("Hugging Face QLoRA (PEFT prepare_model_for_kbit_training): embeddings, LM head and norms "
                           "cast to fp32, so the residual stream and checkpoints are fp32")
    if zero:
        assumptions.append(f"{req.sharding.upper()} over {n} data-parallel GPUs")
    if offload_opt:
        assumptions.append(f"CPU offload of {req.offload}: {host / GIB:.1f} GiB in host RAM")
    if shards > 1:
        assumptions.append(f"tensor parallel {tp}, pipeline {pp}")
    notes = []
    if paged:
        notes.append(f"Paged optimizer: {paged_gib / GIB:.2f} GiB of optimizer state lives in CUDA unified memory "
                     "and spills to host RAM under pressure; it is not counted in the GPU peak.")
    if kernel != "fused" and logits > 0.25 * (w_gpu + g_gpu + o_gpu + acts + logits):
        notes.append(f"The loss's logits buffers take {logits / GIB:.1f} GiB; a fused cross-entropy (Liger kernels, "
                     "Unsloth's Cut Cross-Entropy) never materialises them (--loss-kernel fused).")
    if m.is_moe:
        notes.append(f"MoE: all {P / 1e9:.1f}B parameters are stored; activations use the "
                     f"{m.experts_per_token} active experts per token.")
    per_gpu = allocated + overhead
    return MemoryEstimate(
        model=m.name, model_id=m.id, approximate_shape=m.approximate, params_b=round(P / 1e9, 3),
        active_params_b=round(counts.active / 1e9, 3), workload="training", method=method,
        precision=base_fmt.key, framework=req.framework or (SHARDED_TRAINING_FRAMEWORK if req.sharding.startswith("zero")
                                                             else "fsdp" if req.sharding == "fsdp" else TRAINING_FRAMEWORK),
        context=seq, batch=req.batch, gpu_count=req.gpu_count, tensor_parallel=tp, pipeline_parallel=pp,
        data_parallel=dp, total_gib=round(per_gpu * req.gpu_count / GIB, 2), per_gpu_gib=round(per_gpu / GIB, 2),
        allocated_per_gpu_gib=round(allocated / GIB, 2),
        breakdown_gib={k: round(v / GIB, 3) for k, v in breakdown.items()},
        weights_gib=round((weights - adapters) / GIB, 3), host_ram_gib=round(host / GIB, 2),
        gradient_checkpointing=ckpt, assumptions=assumptions, notes=notes,
    )


def _largest_matrix_bytes(m: ModelSpec) -> float:
    return 2.0 * max((g.rows * g.cols for g in tensor_groups(m) if g.rows), default=0)


def _layer_params(m: ModelSpec) -> float:
    """Parameters of one transformer block (the unit FSDP/ZeRO-3 gathers)."""
    return sum(g.total for g in tensor_groups(m) if g.layers) / m.num_layers
