"""Shared foundation of every mode: argparse value types, runners, logging, paths."""
