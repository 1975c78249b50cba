"""Spending horizons: the period over which money is to be spent, in whole years.

"over the next two to three years" -> (2, 3); "over five years" -> (5, 5); "during 1987-89"
-> (3, 3). Construction or completion dates ("completed by 2020", "in operation in two years")
are not horizons, so only phrases that describe a spending period are read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORDS = {
    "one": 1, "a": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
    "couple of": 2, "a couple of": 2,
}  # fmt: skip

_N = r"(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty)"
_PERIOD = re.compile(
    r"\b(?:over|within|in|for|during|across|spread\s+over)\s+"
    r"(?:the\s+(?:next|coming|following)\s+|a\s+period\s+of\s+|the\s+period\s+of\s+|a\s+|the\s+|next\s+)?"
    rf"(?P<a>{_N})(?:\s*(?:to|-|–|or)\s*(?P<b>{_N}))?[\s-]+years?\b",
    re.IGNORECASE,
)
_YEAR_SPAN = re.compile(
    r"\b(?:during|over|in|for|between|from)\s+(?:the\s+)?(?:years?\s+|period\s+)?"
    r"(?P<y1>(?:19|20)\d\d)\s*(?:-|–|/|to|and|through)\s*(?P<y2>(?:19|20)?\d\d)\b",
    re.IGNORECASE,
)
# phrases where a number of years describes something other than spending
_NOT_SPENDING = re.compile(
    r"(?:complet|operat|finish|ready|break\s+even|repa|grace|start\s+up|employ|jobs|old|aged|ago|"
    r"lease|contract|tenure|term|maturity)\w*\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Horizon:
    min_years: int
    max_years: int
    start: int
    end: int


def _num(s: str) -> int | None:
    s = s.lower().strip()
    if s.isdigit():
        return int(s)
    return _WORDS.get(s)


def find_horizon(sentence: str) -> Horizon | None:
    """The spending period stated in ``sentence``, or None."""
    if not sentence:
        return None
    for m in _PERIOD.finditer(sentence):
        before = sentence[max(0, m.start() - 40) : m.start()]
        if _NOT_SPENDING.search(before) or re.search(r"\bago\b", sentence[m.end() : m.end() + 5]):
            continue
        a = _num(m.group("a"))
        b = _num(m.group("b")) if m.group("b") else a
        if a is None or b is None or not (0 < a <= b <= 50):
            continue
        return Horizon(a, b, m.start(), m.end())
    for m in _YEAR_SPAN.finditer(sentence):
        y1 = int(m.group("y1"))
        y2s = m.group("y2")
        y2 = int(y2s) if len(y2s) == 4 else (y1 // 100) * 100 + int(y2s)
        if y2 < y1:
            y2 += 100
        n = y2 - y1 + 1
        if 1 < n <= 30:
            return Horizon(n, n, m.start(), m.end())
    return None
