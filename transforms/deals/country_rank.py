"""Which country is the target's: every country the story names, scored by a fitted ranker.

The rules (``countries.target_country_fallback`` after ``target.deal_target``'s place) walk a fixed
cascade: a place tied to the target, the headline after its trigger, the next sentences, the
dateline and, last, the currency. Each step is right often enough to keep and wrong often enough
to hurt ("$80m" makes a London fintech American). Here every country of the headline, the deal
sentence, the next sentences, the dateline and the currency is a candidate with named features
(where it is named, how it is tied to the target or the investor, how often the story names it,
whether the cascade picked it) and ``transforms/data/ranker_target_country.json`` (fitted by
``make train``) scores them; below the ranker's threshold the row has no target country.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from transforms.deals.countries import (
    _CURRENCY_COUNTRY,
    _title_trigger_pos,
    based_country,
    described_country,
    listed_country,
    place_code,
)
from transforms.deals.lead import Candidate, Story
from transforms.entities.countries import (
    EXCHANGE,
    EXCHANGE_COUNTRY,
    city_country,
    find_countries,
    ticker_country,
)
from transforms.entities.money import Money, find_money
from transforms.entities.orgs import NameRun

NEXT_SENTENCES = 3  # sentences after the deal sentence that may place the target
_TO_IN = re.compile(r"\b(?:in|into|to|at|for)\s+(?:the\s+|its\s+)?$", re.I)
_FROM_OF = re.compile(r"\b(?:from|by|of)\s+(?:the\s+)?$", re.I)
_CITY_AFTER = re.compile(r"\b(?:in|at|near)\s+(?:the\s+|its\s+)?(?P<city>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)")




@dataclass(frozen=True)
class CountryCandidate:
    code: str
    features: dict[str, float]


def _bump(feats: dict[str, dict[str, float]], code: str | None, name: str, value: float = 1.0) -> None:
    if code:
        f = feats.setdefault(code, {})
        f[name] = max(f.get(name, 0.0), value)


def country_candidates(story: Story, cand: Candidate, target: NameRun | None, money: Money | None,
                       place_cc: str | None, rule_cc: str | None, investor_cc: str | None,
                       investor: NameRun | None = None) -> list[CountryCandidate]:
    """Every country the deal's neighbourhood names, in order of first mention, with its features.

    ``rule_cc`` is the cascade's answer and ``investor_cc`` the investor's country read with it,
    so the ranker starts from the rules and learns when a domestic deal is likely.
    """
    text = story.text
    sp = cand.span
    trig_at = sp.start + cand.trigger.start
    feats: dict[str, dict[str, float]] = {}
    order: list[str] = []

    def seen(code: str | None) -> None:
        if code and code not in order:
            order.append(code)

    # the deal sentence: before or after the trigger, after "in/to" or "from/of", a demonym
    for c in find_countries(text[sp.start : sp.end]):
        at = sp.start + c.start
        seen(c.code)
        side = "sent_after_trigger" if at >= trig_at else "sent_before_trigger"
        _bump(feats, c.code, side)
        _bump(feats, c.code, f"sent_{c.kind}")
        before = text[max(sp.start, at - 14) : at]
        if _TO_IN.search(before):
            _bump(feats, c.code, "sent_after_in_to")
        if _FROM_OF.search(before):
            _bump(feats, c.code, "sent_after_from_of")
        if target is not None and 0 <= target.start - (sp.start + c.end) <= 40:
            _bump(feats, c.code, "modifies_target")  # "Indonesian FinTech Pelora", "UK's Acme"
    for m in _CITY_AFTER.finditer(text, trig_at, sp.end):
        cc = city_country(m.group("city"), 100000)
        seen(cc)
        _bump(feats, cc, "sent_city_after_trigger")
    # tied to the target's name
    if target is not None:
        near = text[target.end : target.end + 80]
        m = re.match(r"^[^.;]{0,60}?(?:\bof\s+|\bin\s+)(?P<w>[A-Z][\w.]+(?:\s+[A-Z][\w.]+)?)", near)
        if m:
            cc = place_code(m.group("w"))
            seen(cc)
            _bump(feats, cc, "target_of_in")
        if target.ticker:
            cc = ticker_country(target.ticker)
            if cc and ("." in target.ticker or story.wire):
                seen(cc)
                _bump(feats, cc, "target_ticker")
        first = target.words[0] if target.words else target.text
        cc = based_country(text, first)
        seen(cc)
        _bump(feats, cc, "target_based")
        cc = described_country(text, first)
        seen(cc)
        _bump(feats, cc, "target_described")  # any mention: "Indonesian fintech X", "X was founded in Dubai"
        cc = listed_country(text, first)
        seen(cc)
        _bump(feats, cc, "target_listed")
        for c in find_countries(target.text):
            seen(c.code)
            _bump(feats, c.code, "in_target_name")  # "Acme Kenya", "Bank of Ghana"
        cc = city_country(first, 1000000) if first[:1].isupper() else None
        seen(cc)
        _bump(feats, cc, "in_target_name")  # "London Evening Courier"
    for i in sorted(set(story.lead) | {cand.index}):
        sp_i = story.sentences[i]
        for m in find_money(sp_i.of(text), story.money_country, story.published_at):
            cc = _CURRENCY_COUNTRY.get(m.currency or "") if m.currency not in (None, "USD", "EUR") else None
            seen(cc)
            _bump(feats, cc, "lead_currency_own")  # "Rs 1,002 crore (approximately $120 million)"
    if investor is not None:
        for c in find_countries(investor.text):
            seen(c.code)
            _bump(feats, c.code, "in_investor_name")  # "Acme Motor Company Japan": the investor's, not the target's
    # the headline
    title = story.title or ""
    if title:
        pos = _title_trigger_pos(title)
        for c in find_countries(title, caps=title.isupper()):
            seen(c.code)
            if pos is None:
                _bump(feats, c.code, "title_no_trigger")
            elif c.start >= pos:
                _bump(feats, c.code, "title_after_trigger")
            else:
                _bump(feats, c.code, "title_before_trigger")
            if _TO_IN.search(title[max(0, c.start - 14) : c.start]):
                _bump(feats, c.code, "title_after_in_to")
    # the next sentences and the lead
    for k, j in enumerate(range(cand.index + 1, min(cand.index + 1 + NEXT_SENTENCES, len(story.sentences)))):
        s = story.sentences[j]
        for c in find_countries(s.of(text)):
            seen(c.code)
            _bump(feats, c.code, "next_sentence", 1.0 - k / NEXT_SENTENCES)
        for m in _CITY_AFTER.finditer(text, s.start, s.end):
            cc = city_country(m.group("city"), 100000)
            seen(cc)
            _bump(feats, cc, "next_city", 1.0 - k / NEXT_SENTENCES)
    counts, lead_counts = mention_counts(story)
    for s in story.sentences:
        for m in EXCHANGE.finditer(s.of(text)):
            cc = EXCHANGE_COUNTRY[m.group(0)]
            seen(cc)
            _bump(feats, cc, "exchange")  # "a TSE Mothers-listed company", "RNS Number"
    for code in counts:
        seen(code)  # named only further down the story
    # story-level places and the currency
    dc = story.dateline_country
    seen(dc)
    _bump(feats, dc, "dateline_wire" if story.wire else "dateline")
    cur = money.currency if money is not None else None
    cur_cc = _CURRENCY_COUNTRY.get(cur or "")
    if cur_cc:
        seen(cur_cc)
        _bump(feats, cur_cc, "currency_usd" if cur == "USD" else "currency_own")
    seen(place_cc)
    _bump(feats, place_cc, "target_place")
    seen(rule_cc)
    _bump(feats, rule_cc, "rule_pick")
    _bump(feats, investor_cc, "investor_country")
    out = with_mentions(order, feats, counts, lead_counts)
    for c in out:
        if investor_cc and c.code == investor_cc:
            c.features["domestic_" + cand.trigger.kind] = 1.0
    return out


def mention_counts(story: Story) -> tuple[dict[str, int], dict[str, int]]:
    """How often each country is named in the story, and in its lead."""
    lead = set(story.lead)
    counts: dict[str, int] = {}
    lead_counts: dict[str, int] = {}
    for j, s in enumerate(story.sentences):
        for c in find_countries(s.of(story.text)):
            counts[c.code] = counts.get(c.code, 0) + 1
            if j in lead:
                lead_counts[c.code] = lead_counts.get(c.code, 0) + 1
    return counts, lead_counts


def with_mentions(order: list[str], feats: dict[str, dict[str, float]], counts: dict[str, int],
                  lead_counts: dict[str, int]) -> list[CountryCandidate]:
    """The candidates in naming order, each with the story-level features both country rankers read."""
    total = sum(counts.values()) or 1
    out = []
    for rank, code in enumerate(order):
        f = dict(feats.get(code, {}))
        n = counts.get(code, 0)
        f["mentions"] = math.log1p(n) / math.log1p(20)
        f["mention_share"] = n / total
        f["in_lead"] = 1.0 if lead_counts.get(code) else 0.0
        f["first_named"] = 1.0 if rank == 0 else 0.0
        f["only_country"] = 1.0 if len(order) == 1 else 0.0
        out.append(CountryCandidate(code, f))
    return out


def ranked_target_country(cands: list[CountryCandidate]) -> str | None:
    """The shipped ranker's pick among the candidates (None below its threshold)."""
    from transforms.deals.ranker import load_ranker

    best, _ = load_ranker("target_country").best(cands, lambda c: c.features)
    return best.code if best is not None else None
