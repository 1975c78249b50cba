"""Which stated sum is the deal's: every amount near the deal sentence, scored by a fitted ranker.

The rule (``amount.deal_amount``) takes the first committed sum of the deal sentence and skips
prices per share, sales figures and conversions. Here each amount of the lead and of the sentences
after the deal sentence is a candidate with named features (where it stands, what words surround
it, its size, whether the rule picked it) and ``transforms/data/ranker_amount.json`` (fitted by
``make train``) scores them; below the ranker's threshold the deal has no amount.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from transforms.deals.amount import PER_SHARE, deal_amount
from transforms.deals.cues import cue_hits
from transforms.deals.lead import Candidate, Story
from transforms.entities.money import Money, find_money

AFTER_DEAL = 3  # sentences after the deal sentence that may state its sum

_BEFORE = {
    "b_invest": r"invest\w*\s+(?:of\s+|about\s+|around\s+|some\s+|up\s+to\s+|over\s+|more\s+than\s+)?$",
    "b_worth": r"(?:worth|valued\s+at|value\s+of|valuing|for|at|consideration\s+of|price\s+of|capitali[sz]ed\s+at)\s+(?:about\s+|around\s+|some\s+|up\s+to\s+|over\s+|nearly\s+)?$",
    "b_raise": r"(?:rais\w*|secur\w*|clos\w*|land\w*|bag\w*|gets?|got|net\w*)\s+(?:a\s+|an\s+|about\s+|over\s+)?$",
    "b_sales": r"(?:sales|revenues?|turnover|profits?|earnings|loss|income|capital)\s+(?:of\s+)?(?:about\s+|some\s+)?$",
    "b_debt": r"(?:loan|debt|credit|bonds?|financing)\s+(?:of\s+|worth\s+)?$",
}
_AFTER = {
    "a_deal": r"^\s*(?:deal|acquisition|takeover|purchase|investment|project|plant|facility|expansion|bid|offer)",
    "a_round": r"^\s*(?:in\s+)?(?:a\s+)?(?:series|seed|pre-seed|funding|round|financing)",
    "a_stake": r"^\s*(?:for|in)\s+(?:a\s+|an\s+|its\s+)?(?:\d+\s*(?:%|per\s*cent|pct)\s+)?stake",
}
_B = {k: re.compile(v, re.I) for k, v in _BEFORE.items()}
_A = {k: re.compile(v, re.I) for k, v in _AFTER.items()}


@dataclass(frozen=True)
class AmountCandidate:
    money: Money
    sentence: int  # index of its sentence
    features: dict[str, float]


def _absolute(ms: list[Money], base: int) -> list[Money]:
    return [Money(m.amount, m.amount_max, m.bound, m.currency, m.text, m.start + base, m.end + base, m.in_parens)
            for m in ms]


def amount_candidates(story: Story, cand: Candidate) -> list[AmountCandidate]:
    """Every sum of the lead and the deal sentence's neighbourhood, in text order, with its features.

    ``rule_pick`` marks the rule's choice for the trigger's kind, so the ranker starts from the rule.
    """
    text = story.text
    rule = deal_amount(story, cand, cand.trigger.kind)
    first_lead = story.lead[0] if story.lead else cand.index
    indices = sorted(set(story.lead) | set(range(cand.index, min(cand.index + AFTER_DEAL + 1, len(story.sentences)))))
    indices = [i for i in indices if i >= min(first_lead, cand.index)]
    title_money = {round(m.amount, -3) for m in find_money(story.title)} if story.title else set()
    out: list[AmountCandidate] = []
    seen_currency: set[str] = set()
    for i in indices:
        sp = story.sentences[i]
        sent = sp.of(text)
        ms = _absolute(find_money(sent, story.money_country, story.published_at), sp.start)
        undisclosed = bool(re.search(r"not\s+disclosed|undisclosed|were\s+not\s+given", sent, re.I))
        for rank, m in enumerate(ms):
            before = text[max(0, m.start - 45) : m.start]
            after = text[m.end : m.end + 30]
            f: dict[str, float] = {
                "rule_pick": 1.0 if rule is not None and (rule.start, rule.end) == (m.start, m.end) else 0.0,
                "in_deal_sentence": 1.0 if i == cand.index else 0.0,
                "after_deal": float(min(max(i - cand.index, 0), AFTER_DEAL)) / AFTER_DEAL,
                "before_deal": 1.0 if i < cand.index else 0.0,
                "rank_in_sentence": min(rank, 3) / 3.0,
                "first_of_story": 1.0 if not out else 0.0,
                "in_parens": 1.0 if m.in_parens else 0.0,
                "bound_exact": 1.0 if m.bound == "exact" else 0.0,
                "no_currency": 1.0 if m.currency is None else 0.0,
                "currency_seen_before": 1.0 if m.currency in seen_currency else 0.0,
                "magnitude": min(max(math.log10(max(m.amount, 1.0)), 0.0), 13.0) / 13.0,
                "in_title": 1.0 if round(m.amount, -3) in title_money else 0.0,
                "sentence_good": 1.0 if cue_hits("amount_context_good", sent) else 0.0,
                "sentence_bad": 1.0 if cue_hits("amount_context_bad", sent) else 0.0,
                "sentence_undisclosed": 1.0 if undisclosed else 0.0,
            }
            f.update({k: 1.0 for k, p in _B.items() if p.search(before)})
            f.update({k: 1.0 for k, p in _A.items() if p.search(after)})
            if PER_SHARE.match(text, m.end):
                f["a_share"] = 1.0
            out.append(AmountCandidate(m, i, f))
            if m.currency:
                seen_currency.add(m.currency)
    return out


def ranked_amount(story: Story, cand: Candidate) -> Money | None:
    """The shipped ranker's pick among the candidates (None below its threshold)."""
    from transforms.deals.ranker import load_ranker

    cands = amount_candidates(story, cand)
    best, _ = load_ranker("amount").best(cands, lambda c: c.features)
    return best.money if best is not None else None
