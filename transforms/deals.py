"""Deal fields from an investment story: who puts how much where, with the sentence that says so.

One row per story, from the lead's deal sentence (``story.best_candidate``): an analyst relying
on these rows is better served by the main deal, checkable against its evidence, than by every
sum of money the article mentions. Fields the text does not settle stay null.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from datetime import datetime

from transforms.countries import city_country, find_countries, ticker_country
from transforms.cues import cue_hits
from transforms.fx import to_usd
from transforms.horizon import find_horizon
from transforms.money import Money, find_money
from transforms.orgs import NameRun, affiliates_of, name_runs
from transforms.records import DealFields
from transforms.sentences import Span, collapse_ws
from transforms.story import Candidate, Story, analyse, best_candidate

logger = logging.getLogger(__name__)

_PCT = re.compile(
    r"(?P<n>\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|sixty)"
    r"[\s-]*(?:pct|percent|per\s+cent|%)",
    re.IGNORECASE,
)
_PCT_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
              "ten": 10, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60}  # fmt: skip
_CONTROL = re.compile(
    r"\b(?:majority|controlling|control|whole|entire|all\s+(?:the\s+)?(?:shares|of))\b", re.I
)
_MINORITY = re.compile(r"\b(?:minority|minorities|stake|holding|shareholding|interest\s+in)\b", re.I)
_PLACE_WORDS = re.compile(
    r"\b(?:plant|factory|facility|facilities|mill|unit|hub|line|projects?|operations|capacity|complex|park|zone|site|expansion|state)\b",
    re.I,
)
_BASED = re.compile(r"\b(?P<place>[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2})[-\s](?:based|headquartered)\b")
_THE_DEMONYM = re.compile(
    r"\b[Tt]he\s+(?P<dem>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\s+(?:firm|company|group|carmaker|automaker|car\s+maker|bank|giant|"
    r"brewer|maker|conglomerate|investor|concern|multinational|producer|manufacturer|chain|operator|insurer|fund)\b"
)


def extract_deals(title: str | None, text: str, published_at: datetime | None = None) -> list[DealFields]:
    """Deals stated by the story, best first (at most one: the lead's main deal)."""
    story = analyse(title, text, published_at)
    cand = best_candidate(story)
    if cand is None or cand.investor is None and cand.score < 1.0:
        return []
    return [_fields(story, cand)]


def _fields(story: Story, cand: Candidate) -> DealFields:
    text = story.text
    sent = cand.span.of(text)
    inv = cand.investor
    investor = collapse_ws(inv.text) if inv else None
    target_run, target_place_country = _target(story, cand)
    if (
        cand.trigger.kind == "funding_round"
        and inv is not None
        and re.match(r"rais", cand.trigger.text, re.I)
    ):
        # "Kuda has raised $25m in a round led by Valar": the lead investor invests in the raiser
        lead = _round_lead(story, cand)
        target_run, inv = inv, lead
        investor = collapse_ws(inv.text) if inv else None
        target_place_country = None
    if investor and re.search(r"\S+\s+\S+\s+and\s+\S+\s+\S+", investor):
        left = investor.split(" and ")[0]
        investor = left if len(left.split()) >= 2 else investor  # co-investors: the first named
    target = collapse_ws(target_run.text) if target_run else None
    if target_run is not None and re.search(
        r"\b(?:State|Province|Region|County|District|Zone)$", target_run.text
    ):
        target = None  # a place, not a company
    kind = _deal_kind(story, cand, target_run)
    money = _amount(story, cand, kind)
    tgt_country = target_place_country or _target_country_fallback(story, cand, target_run, money)
    inv_country = _investor_country(story, cand, inv, tgt_country, kind, money)
    if kind in ("invest", "build"):
        cross = inv_country and tgt_country and inv_country != tgt_country
        kind = "fdi_pledge" if cross else "project_investment"
    horizon = find_horizon(sent)
    amount_usd = to_usd(money.amount, money.currency, story.published_at) if money else None
    affiliates = affiliates_of(text, inv.text) if inv else ()
    conf = _confidence(story, cand, inv, target_place_country, tgt_country, money)
    return DealFields(
        deal_type=kind,
        investor=investor,
        target=target,
        target_country=tgt_country,
        investor_country=inv_country,
        amount=money.amount if money else None,
        amount_max=money.amount_max if money else None,
        amount_bound=money.bound if money else None,
        currency=money.currency if money else None,
        amount_text=collapse_ws(money.text) if money else None,
        horizon_min_years=horizon.min_years if horizon else None,
        horizon_max_years=horizon.max_years if horizon else None,
        evidence=sent,
        evidence_start=cand.span.start,
        evidence_end=cand.span.end,
        confidence=round(min(max(conf, 0.0), 1.0), 4),
        investor_affiliates=affiliates,
        amount_usd=amount_usd,
    )


# How often each field is right, by how it was found (priors, not fitted to the check split):
# read straight from the deal sentence vs. inferred from elsewhere in the story vs. missing.
_P_INVESTOR = {"sentence": 0.92, "indirect": 0.7, "none": 0.5}
_P_TARGET_COUNTRY = {"sentence": 0.92, "fallback": 0.7, "none": 0.4}
_P_AMOUNT = {"sentence": 0.95, "nearby": 0.75, "none": 0.65}


def _confidence(
    story: Story,
    cand: Candidate,
    inv: NameRun | None,
    place_cc: str | None,
    tgt_cc: str | None,
    money: Money | None,
) -> float:
    """P(the row's story is a deal) x P(investor, target country and amount are right)."""
    p_story = 1 / (1 + math.exp(-1.2 * (cand.score - 2.0)))
    if inv is None:
        p_inv = _P_INVESTOR["none"]
    elif cand.span.start <= inv.start < cand.span.end and "anaphora" not in cand.reasons:
        p_inv = _P_INVESTOR["sentence"]
    else:
        p_inv = _P_INVESTOR["indirect"]
    p_tc = _P_TARGET_COUNTRY["sentence" if place_cc else ("fallback" if tgt_cc else "none")]
    if money is None:
        p_amt = _P_AMOUNT["none"]
    else:
        p_amt = _P_AMOUNT["sentence" if cand.span.start <= money.start < cand.span.end else "nearby"]
    return p_story * p_inv * p_tc * p_amt


_DESCRIPTOR_NOUN = re.compile(
    r"^\s+(?:[a-z-]+\s+){0,2}(?:company|firm|maker|giant|provider|operator|producer|brewer|chain|start-?up|platform|"
    r"lender|retailer|developer|manufacturer|carrier|airline|insurer|group|conglomerate|bank)\b"
)
_OF_OK = re.compile(
    r"(?:pct|percent|%|shares|control|acquisition|purchase|stake|majority|all|rest|remainder|ownership)\s+of\s+(?:the\s+)?$",
    re.I,
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


def _target(story: Story, cand: Candidate) -> tuple[NameRun | None, str | None]:
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


def _deal_kind(story: Story, cand: Candidate, target: NameRun | None) -> str:
    sent = cand.span.of(story.text)
    kind = cand.trigger.kind
    if re.search(r"joint[\s-]+venture", sent, re.I) and kind not in ("acquisition", "sold_to"):
        return "joint_venture"
    if kind in ("acquisition", "sold_to"):
        pcts = [_pct_value(m.group("n")) for m in _PCT.finditer(sent)]
        pcts = [p for p in pcts if p is not None]
        if re.search(r"\bto\s+100\s*(?:pct|percent|%)|\bwhole\b|\bentire\b", sent, re.I):
            return "acquisition"
        if re.search(r"buy\s+out\s+minorit|\bminority\b", sent, re.I):
            return "stake"
        if pcts:
            return "acquisition" if max(pcts) > 50 else "stake"
        if _CONTROL.search(sent):
            return "acquisition"
        if re.search(r"\bstake\b", sent, re.I):
            return "stake"
        return "acquisition"
    if kind == "funding_round":
        return "funding_round"
    if kind in ("invest", "build"):
        obj = sent[cand.trigger.end :]
        m = re.match(r"^[^.;]{0,60}?\bin\s+", obj)
        if (
            target is not None
            and m
            and re.match(r"\s*(?:the\s+)?" + re.escape(target.text.split()[0]), obj[m.end() :])
        ):
            tail = obj[m.end() + len(target.text) : m.end() + len(target.text) + 40]
            if not _PLACE_WORDS.search(target.text) and not re.match(r"^\W*(?:plant|factory|facility)", tail):
                return "funding_round"
    return kind


def _pct_value(s: str) -> float | None:
    try:
        return float(s)
    except ValueError:
        return _PCT_WORDS.get(s.lower())


def _round_lead(story: Story, cand: Candidate) -> NameRun | None:
    sp = cand.span
    m = re.search(
        r"\b(?:led\s+by|from)\s+", cand.trigger.text + story.text[sp.start + cand.trigger.end : sp.end]
    )
    if not m:
        return None
    seg_start = sp.start + cand.trigger.start + m.end()
    runs = [r for r in name_runs(story.text, seg_start, sp.end) if not r.country]
    return runs[0] if runs else None


def based_country(text: str, name: str) -> str | None:
    """Where a named party is based: "Acme, based in Singapore", "X is a Bermuda-based", "Leuven-based X"."""
    w = re.escape(name)
    pats = (
        w + r"\b[^.;]{0,40}?\bbased\s+in\s+(?P<place>[A-Z][\w.]+(?:\s+[A-Z][\w.]+)?)",
        w
        + r"\b[^.;]{0,40}?\bis\s+an?\s+(?P<place>[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)[-\s](?:based|headquartered)",
        r"(?P<place>[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)-(?:based|headquartered)\s+(?:[\w-]+\s+){0,4}?"
        + w
        + r"\b",
    )
    for pat in pats:
        for m in re.finditer(pat, text):
            cc = _place_code(m.group("place"))
            if cc:
                return cc
    return None


def _investor_country(
    story: Story, cand: Candidate, inv: NameRun | None, target_cc: str | None, kind: str, money: Money | None
) -> str | None:
    text = story.text
    sp = cand.span
    if inv is not None and sp.start <= inv.start < sp.end:
        # a country word modifying the investor: "Italy's Acme", "German car maker Bolt"
        mid = text[inv.end : sp.start + cand.trigger.start]
        for m in _THE_DEMONYM.finditer(mid):
            cc = _demonym(m.group("dem"))
            if cc:
                return cc  # "Acme's Mexico unit said the German carmaker plans to invest"
        clause_start = max(sp.start, inv.start - 110)
        head = text[clause_start : inv.start]
        for c in reversed(find_countries(head)):
            pre = head[: c.start]
            between = head[c.end :]
            if re.search(r"\b(?:of|in|to|from|at|for|with|on|into|its|their)\s+(?:the\s+)?$", pre):
                continue
            if re.search(r"[.;]|\b(?:said|has|is|was|will|and)\b", between):
                continue
            return c.code
        m = _BASED.search(head)
        if m:
            cc = _place_code(m.group("place"))
            if cc:
                return cc
        if inv.ticker:
            cc = ticker_country(inv.ticker)
            if cc and (inv.ticker.find(".") > 0 or story.wire):
                return cc
    # the headline: "ITALY'S ACME PETROLI BUYS STAKE", "Saudi group to invest"
    title = story.title
    trig_pos = _title_trigger_pos(title) if title else None
    if title and trig_pos is not None:
        for c in find_countries(title[:trig_pos], caps=title.isupper()):
            if c.code != target_cc and not re.search(
                r"\b(?:in|to|into)\s+(?:the\s+)?$", title[: c.start], re.I
            ):
                return c.code
    if inv is not None:
        first = inv.words[0] if inv.words else inv.text.split()[0]
        for r in name_runs(text):
            if r.ticker and r.words and r.words[0] == first and "." in r.ticker:
                cc = ticker_country(r.ticker)
                if cc:
                    return cc
        cc = based_country(text, first)
        if cc:
            return cc
        for m in re.finditer(
            r"\b(?P<dem>[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+)?)[ \t]+(?:[a-z-]+[ \t]+){0,3}"
            + re.escape(first)
            + r"\b",
            text,
        ):
            cc = _demonym(m.group("dem"))
            if cc:
                return cc
    for m in _THE_DEMONYM.finditer(text):
        cc = _demonym(m.group("dem"))
        if cc and cc != target_cc:
            return cc
    for m in re.finditer(
        r"\b[Tt]he\s+(?P<place>[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)-based\s+(?:[a-z]+\s+){0,2}(?:said|has|is|will)\b",
        text,
    ):
        cc = _place_code(m.group("place"))
        if cc:
            return cc
    if inv is not None and story.title:
        # wire headline ticker: "ACME <ACM> TO ACQUIRE MAJOR PASTA MAKER"
        first = (inv.words[0] if inv.words else inv.text.split()[0]).upper()
        m = re.search(re.escape(first) + r"[\w\s.&]{0,20}?<(?P<t>[A-Z0-9.]{1,10})>", story.title.upper())
        if m:
            cc = ticker_country(m.group("t"))
            if cc and ("." in m.group("t") or story.wire):
                return cc
    if story.wire and story.dateline_country:
        return story.dateline_country
    if (
        money is not None
        and money.currency not in (None, "USD", "EUR")
        and _CURRENCY_COUNTRY.get(money.currency) == target_cc
    ):
        return target_cc  # a plan stated in the target country's own currency: a domestic investor
    if not story.wire and story.dateline_country and target_cc and story.dateline_country != target_cc:
        return (
            story.dateline_country
        )  # reported from the investor's home ("RIYADH: ... to acquire a UAE firm")
    counts = Counter(c.code for c in find_countries(text) if c.code != target_cc)
    if kind in ("invest", "build", "joint_venture") and counts and target_cc:
        # a foreign investor's home is the one other country the story talks about
        code, n = counts.most_common(1)[0]
        if len(counts) == 1 or n >= 2 * sorted(counts.values())[-2]:
            return code
    named_target_nationality = kind in ("acquisition", "stake") and any(
        c.kind == "demonym" for c in find_countries(text[sp.start + cand.trigger.end : sp.end])
    )
    if not counts and target_cc and not named_target_nationality:
        return target_cc  # nothing foreign in the story: a domestic deal
    return None


def _title_trigger_pos(title: str) -> int | None:
    from transforms.cues import find_triggers

    trigs = find_triggers(title)
    return trigs[0].start if trigs else None


def _place_code(place: str) -> str | None:
    from transforms.countries import place_country

    cc = place_country(place) or _demonym(place)
    if cc is None:
        cc = city_country(place, 50000)
    return cc


def _demonym(word: str) -> str | None:
    cs = find_countries(word)
    return cs[0].code if cs and cs[0].start == 0 else None


def _target_country_fallback(
    story: Story, cand: Candidate, target: NameRun | None, money: Money | None
) -> str | None:
    text = story.text
    if target is not None:
        near = text[target.end : target.end + 80]
        m = re.match(r"^[^.;]{0,60}?(?:\bof\s+|\bin\s+)(?P<w>[A-Z][\w.]+(?:\s+[A-Z][\w.]+)?)", near)
        if m:
            cc = _place_code(m.group("w"))
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


def _amount(story: Story, cand: Candidate, kind: str) -> Money | None:
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
            for m in find_money(s, story.dateline_country, story.published_at)
        ]
        pick = _pick_money(text, ms)
        if pick is not None:
            return pick
    return None


def _pick_money(text: str, ms: list[Money]) -> Money | None:
    for m in ms:
        if m.in_parens:
            continue
        after = text[m.end : m.end + 14]
        if re.match(r"^\s*(?:a|per)\s+share|^\s*each\b", after, re.I):
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
        found = find_money(s[m.end() :], story.dateline_country, story.published_at)
        if found and found[0].start < 3:
            x = found[0]
            off = sp.start + m.end()
            return Money(
                x.amount, x.amount_max, x.bound, x.currency, x.text, x.start + off, x.end + off, x.in_parens
            )
    return None


__all__ = ["extract_deals", "based_country", "Span"]
