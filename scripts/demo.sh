#!/usr/bin/env bash
# Run the demo playbook against a local AvePoint Graph API simulator.
#
# Usage: scripts/demo.sh [extra ansible-playbook args...]
# Environment:
#   VENV          virtualenv to use (default .venv; `make demo` builds it)
#   DEMO_PLAYBOOK playbook to run (default examples/demo.yml)
#   SIM_ARGS      extra simulator flags, e.g. "--customers 200 --latency-ms 20"
#
# Starts `python -m avepoint_simulator` from simulator/ in the background, waits for its port
# file and "listening on" line, exports AVEPOINT_API_URL / AVEPOINT_TOKEN_URL /
# AVEPOINT_CLIENT_ID / AVEPOINT_CLIENT_SECRET (simulator test app), runs ansible-playbook with
# the checkout as avepoint.graph (scripts/env.sh), and stops the simulator on exit.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
cd "$repo"

VENV="${VENV:-.venv}"
case "$VENV" in /*) ;; *) VENV="$repo/$VENV" ;; esac
playbook="${DEMO_PLAYBOOK:-examples/demo.yml}"

if [[ ! -x "$VENV/bin/python" ]]; then
    echo "demo: $VENV does not exist; run 'make venv' first" >&2
    exit 1
fi
if [[ ! -f "$playbook" ]]; then
    echo "demo: $playbook not found" >&2
    exit 1
fi

export VENV
# shellcheck source=scripts/env.sh
. "$here/env.sh"

workdir="$(mktemp -d "${TMPDIR:-/tmp}/avepoint-graph-demo.XXXXXX")"
sim_pid=""
cleanup() {
    if [[ -n "$sim_pid" ]] && kill -0 "$sim_pid" 2>/dev/null; then
        kill -TERM "$sim_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$sim_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$sim_pid" 2>/dev/null || true
        wait "$sim_pid" 2>/dev/null || true
    fi
    rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_file="$workdir/sim.port"
sim_log="$workdir/sim.log"
# shellcheck disable=SC2086
"$VENV/bin/python" -m avepoint_simulator --host 127.0.0.1 --port 0 --port-file "$port_file" \
    ${SIM_ARGS:-} >"$sim_log" 2>&1 </dev/null &
sim_pid=$!

for _ in $(seq 1 300); do
    if [[ -s "$port_file" ]] && grep -q "listening on" "$sim_log"; then
        break
    fi
    if ! kill -0 "$sim_pid" 2>/dev/null; then
        echo "demo: the simulator exited early:" >&2
        cat "$sim_log" >&2
        exit 1
    fi
    sleep 0.1
done
if [[ ! -s "$port_file" ]]; then
    echo "demo: the simulator did not write $port_file within 30s:" >&2
    cat "$sim_log" >&2
    exit 1
fi

port="$(tr -dc '0-9' <"$port_file")"
line="$(grep -m1 "listening on" "$sim_log" || true)"
# "AvePoint simulator listening on <url> (token_url=<url>) [ca=<path>]"
api_url="$(sed -n 's/.*listening on \([^ ]*\).*/\1/p' <<<"$line")"
token_url="$(sed -n 's/.*token_url=\([^) ]*\).*/\1/p' <<<"$line")"
ca_path="$(sed -n 's/.* ca=\([^ ]*\).*/\1/p' <<<"$line")"

export AVEPOINT_API_URL="${api_url:-http://127.0.0.1:$port}"
export AVEPOINT_TOKEN_URL="${token_url:-http://127.0.0.1:$port/connect/token}"
export AVEPOINT_CLIENT_ID="11111111-2222-3333-4444-555555555555"
export AVEPOINT_CLIENT_SECRET="sim-secret"
if [[ -n "$ca_path" ]]; then
    export AVEPOINT_CA_PATH="$ca_path"
fi

echo "demo: simulator (pid $sim_pid) at $AVEPOINT_API_URL, token URL $AVEPOINT_TOKEN_URL"
"$VENV/bin/ansible-playbook" "$playbook" "$@"
