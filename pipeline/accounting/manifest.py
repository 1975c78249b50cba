"""The run manifest ``_runs/<run_id>.json``: what a run read, what became of it, what it wrote.

Outcome counts come from the files the run committed (the truth a warehouse sees); the
number of inputs comes from the source's counter, kept apart from outcomes, so the two
sides can be reconciled. One type, ``RunManifest``, for batch runs and streams: the same
``inputs``/``outcomes``/``reconciled`` for both, and each mode's own keys beside them.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from apache_beam.io.filesystems import FileSystems

from pipeline import __version__
from pipeline.output.atomic import write_atomically
from pipeline.output.committed import read_file, run_files
from transforms.outcomes import NON_TERMINAL_STAGES
from transforms.records import SCHEMA_VERSION

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

    def __add__(self, other: Outcomes) -> Outcomes:
        """The outcomes of two runs (or stream cycles) together."""
        counts = [f.name for f in fields(self) if isinstance(getattr(self, f.name), int)]
        return Outcomes(
            **{name: getattr(self, name) + getattr(other, name) for name in counts},
            errors_by_type=_sum_counts(self.errors_by_type, other.errors_by_type),
            skipped_by_reason=_sum_counts(self.skipped_by_reason, other.skipped_by_reason),
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Outcomes:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def _sum_counts(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    return dict((Counter(a) + Counter(b)).most_common())


KIND_BATCH, KIND_STREAM = "batch", "stream"


@dataclass
class RunManifest:
    """``_runs/<run_id>.json`` of a batch run or a stream, one shape for both.

    ``inputs["read"]`` and ``outcomes`` are counted apart (the source's counter; the committed
    files), so ``reconciled`` says whether every input has its outcome. ``details`` holds what
    only one mode has (batch: timings, feeds, rolled-back runs; stream: cycles, per-feed counts,
    failures, compactions); they are written beside the common keys, at the top level.
    """

    run_id: str
    kind: str  # KIND_BATCH | KIND_STREAM
    status: str
    exit_code: int | None
    started_at: str
    finished_at: str | None  # None while a stream runs
    options: dict[str, Any]
    pipeline_args: list[str]
    inputs: dict[str, int]
    outcomes: Outcomes
    files: list[str] | None = None  # None: not listed (a local stream's cycles are found by name)
    pipeline_version: str = __version__
    schema_version: str = SCHEMA_VERSION
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def inputs_read(self) -> int:
        return int(self.inputs.get("read", 0))

    @property
    def reconciled(self) -> bool:
        return self.inputs_read == self.outcomes.total

    def to_json(self) -> dict[str, Any]:
        common = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "details"}
        clash = set(self.details) & (set(common) | {"reconciled"})
        if clash:
            raise ValueError(f"manifest details may not redefine {sorted(clash)}")
        return {**common, "outcomes": outcomes_dict(self.outcomes), "reconciled": self.reconciled, **self.details}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunManifest:
        """A manifest read back (batch manifests written before ``kind`` existed are batch)."""
        names = {f.name for f in fields(cls)} - {"details"}
        values = {k: v for k, v in data.items() if k in names}
        values["outcomes"] = Outcomes.from_dict(data.get("outcomes") or {})
        values.setdefault("kind", KIND_BATCH)
        values.setdefault("finished_at", None)
        details = {k: v for k, v in data.items() if k not in names and k != "reconciled"}
        return cls(**values, details=details)

    def save(self, output: str) -> str:
        path = manifest_path(output, self.run_id)
        write_json_atomically(path, self.to_json(), output)
        return path


def read_manifest(output: str, run_id: str) -> RunManifest:
    with FileSystems.open(manifest_path(output, run_id)) as handle:
        return RunManifest.from_json(json.loads(handle.read().decode("utf-8")))


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
