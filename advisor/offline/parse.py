"""Pulling the facts out of a question: models, GPUs and counts, workload and method, precision, context,
concurrent users, speed targets, token budget, deadline, hours of use per day, money. English and Chinese.

Every pattern here is linear in the input: the text is bounded first (`bounded`), digit runs longer than any
sensible figure are cut, and no pattern nests quantifiers. Numbers are read whole (1e308, 1,000, 1.5k) so that
"1e308 H100s" is never read as 308 GPUs: an out-of-range figure is kept and reported, not truncated."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache

from tools import currency
from tools.catalog_io import norm_key

MAX_CHARS = 2000  # a question longer than this is cut (the UI says so); parsing is linear anyway
MAX_DIGITS = 16  # longer digit runs are no figure anyone means; they become a marker the range checks reject

NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "dual": 2, "pair": 2, "three": 3, "four": 4,
                "quad": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12,
                "sixteen": 16, "twenty": 20, "thirty-two": 32, "sixty-four": 64, "hundred": 100}
ZH_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "单": 1, "双": 2, "三": 3, "四": 4, "五": 5, "六": 6,
             "七": 7, "八": 8, "九": 9}
ZH_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
_ZH_NUMERAL = "[零一二两俩单双三四五六七八九十百千]+"
_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?(?:e[+-]?\d+)?"  # 12 / 1,000 / 1.5 / 1e12 (no nested repetition)
_LATIN = re.compile(r"[A-Za-z0-9$][A-Za-z0-9.\-_/+$]*")
_CJK = re.compile(r"[\u3400-\u9fff]")

# Chinese model names -> the family words the catalog uses (model and GPU names stay as people type them)
ZH_MODEL_WORDS = {"通义千问": "qwen ", "千问": "qwen ", "深度求索": "deepseek ", "智谱": "glm ", "清华": "glm ",
                  "书生浦语": "internlm ", "浦语": "internlm ", "百川": "baichuan ", "零一万物": "yi ",
                  "面壁": "minicpm ", "羊驼": "llama ", "骆驼": "llama ", "米斯特拉尔": "mistral ",
                  "混合专家": "moe ", "英伟达": "nvidia ", "苹果": "apple ", "满血版": " full-precision ", "满血": " full-precision "}


@dataclass
class Slots:
    model: str | None = None  # catalog id, a Hub id, or a size like "13B"
    models: list[str] = field(default_factory=list)  # every model named, in order (comparisons)
    gpu: str | None = None  # catalog id
    gpus: list[str] = field(default_factory=list)  # every GPU named, in order
    counts: list[int | None] = field(default_factory=list)  # the count written with each GPU
    count: int | None = None
    workload: str | None = None  # inference | training | pretrain
    method: str | None = None  # full | lora | qlora
    precision: str | None = None
    formats: list[str] = field(default_factory=list)  # every weight format named (comparisons)
    kv_dtype: str | None = None
    context: int | None = None
    context_default: bool = False  # set by the engine: no context said, many users sized at a chat's average (defaults)
    batch: int | None = None  # explicit batch / micro-batch
    users: int | None = None  # concurrent users / requests / streams
    tokens: float | None = None
    days: float | None = None  # a deadline
    hours_per_day: float | None = None
    target_tps: float | None = None  # per-user decode speed wanted
    ttft_s: float | None = None
    budget_usd: float | None = None
    budget_currency: str | None = None  # "USD", or the other currency a budget was given in
    budget_other: float | None = None  # a budget in another currency, as given (budget_usd is it converted)
    budget_rate: object | None = None  # the tools.currency.Rate that converted budget_other (the person's or on file)
    per_usd_said: float | None = None  # an exchange rate the person gave: "汇率按7.1", "at 7.2 yuan per dollar"
    months: float | None = None  # a period of use: "for a year", "要用3年", "per month", "一个月"
    usd_per_kwh: float | None = None  # "power at $0.10/kWh"
    pue: float | None = None  # "with PUE 1.2": facility power over IT power
    watts_per_gpu: float | None = None  # "power-limit them to 300W each", "A100 每卡 400W": the draw per GPU
    same_setup: bool = False  # "and a 3B model, same tokens?": a new model in the setup said before, not a new topic
    usd_per_gpu_hour: float | None = None  # the person's own rental price: "$2.50/hour", "每卡每小时2美元"
    price_gpu: str | None = None  # with several GPUs named, the one the price follows ("8×H100 ... 2.2 美元/卡时 ... L40S")
    power_budget_kw: float | None = None  # "a 15 kW rack", "那路电只有 3kW", "16A 220V" (amps x volts)
    on_circuit: bool | None = None  # the budget is a circuit's rating (80% of it carries a continuous load)
    gpu_prices: dict = field(default_factory=dict)  # gpu id -> price, when each GPU named has its own ("H100 is $2.99/h")
    purchase_usd_per_gpu: float | None = None  # "buying costs $30,000", "a server with 2 H100s is $75,000" (per GPU)
    owning_usd_per_month: float | None = None  # "+ $300/month power and hosting"
    pipeline_parallel: int | None = None  # set by the engine when tensor parallel cannot split the heads (never parsed)
    price_currency: str | None = None  # "CNY" when the hourly or kWh price was given in yuan (figures then in yuan)
    usage_hours: float | None = None  # a length of use in hours: "rent 2 H100s for 100 hours", "租 100 小时"
    gpu_hours: float | None = None  # "500 GPU-hours"
    measured_tps: float | None = None  # a speed the person sees: "my 3090 gets 20 tokens/s", "只有 20 token/s"
    aggregate_tps: float | None = None  # a measured total generation rate: "I get 1,500 tokens/s aggregate"
    tokens_per_day: float | None = None  # a serving volume: "10M tokens a day", "每天1000万token"
    per_million: bool = False  # "cost per 1M tokens", "what does 1M tokens cost", "每百万token成本": a unit, not a budget
    devices: list[str] = field(default_factory=list)  # hardware outside the GPU catalog: "Raspberry Pi 5", "Jetson"
    framework: str | None = None
    trainer: str | None = None  # a fine-tuning stack said: "unsloth", "liger" (fused loss), "torchtune" (chunked loss)
    checkpointing: bool | None = None  # said explicitly
    sharding: str | None = None  # "zero1" | "zero2" | "zero3" | "fsdp", said explicitly
    offload: str | None = None  # "optimizer" | "optimizer+params" | "none" (said: no offload), said explicitly
    optimizer: str | None = None  # "8-bit Adam", "adafactor": the training optimizer said (tools.memory's key)
    mfu: float | None = None  # the person's own efficiency: "MFU 按 40%", "at 45% MFU" (0-1)
    tensor_parallel: int | None = None  # said: "TP=4", "tensor parallel 2"; 1 for "one replica per GPU", "DDP"
    input_tokens: int | None = None  # per request: "~800 input tokens", "平均输入 1500", "prompt 大概 2000 token"
    output_tokens: int | None = None  # per request: "~150 output tokens each", "输出 500", "生成 500 个 token"
    items: float | None = None  # requests in a batch job: "2 million documents", "50k prompts", "100 万条"
    output_total: float | None = None  # output tokens to generate in all: "5 亿输出 token", "500M output tokens"
    request_rate: float | None = None  # requests per second on average: "20k chats a day", "120 requests per minute"
    daily_users: int | None = None  # people a day, not at once: "10 万 DAU", "100k daily active users", "日活 5 万"
    rate_is_daily: bool = False  # the rate was a day's count (its peak hour runs above it)
    output_share: float | None = None  # of a token volume, the share that is output: "输出大约占 20%"
    users_share_pct: float | None = None  # "500 employees, 10% at once": the share the users were counted from
    population: int | None = None  # "1500 employees": a head count, not users at once (a share said later sizes the load)
    users_assumed_share: float | None = None  # no share said: the users at once taken as this % of the head count
    peak_factor: float | None = None  # "the peak hour is 3x average", "高峰是平均的 3 倍"
    examples: int | None = None  # "10k examples": tokens = examples x sequence length x epochs
    input_total: float | None = None  # "1 亿 token 输入" beside an output total: the job's prompt tokens in all
    train_fp8: bool | None = None  # "what if we train in fp8?": FP8 compute for a full or pretraining run (set by the engine)
    job_hours: float | None = None  # "fine-tune on one 4090 for 12 hours", "跑 12 个小时的训练": a job's running time
    load_scale: float | None = None  # "what if traffic halves / doubles?", "流量只有现在的一半": the load before, scaled
    preference: bool | None = None  # DPO/KTO/IPO: a frozen reference model also runs forward over every token
    epochs: float | None = None
    vram_gib: float | None = None  # "a 24GB card" when no GPU is named
    ram_gib: float | None = None  # the machine's system RAM: "32G 内存", "64GB of RAM" (llama.cpp can keep layers there)
    claimed_gb: float | None = None  # "only 3.5 GB" in a misconception question
    local_path: str | None = None  # a file path named in a chat question (never opened)
    problems: list[str] = field(default_factory=list)  # figures out of any sensible range
    unknown_gpus: list[str] = field(default_factory=list)  # GPU names not in the catalog ("RTX 9090", "B300")
    mixed_gpus: list[str] = field(default_factory=list)  # different cards used together ("a 3090 and a 4090 together")
    unknown_models: list[str] = field(default_factory=list)  # model-shaped names the catalog lacks ("glm-4.5-air")

    def merged_over(self, old: Slots) -> Slots:
        """This turn's facts, falling back to the conversation's for whatever this turn does not say.
        A turn naming a different model starts a new topic; one that says 'serve/run' drops the training method."""
        if self.model and old.model and self.model != old.model and len(self.models) < 2 and not self.same_setup:
            old = replace(old, model=None, models=[], method=None, workload=None, precision=None, tokens=None,
                          claimed_gb=None)
        out = replace(old)
        for f in fields(self):
            value = getattr(self, f.name)
            if value not in (None, [], {}):  # (an empty per-GPU price table keeps the one said before)
                setattr(out, f.name, value)
        out.problems = list(self.problems)
        out.unknown_gpus = list(self.unknown_gpus)
        out.unknown_models = list(self.unknown_models)
        out.devices = list(self.devices)
        if self.gpu and not self.mixed_gpus:
            out.mixed_gpus = []
        if self.gpu and not self.count and not _same_class(self.gpu, old.gpu):
            out.count = None  # a new kind of GPU without a count means one of them (8 H100s, then "a Mac Studio?")
        # a card of the same class in place of the last one keeps its count: "8x H100 ... or H200?" means 8 H200s
        if self.workload == "inference" and not self.method:
            out.method = None
        if self.precision and not self.framework and old.framework:
            gguf = self.precision.startswith("q") and self.precision[1:2].isdigit()
            if gguf != (old.framework == "llama.cpp"):
                out.framework = None  # "换成 Q4_K_M" after a vLLM answer: the format decides the runtime
        if self.users_share_pct and not self.users and out.population:  # a share of the head count said before
            out.users = max(1, round(out.population * self.users_share_pct / 100))
        if self.vram_gib and not self.gpu:
            out.gpu, out.gpus, out.count = None, [], None
        if self.workload in ("training", "pretrain") and self.precision is None and old.workload == "inference":
            out.precision = None
        if self.workload == "inference" and old.workload in ("training", "pretrain") and self.precision is None:
            out.precision = old.precision if old.precision not in ("nf4", "nf4-dq") else None
        if self.workload == "inference" and old.workload in ("training", "pretrain") and self.context is None:
            out.context = None  # the training samples' length is not the serving context ("then serve it to 30 users")
        if old.workload == "pretrain" and self.workload == "training" and not self.method and not self.model:
            out.workload = "pretrain"  # "what if we train in fp8?" after a pretraining run: still that run
        if self.per_usd_said and out.budget_other:
            convert_budget(out)  # "汇率按7.0算呢" after a budget in yuan: the budget at that rate
        return out


def convert_budget(s: Slots) -> None:
    """A budget given in another currency, in dollars at the person's rate or else the dated one on file (the answer
    says which); left unconverted where no rate is on file. A budget in the currency the person's prices are in
    ("预算50万, ¥15/卡时") needs no rate: the arithmetic runs in that currency, as the prices do."""
    if s.price_currency and s.price_currency == s.budget_currency:
        s.budget_rate, s.budget_usd = None, s.budget_other
        return
    s.budget_rate = currency.rate(s.budget_currency, s.per_usd_said)
    s.budget_usd = currency.to_usd(s.budget_other, s.budget_rate) if s.budget_rate else None


def _same_class(gpu: str | None, old: str | None) -> bool:
    from tools.gpus import get_gpu

    if not gpu or not old:
        return False
    try:
        return get_gpu(gpu).kind == get_gpu(old).kind
    except Exception:  # noqa: BLE001 - an unknown name is not the same class
        return False


def is_chinese(text: str) -> bool:
    return bool(_CJK.search(text))


def bounded(text: str) -> str:
    """Cut the text and every overlong digit run (linear: one pass of a non-nesting pattern)."""
    text = (text or "")[:MAX_CHARS]
    return re.sub(r"\d{" + str(MAX_DIGITS + 1) + ",}", "9" * (MAX_DIGITS + 1), text)


def to_number(s: str) -> float:
    return float(s.replace(",", ""))


def zh_number(s: str) -> float | None:
    """两 -> 2, 十六 -> 16, 三十二 -> 32, 五千 -> 5000, 一百二十 -> 120 (positional Chinese numerals)."""
    if not s:
        return None
    total, current = 0, 0
    for ch in s:
        if ch in ZH_DIGITS:
            current = ZH_DIGITS[ch]
        elif ch in ZH_UNITS:
            unit = ZH_UNITS[ch]
            total += (current or 1) * unit
            current = 0
        else:
            return None
    return float(total + current)


@lru_cache(maxsize=1)
def _model_index() -> dict[str, str]:
    from tools.models import _index

    return _index()


@lru_cache(maxsize=1)
def _gpu_index() -> dict[str, str]:
    from tools.gpus import _index

    return _index()


@lru_cache(maxsize=1)
def _families() -> dict[str, list[tuple[float, str, str]]]:
    """family -> [(official params B, released, id)] for 'Llama 70B'-style mentions."""
    import json

    from tools.catalog_io import data_files

    out: dict[str, list] = {}
    for path in data_files("models"):
        for e in json.loads(path.read_text(encoding="utf-8"))["models"]:
            if e.get("official_params_b"):
                out.setdefault(e.get("family", "").lower(), []).append(
                    (float(e["official_params_b"]), str(e.get("released", "")), e["id"]))
    return out


def _tokens(text: str) -> list[tuple[int, str]]:
    out = []
    for m in _LATIN.finditer(text):
        t = m.group(0).strip(".-/")
        if t:
            out.append((m.start(), t))
    return out


def _ngrams(tokens: list, n_max: int = 5):
    for n in range(min(n_max, len(tokens)), 0, -1):
        for i in range(len(tokens) - n + 1):
            yield i, n, tokens[i: i + n]


HUB_ID = re.compile(r"(?<![\w./-])([A-Za-z0-9][\w.-]{0,95}/[A-Za-z0-9][\w.-]{0,95})(?![\w/])")
LOCAL_PATH = re.compile(r"(?:^|\s)((?:~|\.{1,2})?/[\w./-]+|[\w./-]+\.json)\b")


# "100M training tokens", "2B words of data", "5M documents", "1M 条": a count of things, not a model of that size
COUNTED_AFTER = (r"(?!(?i:\s*(?:(?:training|train|pretraining|fine-?tuning|input|output|prompt|generated|new|more|unique|"
                 r"text|of|the|total|synthetic|q&a|qa|chat|user|个|条|[a-z&/-]+(?=\s+(?:pairs?|examples?|samples?|"
                 r"documents?|docs?|records?|rows?|questions?|answers?)))\s*){0,2}(?:tokens?|words?|examples?|samples?|rows?|pairs?|documents?|docs?|"
                 r"conversations?|chats?|characters?|chars?|images?|requests?|users?|queries|records?|lines?|"
                 r"条|个|字|词|次))|(?i:\s*(?:input|output|prompt|completion|generated)s?\b))")  # "1.2B input + 150M output"


# a plural noun after a size (one word may sit between: "10M product descriptions") counts things; verbs in -s ("70B
# runs", "8B fits") and the words that name models or their parts ("7B models", "70B params") do not
PLURAL_AFTER = re.compile(r"\s+(?:[a-z-]+\s+)?(?!(?:models|params|parameters|weights|variants|versions|checkpoints|"
                          r"runs|fits|needs|takes|uses|does|gets|works|loads|requires|seems|looks|goes|makes|means|costs|"
                          r"is|was|has|needs|outputs|inputs)\b)[a-z]{2,}[^s\W]s\b", re.I)


def find_models(text: str) -> list[str]:
    """Every model named: catalog names and aliases (longest match first), Hub ids, 'Llama 70B', '13B'."""
    text = re.sub(r"(?i)\bds(?=[\s-]*(?:r1|v3|v2|coder|math)\b)", "deepseek", text)  # "ds r1 distill 14b", "ds v3"
    found: list[tuple[int, str]] = []
    spans: list[tuple[int, int]] = []  # where the names matched lie: a size inside one is that name's
    used: set[int] = set()
    index = _model_index()
    toks = _tokens(text)
    words = [t for _, t in toks]
    for i, n, gram in _ngrams(words):
        if any(j in used for j in range(i, i + n)):
            continue
        for variant in ("".join(gram), " ".join(gram)):
            key = norm_key(variant)
            if key in index and not key.isdigit() and not _is_size_only(key):
                found.append((toks[i][0], index[key]))
                spans.append((toks[i][0], toks[i + n - 1][0] + len(toks[i + n - 1][1])))
                used.update(range(i, i + n))
                break
    for m in HUB_ID.finditer(text):
        hub = m.group(1)
        if hub.count("/") == 1 and _looks_like_hub_id(hub):
            spans.append((m.start(1), m.end(1)))  # a size inside the id is the id's ("...-Small-24B-Instruct-2501")
            if any(mid in (hub, index.get(norm_key(hub))) for _, mid in found):
                continue
            from tools.models import find_catalog_id

            # a catalog model by its Hub id (or another repo of its publisher, e.g. an -Instruct tune), else the id
            # itself (looked up on the Hub, or sized from the size in its name)
            found.append((m.start(), find_catalog_id(hub) or hub))
    for m in re.finditer(r"(?<![\w.])(\d+(?:\.\d+)?)\s*([bBmM])(?![a-zA-Z])" + COUNTED_AFTER, text):
        if any(0 <= m.start() - pos < 24 and _id_has_size(mid, m.group(1)) for pos, mid in found) or \
                any(a <= m.start() < b for a, b in spans):
            continue  # the size inside a name already matched ("Llama 3.1 70B", "DeepSeek-R1-Distill-Llama-70B")
        value = float(m.group(1)) / (1000 if m.group(2).lower() == "m" else 1)
        if not 0.01 <= value <= 5000:
            continue
        if m.group(1) == "910" and m.group(2) in "bB":
            continue  # Huawei's Ascend 910B accelerator, not a 910-billion-parameter model
        if re.match(r"-\s*(?:tokens?|toks?|words?)\b", text[m.end():], re.I):
            continue  # "a 40M-token corpus": a count of tokens, not a model size
        if PLURAL_AFTER.match(text[m.end():]):
            continue  # "10M product descriptions", "2B web pages": things counted, whatever they are
        after = text.lower()[m.end(): m.end() + 16]
        family = _family_match(text.lower()[max(0, m.start() - 30): m.start()], value) or (
            _family_match(after, value) if re.match(r"\s*(?:的|版的?|of)\s*[a-z]", after) else None)  # "70B 的 llama 3.1"
        if not family and any(_id_has_size(mid, m.group(1)) for _, mid in found if "/" not in mid and not _is_size_only(mid)):
            continue  # "Llama-3.1-70B ... (H100 也能放下 FP8 70B 吧？)": a bare size of a model named is that model
        found.append((m.start(), family or f"{m.group(1)}{m.group(2).upper()}"))
    found.sort()
    out: list[str] = []
    for _, mid in found:
        if mid not in out:
            out.append(mid)
    # "deepseek r1 distill 32b": the name and a more specific one of it ("deepseek-r1" inside
    # "deepseek-r1-distill-qwen-32b") are one model, the specific one
    return [m for m in out if not any(o != m and o.startswith(m + "-") for o in out)]


def _looks_like_hub_id(s: str) -> bool:
    """'meta-llama/Llama-3.3-70B-Instruct' yes; 'A100/H100', 'LoRA/QLoRA', 'tokens/s', 'fp8/bf16', '24/7' no."""
    org, name = s.split("/", 1)
    if _is_unit_ratio(s) or not re.search(r"[a-z]", org, re.I) or not re.search(r"[a-z]", name, re.I) or not re.search(r"[\d-]", name):
        return False
    gpus = _gpu_index()
    if norm_key(org) in gpus or norm_key(name) in gpus:
        return False
    return not any(re.fullmatch(p, part.lower()) for part in (org, name) for p, _ in PRECISIONS)


def _is_unit_ratio(s: str) -> bool:
    return bool(re.fullmatch(r"(?i)(tok(en)?s?|t|gb|gib|usd|\$|h|hr|hour|day|s|sec|month|user|gpu)/(\w+)", s))


def _is_size_only(key: str) -> bool:
    return bool(re.fullmatch(r"\d+(\.\d+)?[bm]", key))


def _id_has_size(model_id: str, size: str) -> bool:
    return size.lower() in model_id.lower().replace("-", " ").replace("x", " ").split() or \
        f"{size.lower()}b" in model_id.lower()


def _family_match(prefix: str, params_b: float) -> str | None:
    """'Llama 405B', 'qwen 14b', 'llama3 70b': the family member of that size. A member whose name carries the size
    ('llama-3.1-405b', 'qwen2.5-14b') beats one whose total merely comes close (Llama 4 Maverick's 400B, Qwen1.5-MoE's
    14.3B total with 2.7B active); a version typed with the family ('llama3', 'qwen2.5') is preferred; then the
    closest size, then the newest release."""
    size = f"{params_b:g}b"
    version = re.search(r"(?:llama|qwen|gemma|phi|mistral|deepseek|glm|yi)[\s-]*v?(\d(?:\.\d)?)", prefix)
    for family, entries in _families().items():
        if family and family in prefix:
            close = [e for e in entries if abs(e[0] / params_b - 1) < 0.15]
            if close:
                def rank(e, family=family):
                    named = size in re.split(r"[-_/ ]", e[2].lower())
                    same_version = bool(version) and e[2].lower().replace(family, "").lstrip("-").startswith(
                        version.group(1))
                    return (not named, not same_version, 0 if named else round(abs(e[0] / params_b - 1), 1), _neg(e[1]))
                return min(close, key=rank)[2]
    return None


def _neg(released: str) -> tuple:
    return tuple(-ord(c) for c in released)


@lru_cache(maxsize=1)
def _instances() -> dict:
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "tools" / "data" / "cloud_instances.json"
    return json.loads(path.read_text())["instances"]


def find_gpus(text: str) -> list[tuple[str, int | None, str | None]]:
    """Every GPU named (see _find_gpus); read once per text: the chat's readers ask for the same question's GPUs
    several times, and on a 100k-character message each reading costs over a second."""
    return list(_find_gpus(text))


@lru_cache(maxsize=256)
def _find_gpus(text: str) -> tuple[tuple[str, int | None, str | None], ...]:
    return tuple(_read_gpus(text))


def _read_gpus(text: str) -> list[tuple[str, int | None, str | None]]:
    """Every GPU named, with the count written with it ('2x3090', 'two A100s', '8×H100', '两张4090', 'H100 x8').
    A cloud instance name stands for its GPUs ('g5.xlarge': one A10G; tools/data/cloud_instances.json).
    Returns (gpu id, count or None, problem or None) in order of mention."""
    inst = [(m.start(), m.group(1).lower()) for m in re.finditer(r"(?i)\b([a-z]\d[a-z]{0,2}\.\d{0,2}x?large)\b", text)
            if m.group(1).lower() in _instances()]
    if inst:
        rest = _read_gpus(re.sub(r"(?i)\b[a-z]\d[a-z]{0,2}\.\d{0,2}x?large\b", " ", text))
        found = []
        for at, name in inst:
            gid, per = _instances()[name][:2]
            m = re.search(r"(\d{1,3})\s*(?:x|×)?\s*(?:aws\s+)?$", text[max(0, at - 12):at], re.I)  # "2 g6e.12xlarge"
            stated = next((c for g, c, _ in rest if g == gid and c), None)  # "3x A10G on g5.xlarge": the cards said
            found.append((gid, stated or per * (int(m.group(1)) if m else 1), None))
        return found + [g for g in rest if g[0] not in {f[0] for f in found}]
    text = re.sub(r"(?i)(?<=\d)-(?=(?:gpu[- ]?)?(?:hours?|hrs?|days?|months?)\b)", " ", text)  # "H100-hours": the H100
    # the form factor said first ("a PCIe H100", "SXM A100", "NVL H100"): as the catalog names it, after the card
    text = re.sub(r"(?i)\b(pcie|sxm[45]?|nvl)\s+((?:nvidia\s+)?[ahlb]\d{2,3}[a-z]?)\b", r"\2 \1", text)
    toks = _tokens(text)
    words = [t for _, t in toks]
    index = _gpu_index()
    found: list[tuple[int, str, int | None, str | None]] = []
    used: set[int] = set()
    for i, n, gram in _ngrams(words, 4):
        if any(j in used for j in range(i, i + n)):
            continue
        joined = "".join(gram)
        key0 = norm_key(joined)
        if key0 not in index and key0[:-1] not in index and not any(c.isdigit() for c in joined):
            continue  # all but six catalog names carry a digit: a gram without one is a name or nothing
        m = None if key0 in index else re.fullmatch(r"(\d{1,6})[x×*](.+)", joined, flags=re.I)  # "7900xtx"
        count, key = (int(m.group(1)), norm_key(m.group(2))) if m else (None, norm_key(joined))
        if key not in index and key.endswith("s") and key[:-1] in index:
            key = key[:-1]  # "4090s", "A100s"
        if key not in index and key.endswith("g") and key + "b" in index:
            key = key + "b"  # "A100 40G", "4090 24G"
        if key not in index or (key.isdigit() and len(key) < 3):
            continue
        problem = None
        if count is None:
            count, problem = _count_near(text, toks[i][0], toks[i + n - 1][0] + len(gram[-1]))
        gpu_id = _memory_variant(index[key], text[toks[i + n - 1][0] + len(gram[-1]):], text[max(0, toks[i][0] - 16):toks[i][0]])
        found.append((i, gpu_id, count, problem))
        used.update(range(i, i + n))
    found.sort()
    return [(g, c, p) for _, g, c, p in found]


def after_each_card(text: str, tail: str, min_alias: int = 3) -> dict[str, re.Match]:
    """For each GPU named, the first match of `tail` written right after its name (its longest alias found first):
    '3090 at $700', 'T4 一小时 11 块'."""
    from tools.gpus import get_gpu

    out: dict[str, re.Match] = {}
    for gid, _, _ in find_gpus(text):
        names = [a for a in get_gpu(gid).aliases if len(a) >= min_alias] + [gid]
        for name in sorted(names, key=len, reverse=True):
            m = re.search(re.escape(name) + tail, text, re.I)
            if m:
                out.setdefault(gid, m)
                break
    return out


def _memory_variant(gpu_id: str, after: str, before: str = "") -> str:
    """'M3 Max with 36GB', 'M4 Pro (48 GB)', 'my 16GB M2 MacBook Air': the variant of an Apple chip with the memory
    written just after it, or just before it."""
    m = re.match(r"\s*(?:\(|,|with|w/|and|has|have)?\s*(?:(?:macbook|mac)\s*(?:air|pro|mini|studio)?\s*)?(\d{1,3})\s*(?:gb|gib|g)\b",
                 after, flags=re.I) or re.search(r"(\d{1,3})\s*(?:gb|gib|g)\s*(?:of\s+)?(?:unified\s+|ram\s+)?(?:apple\s+)?$", before, flags=re.I)
    if not m:
        return gpu_id
    from tools.gpus import memory_variant
    return memory_variant(gpu_id, int(m.group(1))) or gpu_id


MAX_GPUS = 100_000


def _dedup_gpus(gpus: list) -> list:
    """'A10G ... A10G 每小时 1 美元': a GPU named twice is one GPU (its first stated count kept)."""
    out: dict = {}
    for g, c, p in gpus:
        if g not in out:
            out[g] = (g, c, p)
        elif out[g][1] is None and c is not None:
            out[g] = (g, c, p)
    return list(out.values())


def _count_near(text: str, start: int, end: int) -> tuple[int | None, str | None]:
    """The count written just before a GPU name ('8 H100s', 'two A100', '8x H100', '两张4090') or just after it
    ('H100 x8', '4090 * 2')."""
    before = text[max(0, start - 40): start]
    # "4 台 DGX B200", "two DGX H100 servers", "a DGX H100": each DGX/HGX server holds 8 GPUs
    m = re.search(rf"(?:({_NUM}|\b(?:{'|'.join(NUMBER_WORDS)})|{_ZH_NUMERAL})\s*(?:台|x|×)?\s*|\b(?:a|an|one)\s+|^|\s)(?:nvidia\s+)?"
                  r"(?:dgx|hgx)[\s-]*$", before, flags=re.I)
    if re.match(r"(?:nvidia\s+)?dgx[\s-]*(?:spark|station)", text[start - 8 if m else start: end + 12], flags=re.I) or \
            re.search(r"(?:spark|station)", text[start:end], flags=re.I):
        m = None  # DGX Spark and DGX Station are one GPU each, not an 8-GPU server
    elif not m and re.match(r"(?:nvidia\s+)?(?:dgx|hgx)\b", text[start:end], flags=re.I):  # the alias holds "DGX B200"
        m = re.search(rf"(?:({_NUM}|\b(?:{'|'.join(NUMBER_WORDS)})|{_ZH_NUMERAL})\s*(?:台|x|×)?\s*|\b(?:a|an|one)\s+|^|\s)$",
                      before, flags=re.I)
    if m:
        w = m.group(1)
        n = (to_number(w) if re.fullmatch(_NUM, w) else (NUMBER_WORDS.get(w.lower()) or zh_number(w))) if w else 1
        return _gpu_count(str(int(n * 8))) if n else (None, None)
    if re.search(r"(?:双|俩)\s*(?:卡|路)?\s*(?:nvidia\s*|rtx\s*)*$", before, flags=re.I):
        return 2, None  # "双 3090", "双卡 4090"
    m = re.search(rf"({_NUM}|\b(?:{'|'.join(NUMBER_WORDS)}))\s*(?:x|×|\*)?\s*(?:(?:used|new|second-?hand|refurbished|old|"
                  r"spare|extra|more)\s+)?(?:nvidia\s+|geforce\s+|rtx\s+|amd\s+)*$", before, flags=re.I)
    if m:  # ("two used RTX 3090s": a word about the cards may sit between)
        return _gpu_count(m.group(1))
    m = re.search(rf"({_NUM}|{_ZH_NUMERAL})\s*[张块个片]\s*(?:二手|全新|新的|旧的)\s*(?:nvidia\s*|rtx\s*)*$", before, flags=re.I)
    if m:  # "两张二手 3090"
        return _gpu_count(m.group(1))
    m = re.search(rf"({_NUM}|{_ZH_NUMERAL})\s*[张块卡个台片]\s*(?:nvidia\s*|rtx\s*)*$", before, flags=re.I)
    if m:
        return _gpu_count(m.group(1))
    after = text[end: end + 20]
    m = re.match(r"\S{0,8}?\s*[x×*]\s*(\d{1,6})\b", after, flags=re.I)
    if m:
        return _gpu_count(m.group(1))
    return None, None


def _gpu_count(word: str) -> tuple[int | None, str | None]:
    w = word.lower()
    value = to_number(w) if re.fullmatch(_NUM, w) else (NUMBER_WORDS.get(w) or zh_number(w))
    if value is None:
        return None, None
    if value != int(value) or not 1 <= value <= MAX_GPUS:
        return None, f"a GPU count of {_short(value)} is out of range (1 to {MAX_GPUS:,})"
    return int(value), None


def _short(x: float) -> str:
    return f"{x:g}" if abs(x) < 1e15 else f"{x:.0e}"


SERVERS_OF = re.compile(r"(\d+|两|二|三|四)\s*台\s*(\d{1,2})\s*卡|"
                        r"\b(\d+|two|three|four)\s+(\d{1,2})\s*[- ]?(?:x\s*)?(?:gpu|card)s?\s*(?:\w+\s+){0,2}?(?:servers?|nodes?|machines?|boxes)\b")


def find_bare_count(text: str) -> int | None:
    """'on two of them', 'with 4 GPUs', '两张', '8卡' -- a count without a GPU name; 'add a second 4090' is two."""
    low = text.lower()
    nth = re.search(r"\b(?:a|one) (second|third|fourth)\b|再加(一|两)张|第(二|三|四)张", low)
    if nth:
        word = nth.group(1) or nth.group(2) or nth.group(3)
        return {"second": 2, "third": 3, "fourth": 4, "一": 2, "两": 3, "二": 2, "三": 3, "四": 4}[word]
    m = re.search(rf"(?<![\w.])(\d{{1,6}}|{'|'.join(NUMBER_WORDS)})\s+(?:of them(?!\s+(?:are|is|will be|would be)?\s*"
                  rf"(?:active|online|concurrent|chatting|using))|gpus?|cards?|nodes? of|"
                  rf"of (?:those|these|the|our|my)\s+(?:\w+\s+)?(?:gpus?|cards?))\b", low)  # "only 2 of those GPUs"
    if m:
        w = m.group(1)
        n = int(w) if w.isdigit() else NUMBER_WORDS.get(w)
        return n * 8 if n and "node" in m.group(0) else n
    # (not a price: "每小时 2 块", "一小时 3 块钱", "2 块/小时" are yuan)
    m = re.search(rf"(?<!小时)(?<!小时\s)(?<!卡时)(?<!卡时\s)(?<!每天)(?<!每月)(\d{{1,6}}|{_ZH_NUMERAL})\s*(?:张|块(?!\s*(?:钱|/|每|一小时))|卡|"
                  rf"个GPU|个gpu|台)", text)
    if m:
        v = int(m.group(1)) if m.group(1).isdigit() else zh_number(m.group(1))
        return int(v) if v and 0 < v <= MAX_GPUS else None
    m = re.search(r"(?<![\w.])(\d{1,4})\s*(?:nodes?|台机器|个节点)", low)  # never a card's digits ("B200 nodes")
    if m and 0 < int(m.group(1)) <= 1000:
        return int(m.group(1)) * 8
    # "what if I only have 64?", "with just 16", "I have 32": a count said on its own at the end of a follow-up
    m = re.search(rf"\b(?:(?:only|just)\s+(?:have|got|use)|only|just|have|got|limited to|at most|max(?:imum)?(?: of)?)\s+"
                  rf"(\d{{1,6}}|{'|'.join(NUMBER_WORDS)})\s*[?.!]*\s*$", low)
    if m:
        w = m.group(1)
        n = int(w) if w.isdigit() else NUMBER_WORDS.get(w)
        return n if n and 0 < n <= MAX_GPUS else None
    return None


PRECISIONS = [
    (r"\bq4_k_m\b|\bq4km\b", "q4_k_m"), (r"\bq5_k_m\b", "q5_k_m"), (r"\bq8_0\b|\bq8\b", "q8_0"),
    (r"\bq6_k\b", "q6_k"), (r"\bq3_k_m\b", "q3_k_m"), (r"\bq2_k\b", "q2_k"), (r"\bq4_0\b", "q4_0"),
    (r"\bgguf\b", "q4_k_m"), (r"\bawq\b", "awq-4bit"), (r"\bgptq\b", "gptq-4bit-g128"), (r"\bnf4\b", "nf4"),
    (r"\bmxfp4\b", "mxfp4"), (r"\bnvfp4\b|\bfp4\b", "nvfp4"), (r"\bfp8\b|\bw8a8\b", "fp8"),
    (r"\bint8\b|\b8[- ]?bits?\b|8位|8比特|8-?bit量化", "int8"),
    (r"\bint4\b|\b4[- ]?bits?\b|\bq4\b|4位|4比特|四比特", "4bit"),  # AWQ or GGUF: settled once the GPU and load are known
    (r"\b3[- ]?bits?\b|3位|3比特|三比特", "q3_k_m"), (r"\b2[- ]?bits?\b|2位|2比特|二比特", "q2_k"),  # only GGUF ships these
    (r"\bbf16\b|\bbfloat16\b", "bf16"), (r"\bfp16\b|\bhalf precision\b|\b16[- ]?bits?\b|半精度|16位", "bf16"),
    (r"\bfp32\b|\bfloat32\b", "fp32"),  # "full precision" / 全精度 mean unquantized: the native format (below)
    # GGUF i-quants ("IQ2_M", "iq4_xs", "IQ3-XXS")
    *[(rf"\b{k.replace('_', '[_-]')}\b", k) for k in ("iq1_s", "iq1_m", "iq2_xxs", "iq2_xs", "iq2_s", "iq2_m",
                                                      "iq3_xxs", "iq3_s", "iq3_m", "iq4_xs", "iq4_nl")],
]


def find_formats(text: str) -> list[str]:
    """Every weight format named, in order of mention."""
    low = _without_kv(text.lower())
    # a precision that names a spec, not the weights: "FP16 算力 200 TFLOPS", "BF16 989 TFLOPS", "fp8 compute"
    low = re.sub(r"\b(?:fp|bf|int)\d+\s*(?:tensor\s*)?(?:算力|性能|峰值|compute|performance|peak|throughput of|flops|tflops|tops|"
                 r"[:：=]?\s*(?:约|大概|~)?\s*\d[\d,.]*\s*(?:p|t)?(?:flops|ops))", " ", low)
    hits = []
    for pattern, value in PRECISIONS:
        m = re.search(pattern, low)
        if m:
            hits.append((m.start(), value))
    out: list[str] = []
    for _, v in sorted(hits):
        if v not in out:
            out.append(v)
    # "BF16 instead of FP8", "用 FP8 而不是 AWQ", "不用 int4 了": the format set aside is not one asked about
    for pattern, value in PRECISIONS:
        if value in out and len(out) > 1 and re.search(r"(?:\binstead of|\brather than|而不是|不用|代替|替代|换掉)\s*(?:the\s+)?(?:"
                                                         + pattern + r")", low):
            out.remove(value)
    if "q4_k_m" in out and not re.search(r"\bq4_k_m\b|\bq4km\b", low) and any(v.startswith("q") and v != "q4_k_m" for v in out):
        out.remove("q4_k_m")  # "gguf q8_0": GGUF names the file type, q8_0 the format
    # "满血版", "unquantized", "full precision": the format the weights ship in (settled per model by the engine)
    if not out and re.search(r"满血|全精度|不量化|未量化|原生精度|原版精度|\bunquantized\b|\bnon-?quantized\b|\bfull[- ]precision\b|"
                             r"\bno quantization\b|\bwithout quantiz\w*|\bnative (?:precision|format|weights)\b|"
                             r"\bfull (?:model|weights|version|size)\b|完整版|原版", low):
        out.append("native")
    # "AWQ 4-bit", "8-bit FP8": the bit width only restates the named format
    if "4bit" in out and any(f in out for f in ("awq-4bit", "gptq-4bit-g128", "q4_k_m", "q4_0", "nf4", "mxfp4", "nvfp4")):
        out.remove("4bit")
    if "int8" in out and any(f in out for f in ("fp8", "q8_0")) and not re.search(r"\bint-?8\b", low):
        out.remove("int8")  # ("fp8 or int8" names both)
    return out


def _without_kv(low: str) -> str:
    """'fp8 KV cache' sets the KV dtype, not the weights."""
    return re.sub(r"\b(?:fp8|int8|q8_0|q4_0|8-?bit)\s*(?:kv|k/v)(?:[- ]?cache)?|kv[- ]?cache\s*(?:in|at|as)?\s*(?:fp8|int8|q8_0)",
                  " ", low)


def find_kv_dtype(text: str) -> str | None:
    low = text.lower()
    m = re.search(r"\b(fp8|int8|q8_0|q4_0|int4|4-?bit)\s*(?:的\s*)?(?:kv|k/v)|"
                  r"kv[- ]?(?:cache|缓存)?\s*(?:in|at|as|to|换成|改成|改用|用)?\s*(fp8|int8|q8_0|q4_0|int4|4-?bit)", low)
    if not m:
        return None
    v = m.group(1) or m.group(2)
    return {"int8": "fp8", "int4": "q4_0", "4bit": "q4_0", "4-bit": "q4_0"}.get(v, v)  # 4-bit KV: as llama.cpp's q4_0


NEGATED_METHOD = re.compile(r"(?:不想用|不想|不用|不要|不是|别用|并非|而不是|\bwithout\b|\bnot\b|\bno\b|\binstead of\b|"
                            r"\brather than\b|\bother than\b|\bdon'?t want\b|\bnot using\b)\s*(?:to\s+)?(?:use\s+|using\s+|a\s+|"
                            r"用\s*)?(?:q-?lora|lora|peft|adapters?)\b", re.I)


# making data with a model: generating, synthesising or distilling samples (the model is served, not trained)
DATA_GENERATION = re.compile(r"\b(?:generat\w*|synthes\w*|produc\w*|creat\w*|distill\w*|label\w*|annotat\w*)\b.{0,40}"
                             r"\b(?:synthetic|training|sft|instruction|fine-?tuning)?\s*(?:data(?:set)?|samples|examples|pairs|"
                             r"conversations|responses|completions)\b|\bsynthetic (?:data|training data|samples|dataset)\b|"
                             r"(?:生成|合成|造|蒸馏|标注)\s*.{0,12}(?:训练)?(?:数据|样本|语料|问答对)|合成数据", re.I)


def find_method_and_workload(text: str) -> tuple[str | None, str | None]:
    low = NEGATED_METHOD.sub(" ", text.lower())  # "不想用 LoRA", "without LoRA": the method not wanted is not the method
    method = None
    if re.search(r"\bq-?lora\b", low):
        method = "qlora"
    elif re.search(r"\blora\b|\bpeft\b|\badapters?\b", low):
        method = "lora"
    elif re.search(r"\bfull(?:y)?[- ]?(?:parameter )?fine[- ]?tun|\bfully (?:fine|train|sft|updat|retrain)|\bfull fine|\bfull[- ]param(?:eter)?s?\b|"
                   r"\bfull[- ]?(?:sft|ft|finetune|training|weights? (?:training|fine-?tuning))\b|全量|全参", low):
        method = "full"
    if re.search(r"pre-?train|from scratch|预训练|从头训练|从零训练|从头训|chinchilla|compute[- ]optimal|计算最优|龙猫|"
                 r"\b(?:did|does|took|take|it take)\b.{0,30}\bto train\b|\bwas (?:it )?trained\b|\b(?:meta|they|openai|google|"
                 r"deepseek|alibaba|mistral) (?:used|spent|needed|took) .{0,30}\btrain|(?:当初|原来|官方)?训练(?:用了|花了|耗费了?)", low) \
            and not re.search(r"fine[- ]?tun|微调|\blora\b|\bsft\b", low):
        return None if method in (None, "full") else method, "pretrain"
    training = re.search(r"fine[- ]?tun|finetun|\btrain|微调|训练|训\s*(?:一个|个)?\s*\d|训(?:要|多久|完|一遍|一轮)|\bsft\b|\brlhf\b|"
                         r"\bdpo\b|\bddp\b|\bfsdp\b", low)
    if training and not method and DATA_GENERATION.search(low) and not re.search(r"\bthen (?:fine[- ]?tune|train)|然后(?:微调|训练)|"
                                                                                   r"再(?:微调|训练)|\band (?:fine[- ]?tune|train)\b", low):
        return None, "inference"  # "generate synthetic training data: 2M samples with Qwen 72B": a generation job, not training
    if method or training:
        if not method and training and find_tokens(text) and find_tokens(text) >= 5e10 and not re.search(
                r"fine[- ]?tun|finetun|微调|\bsft\b", low):
            return None, "pretrain"  # training a model on tens of billions of tokens is pretraining
        if not method and training and not re.search(r"fine[- ]?tun|finetun|微调|\bsft\b|\brlhf\b|\bdpo\b|\bgrpo\b|"
                                                     r"dataset|data set|数据|examples|samples|instructions|条", low) \
                and not find_tokens(text) and re.search(r"\bhow long\b|\bhow many (?:days|hours|weeks)|多久|多长时间|几天", low):
            return None, "pretrain"  # "how long to train GPT-3 on 1024 A100s": training a model, no data named
        return method, "training"
    if re.search(r"\bserv|\binfer|\brun\b|\brunning\b|\bhost|\bdeploy|\bchat\b|\bload\b|\bgenerat|"
                 r"推理|部署|跑|运行|服务|上线", low):
        return None, "inference"
    return None, None


def find_context(text: str) -> int | None:
    low = text.lower()
    # tokens per training example: "每条1000 token", "1000 tokens each", "1,000 tokens per sample", "平均800个token"
    m = re.search(r"(?:每条|每个样本|每个|每次|平均|avg|average)\s*(?:长度|长)?\s*(?:约|大概|为|是)?\s*(\d[\d,]{1,6})\s*个?\s*tokens?", low) or \
        re.search(r"(\d[\d,]{1,6})\s*(?:tokens?|toks?)\s*(?:each|per\s+(?:example|sample|row|conversation|document|instruction|"
                  r"item|record)|on average|/\s*(?:example|sample))", low) or \
        re.search(r"(?:examples?|samples?|conversations?|documents?|instructions?|rows?|records?|dialogues?)\s+"
                  r"(?:of|with|at|averaging)\s+(?:about\s+|around\s+|roughly\s+|~\s*)?(\d[\d,]{1,6})\s*tokens?", low) or \
        re.search(r"(\d[\d,]{1,6})[\s-]*tokens?\s+(?:examples?|samples?|conversations?|documents?|instructions?|"
                  r"rows?|records?|dialogues?)", low)
    if m:  # read first: "50k examples of 1,000 tokens" is 1,000 tokens a sequence, not a 50k context
        v = int(m.group(1).replace(",", ""))
        if 16 <= v <= 2**24:
            return v
    m = re.search(r"(?<![\w.])(\d{1,4}(?:\.\d+)?)\s*k[\s-]*(?:tokens?[\s-]*)?(?:context|ctx|window)\b", low)
    if m and float(m.group(1)) <= 2048:  # "16k-context sessions": a window, whatever is counted after it
        return int(float(m.group(1)) * 1024)
    m = re.search(r"(?<![\w.])(\d{1,4}(?:\.\d+)?)\s*k\b(?!\s*(?:steps|examples|samples|tokens?\s+(?:of\s+)?(?:data|dataset)|"
                  r"conversations?|chats?|documents?|docs?|prompts?|requests?|queries|items?|rows?|records?|pairs?|"
                  r"files?|articles?|emails?|tickets?|sessions?|calls?|messages?)|\s*(?:条|篇|份|个样本|个问答|对|张|人|个用户))"
                  r"(?!\s*(?:users|requests|\$|usd|dollars))(?!\s*(?:[a-z-]+\s+){0,2}(?!tokens\b|toks\b)[a-z]{3,}s\b)"
                  r"(?!\s*tokens?\s+of\s+(?:output|input|generation|answer))", low)  # "1.5k tokens of output" is no window
    # ("300k customer support transcripts", "10k user questions": a count of things, not a context)
    if m and not re.search(r"\$\s*" + re.escape(m.group(1)) + r"\s*k", low):
        v = float(m.group(1))
        if v <= 2048:
            return int(v * 1024)
    # the names people and frameworks give a sequence length: "seq 4096", "seq_len", "max_seq_length" (TRL, Unsloth),
    # "cutoff_len" (LLaMA-Factory), "max_model_len" (vLLM), "sequence_len" (Axolotl), "block_size", "n_ctx"/"num_ctx"
    m = re.search(r"(?:context|ctx|max_model_len|max[_ ]seq(?:uence)?[_ ]len(?:gth)?|seq(?:uence)?[_ ]?len(?:gth)?|"
                  r"sequence|\bseq\b|cutoff_len|max_length|block_size|model_max_length|序列|上下文|长度)"
                  r"\D{0,12}?(\d{3,7})\b", low)
    if m:
        return int(m.group(1))
    m = re.search(r"(\d{3,7})\s*(?:-token|token)s?\s*(?:context|window|prompt|sequences?|上下文)", low)
    if m:
        return int(m.group(1))
    m = re.search(r"(\d{1,4})\s*(?:k|千)\s*(?:上下文|长度)", low)
    if m:
        return int(m.group(1)) * 1024
    # "1M context", "a 2m-token window", "1M上下文"
    m = re.search(r"(?<![\w.])(\d{1,2}(?:\.\d+)?)\s*m\b[\s-]*(?:tokens?\s*)?(?:of\s+)?(?:context|ctx|window|上下文|长度)", low) or \
        re.search(r"(?<![\w.])(\d{1,2}(?:\.\d+)?)\s*m(?=\s*(?:上下文|长度))", low)
    if m:
        return int(float(m.group(1)) * 1024 * 1024)
    return None


def find_tensor_parallel(text: str) -> int | None:
    """'TP=4', 'tensor parallel 2', '--tensor-parallel-size 8'; 1 for a copy on every GPU ('one replica per GPU',
    'each GPU holds a full copy', '每卡一个副本', data parallel)."""
    m = re.search(r"\btp\s*=?\s*(\d{1,2})\b|tensor[- _]parallel(?:[- _]size)?\s*(?:of|=)?\s*(\d{1,2})\b|张量并行\s*(\d{1,2})", text,
                  re.I)
    if m:
        return int(next(g for g in m.groups() if g))
    if re.search(r"\b(?:one|a|1) (?:replica|copy|instance) (?:per|on each|on every|each) (?:gpu|card)\b|\beach (?:gpu|card) "
                 r"(?:holds|has|runs|keeps|gets) (?:a |its own )?(?:full |whole )?(?:copy|replica)\b|\bdata[- ]parallel\b|"
                 r"每(?:张)?卡(?:一个|各)?(?:一份|副本|一个实例)|每张卡各跑一份|数据并行", text, re.I):
        return 1
    return None


def find_power_budget(text: str) -> tuple[float | None, bool]:
    """A power budget to fit GPUs into: 'our rack has a 15 kW power budget', '那路电只有 3kW', 'a 2,000 W circuit'."""
    low = text.lower()
    amps = re.search(r"(\d+(?:\.\d+)?)\s*(?:a|amps?|安培?)\b\s*(?:[/x×,，@]|at|的)?\s*(\d{3})\s*(?:v|volts?|伏)|"
                     r"(\d{3})\s*(?:v|volts?|伏)\s*(?:[/x×,，@]|at|的)?\s*(\d+(?:\.\d+)?)\s*(?:a|amps?|安培?)\b", low)
    if amps:  # "16A 220V", "a 30 A / 208 V circuit": amps x volts (single phase)
        a_, v_ = (amps.group(1), amps.group(2)) if amps.group(1) else (amps.group(4), amps.group(3))
        kw = float(a_) * float(v_) / 1000
        return (kw if 0.1 <= kw <= 100_000 else None), bool(re.search(r"circuit|breaker|outlet|电路|那路电|插座|空开|一路电", low))
    m = re.search(r"(\d+(?:\.\d+)?)\s*(kw|千瓦)(?!h|时)", low) or re.search(r"(\d[\d,]{3,})\s*(w|瓦)\b(?!h)", low)
    if not m or not re.search(r"budget|rack|cabinet|circuit|breaker|outlet|power (?:limit|cap|feed|supply|envelope|available|capacity)|"
                              r"envelope|facility|机柜|预算|电路|那路电|供电|插座|空开|只有|限电|功率上限|电力容量|机房", low):
        return None, None  # (None: a follow-up keeps the circuit said before)
    kw = float(m.group(1).replace(",", "")) / (1 if m.group(2) in ("kw", "千瓦") else 1000)
    circuit = bool(re.search(r"circuit|breaker|outlet|电路|那路电|插座|空开|一路电", low))
    return (kw if 0.1 <= kw <= 100_000 else None), circuit


def find_mfu(text: str) -> float | None:
    """An MFU the person fixes: 'MFU 按 40%', 'at 45% MFU', 'MFU of 0.38', 'mfu=50%' (0-1)."""
    m = re.search(r"\bmfu\s*(?:of|at|=|:|按|为|是|取|约|大概|~|只有|才|仅|only|just|is only|drops to)?\s*(?:按|为|是|取|约)?\s*"
                  r"(\d{1,2}(?:\.\d+)?)\s*%|"
                  r"(\d{1,2}(?:\.\d+)?)\s*%\s*(?:的\s*)?mfu\b|\bmfu\s*(?:of|=|:)?\s*(0\.\d+)\b", text, re.I)
    if not m:
        return None
    v = float(m.group(1) or m.group(2)) / 100 if (m.group(1) or m.group(2)) else float(m.group(3))
    return v if 0.01 <= v <= 1 else None


_IN = r"(?:inputs?|prompts?|输入|提示词|prompt\s*长度)"
_OUT = r"(?:outputs?|generated|completions?|answer|response|(?:answers|responses)(?=\s*[~≈:：]\s*\d)|summar(?:y|ies)|repl(?:y|ies)|label|think(?:s|ing)?(?: for)?|" \
       r"reason(?:s|ing)?(?: for)?|输出|生成|回复|回答|思考|摘要)"
_TOK = r"(?:[\s-]*(?:个)?\s*(?:tokens?|toks?|token))"


def find_io_tokens(text: str) -> tuple[int | None, int | None]:
    """Tokens per request, in and out: '~800 input tokens and ~150 output tokens', '平均输入 1500 输出 500',
    'prompt 大概 2000 token', '生成 500 个 token', '1,200 prompt tokens (with history) and ~120 output tokens'.
    A range ('1-3 个 token', '20k-30k tokens') is read at its upper end, the size the job must hold."""
    low = re.sub(r"(\d[\d,.]*)\s*(k)?\s*(?:-|–|~|到|至)\s*(\d[\d,.]*)\s*(k)?(?=\s*(?:个)?\s*tok)",
                 lambda m: m.group(3) + (m.group(4) or m.group(2) or ""), text.lower())
    # "思考两千多 token", "三千个 token": a count said in Chinese numerals
    low = re.sub(r"([一二两三四五六七八九十]+[千百万]+[一二两三四五六七八九]?)\s*多?(?=\s*(?:个)?\s*tok)",
                 lambda m: str(zh_number(m.group(1)) or m.group(1)), low)

    def grab(word: str) -> int | None:
        m = re.search(rf"(?:~|about |around |roughly |约|大概|大约)?\s*(\d[\d,]*(?:\.\d+)?)\s*(k)?{_TOK}?\s*{word}{_TOK}", low) or \
            re.search(rf"(\d[\d,]*(?:\.\d+)?)\s*(k)?{_TOK}\s*{word}(?!\s*\d)", low) or \
            re.search(rf"{word}\s*(?:tokens?|长度)?\s*(?:is|of|=|:|：|约|大概|大约|平均|~|about|around|average|averaging|avg|只要|只有|仅|只需|就|大概是|一般)?\s*"
                      rf"(?:约|大概|大约|~)?\s*"
                      rf"(\d[\d,]*(?:\.\d+)?)(?![\d,]|\.\d)\s*(k)?(?!\s*(?:tok(?:en)?s?\s*/\s*s|tok/s|t/s|tps|qps|%|[:：]\s*\d|万|千|亿|条|篇|个文档|"
                      rf"元|块|毛|美元|美金|刀|usd|cents?|dollars?|/\s*(?:百万|千|m\b|1m\b|million)|"
                      rf"documents?|docs?|items?|rows?|samples?|requests?))", low) or \
            re.search(rf"(\d[\d,]*(?:\.\d+)?)\s*(k)?\s*{word}(?<!s)(?=\s*[/,，、;；)）。]|\.(?!\d)|\s*$)", low) or \
            (re.search(rf"(\d[\d,]*(?:\.\d+)?)\s*(k)?\s*{word}\s*(?:and|&|,|/|\+|和|、)\s*(?:~|about |around )?\d[\d,]*(?:\.\d+)?"
                       rf"\s*k?\s*{_OUT}{_TOK}", low) if word == _IN else None)  # "~1,000 input and ~200 output tokens"
        if not m:
            return None
        v = float(m.group(1).replace(",", "")) * (1000 if m.group(2) else 1)
        return int(v) if 1 <= v <= 2**22 else None

    def short(word: str) -> int | None:  # "3k tokens in, 250 out", "1,200 in / 150 out" (not "an L4 in bf16")
        sep = r"(?:tokens?\s+in\b|in\s*(?:/|,|and\b|\+|;))" if word == "in" else r"(?:tokens?\s+)?out\b"
        m = re.search(rf"(?<![\w.-])(\d[\d,]*(?:\.\d+)?)\s*(k)?\s*{sep}(?!\s*(?:of|the|a)\b)", low)
        if not m:
            return None
        v = float(m.group(1).replace(",", "")) * (1000 if m.group(2) else 1)
        return int(v) if 1 <= v <= 2**22 else None

    def each() -> int | None:  # "(~3k tokens each)", "avg 60 tokens each incl. prompt", "the docs are ~2000 tokens"
        m = re.search(r"(?:~|about |around |avg |average )?\s*(\d[\d,]*(?:\.\d+)?)\s*(k)?\s*tokens?\s*(?:each|apiece)\b", low) or \
            re.search(r"\b(?:docs?|documents?|texts?|items?|articles?|pages?|passages?|chunks?|records?|emails?)\s+(?:are|is|of|average|"
                      r"avg)\s+(?:about\s+|around\s+|roughly\s+|~\s*)?(\d[\d,]*(?:\.\d+)?)\s*(k)?\s*tokens?\b", low) or \
            re.search(r"(?:篇|条|份|封|段|个文档)[^，。,;；\d]{0,12}?[（(]\s*(?:平均|每篇|每条|约|大概|大约|~)*\s*(\d[\d,]*(?:\.\d+)?)\s*(k)?"
                      r"\s*(?:个)?\s*tokens?", low)  # "80 万篇中文新闻（平均 2000 token）": each item's size
        if not m:
            return None
        v = float(m.group(1).replace(",", "")) * (1000 if m.group(2) else 1)
        return int(v) if 1 <= v <= 2**22 else None

    def said_as(word: str) -> int | None:  # "output is json ~100 tokens", "the output is a single label, 1 token"
        m = re.search(rf"{word}\s+(?:is|are|=)\s+(?:[a-z]+\s+){{0,3}}?(?:~|about |around )?(\d[\d,]*)\s*(k)?{_TOK}", low)
        if not m:
            return None
        v = float(m.group(1).replace(",", "")) * (1000 if m.group(2) else 1)
        return int(v) if 1 <= v <= 2**22 else None

    def per_item_zh() -> int | None:  # "每篇大概 300 token 英文，输出约 400 token": each item's own size is its input
        m = re.search(r"每(?:篇|条|个|份|道|段|封)\D{0,6}?(\d[\d,]*(?:\.\d+)?)\s*(k)?\s*(?:个)?\s*(?:tokens?|token)", low)
        if not m:
            return None
        v = float(m.group(1).replace(",", "")) * (1000 if m.group(2) else 1)
        return int(v) if 1 <= v <= 2**22 else None

    def loose(word: str) -> int | None:  # "输出一个 JSON 大概 40 token", "~1.5k tokens of output"
        m = re.search(r"(?:输出|生成|回复|回答)[^，。,;；\d]{0,12}?(\d[\d,]*(?:\.\d+)?)\s*(k)?\s*(?:个)?\s*tokens?\b", low) \
            if word == _OUT else None  # (English says it plainly: "N tokens of output", "outputs ~40 tokens")
        m = m or re.search(rf"(\d[\d,]*(?:\.\d+)?)\s*(k)?\s*tokens?\s+of\s+{word}", low)
        if not m:
            return None
        v = float(m.group(1).replace(",", "")) * (1000 if m.group(2) else 1)
        return int(v) if 1 <= v <= 2**22 else None

    def document() -> int | None:  # "a ~20k-token contract plus instructions": the prompt is the document
        m = re.search(r"(\d[\d,]*(?:\.\d+)?)\s*(k)?[- ]tokens?\s+(?:contracts?|documents?|docs?|files?|pdfs?|transcripts?|"
                      r"reports?|papers?|codebases?|repos?|books?|chapters?|filings?|records?)\b", low)
        if not m:
            return None
        v = float(m.group(1).replace(",", "")) * (1000 if m.group(2) else 1)
        return int(v) if 1 <= v <= 2**22 else None

    out = said_as(_OUT) or grab(_OUT) or short("out") or loose(_OUT)
    if not out and re.search(r"(?:只|仅)?输出一个(?:标签|类别|分类|字)|只(?:输出|出|要)(?:标签|类别|分类)|一个标签|"
                             r"\b(?:a single|one|just (?:a|the|one)) (?:label|class|category|token)\b|\blabel only\b", low):
        out = 1  # a classifier's answer: one label, a token or two
    inp = grab(_IN) or short("in") or each() or document() or (per_item_zh() if out else None)
    if inp and out and inp == out and per_item_zh() and grab(_IN) is None:
        inp = per_item_zh()
    if inp and not out and re.search(r"\bin\s*(?:=|≈|~|equals?)\s*out\b|input (?:roughly |about )?(?:=|equals?|same as) output|"
                                     r"输入.{0,4}(?:等于|≈|差不多|相当|一样).{0,4}输出|输出.{0,4}(?:和|与|跟)输入.{0,4}(?:差不多|一样|相当)|"
                                     r"\btranslat\w*|翻译|译成|译为", low):
        out = inp  # "(in = out roughly)", a translation: the output is about as long as the input
    return inp, out


_ITEM = (r"(?:(?:(?!-?(?:tokens?|toks?)\b)[a-z&/-]+\s+){0,2}(?:documents?|docs?|pdfs?|requests?|prompts?|queries|items?|files?|articles?|records?|rows?|"
         r"pages?|emails?|tickets?|summaries|pairs|samples|examples|questions|texts?|snippets?|sentences?|passages?|"
         r"paragraphs?|descriptions?|reviews?|comments?|posts?|messages?|transcripts?|abstracts?|problems?)|条|篇|个请求|个文档|"
         r"份|次请求|个问题|道题|道|对)")
_ITEM_SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "b": 1e9, "billion": 1e9, "万": 1e4, "十万": 1e5,
               "百万": 1e6, "千万": 1e7, "亿": 1e8}


_PER_ITEM = re.compile(r"tokens?\s*(?:each|apiece|per (?:item|piece|one))|\beach\b[^.;]{0,24}?tokens?|(?:avg|average)\s*~?\s*\d[\d,.]*\s*k?"
                       r"\s*tokens?|每(?:次|条|篇|个|份|段)", re.I)
_NOT_ITEMS = {"tokens", "toks", "gpus", "cards", "users", "hours", "days", "weeks", "months", "years", "epochs", "layers",
              "params", "parameters", "seconds", "minutes", "requests/s", "dollars", "bits", "bytes", "nodes", "servers"}


def find_items(text: str) -> float | None:
    """Requests in a batch job: '2 million documents', '50k prompts', '100 万条', '20万篇文章'; any counted things
    when each one's size is given ('10M tweets (avg 60 tokens each)', '300k transcripts (~3k tokens each)',
    '20 万次评测，每次输入 6k token')."""
    low = text.lower()
    # not a digit that ends a name ("DeepSeek-R1 对 10 万道题": the job is 100,000 problems, not 1 pair)
    m = re.search(rf"(?<![a-z\d.-])({_NUM})\s*(k(?![a-z])|thousand|m(?![a-z])|million|b(?![a-z])|billion|万|十万|百万|千万|亿)?\s*"
                  rf"(?:个|条|篇)?\s*{_ITEM}(?!\s*tok)", low)  # ("20,000 math prompts": not 20,000 million)
    if not m and _PER_ITEM.search(low):
        for c in re.finditer(rf"({_NUM})\s*(k|thousand|m|million|b|billion|万|十万|百万|千万|亿)?\s*(?:(?:[a-z-]+\s+){{0,2}}([a-z]{{3,}}s)\b|"
                             r"(?:个|条|篇|份|段)?\s*次|条|篇|份|段)", low):
            if c.group(3) and (c.group(3) in _NOT_ITEMS or c.group(3).startswith(("token", "gpu", "user", "hour"))):
                continue
            if not c.group(2) and to_number(c.group(1)) < 100:
                continue  # "2 H100s", "3 epochs": a count of things, not a batch
            m = c
            break
    if not m:
        return None
    v = to_number(m.group(1)) * _ITEM_SCALE.get(m.group(2) or "", 1)
    return v if 1 <= v <= 1e12 else None


_REQ = (r"(?:requests?|queries|(?:query |search |document )?embeddings?|conversations?|chats?|calls?|messages?|sessions?|tickets?|questions?|comments?|reviews?|"
        r"documents?|docs|emails?|prompts?|posts?|articles?|"
        r"次对话|次请求|个请求|次调用|次会话|条消息|个对话|个问题|次问答|次)")
_PER_UNIT = {"month": 86400 * 30.4, "mo": 86400 * 30.4, "月": 86400 * 30.4,
             "day": 86400, "d": 86400, "天": 86400, "日": 86400, "hour": 3600, "hr": 3600, "h": 3600, "小时": 3600,
             "minute": 60, "min": 60, "分钟": 60, "second": 1, "sec": 1, "s": 1, "秒": 1}
_RATE_SCALE = {**_ITEM_SCALE, "": 1}


REQUEST_INTERVAL = re.compile(
    r"\b(?:each|every (?:user|agent|player|one|person)|per (?:user|agent|player))\b[^.;]{0,40}?\b(?:a|one)\s+(?:request|message|"
    r"query|question|call|turn|prompt)s?\s+(?:about\s+|roughly\s+|around\s+|~\s*)?(?:once\s+)?every\s+(\d+(?:\.\d+)?)\s*"
    r"(seconds?|secs?|s|minutes?|mins?)\b|"
    r"(?:每人|每个人|每个用户|每位|人均|每个玩家)[^，。,;；]{0,8}?每\s*(\d+(?:\.\d+)?)\s*(秒|分钟)\s*"
    r"(?:钟)?\s*(?:左右)?\s*(?:说|发|问|请求|调用|一次|一句|一条|一个)", re.I)


EMBED_JOB = re.compile(r"\bembed(?:ding)?s?\b|\bvectori[sz]\w*|\bencode\b.{0,20}\b(?:texts?|documents?|titles?|chunks?)|"
                       r"(?:生成|算|计算|转成?|做)\s*(?:向量|embedding)|向量化|嵌入向量", re.I)


def _head_count(text: str) -> int | None:
    """How many people a per-person rate is for: '400 clinicians', '设计团队 30 个人', '120 名医生'."""
    m = re.search(rf"({_NUM})\s+(?:[a-z]+\s+)?(?!requests|tokens|gpus|cards|days|hours|queries|messages|calls)([a-z]{{4,}}s)\b",
                  text.lower()) or re.search(r"(\d[\d,]*)\s*(?:个|名|位)?\s*(?:人|同事|员工|用户|医生|老师|学生|律师|客服|坐席)", text)
    if not m:
        return None
    v = to_number(m.group(1))
    return int(v) if v and 2 <= v <= 1e7 else None


def find_request_interval(text: str) -> float | None:
    """Seconds between one person's requests: 'each fires a request about every 30 seconds', '每人平均每 10 秒说一句'."""
    m = REQUEST_INTERVAL.search(text)
    if not m:
        return None
    v, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    secs = float(v) * (60 if unit.lower().startswith(("min", "分")) else 1)
    return secs if 0 < secs <= 86400 else None


