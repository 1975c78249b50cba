"""The deal sentence of a story's lead, scored: what both ``classify`` and ``extract_deals`` read.

A candidate is a lead sentence with a deal trigger ("has agreed to buy", "pledged to invest",
"joint venture") and a named actor; it is scored by how firmly it commits money (commitment words,
a stated amount) against the hard-negative cue families (rumours and talks, debt, IPOs, results,
policy, macro statistics, procurement).
"""

from __future__ import annotations

import re
from dataclasses import replace

from transforms.deals.actors import (
    _EXCLUDE_BEFORE,
    buyer_after,
    generic_subject_name,
    government_actor,
    is_named_syndicate,
    lead_of_syndicate,
    previous_actor,
    subject_run,
)
from transforms.deals.cues import Trigger, cue_hits, find_triggers
from transforms.deals.lead import LEAD_SENTENCES, Candidate, Story, analyse, is_junk
from transforms.deals.roles import span_types
from transforms.entities.countries import city_country, demonym_code
from transforms.entities.money import Money, find_money
from transforms.entities.orgs import NameRun, name_runs, names_match
from transforms.text.sentences import Span

_NOMINAL = re.compile(
    r"(?:acquisition|buy-?outs?|investments?|merger|joint[\s-]+venture|JV|takeover|purchase|funding|expansion|moderni[sz]ation|"
    r"retooling|new\s+(?:plant|factory|facility|production|manufacturing))",
    re.IGNORECASE,
)
_GOVERNING_VERB = re.compile(
    r"\b(?:announc\w*|sign\w*|complet\w*|conclud\w*|agree\w*|made|make|makes|unveil\w*|plans?|planned|planning|"
    r"form\w*|set\s+up|establish\w*|to|will|would|has|have|had|is|are|was|pledg\w*|commit\w*|approv\w*|"
    r"launch\w*|seal\w*|clinch\w*|finali[sz]\w*|confirm\w*|begin|began|start\w*)\b[^,;]{0,40}$",
    re.IGNORECASE,
)


def _pick(trigs: list[Trigger]) -> Trigger:
    """The first verbal trigger ("will invest"), else the first nominal one ("investment company")."""
    return next((t for t in trigs if not _NOMINAL.match(t.text)), trigs[0])


_PLANNED_BUILD = re.compile(
    r"plans?\s+to\s+(?:build|construct|set\s+up|establish)|will\s+(?:build|construct|set\s+up)", re.I
)


def score_candidate(story: Story, idx: int, span: Span, position: int, recall: bool = False) -> Candidate | None:
    """Score one lead sentence as the deal sentence: trigger, actor, commitment, then the negative cues.

    Each step adds to the running score in a fixed order (so scores are reproducible to the bit).
    ``recall=True`` is the extraction's second pass (``recall_candidate``): the recall-only
    triggers count (and win over the ordinary ones) and the actor may be found by wider anaphora.
    """
    sent = span.of(story.text)
    trigs = find_triggers(sent, recall)
    if not trigs:
        return None
    money = _sentence_money(story, span, sent)
    extra = [t for t in trigs if t not in find_triggers(sent)] if recall else []
    picked = (extra[0], 2.0) if extra else _trigger_strength(trigs, money, sent)
    if picked is None:
        return None
    trig, s = picked
    reasons: list[str] = [f"trigger:{trig.kind}:{trig.text.lower()}"]
    if _NOMINAL.match(trig.text) and not _GOVERNING_VERB.search(sent[max(0, trig.start - 45) : trig.start]):
        # "thanks to its acquisition of X", "a loan for their joint venture hotel": a deal mentioned,
        # not a deal made -- a noun trigger needs a verb that commits to it
        s -= 1.0
        reasons.append("nominal_trigger")
    investor, s = _actor(story, idx, span, sent, trig, s, reasons, recall)
    if cue_hits("commitment", sent):
        s += 0.8
    if money:
        s += 0.7
    s -= 0.6 * position
    if _shares_name_with_title(sent, story.title):
        s += 0.6
    elif position > 0 and story.title:
        s -= 0.8  # a later sentence about parties the headline does not name
    s = _negative_cues(sent, story.title, trig, s, reasons)
    if story.title and find_triggers(story.title):
        s += 0.5
    return Candidate(span, idx, trig, investor, money, s, tuple(reasons))


def _sentence_money(story: Story, span: Span, sent: str) -> tuple[Money, ...]:
    """The sentence's sums with offsets into the story text."""
    return tuple(
        Money(m.amount, m.amount_max, m.bound, m.currency, m.text, m.start + span.start, m.end + span.start, m.in_parens)
        for m in find_money(sent, story.money_country, story.published_at)
    )


