#!/usr/bin/env bash
# Run pytest on one test directory (or file) with the project virtualenv.
#
# Usage: scripts/pytest.sh <dir-or-file> [pytest args...]
# Environment: VENV (default .venv), PYTEST_ARGS (extra args, e.g. "-n 2" or "-k token").
#
# A path that does not exist, or in which pytest selects no test (exit code 5), is an error.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
cd "$repo"

dir="${1:?usage: pytest.sh <dir-or-file> [pytest args...]}"
shift
VENV="${VENV:-.venv}"
case "$VENV" in /*) ;; *) VENV="$repo/$VENV" ;; esac

if [[ ! -e "$dir" ]]; then
    echo "pytest: FAILED: $dir does not exist" >&2
    exit 1
fi

# shellcheck disable=SC2206
extra=(${PYTEST_ARGS:-})
rc=0
"$VENV/bin/python" -m pytest "$dir" "${extra[@]}" "$@" </dev/null || rc=$?
if [[ $rc -eq 5 ]]; then
    echo "pytest: FAILED $dir: no tests were collected (exit code 5)" >&2
fi
exit $rc
