"""Countries of a deal: where the money goes (target) and where the investor is from.

Read from the deal sentence first (a country word modifying the actor, a place after the trigger),
then from the headline, tickers, "X-based" phrases, the next lead sentences, the dateline and,
last, the currency. Null when none of these settles it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from transforms.deals.cues import find_triggers
from transforms.deals.lead import Candidate, Story
from transforms.deals.roles import party_places
from transforms.entities.countries import city_country, find_countries, place_country, ticker_country
from transforms.entities.money import Money
from transforms.entities.orgs import NameRun, name_runs

_BASED = re.compile(r"\b(?P<place>[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2})[-\s](?:based|headquartered)\b")
_APPOSITIVE = r"\b(?:\s*\([^)]{0,30}\))?,\s+(?:an?|the)\s+"  # "Acme (ACM), a ..." right after the name
# up to three words between a country word and the name it describes, none a preposition:
# "India's truck and car-maker Acme", "Indonesian FinTech Pelora"; not "the Indian unit of Acme"
_MODIFIER_WORDS = r"(?:(?!(?:of|in|for|to|from|by|with|at|on)\b)(?:[a-z-]+|[A-Z][a-z]+[A-Z][A-Za-z]*)[ \t]+){0,3}"
_THE_DEMONYM = re.compile(
    r"\b[Tt]he\s+(?P<dem>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\s+(?:firm|company|group|carmaker|automaker|car\s+maker|bank|giant|"
    r"brewer|maker|conglomerate|investor|concern|multinational|producer|manufacturer|chain|operator|insurer|fund)\b"
)


_STATE_ABBREV = re.compile(
    r"\b[A-Z][a-z]+,\s+(?:N\.J|Mass|Conn|Calif|Fla|Mich|Minn|Tex|Ariz|Colo|Wis|Okla|Tenn|N\.Y|N\.C|S\.C|N\.H|Ohio|Ind)\b"
)
_CURRENCY_COUNTRY = {
    "USD": "US", "GBP": "GB", "JPY": "JP", "INR": "IN", "PKR": "PK", "NGN": "NG", "ZAR": "ZA", "CAD": "CA", "AUD": "AU",
    "CNY": "CN", "KES": "KE", "MYR": "MY", "SAR": "SA", "AED": "AE", "VEB": "VE", "LKR": "LK", "BDT": "BD", "EGP": "EG",
    "IDR": "ID", "PHP": "PH", "THB": "TH", "VND": "VN", "KRW": "KR", "TRY": "TR", "BRL": "BR", "MXN": "MX", "RUB": "RU",
    "CHF": "CH", "SEK": "SE", "NOK": "NO", "DKK": "DK", "FRF": "FR", "DEM": "DE", "ITL": "IT", "ESP": "ES", "NLG": "NL",
    "BEF": "BE", "GHS": "GH", "TZS": "TZ", "UGX": "UG",
}  # fmt: skip


def based_country(text: str, name: str) -> str | None:
    """Where a named party is based: "Acme, based in Singapore", "X is a Bermuda-based", "Leuven-based X"."""
    w = re.escape(name)
    pats = (
        w + r"\b[^.;]{0,40}?\bbased\s+in\s+(?P<place>[A-Z][\w.]+(?:\s+[A-Z][\w.]+)?)",
        w
        + r"\b[^.;]{0,40}?\b(?:is|was|as)\s+an?\s+(?P<place>[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)[-\s](?:based|headquartered)",
        w + _APPOSITIVE + r"(?:[\w-]+\s+){0,3}?(?P<place>[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)-(?:based|headquartered)\b",
        w + r"\b[^.;]{0,40}?\b(?:was|is|were)\s+(?:founded|headquartered|incorporated)\s+in\s+"
        r"(?P<place>[A-Z][\w.]+(?:\s+[A-Z][\w.]+)?)",
        r"(?P<place>[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)-(?:based|headquartered)\s+(?:[\w-]+\s+){0,4}?"
        + w
        + r"\b",
    )
    for pat in pats:
        for m in re.finditer(pat, text):
            cc = place_code(m.group("place"))
            if cc:
                return cc
    return None


# exchange -> country, for listings written "(SGX: ABC)"; ambiguous codes (NSE: India, Nigeria, Nairobi) left out
_LISTING_COUNTRY = {"NYSE": "US", "NASDAQ": "US", "Nasdaq": "US", "AMEX": "US", "LSE": "GB", "AIM": "GB",
                    "TSX": "CA", "TSXV": "CA", "CSE": "CA", "ASX": "AU", "NZX": "NZ", "SGX": "SG", "JSE": "ZA",
                    "BSE": "IN", "HKEX": "HK", "HKSE": "HK", "SEHK": "HK", "HKG": "HK", "TYO": "JP", "TSE": "JP",
                    "KRX": "KR", "KOSDAQ": "KR", "KOSPI": "KR", "SIX": "CH", "EPA": "FR", "ETR": "DE", "FRA": "DE",
                    "XETRA": "DE", "BIT": "IT", "BME": "ES", "AMS": "NL", "STO": "SE", "CPH": "DK", "HEL": "FI",
                    "KLSE": "MY", "IDX": "ID", "PSE": "PH", "SET": "TH", "TASE": "IL", "TADAWUL": "SA",
                    "DFM": "AE", "ADX": "AE", "EGX": "EG", "NGX": "NG", "BMV": "MX", "SSE": "CN", "SZSE": "CN",
                    "TWSE": "TW", "PSX": "PK", "DSE": "BD"}  # fmt: skip


def listed_country(text: str, name: str) -> str | None:
    """The country of the exchange a party is listed on as the story writes it: "Acme (SGX: ABC)"."""
    m = re.search(re.escape(name) + r"\b[^()\n]{0,40}?\(\s*(?P<ex>[A-Za-z]{2,8})\s*:\s*[A-Z0-9.]{1,8}\s*\)", text)
    return _LISTING_COUNTRY.get(m.group("ex")) or _LISTING_COUNTRY.get(m.group("ex").upper()) if m else None


def local_unit_of(text: str, first: str, code: str) -> bool:
    """The party also appears as its local unit in country ``code``: "Acme Nigeria plc",
    "Acme South Africa", "Acme Motor Manufacturing Indonesia". A group naming a unit after the
    country it invests in is a foreign group there (LABELS.md: the parent's FDI)."""
    if not first or not code:
        return False
    for m in re.finditer(r"\b" + re.escape(first) + r"((?:[ \t]+[A-Z][\w&.-]*){1,4})", text):
        for c in find_countries(m.group(1)):
            if c.code == code and c.kind != "demonym":
                return True
    return False


def described_country(text: str, name: str) -> str | None:
    """Where the story says a party is from, at any of its mentions: ``based_country``, then a
    country word before its name ("Indonesian fintech Pelora", "India's car-maker Acme") or in
    its appositive ("Pelora, an Indonesian fintech, ...")."""
    cc = based_country(text, name)
    if cc:
        return cc
    w = re.escape(name)
    for m in re.finditer(r"\b(?P<dem>[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+)?)(?:['’]s)?[ \t]+" + _MODIFIER_WORDS + w + r"\b", text):
        cc = _demonym(m.group("dem"))
        if cc:
            return cc
    # "<Kelso Corp>, a California-based maker": a Reuters bracket may close the name; a place may be
    # "-based" or a US wire's "City, St.,"
    for m in re.finditer(w + r">?" + _APPOSITIVE.removeprefix(r"\b") + r"(?:the\s+)?(?:[a-z-]+\s+){0,2}?(?P<dem>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)"
                         r"(?P<based>-based\b|,\s+[A-Z][a-z]{1,4}\.,)?", text):  # "a Lowell, Mass., producer"
        cc = _demonym(m.group("dem")) or (place_code(m.group("dem")) if m.group("based") else None)
        if cc:
            return cc
    # "Acme, Singapore's sovereign wealth fund", "<Acme Co> of the United States"
    m = re.search(w + r"\b(?:\s*\([^)]{0,30}\))?,\s+(?P<place>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)['’]s\s", text)
    if m and place_code(m.group("place")):
        return place_code(m.group("place"))
    m = re.search(w + r"(?:\s+[A-Z][\w.&]*){0,3}>?\s+of\s+(?:the\s+)?(?P<place>[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2})\b", text)
    if m:
        found = find_countries(m.group("place"))
        if found and found[0].start == 0 and found[0].kind != "demonym":
            return found[0].code
    return None


@dataclass(frozen=True)
class _Deal:
    """What every investor-country strategy reads."""

    story: Story
    cand: Candidate
    inv: NameRun | None
    target_cc: str | None
    kind: str
    money: Money | None

    @property
    def inv_in_sentence(self) -> bool:
        return self.inv is not None and self.cand.span.start <= self.inv.start < self.cand.span.end

    @property
    def first_word(self) -> str:
        inv = self.inv
        return (inv.words[0] if inv.words else inv.text.split()[0]) if inv is not None else ""


def investor_country(
    story: Story, cand: Candidate, inv: NameRun | None, target_cc: str | None, kind: str, money: Money | None
) -> str | None:
    """The investor's country: the first strategy, in order of how closely it ties a place to the
    investor (its own modifiers, the parse, the headline, its other mentions), then story-level
    fallbacks (wire dateline, the currency, the one other country of the story)."""
    deal = _Deal(story, cand, inv, target_cc, kind, money)
    for strategy in _STRATEGIES:
        cc = strategy(deal)
        if cc:
            return cc
    return None


def investor_country_votes(
    story: Story, cand: Candidate, inv: NameRun | None, target_cc: str | None, kind: str, money: Money | None
) -> list[tuple[str, str]]:
    """Every strategy's answer, in cascade order, as (strategy name, country): what the
    investor-country ranker (investor_country_rank.py) reads instead of the first answer alone."""
    deal = _Deal(story, cand, inv, target_cc, kind, money)
    votes = []
    for strategy in _STRATEGIES:
        cc = strategy(deal)
        if cc:
            votes.append((strategy.__name__.lstrip("_"), cc))
    return votes


def _investor_own_name(d: _Deal) -> str | None:
    """A country in the investor's own name that is not the target's: "Acme Motor Company Japan"
    building in Pakistan (a local unit, "Acme South Africa" in South Africa, says nothing)."""
    if d.inv is None:
        return None
    for c in find_countries(d.inv.text):
        if c.code != d.target_cc:
            return c.code
    return None


def _investor_listing(d: _Deal) -> str | None:
    """The exchange the investor is listed on: "Acme Technologies (SGX: ABC) agreed to acquire ..."."""
    return listed_country(d.story.text, d.first_word) if d.inv is not None else None


def _investor_modifiers(d: _Deal) -> str | None:
    """A country word modifying the investor in the deal sentence: "Italy's Acme", "German car maker Bolt"."""
    if not d.inv_in_sentence:
        return None
    text, sp, inv = d.story.text, d.cand.span, d.inv
    mid = text[inv.end : sp.start + d.cand.trigger.start]
    for m in _THE_DEMONYM.finditer(mid):
        cc = _demonym(m.group("dem"))
        if cc:
            return cc  # "Acme's Mexico unit said the German carmaker plans to invest"
    head = text[max(sp.start, inv.start - 110) : inv.start]
    for c in reversed(find_countries(head)):
        if re.search(r"\b(?:of|in|to|from|at|for|with|on|into|its|their)\s+(?:the\s+)?$", head[: c.start]):
            continue
        if re.search(r"[.;]|\b(?:said|has|is|was|will|and)\b", head[c.end :]):
            continue
        return c.code
    m = re.search(r"(?P<place>[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2})['’]s\s+(?:[a-z-]+\s+){0,3}$", head)
    if m:
        cc = place_code(m.group("place"))  # "Abu Dhabi's Qasr Holding", "Lagos's Acme"
        if cc:
            return cc
    m = _BASED.search(head)
    if m:
        cc = place_code(m.group("place"))
        if cc:
            return cc
    if inv.ticker:
        cc = ticker_country(inv.ticker)
        if cc and (inv.ticker.find(".") > 0 or d.story.wire):
            return cc
    return None


def _parse_places(d: _Deal) -> str | None:
    """The parse ties a place to the party ("X of Japan", "X, a Chinese firm")."""
    if not d.inv_in_sentence:
        return None
    sp = d.cand.span
    for place in party_places(d.story.text, sp.start, sp.end, d.inv.start, d.inv.end):
        cc = _demonym(place) or place_code(place)
        if cc:
            return cc
    return None


def _headline_country(d: _Deal) -> str | None:
    """The headline before its trigger: "ITALY'S ACME PETROLI BUYS STAKE", "Saudi group to invest"."""
    title = d.story.title
    trig_pos = _title_trigger_pos(title) if title else None
    if not title or trig_pos is None:
        return None
    for c in find_countries(title[:trig_pos], caps=title.isupper()):
        if c.code != d.target_cc and not re.search(r"\b(?:in|to|into)\s+(?:the\s+)?$", title[: c.start], re.I):
            return c.code
    return None


def _investor_mentions(d: _Deal) -> str | None:
    """The investor's other mentions: a foreign ticker, "X-based", a demonym before its name."""
    if d.inv is None:
        return None
    text, first = d.story.text, d.first_word
    for r in name_runs(text):
        if r.ticker and r.words and r.words[0] == first and "." in r.ticker:
            cc = ticker_country(r.ticker)
            if cc:
                return cc
    return described_country(text, first)


def _story_demonym(d: _Deal) -> str | None:
    """"the German carmaker" anywhere, if not the target's country."""
    for m in _THE_DEMONYM.finditer(d.story.text):
        cc = _demonym(m.group("dem"))
        if cc and cc != d.target_cc:
            return cc
    return None


def _the_based_actor(d: _Deal) -> str | None:
    """"The Tokyo-based company said ...": a based-phrase as a clause subject."""
    for m in re.finditer(
        r"\b[Tt]he\s+(?P<place>[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)-based\s+(?:[a-z]+\s+){0,2}(?:said|has|is|will)\b",
        d.story.text,
    ):
        cc = place_code(m.group("place"))
        if cc:
            return cc
    return None


def _headline_ticker(d: _Deal) -> str | None:
    """Wire headline ticker: "ACME <ACM> TO ACQUIRE MAJOR PASTA MAKER"."""
    if d.inv is None or not d.story.title:
        return None
    m = re.search(re.escape(d.first_word.upper()) + r"[\w\s.&]{0,20}?<(?P<t>[A-Z0-9.]{1,10})>", d.story.title.upper())
    if m:
        cc = ticker_country(m.group("t"))
        if cc and ("." in m.group("t") or d.story.wire):
            return cc
    return None


def _wire_dateline(d: _Deal) -> str | None:
    return d.story.dateline_country if d.story.wire and d.story.dateline_country else None


def _own_currency(d: _Deal) -> str | None:
    """A plan stated in the target country's own currency: a domestic investor."""
    m = d.money
    if m is not None and m.currency not in (None, "USD", "EUR") and _CURRENCY_COUNTRY.get(m.currency) == d.target_cc:
        return d.target_cc
    return None


def _remote_dateline(d: _Deal) -> str | None:
    """Reported from the investor's home ("RIYADH: ... to acquire a UAE firm")."""
    dc = d.story.dateline_country
    if not d.story.wire and dc and d.target_cc and dc != d.target_cc:
        return dc
    return None


def _other_country(d: _Deal) -> str | None:
    """A foreign investor's home is the one other country the story talks about; none: domestic."""
    text, sp, target_cc = d.story.text, d.cand.span, d.target_cc
    counts = Counter(c.code for c in find_countries(text) if c.code != target_cc)
    if d.kind in ("invest", "build", "joint_venture") and counts and target_cc:
        code, n = counts.most_common(1)[0]
        if len(counts) == 1 or n >= 2 * sorted(counts.values())[-2]:
            return code
    named_target_nationality = d.kind in ("acquisition", "stake") and any(
        c.kind == "demonym" for c in find_countries(text[sp.start + d.cand.trigger.end : sp.end])
    )
    if not counts and target_cc and not named_target_nationality:
        return target_cc  # nothing foreign in the story: a domestic deal
    return None


_STRATEGIES: tuple[Callable[[_Deal], str | None], ...] = (
    _investor_own_name, _investor_modifiers, _parse_places, _investor_listing, _headline_country, _investor_mentions, _story_demonym,
    _the_based_actor, _headline_ticker, _wire_dateline, _own_currency, _remote_dateline, _other_country,
)


def _title_trigger_pos(title: str) -> int | None:
    trigs = find_triggers(title)
    return trigs[0].start if trigs else None


def place_code(place: str) -> str | None:
    cc = place_country(place) or _demonym(place)
    if cc is None:
        cc = city_country(place, 50000)
    return cc


def _demonym(word: str) -> str | None:
    cs = find_countries(word)
    return cs[0].code if cs and cs[0].start == 0 else None


def target_country_fallback(
    story: Story, cand: Candidate, target: NameRun | None, money: Money | None
) -> str | None:
    text = story.text
    if target is not None:
        near = text[target.end : target.end + 80]
        m = re.match(r"^[^.;]{0,60}?(?:\bof\s+|\bin\s+)(?P<w>[A-Z][\w.]+(?:\s+[A-Z][\w.]+)?)", near)
        if m:
            cc = place_code(m.group("w"))
            if cc:
                return cc
        if target.ticker:
            cc = ticker_country(target.ticker)
            if cc and ("." in target.ticker or story.wire):
                return cc
        cc = based_country(text, target.words[0] if target.words else target.text)
        if cc:
            return cc
    title = story.title
    if title:
        tcaps = title.isupper()
        pos = _title_trigger_pos(title)
        tcs = find_countries(title, caps=tcaps)
        after = [c for c in tcs if pos is not None and c.start >= pos]
        if after:
            return after[0].code
        if pos is None and tcs:
            return tcs[-1].code
    # the next sentences of the lead: "at the Oxford factory", "a Lowell, Mass., producer"
    for j in range(cand.index + 1, min(cand.index + 3, len(story.sentences))):
        s = story.sentences[j].of(text)
        cs = [c for c in find_countries(s) if c.kind != "demonym"]
        if cs:
            return cs[0].code
        if _STATE_ABBREV.search(s):
            return "US"
        for m in re.finditer(r"\b(?:in|at|near)\s+(?:the\s+|its\s+)?(?P<city>[A-Z][a-z]+)", s):
            cc = city_country(m.group("city"), 100000)
            if cc:
                return cc
    if not story.wire and story.dateline_country:
        return story.dateline_country
    if money is not None and money.currency in _CURRENCY_COUNTRY:
        return _CURRENCY_COUNTRY[money.currency]
    return story.dateline_country
