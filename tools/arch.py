"""A model's architecture, normalised from a Hugging Face config.json.

The same parser reads the catalog (which stores each model's config.json keys verbatim) and a
user's local config.json, so both paths give identical shapes.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from .base import record, spec
from .base import short_number as _short
from .errors import AdvisorInputError
from .vision import vision_extra


@record
class ModelSpec:
    """Everything the calculators need to know about a model's shape."""

    id: str
    name: str
    hf_id: str | None = None
    origin: Literal["catalog", "size", "config", "hub"] = "catalog"
    approximate: bool = spec(False, "True when the shape is guessed from a size")
    note: str = spec("", "how the model was resolved, when that is not a plain catalog hit")
    native_precision: str = spec("bf16", "the format the weights ship in (bf16, fp8, mxfp4, ...); the default "
                                 "precision when a request leaves it unset. 16- and 32-bit checkpoints are 'bf16' "
                                 "(serving engines load fp32 checkpoints in 16-bit)")
    checkpoint_bytes: int | None = spec(None, "the repo's safetensors total_size, when read from the Hub")
    model_type: str = ""
    hidden_size: int
    num_layers: int
    num_heads: int
    num_kv_heads: int
    head_dim: int
    intermediate_size: int = spec(description="dense MLP width")
    vocab_size: int
    tie_embeddings: bool = False
    max_context: int
    mlp: Literal["gated", "plain"] = "gated"
    norm: Literal["rms", "layer"] = "rms"
    norms_per_layer: int = 2
    qk_norm: bool = False
    qkv_bias: bool = False
    attn_out_bias: bool = False
    mlp_bias: bool = False
    lm_head_bias: bool = False
    fused_qkv: bool = False
    learned_positions: int = 0
    embed_norm: bool = False
    parallel_attn: bool = False
    attention_sinks: bool = False
    sliding_window: int | None = None
    sliding_layers: int = 0
    # Mixture of experts
    num_experts: int = 0
    experts_per_token: int = 0
    moe_intermediate_size: int = 0
    num_shared_experts: int = 0
    shared_expert_intermediate_size: int = 0
    shared_expert_gate: bool = False
    moe_layers: int = 0
    router_bias: bool = False
    # Multi-head latent attention (DeepSeek)
    q_lora_rank: int | None = None
    kv_lora_rank: int = 0
    qk_nope_head_dim: int = 0
    qk_rope_head_dim: int = 0
    v_head_dim: int = 0
    # Parameters outside the text stack (vision encoder, multi-token-prediction head)
    extra_params: int = 0
    extra_params_note: str = ""
    cross_attention_layers: int = spec(0, "layers that attend to image states (Llama 3.2 Vision), among num_layers")
    image_tokens_per_image: int = spec(0, "vision states cached per image in each cross-attention layer (Llama 3.2 "
                                       "Vision: tiles x (patches + 1)); 0 when images enter the context as tokens")
    official_params_b: float | None = None
    official_active_params_b: float | None = None
    params_source: str = ""
    params_note: str = ""
    config_source: str = ""
    family: str = ""

    @property
    def is_moe(self) -> bool:
        return self.num_experts > 0 and self.moe_layers > 0

    @property
    def is_mla(self) -> bool:
        return self.kv_lora_rank > 0

    @property
    def dense_layers(self) -> int:
        return self.num_layers - self.moe_layers


# Defaults of transformers' config classes, for keys a sparse config.json leaves out
# (Gemma3TextConfig, FalconConfig); applied before parsing, exactly as transformers would.
_TYPE_DEFAULTS: dict[str, dict[str, Any]] = {
    "gemma3_text": {"vocab_size": 262208, "head_dim": 256, "num_attention_heads": 8, "num_key_value_heads": 4,
                    "max_position_embeddings": 131072, "sliding_window": 4096, "sliding_window_pattern": 6,
                    "tie_word_embeddings": True},
    "falcon": {"max_position_embeddings": 2048, "tie_word_embeddings": True},
}
_TYPE_ALIASES = {"RefinedWebModel": "falcon", "RefinedWeb": "falcon"}


