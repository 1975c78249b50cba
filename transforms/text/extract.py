"""Clean article text from a raw document: one parse per page, declared metadata only.

The page is parsed once with lxml (via trafilatura's loader); the cheap metadata reader
and trafilatura's body extraction both work on that tree. trafilatura's own metadata pass
is skipped on purpose (see ``html_meta``).
"""

from __future__ import annotations

import configparser
from dataclasses import dataclass
from datetime import datetime

import trafilatura
from trafilatura.settings import use_config
from trafilatura.utils import load_html

from transforms.nlp.language import detect_language
from transforms.records import ExtractedText, RawDocument
from transforms.text.boilerplate import strip_tail
from transforms.text.dates import choose_published
from transforms.text.decode import InputRejected, decode_html
from transforms.text.metadata import read_page_meta


@dataclass(frozen=True)
class ExtractorSettings:
    """Built once per worker (DoFn.setup): the trafilatura config is not cheap to make."""

    config: configparser.ConfigParser
    include_tables: bool = True
    strip_sidebars: bool = True


def make_settings(strip_sidebars: bool = True) -> ExtractorSettings:
    config = use_config()
    # trafilatura's timeout relies on signals, which only work in its CLI's main thread.
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
    return ExtractorSettings(config=config, strip_sidebars=strip_sidebars)


def _drop_leading_title(text: str, title: str | None) -> str:
    """trafilatura keeps the <h1> headline as the first line; the title has its own column."""
    if not title:
        return text
    first, _, rest = text.partition("\n")
    if " ".join(first.split()).casefold() == " ".join(title.split()).casefold():
        return rest.lstrip("\n")
    return text


def _content_charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"' ")
    return None


def _upper_bound(doc: RawDocument) -> datetime | None:
    bounds = [d for d in (doc.fetched_at, doc.warc_date) if d is not None]
    return min(bounds) if bounds else None


def extract_html(doc: RawDocument, settings: ExtractorSettings) -> ExtractedText:
    if doc.content is None:
        raise InputRejected("empty", "document has no content")
    html, _ = decode_html(doc.content, _content_charset(doc.content_type))
    tree = load_html(html)
    if tree is None:
        raise InputRejected("not_html", "content could not be parsed as HTML")
    meta = read_page_meta(tree)
    text = trafilatura.extract(
        tree,
        url=doc.url,
        include_comments=False,
        include_tables=settings.include_tables,
        with_metadata=False,
        config=settings.config,
    )
    title = doc.title or meta.title
    if title is None:
        for line in (text or "").split("\n"):
            if line.strip():
                title = line.strip()
                break
    text = _drop_leading_title(text or "", meta.title if meta.title else title)
    if settings.strip_sidebars:
        text = strip_tail(text)
    if not text.strip():
        raise InputRejected("no_text", "no article text found in the page")
    entry_label = "feed_entry" if doc.source_kind == "feed" else "input"
    published_at, published_source = choose_published(
        meta.declared_dates, doc.published, doc.url, _upper_bound(doc), entry_label
    )
    return ExtractedText(
        doc=doc,
        title=title,
        text=text,
        text_source="file" if doc.source_kind == "seed_file" else "page",
        published_at=published_at,
        published_at_source=published_source,
        language=detect_language(f"{title or ''}\n{text}", hint=meta.language),
        sitename=meta.sitename,
    )


def extract_plain(doc: RawDocument, settings: ExtractorSettings) -> ExtractedText:
    text = doc.text or ""
    if settings.strip_sidebars:
        text = strip_tail(text)
    if not text.strip():
        raise InputRejected("no_text", "document has no body text")
    entry_label = "feed_entry" if doc.source_kind == "feed" else "input"
    published_at, published_source = choose_published(
        (), doc.published, doc.url, _upper_bound(doc), entry_label
    )
    return ExtractedText(
        doc=doc,
        title=doc.title,
        text=text,
        text_source="file" if doc.source_kind == "seed_file" else "feed_content",
        published_at=published_at,
        published_at_source=published_source,
        language=detect_language(f"{doc.title or ''}\n{text}"),
        sitename=None,
    )


def extract_text(doc: RawDocument, settings: ExtractorSettings) -> ExtractedText:
    """Raises InputRejected when no usable text comes out."""
    if doc.text is not None:
        return extract_plain(doc, settings)
    return extract_html(doc, settings)
