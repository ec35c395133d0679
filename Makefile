# ashopy — the two set-up commands are `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PYTEST_ARGS ?=

.PHONY: demo test lint install bench messages serve clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# xstatic-bootstrap ships only as an sdist whose setup.py needs pkg_resources:
# build it with a setuptools that still has it.
$(STAMP): pyproject.toml | $(PY)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q "setuptools<81" wheel
	$(PIP) install -q --no-build-isolation xstatic-bootstrap==5.3.8.0
	$(PIP) install -q -e ".[dev]"
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

demo: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py setup_roles
	DEBUG=1 $(PY) manage.py load_demo
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

test: install lint
	DEBUG=1 $(PY) manage.py check
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	@DATABASE_URL=$$($(PY) scripts/test_database.py) || exit 1; \
	echo "test database: $$DATABASE_URL"; \
	DATABASE_URL=$$DATABASE_URL CONN_MAX_AGE=0 DEBUG=0 SECRET_KEY=test-only-secret-key-long-enough-for-hs256-signing SECURE_SSL_REDIRECT=0 \
	  $(VENV)/bin/pytest $(PYTEST_ARGS)

# wrk (Debian's package) loads the storefront in bench/catalog.py.
bench: install
	@command -v wrk >/dev/null || apt-get install -y -q wrk >/dev/null || (apt-get update -q && apt-get install -y -q wrk)
	$(PY) bench/catalog.py
	$(PY) bench/hot_sku.py
	$(PY) bench/checkout.py
	$(PY) bench/documents.py
	$(PY) bench/pos.py

messages: install
	cd ashopy && DEBUG=1 ../$(PY) ../manage.py makemessages -l fr --no-obsolete && DEBUG=1 ../$(PY) ../manage.py compilemessages -l fr

clean:
	rm -rf $(VENV) .test-db.sqlite3 staticfiles tmp/cache
