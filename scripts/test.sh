#!/usr/bin/env bash
# Install everything the tests need on a fresh machine, build dist/, and run the whole suite.
# Usage: scripts/test.sh [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv"
  "$PYTHON" -m venv .venv
fi
echo "== installing Python dependencies"
.venv/bin/python -m pip install --disable-pip-version-check -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install --disable-pip-version-check -q -e '.[test]'

if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ] && [ -z "${STIGG_PORTAL_CHROMIUM:-}" ]; then
  echo "== installing Debian chromium (no browser found)"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

# nginx runs examples/nginx/stigg-portal.conf in tests/unit/test_serve.py (the test skips without it).
if { ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; } \
   || [ ! -f /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ]; then
  echo "== installing Debian nginx-light and its brotli_static module"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  { $SUDO apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nginx-light libnginx-mod-http-brotli-static >/dev/null; } \
    || echo "   (nginx could not be installed: its test will be skipped)"
fi

# WebKit (Safari's engine) and Firefox for tests/browser/test_engines.py: WebKitGTK's WebDriver and
# MiniBrowser (run under Xvfb, which the test starts), Firefox ESR (driven by npm puppeteer-core).
if [ ! -x /usr/bin/WebKitWebDriver ] || [ ! -x /usr/bin/firefox-esr ] || ! command -v Xvfb >/dev/null 2>&1; then
  echo "== installing Debian webkit2gtk-driver, firefox-esr and xvfb"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  { $SUDO apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq webkit2gtk-driver firefox-esr xvfb >/dev/null; } \
    || echo "   (WebKit/Firefox could not be installed: their engine tests will be skipped)"
fi

# npm packages the tests use (axe-core, host-page stylesheets, TypeScript, browser drivers): tests/js/package.json.
if command -v npm >/dev/null 2>&1 && grep -q '"[a-z@]' <(sed -n '/devDependencies/,/}/p' tests/js/package.json | sed 1d); then
  echo "== installing the tests' npm packages"
  npm install --prefix tests/js --no-audit --no-fund --silent
fi

echo "== building dist/"
# require: a build without the memory snapshot (made in Node 24 from PyPI) fails here, loudly.
.venv/bin/stigg-portal build --dist dist --snapshot require

# The same views, clients and templates under the browser's Python (Pyodide in Node), when Node is here.
if command -v node >/dev/null 2>&1; then export STIGG_PYODIDE_TESTS=${STIGG_PYODIDE_TESTS:-1}; fi

echo "== running tests"
exec .venv/bin/python -m pytest "$@"
