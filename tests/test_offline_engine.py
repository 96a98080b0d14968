"""The offline engine on phrased questions (English and Chinese, with follow-ups): which tool it
calls, with which arguments, and the verdict it gives."""

import pytest

from advisor.grounding import unsupported_numbers
from advisor.offline.engine import OfflineEngine

ENGINE = OfflineEngine()

# (earlier user turns, question, tool, subset of that tool's first call args, text the answer must contain)
CASES = [
    # --- can X run / fine-tune on Y ---
    ([], "Can I fine-tune 13B with LoRA on one 4090?", "check_fit",
     {"model": "13B", "gpu": "rtx-4090", "gpu_count": 1, "method": "lora"}, "**No.**"),
    (["Can I fine-tune 13B with LoRA on one 4090?"], "What about with QLoRA?", "check_fit",
     {"model": "13B", "gpu": "rtx-4090", "method": "qlora"}, "**Yes"),
    (["Can I fine-tune 13B with LoRA on one 4090?"], "what about two of them?", "check_fit",
     {"model": "13B", "gpu": "rtx-4090", "gpu_count": 2, "sharding": "zero3"}, "2x NVIDIA GeForce RTX 4090"),
    ([], "Can I fine-tune Llama 2 13B with QLoRA on a single RTX 4090?", "check_fit",
     {"model": "llama-2-13b", "method": "qlora", "gpu_count": 1}, "**Yes"),
    ([], "Will Llama 3 70B run on 2x3090 at 4-bit?", "check_fit",
     {"model": "llama-3-70b", "gpu": "rtx-3090", "gpu_count": 2, "precision": "awq-4bit"}, "**"),
    ([], "Can I run Llama 3.1 8B on an RTX 4090?", "check_fit", {"model": "llama-3.1-8b", "gpu": "rtx-4090"}, "**Yes"),
    ([], "Does Mixtral 8x7B fit on two A6000s?", "check_fit",
     {"model": "mixtral-8x7b", "gpu": "rtx-a6000", "gpu_count": 2}, "**"),
    ([], "Can 8 H100s serve Llama 3.1 405B in FP8?", "check_fit",
     {"model": "llama-3.1-405b", "gpu": "h100-sxm", "gpu_count": 8, "precision": "fp8"}, "**Yes"),
    ([], "Can 8xH100 serve Llama 3.1 405B in bf16?", "check_fit",
     {"model": "llama-3.1-405b", "gpu_count": 8, "precision": "bf16"}, "**No.**"),
    ([], "Is one A100 80GB enough to run Qwen2.5-72B?", "check_fit",
     {"model": "qwen2.5-72b", "gpu": "a100-80gb-sxm"}, "4-bit"),
    ([], "Can I run Gemma 2 27B on an L4?", "check_fit", {"model": "gemma-2-27b", "gpu": "l4"}, "**No.**"),
    ([], "Can my M2 Ultra run Llama 3 70B Q4_K_M?", "check_fit",
     {"model": "llama-3-70b", "gpu": "m2-ultra", "precision": "q4_k_m"}, "**Yes"),
    ([], "Will Phi-4 run on a T4?", "check_fit", {"model": "phi-4", "gpu": "t4"}, "**"),
    ([], "Can I fully fine-tune Llama 3.1 8B on one H100?", "check_fit",
     {"model": "llama-3.1-8b", "gpu": "h100-sxm", "method": "full"}, "**No.**"),
    ([], "Can I fine-tune Mistral 7B with LoRA on a 3090 with 8k context?", "check_fit",
     {"model": "mistral-7b-v0.1", "gpu": "rtx-3090", "method": "lora", "context": 8192}, "**"),
    ([], "Can I run DeepSeek-V3 on 8 H200s in FP8?", "check_fit",
     {"model": "deepseek-v3", "gpu": "h200-sxm", "gpu_count": 8, "precision": "fp8"}, "**Yes"),
    ([], "gpt-oss-120b on one H100 with mxfp4?", "check_fit",
     {"model": "gpt-oss-120b", "gpu": "h100-sxm", "precision": "mxfp4"}, "**Yes"),
    ([], "Can I serve Llama 3.1 8B with 32k context and 16 concurrent users on an L40S?", "check_fit",
     {"model": "llama-3.1-8b", "gpu": "l40s", "context": 32768, "batch": 16}, "**"),
    (["Can I run Llama 3.1 8B on an RTX 4090?"], "and with a 128k context?", "check_fit",
     {"model": "llama-3.1-8b", "gpu": "rtx-4090", "context": 131072}, "**No.**"),
    (["Can I run Llama 3.1 8B on an RTX 4090?"], "what about on an RTX 3060?", "check_fit",
     {"model": "llama-3.1-8b", "gpu": "rtx-3060-12gb"}, "**No.**"),
    (["Can I run Llama 3.1 8B on an RTX 4090?"], "and in 4-bit?", "check_fit",
     {"model": "llama-3.1-8b", "gpu": "rtx-4090", "precision": "awq-4bit"}, "**Yes"),
    ([], "Will Qwen3-30B-A3B fit on a 24GB card at 4 bit?", "check_fit",
     {"model": "qwen3-30b-a3b", "precision": "awq-4bit"}, "**"),
    # --- Chinese: can X run / fine-tune on Y ---
    ([], "一张4090能跑Qwen2.5-32B吗?", "check_fit", {"model": "qwen2.5-32b", "gpu": "rtx-4090", "gpu_count": 1},
     "放不下"),
    ([], "一张4090能用LoRA微调13B吗?", "check_fit", {"model": "13B", "gpu": "rtx-4090", "method": "lora"}, "放不下"),
    (["一张4090能用LoRA微调13B吗?"], "那用QLoRA呢?", "check_fit", {"model": "13B", "method": "qlora"}, "可以"),
    (["一张4090能用LoRA微调13B吗?"], "两张呢?", "check_fit", {"model": "13B", "gpu_count": 2}, "2 张"),
    ([], "两张3090能跑Llama 3 70B的4bit量化吗", "check_fit",
     {"model": "llama-3-70b", "gpu": "rtx-3090", "gpu_count": 2, "precision": "awq-4bit"}, "**"),
    ([], "8张H100能部署Llama 3.1 405B吗？用fp8", "check_fit",
     {"model": "llama-3.1-405b", "gpu_count": 8, "precision": "fp8"}, "可以"),
    ([], "单卡A100 80G能全量微调Llama 2 7B吗？", "check_fit",
     {"model": "llama-2-7b", "gpu": "a100-80gb-sxm", "method": "full"}, "放不下"),
    ([], "4090能跑Llama 3.1 8B吗", "check_fit", {"model": "llama-3.1-8b", "gpu": "rtx-4090"}, "可以"),
    ([], "苹果M3 Max能跑Llama 3 70B吗？q4_k_m", "check_fit",
     {"model": "llama-3-70b", "gpu": "m3-max", "precision": "q4_k_m"}, "可以"),
    ([], "用QLoRA在一张A100上微调Llama 3 70B够不够", "check_fit",
     {"model": "llama-3-70b", "gpu": "a100-80gb-sxm", "method": "qlora"}, "可以"),
    # --- memory ---
    ([], "How much memory does Llama 3.1 8B need at 8k context?", "estimate_memory",
     {"model": "llama-3.1-8b", "context": 8192}, "GiB"),
    ([], "How much VRAM for Llama 3 70B in bf16?", "estimate_memory", {"model": "llama-3-70b", "precision": "bf16"},
     "GiB"),
    ([], "How much GPU memory to fine-tune Llama 2 7B with full fine-tuning?", "estimate_memory",
     {"model": "llama-2-7b", "method": "full"}, "GiB"),
    ([], "Memory needed for QLoRA on Llama 3.1 70B?", "estimate_memory",
     {"model": "llama-3.1-70b", "method": "qlora"}, "GiB"),
    ([], "How much memory does Qwen3-30B-A3B need at 32k context with 16 concurrent users?", "estimate_memory",
     {"model": "qwen3-30b-a3b", "context": 32768, "batch": 16}, "GiB"),
    ([], "What's the VRAM requirement of DeepSeek-R1 in fp8?", "estimate_memory",
     {"model": "deepseek-r1", "precision": "fp8"}, "GiB"),
    ([], "Llama 3.1 70B推理需要多少显存？", "estimate_memory", {"model": "llama-3.1-70b"}, "显存"),
    ([], "Qwen2.5-7B微调需要多少显存", "estimate_memory", {"model": "qwen2.5-7b", "workload": "training"}, "显存"),
    ([], "How much memory for a 13B model at 4-bit?", "estimate_memory", {"model": "13B", "precision": "awq-4bit"},
     "GiB"),
    # --- how many GPUs ---
    ([], "How many A100 80GB do I need to serve Llama 3 70B?", "check_fit",
     {"model": "llama-3-70b", "gpu": "a100-80gb-sxm", "precision": "bf16", "gpu_count": 2}, "awq-4bit"),
    ([], "How many H100s to serve Llama 3.1 405B?", "check_fit",
     {"model": "llama-3.1-405b", "gpu": "h100-sxm", "precision": "bf16"}, "fp8"),
    ([], "How many RTX 4090s do I need for Llama 3 70B at 4-bit?", "check_fit",
     {"model": "llama-3-70b", "gpu": "rtx-4090", "precision": "awq-4bit"}, "GPU(s)"),
    ([], "How many L40S for Mixtral 8x22B?", "check_fit", {"model": "mixtral-8x22b", "gpu": "l40s"}, "GPU(s)"),
    ([], "70B推理需要几张A100?", "check_fit", {"model": "70B", "gpu": "a100-80gb-sxm"}, "张"),
    ([], "部署DeepSeek-V3需要几张H200？", "check_fit", {"model": "deepseek-v3", "gpu": "h200-sxm"}, "张"),
    ([], "How many H100s do I need to fully fine-tune Llama 3.1 70B?", "check_fit",
     {"model": "llama-3.1-70b", "gpu": "h100-sxm", "method": "full", "sharding": "zero3"}, "GPU(s)"),
    # --- which GPU / plan ---
    ([], "Which GPU should I use to serve Llama 3.1 70B?", "recommend_hardware",
     {"model": "llama-3.1-70b", "workload": "inference"}, "cheapest"),
    ([], "What's the cheapest hardware to fine-tune Llama 3.1 8B with QLoRA?", "recommend_hardware",
     {"model": "llama-3.1-8b", "workload": "finetune", "method": "qlora"}, "$"),
    ([], "Recommend GPUs for serving Qwen2.5-32B at 32k context to 8 users", "recommend_hardware",
     {"model": "qwen2.5-32b", "context": 32768, "concurrency": 8}, "tok/s"),
    ([], "What GPU should I buy to run Llama 3 8B at 100 tokens/s?", "recommend_hardware",
     {"model": "llama-3-8b", "target_tokens_per_s": 100.0}, "tok/s"),
    ([], "推荐什么显卡部署Llama 3.1 70B？", "recommend_hardware", {"model": "llama-3.1-70b"}, "按价格"),
    ([], "Which GPUs to pretrain a 7B model on 1T tokens in 30 days?", "recommend_hardware",
     {"model": "7B", "workload": "pretrain", "tokens": 1e12, "deadline_days": 30.0}, "h"),
    # --- speed ---
    ([], "How fast is Llama 3 8B Q4_K_M on an RTX 4090?", "estimate_throughput",
     {"model": "llama-3-8b", "gpu": "rtx-4090", "precision": "q4_k_m"}, "tokens/s"),
    ([], "What throughput can I expect from Llama 3.1 70B on 2 H100s in fp8 with 32 concurrent requests?",
     "estimate_throughput", {"model": "llama-3.1-70b", "gpu_count": 2, "precision": "fp8", "batch": 32}, "tokens/s"),
    ([], "tokens/s for Mistral 7B on an M2 Ultra with llama.cpp at q4_k_m?", "estimate_throughput",
     {"model": "mistral-7b-v0.1", "gpu": "m2-ultra", "framework": "llama.cpp"}, "tokens/s"),
    ([], "What's the latency of Llama 3.1 8B on an L4?", "estimate_throughput", {"model": "llama-3.1-8b", "gpu": "l4"},
     "first token"),
    ([], "Llama 3 70B在两张4090上q4_k_m速度多快？", "estimate_throughput",
     {"model": "llama-3-70b", "gpu": "rtx-4090", "gpu_count": 2}, "tokens/s"),
    (["How fast is Llama 3 8B Q4_K_M on an RTX 4090?"], "and on a 3090?", "estimate_throughput",
     {"model": "llama-3-8b", "gpu": "rtx-3090", "precision": "q4_k_m"}, "tokens/s"),
    # --- training time and cost ---
    ([], "How long to pretrain a 7B model on 1T tokens with 256 H100s?", "estimate_training",
     {"model": "7B", "tokens": 1e12, "gpu": "h100-sxm", "gpu_count": 256, "method": "pretrain"}, "hours"),
    ([], "How long does it take to train Llama 2 7B on 2T tokens with 2048 A100s?", "estimate_training",
     {"model": "llama-2-7b", "tokens": 2e12, "gpu_count": 2048}, "GPU-hours"),
    ([], "How much would it cost to fine-tune Llama 3.1 8B with LoRA on 100M tokens on one A100?",
     "estimate_training", {"model": "llama-3.1-8b", "tokens": 1e8, "method": "lora", "gpu_count": 1}, "$"),
    ([], "How long would a QLoRA fine-tune of Llama 3 70B take on one H100 for 50M tokens?", "estimate_training",
     {"model": "llama-3-70b", "method": "qlora", "tokens": 5e7, "gpu": "h100-sxm"}, "hours"),
    ([], "在64张H100上用1万亿token预训练7B模型要多久？", "estimate_training",
     {"model": "7B", "tokens": 1e12, "gpu_count": 64}, "小时"),
    ([], "用4张A100微调Llama 3.1 8B，1亿token要多少钱？", "estimate_training",
     {"model": "llama-3.1-8b", "tokens": 1e8, "gpu_count": 4}, "$"),
    (["How long to pretrain a 7B model on 1T tokens with 256 H100s?"], "what about with 512 of them?",
     "estimate_training", {"model": "7B", "gpu_count": 512}, "hours"),
    # --- cost ---
    ([], "How much does an H100 cost per hour?", "estimate_cost", {"gpu": "h100-sxm"}, "per GPU-hour"),
    ([], "What's the price of renting 8 A100s?", "estimate_cost", {"gpu": "a100-80gb-sxm", "gpu_count": 8}, "$"),
    ([], "租一张4090多少钱一小时？", "estimate_cost", {"gpu": "rtx-4090"}, "$"),
    (["How much does an H100 cost per hour?"], "and an H200?", "estimate_cost", {"gpu": "h200-sxm"}, "$"),
    # --- quantization ---
    ([], "Compare quantization options for Llama 3 70B on two 4090s", "compare_quantization",
     {"model": "llama-3-70b", "gpu": "rtx-4090", "gpu_count": 2}, "Least lossy"),
    ([], "Which quantization format should I use for Qwen2.5-32B on a 4090?", "compare_quantization",
     {"model": "qwen2.5-32b", "gpu": "rtx-4090"}, "Least lossy"),
    ([], "How big is Llama 3.1 8B in GGUF vs AWQ vs FP8? compare quantization", "compare_quantization",
     {"model": "llama-3.1-8b"}, "GB"),
    ([], "Llama 3 70B量化后多大？", "compare_quantization", {"model": "llama-3-70b"}, "GB"),
    # --- GPU specs and comparisons ---
    ([], "Compare the H100 and the H200", "lookup_gpu", {"name": "h100-sxm"}, "H200"),
    ([], "What's the memory bandwidth of the MI300X?", "lookup_gpu", {"name": "mi300x"}, "GB/s"),
    ([], "RTX 4090 vs RTX 5090 specs", "lookup_gpu", {"name": "rtx-4090"}, "RTX 5090"),
    ([], "H100和A100有什么区别？", "lookup_gpu", {"name": "h100-sxm"}, "A100"),
    ([], "How much memory does the L40S have?", "lookup_gpu", {"name": "l40s"}, "GiB"),
    # --- largest model that fits ---
    ([], "What's the largest model I can run on a 24GB card?", "check_fit", {"gpu": "rtx-4090"}, "Largest"),
    ([], "What's the biggest model I can run on two 3090s?", "check_fit", {"gpu": "rtx-3090", "gpu_count": 2},
     "Largest"),
    ([], "一张H100最大能跑多大的模型？", "check_fit", {"gpu": "h100-sxm"}, "最大"),
    # --- concepts from the guidance ---
    ([], "What is ZeRO-3?", "search_guidance", {}, "knowledge/docs/"),
    ([], "Why does QLoRA use less memory than LoRA?", "search_guidance", {}, "knowledge/docs/"),
    ([], "What is PagedAttention?", "search_guidance", {}, "serving.md"),
    ([], "Explain tensor parallelism and why it needs NVLink", "search_guidance", {}, "distributed-training.md"),
    ([], "什么是KV缓存？", "search_guidance", {}, "knowledge/docs/"),
    ([], "FSDP和ZeRO有什么区别？", "search_guidance", {}, "knowledge/docs/"),
    # --- not understood ---
    ([], "hello", None, {}, "Tell me the model"),
    ([], "Can it run?", None, {}, "Tell me the model"),
]


