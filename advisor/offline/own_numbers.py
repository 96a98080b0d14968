"""Money asked about with the person's own numbers: a monthly rental bill, a break-even, a cost per 1M tokens from a
measured throughput, an electricity bill from the watts they gave, self-hosting against an API price.

When the question gives every figure the answer needs (their price per GPU-hour or per server-hour, their hours a
day and days a week, their purchase price, kW, $/kWh, PUE, utilisation, measured tokens/s), the answer is plain
arithmetic on those figures, in the currency they used, with each step shown. Catalog prices and TDPs are used only
for what the person did not give (and then said so). A follow-up that changes one figure ("what if it runs 24 hours?",
"2x H100 at $2.49 for the same hours", "only 30% utilized") re-computes with it and keeps the others.

`answer` returns None when the question is not such an ask or lacks a figure; the other asks then answer it."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, fields, replace
from functools import lru_cache

from tools.cost import HOURS_PER_MONTH, PUE, electricity_usd_per_kwh
from tools.errors import AdvisorInputError
from tools.gpus import get_gpu

from .parse import (
    OFFICE_HOURS,
    clock_span_hours,
    find_gpus,
    find_hours_per_day,
    find_tokens_per_day,
    to_number,
    zh_number,
)
from .text import Reply, pick

DAYS_PER_MONTH = 730 / 24  # 730 hours a month, as tools/cost.py
WEEKS_PER_MONTH = 52 / 12

NUM = r"(\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?)"  # thousands groups of three: "$5,000,3 年后" is $5,000
_CNY = r"(?:元|块|rmb|cny|yuan|人民币)"
_PER_HOUR = r"(?:\s*/\s*(?:gpu\s*/\s*)?(?:h|hr|hour)\b|\s*(?:per|an|a|/)\s*(?:gpu[- ]?)?(?:h|hr|hour)\b|\s*/\s*卡\s*/\s*(?:小)?时)"


@dataclass
class Facts:
    price_hour: float | None = None  # per GPU-hour (per_gpu) or per server-hour
    per_gpu: bool | None = None
    count: int | None = None
    gpu: str | None = None
    hours_per_day: float | None = None
    hours_per_week: float | None = None
    hours_per_month: float | None = None  # "maybe 40 hrs of training a month", "每月用 40 小时"
    gpu_hours_month: float | None = None  # "we burn 3,000 H100-hours a month": the fleet's use, over the bought cards
    rent_count: int | None = None  # the cards rented when they differ from those bought ("buy 2 3090s or rent an A100")
    project_months: float | None = None  # how long the work lasts ("3 个月的项目", "a 6-month pilot")
    days_per_month: float | None = None
    buy: float | None = None
    rent_month: float | None = None  # what they spend renting a month
    own_month: float | None = None  # colo + power a month when owning
    package_month: float | None = None  # a monthly package price to compare with pay-as-you-go
    kw: float | None = None
    kw_idle: float | None = None  # "idles at ~30 W", "空闲大概 30W": the draw when on but not working
    busy_hours_per_day: float | None = None  # "really inferring 2 hours a day", "每天真正推理 2 小时"
    w_each: float | None = None  # "~300 W each": per card, times the count
    w_extra: float | None = None  # "plus ~150 W for the rest of the box"
    no_power: bool = False  # "先不算电费", "ignore power"
    per_year: bool = False  # "per year?": the same bill over 12 months
    per_kwh: float | None = None
    pue: float | None = None
    tps_estimated: str | None = None  # no measured speed: ours, for the model on these GPUs at full load (what it is)
    util: float | None = None  # 0..1
    tps: float | None = None  # measured aggregate tokens/s
    api_per_m: float | None = None
    tokens_per_day: float | None = None
    years: float | None = None  # amortisation period of a purchase
    budget: float | None = None  # "what if we only have $200k?"
    users: int | None = None  # "~40 users": a monthly bill is also given per user
    selling: bool = False  # the price per 1M tokens is what the person sells at ("按 ¥2/百万 token 卖", "we charge")
    reserved_hour: float | None = None  # a committed (reserved, 包年) price per GPU-hour beside the on-demand one
    term_months: float = 12.0  # how long the commitment binds ("1-year", "3-month commit", 包年)
    run_days: float | None = None  # a job that runs around the clock for a while ("a 3-week training run")
    run_hours: float | None = None  # a run's wall-clock hours found by an earlier part (its training time estimate)
    measured_at: int | None = None  # the concurrency a measured throughput was taken at ("2,400 tok/s at 64 concurrent")
    users_wanted: int | None = None  # the concurrency to size for ("how many H100s for 500 concurrent?")
    cny: bool = False
    asked_util: bool = False  # the question asks at what utilization buying pays off
    asked_per_m: bool = False  # the question asks a price per 1M tokens too ("折合每百万token多少钱？")
    hour_yuan: bool | None = None  # the currency of the hourly price and of the API price, each as written: a question
    api_yuan: bool | None = None  # may price its GPUs in dollars and the API in yuan (no exchange rate on file)
    api_in_out: tuple | None = None  # an API's input and output prices per 1M ("输入 $0.4/M、输出 $1.2/M")
    requests_per_day: float | None = None  # everyone's requests a day ("400 clinicians, ~15 requests each per day")
    request_io: tuple | None = None  # tokens in and out of each request
    output_share: float | None = None  # the share of a daily volume that is output ("输出占 20%")
    residual_share: float | None = None  # the purchase's worth at the end of the period ("残值按 25%")


def _amount(s: str, wan: str | None) -> float:
    v = to_number(s.replace(",", ""))
    return v * 10_000 if wan else v


@lru_cache(maxsize=1)
def _card_numbers() -> frozenset[str]:
    """The model numbers of the cards on file ('4090', '3090', '5090', '4060'): a bare one is a card, not a price.
    Round thousands ('RTX 6000', 'A5000') are left out: "一张 6000" is more often a price than a card."""
    from tools.gpus import all_gpus

    return frozenset(n for g in all_gpus() for a in (g.id, *g.aliases) for n in re.findall(r"(?<!\d)(\d{4})(?!\d)", a)
                     if not n.endswith("000"))


@lru_cache(maxsize=256)  # the engine parses each question too: the load read once per text, not twice per ask
def _load_said(text: str) -> tuple:
    """(users at once, requests a day, (tokens in, tokens out) of each) as the chat's parser reads them."""
    from .parse import parse

    said = parse(text)
    io = (said.input_tokens, said.output_tokens) if said.input_tokens and said.output_tokens else None
    return said.users, (said.request_rate * 86400 if said.request_rate else None), io


def _money(text: str, bare: bool = False) -> list[tuple[int, int, float, bool]]:
    """(start, end, value, yuan?) for every amount of money: '$1.29', '9.8 元', '22万', '¥200k', '9 万'; with `bare`
    (a question priced in yuan), also a plain number where a price stands ('租每月 4500', '一张 5500')."""
    out = []
    for m in re.finditer(r"(\$|¥|￥|€|usd\s*|eur\s*)\s*" + NUM + r"\s*(k\b|万)?", text, re.I):
        v = _amount(m.group(2), m.group(3) == "万") * (1000 if (m.group(3) or "").lower() == "k" else 1)
        out.append((m.start(), m.end(), v, m.group(1) in "¥￥"))
    for m in re.finditer(NUM + r"\s*(万|千)?\s*(?:美元|美金|刀|usd|dollars?)", text, re.I):
        if not any(s <= m.start() < e for s, e, _, _ in out):
            v = to_number(m.group(1).replace(",", "")) * {"万": 10_000, "千": 1000}.get(m.group(2) or "", 1)
            out.append((m.start(), m.end(), v, False))
    for m in re.finditer(NUM + r"\s*(万|千)?\s*" + _CNY + r"|" + NUM + r"\s*万(?!\s*(?:token|tokens|亿|个?\s*gpu|个?\s*卡|个?\s*小时|"
                         r"张|台|人|条|次|[a-z]\d))", text, re.I):
        num, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), "万")
        if any(s <= m.start() < e for s, e, _, _ in out):
            continue
        v = to_number(num.replace(",", "")) * {"万": 10_000, "千": 1000}.get(unit or "", 1)
        out.append((m.start(), m.end(), v, True))
    if bare:
        for m in re.finditer(r"(?:租|买断|买|报价|售价|价格|一张|每张|一块|每块|每月|月租|月费|花)\s*(?:的话)?\s*(?:是|为|大概|大约|约|要)?\s*"
                             r"(\d[\d,]*(?:\.\d+)?)(?![\d.,]*\s*(?:万|千|张|块卡|卡|台|个|小时|天|周|年|月|%|w\b|瓦|gb|g\b|t\b|b\b|k\b|"
                             r"tok|元|块|人|倍|度))", text, re.I):
            if any(s <= m.start(1) < e for s, e, _, _ in out) or to_number(m.group(1).replace(",", "")) < 100:
                continue
            if m.group(1) in _card_numbers() or re.match(r"\s*(?:ti\b|super\b|显卡)", text[m.end(1):m.end(1) + 8], re.I):
                continue  # "买一张 4090（¥14000）": the card's name (a model number in the catalog), not its price
            out.append((m.start(1), m.end(1), to_number(m.group(1).replace(",", "")), True))
    return sorted(out)


BUSY_HOURS = re.compile(r"每天\s*(?:(?:真正|实际上?)\s*(?:在)?\s*(?:推理|跑|干活|工作|用|使用|忙)|(?:大概|只)?\s*(?:推理|跑推理|干活|忙|"
                        r"满载))\s*(?:大概|约)?\s*" + NUM + r"\s*(?:个)?\s*小时|\b(?:busy|inferring|working|under load|in use|"
                        r"actually (?:used|running|busy))\s+(?:for\s+)?(?:about\s+|~)?" + NUM
                        + r"\s*(?:h|hrs?|hours?)\s*(?:a|per|/|each)\s*day")


def busy_hours(text: str) -> float | None:
    """The hours a day a machine that is on actually works ("busy 3 hours a day", "每天真正推理 2 小时")."""
    m = BUSY_HOURS.search(text.lower())
    return float(next(g for g in m.groups() if g).replace(",", "")) if m else None


