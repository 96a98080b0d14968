"""What is being asked. A question may carry several asks ("how long and what does it cost"); each is detected
on its own, in the order an answer should lead with them."""

from __future__ import annotations

import re

from .answers_money import VALUE
from .parse import Slots

DOMAIN = re.compile(r"gpu|vram|memory|lora|quantiz|\bbit\b|train|fine-?tun|infer|serv|parallel|cache|nvlink|fsdp|zero|"
                    r"ddp|vllm|llama\.cpp|ollama|tensorrt|token|batch|context|flash|attention|optimizer|adam|gradient|"
                    r"checkpoint|offload|pcie|infiniband|tflops|bandwidth|fp8|fp16|bf16|int8|gguf|awq|gptq|nf4|moe|"
                    r"expert|cuda|rocm|tpu|apple|(?<![a-z])(?:tp|pp|mfu|oom)(?![a-z])|decod|显存|微调|训练|推理|量化|并行|缓存|显卡|部署|优化器|梯度|带宽|利用率|解码", re.I)

FOLLOW_UP = re.compile(r"^\s*(what about|how about|and\b|and with|with\b|same\b|what if|now\b|then\b|ok\b|instead\b|"
                       r"那|如果|换成|换|再|用|改成|那么|要是|改用|切换到|还是)|"
                       r"^(?:[^。.!?？！\n]|(?<=\d)\.(?=\d)){1,24}呢\s*[?？]?\s*$|"  # a short turn ending in 呢: "FP8 呢", "汇率按7.0算呢"
                       r"^\s*(?:and\s+)?(?:per|a|each|every|for a|over a)\s+(?:year|month|week|day)\s*[?？.]?\s*$|"
                       r"^\s*(?:每年|一年|每月|一个月|每周|一周|每天)\s*(?:呢|多少)?\s*[?？]?\s*$", re.I)