def find_request_rate(text: str) -> tuple[float | None, bool]:
    """Requests per second on average: '20k chats a day', '120 requests per minute', '每天 2 万次对话', '每分钟 50 个请求',
    times the turns of each conversation ('50k conversations/day, each ~6 turns')."""
    low = text.lower()
    qps = re.search(rf"\b(?:qps|rps)\b\s*(?:大概|约|大约|是|为|of|=|:|~|about|around)?\s*(?:大概|约|~)?\s*({_NUM})|({_NUM})\s*(?:qps|rps)\b|"
                    rf"每秒\s*(?:大概|约)?\s*({_NUM})\s*(?:个)?\s*(?:新)?(?:请求|调用|query)", low)
    if qps:  # "高峰 QPS 大概 5（每秒 5 个新请求）", "20 QPS": requests per second
        v = to_number(next(g for g in qps.groups() if g))
        if 0 < v <= 1e6:
            return v, False
    m = re.search(rf"({_NUM})\s*(k|thousand|m|million|万|千)?\s*{_REQ}\s*(?:each\s+)?(?:/|per|a|an|each|every)\s*"
                  r"(month|mo|day|d|hour|hr|h|minute|min|second|sec|s)\b", low)
    if m:
        v, unit = to_number(m.group(1)) * _RATE_SCALE.get(m.group(2) or "", 1) * (1000 if m.group(2) == "千" else 1), m.group(3)
    else:
        # "每天有 2000 万条用户评论": counted items a day are requests too
        m = re.search(rf"(?:每个?|一个?)(月|天|日|小时|分钟|秒)\s*(?:平均|大概|约|大约|有|要处理|处理|总共|会|发|调用)?\s*(?:大概|约)?\s*"
                      rf"({_NUM})\s*(万|千)?\s*"
                      rf"(?:{_REQ}|条|篇|份)", low) or \
            re.search(rf"日均\s*({_NUM})\s*(万|千)?\s*(?:{_REQ}|条|篇|份)()", low)
        if not m:
            return None, False
        if m.group(1) in _PER_UNIT:
            unit, num, scale = m.group(1), m.group(2), m.group(3)
        else:
            unit, num, scale = "天", m.group(1), m.group(2)
        v = to_number(num) * {"万": 1e4, "千": 1e3}.get(scale or "", 1)
    turns = re.search(r"(?:each|every|per conversation|per chat)?\s*~?\s*(\d{1,3})\s*(?:turns|rounds|messages|exchanges|轮|条消息)"
                      r"(?!\s*(?:a|per|/)\s*(?:day|hour|minute))", low)
    if turns and m.start() <= turns.start() < m.end():
        turns = None  # "人均每天 40 条消息": the messages are the requests counted, not turns of each of them
    rate = v / _PER_UNIT[unit] * (int(turns.group(1)) if turns else 1)
    return (rate, _PER_UNIT[unit] >= 86400) if 0 < rate <= 1e7 else (None, False)


