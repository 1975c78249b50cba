"""``dealstream report DIR [--out FILE.html] [--from DATE --to DATE] [--country CC] [--min-confidence X]``.

Reads DIR's tables (local directories only: the page is built on the machine that reads it),
writes one HTML file and prints where it is. Exit status: 0 written (also for an empty DIR),
2 usage error (bad flag, DIR not a directory), 1 the file could not be written.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from pipeline.common.arg_types import rate
from pipeline.report.data import Filters, build_report_data
from pipeline.report.render import render_html

LOG = logging.getLogger(__name__)


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {value!r}") from None


def _country(value: str) -> str:
    if len(value) != 2 or not value.isalpha():
        raise argparse.ArgumentTypeError(f"expected a two-letter country code (ISO 3166-1), got {value!r}")
    return value.upper()


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="dealstream report",
        description="Write one self-contained HTML page (charts, a searchable deals table, data quality) "
        "from DIR's tables; it opens offline from disk.",
    )
    p.add_argument("directory", metavar="DIR", help="a dealstream output directory (local)")
    p.add_argument("--out", metavar="FILE.html", help="where to write the page (default: DIR/report.html)")
    p.add_argument("--from", dest="date_from", type=_date, metavar="DATE",
                   help="only deals and articles published on or after DATE (undated rows are left out)")
    p.add_argument("--to", dest="date_to", type=_date, metavar="DATE",
                   help="only deals and articles published on or before DATE")
    p.add_argument("--country", type=_country, metavar="CC", help="only deals whose target country is CC")
    p.add_argument("--min-confidence", type=rate, metavar="X", help="only deals with confidence >= X (0..1)")
    return p


def write_atomically(path: Path, text: str) -> None:
    """Readers (a browser refreshing) never see half a page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)  # mkstemp makes it 0600; a page is meant to be shared
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    directory = Path(args.directory)
    if "://" in args.directory or not directory.is_dir():
        print(f"dealstream report: error: DIR {args.directory} is not a local directory", file=sys.stderr)
        return 2
    if args.date_from and args.date_to and args.date_from > args.date_to:
        print("dealstream report: error: --from is after --to", file=sys.stderr)
        return 2
    filters = Filters(args.date_from, args.date_to, args.country, args.min_confidence)
    data = build_report_data(directory, filters)
    out = Path(args.out) if args.out else directory / "report.html"
    try:
        write_atomically(out, render_html(data, datetime.now(UTC)))
    except OSError as err:
        print(f"dealstream report: error: cannot write {out}: {err.strerror or err}", file=sys.stderr)
        return 1
    h = data.headline
    print(f"Report: {out} ({h['deals']} deals from {h['articles']} articles, {h['runs']} runs, {h['errors']} errors)")
    return 0
