# avepoint.graph build and test harness. `make help` lists the targets.
# Only python3 (3.11 by default, see PYTHON) and make are needed; everything else is
# pip-installed into virtualenvs inside the checkout.

SHELL := /bin/bash
.DEFAULT_GOAL := help
.SUFFIXES:

# Interpreter for .venv: a command, a path or a bare version (found via PATH, then pyenv).
PYTHON ?= 3.11
# Virtualenv for tests and the demo.
VENV ?= .venv
# ansible-core pip spec for $(VENV); "-" = the pin in requirements-dev.txt (2.19.x).
ANSIBLE_CORE ?= -
# More requirement files for $(VENV); the packages they name replace their pins in requirements-dev.txt.
EXTRA_REQUIREMENTS ?=
# ansible-test sanity: ansible-core spec and Python (scripts/sanity.sh).
SANITY_CORE ?= $(ANSIBLE_CORE)
SANITY_PYTHON ?= $(PYTHON)
# Extra arguments: pytest (e.g. PYTEST_ARGS="-x -k token") and ansible-test (SANITY_ARGS="--test pep8").
PYTEST_ARGS ?=
SANITY_ARGS ?=
# pytest-xdist workers for the integration tests (0: no xdist)
JOBS ?= 2
# Virtualenv of the release tools: antsibull-docs, pandoc, galaxy-importer, ansible-builder
TOOLS_VENV ?= .venv-tools
# Virtualenv of ansible-rulebook for the event source's rulebook tests (requirements-eda.txt)
EDA_VENV ?= .venv-eda
# Arguments for benchmarks/run.py (make bench BENCH_ARGS=--quick)
BENCH_ARGS ?=

# What `make test` (and so CI, .ci/run) runs, in this order. units and integration run on each
# ansible-core (test-2.16, test-2.21); tests marked `tooling` (pytest.ini) run once, in `tooling`.
TEST_STEPS := units simulator-tests integration test-2.16 test-2.21 tooling sanity-matrix \
              build-check galaxy-import ee-check docs-lint changelog-lint
XDIST = $(if $(filter-out 0,$(JOBS)),-n $(JOBS) --dist loadscope)

BUILD_DIR := .build
VERSION := $(shell sed -n 's/^version: *//p' galaxy.yml)
TARBALL := $(BUILD_DIR)/avepoint-graph-$(VERSION).tar.gz
VENV_STAMP := $(VENV)/.make-venv.stamp

export VENV PYTEST_ARGS SANITY_ARGS TOOLS_VENV
export AVEPOINT_EDA_VENV := $(EDA_VENV)

.PHONY: help venv tools-venv eda-venv eda demo bench test units simulator-tests integration tooling lint test-2.16 test-2.21 \
        sanity sanity-matrix build build-check galaxy-import ee-check docs docs-lint docsite-rst \
        changelog-lint release schemas clean distclean

help: ## Show this help
	@echo "avepoint.graph: make <target> [VAR=value ...]"
	@echo
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'
	@echo
	@echo "Variables: PYTHON=$(PYTHON) VENV=$(VENV) ANSIBLE_CORE=$(ANSIBLE_CORE)"
	@echo "           SANITY_CORE=$(SANITY_CORE) SANITY_PYTHON=$(SANITY_PYTHON) PYTEST_ARGS= SANITY_ARGS="
	@echo "           JOBS=$(JOBS) TOOLS_VENV=$(TOOLS_VENV) EDA_VENV=$(EDA_VENV) BENCH_ARGS="
	@echo "Examples:  make sanity SANITY_CORE='ansible-core==2.16.*' SANITY_PYTHON=3.11"
	@echo "           make integration VENV=.venv-2.21 PYTHON=3.13 ANSIBLE_CORE='ansible-core==2.21.*'"
	@echo "           make release VERSION=1.0.0"

venv: ## Create/refresh the virtualenv VENV (idempotent; instant when up to date)
	@scripts/make-venv.sh "$(VENV)" "$(PYTHON)" "$(ANSIBLE_CORE)" $(EXTRA_REQUIREMENTS)

tools-venv: ## Create/refresh TOOLS_VENV from requirements-tools.txt (docs, galaxy-importer, ansible-builder)
	@REQUIREMENTS="$(CURDIR)/requirements-tools.txt" scripts/make-venv.sh "$(TOOLS_VENV)" "$(PYTHON)"

eda-venv: ## Create/refresh EDA_VENV from requirements-eda.txt (ansible-rulebook) and make sure Java 17 is there
	@scripts/ensure-java.sh
	@REQUIREMENTS="$(CURDIR)/requirements-eda.txt" scripts/make-venv.sh "$(EDA_VENV)" "$(PYTHON)"

eda: venv eda-venv ## The event source under the real ansible-rulebook (part of tooling)
	@scripts/pytest.sh tests/integration/test_eda_rulebook.py

demo: venv ## Run examples/demo.yml against a local simulator
	@scripts/demo.sh

bench: venv ## Benchmark against the simulator (see docs/performance.md)
	@$(VENV)/bin/python benchmarks/run.py $(BENCH_ARGS)

