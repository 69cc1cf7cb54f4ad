# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint typecheck e2e ci demo clean check-deploy smoke-production

$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed (python3.11 not found)."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## make run: SQLite under var/, demo data (once), server on http://127.0.0.1:8000 and a task
## worker beside it (Ctrl-C stops both); another port: PORT=8001 make run
PORT ?= 8000
SIZE ?= small
run: $(STAMP)
	$(BIN)/hononga migrate --no-input
	$(BIN)/hononga demo --port $(PORT)
	$(BIN)/hononga devserver 127.0.0.1:$(PORT)

## make test: the whole suite on SQLite, plus lint and type checks
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy hononga
	HONONGA_ENV=test $(BIN)/hononga makemigrations --check --dry-run
	$(BIN)/pytest -n 2 -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy hononga

## make e2e: browser tests in Debian's chromium (needs: apt-get install chromium; npm ci)
e2e: $(STAMP)
	test -d node_modules/axe-core || npm ci --no-audit --no-fund
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest e2e -p no:cacheprovider

## make bench: every benchmark in bench/ on SQLite (each makes and removes its own database)
.PHONY: bench
bench: $(STAMP)
	@for script in bench/*.py; do \
	  echo "== $$script"; \
	  env -u DATABASE_URL HONONGA_ENV=test $(BIN)/python $$script || exit 1; \
	done

## make bench-scale SIZE=small|large|national: every daily page on a generated agency in
## PostgreSQL, production settings (bench/scale.sh; the database is made once and kept)
.PHONY: bench-scale
bench-scale: $(STAMP)
	SIZE=$(SIZE) bench/scale.sh

## make bench-load SIZE=small|large|national: 50 logged-in staff for 30 s against gunicorn with
## production settings on the database bench-scale made (bench/load.py): req/s, p50/p95, errors,
## CPU milliseconds per request
.PHONY: bench-load
bench-load: $(STAMP)
	DATABASE_URL=$${PG_URL:-postgres://postgres@127.0.0.1:5432}/hononga_bench_$(SIZE) \
	  $(BIN)/python bench/load.py

check-deploy: $(STAMP)
	HONONGA_ENV=production SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(60))') \
	  AUDIT_KEYS=check=$$($(BIN)/python -c 'import base64, secrets; print(base64.b64encode(secrets.token_bytes(32)).decode())') \
	  ALLOWED_HOSTS=hononga.example.org $(BIN)/hononga check --deploy --fail-level WARNING

## make smoke-production: the README's production steps for real (PostgreSQL at 127.0.0.1:5432,
## a fresh database, gunicorn), checked over HTTP as behind a TLS proxy
smoke-production: $(STAMP)
	$(BIN)/python .ci/production_smoke.py

clean:
	rm -rf $(VENV) var/static node_modules
