"""pytest fixtures for feed tests (load with ``pytest_plugins = ["tests.feed_fixtures"]``)."""

from __future__ import annotations

import socket

import pytest

from tests.feed_server import FeedServer


@pytest.fixture
def feed_server():
    server = FeedServer()
    yield server
    server.close()


@pytest.fixture
def no_dns(monkeypatch):
    """Refuse name lookups other than IP literals and localhost (nothing leaves loopback)."""
    real = socket.getaddrinfo

    def guarded(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else host
        if name and name != "localhost":
            try:
                socket.inet_pton(socket.AF_INET6 if ":" in name else socket.AF_INET, name.split("%")[0])
            except OSError:
                try:
                    socket.inet_aton(name)
                except OSError:
                    raise socket.gaierror(socket.EAI_NONAME, f"test forbids looking up {name!r}") from None
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded)
    return guarded
