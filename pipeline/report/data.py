"""The numbers behind ``dealstream report``: DIR's tables read with DuckDB, filtered, aggregated.

Pure data: no HTML here. Every table is read with its partition column pinned to DATE
(BEAM-NOTES: DuckDB infers VARCHAR when every partition is the null one), and a table that
does not exist yet reads as empty with its real schema, so an empty or tiny DIR gives the
same queries over zero rows instead of a crash.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from transforms.records import PARTITION_SCHEMAS, TABLES

LOG = logging.getLogger(__name__)

# Columns the deals table of the report reads. A `deals/` ledger is used instead of
# `investments/` when it exists and has all of them.
DEAL_COLUMNS = (
    "published_date", "investor", "investor_country", "target", "target_country", "amount_text",
    "amount_usd", "currency", "deal_type", "confidence", "evidence", "url", "title",
)
MAX_TABLE_ROWS = 5000  # the embedded table; headline numbers and charts always use every row
TOP_N = 15


@dataclass(frozen=True)
class Filters:
    """What the reader asked to see; applied to deal rows (dates also to articles)."""

    date_from: date | None = None
    date_to: date | None = None
    country: str | None = None  # target country, ISO 3166-1 alpha-2
    min_confidence: float | None = None

    def describe(self) -> str:
        parts = []
        if self.date_from or self.date_to:
            parts.append(f"published {self.date_from or '…'} to {self.date_to or '…'}")
        if self.country:
            parts.append(f"target country {self.country}")
        if self.min_confidence is not None:
            parts.append(f"confidence ≥ {self.min_confidence}")
        return ", ".join(parts) or "none"


@dataclass
class ReportData:
    """Everything the page shows, as plain Python values."""

    directory: str
    filters: Filters
    deal_source: str  # "deals" (ledger) or "investments"
    headline: dict[str, Any]
    by_month: list[dict[str, Any]]
    by_country: list[dict[str, Any]]
    by_type: list[dict[str, Any]]
    top_investors: list[dict[str, Any]]
    flows: list[dict[str, Any]]
    deals: list[dict[str, Any]]
    deals_total: int
    errors_by_type: list[dict[str, Any]]
    skips_by_reason: list[dict[str, Any]]
    languages: list[dict[str, Any]]
    runs: list[dict[str, Any]] = field(default_factory=list)


def _files(directory: Path, table: str) -> list[str]:
    return sorted(str(p) for p in (directory / table).glob("*/*.parquet"))


def _sql_list(paths: list[str]) -> str:
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"


def _register(con: duckdb.DuckDBPyConnection, directory: Path, table: str, schema: pa.Schema, column: str) -> bool:
    """A view named ``table`` over DIR/table (partition column pinned), or an empty one."""
    files = _files(directory, table)
    if files:
        con.execute(
            f"CREATE VIEW {table} AS SELECT * FROM read_parquet({_sql_list(files)}, hive_partitioning=true, "
            f"hive_types={{'{column}': DATE}}, union_by_name=true)"
        )
        return True
    empty = pa.schema(list(schema) + [pa.field(column, pa.date32())]).empty_table()
    con.register(f"{table}_empty", empty)
    con.execute(f"CREATE VIEW {table} AS SELECT * FROM {table}_empty")
    return False


def _deal_source(con: duckdb.DuckDBPyConnection, directory: Path) -> str:
    files = _files(directory, "deals")
    if not files:
        return "investments"
    con.execute(
        f"CREATE VIEW deals AS SELECT * FROM read_parquet({_sql_list(files)}, hive_partitioning=true, "
        f"union_by_name=true)"
    )
    columns = {row[0] for row in con.execute("DESCRIBE deals").fetchall()}
    missing = [c for c in DEAL_COLUMNS if c not in columns]
    if missing:
        LOG.warning("deals/ lacks %s; reporting investment rows instead", ", ".join(missing))
        return "investments"
    return "deals"


def open_dir(directory: Path) -> tuple[duckdb.DuckDBPyConnection, str]:
    con = duckdb.connect()
    for table, (_, schema, column) in TABLES.items():
        assert PARTITION_SCHEMAS[table].names == [column]
        _register(con, directory, table, schema, column)
    return con, _deal_source(con, directory)


def _where(filters: Filters, *, deals: bool) -> tuple[str, list[Any]]:
    clauses, params = [], []
    if filters.date_from:
        clauses.append("published_date >= ?")
        params.append(filters.date_from)
    if filters.date_to:
        clauses.append("published_date <= ?")
        params.append(filters.date_to)
    if deals and filters.country:
        clauses.append("upper(target_country) = ?")
        params.append(filters.country.upper())
    if deals and filters.min_confidence is not None:
        clauses.append("confidence >= ?")
        params.append(filters.min_confidence)
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    rel = con.execute(sql, params or [])
    names = [d[0] for d in rel.description]
    return [dict(zip(names, row, strict=True)) for row in rel.fetchall()]


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> dict[str, Any]:
    return _rows(con, sql, params)[0]


def read_manifests(directory: Path) -> list[dict[str, Any]]:
    """One row per run manifest in DIR/_runs/ (unreadable ones are listed as such, not fatal)."""
    # Imported here: the manifest reader brings Beam's FileSystems, which `report --help` need not load.
    from pipeline.accounting.manifest import read_manifest

    runs = []
    for path in sorted((directory / "_runs").glob("*.json")):
        try:
            run = read_manifest(str(directory), path.stem)
        except (OSError, ValueError, TypeError, AttributeError) as err:  # not JSON, or not a manifest
            runs.append({"run_id": path.stem, "status": f"unreadable manifest: {err}"})
            continue
        runs.append({
            "run_id": str(run.run_id),
            "status": str(run.status),
            "started_at": str(run.started_at),
            "seconds": (run.details.get("timings") or {}).get("pipeline_seconds"),
            "inputs": run.inputs.get("read") if isinstance(run.inputs, dict) else None,
            "articles": run.outcomes.articles,
            "investments": run.outcomes.investments,
            "errors": run.outcomes.errors,
            "skipped": run.outcomes.skipped,
        })
    return runs


def build_report_data(directory: Path, filters: Filters) -> ReportData:
    con, source = open_dir(directory)
    deal_where, deal_params = _where(filters, deals=True)
    art_where, art_params = _where(filters, deals=False)
    con.execute(f"CREATE TEMP TABLE d AS SELECT {', '.join(DEAL_COLUMNS)} FROM {source} {deal_where}", deal_params)
    con.execute(f"CREATE TEMP TABLE a AS SELECT published_date, is_investment, language FROM articles {art_where}",
                art_params)
    runs = read_manifests(directory)
    deal_numbers = _one(con, "SELECT count(*) AS deals, sum(amount_usd) AS usd, count(amount_usd) AS priced, "
                             "min(published_date) AS first, max(published_date) AS last FROM d")
    article_numbers = _one(con, "SELECT count(*) AS articles, count(*) FILTER (WHERE is_investment) AS investment_articles, "
                                "count(*) FILTER (WHERE published_date IS NULL) AS undated FROM a")
    errors = _one(con, "SELECT count(*) AS n FROM errors")["n"]
    articles = article_numbers["articles"]
    headline = {
        **deal_numbers,
        **article_numbers,
        "investment_share": (article_numbers["investment_articles"] / articles) if articles else None,
        "runs": len(runs),
        "errors": errors,
        "skips": _one(con, "SELECT count(*) AS n FROM skips")["n"],
    }
    by_month = _rows(con, "SELECT strftime(published_date, '%Y-%m') AS month, count(*) AS deals, "
                          "coalesce(sum(amount_usd), 0) AS usd FROM d WHERE published_date IS NOT NULL "
                          "GROUP BY month ORDER BY month")
    group = ("SELECT coalesce({col}, '(unknown)') AS name, count(*) AS deals, coalesce(sum(amount_usd), 0) AS usd "
             "FROM d {where} GROUP BY name ORDER BY deals DESC, usd DESC, name LIMIT {n}")
    return ReportData(
        directory=str(directory),
        filters=filters,
        deal_source=source,
        headline=headline,
        by_month=by_month,
        by_country=_rows(con, group.format(col="target_country", where="", n=30)),
        by_type=_rows(con, group.format(col="deal_type", where="", n=30)),
        top_investors=_rows(con, group.format(col="investor", where="WHERE investor IS NOT NULL", n=TOP_N)),
        flows=_rows(con, "SELECT investor || ' → ' || coalesce(target_country, '?') AS name, count(*) AS deals, "
                         "coalesce(sum(amount_usd), 0) AS usd FROM d WHERE investor IS NOT NULL "
                         f"GROUP BY name ORDER BY deals DESC, usd DESC, name LIMIT {TOP_N}"),
        deals=_rows(con, "SELECT * FROM d ORDER BY published_date DESC NULLS LAST, confidence DESC, investor "
                         f"LIMIT {MAX_TABLE_ROWS}"),
        deals_total=deal_numbers["deals"],
        errors_by_type=_rows(con, "SELECT stage, error_type, count(*) AS n FROM errors GROUP BY ALL "
                                  "ORDER BY n DESC, stage, error_type"),
        skips_by_reason=_rows(con, "SELECT reason, count(*) AS n FROM skips GROUP BY ALL ORDER BY n DESC, reason"),
        languages=_rows(con, "SELECT coalesce(language, '(unknown)') AS language, count(*) AS n FROM a "
                             "GROUP BY ALL ORDER BY n DESC, language"),
        runs=runs,
    )
