# Two commands set up a fresh Debian/Ubuntu machine (see README):
#   make dashboard   - install everything, run the main job on the bundled sample county
#   make test        - install everything, run the whole test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
APT_PACKAGES := python3-venv python3-pip fonts-noto-cjk chromium poppler-utils
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOST ?= 127.0.0.1
PORT ?= 8866

.PHONY: system venv dashboard test bench clean

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
	touch $@

venv: system $(VENV)/.installed

dashboard: venv  ## main job on the bundled sample county
	$(VENV)/bin/vetsim show data/sample_county

test: venv  ## the whole test suite
	$(PY) -m pytest -n 2 -q

bench: venv  ## benchmarks (figures and ratios, not pass/fail)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache
