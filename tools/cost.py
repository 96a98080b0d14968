"""estimate_cost: rental cost of GPU time, a training run, serving per 1M tokens, and buy-vs-rent."""

from __future__ import annotations

from typing import Literal

from .base import check, record, spec
from .defaults import PRICE_BASIS
from .errors import AdvisorInputError
from .gpus import get_gpu
from .prices import Price, electricity_usd_per_kwh, gpu_prices

HOURS_PER_MONTH = 730
# A purchased GPU also needs its share of a server, power delivery and cooling: datacenter power
# usage effectiveness ~1.4 (Uptime Institute survey average ~1.5) on top of the board's TDP.
PUE = 1.4


@record
class CostRequest:
    gpu: str = spec(description="GPU type")
    gpu_count: int = spec(1, "GPUs", gt=0, le=1_000_000)
    hours: float | None = spec(None, "wall-clock hours of use (cost of a run)", gt=0, le=1e6)
    gpu_hours: float | None = spec(None, "GPU-hours (alternative to hours x count)", gt=0, le=1e10)
    tokens_per_s: float | None = spec(None, "serving: generated tokens/s of the whole configuration", ge=0.001,
                                      le=1e9)
    hours_per_day: float | None = spec(None, "hours of use per day (0-24): sets the buy-vs-rent hours and the serving "
                                       "utilization (hours_per_day / 24)", gt=0, le=24)
    utilization: float | None = spec(None, "serving: share of the time the GPUs are busy (default hours_per_day / 24, "
                                     "else 0.5)", ge=0.01, le=1)
    usd_per_gpu_hour: float | None = spec(None, "override the rental price", gt=0, le=1000)
    price: Literal["on_demand", "cheapest"] = spec(PRICE_BASIS, "which rental price on file to use")
    purchase_usd_per_gpu: float | None = spec(None, "override the purchase price", gt=0, le=1e7)
    hours_per_month: float | None = spec(None, "buy-vs-rent: hours of use per month (default hours_per_day x 30.4, "
                                         "else 365)", gt=0, le=744)
    months: float | None = spec(None, "buy-vs-rent and rent over a period: months of use to total up (12 = a year)",
                                gt=0, le=240)
    usd_per_kwh: float | None = spec(None, "electricity price (default: US commercial average)", gt=0, le=10)
    pue: float = spec(PUE, "datacenter power usage effectiveness: facility power / IT power", ge=1, le=3)
    power_w: float | None = spec(None, "power per GPU in watts (default: the GPU's TDP)", gt=0, le=5000)
    owning_usd_per_month: float | None = spec(None, "buy-vs-rent: your monthly cost of owning all the GPUs (power, "
                                              "hosting), used instead of the computed power", ge=0, le=1e8)

    def __post_init__(self) -> None:
        check(self)


@record
class CostResult:
    gpu: str
    gpu_count: int
    usd_per_gpu_hour: float | None
    usd_per_hour: float | None = spec(None, "whole configuration")
    price_basis: str = ""
    usd: float | None = spec(None, "cost of the given hours / GPU-hours")
    usd_per_million_tokens: float | None = None
    purchase_usd: float | None = spec(None, "all GPUs")
    power_usd_per_month: float | None = None
    break_even_months: float | None = spec(None, "months of renting at the stated use that cost as much as buying "
                                           "and powering")
    hours_per_month: float | None = spec(None, "hours of use per month assumed for buy vs rent")
    rent_usd_per_month: float | None = spec(None, "renting the hours of use in one month, all GPUs")
    months: float | None = spec(None, "the period totalled (months)")
    rent_usd_total: float | None = spec(None, "renting the hours of use over `months`, all GPUs")
    power_usd_total: float | None = spec(None, "power for a purchase over `months`, all GPUs")
    buy_usd_total: float | None = spec(None, "buying (purchase + power) over `months`, all GPUs")
    utilization: float | None = spec(None, "serving: share of the time busy assumed for $ per 1M tokens")
    offers: list[Price] = spec(factory=list)
    assumptions: list[str] = spec(factory=list)
    notes: list[str] = spec(factory=list)