PATTERNS = {
    "kv": r"\bkv[- ]?cache\b.{0,40}\b(?:size|memory|how (?:big|much)|need|take)|\b(?:size|memory) of (?:the )?kv|"
          r"kv ?(?:缓存|cache).{0,20}(?:多大|多少)",
    "explain": r"\bwhat (?:is|are|does)\b(?!.*\b(?:need|fit|cost|fast|speed|memory|vram|largest|biggest|price|size)\b)|"
               r"\bexplain\b|\bwhy\b|\bdifference between\b|\bdifferences?\b.*\b(?:and|vs)\b|\bhow does\b|"
               r"\bwhen should\b|\bwhat'?s the point\b|是什么|为什么|为啥|为何|咋回事|怎么回事|什么是|区别|原理|怎么理解|解释|有什么不同",
    "misconception": r"\breally\b|\bis it true\b|\bi (?:heard|read)\b|\bmyth\b|\bsupposedly\b|\bthey say\b|"
                     r"\bmy (?:friend|colleague|boss|coworker)\b|\bsomeone (?:said|told)\b|\bpeople say\b|"
                     r"\bis (?:that|this|it) (?:right|correct|true|accurate)\b|"
                     r"\b(?:says?|said|claims?|claimed|posted|wrote|reckons?|insists?)\b.{0,120}\b(?:true|real|legit|right|"
                     r"correct|accurate|possible|believable)\b|"
                     r"真的|听说|是不是只|据说|对吗|对不对|是真的吗|真的假的|(?:有人|他|她|别人|网上|帖子).{0,6}说.{0,60}(?:靠谱|可信)",
    "limits": r"\b(?:max(?:imum)?|largest|biggest|longest|how big (?:a|of a)|how long (?:a|of a)|what)\s+(?:batch|context|"
              r"sequence length|sequence|prompt)(?: size| length)? (?:can|could|will|fits?|is possible)|"
              r"\b(?:max(?:imum)?|largest|biggest|longest|how big (?:a|of a)|how long (?:a|of a))\s+(?:batch|context|"
              r"sequence length|sequence|prompt)|"
              r"\bhow (?:many|much) (?:concurrent |parallel |simultaneous )?(?:users|requests|sequences|streams|context)\b.{0,30}"
              r"\b(?:can|could|will|fit|handle|support|serve)|最大(?:batch|并发|上下文)|最多.{0,6}(?:并发|用户|上下文)|能支持多少",
    "largest": r"\bwhat (?:llms?|models?|size of models?) can (?:i|it|we)\b|\bwhat can (?:it|i|we|this|that|my \w+) run\b|\bwhich (?:llms?|models?) (?:can|will|fit|run)|"
               r"能跑什么模型|能跑哪些模型|\b(?:largest|biggest|max(?:imum)?) (?:model|llm)\b|\bbiggest\b.*\b(?:model|llm)\b|最大.*模型|"
               r"能跑多大|多大的模型",
    "how_many": r"\bhow many\b(?!\s+(?:tokens?|hours?|days?|weeks?|months?|users?|requests?|people|sequences?|"
                r"concurrent|parallel|simultaneous|streams?|gpu-hours|gb|gib|examples|epochs|parameters|params))|\bnumber of gpus\b|几张|多少张|几块|多少块|几个gpu|多少卡|几卡|多少个gpu|多少台|几台|"
                r"\bhow many (?:nodes|servers|machines|boxes)\b|\b(?:minimum|min|smallest|fewest|least|required) (?:number|count) of\b|"
                r"\bnumber of (?:\w+ ){0,3}(?:gpus?|cards?|nodes|servers)\b|最少(?:要|需要)?(?:几|多少)",
    "which_gpu": r"\bwhich gpu|\bwhat gpu|\bwhat hardware|\bwhat (?:should|do) i (?:buy|rent|use|need)|\brecommend|"
                 r"\bbest gpu|\bcheapest\b|\bwhat setup\b|哪个gpu|哪款|什么显卡|什么gpu|推荐|选什么|买什么|最便宜|什么配置",
    "speed": r"\bhow fast\b|\bspeed\b|tokens?\s*/\s*s|tok/s|tokens per second|\bthroughput\b|\blatency\b|\bttft\b|"
             r"\bhow quick|\bfaster\b|速度|多快|吞吐|延迟|每秒|哪个快|更快|快多少|跑.{0,24}怎么样|表现如何|"
             r"\bhow (?:well|good) (?:does|would|will) it (?:run|do)\b|\bhow (?:does|would) it (?:run|perform)\b",
    "time": r"\bhow long\b|\bhow many (?:days|hours|weeks)\b|\bgpu[- ]hours\b|\b[a-z]{1,3}\d{2,4}[a-z]?[- ](?:gpu[- ])?hours\b|\bwall[- ]clock\b|\bfinish\b|\beta\b|"
            r"(?<!same )(?<!a )(?<!one )(?<!real )(?<!real-)(?<!first )(?<!any )(?<!response )(?<!latency )\btime\s*[?？]|\bduration\b|\bhow much time\b|"
            r"多久|多长时间|几天|多少天|多少小时|耗时",
    "buy_rent": r"\brent or buy\b|\bbuy or rent\b|\bbuy vs\.? rent|\brent vs\.? buy|\bbreak[- ]?even\b|\bworth buying\b|"
                r"\bshould i buy\b|\bpurchase\b|\bpay (?:for )?itself|\bpays? off\b|\bbuying\b.{0,40}\bworth|买还是租|租还是买|回本|值得买|"
                r"\bbuy(?:ing)?\b.{0,40}\b(?:vs\.?|versus|or|instead of|than)\b.{0,30}\brent|"
                r"\brent(?:ing)?\b.{0,40}\b(?:vs\.?|versus|or|instead of|than)\b.{0,30}\bbuy|"
                r"\bif (?:i|we) (?:buy|bought|purchase|own)\b|\bown(?:ing)? (?:an?|one|the|my|our|\d+)\b.{0,30}\bcost|"
                r"\bcost of (?:owning|buying)\b|买.{0,16}还是.{0,6}租|租.{0,16}还是.{0,6}买|自己买|买下来|买断",
    "cost": r"\bmonthly\b|\bper month\b|\bbill\b|每月|每个月|一个月.{0,12}(?:钱|费)|电费|\bcost\b|\bcheaper\b|\bless expensive\b|更便宜|便宜|\bcost[- ]effective|\bvalue for money|\bbang for|性价比|\bprice\b|\$|\bper hour\b|\brent\b|\bbudget\b|\bexpensive\b|\bhow much (?:money|would|will|does)\b|"
            r"多少钱|价格|租|费用|成本|花费|预算|花多少",
    "quantization": r"\bquantiz\w*\b.*\b(?:options?|formats?|compar\w*|which|best)\b|\bcompare\b.*\bquantiz|"
                    r"\bwhat (?:quant\w*|format|precision) (?:should|do|would|to)\b|用什么量化|选什么量化|哪种格式|"
                    r"\bwhich (?:quant\w*|format)|\bbest (?:quant\w*|format|gguf)\b|哪种量化|量化.*(?:多大|对比|比较|哪|格式)|"
                    r"(?:多大|对比|比较).*量化|量化后|(?:最好|最合适|推荐)的?量化|用哪个量化|哪个量化|什么量化|哪档量化|哪一档|"
                    r"\bwhich (?:gguf|quant|q\d)\b",
    "memory": r"\bhow much (?:memory|vram|gpu memory|ram)\b|\bmemory (?:does|do|would|will|needed|required|footprint)|"
              r"\bwhat'?s the minimum\b|\bminimum (?:vram|memory|gpu memory)\b|最低(?:配置|显存)|至少要多少显存|"
              r"\bvram\b|\bmemory\b|显存|内存|多少g\b|多大显存",
    "fit": r"\bcan i\b(?! (?:expect|get|achieve|reach|hope))|\bcan (?:it|we|you|\d+|one|two|four|eight|a|an|my)\b|\bwill\b.*\b(?:run|fit|work)\b|\bfits?\b|"
           r"\bdoes .* (?:fit|run|work)|\benough\b|\bpossible\b|\bsufficient\b|\bis it (?:ok|feasible)|能不能|能否|能跑|"
           r"可以|够不够|够吗|放得下|跑得动|吗|行不行|跑得起来",
}
# a speed asked for, as against a per-user speed stated as the target ("要求每人 20 token/s")
SPEED_ASKED = re.compile(r"\bhow fast\b|\bspeed\b|\bthroughput\b|\blatency\b|\bttft\b|\bhow quick|\bfaster\b|"
                         r"\bhow many (?:tokens?|tok)\b|\bwhat (?:tok/s|tokens? per second)|速度|多快|吞吐|延迟|哪个快|更快|快多少|"
                         r"多少\s*(?:tokens?|tok)\s*/\s*s|每秒(?:多少|几)", re.I)
