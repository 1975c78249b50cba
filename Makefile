PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
OUT ?= out

.PHONY: train test-fast test-kill eval-deals run test test-dataflow eval eval-news eval-language eval-extraction bench bench-backfill prefilter-recall lint clean install install-test bench-bound fuzz

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip setuptools wheel
	$(PIP) install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PIP) install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## make run: run the pipeline on seeds/ into out/, print what was found, write out/report.html
run: $(VENV)/.installed
	$(VENV)/bin/dealstream run --input 'seeds/*' --output $(OUT) --config configs/local.yaml
	$(VENV)/bin/dealstream report $(OUT)
	@echo "Open $(OUT)/report.html in a browser (works offline). Filters: dealstream report $(OUT) --help"

## make test: the whole test suite
test: $(VENV)/.installed-test
	$(VENV)/bin/pytest -q

## make train: rebuild every shipped model from ../shared (is_investment model, amount, investor, target-country and investor-country rankers, row confidence), grouped k-fold reports
train: $(VENV)/.installed-test
	$(PY) -m tools.train --out $(OUT)/train --ship
	$(PY) -m tools.rank_amount --ship
	$(PY) -m tools.rank_investor --ship
	$(PY) -m tools.rank_country --ship
	$(PY) -m tools.rank_country --field investor_country --ship
	$(PY) -m tools.train_confidence --oof $(OUT)/train/oof.json --out $(OUT)/train/confidence.json --ship
	$(PY) -m tools.kfold_fields --oof $(OUT)/train/oof.json --out $(OUT)/train/kfold_fields.json

## make test-kill: SIGKILL runs at 20 more fixed-seed kill points, then re-run (docs/reliability.md)
test-kill: $(VENV)/.installed-test
	DEALSTREAM_KILL_POINTS=20 $(VENV)/bin/pytest -q -s tests/e2e/test_crash_safety.py

## make test-fast: the pure tier only (tests/unit), the inner loop
test-fast: $(VENV)/.installed-test
	$(VENV)/bin/pytest -q tests/unit

## make eval: score classification and field extraction on the dev labels, then general-news precision
eval: $(VENV)/.installed-test
	$(PY) -m tools.evaluate --output $(OUT)/eval
	$(PY) -m tools.news_eval --output $(OUT)/eval/news.json

## make eval-news: investment rows on the general news pages of ../shared/corpus/html-extraction (per 1,000 pages, listed)
eval-news: $(VENV)/.installed-test
	$(PY) -m tools.news_eval --output $(OUT)/eval/news.json

## make eval-language: language identification accuracy on the fundus pages (needs ../shared)
eval-language: $(VENV)/.installed-test
	$(PY) -m tools.language_eval

## make eval-deals: the deal ledger's grouping vs ../shared/corpus/deal-clusters (pairwise P/R, B-cubed F1)
eval-deals: $(VENV)/.installed-test
	$(PY) -m tools.eval_deals --output $(OUT)/eval-deals

## make test-dataflow: install the gcp extra, then the Dataflow tests (offline dry run, wheel)
test-dataflow: $(VENV)/.installed-test
	$(PIP) install -q -e '.[gcp]'
	DEALSTREAM_REQUIRE_GCP=1 $(VENV)/bin/pytest -q -m dataflow

## make eval-extraction: text quality of dealstream vs bare trafilatura (AEB + snippet sets)
eval-extraction: $(VENV)/.installed-test
	$(PY) -m tools.extraction_eval

## make bench: docs/s and peak RSS, trafilatura loop vs dealstream (not part of make test)
bench: $(VENV)/.installed-test
	$(PY) -m bench.bench_pipeline

## make bench-backfill: WARC backfill docs/s and peak RSS (1 and 2 workers, pre-filter, two archive sizes)
bench-backfill: $(VENV)/.installed-test
	$(PY) -m bench.bench_backfill

## make fuzz: >= 10,000 hostile seed inputs through the CLI in batches; prints class -> outcome
fuzz: $(VENV)/.installed-test
	$(PY) -m tools.fuzz --inputs 10000 --batch 500

## make bench-bound: cost of --max-doc-seconds (bounded child vs in-process) on the AEB pages
bench-bound: $(VENV)/.installed-test
	$(PY) -m bench.bench_doc_bound

## make prefilter-recall: the pre-filter's recall against the dev+train labels, misses, speed-up (needs ../shared)
prefilter-recall: $(VENV)/.installed-test
	$(PY) -m bench.prefilter_recall --show-misses --json $(OUT)/prefilter-recall.json

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(OUT) .pytest_cache build *.egg-info
