"""Thin Beam wrappers around the pure stages: extract text, classify, extract deals; and the
safety net every DoFn that touches input runs under.

Each DoFn builds its heavy objects in ``setup()``, calls one pure function, and routes an
expected rejection (``InputRejected``) or an unexpected exception to the ``errors`` output
as an ``ErrorRecord`` with the stage name, so a bad document never stops the run.
``@safety_net(stage)`` does that routing for these DoFns and for the sources' and writers' in
``pipeline/``; the rows it makes, strict mode and fault injection are in ``transforms/safety.py``.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import apache_beam as beam
from apache_beam.metrics import Metrics

from transforms.article_row import article_row
from transforms.deals.extract import extract_deals
from transforms.deals.verdict import investment_verdict
from transforms.errors import doc_error
from transforms.nlp.language import english_only
from transforms.outcomes import ERRORS
from transforms.records import Article, DocResult, ExtractedText, Investment, RawDocument
from transforms.safety import Where, locate, maybe_inject, rejected_error, unexpected_error
from transforms.text.bounded import DEFAULT_MAX_DOC_SECONDS, extract_bounded
from transforms.text.decode import InputRejected
from transforms.text.extract import ExtractorSettings, extract_text, make_settings

LOG = logging.getLogger(__name__)
NAMESPACE = "dealstream"


PROGRESS_EVERY_SECONDS = 30.0


def _count_failed_input(dofn: Any, element: Any) -> None:
    """A reading DoFn counts its inputs; ``count_failed_input`` lets it count the one that failed."""
    hook = getattr(dofn, "count_failed_input", None)
    if hook is not None:
        hook(element)


def _after_failure(dofn: Any, element: Any, row: Any) -> Iterator:
    """``after_failure(element, row)`` lets a DoFn add what its failed element still owes
    (a feed's state outcome, an archive record's index event)."""
    hook = getattr(dofn, "after_failure", None)
    if hook is not None:
        yield from hook(element, row)


def safety_net(
    stage: str, errors_tag: str = ERRORS, where: Where | None = None, atomic: bool = False
) -> Callable:
    """Decorate ``DoFn.process(self, element)`` (or a per-item method of a DoFn that gets groups:
    ``_one_feed(self, job)``); the DoFn must have ``run_id`` and may have
    ``count_failed_input(element)`` (reading stages, so a failed input is still counted) and
    ``after_failure(element, row)``.

    ``where(element) -> (source, line, doc_id, sample)`` names the element in its error row
    (default ``locate``). ``atomic``: hold the element's outputs until it succeeds, so a failed
    element is its error row only, never half of its outputs plus the row (for elements with a
    few small outputs: a page, a WARC record, a row to write).
    """
    name = where or locate

    def decorate(process: Callable[..., Iterator]) -> Callable[..., Iterator]:
        @functools.wraps(process)
        def guarded(self, element, *args, **kwargs) -> Iterator:
            try:
                maybe_inject(stage, element, name)
                if atomic:
                    outputs = list(process(self, element, *args, **kwargs))
                    yield from outputs
                else:
                    yield from process(self, element, *args, **kwargs)
            except InputRejected as err:
                _count_failed_input(self, element)
                row = rejected_error(self.run_id, stage, element, err, name)
                yield beam.pvalue.TaggedOutput(errors_tag, row)
                yield from _after_failure(self, element, row)
            except Exception as err:  # the net: one element fails, never the run
                row = unexpected_error(self.run_id, stage, element, err, name)
                _count_failed_input(self, element)
                yield beam.pvalue.TaggedOutput(errors_tag, row)
                yield from _after_failure(self, element, row)

        return guarded

    return decorate


class ExtractTextFn(beam.DoFn):
    """RawDocument -> ExtractedText; failures -> 'errors'. Logs progress on long runs."""

    def __init__(self, run_id: str, strip_sidebars: bool = True,
                 max_doc_seconds: float = DEFAULT_MAX_DOC_SECONDS) -> None:
        self.run_id = run_id
        self.strip_sidebars = strip_sidebars
        self.max_doc_seconds = max_doc_seconds  # 0: no bound, extract in this process
        self.settings: ExtractorSettings | None = None
        self.failed = Metrics.counter(NAMESPACE, "extract_failed")
        self.seen = 0
        self.started = self.last_log = 0.0

    def setup(self) -> None:
        self.settings = make_settings(strip_sidebars=self.strip_sidebars)
        self.started = self.last_log = time.monotonic()

    def _progress(self) -> None:
        self.seen += 1
        now = time.monotonic()
        if now - self.last_log >= PROGRESS_EVERY_SECONDS:
            self.last_log = now
            LOG.info("extracted %d documents in this worker (%.1f docs/s)", self.seen, self.seen / (now - self.started))

    @safety_net("extract")
    def process(self, doc: RawDocument) -> Iterator:
        assert self.settings is not None
        self._progress()
        try:
            if self.max_doc_seconds > 0:
                yield extract_bounded(doc, self.strip_sidebars, self.max_doc_seconds)
            else:
                yield extract_text(doc, self.settings)
        except InputRejected as err:
            self.failed.inc()
            yield beam.pvalue.TaggedOutput(ERRORS, doc_error(self.run_id, "extract", doc, err.error_type, err.message))


class ClassifyFn(beam.DoFn):
    """ExtractedText -> Article (with is_investment and investment_score).

    ``ingested_at`` None stamps each article when it is classified (a long-running stream).
    """

    def __init__(self, run_id: str, ingested_at: datetime | None, pipeline_version: str) -> None:
        self.run_id = run_id
        self.ingested_at = ingested_at
        self.pipeline_version = pipeline_version

    @safety_net("classify")
    def process(self, item: ExtractedText) -> Iterator:
        verdict = english_only(item.language) or investment_verdict(item.title, item.text, item.published_at)
        yield article_row(item, verdict, run_id=self.run_id, ingested_at=self.ingested_at or datetime.now(UTC),
                          pipeline_version=self.pipeline_version)


def investment_rows(article: Article, deals) -> tuple[Investment, ...]:
    rows = []
    for index, deal in enumerate(deals):
        rows.append(
            Investment(
                doc_id=article.doc_id,
                run_id=article.run_id,
                source=article.source,
                deal_index=index,
                deal_type=deal.deal_type,
                investor=deal.investor,
                investor_affiliates=list(deal.investor_affiliates),
                investor_country=deal.investor_country,
                target=deal.target,
                target_country=deal.target_country,
                amount=deal.amount,
                amount_max=deal.amount_max,
                amount_bound=deal.amount_bound,
                currency=deal.currency,
                amount_usd=deal.amount_usd,
                amount_text=deal.amount_text,
                horizon_min_years=deal.horizon_min_years,
                horizon_max_years=deal.horizon_max_years,
                evidence=deal.evidence,
                evidence_start=deal.evidence_start,
                evidence_end=deal.evidence_end,
                confidence=float(deal.confidence),
                url=article.url,
                title=article.title,
                published_at=article.published_at,
                ingested_at=article.ingested_at,
                pipeline_version=article.pipeline_version,
            )
        )
    return tuple(rows)


class ExtractDealsFn(beam.DoFn):
    """Article -> DocResult (the article plus one Investment per deal found)."""

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id
        self.deals_found = Metrics.counter(NAMESPACE, "deals_found")

    @safety_net("deals")  # the article is lost too: terminal, unlike "extract_deals" below
    def process(self, article: Article) -> Iterator:
        if not article.is_investment:
            yield DocResult(article)
            return
        try:
            deals = extract_deals(article.title, article.text, article.published_at,
                                  story_score=article.investment_score)
        except Exception as err:  # the net, keeping the article: its deal rows are what failed
            yield beam.pvalue.TaggedOutput(ERRORS, unexpected_error(self.run_id, "extract_deals", article, err))
            deals = []
        self.deals_found.inc(len(deals))
        yield DocResult(article, investment_rows(article, deals))


class ExtractArticles(beam.PTransform):
    """RawDocument -> ExtractedText; 'errors' carries ErrorRecords."""

    def __init__(self, run_id: str, strip_sidebars: bool = True,
                 max_doc_seconds: float = DEFAULT_MAX_DOC_SECONDS) -> None:
        super().__init__()
        self.run_id = run_id
        self.strip_sidebars = strip_sidebars
        self.max_doc_seconds = max_doc_seconds

    def expand(self, docs):
        return docs | "Trafilatura" >> beam.ParDo(ExtractTextFn(self.run_id, self.strip_sidebars, self.max_doc_seconds)).with_outputs(
            ERRORS, main="texts"
        )


class ClassifyArticles(beam.PTransform):
    """ExtractedText -> Article; 'errors' carries ErrorRecords."""

    def __init__(self, run_id: str, ingested_at: datetime | None, pipeline_version: str) -> None:
        super().__init__()
        self.args = (run_id, ingested_at, pipeline_version)

    def expand(self, texts):
        return texts | "Score" >> beam.ParDo(ClassifyFn(*self.args)).with_outputs(ERRORS, main="articles")


class ExtractDeals(beam.PTransform):
    """Article -> DocResult; 'errors' carries ErrorRecords."""

    def __init__(self, run_id: str) -> None:
        super().__init__()
        self.run_id = run_id

    def expand(self, articles):
        return articles | "Fields" >> beam.ParDo(ExtractDealsFn(self.run_id)).with_outputs(ERRORS, main="results")
