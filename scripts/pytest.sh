#!/usr/bin/env bash
# Run pytest on one test directory with the project virtualenv.
#
# Usage: scripts/pytest.sh <dir> [pytest args...]
# Environment: VENV (default .venv), PYTEST_ARGS (extra args, e.g. "-n 2" or "-k token").
#
# A directory that does not exist yet is reported as skipped (exit 0), so `make test` works
# while parts of the tree are still being written. An existing directory in which pytest
# collects no test (pytest exit code 5) is an error.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
cd "$repo"

dir="${1:?usage: pytest.sh <dir> [pytest args...]}"
shift
VENV="${VENV:-.venv}"
case "$VENV" in /*) ;; *) VENV="$repo/$VENV" ;; esac

if [[ ! -d "$dir" ]]; then
    echo "pytest: SKIPPED $dir: directory does not exist yet"
    exit 0
fi

# shellcheck disable=SC2206
extra=(${PYTEST_ARGS:-})
rc=0
"$VENV/bin/python" -m pytest "$dir" "${extra[@]}" "$@" </dev/null || rc=$?
if [[ $rc -eq 5 ]]; then
    echo "pytest: FAILED $dir: no tests were collected (exit code 5)" >&2
fi
exit $rc
