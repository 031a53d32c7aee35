# The README's two commands: `make run` and `make test`. Everything they need is installed here.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian packages the tests use: a browser for the UI tests, interpreters for executable answer keys.
TEST_TOOLS := /usr/sbin/nginx:nginx /usr/bin/chromium:chromium /usr/bin/php:php-cli /usr/bin/ruby:ruby /usr/bin/node:nodejs /usr/bin/npm:npm /usr/bin/java:default-jdk-headless /usr/bin/git:git

.PHONY: run test check lint bench clean system-packages cluster cluster-stop

$(VENV)/.app-installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/.app-installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.app-installed
	$(PY) -m streamlit run serve.py --server.port $(PORT) --server.headless true

# Production on one machine: 2 app processes behind nginx on PostgreSQL (docs/deploy.md).
cluster: $(VENV)/.app-installed
	@[ -x /usr/sbin/nginx ] || { echo "Installing nginx from Debian's packages"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends nginx >/dev/null; }
	deploy/cluster.sh start

cluster-stop:
	deploy/cluster.sh stop

system-packages:
	@missing=""; for pair in $(TEST_TOOLS); do \
	  [ -x "$${pair%%:*}" ] || missing="$$missing $${pair#*:}"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing from Debian's packages:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

check: $(VENV)/.app-installed
	$(PY) -m quiz check

lint: $(VENV)/.dev-installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

# axe-core for the accessibility tests, from the npm registry, pinned by package-lock.json.
node_modules/.installed: package.json package-lock.json | system-packages
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

test: $(VENV)/.dev-installed system-packages node_modules/.installed
	$(PY) -m quiz check
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(PY) -m pytest -n 2 --dist loadgroup

$(VENV)/.bench-installed: $(VENV)/.dev-installed requirements-bench.txt
	$(PY) -m pip install --quiet -r requirements-bench.txt
	touch $@

bench: $(VENV)/.bench-installed
	$(PY) bench/latency.py
	$(PY) bench/progress.py
	$(PY) bench/adaptive.py
	$(PY) bench/validity.py
	$(PY) bench/coldstart.py
	$(PY) bench/faults.py
	$(PY) bench/load.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
