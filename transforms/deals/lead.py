"""The lead of a story: sentences, dateline and the first content sentences that LABELS.md reads.

LABELS.md decides a story by its main event, which lives in the headline and the lead, so only
the first few content sentences (bylines, dates, share prompts and a repeated headline skipped)
are candidates for the deal sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from transforms.deals.cues import Trigger
from transforms.entities.countries import place_country
from transforms.entities.money import Money
from transforms.entities.orgs import NameRun
from transforms.text.sentences import Span, dateline_place, is_hard_wrapped, split_sentences, strip_dateline

LEAD_SENTENCES = 3


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


def is_junk(s: str, title: str) -> bool:
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
    lead = [i for i, sp in enumerate(spans) if not is_junk(sp.of(text), title)][:LEAD_SENTENCES]
    wire = is_hard_wrapped(text) or bool(re.search(r"\bmln\s+dlrs\b|\bmln\s+stg\b", text, re.I))
    return Story(title, text, published_at, spans, lead, wire, dateline, place_country(dateline))
