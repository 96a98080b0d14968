"""Chinese questions against an English index: the default embedding model (all-MiniLM-L6-v2) is
English-only, so Chinese domain terms are mapped to their English equivalents before embedding,
keeping the Latin tokens (4090, QLoRA, ZeRO-3) as they are. bench/retrieval.py measures the effect."""

from __future__ import annotations

import re

# longest terms first wins; each maps to the English words our docs use
GLOSSARY = {
    "全量微调": "full fine-tuning all weights", "参数高效微调": "parameter-efficient fine-tuning LoRA",
    "微调": "fine-tune fine-tuning", "预训练": "pretraining train from scratch tokens", "训练": "training",
    "推理": "inference serving", "部署": "deploy serving", "服务": "serving", "量化": "quantization quantized",
    "显存": "GPU memory VRAM", "内存": "memory RAM", "统一内存": "unified memory Apple", "显卡": "GPU graphics card",
    "几张": "how many GPUs", "多少张": "how many GPUs", "多卡": "multiple GPUs multi-GPU", "单卡": "single GPU one card",
    "一张": "one GPU", "两张": "two GPUs", "张量并行": "tensor parallelism", "流水线并行": "pipeline parallelism",
    "数据并行": "data parallel DDP", "专家并行": "expert parallelism MoE", "序列并行": "sequence context parallelism",
    "并行": "parallelism", "分布式": "distributed training", "梯度检查点": "gradient checkpointing activation recomputation",
    "梯度累积": "gradient accumulation", "梯度": "gradients", "优化器": "optimizer Adam states", "激活值": "activations",
    "激活参数": "active parameters experts", "激活": "activations", "键值缓存": "KV cache", "缓存": "cache", "上下文": "context length", "长上下文": "long context KV cache",
    "批量": "batch size", "批处理": "batching", "连续批处理": "continuous batching", "动态批处理": "dynamic batching",
    "并发": "concurrency concurrent users serving", "同时在线": "concurrent users serving",
    "高并发": "concurrency concurrent users serving",
    "撑": "serve handle", "扛": "serve handle", "取决于": "determines depends", "决定": "determines",
    "吞吐": "throughput tokens per second", "吞吐量": "throughput tokens per second", "速度": "speed tokens per second",
    "延迟": "latency time to first token", "首字延迟": "time to first token", "带宽": "memory bandwidth",
    "互联": "interconnect NVLink", "算力": "compute TFLOPS", "浮点": "FLOPS", "价格": "price cost", "成本": "cost",
    "费用": "cost price", "便宜": "cheap cost", "租": "rent cloud", "租用": "rent cloud", "云": "cloud",
    "购买": "buy purchase", "买": "buy purchase", "电费": "power electricity cost", "竞价实例": "spot instances",
    "按需": "on-demand", "苹果": "Apple Silicon Mac", "芯片": "chip", "架构": "architecture generation",
    "新一代": "new generation", "代": "generation", "误区": "misconception myth", "常见错误": "common misconceptions",
    "模型大小": "model size", "参数量": "parameters model size", "参数": "parameters", "精度": "precision",
    "半精度": "half precision fp16 bf16", "混合精度": "mixed precision", "位": "bit", "比特": "bit",
    "碎片": "fragmentation allocator", "上下文并行": "context parallelism", "卸载": "offload CPU", "初创": "startup",
    "企业": "enterprise", "实验室": "academic lab budget", "学生": "student budget", "本地": "local run on my machine",
    "笔记本": "laptop local", "够不够": "enough memory fit", "能不能": "can it fit run", "能跑": "can run fit",
    "跑": "run", "压缩": "compress compression smaller", "倍": "times x fold", "支持": "support supported",
    "分别": "respectively each", "是不是": "is it true misconception", "放得下": "fit in memory", "需要": "need requirements", "多少": "how much", "多大": "how large",
    "选择": "choose which", "哪个": "which", "推荐": "recommend", "区别": "difference between", "比较": "compare",
    "为什么": "why", "什么是": "what is", "怎么": "how to", "原理": "how it works", "节省": "saves reduces",
    "减少": "reduce", "省": "save", "大模型": "large language model LLM", "模型": "model", "层": "layer",
    "注意力": "attention", "投机解码": "speculative decoding", "前缀缓存": "prefix caching", "分页": "paged PagedAttention",
    "权重": "weights", "切分": "shard shards partition", "分片": "shard sharding", "副本": "copy replica",
    "通信": "communication", "真的": "really", "只要": "only need", "只需": "only need", "很小": "small",
    "误解": "misconception myth", "更快": "faster", "变快": "faster", "快": "faster", "慢": "slower",
    "不够": "not enough", "怎么办": "what to do", "解码": "decoding decode", "利用率": "utilization",
    "单用户": "single user", "爆显存": "out of memory OOM", "瓶颈": "bound bottleneck", "翻倍": "double faster", "单个用户": "single user", "必须": "required", "一定要": "required", "显存占用": "memory usage", "每张": "every GPU each", "全参数": "full fine-tuning all weights",
}
_CJK = re.compile(r"[\u3400-\u9fff]")
_TERMS = sorted(GLOSSARY, key=len, reverse=True)


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def expand_query(text: str) -> str:
    """English rendering of a Chinese question's domain terms, plus its Latin tokens."""
    if not has_cjk(text):
        return text
    found, rest = [], text
    for term in _TERMS:
        if term in rest:
            found.append(GLOSSARY[term])
            rest = rest.replace(term, " ")
    latin = re.findall(r"[A-Za-z0-9][A-Za-z0-9.\-+_/]*", text)
    return " ".join(latin + found) or text
