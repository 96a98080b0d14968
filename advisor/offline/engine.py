"""OfflineEngine: parse the question into asks and constraints -> plan the tool calls (the same registry the LLM
uses) -> an answer that leads with what was asked, in the question's language, keeping facts across turns."""

from __future__ import annotations

import dataclasses
import logging
import re
from typing import Any

from tools.defaults import INFERENCE_CONTEXT
from tools.errors import AdvisorInputError

from ..answer import Answer, Source, ToolCallRecord
from ..registry import registry, result_dict, run_tool
from . import accounting, my_machine, own_numbers, parts, table
from . import answers_asks as asks_
from . import answers_fit as fit_
from . import answers_misc as misc
from . import answers_money as money
from . import answers_serve as serve
from . import answers_train as train
from .asks import DOMAIN, FOLLOW_UP, OOM_ASK, PATTERNS, detect
from .parse import PER_MILLION, STATED_MEMORY, Slots, is_chinese, parse
from .text import Reply, pick, what

log = logging.getLogger(__name__)


ANY_GPU = "*"  # a price given with no card named: it stands for the one card an answer sizes


class Turn:
    """One answer being built: records each tool call and the guidance cited."""

    def __init__(self, lang: str, question: str = "", quick: bool = False) -> None:
        self.lang = lang
        self.zh = lang == "zh"
        self.question = question
        self.quick = quick
        self.calls: list[ToolCallRecord] = []
        self.sources: list[Source] = []
        self.warnings: list[str] = []
        self.usd_per_gpu_hour: float | None = None  # the person's own rental price
        self.price_gpu: str | None = None  # ... for this GPU (None: not tied to one, so not used)
        self.price_used = False
        self.gpu_prices: dict = {}  # gpu id -> the person's price for it
        self.config = None  # the serving configuration an ask found (a PlanOption), for the asks after it
        self.config_count: int | None = None  # the training GPU count an ask found, for the time asked after it
        self.config_model: str | None = None  # the model an ask found ("the biggest I can QLoRA"), for the part after it
        self.run_hours: float | None = None  # a run an earlier part timed: a power bill asked after it is for that run
        self.good_for = False  # "is a 4090 good for ai?": what it runs, then which job
        self.local_history = ""  # the conversation's earlier user turns (for a follow-up's "local use" reading)

    def derive(self, tool: str, fn, **args: Any) -> Any:
        """Run a calculator from tools/ that is not in the registry (the searches in tools/search.py) and record it
        like a tool call, so every figure an answer derives has its call on the record."""
        args = {k: v for k, v in args.items() if v is not None}
        result = fn(**args)
        self.calls.append(ToolCallRecord(tool=tool, args=args, result=result))
        return result

    def takes(self, tool: str, arg: str) -> bool:
        return arg in {f.name for f in dataclasses.fields(registry()[tool].request)}

    def call(self, tool: str, **args: Any) -> Any:
        """Run a tool; None arguments mean 'the tool's default' and are left out."""
        known = {f.name for f in dataclasses.fields(registry()[tool].request)}
        args = {k: v for k, v in args.items() if v is not None and k in known}
        if self.gpu_prices and "usd_per_gpu_hour" in known and "usd_per_gpu_hour" not in args:
            named = [args["gpu"]] if args.get("gpu") else list(args.get("gpus") or [])
            ids = {_gpu_id(g) for g in named}
            if len(ids) == 1 and next(iter(ids)) in self.gpu_prices:
                args["usd_per_gpu_hour"] = self.gpu_prices[next(iter(ids))]  # this GPU's own price, as given
                self.price_used = True
        if self.usd_per_gpu_hour and "usd_per_gpu_hour" in known and "usd_per_gpu_hour" not in args:
            named = [args["gpu"]] if args.get("gpu") else list(args.get("gpus") or [])
            if named and self.price_gpu and (all(_gpu_id(g) == self.price_gpu for g in named) or
                                              self.price_gpu == ANY_GPU and len({_gpu_id(g) for g in named}) == 1):
                args["usd_per_gpu_hour"] = self.usd_per_gpu_hour  # the price the person pays, not the catalog's
                self.price_used = True
        result = run_tool(tool, args)
        self.calls.append(ToolCallRecord(tool=tool, args=args, result=result_dict(result)))
        return result

    def cite(self, query: str, k: int = 1, semantic: bool = False, relevant_only: bool = True) -> list:
        """Guidance passages for a query, in the question's language where we have it: search_guidance (Chroma +
        keywords) for concept questions or when the index is loaded, else (quick one-shot CLI runs) the keyword half
        alone. Passages under the relevance threshold are dropped when relevant_only."""
        try:
            from knowledge import index_loaded

            if (semantic and not self.quick) or index_loaded():
                hits = self._search(query, k, relevant_only)
            else:
                hits = self._keyword(query, k, relevant_only)
        except Exception as exc:  # noqa: BLE001 - guidance is a bonus, the numbers are the answer
            log.warning("guidance search failed: %s", exc)
            return []
        for h in hits:
            if all(s.citation != h["citation"] for s in self.sources):
                self.sources.append(Source(doc_id=h["doc_id"], title=h["title"], heading=h["heading"],
                                           path=h["path"], citation=h["citation"], score=h.get("score")))
        return hits

    def record_guidance(self, query: str, hits: list, mode: str = "heading") -> None:
        """Sections found by another route than the search (a heading that names the question's terms), recorded
        and cited like search results."""
        self.calls.append(ToolCallRecord(tool="search_guidance", args={"query": query, "mode": mode}, result=hits))
        for h in hits:
            if all(s.citation != h["citation"] for s in self.sources):
                self.sources.append(Source(doc_id=h["doc_id"], title=h["title"], heading=h["heading"],
                                           path=h["path"], citation=h["citation"], score=h.get("score")))

    def _search(self, query: str, k: int, relevant_only: bool) -> list:
        """Vector + keyword search in the asker's language; only passages relevant enough to cite when asked."""
        from knowledge import CITE_MIN_SCORE, search_guidance

        passages = search_guidance(query, k=k, lang=self.lang, min_score=CITE_MIN_SCORE if relevant_only else None)
        hits = [dataclasses.asdict(p) | {"citation": p.citation} for p in passages]
        self.calls.append(ToolCallRecord(tool="search_guidance", args={"query": query, "k": k, "lang": self.lang},
                                         result=hits))
        return hits

    def _keyword(self, query: str, k: int, relevant_only: bool) -> list:
        from knowledge.keyword import KEYWORD_MIN_SHARE, keyword_search
        from knowledge.zh import expand_query

        passages = keyword_search(expand_query(query), k, lang=self.lang,
                                  min_share=KEYWORD_MIN_SHARE if relevant_only else None)
        hits = [dataclasses.asdict(p) | {"citation": p.citation} for p in passages]
        self.calls.append(ToolCallRecord(tool="search_guidance", args={"query": query, "k": k, "mode": "keyword"},
                                         result=hits))
        return hits


def _gpu_id(name: str) -> str | None:
    from tools.gpus import get_gpu

    try:
        return get_gpu(name).id
    except AdvisorInputError:
        return None


# hardware said as the person's own ("I have two 3090s", "my 4090", "我有一张4090") stays for later questions;
# hardware named inside one question ("... with 256 H100s") belongs to that question
OWNED = re.compile(r"\b(?:i|we)(?: only)? (?:have|own|got|bought)\b|\bmy\b|\bour\b|\bi'?ve got\b|"
                   r"我有|我们有|我的|手上有|手头有|家里有|自己的", re.I)
REFERS_BACK = re.compile(r"\b(?:it|that|this|them|those|the same|same model|same setup|instead)\b|它|这个|那个|同样", re.I)


NEW_TOPIC = re.compile(r"\b(?:different|another|unrelated|separate|new|other) (?:question|topic|thing)\b|^\W*unrelated\b|"
                       r"\bchanging (?:the )?subject\b|换个(?:问题|话题)|另外问|另一个问题|题外话|顺便问|再问个?别的", re.I)


def starts_fresh(question: str, now: Slots, state: Slots) -> bool:
    """A turn that says it changes the subject, or that does not refer back ('what about', 'and with 32k', '那',
    '换成') and names a new model or hardware outside the catalog, starts a new topic: nothing from before carries
    over but the person's own hardware."""
    if NEW_TOPIC.search(question):
        return True
    if FOLLOW_UP.search(question.lower()) or not (state.model or state.gpu):
        return False
    if now.devices or now.unknown_gpus:
        return True
    return bool(now.model and state.model and now.model != state.model and len(now.models) < 2
                and not REFERS_BACK.search(question))


def _in_same_setup(question: str, now: Slots, state: Slots) -> Slots:
    """'换成 4bit 的 Llama-3.1-70B 呢？' after a LoRA question, 'OK what about Qwen2.5-32B on that same 4090?' after a
    QLoRA one: a follow-up that names only another model keeps the job (training or serving, the method, the data),
    not a new topic."""
    if now.model and state.model and now.model != state.model and not (now.workload or now.method) and \
            FOLLOW_UP.search(question.lower()) and len(now.models) < 2:
        return dataclasses.replace(now, same_setup=True)
    return now