def find_output_share(text: str) -> float | None:
    """The output share of a stated token volume: '输出大约占 20%', 'about 20% output', 'output ~20%', or a ratio
    ('输入:输出 = 4:1', 'input:output 4:1', 'in/out 3:1')."""
    if re.search(r"(?:输入|input)\s*(?:和|与|跟|、|/|and)?\s*(?:输出|output)\s*各(?:占)?(?:一半|50\s*%)|"
                 r"\bhalf (?:input|in|prompt)s?\b.{0,12}\bhalf (?:output|out|completion)s?\b|\b(?:input|in)/(?:output|out) 50/50\b",
                 text.lower()):
        return 0.5  # "输入输出各一半", "half input, half output"
    r = re.search(r"(?:输入|input|in)\s*(?:[:：/和与跟]|and)?\s*(?:输出|output|out)\s*(?:的?比例?|ratio)?\s*(?:=|是|为|约|~|大概|大约|"
                  r"of|is|about)?\s*(\d+(?:\.\d+)?)\s*[:：比]\s*(\d+(?:\.\d+)?)", text.lower())  # "输入输出大概3:1"
    if r and float(r.group(1)) + float(r.group(2)) > 0:
        return float(r.group(2)) / (float(r.group(1)) + float(r.group(2)))
    # the two volumes said apart: "输入 4000 万 输出 1000 万", "(40M in, 10M out)", "30M input / 10M output tokens"
    scale = r"\s*(k|m|b|million|billion|万|百万|千万|亿)?"
    pairs = [*re.finditer(rf"(?:输入|input)\s*(?:约|大约|大概)?\s*(\d+(?:\.\d+)?){scale}.{{0,12}}?(?:输出|output)\s*"
                          rf"(?:约|大约|大概)?\s*(\d+(?:\.\d+)?){scale}", text.lower()),
             *re.finditer(rf"(\d+(?:\.\d+)?){scale}\s*(?:tokens?\s*)?(?:in|input)\b.{{0,12}}?(\d+(?:\.\d+)?){scale}\s*"
                          r"(?:tokens?\s*)?(?:out|output)\b", text.lower())]
    f = {"k": 1e3, "m": 1e6, "million": 1e6, "b": 1e9, "billion": 1e9, "万": 1e4, "百万": 1e6, "千万": 1e7, "亿": 1e8}
    for r in pairs:  # ("按输入 2 元/百万、输出 3 元/百万 ... 每天输入 1 亿 token、输出 5000 万": the prices first, then the volumes)
        a = float(r.group(1)) * f.get(r.group(2) or "", 1)
        b = float(r.group(3)) * f.get(r.group(4) or "", 1)
        if a > 1000 and b > 1000 and 0 < b < a + b:  # volumes, not a request's few hundred tokens
            return b / (a + b)
    m = re.search(r"(?:输出|output|generated)\s*(?:tokens?)?\s*(?:大约|大概|约)?\s*(?:占|is|are|about|~|=|:|：)?\s*(?:about\s*|~)?"
                  r"(\d{1,2}(?:\.\d+)?)\s*%|(\d{1,2}(?:\.\d+)?)\s*%\s*(?:of (?:it|them|that|the tokens) )?(?:is |are )?(?:output|输出)",
                  text.lower())
    if m:
        return float(m.group(1) or m.group(2)) / 100
    tenths = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}  # "八成是输入", "输出占两成"
    digits = "".join(tenths)
    t = re.search(rf"([{digits}])\s*成\s*(?:是|为|都是)?\s*(输入|输出)|(输入|输出)\s*(?:占|约|大约|大概)?\s*([{digits}])\s*成", text)
    if t:
        digit, side = (t.group(1), t.group(2)) if t.group(1) else (t.group(4), t.group(3))
        share = tenths[digit] / 10
        return share if side == "输出" else round(1 - share, 2)
    i = re.search(r"(?:input|prompts?)\s*(?:tokens?)?\s*(?:is|are|about|~|=|:)?\s*(?:about\s*|~)?(\d{1,2}(?:\.\d+)?)\s*%|"
                  r"(\d{1,2}(?:\.\d+)?)\s*%\s*(?:of (?:it|them|that|the tokens) )?(?:is |are )?(?:input|prompts?)\b|"
                  r"输入\s*(?:大约|大概|约)?\s*占?\s*(\d{1,2}(?:\.\d+)?)\s*%", text.lower())
    return round(1 - float(i.group(1) or i.group(2) or i.group(3)) / 100, 4) if i else None  # "80% input": 20% output


