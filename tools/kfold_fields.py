"""Field scores the issue's way: grouped k-fold over dev + train, a missed story counting as wrong.

``make train`` writes each story's out-of-fold is_investment probability (``out/train/oof.json``:
the model that scored a story never saw its outlet or its deal). A labelled investment story
scores a field only when that held-out verdict (the story model's, or its row's second opinion:
transforms/deals/verdict.py) is positive AND the pipeline's top row gets the
field right. Two tables:

- **nested k-fold** (the headline numbers): every fitted stage after the classifier (the amount,
  investor and country rankers and the row confidence) is refit without the story's fold
  (``tools.nested_kfold``), so no fitted weight has seen the story it scores;
- **shipped models**: the same stories through the shipped models, which were fitted on all of
  them (a full-data score, for comparison).

Each is printed per source family and overall, next to the same scores with a perfect classifier.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from tools.evaluate import field_correct
from tools.field_scores import FIELDS, SETS, investment_stories, row_of
from tools.nested_kfold import nested_rows
from tools.train import family
from transforms.deals.verdict import second_opinion

TARGETS = {"investor": 0.80, "target_country": 0.85, "investor_country": 0.75, "deal_type": 0.75, "amount": 0.85}


def shipped_rows(oof: dict[str, float]) -> dict[str, dict | None]:
    """id -> the top row of the shipped models (fitted on all labelled stories)."""
    return {lab["id"]: row_of(deal) for name in SETS for lab, _, deal in investment_stories(name, oof)}


def _positives() -> list[dict]:
    labs = []
    for labels_path, _ in SETS.values():
        for line in labels_path.read_text("utf-8").splitlines():
            lab = json.loads(line) if line.strip() else {}
            if lab.get("is_investment"):
                labs.append(lab)
    return labs


def score(oof: dict[str, float], rows: dict[str, dict | None] | None = None,
          threshold: float = 0.5) -> dict[str, dict]:
    """Per group: share of stories found and right per field (``rows``: id -> row; default the shipped models')."""
    rows = shipped_rows(oof) if rows is None else rows
    right: dict[str, Counter] = defaultdict(Counter)
    perfect: dict[str, Counter] = defaultdict(Counter)
    n: Counter = Counter()
    for lab in _positives():
        row = rows[lab["id"]]
        # the pipeline's verdict: the story model, or its written row's second opinion (verdict.py)
        found = second_opinion(oof[lab["id"]], row["confidence"] if row else None, threshold)
        for group in ("ALL", family(lab["id"])):
            n[group] += 1
            for f in FIELDS:
                ok = field_correct(f, lab, row)
                perfect[group][f] += ok
                right[group][f] += ok and found
            right[group]["found"] += found
    return {g: {"n": n[g], "found": round(right[g]["found"] / n[g], 3),
                **{f: round(right[g][f] / n[g], 3) for f in FIELDS},
                "perfect_classifier": {f: round(perfect[g][f] / n[g], 3) for f in FIELDS}}
            for g in sorted(n, key=lambda k: (k != "ALL", k))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--oof", type=Path, default=Path("out/train/oof.json"), help="written by make train")
    parser.add_argument("--out", type=Path, default=Path("out/train/kfold_fields.json"))
    args = parser.parse_args(argv)
    if not args.oof.exists():
        print(f"needs {args.oof}: run make train first", file=sys.stderr)
        return 2
    oof = json.loads(args.oof.read_text())
    nested = score(oof, nested_rows(oof))
    shipped = score(oof)
    args.out.write_text(json.dumps({"nested_kfold": nested, "shipped_models": shipped}, indent=2))
    _print("nested k-fold: classifier, rankers and row confidence all held out (missed story = wrong)", nested)
    print("targets: " + ", ".join(f"{f} {t} ({'met' if nested['ALL'][f] >= t else 'missed'})" for f, t in TARGETS.items()))
    print()
    _print("shipped models (rankers and row confidence fitted on these stories; classifier held out)", shipped)
    return 0


def _print(heading: str, res: dict[str, dict]) -> None:
    print(heading)
    print(f"{'group':16} {'n':>4} {'found':>6} " + " ".join(f"{f[:12]:>12}" for f in FIELDS))
    for g, r in res.items():
        print(f"{g:16} {r['n']:>4} {r['found']:>6.3f} " + " ".join(f"{r[f]:>12.3f}" for f in FIELDS))
    pc = res["ALL"]["perfect_classifier"]
    print(f"{'ALL, perfect clf':16} {res['ALL']['n']:>4} {1.0:>6.3f} " + " ".join(f"{pc[f]:>12.3f}" for f in FIELDS))


if __name__ == "__main__":
    sys.exit(main())
