"""Which country is the investor's: every country tied to the investor, scored by a fitted ranker.

The rules (``countries.investor_country``) walk a cascade of eleven strategies and keep the first
answer: a country word modifying the investor, the parse's places of the party, the headline
before its trigger, the investor's other mentions, a story-level demonym, ... the one other
country of the story. Each is right often enough to keep and wrong often enough to hurt (a
dateline or a headline country taken for the investor's). Here every country any strategy names,
plus the countries of the deal sentence, the investor's own name, the headline, the dateline and
the currency, is a candidate with named features (which strategies vote for it, where it is
named relative to the investor and the trigger, whether it is the target's country, how often
the story names it) and ``transforms/data/ranker_investor_country.json`` (fitted by ``make
train``) scores them; below the ranker's threshold the row has no investor country.
"""

from __future__ import annotations

import re

from transforms.deals.countries import (
    _CURRENCY_COUNTRY,
    _title_trigger_pos,
    investor_country_votes,
    listed_country,
)
from transforms.deals.country_rank import (
    CountryCandidate,
    _bump,
    mention_counts,
    with_mentions,
)
from transforms.deals.lead import Candidate, Story
from transforms.entities.countries import EXCHANGE, EXCHANGE_COUNTRY, find_countries
from transforms.entities.money import Money
from transforms.entities.orgs import NameRun

_TO_IN = re.compile(r"\b(?:in|into|to|at|for)\s+(?:the\s+|its\s+)?$", re.I)
_FROM_OF = re.compile(r"\b(?:from|by|of)\s+(?:the\s+)?$", re.I)
NEAR = 110  # characters before the investor that may hold its own modifiers ("Japan's", "German")


def investor_country_candidates(
    story: Story,
    cand: Candidate,
    inv: NameRun | None,
    target_cc: str | None,
    kind: str,
    money: Money | None,
    target: NameRun | None = None,
) -> list[CountryCandidate]:
    """Every country tied to the investor, in order of first naming, with its features.

    ``kind`` is the deal's kind before the FDI split (``invest``/``build`` stay as they are: the
    split reads this answer), so the ranker learns how often each kind's investor is domestic.
    """
    text = story.text
    sp = cand.span
    trig_at = sp.start + cand.trigger.start
    feats: dict[str, dict[str, float]] = {}
    order: list[str] = []

    def seen(code: str | None) -> None:
        if code and code not in order:
            order.append(code)

    votes = investor_country_votes(story, cand, inv, target_cc, kind, money)
    for name, code in votes:
        seen(code)
        _bump(feats, code, f"vote_{name}")
    _bump(feats, votes[0][1] if votes else None, "rule_pick")
    for code in {c for _, c in votes}:
        _bump(feats, code, "votes", min(sum(1 for _, c in votes if c == code), 4) / 4)
    inv_in_sentence = inv is not None and sp.start <= inv.start < sp.end
    # the investor's own name: "Qatar Investment Authority", "Bank of Japan", "Saudi Aramco"
    if inv is not None:
        for c in find_countries(inv.text):
            seen(c.code)
            _bump(feats, c.code, "in_investor_name")
        first = inv.words[0] if inv.words else inv.text.split()[0]
        cc = listed_country(text, first)
        seen(cc)
        _bump(feats, cc, "investor_listed")  # "Acme (SGX: ABC)"
    for s in story.sentences:
        for m in EXCHANGE.finditer(s.of(text)):
            cc = EXCHANGE_COUNTRY[m.group(0)]
            seen(cc)
            _bump(feats, cc, "exchange")  # a filing "with the Tokyo Stock Exchange" is usually the buyer's
    # the deal sentence: before the investor, between it and the trigger, after the trigger
    for c in find_countries(text[sp.start : sp.end]):
        at = sp.start + c.start
        seen(c.code)
        before = text[max(sp.start, at - 14) : at]
        if inv_in_sentence and inv.start - NEAR <= at < inv.start:
            _bump(feats, c.code, "sent_before_investor")
        elif inv_in_sentence and inv.end <= at < trig_at:
            _bump(feats, c.code, "sent_investor_to_trigger")
        elif at >= trig_at:
            _bump(feats, c.code, "sent_after_trigger")
        else:
            _bump(feats, c.code, "sent_before_trigger")
        _bump(feats, c.code, f"sent_{c.kind}")
        if _TO_IN.search(before):
            _bump(feats, c.code, "sent_after_in_to")
        if _FROM_OF.search(before):
            _bump(feats, c.code, "sent_after_from_of")
        if target is not None and 0 <= target.start - (sp.start + c.end) <= 40:
            _bump(feats, c.code, "modifies_target")  # "Spanish parts maker Ferrosa": the target's
    # the headline
    title = story.title or ""
    if title:
        pos = _title_trigger_pos(title)
        for c in find_countries(title, caps=title.isupper()):
            seen(c.code)
            if pos is None:
                _bump(feats, c.code, "title_no_trigger")
            elif c.start < pos:
                _bump(feats, c.code, "title_before_trigger")
            else:
                _bump(feats, c.code, "title_after_trigger")
            if _TO_IN.search(title[max(0, c.start - 14) : c.start]):
                _bump(feats, c.code, "title_after_in_to")
    # the story's mentions, the dateline, the currency, the target's country
    counts, lead_counts = mention_counts(story)
    for code in counts:
        seen(code)
    dc = story.dateline_country
    seen(dc)
    _bump(feats, dc, "dateline_wire" if story.wire else "dateline")
    cur = money.currency if money is not None else None
    cur_cc = _CURRENCY_COUNTRY.get(cur or "")
    if cur_cc:
        seen(cur_cc)
        _bump(feats, cur_cc, "currency_usd" if cur == "USD" else "currency_own")
    seen(target_cc)
    out = with_mentions(order, feats, counts, lead_counts)
    for c in out:
        f = c.features
        if inv is None:
            f["no_investor"] = 1.0
        if not any(k.startswith("vote_") for k in f):
            f["no_vote"] = 1.0  # no cascade strategy ties it to the investor
        if target_cc and c.code == target_cc:
            f["is_target_country"] = 1.0
            f["domestic_" + kind] = 1.0
    return out


def ranked_investor_country(cands: list[CountryCandidate]) -> str | None:
    """The shipped ranker's pick among the candidates (None below its threshold)."""
    from transforms.deals.ranker import load_ranker

    best, _ = load_ranker("investor_country").best([c for c in cands if not _targets_own(c)], lambda c: c.features)
    return best.code if best is not None else None


def _targets_own(c: CountryCandidate) -> bool:
    """A country named only as the target's ("Spanish parts maker Ferrosa"), which no strategy ties
    to the investor: LABELS.md gives the investor's country, so it is never the answer."""
    f = c.features
    return bool(f.get("modifies_target")) and bool(f.get("no_vote")) and not f.get("in_investor_name")
