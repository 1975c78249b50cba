"""Feed lists load into typed FeedSpecs; every bad entry is named."""

from __future__ import annotations

import pytest

from pipeline.feeds.feed_list import FeedConfigError, load_feed_specs, specs_from_data, specs_from_urls
from tests.conftest import REPO


def test_shipped_starter_list_is_valid_and_unverified():
    specs = load_feed_specs(REPO / "configs" / "feeds.yaml")
    assert len(specs) >= 10
    assert all(not s.verified and s.language == "en" and s.country for s in specs)
    assert {"PK", "IN", "NG"} <= {s.country for s in specs}
    assert len({s.url for s in specs}) == len(specs)


def test_defaults_apply_and_entries_override():
    specs = specs_from_data(
        {
            "defaults": {"language": "en", "max_entries": 20},
            "feeds": [
                {"url": "https://a.example/feed", "country": "pk"},
                {"url": "https://b.example/rss", "language": "UR", "max_entries": 5, "fetch_pages": False},
                "https://c.example/atom",
            ],
        }
    )
    a, b, c = specs
    assert (a.language, a.country, a.max_entries) == ("en", "PK", 20)
    assert (b.language, b.max_entries, b.fetch_pages) == ("ur", 5, False)
    assert c.url == "https://c.example/atom" and c.label == c.url


def test_every_problem_is_reported_with_the_entry_named():
    data = {
        "feeds": [
            {"url": "https://ok.example/feed", "name": "Fine"},
            {"url": "ftp://files.example/feed", "name": "Old FTP"},
            {"name": "No URL"},
            {"url": "https://x.example/", "country": "XX", "language": "english", "verifed": True},
            {"url": "https://y.example/", "max_entries": 0, "enabled": "yes"},
            {"url": "https://ok.example/feed", "name": "Twice"},
            42,
        ]
    }
    with pytest.raises(FeedConfigError) as err:
        specs_from_data(data, "feeds.yaml")
    message = str(err.value)
    for needle in [
        "feeds[1] (Old FTP): url 'ftp://files.example/feed' must start with http",
        "feeds[2] (No URL): url is missing",
        "feeds[3] (https://x.example/): unknown key 'verifed'",
        "country 'XX' is not an ISO 3166-1 alpha-2 code",
        "language 'english' is not an ISO 639-1 code",
        "feeds[4] (https://y.example/): enabled must be true or false",
        "max_entries must be a whole number >= 1",
        "feeds[5] (Twice): url 'https://ok.example/feed' is already listed as feeds[0] (Fine)",
        "feeds[6]: expected a mapping",
    ]:
        assert needle in message, needle


@pytest.mark.parametrize(
    "text,needle",
    [
        ("feeds: [\n", "not valid YAML"),
        ("feeds: []\n", "non-empty list"),
        ("feedz: []\n", "unknown top-level"),
    ],
)
def test_malformed_files(tmp_path, text, needle):
    path = tmp_path / "feeds.yaml"
    path.write_text(text)
    with pytest.raises(FeedConfigError, match=needle):
        load_feed_specs(path)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(FeedConfigError, match="cannot read"):
        load_feed_specs(tmp_path / "absent.yaml")


def test_feed_flags():
    assert [s.url for s in specs_from_urls(["http://127.0.0.1:8000/rss"])] == ["http://127.0.0.1:8000/rss"]
    with pytest.raises(FeedConfigError, match="--feed"):
        specs_from_urls(["not a url"])
