"""Live progress of a local run: inputs done / total, docs/s, errors so far, ETA.

Beam metrics are only readable once a run ends, and with
``--direct_running_mode=multi_processing`` the work happens in other processes. So each
process keeps a tiny tally (``note("articles")``, called where each outcome is keyed for its
writer, before the shuffle, so it is counted as it happens) and, at most every ``FLUSH_SECONDS``, replaces one small
JSON file ``DIR/_tmp/progress/<run_id>/<pid>-<n>.json``. The launcher (``watch``) sums those
files in a thread and draws a rich progress line on a terminal, or logs a line every
``LOG_EVERY_SECONDS`` when stderr is not a terminal. The directory reaches the workers
through an environment variable that worker processes inherit; when it is unset (``--quiet``,
remote runners, library use) ``note`` is one dictionary lookup and nothing else. Progress
never touches a table, so outputs are the same with and without it.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import shutil
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions

from pipeline.common.runners import DEFAULT_RUNNER, LOCAL_RUNNERS

LOG = logging.getLogger(__name__)

ENV = "DEALSTREAM_PROGRESS_DIR"
FLUSH_SECONDS = 0.5
REFRESH_SECONDS = 0.5
LOG_EVERY_SECONDS = 30.0
RATE_WINDOW = 10.0
_IDS = itertools.count()


class _Tally:
    """This process's counts for one run, written to its own file now and then."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self.counts: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.last_flush = 0.0
        self.path = os.path.join(directory, f"{os.getpid()}-{next(_IDS)}.json")

    def add(self, name: str, n: int) -> None:
        with self.lock:
            self.counts[name] += n
            now = time.monotonic()
            if now - self.last_flush >= FLUSH_SECONDS:
                self.last_flush = now
                self._write()

    def flush(self) -> None:
        with self.lock:
            self._write()

    def _write(self) -> None:
        try:  # rewritten in place: a reader catching it half-written skips it for one tick
            with open(self.path, "w", encoding="utf-8") as handle:
                json.dump(self.counts, handle)
        except OSError as err:  # the run ended and its directory is gone: progress is best effort
            LOG.debug("progress: cannot write %s: %s", self.path, err)


_TALLY: _Tally | None = None
_TALLY_LOCK = threading.Lock()


def note(name: str, n: int = 1) -> None:
    """Count ``n`` of ``name`` (articles, errors, skips) for the launcher's progress line."""
    directory = os.environ.get(ENV)
    if not directory:
        return
    global _TALLY
    tally = _TALLY
    if tally is None or tally.directory != directory:
        with _TALLY_LOCK:
            if _TALLY is None or _TALLY.directory != directory:
                _TALLY = _Tally(directory)
            tally = _TALLY
    tally.add(name, n)


