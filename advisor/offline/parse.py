"""Pulling the facts out of a question: model, GPU and count, workload, method, precision, context,
batch, token budget, money and time. English and Chinese phrasing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache

from tools.catalog_io import norm_key

NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "dual": 2, "pair": 2, "three": 3, "four": 4,
                "quad": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "ten": 10, "twelve": 12, "sixteen": 16,
                "thirty-two": 32, "sixty-four": 64}
ZH_NUMBERS = {"一": 1, "单": 1, "二": 2, "两": 2, "双": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "十": 10, "十六": 16, "三十二": 32, "六十四": 64}
_ZH_NUM = "|".join(sorted(ZH_NUMBERS, key=len, reverse=True))
_LATIN = re.compile(r"[A-Za-z0-9$][A-Za-z0-9.\-_/+$]*")
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass
class Slots:
    model: str | None = None  # catalog id, or a size like "13B"
    gpu: str | None = None  # catalog id
    gpus: list[str] = field(default_factory=list)  # every GPU named, in order
    count: int | None = None
    workload: str | None = None  # inference | training | pretrain
    method: str | None = None  # full | lora | qlora
    precision: str | None = None
    context: int | None = None
    batch: int | None = None
    tokens: float | None = None
    days: float | None = None
    target_tps: float | None = None
    framework: str | None = None
    vram_gib: float | None = None  # "a 24GB card" when no GPU is named

    def merged_over(self, old: Slots) -> Slots:
        """This turn's facts, falling back to the conversation's for whatever this turn does not say.
        A turn naming a different model starts a new topic; one that says 'serve/run' drops the training method."""
        if self.model and old.model and self.model != old.model:
            old = Slots()
        out = replace(old)
        for f in fields(self):
            value = getattr(self, f.name)
            if value not in (None, []):
                setattr(out, f.name, value)
        if self.gpu and not self.count:
            out.count = None  # a new GPU without a count means one of them
        if self.workload == "inference" and not self.method:
            out.method = None
        if self.vram_gib and not self.gpu:
            out.gpu, out.gpus, out.count = None, [], None
        if self.workload in ("training", "pretrain") and self.precision is None and old.workload == "inference":
            out.precision = None
        return out


def is_chinese(text: str) -> bool:
    return bool(_CJK.search(text))


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


def _tokens(text: str) -> list[str]:
    return [t.strip(".-/") for t in _LATIN.findall(text) if t.strip(".-/")]


def _ngrams(tokens: list[str], n_max: int = 5):
    for n in range(min(n_max, len(tokens)), 0, -1):
        for i in range(len(tokens) - n + 1):
            yield i, n, tokens[i: i + n]


def find_model(text: str) -> str | None:
    tokens = _tokens(text)
    index = _model_index()
    for _, _, gram in _ngrams(tokens):
        for variant in ("".join(gram), " ".join(gram)):
            key = norm_key(variant)
            if key in index and not key.isdigit():
                return index[key]
    size = re.search(r"(?<![\w.])(\d+(?:\.\d+)?)\s*([bB]|[mM])(?![a-zA-Z])(?!\s*tokens)", text)
    if size:
        value = float(size.group(1)) / (1000 if size.group(2).lower() == "m" else 1)
        family = _family_match(text.lower(), value)
        return family or f"{size.group(1)}{size.group(2).upper()}"
    return None


def _family_match(text: str, params_b: float) -> str | None:
    for family, entries in _families().items():
        if family and family in text:
            close = [e for e in entries if abs(e[0] / params_b - 1) < 0.15]
            if close:
                # the closest size, and among near-equal sizes the newest release
                return min(close, key=lambda e: (round(abs(e[0] / params_b - 1), 1), _neg(e[1])))[2]
    return None


def _neg(released: str) -> tuple:
    return tuple(-ord(c) for c in released)


def find_gpus(text: str) -> list[tuple[str, int | None]]:
    """Every GPU named, with the count written before it ('2x3090', 'two A100s', '8×H100', '两张4090')."""
    tokens = _tokens(text)
    index = _gpu_index()
    found: list[tuple[int, str, int | None]] = []
    used: set[int] = set()
    for i, n, gram in _ngrams(tokens, 4):
        if any(j in used for j in range(i, i + n)):
            continue
        joined = "".join(gram)
        m = re.fullmatch(r"(\d+)[x×*](.+)", joined, flags=re.I)
        count, key = (int(m.group(1)), norm_key(m.group(2))) if m else (None, norm_key(joined))
        if key not in index and key.endswith("s") and key[:-1] in index:
            key = key[:-1]  # "4090s", "A100s"
        if key not in index or (key.isdigit() and len(key) < 3):
            continue
        if count is None:
            count = _count_before(tokens, i, text, gram[0])
        found.append((i, index[key], count))
        used.update(range(i, i + n))
    found.sort()
    return [(g, c) for _, g, c in found]


def _count_before(tokens: list[str], i: int, text: str, first: str) -> int | None:
    if i > 0:
        prev = tokens[i - 1].lower().rstrip("x×*")
        if prev.isdigit() and 0 < int(prev) <= 4096:
            return int(prev)
        if prev in NUMBER_WORDS:
            return NUMBER_WORDS[prev]
    m = re.search(rf"(\d+|{'|'.join(NUMBER_WORDS)})\s*(?:x|×|\*)?\s*(?:nvidia\s+)?(?:geforce\s+)?(?:rtx\s+)?"
                  rf"{re.escape(first)}", text, flags=re.I)
    if m:
        w = m.group(1).lower()
        return int(w) if w.isdigit() else NUMBER_WORDS.get(w)
    m = re.search(rf"(\d+|{_ZH_NUM})\s*[张块卡个台片]\s*(?:nvidia\s*)?(?:rtx\s*)?{re.escape(first)}", text, flags=re.I)
    if m:
        w = m.group(1)
        return int(w) if w.isdigit() else ZH_NUMBERS.get(w)
    m = re.search(rf"{re.escape(first)}\S{{0,6}}?\s*[x×*]\s*(\d+)", text, flags=re.I)
    if m:
        return int(m.group(1))
    return None


def find_bare_count(text: str) -> int | None:
    """'on two of them', 'with 4 GPUs', '两张', '8卡' -- a count without a GPU name."""
    low = text.lower()
    m = re.search(rf"\b(\d+|{'|'.join(NUMBER_WORDS)})\s+(?:of them|gpus?|cards?|cards of them)\b", low)
    if m:
        w = m.group(1)
        return int(w) if w.isdigit() else NUMBER_WORDS.get(w)
    m = re.search(rf"(\d+|{_ZH_NUM})\s*(?:张|块|卡|个GPU|台)", text)
    if m:
        w = m.group(1)
        return int(w) if w.isdigit() else ZH_NUMBERS.get(w)
    return None


PRECISIONS = [
    (r"\bq4_k_m\b|\bq4km\b", "q4_k_m"), (r"\bq5_k_m\b", "q5_k_m"), (r"\bq8_0\b|\bq8\b", "q8_0"),
    (r"\bq6_k\b", "q6_k"), (r"\bq3_k_m\b", "q3_k_m"), (r"\bq2_k\b", "q2_k"), (r"\bq4_0\b", "q4_0"),
    (r"\bgguf\b", "q4_k_m"), (r"\bawq\b", "awq-4bit"), (r"\bgptq\b", "gptq-4bit-g128"), (r"\bnf4\b", "nf4"),
    (r"\bmxfp4\b", "mxfp4"), (r"\bnvfp4\b|\bfp4\b", "nvfp4"), (r"\bfp8\b", "fp8"),
    (r"\bint8\b|\b8[- ]?bit\b|8位|8比特", "int8"), (r"\bint4\b|\b4[- ]?bit\b|4位|4比特", "awq-4bit"),
    (r"\bbf16\b|\bbfloat16\b", "bf16"), (r"\bfp16\b|\bhalf precision\b|\b16[- ]?bit\b|半精度|16位", "bf16"),
    (r"\bfp32\b|\bfull precision\b", "fp32"),
]


def find_precision(text: str) -> str | None:
    low = text.lower()
    for pattern, value in PRECISIONS:
        if re.search(pattern, low):
            return value
    return None


def find_method_and_workload(text: str) -> tuple[str | None, str | None]:
    low = text.lower()
    method = None
    if re.search(r"\bq-?lora\b", low):
        method = "qlora"
    elif re.search(r"\blora\b|\bpeft\b|\badapters?\b", low):
        method = "lora"
    elif re.search(r"\bfull(?:y)?[- ]?(?:parameter )?fine[- ]?tun|\bfully\b|\bfull fine|全量|全参", low):
        method = "full"
    if re.search(r"pre-?train|from scratch|预训练|从头训练", low):
        return method or "full", "pretrain"
    if method or re.search(r"fine[- ]?tun|finetun|\btrain|微调|训练|sft\b", low):
        return method, "training"
    if re.search(r"\bserv|\binfer|\brun\b|\brunning\b|\bhost|\bdeploy|\bchat\b|\bload\b|推理|部署|跑|运行|服务", low):
        return None, "inference"
    return None, None


def find_context(text: str) -> int | None:
    low = text.lower()
    m = re.search(r"(\d+(?:\.\d+)?)\s*k\b(?!\s*(?:steps|examples|samples))", low)
    if m and not re.search(r"\d+(?:\.\d+)?\s*k\s+(?:training\s+)?tokens\s+(?:of\s+)?(?:data|dataset)", low):
        return int(float(m.group(1)) * 1024) if float(m.group(1)) <= 2048 else None
    m = re.search(r"(?:context|ctx|sequence length|seq len|上下文|长度)\D{0,12}?(\d{3,7})\b", low)
    if m:
        return int(m.group(1))
    m = re.search(r"(\d{3,7})\s*(?:-token|token)s?\s*(?:context|window|prompt|上下文)", low)
    if m:
        return int(m.group(1))
    return None


def find_batch(text: str) -> int | None:
    low = text.lower()
    m = re.search(r"(?:batch(?: size)?|concurrency|concurrent|并发)\D{0,4}?(\d{1,5})\b", low)
    if m:
        return int(m.group(1))
    m = re.search(r"(\d{1,5})\s*(?:concurrent|simultaneous|parallel)?\s*(?:users|requests|streams|sessions|并发|用户|路)",
                  low)
    return int(m.group(1)) if m else None


_SCALE = {"t": 1e12, "trillion": 1e12, "b": 1e9, "billion": 1e9, "m": 1e6, "million": 1e6, "k": 1e3}


def find_tokens(text: str) -> float | None:
    low = text.lower()
    m = re.search(r"(\d+(?:\.\d+)?)\s*(t|trillion|b|billion|m|million|k)\s*(?:training\s+)?tokens?\b", low)
    if m:
        return float(m.group(1)) * _SCALE[m.group(2)]
    m = re.search(r"(\d+(?:\.\d+)?e\d+)\s*tokens?", low)
    if m:
        return float(m.group(1))
    m = re.search(r"(\d+(?:\.\d+)?)\s*(万亿|亿|万)\s*(?:个)?\s*token", low)
    if m:
        return float(m.group(1)) * {"万亿": 1e12, "亿": 1e8, "万": 1e4}[m.group(2)]
    return None


def find_days(text: str) -> float | None:
    low = text.lower()
    m = re.search(r"(?:in|within|under|deadline of)\s+(\d+(?:\.\d+)?)\s*(day|week|month)s?", low)
    if m:
        return float(m.group(1)) * {"day": 1, "week": 7, "month": 30}[m.group(2)]
    m = re.search(r"(\d+(?:\.\d+)?)\s*(天|周|个月)\s*(?:内|之内)", text)
    if m:
        return float(m.group(1)) * {"天": 1, "周": 7, "个月": 30}[m.group(2)]
    return None


def find_target_speed(text: str) -> float | None:
    m = re.search(r"(\d+(?:\.\d+)?)\s*(?:tok(?:en)?s?\s*/\s*s|tokens per second|tok/s|t/s)", text.lower())
    return float(m.group(1)) if m else None


def find_framework(text: str) -> str | None:
    low = text.lower()
    for pattern, fw in ((r"llama\.?cpp|ollama", "llama.cpp"), (r"\bvllm\b", "vllm"), (r"tensorrt|trt-llm", "tensorrt-llm"),
                        (r"\bsglang\b", "sglang"), (r"transformers|hugging ?face", "transformers")):
        if re.search(pattern, low):
            return fw
    return None


def spaced(text: str) -> str:
    """Put spaces between Chinese and Latin runs so word boundaries work in mixed text ('用QLoRA微调')."""
    text = re.sub(r"([\u3400-\u9fff])([A-Za-z0-9$])", r"\1 \2", text)
    return re.sub(r"([A-Za-z0-9%])([\u3400-\u9fff])", r"\1 \2", text)


def find_vram(text: str) -> float | None:
    m = re.search(r"(\d{1,3})\s*gb\s*(?:of\s*)?(?:vram|card|gpu|显存|显卡|memory)", text.lower())
    return float(m.group(1)) if m else None


def parse(text: str) -> Slots:
    text = spaced(text)
    s = Slots()
    gpus = find_gpus(text)
    if gpus:
        s.gpus = [g for g, _ in gpus]
        s.gpu, s.count = gpus[0]
    if s.count is None:
        s.count = find_bare_count(text)
    s.model = find_model(_without_gpu_words(text, s.gpus))
    s.method, s.workload = find_method_and_workload(text)
    s.precision = find_precision(text)
    s.context = find_context(text)
    s.batch = find_batch(text)
    s.tokens = find_tokens(text)
    s.days = find_days(text)
    s.target_tps = find_target_speed(text)
    s.framework = find_framework(text)
    if not s.gpu:
        s.vram_gib = find_vram(text)
    return s


def _without_gpu_words(text: str, gpus: list[str]) -> str:
    """Keep '4090' or 'A100 80GB' from being read as a model size."""
    if not gpus:
        return text
    return re.sub(r"\b\d+\s*GB\b", " ", text, flags=re.I)
