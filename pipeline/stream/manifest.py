"""The manifest of a stream, ``_runs/<stream run id>.json``: rewritten after every cycle.

The same ``RunManifest`` as a batch run (``pipeline.accounting.manifest``): ``inputs.read``,
``outcomes`` (counted from each cycle's committed files, summed) and ``reconciled``. It stays
small however long the stream runs: beside the totals it keeps counts per feed, the last
``RECENT`` cycles with their latency and reconciliation, failures and compactions. Each cycle's
files are found by their names (``part-<stream id>-c<NNNNN>-<shard>.parquet``), so a loader
can pick up a cycle's output by its run id, as for batch runs.
"""

from __future__ import annotations

import json
from collections import Counter, deque
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import __version__
from pipeline.accounting.manifest import (
    KIND_STREAM,
    Outcomes,
    RunManifest,
    manifest_path,
    outcomes_dict,
    write_json_atomically,
)

if TYPE_CHECKING:
    from pipeline.output.compact import Compacted
    from pipeline.stream.recovery import Recovery

RECENT = 50


@dataclass
class CycleReport:
    number: int
    run_id: str
    started_at: str
    seconds: float
    inputs_read: int
    files: list[str]
    outcomes: Outcomes = field(default_factory=Outcomes)  # counted from ``files``
    per_feed: dict[str, Counter] = field(default_factory=dict)

    @property
    def totals(self) -> Counter:
        total: Counter = Counter()
        for counts in self.per_feed.values():
            total.update(counts)
        return total


class StreamManifest:
    def __init__(self, output: str, stream_id: str, options: dict, beam_args: list[str], runner: str) -> None:
        self.output = output
        self.path = manifest_path(output, stream_id)
        self.started_at = datetime.now(UTC).isoformat()
        self.stream_id = stream_id
        self.options = {k: v for k, v in options.items() if _jsonable(v)}
        self.beam_args = list(beam_args)
        self.runner = runner
        self.completed = self.failed = 0
        self.inputs_read = 0
        self.outcomes = Outcomes()
        self.per_feed: dict[str, Counter] = {}
        self.cycles: deque[dict] = deque(maxlen=RECENT)
        self.failures: deque[dict] = deque(maxlen=RECENT)
        self.compactions: deque[dict] = deque(maxlen=RECENT)
        self.compacted_partitions = 0
        self.recovered: dict | None = None
        self.files: list[str] | None = None

    def note_recovery(self, recovery: Recovery) -> None:
        """Record what the restart found, and mark the killed stream's manifest as interrupted."""
        self.recovered = asdict(recovery)
        if not recovery.stream_id or recovery.stream_id == self.stream_id:
            return
        old = Path(manifest_path(self.output, recovery.stream_id))
        try:
            data = json.loads(old.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        data["status"] = f"interrupted; cycle {recovery.run_id} {recovery.action} by stream {self.stream_id}"
        data["exit_code"] = None
        write_json_atomically(str(old), data)

    def add_cycle(self, report: CycleReport) -> None:
        self.completed += 1
        self.inputs_read += report.inputs_read
        self.outcomes = self.outcomes + report.outcomes
        for url, counts in report.per_feed.items():
            self.per_feed.setdefault(url, Counter()).update(counts)
        self.cycles.append(
            {
                "number": report.number,
                "run_id": report.run_id,
                "started_at": report.started_at,
                "seconds": report.seconds,
                "inputs_read": report.inputs_read,
                "outcomes": outcomes_dict(report.outcomes),
                "files": len(report.files),
                "reconciled": report.inputs_read == report.outcomes.total,
            }
        )

    def add_failure(self, number: int, message: str) -> None:
        self.failed += 1
        self.failures.append({"number": number, "at": datetime.now(UTC).isoformat(), "error": message[:2000]})

    def add_compactions(self, done: list[Compacted]) -> None:
        self.compacted_partitions += len(done)
        for item in done:
            self.compactions.append({**asdict(item), "at": datetime.now(UTC).isoformat()})

    def manifest(self, status: str, exit_code: int | None = None, finished: bool = False) -> RunManifest:
        """The stream so far as a ``RunManifest`` (``finished``: the stream has stopped)."""
        now = datetime.now(UTC).isoformat()
        return RunManifest(
            run_id=self.stream_id,
            kind=KIND_STREAM,
            status=status,
            exit_code=exit_code,
            pipeline_version=__version__,
            started_at=self.started_at,
            finished_at=now if finished else None,
            options=self.options,
            pipeline_args=self.beam_args,
            inputs={"read": self.inputs_read},
            outcomes=self.outcomes,
            files=self.files,
            details={
                "updated_at": now,
                "runner": self.runner,
                "cycles": {"completed": self.completed, "failed": self.failed},
                "per_feed": {url: dict(counts) for url, counts in sorted(self.per_feed.items())},
                "recent_cycles": list(self.cycles),
                "failures": list(self.failures),
                "compactions": {"partitions": self.compacted_partitions, "recent": list(self.compactions)},
                "recovered": self.recovered,
            },
        )

    def save(self, status: str, exit_code: int | None = None, finished: bool = False) -> None:
        self.manifest(status, exit_code, finished).save(self.output)


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value, default=str)
    except (TypeError, ValueError):
        return False
    return True