def _owned(state: Slots) -> Slots:
    return Slots(gpu=state.gpu, gpus=list(state.gpus), counts=list(state.counts), count=state.count,
                 vram_gib=state.vram_gib)


# Facts that change how long a setup runs or what its hours cost, not what it needs; the asks whose answers they change
USE_FACTS = ("hours_per_day", "months", "usd_per_kwh", "usd_per_gpu_hour")
USE_ASKS = ("cost", "power")
SETUP_FACTS = ("model", "gpu", "count", "context", "users", "precision", "method", "tokens", "workload", "vram_gib")


def _use_asks(now: Slots, part_asks: list[str]) -> list[str]:
    """'那如果只在白天用 10 小时呢？' after 'how many L40S? and the monthly rent?': a follow-up that changes only the
    hours or the price re-asks the part of the last question those change (the rent), not its first part."""
    if any(getattr(now, f) for f in USE_FACTS) and not any(getattr(now, f) for f in SETUP_FACTS):
        return [a for a in part_asks if a in USE_ASKS][:1]
    return []


def conversation_state(history: list | None) -> tuple[Slots, list[str] | None, Slots, list[str]]:
    """Facts and the last asks from earlier user turns (history: dicts with role/content, or strings), the
    hardware the person said is theirs, and the asks of every part of the last question (one per part)."""
    state, asks, owned, earlier, last_parts = Slots(), None, Slots(), "", None
    for turn in (history or [])[-40:]:
        role, content = _role_content(turn)
        if role != "user" or not content:
            continue
        now = fit_.family_size(parse(content), earlier)
        earlier = content
        if starts_fresh(content, now, state):
            state, asks = _owned(owned), None
        merged = _in_same_setup(content, now, state).merged_over(state)
        preamble, asked, _ = parts.split(content)
        lead_part = f"{preamble} {asked[0]}".strip() if len(asked) >= 2 else content
        # a question answered in parts ("要多久？电费要多少钱？"): its first part's ask is the one a follow-up re-asks
        # ("如果 100B token 呢？" is the run's time again, not the power bill of its last part)
        lead_now = parse(lead_part) if lead_part != content else now
        routed = table.route(lead_part, lead_now, merged)
        last_parts = (preamble, asked[1:] if len(asked) >= 2 else [], merged, asks)  # the later parts, read after
        asks = [routed.spec.name] if routed and not routed.missing else detect(lead_part, lead_now, merged, asks)
        if asks in (["unknown"], ["outside"]):  # "how many GPUs do I need for llama?" (no model yet): the ask stands
            asks = [n for n in ("how_many", "which_gpu", "speed", "time", "cost") if re.search(PATTERNS[n], content.lower())][:1] or None
        if asks in (["problem"], ["local_path"]):
            asks = None
        if (now.gpu or now.vram_gib) and OWNED.search(content):
            owned = _owned(merged)
        state = merged
    part_asks = list(asks or [])
    if last_parts:  # each later part of the last question: its own first ask (only the last question's are needed)
        preamble, rest, merged, previous = last_parts
        part_asks += [a for part in rest for a in detect(f"{preamble} {part}".strip(), parse(part), merged, previous)[:1]]
    return state, asks, owned, part_asks


# a question about the setup the last answer named ("that BF16 setup", "those GPUs", "这套配置", "按这个方案")
REFERS_BACK = re.compile(r"\b(?:that|this|those|these|the same|your|the recommended|the suggested)\s+(?:\w+\s+){0,2}"
                         r"(?:setup|set-up|config(?:uration)?|cluster|deployment|option|plan|box|gpus|cards|nodes)\b|"
                         r"\bwhat (?:would|will|does|did) (?:that|it|this) cost\b|\b(?:that|it|this) (?:would |will )?cost\b|"
                         r"(?:这|那)(?:样|个|套|些)(?:方案|配置|卡)?.{0,8}(?:多少钱|成本|费用|花多少)|"
                         r"这套|那套|这个(?:方案|配置|部署)|那个(?:方案|配置|部署)|按(?:这|上面|刚才)|上面的?(?:方案|配置)|刚才的?(?:方案|配置)", re.I)
# the GPUs an answer's lead names: "**4x NVIDIA H100 SXM5 80GB** (fp8, ...)", "**2 张 NVIDIA ...", "... : 4x NVIDIA ..."
ANSWERED_GPUS = re.compile(r"(\d{1,4})\s*(?:x|×| 张| 块)\s*(?:NVIDIA|AMD|Apple|Google|Intel)\b")


WHY_NOT = re.compile(r"^\s*(?:but\s+|and\s+|so\s+)?why\s+(?:not|don'?t\s+(?:we|i|you))\s+(?:just\s+)?(?:use|go with|get|take|run on|pick)?\s*|"
                     r"^\s*(?:那)?为(?:什么|啥)(?:不|不能)(?:直接)?(?:用|上|换成?)?", re.I)


def _last_user(history: list | None) -> str:
    return next((c for r, c in map(_role_content, reversed(history or [])) if r == "user" and c), "")


def answered_count(history: list | None) -> int | None:
    """The GPU count the last answer's first line recommended, for a follow-up that prices 'that setup'."""
    for turn in reversed(history or []):
        role, content = _role_content(turn)
        if role == "assistant" and content:
            m = ANSWERED_GPUS.search(content.splitlines()[0])
            return int(m.group(1)) if m else None
    return None


def _role_content(turn) -> tuple[str, str]:
    if isinstance(turn, str):
        return "user", turn
    if isinstance(turn, dict):
        return str(turn.get("role", "user")), str(turn.get("content") or "")
    role = getattr(turn, "type", None) or getattr(turn, "role", "user")
    return ("user" if role in ("human", "user") else str(role)), str(getattr(turn, "content", "") or "")


NEEDS_MODEL = {"fit", "memory", "how_many", "which_gpu", "speed", "time", "compare", "largest"}


