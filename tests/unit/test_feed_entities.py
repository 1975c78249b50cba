"""Entity expansion in feeds is bounded by the decoded-size cap, and the billion-laughs refusal
holds for DOCTYPEs with comments or markup in values and for UTF-16 documents."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from transforms.text.feed_parse import parse_feed, unsafe_dtd_reason

HOSTILE = Path(__file__).resolve().parents[1] / "fixtures" / "hostile" / "network"
_spec = importlib.util.spec_from_file_location("make_hostile", HOSTILE / "make_hostile.py")
make_hostile = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_hostile)


def test_one_short_entity_referenced_330000_times_is_refused_before_expansion():
    body = make_hostile.entity_storm()  # ~1 MB that would expand to ~98 MB
    result = parse_feed(body, {"Content-Type": "application/rss+xml"}, "http://127.0.0.1/f")
    assert result.error_type == "unsafe_dtd" and "cap" in result.error_message


def test_the_cap_is_the_one_given():
    body = make_hostile.entity_storm(references=2_000, value_bytes=299)  # ~600 KB expanded
    assert unsafe_dtd_reason(body, max_expanded_bytes=10 * 2**20) is None
    assert "cap" in unsafe_dtd_reason(body, max_expanded_bytes=200_000)


def test_a_few_ordinary_entities_still_parse():
    body = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY co "Acme Holdings Corporation">]>'
        b'<rss version="2.0"><channel><title>t</title><item><title>&co; buys a stake</title>'
        b"<link>http://127.0.0.1/a</link></item></channel></rss>"
    )
    result = parse_feed(body, {}, "http://127.0.0.1/f")
    assert result.ok and result.entries[0].title == "Acme Holdings Corporation buys a stake"


@pytest.mark.parametrize(
    "name", ["billion_laughs_comment.xml", "billion_laughs_utf16.xml", "billion_laughs_value_with_tag.xml"]
)
def test_billion_laughs_variants_are_refused(name):
    result = parse_feed(
        (HOSTILE / name).read_bytes(), {"Content-Type": "application/xml"}, "http://127.0.0.1/"
    )
    assert result.error_type == "unsafe_dtd" and "expands other entities" in result.error_message


def test_doctype_scanner_ignores_brackets_in_comments_and_strings():
    laughs = b'<!ENTITY a "x"><!ENTITY b "&a;&a;">'
    assert unsafe_dtd_reason(b'<!DOCTYPE r [<!-- ] --><!ENTITY q "]">' + laughs + b"]><r/>")
    assert unsafe_dtd_reason(b"<!DOCTYPE r [<?pi ]?>" + laughs + b"]><r/>")
    assert unsafe_dtd_reason(b"<!DOCTYPE r SYSTEM 'x.dtd'><r>&a;</r>") is None
