"""Cheap metadata from a parsed page: title, site name, language and *declared* dates.

This replaces trafilatura's ``with_metadata`` pass on purpose: that pass falls back to
dates found in the body text (the seed gets a conference date from it) and costs a third
to a half of extraction time. Here only what the page states about itself is read.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from lxml.html import HtmlElement

# Meta tags that declare the publication date, best first. Never modified/updated.
_DATE_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "publish-date",
    "publish_date",
    "published_time",
    "pubdate",
    "publishdate",
    "date.issued",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
    "article.published",
    "cxenseparse:recs:publishtime",
)
_JSONLD_ARTICLE = re.compile(r"(Article|BlogPosting|Report|WebPage)$", re.IGNORECASE)


@dataclass(frozen=True)
class PageMeta:
    title: str | None
    sitename: str | None
    language: str | None
    declared_dates: tuple[tuple[str, str], ...]  # (source label, raw value), best first


def _meta_map(tree: HtmlElement) -> dict[str, str]:
    found: dict[str, str] = {}
    for node in tree.iter("meta"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").strip().lower()
        value = (node.get("content") or "").strip()
        if key and value and key not in found:
            found[key] = value
    return found


def _jsonld_dates(tree: HtmlElement) -> list[str]:
    dates: list[str] = []
    for node in tree.xpath('//script[@type="application/ld+json"]'):
        raw = node.text_content() if node is not None else ""
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, ValueError):
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                kind = item.get("@type")
                kinds = kind if isinstance(kind, list) else [kind]
                value = item.get("datePublished")
                if isinstance(value, str) and any(isinstance(k, str) and _JSONLD_ARTICLE.search(k) for k in kinds):
                    dates.append(value)
                graph = item.get("@graph")
                if graph is not None:
                    stack.append(graph)
    return dates


def _first_text(tree: HtmlElement, xpath: str) -> str | None:
    for node in tree.xpath(xpath):
        text = " ".join(node.text_content().split()) if isinstance(node, HtmlElement) else str(node).strip()
        if text:
            return text
    return None


def read_page_meta(tree: HtmlElement) -> PageMeta:
    meta = _meta_map(tree)
    title = meta.get("og:title") or meta.get("twitter:title") or _first_text(tree, "//title") or _first_text(tree, "//h1")
    language = tree.get("lang") or meta.get("content-language") or meta.get("og:locale")
    if language:
        language = language.replace("_", "-").split("-")[0].lower()[:3] or None
    dates: list[tuple[str, str]] = [("json_ld", value) for value in _jsonld_dates(tree)]
    for key in _DATE_META:
        if key in meta:
            dates.append(("meta:" + key, meta[key]))
    for node in tree.xpath("//time[@pubdate or @itemprop='datePublished'][@datetime]"):
        dates.append(("time_element", node.get("datetime")))
    return PageMeta(
        title=" ".join(title.split()) if title else None,
        sitename=meta.get("og:site_name") or meta.get("application-name"),
        language=language,
        declared_dates=tuple(dates),
    )
