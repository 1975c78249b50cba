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


@functools.cache
def _trigger_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple(
        (kind, re.compile(r"\b(?:" + "|".join(ph) + r")\b", re.IGNORECASE))
        for kind, ph in _data()["triggers"].items()
    )


def find_triggers(sentence: str) -> list[Trigger]:
    """Deal triggers in reading order (earliest first, longest at a tie)."""
    out: list[Trigger] = []
    for kind, pat in _trigger_patterns():
        for m in pat.finditer(sentence):
            out.append(Trigger(kind, m.start(), m.end(), m.group(0)))
    out.sort(key=lambda t: (t.start, -(t.end - t.start)))
    return out


def cue_hits(name: str, text: str) -> list[str]:
    """Phrases of cue family ``name`` found in ``text``."""
    if not text:
        return []
    return [m.group(0) for m in _compiled(name).finditer(text)]


def cue_families() -> list[str]:
    return [k for k in _data() if k not in ("triggers", "_about")]