def _trigger_strength(trigs: list[Trigger], money: tuple[Money, ...], sent: str) -> tuple[Trigger, float] | None:
    """The trigger that counts and its base score: a deal noun or verb beats "invest" with a sum or a
    commitment, which beats "build" with a sum or a plan; a bare invest/build scores low."""
    strong = [t for t in trigs if t.kind in ("sold_to", "acquisition", "joint_venture", "funding_round")]
    invest = [t for t in trigs if t.kind == "invest"]
    build = [t for t in trigs if t.kind == "build"]
    s = 0.0
    if strong:
        return _pick(strong), s + 2.0
    planned_build = bool(build) and bool(money or _PLANNED_BUILD.search(sent))
    nominal_only = all(_NOMINAL.match(t.text) for t in invest)  # "a plant ... with investment of $150m": the verb
    if invest and (money or cue_hits("commitment", sent)) and not (planned_build and nominal_only):
        return _pick(invest), s + 1.6
    if planned_build:
        return _pick(build), s + 1.3
    if invest or build:
        return _pick(invest or build), s + 0.6
    return None


_ANAPHOR = re.compile(
    r"^(?:It|The\s+(?:company|firm|group|automaker|carmaker|car\s+maker|bank|fund|conglomerate|investor))\b"
)
_GOVERNMENT_NAME = re.compile(r"\b(?:[Gg]overnment|[Gg]ovt|Ministry|Council|Municipality|Department|Treasury)$")


def _actor(story: Story, idx: int, span: Span, sent: str, trig: Trigger, s: float,
           reasons: list[str], recall: bool = False) -> tuple[NameRun | None, float]:
    """Who acts, by the first strategy that finds a name (buyer after "sold to", clause subject,
    syndicate lead, generic subject, anaphora, government), and what that does to the score.
    The recall pass adds the headline's party (named before the trigger, or pointed back to by a
    wider anaphor: "It", "They", "The Japanese automaker", "The fintech startup")."""
    passive = trig.kind == "sold_to" or (trig.kind == "build" and trig.text.lower().endswith(" by"))
    investor = buyer_after(story, span, trig.end) if passive else subject_run(story, span, trig.start)
    if investor is None:
        investor = lead_of_syndicate(story, span, trig.start)
    if investor is None:
        investor = generic_subject_name(story, idx, span)
    if investor is None and _ANAPHOR.match(sent):
        investor = previous_actor(story, idx)
        if investor is not None:
            s -= 0.3
            reasons.append("anaphora")
    if investor is None and recall and not passive:
        investor = headline_party_before(story, span, trig.start)
        if investor is None and _ANAPHOR_WIDE.match(sent):
            investor = headline_party(story) or previous_subject(story, idx)
            if investor is not None:
                s -= 0.3
                reasons.append("anaphora")
    if investor is None and not passive:
        investor = government_actor(story, span, trig.start)
    if investor is not None and trig.kind in ("invest", "build") and _GOVERNMENT_NAME.search(investor.text):
        s -= 2.0  # LABELS.md: a government investing or building is budget spending, not a deal
        reasons.append("government_spending")
    syndicate = investor is None and is_named_syndicate(story, span, trig.start)
    if investor is not None:
        s += 1.0
    elif syndicate:
        reasons.append("named_syndicate")  # LABELS.md: a syndicate with no lead -> investor null
    else:
        s -= 2.5  # LABELS.md: no identifiable investor ("a multinational company") is not a deal
        reasons.append("no_named_investor")
    return investor, s


def _negative_cues(sent: str, title: str, trig: Trigger, s: float, reasons: list[str]) -> float:
    """The hard-negative cue families in the sentence and the headline, softened beside a firm commitment."""
    firm = is_firm(sent)
    for fam, hits in _negatives(sent).items():
        w = _WEIGHTS[fam][0]
        if fam == "speculative" and firm:
            w *= 0.25
        if fam == "debt" and _first_hit_pos("debt", sent) > trig.start:
            w = 0.4  # "plans to build a plant financed by revenue bonds": financing detail of a real deal
        s -= w
        reasons.append(f"neg:{fam}:{hits[0].lower()}")
    for fam, hits in _negatives(title).items():
        w = _WEIGHTS[fam][1]
        if fam == "speculative" and firm:
            w *= 0.5
        s -= w
        reasons.append(f"title_neg:{fam}:{hits[0].lower()}")
    return s


_FIRM = re.compile(
    r"pledged|has\s+agreed|agreed\s+to|signed|complet|concluded|acquired|bought|will\s+invest|is\s+investing|"
    r"plans?\s+to\s+(?:invest|build|construct|set\s+up|establish|acquire|buy)|is\s+to\s+(?:buy|acquire|invest)",
    re.I,
)
_NOT_FIRM = re.compile(r"memorandum\s+of\s+understanding|\bMoU\b|to\s+(?:negotiate|discuss|explore|study)\b", re.I)


