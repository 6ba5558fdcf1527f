#!/usr/bin/env bash
# One command for a newcomer: install everything, then trigger events on a local
# soketi and watch a real pusher-js listener print them.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q -e ".[test]"
npm ci --prefix tests/integration/js --no-audit --no-fund --ignore-scripts --loglevel=error
.venv/bin/python examples/live_demo.py
