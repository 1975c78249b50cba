"""Train and score the amount ranker (``transforms/deals/amount_rank.py``) on dev + train.

Every labelled investment story whose lead has a deal sentence gives its amount candidates; a
candidate is right when amount (within 1%) and currency match the label. A story whose label has
no amount is right when the pick is None (the threshold). Grouped k-fold top-1 (same groups as
the is_investment model) against the rule's own choice, on the same stories; a story with no
deal sentence counts as wrong for both.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tools.field_scores import SETS, _title_body
from tools.rank_train import Story, export, kfold_top1
from tools.train import family, groups_of

SHIPPED = Path(__file__).resolve().parents[1] / "transforms" / "data" / "ranker_amount.json"
C = 1.0
THRESHOLDS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)


def _right(m, lab: dict) -> bool:
    la = lab.get("amount")
    return la is not None and abs(m.amount - la) <= 0.01 * abs(la) and m.currency == lab.get("currency")


def build() -> tuple[list[dict], list[Story], list[bool | None]]:
    """Labelled positives, their candidate lists and whether the rule's pick is right (None: no deal sentence)."""
    from transforms.deals.amount import deal_amount
    from transforms.deals.amount_rank import amount_candidates
    from transforms.deals.story import analyse, best_candidate

    labs, stories, rule_ok = [], [], []
    for labels_path, texts in SETS.values():
        for line in labels_path.read_text("utf-8").splitlines():
            if not line.strip() or not json.loads(line).get("is_investment"):
                continue
            lab = json.loads(line)
            title, body = _title_body((texts / f"{lab['id']}.txt").read_text("utf-8"))
            story = analyse(title, body)
            cand = best_candidate(story)
            cands = amount_candidates(story, cand) if cand is not None else []
            labs.append({**lab, "title": title})
            stories.append(Story(lab["id"], "", [c.features for c in cands], [_right(c.money, lab) for c in cands]))
            if cand is None:
                rule_ok.append(None)  # no deal sentence: no row, right only when the label has no amount
            else:
                m = deal_amount(story, cand, cand.trigger.kind)
                rule_ok.append(_right(m, lab) if m is not None else lab.get("amount") is None)
    for s, g in zip(stories, groups_of(labs), strict=True):
        s.group = g
    return labs, stories, rule_ok


def _score(labs, stories, picks) -> float:
    ok = 0
    for lab, s, i in zip(labs, stories, picks, strict=True):
        if i is None:
            ok += lab.get("amount") is None
        else:
            ok += s.correct[i]
    return ok / len(stories)


def fitted_model(verbose: bool = False, built: tuple | None = None) -> dict:
    """Threshold chosen on the grouped folds, then fitted on all stories: what `make train` ships.

    `built` is what build() returned, for a caller that needs the candidates too (the retrain test).
    """
    labs, stories, rule_ok = built if built is not None else build()
    no_cand = [r is None for r in rule_ok]
    rule_ok = [lab.get("amount") is None if r is None else r for r, lab in zip(rule_ok, labs, strict=True)]
    rule = sum(bool(r) for r in rule_ok) / len(stories)
    best_t, best_acc = 0.0, -1.0
    for t in THRESHOLDS:
        picks = kfold_top1(stories, C, t)
        picks = [None if nc else p for p, nc in zip(picks, no_cand, strict=True)]
        acc = _score(labs, stories, picks)
        if verbose:
            print(f"threshold {t:.1f}: grouped 5-fold amount+currency {acc:.3f}")
        if acc > best_acc + 1e-9:
            best_t, best_acc = t, acc
    _report(labs, stories, rule_ok, no_cand, rule, best_t, best_acc, verbose)
    model = export("amount", [s for s, nc in zip(stories, no_cand, strict=True) if not nc], C, best_t)
    model["kfold"] = {"ranker": round(best_acc, 3), "rule": round(rule, 3), "stories": len(stories)}
    return model


def _report(labs, stories, rule_ok, no_cand, rule, best_t, best_acc, verbose) -> None:
    if not verbose:
        return
    print(f"amount+currency over {len(stories)} labelled investment stories (perfect classifier): "
          f"rule {rule:.3f}, ranker k-fold {best_acc:.3f} at threshold {best_t}")
    picks = [None if nc else p for p, nc in zip(kfold_top1(stories, C, best_t), no_cand, strict=True)]
    fams = sorted({family(lab["id"]) for lab in labs})
    for fam in fams:
        idx = [i for i, lab in enumerate(labs) if family(lab["id"]) == fam]
        r = sum(bool(rule_ok[i]) for i in idx) / len(idx)
        k = _score([labs[i] for i in idx], [stories[i] for i in idx], [picks[i] for i in idx])
        print(f"  {fam:16} n={len(idx):3} rule {r:.3f} ranker {k:.3f}")


def main(argv: list[str] | None = None) -> int:
    if not SETS["dev"][0].exists():
        print("needs ../shared/corpus", file=sys.stderr)
        return 2
    model = fitted_model(verbose=True)
    if "--ship" in (argv or sys.argv[1:]):
        SHIPPED.write_text(json.dumps(model, indent=1) + "\n")
        print(f"shipped: {SHIPPED}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
