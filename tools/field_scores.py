"""Field extraction scored apart from classification (``python -m tools.field_scores``).

``make eval`` scores fields over all true investment stories, so a story the classifier misses
counts as wrong for every field. This harness calls ``extract_deals`` on **every** labelled
investment story (as if the classifier were perfect), so a change to the field rules is measured
on its own, on dev and on train. Same text handling and the same ``field_correct`` as make eval.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tools.evaluate import CORPUS, field_correct
from transforms.text.boilerplate import strip_tail

if TYPE_CHECKING:
    from transforms.records import DealFields

FIELDS = ("investor", "target", "target_country", "investor_country", "deal_type", "amount", "evidence")
SETS = {"dev": (CORPUS / "dev-labels.jsonl", CORPUS / "texts"),
        "train": (CORPUS / "train" / "labels.jsonl", CORPUS / "train" / "texts")}


def _title_body(raw: str) -> tuple[str, str]:
    lines = raw.split("\n")
    k = next((n for n, ln in enumerate(lines) if ln.strip()), 0)
    return (lines[k].strip() if lines else ""), strip_tail("\n".join(lines[k + 1 :]).strip("\n"))


def investment_stories(name: str, story_scores: dict[str, float] | None = None,
                       ) -> Iterator[tuple[dict[str, Any], str, DealFields | None]]:
    """(label, body, top deal row or None) for every labelled investment story of one set.

    The one loop over the labels that this harness and ``tools.kfold_fields`` score: the same
    text handling (title line, body with its tail stripped) and ``extract_deals``' first row.
    ``story_scores`` (id -> investment probability, e.g. make train's out-of-fold ones) is what the
    row confidence reads; without it, the shipped classifier's score.
    """
    from transforms.deals.extract import extract_deals

    labels_path, texts = SETS[name]
    for line in labels_path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        lab = json.loads(line)
        if not lab.get("is_investment"):
            continue
        title, body = _title_body((texts / f"{lab['id']}.txt").read_text("utf-8"))
        deals = extract_deals(title, body, story_score=(story_scores or {}).get(lab["id"]))
        yield lab, body, (deals[0] if deals else None)


def row_of(deal: DealFields | None) -> dict[str, Any] | None:
    """A deal as the dict ``field_correct`` reads (None when nothing was found)."""
    return None if deal is None else {f: getattr(deal, f) for f in deal.__dataclass_fields__}


def score_set(name: str) -> tuple[dict, list[dict]]:
    right = Counter()
    n = 0
    rows = []
    for lab, body, d in investment_stories(name):
        n += 1
        row = row_of(d)
        if d is not None:
            assert body[d.evidence_start : d.evidence_end] == d.evidence, lab["id"]
        ok = {f: field_correct(f, lab, row) for f in FIELDS}
        right.update(f for f, v in ok.items() if v)
        rows.append({"id": lab["id"], "row": row is not None, "ok": ok,
                     "pred": {f: (row or {}).get(f) for f in FIELDS if f != "evidence"},
                     "label": {f: lab.get(f) for f in FIELDS if f != "evidence"}})
    res = {"n": n, "rows": sum(r["row"] for r in rows), **{f: round(right[f] / max(n, 1), 3) for f in FIELDS}}
    return res, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sets", default="dev,train")
    parser.add_argument("--dump", type=Path, help="write per-story results as JSON here")
    args = parser.parse_args(argv)
    if not SETS["dev"][0].exists():
        print("skipped: ../shared corpus absent")
        return 0
    dump = {}
    print(f"{'set':6} {'n':>4} {'rows':>4} " + " ".join(f"{f[:12]:>12}" for f in FIELDS))
    for name in args.sets.split(","):
        res, rows = score_set(name)
        dump[name] = rows
        print(f"{name:6} {res['n']:>4} {res['rows']:>4} " + " ".join(f"{res[f]:>12.3f}" for f in FIELDS))
    if args.dump:
        args.dump.write_text(json.dumps(dump, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
