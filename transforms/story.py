"""The lead of a story and its deal sentence: what both ``classify`` and ``extract_deals`` read.

LABELS.md decides a story by its main event, which lives in the headline and the lead, so only
the first few content sentences are candidates. A candidate is a sentence with a deal trigger
("has agreed to buy", "pledged to invest", "joint venture") and a named actor; it is scored by
how firmly it commits money (commitment words, a stated amount) against the hard-negative cue
families (rumours and talks, debt, IPOs, results, policy, macro statistics, procurement).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from transforms.countries import demonym_code, place_country
from transforms.cues import Trigger, cue_hits, find_triggers
from transforms.money import Money, find_money
from transforms.orgs import NameRun, name_runs
from transforms.sentences import Span, dateline_place, is_hard_wrapped, split_sentences, strip_dateline

LEAD_SENTENCES = 3

_FOLLOW_VERB = re.compile(
    r"^\s*(?:(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\s+)?"
    r"(?:said|says|has|have|had|is|was|are|were|will|would|plans?|planned|paid|signed|agreed|to|unveil\w*|"
    r"announc\w*|confirm\w*|complet\w*|acquir\w*|bought|buys|took|takes|can|could|may|also|launch\w*|"
    r"invest(?:s|ed|ing)?|pledg\w*|unit\s+said|subsidiary\s+said|concluded|made|makes|reached|exercise\w*|"
    r"intends|expects|wants|obtain\w*|set|sets|raised|raises|injects?|pumps?)\b",
    re.IGNORECASE,
)
_GENERIC_SUBJECT = re.compile(
    r"^\s*(?:a|an|the)\s+(?:[\w-]+\s+){0,4}(?:company|group|firm|investors?|conglomerate|consortium|businessmen|"
    r"entrepreneurs|multinationals?|MNCs|carmaker|automaker|bank|fund)\b",
    re.IGNORECASE,
)
_CORPORATE_END = re.compile(
    r"\b(?:Group|Company|Co|Corp|Corporation|Inc|Ltd|Limited|Holdings?|Plc|PLC|AG|SA|SpA|Industries|Enterprises|"
    r"Investments?|Motors?|Bank|Fund|Partners|Capital|Ventures)\.?$"
)
_EXCLUDE_BEFORE = re.compile(
    r"(?:\b(?:of|by|from|with|to|for|at|in|into|than|between|and)\s+(?:the\s+)?)$", re.IGNORECASE
)
_WEEKDAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}


@dataclass(frozen=True)
class Candidate:
    span: Span  # evidence span (dateline removed)
    index: int  # sentence index in the body
    trigger: Trigger  # offsets relative to the sentence
    investor: NameRun | None  # absolute offsets
    money: tuple[Money, ...]  # absolute offsets
    score: float
    reasons: tuple[str, ...] = ()


@dataclass
class Story:
    title: str
    text: str
    published_at: datetime | None
    sentences: list[Span]
    lead: list[int]
    wire: bool
    dateline: str | None
    dateline_country: str | None
    cache: dict = field(default_factory=dict)

    def sentence(self, i: int) -> str:
        return self.sentences[i].of(self.text)


def _is_junk(s: str, title: str) -> bool:
    """Bylines, dates, share prompts and repeated headlines are not lead sentences."""
    words = s.split()
    if len(words) < 6:
        return True
    if title and re.sub(r"\W+", " ", s).strip().lower() == re.sub(r"\W+", " ", title).strip().lower():
        return True
    if re.match(
        r"^(?:By|Published|Updated|Last Updated|Publication Date|Posted|Photo|FILE PHOTO|Credit)\b", s
    ):
        return True
    if not re.search(r"[.!?;:”\"]\s*$", s) and not re.search(
        r"\b(?:said|says|has|have|is|are|will|was|to)\b", s
    ):
        return True
    return False


def analyse(title: str | None, text: str, published_at: datetime | None = None) -> Story:
    text = text or ""
    title = (title or "").strip()
    spans = split_sentences(text)
    dateline = None
    if spans:
        first = spans[0].of(text)
        dateline = dateline_place(first)
        spans[0] = strip_dateline(text, spans[0])
    lead = [i for i, sp in enumerate(spans) if not _is_junk(sp.of(text), title)][:LEAD_SENTENCES]
    wire = is_hard_wrapped(text) or bool(re.search(r"\bmln\s+dlrs\b|\bmln\s+stg\b", text, re.I))
    return Story(title, text, published_at, spans, lead, wire, dateline, place_country(dateline))


def subject_run(story: Story, span: Span, trig_start: int) -> NameRun | None:
    """The actor of the deal sentence: the named party before the trigger that heads a clause."""
    text = story.text
    trig_abs = span.start + trig_start
    runs = name_runs(text, span.start, trig_abs)
    best: tuple[float, int, NameRun] | None = None
    for i, r in enumerate(runs):
        if r.country:
            continue
        before = text[max(span.start, r.start - 25) : r.start]
        if _EXCLUDE_BEFORE.search(before) and not r.bracketed:
            continue
        after = text[r.end : trig_abs + 40]
        after = re.sub(r"^\s*(?:<[^<>]{1,12}>|\([^()]{1,30}\))", "", after)
        score = 0.0
        if r.possessive:
            nxt = runs[i + 1] if i + 1 < len(runs) else None
            if (
                nxt is not None
                and not nxt.country
                and re.match(r"^\W*\s*[\w\s]{0,3}$", text[r.end + 2 : nxt.start])
            ):
                continue  # "<Parent Holdings Inc>'s Acme Packaging Ltd unit": the unit acts
            score += 1.0
        if _FOLLOW_VERB.match(after):
            score += 3.0
        elif re.match(r"^\s*,", after):
            # apposition: "Acme, has acquired" / "X, partner of Y, has" / "XYZ, which ..., will"
            commas = [m.end() for m in re.finditer(r",", text[r.end : trig_abs])]
            if any(_FOLLOW_VERB.match(text[r.end + c : trig_abs + 40]) for c in commas):
                score += 2.5
            else:
                score += 0.5
        elif re.match(r"^\s*(?:unit|subsidiary|arm)\b", after):
            score += 2.5
        prev = runs[i - 1] if i > 0 else None
        if prev is not None and re.fullmatch(r",\s*", text[prev.end : r.start]) and not prev.country:
            score -= 0.6  # an apposition naming the previous party again ("Corporation, XYZ,")
        if (
            r.start == span.start
            and len(r.words) == 1
            and re.match(r"^\s+[a-z]", text[r.end : r.end + 3])
            and not _FOLLOW_VERB.match(after)
        ):
            score -= 2.0  # "Brewing giant Acme": a sentence-initial descriptor
        if _CORPORATE_END.search(r.text):
            score += 0.6
        if r.bracketed:
            score += 0.5
        if best is None or score >= best[0]:
            best = (score, i, r)
    if best is None or best[0] < 0:
        return None
    return best[2]


def buyer_after(story: Story, span: Span, trig_end: int) -> NameRun | None:
    """Seller-side framing ("X has been sold to Y", "X sold its unit to Y"): the buyer is Y."""
    for r in name_runs(story.text, span.start + trig_end, span.end):
        if r.country:
            continue
        if (
            re.match(r"^\s+(?:[a-z-]+\s+){0,2}(?:company|firm|group|unit)\b", story.text[r.end : r.end + 30])
            and r.words[0][0].isupper()
            and len(r.words) == 1
        ):
            continue
        return r
    return None


_NOMINAL = re.compile(
    r"(?:acquisition|investments?|merger|joint[\s-]+venture|JV|takeover|purchase|funding|expansion|moderni[sz]ation|"
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


_GOVERNMENT = re.compile(
    r"(?:\b[Tt]he\s+)?(?P<c>[A-Z][\w.]+(?:\s+[A-Z][\w.]+)?)(?:['’]s)?\s+(?:government|state|treasury)\b"
)


def _government_actor(story: Story, span: Span, trig_start: int) -> NameRun | None:
    """ "The Ruritanian government has bought 85 pct of ...": a government named by its country acts."""
    prefix = story.text[span.start : span.start + trig_start]
    for m in _GOVERNMENT.finditer(prefix):
        if demonym_code(m.group("c")):
            s, e = span.start + m.start("c"), span.start + m.end()
            return NameRun(story.text[s:e], s, e, words=tuple(story.text[s:e].split()))
    return None


def _is_named_syndicate(story: Story, span: Span, trig_start: int) -> bool:
    """Several named investors act together ("X, Y and Z invested ..."): an investment without a lead."""
    runs = [r for r in name_runs(story.text, span.start, span.start + trig_start) if not r.country]
    return len(runs) >= 2 and bool(
        re.search(
            r"\b(?:investors?|firms|funds|partners|group\s+of|consortium|syndicate)\b",
            story.text[span.start : span.start + trig_start],
            re.I,
        )
    )


def _lead_of_syndicate(story: Story, span: Span, trig_start: int) -> NameRun | None:
    """ "A group of venture firms led by X invested ...": the first-named lead is the investor."""
    prefix = story.text[span.start : span.start + trig_start]
    m = re.search(r"\bled\s+by\s+", prefix)
    if not m:
        return None
    runs = name_runs(story.text, span.start + m.end(), span.start + trig_start)
    return runs[0] if runs and runs[0].start == span.start + m.end() else None


def generic_subject_name(story: Story, idx: int, span: Span) -> NameRun | None:
    """ "A Saudi investment company is willing to invest ..." -> the group named in the next sentence."""
    if not _GENERIC_SUBJECT.match(span.of(story.text)):
        return None
    for j in range(idx + 1, min(idx + 3, len(story.sentences))):
        sp = story.sentences[j]
        for r in name_runs(story.text, sp.start, sp.end):
            if not r.country and _CORPORATE_END.search(r.text):
                return r
    return None


def score_candidate(story: Story, idx: int, span: Span, position: int) -> Candidate | None:
    text = story.text
    sent = span.of(text)
    trigs = [t for t in find_triggers(sent)]
    if not trigs:
        return None
    money = tuple(find_money(sent, story.dateline_country, story.published_at))
    money = tuple(
        Money(
            m.amount,
            m.amount_max,
            m.bound,
            m.currency,
            m.text,
            m.start + span.start,
            m.end + span.start,
            m.in_parens,
        )
        for m in money
    )
    strong = [t for t in trigs if t.kind in ("sold_to", "acquisition", "joint_venture", "funding_round")]
    invest = [t for t in trigs if t.kind == "invest"]
    build = [t for t in trigs if t.kind == "build"]
    reasons: list[str] = []
    s = 0.0
    if strong:
        trig = _pick(strong)
        s += 2.0
    elif invest and (money or cue_hits("commitment", sent)):
        trig = _pick(invest)
        s += 1.6
    elif build and (money or _PLANNED_BUILD.search(sent)):
        trig = _pick(build)
        s += 1.3
    elif invest or build:
        trig = _pick(invest or build)
        s += 0.6
    else:
        return None
    reasons.append(f"trigger:{trig.kind}:{trig.text.lower()}")
    if _NOMINAL.match(trig.text) and not _GOVERNING_VERB.search(sent[max(0, trig.start - 45) : trig.start]):
        # "thanks to its acquisition of X", "a loan for their joint venture hotel": a deal mentioned,
        # not a deal made -- a noun trigger needs a verb that commits to it
        s -= 1.0
        reasons.append("nominal_trigger")
    passive = trig.kind == "sold_to" or (trig.kind == "build" and trig.text.lower().endswith(" by"))
    if passive:
        investor = buyer_after(story, span, trig.end)
    else:
        investor = subject_run(story, span, trig.start)
    if investor is None:
        investor = _lead_of_syndicate(story, span, trig.start)
    if investor is None:
        investor = generic_subject_name(story, idx, span)
    if investor is None and re.match(
        r"^(?:It|The\s+(?:company|firm|group|automaker|carmaker|car\s+maker|bank|fund|conglomerate|investor))\b",
        sent,
    ):
        investor = _previous_actor(story, idx)
        if investor is not None:
            s -= 0.3
            reasons.append("anaphora")
    if investor is None and not passive:
        investor = _government_actor(story, span, trig.start)
    syndicate = investor is None and _is_named_syndicate(story, span, trig.start)
    if investor is not None:
        s += 1.0
    elif syndicate:
        reasons.append("named_syndicate")  # LABELS.md: a syndicate with no lead -> investor null
    else:
        s -= 2.5  # LABELS.md: no identifiable investor ("a multinational company") is not a deal
        reasons.append("no_named_investor")
    commit = cue_hits("commitment", sent)
    if commit:
        s += 0.8
    if money:
        s += 0.7
    s -= 0.6 * position
    if _shares_name_with_title(sent, story.title):
        s += 0.6
    elif position > 0 and story.title:
        s -= 0.8  # a later sentence about parties the headline does not name
    neg_sent = _negatives(sent)
    neg_title = _negatives(story.title)
    firm = bool(
        re.search(
            r"pledged|has\s+agreed|agreed\s+to|signed|complet|concluded|acquired|bought|will\s+invest|is\s+investing|"
            r"plans?\s+to\s+(?:invest|build|construct|set\s+up|establish|acquire|buy)|is\s+to\s+(?:buy|acquire|invest)",
            sent,
            re.I,
        )
    ) and not re.search(
        r"memorandum\s+of\s+understanding|\bMoU\b|to\s+(?:negotiate|discuss|explore|study)\b", sent, re.I
    )
    for fam, hits in neg_sent.items():
        w = _WEIGHTS[fam][0]
        if fam == "speculative" and firm:
            w *= 0.25
        if fam == "debt" and _first_hit_pos("debt", sent) > trig.start:
            w = 0.4  # "plans to build a plant financed by revenue bonds": financing detail of a real deal
        s -= w
        reasons.append(f"neg:{fam}:{hits[0].lower()}")
    for fam, hits in neg_title.items():
        w = _WEIGHTS[fam][1]
        if fam == "speculative" and firm:
            w *= 0.5
        s -= w
        reasons.append(f"title_neg:{fam}:{hits[0].lower()}")
    if story.title and find_triggers(story.title):
        s += 0.5
    return Candidate(span, idx, trig, investor, money, s, tuple(reasons))


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
    "closure": (0.8, 1.2),
    "past": (1.0, 0.0),
    "debt_main": (2.0, 1.5),
    "contract_main": (2.0, 1.5),
}


def _first_hit_pos(name: str, s: str) -> int:
    from transforms.cues import _compiled

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


def _previous_actor(story: Story, idx: int) -> NameRun | None:
    """The named actor of an earlier lead sentence, for "The automaker ... confirmed ..."."""
    for j in reversed([k for k in story.lead if k < idx]):
        sp = story.sentences[j]
        trigs = find_triggers(sp.of(story.text))
        if trigs:
            r = subject_run(story, sp, trigs[0].start)
            if r is not None:
                return r
    return None


def _negatives(s: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for fam in _WEIGHTS:
        hits = cue_hits(fam, s)
        if hits:
            out[fam] = hits
    return out


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
