"""The per-window names of the unbounded stream's files are a pure function of the window."""

from __future__ import annotations

from apache_beam.transforms.window import IntervalWindow
from apache_beam.utils.timestamp import Timestamp

from pipeline.stream.graph import WriteWindowDocsFn, WriteWindowLogFn, window_run_date, window_run_id

# 2026-12-02T15:45:00Z and the minute after it
START = 1796226300


def _window(start: int, seconds: int = 60) -> IntervalWindow:
    return IntervalWindow(Timestamp(start), Timestamp(start + seconds))


def test_window_run_id_names_the_window_start_in_utc():
    assert window_run_id("s1", _window(START)) == "s1-20261202T154500Z"
    assert window_run_date(_window(START)) == "2026-12-02"


def test_same_window_same_id_other_window_other_id():
    assert window_run_id("s1", _window(START)) == window_run_id("s1", _window(START, 3600))  # by its start only
    assert window_run_id("s1", _window(START + 60)) == "s1-20261202T154600Z"
    assert window_run_id("s2", _window(START)) != window_run_id("s1", _window(START))


def test_a_window_that_starts_just_before_midnight_keeps_its_own_date():
    midnight = 1796256000  # 2026-12-03T00:00:00Z
    assert window_run_date(_window(midnight - 60)) == "2026-12-02"
    assert window_run_date(_window(midnight)) == "2026-12-03"
    assert window_run_id("s", _window(midnight - 1, 1)) == "s-20261202T235959Z"


def test_writer_dofns_keep_nothing_per_element(tmp_path):
    """Writing two windows leaves the DoFn's attributes as they were (no per-element self state)."""
    docs = WriteWindowDocsFn(str(tmp_path), "s1")
    logs = WriteWindowLogFn(str(tmp_path), "s1")
    before = (dict(vars(docs)), dict(vars(logs)))
    for window in (_window(START), _window(START + 60)):
        assert list(docs.process((0, []), window=window)) == []
        assert list(logs.process((0, []), window=window)) == []
    assert (vars(docs), vars(logs)) == before
