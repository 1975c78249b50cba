"""Strip sidebar blocks ("Must Read", "Related", "You may also like"...) from article text.

trafilatura removes most page furniture, but news pages often glue a block of other
headlines to the end of the story, and plain-text copies (the seed) carry them too. Those
blocks are dangerous here: the sidebar's unrelated "$300 billion" deal would become this
article's deal. The rules work on lines, so they apply to HTML output and text alike.

A heading cuts the text only when it is a known sidebar heading *on its own line* and the
next line looks like a headline (no sentence-ending punctuation). A story subheading such
as "Related developments" followed by paragraphs stays.
"""

from __future__ import annotations

import re

_SIDEBAR_HEADINGS = (
    r"must[ -]reads?",
    r"also read",
    r"read also",
    r"read more",
    r"read next",
    r"more to read",
    r"related",
    r"related (?:articles?|stories|news|posts|content|coverage|links|reading|topics)",
    r"recommended(?: for you| stories| articles| reading)?",
    r"you (?:may|might) also like",
    r"you may be interested in",
    r"more from [\w .&'-]{1,40}",
    r"more (?:stories|news|articles)(?: from [\w .&'-]{1,40})?",
    r"next in [\w .&'-]{1,40}",
    r"latest(?: news| stories)?",
    r"trending(?: now| news| stories)?",
    r"most (?:read|popular|viewed|shared)",
    r"popular(?: stories| news| posts)?",
    r"top stories",
    r"editor'?s? picks?",
    r"don'?t miss",
    r"see also",
    r"in other news",
    r"further reading",
)
_HEADING = re.compile(
    r"^\W{0,3}(?:" + "|".join(_SIDEBAR_HEADINGS) + r")\s*[:|»>\-–—]*\s*$", re.IGNORECASE
)
# "Also Read: Some other headline" promo lines inside or after the story.
_INLINE_PROMO = re.compile(
    r"^\W{0,3}(?:also read|read also|read more|must read|related|recommended|see also|read next)"
    r"\s*[:|»>\-–—]\s*\S.*$",
    re.IGNORECASE,
)
_EXTRA_BLANKS = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


def _looks_like_headline(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and len(stripped.split()) <= 40 and not _SENTENCE_END.search(stripped)


def _next_content_line(lines: list[str], start: int) -> str | None:
    for line in lines[start:]:
        if line.strip():
            return line
    return None


def strip_tail(text: str) -> str:
    """Return ``text`` without sidebar blocks and promo lines.

    A sidebar heading in the second half of the text ends the story. One in the first half
    (leading page chrome, a box in the middle) removes only itself and the headline-like
    lines under it. Lines are removed, never rewritten.
    """
    if not text:
        return text
    lines = text.split("\n")
    kept: list[str] = []
    position = 0
    skipping_block = False
    for i, line in enumerate(lines):
        line_start = position
        position += len(line) + 1
        stripped = line.strip()
        if skipping_block:
            if not stripped or _looks_like_headline(stripped):
                continue
            skipping_block = False
        if _HEADING.match(stripped):
            following = _next_content_line(lines, i + 1)
            if following is None or _looks_like_headline(following):
                if line_start >= len(text) * 0.5:
                    break  # a trailing sidebar: the story has ended
                skipping_block = True
                continue
        if _INLINE_PROMO.match(stripped):
            continue
        kept.append(line)
    if len(kept) == len(lines):
        return text.rstrip()
    return _EXTRA_BLANKS.sub("\n\n", "\n".join(kept)).strip("\n").rstrip()
