#!/usr/bin/env bash
# Build dist/ and serve the demo on http://127.0.0.1:8000 (built-in demo customers, no account).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --disable-pip-version-check -q -e .
exec .venv/bin/stigg-portal demo --dist dist "$@"
