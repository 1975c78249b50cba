"""The run manifest ``_runs/<run_id>.json``: what a run read, what became of it, what it wrote.

Outcome counts come from the files the run committed (the truth a warehouse sees); the
number of inputs comes from the source's counter, kept apart from outcomes, so the two
sides can be reconciled.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems

# Errors recorded for an article that was still written (deal extraction failed): they are
# worth seeing but are not the input's outcome.
# Feeds: a recovered ill-formed feed, and a page failure whose entry was written from its
# own text (text_source = feed_content).
NON_TERMINAL_STAGES = frozenset({"extract_deals", "parse_feed_recovered", "fetch_page_fallback"})


@dataclass
class Outcomes:
    articles: int = 0
    investments: int = 0
    errors: int = 0
    skipped: int = 0
    non_terminal_errors: int = 0
    investment_articles: int = 0
    errors_by_type: dict[str, int] = field(default_factory=dict)
    skipped_by_reason: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.articles + self.errors + self.skipped


def committed_files(output: str, run_id: str) -> list[str]:
    """Paths (relative to DIR) of every file this run committed, found by its deterministic names."""
    pattern = FileSystems.join(output, "*", "*", f"part-{run_id}-*.parquet")
    matched = FileSystems.match([pattern])[0].metadata_list
    prefix = output.rstrip("/") + "/"
    return sorted(m.path[len(prefix) :] if m.path.startswith(prefix) else m.path for m in matched)


def _read(output: str, relative: str, columns: list[str]):
    with FileSystems.open(FileSystems.join(output, relative)) as handle:
        return pq.read_table(handle, columns=columns)


def count_outcomes(output: str, files: list[str]) -> Outcomes:
    outcomes = Outcomes()
    error_types: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for relative in files:
        table = relative.split("/", 1)[0]
        if table == "articles":
            rows = _read(output, relative, ["is_investment"]).column("is_investment").to_pylist()
            outcomes.articles += len(rows)
            outcomes.investment_articles += sum(1 for r in rows if r)
        elif table == "investments":
            outcomes.investments += pq.ParquetFile(FileSystems.open(FileSystems.join(output, relative))).metadata.num_rows
        elif table == "errors":
            data = _read(output, relative, ["stage", "error_type"]).to_pylist()
            for row in data:
                if row["stage"] in NON_TERMINAL_STAGES:
                    outcomes.non_terminal_errors += 1
                else:
                    outcomes.errors += 1
                    error_types[row["error_type"]] += 1
        elif table == "skips":
            for reason in _read(output, relative, ["reason"]).column("reason").to_pylist():
                outcomes.skipped += 1
                reasons[reason] += 1
    outcomes.errors_by_type = dict(error_types.most_common())
    outcomes.skipped_by_reason = dict(reasons.most_common())
    return outcomes


def write_json_atomically(path: str, payload: dict[str, Any]) -> None:
    directory = path.rsplit("/", 1)[0]
    try:
        FileSystems.mkdirs(directory)
    except OSError:
        pass  # already there
    temp = FileSystems.join(directory, f".tmp-{uuid.uuid4().hex}.json")
    with FileSystems.create(temp) as handle:
        handle.write(json.dumps(payload, indent=2, sort_keys=True, default=str).encode("utf-8"))
    if FileSystems.exists(path):
        FileSystems.delete([path])
    FileSystems.rename([temp], [path])


def manifest_path(output: str, run_id: str) -> str:
    return FileSystems.join(output, "_runs", f"{run_id}.json")


def outcomes_dict(outcomes: Outcomes) -> dict[str, Any]:
    return asdict(outcomes)
