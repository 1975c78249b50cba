"""The object of a deal: the company bought or invested in, or the plant/project money goes to."""

from __future__ import annotations

import re

from transforms.deals.lead import Candidate, Story
from transforms.entities.countries import city_country, find_countries
from transforms.entities.money import currency_codes
from transforms.entities.orgs import NameRun, name_runs

_DESCRIPTOR_NOUN = re.compile(
    r"^\s+(?:[a-z-]+\s+){0,2}(?:company|firm|maker|giant|provider|operator|producer|brewer|chain|start-?up|platform|"
    r"lender|retailer|developer|manufacturer|carrier|airline|insurer|group|conglomerate|bank)\b"
)
_OF_OK = re.compile(
    r"(?:pct|percent|%|shares|control|acquisition|purchase|stake|majority|all|rest|remainder|ownership)\s+of\s+(?:the\s+)?$",
    re.I,
)


# What money is put into when it is not a company: the head noun of "its Millford engine plant in
# South Wales", "a $120 million clinker plant in Kitui, Kenya", "metal can making operations of X".
_FACILITY = re.compile(
    r"\b(?:plants?|factory|factories|facility|facilities|mills?|refinery|hub|production\s+lines?|assembly\s+lines?|"
    r"complex|park|centre|center|warehouse|smelter|mine|operations|projects?|hotel|terminal|brewery|works|"
    r"campus|data\s+cent(?:re|er)|distribution\s+cent(?:re|er)|depot)\b"
)
_NP_STOP = frozenset(
    """a an the its their his her our this that these those to in at for of into on by with from as is are was
    will would has have had be been which who said says new-found over about some up""".split()
)
_AMOUNT_WORD = re.compile(
    r"(?i)^(?:[$€£₹]|us\$|rs\.?|n\d|sh\d|r\d|rm\d)|\d|^(?:million|billion|mln|bln|bn|mn|m|crore|lakh|dlrs?|"
    r"dollars?|stg|pounds?|euros?|yen|rupees?|naira|shillings?|rand|ringgit|riyals?|dirhams?|worth|costing)$"
)
_PLACE_AFTER = re.compile(
    r"^\s+(?:in|at|near)\s+(?:the\s+)?(?:(?:city|town|port|province|state|region|emirate|district)\s+of\s+)?"
    r"(?:(?:north|south|east|west|central)[\w-]*\s+)?[A-Z][\w.'’-]*(?:(?:\s+|,\s+)(?:[A-Z][\w.'’-]*|de|del|da))*"
    r"(?:\s+(?:region|province|state|county|district|area))?"
)
_OF_OWNER = re.compile(r"^\s+of\s+(?:the\s+)?[A-Z][\w.&'’-]*(?:\s+(?:[A-Z][\w.&'’-]*|and|of|&))*")


def facility_phrase(text: str, start: int, end: int, last: bool = False) -> NameRun | None:
    """The plant/project noun phrase in ``text[start:end]``: premodifiers back to a determiner or an
    amount, the head noun, then "in <Place>, <Place>" or "of <Owner>". None when it is a bare head."""
    seg = text[start:end]
    heads = [m for m in _FACILITY.finditer(seg) if not re.match(r"\s*(?:said|says)\b", seg[m.end() :])]
    if not heads:
        return None
    h = heads[-1] if last else heads[0]
    toks = list(re.finditer(r"[\w.'’&$€£₹-]+|,", seg[: h.start()]))
    first = h.start()
    k = len(toks) - 1
    taken = 0
    while k >= 0 and taken < 7:
        t = toks[k].group(0)
        low = t.lower()
        if t == ",":
            # "Port Arden, Ohio, plant": commas inside a capitalised place list only
            if not (
                k > 0 and toks[k - 1].group(0)[:1].isupper() and toks[k - 1].group(0).lower() not in _NP_STOP
            ):
                break
        elif low in _NP_STOP or _AMOUNT_WORD.search(t) or t.endswith(("'s", "’s")):
            break
        elif low == "and" and not (k > 0 and toks[k - 1].group(0).lower() not in _NP_STOP):
            break
        elif re.fullmatch(r"[a-z]+(?:ed|ing)", t) and low not in (
            "manufacturing",
            "processing",
            "making",
            "bottling",
            "packaging",
            "printing",
            "engineering",
            "mining",
            "integrated",
            "combined",
            "planned",
            "proposed",
        ):
            break  # a verb ("expand", "build") ends the noun phrase
        elif re.fullmatch(
            r"(?:build|construct|expand|set|establish|open|upgrade|modernise|modernize|develop|add)s?", low
        ):
            break
        first = toks[k].start()
        taken += 1
        k -= 1
    stop = h.end()
    rest = seg[stop:]
    m = _PLACE_AFTER.match(rest) or (
        _OF_OWNER.match(rest) if re.search(r"operations|business|unit|division", h.group(0)) else None
    )
    if m:
        stop += m.end()
        while seg[stop - 1] in ",. " and stop > h.end():
            stop -= 1
    if first == h.start() and stop == h.end():
        return None
    s, e = start + first, start + stop
    surface = text[s:e]
    return NameRun(surface, s, e, words=tuple(surface.split()))


