"""Feed lists as validated data: ``configs/feeds.yaml`` (or ``--feed URL``) -> ``FeedSpec``s.

Every problem in a file is reported at once, each naming the entry (its index and name or
URL) and the field, so an operator can fix a list in one pass. Unknown keys are errors too:
a misspelt option that silently does nothing is worse than a refusal.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml


class FeedConfigError(ValueError):
    """A feed list that cannot be used; the message lists every problem found."""


@dataclass(frozen=True)
class FeedSpec:
    """One feed the operator listed (trusted: the address guard does not apply to it)."""

    url: str
    name: str | None = None
    language: str | None = None  # ISO 639-1, e.g. "en"
    country: str | None = None  # ISO 3166-1 alpha-2 of the publisher, e.g. "PK"
    verified: bool = False  # someone fetched it and saw real entries
    enabled: bool = True
    max_entries: int | None = None  # only the first N entries of each fetch
    fetch_pages: bool = True  # False: use the entry's own content (full-text feeds)
    feed_content_min_words: int | None = None  # overrides the run's fallback threshold

    @property
    def label(self) -> str:
        return self.name or self.url


_FIELDS = {f.name: f for f in dataclasses.fields(FeedSpec)}
_BOOL_FIELDS = ("verified", "enabled", "fetch_pages")
_INT_FIELDS = ("max_entries", "feed_content_min_words")
_TOP_KEYS = {"version", "defaults", "feeds"}


@cache
def _languages() -> frozenset[str]:
    import pycountry

    return frozenset(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2"))


@cache
def _countries() -> frozenset[str]:
    import pycountry

    return frozenset(country.alpha_2 for country in pycountry.countries)


def url_problem(url: Any) -> str | None:
    if not isinstance(url, str) or not url.strip():
        return "url is missing"
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        return f"url {url!r} is not a valid URL ({exc})"
    if parts.scheme not in ("http", "https"):
        return f"url {url!r} must start with http:// or https://"
    if not parts.hostname:
        return f"url {url!r} has no host"
    return None


def _entry_problems(raw: Mapping[str, Any]) -> list[str]:
    problems = [f"unknown key {key!r}" for key in raw if key not in _FIELDS]
    problem = url_problem(raw.get("url"))
    if problem:
        problems.append(problem)
    for key in ("name",):
        if key in raw and raw[key] is not None and not isinstance(raw[key], str):
            problems.append(f"{key} must be text")
    language = raw.get("language")
    if language is not None and (not isinstance(language, str) or language.lower() not in _languages()):
        problems.append(f"language {language!r} is not an ISO 639-1 code such as 'en'")
    country = raw.get("country")
    if country is not None and (not isinstance(country, str) or country.upper() not in _countries()):
        problems.append(f"country {country!r} is not an ISO 3166-1 alpha-2 code such as 'PK'")
    for key in _BOOL_FIELDS:
        if key in raw and not isinstance(raw[key], bool):
            problems.append(f"{key} must be true or false, not {raw[key]!r}")
    for key in _INT_FIELDS:
        value = raw.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            problems.append(f"{key} must be a whole number >= 1, not {value!r}")
    return problems


def _to_spec(raw: Mapping[str, Any]) -> FeedSpec:
    values = {key: value for key, value in raw.items() if value is not None}
    values["url"] = values["url"].strip()
    if "language" in values:
        values["language"] = values["language"].lower()
    if "country" in values:
        values["country"] = values["country"].upper()
    return FeedSpec(**values)


def specs_from_data(data: Any, origin: str = "feed list") -> list[FeedSpec]:
    """Validate parsed YAML (a mapping with ``feeds:`` or a bare list) into FeedSpecs."""
    defaults: Mapping[str, Any] = {}
    if isinstance(data, Mapping):
        unknown = set(data) - _TOP_KEYS
        if unknown:
            raise FeedConfigError(
                f"{origin}: unknown top-level keys {sorted(unknown)} (expected {sorted(_TOP_KEYS)})"
            )
        defaults = data.get("defaults") or {}
        if not isinstance(defaults, Mapping):
            raise FeedConfigError(f"{origin}: defaults must be a mapping")
        data = data.get("feeds")
    if not isinstance(data, list) or not data:
        raise FeedConfigError(f"{origin}: expected a non-empty list of feeds under 'feeds:'")
    problems: list[str] = []
    specs: list[FeedSpec] = []
    seen: dict[str, str] = {}
    for index, item in enumerate(data):
        if isinstance(item, str):
            item = {"url": item}
        if not isinstance(item, Mapping):
            problems.append(f"feeds[{index}]: expected a mapping with 'url', got {type(item).__name__}")
            continue
        raw = {**defaults, **item}
        where = f"feeds[{index}] ({item.get('name') or item.get('url') or 'no url'})"
        entry_problems = _entry_problems(raw)
        if entry_problems:
            problems.extend(f"{where}: {p}" for p in entry_problems)
            continue
        spec = _to_spec(raw)
        if spec.url in seen:
            problems.append(f"{where}: url {spec.url!r} is already listed as {seen[spec.url]}")
            continue
        seen[spec.url] = where
        specs.append(spec)
    if problems:
        raise FeedConfigError(f"{origin}: {len(problems)} problem(s):\n  " + "\n  ".join(problems))
    return specs


def load_feed_specs(path: str | Path) -> list[FeedSpec]:
    """Read and validate a feed list file; ``FeedConfigError`` names every bad entry."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FeedConfigError(f"{path}: cannot read the feed list ({exc})") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise FeedConfigError(f"{path}: not valid YAML ({exc})") from exc
    return specs_from_data(data, str(path))


def specs_from_urls(urls: Iterable[str]) -> list[FeedSpec]:
    """FeedSpecs for ``--feed URL`` flags (validated the same way)."""
    return specs_from_data([{"url": url} for url in urls], "--feed")


def enabled(specs: Iterable[FeedSpec]) -> list[FeedSpec]:
    return [spec for spec in specs if spec.enabled]