def _hours(text: str, f: Facts) -> None:
    low = text.lower()
    busy = BUSY_HOURS.search(low)
    if busy:
        f.busy_hours_per_day = float(next(g for g in busy.groups() if g).replace(",", ""))
        low = low[:busy.start()] + " " + low[busy.end():]  # the busy hours are not the hours it is on
    if re.search(r"(?:挂着|开着|跑|运行|开机)\s*24\s*(?:个)?\s*小时|24\s*(?:个)?\s*小时\s*(?:开机|挂着|开着|不关)|left on\b|"
                 r"\bon all day\b|\balways on\b", low):
        f.hours_per_day = 24.0
    if re.search(r"\bevery ?day\b|\bdaily\b|\b7 days a week\b|每天都|天天|一周七天|周末也", low):
        f.days_per_month = DAYS_PER_MONTH  # "12h a day every day": not the workdays said before
    if re.search(r"24\s*/\s*7|7\s*[x×*]\s*24|24\s*(?:个)?\s*(?:小时|h)\s*(?:不关机|不停|不间断|连续|运行|开着|一直|都在|满负荷|跑满)|"
                 r"不关机|全天|around the clock|24 hours a day|24h/day|每天\s*24\s*小时", low):
        f.hours_per_day = 24.0
        if not re.search(r"工作日|weekday|work ?days?", low):
            f.days_per_month = DAYS_PER_MONTH  # round the clock: every day, not the workdays said before
    office = OFFICE_HOURS.search(low)
    span = clock_span_hours(low)
    if span:
        f.hours_per_day = span
    m = re.search(NUM + r"\s*(?:h|hrs?|hours?)\s*(?:a|per|/|each)\s*day|(?:每天|每日|一天)(?:平均|大概|大约|约|只|就|开|跑|用|运行|使用|\s){0,4}" + NUM + r"\s*(?:个)?小时|"
                  + NUM + r"\s*(?:个)?小时\s*/\s*天|每天只开\s*" + NUM, low)
    if m:
        f.hours_per_day = float(next(g for g in m.groups() if g).replace(",", ""))
    m = re.search(NUM + r"\s*(?:h|hrs?|hours?)\s*(?:a|per|/|each)\s*week|(?:每周|一周|每星期|一星期|每礼拜)\s*"
                  r"(?:用|跑|开|使用|训练|大概|约|大约|\s){0,4}" + NUM + r"\s*(?:个)?小时", low)
    if m:
        f.hours_per_week = float(next(g for g in m.groups() if g))
    m = re.search(r"(?<![\w-])" + NUM + r"\s*(?:h|hrs?|hours?)\s*(?:of\s+\w+\s+)?(?:a|per|/|each)\s*month|(?:每月|一个月|每个月)\s*"
                  r"(?:用|跑|开|使用|训练|大概|约|大约|\s){0,4}" + NUM + r"\s*(?:个)?小时", low)
    if m and not re.match(r"\s*(?:不停|不间断|连续|不关|运行|开着|全天)", low[m.end():]) and f.hours_per_day != 24.0:
        f.hours_per_month = float(next(g for g in m.groups() if g).replace(",", ""))  # not "一个月 24 小时不停"
    m = re.search(NUM + r"\s*(?:[a-z]\d{2,4}[a-z]*[- ])?gpu[- ]?hours?\s*(?:a|per|/|each)\s*month|" + NUM
                  + r"\s*[a-z]\d{2,4}[a-z]*[- ]hours?\s*(?:a|per|/|each)\s*month|(?:每月|一个月)\D{0,6}" + NUM
                  + r"\s*(?:个)?\s*(?:gpu|卡)\s*(?:小)?时", low)
    if m:
        f.gpu_hours_month = float(next(g for g in m.groups() if g).replace(",", ""))
    y = re.search(r"(?:一年|每年|全年)\D{0,8}?(\d[\d,.]*)\s*(万|千)?\s*(?:个)?\s*(?:[a-z]\d{2,4}\s*)?(?:gpu|卡)\s*[- ]?(?:小时|时)|"
                  r"(\d[\d,.]*)\s*(k)?\s*(?:[a-z]\d{2,4}[- ])?gpu[- ]?hours?\s*(?:a|per|each|/)\s*year", low)
    if y and not f.gpu_hours_month:  # "一年大概要 5 万 GPU 小时": a year's use, a month of it
        num, unit = (y.group(1), y.group(2)) if y.group(1) else (y.group(3), y.group(4))
        f.gpu_hours_month = float(num.replace(",", "")) * {"万": 1e4, "千": 1e3, "k": 1e3}.get(unit or "", 1) / 12
    if f.hours_per_day is None and not (f.hours_per_week or f.hours_per_month or f.gpu_hours_month):

        daily = find_hours_per_day(text)  # the chat's reading of a day's hours ("每天大概 8 张卡跑 10 小时", "每天跑满 20 小时")
        if daily and re.search(r"\d\s*(?:个)?\s*(?:小时|hours?|hrs?|h\b)", low) and \
                not re.search(r"\b(?:week|month)\b|每周|一周|每月|一个月|utili|利用率|使用率|%", low):
            f.hours_per_day = daily
    m = re.search(r"(\d+(?:\.\d+)?)\s*(?:个)?(?:工作日|working days|business days|days (?:a|per|each) month)|(?:每月|一个月|每个月|一月)\s*(?:跑|开|用)?\s*(\d+)\s*天", low)
    if m:
        f.days_per_month = float(next(g for g in m.groups() if g))
        if re.search(r"(?:一年|每年|全年|年均|a year|per year|each year|annually)\D{0,6}$", low[max(0, m.start() - 12):m.start()]) \
                or re.match(r"\s*(?:a|per|each)\s+year", low[m.end():m.end() + 12]) or f.days_per_month > 31:
            f.days_per_month /= 12  # "一年 250 个工作日", "250 working days a year": a month's share of the year
    elif re.search(r"weekdays?|work ?days|mon(?:day)?[- ]fri|每周\s*5\s*天|周末关机|周末不开|工作日|5 days a week|five days a week", low) \
            or office:
        f.days_per_month = 5 * WEEKS_PER_MONTH
    elif f.hours_per_day == 24.0 and not re.search(r"工作日|weekday", low):
        f.days_per_month = DAYS_PER_MONTH