def find_peak_factor(text: str) -> float | None:
    """'the peak hour is 3x average', 'peaks at 2x', '高峰是平均的 3 倍'."""
    m = re.search(r"peak\w*\s*(?:hour\s*)?(?:is|at|of|=)?\s*(?:about\s*|~)?(\d+(?:\.\d+)?)\s*(?:x|×|times)|"
                  r"(\d+(?:\.\d+)?)\s*(?:x|×|times)\s*(?:the\s*)?(?:average\s*)?(?:at|during|in)?\s*(?:the\s*)?peak|"
                  r"高峰\D{0,8}?(\d+(?:\.\d+)?)\s*倍", text.lower())
    if not m:
        return None
    v = float(next(g for g in m.groups() if g))
    return v if 1 <= v <= 100 else None


def find_output_total(text: str) -> float | None:
    """Output tokens to generate in all: '5 亿输出 token', '500M output tokens', '处理 5 亿输出 token' (not a rate:
    '30M output tokens a day' is a daily volume)."""
    low = text.lower()
    if TOKENS_PER_DAY.search(low):
        return None
    m = re.search(rf"({_NUM})\s*(k|m|million|b|billion|万|百万|千万|亿)\s*(?:个)?\s*{_OUT}\s*(?:tokens?|token)", low) or \
        re.search(rf"({_NUM})\s*(k|m|million|b|billion|万|百万|千万|亿)\s*(?:个)?\s*(?:tokens?|token)\s*{_OUT}", low) or \
        re.search(rf"{_OUT}\s*(?:也|也是|总共|一共|共|约|大约|大概|~|\s)*({_NUM})\s*(k|m|million|b|billion|万|百万|千万|亿)\s*(?:个)?\s*"
                  r"(?:tokens?|token)", low)
    if not m:
        return None
    return to_number(m.group(1)) * _ITEM_SCALE[m.group(2)]


CORPUS_JOB = re.compile(r"\b(?:translat\w*|rewrit\w*|paraphras\w*|summari[sz]\w*|classif\w*|label\w*|clean\w*|process\w*)\b|"
                        r"翻译|改写|清洗|重写|摘要|总结|分类|打标|标注|润色", re.I)
TRAINING_WORDS = re.compile(r"\btrain\w*|fine-?tun\w*|\bsft\b|\blora\b|\bqlora\b|pretrain\w*|训练|微调|预训练", re.I)


def find_input_total(text: str) -> float | None:
    """Prompt tokens to read in all, beside an output total: '1 亿 token 输入', '1.6B input tokens'."""
    low = text.lower()
    if TOKENS_PER_DAY.search(low):
        return None
    m = re.search(rf"({_NUM})\s*(k|m|million|b|billion|万|百万|千万|亿)\s*(?:个)?\s*(?:{_IN}\s*(?:tokens?|token)|(?:tokens?|token)\s*{_IN})",
                  low)
    return to_number(m.group(1)) * _ITEM_SCALE[m.group(2)] if m else None


def find_batch(text: str) -> int | None:
    m = re.search(r"(?:batch(?: size)?|micro-?batch|批大小|批次)\D{0,4}?(\d{1,5})\b", text.lower())
    return int(m.group(1)) if m else None


_USER_WORDS = r"(?:users|requests|streams|sessions|people|clients|customers|conversations|chats|sequences|queries)"


_PEOPLE = (r"(?:个|位|名)?\s*(?:员工|用户|同事|学生|客户|老师|教师|医生|律师|开发者|工程师|玩家|人|employees|users|people|staff|seats|"
           r"customers|students|members|developers|engineers|agents|teachers|doctors|nurses|lawyers|analysts|players|"
           r"researchers|reps|clinicians|subscribers)")
_AT_ONCE = (r"(?:同时|在线|并发|在用|concurrent(?:ly)?|simultaneous(?:ly)?|at (?:the same time|once|peak)|online|active|"
            r"(?:actually |really )?(?:waiting|generating|chatting|typing|using it|querying)\b)")
POPULATION_SHARE = re.compile(rf"(?P<people>{_NUM})\s*(?:[a-z]+\s+)?{_PEOPLE}.{{0,90}}?(?P<pct>\d{{1,3}}(?:\.\d+)?)\s*%\s*(?:的人)?\s*"
                              rf"(?:(?:of (?:them|those|users|people)\s*)?(?:are |is |会|在)?\s*)?{_AT_ONCE}|"
                              rf"(?P<pct2>\d{{1,3}}(?:\.\d+)?)\s*%\s*(?:of\s+)?(?:(?:our|the|their)\s+)?(?P<people2>{_NUM})\s*{_PEOPLE}|"
                              rf"(?P<people3>{_NUM})\s*{_PEOPLE}.{{0,24}}?{_AT_ONCE}.{{0,16}}?(?P<pct3>\d{{1,3}}(?:\.\d+)?)\s*%",
                              re.I)


_SHARE_WORDS = re.compile(r"日活|活跃|在线|同时|高峰|并发|在用|使用|daily|active|online|at once|peak|concurrent|generating|using", re.I)


def _chained_share(low: str) -> int | None:
    """A head count and two or more shares of it in a row ("3 万名老师，日活 20%，高峰时同时在生成的约占日活的 5%";
    "20,000 employees, 30% use it daily, 10% of those at once"): the people at once."""
    head = re.search(rf"({_NUM})\s*(?:[a-z]+\s+)?{_PEOPLE}", low)
    if not head:
        return None
    shares = []
    for m in re.finditer(r"(\d{1,3}(?:\.\d+)?)\s*%", low[head.end():]):
        at = head.end() + m.start()
        if _SHARE_WORDS.search(low[max(head.end(), at - 24): at + 24]):
            shares.append(float(m.group(1)))
    if len(shares) < 2 or not all(0 < x <= 100 for x in shares):
        return None
    people = to_number(head.group(1))
    for x in shares:
        people *= x / 100
    return max(1, round(people)) if 1 <= people <= 1e7 else None


def find_users(text: str) -> tuple[int | None, str | None]:
    """Concurrent users / parallel requests: '40 concurrent users', 'concurrency of 16', '16并发', '50个用户'."""
    # "5 万人在线": fifty thousand people, not "万" (10,000) read alone
    low = re.sub(r"(\d+(?:\.\d+)?)\s*万(?=\s*(?:个|名|位)?\s*(?:人|用户|玩家|学生|员工|客户|老师|教师|医生|律师|开发者|工程师|同事))",
                 lambda m: str(int(float(m.group(1)) * 1e4)), text.lower())
    # "十几个用户": about fifteen; "几十个人": about thirty (a rough count is still a count)
    low = re.sub(r"十几(?=\s*(?:个|名|位)?\s*(?:人|用户|并发|路))", "15", low)
    low = re.sub(r"(?<![一二三四五六七八九十\d])几十(?=\s*(?:个|名|位)?\s*(?:人|用户|并发|路))", "30", low)
    chained = _chained_share(low)
    if chained:  # "3 万名老师，日活 20%，高峰时同时在生成的约占日活的 5%": the head count times each share in turn
        return chained, None
    share = POPULATION_SHARE.search(low)
    if share:  # "500 employees, ~10% at once at peak": the people at once are the share of the head count
        people = to_number(share.group("people") or share.group("people2") or share.group("people3"))
        pct = float(share.group("pct") or share.group("pct2") or share.group("pct3"))
        if 0 < pct <= 100 and 1 <= people <= 1e8:
            return max(1, round(people * pct / 100)), None
    # people at once before head counts: "200 人用，高峰时 20 人同时提问" / "200 staff, 20 concurrent users" is 20
    at_once = [rf"({_NUM})\s*(?:(?:chat|chatbot)\s+)?(?:(?:concurrent|simultaneous|parallel|active|concurrently|online|live|"
               rf"peak)\s+){{1,2}}(?:(?:chat|chatbot|internal|company)\s+)?{_USER_WORDS}",
               rf"({_NUM})\s*{_USER_WORDS}\s+(?:at once|at the same time|simultaneously|concurrently|at peak|in parallel)\b",
               # any people at once: "8 lawyers at the same time", "30 agents concurrently" (not GPUs, tokens or hours)
               rf"({_NUM})\s+(?!(?:gpus|cards|tokens|hours|days|nodes|servers|layers|experts|requests/s)\b)[a-z]{{3,}}s\s+"
               r"(?:(?!gpus|cards|tokens)[a-z]+\s+){0,3}?(?:are\s+|is\s+)?(?:at once|at the same time|simultaneously|concurrently|"
               r"in parallel|active|online)\b",  # "3 paralegals hitting it at the same time"
               rf"({_NUM})\s+(?:concurrent|simultaneous|active|online)\s+(?!gpus|cards|tokens|hours|nodes|servers)[a-z]{{3,}}s\b",
               # "40 concurrent students", "12 active developers"
               rf"(?:concurrency|concurrent|parallel requests)\s*(?:of|=|:)?\s*({_NUM})",
               # "what if only ~10 of them are active at the same time?", "only 5 are online at once"
               rf"~?\s*({_NUM})\s+of\s+(?:them|those|these|us|the\s+\w+)\s+(?:are\s+|is\s+|will be\s+|would be\s+)?"
               rf"(?:active|online|concurrent|chatting|using it)\b",
               rf"\b(?:only|just)\s+(?:about\s+|around\s+)?~?\s*({_NUM})\s+(?:are\s+|will be\s+)?(?:active|online|"
               rf"concurrent|chatting)\b",
               # "only ~8 are ever generating at the same time", "about 5 use it at once"
               rf"~?\s*({_NUM})\s+(?:of (?:them|us|those)\s+)?(?:are\s+|is\s+|will be\s+)?(?:ever\s+|usually\s+|typically\s+|"
               rf"actually\s+)?(?:generating|using it|querying|prompting|active|online|chatting|asking)\s+(?:at the same time|"
               rf"at once|simultaneously|concurrently)\b",
               r"(\d{1,3}(?:,\d{3})+|\d{1,7}|[一二两三四五六七八九十百千万]+)\s*(?:个)?\s*(?:并发|路|人同时|人在线|个请求|"
               r"(?:同时)?在线(?:对话|用户|会话|聊天)|同时(?:对话|会话|聊天|请求))",
               r"(\d{1,7})\s*(?:个|位|名)?\s*(?:客服|员工|同事|坐席|人|用户|工程师|开发者)\s*(?:会)?\s*(?:同时|一起)",
               # "并发 100", never the digits of a model named after it ("高并发推理 Llama3 8B", "并发跑 Qwen 2 7B")
               r"(?:并发|同时|在线)[^\da-z]{0,8}?(?<![a-z.])(\d{1,7})(?![\d.])(?!\s*(?:张|块|卡|台|个?gpu|x\b|天|小时|年|月|k\b|"
               r"b\b|万|亿|%|tok|token|t/s|\d+(?:\.\d+)?\s*b\b))"]
    pats = at_once + [
            rf"({_NUM})\s*(?:(?:concurrent|simultaneous|parallel|active|concurrently|chat|chatbot|online|live|peak)\s+)"
            rf"{{0,2}}{_USER_WORDS}(?!\s*(?:/\s*day|a day|per day|each day|daily|a month|per month|/\s*month))",
            r"(\d{1,3}(?:,\d{3})+|\d{1,7}|[一二两三四五六七八九十百千万]+)\s*(?:个)?\s*(?:用户|人(?:用|使用))",
            rf"\bteam of ({_NUM})\b|\b({_NUM})[- ](?:person|people|member|user)[- ]team\b",
            # head counts, after every 'at once' pattern: "给 200 人的客服系统", "30 人的团队"
            r"(?:给|供|为|面向)\s*(\d{1,7})\s*(?:个|位|名)?\s*(?:人|用户|员工|同事|客服|坐席|销售|工程师|开发者?|研究员|学生|老师|"
            r"医生|律师|分析师|运营)(?!民)",
            r"(\d{1,7})\s*(?:个|位|名)?\s*人(?:的)?\s*(?:团队|公司|客服|系统|部门|规模)"]
    for p in pats:
        m = re.search(p, low)
        if m:
            w = next(g for g in m.groups() if g)
            v = to_number(w) if re.fullmatch(_NUM, w) else zh_number(w)
            if v is None:
                continue
            if v != int(v) or not 1 <= v <= 1_000_000:
                return None, f"{_short(v)} concurrent users is out of range (1 to 1,000,000)"
            return int(v), None
    return None, None


_SCALE = {"t": 1e12, "trillion": 1e12, "b": 1e9, "billion": 1e9, "m": 1e6, "million": 1e6, "k": 1e3,
          "thousand": 1e3}
_ZH_SCALE = {"万亿": 1e12, "千亿": 1e11, "亿": 1e8, "千万": 1e7, "百万": 1e6, "万": 1e4}


PER_MILLION = re.compile(r"\b(?:cost|price|costs|pricing)\s+(?:of|for)\s+(?:1\s*m|one million|a million|1,000,000)\s*"
                         r"(?:output\s+|generated\s+)?tokens?\b|"
                         r"(?:\bper|/|每|\bfor every|\bevery|\ba)\s*(?:1\s*m\b|one million\b|a million\b|million\b|1,000,000\b|"
                         r"1百万|一百万|百万)\s*(?:output\s+|generated\s+|个)?\s*(?:tokens?|toks?)?|"
                         r"(?:1\s*m|one million|a million|1,000,000|百万|一百万)\s*(?:output\s+|generated\s+|个)?\s*"
                         r"(?:tokens?|token)\s*(?:cost|costs|price|价格|成本|多少钱|要多少钱|花多少)", re.I)
_DAILY = r"\s*(?:a|per|each|every|/)\s*(?:day|d)\b|\s*daily\b|\s*(?:每天|一天|每日)"
TOKENS_PER_DAY = re.compile(rf"({_NUM})\s*(t|trillion|b|billion|m|million|k|thousand)?\s*(?:output\s+|generated\s+)?"
                            rf"(?:tokens?|toks?)(?:{_DAILY})|"
                            r"(?:每天|一天|每日|日均)[^，。,.\d]{0,8}?(\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+)\s*"
                            r"(万亿|千亿|亿|千万|百万|万)?\s*(?:个)?\s*(?:token|tokens|词元)|"
                            rf"(?:每天|一天|每日|日均)[^，。,.\d]{{0,8}}?({_NUM})\s*(t|b|m|k)\s*(?:tokens?|toks?)", re.I)


TOKENS_PER_MONTH = re.compile(rf"({_NUM})\s*(t|trillion|b|billion|m|million|k|thousand)?\s*(?:output\s+|generated\s+|input\s+)?"
                              r"(?:tokens?|toks?)\s*(?:a|per|each|every|/)\s*(?:month|mo)\b|"
                              r"(?:每月|一个月|每个月|月均)[^，。,.\d]{0,8}?(\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+)\s*"
                              r"(万亿|千亿|亿|千万|百万|万)?\s*(?:个)?\s*(?:output\s*|输出\s*)?(?:token|tokens|词元)", re.I)


_DAU_SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "万": 1e4, "千": 1e3, "十万": 1e5, "百万": 1e6, "亿": 1e8}
DAILY_USERS = re.compile(rf"({_NUM})\s*(k|thousand|m|million|十万|百万|万|千|亿)?\s*(?:个|名|位)?\s*(?:的)?\s*(?:dau\b|daily (?:active )?users|"
                         rf"users (?:a|per|each) day|users/day|日活)|(?:dau|日活(?:用户)?|daily active users)\s*(?:of|is|=|:|约|大概|有|为|是|~)?\s*"
                         rf"~?\s*({_NUM})\s*(k|thousand|m|million|十万|百万|万|千|亿)?", re.I)
PER_PERSON = re.compile(r"每人|每个人|每个用户|每位|人均|per (?:user|person|head|employee|seat)|\beach\b|a (?:user|person|head)",
                        re.I)


def find_daily_users(text: str) -> int | None:
    """People using it in a day (not at once): '10 万 DAU', '100k daily active users', '日活 5 万', 'DAU of 2,000'."""
    m = DAILY_USERS.search(text)
    if not m:
        return None
    num, scale = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    v = to_number(num) * _DAU_SCALE.get((scale or "").lower(), 1)
    return int(v) if 1 <= v <= 1e10 else None


def find_tokens_per_day(text: str) -> float | None:
    """A serving volume: '10M tokens a day', '2B tokens per day', '每天1000万token', '日均1亿token'; a monthly one
    ('300M tokens a month', '每月 3 亿 output token') as its daily average (30.4 days). A volume per person
    ('30 人每人每天大约 5 万 token', '50k tokens per user per day') is multiplied by the head count."""
    v = _tokens_per_day(text)
    if not v:
        return v
    low = text.lower()
    m = TOKENS_PER_DAY.search(low) or TOKENS_PER_MONTH.search(low)
    near = low[max(0, m.start() - 24): m.end() + 16] if m else ""
    if re.search(r"每人|每个人|每个用户|每位|人均|per (?:user|person|head|employee|seat)|\beach\b|a (?:user|person|head)", near):
        users = find_users(text)[0]
        if not users:
            users = find_daily_users(text)  # "10 万 DAU，人均每天生成 3000 token": the volume of all of them
        if not users:
            h = re.search(r"(\d[\d,]*)\s*(?:个|名|位)?\s*(?:人|员工|用户|users?|people|employees|seats|staff)", low)
            users = int(h.group(1).replace(",", "")) if h else None
        if users and users > 1:
            return v * users
    return v


def _tokens_per_day(text: str) -> float | None:
    m = TOKENS_PER_DAY.search(text.lower())
    if not m:
        mm = TOKENS_PER_MONTH.search(text.lower())
        if not mm:
            return None
        if mm.group(1):
            return to_number(mm.group(1)) * _SCALE.get(mm.group(2) or "", 1) / 30.4
        v = to_number(mm.group(3)) if mm.group(3)[0].isdigit() else zh_number(mm.group(3))
        return (v or 0) * _ZH_SCALE.get(mm.group(4) or "", 1) / 30.4 or None
    if m.group(1):
        return to_number(m.group(1)) * _SCALE.get(m.group(2) or "", 1)
    if m.group(5):  # "每天处理 10M tokens"
        return to_number(m.group(5)) * _SCALE[m.group(6)]
    v = to_number(m.group(3)) if m.group(3)[0].isdigit() else zh_number(m.group(3))
    return (v or 0) * _ZH_SCALE.get(m.group(4) or "", 1) or None


PROMPT_TOKENS = re.compile(rf"({_NUM})\s*(k|m)?\s*[- ]?tokens?\s*(?:long\s+)?(?:of\s+)?(?:prompt|context|input|document|window|上下文|提示)",
                           re.I)


