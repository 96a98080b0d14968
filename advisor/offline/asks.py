"""What is being asked. A question may carry several asks ("how long and what does it cost"); each is detected
on its own, in the order an answer should lead with them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .answers_fit import MIN_CLAIM
from .answers_money import VALUE
from .parse import Slots

DOMAIN = re.compile(r"gpu|vram|memory|lora|quantiz|\bbit\b|train|fine-?tun|infer|serv|parallel|cache|nvlink|fsdp|zero|"
                    r"ddp|vllm|llama\.cpp|ollama|tensorrt|token|batch|context|flash|attention|optimizer|adam|gradient|"
                    r"checkpoint|offload|pcie|infiniband|tflops|bandwidth|fp8|fp16|bf16|int8|gguf|awq|gptq|nf4|moe|"
                    r"expert|cuda|rocm|tpu|apple|(?<![a-z])(?:tp|pp|mfu|oom)(?![a-z])|decod|concurren|throughput|显存|微调|训练|推理|量化|并行|并发|"
                    r"吞吐|上下文|单卡|多卡|算力|缓存|显卡|部署|优化器|梯度|带宽|利用率|解码", re.I)

FOLLOW_UP = re.compile(r"^\s*(what about|how about|and\b|and with|with\b|same\b|what if|now\b|then\b|ok\b|instead\b|"
                       r"那|如果|换成|换|再|用|改成|那么|要是|改用|切换到|还是)|"
                       r"^(?:[^。.!?？！\n]|(?<=\d)\.(?=\d)){1,24}呢\s*[?？]?\s*$|"  # a short turn ending in 呢: "FP8 呢", "汇率按7.0算呢"
                       r"^\s*(?:and\s+)?(?:per|a|each|every|for a|over a)\s+(?:year|month|week|day)\s*[?？.]?\s*$|"
                       r"^\s*(?:每年|一年|每月|一个月|每周|一周|每天)\s*(?:呢|多少)?\s*[?？]?\s*$", re.I)

# "性能掉多少", "how much performance do I lose": what a power limit costs in speed
CAP_COST_ASK = re.compile(r"性能|掉多少|慢多少|降多少|损失|速度|\bperformance\b|\bslower\b|\bspeed\b|\blose\b|\bloss\b|\bhit\b",
                          re.I)

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
            r"多少钱|价格|租|费用|成本|花费|预算|花多少|省钱|更省|\bcheapest\b",
    "quantization": r"\bquantiz\w*\b.*\b(?:options?|formats?|compar\w*|which|best)\b|\bcompare\b.*\bquantiz|"
                    r"\bwhat (?:quant\w*|format|precision) (?:should|do|would|to)\b|用什么量化|选什么量化|哪种格式|"
                    r"\bwhich (?:quant\w*|format)|\bbest (?:quant\w*|format|gguf)\b|哪种量化|量化.*(?:多大|对比|比较|哪|格式)|"
                    r"(?:多大|对比|比较).*量化|量化后|(?:最好|最合适|推荐)的?量化|用哪个量化|哪个量化|什么量化|哪档量化|哪一档|"
                    r"\bwhich (?:gguf|quant|q\d)\b|"
                    # "would you pick AWQ in vLLM, GGUF Q4_K_M in llama.cpp, or FP8?": a choice among formats named
                    r"\b(?:would|should|do|shall) (?:you|i|we) (?:pick|choose|go with|use|recommend)\b.{0,100}"
                    r"\b(?:awq|gguf|gptq|fp8|int8|int4|q[2-8]_k|exl2|nf4|bnb)\b",
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


# --- Routing as data ------------------------------------------------------------------------------------------
# Which of the legacy asks (PATTERNS) a question carries is decided by tables, read by one generic reader (`detect`):
#   SITUATIONS   whole-question readings that settle the asks outright ("a price to buy and a price to rent, both
#                said: buy or rent"); the first row whose conditions all hold wins, so a row's place is its priority;
#   ADJUSTMENTS  applied in turn to the asks the phrases found (ordered by ORDER): Rewrites, where the facts say
#                what was meant ("a deadline on a training run is a time question"), and Conflicts, one ask yielding
#                to another found with it ("cost" yields to "buy_rent"); FALLBACKS when no phrase matched.
# Every row names its conditions (`when`, `unless`) by the tests `_holds` reads ("now.days", "found:cost",
# "prev:time", "re:value", or a name in CONDITIONS) and carries an example. A new rule is a row; nothing about a
# particular ask lives in `detect`. The rows were moved from a hand-ordered function and checked to give the same
# asks on every test and on the 1,706 conversations of blind rounds 1-16.


@dataclass(frozen=True)
class Situation:
    name: str
    example: str
    when: tuple[str, ...]
    asks: tuple[str, ...]  # "@previous": the ask of the turn before; "@first:a|b": the first of those found
    after: tuple[str, ...] = ()  # the example's previous asks, where the row reads them


@dataclass(frozen=True)
class Rewrite:
    name: str
    example: str
    when: tuple[str, ...]
    op: str  # "set": the asks become `asks`; "lead": `asks` first, `drop` removed; "append"; "keep": only `asks` (in order)
    asks: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()
    final: bool = False  # no later rewrite or conflict applies


@dataclass(frozen=True)
class Conflict:
    loser: str
    winners: tuple[str, ...]  # the loser is dropped when any of these is among the asks (empty: whenever `when` holds)
    example: str
    when: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()


SITUATIONS: tuple[Situation, ...] = (
    Situation("local_path", "how much VRAM does ./my-finetune need?", ("now.local_path", "!merged.model"), ("local_path",)),
    Situation("problem", "how long to train Llama 3 8B on -4 GPUs?", ("now.problems",), ("problem",)),
    Situation("buy_or_rent_prices", "rent at $1.90/hr, or buy one for $27k and host it for $250/mo?",
              ("now.purchase_usd_per_gpu", "now.usd_per_gpu_hour", "!re:how_many_words"), ("buy_rent",)),
    Situation("serving_after_training", "(b) then serve it to ~30 users on the same card, ok?",
              ("prev:time", "now_inference", "users_or_fit_found"), ("fit",), after=("time",)),
    Situation("count_follow_up_training", "and if we only have 64 GPUs to pretrain it?",
              ("follow_up", "now.count", "!now.gpu", "!now.model", "prev_has:how_many|which_gpu", "training"), ("time",),
              after=("how_many",)),
    Situation("count_follow_up", "what if I only have 2?",
              ("follow_up", "now.count", "!now.gpu", "!now.model", "prev_has:how_many|which_gpu"), ("fit", "speed"),
              after=("how_many",)),
    Situation("follow_up", "what about 70B?", ("follow_up",), ("@previous",), after=("which_gpu",)),
    Situation("facts_asked_for", "llama 3.1 70b, around 20 users, 8k context",
              ("previous", "!found_any", "!now.gpus", "model_users_or_context", "prev:how_many|which_gpu|speed|time|cost"),
              ("@previous",), after=("how_many",)),
    Situation("concept", "Is NVLink required for tensor parallelism on 2x 3090?",
              ("!now.model", "!merged.model", "!now.claimed_gb", "re:concept_terms", "question_form", "!found:buy_rent"),
              ("explain",)),
    Situation("why_question", "Why does an MoE like Mixtral-8x7B need memory for all its parameters but run like a 13B?",
              ("re:why_lead", "!re:figure_ask", "!now.claimed_gb", "!found:misconception"), ("explain",)),
    Situation("claimed_size", "does 70B at 4-bit need 17.5 GB?", ("now.claimed_gb", "now.model", "re:claim_check"),
              ("misconception",)),
    Situation("gpu_concept", "whats MFU and what's realistic on h100s?",
              ("gpus_only", "explain_or_whats", "re:concept_terms", "!re:spec_words"), ("explain",)),
    Situation("gpu_largest", "m2 max w/ 32gb unified memory: biggest model i can run?", ("gpus_only", "found:largest"),
              ("largest",)),
    Situation("gpu_buy", "is buying a 4090 worth it?", ("gpus_only", "found:buy_rent"), ("buy_rent",)),
    Situation("gpu_cost", "how much is an H100 per hour?", ("gpus_only", "found:cost", "!found:speed", "!gpus>=2"), ("cost",)),
    Situation("gpus_cost", "A100 or H100: what does each cost per hour?", ("gpus_only", "found:cost", "!found:speed"), ("gpu_specs",)),
    Situation("gpu_specs", "H100 vs A100 bandwidth", ("gpus_only", "specs_wanted"), ("gpu_specs",)),
    Situation("sharding", "DDP or FSDP for 7B on 8 A100s?", ("re:ddp_vs_sharded", "merged.model"), ("sharding",)),
    Situation("model_claim_explained", "why is it true that Mixtral is slow on PCIe?",
              ("found:explain", "!sizing_with_model", "found:misconception", "now.model"), ("misconception",)),
    Situation("what_sets_a_limit", "what actually determines how many concurrent users a GPU can serve?",
              ("re:what_determines", "!merged.model", "question_form"), ("explain",)),
    Situation("setup_described", "那 Qwen3-235B-A22B 放在 4 张 H100 上大概是什么情况？",
              ("found:explain", "now.model", "now.gpu", "!now.formats", "re:setup_vague", "!re:why_lead", "!found:misconception"),
              ("fit", "speed")),
    Situation("explained", "what is special about Mixtral 8x7B's experts?", ("found:explain", "!sizing_with_model"), ("explain",)),
    Situation("model_follow_up_with_hearsay", "那 Qwen3-30B-A3B 呢？听说 MoE 更快",
              ("re:follow_up", "now.model", "!now.gpu", "found:misconception", "prev:fit|speed|how_many|which_gpu|largest"),
              ("@previous",), after=("fit",)),
    Situation("claimed_fit", "does R1 fit on one 8x H100 node? my boss says yes",
              ("found:misconception", "fit_or_claimed_run", "merged.gpu", "merged.model", "!now.claimed_gb"), ("fit",)),
    Situation("claim", "I heard Llama 70B needs 140 GB, really?", ("found:misconception", "claimed_or_model"),
              ("misconception",)),
    Situation("kv_explained", "explain how much KV cache Llama 3 8B needs at 32k", ("found:explain", "merged.model", "found:kv"),
              ("kv",)),
    Situation("training_budget", "we have a budget of $20k: can we pretrain 1B on 100B tokens?",
              ("budget", "training_or_tokens", "!found:buy_rent"), ("budget",)),
    Situation("serving_budget", "serve Llama 3 70B to 50 users with a budget of $10k a month",
              ("budget", "merged.model", "!found:buy_rent", "!re:per_hour"), ("budget",)),
    Situation("value", "H100 or A100: which gives more tokens per dollar serving Llama 3 70B?", ("gpus>=2", "merged.model", "re:value"),
              ("value",)),
    Situation("compare", "Llama 8B or Qwen 7B on a 4090: which is faster?", ("compare_asked",),
              ("compare", "@first:speed|cost|time|memory|fit")),
    Situation("each_model", "想全参微调 Qwen2.5-1.5B 和 Qwen2.5-3B，两张 3090 能行吗？",
              ("models>=2", "found_sizing", "!found:speed"), ("compare", "@first:time|cost|memory|fit")),
)

FALLBACKS: tuple[Situation, ...] = (
    Situation("facts_only_follow_up", "32k context, 4 users", ("previous", "!now.model", "now_has_facts"),
              ("@previous",), after=("fit",)),
    Situation("model_and_hardware", "Llama 3 8B, one 3090", ("merged.model", "hardware"), ("fit",)),
    Situation("model_and_tokens", "7B on 1T tokens", ("merged.model", "merged.tokens"), ("time", "cost")),
    Situation("model", "Llama 3 70B", ("merged.model",), ("memory",)),
    Situation("gpu", "H100 SXM", ("merged.gpu",), ("gpu_specs",)),
    Situation("domain", "tell me about LoRA ranks", ("re:domain",), ("explain",)),
    Situation("unknown", "hello there", (), ("unknown",)),
)

# a target speed is not a speed asked: settled before anything reads the asks the phrases found
TARGET_IS_NOT_ASKED = Conflict("speed", (), "要求每人 20 token/s", when=("now.target_tps",), unless=("re:speed_asked",))

# Applied in this order to the asks the phrases found (ordered by ORDER) when no situation settled them.
ADJUSTMENTS: tuple[Rewrite | Conflict, ...] = (
    Rewrite("deadline", "can 500 A100s pretrain it in 10 days?", ("now.days", "training", "asks_fit_or_none"),
            "lead", ("time",), drop=("fit", "memory", "time", "how_many", "which_gpu")),
    Rewrite("run_fits_and_time", "full SFT of 3B on half a billion tokens using 4x A100?",
            ("asks_none", "training", "now.tokens", "merged.model"), "set", ("fit", "time")),
    Rewrite("fit_and_time", "can I pretrain 1B on my 4090? 10B tokens", ("asks_only:fit", "training", "now.tokens", "!now.days"),
            "append", ("time",)),
    Conflict("cost", ("buy_rent",), "rent or buy an H100 for 70B, cost?"),
    Conflict("fit", ("buy_rent",), "we will run 70B 24/7: when does buying pay off?", unless=("re:fit_words",)),
    Conflict("memory", ("buy_rent",), "rent or buy: how much VRAM does Llama 3 70B need?", unless=("re:fit_words",)),
    Conflict("buy_rent", ("which_gpu",), "what GPU should I buy for 13B LoRA?"),
    Conflict("speed", ("time",), "how fast will the fine-tune finish?", when=("training",)),
    Rewrite("run_speed_is_time", "how much faster would the LoRA fine-tune of Llama 3 8B on 100M tokens be on an H100?",
            ("asks_only:speed", "training", "tokens_or_examples", "!re:inference_words"), "set", ("time",)),
    Rewrite("quantization", "which quantization for Qwen 32B on a 4090?", ("asks:quantization",), "set", ("quantization",)),
    Rewrite("largest", "with Llama 3 8B in mind, what's the biggest model I can run on a 3090?", ("asks:largest",), "set", ("largest",), final=True),
    Rewrite("kv", "how much memory does the KV cache of Llama 3 8B need at 32k?", ("asks:kv", "merged.model"), "set", ("kv",), final=True),
    Rewrite("limits", "max batch for 7B on an A100, and the speed?", ("asks:limits",), "keep", ("limits", "speed", "cost")),
    Conflict("cost", (), "how much does it cost per month?", unless=("subject",)),
    Rewrite("nothing_found", "Llama 3 8B, one 3090", ("asks_none",), "fallback", final=True),
    Conflict("fit", ("how_many", "which_gpu", "speed", "time", "memory"), "what speed is possible for Llama 3 8B on a 4090?",
             unless=("strong:fit",)),
    Conflict("memory", ("fit", "how_many", "which_gpu"), "how many GPUs for 70B's memory?", unless=("strong:memory",)),
    Conflict("memory", ("fit",), "Llama 3 70B 显存够吗？",
             when=("strong:fit",), unless=("re:how_much_memory",)),
)
# Applied last, to whatever the tables above decided, in the turn's own answer (not when a question is split into
# parts): readings that hold whichever row decided ("is a 4090 good for AI?" with no model is what it runs). The
# engine applies the slot changes a row names (choose_method: the method left open for the lightest that fits).
OVERRIDES: tuple[Rewrite, ...] = (
    Rewrite("good_for", "is a 4090 good for ai?", ("!merged.model", "merged.gpu", "re:good_for",
                                                   "asks_one_of:gpu_specs|unknown|explain|fit|memory"), "set", ("largest",)),
    Rewrite("gpu_hours_of_a_run", "how many GPU hours did Llama 3.1 405B take to train?",
            ("run_training", "merged.model", "re:gpu_hours", "asks_within:memory|fit|unknown|cost|how_many|time", "!now.count",
             "!re:how_many_cards"), "set", ("time",)),
    Rewrite("choose_method", "我只有一张4090该选哪个 (after full and LoRA were sized for 7B)",
            ("run_training", "merged.model", "now_hardware", "!now.method", "re:choose_method", "!re:sharding_words"),
            "set", ("fit",)),
    Rewrite("oom", "Llama 3 8B 在 4090 上会不会爆显存？", ("asks_only:memory", "merged.gpu", "merged.model", "re:oom"),
            "set", ("fit",)),
    Rewrite("minimum_claim", "Llama 3 70B needs 8x H100 minimum, true?",
            ("asks_first:fit|misconception", "now.count", "merged.gpu", "merged.model", "re:min_claim", "!run_training"),
            "set", ("minimum_claim",)),
)
CHOOSE_METHOD = re.compile(r"选哪个|该选|选哪种|用哪个|用哪种|哪个好|\bwhich (?:one|method|should|do i|would you)\b|"
                           r"\bwhat should i (?:use|pick|choose|go with)\b|\bwhich is better\b", re.I)
GOOD_FOR = re.compile(r"\b(?:good|enough|worth it|ok|okay|decent|any good)\b.{0,20}\b(?:for )?(?:ai|llms?|local llms?|ml|machine learning|"
                      r"deep learning|models?|inference|fine-?tuning)\b|适合.{0,6}(?:ai|大模型|模型|跑)|跑.{0,6}(?:ai|大模型)(?:怎么样|行吗|够吗)",
                      re.I)
OOM_ASK = re.compile(r"\b(?:will|would|does|do|is|am)\b.{0,30}\b(?:oom|run out of (?:gpu )?(?:memory|vram)|out of memory)\b|"
                     r"\boom\?|会不会爆(?:显存)?|会爆显存|爆显存吗|会 ?oom|会不会 ?oom", re.I)

# the order asks found by their phrases are answered in
ORDER = ["kv", "limits", "fit", "how_many", "which_gpu", "memory", "speed", "time", "cost", "buy_rent", "explain", "misconception"]

REGEXES = {
    "how_many_words": re.compile(r"\bhow many\b|几张|多少张"),
    "concept_terms": CONCEPT_TERMS,
    "claim_check": CLAIM_CHECK,
    "spec_words": SPEC_WORDS,
    "ddp_vs_sharded": DDP_VS_SHARDED,
    "per_hour": re.compile(r"(?:/|\bper |\ban? )\s*(?:hour|hr|h)\b|每小时|/\s*小时"),
    "value": VALUE,
    "inference_words": re.compile(r"tokens?\s*/\s*s|tok/s|每秒|推理|inference|serv"),
    "speed_asked": SPEED_ASKED,
    "fit_words": re.compile(r"\bfits?\b|\benough\b|够|放得下"),
    "how_much_memory": re.compile(r"\bhow much (?:memory|vram)|多少显存|显存多少|多大显存|显存(?:需要|要)多"),
    "domain": DOMAIN,
    # a question that asks why, not for a figure of the person's own: the concept, even with a model or card named
    "why_lead": re.compile(r"^\W*(?:why|how come|explain why|what makes)\b|^[^?？。]{0,30}(?:为什么|为啥|为何|凭什么)", re.I),
    "figure_ask": re.compile(r"\bhow many\b|\bhow much (?:memory|vram|would|will|does it cost)|\bcan (?:i|we)\b|\bwill it\b|"
                             r"多少张|几张|多少钱|需要多少|能不能|够不够|够吗|能跑", re.I),
    "good_for": GOOD_FOR,
    "gpu_hours": re.compile(r"gpu[- ]?hours?|gpu ?小时|卡时|gpu-小时", re.I),
    "how_many_cards": re.compile(r"how many (?:gpus?|cards?|[a-z]\d{2,4}s?)\b(?![\s-]*hours?)|几张|多少张|几块", re.I),
    "choose_method": CHOOSE_METHOD,
    "sharding_words": re.compile(r"ddp|fsdp|zero|deepspeed|megatron", re.I),
    "oom": OOM_ASK,
    "min_claim": MIN_CLAIM,
    "follow_up": FOLLOW_UP,
    # "what determines how many users a GPU serves", "由什么决定": the mechanism asked, not a figure for a setup
    "what_determines": re.compile(r"\bdetermin|\bdepends? on\b|\bwhat (?:limits|sets|decides)\b|取决于|由什么决定|什么决定|受什么限制",
                                  re.I),
    # "大概是什么情况", "how would it run": a setup described for its whole picture (fits? how fast?), not a concept
    "setup_vague": re.compile(r"什么情况|怎么样|咋样|表现如何|what(?:'s| is| would it be) (?:it )?like|how (?:would|will|does) it "
                              r"(?:run|do|go|perform)|what happens", re.I),
}
STRONG = {"fit": r"\bfits?\b|\benough\b|\bcan (?:i|it|we|\d+|one|two|three|four|eight|a|an|my|our)\b"
                 r"(?! (?:expect|get|achieve|reach|hope))|"
                 r"\b(?:will|does|do|would)\b.{0,60}\b(?:run|fit|work)\b|够不够|够吗|够用|放得下|能不能|能.{0,30}吗|可以.{0,30}吗",
          "memory": r"\bhow much (?:memory|vram)|显存|\bvram\b",
          "cost": r"\bmonthly\b|\bper month\b|\bbill\b|每月|每个月|一个月.{0,12}(?:钱|费)|电费|\bcost\b|\bcheaper\b|\bless expensive\b|"
                  r"更便宜|便宜|\bcost[- ]effective|\bvalue for money|\bbang for|性价比|\bprice\b|\$|多少钱|费用|成本|省钱|更省",
          "explain": r"\bwhat is\b|\bexplain\b|\bwhy\b|\bdifference\b|是什么|为什么|区别"}
WEAK = ("fit", "memory", "cost", "explain")  # asks whose keywords are also everyday words: they count only when strong
SIZING_WITH_MODEL = re.compile(r"need|fit|run|serve|cheap|gpus?\b|tok|speed|cost|需要|能|多少|how much")
QUESTION_FORM = re.compile(r"^\s*(?:what|why|how|explain|(?:the )?difference|when)\b|什么|为什么|多少|怎么|区别")
CLAIMED_RUN = re.compile(r"\b(?:claims?|says?|said)\b.{0,60}\b(?:runs?|running)\b|说.{0,30}(?:跑|运行)")


@dataclass
class _Reading:
    q: str
    found: list[str]
    now: Slots
    merged: Slots
    previous: list[str]
    asks: list[str] = field(default_factory=list)


def _training(s: Slots) -> bool:
    return s.workload in ("training", "pretrain")


def _follow_up(r: _Reading) -> bool:
    """A turn that names no new ask and refers back ("what about 70B?", "那用QLoRA呢?")."""
    explicit = [a for a in r.found if a not in WEAK or _strong(a, r.q)]
    # (a model named after "the biggest model on X?" asks about that model on X: not the biggest again)
    about_model = bool(r.now.model and r.previous and set(r.previous) <= {"largest", "which_model"})
    return bool(r.previous and FOLLOW_UP.search(r.q) and not explicit and (not r.now.model or len(r.q) < 60)
                and not about_model)


def _compare_asked(r: _Reading) -> bool:
    compare = COMPARE.search(r.q)
    return bool(len(r.now.models) >= 2 and compare or len(r.now.gpus) >= 2 and r.merged.model and compare
                or len(r.now.formats) >= 2 and r.merged.model and "quantization" not in r.found)


CONDITIONS = {
    "follow_up": _follow_up,
    "training": lambda r: _training(r.merged),
    "run_training": lambda r: _training(r.merged) or bool(r.merged.method),  # a method said is a training run
    "now_inference": lambda r: r.now.workload == "inference",
    "users_or_fit_found": lambda r: bool(r.now.users) or "fit" in r.found,
    "found_any": lambda r: bool(r.found),
    "model_users_or_context": lambda r: bool(r.now.model or r.now.users or r.now.context),
    "question_form": lambda r: bool(YES_NO.search(r.q) or QUESTION_FORM.search(r.q)),
    "gpus_only": lambda r: not r.now.model and not r.merged.model and bool(r.now.gpus),
    "gpus>=2": lambda r: len(r.now.gpus) >= 2,
    "models>=2": lambda r: len(set(r.now.models)) >= 2,
    "found_sizing": lambda r: any(a in r.found for a in ("fit", "memory", "speed", "time", "cost")),
    "explain_or_whats": lambda r: "explain" in r.found or bool(re.match(r"\s*what'?s\b", r.q)),
    "specs_wanted": lambda r: len(r.now.gpus) >= 2 or bool(SPEC_WORDS.search(r.q)) or "memory" in r.found
    or "explain" in r.found,
    "sizing_with_model": lambda r: bool(r.now.model and SIZING_WITH_MODEL.search(r.q)),
    "fit_or_claimed_run": lambda r: "fit" in r.found or bool(CLAIMED_RUN.search(r.q)),
    "claimed_or_model": lambda r: bool(r.now.claimed_gb or r.now.model),
    "budget": lambda r: bool(r.now.budget_usd or r.now.budget_other),
    "training_or_tokens": lambda r: _training(r.merged) or bool(r.merged.tokens or r.merged.examples),
    "compare_asked": _compare_asked,
    "asks_fit_or_none": lambda r: "fit" in r.asks or not r.asks,
    "asks_none": lambda r: not r.asks,
    "tokens_or_examples": lambda r: bool(r.merged.tokens or r.merged.examples),
    "now_has_facts": lambda r: any((r.now.count, r.now.gpu, r.now.precision, r.now.method, r.now.context, r.now.users,
                                    r.now.hours_per_day, r.now.tokens, r.now.days, r.now.target_tps, r.now.kv_dtype,
                                    r.now.checkpointing is not None)),
    "hardware": lambda r: bool(r.merged.gpu or r.merged.vram_gib),
    "now_hardware": lambda r: bool(r.now.gpu or r.now.vram_gib),
    "subject": lambda r: bool(r.merged.model or r.merged.gpu),
}


def _holds(test: str, r: _Reading) -> bool:
    if test.startswith("!"):
        return not _holds(test[1:], r)
    kind, _, arg = test.partition(":")
    if kind == "found":
        return arg in r.found
    if kind == "asks":
        return arg in r.asks
    if kind == "asks_only":
        return r.asks == [arg]
    if kind == "asks_one_of":  # the asks are exactly one of these
        return len(r.asks) == 1 and r.asks[0] in arg.split("|")
    if kind == "asks_within":  # some asks, all of them among these
        return bool(r.asks) and all(a in arg.split("|") for a in r.asks)
    if kind == "asks_first":
        return bool(r.asks) and r.asks[0] in arg.split("|")
    if kind == "prev":
        return bool(r.previous) and r.previous[0] in arg.split("|")
    if kind == "prev_has":
        return bool(r.previous) and any(a in r.previous for a in arg.split("|"))
    if kind == "re":
        return bool(REGEXES[arg].search(r.q))
    if kind == "strong":
        return _strong(arg, r.q)
    if kind == "previous":
        return bool(r.previous)
    if kind in ("now", "merged") or "." in test:
        where, _, attr = test.partition(".")
        return bool(getattr(r.now if where == "now" else r.merged, attr))
    return CONDITIONS[test](r)


def _asks_of(row: Situation, r: _Reading) -> list[str]:
    out: list[str] = []
    for a in row.asks:
        if a == "@previous":
            out += r.previous
        elif a.startswith("@first:"):
            out += [x for x in a[len("@first:"):].split("|") if x in r.found][:1]
        else:
            out.append(a)
    return out


def detect(question: str, now: Slots, merged: Slots, previous: list[str] | None,
           trace: list[str] | None = None, overrides: bool = False) -> list[str]:
    """The asks, most important first. `now` is this turn's facts, `merged` the conversation's. Reads the tables
    above and decides nothing of its own; `trace`, when given, receives the names of the rows that applied.
    `overrides`: the turn's own answer, with OVERRIDES read last."""
    trace = [] if trace is None else trace
    asks = _detect(question, now, merged, previous, trace)
    if overrides:
        r = _Reading(VRAM_DESCRIPTION.sub(r"\1", question.lower()), [], now, merged, previous or [], list(asks))
        for row in OVERRIDES:
            if all(_holds(t, r) for t in row.when):
                trace.append(row.name)
                r.asks = list(row.asks)
        asks = r.asks
    return asks


