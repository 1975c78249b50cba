"""Refuse URLs that would make the crawler reach into private networks.

URLs taken from fetched content (feed entry links, redirect targets, robots.txt and page
resources) are chosen by whoever wrote that content, so a hostile feed could point the
crawler at a cloud metadata service (169.254.169.254), the operator's intranet or the
machine itself. Every such URL is checked here before a connection is made: the scheme must
be http(s) and every address the host resolves to must be a public unicast address. Feed URLs
that the operator lists are trusted and are not checked. ``allow_private_networks`` lifts the
address rule (tests, intranets); the scheme rule always holds.

The URL is read by the one strict parser of the HTTP layer (``pipeline.http.urls``), which
refuses forms that two parsers could read differently, and the verdict carries the addresses
that were checked: the client connects to exactly those (it never resolves the name again), so
a DNS answer that changes between the check and the connect (DNS rebinding) cannot move the
connection. The client also checks the address a socket actually connected to
(``check_connected_address``) as a second line.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from dataclasses import dataclass

from pipeline.http.urls import ParsedURL, UnsafeURL, parse_url, scheme_of

logger = logging.getLogger(__name__)

ALLOWED_SCHEMES = frozenset({"http", "https"})

# NAT64 well-known prefix: the low 32 bits are an IPv4 address.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class GuardVerdict:
    """Whether a URL may be fetched; ``error_type`` and ``reason`` say why not."""

    allowed: bool
    error_type: str | None = None  # blocked_scheme | blocked_address | dns | bad_url
    reason: str | None = None
    target: ParsedURL | None = None  # the URL as the client must send it
    addresses: tuple[str, ...] = ()  # what the host resolved to and was checked (connect to these)


def address_problem(ip: IPAddress) -> str | None:
    """Why ``ip`` is not a public unicast address, or None when it is one."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip.teredo is not None:
            embedded = ip.teredo[1]
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            inner = address_problem(embedded)
            return f"embeds {embedded} which is {inner}" if inner else None
    for label, flag in (
        ("loopback", ip.is_loopback),
        ("unspecified", ip.is_unspecified),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
    ):
        if flag:
            return label
    if not ip.is_global:
        return "not globally routable"
    return None


def parse_ip(text: str) -> IPAddress:
    """An address from getaddrinfo/getpeername text (drops an IPv6 zone such as ``%eth0``)."""
    return ipaddress.ip_address(text.split("%", 1)[0])


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, in the resolver's order (an IP literal needs no lookup)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def check_url(
    url: str, *, allow_private_networks: bool = False, resolve_always: bool = False
) -> GuardVerdict:
    """Check the form and scheme of ``url`` and every address its host resolves to.

    With ``allow_private_networks`` the address rule is lifted and no lookup is made unless
    ``resolve_always`` asks for the addresses anyway (the client, which connects to them).
    """
    scheme = scheme_of(url)
    if scheme not in ALLOWED_SCHEMES:
        return GuardVerdict(False, "blocked_scheme", f"scheme {scheme or '(none)'!r} is not http(s)")
    try:
        target = parse_url(url)
    except UnsafeURL as exc:
        return GuardVerdict(False, "bad_url", f"refused URL: {exc}")
    if allow_private_networks and not resolve_always:
        return GuardVerdict(True, target=target)
    try:
        addresses = tuple(resolve(target.host, target.port))
    except (socket.gaierror, UnicodeError, OSError) as exc:
        return GuardVerdict(False, "dns", f"cannot resolve {target.host!r}: {exc}")
    if not addresses:
        return GuardVerdict(False, "dns", f"{target.host!r} resolved to no address")
    if not allow_private_networks:
        for text in addresses:
            try:
                problem = address_problem(parse_ip(text))
            except ValueError:
                problem = "unparseable address"
            if problem:
                return GuardVerdict(False, "blocked_address", f"{target.host} resolves to {text} ({problem})")
    return GuardVerdict(True, target=target, addresses=addresses)


def check_connected_address(peer: str) -> str | None:
    """Why the address a socket connected to is refused, or None (used after connect)."""
    try:
        return address_problem(parse_ip(peer))
    except ValueError:
        return "unparseable address"
