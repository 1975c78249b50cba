"""The cheap pre-filter: keeps anything that may be a deal, drops pages with no sign of one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.deals.prefilter import (
    LEAD_CHARS,
    REASON_BODY_MONEY,
    REASON_EMPTY,
    REASON_HEADLINE,
    REASON_LEAD,
    REASON_NO_CUE,
    headline_zone,
    lead_text,
    prefilter,
    visible_text,
)

REASONS = {REASON_BODY_MONEY, REASON_EMPTY, REASON_HEADLINE, REASON_LEAD, REASON_NO_CUE}
FILLER = "The council met on Tuesday to discuss the new timetable for the summer season. " * 40


def page(title: str, body: str, head: str = "", scripts: str = "") -> bytes:
    return (
        f"<html><head><title>{title}</title>{head}<script>{scripts}</script></head>"
        f"<body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1><p>{body}</p></article></body></html>"
    ).encode()


@pytest.mark.parametrize(
    ("title", "body", "reason"),
    [
        ("Whale Cloud to invest $70m in Pakistan", "The company said so.", REASON_HEADLINE),
        ("ACME TAKES OVER SPANISH MILL", "Terms were not disclosed.", REASON_HEADLINE),
        ("Company news", "Acme has agreed to acquire Beta Ltd, the two firms said on Monday.", REASON_LEAD),
        ("Company news", "Acme and Beta will form a joint venture to make batteries.", REASON_LEAD),
        ("Company news", FILLER + "Acme will invest $5 million in the site.", REASON_BODY_MONEY),
        ("Company news", FILLER + "Acme may invest in the site one day.", REASON_NO_CUE),
        ("Rain expected on Sunday", "Showers will move in from the west by the afternoon.", REASON_NO_CUE),
    ],
    ids=[
        "title",
        "title-takes-over",
        "lead-acquire",
        "lead-jv",
        "far-with-amount",
        "far-no-amount",
        "weather",
    ],
)
def test_decisions(title: str, body: str, reason: str) -> None:
    decision = prefilter("https://news.test/story", page(title, body))
    assert decision.reason == reason
    assert decision.keep is (reason in {REASON_HEADLINE, REASON_LEAD, REASON_BODY_MONEY})


def test_lead_starts_at_the_headline() -> None:
    html = page("T", "First words of the story.").replace(b"<nav>", b"<nav>" + FILLER.encode())
    lead = lead_text(html.lower())
    assert lead.startswith(b" t first words") and len(lead) <= LEAD_CHARS


def test_words_inside_scripts_styles_and_tags_do_not_count() -> None:
    html = page(
        "Weather today",
        "Sunny spells.",
        head="<style>.invest-widget{color:red}</style><!-- acquisition tracking -->",
        scripts="var acquisition = 'invest $5m';",
    ).replace(b"<p>", b"<p class='invest stake'>")
    assert prefilter("https://news.test/weather", html).reason == REASON_NO_CUE


def test_meta_description_and_url_are_headline_signals() -> None:
    meta = page(
        "Markets", "Shares fell.", head='<meta name="description" content="Acme agrees takeover of Beta">'
    )
    assert prefilter("https://news.test/a", meta).reason == REASON_HEADLINE
    in_url = page("Markets", "Nothing here.")
    assert prefilter("https://news.test/acme-to-acquire-beta-for-cash", in_url).reason == REASON_HEADLINE


def test_currency_forms_count_as_amounts() -> None:
    for amount in ("£5m", "€ 3bn", "US$1b", "Rs 9,000 crore", "51.3 mln dlrs", "2 billion", "¥500"):
        html = page("Company news", f"{FILLER} The firm will take a stake worth {amount}.")
        assert prefilter(None, html).reason == REASON_BODY_MONEY, amount


def test_empty_content() -> None:
    assert prefilter("https://x.test/", b"") == (False, REASON_EMPTY)
    assert prefilter("https://x.test/", None) == (False, REASON_EMPTY)


def test_helpers_work_on_lowered_bytes() -> None:
    lowered = page(
        "Acme Buys Beta", "Text", head='<meta property="og:title" content="Acme buys Beta">'
    ).lower()
    assert headline_zone(lowered) == b"acme buys beta | acme buys beta"
    assert b"<" not in visible_text(lowered)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=4000), st.one_of(st.none(), st.text(max_size=80)))
def test_never_raises_on_arbitrary_bytes(content: bytes, url: str | None) -> None:
    decision = prefilter(url, content)
    assert isinstance(decision.keep, bool) and decision.reason in REASONS


def test_keeps_every_dev_labelled_investment(shared_dir: Path) -> None:
    """The labelled investment stories (dev split only), as minimal HTML pages, all pass."""
    from bench.corpus_warc import dev_label_pages

    pages = dev_label_pages(shared_dir / "corpus")
    labels = [
        json.loads(line)
        for line in (shared_dir / "corpus/investment-news/dev-labels.jsonl").read_text().splitlines()
        if line.strip()
    ]
    assert len(pages) == len(labels)
    positives = [p for p in pages if p.label]
    assert positives
    dropped = [p.key for p in positives if not prefilter(p.url, p.html).keep]
    assert dropped == []
