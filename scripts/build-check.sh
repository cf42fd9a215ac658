#!/usr/bin/env bash
# Check a built collection tarball: no development files inside, installs with
# ansible-galaxy into a temp dir, and every shipped plugin's documentation renders
# with ansible-doc from that install (not from the checkout).
#
# Usage: scripts/build-check.sh <tarball>     Environment: VENV (default .venv)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
tarball="${1:?usage: build-check.sh <tarball>}"
VENV="${VENV:-.venv}"
case "$VENV" in /*) ;; *) VENV="$repo/$VENV" ;; esac

work="$(mktemp -d "${TMPDIR:-/tmp}/avepoint-graph-build-check.XXXXXX")"
trap 'rm -rf "$work"' EXIT
fail() { echo "build-check: FAILED: $*" >&2; exit 1; }

# 1. contents
tar -tzf "$tarball" >"$work/list" || fail "cannot read $tarball"
for f in MANIFEST.json FILES.json README.md LICENSE meta/runtime.yml; do
    grep -qx "$f" "$work/list" || grep -qx "./$f" "$work/list" || fail "$f is missing from $tarball"
done
bad="$(grep -E '(^|/)(\.venv[^/]*|\.build|\.git|\.ci|scripts|simulator|__pycache__|\.pytest_cache)(/|$)|(^|/)tests/output/|\.pyc$|\.tar\.gz$|^(\./)?Makefile$' "$work/list" || true)"
[[ -z "$bad" ]] || fail "development files in $tarball:"$'\n'"$bad"

# 2. install into an empty collections path, isolated from the user's Ansible setup
: >"$work/ansible.cfg"
export ANSIBLE_HOME="$work/home" ANSIBLE_CONFIG="$work/ansible.cfg" ANSIBLE_NOCOLOR=1
unset ANSIBLE_COLLECTIONS_PATHS
export ANSIBLE_COLLECTIONS_PATH="$work/collections"
"$VENV/bin/ansible-galaxy" collection install --offline "$tarball" -p "$work/collections" >"$work/install.log" 2>&1 \
    || { cat "$work/install.log" >&2; fail "ansible-galaxy collection install"; }
installed="$work/collections/ansible_collections/avepoint/graph"
[[ -f "$installed/MANIFEST.json" ]] || fail "installed collection not found at $installed"
"$VENV/bin/ansible-galaxy" collection list avepoint.graph -p "$work/collections" 2>/dev/null \
    | grep -q 'avepoint\.graph' || fail "ansible-galaxy collection list does not show avepoint.graph"

# 3. documentation of every shipped plugin renders from the installed copy
count=0
for type in module lookup inventory filter test callback connection; do
    dir="$installed/plugins/$type"  # plugins/lookup, plugins/inventory, ... (only modules is plural)
    [[ "$type" == module ]] && dir="$installed/plugins/modules"
    [[ -d "$dir" ]] || continue
    for file in "$dir"/*.py "$dir"/*.yml "$dir"/*.yaml; do
        [[ -f "$file" ]] || continue
        name="$(basename "$file")"; name="${name%.*}"
        [[ "$name" == __init__ || "$name" == _* ]] && continue
        if [[ "$type" == filter || "$type" == test ]] && [[ "$file" == *.py ]]; then
            continue  # filter/test docs live in the .yml files next to the code
        fi
        (cd "$work" && "$VENV/bin/ansible-doc" -t "$type" "avepoint.graph.$name" >"$work/doc.out" 2>&1) \
            || { cat "$work/doc.out" >&2; fail "ansible-doc -t $type avepoint.graph.$name"; }
        grep -q "avepoint/graph/plugins" "$work/doc.out" || [[ "$type" == filter || "$type" == test ]] \
            || { cat "$work/doc.out" >&2; fail "ansible-doc avepoint.graph.$name did not come from the install"; }
        count=$((count + 1))
    done
done
echo "build-check: OK: $(basename "$tarball") ($(wc -l <"$work/list") entries, $count plugin docs render from the install)"
