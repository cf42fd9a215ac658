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
# ansible-test sanity: ansible-core spec and Python (scripts/sanity.sh).
SANITY_CORE ?= $(ANSIBLE_CORE)
SANITY_PYTHON ?= $(PYTHON)
# Extra arguments: pytest (e.g. PYTEST_ARGS="-n 2 -x") and ansible-test (SANITY_ARGS="--test pep8").
PYTEST_ARGS ?=
SANITY_ARGS ?=

BUILD_DIR := .build
VERSION := $(shell sed -n 's/^version: *//p' galaxy.yml)
TARBALL := $(BUILD_DIR)/avepoint-graph-$(VERSION).tar.gz
VENV_STAMP := $(VENV)/.make-venv.stamp

export VENV PYTEST_ARGS SANITY_ARGS

.PHONY: help venv demo test units simulator-tests integration sanity sanity-matrix \
        build build-check changelog-lint clean distclean

help: ## Show this help
	@echo "avepoint.graph: make <target> [VAR=value ...]"
	@echo
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'
	@echo
	@echo "Variables: PYTHON=$(PYTHON) VENV=$(VENV) ANSIBLE_CORE=$(ANSIBLE_CORE)"
	@echo "           SANITY_CORE=$(SANITY_CORE) SANITY_PYTHON=$(SANITY_PYTHON) PYTEST_ARGS= SANITY_ARGS="
	@echo "Examples:  make sanity SANITY_CORE='ansible-core==2.16.*' SANITY_PYTHON=3.11"
	@echo "           make test VENV=.venv-2.21 PYTHON=3.13 ANSIBLE_CORE='ansible-core==2.21.*'"

venv: ## Create/refresh the virtualenv VENV (idempotent; instant when up to date)
	@scripts/make-venv.sh "$(VENV)" "$(PYTHON)" "$(ANSIBLE_CORE)"

demo: venv ## Run examples/demo.yml against a local simulator
	@scripts/demo.sh

test: venv ## Everything: units, simulator-tests, integration, sanity, build-check
	@failed=""; \
	for t in units simulator-tests integration sanity build-check; do \
	    echo "===== make $$t ====="; \
	    $(MAKE) --no-print-directory $$t || failed="$$failed $$t"; \
	done; \
	if [ -n "$$failed" ]; then echo "===== make test: FAILED:$$failed ====="; exit 1; fi; \
	echo "===== make test: all passed ====="

units: venv ## Unit tests (pytest tests/unit)
	@scripts/pytest.sh tests/unit

simulator-tests: venv ## Simulator self-tests (pytest tests/simulator_tests)
	@scripts/pytest.sh tests/simulator_tests

integration: venv ## Integration tests against the simulator (pytest tests/integration)
	@scripts/pytest.sh tests/integration

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

changelog-lint: venv ## Lint changelogs/ (antsibull-changelog lint)
	@$(VENV)/bin/antsibull-changelog lint

clean: ## Remove build/test output (keeps virtualenvs)
	rm -rf $(BUILD_DIR)/collections $(BUILD_DIR)/ansible-home $(BUILD_DIR)/*.tar.gz tests/output .pytest_cache reports
	find . -path ./.git -prune -o -path './.venv*' -prune -o -name __pycache__ -type d -print0 | xargs -0 rm -rf

distclean: clean ## Also remove the virtualenvs and the ansible-test cache
	rm -rf .venv .venv-* .venv*.log $(BUILD_DIR)
