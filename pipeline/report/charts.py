"""Plotly figures for the report, as plain JSON-able dicts (drawn by the inlined plotly.js).

Labels come from news pages, and Plotly renders a subset of HTML in labels and hover text,
so every label is HTML-escaped here: the chart shows the name as written, never markup.
No map: Plotly's geo charts fetch their topology from a CDN, which an offline page cannot.
"""

from __future__ import annotations

import html
import json
from typing import Any

import plotly.graph_objects as go
from plotly.io.json import to_json_plotly

from pipeline.report.data import ReportData

_LAYOUT = {"margin": {"l": 60, "r": 20, "t": 40, "b": 50}, "height": 340, "template": "plotly_white"}


def _label(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _ranked(title: str, rows: list[dict[str, Any]], *, height: int | None = None) -> dict[str, Any]:
    """Horizontal bars, biggest on top: deal counts, with the disclosed USD in the hover."""
    rows = list(reversed(rows))
    fig = go.Figure(go.Bar(
        x=[r["deals"] for r in rows],
        y=[_label(r["name"]) for r in rows],
        orientation="h",
        customdata=[r["usd"] for r in rows],
        hovertemplate="%{y}: %{x} deals, USD %{customdata:,.0f}<extra></extra>",
    ))
    fig.update_layout(**_LAYOUT, title=title, xaxis_title="deals")
    fig.update_layout(height=height or max(260, 28 * len(rows) + 90), margin={"l": 200})
    if rows and max(r["deals"] for r in rows) <= 10:
        fig.update_xaxes(dtick=1)  # whole deals only
    return json.loads(to_json_plotly(fig))


def _monthly(rows: list[dict[str, Any]]) -> dict[str, Any]:
    months = [r["month"] for r in rows]
    fig = go.Figure()
    fig.add_bar(x=months, y=[r["deals"] for r in rows], name="deals")
    fig.add_scatter(x=months, y=[r["usd"] for r in rows], name="disclosed USD", yaxis="y2", mode="lines+markers")
    fig.update_layout(**_LAYOUT, title="Deals per month (count, and disclosed value in USD)",
                      xaxis={"type": "category", "title": "month published"},
                      yaxis={"title": "deals", "rangemode": "tozero"},
                      yaxis2={"title": "USD", "overlaying": "y", "side": "right", "rangemode": "tozero"},
                      legend={"orientation": "h", "y": -0.25})
    return json.loads(to_json_plotly(fig))


def build_figures(data: ReportData) -> dict[str, dict[str, Any]]:
    """Chart id -> figure dict; a chart with no rows is left out (the page says so instead)."""
    figures: dict[str, dict[str, Any]] = {}
    if data.by_month:
        figures["chart-month"] = _monthly(data.by_month)
    if data.by_country:
        figures["chart-country"] = _ranked("Deals by target country", data.by_country)
    if data.by_type:
        figures["chart-type"] = _ranked("Deals by deal type", data.by_type)
    if data.top_investors:
        figures["chart-investors"] = _ranked("Top investors", data.top_investors)
    if data.flows:
        figures["chart-flows"] = _ranked("Top investor → target-country flows", data.flows)
    return figures
