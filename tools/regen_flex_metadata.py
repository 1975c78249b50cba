#!/usr/bin/env python3
"""Regenerate dataflow/metadata.json (Flex Template parameters) from `dealstream run`'s parser.

Every template parameter is a `dealstream run` option, named by its argparse ``dest``
(``max_doc_bytes``); ``pipeline.dataflow.flex_template`` turns them back into flags. Hand-written
labels and help texts already in the file are kept; names, optionality and value checks
come from the parser. ``tests/unit/test_dataflow_template.py`` fails when the file is stale.

Usage: .venv/bin/python tools/regen_flex_metadata.py [--check]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.dataflow.flex_template import template_parameters  # noqa: E402

METADATA = REPO / "dataflow" / "metadata.json"
REQUIRED = {"output"}
# Value checks by the option's type= function (its __name__).
_REGEX_BY_TYPE = {
    "_positive_int": r"^[1-9][0-9]*$",
    "_non_negative_int": r"^[0-9]+$",
    "int": r"^-?[0-9]+$",
    "_rate": r"^(0|1|0?\.[0-9]+|0\.[0-9]*|1\.0*)$",
    "_non_negative_float": r"^([0-9]+\.?[0-9]*|\.[0-9]+)$",
    "_positive_float": r"^([0-9]+\.?[0-9]*|\.[0-9]+)$",
    "float": r"^-?([0-9]+\.?[0-9]*|\.[0-9]+)$",
}
_REGEX_BY_DEST = {"run_id": r"^[A-Za-z0-9._-]+$"}
_SWITCH = r"^(true|false)$"


def generated(existing: dict | None) -> dict:
    old = {p["name"]: p for p in (existing or {}).get("parameters", [])}
    params = []
    for dest, action in template_parameters().items():
        entry: dict = {
            "name": dest,
            "label": old.get(dest, {}).get("label") or dest.replace("_", " ").capitalize(),
            "helpText": old.get(dest, {}).get("helpText") or (action.help or "").replace("%%", "%"),
            "isOptional": dest not in REQUIRED,
        }
        if isinstance(action, argparse._StoreTrueAction | argparse._StoreFalseAction):
            entry["regexes"] = [_SWITCH]
        elif dest in _REGEX_BY_DEST:
            entry["regexes"] = [_REGEX_BY_DEST[dest]]
        elif getattr(action.type, "__name__", None) in _REGEX_BY_TYPE:
            entry["regexes"] = [_REGEX_BY_TYPE[action.type.__name__]]
        elif old.get(dest, {}).get("regexes"):
            entry["regexes"] = old[dest]["regexes"]  # hand-written check of a free-text option
        params.append(entry)
    base = existing or {
        "name": "dealstream-batch",
        "description": "dealstream batch run: news inputs to hive-partitioned Parquet "
        "(articles/, investments/, errors/, skips/) under OUTPUT.",
        "streaming": False,
    }
    return {**base, "parameters": params}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    args = parser.parse_args()
    existing = json.loads(METADATA.read_text(encoding="utf-8")) if METADATA.exists() else None
    new = generated(existing)
    if new == existing:
        print("dataflow/metadata.json is up to date")
        return 0
    if args.check:
        print("dataflow/metadata.json is stale: run tools/regen_flex_metadata.py", file=sys.stderr)
        return 1
    METADATA.write_text(json.dumps(new, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {METADATA.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