def deal_target(story: Story, cand: Candidate) -> tuple[NameRun | None, str | None]:
    """The object of the deal (a company, or None for a place) and the country the object names."""
    text = story.text
    sp = cand.span
    if cand.trigger.kind == "sold_to":
        # "London's famous Grand hotel has been sold to ...": the subject is what was sold
        head_runs = [r for r in name_runs(text, sp.start, sp.start + cand.trigger.start) if not r.country]
        cs = find_countries(text[sp.start : sp.start + cand.trigger.start])
        return (_with_head(text, head_runs[-1]) if head_runs else None), (cs[0].code if cs else None)
    if cand.trigger.kind == "build" and cand.trigger.text.lower().endswith(" by"):
        # "A $80m factory built by Acme was inaugurated": the facility is the subject
        np = facility_phrase(text, sp.start, sp.start + cand.trigger.start, last=True)
        cs = find_countries(text[sp.start + cand.trigger.end : sp.end])
        return np, (cs[0].code if cs else None)
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
    kind = cand.trigger.kind
    np = facility_phrase(text, obj_start, sp.end)
    if np is not None and kind in ("invest", "build") and (target is None or np.start <= target.end + 40):
        target = np  # "will invest $50m in its Millford engine plant": the plant, not a place name
    elif np is not None and kind == "acquisition" and (target is None or np.start <= target.start < np.end):
        target = np  # "acquire the Dunmore, Ontario, can making operations of ..."
    elif target is not None and kind in ("acquisition", "stake"):
        target = _with_head(text, target)
    return target, place_cc


def _with_head(text: str, run: NameRun) -> NameRun:
    """ "the Grand hotel", "its Acme plant": a name followed by a facility noun is that facility."""
    m = re.match(
        r"\s+(?:hotel|plant|factory|mill|refinery|brewery|mine|stores?|chain)\b", text[run.end : run.end + 20]
    )
    if not m:
        return run
    e = run.end + m.end()
    return NameRun(text[run.start : e], run.start, e, words=run.words + (m.group(0).strip(),))


_CORPORATE_END_RE = re.compile(
    r"\b(?:Inc|Corp|Co|Ltd|Plc|PLC|AG|SA|SpA|Group|Holdings?|Company|Corporation|Limited)\.?$"
)


_REGIONS = frozenset(
    "africa asia europe americas oceania caribbean balkans nordics scandinavia gulf middle east "
    "latin america north south east west central southeast south-east southern northern eastern western "
    "sub-saharan asian african european".split()
)
_SUM = re.compile(
    r"(?:(?:US\$|[$€£¥₹]|Rs\.?|Sh|R|N|[A-Z]{3})\s?\d[\d.,]*(?:[-\s]?(?:bn|billion|million|mln|m|crore|lakh|trillion))?"
    r"|\d[\d.,]*[-\s]?(?:bn|billion|million|mln|crore|lakh|trillion))"
)


def not_a_party(name: str) -> bool:
    """A sum ("R4.5-billion", "Rs4.8"), a currency code ("VND") or only places and regions
    ("Asia", "Southeast Asian", "Morocco and Slovakia"): the parse's object, but no company."""
    if _SUM.fullmatch(name):
        return True
    if len(name) == 3 and name.isupper() and name in currency_codes():
        return True
    rest = name
    for c in reversed(find_countries(name)):
        rest = rest[: c.start] + " " + rest[c.end :]
    words = [w for w in re.split(r"[\s,]+", rest.lower()) if w and w not in ("and", "the", "&")]
    return all(w in _REGIONS for w in words)
