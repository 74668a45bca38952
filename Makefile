# Two entry points for a fresh machine: `make site` builds the sample charter, `make test` runs every test.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The outside checkers the tests run on built sites (axe-core, the Nu HTML checker), pinned in package-lock.json.
NODE_STAMP := node_modules/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test lint serve check typecheck clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# --ignore-scripts: vnu-jar's install script would download a Java runtime; the machine's Java runs it.
$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

site: $(STAMP)
	$(BIN)/charter build --strict

test: $(STAMP) $(NODE_STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/actionlint -shellcheck=shellcheck .github/workflows/*.yml

serve: $(STAMP)
	$(BIN)/charter serve

check: $(STAMP)
	$(BIN)/charter check

clean:
	rm -rf site .cache node_modules