class OfflineEngine:
    """quick=True (one-shot CLI runs) cites guidance by keyword instead of loading the vector index."""

    name = "offline"

    def __init__(self, quick: bool = False) -> None:
        self.quick = quick

    def ask(self, question: str, history: list | None = None, defaults: dict | None = None) -> Answer:
        """One answer; a question that asks several things (advisor/offline/parts.py) gets each part answered in
        turn, the earlier parts standing as the conversation so far."""
        preamble, asked, numbered = parts.split(question)
        if len(asked) >= 2:
            whole = parse(question)
            routed = table.route(question, whole, whole)
            if routed and routed.spec.name == "decline":
                asked = [question]  # harm in any part declines the whole question: no part of it is sized
        if len(asked) < 2:
            return self._ask_one(question, history, defaults)
        # two questions in a row ("how many L40S? the monthly rent at ¥6 per card-hour?") are one setup asked
        # twice: each hears the whole question first, so a fact stated in one (a price in yuan) holds for the
        # other. Numbered parts are separate questions sharing the preamble (said with the first part).
        history = [*(history or [])] + ([] if numbered else [{"role": "user", "content": question}])
        answers, found, texts, run_hours = [], None, [], None
        for i, part in enumerate(asked):
            text = f"{preamble} {part}".strip() if i == 0 else part
            answer, found = self._ask_one(text, history, defaults, found=found or (None, None, None), parted=True,
                                          said=" ".join(texts), run_hours=run_hours)
            run_hours = next((c.result.get("hours") for c in answer.calls if c.tool == "estimate_training"
                              and isinstance(c.result, dict) and c.result.get("hours")), run_hours)
            measured = next((c.result.get("mfu") for c in answer.calls if c.tool == "mfu_from_throughput"
                             and isinstance(c.result, dict) and c.result.get("mfu")), None)
            if measured:  # "what's our MFU? and how long for 50B tokens?": the later part at the MFU they measured
                defaults = {**(defaults or {}), "mfu": round(measured, 3)}
            texts.append(text)
            if any(a.text == answer.text for a in answers) and not numbered:
                continue  # two sentences of one ask ("monthly cost? at 24 h a day") answered alike: said once
            answers.append(answer)
            history += [{"role": "user", "content": text}, {"role": "assistant", "content": answer.text}]
        if len(answers) == 1:
            a = answers[0]
            return Answer(text=a.text, engine="offline", calls=a.calls, sources=a.sources, warnings=a.warnings,
                          language="zh" if is_chinese(question) else "en")
        labels = [f"**{i + 1})** " if numbered else "" for i in range(len(answers))]
        text = "\n\n".join(label + a.text for label, a in zip(labels, answers, strict=True))
        return Answer(text=text, engine="offline", calls=[c for a in answers for c in a.calls],
                      sources=[x for a in answers for x in a.sources], warnings=[w for a in answers for w in a.warnings],
                      language="zh" if is_chinese(question) else "en")

    def _ask_one(self, question: str, history: list | None = None, defaults: dict | None = None,
                 found: tuple = (None, None, None), parted: bool = False, said: str = "",
                 run_hours: float | None = None) -> Answer | tuple[Answer, tuple]:
        """One ask answered. `found` (when answering the parts of one question): the configuration and GPU count an
        earlier part found, which a later part prices or times ("how many H100s ..., and the monthly cost?");
        then (the answer, what this part found) is returned; `said` is the question's earlier parts, whose figures
        (a price, a measured speed) a money ask in this part uses."""
        lang = "zh" if is_chinese(question) else "en"
        if history and WHY_NOT.search(question):
            alt = parse(question)
            if alt.gpus or alt.count or alt.formats:
                # "why not just use a single H200 instead?" after a plan: that alternative sized for the same job, which
                # shows whether it would do (a why-question about a setup is not a concept to look up)
                question = WHY_NOT.sub(lambda m: "那换成" if is_chinese(m.group(0)) else "what about ", question, count=1)
        turn = Turn(lang, question, quick=self.quick)
        turn.config, turn.config_count, turn.config_model = found
        turn.run_hours = run_hours
        # a follow-up about the machine someone runs for themselves ("本地推理 ..." then "那换成一张 5090 呢？")
        turn.local_history = " ".join(c for r, c in map(_role_content, (history or [])[-4:]) if r == "user" and c)
        state, previous, owned, part_asks = conversation_state(history)
        now = parse(question)
        use = _use_asks(now, part_asks) if previous and FOLLOW_UP.search(question.lower()) else []
        if use:  # "那如果只在白天用 10 小时呢？": the part of the last question the hours change
            previous = use
        if history:  # "the 70b one" after "how much vram to run llama?": that family's 70B
            now = fit_.family_size(now, " ".join(c for r, c in map(_role_content, history[-4:]) if r == "user"))
        if starts_fresh(question, now, state):
            state, previous = _owned(owned), None
        slots = _settle_formats(_with_defaults(_in_same_setup(question, now, state).merged_over(state), defaults or {}))
        slots = my_machine.with_local_gpus(slots, now, question)  # "on my machine": this machine's GPUs (local runs)
        if use and "cost" in use and not now.per_million and PER_MILLION.search(_last_user(history)):
            # "and if utilization is only 30%?" after a cost per 1M tokens: that cost again, at the new hours
            slots = dataclasses.replace(slots, per_million=True)
        if history and now.count and not now.gpu and state.count and state.count >= 8 and SERVERS_OF.search(question):
            earlier = " ".join(c for r, c in map(_role_content, history[-4:]) if r == "user")
            if SERVER_WORDS.search(earlier):  # "What if we put 4 of them in the same rack?" after one DGX H100: 4 servers
                slots = dataclasses.replace(slots, count=now.count * state.count)
                turn.servers = True  # whole servers: a power bill counts their hosts too
        if parted and turn.config_model and not now.model:  # "..., and how long would an epoch take?": on the model
            slots = dataclasses.replace(slots, model=turn.config_model)  # the earlier part found (the biggest that fits)
        if not slots.context and slots.input_tokens and slots.output_tokens and not slots.items and not slots.output_total \
                and not fit_.training(slots):  # "每个请求输入 1500、输出 500": requests of 2,000 tokens, not the 8k default
            slots = dataclasses.replace(slots, context=slots.input_tokens + slots.output_tokens)
        if fit_.training(slots) and slots.precision == "fp8" and slots.method in (None, "full"):
            # "what if we train in fp8?": FP8 matmuls in a full or pretraining run (the master weights stay bf16), not an
            # FP8 checkpoint to fine-tune
            slots = dataclasses.replace(slots, precision=None, formats=[f for f in slots.formats if f != "fp8"], train_fp8=True)
        method = _settled_method(history) if previous and fit_.training(slots) and not (now.method or now.model
                                                                                         or now.precision) else None
        if method:  # "then 4096?" after "not in LoRA; yes with QLoRA": QLoRA at 4096
            slots = dataclasses.replace(slots, method=method, precision=None)
        settled = _settled_format(history) if previous and not now.precision and not now.model and not now.formats else None
        if settled and not slots.precision:  # "what if 32k context?" after "not in bf16; yes at q4_k_m": that format
            slots = dataclasses.replace(slots, precision=settled, formats=[settled])
        if slots.gpu_prices:
            turn.gpu_prices = dict(slots.gpu_prices)
        elif slots.usd_per_gpu_hour:
            turn.usd_per_gpu_hour = slots.usd_per_gpu_hour
            turn.price_gpu = slots.gpu if len(set(slots.gpus)) <= 1 else slots.price_gpu
            if not slots.gpus and not slots.vram_gib:  # "$2/h" and no card named: the price of whichever card is sized
                turn.price_gpu = ANY_GPU
        if now.load_scale and previous:  # "如果流量只有现在的一半呢？": the load said before, scaled; the same ask again
            scaled = [f for f in ("tokens_per_day", "request_rate", "users", "items") if getattr(state, f)
                      and getattr(now, f) is None]
            for f in scaled:
                v = getattr(state, f) * now.load_scale
                setattr(slots, f, max(1, round(v)) if f in ("users",) else v)
            if scaled:
                turn.derive("load_scaled", lambda **kw: kw, factor=now.load_scale, fields=scaled)
        routed = table.route(question, now, slots)
        if routed is None and previous and previous[0] in ("cost", "which_gpu", "how_many") and slots.model and \
                (now.request_rate or now.tokens_per_day):  # "10k conversations a day, ~8 messages each" after "what would it cost?"
            routed = table.again("volume", question, now, slots) or table.again("daily_volume", question, now, slots)
        if routed is None and previous == ["batch_job"] and (now.days or now.gpu or now.count or now.usd_per_gpu_hour) \
                and not now.model:  # "cost at $2.3/h?" after a batch job: that job's rent at the price
            routed = table.again("batch_job", question, now, slots)  # "deadline is 6 hours. what do we need?"
        if routed is None and previous == ["power"] and (now.watts_per_gpu or now.pue or now.usd_per_kwh) and not now.model:
            routed = table.again("power", question, now, slots)  # "if I power-limit them to 250W?": the bill at that draw
        if routed is None and previous and previous[0] in ("gpu_vs_gpu", "gpu_worth") and len(set(now.gpus)) == 1 and not now.model and \
                state.gpus and (re.search(r"\bvs\.?\b|\bversus\b|\bcompared?\b|\bagainst\b|和.{0,16}比|跟.{0,16}比|比呢|对比",
                                          question, re.I) or FOLLOW_UP.search(question.lower())) and now.gpus[0] != state.gpus[0]:
            # "and vs a used a6000?", "ok and B200?": the card the thread is about, against the new one
            slots.gpus = [state.gpus[0], now.gpus[0]]
            routed = table.again(previous[0], question, now, slots)
        if routed is None and previous and previous[0] in ("gpu_vs_gpu", "gpu_worth") and len(set(state.gpus)) >= 2 and \
                set(now.gpus) <= set(state.gpus) and FOLLOW_UP.search(question.lower()) and SLOWER_OR_FASTER.search(question):
            # "那做训练呢，LoRA 微调 72B，H20 会慢多少？" after H20 vs H100: the same two cards, on the new job
            slots.gpus = list(dict.fromkeys([*now.gpus, *state.gpus]))
            routed = table.again(previous[0], question, now, slots)
        if routed is None and previous and len(previous) == 1 and now.load_scale:
            routed = table.again(previous[0], question, now, slots)
        if routed is None and previous and len(previous) == 1 and FOLLOW_UP.search(question.lower()) and not parted:
            routed = table.again(previous[0], question, now, slots)  # "那用 fp8 呢？" after a table ask: that ask again
        if routed is None and previous == ["decline"] and (FOLLOW_UP.search(question.lower()) or not (now.model or now.gpu)):
            # "ok what if I just ...", "只是拿来测试我们自己的系统，不会发出去的": the same request, reframed, still declined
            routed = table.Route(next(a for a in table.TABLE if a.name == "decline"), [])
        trace: list[str] = []
        asks = [routed.spec.name] if routed else detect(question, now, slots, previous, trace, overrides=True)
        if "good_for" in trace:  # "is a 4090 good for ai?": what it runs, and a question about the job
            turn.good_for = True
        if "choose_method" in trace:  # "我只有一张4090该选哪个": the lightest method that fits that card
            slots = dataclasses.replace(slots, method=None, workload="training")
        own = None
        load_sized = routed and routed.spec.name in ("volume", "daily_volume") and CARRY_ASK.search(question)
        if not (routed and routed.spec.name == "decline") and not load_sized:
            # (a load to carry and "is one enough?": the GPUs it takes first, priced at the person's rent, not their
            # hours times their rent alone)
            users = [c for r, c in map(_role_content, history or []) if r == "user" and c]
            count = turn.config.gpu_count if turn.config is not None else turn.config_count
            if count is None and previous and not now.count and not now.gpus and REFERS_BACK.search(question):
                count = answered_count(history)  # "the monthly bill for that setup at $2.49/GPU-hr": the cards it named
            found = own_numbers.answer(question, users, turn.zh, turn.call, count=count, said=said, run_hours=run_hours,
                                       throughput=_full_load_rate(turn, slots))
            if found is not None:
                own, own_facts, own_kind = found
                turn.derive("own_numbers", lambda **kw: kw, kind=own_kind, **{
                    k: v for k, v in dataclasses.asdict(own_facts).items() if v not in (None, False)})
        if routed and routed.spec.name == "decline":
            replies = [asks_.decline(turn, slots, question)]
        elif own is not None:  # money asked with the person's own figures: plain arithmetic on them
            replies = [own]
        elif routed and routed.spec.name in ("off_topic", "social"):  # a gaming laptop is outside, not a device to size
            replies = _routed(turn, slots, routed, question)
        elif _encoder_job(question, now, slots):  # "embed 1亿条 with bge-m3 on 4x 4090", "100 docs/sec with bge-m3: what gpu?"
            replies = [asks_.embedding(turn, slots, question)]
        elif my_machine.asks_what_runs(question, now):  # "what can I run on my machine?" (advisor/offline/my_machine.py)
            replies = [my_machine.reply(turn, now, question)]
        elif now.unknown_models and not now.model and not (routed and routed.spec.name == "decline"):
            replies = [_unknown_model(turn, now.unknown_models)]  # never size the last model in its place
        elif now.unknown_gpus and not now.gpus:
            replies = [_unknown_gpu(turn, now.unknown_gpus)]  # never size another card in its place
        elif now.devices and not now.gpus and not slots.model and not now.formats and \
                not table._has("llm_words", slots, now, question) \
                and not DOMAIN.search(question) and not any(AI_DEVICES.search(d) for d in now.devices):
            # "iPhone 15 电池健康度 85%，要不要换电池": a phone and nothing about models (a Jetson alone is AI hardware)
            replies = [asks_.off_topic(turn, slots, question)]
        elif now.devices and not now.gpus and not (not now.model and misc.CLAIM_WORDS.search(question)
                                                   and not STATED_MEMORY.search(question)):
            replies = [_device(turn, slots, now.devices, question)]
        elif not slots.model and not slots.gpu and fit_.FAMILY.search(question) and MEMORY_ASK.search(question) and not \
                (routed and routed.spec.name == "decline"):
            replies = [fit_.family_memory(turn, slots, question)]  # "跑 deepseek 要多少显存": per size, and which one
        elif not slots.model and slots.gpu and fit_.FAMILY.search(question) and fit_.FAMILY_ASK.search(question) and not (routed and routed.spec.name == "decline"):
            replies = [fit_.family_fits(turn, slots, question)]  # "is an a100 enough for llama?": which size, with verdicts
        elif (state.devices and not now.gpus and not now.vram_gib and not now.unknown_gpus and now.model
              and FOLLOW_UP.search(question.lower())
              # (a Mac whose chip was named, "Mac Studio（M2 Ultra 192G）", is that catalog chip: the ask goes on with it)
              and not any(fit_.gpu_kind(g) == "apple_unified" for g in state.gpus)):
            # "那换 Qwen3-30B-A3B 呢？" after a Jetson question: still the Jetson
            earlier = " ".join(c for r, c in map(_role_content, history or []) if r == "user")
            replies = [_device(turn, slots, state.devices, earlier[-300:] + " " + question)]
        else:
            slots = _chat_context(slots, routed.spec.name if routed else (asks or [None])[0])
            if slots.context_default:  # the figures the assumption says: the window and the average sized at
                turn.derive("chat_context_average", lambda **kw: kw, average_tokens=slots.context,
                            window_tokens=INFERENCE_CONTEXT)
            try:
                replies = _routed(turn, slots, routed, question) if routed else _answer(turn, slots, asks, question)
            except AdvisorInputError as exc:
                replies = _within_limits(turn, slots, asks, question, str(exc))
            if now.mixed_gpus and replies:
                replies[0].body.insert(0, _mixed_note(turn, now))
            claim = misc.moe_memory_claim(turn, slots, question) if replies and not routed and not \
                re.match(r"\*\*(?:No\b|不对|不是)", replies[0].lead) else None
            if claim:  # "MoE 只需要 3B 的显存，对吗？": the verdict on the claim leads, the memory figures follow
                replies[0].body.insert(0, replies[0].lead)
                replies[0].lead = claim
            if now.unknown_gpus and replies:
                replies[0].body.insert(0, _unknown_gpu(turn, now.unknown_gpus).lead.replace("**", ""))
            if now.devices and now.gpus and replies and any(ACCELERATORS.search(d) for d in now.devices) and \
                    not any(d in replies[0].lead for d in now.devices):
                # "H20 和 910B 谁快？": the card outside the catalog is named, never dropped silently
                listed = ", ".join(d for d in now.devices if ACCELERATORS.search(d))
                replies[0].body.insert(0, pick(turn.zh, f"{listed} is not in the catalog, so it is not compared here: give its "
                                                        "memory and bandwidth (e.g. '64 GB, 1.6 TB/s') to size it.",
                                               f"{listed} 不在目录里，这里没法对比：告诉我它的显存和带宽（例如“64 GB，1.6 TB/s”）即可按它估算。"))
        if own is None and slots.price_currency and replies and (asks == ["power"] or not slots.model or turn.price_used):
            replies = [_in_currency(r, slots.price_currency, turn.zh, first=i == 0 and not said)  # said once a question
                       for i, r in enumerate(replies)]
        if replies and getattr(turn, "good_for", False):
            replies[-1].body.append(pick(turn.zh, "What for: which model, and inference or fine-tuning? I can then say how fast "
                                                  "and whether it fits.", "具体想做什么：哪个模型、推理还是微调？告诉我就能算速度和能不能放下。"))
        if replies and slots.model and MOE_ACTIVE_CLAIM.search(question) and asks and asks[0] in ("memory", "misconception"):
            from tools.models import get_model

            m = get_model(slots.model)
            if m.is_moe and not replies[0].lead.startswith(("**No", "**不")):  # "显存只按激活参数算?": every expert sits in memory
                replies[0].lead = pick(turn.zh, "**No: memory follows the total parameters, not the active ones**: every expert "
                                                "must be loaded, though each token uses only a few (that sets the speed). ",
                                       "**不对：显存按总参数算，不是激活参数**：所有专家都要加载进显存，每个 token 只用其中几个（这决定速度）。") \
                    + replies[0].lead.replace("**", "")
        if replies and OOM_ASK.search(question):  # "will it OOM?": the verdict answers that question, not "does it fit"
            replies[0].lead = _oom_polarity(replies[0].lead)
        declined = bool(routed and routed.spec.name in ("decline", "off_topic", "outside", "social"))
        unused = accounting.unused(question, now, slots, turn, replies) if own is None and not declined else []
        if unused and replies and not now.problems:  # an out-of-range figure is already said back
            replies[-1].body.append(accounting.note(unused, turn.zh))
        text = _compose(turn, replies, slots, question)
        last = next((c for r, c in reversed([_role_content(h) for h in history or []]) if r == "assistant" and c), "")
        if last and not parted and replies and text.split("\n", 1)[0] == last.split("\n", 1)[0] and \
                not (routed and routed.spec.name == "decline"):
            # a follow-up whose answer is the one above ("那用 ZeRO-3 + 重计算呢？" when both were assumed): say so -
            # unless it gave a figure the answer does not use ("ok with 20 tok/s per user?"): then that is said
            new = accounting.unused_by_own(question, text, own_facts) if own is not None else unused
            if new:
                replies[-1].body.append(accounting.note(new, turn.zh))
                text = pick(turn.zh, "**Unchanged by what you added:** ", "**你补充的条件没有改变这个估算：**") + \
                    _compose(turn, replies, slots, question)
            else:
                text = pick(turn.zh, "**Same as above:** nothing you added changes these figures. ",
                            "**和上面一样：**你补充的内容不改变这些数字。") + text
        answer = Answer(text=text, engine="offline", calls=turn.calls, sources=turn.sources, warnings=turn.warnings,
                        language=lang)
        return (answer, (turn.config, turn.config_count, turn.config_model)) if parted else answer


