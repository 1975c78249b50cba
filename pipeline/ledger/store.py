"""DIR/deals/deals.parquet: the ledger's snapshot, updated after every run from committed rows.

The snapshot is the one source of truth: it lists, per deal, the investment rows
(``doc_id#deal_index``) it holds. An update reads the investment rows that no deal holds yet,
matches them (``transforms.ledger.match``) and rewrites the snapshot atomically, so a run killed
during the update leaves the old snapshot, and the next update (or ``deals rebuild``) adds what
was missing. Re-running on the same rows changes nothing: every row is already held.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from pipeline.common.paths import is_local
from pipeline.output.atomic import write_atomically
from transforms.ledger.match import Deal, DealRow, assign, summarise
from transforms.records import DEAL_SCHEMA, PARTITION_SCHEMAS

LOG = logging.getLogger(__name__)
ROW_COLUMNS = [
    "doc_id", "deal_index", "deal_type", "investor", "target", "investor_country", "target_country",
    "amount", "currency", "amount_usd", "published_at", "url", "title", "evidence", "confidence",
]


@dataclass(frozen=True)
class LedgerUpdate:
    new_deals: int
    merged_articles: int  # articles that joined a deal already in the ledger
    deals: int

    def line(self) -> str:
        return (
            f"Deal ledger: {self.new_deals} new deal(s), {self.merged_articles} article(s) merged into "
            f"known deals; {self.deals} deal(s) in total"
        )


def snapshot_path(output: str) -> Path:
    return Path(output) / "deals" / "deals.parquet"


def read_investment_rows(output: str, skip: set[str] | frozenset[str] = frozenset()) -> list[DealRow]:
    """Committed investment rows of DIR (final file names only), minus the keys in ``skip``."""
    root = Path(output) / "investments"
    if not root.is_dir():
        return []
    files = sorted(str(p) for p in root.rglob("*.parquet") if not p.name.startswith("."))
    if not files:
        return []
    dataset = ds.dataset(
        files, format="parquet", partitioning=ds.partitioning(PARTITION_SCHEMAS["investments"], flavor="hive"),
        partition_base_dir=str(root),
    )
    table = dataset.to_table(columns=ROW_COLUMNS)
    rows = []
    for record in table.to_pylist():
        row = DealRow(**record)
        if row.key not in skip:
            rows.append(row)
    return rows


def read_snapshot(output: str) -> list[dict]:
    path = snapshot_path(output)
    if not path.exists():
        return []
    return pq.read_table(path).to_pylist()


def _deals_from(snapshot: list[dict], rows_by_key: dict[str, DealRow]) -> list[Deal]:
    deals = []
    for record in snapshot:
        members = [rows_by_key[k] for k in record["row_keys"] if k in rows_by_key]
        deals.append(Deal(record["deal_id"], members, list(record["merged_ids"] or [])))
    return deals


def _write_snapshot(output: str, records: list[dict]) -> None:
    table = pa.Table.from_pylist(records, schema=DEAL_SCHEMA)
    buffer = pa.BufferOutputStream()
    pq.write_table(table, buffer)
    # readers see the old snapshot or the new one, never a part (pipeline/output/atomic.py)
    write_atomically(str(snapshot_path(output)), buffer.getvalue().to_pybytes(), output)


def update_ledger(output: str, rebuild: bool = False) -> LedgerUpdate:
    """Match every committed investment row that no deal holds yet; rewrite the snapshot."""
    if not is_local(output):
        LOG.warning("deal ledger: %s is not local; not updated (run 'dealstream deals rebuild' on a local copy)", output)
        return LedgerUpdate(0, 0, 0)
    snapshot = [] if rebuild else read_snapshot(output)
    all_rows = read_investment_rows(output)
    by_key = {row.key: row for row in all_rows}
    deals = _deals_from(snapshot, by_key)
    held = {row.key for deal in deals for row in deal.rows}
    known_ids = {deal.deal_id for deal in deals}
    new_rows = [row for row in all_rows if row.key not in held]
    if not new_rows and snapshot:
        return LedgerUpdate(0, 0, len(snapshot))
    deals, links = assign(new_rows, deals)
    joined_known = {row.doc_id for row in new_rows if links[row.key] in known_ids}
    now = datetime.now(UTC)
    previous = {record["deal_id"]: record for record in snapshot}
    records = []
    for deal in deals:
        record = summarise(deal)
        old = previous.get(deal.deal_id)
        unchanged = old is not None and all(old.get(k) == v for k, v in record.items())
        record["updated_at"] = old["updated_at"] if unchanged else now
        records.append(record)
    records.sort(key=lambda r: r["deal_id"])
    _write_snapshot(output, records)
    return LedgerUpdate(len({d.deal_id for d in deals} - known_ids), len(joined_known), len(records))