def facts(text: str) -> Facts:
    f = Facts()
    low = text.lower()
    f.asked_per_m = bool(PER_M.search(text))
    f.asked_util = bool(re.search(r"utili[sz]ation|利用率|how many hours|多少小时", text, re.I))
    f.cny = bool(re.search(_CNY + r"|¥|￥|万(?!\s*token)", low)) and not re.search(r"\$|美元|美金|usd", low)
    euro = bool(re.search(r"€|\beur\b|\beuros?\b|欧元", low)) and not re.search(r"\$|美元|usd|¥|元", low)
    gpus = find_gpus(text)
    if gpus:
        f.gpu, f.count = gpus[0][0], gpus[0][1]
    m = re.search(r"(\d+)\s*(?:x|×|张|块|卡|台)\s*(?:卡)?\s*[a-z]", low) or re.search(r"(\d+)\s*(?:张|块)?\s*卡", low)
    if m and not f.count:
        f.count = int(m.group(1))
    f.count = f.count or _zh_count(text)
    m = re.search(r"\b(\d{1,4})\s+(?:of them|gpus|cards)\b", low)
    if m and not f.count:  # "need 3 of them"
        f.count = int(m.group(1))
    if re.search(r"\b(?:dgx|hgx)\b", low) and (f.count or 1) == 1:
        f.count = 8 * (f.count or 1)  # a DGX/HGX server holds 8 GPUs
    _hours(text, f)
    if f.gpu_hours_month:  # "3,000 h100-hours a month ... 8x h100": the count is the box's, not the hours'
        later = [g for g in gpus if g[1] and g[1] != int(f.gpu_hours_month)]
        f.count = later[0][1] if later else (8 if re.search(r"\b(?:dgx|hgx)\b", low) else None)
    if f.gpu_hours_month and f.count:  # each bought card would run its share of those hours
        f.hours_per_month = round(f.gpu_hours_month / f.count, 1)
    if len({g[0] for g in gpus}) >= 2 and re.search(r"还是.{0,6}租|\b(?:or|versus|vs\.?|against|instead of)\b.{0,10}\brent|租", low):
        used = re.search(r"(\d{1,3})\s*(?:张|块)\s*(?:卡|gpu|显卡)?\s*(?:都|一起|同时)?\s*(?:跑|用|训练|开)|"
                         r"\b(\d{1,3})\s+(?:gpus|cards)\s+(?:for|running|busy|in use)\b", low)
        # "买两张 3090 还是租 A100": the rent is for the other card, as many as named, or as many as are in use
        # ("每天大概 8 张卡跑 10 小时")
        f.rent_count = gpus[1][1] or (int(used.group(1) or used.group(2)) if used else 1)
    for s, e, v, yuan in _money(text, bare=f.cny):
        after, before = low[e:e + 24], low[max(0, s - 14):s]
        f.cny = f.cny or yuan
        if re.match(r"\s*(?:/|per|每|一)\s*(?:kwh|度|千瓦时)", after) or re.search(r"电费\s*$|电价\s*$", before):
            f.per_kwh = v
        elif re.match(r"\s*(?:/|per|for|每)\s*(?:1\s*m\b|1m|m\b|million|百万)|\s*per 1m", after) or re.search(
                r"(?:每百万\s*(?:个\s*)?(?:tokens?)?|per (?:1m|million)(?: tokens)?)\s*$", before):
            f.api_per_m, f.api_yuan = v, yuan
        elif not re.search(r"(?:每月|月租|每个月|一个月|包月|per month|a month|monthly)\s*(?:的)?\s*(?:租金|租价)?\s*(?:是|为|约|大概)?\s*$",
                           before) and (re.match(_PER_HOUR, after, re.I) or re.search(
                               r"(?:每小时|一小时|每卡每小时|每张每小时|小时|卡时|租金|租价)\s*(?:是|为|约|大概)?\s*$", before)) or \
                re.match(r"\s*(?:/|每)\s*(?:卡\s*)?(?:小)?时", after):
            f.price_hour, f.hour_yuan = v, yuan
            per_gpu = re.search(r"(?:每卡|每张|per gpu|/gpu|gpu[- ]hour|each|卡时|/\s*卡|per card|a card)", low[max(0, s - 14):e + 24])
            total = re.search(r"\btotal\b|in all|whole|整机|一台|总共|合计", low[max(0, s - 24):e + 24])
            f.per_gpu = True if per_gpu else (False if total else None)
        elif re.match(r"\s*(?:/|per|a|每)\s*(?:gpu[- ]?|卡\s*)?(?:day|天|日)\b", after) or \
                re.search(r"(?:每卡每天|每张每天|每天每卡|每卡每日|每天|每日|一天|per day|a day)\s*(?:的)?\s*(?:租金|租价)?\s*(?:是|为|约|大概)?\s*$", before):
            # "每卡每天 ¥200", "$60/GPU/day": a daily rent is the hour's price over the day's 24 hours, paid all day
            f.price_hour, f.hour_yuan = v / 24, yuan
            f.per_gpu = True if re.search(r"每卡|每张|per gpu|/gpu|gpu[- ]?day|each|per card", low[max(0, s - 14):e + 24]) else None
            f.hours_per_day = f.hours_per_day or 24.0
        elif re.match(r"\s*(?:/\s*(?:month|mo)\b|(?:a|per)\s*month|每月|/月)", after) or re.search(r"包月(?:价)?(?:是|为)?\s*$", before) \
                or re.search(r"(?:每月|月租|月费|每个月|一个月)\s*(?:的)?\s*(?:租金|租价)?\s*(?:是|为|约|大概)?\s*$", before):
            if re.search(r"包月", before):
                f.package_month = v
            elif re.search(r"colo|power|hosting|电费|托管", low[e:e + 40] + low[max(0, s - 40):s]):
                # "托管+电费每台每月 $4,000 ... 运维两台合计每月 $5,000": per machine times the machines, and the
                # owning costs said one after another add up
                n_box = _boxes(low)
                v = v * n_box if n_box and re.search(r"每台|per (?:server|node|box|machine)|each", low[max(0, s - 16):s]) else v
                f.own_month = (f.own_month or 0) + v
            else:
                f.rent_month = v
        elif re.search(r"包月", before):
            f.package_month = v
        elif (re.search(r"buy|purchase|cost|quote|买|购|rig|box|server|服务器|card|卡|\bfor\b|\bat\b|@|\bused\b|\bnew\b|二手|全新|"
                        r"要|现在|现价|报价|售价|价格|一张|一块|每张|每块|单卡|自建|装机|组装|攒|\bmac\b|studio|workstation|machine|\bpc\b|"
                        r"laptop|电脑|工作站|笔记本",
                        low[max(0, s - 40):s] + after[:10])
              # "整机 25 万元，按 3 年折旧": a machine's price written to be depreciated
              or (re.search(r"折旧|depreciat|amortiz", low) and re.search(r"整机|一台|机器|machine|server|box",
                                                                          low[max(0, s - 40):s]))) and v >= 300:
            each = re.match(r"\s*(?:each|apiece|a (?:card|gpu)|per (?:card|gpu))\b|\s*(?:每张|每块|一张|一块)", after) or \
                re.search(r"(?:每张|每块|单卡|一张|一块)\s*$", before)
            v = v * (f.count or 1) if each else v
            # "一台 8 卡服务器约 ¥16 万，要买两台", "$250k per server, we need 3": the machine's price times the machines
            per_box = re.search(r"(?:一台|每台|单台|per (?:server|node|box|machine)|a (?:server|node|box)|each (?:server|node|box))"
                                r"[^。；;，,]{0,24}$", low[max(0, s - 30):s]) or re.match(
                r"\s*(?:per|a|each)\s+(?:server|node|box|machine)\b|\s*(?:一台|每台)", after)
            per_box = per_box and not each
            n_boxes = _boxes(low) if per_box else None
            if n_boxes:
                v = v * n_boxes
            plus = f.buy is not None and (re.search(r"(?:\bplus|\+|\band|另加|加上|外加|再加)[^\d$¥￥。；;]{0,14}$", before)
                                          or re.match(r"\s*(?:for|on)\s+the\s+(?:rest|box|chassis|host|platform|other|server)|"
                                                      r"\s*(?:其余|其他配件|机箱|主机)", after))  # "~$8k for the rest of the box"
            f.buy = f.buy + v if plus else v
    if f.gpu_hours_month and not f.price_hour:  # "3,000 h100-hours a month on lambda at $2.49": its price per GPU-hour
        small = [v for _, _, v, _ in _money(text, bare=f.cny) if 0 < v < (200 if f.cny else 50) and v != f.per_kwh]
        if small:
            f.price_hour, f.per_gpu = small[0], True
    from .answers_asks import _api_in_out
    from .parse import find_output_share

    f.api_in_out, f.output_share = _api_in_out(text), find_output_share(text)

    if f.per_kwh is None:  # "30 cents/kWh", "€0.32/kWh": the parser's forms
        from .parse import find_kwh_price

        f.per_kwh = find_kwh_price(text)
    if f.price_hour and re.search(r"(?i)\b[a-z]\d[a-z]{0,2}\.\d{0,2}x?large\b", text):
        f.per_gpu = False  # "g5.12xlarge (4x A10G, $5.67/h)": the instance's price, all its cards
    if f.per_gpu is None and f.price_hour:  # "8 卡 A800 一小时 220 元": a price that size is for the server
        f.per_gpu = not (f.count and f.count > 1 and f.price_hour > (60 if f.cny else 15))
    if euro:
        f.cny = "€"  # the figures in euros: the same arithmetic, the sign the person used
    m = re.search(NUM + r"\s*kw\b(?!h)", low)
    if m:
        f.kw = float(m.group(1))
    else:
        _watts(low, f)
    f.per_year = bool(YEARLY.search(low)) and not re.search(r"over\s*\d+\s*years?|\d+\s*年(?:折旧|摊)", low)
    f.no_power = bool(re.search(r"不算电费|不含电费|不计电费|电费(?:先)?不算|(?:ignore|ignoring|excluding|exclude|without|no) "
                                r"(?:the )?(?:power|electricity)", low))
    m = re.search(r"pue\s*(?:of|=|为|是)?\s*(\d(?:\.\d+)?)", low)
    if m:
        f.pue = float(m.group(1))
    # (a utilisation routes the question to this arithmetic, which has no host power: "70% average GPU load" on a
    # box is left to the chat's power answer, which counts the host; load_share reads that wider phrasing)
    m = re.search(r"(\d+(?:\.\d+)?)\s*%\s*(?:average\s*)?(?:utili[sz]|util|load|busy|负载|利用率|of (?:the )?(?:tdp|board power|"
                  r"max(?:imum)? power|power limit|day|time))|(?:utili[sz]\w*|利用率|负载|busy)\D{0,20}?(\d+(?:\.\d+)?)\s*%", low)
    if m:
        f.util = float(m.group(1) or m.group(2)) / 100
    m = re.search(r"(\d[\d,.]*)\s*(k)?\s*(?:(?:output|generated|aggregate|total|generation)\s+)?(?:tok(?:en)?s?\s*/\s*s|tokens? (?:per|a) second|tps)\b(?!\s*(?:each|per (?:user|person|"
                  r"stream|request|head)|/\s*(?:user|person)|every))", low)
    if m and not re.search(r"(?:每人|每个人|每个用户|每位用户|每路|单用户|per user|each user|users? (?:want|need|expect|get)|"
                          r"(?:a|per|each) (?:person|user|stream))[^\d]{0,8}$", low[max(0, m.start() - 24):m.start()]):
        f.tps = to_number(m.group(1).replace(",", "")) * (1000 if m.group(2) else 1)
    m = re.search(r"(?:吞吐|throughput)\s*(?:量)?\s*(?:是|为|约|大概)?\s*(?:每秒|/\s*s|per second)\s*(?:约|大概)?\s*(\d[\d,.]*)\s*(k)?\s*(?:个)?\s*"
                  r"(?:tokens?|tok)", low)
    if m and not f.tps:  # "吞吐每秒 400 tokens"
        f.tps = to_number(m.group(1).replace(",", "")) * (1000 if m.group(2) else 1)
    m = re.search(r"每秒\s*(?:大概|大约|约)?\s*(\d[\d,.]*)\s*(k)?\s*(?:个)?\s*(?:tokens?|tok).{0,8}(?:总吞吐|吞吐|合计|整机)", low)
    if m and not f.tps:  # "每秒大概 800 token（总吞吐）"
        f.tps = to_number(m.group(1).replace(",", "")) * (1000 if m.group(2) else 1)
    f.tokens_per_day = find_tokens_per_day(text)
    both = re.search(r"(\d+(?:\.\d+)?)\s*([kmb]|million|billion|万|亿)?\s*(?:tokens?\s*)?(?:input|输入)\s*(?:tokens?\s*)?(?:\+|and|,|/|、|和)"
                     r"\s*(\d+(?:\.\d+)?)\s*([kmb]|million|billion|万|亿)?\s*(?:tokens?\s*)?(?:output|输出)", low) or \
        re.search(r"(?:input|输入)\s*(?:约|大约|大概)?\s*(\d+(?:\.\d+)?)\s*([kmb]|million|billion|万|亿)?\s*(?:tokens?\s*)?"
                  r"(?:\+|and|,|/|、|和|，)\s*(?:output|输出)\s*(?:约|大约|大概)?\s*(\d+(?:\.\d+)?)\s*([kmb]|million|billion|万|亿)?",
                  low)  # "每天输入 1 亿 token、输出 5000 万 token": the words first
    if both and f.api_in_out:  # "300M input + 60M output tokens per day": the day's volume is both
        sc = {"k": 1e3, "m": 1e6, "million": 1e6, "b": 1e9, "billion": 1e9, "万": 1e4, "亿": 1e8}
        a, b = float(both.group(1)) * sc.get(both.group(2) or "", 1), float(both.group(3)) * sc.get(both.group(4) or "", 1)
        # "300M input + 60M output tokens per month": the month's volume, a day's share of it
        monthly = re.match(r"\s*(?:tokens?\s*)?(?:per|a|each|every|/)\s*(?:month|mo)\b|\s*(?:tokens?\s*)?(?:每月|/月|一个月)",
                           low[both.end():both.end() + 24]) or re.search(r"(?:每月|每个月|一个月|月均|monthly|per month|a month)"
                                                                       r"[^\d。；;]{0,8}$", low[max(0, both.start() - 16):both.start()])
        per = DAYS_PER_MONTH if monthly else 1.0
        if not f.tokens_per_day or min(abs(f.tokens_per_day - b), abs(f.tokens_per_day - b / per)) < 0.01 * b / per \
                or min(abs(f.tokens_per_day - a), abs(f.tokens_per_day - a / per)) < 0.01 * a / per:  # (or the input's)
            f.tokens_per_day, f.output_share = (a + b) / per, b / (a + b)
    # the chat's reading: "~15 requests each per day" is a rate, not 15 users
    f.users, f.requests_per_day, f.request_io = _load_said(text)
    conc = [int(x.replace(",", "")) for x in re.findall(r"(\d[\d,]*)\s*(?:concurrent|simultaneous|parallel|并发|个并发|路并发)"
                                                      r"(?:\s*(?:users?|requests?|streams?|sessions?|用户|请求))?", low)]
    if len(conc) >= 2 and f.tps and conc[0] != conc[1]:
        f.measured_at, f.users_wanted = conc[0], conc[1]  # measured first, then the load to size for
    f.selling = bool(re.search(r"\bsell|\bcharge|售价|卖|定价|收费|毛利|margin", low))
    m = re.search(r"残值\D{0,8}?(\d{1,2})\s*%|(?:resale|residual|salvage)(?: value)?\D{0,16}?(\d{1,2})\s*%|"
                  r"(\d{1,2})\s*%\s*(?:residual|resale|salvage|残值)", low)
    if m:  # "3 年后残值按 25%", "25% resale value after 3 years": what the purchase is worth at the end
        f.residual_share = float(next(g for g in m.groups() if g)) / 100
    hourly = [(s_, v) for s_, e, v, _ in _money(text) if re.match(r"\s*(?:/|per|每|一)?\s*(?:gpu[- ]?|卡)?\s*(?:hour|hr|h\b|小时|时)",
                                                                   low[e:e + 12]) or re.search(r"(?:卡时|每小时|小时)\s*$", low[max(0, s_ - 8):s_])]
    if len(hourly) >= 2 and re.search(r"reserved|commit|1[- ]year|annual|包年|包一年|包月|长期|预留|合约", low):
        tagged = sorted(hourly, key=lambda x: x[1])
        f.reserved_hour, f.price_hour = tagged[0][1], tagged[-1][1]  # the committed price is the lower one
        t = re.search(r"(\d+)[- ]?(year|yr|month|mo)\b|(\d+|一|两|三|六)\s*(?:个)?\s*(年|月)", low)
        if t:
            num = t.group(1) or t.group(3)
            num = float(num) if num.isdigit() else {"一": 1, "两": 2, "三": 3, "六": 6}[num]
            f.term_months = num * (12 if (t.group(2) or t.group(4)) in ("year", "yr", "年") else 1)
        r = re.search(r"(\d+(?:\.\d+)?)[- ]?(week|day)s?(?:-long)?\s+(?:\w+\s+)?(?:run|job|training)|(\d+(?:\.\d+)?)\s*(周|天)\s*(?:的)?"
                      r"\s*(?:训练|任务|跑)|(?:for|训练|跑)\s*(\d+(?:\.\d+)?)\s*(weeks?|days?|周|天)", low)
        if r:
            num = float(r.group(1) or r.group(3) or r.group(5))
            unit = r.group(2) or r.group(4) or r.group(6)
            f.run_days = num * (7 if unit.startswith(("week", "周")) else 1)
    m = re.search(r"(?:only (?:have|got)|budget (?:is|of)|can (?:only )?spend|预算(?:只有|是|为)?|只有)\s*(?:about |~)?([$¥￥]?\s*\d[\d,.]*\s*(?:k|万)?)",
                  low)
    if m:
        got = _money(m.group(1) if re.search(r"[$¥￥]|万", m.group(1)) else "$" + m.group(1))
        if got:
            f.budget, f.buy = got[0][2], None if f.buy == got[0][2] else f.buy
    m = re.search(r"over\s*(\d+)\s*years?|(\d+)\s*年(?:折旧|摊)|(?:over|in|within|for)\s+(?:the\s+next\s+)?(\d+|two|three|four|five)"
                  r"\s*years?|([一二两三四五\d]+)\s*年(?:内|之内|里)?(?!\s*\d+\s*(?:个)?\s*(?:工作日|天|日))", low)
    if m:
        word = m.group(1) or m.group(2) or m.group(3) or m.group(4)
        f.years = float({"two": 2, "three": 3, "four": 4, "five": 5, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
                         "五": 5}.get(word, word) if not word.isdigit() else word)
    m = re.search(r"(\d+|[一二两三四五六七八九十]+)\s*(?:个)?\s*月的?(?:项目|任务|合同|周期)|项目(?:周期|只有|就|为期|持续)?\s*"
                  r"(\d+|[一二两三四五六七八九十]+)\s*(?:个)?\s*月|\b(?:an?\s+)?(\d+)[- ]month (?:project|engagement|contract|pilot)\b|"
                  r"\bproject (?:of|for|lasting|runs? for) (\d+) months\b", low)
    if m:  # "3 个月的项目": the use ends then, whatever buying would pay back after
        word = next(g for g in m.groups() if g)
        f.project_months = float(word) if word.isdigit() else float(_ZH_DIGITS.get(word, 0) or 0) or None
    return f


_ZH_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def load_share(text: str) -> float | None:
    """The share of board power the GPUs draw on average, for the chat's power answer: '~60% utilization',
    '70% average GPU load', '负载 70%', '80% of TDP', 'busy 60% of the time'."""
    m = re.search(r"(\d+(?:\.\d+)?)\s*%\s*(?:average\s*|avg\s*)?(?:gpu\s*)?(?:utili[sz]|util|load|busy|负载|利用率|of (?:the )?"
                  r"(?:tdp|board power|max(?:imum)? power|power limit|day|time))|(?:utili[sz]\w*|利用率|负载|busy|\bload\b)"
                  r"\D{0,20}?(\d+(?:\.\d+)?)\s*%", text.lower())
    return float(m.group(1) or m.group(2)) / 100 if m else None


def desktop_card(gpu_id: str | None) -> bool:
    """A desktop card or a Mac, at home or in an office: no data-centre cooling (PUE) on its power."""
    if not gpu_id:
        return False
    try:
        g = get_gpu(gpu_id)
    except AdvisorInputError:
        return False
    return g.kind == "consumer" or g.vendor == "apple"


def _boxes(low: str) -> int | None:
    """The machines bought: '自购 2 台 HGX H100', 'buy two servers'."""
    m = re.search(r"(?:买|购|需要|要|共|一共)\s*(两|二|三|四|五|六|八|十|\d{1,2})\s*台|"
                  r"\b(?:need|buy|get)\s+(two|three|four|five|six|eight|\d{1,2})\s+(?:of them|servers|nodes|boxes|machines)\b", low)
    if not m:
        return None
    w = m.group(1) or m.group(2)
    return int(w) if w.isdigit() else {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "八": 8, "十": 10, "two": 2,
                                       "three": 3, "four": 4, "five": 5, "six": 6, "eight": 8}[w]


