# One obvious command for each job. Everything a target needs is installed by it, from nothing.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
SAM_VENV := .venv-sam
SAM := $(SAM_VENV)/bin/sam
CHECKOV_VENV := .venv-checkov
CHECKOV := $(CHECKOV_VENV)/bin/checkov
STAGE ?= dev
PORT ?= 3000
SITE_PORT ?= 5173
PIP_QUIET := --quiet --disable-pip-version-check

.DEFAULT_GOAL := help
.PHONY: help install tools browser run test lint audit lock format bench build deploy clean screenshots

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

# Every install is from a lock file with each file's hash (pip refuses anything else), exactly the
# lock's packages (--no-deps; pip check proves the lock complete); `make lock` writes the locks from
# pyproject.toml and requirements/*.in.
$(BIN)/hdoc: pyproject.toml requirements/dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install $(PIP_QUIET) --require-hashes --no-deps -r requirements/dev.txt
	$(BIN)/pip install $(PIP_QUIET) --no-deps --no-build-isolation -e .
	$(BIN)/pip check
	@touch $@

$(SAM): requirements/sam.txt
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install $(PIP_QUIET) --require-hashes --no-deps -r requirements/sam.txt
	$(SAM_VENV)/bin/pip check
	@touch $@

$(CHECKOV): requirements/checkov.txt
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install $(PIP_QUIET) --require-hashes --no-deps -r requirements/checkov.txt
	$(CHECKOV_VENV)/bin/pip check
	@touch $@

install: $(BIN)/hdoc ## Create .venv and install hdoc with its development tools

tools: $(SAM) $(CHECKOV) ## Install AWS SAM CLI and checkov, each in its own virtual environment

# The browser tests drive the system's Chromium (or Chrome, as on GitHub's and CodeBuild's images):
# Debian's chromium-headless-shell is installed when there is none (as root, with apt-get);
# where that cannot be had, Playwright downloads its own.
BROWSERS := chromium-headless-shell chromium chromium-browser google-chrome
browser: install ## A Chromium for the browser tests
	@if (for name in $(BROWSERS); do command -v $$name >/dev/null && exit 0; done; exit 1); then :; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && apt-get update -qq \
		&& DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium-headless-shell; then :; \
	else $(BIN)/playwright install chromium; fi

run: install ## Serve the website on http://localhost:5173 and the API on http://127.0.0.1:$(PORT), with demo data
	$(BIN)/hdoc serve --seed demo --port $(PORT) --site-port $(SITE_PORT)

lint: install ## ruff (lint and format check), mypy, and the import contracts (lint-imports)
	$(BIN)/ruff check src tests bench cicd
	$(BIN)/ruff format --check src tests bench cicd
	$(BIN)/mypy
	$(BIN)/lint-imports

audit: install ## pip-audit the locked dependencies (says so when PyPI's vulnerability data is out of reach)
	$(BIN)/python cicd/audit.py src/requirements.txt requirements/dev.txt requirements/sam.txt requirements/checkov.txt

UV_COMPILE = $(BIN)/uv pip compile --quiet --generate-hashes --python-version 3.11 --universal
lock: install ## Write the hashed lock files from pyproject.toml and requirements/*.in (add --upgrade with ARGS=--upgrade)
	$(UV_COMPILE) $(ARGS) requirements/lambda.in -o src/requirements.txt
	$(UV_COMPILE) $(ARGS) pyproject.toml requirements/build.in --extra dev -o requirements/dev.txt
	$(UV_COMPILE) $(ARGS) requirements/sam.in -o requirements/sam.txt
	$(UV_COMPILE) $(ARGS) requirements/checkov.in -o requirements/checkov.txt

format: install ## Format and fix what ruff can
	$(BIN)/ruff format src tests bench cicd
	$(BIN)/ruff check --fix src tests bench cicd

# The browser tests run in a process of their own: their demo runtime lives for the whole run, and
# local runtimes share the process's environment (table names, endpoints) while they live.
test: install tools browser lint audit ## Lint and audit, then the whole suite: unit, integration, end to end, contract, templates, browser
	HDOC_SAM=$(abspath $(SAM)) HDOC_CHECKOV=$(abspath $(CHECKOV)) $(BIN)/pytest -n 2 --dist loadgroup --ignore=tests/browser
	$(BIN)/pytest tests/browser

screenshots: install browser ## PNGs of the home page, leaderboard, a profile and an article (desktop, mobile) in docs/screenshots/
	$(BIN)/python -m tests.browser.screenshots docs/screenshots

bench: install ## Measure items read and latency per request: 10,000 participants, 10,000 articles
	$(BIN)/python -m bench

build: tools ## sam build (every nested stack)
	$(SAM) build --parallel

deploy: build ## sam build + sam deploy to STAGE=dev|staging|prod (needs AWS credentials)
	$(SAM) deploy --config-env $(STAGE)

clean: ## Remove virtual environments and build output
	rm -rf $(VENV) $(SAM_VENV) $(CHECKOV_VENV) .aws-sam .pytest_cache .mypy_cache .ruff_cache
