"""Console entry point: quiets one misleading import-time warning, then runs the CLI.

Importing apache_beam logs "apitools not found, and bigquery client libraries are not
available..." through the root logger on every start when the gcp extra is absent, which
is the normal local case. The filter is installed here, at the process entry, never when
the package is imported as a library.
"""

from __future__ import annotations

import logging
import sys


class _DropBeamGcpImportWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("apitools not found")


def main() -> int:
    logging.getLogger().addFilter(_DropBeamGcpImportWarning())
    from pipeline.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
