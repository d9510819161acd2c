# Two commands for a newcomer: `make run` and `make test`. Both create .venv and install the pinned
# dependencies (requirements.lock) and the project into it first; nothing else is installed by hand.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
CORPUS ?= ../shared/corpus
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test setup browser bench train eval clean

run: $(STAMP)
	$(BIN)/tracker poll
	$(BIN)/tracker positions

# Lint (ruff), types (mypy, settings in pyproject.toml) and the tests, which include the import
# contracts (tests/test_contracts.py); any failure fails `make test`.
# The lock pins Ray Data (the optional extra `[ray]`), so the backfill tests on a local Ray cluster of
# 2 CPUs (tests/test_backfill.py, about 2 minutes) run here too.
test: $(STAMP) browser
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

# The report test opens the HTML in headless Chromium (Debian's `chromium`). Installed here when the
# machine lets us (root with apt-get); otherwise that one test is skipped with a message.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing Debian's chromium for the report rendering test"; \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 || \
			{ apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1; } || \
			echo "could not install chromium; the report rendering test will be skipped"; \
		else \
			echo "chromium not found (install Debian's chromium package); the report rendering test will be skipped"; \
		fi; }

setup: $(STAMP)

# The learned decision: `make train` refits it (fixed seed) on the labelled real articles of
# $(CORPUS) and our passages in tracker/data/training, prints cross-validated and held-out figures and
# writes tracker/data/model/decision.json; `make eval` prints the figures of the scorer as shipped.
train: $(STAMP)
	$(BIN)/tracker train --corpus $(CORPUS)

eval: $(STAMP)
	$(BIN)/tracker eval --corpus $(CORPUS)

# The benchmarks of bench/README.md (about 45 minutes on 2 cores; CORPUS=... to point elsewhere).
bench: $(STAMP)
	$(BIN)/python bench/throughput.py --corpus $(CORPUS)/mixed.jsonl
	$(BIN)/python bench/throughput.py --corpus $(CORPUS)/news.jsonl --sides scorer,full,baseline
	$(BIN)/python bench/memory.py --corpus $(CORPUS)/mixed.jsonl --articles 20000
	$(BIN)/python bench/store.py
	$(BIN)/python bench/backfill.py --corpus $(CORPUS)/mixed.jsonl --workers 1,2

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
		{ echo "Python 3.11 or newer is needed; found: $$($(PYTHON) --version 2>&1). Set PYTHON=/path/to/python3.11"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@rm -f $(VENV)/.installed-*
	@touch $@

clean:
	rm -rf $(VENV) build *.egg-info
