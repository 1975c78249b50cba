from datetime import UTC, datetime

import pytest

from tests.conftest import seed_as_html
from transforms.records import RawDocument
from transforms.text.dates import choose_published, date_from_url, parse_stated_date
from transforms.text.extract import extract_text, make_settings


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("2018-12-07", datetime(2018, 12, 7, tzinfo=UTC)),
        ("2018-12-07T10:30:00+05:00", datetime(2018, 12, 7, 5, 30, tzinfo=UTC)),
        ("2018-12-07T10:30:00Z", datetime(2018, 12, 7, 10, 30, tzinfo=UTC)),
        ("Fri, 07 Dec 2018 09:00:00 GMT", datetime(2018, 12, 7, 9, 0, tzinfo=UTC)),
        ("December 7, 2018", datetime(2018, 12, 7, tzinfo=UTC)),
    ],
)
def test_parse_stated_date(raw, expected):
    assert parse_stated_date(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "not a date at all", "x" * 200])
def test_parse_rejects_non_dates(raw):
    assert parse_stated_date(raw) is None


def test_url_dates():
    assert date_from_url("https://ex.com/news/2019/06/13/story") == datetime(2019, 6, 13, tzinfo=UTC)
    assert date_from_url("https://ex.com/2018-05-02-plant.html") == datetime(2018, 5, 2, tzinfo=UTC)
    assert date_from_url("https://ex.com/news/1544073/story") is None


def test_order_page_then_entry_then_url():
    page = [("meta:article:published_time", "2020-01-02")]
    url = "https://ex.com/2019/01/01/x"
    assert choose_published(page, "2020-02-02", url, None)[1] == "meta:article:published_time"
    assert choose_published([], "2020-02-02", url, None) == (datetime(2020, 2, 2, tzinfo=UTC), "feed_entry")
    assert choose_published([], None, url, None) == (datetime(2019, 1, 1, tzinfo=UTC), "url")


def test_candidate_later_than_fetch_is_rejected():
    fetched = datetime(2020, 1, 1, tzinfo=UTC)
    assert choose_published([("json_ld", "2021-01-01")], "2019-12-31", None, fetched) == (
        datetime(2019, 12, 31, tzinfo=UTC),
        "feed_entry",
    )


def _html_doc(page: str) -> RawDocument:
    return RawDocument("id", "seed_file", "seed.html", None, None, page.encode(), "text/html")


def test_seed_in_minimal_html_gets_no_date_from_the_body(seed_text):
    extracted = extract_text(_html_doc(seed_as_html(seed_text)), make_settings())
    assert "December 17, 2018" in extracted.text  # the body mentions a date...
    assert extracted.published_at is None  # ...which is not the publication date


def test_seed_with_published_meta_gets_that_date(seed_text):
    page = seed_as_html(seed_text, '<meta property="article:published_time" content="2018-12-07">')
    extracted = extract_text(_html_doc(page), make_settings())
    assert extracted.published_at == datetime(2018, 12, 7, tzinfo=UTC)
    assert extracted.published_at_source == "meta:article:published_time"


def test_modified_time_is_never_used(seed_text):
    page = seed_as_html(seed_text, '<meta property="article:modified_time" content="2019-01-01">')
    assert extract_text(_html_doc(page), make_settings()).published_at is None


def test_json_ld_date(seed_text):
    ld = '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2018-12-06T08:00:00Z", "dateModified": "2019-01-01"}</script>'
    extracted = extract_text(_html_doc(seed_as_html(seed_text, ld)), make_settings())
    assert extracted.published_at == datetime(2018, 12, 6, 8, tzinfo=UTC)
    assert extracted.published_at_source == "json_ld"
