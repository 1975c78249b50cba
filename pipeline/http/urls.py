"""The one URL parser of the HTTP layer: the address guard and the client read a URL through it.

Two parsers that read one URL differently are a way around any check: for
``http://127.0.0.1:8080\\@public.test/`` ``urllib.parse`` sees the host ``public.test`` while
urllib3 (and browsers) stop the authority at the backslash and connect to 127.0.0.1. So a URL
is parsed once, here, strictly, and everything downstream (guard, DNS lookup, connection, the
request line) uses the parts it returns. Forms that parsers are known to read differently are
refused outright rather than interpreted: backslashes, whitespace and control characters,
userinfo (``user@``), percent-encoding in the authority, IPv6 zone ids, IPv4 addresses
written as integers, octal, hex or with fewer than four parts (``2130706433``, ``0177.0.0.1``,
``0x7f.1``, ``127.1``), empty or out-of-range ports and host characters outside the DNS set.
Real feeds and pages do not use these forms, so nothing legitimate is lost.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)([^#]*)(?:#.*)?$", re.S)
_HOST_CHARS = re.compile(r"^[a-z0-9_.-]+$")
_NUMERIC_LABEL = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)$")
_CANONICAL_OCTET = re.compile(r"^(?:0|[1-9][0-9]{0,2})$")
DEFAULT_PORTS = {"http": 80, "https": 443}


class UnsafeURL(ValueError):
    """The URL is malformed or in a form two parsers may read differently."""


@dataclass(frozen=True)
class ParsedURL:
    """A URL as the client sends it: host lower-cased (IDNA, IPv6 without brackets)."""

    scheme: str
    host: str
    port: int
    target: str  # path and query for the request line, at least "/"

    @property
    def is_ipv6(self) -> bool:
        return ":" in self.host

    @property
    def default_port(self) -> bool:
        return self.port == DEFAULT_PORTS.get(self.scheme)

    @property
    def authority(self) -> str:
        host = f"[{self.host}]" if self.is_ipv6 else self.host
        return host if self.default_port else f"{host}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.authority}{self.target}"


def _host(text: str) -> str:
    if text.startswith("["):
        if not text.endswith("]"):
            raise UnsafeURL("unbalanced brackets around an IPv6 address")
        try:
            return str(ipaddress.IPv6Address(text[1:-1]))
        except ValueError as exc:
            raise UnsafeURL(f"bad IPv6 address: {exc}") from None
    if not text:
        raise UnsafeURL("URL has no host")
    if not text.isascii():
        try:
            text = text.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise UnsafeURL(f"host is not a valid international name: {exc}") from None
    host = text.lower()
    if not _HOST_CHARS.match(host) or ".." in host or host.startswith("."):
        raise UnsafeURL(f"host {host!r} has characters outside the DNS name set")
    labels = host.rstrip(".").split(".")
    if _NUMERIC_LABEL.match(labels[-1]):
        # The last label is numeric, so resolvers read the host as an IPv4 address: only the
        # plain dotted-quad spelling is accepted (no integer, octal, hex or short forms).
        if len(labels) != 4 or not all(_CANONICAL_OCTET.match(x) and int(x) <= 255 for x in labels):
            raise UnsafeURL(f"host {host!r} is an IPv4 address in a non-standard form")
        host = host.rstrip(".")
    return host


def _target(text: str) -> str:
    if not text.isascii():
        text = "".join(c if c.isascii() else "".join(f"%{b:02X}" for b in c.encode("utf-8")) for c in text)
    if not text.startswith("/"):
        text = "/" + text
    return text


def parse_url(url: str) -> ParsedURL:
    """Parse an absolute http(s) URL strictly; raise ``UnsafeURL`` saying why it is refused.

    The scheme is not checked here (the guard says ``blocked_scheme`` for ``file:`` etc.).
    """
    if not isinstance(url, str) or not url:
        raise UnsafeURL("empty URL")
    if "\\" in url:
        raise UnsafeURL("URL contains a backslash")
    if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        raise UnsafeURL("URL contains whitespace or control characters")
    match = _URL.match(url)
    if not match:
        raise UnsafeURL("not an absolute URL with an authority (scheme://host/...)")
    scheme, authority, rest = match.group(1).lower(), match.group(2), match.group(3)
    if "@" in authority:
        raise UnsafeURL("URL carries userinfo (user@host)")
    if "%" in authority:
        raise UnsafeURL("percent-encoding or a zone id in the host")
    host_text, port_text = authority, None
    if authority.startswith("["):
        end = authority.find("]")
        if end < 0:
            raise UnsafeURL("unbalanced brackets around an IPv6 address")
        host_text, tail = authority[: end + 1], authority[end + 1 :]
        if tail:
            if not tail.startswith(":"):
                raise UnsafeURL("characters after an IPv6 address")
            port_text = tail[1:]
    elif ":" in authority:
        host_text, port_text = authority.split(":", 1)
    port = DEFAULT_PORTS.get(scheme, 0)
    if port_text is not None:
        if not port_text.isdigit() or not port_text.isascii() or not 0 < int(port_text) < 65536:
            raise UnsafeURL(f"bad port {port_text!r}")
        port = int(port_text)
    return ParsedURL(scheme, _host(host_text), port, _target(rest))


def scheme_of(url: str) -> str:
    """The lower-cased scheme of ``url`` ('' when it has none), for the guard's scheme rule."""
    match = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):", url or "")
    return match.group(1).lower() if match else ""