def _watts(low: str, f: Facts) -> None:
    """Power in watts: a total ("1,200 W"), per card ("300 W each", "power-limit the cards to 250W": times the count)
    and what the rest of the box adds ("plus ~150 W for the rest")."""
    for m in re.finditer(NUM + r"\s*(?:w|watts?|瓦)\b", low):
        w = float(m.group(1).replace(",", ""))
        before, after = low[max(0, m.start() - 30):m.start()], low[m.end():m.end() + 30]
        if re.search(r"(?:idle|idling|空闲|待机|闲置|闲时)\D{0,12}$", before) or re.match(r"\s*(?:at |when |while )?(?:idle|空闲|待机)", after):
            f.kw_idle = w / 1000
            continue
        if w < 50:
            continue
        if re.match(r"\s*(?:each|apiece|per (?:card|gpu)|a (?:card|gpu)|/\s*(?:card|gpu))|\s*(?:每张|每块|每卡)", after) or \
                re.search(r"(?:cards?|gpus?|each)\s*(?:to|at)\s*(?:~|about\s*)?$|(?:每张|每块|每卡|单卡)\D{0,4}$", before):
            f.w_each = w
        elif (f.w_each or f.kw) and re.search(r"(?:plus|\+|another|additional|extra|另加|加上|外加|其他)\W{0,3}(?:about\s*|~)?$", before):
            f.w_extra = (f.w_extra or 0) + w
        elif f.kw is None and f.w_each is None:
            f.kw = w / 1000
    _kw_from_parts(f)


def _kw_from_parts(f: Facts) -> None:
    if f.w_each:
        f.kw = (f.w_each * (f.count or 1) + (f.w_extra or 0)) / 1000
    elif f.w_extra and f.kw:
        f.kw = f.kw + f.w_extra / 1000


def _kw_src(f: Facts, zh: bool) -> str:
    yours = pick(zh, " (yours)", "（你给的）")
    if f.w_each:
        return f"{f.count or 1} x {f.w_each:g} W" + (f" + {f.w_extra:g} W" if f.w_extra else "") + f" = {f.kw:g} kW" + yours
    return f"{f.kw:g} kW" + yours


def _zh_count(text: str) -> int | None:
    m = re.search(r"([一二两三四五六七八九十])\s*(?:张|块|台)", text)
    return int(zh_number(m.group(1))) if m and zh_number(m.group(1)) else None


BREAK_EVEN = re.compile(r"break[- ]?even|pays? (?:for )?itself|pays? (?:it )?off|pay(?:s|ing)? back|payback|回本|回收成本|\bbuy\b.{0,60}\bor\b.{0,20}\brent|"
                        r"\brent\b.{0,60}\bor\b.{0,20}\bbuy|买.{0,40}还是.{0,10}租|租.{0,40}还是.{0,10}买|"
                        r"(?:\bvs\.?|\bversus\b|\bor\b|\bcompared to\b)\s*(?:\w+\s+){0,2}(?:rent(?:ing)?|runpod|vast(?:\.ai)?|lambda|the cloud|"
                        r"cloud)\b|(?:vs\.?|还是|和|或者?)\s*(?:云上)?租|(?:对比|相比|比起)\s*.{0,10}?(?:租|云上)|方案\s*[一二两三\d]\s*[:：]?\s*(?:是)?\s*(?:租|云上)|总成本哪个|哪个(?:更)?低|哪个划算|哪个更划算|哪个便宜|哪个更便宜|值不值得买|值得买吗|该不该买|要不要买|怎么算划算|划不划算|划算吗|合算|"
                        r"\bwhen does buying\b|\bis it dumb to buy\b|\bworth buying\b|"
                        r"\b(?:alternative|instead)\b.{0,30}\brent|\bwhich is cheaper\b|\bcheaper overall\b", re.I)
PER_M = re.compile(r"per (?:1m|million)|/\s*1m\b|\$/1m|每百万|百万\s*token|cost per token|per million tokens", re.I)
YEARLY = re.compile(r"\b(?:per|a|each|every) year\b|\byearly\b|\bannual(?:ly)?\b|/\s*(?:year|yr)\b|一年|每年|全年|年费", re.I)
MONTHLY = re.compile(r"month|\bbill\b|\bmo\b|一个月|每月|按月|月费|月租|包月|per month", re.I)
POWER = re.compile(r"electricity|power (?:cost|bill)|energy (?:cost|bill)|电费", re.I)
CHEAPER = re.compile(r"cheaper|which is (?:less|better)|vs\.?|versus|哪个(?:便宜|划算)|划算|便宜", re.I)
INCLUDE_POWER = re.compile(r"算上电费|加上电费|含电费|包括电费|计入电费|(?:including|include|with|add(?:ing)?|counting) (?:the )?"
                           r"(?:power|electricity)", re.I)
REFERS_BACK = re.compile(r"^\s*(?:what about|how about|and\b|what if|how much if|if\b|then\b|now\b|same\b|instead|"
                         r"算上|加上|including|那|如果|要是|换成|改成|改用|再)|same hours|同样|那要是|那如果", re.I)


def _merge(old: Facts, new: Facts, text: str) -> Facts:
    out = replace(old)
    for fl in fields(new):
        v = getattr(new, fl.name)
        if v not in (None, False):
            setattr(out, fl.name, v)
    if new.hours_per_day is not None and new.days_per_month is None and new.hours_per_day == 24.0:
        out.days_per_month = DAYS_PER_MONTH
    if new.hours_per_day is not None:
        out.hours_per_week = None
    if INCLUDE_POWER.search(text) or (new.per_kwh and not new.no_power):
        out.no_power = False
    if new.w_each or new.w_extra:  # "what if I power-limit the cards to 250W?": the rest of the box still counts
        if new.w_each and not new.w_extra:
            out.w_extra = old.w_extra
        _kw_from_parts(out)
    if new.gpu and new.gpu != old.gpu and new.per_gpu is None:
        out.per_gpu = old.per_gpu if old.per_gpu is not None else True
    if new.price_hour is None and new.gpu and new.gpu != old.gpu:
        bare = [v for s, e, v, _ in _money(text)]
        out.price_hour = bare[0] if bare else None  # "2x H100 at $2.49": the new card's price
    if new.gpu_hours_month and out.count:  # "如果每月只用 500 卡时呢？": each card's share of the new card-hours
        out.hours_per_month = round(new.gpu_hours_month / out.count, 1)
    return out


def _money_str(v: float, cny: bool | str) -> str:
    sign = cny if isinstance(cny, str) else "¥" if cny else "$"  # a currency sign as given ("€"), yuan, or dollars
    if v >= 100:
        return f"{sign}{v:,.0f}"
    return f"{sign}{v:,.2f}"


def _hours_month(f: Facts) -> tuple[float, str, str] | None:
    if f.hours_per_month:
        return f.hours_per_month, f"{f.hours_per_month:g} h a month", f"每月 {f.hours_per_month:g} 小时"
    if f.hours_per_week:
        h = f.hours_per_week * WEEKS_PER_MONTH
        return h, f"{f.hours_per_week:g} h/week x {WEEKS_PER_MONTH:.2f} weeks = {h:,.0f} h", \
            f"每周 {f.hours_per_week:g} 小时 x {WEEKS_PER_MONTH:.2f} 周 = {h:,.0f} 小时"
    if f.hours_per_day:
        days = f.days_per_month or DAYS_PER_MONTH
        h = f.hours_per_day * days
        return h, f"{f.hours_per_day:g} h/day x {days:.1f} days = {h:,.0f} h", \
            f"每天 {f.hours_per_day:g} 小时 x {days:.1f} 天 = {h:,.0f} 小时"
    return None


def _hourly(f: Facts) -> tuple[float, str, str] | None:
    if not f.price_hour:
        return None
    n = (f.count if f.gpu_hours_month else None) or f.rent_count or f.count or 1  # card-hours a month: all the cards'
    c = f.cny
    if f.per_gpu and n > 1:
        return f.price_hour * n, f"{n} x {_money_str(f.price_hour, c)}/GPU-hour = {_money_str(f.price_hour * n, c)}/h", \
            f"{n} 张 x {_money_str(f.price_hour, c)}/卡时 = {_money_str(f.price_hour * n, c)}/小时"
    return f.price_hour, f"{_money_str(f.price_hour, c)}/h", f"{_money_str(f.price_hour, c)}/小时"


def _catalog_kw(f: Facts) -> tuple[float, str] | None:
    if not f.gpu:
        return None
    g = get_gpu(f.gpu)
    if not g.tdp_w:
        return None
    n = f.count or 1
    return g.tdp_w * n / 1000, f"{n} x {g.tdp_w:.0f} W ({g.name} TDP, catalog)"


def kind(question: str, f: Facts) -> str | None:
    q = question
    hm = _hours_month(f)
    if f.api_per_m and f.tokens_per_day and f.rent_month and not f.price_hour:
        # "月租1.2万 ... 每天 2000 万 token ... 跟 API 每百万 2 块比": the month's rent over the month's hours
        f.price_hour, f.per_gpu, f.hours_per_day = f.rent_month / HOURS_PER_MONTH, False, 24.0
    if f.api_per_m and f.tokens_per_day and f.price_hour:
        return "api"
    if f.reserved_hour and f.price_hour and (hm or f.util or f.run_days):
        return "reserved"
    if PER_M.search(q) and f.tps and f.price_hour is not None:
        return "per_m"
    if PER_M.search(q) and f.tps and f.own_month and not f.price_hour and not f.rent_month:
        # "托管月费 ¥3500，电费另算 1 元/度，整机 2000W": owning's monthly bill (hosting + power) over the month's hours
        f.price_hour, f.per_gpu = f.own_month / HOURS_PER_MONTH, False  # (the per-1M working adds the power)
        return "per_m"
    if PER_M.search(q) and f.tps and f.rent_month:  # a monthly rent: per hour is the month's 730 hours
        f.price_hour, f.per_gpu = f.rent_month / HOURS_PER_MONTH, False
        return "per_m"
    if f.measured_at and f.users_wanted and re.search(r"how many|几张|多少张|几块|要几|需要多少", q, re.I):
        return "scale_measured"
    if f.tokens_per_day and f.tps and f.price_hour and re.search(r"how many|几张|多少张|几块|要几", q, re.I):
        return "volume_gpus"
    if PER_M.search(q) and f.tps and f.buy and f.years:
        return "per_m"
    if f.budget and f.buy and f.budget < f.buy and (f.rent_month or f.price_hour):
        return "budget_short"
    if BREAK_EVEN.search(q) and f.buy and (f.rent_month or f.price_hour):
        return "break_even"  # no hours said: the hours a bought box runs, all month (said in the working)
    if POWER.search(q) and f.per_kwh and (f.kw or f.util) and not f.price_hour and not (PER_M.search(q) and not f.tps) \
            and not re.search(r"how many\b.{0,40}\b(?:fit|servers?|boxes|nodes)|能放几|放几台|几台|多少台", q, re.I):
        return "power"  # (energy per 1M tokens needs a speed: the power ask; servers that fit a budget: power_budget)
    if f.package_month and f.price_hour and hm:
        return "package"
    if PER_M.search(q) and not f.tps and not MONTHLY.search(q):
        return None  # a price per 1M tokens needs a throughput: the serving estimate gives it, not plain arithmetic
    if (MONTHLY.search(q) or f.per_year) and f.price_hour and hm and not (f.buy and BREAK_EVEN.search(q)):
        return "monthly"
    return None


