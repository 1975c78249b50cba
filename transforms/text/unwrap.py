"""Join hard-wrapped wire-copy lines into paragraphs, keeping every character offset.

Wire copy (Reuters 1987 and its imitators) wraps lines at ~65 columns, so a sentence, an amount
or a company name can straddle a newline. ``unwrap_hard_wraps`` replaces each *wrap* newline by a
space and keeps paragraph breaks (blank lines, an indented next line, a short line that ends a
sentence). The result has the same length as the input, so an offset into the unwrapped copy is
the same offset into the stored ``articles.text``: the stored text is never changed and
``text[evidence_start:evidence_end] == evidence`` keeps holding on the original.
"""

from __future__ import annotations

import re

_MIN_LINES = 4
_MIN_WIDTH = 40  # median line width of wrapped copy; page text has far longer lines
_MAX_WIDTH = 100
_SENTENCE_END = re.compile(r"[.!?:;][\"'”’)\]]*\s*$")


def _width(lines: list[str]) -> int:
    widths = sorted(len(ln.rstrip()) for ln in lines)
    return widths[int(len(widths) * 0.8)]  # the wrap column: most full lines reach it


def looks_hard_wrapped(text: str) -> bool:
    """Most lines of similar width, most of them ending mid-sentence."""
    lines = [ln for ln in text.split("\n") if ln.strip()]
    if len(lines) < _MIN_LINES:
        return False
    width = _width(lines)
    if not (_MIN_WIDTH <= width <= _MAX_WIDTH):
        return False
    if any(len(ln.rstrip()) > width + 25 for ln in lines):
        return False  # a long line: the text is not wrapped at a column
    full = [ln for ln in lines if len(ln.rstrip()) >= width - 20]
    mid = [ln for ln in full if not _SENTENCE_END.search(ln)]
    return len(full) >= max(3, 0.5 * len(lines)) and len(mid) >= 0.5 * len(full)


def unwrap_hard_wraps(text: str) -> str:
    """The text with wrap newlines turned into spaces (same length); ``text`` itself when not wrapped."""
    if not looks_hard_wrapped(text):
        return text
    lines = text.split("\n")
    width = _width([ln for ln in lines if ln.strip()])
    chars = list(text)
    pos = 0
    for i, line in enumerate(lines[:-1]):
        pos += len(line)  # pos is the index of the newline after ``line``
        nxt = lines[i + 1]
        if _is_wrap(line, nxt, width):
            chars[pos] = " "
        pos += 1
    return "".join(chars)


def _is_wrap(line: str, nxt: str, width: int) -> bool:
    if not line.strip() or not nxt.strip():
        return False  # blank line: a paragraph break
    if nxt[:1] in " \t" and len(nxt) - len(nxt.lstrip()) >= 2:
        return False  # wire paragraphs start with an indent
    if _SENTENCE_END.search(line) and len(line.rstrip()) < width - 15:
        return False  # a short line ending a sentence ends its paragraph
    return True
