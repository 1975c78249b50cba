"""The report page: one self-contained HTML file (Jinja2 template, plotly.js and our JS inlined).

Escaping: the template autoescapes every value for HTML. Data for scripts travels as JSON in
``<script type="application/json">`` blocks, passed through ``script_safe`` so no string from a
news page can close the block or start a new script (``<``, ``>``, ``&`` and the two JavaScript
line separators become ``\\uXXXX`` escapes, which JSON.parse reads back unchanged). The page's
script only ever puts that data into the DOM with ``textContent`` and links only http(s) URLs.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from importlib import resources
from typing import Any

import jinja2
import plotly
import plotly.offline

from pipeline import __version__
from pipeline.report.charts import build_figures
from pipeline.report.data import ReportData

_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}

TABLE_COLUMNS = (  # (key, header, kind)
    ("published_date", "date", "text"),
    ("investor", "investor", "text"),
    ("target", "target", "text"),
    ("countries", "countries", "text"),
    ("amount_text", "amount as written", "text"),
    ("amount_usd", "USD", "number"),
    ("deal_type", "type", "text"),
    ("confidence", "confidence", "number"),
    ("evidence", "evidence", "evidence"),
)


def script_safe(json_text: str) -> str:
    """JSON text that can sit inside a <script> element (characters only occur inside strings)."""
    return "".join(_SCRIPT_ESCAPES.get(ch, ch) for ch in json_text)


def _json_default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_script_json(value: Any) -> str:
    return script_safe(json.dumps(value, default=_json_default, ensure_ascii=False, allow_nan=False))


def _table_rows(data: ReportData) -> list[dict[str, Any]]:
    rows = []
    for deal in data.deals:
        countries = " → ".join(c or "?" for c in (deal["investor_country"], deal["target_country"]))
        rows.append({
            "published_date": deal["published_date"].isoformat() if deal["published_date"] else "",
            "investor": deal["investor"] or "",
            "target": deal["target"] or "",
            "countries": countries,
            "amount_text": deal["amount_text"] or "",
            "amount_usd": deal["amount_usd"],
            "deal_type": deal["deal_type"] or "",
            "confidence": deal["confidence"],
            "evidence": " ".join((deal["evidence"] or "").split()),
            "url": deal["url"] or "",
            "title": deal["title"] or "",
        })
    return rows


def _asset(name: str) -> str:
    return resources.files("pipeline.report").joinpath(name).read_text(encoding="utf-8")


def _usd(value: float | None) -> str:
    if value is None:
        return "–"
    for size, suffix in ((1e9, " bn"), (1e6, " m"), (1e3, " k")):
        if abs(value) >= size:
            return f"${value / size:,.1f}{suffix}"
    return f"${value:,.0f}"


def render_html(data: ReportData, generated_at: datetime) -> str:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters["usd"] = _usd
    template = env.from_string(_asset("report.html.j2"))
    figures = build_figures(data)
    return template.render(
        data=data,
        h=data.headline,
        figures=figures,
        figures_json=to_script_json(figures),
        table_json=to_script_json({"columns": TABLE_COLUMNS, "rows": _table_rows(data)}),
        columns=TABLE_COLUMNS,
        generated_at=generated_at.strftime("%Y-%m-%d %H:%M UTC"),
        version=__version__,
        plotly_version=plotly.__version__,
        plotly_js=plotly.offline.get_plotlyjs() if figures else "",
        report_js=_asset("report.js"),
        report_css=_asset("report.css"),
    )
