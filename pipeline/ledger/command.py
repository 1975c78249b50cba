"""`dealstream deals rebuild DIR`: recompute the whole ledger from DIR/investments."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from pipeline.ledger.store import snapshot_path, update_ledger


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dealstream deals", description="The deal ledger (docs/ledger.md).")
    sub = parser.add_subparsers(dest="action", required=True)
    rebuild = sub.add_parser("rebuild", help="Recompute DIR/deals/deals.parquet from every investment row.")
    rebuild.add_argument("output", metavar="DIR")
    return parser


def main(argv: Sequence[str]) -> int:
    args = _parser().parse_args(list(argv))
    if not Path(args.output).is_dir():
        print(f"dealstream deals: error: {args.output} is not a directory", file=sys.stderr)
        return 2
    update = update_ledger(args.output, rebuild=True)
    print(update.line())
    print(f"Ledger: {snapshot_path(args.output)}")
    return 0
