"""Which organisation is the investor: every ORG of the headline and lead, scored by a fitted ranker.

The rules pick the investor by where a name stands (the clause head before the trigger, the buyer
after "sold to", the round's lead after "led by"). They fail on the patterns the labels show most:
the raiser of a round taken for its investor ("X raises $5m from Y"), the seller or target taken as
actor, a place word taken as a name. Here every organisation the NER finds in the headline, the
deal sentence and the lead is a candidate (the rules' pick too), described by named features
(where it stands against the trigger, the words just before and after it, whether the parse makes
it the predicate's agent, whether it is the rules' pick) and ``transforms/data/ranker_investor.json``
(``make train``) scores them. No words of names are features.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from transforms.deals.lead import Candidate, Story
from transforms.deals.story_features import LEAD_CHARS, lead_text
from transforms.entities.orgs import names_match, normalise_name

_BEFORE = {
    "p_led_by": r"(?:led|co-led|backed|headed|joined)\s+by\s+(?:the\s+)?$",
    "p_by": r"\bby\s+(?:the\s+)?$",
    "p_from": r"\bfrom\s+(?:the\s+)?(?:\w+\s+){0,2}$",
    "p_in": r"\b(?:in|into)\s+(?:the\s+)?(?:\w+[\s-]+){0,3}$",
    "p_acquire": r"(?:acquir\w*|buy\w*|bought|purchas\w*|takeover\s+of|stake\s+in|merger\s+with|sale\s+of)\s+"
    r"(?:the\s+|a\s+|its\s+|an?\s+\S+\s+stake\s+in\s+)?(?:\w+\s+){0,2}$",
    "p_sold_to": r"(?:sold|sells?|selling|transferred|divested)\s+(?:\w+\s+){0,4}to\s+(?:the\s+)?$|"
    r"(?:acquired|bought|purchased|taken\s+over)\s+by\s+(?:the\s+)?$",
    "p_to": r"\bto\s+$",
    "p_of": r"\bof\s+(?:the\s+)?$",
    "p_and": r"\b(?:and|&|with)\s+$",
    "p_comma": r",\s*$",
}
_AFTER = {
    "n_raise": r"^\W*(?:\w+\s+){0,2}(?:has\s+|have\s+)?(?:rais|secur|bag|land|get|gets|got|clos|net|pull|attract|receiv)\w*",
    "n_deal_verb": r"^\W*(?:\w+\s+){0,3}(?:to\s+|will\s+|has\s+|have\s+|had\s+|is\s+|said\s+(?:it\s+)?(?:will|would|has|had)\s+)?"
    r"(?:acquir|buy|bought|invest|take|took|purchas|pledg|plan|agree|sign|complet|inject|commit|build|set|lead|led)\w*",
    "n_poss": r"^\s*['’]s\b",
    "n_sold": r"^\W*(?:\w+\s+){0,2}(?:has\s+|have\s+)?(?:sold|sells|sell|divest|exit|offload)\w*",
    "n_paren": r"^\s*\(",
    "n_based": r"^\W*-?based\b",
}
_B = {k: re.compile(v, re.I) for k, v in _BEFORE.items()}
_A = {k: re.compile(v, re.I) for k, v in _AFTER.items()}
_INVESTOR_WORD = re.compile(
    r"\b(?:capital|ventures?|partners|fund|investments?|holdings?|group|equity|asset|securities|bank|corp\w*|"
    r"inc|ltd|limited|plc|co|company|sa|ag|gmbh|llc)\b\.?$", re.I)
_FUNDING = re.compile(r"\b(?:series\s+[a-h]|seed|round|rais\w+|funding|financing|backed|venture)\b", re.I)
_CLIP = 3.0
_HONORIFIC = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Prof|Sir|Dame)\.?\s+$")
# a sum the NER typed ORG ("990-million-U.S.-dollar"); LABELS.md never has one for a party
_MONEY_LIKE = re.compile(r"^\W*\d[\d.,]*[\s-]*(?:million|billion|mln|bln|crore|lakh)\b", re.I)


# the site of a plant, not its investor: "X Industrial Park", "Y Special Economic Zone" (no label has one)
_SITE = re.compile(r"\b(?:Industrial|Science|Technology|Business|Eco)[\s-]+(?:Parks?|Estates?|Zones?)\b|"
                   r"\b(?:Economic|Free|Trade|Export\s+Processing)\s+Zones?\b", re.I)
# web-page words capitalised at the start of a line ("Download \"Annual report\"")
_PAGE_WORDS = frozenset({"download", "share", "subscribe", "print", "advertisement", "click", "login", "sign", "tweet",
                         "email", "watch", "listen", "transcription", "comments"})


def never_an_investor(name: str) -> bool:
    """A span no label takes for the investor: a bare place ("KENYA", "Singapore"), a sum, one
    English function word capitalised by its place ("Further to the announcement ...", "Two funds
    owned by ..."), a web-page word ("Download") or an industrial park or economic zone (the site). A state investor is labelled with its body ("the Ruritanian government"), never with
    the country's name alone."""
    from spacy.lang.en.stop_words import STOP_WORDS

    from transforms.entities.countries import find_countries

    bare = name.strip(" .,'’")
    if _MONEY_LIKE.match(bare) or bare.lower() in STOP_WORDS or bare.lower() in _PAGE_WORDS or _SITE.search(bare):
        return True
    if re.search(r"\s(?:Act|Law|Code|Regulations)$", bare):
        return True  # a statute the NER typed ORG ("Financial Instruments and Exchange Act")
    places = find_countries(bare, caps=True)
    return len(places) == 1 and places[0].start == 0 and places[0].end >= len(bare.rstrip("'’s"))


@dataclass
class InvestorCandidate:
    """One organisation (all its mentions), with its first mention's offsets in the story text (-1: headline only)."""

    text: str
    start: int
    end: int
    features: dict[str, float] = field(default_factory=dict)


def _mention_features(text: str, a: int, b: int, prefix: str) -> dict[str, float]:
    before = text[max(0, a - 40) : a]
    after = text[b : b + 40]
    f = {f"{prefix}{k}": 1.0 for k, p in _B.items() if p.search(before)}
    f.update({f"{prefix}{k}": 1.0 for k, p in _A.items() if p.search(after)})
    return f


def investor_candidates(story: Story, cand: Candidate, rule_investor: str | None,
                        agent: str | None) -> list[InvestorCandidate]:
    """Organisations of the headline, the deal sentence and the lead, in order of first mention."""
    from transforms.nlp.entities import entities

    text = story.text
    sent_start = cand.span.start
    trig_at = sent_start + cand.trigger.start
    funding = cand.trigger.kind == "funding_round" or bool(_FUNDING.search(story.title or ""))
    by_name: dict[str, InvestorCandidate] = {}
    order: list[str] = []

    def add(name: str, start: int, end: int, feats: dict[str, float]) -> None:
        key = normalise_name(name)
        if not key or never_an_investor(name):
            return
        c = by_name.get(key)
        if c is None:
            c = by_name[key] = InvestorCandidate(" ".join(name.split()), start, end)
            order.append(key)
        elif c.start < 0 <= start:
            c.start, c.end = start, end
        for k, v in feats.items():
            c.features[k] = min(c.features.get(k, 0.0) + v, _CLIP)

    title = story.title or ""
    title_orgs = [e for e in entities(title) if e.label == "ORG"]
    for i, e in enumerate(title_orgs):
        f = {"in_title": 1.0, "title_first": 1.0 if i == 0 else 0.0}
        f.update(_mention_features(title, e.start, e.end, "t_"))
        add(e.text, -1, -1, f)
    # the headline + lead parse the classifier made (cached) covers the body's first LEAD_CHARS
    shift = len(title) + 1
    lead_orgs = [(e.start - shift, e.end - shift, e.text) for e in entities(lead_text(title, text))
                 if e.label == "ORG" and e.start >= shift]
    sentences = sorted(set(story.lead) | {cand.index})
    for idx in sentences:
        sp = story.sentences[idx]
        if sp.end <= LEAD_CHARS:
            orgs = [(a, b, t) for a, b, t in lead_orgs if sp.start <= a and b <= sp.end]
        else:
            orgs = [(sp.start + e.start, sp.start + e.end, e.text) for e in entities(sp.of(text)) if e.label == "ORG"]
        for i, (a, b, name) in enumerate(orgs):
            if idx == cand.index:
                f = {"in_deal": 1.0, "deal_first": 1.0 if i == 0 else 0.0,
                     "before_trigger": 1.0 if b <= trig_at else 0.0, "after_trigger": 1.0 if a >= trig_at else 0.0}
                f.update(_mention_features(text, a, b, "d_"))
            else:
                f = {"in_lead": 1.0}
                f.update(_mention_features(text, a, b, "l_"))
            add(name, a, b, f)
    sent = cand.span.of(text)
    at = sent.find(rule_investor) if rule_investor else -1
    if at > 0 and _HONORIFIC.search(sent[:at]):
        rule_investor = None  # "Mr Kelso said ...": the speaker, a person, is no party the labels name
    if rule_investor and not any(names_match(rule_investor, by_name[k].text) for k in order):
        f = {"not_an_org": 1.0}
        if at >= 0:
            a, b = sent_start + at, sent_start + at + len(rule_investor)
            f.update({"in_deal": 1.0, "before_trigger": 1.0 if b <= trig_at else 0.0,
                      "after_trigger": 1.0 if a >= trig_at else 0.0})
            f.update(_mention_features(text, a, b, "d_"))
        else:
            a = text.find(rule_investor)
            b = a + len(rule_investor) if a >= 0 else -1
        add(rule_investor, a, b, f)
    out = []
    for k in order:
        c = by_name[k]
        f = c.features
        f["rule_pick"] = 1.0 if rule_investor and names_match(rule_investor, c.text) else 0.0
        f["agent"] = 1.0 if agent and names_match(agent, c.text) else 0.0
        f["investor_word"] = 1.0 if _INVESTOR_WORD.search(c.text) else 0.0
        f["words"] = min(len(c.text.split()), 6) / 6.0
        first = re.escape(c.text.split()[0])
        f["mentions"] = math.log1p(len(re.findall(rf"\b{first}\b", text[:5000]))) / 3.0
        pick = f["rule_pick"]
        f["rule_pick_org"] = pick * (1.0 - f.get("not_an_org", 0.0))
        f["title_first_verb"] = f.get("title_first", 0.0) * f.get("t_n_deal_verb", 0.0)
        f["deal_first_before_verb"] = min(f.get("deal_first", 0.0), f.get("before_trigger", 0.0),
                                          f.get("d_n_deal_verb", 0.0))
        f["agent_rule"] = pick * f["agent"]
        if funding:
            for key in ("d_p_led_by", "d_p_from", "d_n_raise", "t_n_raise", "t_p_from", "d_p_in", "t_p_in"):
                if f.get(key):
                    f[f"funding:{key}"] = 1.0
        out.append(c)
    return out


def ranked_investor(story: Story, cand: Candidate, rule_investor: str | None,
                    agent: str | None) -> InvestorCandidate | None:
    """The shipped ranker's pick (None below its threshold)."""
    from transforms.deals.ranker import load_ranker

    cands = investor_candidates(story, cand, rule_investor, agent)
    best, _ = load_ranker("investor").best(cands, lambda c: c.features)
    return best
