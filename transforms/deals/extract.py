"""Deal fields from an investment story: who puts how much where, with the sentence that says so.

One row per story, from the lead's deal sentence (``story.best_candidate``): an analyst relying
on these rows is better served by the main deal, checkable against its evidence, than by every
sum of money the article mentions. Fields the text does not settle stay null.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import datetime

from transforms.deals.amount_rank import ranked_amount
from transforms.deals.countries import based_country, investor_country, local_unit_of, target_country_fallback
from transforms.deals.country_rank import country_candidates, ranked_target_country
from transforms.deals.investor_country_rank import investor_country_candidates, ranked_investor_country
from transforms.deals.investor_rank import ranked_investor
from transforms.deals.party_names import described_party, full_form, tidy_party
from transforms.deals.roles import deal_agent, span_types
from transforms.deals.round_lead import is_raiser, round_lead, unled_syndicate
from transforms.deals.row_confidence import Features, row_confidence, row_features
from transforms.deals.story import Candidate, Story, analyse, best_candidate, recall_candidate
from transforms.deals.target import deal_target, not_a_party
from transforms.entities.countries import city_country, demonym_code, find_countries
from transforms.entities.fx import to_usd
from transforms.entities.horizon import find_horizon
from transforms.entities.orgs import NameRun, affiliates_of, name_runs, names_match
from transforms.nlp.entities import entities
from transforms.records import DealFields
from transforms.text.sentences import Span, collapse_ws

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
_FUNDING_TITLE = re.compile(r"\b(?:series\s+[a-h]|seed|round|rais\w+|funding|financing)\b", re.I)
_PLACE_WORDS = re.compile(
    r"\b(?:plant|factory|facility|facilities|mill|unit|hub|line|projects?|operations|capacity|complex|park|zone|site|expansion|state)\b",
    re.I,
)


def extract_deals(title: str | None, text: str, published_at: datetime | None = None,
                  rank_investor: bool = True, story_score: float | None = None,
                  keep_doubtful: bool = False) -> list[DealFields]:
    """Deals stated by the story, best first (at most one: the lead's main deal).

    The row's ``confidence`` is the fitted row model's (row_confidence.py), read with the story's
    ``investment_score`` (``story_score``; the shipped classifier's when not given). A row below
    the model's keep threshold is dropped: fewer, correct rows beat many doubtful ones.
    ``keep_doubtful=True`` keeps it (training tools); ``rank_investor=False`` keeps the rules'
    investor (what ``make train`` fits the investor ranker on).
    """
    found = main_deal(title, text, published_at, rank_investor)
    if found is None:
        return []
    row, feats = found
    if story_score is None:
        from transforms.deals.model import decide

        story_score = decide(title, text).score
    p, keep = row_confidence(feats, story_score)
    if not keep and not keep_doubtful:
        return []
    return [replace(row, confidence=round(p, 4))]


def main_deal(title: str | None, text: str, published_at: datetime | None = None,
              rank_investor: bool = True, second_pass: bool = True, rank_country: bool = True,
              trace: dict | None = None, rank_investor_country: bool = True,
              ) -> tuple[DealFields, Features] | None:
    """The lead's main deal (its ``confidence`` not yet set) and the row features the confidence reads.

    ``second_pass=False``: the lead's deal sentence only (what the investor ranker is fitted on).
    ``rank_country=False`` / ``rank_investor_country=False`` keep the rules' countries; ``trace``
    (a dict) receives the country candidates of the returned row (what ``make train`` fits those
    rankers on).
    """
    story = analyse(title, text, published_at)
    cand = best_candidate(story)
    if cand is not None and not (cand.investor is None and cand.score < 1.0):
        row, feats = _fields(story, cand, rank_investor, rank_country, trace, rank_investor_country)
        if identifiable(row):
            return row, feats
    # no row from the lead: the second pass (wider window, recall-only phrasings, headline party)
    cand = recall_candidate(story) if second_pass else None
    if cand is None:
        return None
    row, feats = _fields(story, cand, rank_investor, rank_country, trace, rank_investor_country)
    return (row, feats) if identifiable(row) else None


def identifiable(row: DealFields) -> bool:
    """LABELS.md: a deal has an identifiable investor (or a named round) and a target, a target
    country or at least a stated sum; a row with none of them is a mention, not a deal."""
    if row.investor is None and row.deal_type != "funding_round":
        return False
    return not (row.target is None and row.target_country is None and row.amount is None)


def rule_agent(story: Story, cand: Candidate) -> str | None:
    """The parse's agent of the deal predicate (an ORG or state body), as text."""
    sp = cand.span
    agent, _ = deal_agent(story.text, sp.start, sp.end, sp.start + cand.trigger.start)
    return agent.text if agent else None


def _ranked_party(story: Story, cand: Candidate, inv: NameRun | None, investor: str | None,
                  target_run: NameRun | None) -> tuple[NameRun | None, str | None, NameRun | None]:
    """The investor ranker's choice over the rules' (make train); the raiser of a round becomes the target."""
    pick = ranked_investor(story, cand, investor, rule_agent(story, cand))
    new = pick.text if pick else None
    if names_match(new, investor) or (new is None and investor is None):
        return inv, investor, target_run
    if new is not None and target_run is not None and names_match(new, target_run.text):
        # the raiser the rules made the round's target: it does not invest in itself
        return inv, investor, target_run
    funding = cand.trigger.kind == "funding_round" or bool(_FUNDING_TITLE.search(story.title or ""))
    if funding and inv is not None and (target_run is None or names_match(target_run.text, new)):
        target_run = inv  # "X raises $5m from Y": the rules took the raiser X; it is the target
    if pick is None:
        return None, None, target_run
    if pick.start < 0:  # named in the headline only: no offsets in the body
        return NameRun(pick.text, cand.span.start, cand.span.start, words=tuple(pick.text.split())), new, target_run
    return NameRun(pick.text, pick.start, pick.end, words=tuple(pick.text.split())), new, target_run


def _fields(story: Story, cand: Candidate, rank_investor: bool = True, rank_country: bool = True,
            trace: dict | None = None, rank_investor_country: bool = True) -> tuple[DealFields, Features]:
    text = story.text
    sent = cand.span.of(text)
    inv = typed_investor(story, cand)
    investor = collapse_ws(inv.text) if inv else None
    target_run, target_place_country = deal_target(story, cand)
    named_lead = False
    if cand.trigger.kind == "funding_round" and inv is not None and is_raiser(story, cand, inv):
        # "Tamsin has raised $25m in a round led by Corrow": the lead investor invests in the raiser
        syndicate = unled_syndicate(story, cand)  # "raised $500m from A, B, C and D": no investor
        lead = None if syndicate else round_lead(story, cand)
        named_lead = syndicate or (lead is not None and lead.start >= cand.span.end)
        target_run, inv = inv, lead
        investor = collapse_ws(inv.text) if inv else None
        target_place_country = None
    if investor and re.search(r"\s+and\s+.+\s+of\s+\S+$", investor):
        head, _, tail = investor.partition(" and ")
        if find_countries(tail.rsplit(" of ", 1)[-1]):
            investor = head  # "Acme and Bolt of China": two parties, the first named
    if investor and re.search(r"\S+\s+\S+\s+and\s+\S+\s+\S+", investor):
        left = investor.split(" and ")[0]
        investor = left if len(left.split()) >= 2 else investor  # co-investors: the first named
    if rank_investor and not named_lead:
        inv, investor, target_run = _ranked_party(story, cand, inv, investor, target_run)
    target = collapse_ws(target_run.text) if target_run else None
    if target_run is not None and re.search(
        r"\b(?:State|Province|Region|County|District|Zone)$", target_run.text
    ):
        target = None  # a place, not a company
    if target is not None and not_a_party(target):
        target = None  # "R4.5-billion", "VND", "Southeast Asian", "Morocco and Slovakia"
    if target is not None and target_run is not None and cand.span.start <= target_run.start < cand.span.end:
        ttypes = span_types(text, cand.span.start, cand.span.end, target_run.start, target_run.end)
        if "NORP" in ttypes and "ORG" not in ttypes and re.fullmatch(r"[A-Z][a-z]+s", target):
            target = None  # a people in the plural ("Britons", "Americans"), never a party
    kind = _deal_kind(story, cand, target_run)
    if kind == "funding_round" and inv is not None and _in_name_list(story, cand, inv):
        inv, investor = None, None  # LABELS.md: a syndicate named without a lead has no investor
    money = ranked_amount(story, cand)  # fitted ranker over the sums near the deal (make train)
    rule_country = target_place_country or target_country_fallback(story, cand, target_run, money)
    inv_country = investor_country(story, cand, inv, rule_country, kind, money)
    tgt_country = rule_country
    if rank_country or trace is not None:
        # a fitted ranker over every country the deal's neighbourhood names (make train)
        country_cands = country_candidates(story, cand, target_run, money, target_place_country,
                                           rule_country, inv_country, inv)
        if trace is not None:
            trace["target_country"] = country_cands
        picked = ranked_target_country(country_cands) if rank_country else rule_country
        if picked != rule_country:
            tgt_country = picked
            inv_country = investor_country(story, cand, inv, tgt_country, kind, money)
    if rank_investor_country or trace is not None:
        # a fitted ranker over every country tied to the investor (make train)
        inv_cands = investor_country_candidates(story, cand, inv, tgt_country, kind, money, target_run)
        if trace is not None:
            trace["investor_country"] = inv_cands
        if rank_investor_country:
            inv_country = ranked_investor_country(inv_cands)
    if kind in ("invest", "build"):
        cross = inv_country and tgt_country and inv_country != tgt_country
        if not cross and inv is not None and tgt_country:
            cross = local_unit_of(text, inv.words[0] if inv.words else inv.text.split()[0], tgt_country)
        kind = "fdi_pledge" if cross else "project_investment"
    horizon = find_horizon(sent)
    amount_usd = to_usd(money.amount, money.currency, story.published_at) if money else None
    affiliates = affiliates_of(text, inv.text) if inv else ()
    inv, investor = _tidy(story, inv, investor)
    target_run, target = _tidy(story, target_run, target)
    feats = row_features(story, cand, inv, investor, target, money, kind, tgt_country, inv_country,
                         target_place_country)
    row = DealFields(
        deal_type=kind,
        investor=investor,
        target=target,
        target_country=tgt_country,
        investor_country=inv_country if investor else None,  # no investor, no investor country (LABELS.md)
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
        confidence=0.0,  # set by extract_deals from the fitted row model
        investor_affiliates=affiliates,
        amount_usd=amount_usd,
    )
    return row, feats


def _tidy(story: Story, run: NameRun | None, name: str | None) -> tuple[NameRun | None, str | None]:
    """The party's name without its description or wire prefix, in the story's full form."""
    tidy = tidy_party(name)
    if name and tidy is None and run is not None:
        run = described_party(story.text, run)  # "Western Australia-based" -> the company it describes
        tidy = tidy_party(collapse_ws(run.text)) if run else None
    return run, full_form(tidy, story.title, story.text)


_STATE_WORDS = re.compile(r"\b(?:government|ministry|state|treasury|authority|council|fund|agency)\b", re.I)
_NEVER_A_PARTY = frozenset({"DATE", "TIME", "MONEY", "PERCENT", "CARDINAL", "ORDINAL", "QUANTITY"})


def typed_investor(story: Story, cand: Candidate) -> NameRun | None:
    """The rule layer's actor, checked against entity types and the parse's agent of the predicate.

    An actor the NER types as a person, place, date or sum is never the investor: the parse's
    agent replaces it (or nothing does). With no actor, the parse's ORG agent is taken.
    """
    inv = cand.investor
    sp = cand.span
    agent, _blocked = deal_agent(story.text, sp.start, sp.end, sp.start + cand.trigger.start)
    agent_run = NameRun(agent.text, agent.start, agent.end, words=tuple(agent.text.split())) if agent else None
    if inv is None:
        return agent_run
    if not (sp.start <= inv.start < sp.end):
        return inv  # an anaphor resolved to an earlier sentence
    types = span_types(story.text, sp.start, sp.end, inv.start, inv.end)
    if "ORG" in types or _STATE_WORDS.search(inv.text):
        return inv
    if types & _NEVER_A_PARTY:
        return agent_run  # a month, a sum, a percentage taken for a name
    if types & {"GPE", "LOC"} and _is_place(story.text, sp, inv):
        return agent_run  # a place
    if "PERSON" in types and agent_run is not None and agent.label == "ORG" and not _overlaps(agent_run, inv):
        return agent_run  # a person named in the clause, but a company is the predicate's agent
    return inv


def _is_place(text: str, sp: Span, inv: NameRun) -> bool:
    """The whole actor is one GPE/LOC entity that the gazetteer knows as a place."""
    ents = [e for e in entities(text[sp.start : sp.end]) if e.label in ("GPE", "LOC")]
    whole = any(sp.start + e.start <= inv.start and inv.end <= sp.start + e.end for e in ents)
    name = collapse_ws(inv.text)
    return whole and bool(demonym_code(name) or city_country(name, 15000))


def _overlaps(a: NameRun, b: NameRun) -> bool:
    return a.start < b.end and b.start < a.end


def _deal_kind(story: Story, cand: Candidate, target: NameRun | None) -> str:
    sent = cand.span.of(story.text)
    kind = cand.trigger.kind
    if re.search(r"joint[\s-]+venture", sent, re.I) and (
        kind not in ("acquisition", "sold_to") or _NEW_VENTURE.search(" ".join([story.title or "", *(story.sentence(i) for i in story.lead)]))
    ):  # a stake in a venture being set up is the venture, a stake in an existing one is a stake
        return "joint_venture"
    if _JOINT_CAPITAL.search(sent) and kind not in ("acquisition", "sold_to", "funding_round"):
        return "joint_venture"
    if kind in ("acquisition", "sold_to"):
        # "completed its acquisition of X, three years after buying 40% stake": the 40% is the past
        sent = _PAST_HOLDING.sub(" ", sent)
        pcts = _deal_percentages(sent)
        if re.search(r"\bto\s+100\s*(?:pct|percent|%)|\bwhole\b|\bentire\b", sent, re.I):
            return "acquisition"
        if re.search(r"buy\s+out\s+minorit|\bminority\b(?!\s+(?:shareholders?|investors?|owners?|holders?))", sent, re.I):
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
    if kind == "invest" and _STAKES_TAKEN.search(sent):
        return "stake"  # "has taken stakes of just over 5% in five trading houses in a long-term investment"
    if kind == "invest":
        # "has invested $500m in (ride-hailing company) Zoomly": equity into a named company
        obj = sent[cand.trigger.end :]
        # "in (Colombian delivery app) Zoomly", "pumped $1bn into Zoomly"
        lead_in = r"^\s*" if re.search(r"\b(?:in|into)\s*$", cand.trigger.text) else (
            r"^(?:[^.;]|(?<=\d)\.(?=\d)){0,70}?\b(?:in|into)\s+")  # the trigger may end with "into"
        m = re.match(lead_in + r"(?:the\s+)?(?P<desc>(?:[A-Za-z][\w-]*\s+){0,3})"
                     + re.escape(target.text.split()[0]), obj) if target is not None else None
        if m and any(w[0].isupper() and not demonym_code(w) for w in m.group("desc").split()):
            m = None  # a capitalised word other than a demonym is part of a name
        if (
            target is not None
            and m
            and not city_country(target.text, 50000)
            and not find_countries(target.text)
        ):
            tail = obj[m.start("desc") + len(m.group("desc")) + len(target.text) :][:40]
            if not _PLACE_WORDS.search(target.text) and not re.match(r"^\W*(?:plant|factory|facility)", tail):
                return "funding_round"
    return kind


def _in_name_list(story: Story, cand: Candidate, inv: NameRun) -> bool:
    """The actor is one of several names listed together ("A, B and C invested ...")."""
    sp = cand.span
    runs = [r for r in name_runs(story.text, sp.start, sp.start + cand.trigger.start) if not r.country]
    if inv not in runs or len(runs) < 2:
        return False
    i = runs.index(inv)
    gaps = [story.text[a.end : b.start] for a, b in zip(runs, runs[1:], strict=False)]
    joined = [bool(re.fullmatch(r"\s*(?:,\s*(?:and\s+)?|and\s+)", g)) for g in gaps]
    left = i > 0 and joined[i - 1]
    right = i < len(gaps) and joined[i]
    return left or right


_NEW_VENTURE = re.compile(
    r"\b(?:set(?:s|ting)?\s+up|form(?:s|ed|ing)?|establish\w*|creat\w*|launch\w*|announc\w*)\s+"
    r"(?:a\s+|the\s+)?(?:new\s+)?(?:joint\s+)?(?:venture|JV)\b",
    re.I,
)
# capital put in together: "a $1.7bn joint investment", "plan to partner with ... companies to set up ..."
_JOINT_CAPITAL = re.compile(
    r"\bjoint\s+investments?\b|\bpartner(?:s|ed|ing)?\s+with\b[^.;]{0,60}?\bto\s+(?:set\s+up|build|establish|develop)\b",
    re.I,
)
_STAKES_TAKEN = re.compile(r"\b(?:tak(?:e|es|en|ing)|took|bought|buys?|acquir\w+)\s+stakes\s+(?:of|in)\b", re.I)
_PAST_HOLDING = re.compile(
    r"\b(?:(?:after|having|since)\s+(?:buying|acquiring|taking|purchasing)|already\s+(?:owns?|owned|holds?|held|had|has))"
    r"\s+(?:an?\s+|its\s+|about\s+|some\s+)?(?:initial\s+)?\d+(?:\.\d+)?\s*(?:%|per\s*cent|percent|pct)"
    r"(?:\s+(?:stake|holding|interest|shareholding))?",
    re.I,
)
_MORE_THAN = re.compile(r"(?:over|more\s+than|above|in\s+excess\s+of)\s+$", re.I)


def _deal_percentages(sent: str) -> list[float]:
    """The sentence's percentages that size the deal ("over 50 per cent" is a majority), once a
    holding it already had is cut out (``_PAST_HOLDING``)."""
    out = []
    for m in _PCT.finditer(sent):
        value = _pct_value(m.group("n"))
        if value is not None:
            out.append(value + 0.5 if _MORE_THAN.search(sent[max(0, m.start() - 20) : m.start()]) else value)
    return out


def _pct_value(s: str) -> float | None:
    try:
        return float(s)
    except ValueError:
        return _PCT_WORDS.get(s.lower())


__all__ = ["extract_deals", "based_country", "Span"]
