"""Exchange rates on file (tools/data/exchange_rates.json), for comparing an amount a person gave in another currency
with the dollar prices on file. Every use says the rate and its date; a rate the person gives wins."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .catalog_io import load_json


@dataclass(frozen=True)
class Rate:
    currency: str  # ISO code: "CNY", "EUR", "JPY"
    per_usd: float  # units of the currency per US dollar
    date: str  # when the rate was quoted (ISO date); "" for a rate the person gave
    source: str  # where it is from; "" for a rate the person gave

    @property
    def said(self) -> bool:
        return not self.date


@cache
def _on_file() -> dict[str, Rate]:
    return {r["currency"]: Rate(r["currency"], float(r["per_usd"]), r["date"], r["source"])
            for r in load_json("exchange_rates.json")["rates"]}


def rate(currency: str | None, said_per_usd: float | None = None) -> Rate | None:
    """The rate to use for `currency`: the person's own (`said_per_usd`) when given, else the one on file, else None."""
    if not currency or currency == "USD":
        return None
    if said_per_usd and said_per_usd > 0:
        return Rate(currency, said_per_usd, "", "")
    return _on_file().get(currency)


def to_usd(amount: float, r: Rate) -> float:
    return amount / r.per_usd