test: ## Everything CI runs (TEST_STEPS); prints the time of each step
	@failed=""; times=""; start=$$SECONDS; \
	for t in $(TEST_STEPS); do \
	    echo "===== make $$t ====="; began=$$SECONDS; \
	    if $(MAKE) --no-print-directory $$t; then result=ok; else result=FAILED; failed="$$failed $$t"; fi; \
	    times="$$times$$(printf '  %-16s %-6s %5ss' "$$t" "$$result" "$$((SECONDS - began))")"$$'\n'; \
	done; \
	echo "===== make test: $$((SECONDS - start))s in total ====="; printf '%s' "$$times"; \
	if [ -n "$$failed" ]; then echo "===== make test: FAILED:$$failed ====="; exit 1; fi; \
	echo "===== make test: all passed ====="

units: venv ## Unit tests (pytest tests/unit, without the tooling tests)
	@scripts/pytest.sh tests/unit -m "not tooling"

simulator-tests: venv ## Simulator self-tests (pytest tests/simulator_tests)
	@scripts/pytest.sh tests/simulator_tests

integration: venv ## Integration tests against the simulator (tests/integration without the tooling tests, JOBS workers)
	@scripts/pytest.sh tests/integration -m "not tooling" $(XDIST)

tooling: venv eda-venv ## Tests of the tooling, once: ansible-lint, release, benchmark, Chromium, AWX, Galaxy metadata, ansible-rulebook
	@scripts/ensure-chromium.sh
	@scripts/pytest.sh tests/unit -m tooling
	@scripts/pytest.sh tests/integration -m tooling $(XDIST)

lint: venv ## ansible-lint, production profile, on roles/, examples/ and the EE files
	@scripts/pytest.sh tests/integration/test_compliance_lint.py

test-2.16: ## Unit and integration tests on ansible-core 2.16 / Python 3.11 with the oldest supported requests and urllib3 (.venv-2.16)
	@$(MAKE) -k --no-print-directory units integration VENV=.venv-2.16 PYTHON=3.11 ANSIBLE_CORE='ansible-core==2.16.*' \
	    EXTRA_REQUIREMENTS=requirements-oldest.txt

test-2.21: ## Unit and integration tests on ansible-core 2.21 / Python 3.13 (.venv-2.21), without the tooling tests
	@$(MAKE) -k --no-print-directory units integration VENV=.venv-2.21 PYTHON=3.13 ANSIBLE_CORE='ansible-core==2.21.*'

sanity: ## ansible-test sanity, no Docker (SANITY_CORE, SANITY_PYTHON, SANITY_ARGS)
	@scripts/sanity.sh "$(SANITY_CORE)" "$(SANITY_PYTHON)"

sanity-matrix: ## ansible-test sanity on 2.16/py3.11, 2.19/py3.11 and 2.21/py3.13
	@failed=""; \
	for combo in "ansible-core==2.16.*|3.11" "-|3.11" "ansible-core==2.21.*|3.13"; do \
	    scripts/sanity.sh "$${combo%|*}" "$${combo#*|}" || failed="$$failed $$combo"; \
	done; \
	if [ -n "$$failed" ]; then echo "sanity-matrix: FAILED:$$failed"; exit 1; fi

build: venv ## Build the collection tarball into .build/
	@mkdir -p $(BUILD_DIR)
	@$(VENV)/bin/ansible-galaxy collection build --force --output-path $(BUILD_DIR) . >/dev/null
	@echo "built $(TARBALL)"

build-check: build ## Install the tarball into a temp dir and check that Ansible sees it
	@scripts/build-check.sh "$(TARBALL)"

galaxy-import: build tools-venv ## galaxy-importer on the tarball, as Galaxy runs it (scripts/galaxy-importer.cfg)
	@scripts/galaxy-import.sh "$(TARBALL)"

ee-check: build tools-venv ## ansible-builder: the collection's EE requirements, docs/execution-environment.yml
	@scripts/ee-check.sh "$(TARBALL)"

docs: tools-venv ## Build the HTML docsite (antsibull-docs) into .build/docsite/build/html
	@scripts/docs.sh build

docs-lint: tools-venv ## docs/docsite/rst up to date with docs/*.md; antsibull-docs lint-collection-docs
	@scripts/docs.sh lint

docsite-rst: tools-venv ## Regenerate docs/docsite/rst/*.rst from docs/*.md (after editing a guide)
	@scripts/docs.sh rst

schemas: ## Regenerate plugins/module_utils/_schema_documents.py from schemas/*.schema.json (after editing a schema)
	@python3 scripts/embed_schemas.py

changelog-lint: venv ## Lint changelogs/ (antsibull-changelog lint)
	@$(VENV)/bin/antsibull-changelog lint && echo "changelog-lint: OK"

release: venv ## Set galaxy.yml's version to VERSION and release the changelog (no commit, no tag)
	@if [ "$(origin VERSION)" != "command line" ]; then echo "release: give the version: make release VERSION=x.y.z" >&2; exit 1; fi
	@scripts/release.sh "$(VERSION)"

clean: ## Remove build/test output (keeps virtualenvs)
	rm -rf $(BUILD_DIR)/collections $(BUILD_DIR)/ansible-home $(BUILD_DIR)/docsite $(BUILD_DIR)/*.tar.gz tests/output .pytest_cache reports
	find . -path ./.git -prune -o -path './.venv*' -prune -o -name __pycache__ -type d -print0 | xargs -0 rm -rf

distclean: clean ## Also remove the virtualenvs and the ansible-test cache
	rm -rf .venv .venv-* .venv*.log $(BUILD_DIR)