COMPARE = re.compile(r"\bvs\.?\b|\bversus\b|\bcompare\b|\bcomparison\b|\bor\b|\bbetter\b|\bfaster\b|\bcheaper\b|"
                     r"对比|比较|还是|哪个|(?:和|跟|与|同).{1,24}(?:比|相比)|比.{1,12}(?:快|慢|贵|便宜|好)", re.I)
DDP_VS_SHARDED = re.compile(r"(?<![a-z])ddp(?![a-z]).{0,40}(?:(?<![a-z])fsdp(?![a-z])|zero)|"
                            r"(?:(?<![a-z])fsdp(?![a-z])|zero[- ]?\d?).{0,40}(?<![a-z])ddp(?![a-z])")
VRAM_DESCRIPTION = re.compile(r"(\d+(?:\.\d+)?\s*(?:gb|gib|g))\s*(?:的\s*)?(?:of\s+)?(?:显存|vram|gpu memory|memory|内存)")
SPEC_WORDS = re.compile(r"\bspecs?\b|bandwidth|tflops|\bflops\b|带宽|算力|规格|参数|how much memory does (?:the|an?)\b|"
                        r"memory (?:does|do) (?:the|an?)\b", re.I)


# A yes/no question about a technique, with no model to size ("Is NVLink required for tensor parallelism on 2x
# 3090?", "LoRA训练是不是比全参数微调快很多？", "多卡能让单用户推理更快吗"): answered from the guidance, not a spec sheet.
CONCEPT_TERMS = re.compile(r"nvlink|tensor[- ]?parallel|pipeline[- ]?parallel|\b(?:tp|pp)\b|q?lora\b|fsdp|\bzero-?[123]?\b|"
                           r"deepspeed|checkpointing|flash ?attention|kv[- ]?cache|\bmfu\b|"
                           r"\b(?:more|multiple|several|extra|additional|two|three|four|eight|\d+) (?:gpus|cards)\b|"
                           r"multi-?gpu|infiniband|张量并行|流水线并行|多卡|[两多几四八][张块]卡|梯度检查点|全量微调|全参数", re.I)