def _encoder_job(question: str, now: Slots, merged: Slots | None = None) -> bool:
    """An embedding or reranking model on file named with a job to size (a corpus or a rate, said now or in the
    conversation: "what if we switch to bge-m3?"), not a fine-tune of it."""
    from tools.embedding import find_encoder

    job = merged or now
    return bool(find_encoder(question)) and not fit_.training(now) and bool(
        now.tokens or now.items or now.request_rate or job.items or job.request_rate or re.search(
            r"多久|how long|hours|小时|what gpu|which gpu|how many\b|什么卡|哪张卡|几张|够吗|够不够|够用|显存|\bvram\b|"
            r"\bmemory\b|\benough\b|\bfits?\b", question, re.I))


MANY_USERS_ASKS = ("capacity", "capacity_sizes", "serve_compare")  # asks about users at once, whether or not a count was said
# asks that size hardware or a bill for a load of users; a verdict on one setup ("fit") keeps the full window, and a
# speed at load keeps its benchmark-length prompts (answers_serve.speed)
CARRY_ASK = re.compile(r"\benough\b|\bhandle\b|\bcarry\b|\bkeep up\b|\bhow many\b|\bsuffice|够|几张|多少张|撑得住|扛得住", re.I)
SERVERS_OF = re.compile(r"\b(?:\d+|two|three|four|five|six|eight|ten) of (?:them|those|these)\b|\d+\s*台|[两二三四五六八十]\s*台", re.I)
SERVER_WORDS = re.compile(r"\bdgx\b|\bhgx\b|\bservers?\b|\bnodes?\b|\bboxes\b|服务器|整机|节点|一台", re.I)
SLOWER_OR_FASTER = re.compile(r"\b(?:slower|faster|quicker|how much (?:slower|faster|better|worse)|difference|gap)\b|"
                              r"慢多少|快多少|慢几倍|快几倍|差多少|差距|差几倍|慢|快", re.I)
