"""Train and score the investor ranker (``transforms/deals/investor_rank.py``) on dev + train.

Every labelled investment story for which the rules give a row contributes its organisation
candidates; a candidate is right when its name matches the labelled investor (the scorer's own
``names_match``). A story whose label has no investor (a syndicate with no lead) is right when the
pick is None; one whose rules find an unled syndicate is scored by the rules alone (the
pipeline does not ask the ranker there). Grouped 5-fold top-1 (same groups as the is_investment model) against the rules'
investor on all investment stories; a story with no row counts as wrong for both.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tools.field_scores import SETS, _title_body
from tools.rank_train import Story, export, kfold_top1
from tools.train import family, groups_of

SHIPPED = Path(__file__).resolve().parents[1] / "transforms" / "data" / "ranker_investor.json"
C = 10.0
THRESHOLDS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)


def build() -> tuple[list[dict], list[Story], list[bool], list[bool]]:
    """Labelled positives, their candidates, whether the rules' investor is right, whether a row exists."""
    from transforms.deals.extract import main_deal, rule_agent
    from transforms.deals.investor_rank import investor_candidates
    from transforms.deals.round_lead import unled_syndicate
    from transforms.deals.story import analyse, best_candidate
    from transforms.entities.orgs import names_match

    labs, stories, rule_ok, has_row = [], [], [], []
    for labels_path, texts in SETS.values():
        for line in labels_path.read_text("utf-8").splitlines():
            lab = json.loads(line) if line.strip() else {}
            if not lab.get("is_investment"):
                continue
            title, body = _title_body((texts / f"{lab['id']}.txt").read_text("utf-8"))
            found = main_deal(title, body, rank_investor=False, second_pass=False)
            rows = [found[0]] if found else []
            labs.append({**lab, "title": title})
            want = lab.get("investor")
            if not rows:
                stories.append(Story(lab["id"], "", [], []))
                rule_ok.append(want is None)
                has_row.append(False)
                continue
            story = analyse(title, body)
            cand = best_candidate(story)
            if rows[0].investor is None and cand.trigger.kind == "funding_round" and unled_syndicate(story, cand):
                # the rules decide there is no investor (a syndicate with no lead): the ranker is never asked
                stories.append(Story(lab["id"], "", [], []))
                rule_ok.append(want is None)
                has_row.append(False)
                continue
            cands = investor_candidates(story, cand, rows[0].investor, rule_agent(story, cand))
            stories.append(Story(lab["id"], "", [c.features for c in cands],
                                 [bool(want) and names_match(want, c.text) for c in cands]))
            got = rows[0].investor
            rule_ok.append(names_match(want, got) or (want is None and got is None))
            has_row.append(True)
    for s, g in zip(stories, groups_of(labs), strict=True):
        s.group = g
    return labs, stories, rule_ok, has_row


def _score(labs, stories, picks, has_row) -> list[bool]:
    out = []
    for lab, s, i, row in zip(labs, stories, picks, has_row, strict=True):
        if not row:
            out.append(lab.get("investor") is None)
        elif i is None:
            out.append(lab.get("investor") is None)
        else:
            out.append(s.correct[i])
    return out


def fitted_model(verbose: bool = False, built: tuple | None = None) -> dict:
    """Threshold chosen on the grouped folds, then fitted on all stories with a row: what `make train` ships.

    `built` is what build() returned, for a caller that needs the candidates too (the retrain test).
    """
    labs, stories, rule_ok, has_row = built if built is not None else build()
    rule = sum(rule_ok) / len(stories)
    best_t, best_acc, best_ok = 0.0, -1.0, []
    for t in THRESHOLDS:
        ok = _score(labs, stories, kfold_top1(stories, C, t), has_row)
        acc = sum(ok) / len(ok)
        if verbose:
            print(f"threshold {t:.1f}: grouped 5-fold investor {acc:.3f}")
        if acc > best_acc + 1e-9:
            best_t, best_acc, best_ok = t, acc, ok
    if verbose:
        print(f"investor over {len(stories)} labelled investment stories (perfect classifier): "
              f"rules {rule:.3f}, ranker k-fold {best_acc:.3f} at threshold {best_t}")
        for fam in sorted({family(lab["id"]) for lab in labs}):
            idx = [i for i, lab in enumerate(labs) if family(lab["id"]) == fam]
            print(f"  {fam:16} n={len(idx):3} rules {sum(rule_ok[i] for i in idx) / len(idx):.3f} "
                  f"ranker {sum(best_ok[i] for i in idx) / len(idx):.3f}")
    model = export("investor", [s for s, r in zip(stories, has_row, strict=True) if r], C, best_t)
    model["kfold"] = {"ranker": round(best_acc, 3), "rule": round(rule, 3), "stories": len(stories)}
    return model


def main(argv: list[str] | None = None) -> int:
    if not SETS["dev"][0].exists():
        print("needs ../shared/corpus", file=sys.stderr)
        return 2
    model = fitted_model(verbose=True)
    if "--ship" in (argv if argv is not None else sys.argv[1:]):
        SHIPPED.write_text(json.dumps(model, indent=1) + "\n")
        print(f"shipped: {SHIPPED}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