def _first(cfg: dict, *keys: str, default: Any = None) -> Any:
    for k in keys:
        if cfg.get(k) is not None:
            return cfg[k]
    return default


def _sliding(cfg: dict, model_type: str, n_layers: int) -> tuple[int | None, int]:
    """How many layers use a sliding window, and its size."""
    layer_types = cfg.get("layer_types")
    window = cfg.get("sliding_window") or cfg.get("attention_chunk_size")
    if isinstance(layer_types, list) and layer_types:
        n = sum(1 for t in layer_types if "sliding" in str(t) or "chunk" in str(t))
        return (window, n) if window and n else (None, 0)
    if not window:
        return None, 0
    if cfg.get("use_sliding_window") is False:
        return None, 0
    pattern = cfg.get("sliding_window_pattern")
    if model_type.startswith("gemma3") and pattern:
        # every `pattern`-th layer is global; the rest are local
        return window, n_layers - n_layers // int(pattern)
    if model_type.startswith("gemma2") or model_type.startswith("gemma3"):
        return window, (n_layers + 1) // 2
    if model_type.startswith("llama4") and cfg.get("attention_chunk_size"):
        step = int(cfg.get("interleave_nope_layer_step") or 4)  # 3 of 4 layers are chunked
        return window, n_layers - n_layers // step
    if model_type in {"mistral", "mixtral", "starcoder2", "phi3"} or cfg.get("use_sliding_window"):
        max_window_layers = cfg.get("max_window_layers")
        if model_type.startswith("qwen") and max_window_layers is not None:
            return window, max(0, n_layers - int(max_window_layers))
        return window, n_layers
    return None, 0


def _moe(cfg: dict, model_type: str, n_layers: int) -> dict:
    n_exp = int(_first(cfg, "num_local_experts", "n_routed_experts", "num_experts", default=0) or 0)
    if n_exp <= 1:
        return {}
    top_k = int(_first(cfg, "num_experts_per_tok", "experts_per_token", "moe_topk", default=2))
    inter = int(_first(cfg, "moe_intermediate_size", default=0) or cfg.get("intermediate_size"))
    out: dict = {"num_experts": n_exp, "experts_per_token": top_k, "moe_intermediate_size": inter}
    first_dense = int(cfg.get("first_k_dense_replace") or 0)
    step = int(_first(cfg, "interleave_moe_layer_step", "decoder_sparse_step", "moe_layer_freq", default=1))
    step = max(step, 1)
    mlp_only = set(cfg.get("mlp_only_layers") or [])
    if cfg.get("moe_layers"):
        moe_layers = len(cfg["moe_layers"])
    elif model_type.startswith("llama4"):
        moe_layers = sum(1 for i in range(n_layers) if (i + 1) % step == 0)
    else:
        moe_layers = sum(
            1 for i in range(first_dense, n_layers) if (i + 1) % step == 0 and i not in mlp_only
        )
    out["moe_layers"] = moe_layers
    shared = int(_first(cfg, "n_shared_experts", "num_shared_experts", default=0) or 0)
    if cfg.get("shared_expert_intermediate_size"):
        out["num_shared_experts"] = 1
        out["shared_expert_intermediate_size"] = int(cfg["shared_expert_intermediate_size"])
        out["shared_expert_gate"] = model_type.startswith("qwen2_moe")
    elif shared:
        out["num_shared_experts"] = shared
        out["shared_expert_intermediate_size"] = inter * shared
    elif model_type.startswith("llama4"):
        out["num_shared_experts"] = 1
        out["shared_expert_intermediate_size"] = inter
    if model_type == "gpt_oss":
        out["router_bias"] = True
    return out


