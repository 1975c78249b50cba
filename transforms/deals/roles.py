"""Who does the deal, by entity type and dependency parse of the deal sentence.

The rule layer (``actors.py``) finds the investor by the shape of capitalised runs; it cannot
tell a company from a person, a place, a month or a sum of money. Here the sentence is parsed
once (spaCy, only this sentence: cost stays small) and the deal predicate's agent is read off
the parse: the subject of the trigger verb (climbing "agreed to buy", "said it will invest"),
or the ``by``-agent of a passive ("was acquired by Y"). The investor must be an ORG span, or a
government / state body; never a PERSON, GPE, DATE or MONEY span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from transforms.nlp.entities import parse

# Entity types that can never be the investor (LABELS.md: an organisation or a state body).
NOT_INVESTOR = frozenset({"PERSON", "GPE", "LOC", "DATE", "TIME", "MONEY", "PERCENT", "CARDINAL",
                          "ORDINAL", "QUANTITY", "NORP", "LAW", "EVENT", "WORK_OF_ART", "LANGUAGE"})
_STATE_BODY = re.compile(
    r"\b(?:government|ministry|state|treasury|authority|council|fund|agency|commission|sovereign)\b", re.I
)
_CLIMB = frozenset({"xcomp", "conj", "advcl", "ccomp", "relcl", "acl", "pcomp", "prep", "pobj"})


@dataclass(frozen=True)
class Role:
    """A party of the deal as a character span of the story text, with its entity type."""

    start: int
    end: int
    text: str
    label: str  # ORG, or STATE for a government body


def _ent_of(tok: Token) -> SpacySpan | None:
    return tok.doc[tok.i : tok.i + 1].ents[0] if tok.ent_type_ and tok.doc[tok.i : tok.i + 1].ents else None


def _entity_containing(doc, tok: Token) -> SpacySpan | None:
    for e in doc.ents:
        if e.start <= tok.i < e.end:
            return e
    return None


def _party(doc, head: Token) -> tuple[SpacySpan | None, str | None]:
    """The ORG (or state body) a subject/agent token names, and the blocking type if it is not one."""
    own = _entity_containing(doc, head)
    if own is not None and own.label_ == "ORG":
        return own, None
    sub = list(head.subtree)
    lo, hi = sub[0].i, sub[-1].i + 1
    phrase = doc[lo:hi].text
    orgs = [e for e in doc.ents if e.label_ == "ORG" and lo <= e.start and e.end <= hi]
    if own is not None and own.label_ in NOT_INVESTOR and not _STATE_BODY.search(phrase):
        return None, own.label_
    if orgs:
        # the head's own modifiers first ("Japan's Terumo Corp"), never a party inside "of"/"by" phrases
        direct = [e for e in orgs if any(t.head.i == head.i or t.i == head.i for t in e)]
        return (direct or orgs)[0], None
    if _STATE_BODY.search(head.text) and head.pos_ in ("NOUN", "PROPN"):
        left = min((t.i for t in head.subtree if t.dep_ in ("det", "amod", "compound", "poss", "nmod")
                    and t.i < head.i), default=head.i)
        span = doc[left : head.i + 1]
        if any(t.ent_type_ in ("GPE", "NORP") for t in span):
            return span, None
    return None, (own.label_ if own is not None else None)


def _verb_for(doc, char: int) -> Token | None:
    tok = next((t for t in doc if t.idx <= char < t.idx + max(len(t.text), 1)), None)
    if tok is None:
        return None
    for _ in range(4):
        if tok.pos_ in ("VERB", "AUX") or tok.dep_ == "ROOT":
            return tok
        tok = tok.head
    return tok


def _subject(verb: Token) -> tuple[Token | None, bool]:
    """(subject token, passive?) of ``verb``, climbing control and reported-speech chains."""
    v = verb
    for _ in range(5):
        subj = next((c for c in v.children if c.dep_ in ("nsubj", "nsubjpass", "csubj")), None)
        if subj is not None:
            if subj.pos_ == "PRON" and v.dep_ in ("ccomp", "xcomp", "conj") and v.head is not v:
                v = v.head  # "X said it will buy": "it" is X
                continue
            return subj, subj.dep_ == "nsubjpass"
        if v.dep_ not in _CLIMB or v.head is v:
            return None, False
        v = v.head
    return None, False


def deal_agent(text: str, start: int, end: int, trigger_start: int) -> tuple[Role | None, str | None]:
    """The investor of the sentence ``text[start:end]`` whose trigger begins at ``trigger_start``.

    Returns (role, blocked_type): ``blocked_type`` names the entity type when the predicate's
    subject is a span that cannot invest (a PERSON, a GPE, ...).
    """
    sent = text[start:end]
    doc = parse(sent)
    verb = _verb_for(doc, trigger_start - start)
    if verb is None:
        return None, None
    subj, passive = _subject(verb)
    if passive:
        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
        pobj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
        if pobj is None:
            return None, None
        subj = pobj
    if subj is None:
        return None, None
    span, blocked = _party(doc, subj)
    if span is None:
        return None, blocked
    label = "ORG" if span.label_ == "ORG" else "STATE"
    return Role(start + span.start_char, start + span.end_char, span.text, label), None


def span_types(text: str, start: int, end: int, a: int, b: int) -> set[str]:
    """Labels of the entities that *are* ``text[a:b]`` (inside it, covering most of it) in its sentence.

    An entity running far past the name (the NER swallowing a dateline into a DATE) says nothing
    about the name, so it does not count.
    """
    doc = parse(text[start:end])
    out = set()
    for e in doc.ents:
        es, ee = start + e.start_char, start + e.end_char
        if es >= a - 2 and ee <= b + 2 and (min(ee, b) - max(es, a)) >= 0.6 * (b - a):
            out.add(e.label_)
    return out


def party_places(text: str, start: int, end: int, a: int, b: int) -> list[str]:
    """Place/nationality words the sentence attaches to the party ``text[a:b]`` by the parse.

    "Terumo Corp of Japan", "X, a Chinese engineering company,", "Tokyo-based X": GPE/NORP
    entities in the party head's ``of`` phrase, its apposition or its own modifiers; never a
    place elsewhere in the sentence (the dateline, the target's location).
    """
    doc = parse(text[start:end])
    heads = [t for t in doc if a <= start + t.idx < b and not (a <= start + t.head.idx < b)]
    if not heads:
        return []
    head = heads[0]
    found: list[str] = []
    zones = [c for c in head.children if c.dep_ in ("appos", "amod", "compound", "nmod", "npadvmod")]
    zones += [g for c in head.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children
              if g.dep_ == "pobj"]
    for z in zones:
        lo, hi = min(t.i for t in z.subtree), max(t.i for t in z.subtree) + 1
        for e in doc.ents:
            if e.label_ in ("GPE", "NORP") and lo <= e.start and e.end <= hi:
                if z.dep_ == "appos" and any(t.dep_ == "pobj" and t.head.lower_ in ("in", "to") for t in e):
                    continue  # "a company based in" is fine, "investing in Kenya" is not the party's
                found.append(e.text)
    return found
