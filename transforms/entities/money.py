"""Money amounts as news writes them: "$70m", "70 mln dlrs", "Rs 9,000 crore", "N6.09tn".

``find_money`` returns every amount in a text with its offsets, ISO 4217 currency (historic
codes for pre-euro currencies), bound (exact | at_least | at_most | range) and the figure in
full units. Currency words that depend on where the story is from ("dlrs" in a Toronto wire
story, "rupees", "Sh") are resolved with a ``country`` hint (ISO 3166-1 alpha-2 of the story's
place); when the hint does not settle them the currency is None rather than a guess.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from importlib import resources

from word2number import w2n


@dataclass(frozen=True)
class Money:
    amount: float
    amount_max: float | None
    bound: str  # exact | at_least | at_most | range
    currency: str | None
    text: str
    start: int
    end: int
    in_parens: bool = False  # "$11bn (£5.7bn)": the second figure is a conversion


_MULTIPLIERS: dict[str, Decimal] = {
    "thousand": Decimal(10**3),
    "k": Decimal(10**3),
    "million": Decimal(10**6),
    "millions": Decimal(10**6),
    "mln": Decimal(10**6),
    "mn": Decimal(10**6),
    "mil": Decimal(10**6),
    "m": Decimal(10**6),
    "billion": Decimal(10**9),
    "billions": Decimal(10**9),
    "bln": Decimal(10**9),
    "bn": Decimal(10**9),
    "bil": Decimal(10**9),
    "b": Decimal(10**9),
    "trillion": Decimal(10**12),
    "tn": Decimal(10**12),
    "trn": Decimal(10**12),
    "tr": Decimal(10**12),
    "crore": Decimal(10**7),
    "crores": Decimal(10**7),
    "cr": Decimal(10**7),
    "lakh": Decimal(10**5),
    "lakhs": Decimal(10**5),
    "lac": Decimal(10**5),
    "lacs": Decimal(10**5),
}

_NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred"
).split()


@functools.cache
def _lexicon() -> dict:
    """Currency lexicon (package data), loaded once per process."""
    raw = resources.files("transforms.data").joinpath("currencies.json").read_text("utf-8")
    return json.loads(raw)


def currency_codes() -> frozenset[str]:
    """The ISO 4217 codes the lexicon knows ("VND", "NGN")."""
    return frozenset(_lexicon()["iso_codes"])


@functools.cache
def _pattern() -> re.Pattern[str]:
    lex = _lexicon()
    prefixes = sorted(lex["prefix"], key=len, reverse=True)
    words = sorted(lex["words"], key=len, reverse=True)
    codes = sorted(lex["iso_codes"])
    scaled = set(lex.get("prefix_needs_scale", ()))  # Korean press "W1 trillion", "Wn4.8 billion": only with a scale

    def guard(p: str) -> str:
        if p in scaled:
            return r"(?=\s?\d[\d,.]*\s?(?:trillion|billion|million|trn|tn|bln|bn|mln|mn)\b)"
        return r"(?=\s?\d)" if p[-1].isalpha() else ""

    pre = "|".join(re.escape(p) + guard(p) for p in prefixes + codes)
    # word suffixes: "mln dlrs", "billion yen", "Canadian dlrs", "U.S. Dlrs", "USD"
    # hyphenated as Chinese state media write it: "990-million-U.S.-dollar", "5-billion-yuan"
    suf = "|".join(re.escape(w).replace(r"\ ", r"[\s-]+") for w in words + codes)
    num = r"\d{1,3}(?:,\d{2,3})+(?:\.\d+)?|\d+(?:\.\d+)?"
    wnum = r"(?:(?:{})(?:[\s-]+(?:and\s+)?(?=(?:{})\b))?)+".format(
        "|".join(_NUMBER_WORDS), "|".join(_NUMBER_WORDS)
    )
    mult_word = r"thousand|millions?|mln|mil|billions?|bln|bil|trillion|trn|crores?|lakhs?|lacs?"
    mult_short = r"mn|bn|tn|tr|cr|m|b|k"
    mult = rf"(?:[\s-]?(?:{mult_word})\b|(?:{mult_short})\b)"
    figure = rf"(?:{num}){mult}?"
    wfigure = rf"(?:\b(?:{wnum})\b|\ba\b)\s+(?:{mult_word})\b"
    rng = rf"(?:\s?(?:-|–|to)\s?(?:{pre})?\s?(?:{num}){mult}?)"
    form_a = rf"(?P<pre>{pre})\s?(?P<a_num>{figure})(?P<a_rng>{rng})?(?:\s+(?P<a_suf>{suf})\b)?"
    form_b = rf"(?P<b_num>{figure}|{wfigure})(?P<b_rng>{rng})?(?:\s+|-)(?P<suf>{suf})\b"
    form_c = r"(?P<stg>stg)\s+(?P<c_num>" + figure + r")"
    return re.compile(rf"(?<![\w$€£¥₹₦]){form_a}|(?<![\w.]){form_b}|\b{form_c}", re.IGNORECASE)


_BOUND_BEFORE = [
    (
        re.compile(
            r"(?:up\s+to|as\s+much\s+as|a\s+maximum\s+of|maximum\s+of|maximum|not\s+more\s+than|no\s+more\s+than|at\s+most)\s*$",
            re.I,
        ),
        "at_most",
    ),
    (
        re.compile(
            r"(?:more\s+than|over|exceeding|in\s+excess\s+of|at\s+least|upwards\s+of|above|minimum\s+of|a\s+minimum\s+of)\s*$",
            re.I,
        ),
        "at_least",
    ),
]


def _to_decimal(num: str) -> Decimal | None:
    try:
        return Decimal(num.replace(",", ""))
    except InvalidOperation:
        return None


def _figure_value(fig: str) -> Decimal | None:
    """Value of "70m", "1,500 crore", "seven mln", "$1.2 billion" (prefix already removed)."""
    fig = fig.strip()
    m = re.match(r"(?P<n>[\d.,]+|[a-z][a-z\s-]*?)\s?-?\s?(?P<mult>[a-z]+)?$", fig, re.I)
    if not m:
        return None
    n, mult = m.group("n"), (m.group("mult") or "").lower()
    if mult and mult not in _MULTIPLIERS:
        return None
    if n[0].isdigit():
        val = _to_decimal(n)
    elif n.strip().lower() == "a":
        val = Decimal(1)
    else:
        try:
            val = Decimal(w2n.word_to_num(n.strip()))
        except ValueError:
            return None
    if val is None:
        return None
    return val * _MULTIPLIERS.get(mult, Decimal(1))


def _resolve(token: str, country: str | None, when: datetime | None) -> str | None:
    """ISO code for a currency token given the story's country and date."""
    lex = _lexicon()
    t = re.sub(r"[\s-]+", " ", token.strip()).lower()
    code = lex["iso_codes"].get(t.upper()) if t.upper() in lex["iso_codes"] else None
    if code:
        return code
    entry = lex["prefix"].get(token.strip()) or lex["prefix"].get(t) or lex["words"].get(t)
    if entry is None:
        return None
    if isinstance(entry, str):
        return _historic(entry, when)
    # context-dependent: {"by_country": {...}, "default": ...}
    by_country = entry.get("by_country", {})
    if country and country in by_country:
        return _historic(by_country[country], when)
    if country and country in entry.get("ambiguous_in", []):
        return None
    return _historic(entry.get("default"), when) if entry.get("default") else None


