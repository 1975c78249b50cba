"""Who acts in a deal sentence: the named party heading the clause, the buyer after "sold to",
a government named by its country, a syndicate's lead, or the party an anaphor points back to.
"""

from __future__ import annotations

import re

from transforms.deals.cues import find_triggers
from transforms.deals.lead import Story
from transforms.entities.countries import demonym_code
from transforms.entities.orgs import NameRun, name_runs
from transforms.text.sentences import Span

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
    return _first_coordinated(text, runs, best[1])


def _first_coordinated(text: str, runs: list[NameRun], i: int) -> NameRun:
    """ "Harlow Ltd. and Taiwan's Brixton will invest": co-investors named as one subject; LABELS.md
    takes the first named. A country run between them ("Taiwan's") is the second party's modifier."""
    k, j = i, i - 1
    while j >= 0 and runs[j].country and re.fullmatch(r"(?:['’]s)?\s+", text[runs[j].end : runs[k].start]):
        k, j = j, j - 1
    if j < 0 or runs[j].country or runs[j].possessive:
        return runs[i]
    if re.fullmatch(r"\.?\s+and\s+", text[runs[j].end : runs[k].start]):  # "Ltd. and"
        return runs[j]
    return runs[i]


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


_GOVERNMENT = re.compile(
    r"(?:\b[Tt]he\s+)?(?P<c>[A-Z][\w.]+(?:\s+[A-Z][\w.]+)?)(?:['’]s)?\s+(?:government|state|treasury)\b"
)


def government_actor(story: Story, span: Span, trig_start: int) -> NameRun | None:
    """ "The Ruritanian government has bought 85 pct of ...": a government named by its country acts."""
    prefix = story.text[span.start : span.start + trig_start]
    for m in _GOVERNMENT.finditer(prefix):
        if demonym_code(m.group("c")):
            s, e = span.start + m.start("c"), span.start + m.end()
            return NameRun(story.text[s:e], s, e, words=tuple(story.text[s:e].split()))
    return None


def is_named_syndicate(story: Story, span: Span, trig_start: int) -> bool:
    """Several named investors act together ("X, Y and Z invested ..."): an investment without a lead."""
    runs = [r for r in name_runs(story.text, span.start, span.start + trig_start) if not r.country]
    return len(runs) >= 2 and bool(
        re.search(
            r"\b(?:investors?|firms|funds|partners|group\s+of|consortium|syndicate)\b",
            story.text[span.start : span.start + trig_start],
            re.I,
        )
    )


def lead_of_syndicate(story: Story, span: Span, trig_start: int) -> NameRun | None:
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


def previous_actor(story: Story, idx: int) -> NameRun | None:
    """The named actor of an earlier lead sentence, for "The automaker ... confirmed ..."."""
    for j in reversed([k for k in story.lead if k < idx]):
        sp = story.sentences[j]
        trigs = find_triggers(sp.of(story.text))
        if trigs:
            r = subject_run(story, sp, trigs[0].start)
            if r is not None:
                return r
    return None
