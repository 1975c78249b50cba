"""Cheap pre-filter on a raw archive record: is full extraction worth it?

Full extraction (trafilatura + classification) costs tens of milliseconds a page; this check
costs a few, so on archives where most pages are not about investments
(``--only-investments``) it skips most of the work. It must be generous: it is measured to
keep >= 0.98 of the stories that full extraction classifies as investments
(``bench/prefilter_recall.py``).

The classifier only calls a story an investment when a deal trigger ("invest", "acquire",
"stake in", "joint venture", "build", …) appears in the headline or the lead. So this filter
looks for the same triggers (``transforms.deals.cues.find_triggers``, the classifier's own rule),
without parsing HTML:

* in the URL, ``<title>`` and headline-like meta tags (og:title, description, keywords);
* in the first ``LEAD_CHARS`` characters of text from the first ``<h1>`` (else
  ``<article>``, else ``<body>``), where the lead of a news page starts, with scripts, styles and tags dropped;
* and, as a safety net for pages whose lead is elsewhere, a strong deal word anywhere in
  the visible text with an amount of money next to it.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from transforms.deals.cues import find_triggers

# Patterns run on lower-cased bytes (no IGNORECASE: it defeats the engine's literal-prefix
# scan and costs 5-10x). Strong cues are enough on their own, anywhere in the text; the stems
# cover English and the Romance/Germanic spellings of "invest" (investir, Investition, inversión).
_STRONG_RE = re.compile(
    rb"\b(?:invest|inversi(?:o|\xc3\xb3)n|acqui[rs]|takeover|take[sn]? ?-?over|took over|buy ?-?out|"
    rb"merger|merge[sd]?\b|stakes?\b|joint ?-?venture|venture capital|funding round|financing round|"
    rb"series [a-e]\b|seed round|private equity|fdi\b|greenfield|capital expenditure|capex\b)"
)
# Deal words that rarely appear in other news: with an amount nearby, anywhere on the page.
_DEAL_WORD_RE = re.compile(
    rb"\b(?:invest(?!or)|acqui[rs]|takeover|merger|stakes?\b|joint ?-?venture|funding round|pledge)"
)
# An amount of money: a currency sign or code before a number, or a number with a scale word.
_MONEY_RE = re.compile(
    rb"(?:[$\xa3\xa5]|\xe2\x82\xac|\xe2\x82\xb9) ?\d"
    rb"|\b(?:us\$|usd|eur|gbp|jpy|cny|inr|rs\.?|rmb|yen|dlrs?|stg|naira|rand|dirhams?|riyals?|euros?|"
    rb"pounds?|dollars?) ?\d"
    rb"|\d ?(?:m|bn|mn|mln|bln|mrd|mio)\b"
    rb"|\d ?(?:million|billion|trillion|crore|lakh|milliard|millones|millions)"
)

_CODE_BLOCKS = re.compile(
    rb"<(?:script|style|noscript|template|svg)\b.*?</(?:script|style|noscript|template|svg)\s*>|<!--.*?-->",
    re.DOTALL,
)
_TAG = re.compile(rb"<[^>]*>")
_SPACE = re.compile(rb"\s+")
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title\s*>", re.DOTALL)
_META = re.compile(rb"<meta\b[^>]{0,4000}>")
_META_NAME = re.compile(rb"""(?:name|property|itemprop)\s*=\s*["']?([\w:.\-]+)""")
_META_CONTENT = re.compile(rb"""content\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_HEADLINE_META = frozenset(
    {
        b"og:title",
        b"twitter:title",
        b"description",
        b"og:description",
        b"twitter:description",
        b"keywords",
        b"news_keywords",
        b"article:tag",
        b"article:section",
        b"headline",
    }
)
_HEAD_BYTES = 256 * 1024  # titles and meta tags live near the top
_LEAD_STARTS = (re.compile(rb"<h1\b"), re.compile(rb"<article\b"), re.compile(rb"<body\b"))
_LEAD_BYTES = 256 * 1024  # HTML read after the lead starts (inline scripts can be large)
LEAD_CHARS = 2000
_NEAR = 200  # how close an amount must be to a deal word in the safety net

REASON_HEADLINE = "headline_cue"
REASON_LEAD = "lead_cue"
REASON_BODY_MONEY = "deal_word_with_amount"
REASON_NO_CUE = "no_deal_cue"
REASON_EMPTY = "empty"


class PrefilterDecision(NamedTuple):
    keep: bool
    reason: str


def headline_zone(lowered: bytes) -> bytes:
    """The title and headline-like meta tag values of a lower-cased page, joined."""
    head = lowered[:_HEAD_BYTES]
    parts: list[bytes] = []
    title = _TITLE.search(head)
    if title:
        parts.append(title.group(1))
    for tag in _META.finditer(head):
        name = _META_NAME.search(tag.group(0))
        if not name or name.group(1) not in _HEADLINE_META:
            continue
        value = _META_CONTENT.search(tag.group(0))
        if value:
            parts.append(value.group(1) or value.group(2) or b"")
    return _SPACE.sub(b" ", b" | ".join(parts))


def visible_text(lowered: bytes) -> bytes:
    """Roughly the text a reader sees: scripts, styles, comments and tags removed, spaces collapsed."""
    return _SPACE.sub(b" ", _TAG.sub(b" ", _CODE_BLOCKS.sub(b" ", lowered)))


def lead_text(lowered: bytes, chars: int = LEAD_CHARS) -> bytes:
    """The first ``chars`` of visible text from the first <h1> (else <article>, else <body>)."""
    offset = 0
    for pattern in _LEAD_STARTS:
        found = pattern.search(lowered)
        if found:
            offset = found.start()
            break
    return visible_text(lowered[offset : offset + _LEAD_BYTES])[:chars]


def _has_trigger(text: bytes) -> bool:
    """A deal trigger by the classifier's own rule (``transforms.deals.cues.find_triggers``)."""
    return bool(find_triggers(text.decode("utf-8", "replace")))


def _deal_word_near_amount(body: bytes) -> bool:
    for match in _DEAL_WORD_RE.finditer(body):
        if _MONEY_RE.search(body, max(0, match.start() - _NEAR), match.end() + _NEAR):
            return True
    return False


def prefilter(url: str | None, content: bytes | None, title: str | None = None) -> PrefilterDecision:
    """Whether a raw HTML record may be an investment story (keep) or surely is not (drop)."""
    if not content or not content.strip():
        return PrefilterDecision(False, REASON_EMPTY)
    lowered = content.lower()
    extra = " ".join(part for part in (url, title) if part).lower().encode("utf-8", "replace")
    headline = headline_zone(lowered) + b" | " + re.sub(rb"[-_/+.=&?]+", b" ", extra)
    if _STRONG_RE.search(headline) or _has_trigger(headline):
        return PrefilterDecision(True, REASON_HEADLINE)
    if _has_trigger(lead_text(lowered)):
        return PrefilterDecision(True, REASON_LEAD)
    if _deal_word_near_amount(visible_text(lowered)):
        return PrefilterDecision(True, REASON_BODY_MONEY)
    return PrefilterDecision(False, REASON_NO_CUE)
