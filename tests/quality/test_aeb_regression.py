"""Tail stripping must not cost text-extraction quality on the real AEB benchmark pages."""

from __future__ import annotations

import pytest

from tools.extraction_eval import (
    bare_trafilatura,
    dealstream_text,
    load_aeb,
    run_extractor,
    score_aeb_pages,
)


@pytest.fixture(scope="module")
def aeb_pages(shared_dir):
    pages = load_aeb(shared_dir / "corpus" / "html-extraction")
    assert len(pages) == 181
    return pages


def test_dealstream_text_f1_not_below_bare_trafilatura(aeb_pages):
    bare = score_aeb_pages(aeb_pages, run_extractor(aeb_pages, bare_trafilatura))
    ours = score_aeb_pages(aeb_pages, run_extractor(aeb_pages, dealstream_text))
    print(f"\nAEB bare trafilatura: {bare}\nAEB dealstream:       {ours}")
    assert bare.f1 > 0.9  # the scorer and corpus are sane (published: 0.958)
    assert ours.f1 >= bare.f1