def find_tokens(text: str) -> float | None:
    low = PROMPT_TOKENS.sub(" ", PER_MILLION.sub(" ", TOKENS_PER_DAY.sub(" ", text.lower())))
    paren = re.search(r"(?:tokens?|词元)\s*[（(]\s*(\d+(?:\.\d+)?)\s*([bmt])\s*[)）]|[（(]\s*(\d+(?:\.\d+)?)\s*([bt])\s*[)）]\s*(?:tokens?|词元)",
                      low)
    if paren:  # "100 倍 token（100B）": the count written in brackets after the word
        v, unit = (paren.group(1), paren.group(2)) if paren.group(1) else (paren.group(3), paren.group(4))
        return float(v) * {"m": 1e6, "b": 1e9, "t": 1e12}[unit]
    # "half a billion tokens", "a trillion tokens", "quarter of a billion": the number said in words
    w = re.search(r"\b(half a|a quarter of a|quarter of a|a|one|two|three|five|ten)\s+(trillion|billion|million)\s+(?:training\s+)?tokens?\b",
                  low)
    if w:
        n = {"half a": 0.5, "a quarter of a": 0.25, "quarter of a": 0.25, "a": 1, "one": 1, "two": 2, "three": 3,
             "five": 5, "ten": 10}[w.group(1)]
        return n * _SCALE[w.group(2)]
    m = re.search(rf"(?<!每次)(?<!每次 )(?<!每条)(?<!每条 )(?<!each )(?<!per request )({_NUM})\s*(t|trillion|b|billion|m|million|k|thousand)"
                  r"[\s-]*(?:training\s+|of\s+)?(?:tokens?|toks?)\b", low)
    if m:  # (not "每次 2k token": the size of one request)
        return to_number(m.group(1)) * _SCALE[m.group(2)]
    m = re.search(rf"({_NUM})\s*(?:training\s+)?tokens?\b", low)
    if m and ("e" in m.group(1) or to_number(m.group(1)) >= 1e5):
        return to_number(m.group(1))
    m = re.search(r"(\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+)\s*(万亿|千亿|亿|千万|百万|万)\s*(?:个)?\s*(?:token|词元|tokens)",
                  low)
    if m:
        v = to_number(m.group(1)) if m.group(1)[0].isdigit() else zh_number(m.group(1))
        return (v or 0) * _ZH_SCALE[m.group(2)] or None
    return None


def find_days(text: str) -> float | None:
    """A deadline: 'in 30 days', 'within 2 weeks', 'by a month', '30天内', '一个月内', '两周'."""
    low = text.lower()
    m = re.search(r"(?:in|within|under|deadline of|deadline|by|less than|finish in|done in)\s+(?:a|one|(\d+(?:\.\d+)?))\s*"
                  r"(day|week|month)s?", low)
    m = m or re.search(r"(?:(\d+(?:\.\d+)?)|a|one)\s*(day|week|month)s?\s+(?:from now|left|away|to (?:do|finish|get) it)\b", low) \
        or re.search(r"\b(?:have|got|has|get)\b.{0,40}?\bfor (?:(\d+(?:\.\d+)?)|a|one)\s*(day|week|month)s?\b", low)
    if m:
        return float(m.group(1) or 1) * {"day": 1, "week": 7, "month": 30}[m.group(2)]
    # a deadline in hours: "finish overnight (10 hours)", "done within 8 hours", "in under 12h"
    m = re.search(r"(?:in|within|under|finish(?:ed)? in|done in|overnight|by (?:tomorrow )?(?:morning|tonight|tomorrow)|"
                  r"deadline (?:is|of)|deadline:?)\W{0,3}(?:about |~)?(\d+(?:\.\d+)?)\s*"
                  r"(?:hours?|hrs?|h)\b", low) or re.search(r"(\d+(?:\.\d+)?)\s*(?:个)?\s*小时\s*(?:内|之内|以内)\s*(?:能|可以)?\s*"
                                                       r"(?:跑完|完成|搞定|做完|处理完)", text)
    m = m or re.search(r"(\d+(?:\.\d+)?)\s*(?:个)?\s*小时\s*(?:够不够|够吗|够用吗|能不能|能否|来得及|跑得完|跑完吗|的?\s*(?:窗口|时间窗))", text) \
        or re.search(r"(\d+(?:\.\d+)?)[- ]?(?:hours?|hrs?|h)\s+(?:batch\s+)?window\b", low)
    if m and 0 < float(m.group(1)) <= 240:
        return float(m.group(1)) / 24
    m = re.search(r"\b(?:have|got|has)\b[^.?!]{0,40}?\(\s*(\d+(?:\.\d+)?)\s*(?:hours?|hrs?|h)\s*\)|"  # "for the weekend (60 hours)"
                  r"\b(?:for|over|during|in|within) (?:a |the )?weekend\b\W{0,3}(\d+(?:\.\d+)?)\s*(?:hours?|hrs?|h)\b", low)
    if m and 0 < float(m.group(1) or m.group(2)) <= 720:
        return float(m.group(1) or m.group(2)) / 24
    if re.search(r"overnight", low):
        return 12 / 24  # "can it finish overnight?": about 12 hours
    m = re.search(r"\b(?:have|got|has|given)\s+(?:only\s+|just\s+|about\s+)?(a|one|two|three|\d+(?:\.\d+)?)\s*(day|week|month)s?\b"
                  r"(?!\s*(?:of|worth of)\s+(?:data|logs|traffic|tokens))", low)
    if m:  # "Have a week.", "we have 2 weeks": the time there is to finish the job
        n = {"a": 1, "one": 1, "two": 2, "three": 3}.get(m.group(1)) or float(m.group(1))
        return n * {"day": 1, "week": 7, "month": 30}[m.group(2)]
    m = re.search(r"(\d+(?:\.\d+)?|[一二两三四五六七八九十]+)\s*(?:个)?\s*(天|周|星期|月)\s*(?:内|之内|以内|完成|训完|搞定|跑完)|"
                  r"(一|1)\s*(天)\s*(?:能|可以|能不能|可不可以)\s*(?:跑完|完成|处理完|做完)|"
                  # "可以跑 3 天，来得及吗？": the days there are, asked against
                  r"(?:可以|能|只能)\s*(?:跑|用|租)\s*(\d+(?:\.\d+)?|[一二两三四五六七八九十]+)\s*(?:个)?\s*(天|周|星期|月)(?=.{0,12}(?:来得及|够|赶得上|完成|跑完))",
                  text) or re.search(r"(?:放宽到|延长到|放到|改成|改为|给|有)\s*(\d+(?:\.\d+)?|[一二两三四五六七八九十]+)\s*(?:个)?\s*(天|周|星期|月)",
                                     text)
    if m:
        num, unit = next((m.group(i), m.group(i + 1)) for i in (1, 3, 5) if m.lastindex and m.lastindex >= i and m.group(i))
        v = to_number(num) if num[0].isdigit() else zh_number(num)
        return (v or 0) * {"天": 1, "周": 7, "星期": 7, "月": 30}[unit] or None
    return None


# a comparison for serving many requests at once ("高并发", "high concurrency", "at scale"): cards and formats are
# judged by what carries that load, not by one stream's speed
SERVING_LOAD = re.compile(r"高并发|大并发|高吞吐|大吞吐|吞吐量?|\bhigh[- ](?:concurrency|throughput|load|traffic)\b|"
                          r"\bthroughput\b|\bat scale\b|\bmany (?:users|requests)\b|\bproduction (?:serving|traffic)\b", re.I)
OFFICE_HOURS = re.compile(r"office hours|business hours|working hours|work hours|上班时间|工作时间|办公时间")


def clock_span_hours(low: str) -> float | None:
    """The hours a day of a clock span said ("9am-6pm", "9-to-6", "9 点到 18 点", "朝九晚六", "office hours": 9 to 6),
    from lower-cased text; None when no span is said."""
    span = re.search(r"(?<![\d.:])(\d{1,2})(?::00)?\s*(am|点)?\s*(?:-?\s*to\s*-?|-|–|至|到)\s*(\d{1,2})(?::00)?\s*(pm|点)?(?![\d.:%])"
                     r"(?=\s*(?:on |，|,|\s|$|每|工作|weekdays|workdays|点))", low)
    office = OFFICE_HOURS.search(low)
    if span and (span.group(2) or span.group(4) or re.search(r"\d\s*-?to-?\s*\d", span.group(0)) or office):
        start, end = int(span.group(1)), int(span.group(3))
        end = end + 12 if end <= start and end < 12 else end  # "9-to-6": 9:00 to 18:00
        if 0 < end - start <= 24:
            return float(end - start)
    if re.search(r"朝九晚六|早九晚六", low) or office:
        return 9.0  # office hours with no span said: 9 to 6
    return None


def find_hours_per_day(text: str) -> float | None:
    low = text.lower()
    if re.search(r"24\s*/\s*7|around the clock|all day every day|non-?stop|\bcontinuous(?:ly)?\b|\b24 hours a day\b|"
                 r"全天|不间断|(?:跑|开|用)满\s*24\s*(?:个)?\s*小时|24\s*(?:个)?\s*小时\s*(?:不停|不间断|不关机|连续|运行)",
                 low) and not re.search(r"continuous(?:ly)? batch", low):  # "continuous batching" is not a schedule
        return 24.0
    off = re.search(r"(?:晚上|夜里|凌晨)?\s*(\d{1,2})\s*点\s*(?:到|至|-)\s*(?:早上|上午|凌晨|第二天)?\s*(\d{1,2})\s*点\s*(?:关机|关掉|停机|不开|关)|"
                    r"\b(?:shut (?:it |them )?down|turn(?:ed)? off|off)\s+(?:from\s+)?(\d{1,2})\s*(?:am|pm)?\s*(?:to|-|until)\s*"
                    r"(\d{1,2})\s*(am|pm)?\b", low)
    if off:  # "每天晚上 12 点到早上 8 点关机": on for the rest of the day
        a, b = (int(off.group(1)), int(off.group(2))) if off.group(1) else (int(off.group(3)), int(off.group(4)))
        if a == 12 and re.search(r"(?:晚上|夜里|半夜)\s*12|12\s*am", low):
            a = 0  # "晚上 12 点", "12am": midnight
        elif a < 12 and re.search(rf"(?:晚上|夜里)\s*{a}\s*点|\b{a}\s*pm", low):
            a += 12  # "晚上 10 点": 22:00
        hours_off = (b - a) % 24 or 24
        if 0 < hours_off < 24:
            return float(24 - hours_off)
    m = re.search(r"(\d+(?:\.\d+)?)\s*(?:hours?|hrs?|h)\s*(?:a|per|each|every|/)\s*(?:day|d)\b", low)
    span = None if m else clock_span_hours(low)
    if span:  # "9am-6pm weekdays": the average day of the week
        weekdays = re.search(r"\bweekdays?\b|\bmon(?:day)?\s*(?:-|to|through)\s*fri(?:day)?\b|工作日|周一到周五|5 days a week",
                             low) or OFFICE_HOURS.search(low)  # office hours are a working week's, as own_numbers reads them
        return round(span * 5 / 7, 1) if weekdays else span
    if not m:
        m = re.search(r"(?:每天|一天|每日|白天|daytime)\s*(?:只|就|大概|大约|约|平均)?\s*"
                      r"(?:\d+\s*(?:张|块|台)\s*(?:卡|gpu|显卡|机器)?\s*(?:都|一起)?\s*)?"  # "每天大概 8 张卡跑 10 小时"
                      r"(?:用|跑|使用|运行|开|推理|训练|生成|工作|在线|开机|满载|干活)?\s*(?:满|足|了)?"
                      r"\s*(?:大概|大约|约)?\s*(\d+(?:\.\d+)?|[一二两三四五六七八九十]+)\s*(?:个)?\s*小时", text)
    if m:
        v = to_number(m.group(1)) if m.group(1)[0].isdigit() else zh_number(m.group(1))
        week = re.search(r"(\d)\s*days?\s*(?:a|per|each|every|/)\s*week|(?:每周|一周|每星期)\s*(?:用|跑)?\s*([1-7一二两三四五六七])\s*天",
                         low)
        if v and week:  # "8 hours a day, 5 days a week": the average day
            days = week.group(1) or week.group(2)
            v = round(v * (int(days) if days.isdigit() else zh_number(days)) / 7, 1)
        elif v and re.search(r"\bweekdays\b|\bmon(?:day)?\s*(?:-|to|through)\s*fri(?:day)?\b|工作日|周一到周五", low):
            v = round(v * 5 / 7, 1)  # "10 hours a day on weekdays"
        return v
    m = re.search(r"(\d{1,3})\s*%\s*(?:utili[sz](?:ation|ed)|of the time|usage|busy|use|load|duty)|(?:utili[sz]ation|利用率|使用率)\D{0,30}?(\d{1,3})\s*%",
                  low)
    if m and 0 < int(m.group(1) or m.group(2)) <= 100:  # "at 50% utilization": the hours a day it is in use
        return round(24 * int(m.group(1) or m.group(2)) / 100, 1)
    # hours a week or a month in all ("like 20 hrs a month", "每周大概用 15 小时"): the average day
    m = re.search(r"(?<![\w-])(\d+(?:\.\d+)?)\s*(?:h|hrs?|hours?)\s*(?:of\s+\w+\s+)?(?:a|per|/|each)\s*(week|month)\b|"
                  r"(每周|一周|每星期|每个月|每月|一个月)\s*(?:大概|大约|约|只|就)?\s*(?:用|跑|开|使用|训练)?\s*(?:大概|大约|约)?\s*"
                  r"(\d+(?:\.\d+)?)\s*(?:个)?\s*小时(?!\s*(?:不停|不间断|连续|不关|全天))", low)
    if m:
        v, per = (float(m.group(1)), m.group(2)) if m.group(1) else (float(m.group(4)), m.group(3))
        days = 7 if per in ("week", "每周", "一周", "每星期") else 30.4
        if 0 < v <= days * 24:
            return round(v / days, 2)
    return None


ZH_PER_USER_SPEED = re.compile(r"(?:每人|每个?人|每个?用户|每路|每个请求|单用户|每位)\s*(?:每秒|/秒|一秒)\s*(?:至少|要|需要|能有|有)?\s*"
                               r"(\d+(?:\.\d+)?)\s*(?:个)?\s*(?:token|tok|字|词元)|"
                               r"(?:每人|每个?人|每个?用户|每路|每位)\s*(?:期望|希望|要求|需要|至少|要|能有|大概|约)?\s*(?:达到|有)?\s*"
                               r"(\d+(?:\.\d+)?)\s*(?:个)?\s*"
                               r"(?:token|tok)s?\s*(?:/\s*s|每秒|/秒)|"
                               r"(?:每秒|一秒)\s*(\d+(?:\.\d+)?)\s*(?:个)?\s*(?:token|tok|字|词元)s?\s*(?:每人|每个?用户|每路|/人)|"
                               # "每个用户生成速度不低于 20 token/s", "单用户输出速度要 30 tok/s 以上"
                               r"(?:每人|每个?人|每个?用户|每路|每位|单用户|单路)[^。，,;；？?\d]{0,10}?"
                               r"(?:速度|生成|输出|吐字)[^。，,;；？?\d]{0,8}?(\d+(?:\.\d+)?)\s*(?:个)?\s*(?:token|tok|字|词元)s?\s*(?:/\s*s|每秒|/秒)")


AGGREGATE = re.compile(rf"({_NUM})\s*(k)?\s*(?:tok(?:en)?s?\s*/\s*s(?:ec)?|tokens? (?:per|a) second|tok/s|t/s|tps)\s*"
                       r"(?:in )?(?:aggregate|total|in total|overall|combined|across all users|throughput)|"
                       rf"(?:aggregate|total|overall|combined)\s+(?:throughput\s+)?(?:of\s+)?({_NUM})\s*(k)?\s*(?:tok(?:en)?s?\s*/\s*s|tokens? per second|tok/s)|"
                       rf"(?:总吞吐|吞吐量?|throughput|合计|总共|总计)\s*(?:是|为|有|达到|约|大概|of|is|at|=|:|：)?\s*(?:约|大概|about|~)?\s*"
                       rf"({_NUM})\s*(?:个)?\s*(?:token|tok)s?\s*(?:/\s*s|每秒)", re.I)


def find_aggregate_speed(text: str) -> float | None:
    """A total generation rate the person has measured or wants: '1,500 tokens/s aggregate', '总吞吐 2000 token/s'."""
    m = AGGREGATE.search(text)
    if not m:
        return None
    g = m.groups()
    value = next(x for x in (g[0], g[2], g[4]) if x)
    scale = 1e3 if (g[1] or g[3]) else 1
    return to_number(value) * scale


MEASURED = re.compile(rf"(?<!should )(?<!must )(?<!to )(?<!will )(?<!would )(?<!can )(?<!could )\b(?:gets?|getting|got|see|seeing|saw|measure[sd]?|only|just|am at|is at|runs? at|doing|generates?|generating|"
                      rf"hits?|hitting|achieves?|reach(?:es)?|claims?|claiming|does|outputs?|produces?)\s+(?:about\s+|around\s+|~)?"
                      rf"({_NUM})\s*(?:tok(?:en)?s?\s*/\s*s(?:ec)?|tokens? (?:per|a) second|tok/s|t/s|tps)|"
                      rf"(?:只有|才|实测|测得|跑出|跑到|能跑|能到|达到|号称|声称|宣称)\s*(?:约|大概)?\s*({_NUM})\s*(?:个)?\s*(?:token|tok)s?\s*(?:/\s*s|每秒)|"
                      # a speed, then whether it is normal: "单用户 28 token/s，这个正常吗", "20 tok/s - is that normal?"
                      rf"({_NUM})\s*(?:个)?\s*(?:tok(?:en)?s?\s*/\s*s(?:ec)?|tok/s|t/s|tps|(?:token|tok)s?\s*每秒)"
                      r"[^。.!?？\n]{0,16}?(?:正常吗|正常不|正常么|合理吗|算正常|是不是(?:没调好|太慢|偏慢)|"
                      r"\bis (?:that|this|it) (?:normal|expected|right|reasonable|ok|okay|good)\b)",
                      re.I)


ASSUMED_ACTIVE_SHARE = 5.0  # % of a head count using an internal assistant at once at peak, when the person says none
# users counted across a company ("1000 users internally", "公司内部 300 人用") are a head count, unless said to be at once
INTERNAL_HEAD_COUNT = re.compile(r"\binternal(?:ly)?\b|\bin[- ]house\b|\bcompany[- ]wide\b|\bacross the (?:company|org)|"
                                 r"内部|公司内|全公司", re.I)
AT_ONCE_WORDS = re.compile(r"concurren|at once|simultaneous|same time|in parallel|\bpeak\b|\bactive\b|\bonline\b|"
                           r"同时|并发|在线|高峰|峰值", re.I)

CLAIMED_SPEED = re.compile(r"\b(?:plausible|realistic|possible|legit|believable|credible)\b|\btrue\?|\b(?:vendor|they|someone|blog|"
                           r"post|article)\b.{0,30}\b(?:says?|claims?|promises?|advertis\w+)\b|真的假的|靠谱吗|可能吗|可信吗|"
                           r"真的吗|吹牛|网上说|厂商说|号称|宣称|声称", re.I)


def find_measured_speed(text: str) -> float | None:
    """A speed the person observes and asks about ('my 3090 gets 20 tokens/s, is that normal?')."""
    m = MEASURED.search(text)
    return to_number(next(g for g in m.groups() if g)) if m else None


def find_target_speed(text: str) -> float | None:
    if MEASURED.search(text):
        text = MEASURED.sub(" ", text)
    if AGGREGATE.search(text):
        text = AGGREGATE.sub(" ", text)
    z = ZH_PER_USER_SPEED.search(text.lower())
    if z:
        return to_number(next(g for g in z.groups() if g))
    m = re.search(rf"({_NUM})\s*(?:tok(?:en)?s?\s*/\s*s(?:ec)?|tokens? (?:per|a) second|tok/s|t/s|tps)\b"
                  r"(?=[^.?!]{0,30}(?:each|per user|per request|per stream|every user|apiece|or more|at least|minimum))",
                  text.lower())
    if not m:
        m = re.search(rf"(?:at least|minimum of|min|>=|≥|>|more than|over|above|faster than|target of|target|want|need|expect|"
                      rf"expects|每个?用户|每路|至少|期望|希望|超过|大于|"
                      rf"(?:should|must|needs? to|to|can|could) (?:get|see|have|receive|reach))\s*(?:about\s+|around\s+|~)?({_NUM})\s*"
                      r"(?:tok(?:en)?s?\s*/\s*s(?:ec)?|tokens? (?:per|a) second|tok/s|t/s|tps)", text.lower())
    if not m:  # "5+ tok/s": that speed or more
        m = re.search(rf"({_NUM})\s*\+\s*(?:tok(?:en)?s?\s*/\s*s(?:ec)?|tokens? (?:per|a) second|tok/s|t/s|tps)", text.lower())
    if not m:
        m = re.search(rf"({_NUM})\s*(?:tok(?:en)?s?\s*/\s*s(?:ec)?|tokens? (?:per|a) second|tok/s|t/s)", text.lower())
        if m and not re.search(r"\bat\s+" + re.escape(m.group(1)), text.lower()) and not re.search(
                r"run|serve|need|want|get|hit|reach|达到|要求", text.lower()):
            return None
    return to_number(m.group(1)) if m else None


def find_ttft(text: str) -> float | None:
    low = text.lower()
    m = re.search(r"(?:ttft|time to first token|first token|首token|首字|首 token)\D{0,20}?(\d+(?:\.\d+)?)\s*(ms|s|sec|秒|毫秒)",
                  low)
    if not m:
        return None
    v = float(m.group(1))
    return v / 1000 if m.group(2) in ("ms", "毫秒") else v


_CURRENCY = [(r"人民币|rmb|cny|¥|￥|(?<![美欧日])元(?!素)|块钱", "CNY"), (r"€|eur\b|euros?\b|欧元", "EUR"), (r"£|gbp|pounds?\b|英镑", "GBP"),
             (r"日元|jpy|円", "JPY"), (r"\$|usd|dollars?|bucks|美元|美金|刀\b", "USD")]
_BUDGET_SCALE = {"k": 1e3, "m": 1e6, "万": 1e4, "千": 1e3, "百万": 1e6, "千万": 1e7, "亿": 1e8, "w": 1e4, "": 1}


def find_money(text: str) -> tuple[float | None, str | None]:
    """A budget: '$20k budget', 'budget of 50,000 USD', '预算10万美元', '5万人民币预算', '€30k'. Returns (amount, currency);
    the currency is None when only a bare number follows 'budget'."""
    low = text.lower()
    num = rf"({_NUM})\s*(k|m|w|万|千|百万|千万|亿)?"
    cur = "|".join(p for p, _ in _CURRENCY)
    pats = [rf"(?:budget|spend|afford|under|up to|max(?:imum)?|(?:i|we) (?:only )?(?:have|got)|^\s*with|预算|经费|只有|最多|不超过)"
            rf"\D{{0,12}}?(?:{cur})\s*{num}\b(?!\s*(?:/\s*(?:h\b|hr|hour|gpu|card|1m|m\b|k\b)|per\s+(?:hour|hr|gpu|card|token|1m|"
            rf"million)|an?\s+(?:hour|hr)\b|each\b))",
            rf"(?:budget|spend|afford|under|up to|max(?:imum)?|预算|经费|只有|最多|不超过)[^\d$€£¥￥]{{0,12}}?{num}\s*(?:{cur})",
            rf"(?:{cur})\s*{num}\s*(?:budget|max|预算)", rf"{num}\s*(?:{cur})\s*(?:的)?\s*(?:budget|预算)",
            rf"(?:budget|预算)\s*(?:of|is|:|：|为|是)?\s*{num}(?!\s*(?:tokens?|gpus?|张|卡|小时|天|hours?|days?))(?![\d,]|\.\d)"
            rf"(?![a-z])",  # ("预算 2 万够不够": the 万 is the amount's, whatever follows it)
            # money to spend on a machine: "$20k to build a local rig", "€15k for a workstation", "花20万买卡"
            rf"(?:{cur})\s*{num}\s+(?:to (?:build|spend|buy|put into|invest)|for (?:a |an |the |my |our )?(?:local )?"
            rf"(?:rig|build|server|machine|box|setup|workstation|hardware|gpus?|cards?)\b)",
            rf"(?:花|投入|拿出|准备)\s*{num}\s*(?:{cur})?\s*(?:买|搭|配|组|采购)"]
    pats = [pats[2], pats[0], pats[1], pats[3], pats[5], pats[6], pats[4]]  # "$100k budget at $2/gpu-hour": the amount before the word
    for i, pat in enumerate(pats):
        m = re.search(pat, low)
        if not m:
            continue
        value = to_number(m.group(1)) * _BUDGET_SCALE[(m.group(2) or "").lower()]
        said = m.group(0)
        currency = next((c for p, c in _CURRENCY if re.search(p, said)), None)
        if currency is None and i < 4:
            continue
        if currency is None and i == 5:
            currency = "CNY"  # "花20万买卡": an amount in 万 with no currency, said in Chinese
        return value, currency
    return None, None


