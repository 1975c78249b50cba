"""The run manifest ``_runs/<run_id>.json``: what a run read, what became of it, what it wrote.

Outcome counts come from the files the run committed (the truth a warehouse sees); the
number of inputs comes from the source's counter, kept apart from outcomes, so the two
sides can be reconciled.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from apache_beam.io.filesystems import FileSystems

from pipeline.output.atomic import write_atomically
from pipeline.output.committed import read_file, run_files
from transforms.outcomes import NON_TERMINAL_STAGES

# Errors recorded for an article that was still written (deal extraction failed): they are
# worth seeing but are not the input's outcome.
# Feeds: a recovered ill-formed feed, and a page failure whose entry was written from its
# own text (text_source = feed_content).


@dataclass
class Outcomes:
    articles: int = 0
    investments: int = 0
    errors: int = 0
    skipped: int = 0
    non_terminal_errors: int = 0
    unexpected_errors: int = 0  # rows of the safety net (error_type "unexpected:..."): our bugs
    investment_articles: int = 0
    errors_by_type: dict[str, int] = field(default_factory=dict)
    skipped_by_reason: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.articles + self.errors + self.skipped


def committed_files(output: str, run_id: str) -> list[str]:
    """Paths (relative to DIR) of every file this run committed, matched by their whole name."""
    return run_files(output, run_id)


def count_outcomes(output: str, files: list[str]) -> Outcomes:
    """The one outcome counter: a run's committed files (e.g. its manifest's list) -> counts."""
    outcomes = Outcomes()
    error_types: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for relative in files:
        table = relative.split("/", 1)[0]
        if table == "articles":
            rows = read_file(output, relative, ["is_investment"]).column("is_investment").to_pylist()
            outcomes.articles += len(rows)
            outcomes.investment_articles += sum(1 for r in rows if r)
        elif table == "investments":
            outcomes.investments += read_file(output, relative, ["doc_id"]).num_rows
        elif table == "errors":
            for row in read_file(output, relative, ["stage", "error_type"]).to_pylist():
                if str(row["error_type"]).startswith("unexpected:"):
                    outcomes.unexpected_errors += 1
                if row["stage"] in NON_TERMINAL_STAGES:
                    outcomes.non_terminal_errors += 1
                else:
                    outcomes.errors += 1
                    error_types[row["error_type"]] += 1
        elif table == "skips":
            for reason in read_file(output, relative, ["reason"]).column("reason").to_pylist():
                outcomes.skipped += 1
                reasons[reason] += 1
    outcomes.errors_by_type = dict(error_types.most_common())
    outcomes.skipped_by_reason = dict(reasons.most_common())
    return outcomes


def write_json_atomically(path: str, payload: dict[str, Any], output: str | None = None) -> None:
    """``payload`` as JSON at ``path`` (``DIR/_runs/<id>.json``: DIR is two folders up by default)."""
    data = json.dumps(payload, indent=2, sort_keys=True, default=str).encode("utf-8")
    write_atomically(path, data, output or path.rsplit("/", 2)[0])


def manifest_path(output: str, run_id: str) -> str:
    return FileSystems.join(output, "_runs", f"{run_id}.json")


def outcomes_dict(outcomes: Outcomes) -> dict[str, Any]:
    return asdict(outcomes)
