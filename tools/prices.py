"""GPU prices (tools/data/prices.json): rental per GPU-hour by provider and purchase prices, each dated
and sourced. The reference rental price is the median on-demand offer we have on file."""

from __future__ import annotations

import statistics
from functools import cache, lru_cache

from .base import record, spec
from .catalog_io import load_json

ON_DEMAND = ("on_demand",)


@record
class Price:
    usd_per_gpu_hour: float
    provider: str
    type: str
    date: str = ""
    source: str = ""
    instance: str = ""
    note: str = ""


@record
class GpuPrices:
    gpu_id: str
    on_demand_usd_per_hour: float | None = spec(None, "median on-demand offer on file")
    cheapest_usd_per_hour: float | None = spec(None, "lowest offer of any type (spot/marketplace included)")
    purchase_usd: float | None = spec(None, "typical purchase price per GPU, new (launch list price or street)")
    used_usd: float | None = spec(None, "typical second-hand price per GPU, where one is on file")
    offers: list[Price] = spec(factory=list)
    purchase_source: str = ""


@lru_cache(maxsize=1)
def _data() -> dict:
    try:
        return load_json("prices.json")
    except FileNotFoundError:
        return {"gpus": {}}


def electricity_usd_per_kwh() -> float:
    return float(_data().get("electricity_usd_per_kwh_default", 0.15))


@cache
def gpu_prices(gpu_id: str) -> GpuPrices:
    raw = _data().get("gpus", {}).get(gpu_id, {})
    offers = [Price(**{k: v for k, v in r.items() if k in Price.__dataclass_fields__})
              for r in raw.get("rent", []) if r.get("usd_per_gpu_hour")]
    on_demand = [o.usd_per_gpu_hour for o in offers if o.type in ON_DEMAND]
    purchase = [p for p in raw.get("purchase", []) if p.get("usd") and p.get("kind") != "used"]
    used = [p["usd"] for p in raw.get("purchase", []) if p.get("usd") and p.get("kind") == "used"]
    return GpuPrices(
        gpu_id=gpu_id,
        on_demand_usd_per_hour=round(statistics.median(on_demand), 2) if on_demand else None,
        cheapest_usd_per_hour=min((o.usd_per_gpu_hour for o in offers), default=None),
        purchase_usd=statistics.median(p["usd"] for p in purchase) if purchase else None,
        used_usd=statistics.median(used) if used else None,
        offers=offers,
        purchase_source=purchase[0].get("source", "") if purchase else "",
    )