LOAD_SIZING_ASKS = ("how_many", "which_gpu", "cost", "budget", "value", "volume", "daily_volume", "quantization",
                    "gpu_vs_gpu", "gpu_worth")  # a format or a card chosen for a load of users sizes that load alike


def _chat_context(s: Slots, ask: str | None) -> Slots:
    """Many users chatting and no context said: each conversation at the tokens it holds on average
    (tools/defaults.CHAT_CONTEXT_AVERAGE), flagged so the answer says it and gives the full-window count too."""
    from tools.defaults import CHAT_CONTEXT_AVERAGE

    if s.context or fit_.training(s) or s.items or s.output_total:
        return s
    if ask in MANY_USERS_ASKS or (s.users or 0) > 1 and ask in LOAD_SIZING_ASKS or \
            (s.per_million and s.model and not s.aggregate_tps and ask in ("cost", "measured_cost")):
        return dataclasses.replace(s, context=CHAT_CONTEXT_AVERAGE, context_default=True)  # a cost per token: a busy server
    return s


CURRENCY_SIGN = {"CNY": "¥", "EUR": "€"}
CURRENCY_ZH = {"CNY": "人民币", "EUR": "欧元"}


def _in_currency(r: Reply, currency: str, zh: bool, first: bool = True) -> Reply:
    """Prices given in another currency (yuan per GPU-hour or per kWh): the same arithmetic, so every figure of this
    answer is in that currency; the catalog's offers (in dollars) are left out."""
    sign = CURRENCY_SIGN.get(currency, currency + " ")
    keep = [b for b in r.body if not re.search(r"on file|已收录|参考价", b)]

    def swap(text: str) -> str:
        return text.replace("$", sign)

    note = pick(zh, f" (in {currency}, as you gave the price)", f"（按你给的{CURRENCY_ZH.get(currency, currency)}价格计算）") \
        if first else ""
    return Reply(swap(r.lead) + note, [swap(b) for b in keep], [swap(a) for a in r.assumptions if not re.search(r"on file|已收录", a)],
                 r.cite)


def _routed(turn: Turn, s: Slots, routed: table.Route, question: str) -> list[Reply]:
    """An ask from the table: its answer, or the one question that its missing fact needs."""
    if routed.missing:
        return [asks_.clarify(turn, s, question, routed.spec, routed.missing)]
    return [getattr(asks_, routed.spec.answer)(turn, s, question)]


ACCELERATORS = re.compile(r"gaudi|ascend|tpu|mtt", re.I)  # own memory (HBM), not shared with a CPU
AI_DEVICES = re.compile(ACCELERATORS.pattern + r"|jetson|orin|npu|dgx|\bspark\b|昇腾", re.I)  # hardware built for models


def _device(turn: Turn, s: Slots, devices: list[str], question: str) -> Reply:
    """Hardware outside the GPU catalog (a Raspberry Pi, a Jetson, a phone, a CPU, an accelerator such as Gaudi or
    Ascend, 'a Mac' with no chip named): say so, give what the model itself needs for the job asked (4-bit GGUF on a
    board or a phone unless said), and compare it with the memory the person gave, or ask for it."""
    zh = turn.zh
    listed = ", ".join(d[:1].upper() + d[1:] for d in devices)
    mac = any(re.fullmatch(r"(?i)mac(?:book(?: pro| air)?| mini| studio)?", d) for d in devices)
    accel = any(ACCELERATORS.search(d) for d in devices)
    if mac:
        head = pick(zh, "**Which Mac, and how much unified memory?** The catalog has the M1 Ultra, M2 Ultra, M3 Max, "
                        "M3 Ultra and M4 Max; name one (e.g. 'M3 Max 128GB') for a speed.",
                    "**是哪款 Mac、统一内存多大？**目录里有 M1 Ultra、M2 Ultra、M3 Max、M3 Ultra、M4 Max；说出一款"
                    "（如“M3 Max 128GB”）即可估算速度。")
    elif accel:
        head = pick(zh, f"**{listed} {'is' if len(devices) == 1 else 'are'} not in our GPU catalog**, so I won't guess "
                        "its memory, speed or price.",
                    f"**{listed} 不在 GPU 目录里**，我不会替它猜显存、速度或价格。")
    else:
        head = pick(zh, f"**{listed} {'is' if len(devices) == 1 else 'are'} not in our GPU catalog**: no datacenter or "
                        "desktop GPU there, and its memory is shared with the CPU, so I can't give a speed for it.",
                    f"**{listed} 不在 GPU 目录里**：它没有独立 GPU，内存与 CPU 共用，所以我给不出速度。")
    if not s.model:
        return Reply(head + pick(zh, " Tell me the model and I'll give the memory it needs.",
                                 "告诉我模型，我可以给出它需要的内存。"))
    s.gpu, s.gpus, s.count = None, [], None
    if fit_.training(s):
        args = fit_.training_args(s, 1)
        m = turn.call("estimate_memory", model=s.model, gpu_count=1, **args)
    else:
        if not accel and not (s.precision and re.match(r"q\d", s.precision)):  # a board or phone: GGUF on llama.cpp
            s.precision = "q8_0" if s.precision in ("int8", "fp8", "q8_0") else fit_.FOUR_BIT_CONSUMER
        s.framework = "llama.cpp" if not accel else s.framework
        s.workload = "inference"
        m = turn.call("estimate_memory", model=s.model, precision=s.precision, framework=s.framework, context=s.context)
    job = what(m, zh)
    need = pick(zh, f" What {job} needs: about {m.per_gpu_gib:.1f} GiB, of which {m.weights_gib:.1f} GiB weights.",
                f"{job} 约需 {m.per_gpu_gib:.1f} GiB，其中权重 {m.weights_gib:.1f} GiB。")
    mem = re.search(r"(\d{1,4})\s*(?:gb|g)\b", question, re.I)
    if mem:
        have_gib = int(mem.group(1)) * 1e9 / 2**30
        share = 1.0 if accel else 0.75  # a board or phone: the OS and other programs keep about a quarter
        room = m.per_gpu_gib <= share * have_gib
        need += pick(zh, f" Your {mem.group(1)} GB ({have_gib:.1f} GiB) "
                         f"{'can hold it' if room else 'is too little for it'}"
                         + ("" if accel else (", leaving room for the system" if room else " once the system takes its share"))
                         + ".", f"你的 {mem.group(1)} GB（{have_gib:.1f} GiB）{'放得下' if room else '不够'}。")
    else:
        need += pick(zh, " How much memory does it have?", "它有多少内存？")
    return Reply(head + need)