def _detect(question: str, now: Slots, merged: Slots, previous: list[str] | None, trace: list[str]) -> list[str]:
    # "a 3090 with 24G显存", "24GB of VRAM": a description of the card, not a question about memory
    q = VRAM_DESCRIPTION.sub(r"\1", question.lower())
    r = _Reading(q, [name for name, pattern in PATTERNS.items() if re.search(pattern, q)], now, merged, previous or [])
    r.found = _resolved(r.found, r, (TARGET_IS_NOT_ASKED,), trace)
    for row in SITUATIONS:
        if all(_holds(t, r) for t in row.when):
            trace.append(row.name)
            return _asks_of(row, r)
    r.asks = [a for a in ORDER if a in r.found] + [a for a in r.found if a not in ORDER]
    for step in ADJUSTMENTS:
        if isinstance(step, Conflict):
            r.asks = _resolved(r.asks, r, (step,), trace)
            continue
        if not all(_holds(t, r) for t in step.when):
            continue
        trace.append(step.name)
        if step.op == "fallback":
            row = next(row for row in FALLBACKS if all(_holds(t, r) for t in row.when))
            trace.append(row.name)
            return _asks_of(row, r)
        if step.op == "set":
            r.asks = list(step.asks)
        elif step.op == "lead":
            r.asks = list(step.asks) + [a for a in r.asks if a not in step.drop]
        elif step.op == "append":
            r.asks = r.asks + [a for a in step.asks if a not in r.asks]
        elif step.op == "keep":
            r.asks = [a for a in step.asks if a in r.asks]
        if step.final:
            return r.asks
    return r.asks


def _resolved(asks: list[str], r: _Reading, conflicts: tuple[Conflict, ...], trace: list[str]) -> list[str]:
    for c in conflicts:
        if c.loser in asks and (not c.winners or any(w in asks for w in c.winners)) \
                and all(_holds(t, r) for t in c.when) and not any(_holds(t, r) for t in c.unless):
            asks = [a for a in asks if a != c.loser]
            trace.append(f"{c.loser}<{'|'.join(c.winners) or 'rule'}")
    return asks


def _strong(ask: str, q: str) -> bool:
    """Asks whose keywords are also everyday words count only when said plainly."""
    return bool(re.search(STRONG.get(ask, "$^"), q))
