#!/usr/bin/env bash
# One command for a newcomer: install everything, then trigger events on a local
# soketi and watch a real pusher-js listener print them.
#
#   examples/demo.sh            install, run the demo; soketi is stopped at the end
#   examples/demo.sh --keep     the same, but leave soketi running afterwards
#                               (examples/soketi.sh status|stop manage it)
#   examples/demo.sh --dry-run  print the steps and their commands, run nothing
set -euo pipefail
cd "$(dirname "$0")/.."

keep=0
dry_run=0
for arg in "$@"; do
    case "$arg" in
        --keep) keep=1 ;;
        --dry-run) dry_run=1 ;;
        -h | --help)
            sed -n '2,8s/^# \{0,1\}//p' "$0"
            exit 0
            ;;
        *)
            echo "examples/demo.sh: unknown option $arg (try --help)" >&2
            exit 2
            ;;
    esac
done

steps=4
if [ "$keep" = 1 ]; then steps=5; fi
step_number=0

step() {
    step_number=$((step_number + 1))
    printf '\n==> [%d/%d] %s\n' "$step_number" "$steps" "$1"
}

# Run a command (or only show it with --dry-run), then say how long it took.
run() {
    printf '    $ %s\n' "$*"
    if [ "$dry_run" = 1 ]; then
        return 0
    fi
    local started=$SECONDS
    "$@"
    printf '    ok (%ds)\n' "$((SECONDS - started))"
}

step "creating the virtual environment .venv"
run python3 -m venv .venv

step "installing pusher-core and its test dependencies into .venv (pip; about a minute the first time)"
run .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]"

step "installing soketi 1.6.1 and pusher-js into tests/integration/js/node_modules (npm ci)"
run npm ci --prefix tests/integration/js --no-audit --no-fund --ignore-scripts --loglevel=error

if [ "$keep" = 1 ]; then
    step "starting soketi on 127.0.0.1 and leaving it running (examples/soketi.sh start)"
    run examples/soketi.sh start
    step "running the demo against it (examples/live_demo.py --url PUSHER_URL)"
    if [ "$dry_run" = 1 ]; then
        run .venv/bin/python examples/live_demo.py --url '<PUSHER_URL from examples/soketi.sh url>'
    else
        run .venv/bin/python examples/live_demo.py --url "$(examples/soketi.sh url)"
        printf '\nsoketi is still running; use it from Python with\n'
        printf '    Pusher.from_url(%s)\n\n' "'$(examples/soketi.sh url)'"
        examples/soketi.sh status
    fi
else
    step "running the demo (examples/live_demo.py starts soketi and a pusher-js listener, then stops both)"
    run .venv/bin/python examples/live_demo.py
fi