def _answer(turn: Turn, s: Slots, asks: list[str], question: str) -> list[Reply]:
    replies: list[Reply] = []
    done: set[str] = set()
    for i, ask in enumerate(asks):
        if ask in NEEDS_MODEL and not s.model and not (ask in ("largest",) or ask == "compare" and len(s.gpus) >= 2):
            if ask in ("fit", "memory") and s.gpu:
                ask = "gpu_specs"
            elif DOMAIN.search(question) and not (ask in ("how_many", "which_gpu") and
                                                  not re.search(PATTERNS["explain"], question.lower())):
                ask = "explain"  # "Does FlashAttention reduce memory?": a concept, not a sizing question
            else:
                return [misc.unknown(turn, s)]
        if ask in ("cost", "time") and "plan" in done and not s.gpu:
            continue  # the plan already gives the time and cost of each option
        if ask == "cost" and turn.config is not None and not fit_.training(s) and "config_cost" not in done:
            done.add("config_cost")  # "how many GPUs and the monthly bill?": the bill of the setup just found
            if serve.PER_TOKEN.search(question):  # "...cost per million output tokens if we batch 32 users?": that
                c = turn.config  # setup's cost per token at the load said, not its monthly bill
                replies.append(serve.serving_cost(turn, dataclasses.replace(
                    s, gpu=c.gpu_id, gpus=[c.gpu_id], count=c.gpu_count, precision=c.precision), question))
            else:
                replies.append(money.config_cost(turn, s, turn.config))
            continue
        if ask == "speed" and ({"fit", "how_many", "plan"} & done) and not fit_.training(s) and any(
                c.tool in ("estimate_throughput", "recommend_hardware") for c in turn.calls):
            continue  # a serving verdict or plan already gives the speed at that load
        if ask == "speed" and "fit" in done and replies and replies[0].lead.startswith(("**No.", "**No ", "**放不下")):
            replies[0].body.insert(0, pick(turn.zh, "As it does not fit, there is no speed to give for this setup.",
                                           "放不下，所以这个配置没有速度可言。"))
            continue
        if ask in ("time", "cost") and turn.config_count and not s.count and fit_.training(s):
            s = dataclasses.replace(s, count=turn.config_count)  # "how many GPUs, and how long?": on that many
        key, fn = _handler(ask, s, asks[i + 1:], question)
        if key in done:
            continue
        done.add(key)
        reply = fn(turn, s, question)
        if any(r.lead == reply.lead for r in replies):
            continue  # two asks answered by the same answer ("cheapest way ... and the monthly cost"): say it once
        replies.append(reply)
        if ask == "gpu_specs" and re.search(r"\bwhy\b|\bmatters?\b|为什么|为何|有什么用|影响", question, re.I):
            topic = ("why decoding token generation is memory-bandwidth-bound not compute-bound"
                     if re.search(r"bandwidth|带宽", question, re.I) else question)
            replies.append(misc.concept(turn, s, topic))  # "the bandwidth of an H100, and why it matters"
        if ask == "compare":
            break  # the comparison answered the ask that follows it for each option
    return replies or [misc.unknown(turn, s)]


def _mixed_note(turn: Turn, now: Slots) -> str:
    from tools.gpus import get_gpu

    names = " + ".join(get_gpu(g).name for g in now.mixed_gpus)
    weakest = get_gpu(now.gpu).name
    return pick(turn.zh, f"Different cards together ({names}): sized as {now.count}x {weakest}, the smaller and slower "
                         "one. llama.cpp (and Ollama) split the layers across mismatched cards; the slower card sets the "
                         "pace. vLLM tensor parallelism wants identical GPUs.",
                f"不同型号一起用（{names}）：按 {now.count} 张 {weakest}（显存更小、更慢的那张）估算。llama.cpp/Ollama 可以把层"
                "分到不同型号的卡上，速度由慢的那张决定；vLLM 张量并行需要相同型号的卡。")


def _unknown_gpu(turn: Turn, names: list[str]) -> Reply:
    """A GPU the catalog lacks: say so with the closest names we have, rather than size another card."""
    from tools.gpus import get_gpu

    closest = ""
    try:
        get_gpu(names[0])
    except AdvisorInputError as exc:
        m = re.search(r"(?:Closest|Did you mean):? (.+?)[.?](?:\s|$)", str(exc))
        closest = ", ".join(m.group(1).split(", ")[:4]) if m else ""
    except Exception:  # noqa: BLE001 - the message is a courtesy; the refusal stands without it
        closest = ""
    listed = ", ".join(names)
    lead = pick(turn.zh, f"**{listed} {'is' if len(names) == 1 else 'are'} not in my GPU catalog**, so I won't guess "
                         "its memory, bandwidth or price."
                         + (f" Closest names I know: {closest}." if closest else "")
                         + (" Ask again with one of them, or" if closest else " Name a catalog GPU, or")
                         + " give its memory (e.g. 'on a 48 GB GPU').",
                f"**我的 GPU 目录里没有 {listed}**，不会替它猜显存、带宽或价格。"
                + (f"最接近的型号：{closest}。" if closest else "")
                + ("可以换成其中一个再问，或" if closest else "可以换一个目录里的型号，或") + "告诉我它的显存（例如“48GB 显卡”）。")
    return Reply(lead)


def _unknown_model(turn: Turn, names: list[str]) -> Reply:
    """A model the catalog lacks (and the Hub, off here, cannot fill in): say so and ask for its size."""
    listed = ", ".join(names)
    return Reply(pick(turn.zh, f"**{listed} is not in my model catalog**, and I can't look it up by that name, so I "
                               "won't size another model in its place. Give its size (for a mixture-of-experts "
                               "model, total and active parameters, e.g. '106B, 12B active') or its Hugging Face repo id, "
                               "and I'll size it.",
                      f"**我的模型目录里没有 {listed}**，按这个名字也查不到它的配置，所以不会拿别的模型顶替。"
                      "告诉我它的参数量（MoE 模型请给总参数和激活参数，例如“106B，激活 12B”）或 Hugging Face 仓库名，我就能估算。"))


NO_BANDWIDTH = "needs its memory bandwidth"  # tools/throughput.py, a described device with no bandwidth given
CONTEXT_LIMIT = re.compile(r"beyond (?P<model>.+?)'s limit of (?P<limit>[\d,]+)")
TP_SPLIT = re.compile(r"Tensor parallel \d+ does not divide (?P<model>.+?)'s (?P<heads>\d+) attention heads; use a GPU "
                      r"count that divides \d+ \(e\.g\. (?P<divisors>[\d, ]+)\)")


def _within_limits(turn: Turn, s: Slots, asks: list[str], question: str, message: str) -> list[Reply]:
    """A context beyond the model's limit: say so first, then answer at the limit. Other input problems: say what
    to change."""
    if "llama.cpp runs GGUF files" in message and s.framework:
        # "AWQ in vLLM, GGUF Q4_K_M in llama.cpp, or FP8?": each format on the engine that runs it, not the one named
        try:
            return _answer(turn, dataclasses.replace(s, framework=None), asks, question)
        except AdvisorInputError as exc:
            message = str(exc)
    if "cannot train" in message and s.precision and fit_.training(s):
        # "fine-tune Qwen2.5-32B-Instruct-AWQ": a quantized checkpoint trains as QLoRA (frozen 4-bit base, adapters)
        try:
            replies = _answer(turn, dataclasses.replace(s, method="qlora", precision=None), asks, question)
            replies[0].body.insert(0, pick(turn.zh, f"A {s.precision} checkpoint cannot be fully fine-tuned (every weight is "
                                                    "updated in 16-bit): sized as QLoRA, the 4-bit base frozen with adapters.",
                                           f"{s.precision} 量化权重不能全参微调（要以 16 位更新每个权重）：按 QLoRA 估算，4 位底座冻结、只训适配器。"))
            return replies
        except AdvisorInputError as exc:
            message = str(exc)
    if NO_BANDWIDTH in message and s.model:  # a device described without its bandwidth: the fit, and ask for it
        try:
            replies = _answer(turn, s, ["fit"], question)
        except AdvisorInputError:
            return [misc.input_problem(turn, message)]
        replies[-1].body.append(pick(turn.zh, "For a speed, give its memory bandwidth (e.g. '204.8 GB/s'): decoding "
                                              "reads every weight once per token, so bandwidth sets the speed.",
                                     "要估算速度，请告诉我它的内存带宽（例如“204.8 GB/s”）：每生成一个 token 都要把权重读一遍，"
                                     "速度由带宽决定。"))
        return replies
    tp = TP_SPLIT.search(message)
    if tp and s.count and s.count > 1 and not fit_.training(s) and not s.pipeline_parallel:
        # "3 RTX 4090s": tensor parallel cannot split the heads three ways; pipeline parallel splits the layers
        s.pipeline_parallel = s.count
        try:
            replies = _answer(turn, s, [a for a in asks if a in ("fit", "memory", "limits")] or ["fit"], question)
        except AdvisorInputError:
            return [misc.input_problem(turn, _zh_error(message) if turn.zh else message)]
        divisors = tp.group("divisors")
        replies[0].body.insert(0, pick(turn.zh, f"Sized with pipeline parallelism over {s.count} GPUs (vLLM "
                                        f"--pipeline-parallel-size {s.count}): tensor parallel {s.count} does not divide "
                                        f"{tp.group('model')}'s {tp.group('heads')} attention heads (tensor parallel works on "
                                        f"{divisors} GPUs). ",
                               f"按 {s.count} 卡流水线并行估算（vLLM --pipeline-parallel-size {s.count}）：张量并行 {s.count} "
                               f"不能整除 {tp.group('model')} 的 {tp.group('heads')} 个注意力头（张量并行可用 {divisors} 张卡）。"))
        return replies
    m = CONTEXT_LIMIT.search(message)
    if not m or not s.context:
        return [misc.input_problem(turn, _zh_error(message) if turn.zh else message)]
    limit = int(m.group("limit").replace(",", ""))
    asked = s.context
    from tools.models import longer_context_twin

    twin = longer_context_twin(s.model, asked) if s.model else None
    if twin is not None:  # "Llama 3 70B at 100k": the same network with a longer window (Llama 3.1), at the asked context
        first = s.model
        s.model = twin.id
        try:
            replies = _answer(turn, s, asks, question)
        except AdvisorInputError as exc:
            return [misc.input_problem(turn, _zh_error(str(exc)) if turn.zh else str(exc))]
        replies[0].body.insert(0, pick(turn.zh, f"{m.group('model')} ({first}) stops at {limit:,} tokens; {twin.name} is the "
                                                 f"same network with a {twin.max_context:,}-token window, so it is sized at "
                                                 f"{asked:,} tokens.",
                                       f"{m.group('model')}（{first}）最长 {limit:,} tokens；{twin.name} 是同一个网络、上下文 "
                                       f"{twin.max_context:,} tokens，所以按它在 {asked:,} tokens 下计算。"))
        return replies
    s.context = limit
    try:
        replies = _answer(turn, s, asks, question)
    except AdvisorInputError as exc:
        return [misc.input_problem(turn, _zh_error(str(exc)) if turn.zh else str(exc))]
    note = pick(turn.zh, f"{m.group('model')} supports at most {limit:,} tokens of context, not {asked:,}; at "
                         f"{limit:,}: ", f"{m.group('model')} 最长上下文为 {limit:,} tokens（不支持 {asked:,}）；按 {limit:,} 计算：")
    replies[0].lead = note + replies[0].lead
    return replies


