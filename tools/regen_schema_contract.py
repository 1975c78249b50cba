#!/usr/bin/env python3
"""Regenerate tests/golden/schema_contract.json from transforms/records.py.

The contract keeps every released schema version. Run this after changing a schema:

* same SCHEMA_VERSION, same schemas      -> nothing to do;
* same SCHEMA_VERSION, different schemas -> refused: bump SCHEMA_VERSION first;
* new SCHEMA_VERSION, additive change    -> the new version is appended;
* new SCHEMA_VERSION, non-additive       -> refused, with the reasons.

Usage: .venv/bin/python tools/regen_schema_contract.py [--check]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.output.schema_export import additive_violations, describe_schemas  # noqa: E402
from transforms.records import SCHEMA_VERSION  # noqa: E402

CONTRACT = REPO / "tests" / "golden" / "schema_contract.json"


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def updated_contract(contract: dict | None) -> tuple[dict | None, str]:
    """(new contract or None when refused/unchanged, message)."""
    current = describe_schemas()
    if contract is None:
        return {"current_version": SCHEMA_VERSION, "versions": {SCHEMA_VERSION: current}}, "created"
    versions: dict = contract["versions"]
    if SCHEMA_VERSION in versions:
        if versions[SCHEMA_VERSION] == current:
            return None, f"schema version {SCHEMA_VERSION} is up to date"
        return None, (
            f"schemas differ from the released version {SCHEMA_VERSION}: bump SCHEMA_VERSION in "
            "transforms/records.py (changes must be additive), then run this again"
        )
    latest = max(versions, key=_version_key)
    if _version_key(SCHEMA_VERSION) <= _version_key(latest):
        return None, f"SCHEMA_VERSION {SCHEMA_VERSION} must be greater than the latest released {latest}"
    problems = additive_violations(versions[latest], current)
    if problems:
        return None, "not an additive change:\n  " + "\n  ".join(problems)
    new_versions = dict(versions)
    new_versions[SCHEMA_VERSION] = current
    return {"current_version": SCHEMA_VERSION, "versions": new_versions}, f"added version {SCHEMA_VERSION}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report; exit 1 if the file would change")
    args = parser.parse_args()
    contract = json.loads(CONTRACT.read_text(encoding="utf-8")) if CONTRACT.exists() else None
    new, message = updated_contract(contract)
    refused = new is None and "up to date" not in message
    print(message, file=sys.stderr if refused else sys.stdout)
    if refused:
        return 1
    if new is not None:
        if args.check:
            return 1
        CONTRACT.parent.mkdir(parents=True, exist_ok=True)
        CONTRACT.write_text(json.dumps(new, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {CONTRACT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
