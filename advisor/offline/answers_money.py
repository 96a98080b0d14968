"""Money: buy vs rent over the period the person uses the GPUs, what owning costs (purchase + power), rent over a
period, whether a training budget is enough (with a configuration that fits and meets the deadline), the monthly
bill of serving, and which GPU gives the most tokens per dollar. Every figure comes from estimate_cost /
recommend_hardware / estimate_training; every number the person gave (count, hours a day, months or years, budget,
deadline, power price) is passed to the tools and said back in the first sentence."""

from __future__ import annotations

import re
from dataclasses import replace

from .parse import Slots
from .text import Reply, gib, hours_text, method_name, model_label, on_gpus, pick, tokens_text, tps, usd


def usd_run(x: float | None) -> str:
    """A run's cost as the plans give it: whole dollars, shown without fake cents."""
    if x is not None and 1 <= x < 100 and x == int(x):
        return f"${x:,.0f}"
    return usd(x)

USEFUL_LIFE_MONTHS = 36  # a GPU's usual depreciation period: buying must pay off well within it
BUY_WORDS = re.compile(r"\bbuy|\bbought\b|\bpurchas|\bown(?:ing)?\b|买|购", re.I)
RENT_WORDS = re.compile(r"\brent|\bcloud\b|\blease|租", re.I)
PAYS_OFF = re.compile(r"\bpays? off\b|\bworth\b|\bbreak[- ]?even\b|pay (?:for )?itself|回本|划算|值得", re.I)
CURRENCY_NAMES = {"CNY": ("Chinese yuan", "人民币"), "EUR": ("euros", "欧元"), "GBP": ("pounds", "英镑"),
                  "JPY": ("yen", "日元")}


# ---- periods and use ---------------------------------------------------------------------------------------

