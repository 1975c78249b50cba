PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
OUT ?= out

.PHONY: run test eval eval-extraction bench lint clean install install-test

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

## make run: run the pipeline on seeds/ into out/ and print what was found
run: $(VENV)/.installed
	$(VENV)/bin/dealstream run --input 'seeds/*' --output $(OUT) --config configs/local.yaml

## make test: the whole test suite
test: $(VENV)/.installed-test
	$(VENV)/bin/pytest -q

## make eval: score classification and field extraction on the dev labels
eval: $(VENV)/.installed-test
	$(PY) -m pipeline.evaluate --output $(OUT)/eval

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(OUT) .pytest_cache build *.egg-info
