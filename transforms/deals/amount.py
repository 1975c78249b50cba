"""The amount of a deal: the first committed sum in the deal sentence, else one nearby about the
same party; per-share prices, sales and profit figures and conversions in parentheses are skipped.
"""

from __future__ import annotations

import re

from transforms.deals.cues import cue_hits
from transforms.deals.lead import Candidate, Story
from transforms.entities.money import Money, find_money

# a price per share, not the deal's sum: "40 euros ($51) per share", "$3.10 per stapled security"
PER_SHARE = re.compile(r"\s*(?:\([^)]{0,30}\)\s*)?(?:a|per)\s+(?:[A-Za-z]+\s+){0,2}?(?:share|security|unit|ADS)\b|\s*each\b",
                       re.I)  # read with .match(text, end_of_sum)


def deal_amount(story: Story, cand: Candidate, kind: str) -> Money | None:
    text = story.text
    pick = _pick_money(text, list(cand.money))
    if kind == "joint_venture" and cand.investor is not None:
        own = _own_commitment(story, cand)
        if own is not None:
            return own
    if pick is not None:
        return pick
    # "Acme has acquired Bolt ... The purchase consideration of R194 million is payable ..."
    first = cand.investor.words[0] if cand.investor is not None and cand.investor.words else None
    for j in range(cand.index + 1, min(cand.index + 3, len(story.sentences))):
        s = story.sentences[j].of(text)
        if re.search(r"not\s+disclosed|undisclosed|were\s+not\s+given", s, re.I):
            return None
        if not cue_hits("amount_context_good", s) or cue_hits("amount_context_bad", s):
            continue
        if not ((first and first in s) or re.match(r"^(?:It|The\s+\w+)\b", s)):
            continue
        base = story.sentences[j].start
        ms = [
            Money(
                m.amount, m.amount_max, m.bound, m.currency, m.text, m.start + base, m.end + base, m.in_parens
            )
            for m in find_money(s, story.money_country, story.published_at)
        ]
        pick = _pick_money(text, ms)
        if pick is not None:
            return pick
    return None


def _pick_money(text: str, ms: list[Money]) -> Money | None:
    for m in ms:
        if m.in_parens:
            continue
        if PER_SHARE.match(text, m.end):
            continue
        before = text[max(0, m.start - 40) : m.start]
        if re.search(
            r"(?:sales|revenues?|turnover|profits?|earnings)\s+(?:of\s+)?(?:about\s+|some\s+)?$", before, re.I
        ):
            continue
        return m
    return None


def _own_commitment(story: Story, cand: Candidate) -> Money | None:
    """A venture partner's own stake money ("... will invest 2.5 mln dlrs for its 40 pct stake")."""
    text = story.text
    first = cand.investor.words[0] if cand.investor and cand.investor.words else None
    for j in range(cand.index + 1, min(cand.index + 4, len(story.sentences))):
        sp = story.sentences[j]
        s = sp.of(text)
        if first and first not in s and not re.match(r"^(?:It|The company)\b", s):
            continue
        m = re.search(r"\b(?:will|to|would)\s+invest\s+", s)
        if not m:
            continue
        found = find_money(s[m.end() :], story.money_country, story.published_at)
        if found and found[0].start < 3:
            x = found[0]
            off = sp.start + m.end()
            return Money(
                x.amount, x.amount_max, x.bound, x.currency, x.text, x.start + off, x.end + off, x.in_parens
            )
    return None
