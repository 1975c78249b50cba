"""Cheap pre-filter on a raw archive record: is full extraction worth it?

Full extraction (trafilatura + classification) costs tens of milliseconds a page; this check
costs well under one, so on archives where most pages are not about investments
(``--only-investments``) it skips most of the work. It must be generous: it is measured to
keep >= 0.98 of the stories that full extraction classifies as investments
(``bench/prefilter_recall.py``), so it looks for any sign of a deal, not for proof of one.

Signals, all found by regular expressions on the raw bytes (no HTML parse, no decoding):

* the URL, ``<title>`` and headline-like meta tags (og:title, description, keywords);
* the visible text, approximated by dropping scripts, styles, comments and tags;
* deal words (invest, acquire, stake, merger, joint venture, …), strong ones alone, weak
  ones (buy, plant, expansion, deal, …) only together with an amount of money.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# Patterns run on lower-cased bytes (no IGNORECASE: it defeats the engine's literal-prefix
# scan and costs 5-10x). Strong cues are enough on their own, anywhere in the text; the stems
# cover English and the Romance/Germanic spellings of "invest" (investir, Investition, inversión).
_STRONG_RE = re.compile(
    rb"\b(?:invest|inversi(?:o|\xc3\xb3)n|acqui[rs]|takeover|take[sn]? ?-?over|took over|buy ?-?out|"
    rb"merger|merge[sd]?\b|stakes?\b|joint ?-?venture|venture capital|funding round|financing round|"
    rb"series [a-e]\b|seed round|private equity|fdi\b|greenfield|capital expenditure|capex\b)"
)
# Weak cues are common in news that is not about deals, so they count only with an amount.
_WEAK_RE = re.compile(
    rb"\b(?:buy|bought|purchas|plant|factor|facilit|expan|pledge|bids?\b|offer|deal|capital|fund|"
    rb"rais|financ|venture|build|set(?:s|ting)? up|project|subsidiar|shares?\b|percent|per cent|pct\b)|%"
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

REASON_HEADLINE = "headline_cue"
REASON_BODY = "body_cue"
REASON_BODY_MONEY = "body_cue_with_amount"
REASON_NO_CUE = "no_deal_cue"
REASON_NO_AMOUNT = "weak_cue_without_amount"
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


def prefilter(url: str | None, content: bytes | None, title: str | None = None) -> PrefilterDecision:
    """Whether a raw HTML record may be an investment story (keep) or surely is not (drop)."""
    if not content or not content.strip():
        return PrefilterDecision(False, REASON_EMPTY)
    lowered = content.lower()
    extra = " ".join(part for part in (url, title) if part).lower().encode("utf-8", "replace")
    headline = headline_zone(lowered) + b" | " + re.sub(rb"[-_/+.=&?]+", b" ", extra)
    if _STRONG_RE.search(headline):
        return PrefilterDecision(True, REASON_HEADLINE)
    body = visible_text(lowered)
    if _STRONG_RE.search(body):
        return PrefilterDecision(True, REASON_BODY)
    if not (_WEAK_RE.search(headline) or _WEAK_RE.search(body)):
        return PrefilterDecision(False, REASON_NO_CUE)
    if _MONEY_RE.search(headline) or _MONEY_RE.search(body):
        return PrefilterDecision(True, REASON_BODY_MONEY)
    return PrefilterDecision(False, REASON_NO_AMOUNT)