def compute(k: str, f: Facts, zh: bool, call=None) -> Reply:
    c = f.cny
    m = lambda v: _money_str(v, c)  # noqa: E731
    steps: list[str] = []
    if k in ("monthly", "package"):
        hourly, hen, hzh = _hourly(f)
        hours, men, mzh = _hours_month(f)
        bill = hourly * hours
        steps = [pick(zh, f"{hen}; {men} a month", f"{hzh}；{mzh}/月"),
                 pick(zh, f"{m(hourly)}/h x {hours:,.0f} h = {m(bill)} a month", f"{m(hourly)}/小时 x {hours:,.0f} 小时 = {m(bill)}/月")]
        lead = pick(zh, f"**About {m(bill)} a month** with your price and hours.", f"**每月约 {m(bill)}**（按你给的价格和时长）。")
        if f.per_year:
            steps.append(pick(zh, f"{m(bill)} x 12 = {m(bill * 12)} a year", f"{m(bill)} x 12 = 每年 {m(bill * 12)}"))
            lead = pick(zh, f"**About {m(bill * 12)} a year** ({m(bill)} a month) with your price and hours.",
                        f"**每年约 {m(bill * 12)}**（每月 {m(bill)}，按你给的价格和时长）。")
        if f.users and f.users > 1:
            steps.append(pick(zh, f"{m(bill)} / {f.users} users = {m(bill / f.users)} per user a month",
                              f"{m(bill)} / {f.users} 人 = 每人每月 {m(bill / f.users)}"))
            lead = lead.rstrip("。.") + pick(zh, f"; about {m(bill / f.users)} per user for {f.users} users.",
                                            f"；{f.users} 人平均每人每月约 {m(bill / f.users)}。")
        if f.api_in_out and f.requests_per_day and f.request_io:  # the same requests at the API's prices
            (pin, pout), (tin, tout) = f.api_in_out, f.request_io
            api_month = f.requests_per_day * DAYS_PER_MONTH * (tin * pin + tout * pout) / 1e6
            steps.append(pick(zh, f"API: {f.requests_per_day:,.0f} requests a day x ({tin:,} in x {m(pin)} + {tout:,} out x "
                                  f"{m(pout)}) per 1M x {DAYS_PER_MONTH:.1f} days = {m(api_month)} a month",
                              f"API：每天 {f.requests_per_day:,.0f} 次 x（输入 {tin:,} x {m(pin)} + 输出 {tout:,} x {m(pout)}）/百万 x "
                              f"{DAYS_PER_MONTH:.1f} 天 = 每月 {m(api_month)}"))
            cheaper = api_month < bill
            lead = lead.rstrip("。.") + pick(zh, f"; **the API would be about {m(api_month)} a month** for the same requests, "
                                                f"{'so the API is cheaper' if cheaper else 'so self-hosting is cheaper'} "
                                                f"({max(bill, api_month) / max(min(bill, api_month), 1e-9):.0f}x).",
                                            f"；**同样的请求走 API 每月约 {m(api_month)}**，{'API 更便宜' if cheaper else '自建更便宜'}"
                                            f"（{max(bill, api_month) / max(min(bill, api_month), 1e-9):.0f} 倍）。")
        if k == "package":
            better = bill < f.package_month
            breakeven_h = f.package_month / hourly
            lead = pick(zh, f"**Pay-as-you-go is cheaper: {m(bill)} vs the {m(f.package_month)} monthly package**" if better
                        else f"**The monthly package is cheaper: {m(f.package_month)} vs {m(bill)} pay-as-you-go**",
                        f"**按量更划算：每月 {m(bill)}，包月 {m(f.package_month)}**" if better
                        else f"**包月更划算：包月 {m(f.package_month)}，按量每月 {m(bill)}**")
            steps.append(pick(zh, f"the package pays off above {m(f.package_month)} / {m(hourly)}/h = {breakeven_h:,.0f} h a month "
                                  f"(~{breakeven_h / DAYS_PER_MONTH:.1f} h/day)",
                              f"每月使用超过 {m(f.package_month)} / {m(hourly)} = {breakeven_h:,.0f} 小时（约每天 "
                              f"{breakeven_h / DAYS_PER_MONTH:.1f} 小时）包月才划算"))
    elif k == "per_m":
        util = f.util or 1.0
        tok_h = f.tps * 3600 * util
        if f.price_hour is not None:
            hourly, hen, hzh = _hourly(f)
            steps.append(pick(zh, hen, hzh))
        else:
            hourly = f.buy / (f.years * 365 * (f.hours_per_day or 24))
            steps.append(pick(zh, f"{m(f.buy)} over {f.years:g} years of {f.hours_per_day or 24:g} h/day = {m(hourly)}/h",
                              f"{m(f.buy)} 分摊 {f.years:g} 年、每天 {f.hours_per_day or 24:g} 小时 = {m(hourly)}/小时"))
        kw = f.kw or (_catalog_kw(f) or (None,))[0]
        if f.per_kwh and kw:
            pue = f.pue or 1.0
            hourly += kw * pue * f.per_kwh
            steps.append(pick(zh, f"+ power {kw:g} kW" + (f" x PUE {pue:g}" if pue != 1 else "") + f" x {m(f.per_kwh)}/kWh = "
                                  f"{m(hourly)}/h",
                              f"+ 电费 {kw:g} kW" + (f" x PUE {pue:g}" if pue != 1 else "") + f" x {m(f.per_kwh)}/度 = "
                                  f"{m(hourly)}/小时"))
        per_m = hourly / (tok_h / 1e6)
        steps.append(pick(zh, f"{f.tps:,.0f} tok/s x 3,600" + (f" x {util:.0%} utilisation" if util < 1 else "")
                              + f" = {tok_h / 1e6:,.2f}M tokens/h", f"{f.tps:,.0f} tok/s x 3600"
                              + (f" x 利用率 {util:.0%}" if util < 1 else "") + f" = 每小时 {tok_h / 1e6:,.2f}M token"))
        steps.append(pick(zh, f"{m(hourly)} / {tok_h / 1e6:,.2f}M = {m(per_m)} per 1M tokens",
                          f"{m(hourly)} / {tok_h / 1e6:,.2f}M = 每百万 token {m(per_m)}"))
        basis = pick(zh, f"from your measured {f.tps:,.0f} tokens/s", f"按你实测的 {f.tps:,.0f} tok/s") if not f.tps_estimated \
            else pick(zh, f"at about {f.tps:,.0f} tokens/s ({f.tps_estimated}, our estimate)",
                      f"按约 {f.tps:,.0f} tok/s（{f.tps_estimated}，我们的估算）")
        lead = pick(zh, f"**About {m(per_m)} per 1M tokens** {basis}"
                        + (f" at {util:.0%} average utilisation" if util < 1 else " at full load") + ".",
                    f"**每百万 token 约 {m(per_m)}**（{basis}"
                    + (f"、平均利用率 {util:.0%}" if util < 1 else "、满载") + "）。")
        if util < 1.0:  # the full-load figure too: what the box costs per token when it is kept busy
            full = hourly / (f.tps * 3600 / 1e6)
            steps.append(pick(zh, f"at full load {m(full)} per 1M tokens", f"满载时每百万 token {m(full)}"))
            lead += pick(zh, f" At full load: {m(full)} per 1M.", f"满载时每百万 token {m(full)}。")
        if util == 1.0:
            steps.append(pick(zh, "that needs the box busy all the time: at 50% average load it doubles",
                              "这要求机器一直满载：平均负载 50% 时成本翻倍"))
        if f.api_per_m:  # a price per 1M tokens said too: an API to compare with, or the price the person sells at
            if f.selling:
                margin = 1 - per_m / f.api_per_m
                lead += pick(zh, f" **Gross margin about {margin:.0%}** at your price of {m(f.api_per_m)} per 1M.",
                             f"**按你的售价每百万 {m(f.api_per_m)}，毛利率约 {margin:.0%}。**")
                steps.append(pick(zh, f"margin = 1 - {m(per_m)} / {m(f.api_per_m)} = {margin:.0%}",
                                  f"毛利率 = 1 - {m(per_m)} / {m(f.api_per_m)} = {margin:.0%}"))
            else:
                cheaper = per_m < f.api_per_m
                ratio = max(per_m, f.api_per_m) / max(min(per_m, f.api_per_m), 1e-9)
                lead += pick(zh, f" **{'Self-hosting' if cheaper else 'The API'} is cheaper** ({m(per_m)} vs the API's "
                                 f"{m(f.api_per_m)} per 1M, {ratio:.1f}x).",
                             f"**{'自建' if cheaper else 'API'}更便宜**（自建每百万 {m(per_m)}，API {m(f.api_per_m)}，{ratio:.1f} 倍）。")
    elif k == "reserved" and f.run_days and not _hours_month(f):  # one job: on demand for it vs the whole term
        n = f.count or 1
        run_h = f.run_days * 24
        term_h = f.term_months * HOURS_PER_MONTH
        od = f.price_hour * n * run_h
        rs = f.reserved_hour * n * term_h
        cheaper = od < rs
        steps = [pick(zh, f"on demand for the run: {n} x {m(f.price_hour)}/h x {f.run_days:g} days x 24 h = {m(od)}",
                      f"按需跑这一次：{n} 张 x {m(f.price_hour)}/小时 x {f.run_days:g} 天 x 24 小时 = {m(od)}"),
                 pick(zh, f"committed for {f.term_months:g} months: {n} x {m(f.reserved_hour)}/h x {term_h:,.0f} h = {m(rs)}",
                      f"包 {f.term_months:g} 个月：{n} 张 x {m(f.reserved_hour)}/小时 x {term_h:,.0f} 小时 = {m(rs)}"),
                 pick(zh, f"the commitment pays off only if you use it {term_h * f.reserved_hour / f.price_hour / 24:,.0f} days "
                          "or more around the clock in that term",
                      f"只有在期内满负荷用满 {term_h * f.reserved_hour / f.price_hour / 24:,.0f} 天以上，包期才划算")]
        lead = pick(zh, f"**{'On demand' if cheaper else 'The commitment'} is cheaper: {m(min(od, rs))} vs {m(max(od, rs))}** "
                        f"for a {f.run_days:g}-day run on {n} GPU(s) (the commitment is paid for all {f.term_months:g} months).",
                    f"**{'按需' if cheaper else '包期'}更划算：{m(min(od, rs))}，另一种 {m(max(od, rs))}**（{n} 张卡跑 {f.run_days:g} 天；"
                    f"包期要付满 {f.term_months:g} 个月）。")
    elif k == "reserved":  # on-demand at the hours used vs a commitment paid for every hour
        n = f.count or 1
        hours, men, mzh = _hours_month(f) or (HOURS_PER_MONTH * (f.util or 1), f"{f.util or 1:.0%} of 730 h", f"730 小时的 {f.util or 1:.0%}")
        od = f.price_hour * n * hours
        rs = f.reserved_hour * n * HOURS_PER_MONTH
        cheaper = od < rs
        even = 24 * f.reserved_hour / f.price_hour
        steps = [pick(zh, f"on demand: {n} x {m(f.price_hour)}/h x {men} = {m(od)} a month",
                      f"按需：{n} 张 x {m(f.price_hour)}/小时 x {mzh} = 每月 {m(od)}"),
                 pick(zh, f"committed: {n} x {m(f.reserved_hour)}/h x 730 h (paid every hour) = {m(rs)} a month",
                      f"包年：{n} 张 x {m(f.reserved_hour)}/小时 x 730 小时（每小时都付） = 每月 {m(rs)}"),
                 pick(zh, f"the commitment pays off above {even:.1f} hours a day", f"每天用超过 {even:.1f} 小时包年才划算")]
        lead = pick(zh, f"**{'On demand' if cheaper else 'The commitment'} is cheaper: {m(min(od, rs))} vs {m(max(od, rs))} a month** "
                        "with your hours.",
                    f"**{'按需' if cheaper else '包年'}更划算：每月 {m(min(od, rs))}，另一种 {m(max(od, rs))}**（按你的用量）。")
        if f.buy and f.years:  # buying was on the table too: the three over the period
            months_t = 12 * f.years
            own_t = f.buy + (f.own_month or 0) * months_t - f.buy * (f.residual_share or 0)
            steps.append(pick(zh, f"over {f.years:g} years: on demand {m(od * months_t)}, committed {m(rs * months_t)}, "
                                  f"buying {m(own_t)}", f"{f.years:g} 年合计：按需 {m(od * months_t)}，包年 {m(rs * months_t)}，"
                                                        f"买 {m(own_t)}"))
            best = min((od * months_t, pick(zh, "on demand", "按需")), (rs * months_t, pick(zh, "the commitment", "包年")),
                       (own_t, pick(zh, "buying", "买")))
            lead += pick(zh, f" Over {f.years:g} years the cheapest is {best[1]} ({m(best[0])}).",
                         f"{f.years:g} 年看最便宜的是{best[1]}（{m(best[0])}）。")
    elif k == "scale_measured":  # a measured setup copied until it carries the load at the same per-user speed
        n = f.count or 1
        per_user = f.tps / f.measured_at
        copies = math.ceil(f.users_wanted / f.measured_at)
        gpus = copies * n
        steps = [pick(zh, f"measured: {f.tps:,.0f} tok/s / {f.measured_at} users = {per_user:,.1f} tok/s per user on {n} GPU(s)",
                      f"实测：{f.tps:,.0f} tok/s / {f.measured_at} 个并发 = 每人 {per_user:,.1f} tok/s（{n} 张卡）"),
                 pick(zh, f"{f.users_wanted} / {f.measured_at} = {f.users_wanted / f.measured_at:.2f} -> {copies} copies of that "
                          f"setup = {gpus} GPU(s)", f"{f.users_wanted} / {f.measured_at} = {f.users_wanted / f.measured_at:.2f} -> "
                          f"{copies} 份这样的配置 = {gpus} 张卡")]
        if f.price_hour:
            steps.append(pick(zh, f"{gpus} x {m(f.price_hour)}/h x 730 h = {m(gpus * f.price_hour * HOURS_PER_MONTH)} a month",
                              f"{gpus} 张 x {m(f.price_hour)}/小时 x 730 小时 = 每月 {m(gpus * f.price_hour * HOURS_PER_MONTH)}"))
        lead = pick(zh, f"**{gpus} GPU(s)** for {f.users_wanted} concurrent users at your measured {per_user:,.1f} tokens/s "
                        f"each ({copies} copies of the {n}-GPU setup you measured at {f.measured_at} users).",
                    f"**{gpus} 张卡**：{f.users_wanted} 个并发、每人保持你实测的 {per_user:,.1f} tokens/s（你实测的 {n} 卡配置在 "
                    f"{f.measured_at} 个并发下，复制 {copies} 份）。")
    elif k == "volume_gpus":  # a daily volume at the person's measured rate per GPU
        need = f.tokens_per_day / 86400
        gpus = max(1, math.ceil(need / f.tps))
        bill = gpus * f.price_hour * HOURS_PER_MONTH
        steps = [pick(zh, f"{_millions(f.tokens_per_day)}M tokens a day = {need:,.0f} tokens/s on average",
                      f"每天 {_millions(f.tokens_per_day)}M token = 平均 {need:,.0f} tokens/s"),
                 pick(zh, f"{need:,.0f} / {f.tps:,.0f} per GPU = {need / f.tps:.2f} -> {gpus} GPU(s) (more for peaks)",
                      f"{need:,.0f} / 每卡 {f.tps:,.0f} = {need / f.tps:.2f} -> {gpus} 张（高峰还要更多）"),
                 pick(zh, f"{gpus} x {m(f.price_hour)}/h x 730 h = {m(bill)} a month", f"{gpus} 张 x {m(f.price_hour)}/小时 x 730 小时 = 每月 {m(bill)}")]
        lead = pick(zh, f"**{gpus} GPU(s), about {m(bill)} a month** at your measured {f.tps:,.0f} tokens/s per GPU and "
                        f"{m(f.price_hour)}/GPU-hour (24/7).",
                    f"**{gpus} 张卡，每月约 {m(bill)}**（按你实测的每卡 {f.tps:,.0f} tokens/s、{m(f.price_hour)}/卡时，7x24）。")
    elif k == "break_even":
        own = f.own_month
        if f.rent_month:
            rent = f.rent_month
            steps.append(pick(zh, f"renting: {m(rent)} a month", f"租：每月 {m(rent)}"))
            if f.price_hour and not _hours_month(f) and rent / f.price_hour <= 744:
                # "$120/month renting at ~$0.40/hr": that is 300 hours of use a month, the hours an owned card draws power
                f.hours_per_month = round(rent / (f.price_hour * (f.count if f.per_gpu and f.count else 1)), 1)
                steps.append(pick(zh, f"{m(rent)} / {m(f.price_hour)}/h = {f.hours_per_month:g} h of use a month",
                                  f"{m(rent)} / {m(f.price_hour)}/小时 = 每月使用 {f.hours_per_month:g} 小时"))
        else:
            hourly, hen, hzh = _hourly(f)
            util = f.util or 1.0
            hours, men, mzh = _hours_month(f) or (
                730 * util, f"{util:.0%} of 730 h = {730 * util:,.0f} h" + ("" if f.util else " (no hours given: all month)"),
                f"730 小时的 {util:.0%} = {730 * util:,.0f} 小时" + ("" if f.util else "（未给时长：按整月）"))
            rent = hourly * hours
            steps.append(pick(zh, f"renting: {hen} x {men} = {m(rent)} a month", f"租：{hzh} x {mzh} = 每月 {m(rent)}"))
            if f.gpu and call is not None and not f.rent_count:  # the cost tool, with the person's figures
                n = f.count or 1
                watts = f.kw * 1000 / n if f.kw else None
                r = call("estimate_cost", gpu=f.gpu, gpu_count=n, usd_per_gpu_hour=hourly / n,
                         purchase_usd_per_gpu=f.buy / n, hours_per_month=round(min(hours, 744), 2),
                         usd_per_kwh=f.per_kwh, power_w=watts, pue=f.pue or (1.0 if f.kw or desktop_card(f.gpu) else None),
                         owning_usd_per_month=f.own_month)
                if own is None and r.power_usd_per_month is not None and not f.no_power and f.cny and not f.per_kwh:
                    # the default electricity price is in dollars: not put into a yuan or euro sum; said instead
                    steps.append(pick(zh, "power not counted: give your price per kWh", "未计电费：告诉我电价（元/度）即可算上"))
                elif own is None and r.power_usd_per_month is not None and not f.no_power:
                    own = r.power_usd_per_month
                    src = (f"{f.kw:g} kW" + pick(zh, " (yours)", "（你给的）")) if f.kw else \
                        f"{n} x {get_gpu(f.gpu).tdp_w or 0:.0f} W" + (f" x PUE {f.pue or PUE:g}" if not (
                            not f.pue and desktop_card(f.gpu)) else "") + f" x {m(f.per_kwh or electricity_usd_per_kwh())}/kWh"
                    steps.append(pick(zh, f"owning: power {src} for {hours:,.0f} h = {m(own)} a month",
                                      f"自有：电费 {src}，{hours:,.0f} 小时 = 每月 {m(own)}"))
        if own is not None and f.own_month:
            steps.append(pick(zh, f"owning: {m(own)} a month (colo, power)", f"自有：每月 {m(own)}（托管、电费）"))
        elif own is None and f.per_kwh and not f.no_power:
            kw, src = (f.kw, f"{f.kw:g} kW") if f.kw else (_catalog_kw(f) or (None, ""))
            hm = _hours_month(f)
            hours = hm[0] if hm else 730 * (f.util or 1.0)
            if kw:
                own = kw * (f.pue or 1.0) * hours * f.per_kwh
                steps.append(pick(zh, f"owning: power {src} x {hours:,.0f} h x {m(f.per_kwh)}/kWh = {m(own)} a month",
                                  f"自有：电费 {kw:g} kW x {hours:,.0f} 小时 x {m(f.per_kwh)}/度 = 每月 {m(own)}"))
        own = own or 0.0
        saving = rent - own
        if saving <= 0:
            lead = pick(zh, f"**Rent: buying never pays back**: owning costs {m(own)} a month, renting {m(rent)}.",
                        f"**租更划算：买了回不了本**：自有每月 {m(own)}，租每月 {m(rent)}。")
        else:
            months = f.buy / saving
            steps.append(pick(zh, f"{m(f.buy)} / {m(saving)} saved a month = {months:,.1f} months",
                              f"{m(f.buy)} / 每月省 {m(saving)} = {months:,.1f} 个月"))
            if f.project_months and months > f.project_months:  # the work ends before buying pays back
                rent_all = rent * f.project_months
                lead = pick(zh, f"**Rent: the project lasts {f.project_months:g} months and buying pays back only after "
                                f"{months:,.1f}** - renting for the project costs about {m(rent_all)} against {m(f.buy)} to buy "
                                "(resale value not counted).",
                            f"**租：项目只有 {f.project_months:g} 个月，买要 {months:,.1f} 个月才回本**——项目期内租约 {m(rent_all)}，"
                            f"买要 {m(f.buy)}（未计残值）。")
            elif months > 36:
                lead = pick(zh, f"**Rent: buying breaks even only after about {months:,.1f} months ({months / 12:.1f} years)**"
                                " with your numbers, longer than a typical 3-year card life.",
                            f"**租更划算：约 {months:,.1f} 个月（{months / 12:.1f} 年）才回本**（按你给的数字），超过一般 3 年的使用寿命。")
            else:
                lead = pick(zh, f"**Buy: it pays back in about {months:,.1f} months ({months / 12:.1f} years)** with your numbers.",
                            f"**买更划算：约 {months:,.1f} 个月（{months / 12:.1f} 年）回本**（按你给的数字）。")
        if f.years and saving > 0 and not f.rent_month:  # over the period said: both totals, and the use at which they meet
            months_t = 12 * f.years
            resale = f.buy * (f.residual_share or 0)
            rent_t, own_t = rent * months_t, f.buy + own * months_t - resale
            per_use_hour = (rent - own) / max(hours, 1e-9)  # what an hour of use saves by owning
            breakeven = f.buy / (per_use_hour * 730 * months_t)
            steps.append(pick(zh, f"over {f.years:g} years: renting {m(rent_t)}, buying {m(own_t)}"
                                  + (f"; they meet at {breakeven:.0%} use ({730 * breakeven:,.0f} h a month)" if breakeven <= 1
                                     else ""),
                              f"{f.years:g} 年合计：租 {m(rent_t)}，买 {m(own_t)}"
                              + (f"；利用率 {breakeven:.0%}（每月约 {730 * breakeven:,.0f} 小时）时两者持平" if breakeven <= 1
                                 else "")))
            if f.asked_util and not f.util:
                lead = pick(zh, f"**Buying pays off above about {breakeven:.0%} utilization over {f.years:g} years** "
                                f"(about {730 * breakeven:,.0f} hours a month): below it renting is cheaper.",
                            f"**{f.years:g} 年内利用率高于约 {breakeven:.0%}（每月约 {730 * breakeven:,.0f} 小时）买才划算**，"
                            "低于它租更便宜。")
            elif breakeven > 1:  # more hours than a month has: buying does not pay within the period at any use
                lead += pick(zh, f" Over {f.years:g} years: renting {m(rent_t)}, buying {m(own_t)}; buying would not pay "
                                 f"off in that time even running 24/7.", f"{f.years:g} 年合计：租 {m(rent_t)}，买 {m(own_t)}；"
                                 "这段时间内就算 24 小时满负荷，买也回不了本。")
            else:
                lead += pick(zh, f" Over {f.years:g} years: renting {m(rent_t)}, buying {m(own_t)}; buying wins above "
                                 f"{breakeven:.0%} use.", f"{f.years:g} 年合计：租 {m(rent_t)}，买 {m(own_t)}；利用率高于 "
                                 f"{breakeven:.0%} 买才划算。")
        if f.residual_share and f.years:
            steps.append(pick(zh, f"buying's total is net of the {f.residual_share:.0%} resale value you gave "
                                  f"({m(f.buy * f.residual_share)})", f"买的合计已扣除你给的 {f.residual_share:.0%} 残值"
                                                                     f"（{m(f.buy * f.residual_share)}）"))
            steps.append(pick(zh, "not counted: financing, the rest of the server", "未计：资金成本、主机其他部件"))
        else:
            steps.append(pick(zh, "not counted: resale value, staff, financing, the rest of the server",
                              "未计：残值、运维人力、资金成本、主机其他部件"))
    elif k == "budget_short":
        short = f.buy - f.budget
        share = f.budget / f.buy
        n = f.count or 1
        lead = pick(zh, f"**{m(f.budget)} is {m(short)} short of the {m(f.buy)} purchase**: finance or lease the "
                        f"{m(short)}, buy a smaller box (~{share:.0%} of it: about {max(1, int(n * share))} of {n} GPUs at "
                        f"the same price per GPU), or keep renting.",
                    f"**{m(f.budget)} 比 {m(f.buy)} 的采购价少 {m(short)}**：可以贷款/租赁补上差额，买小一点的配置"
                    f"（约 {share:.0%}：{n} 张里约 {max(1, int(n * share))} 张），或者继续租。")
        if f.rent_month:
            months = f.budget / max(f.rent_month * share - (f.own_month or 0) * share, 1e-9)
            steps.append(pick(zh, f"a box of {share:.0%} the size replaces {m(f.rent_month * share)} a month of renting and "
                                  f"pays back in about {months:,.1f} months at the same ratio",
                              f"按比例缩小的配置可替代每月 {m(f.rent_month * share)} 的租金，约 {months:,.1f} 个月回本"))
        else:
            steps.append(pick(zh, "renting needs no capital: compare the monthly rent with the financing cost",
                              "租不占用资金：把月租和贷款成本比一比"))
    elif k == "power":
        kw = f.kw
        src = _kw_src(f, zh) if kw else ""
        if not kw:
            kw, src = _catalog_kw(f) or (None, "")
        if not kw:
            raise ValueError("no power figure")
        util = f.util or 1.0
        pue = f.pue or 1.0
        hm = _hours_month(f)
        hours = hm[0] if hm else 730.0
        kwh = kw * util * pue * hours
        if f.kw_idle is not None and f.busy_hours_per_day is not None:  # on all day, busy only some of it
            on = f.hours_per_day or 24.0
            busy, idle = min(f.busy_hours_per_day, on), max(on - f.busy_hours_per_day, 0.0)
            days = f.days_per_month or DAYS_PER_MONTH
            kwh = (kw * busy + f.kw_idle * idle) * pue * days
            src = pick(zh, f"({kw:g} kW x {busy:g} h busy + {f.kw_idle:g} kW x {idle:g} h idle) a day x {days:.1f} days",
                       f"（{kw:g} kW x 忙 {busy:g} 小时 + {f.kw_idle:g} kW x 空闲 {idle:g} 小时）/天 x {days:.1f} 天")
            hours, util = days * on, 1.0
        bill = kwh * f.per_kwh
        year = re.search(r"year|annual|一年|每年|年电费", " ".join([]))
        steps = [pick(zh, f"{src}" + (f" x {util:.0%} utilisation" if util < 1 else "") + (f" x PUE {pue:g}" if pue != 1 else "")
                          + f" x {hours:,.0f} h = {kwh:,.0f} kWh", f"{src}" + (f" x 利用率 {util:.0%}" if util < 1 else "")
                      + (f" x PUE {pue:g}" if pue != 1 else "") + f" x {hours:,.0f} 小时 = {kwh:,.0f} 度"),
                 pick(zh, f"{kwh:,.0f} kWh x {m(f.per_kwh)}/kWh = {m(bill)} a month; {m(bill * 12)} a year",
                      f"{kwh:,.0f} 度 x {m(f.per_kwh)}/度 = 每月 {m(bill)}；每年 {m(bill * 12)}")]
        if f.kw_idle is not None and f.busy_hours_per_day is not None:
            steps[0] = f"{src}" + (f" x PUE {pue:g}" if pue != 1 else "") + pick(zh, f" = {kwh:,.0f} kWh", f" = {kwh:,.0f} 度")
        del year
        lead = pick(zh, f"**About {m(bill)} a month ({m(bill * 12)} a year)** for electricity with your figures.",
                    f"**电费每月约 {m(bill)}（每年约 {m(bill * 12)}）**（按你给的数字）。")
        if f.run_hours:  # the run an earlier part timed: its electricity, not a month's
            run_kwh = kw * util * pue * f.run_hours
            steps.insert(0, pick(zh, f"for the run: {kw:g} kW" + (f" x PUE {pue:g}" if pue != 1 else "") + f" x {f.run_hours:,.0f} h "
                                     f"= {run_kwh:,.0f} kWh x {m(f.per_kwh)} = {m(run_kwh * f.per_kwh)}",
                                 f"整个训练：{kw:g} kW" + (f" x PUE {pue:g}" if pue != 1 else "") + f" x {f.run_hours:,.0f} 小时 = "
                                 f"{run_kwh:,.0f} 度 x {m(f.per_kwh)} = {m(run_kwh * f.per_kwh)}"))
            lead = pick(zh, f"**About {m(run_kwh * f.per_kwh)} of electricity for the whole run** ({f.run_hours:,.0f} h, "
                            f"{run_kwh:,.0f} kWh); {m(bill)} a month while it runs.",
                        f"**整个训练电费约 {m(run_kwh * f.per_kwh)}**（{f.run_hours:,.0f} 小时，{run_kwh:,.0f} 度）；运行期间每月 {m(bill)}。")
        if f.per_year:  # a year asked: the year first
            lead = pick(zh, f"**About {m(bill * 12)} a year ({m(bill)} a month)** for electricity with your figures.",
                        f"**电费每年约 {m(bill * 12)}（每月约 {m(bill)}）**（按你给的数字）。")
        if not f.pue:
            steps.append(pick(zh, "without cooling: a data centre's PUE of 1.2-1.5 adds 20-50%",
                              "未含制冷：机房 PUE 1.2-1.5 会再加 20-50%"))
    elif k == "api":
        hourly, hen, hzh = _hourly(f)
        hpd = f.hours_per_day or 24.0
        # the measured rate caps one setup: a daily volume above it needs that many setups (on average, before peaks)
        # (an estimated rate counts output tokens only: the output share of the volume is what it must make)
        volume = f.tokens_per_day * (f.output_share or 0.5) if f.tps_estimated else f.tokens_per_day
        copies = max(1, math.ceil(volume / (f.tps * 3600 * hpd))) if f.tps else 1
        self_month = hourly * hpd * DAYS_PER_MONTH * copies
        per_m, blend_en, blend_zh = f.api_per_m, "", ""
        if f.api_in_out and f.output_share:  # input and output priced apart: the person's own mix of the two
            (pin, pout), share = f.api_in_out, f.output_share
            per_m = pin * (1 - share) + pout * share
            blend_en = f" ({1 - share:.0%} input at {m(pin)} + {share:.0%} output at {m(pout)})"
            blend_zh = f"（输入 {1 - share:.0%} x {m(pin)} + 输出 {share:.0%} x {m(pout)}）"
        api_month = f.tokens_per_day / 1e6 * per_m * DAYS_PER_MONTH
        times = f"{copies} x " if copies > 1 else ""
        steps = [pick(zh, f"self-host: {times}{hen} x {hpd:g} h x {DAYS_PER_MONTH:.1f} days = {m(self_month)} a month",
                      f"自建：{times}{hzh} x {hpd:g} 小时 x {DAYS_PER_MONTH:.1f} 天 = 每月 {m(self_month)}"),
                 pick(zh, f"API: {_millions(f.tokens_per_day)}M tokens/day x {m(per_m)}/1M{blend_en} x {DAYS_PER_MONTH:.1f} "
                          f"days = {m(api_month)} a month", f"API：每天 {_millions(f.tokens_per_day)}M token x 每百万 {m(per_m)}"
                      f"{blend_zh} x {DAYS_PER_MONTH:.1f} 天 = 每月 {m(api_month)}")]
        if f.hour_yuan is not None and f.api_yuan is not None and f.hour_yuan != f.api_yuan:
            own, api = (lambda v: _money_str(v, f.hour_yuan)), (lambda v: _money_str(v, f.api_yuan))
            bl_en, bl_zh = (blend_en.replace("$", "¥"), blend_zh.replace("$", "¥")) if f.api_yuan else (blend_en, blend_zh)
            steps = [pick(zh, f"self-host: {times}{own(hourly)}/h x {hpd:g} h x {DAYS_PER_MONTH:.1f} days = {own(self_month)} a month",
                          f"自建：{times}{own(hourly)}/小时 x {hpd:g} 小时 x {DAYS_PER_MONTH:.1f} 天 = 每月 {own(self_month)}"),
                     pick(zh, f"API: {_millions(f.tokens_per_day)}M tokens/day x {api(per_m)}/1M{bl_en} x {DAYS_PER_MONTH:.1f} "
                              f"days = {api(api_month)} a month",
                          f"API：每天 {_millions(f.tokens_per_day)}M token x 每百万 {api(per_m)}{bl_zh} x {DAYS_PER_MONTH:.1f} 天 = "
                          f"每月 {api(api_month)}")]
            return _api_two_currencies(f, zh, self_month, api_month, steps)
        cheaper_api = api_month < self_month
        ratio = max(api_month, self_month) / max(min(api_month, self_month), 1e-9)
        own_per_m = self_month / (f.tokens_per_day * DAYS_PER_MONTH / 1e6)  # what their own tokens cost at that volume
        lead = pick(zh, (f"**The API is cheaper: {m(api_month)} vs {m(self_month)} a month** ({ratio:.1f}x)" if cheaper_api
                         else f"**Self-hosting is cheaper: {m(self_month)} vs {m(api_month)} a month** ({ratio:.1f}x)")
                    + " at your volume and prices.",
                    (f"**API 更便宜：每月 {m(api_month)}，自建 {m(self_month)}**（{ratio:.1f} 倍）" if cheaper_api
                     else f"**自建更便宜：每月 {m(self_month)}，API {m(api_month)}**（{ratio:.1f} 倍）") + "（按你的用量和价格）。")
        if f.asked_per_m:
            lead += pick(zh, f" Self-hosted, your {_millions(f.tokens_per_day)}M tokens a day cost {m(own_per_m)} per 1M, "
                             f"against the API's {m(per_m)}.",
                         f"自建按你每天 {_millions(f.tokens_per_day)}M token 折合每百万 {m(own_per_m)}，API 为 {m(per_m)}。")
        if f.tps and f.tps_estimated:  # our estimate of one setup, against the volume's output tokens
            need = volume / 86400
            steps.append(pick(zh, f"one setup ({f.tps_estimated}) makes about {f.tps:,.0f} output tok/s at full load (our "
                                  f"estimate) = {f.tps * 86400 / 1e6:,.0f}M a day; your output is {_millions(volume)}M a day "
                                  f"({need:,.0f} tok/s on average)",
                              f"一套（{f.tps_estimated}）满载约 {f.tps:,.0f} 输出 tok/s（我们的估算）= 每天 {f.tps * 86400 / 1e6:,.0f}M；"
                              f"你的输出每天 {_millions(volume)}M（平均 {need:,.0f} tok/s）"))
            steps.append(pick(zh, f"so {copies} setup(s), {copies * (f.count or 1)} GPUs (more for peaks)",
                              f"所以要 {copies} 套、{copies * (f.count or 1)} 张卡（高峰还要更多）"))
        elif f.tps:
            need = f.tokens_per_day / 86400
            steps.append(pick(zh, f"your {f.tps:,.0f} tok/s covers {f.tps * 86400 / 1e6:,.0f}M tokens/day; you need {need:,.0f} tok/s on average",
                              f"你的 {f.tps:,.0f} tok/s 每天可出 {f.tps * 86400 / 1e6:,.0f}M token；平均只需 {need:,.0f} tok/s"))
            if copies > 1:
                steps.append(pick(zh, f"so {copies} setups like yours (more for peaks)", f"所以要 {copies} 套你这样的配置（高峰还要更多）"))
    else:
        raise ValueError(k)
    return Reply(lead, [pick(zh, "Working: ", "计算：") + pick(zh, "; ", "；").join(steps) + pick(zh, ".", "。")],
                 [pick(zh, "your own prices and hours (no catalog price used)", "用你给的价格和时长（未用目录价格）")])


