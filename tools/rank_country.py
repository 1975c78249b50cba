"""Train and score the country rankers on dev + train: the target's (``transforms/deals/country_rank.py``)
and the investor's (``transforms/deals/investor_country_rank.py``), one field at a time (``--field``).

Every labelled investment story for which the pipeline gives a row contributes the country
candidates of its deal (``main_deal(trace=...)``: the same row, target and amount as at run time,
with the rules' answer for the field being fitted); a candidate is right when it is the labelled
country. A story whose label has no country is right when the pick is None (the threshold).
Grouped 5-fold top-1 (same groups as the is_investment model) against the rules' country on all
investment stories; a story with no row counts as wrong for both, unless its label has no country
either. The investor-country ranker is fitted after the target-country one ships: it reads the
ranked target country.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tools.field_scores import SETS, _title_body
from tools.rank_train import Story, export, kfold_top1
from tools.train import family, groups_of

DATA = Path(__file__).resolve().parents[1] / "transforms" / "data"
SHIPPED = DATA / "ranker_target_country.json"
COUNTRY_FIELDS = ("target_country", "investor_country")
C = 1.0
THRESHOLDS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3)


def shipped_path(field: str) -> Path:
    return DATA / f"ranker_{field}.json"


def build(field: str = "target_country") -> tuple[list[dict], list[Story], list[bool], list[bool]]:
    """Labelled positives, their candidates, whether the rules' country is right, whether a row exists."""
    from transforms.deals.extract import main_deal

    labs, stories, rule_ok, has_row = [], [], [], []
    for labels_path, texts in SETS.values():
        for line in labels_path.read_text("utf-8").splitlines():
            lab = json.loads(line) if line.strip() else {}
            if not lab.get("is_investment"):
                continue
            title, body = _title_body((texts / f"{lab['id']}.txt").read_text("utf-8"))
            trace: dict = {}
            rules = {"rank_country": False} if field == "target_country" else {"rank_investor_country": False}
            found = main_deal(title, body, trace=trace, **rules)
            want = lab.get(field)
            labs.append({**lab, "title": title})
            if found is None:
                stories.append(Story(lab["id"], "", [], []))
                rule_ok.append(want is None)
                has_row.append(False)
                continue
            cands = trace.get(field, [])
            stories.append(Story(lab["id"], "", [c.features for c in cands], [c.code == want for c in cands]))
            rule_ok.append(getattr(found[0], field) == want)
            has_row.append(True)
    for s, g in zip(stories, groups_of(labs), strict=True):
        s.group = g
    return labs, stories, rule_ok, has_row


def _score(labs, stories, picks, has_row, field: str = "target_country") -> float:
    ok = 0
    for lab, s, i, row in zip(labs, stories, picks, has_row, strict=True):
        if i is None:
            ok += lab.get(field) is None
        else:
            ok += row and s.correct[i]
    return ok / len(stories)


def fitted_model(verbose: bool = False, built: tuple | None = None, field: str = "target_country") -> dict:
    """Threshold chosen on the grouped folds, then fitted on all stories with a row: what `make train` ships."""
    labs, stories, rule_ok, has_row = built if built is not None else build(field)
    rule = sum(rule_ok) / len(stories)
    best_t, best_acc, best_picks = 0.0, -1.0, []
    for t in THRESHOLDS:
        picks = kfold_top1(stories, C, t)
        acc = _score(labs, stories, picks, has_row, field)
        if verbose:
            print(f"threshold {t:.2f}: grouped 5-fold {field} {acc:.3f}")
        if acc >= best_acc - 1e-9:  # ties: the higher threshold (no country beats a doubtful one)
            best_t, best_acc, best_picks = t, acc, picks
    if verbose:
        reachable = sum(any(s.correct) for s in stories) / len(stories)
        print(
            f"{field} over {len(stories)} labelled investment stories (perfect classifier): "
            f"rules {rule:.3f}, ranker k-fold {best_acc:.3f} at threshold {best_t} "
            f"(the labelled country is a candidate in {reachable:.3f})"
        )
        for fam in sorted({family(lab["id"]) for lab in labs}):
            idx = [i for i, lab in enumerate(labs) if family(lab["id"]) == fam]
            r = sum(rule_ok[i] for i in idx) / len(idx)
            k = _score(
                [labs[i] for i in idx],
                [stories[i] for i in idx],
                [best_picks[i] for i in idx],
                [has_row[i] for i in idx],
                field,
            )
            print(f"  {fam:16} n={len(idx):3} rules {r:.3f} ranker {k:.3f}")
    model = export(field, [s for s, h in zip(stories, has_row, strict=True) if h], C, best_t)
    model["kfold"] = {"ranker": round(best_acc, 3), "rule": round(rule, 3), "stories": len(stories)}
    return model


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.rank_country", description=__doc__.split("\n")[0])
    parser.add_argument("--field", choices=COUNTRY_FIELDS, default="target_country")
    parser.add_argument("--ship", action="store_true", help="write the model into transforms/data")
    args = parser.parse_args(argv)
    if not SETS["dev"][0].exists():
        print("needs ../shared/corpus", file=sys.stderr)
        return 2
    model = fitted_model(verbose=True, field=args.field)
    if args.ship:
        path = shipped_path(args.field)
        path.write_text(json.dumps(model, indent=1) + "\n")
        print(f"shipped: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