def _history(turns):
    out = []
    for t in turns:
        out += [{"role": "user", "content": t}, {"role": "assistant", "content": ENGINE.ask(t, out).text}]
    return out


@pytest.mark.parametrize("earlier,question,tool,args,expect", CASES, ids=[c[1][:50] for c in CASES])
def test_offline_question(earlier, question, tool, args, expect):
    history = _history(earlier)
    a = ENGINE.ask(question, history)
    assert a.engine == "offline"
    if tool is None:
        assert not [c for c in a.calls if c.tool != "search_guidance"]
    else:
        first = next((c for c in a.calls if c.tool == tool), None)
        assert first is not None, f"expected {tool}, got {[c.tool for c in a.calls]}:\n{a.text}"
        matching = [c for c in a.calls if c.tool == tool and all(c.args.get(k) == v for k, v in args.items())]
        assert matching, f"{tool} args {[c.args for c in a.calls if c.tool == tool]} lack {args}"
    assert expect in a.text, a.text
    assert a.language == ("zh" if any("\u4e00" <= ch <= "\u9fff" for ch in question) else "en")
    if a.calls:  # an answer that computed nothing (a request for details) quotes only example phrasings
        bad = unsupported_numbers(a.text, a.calls, question, history)
        assert not bad, f"numbers not from tools: {bad}\n{a.text}"


def test_there_are_at_least_80_questions_with_chinese_and_follow_ups():
    assert len(CASES) >= 80
    assert sum(any("\u4e00" <= ch <= "\u9fff" for ch in c[1]) for c in CASES) >= 20
    assert sum(bool(c[0]) for c in CASES) >= 10


def test_quick_mode_cites_without_loading_the_vector_index(monkeypatch):
    import knowledge

    monkeypatch.setattr(knowledge, "index_loaded", lambda: False)  # as in a fresh one-shot process
    quick = OfflineEngine(quick=True)
    a = quick.ask("What is ZeRO-3?")
    guidance = [c for c in a.calls if c.tool == "search_guidance"]
    assert guidance and guidance[0].args.get("mode") == "keyword"
    assert a.sources and "ZeRO" in a.text and a.sources[0].citation.startswith("knowledge/docs/")


def test_answers_cite_the_section_they_explain():
    a = ENGINE.ask("Can I fine-tune 13B with LoRA on one 4090?")
    assert "knowledge/docs/fine-tuning-methods.md § QLoRA" in a.text
    assert a.sources[0].citation.startswith("knowledge/docs/fine-tuning-methods.md")
    assert "[qlora]" not in a.text  # the docs' source markers are not shown
