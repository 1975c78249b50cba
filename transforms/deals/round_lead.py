"""The parties of a funding round: the company taking the money and the round's lead investor.

"Tamsin has raised $25m in a round led by Corrow": the rules' actor is the raiser (the round's
target); the investor is the lead named after "led by" / "from" in the deal sentence, in the few
sentences after it, or in the headline when the body names none ("X raises $125M Series B from
Juniper Peak and Rowan"). Shape rules only: no company is named here.
"""

from __future__ import annotations

import re

from transforms.deals.story import Candidate, Story
from transforms.entities.orgs import NameRun, name_runs, names_match

# verbs whose subject is the company taking the money ("Acme has raised/secured/closed $5m ...")
_RAISER = re.compile(r"(?:rais|secur|bag|clos|land|net|pull|attract|receiv|clinch|scor|announc)\w*\b", re.I)
# between the raiser and the round: "X has raised / secured / notched / completed a $5m Series A"
_RAISE_VERB = re.compile(
    r"\b(?:rais|secur|bag|land|notch|clos|complet|net|pull|attract|receiv|clinch|scor|obtain|announc|pick\w*\s+up|"
    r"got\b|gets?\b|wins?\b|won\b|hold)\w*", re.I)
_INVEST_VERB = re.compile(r"\b(?:invest|led\b|lead|co-lead|back|particip|join|fund(?:s|ed)\b|inject|pour)\w*", re.I)
_LEAD_AFTER = re.compile(
    r"\b(?:co-?led|led|headed(?:\s+up)?|spearheaded|anchored)\s+by\s+(?:the\s+)?(?:existing\s+)?"
    r"(?:(?:investors?|backers?|shareholders?)\s+)?", re.I)
LEAD_SENTENCES_AFTER = 3  # "The round was led by X" follows the deal sentence within a few sentences


def is_raiser(story: Story, cand: Candidate, inv: NameRun) -> bool:
    """The actor is the company taking the money: the round's raise verb has it for subject."""
    if _RAISER.match(cand.trigger.text):
        return True
    trig_at = cand.span.start + cand.trigger.start
    if not inv.end <= trig_at:
        return False
    # past an appositive: "Acme, a Lahore-based logistics startup, announced it had secured ..."
    between = re.sub(r"^\s*,[^,;]{1,120},", " ", story.text[inv.end : trig_at])
    return len(between) <= 160 and bool(_RAISE_VERB.search(between)) and not _INVEST_VERB.search(between)


def round_lead(story: Story, cand: Candidate) -> NameRun | None:
    """The round's lead: the first name after "led by" / "backed by" / "from" in the deal sentence,
    else after "led by" (or "headed up by") in the next few sentences, else after "from" / "led by"
    in the headline (at its first mention in the body, or at the deal sentence when only the
    headline names it)."""
    sp = cand.span
    text = story.text
    seg = cand.trigger.text + text[sp.start + cand.trigger.end : sp.end]
    m = re.search(r"\b(?:led\s+by|backed\s+by|from)\s+", seg)
    if m:
        lead = _name_after(text, sp.start + cand.trigger.start + m.end(), sp.end)
        if lead is not None:
            return lead
    for s in story.sentences[cand.index + 1 : cand.index + 1 + LEAD_SENTENCES_AFTER]:
        m = _LEAD_AFTER.search(text, s.start, s.end)
        lead = _name_after(text, m.end(), s.end) if m else None
        if lead is not None:
            return lead
    return _headline_lead(story, cand)


_NEXT_NAME = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)(?:(?:prior|existing|other)\s+investors?\s+)?[A-Z]")


def unled_syndicate(story: Story, cand: Candidate) -> bool:
    """LABELS.md: a round "from A, B and C" that names no lead has no investor (a syndicate). True
    when the deal sentence's "from" list starts with two names and no later sentence says who led."""
    sp = cand.span
    text = story.text
    seg = text[sp.start + cand.trigger.start : sp.end]
    if re.search(r"\b(?:led|co-led|leads?|leading|headed|anchored|spearheaded)\b", seg, re.I):
        return False
    m = re.search(r"\bfrom\s+(?:investors\s+)?(?:including\s+)?", seg)
    first = _name_after(text, sp.start + cand.trigger.start + m.end(), sp.end) if m else None
    if first is None or not _NEXT_NAME.match(text, first.end):
        return False
    later = story.sentences[cand.index + 1 : cand.index + 1 + LEAD_SENTENCES_AFTER]
    return not any(_LEAD_AFTER.search(text, s.start, s.end) for s in later)


def _headline_lead(story: Story, cand: Candidate) -> NameRun | None:
    title = story.title or ""
    m = re.search(r"\b(?:led\s+by|backed\s+by|from)\s+", title)
    lead = _name_after(title, m.end(), len(title)) if m else None
    if lead is None:
        return None
    for r in name_runs(story.text, 0, len(story.text)):
        if not r.country and names_match(r.text, lead.text):
            return r
    at = cand.span.start
    return NameRun(lead.text, at, at, words=lead.words)


def _name_after(text: str, start: int, end: int, reach: int = 40) -> NameRun | None:
    """The first name a few words after ``start``: past a possessor ("Mira Olsen's Fjordline
    Ventures") and a short descriptor ("VC firm Lightspeed"); None when no name starts near."""
    runs = [r for r in name_runs(text, start, min(end, start + reach + 80)) if not r.country]
    for i, r in enumerate(runs):
        if r.start - start > reach:
            return None
        nxt = runs[i + 1] if i + 1 < len(runs) else None
        gap = text[r.end : nxt.start] if nxt else ""
        if nxt and (re.fullmatch(r"['’]s\s+", gap) or (len(r.words) == 1 and re.fullmatch(r"\s+[a-z][\w-]*\s+", gap))):
            continue  # a possessor or a descriptor head: the name follows
        head, sep, _ = r.text.partition(" and ")
        if sep and len(head.split()) >= 2:  # co-leads "Fjordline Ventures and Lapam Capital": the first named
            return NameRun(head, r.start, r.start + len(head), words=tuple(head.split()))
        return r
    return None


__all__ = ["LEAD_SENTENCES_AFTER", "is_raiser", "round_lead"]
