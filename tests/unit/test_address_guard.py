"""The address guard decides by resolution alone: IP literals resolve without any lookup or
packet, so these tests send nothing."""

from __future__ import annotations

import ipaddress

import pytest

from pipeline.http.address_guard import address_problem, check_connected_address, check_url

pytest_plugins = ["tests.feed_fixtures"]
pytestmark = pytest.mark.usefixtures("no_dns")


@pytest.mark.parametrize(
    "url,problem",
    [
        ("http://127.0.0.1/x", "loopback"),
        ("http://127.8.9.10:8080/", "loopback"),
        ("http://localhost/", "loopback"),
        ("http://[::1]/", "loopback"),
        ("http://10.1.2.3/", "private"),
        ("http://172.16.0.1/", "private"),
        ("http://192.168.1.1/", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[fe80::1]/", "link-local"),
        ("http://[fd00::1]/", "private"),
        ("http://224.0.0.251/", "multicast"),
        ("http://[ff02::1]/", "multicast"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://240.0.0.1/", "reserved"),
        ("http://100.64.0.1/", "not globally routable"),  # carrier-grade NAT
        ("http://[::ffff:10.0.0.1]/", "private"),  # IPv4-mapped
        ("http://[64:ff9b::a9fe:a9fe]/", "link-local"),  # NAT64 of 169.254.169.254
        ("http://[2002:a00:1::]/", "private"),  # 6to4 of 10.0.0.1
    ],
)
def test_private_and_special_addresses_are_refused(url, problem):
    verdict = check_url(url)
    assert not verdict.allowed and verdict.error_type == "blocked_address"
    assert problem in verdict.reason


@pytest.mark.parametrize("url", ["http://8.8.8.8/", "https://93.184.216.34/a", "http://[2606:4700::1111]/"])
def test_public_addresses_pass(url):
    assert check_url(url).allowed


@pytest.mark.parametrize(
    "url,error_type",
    [
        ("file:///etc/passwd", "blocked_scheme"),
        ("ftp://8.8.8.8/x", "blocked_scheme"),
        ("javascript:alert(1)", "blocked_scheme"),
        ("gopher://127.0.0.1:70/", "blocked_scheme"),
        ("http:///nohost", "bad_url"),
        ("http://[::1/", "bad_url"),
        ("http://2130706433/", "bad_url"),  # decimal form of 127.0.0.1: refused as ambiguous
        ("http://0x7f.1/", "bad_url"),
    ],
)
def test_bad_schemes_and_urls(url, error_type):
    assert check_url(url).error_type == error_type


def test_allow_private_networks_lifts_only_the_address_rule():
    assert check_url("http://10.0.0.1/", allow_private_networks=True).allowed
    assert check_url("http://127.0.0.1/", allow_private_networks=True).allowed
    assert check_url("file:///etc/passwd", allow_private_networks=True).error_type == "blocked_scheme"


def test_names_that_cannot_be_resolved_are_refused():
    # The no_dns fixture makes this lookup fail locally, as an unknown name would.
    verdict = check_url("http://intranet.corp.example/")
    assert not verdict.allowed and verdict.error_type == "dns"


def test_connected_address_check_and_zone_ids():
    assert check_connected_address("127.0.0.1") == "loopback"
    assert check_connected_address("fe80::1%eth0") == "link-local"
    assert check_connected_address("8.8.4.4") is None
    assert address_problem(ipaddress.ip_address("1.1.1.1")) is None