def is_firm(sent: str) -> bool:
    """The sentence commits ("pledged", "has agreed", "will invest"), so a speculative word nearby is colour."""
    return bool(_FIRM.search(sent)) and not _NOT_FIRM.search(sent)


# cue family -> (weight in the deal sentence, weight in the headline)
_WEIGHTS = {
    "speculative": (2.0, 1.6),
    "failed": (2.0, 2.0),
    "debt": (1.5, 1.8),
    "ipo": (1.0, 1.8),
    "results": (1.5, 1.2),
    "market": (1.0, 1.5),
    "policy": (0.6, 1.2),
    "macro": (2.0, 1.5),
    "budget": (0.8, 1.5),
    "procurement": (0.6, 1.2),
    "crime": (1.5, 2.0),  # "used laundered deposits to acquire property": a crime story, not a deal
    "closure": (0.8, 1.2),
    "past": (1.0, 0.0),
    "debt_main": (2.0, 1.5),
    "contract_main": (2.0, 1.5),
    "budget_main": (2.0, 1.5),
}


def _first_hit_pos(name: str, s: str) -> int:
    from transforms.deals.cues import _compiled

    m = _compiled(name).search(s)
    return m.start() if m else -1


_TITLE_STOP = frozenset("the a an to in of for and on at by with its new us uk".split())


def _shares_name_with_title(sent: str, title: str) -> bool:
    """The sentence names a party the headline names (case-insensitive, capitalised words only)."""
    if not title:
        return False
    tw = {w.lower() for w in re.findall(r"[A-Za-z][\w&-]{2,}", title)} - _TITLE_STOP
    sw = {w.lower() for w in re.findall(r"\b[A-Z][\w&-]{2,}", sent)} - _TITLE_STOP
    return bool(tw & sw)