_RATE_VALUE = r"(\d{1,3}(?:\.\d{1,4})?)"


def find_exchange_rate(text: str) -> float | None:
    """An exchange rate the person gave, in units of their currency per US dollar: '汇率按7.1', '按 7.2 的汇率',
    '1美元=7.2元', '7.2元/美元', 'at 7.2 yuan per dollar', 'exchange rate 7.1', 'USD/CNY 7.2', '1 usd = 0.92 eur'."""
    low = text.lower()
    pats = [rf"汇率\s*(?:按|是|为|:|：|取|约|大约)?\s*{_RATE_VALUE}",
            rf"按\s*{_RATE_VALUE}\s*(?:的)?\s*汇率",
            rf"1\s*(?:美元|美金|usd|\$|dollar)\s*(?:=|＝|兑|换|约|≈)\s*{_RATE_VALUE}\s*(?:元|人民币|rmb|cny|eur|欧元|日元|jpy|yen)",
            rf"{_RATE_VALUE}\s*(?:元|人民币|rmb|cny|块)\s*(?:/|每|一)\s*(?:美元|美金|usd|dollar)",
            rf"\b(?:at|@)\s*{_RATE_VALUE}\s*(?:yuan|rmb|cny|eur|euros?|yen|jpy)\s*(?:per|to the|to a|a|/)\s*(?:dollar|usd|\$)",
            rf"\bexchange rate\s*(?:of|is|at|:|=|~|≈)?\s*(?:about |around )?{_RATE_VALUE}\b",
            rf"\busd\s*/\s*(?:cny|rmb|eur|jpy)\s*(?:=|:|at|of|~)?\s*{_RATE_VALUE}\b"]
    for pat in pats:
        m = re.search(pat, low)
        if m:
            value = float(m.group(1))
            return value if 0.01 <= value <= 1000 else None
    return None


TOKENS_AS_SIZE = re.compile(r"(?:tokens?|词元)\s*[（(]\s*\d+(?:\.\d+)?\s*[bBtTmM]\s*[)）]|"
                            r"[（(]\s*\d+(?:\.\d+)?\s*[bBtT]\s*[)）]\s*(?:tokens?|词元)")


# a token count said as the whole run's ("200M tokens total", "a total of 2B tokens", "总共 2 亿 token"); "each pair ~3k
# tokens total" is not the run's (its count is not the run's token count)
TOKENS_TOTAL = re.compile(r"~?\s*(\d[\d.,]*)\s*([kmbt]|亿|万)?\s*tokens?\s+(?:in\s+)?total\b|\btotal (?:of )?~?\s*(\d[\d.,]*)\s*([kmbt])?\s*"
                          r"tokens?\b|(?:总共|一共|合计|总计)\s*(?:约|大概|~)?\s*(\d[\d.,]*)\s*(亿|万|[kmbt])?", re.I)


def _said_as_total(text: str, tokens: float) -> bool:
    for m in TOKENS_TOTAL.finditer(text):
        if re.search(r"\b(?:each|per|every)\b|每", text[max(0, m.start() - 20):m.start()], re.I):
            continue  # "each pair ~3k tokens total": one item's tokens, not the run's
        num, unit = next(((m.group(i), m.group(i + 1)) for i in (1, 3, 5) if m.group(i)), (None, None))
        value = to_number(num) * {**_SCALE, **_ZH_SCALE}.get((unit or "").lower(), 1) if num else None
        if value and abs(value - tokens) <= 0.05 * tokens:
            return True
    return False


def find_budget(text: str) -> float | None:
    """The budget in US dollars (None when it was given in another currency: see find_money)."""
    value, currency = find_money(text)
    return value if value is not None and currency in ("USD", None) else None


_ZH_COUNT = "[一二两三四五六七八九十半]+"
_EN_COUNT = r"\d+(?:\.\d+)?|a|one|two|three|four|five|six|ten|half a"


def find_months(text: str) -> float | None:
    """A period of use (not a deadline): 'for a year', 'over 2 years', '3 years', '18 months of use', 'per month',
    'monthly', '一个月', '每月', '要用3年', '两年'. Deadlines ('within a month', '一个月内') are find_days'."""
    low = text.lower()
    words = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "ten": 10, "half a": 0.5}

    def value(w: str) -> float | None:
        if w in words:
            return float(words[w])
        if w == "半":
            return 0.5
        if re.fullmatch(r"\d+(?:\.\d+)?", w):
            return float(w)
        return zh_number(w)

    m = re.search(rf"(?<!within )(?<!in )(?<!under )(?<!by )\b({_EN_COUNT})[- ]?(years?|yrs?|months?)\b(?!\s*(?:ago|old))",
                  low)
    if m and not re.search(r"(?:within|in|under|by|deadline(?: of)?)\s+$", low[:m.start()]):
        v = value(m.group(1))
        if v:
            return v * (12 if m.group(2).startswith("y") else 1)
    m = re.search(rf"(\d+(?:\.\d+)?|{_ZH_COUNT})\s*(?:个)?\s*(年|月)(?!\s*(?:内|之内|以内|前|底|初|份))", text)
    if m and not (m.group(2) == "年" and re.fullmatch(r"\d{4}", m.group(1))):
        v = value(m.group(1))
        if v and (m.group(2) == "月" or v <= 30):
            return v * (12 if m.group(2) == "年" else 1)
    m = re.search(rf"\bfor (?:({_EN_COUNT}) )?weeks?\b|(\d+|{_ZH_COUNT})\s*(?:个)?\s*(?:周|星期)(?!\s*(?:内|之内|以内))", low)
    if m:
        v = value(m.group(1) or m.group(2) or "a")
        if v:
            return round(v * 7 / (365 / 12), 4)
    if re.search(r"\bmonthly\b|\bper month\b|(?<!within )(?<!in )(?<!under )\ba month\b|/\s*mo(?:nth)?\b|每月|每个月|"
                 r"月租|包月", low):
        return 1.0
    if re.search(r"\bper year\b|(?<!within )(?<!in )\ba year\b|\byearly\b|\bannual(?:ly)?\b|/\s*yr\b|每年", low):
        return 12.0
    return None


_PER_HOUR = r"(?:(?:/|per|an|a|each|every)\s*(?:gpu[- ]?)?(?:hour|hr|h)\b|\s*/\s*(?:卡\s*)?(?:小时|时)|\s*每(?:卡)?(?:小时|卡时))"
GPU_HOUR_PRICE = re.compile(
    rf"[$€]\s*({_NUM})\s*(?:usd\s*|eur\s*)?(?:/\s*gpu\s*|per gpu\s*)?{_PER_HOUR}|"
    rf"({_NUM})\s*(?:usd|dollars?|bucks)\s*(?:/\s*gpu\s*|per gpu\s*)?{_PER_HOUR}|"
    r"(?:每卡|每张卡?|每块卡?|单卡|每个?gpu|每gpu)?\s*(?:每小时|一小时|每个小时|/小时)\s*(?:\$\s*)?(\d+(?:\.\d+)?)\s*(?:美元|美金|刀|usd|\$)|"
    r"(?:每卡|每张卡?|每块卡?|单卡|每个?gpu|每gpu)?\s*(?:每小时|一小时|每个小时|/小时)\s*\$\s*(\d+(?:\.\d+)?)|"  # "每卡每小时 $2.5"
    r"(?:\$\s*)?(\d+(?:\.\d+)?)\s*(?:美元|美金|刀|usd|\$)\s*(?:每卡|每张卡?)?\s*(?:/\s*(?:卡\s*[·*]?\s*)?(?:小时|h)|每小时|一小时|每卡时|/卡时)|"
    # "每卡时 1.5 美元", "租金 $2/小时", "卡时单价 2 美元"
    r"(?:每卡时|每卡每时|卡时单价|每\s*gpu\s*小时|租金|租价)\s*(?:是|为|约|大概)?\s*(?:\$\s*)?(\d+(?:\.\d+)?)\s*(?:美元|美金|刀|usd|\$)?"
    r"(?=\s*(?:/\s*(?:卡\s*)?(?:小时|h)|每小时|[,，。;；)）]|$|\s))(?!\s*(?:元|块|万|k\b))",
    re.I)


CNY_HOUR = re.compile(r"[¥￥]\s*(\d+(?:\.\d+)?)\s*/\s*(?:卡\s*[·*/]?\s*)?(?:卡时|小时|时|h\b)|"  # "¥15/卡时", "¥8/时"
                      r"(?:每卡|每张卡?|每块卡?|单卡)?\s*(?:每小时|一小时|每个小时|每卡时)\s*(?:[¥￥]\s*(\d+(?:\.\d+)?)|(\d+(?:\.\d+)?)\s*(?:块钱?|元))(?:\s*人民币)?|"
                      r"(\d+(?:\.\d+)?)\s*(?:块钱?|元)(?:\s*人民币)?\s*(?:/\s*(?:卡\s*[·*/]?\s*)?小时|每小时|一小时|/卡时)")  # "15 元/卡/小时"
CNY_KWH = re.compile(r"[¥￥]\s*(\d+(?:\.\d+)?)\s*(?:/|每|一)\s*(?:度|千瓦时)|"  # "电价 ¥0.6/度"
                     r"(\d+(?:\.\d+)?)\s*(?:块钱?|元)\s*(?:/|每|一)\s*(?:度|千瓦时|kwh)|"
                     r"(?:电价|电费单价|每度电?)\s*(?:是|为|约)?\s*(\d+(?:\.\d+)?)\s*(?:块钱?|元)|"
                     # no currency in a Chinese question: yuan ("电费按0.6一度", "电价 0.5/度")
                     r"(?:电费|电价)\s*(?:按|是|为|约|大概)?\s*(\d+(?:\.\d+)?)\s*(?:块钱?|元)?\s*(?:/|每|一)?\s*(?:度|千瓦时)|"
                     r"(\d+(?:\.\d+)?)\s*一度", re.I)


def find_cny_prices(text: str) -> tuple[float | None, float | None]:
    """(yuan per GPU-hour, yuan per kWh): '每张每小时9块钱人民币', '9元/小时', '电价0.6元/度'."""
    h = CNY_HOUR.search(text)
    k = CNY_KWH.search(text)
    hour = to_number(next(g for g in h.groups() if g)) if h else None
    kwh = to_number(next(g for g in k.groups() if g)) if k else None
    return (hour if hour and 0 < hour <= 10000 else None), (kwh if kwh and 0 < kwh <= 100 else None)


def find_gpu_prices(text: str, pattern: re.Pattern = GPU_HOUR_PRICE) -> dict:
    """Each GPU's own price when several are priced: 'H100 is $2.99/h, A100 is $1.49/h' -> the GPU named nearest before
    each price (within the same clause). `pattern` reads the price: dollars, or yuan (CNY_HOUR: 'L4（¥3.5/卡时）')."""
    out = {}
    for m in pattern.finditer(text.lower()):
        before = text[max(0, m.start() - 40): m.start()]
        before = re.split(r"[,;，；。]|\band\b", before)[-1]
        named = find_gpus(before)
        if named:
            v = to_number(next(g for g in m.groups() if g))
            if 0 < v <= 1000:
                out[named[-1][0]] = v
    return out if len(out) >= 2 else {}


def find_gpu_hour_price(text: str) -> float | None:
    """The person's own rental price per GPU-hour: '$2.50/hour', '$2.5/h', '2 USD per GPU hour', '每卡每小时2美元',
    '2美元/小时'. USD only (other currencies are said back, not converted)."""
    m = GPU_HOUR_PRICE.search(text.lower())
    if not m:
        return None
    v = to_number(next(g for g in m.groups() if g))
    return v if 0 < v <= 1000 else None


DEVICES = re.compile(r"raspberry\s*pi(?:\s*\d)?|树莓派\s*\d?|jetson(?:\s+(?:orin|agx|xavier|nano|nx|thor))*(?:\s+(?:nano|nx|agx))?|"
                     r"\borin nano\b|\biphone(?:\s*\d+)?(?:\s*pro)?|\bipad\b|\bandroid(?: phone)?|\bpixel \d+|"
                     r"\bsnapdragon\b|骁龙|\bsteam deck\b|\bcoral\b|\bintel (?:core|xeon)\b|\bryzen(?:\s*\d+)?\b|"
                     r"\bcpu[- ]only\b|只有cpu|纯cpu|手机|\b(?:smart)?phone\b|\bgaudi\s*\d?\b|昇腾\s*\d*[a-z]?|\bascend\s*\d*[a-z]?\b|(?<![\w.-])910[abc]\b|"
                     r"(?:摩尔线程\s*|moore threads\s*)?\bmtt\s*s\d{3,4}\b|"
                     r"\blaptop\b|\bnotebook\b|笔记本|\bmac(?:book(?:\s+(?:pro|air))?|\s+mini|\s+studio)?\b(?!\s*(?:studio\s*)?m\d)",
                     re.I)


STATED_MEMORY = re.compile(r"(?<![\w.])(\d{1,4}(?:\.\d+)?)\s*(?:gb|gib|g)\b(?!\s*/\s*s)(?!ps)(?!\s*(?:of\s+)?(?:ram|system|host|"
                           r"cpu|dram|disk|ssd|内存条|硬盘))", re.I)
STATED_BANDWIDTH = re.compile(r"(\d+(?:\.\d+)?)\s*(tb|gb)\s*(?:/\s*s|ps|每秒)", re.I)
STATED_TFLOPS = re.compile(r"(\d+(?:\.\d+)?)\s*tflops", re.I)
NO_GPU = re.compile(r"raspberry|树莓派|iphone|ipad|android|pixel|snapdragon|骁龙|phone|手机|\bcpu\b|intel core|xeon|ryzen|"
                    r"laptop|notebook|笔记本|steam deck|coral", re.I)
LAPTOP = re.compile(r"\blaptop\b|\bnotebook\b|\bmobile\b|笔记本|游戏本|移动版", re.I)
MODDED = re.compile(r"\bmod(?:ded|ified)?\b|\bhacked\b|\bupgraded\b|\bfrankenstein\b|魔改|改装|改版|改的|改过", re.I)
SHARED_MEMORY = re.compile(r"raspberry|树莓派|jetson|orin|iphone|ipad|android|pixel|snapdragon|骁龙|steam deck|laptop|notebook|"
                           r"笔记本|手机|phone|\bcpu\b|ryzen|intel core|xeon|unified|统一内存|共享内存", re.I)


def pick_zh_en(text: str, zh: str, en: str) -> str:
    return zh if _CJK.search(text) else en


def describe_device(text: str, s: Slots) -> str | None:
    """A device the catalog lacks, with its memory given ('Jetson AGX Orin 64GB, 204.8 GB/s', '昇腾910B 64GB HBM',
    'Arc A770 16GB', 'my 4090 modded to 48GB'): the described-GPU id that carries those figures (tools/gpus.py),
    so every tool sizes it as the person described it. Bandwidth and TFLOPS are used when given."""
    from tools.gpus import described_gpu_id, get_gpu

    if s.gpu and len(set(s.gpus)) == 1 and not s.gpu.startswith("described:") and LAPTOP.search(text):
        from tools.gpus import known_device

        base = get_gpu(s.gpu)
        known = known_device(f"{base.name} laptop")
        if known and known.get("memory_gb"):  # "a gaming laptop with an RTX 4070 (8GB)": the laptop chip, not the desktop card
            mem = _own_memory(text, base) or next((float(m.group(1)) for m in STATED_MEMORY.finditer(text)
                                                   if float(m.group(1)) == known["memory_gb"]), known["memory_gb"])
            return described_gpu_id(known["name"], mem, known["bandwidth_gb_per_s"], known.get("fp16_tflops_dense"), False,
                                    base.id)
    if s.gpu and len(set(s.gpus)) == 1 and not s.gpu.startswith("described:") and _own_memory(text, get_gpu(s.gpu)):
        # the card's own memory said, and not the catalog's: "RTX 4070 Laptop（8G 显存）", "m2 max w/ 32gb unified
        # memory" - the variant they have, the rest of its specs as the catalog's card
        base = get_gpu(s.gpu)
        variant = _own_memory(text, base)
        name = re.sub(r"\s*\(?\d+\s*GB\)?\s*$|,?\s*\d+GB\)$", "", base.name).strip().rstrip(",")
        name = (name + ")" if name.count("(") > name.count(")") else name)
        if re.search(r"laptop|notebook|笔记本|移动版|mobile", text, re.I) and base.vendor != "apple":
            name += " Laptop"
        return described_gpu_id(name, variant, None, None, base.vendor == "apple", base.id)
    base = None
    if s.devices or s.unknown_gpus:
        from tools.gpus import known_device

        name = (s.devices or s.unknown_gpus)[0]
        named = [d for d in (s.devices or s.unknown_gpus) if known_device(f"{d} {text}")]
        if re.fullmatch(r"(?i)phone|手机", name) and named and len(s.devices) > 1:
            name = next((d for d in s.devices if not re.fullmatch(r"(?i)phone|手机", d)), name)  # "手机（骁龙 8 Gen 3）"
        if re.fullmatch(r"(?i)mac(?:book(?: pro| air)?| mini| studio)?|A laptop with no GPU named|CPU only|phone", name) \
                and not known_device(text):
            return None  # no chip named: which one is the question

        if NO_GPU.search(name) and not STATED_BANDWIDTH.search(text) and not known_device(f"{name} {text}"):
            return None  # a board, phone or CPU with no GPU to size: its own answer (what the model needs, in RAM)
        # (one whose bandwidth is on file - a Raspberry Pi 5, a Snapdragon 8 Gen 3, a Ryzen AI Max+ 395 - is sized)
        # (with its memory bandwidth given, a CPU or APU box - "Ryzen AI Max+ 395 128G, 256 GB/s" - is sized as described)
        shared = bool(s.devices) and bool(SHARED_MEMORY.search(name))
    elif not s.gpu and STATED_BANDWIDTH.search(text) and re.search(r"加速卡|加速器|芯片|\baccelerator\b|\bnpu\b|国产卡|自研|"
                                                                     r"hypothetical|imaginary|假设有?一?张卡|一张卡|\ba card\b|"
                                                                     r"\bcard with\b", text, re.I):
        name, shared = pick_zh_en(text, "你的加速卡", "your accelerator"), False  # unnamed, described by its figures
    elif s.gpu and len(set(s.gpus)) == 1 and MODDED.search(text):
        base = get_gpu(s.gpu)
        name, shared = f"{base.name.rsplit(' ', 1)[0] if base.name.endswith('GB') else base.name} (modified)", False
    else:
        return None
    mems = [float(m.group(1)) for m in STATED_MEMORY.finditer(text)]
    mems = [m for m in mems if 1 <= m <= 4096 and (base is None or abs(m - base.memory_gib) > 0.1 * base.memory_gib)]
    if not mems:
        return None
    bw = STATED_BANDWIDTH.search(text)
    bandwidth = float(bw.group(1)) * (1000 if bw.group(2).lower() == "tb" else 1) if bw else None
    tf = STATED_TFLOPS.search(text)
    tflops = float(tf.group(1)) if tf else None
    if base is not None:
        name = f"{name.replace(' (modified)', '')} modified to {mems[0]:g} GB"
    else:
        from tools.gpus import known_device

        known = known_device(f"{name} {text}") if not bandwidth else None
        if known:  # "jetson orin nano super 8gb", "Arc B580 12G": the board's figures on file (sourced), not asked again
            name, bandwidth, tflops = known["name"], known["bandwidth_gb_per_s"], tflops or known.get("fp16_tflops_dense")
            if known.get("memory_gb"):  # a laptop's own GPU: its memory is its own, not shared with the CPU
                shared = False
                if s.gpu and not s.gpu.startswith("described:"):
                    base = get_gpu(s.gpu)  # the desktop card of that name is this chip's stand-in, not a second card
                    return described_gpu_id(name, mems[0], bandwidth, tflops, shared, base.id)
    return described_gpu_id(name, mems[0], bandwidth, tflops, shared, base.id if base else None)


_OWN_MEMORY = re.compile(r"(\d{1,4})\s*(?:gb|g)\b\s*(?:of\s+)?(?:显存|vram|unified(?:\s+memory|\s+ram)?|统一内存|gddr\w*|hbm\w*)|"
                         r"(?:显存|vram)\s*(?:是|只有|有|为|:)?\s*(\d{1,4})\s*(?:gb|g)\b", re.I)


def _own_memory(text: str, base) -> float | None:
    """The memory of the person's own card, when said as the card's ('8G 显存', '32gb unified memory'; any size next
    to an Apple chip, which comes in several) and not what the catalog's card has."""
    m = _OWN_MEMORY.search(text)
    if m and re.search(r"(?:needs?|requires?|takes?|uses?|eats?|需要|要|占用?|吃)\s*(?:about|around|~|约|大概)?\s*$",
                       text[max(0, m.start() - 14):m.start()], re.I):
        m = None  # "llama 70b needs 140gb of vram": what the model needs, not the card's memory
    v = float(m.group(1) or m.group(2)) if m else None
    if v is None and base.vendor == "apple":
        m = STATED_MEMORY.search(text)
        v = float(m.group(1)) if m else None
    if v and 1 <= v <= 1024 and abs(v - base.memory_gib) > 0.1 * base.memory_gib:
        return v
    return None


# a name in a model family's shape ("glm-4.5-air", "phi-5-mini", "kimi-k2"): said back when the catalog lacks it
MODEL_SHAPED = re.compile(r"(?<![\w/.-])((?:llama|qwen|mistral|mixtral|gemma|phi|glm|chatglm|deepseek|yi|baichuan|internlm|"
                          r"minicpm|falcon|gpt-oss|command-r|olmo|granite|kimi|ernie|hunyuan|nemotron|jamba|dbrx|grok|"
                          r"minimax|seed-oss|codestral|devstral|magistral|pixtral)[-_ ]?(?:[a-z]*\d[\w.]*)(?:[-_](?:[a-z]+\d*[\w.]*))*)",
                          re.I)


def find_unknown_models(text: str, found: list[str]) -> list[str]:
    """Model-shaped names that neither the catalog nor a size resolves ('glm-4.5-air', 'kimi-k2')."""
    from tools.models import find_catalog_id

    out = []
    for m in MODEL_SHAPED.finditer(text):
        name = m.group(1).rstrip(".-_")
        key = re.sub(r"[\s_]+", "-", name.lower())
        if find_catalog_id(name) or any(key in (f or "").lower() or key.replace("-", "") in (f or "").lower().replace("-", "")
                                        for f in found):
            continue
        if found and any(find_catalog_id(name[:i]) for i in range(len(name), 3, -1)):
            continue  # a longer spelling of a model already found ("qwen2.5-7b-instruct-awq")
        if name not in out:
            out.append(name)
    return out


