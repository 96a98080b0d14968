"""Which kind of question is this? Keyword rules over the question and the facts found in it."""

from __future__ import annotations

import re

from .parse import Slots

DOMAIN = re.compile(r"gpu|vram|memory|lora|quantiz|\bbit\b|train|fine-?tun|infer|serv|parallel|cache|nvlink|fsdp|zero|"
                    r"vllm|llama\.cpp|ollama|tensorrt|token|batch|context|flash|attention|optimizer|adam|gradient|"
                    r"checkpoint|offload|pcie|infiniband|tflops|bandwidth|fp8|fp16|bf16|int8|gguf|awq|gptq|nf4|moe|"
                    r"expert|cuda|rocm|tpu|apple|显存|微调|训练|推理|量化|并行|缓存|显卡|部署|优化器|梯度|带宽", re.I)

FOLLOW_UP = re.compile(r"^\s*(what about|how about|and\b|and with|with\b|same\b|what if|now\b|then\b|ok\b|"
                       r"那|如果|换成|再|用|改成|那么|要是)", re.I)

RULES = [
    ("concept", r"\bwhat (?:is|are|does)\b(?!.*\b(?:need|fit|cost|fast|speed|memory|vram)\b)|\bexplain\b|\bwhy\b|"
                r"\bdifference between\b|\bhow does\b|\bwhen should\b|是什么|为什么|什么是|区别|原理|怎么理解|解释"),
    ("largest", r"\b(?:largest|biggest|max(?:imum)?) model\b|\bbiggest\b.*\bmodel\b|最大.*模型|能跑多大"),
    ("how_many", r"\bhow many\b|几张|多少张|几块|多少块|几个gpu|多少卡|几卡"),
    ("which_gpu", r"\bwhich gpu|\bwhat gpu|\bwhat hardware|\bwhat should i (?:buy|rent|use)|\brecommend|"
                  r"\bbest gpu|\bcheapest\b|哪个gpu|哪款|什么显卡|什么gpu|推荐|选什么|买什么|最便宜"),
    ("speed", r"\bhow fast\b|\bspeed\b|tokens?\s*/\s*s|tok/s|tokens per second|\bthroughput\b|\blatency\b|"
              r"\bttft\b|速度|多快|吞吐|延迟"),
    ("training", r"\bhow long\b|\bhow much (?:does|would|will) it cost\b|\bcost to (?:train|fine)|\bgpu[- ]hours\b|"
                 r"\bpre-?train|多久|多长时间|花多少钱|成本|费用|预训练"),
    ("cost", r"\bcost\b|\bprice\b|\$|\bper hour\b|\brent\b|\bbuy\b|\bbreak[- ]even\b|多少钱|价格|租|买"),
    ("quantization", r"\bquantiz\w*\b.*\b(?:options?|formats?|compar\w*|which|best|vs)\b|\bcompare\b.*\bquantiz|"
                     r"\bwhich (?:quant\w*|format)|\b(?:gguf|awq|gptq|fp8)\b.*\bvs\b|哪种量化|量化.*(?:多大|对比|比较|哪|格式)|"
                     r"(?:多大|对比|比较).*量化|量化后"),
    ("memory", r"\bhow much (?:memory|vram|gpu memory|ram)\b|\bmemory (?:does|do|would|will|needed|required)|"
               r"\bvram\b|\bmemory\b|显存|内存|多少g\b"),
    ("fit", r"\bcan i\b|\bwill\b.*\b(?:run|fit|work)\b|\bfit\b|\bdoes .* fit|\benough\b|\bpossible\b|能不能|能否|能跑|"
            r"可以|够不够|放得下|跑得动|吗"),
]


def detect(question: str, now: Slots, merged: Slots, previous: str | None) -> str:
    q = question.lower()
    gpus_only = not now.model and len(now.gpus) >= 1 and not merged.model
    spec_words = re.search(r"\bvs\.?\b|versus|compare|difference|对比|比较|区别|\bspecs?\b|bandwidth|tflops|带宽|参数|规格",
                           q)
    if not now.model and len(now.gpus) >= 2 and spec_words:
        return "gpu_specs"
    if previous and FOLLOW_UP.search(q) and not now.model and not _explicit_intent(q):
        return previous
    cost_words = re.search(r"\bcost|\bprice|\$|per hour|\brent|多少钱|价格|租|费用", q)
    if gpus_only and cost_words:
        return "cost"
    if gpus_only and (spec_words or re.search(r"memory|显存|how much|多少", q)):
        return "gpu_specs"
    for name, pattern in RULES:
        if re.search(pattern, q):
            if name == "concept" and (now.model or now.gpu) and re.search(r"need|fit|run|需要|能", q):
                continue
            if name == "cost" and not (merged.model or merged.gpu):
                continue
            return name
    if gpus_only:
        return "gpu_specs"
    if merged.model and merged.gpu:
        return "fit"
    if merged.model:
        return "memory"
    if previous and not now.model and (now.count or now.gpu or now.precision or now.method or now.context):
        return previous
    return "concept" if DOMAIN.search(q) else "unknown"


def _explicit_intent(q: str) -> bool:
    return any(re.search(p, q) for name, p in RULES if name in ("how_many", "which_gpu", "speed", "training",
                                                              "quantization", "largest"))
