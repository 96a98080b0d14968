"""Weight and KV-cache formats: bits per weight including scales, and which tensors stay 16-bit.

Sources for the block layouts:
- GGUF: ggml block sizes (ggml/src/ggml-common.h): Q4_0 18 B/32, Q8_0 34 B/32, Q2_K 84 B/256,
  Q3_K 110 B/256, Q4_K 144 B/256, Q5_K 176 B/256, Q6_K 210 B/256, IQ4_XS 136 B/256.
  The per-tensor mix of a "Q4_K_M" file follows llama.cpp's llama_tensor_get_type (src/llama-quant.cpp).
- GPTQ/AWQ: 4-bit packed weights + fp16 scale and packed zero per group (bits + (16 + bits)/group).
- bitsandbytes NF4/FP4: 4 bits + fp32 absmax per 64 weights (4.5 bpw); with double quantization the
  absmax is 8-bit with an fp32 scale per 256 blocks (4.127 bpw) -- QLoRA paper, Dettmers et al. 2023, §3.
- LLM.int8: int8 weights + fp32 row scale (negligible); embeddings and lm_head stay 16-bit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .arch import ModelSpec
from .errors import AdvisorInputError
from .params import EXPERT_ROLES, TensorGroup, tensor_groups

# bits per weight of ggml types (block bytes * 8 / block elements)
GGML_BPW = {
    "F32": 32.0, "F16": 16.0, "BF16": 16.0, "Q8_0": 8.5, "Q6_K": 6.5625, "Q5_K": 5.5, "Q5_0": 5.5,
    "Q5_1": 6.0, "Q4_K": 4.5, "Q4_0": 4.5, "Q4_1": 5.0, "IQ4_NL": 4.5, "IQ4_XS": 4.25, "Q3_K": 3.4375,
    "IQ3_S": 3.4375, "IQ3_XXS": 3.0625, "Q2_K": 2.625, "IQ2_S": 2.5, "IQ2_XS": 2.3125,
    "IQ2_XXS": 2.0625, "IQ1_M": 1.75, "IQ1_S": 1.5625, "MXFP4": 4.25,
}
# base tensor type of each llama.cpp file type ("ftype")
GGUF_BASE = {
    "Q8_0": "Q8_0", "Q6_K": "Q6_K", "Q5_K_M": "Q5_K", "Q5_K_S": "Q5_K", "Q5_0": "Q5_0", "Q5_1": "Q5_1",
    "Q4_K_M": "Q4_K", "Q4_K_S": "Q4_K", "Q4_0": "Q4_0", "Q4_1": "Q4_1", "IQ4_XS": "IQ4_XS",
    "IQ4_NL": "IQ4_NL", "Q3_K_L": "Q3_K", "Q3_K_M": "Q3_K", "Q3_K_S": "Q3_K", "Q2_K": "Q2_K",
    "IQ3_XXS": "IQ3_XXS", "IQ2_XXS": "IQ2_XXS", "F16": "F16", "BF16": "BF16",
    # i-quants (llama.cpp llama_model_quantize_impl default_type): IQ2_S files are mostly IQ2_XS tensors, IQ2_M
    # mostly IQ2_S, IQ3_M mostly IQ3_S; the published sizes (quantize --help: IQ1_S 1.56, IQ1_M 1.75, IQ2_XXS 2.06,
    # IQ2_XS 2.31, IQ2_S 2.5, IQ2_M 2.7, IQ3_XXS 3.06, IQ3_S 3.44, IQ3_M 3.66 bpw) include the bumps below
    "IQ1_S": "IQ1_S", "IQ1_M": "IQ1_M", "IQ2_XS": "IQ2_XS", "IQ2_S": "IQ2_XS", "IQ2_M": "IQ2_S",
    "IQ3_S": "IQ3_S", "IQ3_M": "IQ3_S",
    # MXFP4_MOE (ggml-org's gpt-oss GGUFs): the routed experts stay MXFP4, every other tensor is Q8_0
    # (llama-quant.cpp's default_type for this ftype); gpt-oss-20b's file is 11.27 GiB against 12.83 GiB for the
    # "F16" file with the same MXFP4 experts (llama-bench's size column)
    "MXFP4_MOE": "Q8_0",
}
# llama_tensor_get_type sends every block tensor of these file types through one branch of its own
_IQ_LOW = ("IQ1_S", "IQ1_M", "IQ2_XXS", "IQ2_XS", "IQ2_S", "IQ2_M")
# k-quants need rows divisible by 256; llama.cpp falls back to these (convert_incompatible_tensor)
_FALLBACK = {"Q2_K": "IQ4_NL", "Q3_K": "IQ4_NL", "IQ4_XS": "IQ4_NL", "Q4_K": "Q5_0", "Q5_K": "Q5_1",
             "Q6_K": "Q8_0", "IQ3_XXS": "IQ4_NL", "IQ2_XXS": "IQ4_NL", "IQ3_S": "IQ4_NL", "IQ2_XS": "IQ4_NL",
             "IQ2_S": "IQ4_NL", "IQ1_S": "IQ4_NL", "IQ1_M": "IQ4_NL"}

Family = Literal["float", "fp8", "int8", "gptq", "awq", "bnb4", "gguf", "mxfp4", "nvfp4"]


@dataclass(frozen=True)
class WeightFormat:
    """A way of storing weights. `linear_bits` applies to linear layers in the blocks;
    `keeps_16bit` lists roles left in 16-bit; `needs` is the hardware capability to run natively."""

    key: str
    label: str
    family: Family
    linear_bits: float
    keeps_16bit: tuple[str, ...] = field(default_factory=tuple)
    needs: str | None = None
    description: str = ""


def _fmt(key, label, family, bits, keeps=("embed", "lm_head", "pos_embed"), needs=None, desc=""):
    return WeightFormat(key=key, label=label, family=family, linear_bits=bits, keeps_16bit=tuple(keeps),
                        needs=needs, description=desc)


FORMATS: dict[str, WeightFormat] = {
    f.key: f
    for f in [
        _fmt("fp32", "FP32", "float", 32.0, keeps=(), desc="full precision, 4 bytes/param"),
        _fmt("bf16", "BF16", "float", 16.0, keeps=(), desc="2 bytes/param"),
        _fmt("fp16", "FP16", "float", 16.0, keeps=(), desc="2 bytes/param"),
        _fmt("fp8", "FP8 (E4M3, per-tensor/channel scales)", "fp8", 8.0, needs="fp8",
             desc="1 byte/param for linear layers; embeddings and LM head stay 16-bit"),
        _fmt("int8", "INT8 (LLM.int8 / W8A16)", "int8", 8.0, desc="bitsandbytes load_in_8bit"),
        _fmt("gptq-4bit-g128", "GPTQ 4-bit, group 128", "gptq", 4 + 20 / 128),
        _fmt("gptq-4bit-g32", "GPTQ 4-bit, group 32", "gptq", 4 + 20 / 32),
        _fmt("gptq-3bit-g128", "GPTQ 3-bit, group 128", "gptq", 3 + 19 / 128),
        _fmt("awq-4bit", "AWQ 4-bit, group 128", "awq", 4 + 20 / 128),
        _fmt("nf4", "bitsandbytes NF4", "bnb4", 4.5, desc="absmax fp32 per 64 weights"),
        _fmt("nf4-dq", "bitsandbytes NF4 + double quantization", "bnb4", 4 + 8 / 64 + 32 / (64 * 256)),
        _fmt("mxfp4", "MXFP4 (4-bit, shared 8-bit scale per 32)", "mxfp4", 4.25, needs="fp4-or-emulated"),
        _fmt("nvfp4", "NVFP4 (4-bit, fp8 scale per 16)", "nvfp4", 4.5, needs="fp4"),
    ]
}
for _q in GGUF_BASE:
    if _q != "BF16":  # "bf16" means plain 16-bit weights; GGUF F16 is "f16"
        FORMATS[_q.lower()] = _fmt(_q.lower(), f"GGUF {_q}", "gguf", GGML_BPW[GGUF_BASE[_q]], keeps=())

_ALIASES = {
    "16bit": "bf16", "16-bit": "bf16", "half": "fp16", "float16": "fp16", "bfloat16": "bf16",
    "float32": "fp32", "32bit": "fp32", "8bit": "int8", "8-bit": "int8", "llm.int8": "int8",
    "bnb8": "int8", "4bit": "nf4", "4-bit": "nf4", "bnb4": "nf4", "nf4dq": "nf4-dq",
    "gptq": "gptq-4bit-g128", "gptq4": "gptq-4bit-g128", "gptq-4bit": "gptq-4bit-g128",
    "gptq3": "gptq-3bit-g128", "gptq-3bit": "gptq-3bit-g128", "awq": "awq-4bit", "int4": "awq-4bit",
    "q4": "q4_k_m", "q4km": "q4_k_m", "q5km": "q5_k_m", "q3km": "q3_k_m", "q8": "q8_0", "fp4": "nvfp4",
    "e4m3": "fp8", "w8a8": "fp8", "gguf": "q4_k_m",
}


def weight_format(name: str) -> WeightFormat:
    key = name.strip().lower().replace(" ", "")
    key = _ALIASES.get(key, key)
    if key not in FORMATS:
        key = key.replace("-", "_")
        key = _ALIASES.get(key, key)
    if key not in FORMATS:
        raise AdvisorInputError(
            f"Unknown precision/quantization '{name}'. Valid: {', '.join(sorted(FORMATS))}."
        )
    return FORMATS[key]


def engine_format(fmt: WeightFormat, framework: str, m: ModelSpec) -> WeightFormat:
    """The format `framework` actually reads for weights stored in `fmt`: llama.cpp runs GGUF files, and an MXFP4
    MoE checkpoint (gpt-oss) runs there as GGUF MXFP4_MOE (experts MXFP4, the rest Q8_0)."""
    if framework == "llama.cpp" and fmt.family == "mxfp4" and m.is_moe:
        return FORMATS["mxfp4_moe"]
    return fmt


def _use_more_bits(i: int, n: int) -> bool:
    return i < n // 8 or i >= 7 * n // 8 or (i - n // 8) % 3 == 2


def _gguf_layer_type(ftype: str, role: str, i: int, n: int, m: ModelSpec) -> str:
    """llama.cpp's per-tensor choice for block tensors (llama_tensor_get_type), main k-quants."""
    base = GGUF_BASE[ftype]
    n_gqa = m.num_heads // max(m.num_kv_heads, 1)
    n_expert = m.num_experts
    if ftype in _IQ_LOW:
        return _iq_low_layer_type(ftype, role, i, n, m)
    if role == "attn_v":
        t = base
        if ftype == "Q2_K":
            t = "Q4_K" if n_gqa >= 4 else "Q3_K"
        elif ftype == "Q3_K_M":
            t = "Q5_K" if i < 2 else "Q4_K"
        elif ftype == "Q3_K_L":
            t = "Q5_K"
        elif ftype in ("IQ4_NL", "IQ4_XS") and n_gqa >= 4:
            t = "Q5_K"
        elif (ftype == "IQ3_S" and n_gqa >= 4) or ftype == "IQ3_M":
            t = "Q4_K"
        elif ftype in ("Q4_K_M", "Q5_K_M") and _use_more_bits(i, n):
            t = "Q6_K"
        elif ftype == "Q4_K_S" and i < 4:
            t = "Q5_K"
        if m.num_layers == 80 and m.model_type == "llama" and t in ("Q3_K", "Q4_K"):
            t = "Q5_K"  # LLM_TYPE_70B: attn_v is 8x smaller under GQA, so it gets more bits
        if n_expert == 8:
            t = "Q8_0"
        return t
    if role == "attn_k" and n_expert == 8:
        return "Q8_0"
    if role in ("mlp_down", "expert_down", "shared_down"):
        falcon = m.model_type == "falcon"
        if ftype == "Q2_K":
            return "Q3_K"
        if ftype == "Q3_K_M":
            return "Q5_K" if i < n // 16 else ("Q4_K" if not falcon or _use_more_bits(i, n) else "Q3_K")
        if ftype == "Q3_K_L":
            return "Q4_K" if falcon else "Q5_K"
        if ftype == "Q4_K_M":
            if falcon:
                return "Q6_K" if i < n // 16 else ("Q5_K" if _use_more_bits(i, n) else "Q4_K")
            return "Q6_K" if _use_more_bits(i, n) else base
        if ftype in ("IQ4_NL", "IQ4_XS") and i < n // 8:
            return "Q5_K"
        if ftype == "IQ3_M" and (i < n // 8 or (n_expert == 8 and _use_more_bits(i, n))):
            return "Q4_K"
        if ftype == "Q5_K_M" and _use_more_bits(i, n):
            return "Q6_K"
        if ftype == "Q4_K_S" and not falcon and i < n // 8:
            return "Q5_K"
        return base
    if role == "attn_o":
        if m.model_type == "falcon":
            return "Q4_K" if ftype == "Q3_K_L" else base
        if n_expert == 8 and ftype in ("Q2_K", "Q3_K_S", "Q3_K_M", "IQ4_NL", "Q4_K_S", "Q4_K_M", "IQ4_XS",
                                       "IQ3_S", "IQ3_M"):
            return "Q5_K"
        return {"Q2_K": "Q3_K", "Q3_K_M": "Q4_K", "Q3_K_L": "Q5_K", "IQ3_M": "Q4_K"}.get(ftype, base)
    if role == "attn_qkv":
        return {"Q3_K_M": "Q4_K", "Q3_K_L": "Q4_K", "Q4_K_M": "Q5_K", "Q5_K_M": "Q6_K", "IQ3_M": "Q4_K"}.get(ftype, base)
    return base


def _iq_low_layer_type(ftype: str, role: str, i: int, n: int, m: ModelSpec) -> str:
    """llama_tensor_get_type's branch for IQ1_S/IQ1_M/IQ2_XXS/IQ2_XS/IQ2_S/IQ2_M files (no 70B or 8-expert attn_v
    bump there): attn_v, the first eighth of ffn_down and attn_output get more bits."""
    n_gqa = m.num_heads // max(m.num_kv_heads, 1)
    n_expert = m.num_experts
    more = "IQ3_S" if ftype in ("IQ2_S", "IQ2_M") else "Q2_K"
    if role == "attn_v":
        return "Q4_K" if n_gqa >= 4 or n_expert >= 4 else more
    if role == "attn_k" and n_expert == 8:
        return "Q4_K"
    if role in ("mlp_down", "expert_down", "shared_down"):
        return more if i < n // 8 else GGUF_BASE[ftype]
    if role == "attn_o":
        if n_expert == 8:
            return "Q5_K"
        return {"IQ1_S": "IQ2_XXS", "IQ1_M": "IQ2_XXS", "IQ2_S": "IQ3_S", "IQ2_M": "IQ3_S"}.get(ftype, GGUF_BASE[ftype])
    return GGUF_BASE[ftype]


def _gguf_group_bits(ftype: str, g: TensorGroup, m: ModelSpec) -> float:
    """Total bits of a tensor group in a GGUF file of type `ftype`."""
    base = GGUF_BASE[ftype]
    if g.role in ("norm", "bias"):
        return g.total * 32.0  # norms and biases are kept in F32
    if g.role in EXPERT_ROLES and (ftype == "MXFP4_MOE" or m.native_precision == "mxfp4"):
        # a checkpoint that ships its experts in MXFP4 keeps them so in every GGUF (convert_hf_to_gguf copies them;
        # quantize does not requantize them): gpt-oss's "F16" GGUF is 12.83 GiB, not 39
        return g.total * GGML_BPW["MXFP4"]
    if base in ("F16", "BF16"):
        return g.total * 16.0
    if g.role == "lm_head" or (g.role == "embed" and m.tie_embeddings):
        t = "Q8_0" if (m.model_type == "falcon" or g.cols % 256) else ("Q8_0" if base == "Q8_0" else
                                                                      "Q5_K" if ftype in _IQ_LOW + ("IQ3_XXS",) else "Q6_K")
        return g.total * GGML_BPW[t]
    if g.role in ("embed", "pos_embed", "extra", "router"):
        t = base if g.role != "router" else "F32"
        if g.role == "embed":
            t = {"IQ2_XXS": "Q2_K", "IQ2_XS": "Q2_K", "IQ1_S": "Q2_K", "IQ1_M": "Q2_K", "IQ2_S": "IQ3_S",
                 "IQ2_M": "IQ3_S", "IQ3_XXS": "IQ3_S"}.get(ftype, t)
        return g.total * GGML_BPW[_compat(t, g.cols or m.hidden_size)]
    per = g.per_layer
    bits = 0.0
    n = g.layers
    for k in range(n):
        t = _gguf_layer_type(ftype, g.role, k, m.num_layers if g.layers == m.num_layers else n, m)
        bits += per * GGML_BPW[_compat(t, g.cols)]
    return bits


def _compat(t: str, row: int) -> str:
    block = 256 if t.endswith("_K") or t.startswith("IQ") and t != "IQ4_NL" else 32
    if row and row % block:
        return _FALLBACK.get(t, "Q8_0" if row % 32 else t)
    return t


_BYTES: dict[tuple[str, str], dict[str, float]] = {}


def weight_bytes(m: ModelSpec, fmt: WeightFormat, by_role: bool = False) -> float | dict[str, float]:
    """Bytes of all weights of `m` stored in `fmt` (16-bit for the parts a format leaves alone)."""
    key = (m.id, fmt.key)
    if m.origin != "catalog" or key not in _BYTES:
        out = _bytes_by_role(m, fmt)
        if m.origin != "catalog":
            return out if by_role else sum(out.values())
        _BYTES[key] = out
    out = _BYTES[key]
    return dict(out) if by_role else sum(out.values())


def _bytes_by_role(m: ModelSpec, fmt: WeightFormat) -> dict[str, float]:
    out: dict[str, float] = {}
    for g in tensor_groups(m):
        if fmt.family == "gguf":
            bits = _gguf_group_bits(fmt.key.upper(), g, m)
        elif fmt.family == "float":
            bits = g.total * fmt.linear_bits
        elif g.is_linear and not (fmt.family == "mxfp4" and g.role not in EXPERT_ROLES and m.is_moe):
            bits = g.total * fmt.linear_bits
        elif fmt.family == "mxfp4" and g.is_linear:
            bits = g.total * 16.0  # gpt-oss ships only the experts in MXFP4; attention stays bf16
        else:
            bits = g.total * 16.0
        out[g.role] = out.get(g.role, 0.0) + bits / 8
    return out


# KV cache element sizes (bytes per element), incl. block scales for llama.cpp's quantized cache
KV_BYTES = {"bf16": 2.0, "fp16": 2.0, "fp32": 4.0, "fp8": 1.0, "int8": 1.0, "q8_0": 34 / 32,
            "q4_0": 18 / 32, "q4": 18 / 32, "q8": 34 / 32, "16bit": 2.0}


def kv_bytes_per_element(kv_dtype: str) -> float:
    key = kv_dtype.strip().lower()
    if key not in KV_BYTES:
        raise AdvisorInputError(f"Unknown KV-cache dtype '{kv_dtype}'. Valid: bf16, fp16, fp8, q8_0, q4_0.")
    return KV_BYTES[key]
