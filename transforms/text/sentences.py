"""Sentence spans with exact character offsets, and dateline prefixes.

Deal evidence must satisfy ``text[start:end] == evidence``, so sentences are never rebuilt
from tokens: they are half-open spans into the original text. The splitter knows two layouts:
hard-wrapped wire copy (Reuters 1987: ~65-column lines, paragraphs start with an indent) where
a single newline is just a space, and page text where every line is a paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words that end with a period but do not end a sentence (the last line: currency abbreviations, "Rs. 1.32 Billion").
_ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof st ste sr jr gen sen rep gov lt col capt sgt rev hon messrs mt ft
    co corp inc ltd bros cos plc no nos vs etc approx dept est fig jan feb mar apr jun jul aug
    sep sept oct nov dec mass conn calif fla ill mich minn penn wash tex ariz colo ind kan ky
    la md mo neb nev okla ore tenn va wis wyo del ala ark ga
    rs rp sh ksh tk
    """.split()
)

_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)")
_PARA = re.compile(r"\n[ \t]*\n|\n(?=[ \t]{2,}\S)|\n(?=\s*[•·▪*-]\s)")

# "LONDON, March 2 - ", "PRINCETON, N.J., March 11 - ", "ESCHBORN, West Germany, March 2 - "
_AGENCY = r"(?:\s*\([A-Za-z][A-Za-z-]{1,14}\))?"  # "(Reuters)", "(AP)", "(Yonhap)"
_WIRE_DATELINE = re.compile(
    r"^[A-Z][A-Za-z .'&/-]{1,40}(?:,\s*[A-Z][A-Za-z .'&/-]{1,30}){0,2},\s*"
    r"(?:Jan|Feb|March|April|May|June|July|Aug|Sept?|Oct|Nov|Dec)[a-z.]*\s+\d{1,2}" + _AGENCY + r"\s*[-–—]+\s+"
)
# "Calcutta, May 18: ", "New Delhi, Jan 3 (PTI): " (the Indian press)
_DATED_COLON = re.compile(
    r"^[A-Z][A-Za-z.'-]+(?:\s[A-Z][A-Za-z.'-]+)?,\s*(?:Jan|Feb|March|April|May|June|July|Aug|Sept?|Oct|Nov|Dec)[a-z.]*"
    r"\s+\d{1,2}(?:\s*\([A-Z]{2,10}\))?\s*:\s+(?=\S)"
)
# "ISLAMABAD: ", "KUALA LUMPUR : ", "RIYADH — "
_CAPS_DATELINE = re.compile(
    r"^[A-Z][A-Z .'-]{2,30}[A-Z](?:\s*(?::|—|–|--)|\s*\([A-Za-z][A-Za-z-]{1,14}\)\s*(?::|—|–|-+))\s*(?=\S)"
)  # "SANTIAGO (Reuters) - ", "WASHINGTON (AP) — "


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    def of(self, text: str) -> str:
        return text[self.start : self.end]


def is_hard_wrapped(text: str) -> bool:
    """True for wire copy whose lines are wrapped at a fixed width (newline == space)."""
    lines = [ln for ln in text.split("\n") if ln.strip()]
    if len(lines) < 4:
        return False
    long_lines = [len(ln) for ln in lines]
    short = sum(1 for n in long_lines if n <= 80)
    return short / len(long_lines) > 0.9 and sorted(long_lines)[len(long_lines) // 2] > 40


def _paragraph_spans(text: str, wrapped: bool) -> list[Span]:
    breaks = _PARA if wrapped else re.compile(r"\n+")
    spans: list[Span] = []
    pos = 0
    for m in breaks.finditer(text):
        spans.append(Span(pos, m.start()))
        pos = m.end()
    spans.append(Span(pos, len(text)))
    return spans


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the period at ``dot`` belongs to an abbreviation or an initial."""
    m = re.search(r"([A-Za-z][A-Za-z.]*)$", text[max(0, dot - 20) : dot])
    if not m:
        return False
    word = m.group(1)
    if "." in word:  # U.S. / N.J. / e.g.
        return True
    if len(word) == 1 and word.isupper():  # initials: "J. Smith"
        return True
    return word.lower() in _ABBREVIATIONS


def _split_paragraph(text: str, para: Span) -> list[Span]:
    out: list[Span] = []
    seg = text[para.start : para.end]
    pos = 0
    for m in _END.finditer(seg):
        end = m.end()
        nxt = re.match(r"\s+(\S)", seg[end:])
        if not nxt:
            continue
        first = nxt.group(1)
        if not (first.isupper() or first.isdigit() or first in "\"'“‘(<•"):
            continue
        if m.group(0)[0] == "." and len(m.group(0).rstrip("\"'”’)]")) == 1:
            if _is_abbreviation(seg, m.start()) and not _after_abbrev_is_new_sentence(seg, end):
                continue
        out.append(Span(para.start + pos, para.start + end))
        pos = end + len(nxt.group(0)) - 1
    out.append(Span(para.start + pos, para.end))
    return out


def _after_abbrev_is_new_sentence(seg: str, end: int) -> bool:
    """After "Co." / "Inc." a capitalised function word starts a new sentence."""
    m = re.match(r"\s+([A-Z][a-z]+)", seg[end:])
    return bool(m) and m.group(1) in {"The", "It", "He", "She", "They", "This", "In", "But", "A", "We"}


def _trim(text: str, span: Span) -> Span | None:
    s, e = span.start, span.end
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    # bullets and list markers are not part of the sentence
    while s < e and text[s] in "•·▪*-–—" and (s + 1 < e and text[s + 1].isspace()):
        s += 1
        while s < e and text[s].isspace():
            s += 1
    return Span(s, e) if e > s else None


def split_sentences(text: str) -> list[Span]:
    """Sentence spans of ``text`` in order; every span is stripped of surrounding space."""
    wrapped = is_hard_wrapped(text)
    spans: list[Span] = []
    for para in _paragraph_spans(text, wrapped):
        for sp in _split_paragraph(text, para):
            t = _trim(text, sp)
            if t is not None:
                spans.append(t)
    return spans


def dateline_length(sentence: str) -> int:
    """Length of a leading dateline ("LONDON, March 2 - ", "ISLAMABAD: "), or 0."""
    m = _WIRE_DATELINE.match(sentence) or _CAPS_DATELINE.match(sentence) or _DATED_COLON.match(sentence)
    return m.end() if m else 0


def dateline_place(sentence: str) -> str | None:
    """The place named by a leading dateline ("PRINCETON, N.J." for wire copy), or None."""
    n = dateline_length(sentence)
    if not n:
        return None
    head = sentence[:n]
    if _DATED_COLON.match(sentence):
        return head.split(",")[0].strip()
    m = _WIRE_DATELINE.match(head)
    if m:
        head = re.sub(
            r",?\s*(?:Jan|Feb|March|April|May|June|July|Aug|Sept?|Oct|Nov|Dec)[a-z.]*\s+\d{1,2}" + _AGENCY + r"\s*[-–—]+\s*$",
            "",
            head,
        )
    else:
        head = re.sub(r"\s*(?:\([A-Za-z][A-Za-z-]{1,14}\))?\s*(?::|—|–|-+)\s*$", "", head)
    return head.strip() or None


def strip_dateline(text: str, span: Span) -> Span:
    """The span without a leading dateline."""
    n = dateline_length(text[span.start : span.end])
    return Span(span.start + n, span.end) if n and span.start + n < span.end else span


def collapse_ws(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()
