"""The question contract: what a question (and the conversation before it) is about, read by the offline parser,
and the checks that hold the LLM engine's tool calls and answer to it.

A small model copies example values into its calls (Qwen2.5-32B on an RTX 4090 for a question about a 70B model
at 4-bit), leaves out the facts it was given (64 H100s become the default 8 A100s) or sizes another method; the
grounding check alone cannot see that, because the answer's figures do match the wrong call's result. So:
- `Contract.check_call(tool, args)` compares a call's arguments, with the calculator's defaults filled in, to the
  question's facts (model and size, GPU and count, method and workload, precision, context, users, tokens,
  deadline) and returns the contradiction in words, which goes back to the model as the tool's error;
- `Contract.unbacked(calls)` names the asks ("does it fit", "how many", "how long", "what does it cost", ...) that
  no successful call of a tool answering that ask backs; such an answer is replaced by the offline engine's.

Only the parser's public functions are used (advisor.offline.parse.parse / Slots.merged_over and
advisor.offline.asks.detect); nothing here decides an answer."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

from .offline.asks import detect
from .offline.parse import Slots, parse

# the tools that answer each ask (a successful call of one of them must back an answer to that ask)
MEMORY_TOOLS = frozenset({"check_fit", "estimate_memory", "compare_quantization"})
ASK_TOOLS: dict[str, frozenset[str]] = {
    "fit": MEMORY_TOOLS, "memory": MEMORY_TOOLS | {"lookup_model"}, "kv": frozenset({"estimate_memory", "check_fit"}),
    "limits": frozenset({"check_fit", "estimate_memory"}), "sharding": frozenset({"check_fit", "estimate_memory"}),
    "largest": MEMORY_TOOLS | {"recommend_hardware"}, "misconception": MEMORY_TOOLS,
    "how_many": frozenset({"recommend_hardware"}), "which_gpu": frozenset({"recommend_hardware"}),
    "speed": frozenset({"estimate_throughput", "recommend_hardware", "estimate_training"}),
    "time": frozenset({"estimate_training", "recommend_hardware"}),
    "cost": frozenset({"estimate_cost", "estimate_training", "recommend_hardware"}),
    "buy_rent": frozenset({"estimate_cost"}),
    "budget": frozenset({"estimate_cost", "estimate_training", "recommend_hardware"}),
    "value": frozenset({"estimate_cost", "recommend_hardware", "estimate_throughput"}),
    "quantization": frozenset({"compare_quantization"}),
    "gpu_specs": frozenset({"lookup_gpu"}),
    "compare": frozenset({"check_fit", "estimate_memory", "compare_quantization", "recommend_hardware",
                          "estimate_throughput", "estimate_training", "estimate_cost", "lookup_gpu", "lookup_model"}),
}
ASK_WORDS = {"fit": "whether it fits", "memory": "the memory", "kv": "the KV cache", "limits": "the limit",
             "sharding": "the memory of each sharding", "largest": "the largest model", "misconception":
             "the memory claimed", "how_many": "how many GPUs", "which_gpu": "which GPUs", "speed": "the speed",
             "time": "how long", "cost": "the cost", "buy_rent": "buy or rent", "budget": "the budget",
             "value": "the value for money", "quantization": "the quantization options", "gpu_specs": "the GPU specs",
             "compare": "the comparison"}
ASK_WORDS_ZH = {"fit": "能否放下", "memory": "显存", "kv": "KV 缓存", "limits": "上限", "sharding": "各分片方式的显存",
                "largest": "最大模型", "misconception": "所说的显存", "how_many": "需要几张卡", "which_gpu": "选哪种 GPU",
                "speed": "速度", "time": "耗时", "cost": "费用", "buy_rent": "买还是租", "budget": "预算",
                "value": "性价比", "quantization": "量化选项", "gpu_specs": "GPU 规格", "compare": "对比"}
MODEL_ARG = {"lookup_model": "name"}
GPU_ARG = {"lookup_gpu": "name"}
# the keys each fact goes by in the tools' arguments
CONTEXT_ARGS = ("context", "sequence_length")
USERS_ARGS = ("concurrency",)
SIZE_TOLERANCE = 0.15  # "13B" is llama-2-13b (13.02B) and Qwen2.5-14B (14.8B), not 7B or 32B
NUMBER_TOLERANCE = 0.05


@dataclass
class Contract:
    asks: list[str] = field(default_factory=list)
    facts: Slots = field(default_factory=Slots)
    text: str = ""  # the conversation's user turns and the question, lower case (names the parser may not know)

    @classmethod
    def of(cls, question: str, history: list | None = None) -> Contract:
        state, previous = Slots(), None
        user_turns = []
        for turn in (history or [])[-40:]:
            role, content = _role_content(turn)
            if role != "user" or not content:
                continue
            user_turns.append(content)
            now = parse(content)
            merged = now.merged_over(state)
            previous = detect(content, now, merged, previous)
            if previous in (["problem"], ["local_path"], ["unknown"]):
                previous = None
            state = merged
        now = parse(question)
        merged = now.merged_over(state)
        asks = detect(question, now, merged, previous)
        return cls(asks=asks, facts=merged, text=" ".join(user_turns + [question]).lower())

    # ---- what the question is about, in words for the model ----
    def describe(self, keys: list[str]) -> str:
        s = self.facts
        words = {"model": s.model and (f"a {s.model} model" if _is_size(s.model) else s.model),
                 "gpu": s.gpu and (f"{s.count} x {s.gpu}" if s.count else s.gpu),
                 "gpu_count": s.count and f"{s.count} GPUs", "method": _method_words(s.method, s.workload),
                 "precision": s.precision and f"{s.precision} weights", "context": s.context and
                 f"{s.context:,} tokens of context", "users": s.users and f"{s.users} concurrent users",
                 "tokens": s.tokens and f"{s.tokens:g} training tokens", "days": s.days and f"{s.days:g} days"}
        return ", ".join(str(words[k]) for k in keys if words.get(k))

    # ---- the checks ----
    def check_call(self, tool: str, args: dict) -> str | None:
        """None when the call (arguments as validated, the calculator's defaults filled in) agrees with the
        question; otherwise what contradicts it, in words the model can act on."""
        eff = _effective(tool, args)
        bad: list[tuple[str, str]] = []  # (fact key, what the call passed)
        s = self.facts
        model = eff.get(MODEL_ARG.get(tool, "model"))
        if isinstance(model, str) and model:
            if s.models:
                if not any(_same_model(model, m, self.text) for m in s.models):
                    bad.append(("model", model))
            elif not _named(model, self.text):
                return (f"the question names no model, and {model!r} is not in it: size only a model the person "
                        "named (or ask which one); to explain a concept, call search_guidance.")
        gpus = [eff[GPU_ARG.get(tool, "gpu")]] if isinstance(eff.get(GPU_ARG.get(tool, "gpu")), str) else []
        if isinstance(eff.get("gpus"), list):
            gpus += [g for g in eff["gpus"] if isinstance(g, str)]
        if s.gpus and gpus and not all(any(_same_gpu(g, q) for q in s.gpus) for g in gpus):
            bad.append(("gpu", ", ".join(gpus)))
        if s.count and "gpu_count" in eff and tool not in ("estimate_cost",) and gpus and \
                all(any(_same_gpu(g, q) for q in s.gpus) for g in gpus) and eff["gpu_count"] != s.count:
            bad.append(("gpu_count", f"{eff['gpu_count']} GPUs"))
        method = _call_method(tool, eff)
        # a question that names no training sizes serving (the calculators' own default), except for the training
        # calculator, which is only ever called about training
        said = bool(s.method or s.workload) or tool != "estimate_training"
        if method is not None and said and not _methods_agree(method, s.method, s.workload):
            bad.append(("method", _method_words(*method) or "inference"))
        precision = eff.get("precision") if tool in ("check_fit", "estimate_memory", "estimate_throughput") else None
        if s.precision and tool in ("check_fit", "estimate_memory", "estimate_throughput") and \
                not (eff.get("method") == "qlora" and (_bits(s.precision) or 16) <= 5):
            if not _same_bits(precision or "bf16", s.precision):
                bad.append(("precision", f"{precision} weights" if precision else "16-bit weights (no precision)"))
        for key, fact, names in (("context", s.context, CONTEXT_ARGS), ("users", s.users, USERS_ARGS),
                                 ("tokens", s.tokens, ("tokens",)), ("days", s.days, ("deadline_days",))):
            for name in names:
                if fact and isinstance(eff.get(name), int | float) and not _close(float(eff[name]), float(fact)):
                    bad.append((key, f"{name} {eff[name]:g}"))
        if s.tokens and tool == "estimate_training" and "tokens" not in eff:
            bad.append(("tokens", "no tokens"))
        if not bad:
            return None
        keys = list(dict.fromkeys(k for k, _ in bad))
        return (f"the question is about {self.describe(keys) or 'something else'}; you passed "
                f"{', '.join(dict.fromkeys(v for _, v in bad))}. Call {tool} again with the question's own "
                "facts (as the person wrote them).")

    def sizing_asks(self) -> list[str]:
        """The asks that need a calculator's result, most important first."""
        if self.asks == ["misconception"] and not (self.facts.claimed_gb or self.facts.model):
            return []
        asks = [a for a in self.asks if a in ASK_TOOLS]
        if self.facts.target_tps and len(asks) > 1 and "speed" in asks:
            asks.remove("speed")  # "at 1000 tok/s": a speed given, not asked
        return asks

    def unbacked(self, calls: list) -> list[str]:
        """The sizing asks that no successful call of a tool answering them backs."""
        ok = {c.tool for c in calls if not getattr(c, "error", None)}
        return [a for a in self.sizing_asks() if not (ASK_TOOLS[a] & ok)]

    def reason(self, missing: list[str], calls: list) -> str:
        """Why the answer cannot stand, in true words: what was missing and what happened to the calls made."""
        need = sorted(set().union(*(ASK_TOOLS[a] for a in missing)))
        tried = [c for c in calls if c.tool in need]
        what = " and ".join(ASK_WORDS.get(a, a) for a in missing)
        if tried:
            last = str(tried[-1].error or "").removeprefix("Error: ").split(". Call ")[0][:200]
            return f"its answer to {what} has no successful {tried[-1].tool} result behind it ({last})"
        ran = sorted({c.tool for c in calls if not getattr(c, "error", None)})
        return (f"it answered {what} without calling {' or '.join(need)}"
                + (f" (it ran only {', '.join(ran)})" if ran else ""))


def _role_content(turn) -> tuple[str, str]:
    if isinstance(turn, str):
        return "user", turn
    if isinstance(turn, dict):
        role = str(turn.get("role", "user"))
        return ("user" if role in ("user", "human") else role), str(turn.get("content") or "")
    role = getattr(turn, "type", None) or getattr(turn, "role", "user")
    return ("user" if role in ("human", "user") else str(role)), str(getattr(turn, "content", "") or "")


def _effective(tool: str, args: dict) -> dict:
    """The arguments with the calculator's own defaults filled in (what the call really sizes)."""
    from .registry import registry

    spec = registry().get(tool)
    out: dict[str, Any] = {}
    if spec is not None:
        for f in dataclasses.fields(spec.request):
            if f.default is not dataclasses.MISSING and f.default is not None:
                out[f.name] = f.default
    out.update({k: v for k, v in args.items() if v is not None})
    if tool in ("check_fit", "estimate_memory") and "workload" not in args:
        out["workload"] = "training" if args.get("method") else "inference"
    return out


def _is_size(name: str) -> bool:
    return bool(re.fullmatch(r"\d+(?:\.\d+)?[bm]", name.strip().lower()))


def _size_b(name: str) -> float | None:
    """A model's size in billions of parameters: from a size like '13B', the catalog, or the name."""
    low = name.strip().lower()
    if _is_size(low):
        return float(low[:-1]) / (1000 if low.endswith("m") else 1)
    try:
        from tools.models import get_model
        from tools.params import count_params

        m = get_model(name)
        return m.official_params_b or count_params(m).total_b
    except Exception:  # noqa: BLE001 - an unknown name: the tool itself will refuse it
        found = re.findall(r"(\d+(?:\.\d+)?)\s*b\b", low)
        return float(found[-1]) if found else None


def _model_id(name: str) -> str | None:
    try:
        from tools.models import get_model

        return get_model(name).id
    except Exception:  # noqa: BLE001
        return None


def _same_model(arg: str, fact: str, text: str = "") -> bool:
    a, f = _model_id(arg), _model_id(fact)
    if a and f and a == f:
        return True
    sa, sf = _size_b(arg), _size_b(fact)
    if sa is None or sf is None:
        return _norm(arg) == _norm(fact)
    if abs(sa - sf) > SIZE_TOLERANCE * sf:
        return False
    # same size; a family the person wrote must match too (Qwen2.5-72B is not Llama 3 70B, but 'a 70B model' is
    # either; a family only the parser saw is not held against the call)
    return _is_size(fact) or _is_size(arg) or _family(arg) == _family(fact) or not _said(_family(fact), text)


def _said(word: str, text: str) -> bool:
    return bool(word) and re.search(rf"\b{re.escape(word)}(?![a-z])", text) is not None


def _family(name: str) -> str:
    return re.sub(r"[^a-z]", "", (_model_id(name) or name).lower().split("-")[0])


def _named(model: str, text: str) -> bool:
    """A model the parser did not find may still be in the question as written (a new Hub id)."""
    n = _norm(model)
    return bool(n) and (n in _norm(text) or (n.split("/")[-1] in _norm(text) if "/" in model else False))


def _norm(s: str) -> str:
    return re.sub(r"[^a-z0-9]", "", s.lower())


def _gpu_id(name: str) -> str | None:
    try:
        from tools.gpus import get_gpu

        return get_gpu(name).id
    except Exception:  # noqa: BLE001
        return None


def _same_gpu(arg: str, fact: str) -> bool:
    """The same card, or the same chip in another memory size or form factor (A100 40GB for 'A100')."""
    a, f = _gpu_id(arg) or _norm(arg), _gpu_id(fact) or _norm(fact)
    if a == f:
        return True
    return _chip(a) is not None and _chip(a) == _chip(f)


def _chip(gpu_id: str) -> str | None:
    m = re.search(r"[a-z]*\d+[a-z]*", gpu_id)
    return m.group(0) if m else None


def _call_method(tool: str, eff: dict) -> tuple[str | None, str] | None:
    """(method, workload) that a call sizes, or None when the tool does not size one."""
    if tool in ("check_fit", "estimate_memory"):
        wl = eff.get("workload") or "inference"
        return (eff.get("method") if wl == "training" else None), wl
    if tool == "estimate_training":
        method = eff.get("method") or "pretrain"
        return method, "pretrain" if method == "pretrain" else "training"
    if tool == "recommend_hardware":
        wl = eff.get("workload") or "inference"
        if wl == "inference":
            return None, "inference"
        return ("full", "pretrain") if wl == "pretrain" else (eff.get("method") or "lora", "training")
    if tool == "estimate_throughput":
        return None, "inference"
    return None


def _methods_agree(call: tuple[str | None, str], method: str | None, workload: str | None) -> bool:
    c_method, c_workload = call
    if workload == "inference" or (workload is None and method is None):
        return c_workload == "inference"
    if c_workload == "inference":
        return False  # the question trains; the call sizes serving
    if workload == "pretrain" or method == "pretrain":
        return c_method in ("pretrain", "full", None)
    if method:
        return (c_method or "full") == method or (method == "full" and c_method == "pretrain")
    return True  # training, method not said: any training method


def _method_words(method: str | None, workload: str | None) -> str | None:
    if workload == "inference" and not method:
        return "inference"
    if workload == "pretrain" or method == "pretrain":
        return "pretraining"
    return {"full": "full fine-tune", "lora": "LoRA fine-tune", "qlora": "QLoRA fine-tune"}.get(
        method or "", "training" if workload == "training" else None)


def _bits(precision: str) -> float | None:
    try:
        from tools.formats import weight_format

        return weight_format(precision).linear_bits
    except Exception:  # noqa: BLE001
        m = re.search(r"(\d+)\s*-?\s*bit", precision.lower())
        return float(m.group(1)) if m else None


def _same_bits(arg: str, fact: str) -> bool:
    a, f = _bits(arg), _bits(fact)
    return a is None or f is None or abs(a - f) <= 1.5


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= NUMBER_TOLERANCE * max(abs(b), 1e-9) or (b >= 1000 and abs(a - b) / b <= 0.03)
