"""Typed mentions in text: money, countries, organisations, horizons, FX."""