def find_devices(text: str) -> list[str]:
    """Hardware the GPU catalog does not cover (boards, phones, CPUs): named back, never sized as a catalog GPU."""
    out = []
    for m in DEVICES.finditer(text):
        name = re.sub(r"\s+", " ", m.group(0).strip())
        name = {"树莓派": "Raspberry Pi", "手机": "phone", "只有cpu": "CPU only", "纯cpu": "CPU only",
                "笔记本": "laptop", "notebook": "laptop"}.get(name.lower(), name)
        name = "A laptop with no GPU named" if name.lower() == "laptop" else name
        name = re.sub(r"^昇腾\s*", "Huawei Ascend ", name).strip()
        name = re.sub(r"(?i)^(910[abc])$", lambda x: "Huawei Ascend " + x.group(1).upper(), name)
        name = re.sub(r"(?i)^gaudi", "Intel Gaudi", name)
        name = re.sub(r"(?i)^(?:摩尔线程|moore threads)\s*", "", name)
        name = re.sub(r"(?i)^mtt\s*s", "Moore Threads MTT S", name)
        name = re.sub(r"(?i)^raspberry\s*pi", "Raspberry Pi", name)
        name = re.sub(r"(?i)^jetson", "Jetson", name)
        name = re.sub(r"(?i)^树莓派\s*", "Raspberry Pi ", name).strip()
        if name not in out:
            out.append(name)
    return out


def find_usage_hours(text: str) -> tuple[float | None, float | None]:
    """(hours of use, GPU-hours): 'for 100 hours', 'over 36 hrs', '租100小时', '500 GPU-hours'. Hours a day
    ('8 hours a day') and deadlines are other slots."""
    low = text.lower()
    # "30.84M H100 GPU-hours", "278.8 万 H800 GPU 小时", "500 GPU-hours", "2M H100-hours" (never the 100 of "H100")
    gh = re.search(rf"(?<![a-z\d.])({_NUM})\s*(k|m|million)?\s*(?:[a-z]{{1,3}}\d{{2,4}}[a-z]?\s*)?(?:gpu|[a-z]{{1,3}}\d{{2,4}}[a-z]?)"
                   rf"[- ]?(?:hours?|hrs?|h)\b|"
                   rf"(?<![a-z\d.])({_NUM})\s*(万|百万)?\s*(?:个)?\s*(?:[a-z]{{1,3}}\d{{2,4}}[a-z]?\s*)?(?:gpu|卡|[a-z]{{1,3}}\d{{2,4}})\s*"
                   r"(?:小时|时)", low)
    scale = {"k": 1e3, "m": 1e6, "million": 1e6, "万": 1e4, "百万": 1e6}
    gpu_hours = to_number(gh.group(1) or gh.group(3)) * scale.get(gh.group(2) or gh.group(4) or "", 1) if gh else None
    m = re.search(rf"\b(?:for|over|during|about|around|total of|rent(?:ing)?\b.{{0,30}}\bfor)\s+(?:about\s+|around\s+)?({_NUM})\s*"
                  r"(?:hours?|hrs?|h)\b(?!\s*(?:a|per|each|every|/)\s*(?:day|d|week)\b)(?!\s*gpu)", low) or \
        re.search(r"(?:用|租|跑|运行|使用)\s*(?:了)?\s*(\d+(?:\.\d+)?)\s*(?:个)?\s*小时(?!\s*(?:每天|/天))", text)
    hours = to_number(m.group(1)) if m and not re.search(r"(?:每天|一天|每日)\s*$", text[:m.start()]) else None
    return (hours if hours and 0 < hours <= 1e6 else None), (gpu_hours if gpu_hours and 0 < gpu_hours <= 1e10 else None)


_K = r"(k|thousand|万)?"
PURCHASE = re.compile(
    rf"\b(?:buy(?:ing)?|purchas\w*|to own)\b[^.$]{{0,50}}?\$\s*({_NUM})\s*{_K}(?!\s*(?:/|per|an?)\s*(?:hour|hr|h|month|mo)\b)|"
    rf"\$\s*({_NUM})\s*{_K}\s*(?:to buy|purchase|up ?front|each to buy|per (?:card|gpu) to buy)|"
    rf"\b(?:server|box|machine|rig|workstation|node)\b[^.$]{{0,40}}?\b(?:is|costs?|for|at)\s*\$\s*({_NUM})\s*{_K}|"
    rf"(?:买|购买|购置)[^，。,.\d]{{0,12}}?(\d+(?:\.\d+)?)\s*(万)?\s*(?:美元|美金|刀)", re.I)
# a machine's price in yuan ("整机7万人民币", "买一台要 6 万块"): kept in yuan, as the yuan rents beside it are
PURCHASE_CNY = re.compile(r"(?:整机|买|购买|购置|一台|服务器|主机|装机|配一台)[^，。,.;；\d]{0,12}?(\d+(?:\.\d+)?)\s*(万)?\s*"
                          r"(?:人民币|元|块|rmb)", re.I)
OWNING_MONTHLY = re.compile(rf"\$\s*({_NUM})\s*(?:/|per|a)\s*(?:month|mo)\b[^.]{{0,20}}?(?:power|electricity|hosting|colo\w*|"
                            r"running|upkeep)|(?:power|electricity|host\w*|colo\w*|keep|run|maintain)[^.$]{0,20}?\$\s*(" + _NUM +
                            r")\s*(?:/|per|a)\s*(?:month|mo)\b", re.I)  # "host it for $250/mo"


def find_purchase(text: str) -> tuple[float | None, bool]:
    """(purchase price in USD, whether it is for the whole server rather than one GPU)."""
    m = PURCHASE.search(text)
    if not m:
        return None, False
    g = m.groups()
    for value, scale in ((g[0], g[1]), (g[2], g[3]), (g[4], g[5]), (g[6], g[7])):
        if value:
            v = to_number(value) * {"k": 1e3, "thousand": 1e3, "万": 1e4}.get((scale or "").lower(), 1)
            said = text[max(0, m.start() - 24): m.end()]  # "8卡H100服务器买断大概25万美元": the server's price
            whole = bool(g[4]) or bool(re.search(r"\b(?:server|box|machine|rig|node|total|both|all)\b|整机|一台|服务器|\d\s*卡",
                                                 said, re.I))
            return (v if 100 <= v <= 1e8 else None), whole
    return None, False


def find_purchase_cny(text: str) -> tuple[float | None, bool]:
    """(a purchase price in yuan, whether for the whole machine): '整机7万人民币'."""
    m = PURCHASE_CNY.search(text)
    if not m:
        return None, False
    v = to_number(m.group(1)) * (1e4 if m.group(2) else 1)
    whole = bool(re.search(r"整机|一台|服务器|主机|装机|\d\s*卡", text[max(0, m.start() - 24): m.end()]))
    return (v if 500 <= v <= 1e9 else None), whole


def find_owning_monthly(text: str) -> float | None:
    m = OWNING_MONTHLY.search(text)
    return to_number(m.group(1) or m.group(2)) if m else None


def find_kwh_price(text: str) -> float | None:
    low = text.lower()
    c = re.search(rf"({_NUM})\s*(?:cents?|¢|c|ct)\s*(?:/|per|a|an)\s*kwh", low)  # "8 cents/kWh", "30c/kWh"
    if c:
        v = to_number(c.group(1)) / 100
        return v if 0 < v <= 10 else None
    # (not a carbon intensity: "0.58 kgCO2/度", "400 gCO2/kWh" - the 2 of CO2 is no price)
    low = re.sub(r"\d[\d.]*\s*(?:kg|g|t)?\s*co2(?:e|eq)?\s*(?:/|per|每)\s*(?:kwh|度)|co2(?:e|eq)?\s*(?:/|per|每)\s*(?:kwh|度)", " ", low)
    m = re.search(rf"[$€£]\s*({_NUM})\s*(?:/|per|a)\s*kwh|(?<![¥￥\d.])\s*({_NUM})\s*(?:usd|eur|euros?|dollars?|\$|€|美元|欧元)?\s*"
                  r"(?:/|per|a|每)\s*(?:kwh|度)", low)
    if not m or re.search(rf"[¥￥]\s*{re.escape(m.group(1) or m.group(2))}\s*(?:/|每|一)\s*(?:度|千瓦时|kwh)", low):
        return None  # "电价 ¥0.6/度": yuan (find_cny_prices), not dollars
    v = to_number(m.group(1) or m.group(2))
    return v if 0 < v <= 10 else None


def find_carbon_intensity(text: str) -> float | None:
    """kg of CO2 per kWh said: '0.58 kgCO2/度', '400 gCO2/kWh', '0.4 kg CO2 per kWh'."""
    m = re.search(r"(\d+(?:\.\d+)?)\s*(kg|g|t)?\s*co2(?:e|eq)?\s*(?:/|per|每)\s*(?:kwh|度)", text.lower())
    if not m:
        return None
    v = float(m.group(1)) * {"g": 1e-3, "t": 1e3}.get(m.group(2) or "kg", 1.0)
    return v if 0 < v < 3 else None


def find_pue(text: str) -> float | None:
    m = re.search(r"\bpue\s*(?:of|=|:|：|is|是|为|约|~|大概|按)?\s*(?:about|around|roughly|approximately|~|约)?\s*(\d(?:\.\d+)?)",
                  text.lower())
    v = float(m.group(1)) if m else None
    return v if v and 1.0 <= v <= 3.0 else None


def find_watts_per_gpu(text: str) -> float | None:
    """The draw per GPU when the person states it: 'power-limit them to 300W each', '每卡 400W', 'at 350 W per card'."""
    low = text.lower()
    m = re.search(r"(?:power[- ]?limit(?:ed)?|cap(?:ped)?|limit(?:ed)?)\s*(?:them|it|each|the gpus?|the cards?)?\s*(?:to|at)\s*(\d{2,4})\s*w\b|"
                  r"(\d{2,4})\s*w(?:atts?)?\s*(?:each|apiece|per (?:gpu|card))|(?:每卡|每张卡?|每块卡?|单卡)\s*(?:功耗)?\s*(?:约|大约|是)?\s*"
                  r"(\d{2,4})\s*w\b|(?:限(?:制)?(?:功率|功耗)?|(?:功率|功耗)(?:上限|限制|墙)?)\s*(?:设|调|压)?\s*(?:到|为|在|成)?\s*"
                  r"(\d{2,4})\s*w\b", low)
    v = float(next(g for g in m.groups() if g)) if m else None
    return v if v and 30 <= v <= 2000 else None


def find_claimed_gb(text: str) -> float | None:
    """'only 3.5 GB', 'needs 17.5GB' in a claim being checked."""
    m = re.search(r"(?:only|just|need(?:s)?|requires?|takes?|uses?|只要|只需要?|需要)\s*(?:about|around|~)?\s*"
                  r"(\d+(?:\.\d+)?)\s*(gb|gib|g)\b", text.lower())
    if not m:  # "is 35 GB right for a 70B at 4-bit?"
        m = re.search(r"\bis\s+(?:it\s+|that\s+)?(\d+(?:\.\d+)?)\s*(gb|gib|g)\b\s+(?:right|correct|accurate|true|realistic)",
                      text.lower())
    return float(m.group(1)) if m else None


def find_framework(text: str) -> str | None:
    low = text.lower()
    for pattern, fw in ((r"llama\.?cpp|ollama|lm ?studio", "llama.cpp"), (r"\bvllm\b", "vllm"),
                        (r"tensorrt|trt-llm", "tensorrt-llm"), (r"\bsglang\b", "sglang"),
                        (r"\btransformers\b|hugging ?face", "transformers")):
        if re.search(pattern, low):
            return fw
    return None


def find_trainer(text: str) -> str | None:
    """A fine-tuning stack whose memory differs from Hugging Face PEFT's: Unsloth and Liger never materialise the
    logits (fused cross-entropy) and keep embeddings in 16-bit; torchtune chunks the loss."""
    m = re.search(r"\b(unsloth|liger|torchtune)\b", text, re.I)
    return m.group(1).lower() if m else None


def find_checkpointing(text: str) -> bool | None:
    low = text.lower()
    if re.search(r"(?:without|no|w/o|disable\w*|off)\s+(?:gradient\s+|activation\s+)?checkpointing|"
                 r"checkpointing\s+(?:off|disabled)|不(?:开|用)(?:梯度)?检查点", low):
        return False
    if re.search(r"(?:with|enable\w*|turn on|use|using)\s+(?:gradient\s+|activation\s+)?checkpointing|"
                 r"checkpointing\s+on|(?:开|用)(?:梯度)?检查点", low):
        return True
    return None


def find_sharding(text: str) -> str | None:
    low = text.lower()
    m = re.search(r"zero[- ]?(1|2|3)\b|zero stage (1|2|3)|\b(fsdp)\b|\b(deepspeed)\b", low)
    if not m:
        # plain data parallel: every GPU holds the whole model ("with DDP", "each GPU holds a full copy")
        if re.search(r"\bddp\b|distributeddataparallel|\beach (?:gpu|card) (?:holds|has|keeps) (?:a )?(?:full|whole) copy|"
                     r"每(?:张)?卡(?:都)?(?:放|存|有)(?:一份)?完整", low):
            return "none"
        return None
    if m.group(3):
        return "fsdp"
    if m.group(4):
        return "zero3"
    return f"zero{m.group(1) or m.group(2)}"


def find_offload(text: str) -> str | None:
    low = text.lower()
    if re.search(r"zero[- ]?infinity|offload\w*\s+(?:the\s+)?(?:params|parameters|weights)|param(?:eter)?s? offload", low):
        return "optimizer+params"
    if re.search(r"\b(?:without|no|not|don'?t|never)\s+(?:any\s+|cpu\s+|using\s+)?offload|不(?:用|做|要)?\s*(?:cpu\s*)?(?:offload|卸载)|不卸载", low):
        return "none"  # said explicitly: everything stays on the GPUs
    if re.search(r"\boffload|zero[- ]?offload|卸载", low):
        return "optimizer"
    return None


_LOAD_WORDS = r"(?:traffic|load|volume|usage|requests|users|demand|流量|请求量|用户量|用量|访问量|负载|并发|调用量|token ?量)"
_FACTORS = {"half": 0.5, "一半": 0.5, "减半": 0.5, "double": 2.0, "doubles": 2.0, "doubled": 2.0, "twice": 2.0, "翻倍": 2.0,
            "翻一倍": 2.0, "两倍": 2.0, "triple": 3.0, "triples": 3.0, "三倍": 3.0, "翻两番": 4.0, "四倍": 4.0, "十倍": 10.0}


def find_load_scale(text: str) -> float | None:
    """A change to the load said before, as a factor: 'what if traffic doubles?', 'half the traffic', '流量只有现在的
    一半', '用户量翻倍', '10x the requests'."""
    low = text.lower()
    words = "|".join(sorted(_FACTORS, key=len, reverse=True))
    m = re.search(rf"{_LOAD_WORDS}.{{0,16}}?(?:({words})|(\d+(?:\.\d+)?)\s*(?:x|×|倍)(?!\s*(?:faster|slower|更快)))|"
                  rf"(?:({words})|(\d+(?:\.\d+)?)\s*(?:x|×))\s*(?:the\s+|our\s+|现在的\s*|more\s+)?(?:current\s+)?{_LOAD_WORDS}", low)
    if not m:
        return None
    word = m.group(1) or m.group(3)
    v = _FACTORS[word] if word else float(m.group(2) or m.group(4))
    return v if 0 < v <= 1000 and v != 1 else None


def find_examples(text: str) -> tuple[int | None, float | None]:
    low = text.lower()
    # "50k examples", "50k training samples", "50k 1,000-token examples" (the length between count and noun)
    m = re.search(rf"({_NUM})\s*(k|m)?\s*(?:\d[\d,]*[\s-]*tokens?\s+)?(?:(?:training|preference|instruction|chat|sft|"
                  rf"dpo|rlhf|labeled|labelled)\s+)?"
                  rf"(?:examples|samples|conversations|documents|instructions|rows|pairs|dialogues|"
                  rf"条(?:数据|样本)?|组|对(?:偏好)?数据)", low)
    n = None
    if m:
        n = int(to_number(m.group(1)) * {"k": 1e3, "m": 1e6}.get(m.group(2) or "", 1))
    else:
        m = re.search(r"(\d+(?:\.\d+)?)\s*(万|千)?\s*(?:条|组|对)(?:偏好|对话|样本|数据|指令|问答)", text) or \
            re.search(r"(\d+(?:\.\d+)?)\s*(万)\s*条", text)
        if m:
            n = int(float(m.group(1)) * {"万": 1e4, "千": 1e3}.get(m.group(2) or "", 1))
    e = re.search(r"(\d+(?:\.\d+)?)\s*(?:epochs?|个?轮|个 epoch)", low)
    epochs = float(e.group(1)) if e else None
    return (n if n and 0 < n <= 1e10 else None), (epochs if epochs and 0 < epochs <= 1000 else None)


def spaced(text: str) -> str:
    """Put spaces between Chinese and Latin runs so word boundaries work in mixed text ('用QLoRA微调')."""
    for zh, en in ZH_MODEL_WORDS.items():
        if zh in text:
            text = text.replace(zh, f" {en} ")
    text = re.sub(r"([\u3400-\u9fff])([A-Za-z0-9$])", r"\1 \2", text)
    return re.sub(r"([A-Za-z0-9%])([\u3400-\u9fff])", r"\1 \2", text)


SYSTEM_RAM = re.compile(r"(\d{1,4})\s*(?:gb|g)(?![a-z])\s*(?:of\s+)?(?:system\s+|ddr\d\s*)?(?:ram|内存|ddr\d)|"
                        r"(?<!统一)(?<!显)(?:内存|\bram\b|system memory)\s*(?:是|有|为|:|：|of)?\s*(\d{1,4})\s*(?:gb|g)(?![a-z])", re.I)


def find_ram(text: str) -> float | None:
    """The machine's system RAM: '32G 内存', '64GB RAM', '内存 64G' (not unified memory, not VRAM)."""
    if re.search(r"统一内存|unified", text, re.I):
        return None
    m = SYSTEM_RAM.search(text)
    v = float(m.group(1) or m.group(2)) if m else None
    return v if v and 4 <= v <= 4096 else None


def find_vram(text: str) -> float | None:
    low = text.lower()
    m = re.search(r"(\d{1,3})\s*(?:gb|g)\s*(?:of\s*)?(?:vram|card|gpu|显存|显卡|memory|的卡)", low) or \
        re.search(r"\b(\d{1,3})\s*(?:gb|g)\s*(?:is\s+|be\s+)?(?:enough|sufficient|够)|(?<![\w.])(\d{1,3})\s*g\s*够", low) or \
        re.search(r"\b(?:on|with|have|got|only)\s+(?:a\s+|an\s+|one\s+|my\s+)?(\d{1,3})\s*gb\b(?!\s*(?:of\s+)?(?:ram|system|"
                  r"host|cpu|dram|disk|ssd))", low)
    return float(next(g for g in m.groups() if g)) if m else None


OPTIMIZER_8BIT = re.compile(r"\b(?:paged[ _-]?)?(?:8[- ]?bit|8位|八位)\s*(?:paged\s*)?adam(?:w)?\b|\badam(?:w)?[ _-]?(?:8[ _-]?bit|8位)\b|"
                            r"\badam(?:w)?8bit\b|\bbnb[ _.-]?adam(?:w)?8bit\b|(?:8[- ]?bit|8位|八位)\s*(?:的)?\s*(?:优化器|adam)", re.I)


def find_optimizer(text: str) -> str | None:
    """'8-bit Adam', 'adamw_8bit', 'paged AdamW 8bit', '8 位 Adam 优化器': the optimizer named, as the memory tool's key."""
    m = OPTIMIZER_8BIT.search(text)
    if m:
        return "paged-adamw-8bit" if "paged" in text[max(0, m.start() - 8):m.end()].lower() else "adamw-8bit"
    if re.search(r"\badafactor\b", text, re.I):
        return "adafactor"
    return None


