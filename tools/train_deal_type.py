"""Measure a learned deal_type against the rules' on dev + train (not shipped: it does not beat them).

Features: the rules' own deal_type and trigger kind, the words of the deal sentence and headline
that LABELS.md's precedence turns on (control, minority, joint venture, round, plant, acquire),
the percentages, and whether the investor's and target's countries differ.

Every labelled investment story for which the rules give a row contributes the features of that
row (the rules' own deal_type among them) and the labelled type. Multinomial logistic regression
(lbfgs, deterministic); grouped 5-fold accuracy (same groups as the is_investment model) against
the rules' type on the same stories, and over all investment stories with a missing row counted
as wrong.
"""

from __future__ import annotations

import json
import re
import sys

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from tools.field_scores import SETS, _title_body
from tools.train import family, groups_of

C = 30.0  # the best of 0.3 / 1 / 3 / 10 / 30 on the grouped folds; still below the rules

_WORDS = {
    "control": r"\b(?:control\w*|majority|whole|entire|all\s+(?:of\s+)?the\s+(?:shares|stock)|outright|wholly|"
    r"100\s*(?:%|pct|per\s*cent|percent)|take\s*over|takeover|merger|merge|buy\s*out|buyout)\b",
    "minority": r"\b(?:minority|stake|holding|shareholding|interest\s+in)\b",
    "jv": r"\bjoint[\s-]+venture|\bJV\b|\bpartnership\b",
    "round": r"\b(?:series\s+[a-h]\b|seed|pre-seed|round|raise[sd]?|raising|funding|venture\s+capital|backed|led\s+by)\b",
    "plant": r"\b(?:plant|factory|facility|facilities|mill|refinery|hub|park|capacity|expan\w+|greenfield|build\w*|"
    r"construct\w*|set\s+up|manufacturing|production\s+line)\b",
    "acquire": r"\b(?:acquir\w+|acquisition|buy\w*|bought|purchas\w+|takeover|offer\s+for|bid\s+for)\b",
    "invest": r"\binvest\w*\b",
}
_W = {k: re.compile(v, re.I) for k, v in _WORDS.items()}
_PCT = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*(?:%|pct|per\s*cent|percent)", re.I)


def deal_type_features(sentence: str, title: str, rule_type: str, trigger_kind: str,
                       investor_country: str | None, target_country: str | None, has_target: bool) -> dict[str, float]:
    f: dict[str, float] = {f"rule:{rule_type}": 1.0, f"trigger:{trigger_kind}": 1.0}
    for where, text in (("sent", sentence), ("title", title or "")):
        for k, p in _W.items():
            if p.search(text):
                f[f"{where}:{k}"] = 1.0
    pcts = [float(m.group(1)) for m in _PCT.finditer(sentence) if float(m.group(1)) <= 100]
    if pcts:
        top = max(pcts)
        f["pct_max"] = top / 100.0
        f["pct_over_50"] = 1.0 if top > 50 else 0.0
        f["pct_50"] = 1.0 if top == 50 else 0.0
    if investor_country and target_country:
        f["cross_border" if investor_country != target_country else "same_country"] = 1.0
    else:
        f["country_unknown"] = 1.0
    if not has_target:
        f["no_target"] = 1.0
    return f



def build() -> tuple[list[dict], list[dict], list[str], list[str], int]:
    """(labels, features, labelled types, rule types, investment stories) for stories with a rule row."""
    from transforms.deals.extract import extract_deals
    from transforms.deals.story import analyse, best_candidate

    labs, feats, ys, rules, n_all = [], [], [], [], 0
    for labels_path, texts in SETS.values():
        for line in labels_path.read_text("utf-8").splitlines():
            lab = json.loads(line) if line.strip() else {}
            if not lab.get("is_investment"):
                continue
            n_all += 1
            title, body = _title_body((texts / f"{lab['id']}.txt").read_text("utf-8"))
            rows = extract_deals(title, body, keep_doubtful=True)
            if not rows or not lab.get("deal_type"):
                continue
            row = rows[0]
            cand = best_candidate(analyse(title, body))
            feats.append(deal_type_features(row.evidence, title, row.deal_type, cand.trigger.kind,
                                            row.investor_country, row.target_country, row.target is not None))
            labs.append({**lab, "title": title})
            ys.append(lab["deal_type"])
            rules.append(row.deal_type)
    return labs, feats, ys, rules, n_all


def _fit(feats: list[dict], ys: list[str]):
    vec = DictVectorizer(sparse=False, sort=True)
    x = vec.fit_transform(feats)
    model = LogisticRegression(C=C, max_iter=5000, random_state=0)
    model.fit(x, ys)
    return vec, model


def fitted_model(verbose: bool = False) -> dict:
    labs, feats, ys, rules, n_all = build()
    groups = groups_of(labs)
    oof = [""] * len(ys)
    for tr, te in GroupKFold(n_splits=5).split(feats, ys, groups):
        vec, model = _fit([feats[i] for i in tr], [ys[i] for i in tr])
        pred = model.predict(vec.transform([feats[i] for i in te]))
        for i, p in zip(te, pred, strict=True):
            oof[i] = str(p)
    acc = float(np.mean([a == b for a, b in zip(oof, ys, strict=True)]))
    rule = float(np.mean([a == b for a, b in zip(rules, ys, strict=True)]))
    if verbose:
        print(f"deal_type over {len(ys)} labelled investment stories with a row: rule {rule:.3f}, "
              f"model grouped 5-fold {acc:.3f}; over all {n_all} investment stories (no row = wrong): "
              f"rule {rule * len(ys) / n_all:.3f}, model {acc * len(ys) / n_all:.3f}")
        for fam in sorted({family(lab["id"]) for lab in labs}):
            idx = [i for i, lab in enumerate(labs) if family(lab["id"]) == fam]
            print(f"  {fam:16} n={len(idx):3} rule {np.mean([rules[i] == ys[i] for i in idx]):.3f} "
                  f"model {np.mean([oof[i] == ys[i] for i in idx]):.3f}")
    vec, model = _fit(feats, ys)
    return {
        "kind": "multinomial logistic regression over named deal features (lbfgs)",
        "classes": [str(c) for c in model.classes_],
        "features": vec.get_feature_names_out().tolist(),
        "coef": [[round(float(v), 6) for v in row] for row in model.coef_],
        "intercept": [round(float(v), 6) for v in model.intercept_],
        "C": C,
        "kfold": {"model": round(acc, 3), "rule": round(rule, 3), "stories": len(ys), "investment_stories": n_all},
    }


def main(argv: list[str] | None = None) -> int:
    if not SETS["dev"][0].exists():
        print("needs ../shared/corpus", file=sys.stderr)
        return 2
    fitted_model(verbose=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