def _negatives(s: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for fam in _WEIGHTS:
        hits = cue_hits(fam, s)
        if hits:
            out[fam] = hits
    return out


_ANAPHOR_WIDE = re.compile(
    r"^\s*(?:(?:It|They|Says\s+it)\b|(?:The\s+)?(?:[\w-]+\s+){0,3}?(?:company|firm|group|automaker|carmaker|"
    r"drugmaker|bank|conglomerate|investor|startup|start-up|giant|maker|manufacturer|producer|developer|"
    r"operator|retailer|lender|insurer|platform|miner)\b)"
)


def _same_party(body_name: str, title_name: str) -> bool:
    """A body name and a headline name for one party: equal once normalised, or the headline's
    short form of it ("Kesuri" for "Kesuri Pharmaceutical"; the first word, not a place word)."""
    if names_match(body_name, title_name):
        return True
    a, b = body_name.split(), title_name.split()
    return bool(a and b) and a[0].lower() == b[0].lower() and len(a[0]) >= 3 and not demonym_code(a[0])


def _title_runs(story: Story) -> list[NameRun]:
    return [r for r in name_runs(story.title, 0, len(story.title)) if not r.country] if story.title else []


def headline_party_before(story: Story, span: Span, trig_start: int) -> NameRun | None:
    """A party the headline names, named in the sentence before the trigger ("Acme made a surprise
    purchase on Monday, buying ..."), where the clause rules found no subject."""
    title_runs = _title_runs(story)
    for r in name_runs(story.text, span.start, span.start + trig_start):
        if r.country or _EXCLUDE_BEFORE.search(story.text[max(span.start, r.start - 25) : r.start]):
            continue  # "based in Africa's largest economy": a place, not a party
        if any(_same_party(r.text, t.text) for t in title_runs):
            return r
    return None


def headline_party(story: Story) -> NameRun | None:
    """The headline's first party, at its first mention in the body (what an anaphor points to)."""
    for t in _title_runs(story):
        for r in name_runs(story.text, 0, len(story.text)):
            if not r.country and _same_party(r.text, t.text):
                return r
    return None


def previous_subject(story: Story, idx: int, back: int = 3) -> NameRun | None:
    """The clause-heading party of one of the few sentences before ``idx`` (lead or not)."""
    for j in range(idx - 1, max(-1, idx - 1 - back), -1):
        sp = story.sentences[j]
        r = subject_run(story, sp, sp.end - sp.start)
        if r is not None:
            return r
    return None


_SENTENCE_END = re.compile(r"[.!?][\"'”’)]?\s*$")
RECALL_WINDOW = 8  # distinct content sentences the second pass reads
RECALL_MIN_SCORE = 1.0
RAISE_TITLE_BONUS = 0.5


def recall_candidate(story: Story) -> Candidate | None:
    """The extraction's second pass, for a story whose lead gave no row (``extract_deals`` only).

    Reads the first ``RECALL_WINDOW`` distinct content sentences (a caption repeated three times
    or a newsletter preamble can fill the lead), with the recall-only triggers and the headline's
    party as actor. A sentence past the lead counts only when the headline itself states a deal
    and the sentence names a party of the headline. The candidate needs a named investor and a
    score of ``RECALL_MIN_SCORE``. The classifier never reads this pass, so its inputs are unchanged.
    """
    if "recall" in story.cache:
        return story.cache["recall"]
    seen: set[str] = set()
    idxs = []
    for i, sp in enumerate(story.sentences):
        sent = sp.of(story.text)
        key = re.sub(r"\W+", " ", sent).strip().lower()
        if key in seen or is_junk(sent, story.title):
            continue
        seen.add(key)
        idxs.append(i)
        if len(idxs) >= RECALL_WINDOW:
            break
    raise_title = bool(story.title) and headline_raise(story.title)
    title_deal = bool(story.title and find_triggers(story.title, recall=True)) or raise_title
    best: Candidate | None = None
    if not _negatives(story.title):  # a headline in a negative family (aid, rumour, results) gets no second chance
        for pos, idx in enumerate(idxs):
            sent = story.sentence(idx)
            if pos >= LEAD_SENTENCES and not (
                title_deal and _shares_name_with_title(sent, story.title) and _SENTENCE_END.search(sent)
            ):
                continue  # past the lead: a sentence (not a related-story link) about the headline's deal
            c = score_candidate(story, idx, story.sentences[idx], min(pos, LEAD_SENTENCES - 1), recall=True)
            if c is None or c.investor is None or c.score < RECALL_MIN_SCORE or not _recall_firm(story, c):
                continue
            if raise_title and c.trigger.kind == "funding_round":
                c = replace(c, score=c.score + RAISE_TITLE_BONUS)  # the round the headline reports
            if best is None or c.score > best.score:
                best = c
    story.cache["recall"] = best
    return best


_HEADLINE_RAISE = re.compile(
    r"\b(?:rais|secur|land|bag|net|nab|snag|clos|pull|attract|clinch|scor|get|gets|got)\w*\s+"
    r"(?:(?:an?|additional|new|fresh|another|over|nearly|about|more\s+than)\s+)*",
    re.IGNORECASE,
)


def headline_raise(title: str) -> bool:
    """A funding headline without a round word: a raise verb right before a sum ("Tamsin raises $25m
    for ...", "Startup lands US$100 Million Investment"). The recall pass reads it as a headline deal."""
    for m in _HEADLINE_RAISE.finditer(title):
        if any(x.start == 0 for x in find_money(title[m.end() : m.end() + 40])):
            return True
    return False


def _recall_firm(story: Story, c: Candidate) -> bool:
    """The second pass's precision guards: a firm trigger (a deal noun or verb, or invest/build with a
    sum or a plan: not a bare "building" in a photo caption), no past-deal, exhortation or
    statistics cue, and an actor that is not a place (a gazetteer place the NER types GPE/LOC). The actor's NER type is not checked: the small model types many startups
    as PERSON or GPE (measured: it would drop three of the pass's right investors)."""
    sent = c.span.of(story.text)
    primary = find_triggers(sent)
    if c.trigger in primary:
        picked = _trigger_strength(primary, c.money, sent)
        if picked is None or picked[1] < 1.3:
            return False
    if cue_hits("past", sent) or cue_hits("recall_negative", sent):
        return False  # a past deal; exhortation ("urged firms to invest"), a delegation, a statistic
    inv = c.investor
    if inv is not None and (demonym_code(inv.text) or city_country(inv.text, 15000)):
        types = span_types(story.text, c.span.start, c.span.end, inv.start, inv.end)
        if types & {"GPE", "LOC"} and "ORG" not in types:
            return False  # "Beijing hopes to buy ...": a place (standing for its government), not a firm
    return True


def best_candidate(story: Story) -> Candidate | None:
    """The highest-scoring deal sentence of the lead (cached on the story)."""
    if "best" in story.cache:
        return story.cache["best"]
    best: Candidate | None = None
    for pos, idx in enumerate(story.lead):
        c = score_candidate(story, idx, story.sentences[idx], pos)
        if c is not None and (best is None or c.score > best.score):
            best = c
    story.cache["best"] = best
    return best


__all__ = ["Candidate", "Story", "analyse", "best_candidate", "recall_candidate", "score_candidate", "subject_run"]
