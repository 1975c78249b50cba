"""The object of a deal: the company bought or invested in, or the plant/project money goes to."""

from __future__ import annotations

import re

from transforms.countries import city_country, find_countries
from transforms.lead import Candidate, Story
from transforms.orgs import NameRun, name_runs

_DESCRIPTOR_NOUN = re.compile(
    r"^\s+(?:[a-z-]+\s+){0,2}(?:company|firm|maker|giant|provider|operator|producer|brewer|chain|start-?up|platform|"
    r"lender|retailer|developer|manufacturer|carrier|airline|insurer|group|conglomerate|bank)\b"
)
_OF_OK = re.compile(
    r"(?:pct|percent|%|shares|control|acquisition|purchase|stake|majority|all|rest|remainder|ownership)\s+of\s+(?:the\s+)?$",
    re.I,
)


def deal_target(story: Story, cand: Candidate) -> tuple[NameRun | None, str | None]:
    """The object of the deal (a company, or None for a place) and the country the object names."""
    text = story.text
    sp = cand.span
    if cand.trigger.kind == "sold_to":
        # "London's famous Grand hotel has been sold to ...": the subject is what was sold
        head_runs = [r for r in name_runs(text, sp.start, sp.start + cand.trigger.start) if not r.country]
        cs = find_countries(text[sp.start : sp.start + cand.trigger.start])
        return (head_runs[-1] if head_runs else None), (cs[0].code if cs else None)
    obj_start = sp.start + cand.trigger.end
    obj = text[obj_start : sp.end]
    countries = find_countries(obj)
    place_cc = countries[0].code if countries else None
    if place_cc is None:
        for m in re.finditer(r"\b(?:in|at|near)\s+(?:the\s+)?(?P<city>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)", obj):
            cc = city_country(m.group("city"), 50000)
            if cc:
                place_cc = cc
                break
    target = None
    runs = name_runs(text, obj_start, sp.end)
    merger = re.search(r"merge", cand.trigger.text, re.I)
    for k, r in enumerate(runs):
        if r.country:
            continue
        before = text[max(obj_start, r.start - 30) : r.start]
        if re.search(r"\b(?:from|with|by|to)\s+(?:the\s+)?$", before) and not (
            merger and re.search(r"\bwith\s+$", before)
        ):
            continue
        if re.search(r"\bof\s+(?:the\s+)?$", before) and not (
            _OF_OK.search(before) or k == 0 and re.match(r"^\s*of\s", obj)
        ):
            continue
        after = text[r.end : r.end + 30]
        if r.possessive and re.match(
            r"^(?:['’]s)?\s*(?:stake|unit|arm|subsidiary|business|division|holding)", after
        ):
            continue
        if k + 1 < len(runs) and _DESCRIPTOR_NOUN.match(after) and not _CORPORATE_END_RE.search(r.text):
            continue
        if city_country(r.text, 50000) and not r.bracketed and " " not in r.text:
            continue
        if re.match(r"^\s*(?:said|told|reported|president|chairman)\b", after, re.I):
            continue
        target = r
        break
    return target, place_cc


_CORPORATE_END_RE = re.compile(
    r"\b(?:Inc|Corp|Co|Ltd|Plc|PLC|AG|SA|SpA|Group|Holdings?|Company|Corporation|Limited)\.?$"
)
