"""Feed bytes -> entries, with feedparser doing the format work (RSS 0.9x/1.0/2.0, Atom 0.3/1.0,
JSON Feed, declared and undeclared encodings, relative links).

Pure: no network, no files. Three things are decided here rather than left to feedparser:

* Entity declarations that expand other entities or carry huge values (billion laughs,
  quadratic blowup) make the document an ``unsafe_dtd`` error before any XML parser sees it.
  feedparser already drops such declarations when they start a line and expat >= 2.4 caps
  amplification, but a one-line DOCTYPE reaches expat, which then burns ~1 s and ~70 MB
  before its limit trips; older expat builds have no limit at all.
* The bytes are handed over as a stream: ``feedparser.parse(bytes)`` first tries ``open()`` on
  them, so a body that happens to be a file name would read a local file.
* ``published`` comes only from the entry's publication date (RSS ``pubDate``, Atom
  ``published``/``issued``, ``dcterms:issued``), never from ``updated``/``modified`` (which is
  also where feedparser puts ``dc:date``).
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit
from xml.sax import SAXException

import feedparser

# An ENTITY declaration is unsafe when it is external (SYSTEM/PUBLIC), a parameter entity, or
# its value refers to another entity (the building block of exponential expansion).
_ENTITY_DECL = re.compile(rb"<!ENTITY\s+(%\s*)?[\w.:-]+\s+(SYSTEM|PUBLIC|\"[^\"]*\"|'[^']*')", re.I)
_ENTITY_REF = re.compile(rb"&[A-Za-z_:][\w.:-]*;|%[\w.:-]+;")
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")
_MAX_ENTITY_VALUE = 1024  # legitimate entity values are a character or a short phrase
_BLOCK_TAGS = frozenset(
    {"p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"}
)


@dataclass(frozen=True)
class FeedEntry:
    """One feed item as the pipeline uses it (texts are plain text, dates ISO-8601 UTC)."""

    url: str | None
    title: str | None
    published: str | None  # entry publication date (never "updated"), ISO-8601 UTC
    summary: str | None
    content: str | None  # the longest full-content block, when the feed carries one
    entry_id: str | None
    published_raw: str | None = None  # the stated text, kept when it could not be parsed

    @property
    def body_text(self) -> str:
        """The entry's own text: full content when present, else the summary."""
        return self.content or self.summary or ""

    @property
    def word_count(self) -> int:
        return len(self.body_text.split())


@dataclass(frozen=True)
class FeedParseResult:
    """Entries of one feed document; ``error_type`` set when it is not a usable feed."""

    entries: tuple[FeedEntry, ...] = ()
    format: str | None = None  # feedparser's version: rss20, rss10, atom10, atom03, json11, ...
    title: str | None = None
    encoding: str | None = None
    bozo: bool = False  # ill-formed but (partly) recovered
    bozo_reason: str | None = None
    error_type: str | None = None  # unsafe_dtd | not_a_feed | unparseable
    error_message: str | None = None

    @property
    def ok(self) -> bool:
        return self.error_type is None


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_to_text(markup: str | None) -> str | None:
    """Plain text of an HTML fragment (paragraphs kept as lines, whitespace collapsed)."""
    if not markup:
        return None
    collector = _TextCollector()
    collector.feed(markup)
    collector.close()
    lines = (" ".join(line.split()) for line in "".join(collector.parts).splitlines())
    text = "\n".join(line for line in lines if line)
    return text or None


def unsafe_dtd_reason(body: bytes) -> str | None:
    """Why the document's prolog declares entities we refuse to expand, or None.

    External entities (SYSTEM/PUBLIC) are let through: they are never loaded (feedparser
    turns off external general entities and expat does not read external parameter
    entities), and real RDF feeds declare the XHTML entity sets that way.
    """
    first = _FIRST_ELEMENT.search(body)
    prolog = body[: first.start()] if first else body
    if b"<!ENTITY" not in prolog.upper():
        return None
    for match in _ENTITY_DECL.finditer(prolog):
        value = match.group(2)
        if value.upper() in (b"SYSTEM", b"PUBLIC"):
            continue
        if _ENTITY_REF.search(value):
            return "an entity declaration that expands other entities"
        if len(value) > _MAX_ENTITY_VALUE:
            return f"an entity value over {_MAX_ENTITY_VALUE} bytes"
    return None


def _iso_utc(parsed) -> str | None:
    if not parsed:
        return None
    try:
        return datetime(*parsed[:6], tzinfo=UTC).isoformat()
    except (TypeError, ValueError):
        return None


def _entry_url(entry, base: str) -> str | None:
    for candidate in (entry.get("feedburner_origlink"), entry.get("link")):
        if candidate:
            absolute = urljoin(base, candidate.strip())
            if urlsplit(absolute).scheme in ("http", "https"):
                return absolute
    guid = entry.get("id")
    if guid and entry.get("guidislink") and urlsplit(guid).scheme in ("http", "https"):
        return guid
    return None


def _longest_content(entry) -> str | None:
    blocks = [html_to_text(block.get("value")) for block in entry.get("content") or []]
    blocks = [b for b in blocks if b]
    return max(blocks, key=len) if blocks else None


def _to_entry(entry, base: str) -> FeedEntry:
    published = _iso_utc(entry.get("published_parsed"))
    raw = entry.get("published")
    return FeedEntry(
        url=_entry_url(entry, base),
        title=html_to_text(entry.get("title")),
        published=published,
        summary=html_to_text(entry.get("summary")),
        content=_longest_content(entry),
        entry_id=entry.get("id") or None,
        published_raw=raw if raw and not published else None,
    )


def parse_feed(body: bytes, headers: Mapping[str, str] | None = None, url: str = "") -> FeedParseResult:
    """Parse one fetched feed document. ``url`` (the final URL) is the base for relative links.

    Recovered ill-formed feeds come back with ``bozo`` set and their entries; documents that
    are not feeds, or yield nothing, come back with ``error_type`` set.
    """
    reason = unsafe_dtd_reason(body)
    if reason:
        return FeedParseResult(error_type="unsafe_dtd", error_message=f"refused: {reason}")
    response_headers = {k.lower(): v for k, v in (headers or {}).items()}
    response_headers["content-location"] = urljoin(url, response_headers.get("content-location", ""))
    parsed = feedparser.parse(io.BytesIO(body), response_headers=response_headers)
    bozo_reason = None
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        bozo_reason = f"{type(exc).__name__}: {exc}" if exc else "ill-formed"
    version = parsed.get("version") or None
    entries = tuple(_to_entry(e, url) for e in parsed.get("entries", []))
    common = {
        "format": version,
        "title": html_to_text(parsed.get("feed", {}).get("title")),
        "encoding": parsed.get("encoding") or None,
        "bozo": bool(parsed.get("bozo")),
        "bozo_reason": bozo_reason,
    }
    if not entries and not version:
        return FeedParseResult(
            error_type="not_a_feed", error_message=bozo_reason or "no feed found", **common
        )
    if not entries and isinstance(parsed.get("bozo_exception"), SAXException):
        # Ill-formed and nothing recovered (e.g. a truncated download): not a usable feed.
        return FeedParseResult(error_type="unparseable", error_message=bozo_reason, **common)
    return FeedParseResult(entries=entries, **common)