def parse(text: str) -> Slots:
    text = spaced(bounded(text))
    s = Slots()
    for m in LOCAL_PATH.finditer(text):
        if m.group(1).endswith(".json") or m.group(1).startswith(("/", "~/", "./", "../")):
            s.local_path = m.group(1)
            break
    gpus = _dedup_gpus(find_gpus(text))
    if gpus:
        s.gpus = [g for g, _, _ in gpus]
        s.counts = [c for _, c, _ in gpus]
        s.gpu, s.count = gpus[0][0], gpus[0][1]
        s.problems += [p for _, _, p in gpus if p]
        servers = SERVERS_OF.search(text.lower())
        if servers:  # "两台 8 卡 H100", "two 8-GPU servers": the GPUs of all the servers
            a, b = (servers.group(1) or servers.group(3)), (servers.group(2) or servers.group(4))
            a = int(a) if a.isdigit() else {"two": 2, "three": 3, "four": 4, "两": 2, "二": 2, "三": 3, "四": 4}.get(a, 1)
            if a > 1 and s.count in (None, int(b)):
                s.count = a * int(b)
                s.counts = [s.count] + s.counts[1:]
    box = re.search(r"(?:一台|a|an|one)?\s*(\d{1,2})\s*(?:卡机|卡服务器|卡的机器|[- ]?gpu (?:box|server|machine|node))", text, re.I)
    if box and len({g for g, _, _ in gpus}) >= 2 and not any(c for _, c, _ in gpus):
        # "要上一台 8 卡机，B200 和 H200 选哪个": each card in that box, as many as it holds
        n_box = int(box.group(1))
        gpus = [(g, n_box, p) for g, _, p in gpus]
        s.counts, s.count = [n_box] * len(gpus), n_box
    gpus = _with_form_factor_pair(text, gpus)
    if len(gpus) > len(s.gpus):
        s.gpus, s.counts = [g for g, _, _ in gpus], [c for _, c, _ in gpus]
    s.unknown_gpus = find_unknown_gpus(text, gpus)
    if len({g for g, _, _ in gpus}) >= 2 and TOGETHER.search(text):
        s.mixed_gpus = [g for g, _, _ in gpus]
        s.gpu, s.count = _pool_of(gpus)
        s.gpus, s.counts = [s.gpu], [s.count]
    if s.count is None and not any(s.counts):
        s.count = find_bare_count(text)
    s.devices = find_devices(text)
    # "100 倍 token（100B）", "tokens (2T)": a token count written as a size, not a model
    s.models = find_models(DEVICES.sub(" ", _without_gpu_words(TOKENS_AS_SIZE.sub(" ", text), s.gpus)))
    size_range = re.search(r"(?<![\w.])(\d+(?:\.\d+)?)\s*[bB]?\s*(?:-|–|to|~|到|至)\s*(\d+(?:\.\d+)?)\s*[bB]\b", text)
    if size_range and len(s.models) >= 2:  # "13B-34B models": the largest sets the hardware
        low, high = (f"{size_range.group(i)}B" for i in (1, 2))
        if low.upper() in s.models and high.upper() in s.models:
            s.models = [high.upper()] + [m for m in s.models if m not in (low.upper(), high.upper())]
    s.model = s.models[0] if s.models else None
    s.unknown_models = find_unknown_models(text, s.models)
    s.method, s.workload = find_method_and_workload(text)
    s.optimizer = find_optimizer(text)
    # "8-bit Adam" is the optimizer's state, not the weights' format
    s.formats = find_formats(OPTIMIZER_8BIT.sub(" ", text) if s.optimizer else text)
    s.precision = s.formats[0] if len(s.formats) == 1 else None
    s.kv_dtype = find_kv_dtype(text)
    if s.kv_dtype == "q4_0" and re.search(r"(?:int4|4-?bit)\s*(?:的\s*)?(?:kv|k/v)|kv[- ]?(?:cache|缓存)?\s*\S{0,3}\s*(?:int4|4-?bit)",
                                          text.lower()):
        s.formats = [f for f in s.formats if f != "4bit"]  # "INT4 的 KV cache": the cache's bits, not the weights'
        s.precision = s.formats[0] if len(s.formats) == 1 else None
    if s.kv_dtype and s.kv_dtype in s.formats and re.search(
            rf"kv\s*(?:-?cache|缓存)?\s*(?:换成|改成|改用|用|in|to|=|as|at)?\s*{re.escape(s.kv_dtype)}|{re.escape(s.kv_dtype)}\s*kv",
            text.lower()) and not re.search(  # "FP8 权重 + FP8 KV cache": the weights' format too
            rf"{re.escape(s.kv_dtype)}\s*(?:的)?\s*(?:权重|weights?\b|模型)|(?:权重|weights?)\s*(?:用|in|=|as|at|:)?\s*{re.escape(s.kv_dtype)}",
            text.lower()):
        s.formats = [f for f in s.formats if f != s.kv_dtype]  # "kv cache 换成 fp8": the cache's format, not the weights'
        s.precision = s.formats[0] if len(s.formats) == 1 else None
    s.context = find_context(text)
    s.batch = find_batch(text)
    s.users, problem = find_users(text)
    share = POPULATION_SHARE.search(text.lower())
    if share and s.users:
        s.users_share_pct = float(share.group("pct") or share.group("pct2") or share.group("pct3"))
    head = re.search(rf"({_NUM})\s*(?:k\b)?\s*(?:个|位|名)?\s*(?:employees|staff|people in the company|seats|员工|职员|同事)", text.lower()) \
        or re.search(r"(?:公司|单位|学校|医院|律所)\D{0,6}?(\d[\d,]*)\s*(?:多)?\s*(?:个|位|名)?\s*人(?!民币)", text)
    # (an organisation's head count; a team's people are the users: "团队 30 人要用 ... 每人 20 token/s")
    if s.users and not s.users_share_pct:  # "200 人用，高峰时 20 人同时": the head count beside the users at once
        total = head or re.search(rf"({_NUM})\s*(?:个|位|名)?\s*(?:人(?:用|使用|左右|的)|users?\s+(?:in )?total|total users|"
                                  rf"people use|employees|用户(?:总数|量))", text.lower())
        if total and to_number(total.group(1)) and to_number(total.group(1)) > s.users:
            s.population = int(to_number(total.group(1)))
    # "我们 20 个工程师用 ...", "我们组 8 个人要用": the people of a team who use it (a company's head count is not)
    ours = None if s.users else re.search(r"我们(?:团队|部门|组|小组|实验室)?\s*(\d[\d,]*)\s*(?:多)?\s*(?:个|位|名)\s*"
                                           r"(?:工程师|开发者?|程序员|同事|研究员|分析师|人)\s*(?:要|会|都|一起)?\s*(?:用|在用|使用)", text)
    team = None if s.users or (head and not ours) else ours or re.search(
        r"(?:团队|部门|小组|实验室|课题组)\D{0,6}?(\d[\d,]*)\s*(?:多)?\s*(?:个|位|名)?\s*人(?!民币)", text)
    if team:  # "我们团队 30 人要用": a team's people are its users (an organisation's head count is read below)
        s.users = int(to_number(team.group(1)))
    if head and not s.users and not ours:
        s.population = int(to_number(head.group(1)) * (1000 if re.match(r"\s*k\b", text.lower()[head.end(1):]) else 1))
    alone = re.search(r"(\d{1,2}(?:\.\d+)?)\s*%\s*(?:of (?:them|those|people|users|employees)\s*)?(?:are |is |会|在)?\s*"
                      r"(?:active|online|concurrent|at once|at the same time|同时|在线|并发)", text.lower())
    if alone and not s.users:
        s.users_share_pct = float(alone.group(1))  # "what if only 2% are active at once?": users from the head count
    if s.users and not s.users_share_pct and not s.population and INTERNAL_HEAD_COUNT.search(text) and \
            not AT_ONCE_WORDS.search(text) and not PER_PERSON.search(text):  # (a rate per person: the people make a volume)
        s.population, s.users = s.users, None  # "maybe 1000 users internally": the company's users, not 1,000 at once
    if s.population and not s.users and not s.users_share_pct:
        s.users = max(1, round(s.population * ASSUMED_ACTIVE_SHARE / 100))  # 1,500 staff are not 1,500 users at once
        s.users_assumed_share = ASSUMED_ACTIVE_SHARE
    if problem:
        s.problems.append(problem)
    s.tokens = find_tokens(text)
    s.days = find_days(text)
    s.hours_per_day = find_hours_per_day(text)
    s.target_tps = find_target_speed(text)
    s.ttft_s = find_ttft(text)
    budget, s.budget_currency = find_money(text)
    s.budget_usd = budget if s.budget_currency in ("USD", None) else None
    s.budget_other = budget if s.budget_currency not in ("USD", None) else None
    s.per_usd_said = find_exchange_rate(text)
    s.months = find_months(OWNING_MONTHLY.sub(" ", text))  # "$300/month power" is a running cost, not a period
    s.usd_per_kwh = find_kwh_price(text)
    s.pue = find_pue(text) or (1.0 if re.search(r"家里|家用|在家|\bat home\b|\bhome (?:pc|server|rig|lab|setup)\b|"
                                                 r"\bmy (?:pc|desktop|rig|gaming pc|workstation)\b|台式机|"
                                                 r"\brobots?\b|机器人|\bdrones?\b|无人机|车载|\bon[- ]board\b|\bedge device\b|"
                                                 r"边缘设备|jetson", text, re.I) else None)
    # (a PC at home, a robot's board, has no data-centre cooling overhead: PUE 1.0)
    s.same_setup = bool(re.search(r"\bsame (?:tokens?|data(?:set)?|setup|settings?|config(?:uration)?|hardware|gpus?|budget|"
                                  r"run|job|everything)\b|\beverything else (?:the )?same\b|其他(?:都)?(?:一样|不变|相同)|同样的(?:数据|token|配置|设置)|"
                                  r"(?:数据|token|配置|设置)(?:都)?(?:一样|不变|相同)", text, re.I))
    s.watts_per_gpu = find_watts_per_gpu(text)
    if s.usd_per_kwh and re.search(r"€\s*\d[\d.,]*\s*(?:/|per|a)\s*kwh|\d\s*(?:eur|euros?|欧元|€)\s*(?:/|per|a|每)\s*(?:kwh|度)|"
                                   r"(?:eur|euro)\s*cents?", text, re.I):
        s.price_currency = "EUR"
    s.usd_per_gpu_hour = find_gpu_hour_price(text)
    if s.usd_per_gpu_hour and re.search(r"€\s*\d|\d\s*(?:eur|euros?)\b|欧元", text, re.I):
        s.price_currency = "EUR"  # priced in euros: the same arithmetic, every figure in euros
    if s.usd_per_gpu_hour and len(set(s.gpus)) > 1:
        at = GPU_HOUR_PRICE.search(text.lower())
        before = _dedup_gpus(find_gpus(text[:at.start()])) if at else []
        s.price_gpu = before[-1][0] if before else None
    if not s.usd_per_gpu_hour and not s.usd_per_kwh:
        cny_hour, cny_kwh = find_cny_prices(text)
        if cny_hour or cny_kwh:  # priced in yuan: the arithmetic is the same, the answer says ¥
            s.usd_per_gpu_hour, s.usd_per_kwh, s.price_currency = cny_hour, cny_kwh, "CNY"
    if len(set(s.gpus)) >= 2:
        s.gpu_prices = find_gpu_prices(text, CNY_HOUR if s.price_currency == "CNY" else GPU_HOUR_PRICE)
    purchase, whole = find_purchase(text)
    if not purchase and s.price_currency == "CNY":
        purchase, whole = find_purchase_cny(text)
    s.owning_usd_per_month = find_owning_monthly(text)
    n_for_total = s.count or 1
    if purchase:
        s.purchase_usd_per_gpu = round(purchase / n_for_total, 2) if whole else purchase
    if s.usd_per_gpu_hour and n_for_total > 1 and re.search(
            r"(?:/|per|an?)\s*(?:hour|hr|h)\b\s*(?:in\s+)?(?:total|for (?:both|all|the (?:pair|server|node)))|"
            r"(?:总共|合计|一共)\s*(?:[$¥￥]|\d)",  # a price said as the total ("总共 ¥20/小时"), not "总共多少钱"
            text, re.I) and not re.search(r"每卡|每张|per gpu|/gpu|gpu[- ]?h(?:ou)?r|卡时", text, re.I):
        s.usd_per_gpu_hour = round(s.usd_per_gpu_hour / n_for_total, 4)  # "$4.50/hr total" for 2 GPUs
    s.tokens_per_day = find_tokens_per_day(text)
    s.usage_hours, s.gpu_hours = find_usage_hours(text)
    s.aggregate_tps = find_aggregate_speed(text)
    each = re.search(rf"\b(?:they|the (?:gpus|cards)|both|all)\b[^.?]{{0,30}}?(?:push|do|get|hit|serve|generate|produce|average|"
                     rf"run at|deliver)\w*\s+(?:about\s+|around\s+|~)?({_NUM})\s*(k)?\s*(?:tok(?:en)?s?\s*/\s*s(?:ec)?|tok/s|t/s)\s*each",
                     text, re.I)
    if each and not s.aggregate_tps and (s.count or 0) > 1:  # "2x l40s ... they push ~2,500 tok/s each": per card, in all
        s.aggregate_tps = to_number(each.group(1)) * (1e3 if each.group(2) else 1) * s.count
        if s.target_tps == to_number(each.group(1)) * (1e3 if each.group(2) else 1):
            s.target_tps = None  # a rate the cards give, not a speed each user wants
    s.measured_tps = None if s.aggregate_tps else find_measured_speed(text)  # "I get 900 tokens/s aggregate": a rate
    if not s.measured_tps and not s.aggregate_tps and CLAIMED_SPEED.search(text):
        # "a vendor says ... 50 tok/s per user for 100 users. Plausible?", "网上说 ... 每秒 20 token，真的假的": the claimed
        # speed is the figure to check
        z = re.search(r"每秒\s*(?:约|大概)?\s*(\d+(?:\.\d+)?)\s*(?:个)?\s*(?:tokens?|token)|(\d+(?:\.\d+)?)\s*(?:tok(?:en)?s?\s*/\s*s|t/s|tps)\b",
                      text.lower())
        s.measured_tps = s.target_tps or (to_number(z.group(1) or z.group(2)) if z else None)
    s.per_million = bool(PER_MILLION.search(text))
    s.framework = find_framework(text)
    s.trainer = find_trainer(text)
    s.checkpointing = find_checkpointing(text)
    s.sharding = find_sharding(text)
    s.offload = find_offload(text)
    s.examples, s.epochs = find_examples(text)
    if s.tokens and s.epochs and _said_as_total(text, s.tokens):
        s.epochs = None  # "~200M tokens total (3 epochs over a ~67M-token dataset)": the epochs are in the total already
    s.load_scale = find_load_scale(text)
    jh = re.search(r"\b(?:for|took|ran for|runs? for|lasted) (?:about |~)?(\d+(?:\.\d+)?)\s*(?:hours?|hrs?|h)\b"
                   r"(?!\s*(?:a|per|each|/)\s*(?:day|week|month))|"
                   r"(?:跑|训练|训|用)(?:了|完)?\s*(\d+(?:\.\d+)?)\s*(?:个)?\s*小时(?!\s*/)(?!.{0,2}(?:每天|一天))", text, re.I)
    s.job_hours = float(jh.group(1) or jh.group(2)) if jh and 0 < float(jh.group(1) or jh.group(2)) <= 2000 else None
    s.preference = True if re.search(r"\b(?:dpo|kto|ipo)\b", text, re.I) else None
    s.mfu = find_mfu(text)
    s.power_budget_kw, s.on_circuit = find_power_budget(text)
    s.tensor_parallel = find_tensor_parallel(text)
    s.input_tokens, s.output_tokens = find_io_tokens(text)
    s.items = find_items(text)
    s.output_total = find_output_total(text)
    s.input_total = find_input_total(text) if s.output_total else None
    job = CORPUS_JOB.search(text)
    if job and s.tokens and s.tokens >= 1e5 and not s.items and not s.output_total and not TRAINING_WORDS.search(text):
        # "1 亿 token 的语料 ... 清洗改写（输入输出大概 1:1）", "translating a 40M-token corpus, output ~same length": the
        # corpus is the job's input; the output in proportion to what the job writes
        verb = job.group(0).lower()
        if re.search(r"half input,? (?:and )?half output|half in,? half out|输入输出各一半|一半输入", text, re.I):
            s.input_total, s.output_total, s.tokens = s.tokens / 2, s.tokens / 2, None  # a total, split as said
        ratio = 1.0 if re.search(r"1\s*[:：比]\s*1|same length|similar length|一样长|差不多长|等长", text, re.I) else (
            0.2 if re.search(r"summar|摘要|总结", verb) else 0.05 if re.search(r"classif|label|tag|分类|打标|标注", verb) else 1.0)
        if s.tokens:
            s.input_total, s.output_total, s.tokens = s.tokens, s.tokens * ratio, None
    gen = re.search(r"\b(?:generat\w*|produc\w*|synthesi[sz]\w*|writ\w*)\b[^.?]{0,20}?\d[\d.,]*\s*[kmb]?\s*(?:tokens?)\b|"
                    r"生成\s*\d[\d.,]*\s*(?:万|亿|[kmb])?\s*(?:tokens?|个?\s*token)", text, re.I)
    if gen and s.tokens and not s.output_total and not TRAINING_WORDS.search(text):
        # "generate 2B tokens of synthetic data ... prompt 300, output 700": that many output tokens, each request's share
        s.output_total, s.tokens = s.tokens, None
        if s.output_tokens and not s.items:
            s.items = s.output_total / s.output_tokens
            s.input_total = s.items * s.input_tokens if s.input_tokens else None
    if EMBED_JOB.search(text) and s.model and (s.items or s.examples) and s.method is None:
        # "给 5000 万条标题生成向量，用 Qwen3-Embedding-0.6B": one forward pass over each text, no tokens generated
        s.items, s.examples, s.workload = s.items or s.examples, None, "inference"
        s.output_tokens = s.output_tokens or 1
        s.input_tokens = s.input_tokens or s.context
        s.context = None
    s.request_rate, s.rate_is_daily = find_request_rate(text)
    interval = find_request_interval(text)
    if interval and s.users and not s.request_rate:  # "200 agents active, each fires a request about every 30 seconds"
        s.request_rate, s.rate_is_daily = s.users / interval, False
    s.daily_users = find_daily_users(text)
    per_person_daily = re.search(r"每人每天|每个人每天|每人一天|人均每天|\b(?:each|per (?:user|person|head))\b[^.;]{0,30}\b(?:a|per) day\b",
                                 text, re.I)
    head = (_head_count(text) if s.request_rate and s.rate_is_daily and per_person_daily else None) or s.users
    if s.request_rate and head and not s.daily_users and s.rate_is_daily and per_person_daily:
        s.request_rate *= head  # "50 个人用，每人每天 20 次", "400 clinicians, ~15 requests each per day": everyone's
    if s.daily_users and s.request_rate and PER_PERSON.search(text) and not re.search(
            rf"{s.daily_users:,}\s*{_REQ}|{s.daily_users}\s*{_REQ}", text.lower()):
        s.request_rate *= s.daily_users  # "2,000 DAU, each sends about 20 queries a day": everyone's requests
    if s.request_rate and s.users and re.search(rf"(?:{s.users:,}|{s.users})\s*{_REQ}", text.lower()):
        s.users = None  # "120 requests per minute" is a rate, not 120 people at once
    if s.request_rate:
        s.items = None  # nor a batch of 120 requests
    s.output_share, s.peak_factor = find_output_share(text), find_peak_factor(text)
    if s.tokens_per_day and s.output_share:  # "1.2B input + 150M output tokens a month": the volume read is the output's
        vol = TOKENS_PER_DAY.search(text.lower()) or TOKENS_PER_MONTH.search(text.lower())
        if vol and re.search(r"output|generated|输出|生成", vol.group(0)) and \
                re.search(r"input|prompt|输入", text.lower()[max(0, vol.start() - 40):vol.start()]):
            s.tokens_per_day = s.tokens_per_day / s.output_share
    if s.examples and s.tokens and s.tokens <= 2**20:  # "50k examples of 1k tokens": the length of each example
        s.context = s.context or int(s.tokens)
        s.tokens = None
    s.claimed_gb = find_claimed_gb(text)
    if not s.gpu:
        s.vram_gib = find_vram(text)
    s.ram_gib = find_ram(text)
    described = describe_device(text, s)
    if described:  # hardware outside the catalog, with the figures it needs: sized as described
        if not s.count:  # "4x Tesla P40 (24GB each, ...)", "两张国产卡": the count written with the unnamed card
            name = described.split(":", 1)[1].split("|", 1)[0]
            at = text.lower().find(name.lower())
            m = re.search(rf"(?<![\w.])({_NUM}|{'|'.join(NUMBER_WORDS)})\s*(?:x|×|\*)?\s*(?:tesla\s+|nvidia\s+|intel\s+|amd\s+)?$",
                          text[max(0, at - 24):at], re.I) if at > 0 else None
            if m:
                s.count = _gpu_count(m.group(1))[0]
            else:
                s.count = find_bare_count(text)
        base_id = described.rsplit("|", 1)[1]
        # a device named beside catalog cards ("Arc B580 12GB ... vs a used 3060 12GB"): the cards stay, to compare
        others = [g for g in dict.fromkeys(s.gpus) if g != base_id and not g.startswith("described:")] \
            if (s.devices or s.unknown_gpus) else []
        s.gpu, s.gpus, s.counts = described, [described, *others], [s.count or 1] + [1] * len(others)
        s.devices, s.unknown_gpus, s.vram_gib = [], [], None
    neg = re.search(r"(?<![\w.])-\s*(\d+)\s*(?:x\s*)?(?:gpus?|cards?|张|块|卡|nodes?)|(?<![\w.])-\s*(\d+)\s*x?\s*(?=[a-z]*\d{2,4})",
                    text, re.I)
    if neg and s.count == int(neg.group(1) or neg.group(2) or 0):
        s.problems.append(f"a count of -{neg.group(1) or neg.group(2)} GPUs is out of range (1 to {MAX_GPUS:,})")
        s.count = None
    if s.tokens is not None and not 1e3 <= s.tokens <= 1e15:
        s.problems.append(f"a budget of {_short(s.tokens)} tokens is out of range (1e3 to 1e15)")
        s.tokens = None
    if s.hours_per_day is not None and not 0 < s.hours_per_day <= 24:
        s.problems.append(f"{_short(s.hours_per_day)} hours a day is out of range (0 to 24)")
        s.hours_per_day = None
    if s.days is not None and not 0 < s.days <= 3650:
        s.problems.append(f"a deadline of {_short(s.days)} days is out of range (up to 10 years)")
        s.days = None
    if s.budget_other:  # "预算20万人民币": in dollars at the person's rate, else the dated one on file (said in the answer)
        convert_budget(s)
    return s


# Words shaped like GPU names: "RTX 9090", "GTX 1080 Ti", "RX 7900 XTX", "H20", "L20", "B300", "MI250", "GB200", "P40"
GPU_SHAPED = re.compile(r"\b(?:(?:rtx|gtx|rx|arc)\s*-?\s*[a-z]?\d{3,4}(?:\s*(?:ti|super|xtx|xt))*|"
                        r"(?:mi|gb|gh)\s*\d{2,3}[a-z]?|[abhlpv]\d{2,3}[a-z]?)s?\b", re.I)


TOGETHER = re.compile(r"\btogether\b|\bcombined?\b|\bboth\b|\bpool(?:ed)?\b|\bat the same time\b|一起|合起来|加起来|混用|混合|同时用", re.I)


def _pool_of(gpus: list) -> tuple[str, int]:
    """Different cards used together ('a 3090 and a 4090 together'): sized as that many of the smallest, slowest one
    (llama.cpp splits layers by memory; the slowest card sets the pace)."""
    from tools.gpus import get_gpu

    weakest = min((g for g, _, _ in gpus), key=lambda g: (round(get_gpu(g).memory_gib), get_gpu(g).memory_bandwidth_gb_per_s))
    return weakest, sum(c or 1 for _, c, _ in gpus)


def _with_form_factor_pair(text: str, gpus: list) -> list:
    """'H100 SXM vs PCIe': the other form factor of the named card is the second option."""
    if len(gpus) != 1 or not re.search(r"(?:sxm\w*|pcie)\s*(?:vs\.?|versus|or|and|还是|和|与|对比|比)\s*(?:the\s+)?(?:sxm|pcie)",
                                       text, re.I):
        return gpus
    from tools.errors import AdvisorInputError
    from tools.gpus import get_gpu

    gid, count, problem = gpus[0]
    base = re.sub(r"-?(?:sxm\d?|pcie)(?=-|$)", "", gid)
    other = "pcie" if "sxm" in gid else "sxm"
    for name in (f"{base}-{other}", f"{base} {other}", re.sub(r"(?:sxm\d?|pcie)", other, gid)):
        try:
            g = get_gpu(name).id
        except AdvisorInputError:
            continue
        if g != gid:
            return [*gpus, (g, count, problem)]
    return gpus


def find_unknown_gpus(text: str, known: list) -> list[str]:
    """GPU-shaped names the catalog does not hold ('RTX 9090', 'B300', 'H20'): said back, never silently swapped."""
    index = _gpu_index()
    out = []
    for m in GPU_SHAPED.finditer(text):
        word = m.group(0)
        if m.start() and text[m.start() - 1] in "-_/." and re.match(r"[a-z]\d+b$", word, re.I):
            continue  # the active-parameter part of a model name: "Qwen3-235B-A22B", "A3B"
        key = norm_key(word)
        if key.endswith("s") and key[:-1] in index:
            key = key[:-1]  # "A100s"
        if key in index or any(re.fullmatch(re.escape(key) + r"(?:\d{1,3}gb?|sxm\d?|pcie)", k) for k in index):
            continue  # a catalog card, perhaps written without its memory size ("RTX 3060" for the 12 GB one)
        if any(key in norm_key(g) for g, *_ in known):
            continue  # part of a name already matched ("RTX 6000" in "RTX 6000 Ada")
        if not re.match(r"(?:rtx|gtx|rx|arc|mi|gb|gh|[abhlpv]\d)", key):
            continue
        if re.fullmatch(r"p(?:50|90|95|99|999)", key) or re.match(r"\s*(?:latency|under|below|<|of|=|:|is)\b", text[m.end():].lower()):
            continue  # "p95 under 50 ms": a latency percentile, not a GPU
        word = re.sub(r"(?<=\d)s$", "", word.strip(), flags=re.I)  # "RTX 9090s"
        out.append(re.sub(r"\s+", " ", word).upper())
    return list(dict.fromkeys(out))


def _without_gpu_words(text: str, gpus: list[str]) -> str:
    """Keep '4090' or 'A100 80GB' from being read as a model size."""
    if not gpus:
        return text
    return re.sub(r"\b\d+\s*GB\b", " ", text, flags=re.I)
