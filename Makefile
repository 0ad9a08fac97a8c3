# Two commands for a new user: `make run` and `make test` (see README).
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
export UV_PROJECT_ENVIRONMENT := $(VENV)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

# The first Python >= 3.12 found: pyenv versions, then python3.1x, then python3.
define find_python
for p in python3.13 python3.12 python3.14 $$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null) python3; do \
  if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
    command -v $$p; exit 0; fi; \
done; echo "Redline needs Python 3.12 or newer; install one (e.g. with pyenv) and retry." >&2; exit 1
endef

.PHONY: install run test test-all browsers lint check clean

$(UV):
	@py=$$($(find_python)) && echo "Creating $(VENV) with $$py" && $$py -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv

install: $(UV)
	$(UV) sync --frozen --inexact --quiet

run: install
	DEBUG=1 $(PY) manage.py migrate --no-input
	DEBUG=1 $(PY) manage.py load_seeds
	DEBUG=1 $(PY) manage.py ensure_editor
	@echo "Serving Redline on http://127.0.0.1:8000/ (log in as the editor account above)"
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

# Browser tests need Chromium; as root with apt we install it, otherwise they skip.
browsers:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Chromium for the browser tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
	      || echo "Could not install Chromium: browser tests will be skipped."; \
	  else echo "No Chromium and no root apt-get: browser tests will be skipped."; fi; \
	fi

# The suite without the tests marked slow (browsers, fuzzing, subprocesses, sweeps): a
# few minutes. `make test-all` runs everything, as CI does.
test: install browsers
	$(PY) -m pytest -q -m "not slow"

test-all: install browsers
	$(PY) -m pytest -q

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) redline.sqlite3 staticfiles