def _api_two_currencies(f: Facts, zh: bool, self_month: float, api_month: float, steps: list[str]) -> Reply:
    """GPUs rented in one currency, the API priced in the other ('每卡每小时3.5美元' against '输入2元/百万'): each bill in its
    own currency, the verdict at the dated yuan rate on file, and the exchange rate at which they would cost the same
    (so a reader with today's rate can check the verdict)."""
    from tools import currency

    own, api = (lambda v: _money_str(v, f.hour_yuan)), (lambda v: _money_str(v, f.api_yuan))
    # yuan per dollar at which the two bills are equal (a dollar bill of D is D x rate yuan)
    even = api_month / self_month if not f.hour_yuan else self_month / api_month
    r = currency.rate("CNY")
    bills = pick(zh, f"self-hosting {own(self_month)} a month against the API's {api(api_month)} a month",
                 f"自建每月 {own(self_month)}，API 每月 {api(api_month)}")
    if r is None:
        lead = pick(zh, f"**They cost the same at ¥{even:.2f} per dollar**: {bills}.",
                    f"**两者在 1 美元兑 ¥{even:.2f} 时持平**：{bills}。")
    else:
        # self-hosting priced in dollars is cheaper when the dollar buys fewer yuan than break-even, and the reverse
        self_cheaper = r.per_usd < even if not f.hour_yuan else r.per_usd > even
        yuan_self = self_month * r.per_usd if not f.hour_yuan else self_month
        yuan_api = api_month if f.api_yuan else api_month * r.per_usd
        winner = pick(zh, "Self-hosting is cheaper" if self_cheaper else "The API is cheaper",
                      "自建更便宜" if self_cheaper else "API 更便宜")
        lead = pick(zh, f"**{winner}: about ¥{yuan_self:,.0f} vs ¥{yuan_api:,.0f} a month** at ¥{r.per_usd:g} per dollar "
                        f"(Federal Reserve, {r.date}); {bills}. They cost the same at ¥{even:.2f} per dollar.",
                    f"**{winner}：每月约 ¥{yuan_self:,.0f} 对 ¥{yuan_api:,.0f}**（按 1 美元兑 ¥{r.per_usd:g}，美联储 {r.date} "
                    f"汇率）；{bills}。汇率为 ¥{even:.2f} 时两者持平。")
    return Reply(lead, [pick(zh, "Working: ", "计算：") + pick(zh, "; ", "；").join(steps) + pick(zh, ".", "。"),
                        pick(zh, "The two prices are in different currencies: the verdict uses the dated rate on file; "
                                 "with a different rate, compare it with the break-even rate.",
                             "两个价格币种不同：结论按收录的带日期汇率；汇率不同时与持平汇率比较即可。")],
                 [pick(zh, "your own prices and hours (no catalog price used)", "用你给的价格和时长（未用目录价格）")])


