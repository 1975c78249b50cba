"""`make train`: a learned is_investment model on dev + train, scored by grouped k-fold against the rules.

Measurement first: the pipeline ships the model only once it beats the rules on held-out folds
(docs/extraction.md has the numbers; today it does not, so the model is written to out/ only).
Deterministic (sorted inputs, fixed folds, liblinear): the same ../shared gives the same model file.
Features: the rule score of the existing story reader (its logit), and word 1-2-grams of the
headline and lead AFTER the statistical NER has masked every entity to its type
(`transforms.nlp.entities.mask_entities`), so the vocabulary can hold "__ORG__ to acquire" but never
a company's name. Folds group by outlet (dev: source family, train: outlet in the id), and stories
about the same deal (same labelled investor and target) share a fold.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from transforms.deals.classify import classify
from transforms.nlp.entities import mask_entities

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "investment-news"
FOLDS = 5
C = 2.0
LEAD_CHARS = 600


def lead_text(title: str | None, body: str) -> str:
    """Headline and lead: where LABELS.md decides what a story is about."""
    return f"{title or ''}\n{(body or '')[:LEAD_CHARS]}"


def load_labelled(corpus: Path = CORPUS) -> list[dict]:
    docs = []
    for labels, texts in ((corpus / "dev-labels.jsonl", corpus / "texts"), (corpus / "train" / "labels.jsonl", corpus / "train" / "texts")):
        for line in labels.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            label = json.loads(line)
            raw = (texts / f"{label['id']}.txt").read_text(encoding="utf-8")
            title, _, body = raw.partition("\n")
            docs.append({**label, "title": title.strip(), "body": body.strip()})
    return sorted(docs, key=lambda d: d["id"])


def outlet(doc_id: str) -> str:
    """train2-<slice>-<outlet>-NNN -> outlet; dev <family>-NNN -> family."""
    parts = doc_id.split("-")
    if parts[0] == "train2":
        return parts[2]
    return re.sub(r"-?\d+$", "", doc_id).split("-")[0]


def family(doc_id: str) -> str:
    """Source family for the per-family table: train slices, dev's BBC and Reuters, dev's modern outlets."""
    parts = doc_id.split("-")
    if parts[0] == "train2":
        return f"train:{parts[1]}"
    return f"dev:{outlet(doc_id)}" if outlet(doc_id) in ("bbc", "reuters") else "dev:modern"


def groups_of(docs: list[dict]) -> list[str]:
    """Outlet groups, joined where two stories name the same deal (union-find)."""
    parent = {d["id"]: outlet(d["id"]) for d in docs}
    root: dict[str, str] = {}

    def find(x: str) -> str:
        while root.get(x, x) != x:
            x = root[x]
        return x

    by_deal = defaultdict(list)
    for d in docs:
        if d.get("is_investment") and d.get("investor") and d.get("target"):
            by_deal[(d["investor"].lower()[:12], d["target"].lower()[:12])].append(parent[d["id"]])
    for outlets in by_deal.values():
        for other in outlets[1:]:
            a, b = find(outlets[0]), find(other)
            if a != b:
                root[max(a, b)] = min(a, b)
    return [find(parent[d["id"]]) for d in docs]


def features(docs: list[dict]) -> tuple[list[str], np.ndarray]:
    masked = [mask_entities(lead_text(d["title"], d["body"])) for d in docs]
    rule = np.array([[_logit(classify(d["title"], d["body"]).score)] for d in docs])
    return masked, rule


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def fit(masked: list[str], rule: np.ndarray, y: np.ndarray):
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=3, lowercase=True, sublinear_tf=True,
                          token_pattern=r"(?u)__[a-z]+__|\b[a-z][a-z'-]+\b")
    x_text = vec.fit_transform(masked)
    x = _stack(x_text, rule)
    model = LogisticRegression(C=C, solver="liblinear", max_iter=2000, random_state=0)
    model.fit(x, y)
    return vec, model


def _stack(x_text, rule: np.ndarray):
    from scipy.sparse import csr_matrix, hstack

    return hstack([x_text, csr_matrix(rule / 4.0)]).tocsr()


def predict(vec, model, masked: list[str], rule: np.ndarray) -> np.ndarray:
    return model.predict_proba(_stack(vec.transform(masked), rule))[:, 1]


def prf(y: np.ndarray, pred: np.ndarray) -> dict:
    tp = int(((pred == 1) & (y == 1)).sum())
    fp = int(((pred == 1) & (y == 0)).sum())
    fn = int(((pred == 0) & (y == 1)).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"p": round(p, 3), "r": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0, "n": int(len(y))}


def reliability(y: np.ndarray, prob: np.ndarray, bins: int = 5) -> list[dict]:
    rows = []
    for i in range(bins):
        lo, hi = i / bins, (i + 1) / bins
        m = (prob >= lo) & ((prob < hi) if i < bins - 1 else (prob <= hi))
        if m.any():
            rows.append({"bin": f"{lo:.1f}-{hi:.1f}", "n": int(m.sum()), "mean_p": round(float(prob[m].mean()), 3),
                         "observed": round(float(y[m].mean()), 3)})
    return rows


def kfold(docs: list[dict], masked: list[str], rule: np.ndarray, y: np.ndarray, threshold: float) -> dict:
    groups = groups_of(docs)
    oof = np.zeros(len(docs))
    for train_idx, test_idx in GroupKFold(n_splits=FOLDS).split(masked, y, groups):
        vec, model = fit([masked[i] for i in train_idx], rule[train_idx], y[train_idx])
        oof[test_idx] = predict(vec, model, [masked[i] for i in test_idx], rule[test_idx])
    rule_p = 1 / (1 + np.exp(-rule[:, 0]))
    out = {
        "learned": prf(y, (oof >= threshold).astype(int)),
        "rules_only": prf(y, (rule_p >= 0.5).astype(int)),
        "brier_learned": round(float(((oof - y) ** 2).mean()), 4),
        "brier_rules": round(float(((rule_p - y) ** 2).mean()), 4),
        "reliability_learned": reliability(y, oof),
        "by_family": {},
        "groups": len(set(groups)),
    }
    fams = [family(d["id"]) for d in docs]
    for fam in sorted(set(fams)):
        m = np.array([f == fam for f in fams])
        out["by_family"][fam] = {"learned": prf(y[m], (oof[m] >= threshold).astype(int)),
                                 "rules_only": prf(y[m], (rule_p[m] >= 0.5).astype(int))}
    out["oof"] = oof
    return out


def export(vec, model, threshold: float, n_docs: int, n_pos: int) -> dict:
    coef = model.coef_[0]
    vocab = vec.get_feature_names_out().tolist()
    return {
        "kind": "logistic regression over masked headline+lead 1-2-grams (tf-idf, sublinear) + rule-score logit / 4",
        "token_pattern": vec.token_pattern,
        "lead_chars": LEAD_CHARS,
        "vocabulary": vocab,
        "idf": [round(float(v), 6) for v in vec.idf_],
        "coef": [round(float(v), 6) for v in coef[: len(vocab)]],
        "rule_coef": round(float(coef[len(vocab)]), 6),
        "intercept": round(float(model.intercept_[0]), 6),
        "threshold": threshold,
        "trained_on": {"documents": n_docs, "investment": n_pos, "sets": ["dev-labels.jsonl", "train/labels.jsonl"]},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make train")
    parser.add_argument("--out", default="out/eval")
    parser.add_argument("--threshold", type=float, default=0.5)
    args = parser.parse_args(argv)
    if not CORPUS.exists():
        print(f"needs {CORPUS}", file=sys.stderr)
        return 2
    docs = load_labelled()
    y = np.array([1 if d["is_investment"] else 0 for d in docs])
    masked, rule = features(docs)
    scores = kfold(docs, masked, rule, y, args.threshold)
    vec, model = fit(masked, rule, y)
    Path(args.out).mkdir(parents=True, exist_ok=True)
    model_path = Path(args.out) / "investment_model.json"
    model_path.write_text(json.dumps(export(vec, model, args.threshold, len(docs), int(y.sum())), indent=0) + "\n")
    oof = scores.pop("oof")
    (Path(args.out) / "kfold.json").write_text(json.dumps(scores, indent=2))
    print(f"grouped {FOLDS}-fold over dev+train: {len(docs)} docs, {int(y.sum())} investment, {scores['groups']} groups")
    print(f"{'':28} {'learned P/R/F1':>22} {'rules only P/R/F1':>22}")
    rows = [("ALL", scores["learned"], scores["rules_only"])] + [
        (f, v["learned"], v["rules_only"]) for f, v in scores["by_family"].items()
    ]
    for name, a, b in rows:
        print(f"{name:28} {a['p']:.2f}/{a['r']:.2f}/{a['f1']:.2f} (n={a['n']:3}) {b['p']:.2f}/{b['r']:.2f}/{b['f1']:.2f}")
    print(f"Brier (held-out folds): learned {scores['brier_learned']}  rules {scores['brier_rules']}")
    for row in scores["reliability_learned"]:
        print(f"  p {row['bin']}: n={row['n']:3} mean_p={row['mean_p']:.2f} observed={row['observed']:.2f}")
    print(f"model (not shipped: it does not beat the rules yet): {model_path} ({model_path.stat().st_size} bytes); "
          f"out-of-fold mean p {oof.mean():.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
