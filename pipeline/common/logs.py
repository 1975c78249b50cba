"""The one logging setup of every dealstream command, called only at a command's entry.

Modules log through ``logging.getLogger(__name__)``; nothing is configured on import.
"""

from __future__ import annotations

import logging

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
NOISY = ("apache_beam", "trafilatura", "htmldate", "charset_normalizer")


def configure_logging(quiet: bool = False) -> None:
    # force=True: importing apache_beam already configured the root logger (BEAM-NOTES).
    logging.basicConfig(level=logging.WARNING if quiet else logging.INFO, format=FORMAT, force=True)
    for noisy in NOISY:
        logging.getLogger(noisy).setLevel(logging.WARNING)
