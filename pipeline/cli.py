"""Command line: ``dealstream <command> ...``, a dispatcher only.

Each command lives in its own module and is imported only when asked for, so one command
cannot break another and `--help` starts fast. Importing apache_beam logs "apitools not
found, and bigquery client libraries are not available..." through the root logger on every
start when the gcp extra is absent (the normal local case); the filter for it is installed
here, at the process entry, never when the package is imported as a library.
"""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Callable, Sequence

from pipeline import __version__

EXIT_OK, EXIT_USAGE = 0, 2

# name -> "module:function", where function(argv) parses its own flags and returns the exit status.
SUBCOMMANDS: dict[str, str] = {
    "run": "pipeline.run:main",
    "feeds": "pipeline.feeds.command:main",
    "schema": "pipeline.output.schema_export:main",
    "stream": "pipeline.stream.command:main",
    "compact": "pipeline.output.compact:main",
    "deals": "pipeline.ledger.command:main",
    "report": "pipeline.report.command:main",
}


class _DropBeamGcpImportWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("apitools not found")


_BEAM_GCP_WARNING_FILTER = _DropBeamGcpImportWarning()


def _handler(name: str) -> Callable[[Sequence[str]], int] | None:
    """Import only the requested subcommand's module, so one subcommand cannot break another."""
    target = SUBCOMMANDS.get(name)
    if target is None:
        return None
    module_name, _, function = target.partition(":")
    return getattr(importlib.import_module(module_name), function)


DESCRIPTIONS = {
    "run": "read inputs (files, feeds, archives), extract investments, write partitioned Parquet",
    "stream": "poll feeds continuously; each article written exactly once",
    "compact": "rewrite a partition's small files into fewer, atomically",
    "feeds": "'feeds check FILE': fetch each listed feed once and report its health",
    "schema": "print the output schemas (bigquery | json | duckdb)",
    "deals": "'deals rebuild DIR': recompute the deal ledger (one row per real-world deal)",
    "report": "write one offline HTML page (charts, deals table, data quality) from DIR",
}

USAGE = """usage: dealstream <command> [options]

commands:
{commands}
Run 'dealstream <command> --help' for a command's options.
"""


def main(argv: Sequence[str] | None = None) -> int:
    logging.getLogger().addFilter(_BEAM_GCP_WARNING_FILTER)
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        names = list(SUBCOMMANDS)
        commands = "".join(f"  {name:<9} {DESCRIPTIONS.get(name, '')}\n" for name in names)
        print(USAGE.format(commands=commands))
        return EXIT_OK if argv else EXIT_USAGE
    if argv[0] in ("--version", "-V"):
        print(f"dealstream {__version__}")
        return EXIT_OK
    handler = _handler(argv[0])
    if handler is None:
        print(f"dealstream: unknown command {argv[0]!r}; try 'dealstream --help'", file=sys.stderr)
        return EXIT_USAGE
    return handler(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
