"""Extraction with a time bound that really stops the work: it runs in a child process.

Beam runs DoFns on worker threads (FnApiRunner and its multi-processing workers alike; checked
in docs/reliability.md), where SIGALRM cannot interrupt them and an abandoned thread keeps its
CPU. So each extraction is sent to a child process (``spawn``ed: forking a threaded worker can
deadlock); a child that overruns ``max_seconds`` is killed (SIGKILL) and replaced, and the
document becomes a ``timeout`` rejection. Children are pooled per process, so pipeline runs in
one process (tests, stream cycles) reuse them.

Cheap complexity caps run first, before any parsing (``complexity_reason``).
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from multiprocessing.connection import Connection

from transforms.records import ExtractedText, RawDocument
from transforms.text.decode import InputRejected

LOG = logging.getLogger(__name__)
DEFAULT_MAX_DOC_SECONDS = 5.0
# Caps checked on the raw bytes before parsing: far above real pages (the AEB corpus peaks at
# ~9,000 '=' and ~12,000 '<'), far below what makes lxml/trafilatura superlinear.
MAX_ATTRIBUTES = 100_000  # counted as '=' bytes
MAX_ELEMENTS = 200_000  # counted as '<' bytes
START_SECONDS = 120.0  # imports in a fresh child, on a loaded machine
_CONTEXT = multiprocessing.get_context("spawn")


def complexity_reason(content: bytes | None) -> str | None:
    """Why a page is too complex to parse within bounds, or None."""
    if not content:
        return None
    if (eq := content.count(b"=")) > MAX_ATTRIBUTES:
        return f"{eq} attribute signs ('=') > {MAX_ATTRIBUTES}"
    if (lt := content.count(b"<")) > MAX_ELEMENTS:
        return f"{lt} tags ('<') > {MAX_ELEMENTS}"
    return None


def _child_main(conn: Connection) -> None:  # pragma: no cover - runs in the child
    from transforms.text.extract import extract_text, make_settings

    settings = {True: make_settings(strip_sidebars=True)}
    conn.send(("ready",))  # imports done: the parent's clock starts only now
    while True:
        try:
            doc, strip_sidebars = conn.recv()
        except EOFError:
            return
        if strip_sidebars not in settings:
            settings[strip_sidebars] = make_settings(strip_sidebars=strip_sidebars)
        try:
            conn.send(("ok", extract_text(doc, settings[strip_sidebars])))
        except InputRejected as err:
            conn.send(("rejected", err.error_type, err.message))
        except Exception as err:  # sent to the parent, where the safety net types it
            try:
                conn.send(("error", err))
            except Exception:  # an exception that does not pickle
                conn.send(("error", RuntimeError(f"{type(err).__name__}: {err}")))


class _Child:
    def __init__(self) -> None:
        self.conn, child_conn = _CONTEXT.Pipe()
        self.process = _CONTEXT.Process(target=_child_main, args=(child_conn,), daemon=True)
        self.process.start()
        child_conn.close()
        if not self.conn.poll(START_SECONDS) or self.conn.recv() != ("ready",):
            self.kill()
            raise RuntimeError(f"the extraction process did not start within {START_SECONDS} s")

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


_IDLE: list[_Child] = []
_LOCK = threading.Lock()


def _acquire() -> _Child:
    with _LOCK:
        while _IDLE:
            child = _IDLE.pop()
            if child.process.is_alive():
                return child
    return _Child()


def _release(child: _Child) -> None:
    with _LOCK:
        _IDLE.append(child)


def extract_bounded(doc: RawDocument, strip_sidebars: bool, max_seconds: float) -> ExtractedText:
    """extract_text in a child process, killed after max_seconds (InputRejected 'timeout')."""
    if (reason := complexity_reason(doc.content)) is not None:
        raise InputRejected("too_complex", reason)
    child = _acquire()
    try:
        child.conn.send((doc, strip_sidebars))
        if not child.conn.poll(max_seconds):
            child.kill()
            child = None
            raise InputRejected("timeout", f"extraction took longer than --max-doc-seconds {max_seconds:g}")
        reply = child.conn.recv()
    except (EOFError, OSError) as err:
        if child is not None:
            child.kill()
            child = None
        raise InputRejected("worker_died", f"the extraction process died ({type(err).__name__})") from None
    finally:
        if child is not None:
            _release(child)
    if reply[0] == "ok":
        return reply[1]
    if reply[0] == "rejected":
        raise InputRejected(reply[1], reply[2])
    raise reply[1]