def _previous_facts(history_user: list[str]) -> tuple[Facts | None, str | None]:
    """The facts of the last user turn that was an own-numbers money ask, with that ask."""
    acc: Facts | None = None
    k = None
    for text in history_user[-4:]:
        f = facts(text)
        if acc is not None and REFERS_BACK.search(text):
            f = _merge(acc, f, text)
        kk = kind(text, f)
        if kk:
            acc, k = f, kk
        else:
            acc, k = None, None
    return acc, k


# a follow-up that changes only the hours of a bill: "vs keeping them on 24/7?", "那每天只开 8 小时呢"
HOURS_CHANGE = re.compile(r"24\s*/\s*7|7\s*[x×]\s*24|around the clock|\d+\s*(?:h|hours?)\s*(?:a|per|/)\s*day|weekdays?|"
                          r"不关机|每天\s*\d+\s*(?:个)?小时|工作日|周末", re.I)


def answer(question: str, history_user: list[str], zh: bool, call=None,
           count: int | None = None, said: str = "", run_hours: float | None = None,
           throughput=None) -> tuple[Reply, Facts, str] | None:
    """call: runs a registry tool and records it (Turn.call), for the figures a tool computes. count: the GPU count
    an earlier part of the same question found ("how many H100s ..., and the monthly cost at $2.40/GPU-hour?");
    said: the question's earlier parts, whose figures fill what this part does not say (this part's own win)."""
    f = facts(question)
    if said:
        base = facts(said)
        for fld in fields(Facts):
            if getattr(f, fld.name) in (None, False) and getattr(base, fld.name) not in (None, False):
                setattr(f, fld.name, getattr(base, fld.name))
        if f.hours_per_day and not re.search(r"weekday|workday|工作日|working days|days? a month|每月\s*\d+\s*天", question, re.I) \
                and facts(question).hours_per_day == 24.0:
            f.days_per_month = DAYS_PER_MONTH  # "and if 24/7 instead?": every day, not the workdays said before
    if count and not f.count:
        f.count = count
    if f.w_each:
        _kw_from_parts(f)  # watts per card times the count said in another part ("64 张 ... 每卡 400W")
    if run_hours and not _hours_month(f):
        f.run_hours = run_hours
    options = _priced_options(question)
    if options and (MONTHLY.search(question) or re.search(r"\bbill\b|\brent\b|账单|租金|月租|一个月|每月", question, re.I)) \
            and not re.search(r"\bvalue\b|\bfaster\b|\bworth\b|性价比|更快|值不值|tokens?\s*/\s*s|per (?:1m|million)|每百万", question, re.I):
        return _compare_monthly(options, f, zh), f, "compare_monthly"
    k = kind(question, f)
    if k is None and said and not (PER_M.search(question) and not f.tps):  # a per-1M part is not the earlier part's ask
        k = kind(f"{said} {question}", f)
    if k is None and throughput is not None and PER_M.search(question) and f.buy and f.years and not f.tps:
        # "整机 25 万元，按 3 年折旧，电价 1 元/度 ... 每百万 token 成本": their machine's cost per hour, over the
        # tokens our serving estimate says it makes at full load (said as an estimate)
        est = throughput()
        if est:
            f.tps, f.tps_estimated, n = est
            f.count = f.count or n
            f.per_gpu = True if f.per_gpu is None else f.per_gpu  # a rent with no "total": per card
            k = kind(question, f)
    if k == "api" and not f.tps and throughput is not None:
        # a daily volume against an API with no measured speed: the setups it takes, from our estimate of one
        # setup's output tokens/s at full load (the volume's output share of it), not one GPU
        est = throughput()
        if est:
            f.tps, f.tps_estimated, n = est
            f.count = f.count or n
    if k == "power" and history_user and INCLUDE_POWER.search(question):  # "算上电费呢？" after a payback: the payback again
        old, old_k = _previous_facts(history_user)
        if old is not None and old_k == "break_even":
            f, k = _merge(old, f, question), "break_even"
    short_money = len(question) < 80 and bool(MONTHLY.search(question) or PER_M.search(question) or YEARLY.search(question)
                                              or HOURS_CHANGE.search(question))
    # a short turn that only states a figure ("electricity is 30c/kwh here btw", "利用率只有 40%") changes that figure
    figure_only = len(question) < 80 and not f.gpu and any(
        v is not None for v in (f.per_kwh, f.pue, f.util, f.price_hour, f.buy, f.rent_month, f.hours_per_month,
                                f.gpu_hours_month))
    if k is None and history_user and (REFERS_BACK.search(question) or short_money or figure_only):
        old, old_k = _previous_facts(history_user)
        if old is not None:
            said_now = f
            f = _merge(old, f, question)
            from .parse import find_load_scale

            scale = find_load_scale(question)
            if scale:  # "What if traffic grows 20x?", "流量翻倍呢": the load said before, scaled (not what this turn said)
                for fld in ("tokens_per_day", "requests_per_day", "users"):
                    if getattr(f, fld) and getattr(said_now, fld) is None:
                        v = getattr(f, fld) * scale
                        setattr(f, fld, max(1, round(v)) if fld == "users" else v)
            k = kind(question, f) or (old_k if kind(" ".join(history_user[-1:]), f) else None)
            if old.price_hour and said_now.price_hour and said_now.price_hour < old.price_hour and re.search(
                    r"reserved|commit|包年|承诺|预留|长期", question, re.I):
                # "And if the cloud offers a 1-year reserved rate of $1.85 (billed 24/7)?": the commitment against
                # on-demand at the use said before ("billed 24/7" is how the commitment is paid, not the use)
                f.reserved_hour, f.price_hour = said_now.price_hour, old.price_hour
                f.hours_per_day, f.days_per_month = old.hours_per_day, old.days_per_month
                k = "reserved"
            if old_k in ("break_even", "api", "reserved") and figure_only and k != old_k and not re.search(
                    r"how much|what(?:'s| is) the|多少钱|花多少|多少", question, re.I) and kind(" ".join(history_user[-1:]), f) == old_k:
                k = old_k  # "如果每月只用 500 卡时呢？" after a payback: the payback at the new figure
            if k is None and old_k in ("monthly",) and f.package_month:
                k = "package"
            if old_k in ("break_even", "reserved") and k == "monthly" and not (MONTHLY.search(question) or YEARLY.search(question)):
                k = old_k  # "如果改成 24 小时一直跑满呢？" after a payback: the payback at the new hours, not a bill
    if k is None:
        return None
    try:
        reply = compute(k, f, zh, call)
        if k == "per_m" and MONTHLY.search(question) and f.price_hour and _hours_month(f):
            # "how much per month, and the cost per 1M at 600 tok/s?": both asks, the month first as asked
            month = compute("monthly", f, zh, call)
            reply = Reply(month.lead + " " + reply.lead, month.body + reply.body, reply.assumptions)
        elif k == "monthly" and f.busy_hours_per_day and f.hours_per_day and f.busy_hours_per_day < f.hours_per_day \
                and re.search(r"\bvs\.?\b|\bversus\b|\bor\b|compared|instead|serverless|per-second|按秒|按需|还是|对比|相比",
                              question, re.I):
            # "busy ~3 hrs a day, serverless vs keeping one up 24/7": the busy hours' bill against the always-on one
            busy = replace(f, hours_per_day=f.busy_hours_per_day, busy_hours_per_day=None)
            paid = compute("monthly", busy, zh, call)
            saved = _hourly(f)[0] * (_hours_month(f)[0] - _hours_month(busy)[0])
            lead = pick(zh, f"**About {_money_str(_hourly(busy)[0] * _hours_month(busy)[0], f.cny)} a month paying only "
                            f"the {f.busy_hours_per_day:g} busy hours a day, against {_money_str(_hourly(f)[0] * _hours_month(f)[0], f.cny)} "
                            f"always on**: {_money_str(saved, f.cny)} a month less.",
                        f"**只为每天忙的 {f.busy_hours_per_day:g} 小时付费每月约 {_money_str(_hourly(busy)[0] * _hours_month(busy)[0], f.cny)}，"
                        f"一直开着约 {_money_str(_hourly(f)[0] * _hours_month(f)[0], f.cny)}**：每月少 {_money_str(saved, f.cny)}。")
            reply = Reply(lead, paid.body + reply.body + [pick(zh, "Per-second billing also pays for cold starts (loading the "
                                                                   "model each time a GPU wakes), not counted here.",
                                                               "按秒计费还要为冷启动（每次唤醒加载模型）付费，这里没算。")],
                          reply.assumptions)
        return reply, f, k
    except (ValueError, TypeError, ZeroDivisionError, AdvisorInputError):
        return None