def read_counts(directory: Path) -> Counter[str]:
    """The sum over every process's file (a file being replaced is read next time)."""
    total: Counter[str] = Counter()
    for path in directory.glob("*.json"):
        try:
            total.update(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return total


def is_local_run(output: str, beam_args: Sequence[str]) -> bool:
    """Progress files need workers on this machine writing into a local DIR."""
    runner = PipelineOptions(list(beam_args)).view_as(StandardOptions).runner or DEFAULT_RUNNER
    return "://" not in output and runner in LOCAL_RUNNERS


def known_total(config) -> int | None:
    """Inputs a run will read, where that is known before reading: seed files only (not feeds, archives)."""
    if config.feeds is not None or config.warc is not None or not config.seed_refs:
        return None
    return count_inputs([ref.source for ref in config.seed_refs])


def count_inputs(paths: Sequence[str]) -> int | None:
    """Inputs in uncompressed files (one per file, one per .jsonl line); None when unknowable."""
    total = 0
    for path in paths:
        if path.endswith((".gz", ".bz2", ".zst", ".xz")) or "://" in path:
            return None
        if not path.endswith(".jsonl"):
            total += 1
            continue
        lines, last = 0, b"\n"
        try:
            with open(path, "rb") as handle:
                while chunk := handle.read(1 << 20):
                    lines += chunk.count(b"\n")
                    last = chunk[-1:]
        except OSError:
            return None
        total += lines + (last != b"\n")
    return total


def done_of(counts: Counter[str]) -> int:
    """Inputs with an outcome so far: articles, errors and skips (as they are keyed for writing)."""
    return counts.get("articles", 0) + counts.get("errors", 0) + counts.get("skips", 0)


def describe(counts: Counter[str], total: int | None, rate: float) -> str:
    """One line: inputs done/total, articles, errors, docs/s and ETA (when the total is known)."""
    done = done_of(counts)
    parts = [f"{done}/{total} inputs" if total else f"{done} inputs",
             f"{counts.get('articles', 0)} articles", f"{counts.get('errors', 0)} errors", f"{rate:.1f} docs/s"]
    if total and rate > 0 and done < total:
        parts.append(f"ETA {int((total - done) / rate)} s")
    return ", ".join(parts)


class _Watcher(threading.Thread):
    """Reads the tallies and shows them until stopped."""

    def __init__(self, directory: Path, total_fn: Callable[[], int | None], interactive: bool, log_every: float) -> None:
        super().__init__(name="dealstream-progress", daemon=True)
        self.directory, self.total_fn = directory, total_fn
        self.interactive, self.log_every = interactive, log_every
        self.stop_event = threading.Event()
        self.total: int | None = None
        self.updates = 0
        self.samples: deque[tuple[float, int]] = deque()
        self.final: Counter[str] | None = None  # exact counts from Beam metrics once the run ended

    def rate(self, done: int) -> float:
        """docs/s over the last RATE_WINDOW seconds (the start-up time does not drag it down)."""
        now = time.monotonic()
        self.samples.append((now, done))
        while len(self.samples) > 2 and now - self.samples[1][0] >= RATE_WINDOW:
            self.samples.popleft()
        first_time, first_done = self.samples[0]
        return (done - first_done) / (now - first_time) if now > first_time else 0.0

    def finish(self, counts: dict[str, int]) -> None:
        """The run ended: show its exact counts (a worker's last tally may not have been flushed)."""
        self.final = Counter(counts)

    def line(self) -> tuple[Counter[str], int | None, str]:
        counts = self.final if self.final is not None else read_counts(self.directory)
        done = done_of(counts)
        total = max(self.total, done) if self.total else None
        return counts, total, describe(counts, total, self.rate(done))

    def run(self) -> None:
        self.total = self.total_fn()  # counting .jsonl lines may take a moment: off the launcher's path
        if self.interactive:
            self._run_rich()
        else:
            while not self.stop_event.wait(self.log_every):
                LOG.info("progress: %s", self.line()[2])
                self.updates += 1

    def _run_rich(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        console = Console(file=sys.stderr)
        with Progress(TextColumn("[bold]dealstream"), BarColumn(bar_width=24), TextColumn("{task.fields[line]}"),
                      TimeElapsedColumn(), console=console, transient=False, auto_refresh=False) as bar:
            task = bar.add_task("run", total=self.total, line="starting…")
            with _logs_above(console):
                while True:
                    stopping = self.stop_event.wait(REFRESH_SECONDS)
                    counts, total, line = self.line()
                    bar.update(task, completed=done_of(counts), total=total, line=line)
                    bar.refresh()
                    self.updates += 1
                    if stopping:
                        break


@contextlib.contextmanager
def _logs_above(console) -> Iterator[None]:
    """Log records go through rich while the line is live, so they print above it, not through it."""
    from rich.logging import RichHandler

    root = logging.getLogger()
    originals = [h for h in root.handlers if isinstance(h, logging.StreamHandler) and h.stream in (sys.stderr, sys.__stderr__)]
    if not originals:
        yield
        return
    rich = RichHandler(console=console, show_path=False, markup=False)
    rich.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    for handler in originals:
        root.removeHandler(handler)
    root.addHandler(rich)
    try:
        yield
    finally:
        root.removeHandler(rich)
        for handler in originals:
            root.addHandler(handler)


@contextlib.contextmanager
def watch(output: str, run_id: str, total_fn: Callable[[], int | None], *, enabled: bool,
          log_every: float = LOG_EVERY_SECONDS) -> Iterator[_Watcher | None]:
    """Show progress while the block runs (a local run into a local DIR); no-op when not enabled."""
    if not enabled:
        yield None
        return
    directory = Path(output) / "_tmp" / "progress" / run_id
    directory.mkdir(parents=True, exist_ok=True)
    previous = os.environ.get(ENV)
    os.environ[ENV] = str(directory)  # set before the runner starts its worker processes
    watcher = _Watcher(directory, total_fn, sys.stderr.isatty(), log_every)
    watcher.start()
    try:
        yield watcher
    finally:
        if _TALLY is not None and _TALLY.directory == str(directory):
            _TALLY.flush()  # the in-process runner's last counts
        watcher.stop_event.set()
        watcher.join(timeout=5)
        if previous is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = previous
        shutil.rmtree(directory, ignore_errors=True)
        with contextlib.suppress(OSError):
            directory.parent.rmdir()  # _tmp/progress, when no other run is using it
