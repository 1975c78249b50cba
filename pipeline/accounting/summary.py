"""The end-of-run summary a person reads: what was found, what happened, where it is."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems

from pipeline.accounting.manifest import Outcomes

_COLUMNS = (  # (column, header, width)
    ("investor", "investor", 22),
    ("target", "target", 18),
    ("target_country", "country", 7),
    ("amount", "amount", 15),
    ("currency", "cur", 4),
    ("deal_type", "deal_type", 18),
    ("published_at", "published", 10),
    ("title", "title", 38),
)
MAX_ROWS = 20


def _cell(value, width: int) -> str:
    if value is None:
        text = "-"
    elif isinstance(value, float):
        text = f"{value:,.0f}"
    elif hasattr(value, "date"):
        text = value.date().isoformat()
    else:
        text = " ".join(str(value).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def investments_of_run(output: str, files: list[str]) -> list[dict]:
    tables = []
    for relative in files:
        if relative.startswith("investments/"):
            with FileSystems.open(FileSystems.join(output, relative)) as handle:
                tables.append(pq.read_table(handle, columns=[c for c, _, _ in _COLUMNS] + ["confidence"]))
    if not tables:
        return []
    rows = pa.concat_tables(tables).to_pylist()
    return sorted(rows, key=lambda r: -(r["confidence"] or 0.0))


def rows_in(output: str, table: str) -> int | None:
    """Rows of a table across all runs in DIR (Parquet footers only); None when unreadable."""
    try:
        dataset = ds.dataset(FileSystems.join(output, table), format="parquet", ignore_prefixes=[".", "_"])
        return dataset.count_rows()
    except (FileNotFoundError, OSError, ValueError):
        return None


def render_table(rows: list[dict]) -> str:
    header = "  ".join(label.ljust(width) for _, label, width in _COLUMNS)
    lines = [header, "  ".join("-" * width for _, _, width in _COLUMNS)]
    for row in rows[:MAX_ROWS]:
        lines.append("  ".join(_cell(row.get(name), width).ljust(width) for name, _, width in _COLUMNS).rstrip())
    if len(rows) > MAX_ROWS:
        lines.append(f"... and {len(rows) - MAX_ROWS} more (see the investments table)")
    return "\n".join(lines)


def render_summary(
    run_id: str,
    output: str,
    inputs_read: int,
    outcomes: Outcomes,
    files: list[str],
    manifest: str,
    seconds: float,
) -> str:
    rows = investments_of_run(output, files)
    parts = [f"\nInvestments found in run {run_id}: {len(rows)}"]
    if rows:
        parts.append(render_table(rows))
    balance = "reconciled" if inputs_read == outcomes.total else "MISMATCH"
    parts.append(
        f"\nInputs read: {inputs_read}  ->  articles {outcomes.articles} "
        f"({outcomes.investment_articles} about investments), errors {outcomes.errors}, "
        f"skipped {outcomes.skipped}  [{balance}]"
    )
    if outcomes.errors_by_type:
        parts.append("Errors by type: " + ", ".join(f"{k} {v}" for k, v in outcomes.errors_by_type.items()))
    if outcomes.skipped_by_reason:
        parts.append(
            "Skipped by reason: " + ", ".join(f"{k} {v}" for k, v in outcomes.skipped_by_reason.items())
        )
    if outcomes.unexpected_errors:
        parts.append(f"Unexpected errors (caught by the safety net; please report): {outcomes.unexpected_errors}")
    if outcomes.non_terminal_errors:
        parts.append(f"Deal-extraction errors on written articles: {outcomes.non_terminal_errors}")
    docs_per_s = inputs_read / seconds if seconds > 0 else 0.0
    parts.append(f"Time: {seconds:.1f} s ({docs_per_s:.1f} inputs/s)")
    totals = {t: rows_in(output, t) for t in ("articles", "investments")}
    if outcomes.skipped_by_reason.get("duplicate") or totals["articles"] != outcomes.articles:
        parts.append(
            f"{output} now holds {totals['articles'] or 0} articles and {totals['investments'] or 0} "
            "investments from all runs"
        )
    tables = sorted({f.split("/", 1)[0] for f in files})
    parts.append(
        "Parquet: "
        + (", ".join(FileSystems.join(output, t) for t in tables) if tables else "(nothing written)")
    )
    parts.append(f"Manifest: {manifest}")
    return "\n".join(parts)
