"""Stream state written before ``SeenEntry`` left ``transforms/records.py`` still loads.

The stream keeps one ``SeenEntry`` per doc_id in keyed state through Beam's ``PickleCoder``,
and a pickle names its class by module path. State saved by an older release names
``transforms.records.SeenEntry``; the re-export there is what keeps that state readable.
"""

from __future__ import annotations

import base64
import pickle
from datetime import UTC, datetime

from apache_beam.coders import PickleCoder

from transforms.stream_records import SeenEntry

WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
ENTRY = SeenEntry(
    doc_id="doc-1",
    feed_url="https://example.com/feed.xml",
    first_fingerprint="fp-first",
    last_fingerprint="fp-last",
    entry_time=WHEN,
    dated=True,
    first_seen_at=WHEN,
    last_seen_at=WHEN,
    expires_at=datetime(2026, 1, 9, tzinfo=UTC),
    run_id="run-1",
)

# PickleCoder().encode(ENTRY) made by the code before the split (SeenEntry in transforms/records.py).
PICKLED_BEFORE_THE_SPLIT = base64.b64decode(
    "gAWVZQEAAAAAAACMEnRyYW5zZm9ybXMucmVjb3Jkc5SMCVNlZW5FbnRyeZSTlCmBlH2UKIwGZG9jX2lklIwFZG9jLTGUjAhm"
    "ZWVkX3VybJSMHGh0dHBzOi8vZXhhbXBsZS5jb20vZmVlZC54bWyUjBFmaXJzdF9maW5nZXJwcmludJSMCGZwLWZpcnN0lIwQ"
    "bGFzdF9maW5nZXJwcmludJSMB2ZwLWxhc3SUjAplbnRyeV90aW1llIwIZGF0ZXRpbWWUjAhkYXRldGltZZSTlEMKB+oBAgME"
    "BQAAAJRoDowIdGltZXpvbmWUk5RoDowJdGltZWRlbHRhlJOUSwBLAEsAh5RSlIWUUpSGlFKUjAVkYXRlZJSIjA1maXJzdF9z"
    "ZWVuX2F0lGgbjAxsYXN0X3NlZW5fYXSUaBuMCmV4cGlyZXNfYXSUaBBDCgfqAQkAAAAAAACUaBmGlFKUjAZydW5faWSUjAVy"
    "dW4tMZR1Yi4="
)


def test_state_pickled_before_the_split_loads():
    assert b"transforms.records" in PICKLED_BEFORE_THE_SPLIT  # the old module path, as stored
    loaded = PickleCoder().decode(PICKLED_BEFORE_THE_SPLIT)
    assert type(loaded) is SeenEntry
    assert loaded == ENTRY


def test_a_seen_entry_pickled_under_the_old_path_unpickles(monkeypatch):
    monkeypatch.setattr(SeenEntry, "__module__", "transforms.records")  # as an older release wrote it
    data = pickle.dumps(ENTRY, pickle.HIGHEST_PROTOCOL)  # fails unless the old path has the class
    monkeypatch.undo()
    assert b"transforms.records" in data and b"stream_records" not in data
    assert PickleCoder().decode(data) == ENTRY


def test_new_state_names_the_new_module():
    assert b"transforms.stream_records" in PickleCoder().encode(ENTRY)
    assert PickleCoder().decode(PickleCoder().encode(ENTRY)) == ENTRY
