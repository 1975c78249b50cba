"""--max-doc-seconds: extraction runs in a child process that is killed on overrun, freeing the CPU;
complexity caps refuse pathological pages before parsing."""

from __future__ import annotations

import gzip
import time
from pathlib import Path

import pytest

from pipeline.cli import main
from tests.conftest import seed_as_html
from tests.outputs import read_rows
from transforms.records import RawDocument
from transforms.text import bounded
from transforms.text.decode import InputRejected


def html_doc(markup: str) -> RawDocument:
    data = markup.encode("utf-8")
    return RawDocument("d" * 64, "seed_file", "/x.html", None, None, data, "text/html; charset=utf-8")


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def test_an_overrun_is_a_timeout_and_the_cpu_returns_to_idle(seed_text):
    small = html_doc(seed_as_html(seed_text))
    assert bounded.extract_bounded(small, True, 60).text  # warms a child process
    [child] = [c for c in bounded._IDLE if c.process.is_alive()][-1:]
    busy = html_doc("<html><body>" + "".join(f"<p>{seed_text}</p><div>" for _ in range(3000)) + "</body></html>")
    assert bounded.complexity_reason(busy.content) is None  # under the caps: only the clock stops it
    before = time.process_time()
    with pytest.raises(InputRejected) as err:
        bounded.extract_bounded(busy, True, 0.2)
    assert err.value.error_type == "timeout"
    child.process.join(5)
    assert not child.process.is_alive() and not Path(f"/proc/{child.process.pid}").exists()
    # Nothing of ours keeps burning CPU: this process and every live extraction child are idle.
    others = {c.process.pid: cpu_ticks(c.process.pid) for c in bounded._IDLE if c.process.is_alive()}
    mark = time.process_time()
    time.sleep(1.0)
    assert time.process_time() - mark < 0.1
    assert all(cpu_ticks(pid) - ticks <= 2 for pid, ticks in others.items())
    assert mark - before < 1.0  # the parent only waited
    assert bounded.extract_bounded(small, True, 60).text  # a fresh child takes over


def test_a_page_with_200000_attributes_is_refused_before_parsing(tmp_path, seed_text):
    attrs = " ".join(f'a{i}="v"' for i in range(200_000))
    page = seed_as_html(seed_text).replace("<body>", f"<body><div {attrs}>x</div>")
    assert len(page) > 2_000_000
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "attrs.html.gz").write_bytes(gzip.compress(page.encode(), 1))
    (inputs / "good.html").write_text(seed_as_html(seed_text), encoding="utf-8")
    out = tmp_path / "out"
    started = time.monotonic()
    assert main(["run", "--input", str(inputs / "*"), "--output", str(out), "--max-error-rate", "1"]) == 0
    assert time.monotonic() - started < 120  # it stalled a worker for minutes before the cap
    errors = [(r["source"].rsplit("/", 1)[-1], r["error_type"]) for r in read_rows(out, "errors")]
    assert errors == [("attrs.html.gz", "too_complex")]
    assert [r["source"].rsplit("/", 1)[-1] for r in read_rows(out, "articles")] == ["good.html"]


@pytest.mark.parametrize(("value", "ok"), [("2.5", True), ("0", True), ("-1", False), ("soon", False)])
def test_max_doc_seconds_is_validated(value, ok, tmp_path, seed_text):
    (tmp_path / "a.txt").write_text(seed_text, encoding="utf-8")
    try:
        code = main(["run", "--input", str(tmp_path / "a.txt"), "--output", str(tmp_path / "o"),
                     "--max-doc-seconds", value])
    except SystemExit as err:  # argparse's own exit for a bad flag value
        code = err.code
    assert (code == 0) is ok and (ok or code == 2)

