# vllm-kserve: the chart, its test harness and the tools they need, all built here from pinned
# sources. `make demo` and `make test` bootstrap everything they use; run `make` for the list.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

CHART := charts/vllm-kserve
VENV := .venv
PYTHON := $(VENV)/bin/python
export PATH := $(CURDIR)/bin:$(CURDIR)/$(VENV)/bin:$(PATH)
# Extra arguments for pytest, e.g. `make test PYTEST_ARGS="-k schema"`.
PYTEST_ARGS ?=
# The Go tools each target needs (tools/build skips those already built); `make tools` builds all.
LINT_TOOLS = helm helm3 ct
RENDER_TOOLS = $(shell tools/build --list chart) actionlint
# make demo and make cluster-up: the control plane, KServe's controller and helm, nothing else
DEMO_TOOLS = helm $(shell tools/build --list cluster)
# The tests that need neither the control plane nor the vLLM server (pytest.ini's markers).
RENDER_MARKERS := not cluster and not vllm

.PHONY: help
help: ## List the targets
	@echo "vllm-kserve targets:"
	@awk -F':.*## ' '/^[a-z][a-z-]*:.*## / {printf "  make %-13s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: tools
tools: ## Build the pinned Go tools into bin/ (skipped when up to date)
	@tools/build

$(VENV)/.installed: requirements.txt
	@echo "==> creating $(VENV) from requirements.txt ..."
	@started=$$(date +%s); rm -rf $(VENV); python3 -m venv $(VENV); \
	$(VENV)/bin/pip install --quiet --requirement requirements.txt; \
	touch $@; echo "    $(VENV) ready in $$(( $$(date +%s) - started ))s"

.PHONY: venv
venv: $(VENV)/.installed ## Create the Python virtualenv from the pinned requirements

.venv-vllm/.installed: requirements-vllm.txt tools/vllm-env
	@tools/vllm-env

.PHONY: vllm-env
vllm-env: .venv-vllm/.installed ## Create .venv-vllm, the real vLLM (CPU) the tests run

.PHONY: versions
versions: ## Print every pinned tool and Python package version
	@echo "Go tools (tools/*/go.mod):"
	@tools/build --versions | sed 's/^/  /'
	@echo "Python packages (requirements.txt):"
	@grep -E '^[A-Za-z0-9_.-]+==' requirements.txt | sed 's/==/ /' | awk '{printf "  %-24s %s\n", $$1, $$2}'
	@echo "vLLM environment (requirements-vllm.txt, $$(grep -cE '^[A-Za-z0-9_.-]+==' requirements-vllm.txt) packages):"
	@grep -E '^[A-Za-z0-9_.-]+==' requirements-vllm.txt | sed 's/==/ /; s/ .*;.*//' | \
	  awk '{printf "  %-38s", $$1 " " $$2} NR % 3 == 0 {print ""} END {if (NR % 3) print ""}'
	@echo "Go toolchain: $$(go env GOVERSION) (CI installs go$$(cat .go-version), from .go-version)"

.PHONY: lint
lint: venv ## ruff check of the Python, helm lint --strict (Helm 4 and 3), ct lint of every scenario
	@tools/build $(LINT_TOOLS)
	@echo "==> ruff check tests schema tools"
	@$(VENV)/bin/ruff check --quiet tests schema tools
	@echo "==> helm lint --strict (helm v4, helm v3)"
	@for helm in helm helm3; do $$helm lint --strict $(CHART) --kube-version 1.27.0 >/dev/null; done
	@echo "==> ct lint"
	@ct lint --config ct.yaml --all

.PHONY: docs
docs: tools ## Regenerate charts/vllm-kserve/README.md with helm-docs
	@helm-docs --chart-search-root=charts --template-files=../README.md.gotmpl --sort-values-order=file --log-level=warning
	@echo "    $(CHART)/README.md regenerated"

.PHONY: schemas
schemas: venv ## Regenerate schema/ and the chart schema's Kubernetes definitions
	@$(PYTHON) -m schema.generate

# pytest on $(WORKERS) xdist workers with $(PYTEST_RUN) (both set per target); exit code 5, no test
# collected, is a failure. A worker that runs out takes half the queue of the busiest (worksteal).
define pytest
@echo "==> pytest -n $(WORKERS) --dist worksteal $(PYTEST_RUN)"
@rc=0; $(PYTHON) -m pytest -n $(WORKERS) --dist worksteal $(PYTEST_RUN) || rc=$$?; \
if [ $$rc -eq 5 ]; then \
  echo "pytest collected no tests: an empty run proves nothing, so it counts as an error" >&2; exit 1; \
fi; exit $$rc
endef

.PHONY: test
# lint runs before vllm-env, so a lint failure stops the run before the long vLLM install
test: PYTEST_RUN = $(PYTEST_ARGS)
# two workers per core: the servers' tests mostly wait (vLLM loading its model, the API server and
# KServe answering), and the other workers render meanwhile
test: WORKERS = $(shell echo $$(( $$(nproc) * 2 )))
test: tools venv lint vllm-env ## make lint, then every test (pytest, two workers per core); PYTEST_ARGS adds pytest options
	$(pytest)

.PHONY: test-render
test-render: PYTEST_RUN = -m '$(RENDER_MARKERS)' $(PYTEST_ARGS)
test-render: WORKERS = auto
test-render: venv ## The tests needing neither control plane nor vLLM (no .venv-vllm); PYTEST_ARGS too
	@tools/build $(RENDER_TOOLS)
	$(pytest)

.PHONY: fuzz
# e.g. make fuzz FUZZ_ARGS="--examples 2000" or FUZZ_ARGS="--seconds 600"
FUZZ_ARGS ?= --examples 10000
fuzz: tools venv ## The long differential campaign: generated values, chart vs the API servers and KServe's webhooks
	@$(PYTHON) -m tests.harness.fuzz $(FUZZ_ARGS)

.PHONY: package
DIST ?= dist
package: ## Package the chart into dist/vllm-kserve-<version>.tgz (DIST= another folder)
	@tools/build helm
	@mkdir -p $(DIST) && helm package $(CHART) --destination $(DIST)

.PHONY: bench
bench: tools venv vllm-env ## Measure render speed and suite time; prints and writes .cache/bench-report.md
	@$(PYTHON) -m tests.bench

.PHONY: demo
demo: venv ## Install the chart with its defaults into the local control plane
	@tools/build $(DEMO_TOOLS)
	@tools/demo

.PHONY: cluster-up
cluster-up: venv ## Start the local control plane (etcd, kube-apiserver, kube-controller-manager)
	@tools/build $(DEMO_TOOLS)
	@$(PYTHON) -m tests.harness.cluster up

.PHONY: cluster-down
cluster-down: ## Stop the local control plane; no process is left
	@python3 -m tests.harness.cluster down

.PHONY: clean
clean: cluster-down ## Remove everything make built (bin/, .venv/, caches, cluster state); stops vLLM servers
	@python3 -m tests.harness.vllm stop
	rm -rf bin $(VENV) .venv-vllm .cache .pytest_cache dist
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
