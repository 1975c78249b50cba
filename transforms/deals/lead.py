"""The lead of a story: sentences, dateline and the first content sentences that LABELS.md reads.

LABELS.md decides a story by its main event, which lives in the headline and the lead, so only
the first few content sentences (bylines, dates, share prompts and a repeated headline skipped)
are candidates for the deal sentence.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from transforms.deals.cues import Trigger
from transforms.entities.countries import EXCHANGE, EXCHANGE_COUNTRY, find_countries, place_country
from transforms.entities.money import Money
from transforms.entities.orgs import NameRun
from transforms.text.sentences import Span, dateline_place, is_hard_wrapped, split_sentences, strip_dateline

LEAD_SENTENCES = 3
DATELINE_REACH = 12  # sentences of page furniture (captions, bullets, "Updated ...") a dateline may follow


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

    @property
    def money_country(self) -> str | None:
        """The country that settles a currency word ("Rs", "Sh", "dlrs"): the dateline's, else the
        country the story names most (a Kathmandu story's "Rs 140 billion" is Nepalese rupees), else
        the country of a stock exchange it names."""
        if self.dateline_country:
            return self.dateline_country
        if "money_country" not in self.cache:
            counts = Counter(c.code for c in find_countries(self.text))
            listed = EXCHANGE.search(self.text)  # no country named: "... to the Colombo Stock Exchange"
            self.cache["money_country"] = (counts.most_common(1)[0][0] if counts
                                           else EXCHANGE_COUNTRY[listed.group(0)] if listed else None)
        return self.cache["money_country"]


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


def _article_start(text: str, spans: list[Span]) -> int:
    """Where the article proper begins: a web page puts a caption, bullets and "Updated ..." lines
    before the dateline ("RIYADH: Saudi Arabia's sovereign wealth fund is set to acquire ...").
    The first sentence unless it has no dateline and a later one (within ``DATELINE_REACH``) opens
    with a dateline naming a known place ("FILE PHOTO:" and "READ:" name none)."""
    if dateline_place(spans[0].of(text)):
        return 0
    for k in range(1, min(len(spans), DATELINE_REACH)):
        if place_country(dateline_place(spans[k].of(text))):
            return k
    return 0


def analyse(title: str | None, text: str, published_at: datetime | None = None) -> Story:
    text = text or ""
    title = (title or "").strip()
    spans = split_sentences(text)
    dateline = None
    start = 0
    if spans:
        start = _article_start(text, spans)
        dateline = dateline_place(spans[start].of(text))
        spans[start] = strip_dateline(text, spans[start])
    lead: list[int] = []
    seen: set[str] = set()
    for i in range(start, len(spans)):
        s = spans[i].of(text)
        key = " ".join(re.findall(r"\w+", s.lower())[:12])
        if is_junk(s, title) or key in seen:
            continue  # a caption repeated under the photo and again as a summary bullet is one sentence
        seen.add(key)
        lead.append(i)
        if len(lead) == LEAD_SENTENCES:
            break
    wire = is_hard_wrapped(text) or bool(re.search(r"\bmln\s+dlrs\b|\bmln\s+stg\b", text, re.I))
    return Story(title, text, published_at, spans, lead, wire, dateline, place_country(dateline))
