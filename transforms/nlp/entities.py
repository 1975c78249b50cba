"""Typed entity spans from the statistical NER, and text with those spans masked to their type.

Masking is what keeps names out of any n-gram vocabulary: a model trained on masked text can
hold ``__ORG__ to acquire`` but never the company's name (tests/test_no_label_leak.py).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from spacy.tokens import Doc

from transforms.nlp.model import MAX_CHARS, load_nlp

# OntoNotes labels of en_core_web_sm; every one masks to ``__LABEL__``.
LABELS = frozenset(
    "CARDINAL DATE EVENT FAC GPE LANGUAGE LAW LOC MONEY NORP ORDINAL ORG PERCENT PERSON PRODUCT "
    "QUANTITY TIME WORK_OF_ART".split()
)
PROPN_TOKEN = "__PROPN__"  # a proper noun the NER did not type (names it missed stay masked)
NUM_TOKEN = "__NUM__"
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True)
class Entity:
    """A half-open character span ``text[start:end]`` with its OntoNotes label."""

    start: int
    end: int
    label: str
    text: str


@functools.lru_cache(maxsize=256)
def parse(text: str) -> Doc:
    """The parsed Doc of ``text`` (cached: entities, masking and the field rules share one parse)."""
    return load_nlp()(text[:MAX_CHARS])


def entities(text: str) -> list[Entity]:
    """Named-entity spans of ``text`` in order; offsets index ``text`` itself."""
    if not text.strip():
        return []
    return [Entity(e.start_char, e.end_char, e.label_, e.text) for e in parse(text).ents]


def type_token(label: str) -> str:
    return f"__{label}__"


def mask_entities(text: str) -> str:
    """``text`` with every entity span, untyped proper noun and digit run replaced by a type token.

    "Acme Corp bought 40% of Zeta for $5m on May 2" ->
    "__ORG__ bought __PERCENT__ of __ORG__ for __MONEY__ on __DATE__". A sum the money parser
    reads ("$200mn", "52 Million Dollars") is ``__MONEY__`` whatever the NER made of it: the small
    model types sums in Title Case headlines as PERSON, ORDINAL or part of an ORG.
    """
    if not text.strip():
        return text
    from transforms.entities.money import find_money

    doc = parse(text)
    sums = [(m.start, m.end) for m in find_money(text)]
    out: list[str] = []
    pos = 0
    ents = {e.start: e for e in doc.ents if not any(a < e.end_char and e.start_char < b for a, b in sums)}
    i = 0
    while i < len(doc):
        tok = doc[i]
        money = next(((a, b) for a, b in sums if a < tok.idx + len(tok.text) and tok.idx < b), None)
        if money is not None:
            out.append(_masked_plain(text[pos : max(pos, money[0])]))
            out.append(type_token("MONEY"))
            pos = max(pos, money[1])
            while i < len(doc) and doc[i].idx < money[1]:
                i += 1
            continue
        ent = ents.get(i)
        if ent is not None:
            out.append(_masked_plain(text[pos : ent.start_char]))
            out.append(type_token(ent.label_))
            pos = ent.end_char
            i = ent.end
            continue
        if tok.pos_ == "PROPN" and any(c.isalpha() for c in tok.text):
            out.append(_masked_plain(text[pos : tok.idx]))
            out.append(PROPN_TOKEN)
            pos = tok.idx + len(tok.text)
        i += 1
    out.append(_masked_plain(text[pos:]))
    return "".join(out)


def _masked_plain(s: str) -> str:
    return _DIGITS.sub(NUM_TOKEN, s)
