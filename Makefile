# Two commands set up a fresh Debian/Ubuntu machine (see README):
#   make dashboard   - install everything, serve the meeting dashboard (Voila, 127.0.0.1:8866)
#   make test        - install everything, run the whole test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
APT_PACKAGES := python3-venv python3-pip fonts-noto-cjk chromium poppler-utils
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOST ?= 127.0.0.1
PORT ?= 8866
BENCH_ARGS ?=

.PHONY: system venv dashboard test bench bench-readme clean

system:  ## Debian packages: Chinese fonts, Chromium (browser tests), venv support
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing: $$missing"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing; \
	fi

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	$(PY) -m vetsim.sim.warm
	touch $@

venv: system $(VENV)/.installed

dashboard: venv  ## meeting dashboard (notebooks/03_dashboard.ipynb) served by Voila on $(HOST):$(PORT), code hidden
	$(PY) -m vetsim.ui.voila notebooks/03_dashboard.ipynb --host $(HOST) --port $(PORT)

test: venv  ## the whole test suite
	$(PY) -m pytest -n 2 -q

bench: venv  ## benchmarks (figures and ratios, not pass/fail)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

bench-readme: venv  ## the README's timing table: each command timed as written, machine and load printed
	nice -n 5 $(PY) benchmarks/bench_readme.py --write-readme $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache
