# GreenLink: `make up` runs the platform with its seeds; `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# replicas of every relay and consumer process under `make up` (make up SCALE=2)
SCALE ?= 1

.PHONY: install up down status test test-fast lint format contracts k8s-check bench profile chaos clean screenshots

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt deploy/local/system-deps.sh deploy/local/browser.py
	bash deploy/local/system-deps.sh
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	$(PY) -m deploy.local.browser
	touch $(STAMP)

up: install  ## start Kafka, PostgreSQL and every service (SCALE=2: two of each relay and consumer), then load seeds/
	$(PY) deploy/local/stack.py up --scale $(SCALE)

down:  ## stop services and infrastructure (data is kept under .greenlink/)
	$(PY) deploy/local/stack.py down

status:
	$(PY) deploy/local/stack.py status
	$(PY) deploy/local/infra.py status

test: install lint  ## the whole suite against real Kafka and PostgreSQL
	$(PY) -m pytest -p no:cacheprovider -q; rc=$$?; \
	echo "Kafka and PostgreSQL started for the tests are still running under .greenlink/" \
		"(the next run reuses them); stop them with: make down"; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

test-fast: install  ## unit tests only, no infrastructure
	$(PY) -m pytest -q -m unit

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

contracts: install  ## regenerate JSON Schema, AsyncAPI, Kafka users and the services' Kubernetes manifests
	$(PY) -m schemas.export
	$(PY) deploy/strimzi_users.py
	$(PY) deploy/k8s_services.py

k8s-check: install  ## validate deploy/k8s offline with kubeconform against the schemas in deploy/k8s/schemas
	$(PY) -m deploy.k8s_check

bench: install  ## performance figures beside naive baselines measured in the same run
	command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk; } || \
		echo "wrk not installed: the API figure uses a Python client"
	$(PY) -m tests.bench $(BENCH_ARGS)

PROFILE_ARGS ?= --quick --bulk-projects 5000
profile: install  ## make bench with a py-spy flame graph (SVG) of every service process, under .greenlink/bench/profiles/
	$(PY) -m tests.bench --profile $(PROFILE_ARGS)

screenshots: install  ## a PNG of every console page in both languages under docs/console/, with render times
	$(PY) -m tests.browser.screenshots

CHAOS_SIZE ?= 20000
chaos: install  ## one fault at a time under load, then lost/duplicated per fault (CHAOS_SIZE ≤ 100,000)
	$(PY) -m tests.chaos --size $(CHAOS_SIZE)

clean: down
	$(PY) deploy/local/infra.py reset
