"""Every default and threshold the calculators share, declared once.

Each tool, the CLI and both chat engines read these names; nothing else declares its own copy, so
`check_fit`, `recommend_hardware`, the CLI and the chat give one verdict and one figure for one
question (tests/test_consistency.py asks them all). Every default used in an answer is stated in
that answer's assumptions.
"""

from __future__ import annotations

# --- Frameworks ---------------------------------------------------------------------------------
# Serving verdicts assume vLLM: it is what people serve a 70B with, and its memory rule is the one
# that decides a deployment (weights + activations + non-torch buffers + the KV cache for the asked
# context must fit in gpu_memory_utilization x the GPU). GGUF files run on llama.cpp; bitsandbytes
# (NF4, LLM.int8) is a transformers path; on Apple silicon vLLM does not run, llama.cpp does.
INFERENCE_FRAMEWORK = "vllm"
GGUF_FRAMEWORK = "llama.cpp"
BITSANDBYTES_FRAMEWORK = "transformers"
APPLE_FRAMEWORK = "llama.cpp"
# Training on one GPU: Hugging Face transformers/PEFT; sharded (ZeRO): DeepSpeed.
TRAINING_FRAMEWORK = "transformers"
SHARDED_TRAINING_FRAMEWORK = "deepspeed"

# vLLM's own default `gpu_memory_utilization` (vllm EngineArgs, 0.9); TRT-LLM's free_gpu_memory_fraction
# plays the same part.
VLLM_GPU_MEMORY_UTILIZATION = 0.9


def default_inference_framework(weight_family: str, gpu_vendor: str | None = None) -> str:
    """The runtime a serving answer assumes for a weight format family (tools.formats.Family) on a GPU vendor."""
    if weight_family == "gguf":
        return GGUF_FRAMEWORK
    if gpu_vendor == "apple":  # a Mac runs 16-bit weights and MXFP4 MoE checkpoints (gpt-oss) as GGUF in llama.cpp
        return APPLE_FRAMEWORK if weight_family in ("float", "mxfp4") else BITSANDBYTES_FRAMEWORK
    if weight_family in ("bnb4", "int8"):
        return BITSANDBYTES_FRAMEWORK
    return INFERENCE_FRAMEWORK


# --- Verdict thresholds -------------------------------------------------------------------------
# A configuration that fits with less than this share of the usable memory free is "tight", in
# check_fit and in recommend_hardware alike. 10%: the memory rows in docs/validation.md miss by up to
# ~10-16% (worst rows), so below 10% free the verdict is within the estimate's own error; it is also
# about the KV room a serving deployment needs to take a second long request. An assumption, not a fit.
TIGHT_HEADROOM = 0.10

# --- Workload shape -----------------------------------------------------------------------------
# Serving context per sequence when none is given: 8k covers a chat turn with history or a RAG prompt;
# vLLM's own default (the model's full window, e.g. 128k) rarely fits and people set --max-model-len.
INFERENCE_CONTEXT = 8192
# Many users chatting at once, no context said: each conversation is sized at the tokens it holds on average, half that
# window. A conversation grows turn by turn from its first prompt towards the window, so at a random moment it holds
# about half (fewer where most chats end early); vLLM's and SGLang's paged KV cache allocate blocks for the tokens held,
# not for the window, so the pool carries users at their average. The answer says so and gives the count with every
# conversation at the full window beside it. An assumption about the workload, not a fit to any row.
CHAT_CONTEXT_AVERAGE = INFERENCE_CONTEXT // 2
# The speed each chat user should get when none is said: people read about 4-8 words (5-10 tokens) a second, so 10
# tokens/s streams as fast as it is read. One figure for capacity counts and for GPU plans alike (they used 20 and 10).
CHAT_USER_TOKENS_PER_S = 10.0
# Fine-tuning sequence length when none is given: 2k, as in the QLoRA/Alpaca-style recipes
# (torchtune's and Axolotl's example configs use 2048).
FINETUNE_SEQUENCE_LENGTH = 2048
# Pretraining sequence length when none is given (Llama 2: 4096).
PRETRAIN_SEQUENCE_LENGTH = 4096
BATCH = 1  # concurrent sequences (serving) or micro-batch (training)
# Gradient checkpointing is on for every training run unless switched off: the LoRA/QLoRA recipes people run turn it
# on (torchtune's and LLaMA-Factory's LoRA configs, Unsloth, axolotl examples), large full fine-tunes need it, and
# recommend_hardware always assumed it. One default, so `fit`, `plan` and the chat give one verdict; answers state it
# and say what turning it off would need.
GRADIENT_CHECKPOINTING = True
CONCURRENCY = 1  # users served at once (recommend_hardware)
# A fine-tune with no token budget: e.g. 25k examples x 2k tokens, a typical instruction fine-tune.
FINETUNE_TOKENS = 5e7
# Pretraining with no token budget: the compute-optimal ~20 tokens per parameter (Hoffmann et al. 2022, "Chinchilla",
# Table 3: 70B on 1.4T). Real runs often go far past it (Llama 3 8B: 15T); answers say it is assumed.
PRETRAIN_TOKENS_PER_PARAM = 20

# --- Training assumptions a plan makes ----------------------------------------------------------
# recommend_hardware sizes training with gradient checkpointing on and ZeRO-3/FSDP across >1 GPU and
# says so in its assumptions; check_fit assumes them only when asked (its defaults are the frameworks'
# own). tests/test_consistency.py asks check_fit the plan's question and requires the same figure.

# --- MFU ------------------------------------------------------------------------------------------
# Training MFU is not one default: tools/training_speed.py models it per model, GPU, layout and sequence
# length, with constants (CALIB) fitted by bench/train_fit.py on published runs; the answer states it.

# --- Constants nothing checks -------------------------------------------------------------------
# A model constant that no validation row moves and no source supports (bench/sensitivity.py lists
# them) is named in the answers that use it, with this phrase.
ASSUMED = "assumed: no measurement or source on file"

# --- Prices -------------------------------------------------------------------------------------
# Rent is the median on-demand price on file (tools/data/prices.json, dated and sourced); "cheapest"
# includes spot/marketplace offers.
PRICE_BASIS = "on_demand"