YES_NO = re.compile(r"^\s*(?:is|are|does|do|can|will|would|should|must)\b|是不是|是否|必须|吗\s*[？?]?\s*$", re.I)
# A figure being checked: "does 70B at 4-bit need 17.5 GB?", "is 35 GB right for a 70B at 4-bit?"
CLAIM_CHECK = re.compile(r"^\s*(?:does|do|is|will|would)\b[^?]{0,80}\b(?:need|needs|take|takes|require|requires|use|uses)\b"
                         r"[^?]{0,12}\d|^\s*is\s+\d+(?:\.\d+)?\s*(?:gb|gib|g)\b", re.I)


def detect(question: str, now: Slots, merged: Slots, previous: list[str] | None) -> list[str]:
    """The asks, most important first. `now` is this turn's facts, `merged` the conversation's."""
    # "a 3090 with 24G显存", "24GB of VRAM": a description of the card, not a question about memory
    q = VRAM_DESCRIPTION.sub(r"\1", question.lower())
    found = [name for name, pattern in PATTERNS.items() if re.search(pattern, q)]
    if "speed" in found and now.target_tps and not SPEED_ASKED.search(q):
        found.remove("speed")  # "要求每人 20 token/s", "at least 15 tok/s each": a target to meet, not a speed asked
    if now.local_path and not merged.model:
        return ["local_path"]
    if now.problems:
        return ["problem"]
    if now.purchase_usd_per_gpu and now.usd_per_gpu_hour and not re.search(r"\bhow many\b|几张|多少张", q):
        return ["buy_rent"]  # "rent at $1.90/hr, or buy one for $27k and host it for $250/mo?": the two prices decide
    # a follow-up that names no new ask keeps the last one ("what about two of them?", "那用QLoRA呢?")
    explicit = [a for a in found if a not in ("fit", "memory", "cost", "explain") or _strong(a, q)]
    if previous and previous[0] == "time" and now.workload == "inference" and (now.users or "fit" in found):
        return ["fit"]  # "(b) then serve it to ~30 users on the same card, ok?" after a training time: serving now
    if previous and FOLLOW_UP.search(q) and not explicit and (not now.model or len(q) < 60):
        # "what about 70B?" after "what GPU do I need for 8B?": the same ask for the new model
        if now.count and not now.gpu and not now.model and any(a in previous for a in ("how_many", "which_gpu")):
            # "what if I only have 64?" after "how many GPUs ...": how it goes on that many
            return ["time"] if merged.workload in ("training", "pretrain") else ["fit", "speed"]
        return previous
    if previous and not found and not now.gpus and (now.model or now.users or now.context) and \
            previous[0] in ("how_many", "which_gpu", "speed", "time", "cost"):
        return previous  # "llama 3.1 70b, around 20 users, 8k context" after a clarifying question: the facts it asked for
    if not now.model and not merged.model and not now.claimed_gb and CONCEPT_TERMS.search(q) and \
            (YES_NO.search(q) or re.search(r"^\s*(?:what|why|how|explain|(?:the )?difference|when)\b|什么|为什么|多少|怎么|区别", q)):
        return ["explain"]
    if now.claimed_gb and now.model and CLAIM_CHECK.search(q):
        return ["misconception"]
    gpus_only = not now.model and not merged.model
    if gpus_only and now.gpus:
        if ("explain" in found or re.match(r"\s*what'?s\b", q)) and CONCEPT_TERMS.search(q) and not SPEC_WORDS.search(q):
            return ["explain"]  # "whats MFU and what's realistic on h100s?": the concept, not the card's spec sheet
        if "largest" in found:  # "m2 max w/ 32gb unified memory: biggest model i can run?": not its spec sheet
            return ["largest"]
        if "buy_rent" in found:
            return ["buy_rent"]
        if "cost" in found and "speed" not in found:
            return ["cost"] if len(now.gpus) < 2 else ["gpu_specs"]
        if len(now.gpus) >= 2 or SPEC_WORDS.search(q) or "memory" in found or "explain" in found:
            return ["gpu_specs"]
    if DDP_VS_SHARDED.search(q) and merged.model:
        return ["sharding"]  # "DDP or FSDP for 7B on 8 A100s?": which one fits, from the memory of each
    if "explain" in found and not (now.model and re.search(r"need|fit|run|serve|cheap|gpus?\b|tok|speed|cost|"
                                                          r"需要|能|多少|how much", q)):
        if "misconception" in found and now.model:
            return ["misconception"]
        return ["explain"]
    if "misconception" in found and ("fit" in found or re.search(r"\b(?:claims?|says?|said)\b.{0,60}\b(?:runs?|running)\b|"
                                                                   r"说.{0,30}(?:跑|运行)", q)) and merged.gpu \
            and merged.model and not now.claimed_gb:
        return ["fit"]  # "does R1 fit on one 8x H100 node? my boss says yes", "claims his M3 Max runs R1": the verdict
    if "misconception" in found and (now.claimed_gb or now.model):
        return ["misconception"]
    if "explain" in found and merged.model and "kv" in found:
        return ["kv"]
    if (now.budget_usd or now.budget_other) and (merged.workload in ("training", "pretrain") or merged.tokens
                                                 or merged.examples) and "buy_rent" not in found:
        return ["budget"]  # "is $20k enough / H100s or A100s within $20k": the budget verdict on a run that fits
    if (now.budget_usd or now.budget_other) and merged.model and "buy_rent" not in found and not re.search(
            r"(?:/|\bper |\ban? )\s*(?:hour|hr|h)\b|每小时|/\s*小时", q):
        return ["budget"]  # a serving budget (a month unless said): the bill at the load, compared
    if len(now.gpus) >= 2 and merged.model and VALUE.search(q):
        return ["value"]
    if len(now.models) >= 2 and COMPARE.search(q) or len(now.gpus) >= 2 and merged.model and COMPARE.search(q) \
            or len(now.formats) >= 2 and merged.model and "quantization" not in found:
        # compared on what was asked, the most telling first: "能跑吗？速度怎么样？跟 X 比呢？" compares speeds (which fit too)
        return ["compare"] + [a for a in ("speed", "cost", "time", "memory", "fit") if a in found][:1]
    asks = _ordered(found)
    if now.days and merged.workload in ("training", "pretrain") and ("fit" in asks or not asks):
        # "can 500 A100s pretrain it in 10 days?": the deadline is the question; memory is part of the answer
        asks = ["time"] + [a for a in asks if a not in ("fit", "memory", "time", "how_many", "which_gpu")]
    if not asks and merged.workload in ("training", "pretrain") and now.tokens and merged.model:
        asks = ["fit", "time"]  # "full SFT of 3B on half a billion tokens using 4x A100?": whether it fits, how long
    if asks == ["fit"] and merged.workload in ("training", "pretrain") and now.tokens and not now.days:
        asks.append("time")  # "can I pretrain 1B on my 4090? 10B tokens": whether it fits, and how long it takes
    if "buy_rent" in asks and "cost" in asks:
        asks.remove("cost")
    if "buy_rent" in asks and not re.search(r"\bfits?\b|\benough\b|够|放得下", q):
        asks = [a for a in asks if a not in ("fit", "memory")]  # "we will run 70B 24/7 ... when does buying pay off?"
    if "buy_rent" in asks and "which_gpu" in asks:
        asks.remove("buy_rent")  # "what GPU should I buy" asks which GPU, not whether to buy
    if "time" in asks and "speed" in asks and merged.workload in ("training", "pretrain"):
        asks.remove("speed")
    if asks == ["speed"] and merged.workload in ("training", "pretrain") and (merged.tokens or merged.examples) and \
            not re.search(r"tokens?\s*/\s*s|tok/s|每秒|推理|inference|serv", q):
        asks = ["time"]  # "换成 H100 能快多少？" after a fine-tune's time: the run on H100, not a decode speed
    if "quantization" in asks:
        asks = ["quantization"]
    if "largest" in asks:
        return ["largest"]
    if "kv" in asks and merged.model:
        return ["kv"]
    if "limits" in asks:
        asks = ["limits"] + [a for a in asks if a in ("speed", "cost")]
    if "cost" in asks and not (merged.model or merged.gpu):
        asks.remove("cost")
    if not asks:
        if previous and not now.model and (now.count or now.gpu or now.precision or now.method or now.context
                                           or now.users or now.hours_per_day or now.tokens or now.days
                                           or now.target_tps or now.kv_dtype or now.checkpointing is not None):
            return previous
        if merged.model and (merged.gpu or merged.vram_gib):
            return ["fit"]
        if merged.model and merged.tokens:
            return ["time", "cost"]
        if merged.model:
            return ["memory"]
        if merged.gpu:
            return ["gpu_specs"]
        return ["explain"] if DOMAIN.search(q) else ["unknown"]
    if "fit" in asks and any(a in asks for a in ("how_many", "which_gpu", "speed", "time", "memory")) \
            and not _strong("fit", q):
        asks.remove("fit")
    # "memory" said while asking whether it fits, or how many GPUs, is part of that ask
    if "memory" in asks and any(a in asks for a in ("fit", "how_many", "which_gpu")) and \
            (not _strong("memory", q) or ("fit" in asks and _strong("fit", q) and not re.search(
                r"\bhow much (?:memory|vram)|多少显存|显存多少|多大显存|显存(?:需要|要)多", q))):
        asks.remove("memory")  # "显存够吗？": the fit verdict, whose breakdown is the memory
    return asks


