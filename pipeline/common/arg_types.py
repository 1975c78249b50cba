"""argparse value types shared by every option group, so a bad value reads the same everywhere."""

from __future__ import annotations

import argparse


def _number(value: str, kind: type, what: str):
    try:
        return kind(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {what}, got {value!r}") from None


def positive_int(value: str) -> int:
    number = _number(value, int, "a whole number")
    if number <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {number}")
    return number


def non_negative_int(value: str) -> int:
    number = _number(value, int, "a whole number")
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {number}")
    return number


def non_negative_float(value: str) -> float:
    number = _number(value, float, "a number of seconds")
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {number}")
    return number


def positive_float(value: str) -> float:
    number = _number(value, float, "a number of seconds")
    if number <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {number}")
    return number


def rate(value: str) -> float:
    number = _number(value, float, "a number between 0 and 1")
    if not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {number}")
    return number
