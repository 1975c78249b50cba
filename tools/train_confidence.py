"""Fit the row confidence (transforms/deals/row_confidence.py) on dev + train, scored on held-out folds.

Every labelled story (investment or not) for which extraction gives a row contributes that row's
features, read with the story's **out-of-fold** investment probability (``out/train/oof.json``,
written by ``python -m tools.train``), so the model learns from story scores like the ones it
meets on unseen text. Label: the row is right (an investment story and the labelled investor,
the scorer's own ``field_correct``). Logistic regression (liblinear, deterministic) through the
rankers' fit/export (tools/rank_train.py), grouped 5-fold with the is_investment model's groups.

Printed: held-out Brier against a constant base rate, the reliability table, the keep threshold
chosen by the F1 of right rows kept, and what that threshold does to the k-fold field scores and
to the false rows written for labelled non-investment stories.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupKFold

from tools.evaluate import field_correct
from tools.field_scores import FIELDS, SETS, _title_body, row_of
from tools.rank_train import FOLDS, Story, _fit, export
from tools.train import groups_of, reliability
from transforms.deals.verdict import second_opinion

SHIPPED = Path(__file__).resolve().parents[1] / "transforms" / "data" / "ranker_confidence.json"
C = 0.3  # held-out Brier 0.151 / 0.150 / 0.155 / 0.160 / 0.165 at C = 0.1 / 0.3 / 1 / 3 / 10
THRESHOLDS = tuple(round(0.05 * k, 2) for k in range(11))  # 0.0 .. 0.5


def build(oof: dict[str, float]) -> tuple[list[dict], list[dict | None], list[Story]]:
    """Every labelled story, its row (None: no row) and, for stories with a row, its one-candidate Story."""
    from transforms.deals.extract import main_deal
    from transforms.deals.row_confidence import with_story_score

    labs, rows, stories = [], [], []
    for labels_path, texts in SETS.values():
        for line in labels_path.read_text("utf-8").splitlines():
            if not line.strip():
                continue
            lab = json.loads(line)
            title, body = _title_body((texts / f"{lab['id']}.txt").read_text("utf-8"))
            found = main_deal(title, body)
            labs.append(lab)
            rows.append(row_of(found[0]) if found else None)
            if found:
                right = bool(lab.get("is_investment")) and field_correct("investor", lab, rows[-1])
                stories.append(Story(lab["id"], "", [with_story_score(found[1], oof[lab["id"]])], [right]))
    group = dict(zip((lab["id"] for lab in labs), groups_of(labs), strict=True))
    for s in stories:
        s.group = group[s.doc_id]
    return labs, rows, stories


def kfold_proba(stories: Sequence[Story], c: float = C) -> np.ndarray:
    """Out-of-fold P(row right) for every story (grouped folds)."""
    out = np.zeros(len(stories))
    groups = [s.group for s in stories]
    for train_idx, test_idx in GroupKFold(n_splits=FOLDS).split(stories, groups=groups):
        vec, model = _fit([stories[i] for i in train_idx], c)
        out[test_idx] = model.predict_proba(vec.transform([stories[i].candidates[0] for i in test_idx]))[:, 1]
    return out


def _f1_kept(y: np.ndarray, p: np.ndarray, t: float) -> float:
    kept = p >= t
    tp = int((kept & (y == 1)).sum())
    prec = tp / kept.sum() if kept.any() else 0.0
    rec = tp / y.sum() if y.any() else 0.0
    return 2 * prec * rec / (prec + rec) if prec + rec else 0.0


def choose_threshold(y: np.ndarray, p: np.ndarray) -> float:
    """The keep threshold with the best F1 of right rows kept, averaged with its grid neighbours.

    The unsmoothed best sits on the edge of a cliff as often as not (0.40 best, 0.45 far worse), and
    a refit moved it between 0.30 and 0.40 on one small rule change; the window average picks the
    middle of the plateau, so the threshold stays put when a change moves a few rows."""
    return THRESHOLDS[plateau_pick([_f1_kept(y, p, t) for t in THRESHOLDS])]


def plateau_pick(scores: Sequence[float]) -> int:
    """Index of the best score averaged over itself and its neighbours, to 0.001 (ties: the lowest index)."""
    def smoothed(i: int) -> float:
        window = scores[max(0, i - 1) : i + 2]
        return round(sum(window) / len(window), 3)  # differences below 0.001 F1 are noise: the lower wins
    return max(range(len(scores)), key=lambda i: (smoothed(i), -i))


def evaluate(labs, rows, stories, oof: dict[str, float], proba: np.ndarray) -> dict:
    """Held-out calibration, the threshold, and its effect on k-fold fields and on false rows."""
    y = np.array([int(s.correct[0]) for s in stories])
    best_t = choose_threshold(y, proba)
    conf = {s.doc_id: float(p) for s, p in zip(stories, proba, strict=True)}
    before, after = dict.fromkeys(FIELDS, 0), dict.fromkeys(FIELDS, 0)
    n_pos = false_before = false_after = 0
    for lab, row in zip(labs, rows, strict=True):
        # what a run writes: the story passed the verdict (the story model, or its row's second opinion)
        written = row is not None and second_opinion(oof[lab["id"]], conf.get(lab["id"]))
        kept = written and conf[lab["id"]] >= best_t
        if lab.get("is_investment"):
            n_pos += 1
            for f in FIELDS:
                before[f] += written and field_correct(f, lab, row)
                after[f] += kept and field_correct(f, lab, row)
        else:
            false_before += written
            false_after += kept
    return {
        "rows": len(stories), "right": int(y.sum()),
        "brier": round(float(((proba - y) ** 2).mean()), 4),
        "brier_base_rate": round(float(((y.mean() - y) ** 2).mean()), 4),
        "reliability": reliability(y, proba),
        "threshold": best_t,
        "f1_kept": {str(t): round(_f1_kept(y, proba, t), 3) for t in THRESHOLDS},
        "right_kept": int(((proba >= best_t) & (y == 1)).sum()), "kept": int((proba >= best_t).sum()),
        "false_rows_on_negatives": {"before": false_before, "after": false_after},
        "kfold_fields": {f: {"before": round(before[f] / n_pos, 3), "after": round(after[f] / n_pos, 3)}
                         for f in FIELDS if f != "evidence"},
        "verdict": verdict_scores(labs, oof, conf),
    }


def _prf(pairs: list[tuple[bool, bool]]) -> dict[str, float]:
    tp = sum(p and y for p, y in pairs)
    fp = sum(p and not y for p, y in pairs)
    fn = sum(y and not p for p, y in pairs)
    prec, rec = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return {"p": round(prec, 3), "r": round(rec, 3), "f1": round(2 * prec * rec / max(prec + rec, 1e-9), 3),
            "tp": tp, "fp": fp, "fn": fn}


def verdict_scores(labs: list[dict], oof: dict[str, float], conf: dict[str, float]) -> dict:
    """Held-out is_investment P/R/F1 of the story model alone and with the row's second opinion
    (transforms/deals/verdict.py), both on out-of-fold scores, and the stories the row turns."""
    alone, joint, turned = [], [], []
    for lab in labs:
        i, y = lab["id"], bool(lab.get("is_investment"))
        a, j = oof[i] >= 0.5, second_opinion(oof[i], conf.get(i))
        alone.append((a, y))
        joint.append((j, y))
        if j and not a:
            turned.append({"id": i, "story": oof[i], "row": round(conf[i], 3), "is_investment": y})
    return {"story_model": _prf(alone), "with_row": _prf(joint), "turned": turned}


def fitted_model(oof: dict[str, float], c: float = C, built: tuple | None = None) -> tuple[dict, dict]:
    """(the model `make train` ships, its held-out report); `built` is build(oof)'s result when the caller has it."""
    labs, rows, stories = built if built is not None else build(oof)
    report = evaluate(labs, rows, stories, oof, kfold_proba(stories, c))
    model = export("confidence", stories, c, report["threshold"])
    model["kind"] = "logistic regression over named row features + the story's investment_score logit (liblinear)"
    model["kfold"] = {k: report[k] for k in ("rows", "right", "brier", "brier_base_rate", "kept", "right_kept")}
    return model, report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.train_confidence", description=__doc__.split("\n")[0])
    parser.add_argument("--oof", type=Path, default=Path("out/train/oof.json"), help="written by python -m tools.train")
    parser.add_argument("--out", type=Path, help="write the held-out report (JSON) here")
    parser.add_argument("--ship", action="store_true", help=f"write the model into {SHIPPED}")
    parser.add_argument("--C", type=float, default=C)
    args = parser.parse_args(argv)
    if not SETS["dev"][0].exists() or not args.oof.exists():
        print(f"needs ../shared/corpus and {args.oof} (python -m tools.train)", file=sys.stderr)
        return 2
    model, rep = fitted_model(json.loads(args.oof.read_text()), args.C)
    print(f"row confidence, grouped {FOLDS}-fold over dev+train: {rep['rows']} rows, {rep['right']} right "
          f"(investment story and labelled investor)")
    print(f"Brier (held-out folds): {rep['brier']}  (constant base rate {rep['brier_base_rate']})")
    print("reliability (held-out folds):")
    for b in rep["reliability"]:
        print(f"  p {b['bin']}: n={b['n']:3} mean_p={b['mean_p']:.2f} observed={b['observed']:.2f}")
    print(f"keep threshold {rep['threshold']} (best F1 of right rows kept: "
          + ", ".join(f"{t}:{v}" for t, v in rep["f1_kept"].items()) + ")")
    print(f"kept {rep['kept']} of {rep['rows']} rows, {rep['right_kept']} of {rep['right']} right ones; "
          f"rows written for labelled non-investment stories {rep['false_rows_on_negatives']['before']} -> "
          f"{rep['false_rows_on_negatives']['after']}")
    v = rep["verdict"]
    print("is_investment (held-out folds): story model P/R/F1 {p}/{r}/{f1}".format(**v["story_model"])
          + ", with the row's second opinion {p}/{r}/{f1}".format(**v["with_row"])
          + f"; turned positive: {len(v['turned'])} ("
          + ", ".join(f"{t['id']}:{'right' if t['is_investment'] else 'wrong'}" for t in v["turned"]) + ")")
    print("k-fold fields (verdict out-of-fold, missed story = wrong), before -> after the threshold:")
    for f, v in rep["kfold_fields"].items():
        print(f"  {f:18} {v['before']:.3f} -> {v['after']:.3f}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(rep, indent=2))
    if args.ship:
        SHIPPED.write_text(json.dumps(model, indent=1) + "\n")
        print(f"shipped: {SHIPPED}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