ORDER = ["kv", "limits", "fit", "how_many", "which_gpu", "memory", "speed", "time", "cost", "buy_rent", "explain", "misconception"]


def _ordered(found: list[str]) -> list[str]:
    rest = [a for a in found if a not in ORDER]
    return [a for a in ORDER if a in found] + rest


def _strong(ask: str, q: str) -> bool:
    """Asks whose keywords are also everyday words count only when said plainly."""
    strong = {"fit": r"\bfits?\b|\benough\b|\bcan (?:i|it|we|\d+|one|two|three|four|eight|a|an|my|our)\b"
                   r"(?! (?:expect|get|achieve|reach|hope))|"
                   r"\b(?:will|does|do|would)\b.{0,60}\b(?:run|fit|work)\b|够不够|够吗|够用|放得下|能不能|能.{0,30}吗|可以.{0,30}吗",
              "memory": r"\bhow much (?:memory|vram)|显存|\bvram\b",
              "cost": r"\bmonthly\b|\bper month\b|\bbill\b|每月|每个月|一个月.{0,12}(?:钱|费)|电费|\bcost\b|\bcheaper\b|\bless expensive\b|更便宜|便宜|\bcost[- ]effective|\bvalue for money|\bbang for|性价比|\bprice\b|\$|多少钱|费用|成本",
              "explain": r"\bwhat is\b|\bexplain\b|\bwhy\b|\bdifference\b|是什么|为什么|区别"}
    return bool(re.search(strong.get(ask, "$^"), q))
