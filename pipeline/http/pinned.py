"""Connections pinned to the addresses the address guard checked (resolve once, check, connect
to that IP), with the peer re-checked after connecting; used by ``HttpClient``'s pools."""

from __future__ import annotations

import socket

import urllib3
import urllib3.util.connection
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from pipeline.http import address_guard


class GuardRefused(Exception):
    """A socket connected to an address the guard refuses (e.g. after DNS rebinding)."""


class _PinnedMixin:
    """Connect to the addresses the guard checked, never to a fresh lookup of the host name.

    ``self.host`` stays the name, so the Host header, SNI and certificate check are those of
    the URL; only the socket's destination is pinned. ``guarded`` re-checks the peer address.
    """

    def __init__(self, *args, pinned: tuple[str, ...] = (), guarded: bool = False, **kwargs) -> None:
        self.pinned = pinned
        self.guarded = guarded
        super().__init__(*args, **kwargs)

    def _new_conn(self) -> socket.socket:
        last: OSError | None = None
        for address in self.pinned:
            try:
                sock = urllib3.util.connection.create_connection(
                    (address, self.port),
                    self.timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except TimeoutError as exc:
                raise ConnectTimeoutError(self, f"Connection to {self.host} ({address}) timed out") from exc
            except OSError as exc:
                last = exc
                continue
            if self.guarded:
                _check_peer(sock, self.host)
            return sock
        raise NewConnectionError(self, f"Failed to establish a new connection: {last}")


class _PinnedHTTPConnection(_PinnedMixin, HTTPConnection):
    pass


class _PinnedHTTPSConnection(_PinnedMixin, HTTPSConnection):
    pass


def _check_peer(sock: socket.socket, host: str) -> None:
    peer = sock.getpeername()[0]
    problem = address_guard.check_connected_address(peer)
    if problem:
        sock.close()
        raise GuardRefused(f"{host} connected to {peer} ({problem})")


class _PinnedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PinnedHTTPConnection


class _PinnedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PinnedHTTPSConnection


POOL_CLASSES = {"http": _PinnedHTTPPool, "https": _PinnedHTTPSPool}
MAX_POOLS = 64