def spec_from_config(
    config: dict,
    *,
    id: str,
    name: str | None = None,
    origin: Literal["catalog", "size", "config", "hub"] = "config",
    **extra: Any,
) -> ModelSpec:
    """Normalise a Hugging Face config.json (dict) into a ModelSpec."""
    top = config
    cfg = dict(config.get("text_config") or config)
    if "text_config" in config:
        for k in ("tie_word_embeddings",):
            if k not in cfg and k in top:
                cfg[k] = top[k]
    model_type = str(cfg.get("model_type") or top.get("model_type") or "")
    model_type = _TYPE_ALIASES.get(model_type, model_type)
    if model_type == "gemma3" and "text_config" in config:
        model_type = "gemma3_text"
    cfg = {**_TYPE_DEFAULTS.get(model_type, {}), **cfg}
    cfg = _whole_numbers(cfg)
    try:
        hidden = int(_first(cfg, "hidden_size", "n_embd", "n_embed", "d_model"))
        layers = int(_first(cfg, "num_hidden_layers", "n_layer", "num_layers", "n_layers"))
        heads = int(_first(cfg, "num_attention_heads", "n_head", "num_heads", "n_heads"))
        vocab = int(_first(cfg, "vocab_size", "padded_vocab_size"))
    except (TypeError, ValueError) as exc:
        raise AdvisorInputError(
            "This config.json lacks hidden_size / num_hidden_layers / num_attention_heads / "
            "vocab_size; is it a decoder-only language model's config?"
        ) from exc
    for key, value in (("num_hidden_layers", layers), ("num_attention_heads", heads)):
        if not 0 < value <= 4096:  # checked before the per-layer loops below run
            raise AdvisorInputError(f"config.json gives {key}={_short(value)}; it must be a positive integer, "
                                    "at most 4,096.")
    head_dim = int(_first(cfg, "head_dim", "kv_channels", default=0) or hidden // heads)
    kv_heads = _kv_heads(cfg, model_type, heads)
    inter = _first(cfg, "intermediate_size_mlp", "intermediate_size", "n_inner", "ffn_hidden_size", "ffn_dim")
    gated = model_type not in {"bloom", "falcon", "gpt_bigcode", "gpt2", "gpt_neox", "opt", "phi"}
    if inter is None:
        inter = 4 * hidden
    # LayerNorm with a bias (2h params); Cohere's LayerNorm has no bias, so it counts like RMSNorm
    layer_norm = model_type in {"bloom", "falcon", "gpt_bigcode", "gpt2", "gpt_neox", "opt", "phi"}
    norms = 2
    if model_type.startswith("gemma2") or model_type.startswith("gemma3"):
        norms = 4
    if model_type == "falcon" and not cfg.get("new_decoder_architecture") and cfg.get("parallel_attn", True):
        norms = 1  # one shared input_layernorm for the parallel attention + MLP block
    if model_type == "cohere":
        norms = 1  # parallel block with a single input_layernorm
    window, n_sliding = _sliding(cfg, model_type, layers)
    tie_default = model_type in {"gemma", "gemma2", "gemma3", "gemma3_text", "bloom", "gpt_bigcode", "gpt2", "cohere"}
    spec = dict(
        id=id,
        name=name or id,
        origin=origin,
        model_type=model_type,
        hidden_size=hidden,
        num_layers=layers,
        num_heads=heads,
        num_kv_heads=kv_heads,
        head_dim=head_dim,
        intermediate_size=int(inter),
        vocab_size=vocab,
        tie_embeddings=bool(cfg.get("tie_word_embeddings", tie_default)),
        max_context=int(_first(cfg, "max_position_embeddings", "n_positions", "seq_length", default=2048)),
        mlp="gated" if gated else "plain",
        norm="layer" if layer_norm else "rms",
        norms_per_layer=norms,
        qk_norm=model_type.startswith(("qwen3", "gemma3", "olmo2")),
        qkv_bias=_qkv_bias(cfg, model_type),
        attn_out_bias=bool(cfg.get("attention_bias")) or model_type in {"bloom", "gpt_bigcode", "gpt2"}
        or (model_type == "falcon" and bool(cfg.get("bias"))),
        mlp_bias=bool(cfg.get("mlp_bias")) or model_type in {"bloom", "gpt_bigcode", "gpt2", "gpt_oss"}
        or (model_type == "falcon" and bool(cfg.get("bias"))),
        fused_qkv=model_type in {"bloom", "falcon", "gpt_bigcode", "phi3"},
        learned_positions=int(cfg.get("n_positions") or 0) if model_type in {"gpt_bigcode", "gpt2"} else 0,
        embed_norm=model_type == "bloom",
        parallel_attn=model_type == "falcon" and bool(cfg.get("parallel_attn", True)),
        attention_sinks=model_type == "gpt_oss",
        sliding_window=window,
        sliding_layers=n_sliding,
    )
    spec.update(_family_traits(cfg, model_type, spec))
    vision, vision_note, image_tokens, cross_layers = vision_extra(config)
    if vision:
        spec.update(extra_params=vision, extra_params_note=vision_note, image_tokens_per_image=image_tokens,
                    cross_attention_layers=cross_layers)
    spec["native_precision"] = native_precision(config)
    spec.update(_moe(cfg, model_type, layers))
    if cfg.get("kv_lora_rank"):
        spec.update(
            q_lora_rank=cfg.get("q_lora_rank"),
            kv_lora_rank=int(cfg["kv_lora_rank"]),
            qk_nope_head_dim=int(cfg["qk_nope_head_dim"]),
            qk_rope_head_dim=int(cfg["qk_rope_head_dim"]),
            v_head_dim=int(cfg["v_head_dim"]),
        )
    spec.update(extra)
    for key in ("hidden_size", "num_layers", "num_heads", "num_kv_heads", "head_dim", "intermediate_size",
                "vocab_size", "max_context"):
        if not isinstance(spec[key], int) or spec[key] <= 0:
            raise AdvisorInputError(f"config.json gives {key}={spec[key]!r}; it must be a positive integer.")
    _check_dims(spec)
    return ModelSpec(**spec)


def _family_traits(cfg: dict, model_type: str, spec: dict) -> dict:
    """Layouts that differ from the Llama pattern, as their transformers/remote-code modules build them:
    ChatGLM (THUDM modeling_chatglm.py), GLM-4-0414 (Glm4: q/k/v bias only, 4 norms), GPT-J (one LayerNorm,
    biased MLP and LM head), GPT-NeoX/Pythia and OPT (biases everywhere; OPT's learned positions carry
    an offset of 2), MPT (no biases, LayerNorm without bias when no_bias), Phi-1/2 (one LayerNorm, biased
    LM head), InternLM2 (fused wqkv) and Baichuan (fused W_pack)."""
    plain = {"mlp": "plain", "norm": "layer"}
    if model_type == "chatglm":
        mqa = cfg.get("multi_query_attention")
        return {"num_kv_heads": int(cfg.get("multi_query_group_num") or spec["num_heads"]) if mqa else spec["num_heads"],
                "qkv_bias": bool(cfg.get("add_qkv_bias", True)), "attn_out_bias": bool(cfg.get("add_bias_linear")),
                "mlp_bias": bool(cfg.get("add_bias_linear")), "fused_qkv": True,
                "max_context": int(cfg.get("seq_length") or spec["max_context"]),
                "tie_embeddings": bool(cfg.get("tie_word_embeddings", False))}
    if model_type in ("glm", "glm4"):
        return {"qkv_bias": bool(cfg.get("attention_bias", True)), "attn_out_bias": False,
                "norms_per_layer": 4 if model_type == "glm4" else 2}
    if model_type == "gptj":
        return {**plain, "norms_per_layer": 1, "mlp_bias": True, "lm_head_bias": True, "qkv_bias": False,
                "attn_out_bias": False, "tie_embeddings": False}
    if model_type == "phi":
        return {**plain, "norms_per_layer": 1, "qkv_bias": True, "attn_out_bias": True, "mlp_bias": True,
                "lm_head_bias": True}
    if model_type == "gpt_neox":
        bias = bool(cfg.get("attention_bias", True))
        return {**plain, "qkv_bias": bias, "attn_out_bias": bias, "mlp_bias": True, "fused_qkv": True}
    if model_type == "opt":
        bias = bool(cfg.get("enable_bias", True))
        return {**plain, "qkv_bias": bias, "attn_out_bias": bias, "mlp_bias": bias,
                "learned_positions": int(cfg.get("max_position_embeddings") or 2048) + 2,
                "tie_embeddings": bool(cfg.get("tie_word_embeddings", True))}
    if model_type == "mpt":
        no_bias = bool(cfg.get("no_bias", True))
        return {"mlp": "plain", "norm": "rms" if no_bias else "layer", "qkv_bias": not no_bias,
                "attn_out_bias": not no_bias, "mlp_bias": not no_bias, "fused_qkv": True,
                "intermediate_size": int(float(cfg.get("expansion_ratio") or 4) * spec["hidden_size"]),
                "max_context": int(cfg.get("max_seq_len") or spec["max_context"]),
                "tie_embeddings": bool(cfg.get("tie_word_embeddings", True))}
    if model_type == "internlm2":
        return {"fused_qkv": True, "qkv_bias": bool(cfg.get("bias")), "attn_out_bias": bool(cfg.get("bias"))}
    if model_type == "baichuan":
        return {"fused_qkv": True}
    return {}


# Upper bounds on a config's dimensions, each ~10x beyond the largest published model (Nov 2026:
# hidden 16384-18432, 126-160 layers, vocab 262k, 384 experts, 10M context): a config beyond them is
# a typo or an attack, and sizing it would print absurd figures (or loop for minutes over layers).
MAX_DIMS = {"hidden_size": 262_144, "num_layers": 4096, "num_heads": 4096, "num_kv_heads": 4096,
            "head_dim": 4096, "intermediate_size": 2**21, "vocab_size": 2**24, "max_context": 2**30,
            "num_experts": 16_384, "moe_intermediate_size": 2**21, "kv_lora_rank": 65_536}


def _check_dims(spec: dict) -> None:
    for key, most in MAX_DIMS.items():
        value = spec.get(key) or 0
        if not isinstance(value, int) or value < 0 or value > most:
            raise AdvisorInputError(f"config.json gives {key}={_short(value)}; a real model has at most "
                                    f"{most:,} (check the file).")
    if spec["num_kv_heads"] > spec["num_heads"]:
        raise AdvisorInputError(f"config.json gives {spec['num_kv_heads']} KV heads for {spec['num_heads']} "
                                "attention heads; KV heads cannot outnumber attention heads.")


# The config.json keys read as whole numbers above; a user's (or a Hub repo's) file can hold anything.
_WHOLE_NUMBER_KEYS = (
    "hidden_size", "n_embd", "n_embed", "d_model", "num_hidden_layers", "n_layer", "num_layers",
    "num_attention_heads", "n_head", "num_heads", "vocab_size", "padded_vocab_size", "head_dim",
    "num_key_value_heads", "num_kv_heads", "intermediate_size_mlp", "intermediate_size", "n_inner",
    "ffn_hidden_size", "max_position_embeddings", "n_positions", "seq_length", "sliding_window",
    "attention_chunk_size", "sliding_window_pattern", "interleave_nope_layer_step", "max_window_layers",
    "num_local_experts", "n_routed_experts", "num_experts", "num_experts_per_tok", "experts_per_token", "moe_topk",
    "moe_intermediate_size", "first_k_dense_replace", "interleave_moe_layer_step", "decoder_sparse_step",
    "moe_layer_freq", "n_shared_experts", "num_shared_experts", "shared_expert_intermediate_size", "q_lora_rank",
    "kv_lora_rank", "qk_nope_head_dim", "qk_rope_head_dim", "v_head_dim",
    "n_layers", "n_heads", "kv_channels", "ffn_dim", "multi_query_group_num", "max_seq_len")


def _whole_numbers(cfg: dict) -> dict:
    """`cfg` with its dimension keys checked: absent/null, or a non-negative whole number (2048.0 is
    read as 2048); anything else is refused with the key named, rather than failing somewhere later."""
    out = dict(cfg)
    for key in _WHOLE_NUMBER_KEYS:
        value = out.get(key)
        if value is None:
            continue
        if isinstance(value, float) and value.is_integer():
            value = out[key] = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise AdvisorInputError(f"config.json gives {key}={_short(value)}; it must be a whole number "
                                    "(0 or more).")
    if out.get("kv_lora_rank"):
        for key in ("qk_nope_head_dim", "qk_rope_head_dim", "v_head_dim"):
            if out.get(key) is None:
                raise AdvisorInputError(f"config.json sets kv_lora_rank (multi-head latent attention) but not {key}.")
    for key in ("mlp_only_layers", "moe_layers"):
        value = out.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(i, int) for i in value)):
            raise AdvisorInputError(f"config.json gives {key}={_short(value)}; it must be a list of layer numbers.")
    return out


