# Two entry points for a fresh machine: `make site` builds the sample charter, `make test` runs every test.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test lint serve check typecheck clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

site: $(STAMP)
	$(BIN)/charter build --strict

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/actionlint -shellcheck=shellcheck .github/workflows/*.yml

serve: $(STAMP)
	$(BIN)/charter serve

check: $(STAMP)
	$(BIN)/charter check

clean:
	rm -rf site .cache
