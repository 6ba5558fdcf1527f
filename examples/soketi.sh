#!/usr/bin/env bash
# A local soketi 1.6.1 for trying pusher-core by hand, configured as the
# integration tests configure theirs (tests/integration/harness.py SoketiServer):
# 127.0.0.1 only, one app, from tests/integration/js/node_modules (run `npm ci
# --prefix tests/integration/js --no-audit --no-fund --ignore-scripts` first).
#
#   examples/soketi.sh start [--port N]   start it (default port 6001; 0: a free one),
#                                         print its app id/key/secret and PUSHER_URL
#   examples/soketi.sh status             print the same (exit 3: not running)
#   examples/soketi.sh url                print only the PUSHER_URL
#   examples/soketi.sh stop               stop it
#
# The pid file, config and log live in $PUSHER_CORE_SOKETI_DIR (default .soketi/).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -x .venv/bin/python ]; then
    python=.venv/bin/python
else
    python=python3 # the harness needs only the standard library
fi
exec "$python" -m tests.integration.local_soketi "$@"
