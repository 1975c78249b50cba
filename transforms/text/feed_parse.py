"""Feed bytes -> entries, with feedparser doing the format work (RSS 0.9x/1.0/2.0, Atom 0.3/1.0,
JSON Feed, declared and undeclared encodings, relative links).

Pure: no network, no files. Three things are decided here rather than left to feedparser:

* Entity declarations that expand other entities or carry huge values (billion laughs,
  quadratic blowup), or references that would expand the document past the decoded-size cap,
  make the document an ``unsafe_dtd`` error before any XML parser sees it (UTF-16/32 included).
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
_ENTITY_DECL = re.compile(rb"<!ENTITY\s+(%\s*)?([\w.:-]+)\s+(SYSTEM|PUBLIC|\"[^\"]*\"|'[^']*')", re.I)
_ENTITY_REF = re.compile(rb"&[A-Za-z_:][\w.:-]*;|%[\w.:-]+;")
_DOCTYPE = re.compile(rb"<!DOCTYPE\b", re.I)
_COMMENT = re.compile(rb"<!--.*?(?:-->|$)", re.S)
_MAX_ENTITY_VALUE = 1024  # legitimate entity values are a character or a short phrase
DEFAULT_MAX_EXPANDED_BYTES = 40 * 2**20  # the HTTP client's default decoded-size cap
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


def _as_utf8(body: bytes) -> bytes:
    """UTF-16/32 documents re-encoded as UTF-8, so the byte patterns below see them too."""
    head = body[:4]
    for boms, codec in (
        ((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"<\x00\x00\x00", b"\x00\x00\x00<"), "utf-32"),
        ((b"\xff\xfe", b"\xfe\xff"), "utf-16"),
    ):
        if head.startswith(boms):
            return body.decode(codec, errors="replace").encode("utf-8")
    if head.startswith(b"<\x00"):
        return body.decode("utf-16-le", errors="replace").encode("utf-8")
    if head.startswith(b"\x00<"):
        return body.decode("utf-16-be", errors="replace").encode("utf-8")
    return body


def _internal_subset(body: bytes) -> bytes | None:
    """The DOCTYPE's internal subset (``[...]``), skipping comments, PIs and quoted strings.

    Entities can only be declared there, and scanning it properly (rather than "everything
    before the first ``<a``") means a comment or a value holding ``<a`` cannot end it early.
    """
    doctype = _DOCTYPE.search(body)
    if doctype is None:
        return None
    start = body.find(b"[", doctype.end())
    close = body.find(b">", doctype.end())
    if start < 0 or (0 <= close < start):
        return None
    i, n = start + 1, len(body)
    while i < n:
        c = body[i : i + 1]
        if body.startswith(b"<!--", i):
            end = body.find(b"-->", i + 4)
            i = n if end < 0 else end + 3
        elif body.startswith(b"<?", i):
            end = body.find(b"?>", i + 2)
            i = n if end < 0 else end + 2
        elif c in (b'"', b"'"):
            end = body.find(c, i + 1)
            i = n if end < 0 else end + 1
        elif c == b"]":
            return body[start + 1 : i]
        else:
            i += 1
    return body[start + 1 :]


def unsafe_dtd_reason(body: bytes, max_expanded_bytes: int = DEFAULT_MAX_EXPANDED_BYTES) -> str | None:
    """Why the document's DOCTYPE declares entities we refuse to expand, or None.

    Refused: values that refer to other entities (exponential expansion), values over 1 KiB,
    and references that together would expand the document past ``max_expanded_bytes`` (one
    short entity referenced a million times). External entities (SYSTEM/PUBLIC) are let
    through: they are never loaded (feedparser turns off external general entities and expat
    does not read external parameter entities), and real RDF feeds declare the XHTML entity
    sets that way.
    """
    text = _as_utf8(body)
    subset = _internal_subset(text)
    if subset is None or b"<!ENTITY" not in subset.upper():
        return None
    subset = _COMMENT.sub(b"", subset)
    growth = 0
    for match in _ENTITY_DECL.finditer(subset):
        name, value = match.group(2), match.group(3)
        if value.upper() in (b"SYSTEM", b"PUBLIC"):
            continue
        if _ENTITY_REF.search(value):
            return "an entity declaration that expands other entities"
        if len(value) > _MAX_ENTITY_VALUE:
            return f"an entity value over {_MAX_ENTITY_VALUE} bytes"
        if match.group(1) is None:
            grows_by = len(value) - 2 - (len(name) + 2)
            if grows_by > 0:
                growth += text.count(b"&" + name + b";") * grows_by
    if len(text) + growth > max_expanded_bytes:
        return (
            f"entity references would expand the document to about {len(text) + growth} bytes, "
            f"over the {max_expanded_bytes}-byte cap"
        )
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


def parse_feed(
    body: bytes,
    headers: Mapping[str, str] | None = None,
    url: str = "",
    max_expanded_bytes: int = DEFAULT_MAX_EXPANDED_BYTES,
) -> FeedParseResult:
    """Parse one fetched feed document. ``url`` (the final URL) is the base for relative links.

    ``max_expanded_bytes`` is the decoded-size cap: entity references may not expand past it.

    Recovered ill-formed feeds come back with ``bozo`` set and their entries; documents that
    are not feeds, or yield nothing, come back with ``error_type`` set.
    """
    reason = unsafe_dtd_reason(body, max_expanded_bytes)
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