def estimate_cost(req: CostRequest) -> CostResult:
    gpu = get_gpu(req.gpu)
    prices = gpu_prices(gpu.id)
    if req.usd_per_gpu_hour:
        rate, basis = req.usd_per_gpu_hour, "given"
    elif req.price == "cheapest" and prices.cheapest_usd_per_hour:
        rate, basis = prices.cheapest_usd_per_hour, "cheapest offer on file (spot/marketplace included)"
    else:
        rate = prices.on_demand_usd_per_hour or prices.cheapest_usd_per_hour
        basis = ("median on-demand offer on file" if prices.on_demand_usd_per_hour else
                 "cheapest offer on file (no on-demand price)") if rate else "no price on file"
    n = req.gpu_count
    hours_pm = req.hours_per_month or (req.hours_per_day * HOURS_PER_MONTH / 24 if req.hours_per_day
                                       else HOURS_PER_MONTH * 0.5)
    util = req.utilization or (req.hours_per_day / 24 if req.hours_per_day else 0.5)
    assumptions, notes = [], []
    usd = per_m = None
    if rate:
        assumptions.append(f"${rate:.2f} per GPU-hour ({basis})")
        gh = req.gpu_hours or (req.hours * n if req.hours else None)
        if gh:
            usd = round(gh * rate, 2)
        if req.tokens_per_s:
            per_m = round(rate * n / (req.tokens_per_s * util * 3600) * 1e6, 4)
            assumptions.append(f"serving: rented around the clock, busy {util:.0%} of the time"
                               + (f" ({req.hours_per_day:g} h/day)" if req.hours_per_day and not req.utilization else ""))
    else:
        notes.append(f"No rental price on file for {gpu.name}; pass --usd-per-gpu-hour.")
    purchase = (req.purchase_usd_per_gpu or prices.purchase_usd)
    kwh = req.usd_per_kwh or electricity_usd_per_kwh()
    power = None
    watts = req.power_w or gpu.tdp_w
    if req.owning_usd_per_month is not None:
        power = round(req.owning_usd_per_month, 2)  # the person's own figure for power and hosting
    elif watts:
        power = round(watts / 1000 * req.pue * kwh * hours_pm * n, 2)
    breakeven = None
    if purchase and rate:
        saving = rate * n * hours_pm - (power or 0)
        breakeven = round(purchase * n / saving, 1) if saving > 0 else None
        assumptions.append(f"buying: ${purchase:,.0f} per GPU; renting only the {hours_pm:.0f} h/month of use"
                           + (f" ({req.hours_per_day:g} h/day)" if req.hours_per_day and not req.hours_per_month else "")
                           + (f"; owning ${req.owning_usd_per_month:,.0f} a month (given)" if req.owning_usd_per_month
                              is not None else
                              f"; power {watts or 0:.0f} W x PUE {req.pue:g} at ${kwh:.3f}/kWh for those hours"))
        if breakeven is None:
            notes.append("At this use, renting costs less than powering a purchased GPU: buying never breaks even.")
        notes.append("Buying also needs a host, networking, space and staff; break-even ignores them and resale value.")
    use_given = bool(req.hours_per_day or req.hours_per_month or req.months)
    rent_pm = round(rate * n * hours_pm, 2) if rate and use_given else None
    months = req.months
    rent_total = round(rent_pm * months, 2) if rent_pm is not None and months else None
    power_total = round(power * months, 2) if power is not None and months and purchase else None
    buy_total = round(purchase * n + (power_total or 0), 2) if purchase and months else None
    if req.hours is None and req.gpu_hours is None and req.tokens_per_s is None and not purchase and not rent_pm:
        raise AdvisorInputError("Give --hours or --gpu-hours (a run), --tokens-per-s (serving), or a purchase price.")
    return CostResult(gpu=gpu.name, gpu_count=n, usd_per_gpu_hour=rate, usd_per_hour=round(rate * n, 2) if rate else None,
                      price_basis=basis, usd=usd, usd_per_million_tokens=per_m,
                      purchase_usd=round(purchase * n, 0) if purchase else None, power_usd_per_month=power,
                      break_even_months=breakeven, hours_per_month=round(hours_pm, 1), rent_usd_per_month=rent_pm,
                      months=months, rent_usd_total=rent_total, power_usd_total=power_total, buy_usd_total=buy_total,
                      utilization=round(util, 4) if req.tokens_per_s else None, offers=prices.offers, assumptions=assumptions, notes=notes)