def period_text(months: float | None, zh: bool) -> str:
    if not months:
        return ""
    days = months * 365 / 12
    if months < 1 and abs(days / 7 - round(days / 7)) < 0.01:
        w = round(days / 7)
        return pick(zh, "a week" if w == 1 else f"{w} weeks", f"{w} 周")
    if months % 12 == 0:
        y = int(months // 12)
        return pick(zh, "a year" if y == 1 else f"{y} years", f"{y} 年")
    return pick(zh, "a month" if months == 1 else f"{months:g} months", f"{months:g} 个月")


def use_text(hpd: float | None, zh: bool) -> str:
    if hpd is None:
        return pick(zh, "at half-time use (12 hours a day; say yours)", "按半天使用（每天 12 小时；可以告诉我每天用几小时）")
    if hpd >= 24:
        return pick(zh, "at 24 hours a day", "每天 24 小时")
    return pick(zh, f"at {hpd:g} hours a day", f"每天 {hpd:g} 小时")


def _cost_args(turn, s: Slots, gpu: str, n: int, months: float | None) -> dict:
    args = dict(gpu=gpu, gpu_count=n, months=months, usd_per_kwh=s.usd_per_kwh,
                purchase_usd_per_gpu=s.purchase_usd_per_gpu, owning_usd_per_month=s.owning_usd_per_month)
    if s.hours_per_day is not None:
        args["hours_per_day"] = s.hours_per_day
    return args


def _power_line(c, zh: bool) -> str:
    if not c.power_usd_per_month:
        return ""
    total = pick(zh, f", {usd(c.power_usd_total)} over the period" if c.power_usd_total else "",
                 f"，整个周期 {usd(c.power_usd_total)}" if c.power_usd_total else "")
    return pick(zh, f"Power (included): about {usd(c.power_usd_per_month)} a month at that use{total}.",
                f"电费（已计入）：按该用量每月约 {usd(c.power_usd_per_month)}{total}。")


def _buy_and_rent_gpus(s: Slots, question: str) -> tuple[str, str]:
    """'buy a 4090 vs rent an H100': which GPU goes with which word (the one named right after it)."""
    if len(s.gpus) < 2:
        g = s.gpu or "h100-sxm"
        return g, g
    q = question.lower()
    b, r = BUY_WORDS.search(q), RENT_WORDS.search(q)
    if not (b and r) or b.start() < r.start():
        return s.gpus[0], s.gpus[1]
    return s.gpus[1], s.gpus[0]


# ---- buy vs rent, and what owning costs -----------------------------------------------------------------------

def buy_or_rent(turn, s: Slots, question: str = "") -> Reply:
    zh = turn.zh
    buy_gpu, rent_gpu = _buy_and_rent_gpus(s, question)
    if buy_gpu != rent_gpu:
        return _buy_one_rent_other(turn, s, buy_gpu, rent_gpu)
    n = s.count or 1
    months = s.months
    c = turn.call("estimate_cost", **_cost_args(turn, s, buy_gpu, n, months))
    use = use_text(s.hours_per_day, zh)
    what = on_gpus(n, c.gpu, zh)
    body = [b for b in (_power_line(c, zh),) if b]
    if not c.purchase_usd:
        return Reply(pick(zh, f"**Rent.** {c.gpu}: no purchase price on file to compare ({use}).",
                          f"**租。** {c.gpu} 没有购买价格数据可比（{use}）。"), body, list(c.assumptions) if not zh else [])
    owning = bool(BUY_WORDS.search(question)) and not RENT_WORDS.search(question) and not PAYS_OFF.search(question)
    if months and c.buy_usd_total is not None and c.rent_usd_total is not None:
        period = period_text(months, zh)
        buy = c.buy_usd_total < c.rent_usd_total
        if owning:
            lead = pick(zh, f"**About {usd(c.buy_usd_total)} for {period} of owning {what} {use}: {usd(c.purchase_usd)} "
                            f"to buy + {usd(c.power_usd_total)} of power**; renting the same hours would cost about "
                            f"{usd(c.rent_usd_total)} (so {'buying' if buy else 'renting'} is cheaper over {period}).",
                        f"**{period}（{use}）自己买 {what} 约 {usd(c.buy_usd_total)}：购买 {usd(c.purchase_usd)} + 电费 "
                        f"{usd(c.power_usd_total)}**；同样时长租用约 {usd(c.rent_usd_total)}（{period}内"
                        f"{'买更便宜' if buy else '租更便宜'}）。")
        else:
            verdict = pick(zh, "Buy" if buy else "Rent", "买" if buy else "租")
            lead = pick(zh, f"**{verdict}: over {period} {use}, renting {what} costs about {usd(c.rent_usd_total)} vs "
                            f"{usd(c.buy_usd_total)} to buy and power them** ({usd(c.purchase_usd)} + "
                            f"{usd(c.power_usd_total)} power).",
                        f"**{verdict}：{period}内{use}，租 {what} 约 {usd(c.rent_usd_total)}，买下并付电费约 "
                        f"{usd(c.buy_usd_total)}**（购买 {usd(c.purchase_usd)} + 电费 {usd(c.power_usd_total)}）。")
        lo, hi = sorted((c.buy_usd_total, c.rent_usd_total))
        if hi and (hi - lo) / hi < 0.2:
            body.append(pick(zh, "It is close: the server, hosting and staff not counted here can tip it the other way.",
                             "两者很接近：这里没算的服务器、机房和运维可能让结论反过来。"))
        if c.break_even_months:
            body.insert(0, pick(zh, f"Buying pays for itself after {c.break_even_months:,.1f} months of that use "
                                    f"(renting at {usd(c.usd_per_gpu_hour)}/GPU-hour, {usd(c.rent_usd_per_month)} a month).",
                                f"按该用量买卡 {c.break_even_months:,.1f} 个月回本（租价 {usd(c.usd_per_gpu_hour)}/GPU-小时，"
                                f"每月 {usd(c.rent_usd_per_month)}）。"))
        else:
            body.insert(0, pick(zh, "At this use renting costs less than powering your own: buying never breaks even.",
                                "按这个用量，租比自己付电费还便宜：买永远回不了本。"))
    elif c.break_even_months:
        months_be = c.break_even_months
        buy = months_be <= USEFUL_LIFE_MONTHS / 2
        verdict = pick(zh, "Buy" if buy else "Rent", "买" if buy else "租")
        lead = pick(zh, f"**{verdict}: {use}, buying {what} ({usd(c.purchase_usd)}) pays for itself after "
                        f"{months_be:,.1f} months** versus renting at {usd(c.usd_per_gpu_hour)}/GPU-hour.",
                    f"**{verdict}：{use}，买 {what}（{usd(c.purchase_usd)}）相对按 {usd(c.usd_per_gpu_hour)}/GPU-小时"
                    f"租用，{months_be:,.1f} 个月回本。**")
        body.insert(0, pick(zh, "Rule of thumb: buying pays when it breaks even well within a GPU's useful life of about "
                                "three years (here: within half of it). Say how many months or years you will use it "
                                "for a total.",
                            "经验法则：回本期明显短于 GPU 约三年的使用寿命（此处取一半以内）才值得买。告诉我要用几个月或几年，"
                            "可以算总价。"))
    else:
        lead = pick(zh, f"**Rent**: {use}, renting at {usd(c.usd_per_gpu_hour)}/GPU-hour costs less than powering your own.",
                    f"**租**：{use}，按 {usd(c.usd_per_gpu_hour)}/GPU-小时租比自己供电还便宜。")
    body.append(pick(zh, "Not counted: the server around the GPUs (CPUs, RAM, networking: a large share on top for "
                         "datacenter cards), space, staff and resale value.",
                     "未计入：GPU 之外的服务器（CPU、内存、网络，数据中心卡还要多花不少）、机房、运维和二手残值。"))
    return Reply(lead, body, _assumptions(c, zh))


def _assumptions(c, zh: bool) -> list[str]:
    if not zh:
        return list(c.assumptions)
    out = []
    if c.usd_per_gpu_hour:
        out.append(f"租价 {usd(c.usd_per_gpu_hour)}/GPU-小时（{basis_zh(c.price_basis)}）")
    if c.purchase_usd:
        out.append(f"购买价每卡 {usd(c.purchase_usd / max(1, c.gpu_count))}（已收录价格的中位数）")
    if c.hours_per_month:
        out.append(f"每月使用 {c.hours_per_month:,.0f} 小时")
    return out


def basis_zh(basis: str) -> str:
    return {"median on-demand offer on file": "按需报价中位数",
            "cheapest offer on file (spot/marketplace included)": "最低报价（含竞价/市场）",
            "cheapest offer on file (no on-demand price)": "最低报价（无按需价）", "given": "给定"}.get(basis, basis)


def _buy_one_rent_other(turn, s: Slots, buy_gpu: str, rent_gpu: str) -> Reply:
    zh = turn.zh
    n = s.count or 1
    months = s.months or 12.0
    b = turn.call("estimate_cost", **_cost_args(turn, s, buy_gpu, n, months))
    r = turn.call("estimate_cost", **_cost_args(turn, s, rent_gpu, n, months))
    gb = turn.call("lookup_gpu", name=buy_gpu)
    gr = turn.call("lookup_gpu", name=rent_gpu)
    period = period_text(months, zh) + pick(zh, "" if s.months else " (say how long)", "" if s.months else "（可告诉我用多久）")
    use = use_text(s.hours_per_day, zh)
    if b.buy_usd_total is None or r.rent_usd_total is None:
        return buy_or_rent(turn, Slots(**{**s.__dict__, "gpus": [buy_gpu], "gpu": buy_gpu}))
    buy = b.buy_usd_total < r.rent_usd_total
    lead = pick(zh, f"**{'Buying the' if buy else 'Renting the'} {gb.name if buy else gr.name} is cheaper: over {period} {use}, "
                    f"renting {on_gpus(n, r.gpu, False)} costs about {usd(r.rent_usd_total)} vs {usd(b.buy_usd_total)} to "
                    f"buy and power {on_gpus(n, b.gpu, False)}** ({usd(b.purchase_usd)} + {usd(b.power_usd_total)} power).",
                f"**{'买' if buy else '租'} {gb.name if buy else gr.name} 更便宜：{period}内{use}，租 {on_gpus(n, r.gpu, True)} 约 "
                f"{usd(r.rent_usd_total)}，买 {on_gpus(n, b.gpu, True)} 并付电费约 {usd(b.buy_usd_total)}**"
                f"（购买 {usd(b.purchase_usd)} + 电费 {usd(b.power_usd_total)}）。")
    mb, mr = gib(gb.memory_gib), gib(gr.memory_gib)
    body = [pick(zh, f"They are not the same card: {gb.name} has {mb} and {gb.memory_bandwidth_gb_per_s:,.0f} GB/s, "
                     f"{gr.name} {mr} and {gr.memory_bandwidth_gb_per_s:,.0f} GB/s; buying only pays if your models "
                     f"fit in {mb}.",
                 f"两张卡不是一个档次：{gb.name} 显存 {mb}、带宽 {gb.memory_bandwidth_gb_per_s:,.0f} GB/s，"
                 f"{gr.name} 显存 {mr}、带宽 {gr.memory_bandwidth_gb_per_s:,.0f} GB/s；只有模型放得进 {mb}，"
                 "买卡才划算。")]
    body.append(pick(zh, f"Renting {b.gpu} instead: about {usd(b.rent_usd_total)} over the same period.",
                     f"如果改租 {b.gpu}：同样时长约 {usd(b.rent_usd_total)}。") if b.rent_usd_total else "")
    body.append(_power_line(b, zh))
    return Reply(lead, [x for x in body if x], _assumptions(r, zh) + _assumptions(b, zh)[1:])


# ---- rent over a period --------------------------------------------------------------------------------------

def rent_cost(turn, s: Slots) -> Reply:
    """'How much to rent 2 H100s for a month': the total over the period (24 h a day unless said), then the rate and
    the offers on file (labelled: median of the on-demand offers; the cheapest listed)."""
    zh = turn.zh
    n = s.count or 1
    months, hpd = s.months, s.hours_per_day
    if (s.usage_hours or s.gpu_hours) and not months:
        return _rent_for_hours(turn, s)
    if not (months or hpd):
        return rent_price(turn, s)
    args = dict(gpu=s.gpu, gpu_count=n, months=months or 1.0, hours_per_day=hpd or 24.0)
    c = turn.call("estimate_cost", **args)
    if c.rent_usd_total is None:
        return rent_price(turn, s)
    period = period_text(months or 1.0, zh)
    use = use_text(hpd or 24.0, zh)
    lead = pick(zh, f"**About {usd(c.rent_usd_total)} for {period}** renting {on_gpus(n, c.gpu, False)} {use} "
                    f"({c.hours_per_month:,.0f} hours a month at {usd(c.usd_per_gpu_hour)}/GPU-hour, {c.price_basis}).",
                f"**{period}约 {usd(c.rent_usd_total)}**：租 {on_gpus(n, c.gpu, True)}，{use}（每月 {c.hours_per_month:,.0f} 小时，"
                f"{usd(c.usd_per_gpu_hour)}/GPU-小时，{basis_zh(c.price_basis)}）。")
    body = []
    if months and months != 1:
        body.append(pick(zh, f"Per month: {usd(c.rent_usd_per_month)}.", f"每月 {usd(c.rent_usd_per_month)}。"))
    body += _offers(c, zh)
    return Reply(lead, body, list(c.assumptions) if not zh else _assumptions(c, zh))


def _rent_for_hours(turn, s: Slots) -> Reply:
    """'Rent 2 H100s for 100 hours', '500 GPU-hours of A100': the total at the rate (the person's, if given)."""
    zh = turn.zh
    n = s.count or 1
    c = turn.call("estimate_cost", gpu=s.gpu, gpu_count=n, hours=s.usage_hours if not s.gpu_hours else None,
                  gpu_hours=s.gpu_hours)
    if c.usd is None:
        return rent_price(turn, s)
    span = (pick(zh, f"{s.gpu_hours:,.0f} GPU-hours", f"{s.gpu_hours:,.0f} 卡时") if s.gpu_hours else
            pick(zh, f"{s.usage_hours:,g} hours", f"{s.usage_hours:,g} 小时"))
    lead = pick(zh, f"**About {usd(c.usd)}** for {span} on {on_gpus(n, c.gpu, False)} at {usd(c.usd_per_gpu_hour)}/GPU-hour "
                    f"({c.price_basis}).",
                f"**约 {usd(c.usd)}**：{on_gpus(n, c.gpu, True)}，{span}，{usd(c.usd_per_gpu_hour)}/卡时（{basis_zh(c.price_basis)}）。")
    return Reply(lead, [] if c.price_basis == "given" else _offers(c, zh))


def rent_price(turn, s: Slots) -> Reply:
    zh = turn.zh
    n = s.count or 1
    c = turn.call("estimate_cost", gpu=s.gpu, gpu_count=n, hours=1.0)
    if c.usd_per_gpu_hour is None:
        return Reply(pick(zh, f"**No rental price on file for {c.gpu}.**", f"**没有 {c.gpu} 的租赁价格数据。**"))
    total = pick(zh, f"; {usd(c.usd_per_hour)}/hour for {n}" if n > 1 else "", f"；{n} 张 {usd(c.usd_per_hour)}/小时" if n > 1 else "")
    lead = pick(zh, f"**About {usd(c.usd_per_gpu_hour)} per GPU-hour** for {c.gpu}{total} ({c.price_basis}).",
                f"**{c.gpu} 约 {usd(c.usd_per_gpu_hour)}/GPU-小时**{total}（{basis_zh(c.price_basis)}）。")
    return Reply(lead, _offers(c, zh))


def _offers(c, zh: bool) -> list[str]:
    """The offers on file, labelled so that the reference price reads right next to them: how many on-demand offers
    the median is taken over and their range, then the cheapest few of any type."""
    if not c.offers:
        return []
    on_demand = sorted(o.usd_per_gpu_hour for o in c.offers if o.type == "on_demand")
    head = []
    if len(on_demand) >= 2:
        head.append(pick(zh, f"The reference price is the median of the on-demand offers on file "
                             f"({usd(on_demand[0])} to {usd(on_demand[-1])}); spot and marketplace offers run lower.",
                         f"参考价是已收录的按需报价的中位数（{usd(on_demand[0])} 到 {usd(on_demand[-1])}）；"
                         "竞价和市场报价更低。"))
    cheapest = sorted(c.offers, key=lambda o: o.usd_per_gpu_hour)[:4]
    lines = "\n".join(f"- {o.provider} ({o.type}, {o.date}): {usd(o.usd_per_gpu_hour)}" for o in cheapest)
    return head + [pick(zh, "Cheapest offers on file:", "已收录的最低报价：") + "\n" + lines]


# ---- budgets ---------------------------------------------------------------------------------------------------

def currency_note(s: Slots, zh: bool) -> str:
    """How a budget in another currency was compared with the dollar prices: the rate, its date and source, or that
    there is none on file."""
    if not s.budget_other or not s.budget_currency or s.budget_currency == s.price_currency:
        return ""  # no other currency, or the same one as the prices: no conversion to say
    en, z = CURRENCY_NAMES.get(s.budget_currency, (s.budget_currency, s.budget_currency))
    amount = f"{s.budget_other:,.0f}"
    r = s.budget_rate
    if r is None:
        return pick(zh, f"I have no exchange rate on file for {en}, so I cannot say whether {amount} {en} is enough: "
                        "tell me the rate (e.g. 'at 0.8 per dollar') or compare with the dollar figure.",
                    f"这里没有{z}的汇率，无法判断 {amount} {z}够不够：请告诉我汇率，或与下面的美元金额比较。")
    usd_amount = usd(s.budget_usd)
    if r.said:
        return pick(zh, f"{amount} {en} is about {usd_amount} at your rate of {r.per_usd:g} per dollar.",
                    f"{amount} {z}按你给的汇率 {r.per_usd:g} 约合 {usd_amount}。")
    return pick(zh, f"{amount} {en} is about {usd_amount} at {r.per_usd:g} per dollar (Federal Reserve, {r.date}; "
                    f"rates move, so tell me yours, e.g. 'at {r.per_usd * 0.98:.3g} per dollar', and I will recount).",
                f"{amount} {z}约合 {usd_amount}（按 {r.per_usd:g} 兑 1 美元，美联储 {r.date} 汇率；汇率会变，"
                f"告诉我你的汇率，如“汇率按{r.per_usd * 0.98:.3g}”，我重新算）。")


def budget(turn, s: Slots, question: str = "") -> Reply:
    """The budget answer; a budget given in another currency says first how it was converted."""
    r = _budget(turn, s, question)
    note = currency_note(s, turn.zh)
    if note and note not in r.body:
        r.body.insert(0, note)
    return r


def _budget(turn, s: Slots, question: str = "") -> Reply:
    """Is the budget enough for this training run? The verdict and both figures first, on a configuration that fits
    in memory (and meets the deadline when one is given); then the cheapest-offer price, which can flip it."""
    from .answers_serve import _plan

    zh = turn.zh
    if not (s.workload in ("training", "pretrain") or s.tokens or s.examples) and BUILD.search(question) and \
            not RENT_WORDS.search(question) and (s.budget_usd or s.budget_other) and not s.months:
        return _budget_to_buy(turn, s)
    if not (s.workload in ("training", "pretrain") or s.tokens or s.examples):
        return serving_monthly(turn, s)
    pretrain = s.workload == "pretrain"
    if s.count and len(s.gpus) < 2 or pretrain and not s.days and not len(s.gpus) >= 2:
        return _budget_on_run(turn, s)
    workload = "pretrain" if pretrain else "finetune"
    p = _plan(turn, s, s.gpus or None, workload)
    if not p.by_cost:
        return _budget_on_run(turn, s)
    best = p.by_cost[0]
    per_gpu = {}
    for o in p.by_cost:
        per_gpu.setdefault(o.gpu_id, o)
    cfg = pick(zh, f"{best.gpu_count}x {best.gpu} ({best.precision}, {best.layout})",
               f"{best.gpu_count} 张 {best.gpu}（{best.precision}，{best.layout.replace('single GPU', '单卡')}）")
    run = pick(zh, f"{hours_text(best.hours or 0, False)}", f"{hours_text(best.hours or 0, True)}")
    deadline = ""
    if s.days:
        ok = (best.days or 0) <= s.days
        deadline = pick(zh, f", {'meets' if ok else 'misses'} the {s.days:g}-day deadline",
                        f"，{'能' if ok else '不能'}在 {s.days:g} 天内完成")
    method = "pretrain" if pretrain else (s.method or "lora")
    job = pick(zh, f"{method_name(method, False)} {model_label(p.model, zh)}", f"{model_label(p.model, zh)} {method_name(method, True)}")
    if s.tokens:
        job += pick(zh, f" on {tokens_text(s.tokens, False)}", f"，{tokens_text(s.tokens, True)}")
    lead = _budget_lead(s, best.usd_total, zh, f"{cfg}: {run}{deadline}" if not zh else f"{cfg}：{run}{deadline}", job)
    body = []
    others = [o for gid, o in per_gpu.items() if o is not best]
    for o in others[:3]:
        body.append(pick(zh, f"On {o.gpu}: {o.gpu_count}x, {hours_text(o.hours or 0, False)}, {usd_run(o.usd_total)}.",
                         f"用 {o.gpu}：{o.gpu_count} 张，{hours_text(o.hours or 0, True)}，{usd_run(o.usd_total)}。"))
    body += _cheapest_offer(turn, s, best.gpu_id, best.gpu_count, best.gpu_hours, best.usd_total, zh)
    note = currency_note(s, zh)
    if note:
        body.insert(0, note)
    from .answers_serve import _plan_assumptions

    return Reply(lead, body, _plan_assumptions(p, s, zh))


BUILD = re.compile(r"\bbuy\b|\bbuild\b|\brig\b|\blocal(?:ly)?\b|\bpurchase\b|\bon[- ]prem|\bhome ?lab\b|\bhobbyist\b|"
                   r"买|自建|本地|采购|自己搭", re.I)


def _budget_to_buy(turn, s: Slots) -> Reply:
    """A budget to buy hardware ('$20k to build a local rig for 70B for 5 people'): the setups that serve the load,
    priced at the purchase prices on file; the one with the fewest cards within the budget first, the fastest beside it."""
    from tools.prices import gpu_prices

    from .answers_serve import _layout, _plan, _target_text

    zh = turn.zh
    p = _plan(turn, Slots(**{**s.__dict__, "count": None}), s.gpus or None)
    from tools.gpus import get_gpu

    priced = []
    for o in p.options:
        unit = gpu_prices(o.gpu_id).purchase_usd
        board = re.match(r"SXM|OAM|GH200", get_gpu(o.gpu_id).form_factor or "")
        mac = get_gpu(o.gpu_id).vendor == "apple" and not re.search(r"\bmac|apple|苹果", turn.question, re.I)
        if unit and not o.multi_node and not (board and o.gpu_count not in (4, 8)) and not mac:
            priced.append((unit * o.gpu_count, o))  # SXM/OAM parts are bought as 4- or 8-GPU boards
    if not priced:
        return Reply(pick(zh, "**No purchase prices on file for setups that run it.**", "**能跑它的配置都没有购买价格数据。**"))
    within = [(cost, o) for cost, o in priced if s.budget_usd and cost <= s.budget_usd]
    users = s.users or s.batch or 1
    load = pick(zh, f" for {users} users{_target_text(s, zh)}" if users > 1 else "",
                f"（{users} 个用户{_target_text(s, zh)}）" if users > 1 else "")
    if within:
        # the simplest machine that carries the load: the fewest cards (a box of 8 consumer cards at TP=8, or two of
        # them, is not what a budget buys when one or two larger cards do it), then the least costly of those
        cost, best = min(within, key=lambda x: (x[1].gpu_count, x[0]))
        c = turn.call("estimate_cost", gpu=best.gpu_id, gpu_count=best.gpu_count)
        lead = pick(zh, f"**Within your {usd(s.budget_usd)}: {best.gpu_count}x {best.gpu}** ({_layout(best, zh)}), about "
                        f"{usd(c.purchase_usd)} for the GPUs, for {model_label(p.model, zh)}{load}: about "
                        f"{tps(best.decode_tokens_per_s)} tokens/s per user.",
                    f"**{usd(s.budget_usd)} 预算内：{best.gpu_count} 张 {best.gpu}**（{_layout(best, zh)}），显卡约 {usd(c.purchase_usd)}，"
                    f"运行 {model_label(p.model, zh)}{load}，每用户约 {tps(best.decode_tokens_per_s)} tokens/s。")
    elif not s.budget_usd:  # a budget in another currency: not converted (no exchange rate on file)
        cost, best = min(priced, key=lambda x: x[0])
        c = turn.call("estimate_cost", gpu=best.gpu_id, gpu_count=best.gpu_count)
        lead = pick(zh, f"**Least costly setup to buy: {best.gpu_count}x {best.gpu}** ({_layout(best, zh)}), about "
                        f"{usd(c.purchase_usd)} for the GPUs, for {model_label(p.model, zh)}{load}.",
                    f"**最便宜的可购买配置：{best.gpu_count} 张 {best.gpu}**（{_layout(best, zh)}），显卡约 {usd(c.purchase_usd)}，"
                    f"运行 {model_label(p.model, zh)}{load}。")
    else:
        cost, best = min(priced, key=lambda x: x[0])
        c = turn.call("estimate_cost", gpu=best.gpu_id, gpu_count=best.gpu_count)
        lead = pick(zh, f"**Not within {usd(s.budget_usd)}:** the least costly setup to buy is {best.gpu_count}x {best.gpu} "
                        f"({_layout(best, zh)}), about {usd(c.purchase_usd)} for the GPUs, for {model_label(p.model, zh)}{load}.",
                    f"**{usd(s.budget_usd)} 不够：**最便宜的可购买配置是 {best.gpu_count} 张 {best.gpu}（{_layout(best, zh)}），"
                    f"显卡约 {usd(c.purchase_usd)}，运行 {model_label(p.model, zh)}{load}。")
    others = sorted(within or priced, key=lambda x: x[0])[:4]
    if within:
        fastest = max(within, key=lambda x: (x[1].decode_tokens_per_s or 0, -x[0]))
        others = [fastest] + [x for x in others if x is not fastest][:3]
    lines = []
    for _, o in others:
        if o is best:
            continue
        co = turn.call("estimate_cost", gpu=o.gpu_id, gpu_count=o.gpu_count)
        lines.append(f"- {o.gpu_count}x {o.gpu} ({_layout(o, zh)}): {usd(co.purchase_usd)}, "
                     + pick(zh, f"{tps(o.decode_tokens_per_s)} tokens/s per user", f"每用户 {tps(o.decode_tokens_per_s)} tokens/s"))
    note = currency_note(s, zh)
    body = ([note] if note else []) + ([pick(zh, "Other setups:", "其他配置：") + "\n" + "\n".join(lines)] if lines else []) + [
        pick(zh, "GPU prices only (purchase prices on file, some of them used or street prices): the rest of the machine "
                 "(CPU, RAM, power supply, case) comes on top.",
             "只含显卡价格（已收录的购买价，部分为二手或市场价）：主机其余部分（CPU、内存、电源、机箱）另算。")]
    return Reply(lead, body)


def _budget_lead(s: Slots, cost: float | None, zh: bool, config: str, model: str) -> str:
    if s.budget_usd and cost is not None:
        within = cost <= s.budget_usd
        return pick(zh, f"**{'Yes, within budget' if within else 'No, over budget'}: about {usd_run(cost)} of your "
                        f"{usd(s.budget_usd)}** for {model} on {config}.",
                    f"**{'够' if within else '不够'}：约 {usd_run(cost)}，预算 {usd(s.budget_usd)}**（{model}，{config}）。")
    return pick(zh, f"**About {usd_run(cost)}** for {model} on {config}.", f"**约 {usd_run(cost)}**（{model}，{config}）。")


def _cheapest_offer(turn, s: Slots, gpu: str, n: int, gpu_hours: float | None, cost: float | None, zh: bool) -> list[str]:
    """The same GPU-hours at the cheapest offer on file (spot/marketplace included): it can flip a budget verdict."""
    if not gpu_hours:
        return []
    c = turn.call("estimate_cost", gpu=gpu, gpu_count=n, gpu_hours=gpu_hours, price="cheapest")
    if not c.usd or cost is None or c.usd >= cost:
        return []
    flip = ""
    if s.budget_usd:
        flip = pick(zh, f" ({'within' if c.usd <= s.budget_usd else 'still over'} the budget)",
                    f"（{'在预算内' if c.usd <= s.budget_usd else '仍超预算'}）")
    return [pick(zh, f"At the cheapest offer on file ({usd(c.usd_per_gpu_hour)}/GPU-hour, spot or marketplace): about "
                     f"{usd(c.usd)}{flip}.",
                 f"按已收录的最低报价（{usd(c.usd_per_gpu_hour)}/GPU-小时，竞价或市场价）：约 {usd(c.usd)}{flip}。")]


# "how many tokens can that budget train?", "能训练多少 token": the tokens a budget buys, not a verdict on a default run
TOKENS_ASKED = re.compile(r"\bhow (?:many|much) (?:training )?(?:tokens|data)\b|(?:多少|几)\s*(?:个)?\s*(?:亿|万|b|t|m)?\s*(?:个)?\s*token|"
                          r"能(?:训|训练|预训练|跑)\s*多少", re.I)


def _budget_on_run(turn, s: Slots) -> Reply:
    """A count was given (or pretraining without a deadline, where the cost hardly depends on the count): time and
    cost of that run, led by the budget verdict."""
    from .answers_train import training_time

    zh = turn.zh
    r = training_time(turn, s)
    tc = next((c for c in reversed(turn.calls) if c.tool == "estimate_training"), None)
    t = tc.result if tc else None
    c = next((c.result for c in reversed(turn.calls) if c.tool == "estimate_cost"), None)
    if not t or not c or not c.get("usd"):
        return r
    cfg = pick(zh, f"{t['gpu_count']}x {t['gpu']}: {hours_text(t['hours'], False)}",
               f"{t['gpu_count']} 张 {t['gpu']}：{hours_text(t['hours'], True)}")
    if s.days:
        ok = t["days"] <= s.days
        cfg += pick(zh, f", {'meets' if ok else 'misses'} the {s.days:g}-day deadline",
                    f"，{'能' if ok else '不能'}在 {s.days:g} 天内完成")
    method, tokens = tc.args.get("method"), tc.args.get("tokens")
    job = pick(zh, f"{method_name(method, False)} {model_label(t['model'], zh)} on {tokens_text(tokens, False)}",
               f"{model_label(t['model'], zh)} {method_name(method, True)}，{tokens_text(tokens, True)}")
    lead = _budget_lead(s, c["usd"], zh, cfg, job)
    if s.budget_usd and tokens and TOKENS_ASKED.search(turn.question or "") and not s.tokens:
        # "预算 10 万美元 ... 能预训练多少 tokens？": the tokens the budget buys (the run's cost is linear in its tokens
        # at a fixed GPU count: the same tokens/s per GPU and rent per GPU-hour)
        affordable = float(f"{tokens * s.budget_usd / c['usd']:.3g}")  # three figures: the estimate is not finer
        turn.derive("tokens_for_budget", lambda **kw: kw, budget_usd=s.budget_usd, usd_for_tokens=c["usd"],
                    tokens_priced=tokens, tokens_affordable=round(affordable))
        lead = pick(zh, f"**About {tokens_text(affordable, False)} for {usd(s.budget_usd)}**: {method_name(method, False)} "
                        f"{model_label(t['model'], zh)} on {t['gpu_count']}x {t['gpu']} at {t['tokens_per_s_per_gpu']:,.0f} "
                        f"tokens/s per GPU ({t['mfu']:.0%} MFU) and {usd(c['usd'] / t['gpu_hours'])}/GPU-hour "
                        f"({tokens_text(tokens, False)} costs {usd(c['usd'])}).",
                    f"**{usd(s.budget_usd)} 约可训练 {tokens_text(affordable, True)}**：{model_label(t['model'], zh)} "
                    f"{method_name(method, True)}，{t['gpu_count']} 张 {t['gpu']}，每卡 {t['tokens_per_s_per_gpu']:,.0f} tokens/s"
                    f"（MFU {t['mfu']:.0%}），{usd(c['usd'] / t['gpu_hours'])}/GPU-小时（{tokens_text(tokens, True)} 需 {usd(c['usd'])}）。")
    body = [x for x in r.body if not re.match(r"(Within|Over) the \$|(在|超出) \$", x)]
    body = [r.lead.replace("**", "")] + body
    body += _cheapest_offer(turn, s, tc.args["gpu"], t["gpu_count"], t["gpu_hours"], c["usd"], zh)
    if s.workload == "pretrain":
        body.insert(1, pick(zh, "More GPUs finish sooner for about the same GPU-hours, so about the same cost.",
                            "加卡能更快完成，但 GPU-小时数基本不变，所以总价也基本不变。"))
    note = currency_note(s, zh)
    if note:
        body.insert(0, note)
    return Reply(lead, body, r.assumptions)


# ---- serving: the monthly bill, and tokens per dollar ----------------------------------------------------------------

def serving_monthly(turn, s: Slots) -> Reply:
    """No GPU named: the cheapest configuration that carries the load, then its bill for the period at the hours a
    day it runs."""
    from .answers_serve import _layout, _plan, _plan_assumptions, _target_text, option_line

    zh = turn.zh
    p = _plan(turn, s, s.gpus or None)
    if not p.by_cost and s.gpus and not s.count:  # more than one server of the GPU named: up to 64 of them
        p = _plan(turn, Slots(**{**s.__dict__, "count": 64}), s.gpus)
    if not p.by_cost:
        from .answers_serve import which_gpu

        return which_gpu(turn, s)
    best = min(p.by_cost, key=lambda o: (o.usd_per_hour or 1e18, -(o.decode_tokens_per_s or 0)))
    hpd = s.hours_per_day or 24.0
    months = s.months or 1.0
    if s.count and len(set(s.gpus)) == 1 and best.gpu_id == s.gpus[0] and s.count > best.gpu_count:
        # "我们要 3 张卡做冗余": the bill is for the cards they will run, though fewer carry the load
        c = turn.call("estimate_cost", gpu=best.gpu_id, gpu_count=s.count, hours_per_day=hpd, months=months)
        period = period_text(months, zh)
        lead = pick(zh, f"**About {usd(c.rent_usd_total)} {'a month' if months == 1 else 'for ' + period}** for your {s.count}x "
                        f"{best.gpu} ({use_text(hpd, False)}, {usd(c.usd_per_gpu_hour)}/GPU-hour); {best.gpu_count} of them carry "
                        f"{model_label(p.model, zh)} ({_layout(best, zh)}, about {tps(best.decode_tokens_per_s)} tokens/s per user), "
                        "the rest are spare.",
                    f"**{'每月' if months == 1 else period}约 {usd(c.rent_usd_total)}**：你的 {s.count} 张 {best.gpu}（{use_text(hpd, True)}，"
                    f"{usd(c.usd_per_gpu_hour)}/卡时）；其中 {best.gpu_count} 张就能跑 {model_label(p.model, zh)}（{_layout(best, zh)}，"
                    f"每用户约 {tps(best.decode_tokens_per_s)} tokens/s），其余做冗余。")
        return Reply(lead, [], _plan_assumptions(p, s, zh))
    c = turn.call("estimate_cost", gpu=best.gpu_id, gpu_count=best.gpu_count, hours_per_day=hpd, months=months)
    users = s.users or s.batch or 1
    load = pick(zh, f" for {users} users" if users > 1 else "", f"，{users} 个用户" if users > 1 else "")
    period = period_text(months, zh)
    lead = pick(zh, f"**About {usd(c.rent_usd_total)} {'a month' if months == 1 else 'for ' + period}** ({use_text(hpd, False)}): "
                    f"{best.gpu_count}x {best.gpu} ({_layout(best, zh)}) at {usd(c.usd_per_hour)}/hour serves "
                    f"{model_label(p.model, zh)}{load}{_target_text(s, zh)}, about {tps(best.decode_tokens_per_s)} tokens/s per user.",
                f"**{'每月' if months == 1 else period}约 {usd(c.rent_usd_total)}**（{use_text(hpd, True)}）：{best.gpu_count} 张 {best.gpu}"
                f"（{_layout(best, zh)}），{usd(c.usd_per_hour)}/小时，运行 {model_label(p.model, zh)}{load}{_target_text(s, zh)}，"
                f"每用户约 {tps(best.decode_tokens_per_s)} tokens/s。")
    if s.budget_usd and c.rent_usd_total is not None:
        within = c.rent_usd_total <= s.budget_usd
        lead = "**" + pick(zh, f"{'Within' if within else 'Over'} your {usd(s.budget_usd)} budget: a",
                           f"{'在' if within else '超出'} {usd(s.budget_usd)} 预算{'内' if within else ''}：") + lead[2 + (not zh):]
    body = [pick(zh, "Cheapest options:", "按价格排序：") + "\n"
            + "\n".join(f"- {option_line(o, zh)}" for o in sorted(p.by_cost[:4], key=lambda o: (
                o.usd_per_hour or 1e18, -(o.decode_tokens_per_s or 0))))]
    if hpd < 24:
        body.append(pick(zh, "Billed only for the hours it runs: stop or scale the instance to zero outside them.",
                         "只按运行的小时计费：其余时间要关机或缩到零。"))
    return Reply(lead, body, _plan_assumptions(p, s, zh) + (list(c.assumptions) if not zh else []))


def config_cost(turn, s: Slots, config) -> Reply:
    """The bill of the configuration an earlier ask in the same answer found ('how many GPUs and the monthly bill?'):
    priced once, never re-planned under other limits."""
    zh = turn.zh
    hpd = s.hours_per_day or 24.0
    months = s.months or 1.0
    c = turn.call("estimate_cost", gpu=config.gpu_id, gpu_count=config.gpu_count, hours_per_day=hpd, months=months)
    if c.rent_usd_total is None:
        return Reply(pick(zh, f"No rental price on file for {c.gpu}.", f"没有 {c.gpu} 的租赁价格。"))
    period = period_text(months, zh)
    return Reply(pick(zh, f"**About {usd(c.rent_usd_total)} {'a month' if months == 1 else 'for ' + period}** for that setup "
                          f"({config.gpu_count}x at {usd(c.usd_per_gpu_hour)}/GPU-hour, {use_text(hpd, False)}, "
                          f"{'your price' if c.price_basis == 'given' else c.price_basis}).",
                      f"**{'每月' if months == 1 else period}约 {usd(c.rent_usd_total)}**（该配置 {config.gpu_count} 张，"
                      f"{usd(c.usd_per_gpu_hour)}/卡时，{use_text(hpd, True)}，{basis_zh(c.price_basis)}）。"))


VALUE = re.compile(r"tokens? per (?:dollar|\$|buck)|\bper token\b|cheaper per|per dollar|\$\s*/\s*(?:1m|m)?\s*tokens?|cost[- ]effective|"
                   r"cheapest per (?:token|million)|\bper (?:1m|million) tokens\b|bang for|value for money|\bbest value\b|"
                   r"\bcost per token\b|性价比|每美元|每百万|划算", re.I)
BUSY_USERS = 32


def said_hourly_prices(question: str) -> tuple[dict[str, float], dict[str, bool]]:
    """Hourly rents the person gives card by card ('T4 一小时 11 块，A10 一小时 18 块', 'H200 租 3.5 美元/卡时，B200 5.5',
    '2x h100 ($4.4/h total) or 1x h200 ($3.6/h)'): card id -> price, and which of them are for the whole setup."""
    from .parse import after_each_card

    if not re.search(r"小时|卡时|/\s*h(?:r|our)?\b|per hour|an hour|hourly|/hr\b", question, re.I):
        return {}, {}
    tail = (r"s?\W{0,4}(?:租|一小时|每小时|每卡时|per hour|hourly|at|@|is|costs?|:|：)?\s*(?:大概|约|大约|~)?\s*[$¥￥]?\s*"
            r"(\d+(?:\.\d+)?)(?![\d.])\s*(?:块|元|美元|刀|usd|dollars?)?\s*(?:/\s*(?:h|hr|hour|小时|卡时|gpu[- ]?hour)\b)?\s*"
            r"(total|in all|整机|合计)?(?!\s*(?:gb|g\b|x\b|张|卡|b\b|%))")
    found = {gid: m for gid, m in after_each_card(question, tail, min_alias=2).items() if float(m.group(1)) < 500}
    out = {gid: float(m.group(1)) for gid, m in found.items()}
    total = {gid: bool(m.group(2)) for gid, m in found.items()}
    return (out, total) if len(out) >= 2 else ({}, {})


def cheapest_per_token(turn, s: Slots, gpus: list[str]) -> list[tuple]:
    """(gpu, its cheapest configuration per 1M output tokens at s.users or None, the plan) for each GPU."""
    from .answers_serve import _plan

    rows = []
    for g in gpus:
        p = _plan(turn, s, [g])
        priced = [o for o in p.by_cost if o.usd_per_million_tokens]
        rows.append((g, min(priced, key=lambda o: o.usd_per_million_tokens) if priced else None, p))
    return rows


def tokens_per_dollar(turn, s: Slots) -> Reply:
    """Which GPU gives the most tokens per dollar when serving: each GPU's cheapest configuration at a busy load,
    compared by rent per 1M output tokens (the format each runs best, said on each line)."""
    from .answers_serve import _layout

    zh = turn.zh
    users = s.users or s.batch or BUSY_USERS
    sub = Slots(**{**s.__dict__, "users": users})
    rows = cheapest_per_token(turn, sub, (s.gpus or [s.gpu or "h100-sxm"])[:4])
    ok = [(g, o) for g, o, _ in rows if o is not None]
    model = model_label(rows[0][2].model, zh) if rows else ""
    if not ok:
        return Reply(pick(zh, f"**None of these serves {model} at {users} concurrent requests within 8 GPUs.**",
                          f"**这几种 GPU 在 8 卡以内都无法以 {users} 路并发运行 {model}。**"))
    prices, total = said_hourly_prices(turn.question)
    prices = prices or dict(s.gpu_prices)
    if prices and all(o.gpu_id in prices for _, o in ok):  # their own rents: every row at its own price
        turn.price_used = True
        repriced = []
        for g, o in ok:
            hourly = prices[o.gpu_id] * (1 if total.get(o.gpu_id) else o.gpu_count)
            agg = o.aggregate_tokens_per_s or o.decode_tokens_per_s_total
            repriced.append((g, replace(o, usd_per_hour=round(hourly, 4),
                                        usd_per_million_tokens=round(hourly / (agg * 3600) * 1e6, 4))))
        ok = repriced
        rows = [(g, next((o2 for g2, o2 in ok if g2 == g), o), p) for g, o, p in rows]
    ok.sort(key=lambda x: x[1].usd_per_million_tokens)
    g0, b0 = ok[0]
    worst = ok[-1][1]
    stated = "" if (s.users or s.batch) else pick(zh, " (a busy server; say how many users for yours)",
                                                    "（按繁忙服务器估算；可告诉我你的并发数）")
    lead = pick(zh, f"**{b0.gpu} gives the most tokens per dollar: about {usd(b0.usd_per_million_tokens)} per 1M output "
                    f"tokens** for {model} at {users} concurrent requests{stated}"
                    + (f", vs {usd(worst.usd_per_million_tokens)} for {worst.gpu}" if len(ok) > 1 else "") + ".",
                f"**{b0.gpu} 每美元产出的 token 最多：每百万输出 token 约 {usd(b0.usd_per_million_tokens)}**（{model}，{users} 路并发"
                f"{stated}）" + (f"，{worst.gpu} 为 {usd(worst.usd_per_million_tokens)}" if len(ok) > 1 else "") + "。")
    lines = []
    for g, o, _p in rows:
        if o is None:
            from tools.gpus import get_gpu

            lines.append(pick(zh, f"- {get_gpu(g).name}: does not carry this load within 8 GPUs.",
                              f"- {get_gpu(g).name}：8 卡以内带不动这个负载。"))
            continue
        lines.append(pick(zh, f"- {o.gpu_count}x {o.gpu} ({_layout(o, zh)}): {usd(o.usd_per_million_tokens)} per 1M tokens, "
                              f"{tps(o.aggregate_tokens_per_s or o.decode_tokens_per_s_total)} tokens/s in all, "
                              f"{usd(o.usd_per_hour)}/h",
                          f"- {o.gpu_count} 张 {o.gpu}（{_layout(o, zh)}）：每百万 token {usd(o.usd_per_million_tokens)}，合计 "
                          f"{tps(o.aggregate_tokens_per_s or o.decode_tokens_per_s_total)} tokens/s，{usd(o.usd_per_hour)}/小时"))
    basis_en, basis_zh = ("at the rents you gave", "按你给的租价") if turn.price_used else (
        "rented at the median on-demand price", "按需报价中位数")
    body = [pick(zh, f"Each at its cheapest configuration per token (format and layout on each line), {basis_en} and "
                     "busy all the time; fewer users raise every figure.",
                     f"每种 GPU 取每 token 最便宜的配置（格式和并行方式见各行），{basis_zh}、满负载计算；并发越少，每 token 越贵。")]
    from .answers_serve import _plan_assumptions

    return Reply(lead + "\n" + "\n".join(lines), body, _plan_assumptions(rows[0][2], sub, zh))
