"""One writer per output DIR: a lock file ``DIR/_dealstream.lock`` held with ``flock``.

A stream, a batch run, a backfill and ``compact`` all write into DIR; two of them at once could
roll back or compact each other's files. The lock is an advisory ``flock`` on the lock file, so
the kernel releases it the moment its holder dies, however it dies (SIGKILL included): a stale
lock is simply one whose file still holds a record (pid, host, start time, command) but whose
``flock`` is free. It is taken over, and the previous holder is reported.

The record in the file is only for messages; the ``flock`` decides. Releasing unlinks the file
while still holding it, and a taker checks after ``flock`` that the path still names the file it
locked, so a waiter that opened a file just being removed cannot end up holding a lock nobody
else sees. Object stores (``gs://``) have no such lock: callers skip it there and say so.
"""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import socket
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

LOG = logging.getLogger(__name__)

LOCK_NAME = "_dealstream.lock"
_ATTEMPTS = 5
# Locks this process holds, by resolved lock path: taking a held lock again nests (a stream
# compacting between cycles, a backfill running batches) instead of locking itself out.
_HELD: dict[str, DirLock] = {}


@dataclass(frozen=True)
class LockHolder:
    """Who holds (or held) a DIR: written into the lock file as JSON."""

    pid: int
    hostname: str
    started_at: str
    command: str
    run_id: str | None = None

    def describe(self) -> str:
        run = f", run {self.run_id}" if self.run_id else ""
        return (
            f"'dealstream {self.command}' (pid {self.pid} on {self.hostname}, since {self.started_at}{run})"
        )


class DirLocked(Exception):
    """Another live process is writing into DIR."""

    def __init__(self, path: Path, holder: LockHolder | None) -> None:
        self.path = path
        self.holder = holder
        who = holder.describe() if holder else "another process (no holder record yet)"
        super().__init__(
            f"{path.parent} is in use by {who}; only one writer per output directory. "
            f"Stop it first, or choose another --output (lock file: {path})"
        )


class DirLockUnsupported(Exception):
    """The filesystem under DIR cannot lock files."""


def lock_path(output: str) -> Path:
    return Path(output) / LOCK_NAME


def _read_holder(fd: int) -> LockHolder | None:
    try:
        raw = os.pread(fd, 64 * 1024, 0)
        data = json.loads(raw.decode("utf-8")) if raw.strip() else None
        return LockHolder(**data) if isinstance(data, dict) else None
    except (OSError, ValueError, TypeError):
        return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class DirLock:
    """``with DirLock(output, "stream", run_id):`` holds DIR for the block (raises ``DirLocked``)."""

    def __init__(self, output: str, command: str, run_id: str | None = None) -> None:
        self.path = lock_path(output)
        self.holder = LockHolder(
            pid=os.getpid(),
            hostname=socket.gethostname(),
            started_at=datetime.now(UTC).isoformat(timespec="seconds"),
            command=command,
            run_id=run_id,
        )
        self.previous: LockHolder | None = None  # a stale holder taken over, if any
        self._fd: int | None = None
        self._outer: DirLock | None = None  # the lock this one nests in

    @property
    def held(self) -> bool:
        return self._fd is not None or self._outer is not None

    def acquire(self) -> LockHolder | None:
        """Take the lock; returns the stale holder it replaced (None when the DIR was free)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        key = str(self.path.resolve())
        outer = _HELD.get(key)
        if outer is not None and outer is not self:
            self._outer = outer
            return None
        for _ in range(_ATTEMPTS):
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _read_holder(fd)
                os.close(fd)
                raise DirLocked(self.path, holder) from None
            except OSError as err:
                os.close(fd)
                if err.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL):
                    raise DirLockUnsupported(
                        f"cannot lock {self.path}: the filesystem does not support file locks ({err.strerror})"
                    ) from None
                raise
            try:
                same = os.stat(self.path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if not same:  # its holder removed it while we were opening it: start over
                os.close(fd)
                continue
            self._fd = fd
            _HELD[key] = self
            self.previous = _read_holder(fd)
            if self.previous is not None:
                gone = self.previous.hostname == self.holder.hostname and not _pid_alive(self.previous.pid)
                LOG.warning(
                    "taking over a stale lock on %s left by %s (%s)",
                    self.path.parent,
                    self.previous.describe(),
                    "that process is gone" if gone else "it ended without releasing it",
                )
            payload = json.dumps(asdict(self.holder)).encode("utf-8")
            os.ftruncate(fd, 0)
            os.pwrite(fd, payload, 0)
            os.fsync(fd)
            return self.previous
        raise DirLocked(self.path, None)

    def release(self) -> None:
        if self._outer is not None:
            self._outer = None
            return
        if self._fd is None:
            return
        _HELD.pop(str(self.path.resolve()), None)
        try:
            os.unlink(self.path)  # while still holding it: see the module docstring
        except FileNotFoundError:
            pass
        finally:
            os.close(self._fd)  # closing the descriptor releases the flock
            self._fd = None

    def __enter__(self) -> DirLock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


