"""Which investment rows report the same real-world deal, and what the deal then says.

A row joins a deal when the parties agree (same investor, and same target — or, where a target
is missing on either side, the same target country), the deal types are compatible, the amounts
agree within a tolerance (or one is missing; a raised bid for the same target may differ) and
the dates fall within a window (an undated row matches without the window). Rows are taken in a
fixed order, so the same rows always give the same deals and the same ``deal_id``s.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from transforms.ledger.names import name_key, same_party

AMOUNT_TOLERANCE = 1.35  # larger / smaller stated value of one deal (rounding, currency, fees)
RAISED_BID_TOLERANCE = 1.5  # same buyer and target: a raised bid stays within this of the first
DATE_WINDOW = timedelta(days=400)  # announcement to completion of a large deal
COMPATIBLE = [
    frozenset({"acquisition", "stake"}),  # one article's majority stake is another's takeover
    frozenset({"fdi_pledge", "project_investment", "joint_venture"}),  # same plant, investor country read differently
    frozenset({"funding_round", "stake"}),
]
COMPLETED = re.compile(
    r"\b(complet(?:e|es|ed|ing|ion)|closed|closes|finali[sz]e[sd]?|seal(?:s|ed)|concluded?|opens|opened)\b", re.I
)
REVISED = re.compile(
    r"\b(rais(?:e|es|ed)|sweeten(?:s|ed)?|increas(?:e|es|ed)|improv(?:e|es|ed)|revis(?:e|es|ed)|higher|new)\s+"
    r"(?:\w+\s+){0,3}(offer|bid|proposal)\b",
    re.I,
)


@dataclass(frozen=True)
class DealRow:
    """What the ledger needs of one ``investments`` row."""

    doc_id: str
    deal_index: int
    deal_type: str | None
    investor: str | None
    target: str | None
    investor_country: str | None
    target_country: str | None
    amount: float | None
    currency: str | None
    amount_usd: float | None
    published_at: datetime | None
    url: str | None
    title: str | None
    evidence: str | None
    confidence: float | None

    @property
    def key(self) -> str:
        return f"{self.doc_id}#{self.deal_index}"


@dataclass
class Deal:
    deal_id: str
    rows: list[DealRow] = field(default_factory=list)
    merged_ids: list[str] = field(default_factory=list)


def row_order(row: DealRow) -> tuple:
    """Dated rows first, oldest first; then by id: the order rows are matched in."""
    return (row.published_at is None, row.published_at or datetime.min, row.doc_id, row.deal_index)


def new_deal_id(row: DealRow) -> str:
    return hashlib.sha256(row.key.encode("utf-8")).hexdigest()[:16]


def _types_compatible(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b or any(a in group and b in group for group in COMPATIBLE)


def _amounts_compatible(a: DealRow, b: DealRow) -> bool:
    x, y = a.amount_usd, b.amount_usd
    if x is None or y is None or x <= 0 or y <= 0:
        return True
    return max(x, y) / min(x, y) <= AMOUNT_TOLERANCE


def _dates_compatible(a: DealRow, b: DealRow) -> bool:
    if a.published_at is None or b.published_at is None:
        return True
    return abs(a.published_at - b.published_at) <= DATE_WINDOW


def _ratio(a: DealRow, b: DealRow) -> float | None:
    x, y = a.amount_usd, b.amount_usd
    if x is None or y is None or x <= 0 or y <= 0:
        return None
    return max(x, y) / min(x, y)


def _same_target(a: DealRow, b: DealRow) -> bool:
    """Same target name, or the same leading word of the name with the amounts agreeing
    ("X Africa" / "X Mobile Commerce": a unit named two ways)."""
    if same_party(a.target, b.target):
        return True
    ka, kb = name_key(a.target).split(), name_key(b.target).split()
    ratio = _ratio(a, b)
    return bool(ka and kb and ka[0] == kb[0] and len(ka[0]) >= 4 and ratio is not None and ratio <= AMOUNT_TOLERANCE)


def rows_match(a: DealRow, b: DealRow) -> bool:
    """Two rows report one deal."""
    if not _dates_compatible(a, b):
        return False
    investors = same_party(a.investor, b.investor)
    ratio = _ratio(a, b)
    if a.target and b.target:
        if not _same_target(a, b):
            return False
        if investors:
            # Same buyer, same target: a raised or revised bid may move the amount a little and
            # articles name the deal type differently; a much larger sum is a further deal.
            return ratio is None or ratio <= RAISED_BID_TOLERANCE
        # A missing investor on one side: the target alone, if types and amounts agree.
        return (
            (not name_key(a.investor) or not name_key(b.investor))
            and _types_compatible(a.deal_type, b.deal_type)
            and _amounts_compatible(a, b)
        )
    if not investors or not _types_compatible(a.deal_type, b.deal_type):
        return False
    countries = a.target_country is None or b.target_country is None or a.target_country == b.target_country
    return countries and _amounts_compatible(a, b)


def deal_matches(deal: Deal, row: DealRow) -> bool:
    return any(rows_match(member, row) for member in deal.rows)


def assign(rows: Iterable[DealRow], deals: list[Deal]) -> tuple[list[Deal], dict[str, str]]:
    """Add rows to the deals (in place order kept); returns (deals, row key -> deal_id).

    A row matching two existing deals merges them: the older deal survives, and records the
    other's id in ``merged_ids``, so a deal_id once written is never silently lost.
    """
    links: dict[str, str] = {}
    known = {row.key for deal in deals for row in deal.rows}
    for row in sorted(rows, key=row_order):
        if row.key in known:
            continue
        known.add(row.key)
        hits = [deal for deal in deals if deal_matches(deal, row)]
        if not hits:
            deal = Deal(new_deal_id(row), [row])
            deals.append(deal)
        else:
            deal = hits[0]
            for other in hits[1:]:
                deal.rows.extend(other.rows)
                deal.merged_ids.extend([other.deal_id, *other.merged_ids])
                deals.remove(other)
                for member in other.rows:
                    links[member.key] = deal.deal_id
            deal.rows.append(row)
        links[row.key] = deal.deal_id
    return deals, links


def _credible(rows: list[DealRow], attr: str) -> DealRow | None:
    """The row giving a field: highest confidence, then earliest; None when no row has it."""
    having = [r for r in rows if getattr(r, attr) not in (None, "")]
    if not having:
        return None
    return sorted(having, key=lambda r: (-(r.confidence or 0.0), row_order(r)))[0]


def deal_status(rows: list[DealRow]) -> str:
    texts = [" ".join(filter(None, (r.title, r.evidence))) for r in rows]
    if any(COMPLETED.search(t) for t in texts):
        return "completed"
    if any(REVISED.search(t) for t in texts):
        return "revised"
    return "announced"


def summarise(deal: Deal) -> dict:
    """The ``deals`` row of a deal: canonical values, each with the doc that gave it."""
    rows = sorted(deal.rows, key=row_order)
    out: dict = {"deal_id": deal.deal_id}
    provenance = {}
    for attr in ("deal_type", "investor", "target", "investor_country", "target_country"):
        source = _credible(rows, attr)
        out[attr] = getattr(source, attr) if source else None
        provenance[attr] = source.doc_id if source else None
    money = _credible(rows, "amount")
    out.update(
        amount=money.amount if money else None,
        currency=money.currency if money else None,
        amount_usd=money.amount_usd if money else None,
        amount_doc_id=money.doc_id if money else None,
    )
    provenance["amount"] = out["amount_doc_id"]
    dates = [r.published_at for r in rows if r.published_at is not None]
    out.update(
        investor_key=name_key(out["investor"]) or None,
        target_key=name_key(out["target"]) or None,
        status=deal_status(rows),
        first_seen=min(dates) if dates else None,
        last_seen=max(dates) if dates else None,
        n_articles=len({r.doc_id for r in rows}),
        doc_ids=list(dict.fromkeys(r.doc_id for r in rows)),
        row_keys=[r.key for r in rows],
        urls=list(dict.fromkeys(r.url for r in rows if r.url)),
        merged_ids=list(deal.merged_ids),
        provenance=[f"{k}={v}" for k, v in provenance.items() if v],
    )
    return out
