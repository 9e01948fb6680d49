# Two commands set everything up on a fresh machine:
#   make run   – virtual environment, requirements, migrations, demo data, then serve on :5000
#                (with the local job worker beside it)
#   make test  – the same plus test tools (and Debian's chromium when possible), then the tests
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: run test install install-dev browser db demo lint clean messages

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

# After marking texts: extract them and merge into each catalogue (then translate the new entries;
# the app compiles a changed catalogue when it starts, crm/i18n.py).
messages: install
	$(PY) -m babel.messages.frontend extract -F babel.cfg -k _l -k lazy_gettext -k N_ --no-location \
		--sort-output --omit-header -o crm/translations/messages.pot . >/dev/null
	$(PY) -m babel.messages.frontend update -i crm/translations/messages.pot -d crm/translations \
		--no-fuzzy-matching --ignore-obsolete --omit-header >/dev/null

db: install
	$(PY) -m flask db upgrade

demo: db
	$(PY) -m flask seed-demo

# The job worker (imports, reminders …) runs beside the dev server and stops with it.
run: demo
	@$(PY) -m flask jobs work & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) -m flask run --host $(HOST) --port $(PORT)

# Browser tests use Debian's chromium; install it when we may (root with apt), else they skip.
browser:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi
	@[ -x /usr/bin/chromium ] || echo "Note: /usr/bin/chromium is missing; browser tests will be skipped."

# Two processes (pytest-xdist); each has its own PostgreSQL database and Redis databases.
TEST_WORKERS ?= 2
test: install-dev browser
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# Static checks: ruff, and bandit failing on any high-severity finding.
lint: install-dev
	$(PY) -m ruff check .
	$(PY) -m bandit -q -r crm matcher config.py wsgi.py --severity-level high

clean:
	rm -rf $(VENV) .pytest_cache
