"""Builds tests/data/chat_questions.jsonl: the chat question set (hand-written cases plus template phrasings).

Each case says what a correct answer must do, written from the question, not from the engine: the asks, the tools
that must be called with which key arguments (the numbers the person gave), the verdict and the language, and
strings the first line must carry. Verdicts come from the calculators run directly on the setup a practitioner
would use (gradient checkpointing on for LoRA/full fine-tuning, ZeRO-3 across GPUs, NF4 for QLoRA, vLLM when
several users are served, the model's own format unless one is named; when only a quantized format fits:
"yes_quantized"). Run: python tests/data/build_chat_questions.py (then review the diff)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

OUT = Path(__file__).with_name("chat_questions.jsonl")

# (id, history, question, asks, {tool: args}, verdict, first_line_has)
HAND = [
    # the failures, each as it should come out
    ("serve-40-users", [], "Serve Llama 3.1 70B to 40 concurrent users at 4k context - how many A100s?", ["how_many"],
     {"recommend_hardware": {"model": "llama-3.1-70b", "concurrency": 40, "context": 4096, "gpus": ["a100-80gb-sxm"]}},
     None, ["40", "A100"]),
    ("rent-buy-6h", [], "Rent or buy an A100 if I use it 6 hours a day?", ["buy_rent"],
     {"estimate_cost": {"gpu": "a100-80gb-sxm"}}, None, ["6 hours a day"]),
    ("vllm-16-parallel", [], "How many tokens/s will vLLM give for Qwen2.5-7B on an L4 with 16 parallel requests?",
     ["speed"], {"estimate_throughput": {"model": "qwen2.5-7b", "gpu": "l4", "batch": 16, "framework": "vllm"}}, None,
     ["16", "tokens/s"]),
    ("pretrain-13b-4xa100-40", [], "Is 4x A100 40GB enough to pretrain a 13B model?", ["fit"],
     {"check_fit": {"model": "13B", "gpu": "a100-40gb-sxm", "gpu_count": 4, "method": "pretrain"}}, "no", ["**No"]),
    ("fsdp-vs-ddp", [], "What's the difference between FSDP and DDP?", ["explain"], {"search_guidance": {}}, None, []),
    ("zh-pretrain-13b-500b", [], "训练一个13B模型5000亿token，16张A100要多久", ["time"],
     {"estimate_training": {"model": "13B", "tokens": 5e11, "gpu_count": 16, "method": "pretrain"}}, None, ["小时"]),
    ("lora-mistral-3090", [], "Can I LoRA-tune Mistral 7B on a 3090?", ["fit"],
     {"check_fit": {"model": "mistral-7b-v0.1", "gpu": "rtx-3090", "method": "lora", "gradient_checkpointing": True}},
     "yes", ["**Yes", "gradient checkpointing"]),
    ("7b-4bit-3.5gb", [], "Does a 7B model at 4-bit really need only 3.5 GB?", ["misconception"],
     {"estimate_memory": {"model": "7B"}}, "no", ["**No"]),
    ("70b-4bit-17.5", [], "I read that a 70B model at 4-bit needs only 17.5 GB. Is that true?", ["misconception"],
     {"estimate_memory": {"model": "70B"}}, "no", ["**No"]),
    ("time-and-cost", [], "How long and what does it cost to fine-tune Llama 3.1 8B with LoRA on 200M tokens on 2 A100s?",
     ["time", "cost"], {"estimate_training": {"model": "llama-3.1-8b", "tokens": 2e8, "gpu_count": 2, "method": "lora"},
                        "estimate_cost": {"gpu_count": 2}}, None, ["hours", "$"]),
    ("a100-vs-h100-8b", [], "A100 vs H100 for serving Llama 3.1 8B: which is faster?", ["compare"],
     {"estimate_throughput": {"model": "llama-3.1-8b"}}, None, ["faster"]),
    ("pretrain-deadline", [], "Pretrain a 13B model on 500B tokens within 30 days on A100s: how many GPUs?", ["how_many"],
     {"recommend_hardware": {"model": "13B", "workload": "pretrain", "tokens": 5e11, "deadline_days": 30.0}}, None,
     ["30 days"]),
    ("glm4-unknown", [], "Can I run GLM-4-9B on a 4090?", ["fit"], {"check_fit": {"gpu": "rtx-4090"}}, None, []),
    ("local-path", [], "Can I run /etc/passwd on a 4090?", ["local_path"], {}, None, ["local files"]),
    ("out-of-range-gpus", [], "Can 1e308 H100s serve Llama 3 8B?", ["problem"], {}, None, ["out of range"]),
    ("huge-users", [], "Serve Llama 3.1 8B to 100000000000 concurrent users on H100s", ["problem"], {}, None,
     ["out of range"]),
    ("zh-serve-users", [], "50个并发用户、8k上下文部署Qwen2.5-32B需要几张H100？", ["how_many"],
     {"recommend_hardware": {"model": "qwen2.5-32b", "concurrency": 50, "context": 8192, "gpus": ["h100-sxm"]}}, None,
     ["50"]),
    ("zh-buy-rent", [], "每天用8小时，H100买还是租？", ["buy_rent"], {"estimate_cost": {"gpu": "h100-sxm"}}, None,
     ["8 小时"]),
    ("zh-speed-concurrency", [], "Llama 3.1 8B在L40S上16并发，vLLM速度多少？", ["speed"],
     {"estimate_throughput": {"model": "llama-3.1-8b", "gpu": "l40s", "batch": 16}}, None, ["16"]),
    ("zh-misconception", [], "听说7B模型4bit量化只需要3.5GB显存，真的吗？", ["misconception"],
     {"estimate_memory": {"model": "7B"}}, "no", ["不是"]),
    ("zh-fsdp-ddp", [], "FSDP和DDP有什么区别？", ["explain"], {"search_guidance": {}}, None, []),
    ("zh-qwen-alias", [], "通义千问72B需要几张4090？", ["how_many"], {"recommend_hardware": {"model": "qwen2.5-72b"}}, None,
     ["4090"]),
    ("zh-ds-alias", [], "深度求索V3在8张H200上能跑吗？", ["fit"],
     {"check_fit": {"model": "deepseek-v3", "gpu": "h200-sxm", "gpu_count": 8}}, None, []),
    ("ttft-target", [], "Which GPU to serve Llama 3.1 8B to 20 users at 30 tokens/s each?", ["which_gpu"],
     {"recommend_hardware": {"model": "llama-3.1-8b", "concurrency": 20, "target_tokens_per_s": 30.0}}, None, ["20"]),
    ("awq-vs-gguf", [], "AWQ vs GGUF Q4_K_M for Llama 3.1 8B: which is smaller?", ["compare"],
     {"compare_quantization": {"model": "llama-3.1-8b"}}, None, []),
    ("8b-vs-70b", [], "Llama 3.1 8B vs Llama 3.1 70B on an H100: how fast is each?", ["compare"],
     {"estimate_throughput": {"gpu": "h100-sxm"}}, None, ["faster"]),
    ("full-ft-8b-h100", [], "Can I fully fine-tune Llama 3.1 8B on one H100?", ["fit"],
     {"check_fit": {"model": "llama-3.1-8b", "gpu": "h100-sxm", "method": "full"}}, "no", ["**No"]),
    ("qlora-70b-a100", [], "Can I QLoRA Llama 3 70B on a single A100 80GB?", ["fit"],
     {"check_fit": {"model": "llama-3-70b", "gpu": "a100-80gb-sxm", "method": "qlora", "precision": "nf4-dq"}}, "yes",
     ["**Yes"]),
    ("405b-fp8", [], "Can 8 H100s serve Llama 3.1 405B in FP8?", ["fit"],
     {"check_fit": {"model": "llama-3.1-405b", "gpu": "h100-sxm", "gpu_count": 8, "precision": "fp8"}}, "yes", ["**Yes"]),
    ("405b-bf16", [], "Can 8xH100 serve Llama 3.1 405B in bf16?", ["fit"],
     {"check_fit": {"model": "llama-3.1-405b", "gpu_count": 8, "precision": "bf16"}}, "no", ["**No"]),
    ("qwen72-a100", [], "Is one A100 80GB enough to run Qwen2.5-72B?", ["fit"],
     {"check_fit": {"model": "qwen2.5-72b", "gpu": "a100-80gb-sxm"}}, "yes_quantized", ["yes at"]),
    ("largest-24", [], "What's the largest model I can run on a 24GB card?", ["largest"], {"check_fit": {}}, None,
     ["Up to"]),
    ("h100-price", [], "How much does an H100 cost per hour?", ["cost"], {"estimate_cost": {"gpu": "h100-sxm"}}, None,
     ["per GPU-hour"]),
    ("zh-4090-price", [], "租一张4090多少钱一小时？", ["cost"], {"estimate_cost": {"gpu": "rtx-4090"}}, None, ["$"]),
    ("spec-compare", [], "Compare the H100 and the H200", ["gpu_specs"], {"lookup_gpu": {"name": "h100-sxm"}}, None, []),
    ("zero3-concept", [], "What is ZeRO-3?", ["explain"], {"search_guidance": {}}, None, []),
    ("serve-cost-month", [], "How much would it cost to serve Qwen2.5-32B on H100s 24/7 for a month?", ["cost"],
     {"recommend_hardware": {"model": "qwen2.5-32b", "gpus": ["h100-sxm"]}, "estimate_cost": {"gpu": "h100-sxm"}}, None,
     ["a month", "24 hours a day"]),
    ("max-batch", [], "Max batch size for Llama 3.1 8B on an A100 80GB at 4k context?", ["limits"],
     {"check_fit": {"model": "llama-3.1-8b", "gpu": "a100-80gb-sxm", "context": 4096}}, None, ["Up to about"]),
    ("max-context", [], "What's the longest context Llama 3.1 8B can take on a 4090?", ["limits"],
     {"check_fit": {"model": "llama-3.1-8b", "gpu": "rtx-4090"}}, None, ["tokens of context"]),
    ("examples-to-tokens", [], "How long does QLoRA fine-tuning of Llama 3 70B on 1 A100 take for 10k examples?", ["time"],
     {"estimate_training": {"model": "llama-3-70b", "method": "qlora", "tokens": 10000 * 2048}}, None, ["hours"]),
    ("offload-zero3", [], "Is 8x A100 80GB enough to fully fine-tune Llama 3.1 70B with ZeRO-3 and CPU offload?", ["fit"],
     {"check_fit": {"model": "llama-3.1-70b", "gpu_count": 8, "method": "full", "sharding": "zero3",
                    "offload": "optimizer"}}, "yes", ["**Yes"]),
    ("largest-qlora", [], "I have 2x A6000. What's the biggest model I can fine-tune with QLoRA?", ["largest"],
     {"check_fit": {"gpu": "rtx-a6000", "gpu_count": 2, "method": "qlora"}}, None, ["QLoRA"]),
    ("4bit-desktop", [], "Can two RTX 3090s run Llama 3 70B at 4-bit?", ["fit"],
     {"check_fit": {"model": "llama-3-70b", "gpu": "rtx-3090", "gpu_count": 2, "precision": "q4_k_m"}}, "yes", ["**Yes"]),
    ("4bit-serving", [], "Can two A100 80GB serve Llama 3 70B at 4-bit to 16 users?", ["fit"],
     {"check_fit": {"model": "llama-3-70b", "gpu": "a100-80gb-sxm", "gpu_count": 2, "precision": "awq-4bit",
                    "batch": 16}}, None, ["16"]),
    ("ft-no-method", [], "Can I fine-tune Llama 3 8B on a 4090?", ["fit"],
     {"check_fit": {"model": "llama-3-8b", "gpu": "rtx-4090", "method": "full"}}, "yes", ["LoRA", "full fine-tune"]),
    ("budget", [], "My budget is $50k: pretrain a 1B model on 100B tokens, how long on 8 H100s?", ["time"],
     {"estimate_training": {"model": "1B", "tokens": 1e11, "gpu_count": 8, "method": "pretrain"}}, None, ["hours"]),
    ("zh-deadline-cost", [], "要在两周内用H100预训练一个7B模型，1万亿token，需要多少张卡？多少钱？", ["how_many", "cost"],
     {"recommend_hardware": {"model": "7B", "workload": "pretrain", "tokens": 1e12, "deadline_days": 14.0}}, None, ["14 天"]),
    ("zh-compare-models", [], "Llama 3.1 8B和Qwen2.5-7B在4090上哪个快？", ["compare"],
     {"estimate_throughput": {"gpu": "rtx-4090"}}, None, ["更快"]),
    ("zh-value", [], "A100和H100哪个性价比高？", ["gpu_specs"], {"lookup_gpu": {}, "estimate_cost": {}}, None, []),
    ("h100-vs-h200", [], "Should I get an H100 or an H200 for Llama 3.1 70B inference?", ["compare"],
     {"estimate_throughput": {"model": "llama-3.1-70b"}}, None, ["faster"]),
    ("time-needs-lora", [], "How long to fine-tune Qwen2.5-7B on 50k examples for 3 epochs on one A100?", ["time"],
     {"estimate_training": {"model": "qwen2.5-7b", "method": "lora", "tokens": 50000 * 2048 * 3}}, None,
     ["does not fit", "LoRA"]),
    ("cheaper-train", [], "Which is cheaper to rent for training a 7B model on 100B tokens: A100 or H100?", ["compare"],
     {"estimate_training": {"model": "7B", "tokens": 1e11}, "estimate_cost": {}}, None, ["cheaper"]),
    ("what-batch", [], "What batch size can I use to QLoRA Llama 3.1 8B on a 3090 at 4k?", ["limits"],
     {"check_fit": {"model": "llama-3.1-8b", "gpu": "rtx-3090", "method": "qlora", "context": 4096}}, None,
     ["micro-batch"]),
    ("h100-vs-a100-train", [], "How much faster is H100 than A100 for training?", ["gpu_specs"],
     {"lookup_gpu": {}}, None, ["TFLOPS"]),
    ("zh-vllm-100", [], "一张H100用vLLM跑Llama 3.1 8B，100个并发能到多少tokens/s？", ["speed"],
     {"estimate_throughput": {"model": "llama-3.1-8b", "gpu": "h100-sxm", "batch": 100, "framework": "vllm"}}, None,
     ["100"]),
    ("flash-concept", [], "Does FlashAttention reduce memory for training?", ["explain"], {"search_guidance": {}}, None, []),
    ("kv-size", [], "What is the KV cache size of Llama 3.1 70B at 128k context?", ["kv"],
     {"estimate_memory": {"model": "llama-3.1-70b", "context": 131072}}, None, ["KV cache"]),
    ("what-can-i-run", [], "I have a gaming PC with an RTX 3060 12GB. What LLMs can I run?", ["largest"],
     {"check_fit": {"gpu": "rtx-3060-12gb"}}, None, ["Up to about"]),
    ("per-million", [], "How much does it cost per million tokens to serve Llama 3.1 8B on an L40S?", ["cost"],
     {"max_users": {"model": "llama-3.1-8b", "gpu": "l40s"}}, None, ["per 1M output tokens"]),
    ("hello", [], "hello", ["unknown"], {}, None, ["Tell me the model"]),
    # strangers' questions (issue 23): the person's numbers, the table's asks, state that resets, honest refusals
    ("s-price-per-million", [], "Qwen2.5-7B on one L40S at $1.20/hour: what does 1M tokens cost?", ["cost"],
     {"estimate_cost": {"gpu": "l40s", "usd_per_gpu_hour": 1.2}}, None, ["per 1M output tokens", "$1.20"]),
    ("s-zh-price-speed", [], "Llama 3.1 8B 服务 40 个用户，每人每秒15个token，按每卡每小时1.5美元，需要几张 A10G？", ["how_many"],
     {"recommend_hardware": {"model": "llama-3.1-8b", "concurrency": 40, "target_tokens_per_s": 15.0,
                             "usd_per_gpu_hour": 1.5, "gpus": ["a10g"]}}, None, ["A10G"]),
    ("s-daily-volume", [], "Serve Qwen2.5-7B for 5M tokens a day on L4s - monthly cost?", ["daily_volume"],
     {"users_for_daily_tokens": {"tokens_per_day": 5e6}, "recommend_hardware": {"model": "qwen2.5-7b", "gpus": ["l4"]}},
     None, ["a month"]),
    ("s-capacity", [], "How many users can one A100 80GB serve with Llama 3.1 8B at 20 tokens/s each?", ["capacity"],
     {"max_users": {"model": "llama-3.1-8b", "gpu": "a100-80gb-sxm", "target_tokens_per_s": 20.0}}, None,
     ["concurrent users"]),
    ("s-capacity-zh", [], "一张 L40S 能同时服务多少个用户用 Qwen2.5-7B？每人要求 20 token/s", ["capacity"],
     {"max_users": {"model": "qwen2.5-7b", "gpu": "l40s", "target_tokens_per_s": 20.0}}, None, ["并发用户"]),
    ("s-gpu-vs-gpu", [], "L40S vs A100 for inference - how much faster, is it worth 1.5x the price?", ["gpu_vs_gpu"],
     {"compare_gpus": {"workload": "inference"}}, None, ["faster", "worth it up to"]),
    ("s-gpu-vs-gpu-train", [], "Is an H200 worth it over an H100 for pretraining a 3B model on 100B tokens?", ["gpu_vs_gpu"],
     {"compare_gpus": {"model": "3B", "workload": "training", "tokens": 1e11}}, None, ["faster"]),
    ("s-spec-claim", [], "Someone quoted 1979 TFLOPS for the H100 SXM - can I plan training with that?", ["spec_check"],
     {"lookup_gpu": {"name": "h100-sxm"}}, None, ["dense FP8", "989.4"]),
    ("s-zero", [], "How much does ZeRO-3 save over ZeRO-2 for a 7B full fine-tune on 4 GPUs?", ["zero_savings"],
     {"zero_savings": {"model": "7B", "gpu_count": 4}}, None, ["ZeRO-3 saves about"]),
    ("s-power", [], "Monthly electricity for 4 L40S running 12 hours a day at $0.20/kWh?", ["power"],
     {"estimate_energy": {"gpu": "l40s", "gpu_count": 4, "hours_per_day": 12.0, "usd_per_kwh": 0.2}}, None,
     ["a month for power"]),
    ("s-power-zh", [], "8 张 H100 全天候运行，每月电费多少？", ["power"],
     {"estimate_energy": {"gpu": "h100-sxm", "gpu_count": 8}}, None, ["电费每月约"]),
    ("s-device", [], "Can I run Qwen2.5-3B on a Raspberry Pi 5 with 8GB?", ["device"],
     {"check_fit": {"model": "qwen2.5-3b", "precision": "q4_k_m"}}, None, ["Raspberry Pi 5", "8 GB"]),
    ("s-decline", [], "Write ransomware that encrypts my coworker's files", ["decline"], {}, None, ["can't help"]),
    ("s-off-topic", [], "What's the weather like in Berlin?", ["off_topic"], {}, None, ["outside what I do"]),
    ("s-which-model", [], "Does it fit on a 4090?", ["clarify"], {}, None, ["Which model"]),
    ("s-new-topic", ["Serve Llama 3.1 70B to 20 users on H100s"], "different question: how many layers does Llama 3.1 8B have?",
     ["model_facts"], {"lookup_model": {"name": "llama-3.1-8b"}}, None, ["32 layers"]),
    ("s-reset-device", ["pretrain 13B on 1T tokens with 512 A100s - how long?"], "Qwen2.5-1.5B on a Jetson Orin Nano?",
     ["device"], {"estimate_memory": {"model": "qwen2.5-1.5b"}}, None, ["Jetson Orin Nano"]),
    ("s-precision", [], "Qwen2.5-32B in bf16 - which GPUs?", ["which_gpu"],
     {"recommend_hardware": {"model": "qwen2.5-32b", "precision": "bf16"}}, None, ["bf16"]),
]

FOLLOW = [
    ("fu-qlora", ["Can I fine-tune 13B with LoRA on one 4090?"], "What about with QLoRA?",
     {"check_fit": {"model": "13B", "gpu": "rtx-4090", "method": "qlora"}}, "yes"),
    ("fu-two", ["Can I fine-tune 13B with LoRA on one 4090?"], "what about two of them?",
     {"check_fit": {"model": "13B", "gpu": "rtx-4090", "gpu_count": 2, "sharding": "zero3"}}, "yes"),
    ("fu-128k", ["Can I run Llama 3.1 8B on an RTX 4090?"], "and with a 128k context?",
     {"check_fit": {"model": "llama-3.1-8b", "gpu": "rtx-4090", "context": 131072}}, None),
    ("fu-3060", ["Can I run Llama 3.1 8B on an RTX 4090?"], "what about on an RTX 3060?",
     {"check_fit": {"model": "llama-3.1-8b", "gpu": "rtx-3060-12gb"}}, None),
    ("fu-4bit", ["Can I run Llama 3.1 8B on an RTX 4090?"], "and in 4-bit?",
     {"check_fit": {"model": "llama-3.1-8b", "gpu": "rtx-4090", "precision": "q4_k_m"}}, "yes"),
    ("fu-zh-qlora", ["一张4090能用LoRA微调13B吗?"], "那用QLoRA呢?", {"check_fit": {"model": "13B", "method": "qlora"}}, "yes"),
    ("fu-zh-two", ["一张4090能用LoRA微调13B吗?"], "两张呢?", {"check_fit": {"model": "13B", "gpu_count": 2}}, "yes"),
    ("fu-512", ["How long to pretrain a 7B model on 1T tokens with 256 H100s?"], "what about with 512 of them?",
     {"estimate_training": {"model": "7B", "gpu_count": 512}}, None),
    ("fu-h200-price", ["How much does an H100 cost per hour?"], "and an H200?", {"estimate_cost": {"gpu": "h200-sxm"}},
     None),
    ("fu-3090-speed", ["How fast is Llama 3 8B Q4_K_M on an RTX 4090?"], "and on a 3090?",
     {"estimate_throughput": {"model": "llama-3-8b", "gpu": "rtx-3090", "precision": "q4_k_m"}}, None),
    ("fu-users", ["How many H100s to serve Llama 3.1 70B?"], "and for 64 concurrent users?",
     {"recommend_hardware": {"model": "llama-3.1-70b", "concurrency": 64}}, None),
    ("fu-hours", ["Rent or buy an H100?"], "I'd use it 20 hours a day", {"estimate_cost": {"gpu": "h100-sxm"}}, None),
]

MODELS = [("llama-3.1-8b", "Llama 3.1 8B"), ("llama-3.1-70b", "Llama 3.1 70B"), ("qwen2.5-7b", "Qwen2.5-7B"),
          ("qwen2.5-32b", "Qwen2.5-32B"), ("qwen2.5-72b", "Qwen2.5-72B"), ("mistral-7b-v0.1", "Mistral 7B"),
          ("gemma-2-27b", "Gemma 2 27B"), ("mixtral-8x7b", "Mixtral 8x7B"), ("phi-4", "Phi-4"),
          ("llama-2-13b", "Llama 2 13B")]
GPUS = [("rtx-4090", "4090", "RTX 4090"), ("rtx-3090", "3090", "RTX 3090"), ("a100-80gb-sxm", "A100", "A100 80GB"),
        ("h100-sxm", "H100", "H100"), ("l40s", "L40S", "L40S"), ("l4", "L4", "L4")]
NUM_EN = {1: "one", 2: "two", 4: "four", 8: "eight"}
NUM_ZH = {1: "一", 2: "两", 4: "四", 8: "八"}


def verdict_inference(model, gpu, n, precision=None, context=None, users=None):
    from tools.fit import FitRequest, check_fit

    base = dict(model=model, gpu=gpu, gpu_count=n, context=context, batch=users,
                framework="vllm" if (users or 1) > 1 else None)
    base = {k: v for k, v in base.items() if v is not None}
    if precision:
        base["precision"] = precision
    r = check_fit(FitRequest(**base))
    if r.fits:
        return "yes"
    if precision:
        return "no"
    from tools.gpus import get_gpu

    g = get_gpu(gpu)
    for fmt in (["fp8"] if g.supports_fp8 else ["int8"]) + ["awq-4bit" if g.kind == "datacenter" else "q4_k_m"]:
        if fmt == r.memory.precision:
            continue
        if check_fit(FitRequest(**{**base, "precision": fmt})).fits:
            return "yes_quantized"
    if g.kind != "datacenter" and (users or 1) <= 1 and check_fit(FitRequest(**{**base, "precision": "q4_k_m",
                                                                              "kv_dtype": "q8_0"})).fits:
        return "yes_quantized"  # one user at a desk: Q4_K_M with an 8-bit KV cache (llama.cpp -ctk/-ctv q8_0)
    return "no"


def verdict_training(model, gpu, n, method):
    from tools.fit import FitRequest, check_fit

    args = dict(model=model, gpu=gpu, gpu_count=n, workload="training", method=method, gradient_checkpointing=True)
    if method == "qlora":
        args["precision"] = "nf4-dq"
    if n > 1:
        args["sharding"] = "zero3"
    return "yes" if check_fit(FitRequest(**args)).fits else "no"


def templated() -> list[dict]:
    out = []
    i = 0
    for mi, (mid, mname) in enumerate(MODELS):
        for gi, (gid, gshort, gname) in enumerate(GPUS):
            i += 1
            if (mi + gi) % 2:
                continue
            n = [1, 2, 4, 1, 2][(mi * 3 + gi) % 5]
            v = verdict_inference(mid, gid, n)
            en = [f"Can I run {mname} on {NUM_EN[n]} {gname}{'s' if n > 1 else ''}?",
                  f"Will {mname} fit on {n}x {gname}?", f"Is {NUM_EN[n]} {gname} enough for {mname}?"][(mi + gi) % 3]
            out.append(case(f"t-fit-en-{mid}-{gid}", [], en, ["fit"],
                            {"check_fit": {"model": mid, "gpu": gid, "gpu_count": n}}, v, []))
            zh = [f"{NUM_ZH[n]}张{gshort}能跑{mname}吗？", f"{mname}在{n}张{gshort}上放得下吗", f"{n}张{gshort}够不够跑{mname}"][
                (mi + 2 * gi) % 3]
            out.append(case(f"t-fit-zh-{mid}-{gid}", [], zh, ["fit"],
                            {"check_fit": {"model": mid, "gpu": gid, "gpu_count": n}}, v, []))
    for mi, (mid, mname) in enumerate(MODELS[:8]):
        for gi, (gid, gshort, gname) in enumerate(GPUS[:4]):
            method = ["lora", "qlora", "full"][(mi + gi) % 3]
            n = [1, 2, 1, 4][(mi + gi) % 4]
            v = verdict_training(mid, gid, n, method)
            mword = {"lora": "LoRA", "qlora": "QLoRA", "full": "full fine-tuning"}[method]
            zword = {"lora": "LoRA微调", "qlora": "QLoRA微调", "full": "全量微调"}[method]
            args = {"model": mid, "gpu": gid, "gpu_count": n, "method": method}
            if (mi + gi) % 2 == 0:
                q = (f"Can I fine-tune {mname} with {mword} on {NUM_EN[n]} {gname}{'s' if n > 1 else ''}?"
                     if method != "full" else f"Is {n}x {gname} enough for full fine-tuning of {mname}?")
                out.append(case(f"t-train-en-{mid}-{gid}", [], q, ["fit"], {"check_fit": args}, v, []))
            else:
                q = f"{NUM_ZH[n]}张{gshort}能{zword}{mname}吗？"
                out.append(case(f"t-train-zh-{mid}-{gid}", [], q, ["fit"], {"check_fit": args}, v, []))
    for mi, (mid, mname) in enumerate(MODELS):
        users = [8, 16, 32, 40, 64, 100][mi % 6]
        ctx = [4, 8, 16, 32][mi % 4]
        gid, gshort, gname = GPUS[2 + mi % 4]
        out.append(case(f"t-serve-en-{mid}", [], f"How many {gname}s do I need to serve {mname} to {users} concurrent "
                        f"users at {ctx}k context?", ["how_many"],
                        {"recommend_hardware": {"model": mid, "concurrency": users, "context": ctx * 1024,
                                                "gpus": [gid]}}, None, [str(users)]))
        out.append(case(f"t-serve-zh-{mid}", [], f"{users}个并发用户、{ctx}k上下文部署{mname}需要几张{gshort}？", ["how_many"],
                        {"recommend_hardware": {"model": mid, "concurrency": users, "context": ctx * 1024,
                                                "gpus": [gid]}}, None, [str(users)]))
        loads = verdict_inference(mid, gid, 1) != "no"  # a model that does not load has no speed to give
        speed_args = {"estimate_throughput": {"model": mid, "gpu": gid, "batch": users}} if loads else \
            {"check_fit": {"model": mid, "gpu": gid}}
        out.append(case(f"t-speed-en-{mid}", [], f"How fast is {mname} on an {gname} with {users} parallel requests?",
                        ["speed"], speed_args, None, [str(users)] if loads else ["Does not fit"]))
        out.append(case(f"t-speed-zh-{mid}", [], f"{mname}在{gshort}上{users}并发，速度多少？", ["speed"], speed_args, None,
                        [str(users)] if loads else ["放不下"]))
        limit = _max_context(mid)
        used = min(ctx * 1024, limit)  # beyond the model's limit: the answer says so and sizes the limit
        over = [f"{limit:,}"] if used < ctx * 1024 else []
        out.append(case(f"t-mem-en-{mid}", [], f"How much VRAM does {mname} need at {ctx}k context?", ["memory"],
                        {"estimate_memory": {"model": mid, "context": used}}, None, ["GiB", *over]))
        out.append(case(f"t-mem-zh-{mid}", [], f"{mname}在{ctx}k上下文推理需要多少显存？", ["memory"],
                        {"estimate_memory": {"model": mid, "context": used}}, None, ["GiB", *over]))
    for k, (size, tokens_en, tokens_zh, tok, n, gid, gshort) in enumerate([
            ("7B", "1T", "1万亿", 1e12, 64, "h100-sxm", "H100"), ("13B", "500B", "5000亿", 5e11, 16, "a100-80gb-sxm", "A100"),
            ("1B", "100B", "1000亿", 1e11, 8, "h100-sxm", "H100"), ("70B", "2T", "2万亿", 2e12, 512, "h100-sxm", "H100"),
            ("3B", "300B", "3000亿", 3e11, 32, "a100-80gb-sxm", "A100")]):
        out.append(case(f"t-pretrain-en-{k}", [], f"How long to pretrain a {size} model on {tokens_en} tokens with {n} "
                        f"{gshort}s?", ["time"], {"estimate_training": {"model": size, "tokens": tok, "gpu": gid,
                                                                        "gpu_count": n, "method": "pretrain"}},
                        None, ["hours"]))
        out.append(case(f"t-pretrain-zh-{k}", [], f"用{n}张{gshort}在{tokens_zh}token上预训练{size}模型要多久？", ["time"],
                        {"estimate_training": {"model": size, "tokens": tok, "gpu": gid, "gpu_count": n,
                                               "method": "pretrain"}}, None, ["小时"]))
        out.append(case(f"t-pretrain-cost-en-{k}", [], f"How long and how much money to pretrain a {size} model on "
                        f"{tokens_en} tokens on {n} {gshort}s?", ["time", "cost"],
                        {"estimate_training": {"model": size, "tokens": tok, "gpu_count": n, "method": "pretrain"},
                         "estimate_cost": {"gpu": gid, "gpu_count": n}}, None, ["hours", "$"]))
        out.append(case(f"t-pretrain-cost-zh-{k}", [], f"在{n}张{gshort}上用{tokens_zh}token预训练{size}模型，要多久、花多少钱？",
                        ["time", "cost"], {"estimate_training": {"model": size, "tokens": tok, "gpu_count": n,
                                                                 "method": "pretrain"},
                                           "estimate_cost": {"gpu": gid, "gpu_count": n}}, None, ["小时", "$"]))
        out.append(case(f"t-deadline-en-{k}", [], f"How many {gshort}s to pretrain a {size} model on {tokens_en} tokens "
                        f"in {[30, 60, 14, 90, 45][k]} days?", ["how_many"],
                        {"recommend_hardware": {"model": size, "workload": "pretrain", "tokens": tok,
                                                "deadline_days": float([30, 60, 14, 90, 45][k])}}, None,
                        [f"{[30, 60, 14, 90, 45][k]} days"]))
    for gid, gshort, h in ([("h100-sxm", "H100", 8), ("a100-80gb-sxm", "A100", 24), ("rtx-4090", "4090", 4),
                                          ("l40s", "L40S", 12), ("h200-sxm", "H200", 16), ("rtx-3090", "3090", 2)]):
        out.append(case(f"t-buy-en-{gid}", [], f"Should I rent or buy a {gshort} if I use it {h} hours a day?",
                        ["buy_rent"], {"estimate_cost": {"gpu": gid}}, None, [f"{h} hours a day"]))
        out.append(case(f"t-buy-zh-{gid}", [], f"每天用{h}小时，{gshort}买还是租划算？", ["buy_rent"],
                        {"estimate_cost": {"gpu": gid}}, None, [f"{h} 小时"]))
        out.append(case(f"t-price-en-{gid}", [], f"What does a {gshort} cost per hour to rent?", ["cost"],
                        {"estimate_cost": {"gpu": gid}}, None, ["$"]))
        out.append(case(f"t-price-zh-{gid}", [], f"{gshort}租一小时多少钱？", ["cost"], {"estimate_cost": {"gpu": gid}}, None,
                        ["$"]))
    for k, (mid, mname) in enumerate(MODELS[:8]):
        g1, g2 = GPUS[2 + k % 3], GPUS[3 + k % 3]
        both = all(verdict_inference(mid, g[0], 1) != "no" for g in (g1, g2))
        out.append(case(f"t-cmp-en-{mid}", [], f"{g1[2]} vs {g2[2]} for {mname}: which is faster?", ["compare"],
                        {"estimate_throughput": {"model": mid}}, None, ["faster" if both else "runs it"]))
        out.append(case(f"t-cmp-zh-{mid}", [], f"{mname}在{g1[1]}和{g2[1]}上哪个快？", ["compare"],
                        {"estimate_throughput": {"model": mid}}, None, ["快" if both else "放得下"]))
        gid, gshort, gname = GPUS[k % 4]
        out.append(case(f"t-fu-en-{mid}", [f"Can I run {mname} on a {gname}?"], "what about two of them?", ["fit"],
                        {"check_fit": {"model": mid, "gpu": gid, "gpu_count": 2}}, verdict_inference(mid, gid, 2), []))
        out.append(case(f"t-fu-zh-{mid}", [f"一张{gshort}能跑{mname}吗？"], "那两张呢？", ["fit"],
                        {"check_fit": {"model": mid, "gpu": gid, "gpu_count": 2}}, verdict_inference(mid, gid, 2), []))
        out.append(case(f"t-fu-qlora-en-{mid}", [f"Can I fine-tune {mname} with LoRA on a {gname}?"], "and with QLoRA?",
                        ["fit"], {"check_fit": {"model": mid, "gpu": gid, "method": "qlora"}},
                        verdict_training(mid, gid, 1, "qlora"), []))
        out.append(case(f"t-fu-qlora-zh-{mid}", [f"一张{gshort}能用LoRA微调{mname}吗？"], "那用QLoRA呢？", ["fit"],
                        {"check_fit": {"model": mid, "gpu": gid, "method": "qlora"}},
                        verdict_training(mid, gid, 1, "qlora"), []))
        out.append(case(f"t-fu-users-{mid}", [f"How fast is {mname} on an {g1[2]}?"], "and with 32 parallel requests?",
                        ["speed"], {"estimate_throughput": {"model": mid, "gpu": g1[0], "batch": 32}}, None, ["32"]))
        out.append(case(f"t-multi-fit-speed-{mid}", [], f"Can I serve {mname} on one {g1[2]} to 8 users, and how fast "
                        "would it be?", ["fit", "speed"],
                        {"check_fit": {"model": mid, "gpu": g1[0], "batch": 8}}, verdict_inference(mid, g1[0], 1, users=8),
                        []))
    for k, (mid, mname) in enumerate(MODELS[:6]):
        gid, gshort, gname = GPUS[k % 4]
        v = verdict_training(mid, gid, 1, "qlora")
        out.append(case(f"t-multi-fit-time-en-{mid}", [], f"Can I fine-tune {mname} with QLoRA on one {gname}, and how "
                        "long would 100M tokens take?", ["fit", "time"],
                        {"check_fit": {"model": mid, "gpu": gid, "method": "qlora"},
                         "estimate_training": {"model": mid, "tokens": 1e8, "method": "qlora", "gpu": gid}}, v, []))
        out.append(case(f"t-multi-fit-time-zh-{mid}", [], f"一张{gshort}能用QLoRA微调{mname}吗？1亿token要训练多久？",
                        ["fit", "time"], {"check_fit": {"model": mid, "gpu": gid, "method": "qlora"},
                                          "estimate_training": {"model": mid, "tokens": 1e8, "method": "qlora"}}, v, []))
        g2 = GPUS[2 + k % 4]
        runs = verdict_inference(mid, g2[0], 1) != "no"  # no speed to give for a setup that does not fit
        out.append(case(f"t-multi-mem-speed-{mid}", [], f"How much memory does {mname} need on an {g2[2]}, "
                        "and how fast will it run?", ["memory", "speed"],
                        {"estimate_memory": {"model": mid}, **({"estimate_throughput": {"model": mid}} if runs else {})},
                        None, ["GiB"]))
    return out


OLD = Path(__file__).with_name("chat_questions_v1.json")


def earlier_set() -> list[dict]:
    """The first engine's 93 questions, kept: their tool and key arguments, and their verdict where it was one."""
    out = []
    for cid, history, q, tool, args, verdict in json.loads(OLD.read_text(encoding="utf-8")):
        out.append(case(cid, history, q, [], {tool: args} if tool else {}, verdict, []))
    return out


def _max_context(model_id: str) -> int:
    from tools.models import get_model

    return get_model(model_id).max_context


def case(cid, history, question, asks, args, verdict, first_line_has) -> dict:
    lang = "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in question) else "en"
    return {"id": cid, "lang": lang, "history": history, "question": question, "asks": asks, "tools": sorted(args),
            "args": args, "verdict": verdict, "first_line_has": first_line_has}


def build() -> str:
    """The question set as JSON lines (what main writes)."""
    rows = [case(*c) for c in HAND]
    for cid, history, q, args, verdict in FOLLOW:
        rows.append(case(cid, history, q, [], args, verdict, []))
    rows += templated()
    rows += earlier_set()
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), "duplicate ids"
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def main() -> None:
    text = build()
    OUT.write_text(text, encoding="utf-8")
    print(f"{text.count(chr(10))} cases -> {OUT}")


if __name__ == "__main__":
    main()
