"""`make eval-deals`: the deal ledger's grouping against ../shared/corpus/deal-clusters/.

Runs `dealstream run` over the cluster articles into a fresh DIR, reads DIR/deals back and
scores the grouping of the articles that reached the ledger against the labelled real-world
deals (`deal_key`): pairwise precision/recall, B-cubed precision/recall/F1, the share of
articles that reached the ledger (that is the extraction's recall), and every predicted deal
that holds articles of two different real deals (the near-misses wrongly merged).
"""

from __future__ import annotations

import argparse
import itertools
import json
import shutil
import sys
from collections import defaultdict
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "deal-clusters"


def pairwise(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float]:
    items = sorted(pred)
    same_pred = {(a, b) for a, b in itertools.combinations(items, 2) if pred[a] == pred[b]}
    same_gold = {(a, b) for a, b in itertools.combinations(items, 2) if gold[a] == gold[b]}
    precision = len(same_pred & same_gold) / len(same_pred) if same_pred else 1.0
    recall = len(same_pred & same_gold) / len(same_gold) if same_gold else 1.0
    return precision, recall


def bcubed(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    by_pred, by_gold = defaultdict(set), defaultdict(set)
    for item in pred:
        by_pred[pred[item]].add(item)
        by_gold[gold[item]].add(item)
    p = sum(len(by_pred[pred[i]] & by_gold[gold[i]]) / len(by_pred[pred[i]]) for i in pred) / max(len(pred), 1)
    r = sum(len(by_pred[pred[i]] & by_gold[gold[i]]) / len(by_gold[gold[i]]) for i in pred) / max(len(pred), 1)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def evaluate(out: Path) -> dict:
    labels = [json.loads(line) for line in (CORPUS / "clusters.jsonl").read_text().splitlines() if line.strip()]
    gold_all = {row["id"]: row["deal_key"] for row in labels}
    if out.exists():
        shutil.rmtree(out)
    from pipeline.cli import main as cli_main

    code = cli_main(["run", "--input", str(CORPUS / "texts" / "*.txt"), "--output", str(out), "--quiet",
                     "--max-error-rate", "1"])
    con = duckdb.connect()
    source_of = dict(
        con.execute(
            f"SELECT doc_id, source FROM read_parquet('{out}/articles/*/*.parquet', hive_partitioning=false)"
        ).fetchall()
    )
    pred: dict[str, str] = {}
    snapshot = out / "deals" / "deals.parquet"
    if snapshot.exists():
        for deal_id, doc_ids in con.execute(f"SELECT deal_id, doc_ids FROM '{snapshot}'").fetchall():
            for doc_id in doc_ids:
                article = Path(source_of[doc_id]).stem
                pred.setdefault(article, deal_id)  # an article with two deals: its first
    gold = {k: gold_all[k] for k in pred}
    pp, pr = pairwise(pred, gold)
    bp, br, bf = bcubed(pred, gold)
    mixed = []
    by_pred = defaultdict(list)
    for article, deal in pred.items():
        by_pred[deal].append(article)
    for deal, articles in sorted(by_pred.items()):
        keys = sorted({gold[a] for a in articles})
        if len(keys) > 1:
            mixed.append({"deal_id": deal, "real_deals": keys, "articles": sorted(articles)})
    return {
        "exit_code": code,
        "articles": len(gold_all),
        "reached_ledger": len(pred),
        "reach_share": round(len(pred) / len(gold_all), 3),
        "pairwise_precision": round(pp, 3),
        "pairwise_recall": round(pr, 3),
        "bcubed_precision": round(bp, 3),
        "bcubed_recall": round(br, 3),
        "bcubed_f1": round(bf, 3),
        "deals_mixing_real_deals": mixed,
        "predicted_deals": len(by_pred),
        "real_deals_reached": len(set(gold.values())),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="eval-deals")
    parser.add_argument("--output", default="out/eval-deals")
    args = parser.parse_args(argv)
    if not CORPUS.exists():
        print(f"needs {CORPUS} (../shared/corpus/deal-clusters)", file=sys.stderr)
        return 2
    result = evaluate(Path(args.output))
    print(json.dumps(result, indent=2))
    target = result["bcubed_f1"] >= 0.90 and result["reach_share"] >= 0.75 and not result["deals_mixing_real_deals"]
    print(f"targets (B3 F1 >= 0.90, reach >= 0.75, no mixed deal): {'met' if target else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