def _historic(code: str | None, when: datetime | None) -> str | None:
    """Pre-redenomination codes: the bolivar before 2008 (VEB), the Turkish lira before 2005."""
    if code is None:
        return None
    if code == "VEB" and when is not None and when.year >= 2008:
        return "VES" if when.year >= 2018 else "VEF"
    if code == "TRY" and when is not None and when.year < 2005:
        return "TRL"
    return code


def _bound_before(text: str, start: int) -> str | None:
    before = text[max(0, start - 25) : start]
    for pat, bound in _BOUND_BEFORE:
        if pat.search(before):
            return bound
    return None


def find_money(text: str, country: str | None = None, when: datetime | None = None) -> list[Money]:
    """Every money amount in ``text`` with offsets, in reading order."""
    out: list[Money] = []
    if not text:
        return out
    for m in _pattern().finditer(text):
        g = m.groupdict()
        if g.get("pre") is not None:
            token, fig, rng = g["pre"], g["a_num"], g.get("a_rng")
            if g.get("a_suf") and token.strip() in ("$",) and g["a_suf"].lower() not in ("dollars", "dollar"):
                token = g["a_suf"]
            if token[-1].isalpha() and len(token.strip()) <= 2 and not _has_scale(fig):
                # "R194" / "N50" / "Sh24" need a scale word or a big figure to be money
                if len(re.sub(r"\D", "", fig)) < 4:
                    continue
        elif g.get("stg") is not None:
            token, fig, rng = "stg", g["c_num"], None
        else:
            token, fig, rng = g["suf"], g["b_num"], g.get("b_rng")
        value = _figure_value(fig)
        if value is None or value <= 0:
            continue
        amount_max = None
        bound = _bound_before(text, m.start()) or "exact"
        if rng:
            rfig = re.sub(r"^\s?(?:-|–|to)\s?", "", rng, flags=re.I)
            rfig = re.sub(r"^[^\d]+", "", rfig)
            hi = _figure_value(rfig)
            if hi is not None:
                # "$1-2 billion": the scale of the upper figure applies to the lower one
                if not _has_scale(fig) and _has_scale(rfig):
                    value = value * (hi / _figure_value(re.sub(r"[a-z\s-]+$", "", rfig, flags=re.I)))
                if hi > value:
                    amount_max, bound = float(hi), "range"
        currency = _resolve(token, country, when)
        s, e = m.start(), m.end()
        in_parens = bool(re.search(r"[(\[][^()\[\]]{0,12}$", text[max(0, s - 12) : s]))
        out.append(Money(_num(value), amount_max, bound, currency, text[s:e], s, e, in_parens))
    return out


def _has_scale(fig: str) -> bool:
    return bool(re.search(r"[a-z]$", fig.strip(), re.I))


def _num(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01")) if value != value.to_integral() else value)


def parse_amount(s: str, country: str | None = None, when: datetime | None = None) -> Money | None:
    """The first money amount in a short phrase such as "US$1.2 billion", or None."""
    found = find_money(s, country, when)
    return found[0] if found else None