ZH_ERRORS = [
    (re.compile(r"Unknown GPU '(.+?)'\. Closest: (.+?)\."), r"不认识的 GPU '\1'。最接近的：\2。"),
    (re.compile(r"Unknown model '(.+?)'\. Closest: (.+?)\."), r"不认识的模型 '\1'。最接近的：\2。"),
    (re.compile(r"A context of ([\d,]+) tokens is beyond (.+?)'s limit of ([\d,]+).*"),
     r"\1 tokens 的上下文超出了 \2 的上限 \3。"),
]


def _zh_error(message: str) -> str:
    for pattern, repl in ZH_ERRORS:
        if pattern.search(message):
            return pattern.sub(repl, message)
    return message


def _handler(ask: str, s: Slots, rest: list[str], question: str = ""):
    """(a key that dedups asks one handler answers together, the handler)."""
    training = fit_.training(s)
    table = {
        "local_path": ("local_path", lambda t, s, q: misc.local_path(t, s)),
        "problem": ("problem", lambda t, s, q: misc.problem(t, s)),
        "explain": ("explain", misc.concept),
        "misconception": ("misconception", misc.misconception),
        "largest": ("largest", lambda t, s, q: fit_.largest(t, s)),
        "minimum_claim": ("minimum_claim", lambda t, s, q: fit_.minimum_claim(t, s)),
        "limits": ("limits", fit_.limits),
        "kv": ("kv", lambda t, s, q: fit_.kv_cache(t, s)),
        "gpu_specs": ("gpu_specs", lambda t, s, q: misc.gpu_specs(t, s)),
        "quantization": ("quantization", misc.quantization),
        "compare": ("compare", lambda t, s, q: serve.compare(t, s, rest[0] if rest else None)),
        "sharding": ("sharding", lambda t, s, q: fit_.sharding_choice(t, s)),
        "memory": ("memory", lambda t, s, q: fit_.memory(t, s)),
        "buy_rent": ("buy_rent", money.buy_or_rent),
        "budget": ("budget", money.budget),
        "value": ("value", lambda t, s, q: money.tokens_per_dollar(t, s)),
        "unknown": ("unknown", lambda t, s, q: misc.unknown(t, s)),
    }
    if ask in table:
        return table[ask]
    if ask == "fit":
        if not (s.gpu or s.vram_gib):
            return ("memory", lambda t, s, q: fit_.memory(t, s))
        return ("fit", lambda t, s, q: fit_.fit(t, s))
    if ask == "how_many":
        if training and s.tokens and s.days or not s.gpu:
            return ("plan", lambda t, s, q: serve.which_gpu(t, s))
        return ("how_many", lambda t, s, q: serve.how_many(t, s))
    if ask == "which_gpu" and not training and (s.months or s.hours_per_day) and "cost" in rest:
        return ("plan", lambda t, s, q: money.serving_monthly(t, s))  # "cheapest way to serve ..., monthly cost?"
    if ask == "which_gpu":
        return ("plan", lambda t, s, q: serve.which_gpu(t, s))
    if ask == "speed":
        if training and s.tokens:
            return ("train", lambda t, s, q: train.training_time(t, s))
        return ("speed", lambda t, s, q: serve.speed(t, s))
    deadline_plan = training and s.tokens and s.days and not s.count
    if ask in ("time", "cost") and deadline_plan:
        return ("plan", lambda t, s, q: serve.which_gpu(t, s))
    if ask == "time":
        if not training and s.workload == "inference" and s.model:
            return ("speed", lambda t, s, q: serve.speed(t, s))  # "要等多久" while serving: the speed and the wait, not a run
        return ("train", lambda t, s, q: train.training_time(t, s))
    if ask == "cost":
        if s.gpu_hours and s.gpu:  # "278.8 万 H800 GPU 小时 ... 按 $2/小时是多少钱": those GPU-hours at the price
            return ("price", lambda t, s, q: money.rent_cost(t, s))
        # a training run's tokens: a budget of a million or more, or any count when training is said (not "2k tokens
        # of context each" while serving)
        if s.model and ((s.tokens and (s.tokens >= 1e6 or s.workload != "inference")) or s.examples or training):
            return ("train", lambda t, s, q: train.training_time(t, s))
        if s.model and not s.gpu and (s.months or s.hours_per_day):
            return ("plan", lambda t, s, q: money.serving_monthly(t, s))
        if s.model and not s.gpu:
            return ("plan", lambda t, s, q: serve.which_gpu(t, s))
        if s.model and (s.months or s.hours_per_day) and not (serve.PER_TOKEN.search(question) or s.per_million):
            return ("serving_cost", lambda t, s, q: money.serving_monthly(t, s))
        if s.model:
            return ("serving_cost", lambda t, s, q: serve.serving_cost(t, s, q))
        return ("price", lambda t, s, q: money.rent_cost(t, s))
    return ("unknown", lambda t, s, q: misc.unknown(t, s))


SETTLED = re.compile(r"not in [\w-]+; yes at ([\w-]+)\*\*|放不下；([\w-]+) 可以\*\*|\*\*[\w-]+ (?:does not fit|放不下)\*\*[^；;\n]*[；;]"
                     r"\s*(?:改用|switching to) ([\w-]+)")


def _settled_format(history: list | None) -> str | None:
    """The weight format the last answer settled on when the one asked did not fit ("not in bf16; yes at q4_k_m"), so
    a follow-up that changes something else keeps it."""
    last = next((c for r, c in reversed([_role_content(h) for h in history or []]) if r == "assistant" and c), "")
    m = SETTLED.search(last.split("\n", 1)[0])
    return next((g for g in m.groups() if g), None) if m else None


SETTLED_METHOD = re.compile(r"改用 QLoRA|switch(?:ing)? to QLoRA|QLoRA[^.。]{0,60}(?:fits|则可以|可以)|yes,? with QLoRA|可以，用 QLoRA",
                            re.I)


def _settled_method(history: list | None) -> str | None:
    """QLoRA when the last answer said the method asked did not fit and QLoRA does, so a follow-up that changes the
    sequence length ("那序列长度拉到 4096 呢？") keeps it."""
    last = next((c for r, c in reversed([_role_content(h) for h in history or []]) if r == "assistant" and c), "")
    return "qlora" if SETTLED_METHOD.search(last.split("\n", 1)[0]) else None


MEMORY_ASK = re.compile(r"显存|内存|memory|vram|\bgb\b", re.I)
MOE_ACTIVE_CLAIM = re.compile(r"(?:显存|内存|memory|vram).{0,20}(?:激活参数|active param)|(?:激活参数|active param).{0,30}"
                              r"(?:显存|内存|memory|vram)", re.I)


def _oom_polarity(lead: str) -> str:
    """A fit verdict said as the answer to "will it run out of memory?"."""
    for fits, en, zh in (("**No.**", "**Yes, it runs out of memory.**", None), ("**Yes.**", "**No, it fits.**", None),
                         ("**放不下。**", None, "**会爆显存。**"), ("**可以。**", None, "**不会爆显存，放得下。**")):
        if lead.startswith(fits):
            return (en or zh) + lead[len(fits):]
    return lead


