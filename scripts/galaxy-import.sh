#!/usr/bin/env bash
# Run galaxy-importer (the checks Galaxy and Automation Hub run on upload) on a built tarball.
#
# Usage: scripts/galaxy-import.sh <tarball>
# Environment: TOOLS_VENV (default .venv-tools, built from requirements-tools.txt by `make tools-venv`).
#
# Configuration: scripts/galaxy-importer.cfg (no containers: ansible-test sanity runs separately).
# Fails when the importer fails or reports any ERROR or WARNING line.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
tarball="$(cd "$(dirname "${1:?usage: galaxy-import.sh <tarball>}")" && pwd)/$(basename "$1")"
TOOLS_VENV="${TOOLS_VENV:-.venv-tools}"
case "$TOOLS_VENV" in /*) ;; *) TOOLS_VENV="$repo/$TOOLS_VENV" ;; esac

work="$(mktemp -d "${TMPDIR:-/tmp}/avepoint-graph-galaxy-import.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# isolated from the user's Ansible setup; ansible-doc / ansible-lint come from the tools venv
export GALAXY_IMPORTER_CONFIG="$here/galaxy-importer.cfg"
export HOME="$work/home" ANSIBLE_HOME="$work/home/.ansible" ANSIBLE_CONFIG="$work/ansible.cfg"
export PATH="$TOOLS_VENV/bin:$PATH" ANSIBLE_NOCOLOR=1 ANSIBLE_LINT_SKIP_SCHEMA_UPDATE=1
unset ANSIBLE_COLLECTIONS_PATH ANSIBLE_COLLECTIONS_PATHS
mkdir -p "$HOME"
: >"$ANSIBLE_CONFIG"

rc=0
(cd "$work" && "$TOOLS_VENV/bin/python" -m galaxy_importer.main "$tarball") >"$work/import.log" 2>&1 || rc=$?
problems="$(grep -E '^(ERROR|WARNING|CRITICAL)' "$work/import.log" || true)"
if [[ $rc -ne 0 || -n "$problems" || ! -s "$work/importer_result.json" ]]; then
    cat "$work/import.log" >&2
    echo "galaxy-import: FAILED: $(basename "$tarball") (exit code $rc)" >&2
    exit 1
fi
summary="$("$TOOLS_VENV/bin/python" - "$work/importer_result.json" <<'PY'
import collections, json, sys
result = json.load(open(sys.argv[1]))
kinds = collections.Counter(item["content_type"] for item in result.get("contents", []))
print(", ".join("%d %s" % (count, kind) for kind, count in sorted(kinds.items())))
PY
)"
version="$("$TOOLS_VENV/bin/python" -c 'import galaxy_importer; print(galaxy_importer.__version__)' 2>/dev/null || echo '?')"
echo "galaxy-import: OK: galaxy-importer $version accepted $(basename "$tarball") with no error or warning ($summary)"