OPTION_SPLIT = re.compile(r"\bvs\.?\b|\bversus\b|\bor\b|\bcompared (?:to|with)\b|还是|对比|相比|或者|[;；]", re.I)


def _priced_options(question: str) -> list[Facts]:
    """'4x L40S at $1.10/hr each vs 1x H200 at $3.80/hr': two setups, each with its own GPU, count and price."""
    for splitter in (OPTION_SPLIT, re.compile(r"[,，、]")):
        pieces = [p for p in splitter.split(question) if p.strip()]
        opts = [o for o in map(facts, pieces) if o.gpu and o.price_hour and o.per_gpu is not False]
        if len(opts) >= 2 and len({o.gpu for o in opts}) >= 2:
            shared = facts(question).count if all(o.count is None for o in opts) else None
            for o in opts:
                o.count = o.count or shared
            return opts
    return []


def _compare_monthly(options: list[Facts], f: Facts, zh: bool) -> Reply:
    """Each setup's monthly rent at the hours said (24/7 when none), cheapest first."""
    def m(x: float) -> str:
        return _money_str(x, f.cny)

    hours, men, mzh = _hours_month(f) or (HOURS_PER_MONTH, "730 h (24/7)", "730 小时（7x24）")
    rows = []
    for o in options:
        n = o.count or 1
        rows.append((o.price_hour * n * hours, n, o))
    rows.sort(key=lambda r: r[0])
    from tools.gpus import get_gpu

    steps = [pick(zh, f"{n}x {get_gpu(o.gpu).name}: {n} x {m(o.price_hour)}/h x {men} = {m(cost)} a month",
                  f"{n} 张 {get_gpu(o.gpu).name}：{n} x {m(o.price_hour)}/小时 x {mzh} = 每月 {m(cost)}") for cost, n, o in rows]
    (c0, n0, o0), (c1, _, _) = rows[0], rows[1]
    lead = pick(zh, f"**{n0}x {get_gpu(o0.gpu).name} is cheaper: {m(c0)} vs {m(c1)} a month** at your prices "
                    f"({m(c1 - c0)} less).",
                f"**{n0} 张 {get_gpu(o0.gpu).name} 更便宜：每月 {m(c0)}，另一种 {m(c1)}**（按你给的价格，少 {m(c1 - c0)}）。")
    return Reply(lead, [pick(zh, "Working: ", "计算：") + ("；" if zh else "; ").join(steps) + ("。" if zh else ".")],
                 [pick(zh, "rent only: whether each setup carries your model and load is a separate check",
                       "只算租金：每种配置能否跑你的模型和负载需另行核对")])


def _millions(tokens: float) -> str:
    """1,500,000 -> '1.5', 20,000,000 -> '20', 250,000 -> '0.25': a daily volume in millions, never rounded to 0."""
    v = tokens / 1e6
    return f"{v:,.0f}" if v >= 10 else f"{v:.3g}"
