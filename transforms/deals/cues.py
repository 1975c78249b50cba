"""Trigger and cue phrases for deal sentences, compiled once per process from package data.

``data/cues.json`` holds the phrase lists (deal triggers by kind, commitment words, and the
hard-negative families of LABELS.md: rumours and talks, debt, IPOs, results, policy, macro
statistics, procurement, closures). Keeping them as data makes the rules reviewable and lets a
test prove they name no company from the labels.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Trigger:
    kind: str  # acquisition | stake | joint_venture | funding_round | invest | build | sold_to
    start: int
    end: int
    text: str


@functools.cache
def _data() -> dict:
    raw = resources.files("transforms.data").joinpath("cues.json").read_text("utf-8")
    return json.loads(raw)


@functools.cache
def _compiled(name: str) -> re.Pattern[str]:
    phrases = _data()[name]
    return re.compile(r"\b(?:" + "|".join(phrases) + r")\b", re.IGNORECASE)


_DOUBLING = re.compile(r"[^aeiou][aeiou][bdgklmnprt]$")


def inflect(lemma: str, irregular: dict[str, list[str]] | None = None) -> str:
    """A regex for every form of a verb lemma: "snap up" -> snap/snaps/snapped/snapping + " up".

    Phrasal verbs inflect their first word; the particle may follow the object ("bought it up" is
    rare in news, so the particle stays adjacent). A trailing ``*`` marks a verb whose final
    consonant doubles ("commit*" -> committed); single-syllable CVC verbs double by default.
    """
    irregular = irregular if irregular is not None else _data().get("irregular_verbs", {})
    head, _, rest = lemma.partition(" ")
    double = head.endswith("*")
    head = head.rstrip("*")
    if head.endswith("e"):
        stem = head[:-1]
        forms = [head, head + "s", stem + "ed", stem + "ing"]
    elif re.search(r"[^aeiou]y$", head):
        stem = head[:-1]
        forms = [head, stem + "ies", stem + "ied", head + "ing"]
    elif double or (len(head) <= 4 and _DOUBLING.search(head)):
        forms = [head, head + "s", head + head[-1] + "ed", head + head[-1] + "ing"]
    elif re.search(r"(?:s|sh|ch|x)$", head):
        forms = [head, head + "es", head + "ed", head + "ing"]
    else:
        forms = [head, head + "s", head + "ed", head + "ing"]
    forms += irregular.get(head, [])
    alt = "(?:" + "|".join(sorted(set(forms), key=len, reverse=True)) + ")"
    if rest:
        alt += "".join(r"\s+" + re.escape(w) for w in rest.split())
    return alt


@functools.cache
def _trigger_patterns(recall: bool = False) -> tuple[tuple[str, re.Pattern[str]], ...]:
    if recall:
        data = _data().get("recall_triggers", {})
        return tuple((kind, re.compile(r"\b(?:" + "|".join(ph) + r")\b", re.IGNORECASE)) for kind, ph in data.items())
    verbs = _data().get("trigger_verbs", {})
    out = []
    for kind, ph in _data()["triggers"].items():
        alts = list(ph) + [inflect(v) for v in verbs.get(kind, [])]
        out.append((kind, re.compile(r"\b(?:" + "|".join(alts) + r")\b", re.IGNORECASE)))
    return tuple(out)


# Deal words inside a fixed phrase that is no deal: an electricity offtake contract, a buyer's means.
_NOT_A_DEAL = re.compile(r"\bpower\s+purchase\b|\bpurchas\w*\s+power\b|\bpurchase\s+orders?\b", re.IGNORECASE)


def find_triggers(sentence: str, recall: bool = False) -> list[Trigger]:
    """Deal triggers in reading order (earliest first, longest at a tie).

    ``recall=True`` adds the ``recall_triggers`` of ``data/cues.json``: phrasings that only the
    extraction's second pass reads (``story.recall_candidate``), so the classifier's inputs, and
    with them the shipped model, do not change.
    """
    out: list[Trigger] = []
    not_deals = [m.span() for m in _NOT_A_DEAL.finditer(sentence)]
    for kind, pat in _trigger_patterns() + (_trigger_patterns(True) if recall else ()):
        for m in pat.finditer(sentence):
            if not any(a < m.end() and m.start() < b for a, b in not_deals):
                out.append(Trigger(kind, m.start(), m.end(), m.group(0)))
    out.sort(key=lambda t: (t.start, -(t.end - t.start)))
    return out


def cue_hits(name: str, text: str) -> list[str]:
    """Phrases of cue family ``name`` found in ``text``."""
    if not text:
        return []
    return [m.group(0) for m in _compiled(name).finditer(text)]


def cue_families() -> list[str]:
    return [k for k in _data() if k not in ("triggers", "recall_triggers", "recall_negative", "trigger_verbs", "irregular_verbs", "_about")]