def _kv_heads(cfg: dict, model_type: str, heads: int) -> int:
    if model_type == "falcon":
        if cfg.get("new_decoder_architecture"):
            return int(cfg.get("num_kv_heads") or heads)
        return 1 if cfg.get("multi_query", True) else heads
    if model_type == "gpt_bigcode":
        return 1 if cfg.get("multi_query", True) else heads
    return int(_first(cfg, "num_key_value_heads", "num_kv_heads", default=heads))


def _qkv_bias(cfg: dict, model_type: str) -> bool:
    if model_type in {"qwen2", "qwen2_moe", "qwen2_vl", "qwen2_5_vl"}:
        return True
    if model_type in {"bloom", "gpt_bigcode", "gpt2"}:
        return True
    if model_type == "falcon":
        return bool(cfg.get("bias"))
    return bool(cfg.get("attention_bias"))


def native_precision(config: dict) -> str:
    """The weight format a checkpoint ships in, from its config.json `quantization_config`
    (transformers' quantizer keys: quant_method, bits, group_size, load_in_4bit, quant_algo)."""
    q = config.get("quantization_config") or (config.get("text_config") or {}).get("quantization_config")
    if not isinstance(q, dict):
        return "bf16"
    method = str(q.get("quant_method") or "").lower()
    bits = int(q.get("bits") or q.get("w_bit") or 4)
    if method == "mxfp4":
        return "mxfp4"
    if method in ("fp8", "fbgemm_fp8"):
        return "fp8"
    if method == "gptq":
        return "gptq-3bit-g128" if bits == 3 else "gptq-4bit-g32" if q.get("group_size") == 32 else "gptq-4bit-g128"
    if method == "awq":
        return "awq-4bit"
    if method == "bitsandbytes":
        if q.get("load_in_8bit"):
            return "int8"
        return "nf4-dq" if q.get("bnb_4bit_use_double_quant") else "nf4"
    if method == "modelopt":
        algo = str(q.get("quant_algo") or "").lower()
        return "nvfp4" if "fp4" in algo else "fp8"
    if method == "compressed-tensors":
        text = json.dumps(q.get("config_groups") or {}).lower()
        if '"num_bits": 4' in text:
            return "nvfp4" if '"type": "float"' in text else "gptq-4bit-g128"
        return "fp8" if '"type": "float"' in text else "int8"
    return "bf16"