def _compose(turn: Turn, replies: list[Reply], s: Slots, question: str) -> str:
    zh = turn.zh
    leads = [r.lead for r in replies]
    parts = [" ".join(leads) if all("\n" not in x for x in leads) else "\n\n".join(leads)]
    for r in replies:
        parts += [b for b in r.body if b]
    note = _model_note(turn, s, question)
    if note:
        parts.append(note)
    if s.users_assumed_share and s.population:
        parts.append(pick(zh, f"Users at once: {s.users} assumed, {s.users_assumed_share:g}% of the {s.population:,} people at the "
                              "busiest time; say your share (e.g. '10% at once') to resize.",
                          f"同时在线：按 {s.population:,} 人中高峰 {s.users_assumed_share:g}% 同时使用，约 {s.users} 人；"
                          "告诉我你们的比例（例如“10% 同时在线”）可重新估算。"))
    elif s.population and s.users and s.population > s.users and not s.users_share_pct:
        parts.append(pick(zh, f"Sized for the {s.users} at once, not all {s.population:,} people: the others are not "
                              "asking at that moment.",
                          f"按高峰同时使用的 {s.users} 人估算，不是全部 {s.population:,} 人：其余的人此刻不在提问。"))
    assumptions: list[str] = []
    for r in replies:
        for a in r.assumptions:
            if a not in assumptions:
                assumptions.append(a)
    if assumptions:
        parts.append(pick(zh, "Assumptions: ", "假设：") + ("；" if zh else "; ").join(assumptions))
    topic = next((r.cite for r in replies if r.cite), None)
    if topic:
        why = _why(turn, topic)
        if why:
            parts.append(why)
    return re.sub(r"\n{3,}", "\n\n", "\n\n".join(p for p in parts if p)).strip()


def _why(turn: Turn, topic: str) -> str:
    """The opening sentence of the guidance section the topic names (by heading, advisor/offline/concepts.py), or
    nothing: a neighbouring section's first sentence is not a reason."""
    from . import concepts

    hits = turn.cite(topic, k=4)
    if turn.zh:  # quote guidance in the asker's language only
        hits = [h for h in hits if h.get("lang") == "zh"]
    ranked = concepts.rank(hits, topic, myths=True)
    if not ranked:
        return ""
    best = ranked[0][1]
    sentence = concepts.quote(best["text"], turn.zh, sentences=1)[0]
    if not sentence:
        return ""
    return pick(turn.zh, f"Why: {sentence} ({best['citation']})", f"依据：{sentence}（{best['citation']}）")


def _model_note(turn: Turn, s: Slots, question: str) -> str:
    """Say plainly when a named model is not in the catalog and a generic shape was used."""
    call = next((c for c in turn.calls if isinstance(c.result, dict) and
                 (c.result.get("approximate_shape") or (c.result.get("memory") or {}).get("approximate_shape"))), None)
    if call is None or not s.model:
        return ""
    size = str(call.args.get("model") or s.model)  # the bare size that was sized, not the first model named
    m = re.search(r"([A-Za-z][\w.\-]*?)-?" + re.escape(size.rstrip("BbMm")) + r"\s*[bBmM]\b", question)
    named = m.group(0).strip() if m and re.search(r"[A-Za-z]{2,}", m.group(1)) else None
    if named:
        return pick(turn.zh, f"{named} is not in our catalog: sized as a generic {size} dense model (about ±10%). Give "
                             "its Hugging Face id (org/name) for an exact answer.",
                    f"{named} 不在模型目录中：按通用 {size} 稠密模型估算（约 ±10%）。给出它的 Hugging Face id（org/name）可得到精确结果。")
    rng = next((c.result["size_range"] for c in turn.calls if isinstance(c.result, dict) and c.result.get("size_range")),
               None)  # tools/size_range.py: the shape assumed, and the range over catalog models of that size
    if rng and rng.get("models"):
        return pick(turn.zh, f"A bare size: {size} was sized as {rng['shape']}. The {rng['models']} dense catalog models "
                             f"of {rng['low_b']:g}-{rng['high_b']:g}B need {rng['low_gib']:.1f}-{rng['high_gib']:.1f} GiB "
                             f"per GPU for the same run ({rng['low_model']} to {rng['high_model']}): name the model for "
                             "its exact figure.",
                    f"只给了参数量：{size} 按通用稠密模型估算（隐藏维度 {rng['hidden']:,}，{rng['layers']} 层，{rng['heads']} 个"
                    f"注意力头，{rng['kv_heads']} 个 KV 头，词表 {rng['vocab']:,}）。目录中 {rng['low_b']:g}-{rng['high_b']:g}B 的 "
                    f"{rng['models']} 个稠密模型同样配置每卡需要 {rng['low_gib']:.1f}-{rng['high_gib']:.1f} GiB"
                    f"（{rng['low_model']} 到 {rng['high_model']}）；给出模型名可得精确结果。")
    return pick(turn.zh, f"A bare size: sized as a typical {size} dense (Llama-style) model, about ±10%.",
                f"只给了参数量：按典型的 {size} 稠密（Llama 式）模型估算，约 ±10%。")


def _full_load_rate(turn, s: Slots):
    """For money asked with the person's own figures but no measured speed: a function giving (output tokens/s of the
    model on the GPUs said at full load, what that is), from the serving estimate; None without a model and a GPU."""
    if not (s.model and s.gpu) or fit_.training(s):
        return None

    def rate():
        from tools import search

        for n in ([s.count] if s.count else [1, 2, 4, 8]):  # no count said: the fewest of these GPUs that hold it
            try:
                cap = turn.derive("max_users", search.max_users, model=s.model, gpu=s.gpu, gpu_count=n,
                                  target_tokens_per_s=s.target_tps, context=s.context, precision=s.precision)
            except AdvisorInputError:
                continue
            if cap.get("users"):
                best = cap["by_format"][0]
                what = f"{cap['model']} {best['precision']}, {n}x {cap['gpu']}, {cap['users']} users"
                return best["aggregate_tokens_per_s"], what, n
        return None
    return rate


def _settle_formats(s: Slots) -> Slots:
    """'4-bit' means GGUF Q4_K_M for one user on a desktop card or a Mac (llama.cpp, Ollama), AWQ for a datacenter
    GPU, a batching engine or several users (vLLM), NF4 for QLoRA."""
    def settle(fmt: str | None) -> str | None:
        if fmt == "native":
            from tools.models import get_model

            try:
                return get_model(s.model).native_precision if s.model else None
            except AdvisorInputError:
                return None
        if fmt == "int8" and s.gpu and fit_.gpu_kind(s.gpu) == "apple_unified":
            return "q8_0"  # 8-bit on a Mac: llama.cpp's Q8_0 (or MLX 8-bit, the same size), not bitsandbytes
        if fmt != "4bit":
            return fmt
        if fit_.training(s):
            return "nf4-dq"
        desktop = fit_.gpu_kind(s.gpu) in ("consumer", "workstation", "apple_unified") if s.gpu else False  # a Mac too
        if s.gpu and s.gpu.startswith("described:") and s.gpu.split("|")[4] == "1":
            desktop = True  # a described box whose memory the CPU shares (Strix Halo, Jetson): llama.cpp's GGUF
        one_user = (s.users or s.batch or 1) <= 1 and s.framework in (None, "llama.cpp")
        return fit_.FOUR_BIT_CONSUMER if desktop and one_user else fit_.FOUR_BIT_SERVER

    s.precision = settle(s.precision)
    s.formats = [settle(f) for f in s.formats]
    if s.framework == "llama.cpp" and not s.precision and not fit_.training(s):
        s.precision = fit_.FOUR_BIT_CONSUMER  # "with ollama": its default download is Q4_K_M, never the model's fp8/bf16
    shared_box = bool(s.gpu and s.gpu.startswith("described:") and s.gpu.split("|")[4] == "1")
    if shared_box and not s.precision and not s.formats and not fit_.training(s) and (s.users or s.batch or 1) <= 1 \
            and s.framework in (None, "llama.cpp"):
        # a Jetson, a Strix Halo box, a phone: llama.cpp's Q4_K_M as people run them, or the model's own 4-bit release
        # (gpt-oss ships in MXFP4, which llama.cpp runs as released)
        native = settle("native")
        s.precision = native if native in ("mxfp4", "nvfp4") else fit_.FOUR_BIT_CONSUMER
    return s


def _with_defaults(state: Slots, defaults: dict) -> Slots:
    """UI defaults fill only what the conversation has not set."""
    from tools.gpus import get_gpu

    if defaults.get("gpu") and not state.gpu:
        state.gpu = get_gpu(str(defaults["gpu"])).id
        state.gpus = [state.gpu]
        state.count = state.count or int(defaults.get("gpu_count") or 1)
    if defaults.get("model") and not state.model:  # the app's "Size a model" (advisor/app_panels.py)
        state.model = str(defaults["model"])
    for key, slot in (("precision", "precision"), ("context", "context"), ("mfu", "mfu")):
        if defaults.get(key) and getattr(state, slot) is None:
            setattr(state, slot, defaults[key])
    return state
