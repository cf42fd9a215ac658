#!/usr/bin/env bash
# Check the execution environment metadata with ansible-builder (no image is built):
#   1. the built tarball, installed into an empty collections path, declares the Python and
#      system requirements of meta/ee-requirements.txt and meta/bindep.txt
#      (ansible-builder introspect, which is what an EE build runs);
#   2. `ansible-builder create` turns docs/execution-environment.yml (jobs) and
#      docs/decision-environment.yml (EDA rulebook activations) into build contexts that install
#      this collection.
#
# Usage: scripts/ee-check.sh <tarball>
# Environment: TOOLS_VENV (default .venv-tools).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
tarball="${1:?usage: ee-check.sh <tarball>}"
TOOLS_VENV="${TOOLS_VENV:-.venv-tools}"
case "$TOOLS_VENV" in /*) ;; *) TOOLS_VENV="$repo/$TOOLS_VENV" ;; esac

work="$(mktemp -d "${TMPDIR:-/tmp}/avepoint-graph-ee-check.XXXXXX")"
trap 'rm -rf "$work"' EXIT
fail() { echo "ee-check: FAILED: $*" >&2; exit 1; }
: >"$work/ansible.cfg"
export ANSIBLE_HOME="$work/home" ANSIBLE_CONFIG="$work/ansible.cfg" ANSIBLE_NOCOLOR=1
export ANSIBLE_COLLECTIONS_PATH="$work/collections"
unset ANSIBLE_COLLECTIONS_PATHS

# 1. requirements as ansible-builder sees them in the installed collection
"$TOOLS_VENV/bin/ansible-galaxy" collection install --offline "$tarball" -p "$work/collections" >"$work/install.log" 2>&1 \
    || { cat "$work/install.log" >&2; fail "ansible-galaxy collection install $tarball"; }
"$TOOLS_VENV/bin/ansible-builder" introspect "$work/collections" >"$work/introspect.yml" 2>&1 \
    || { cat "$work/introspect.yml" >&2; fail "ansible-builder introspect"; }
"$TOOLS_VENV/bin/python" - "$work/introspect.yml" "$repo/meta/ee-requirements.txt" "$repo/meta/bindep.txt" <<'PY' || fail "ansible-builder introspect does not report the collection's requirements"
import sys
import yaml

found = yaml.safe_load(open(sys.argv[1]).read().split("---", 1)[1])
def lines(path):
    return [l.strip() for l in open(path) if l.strip() and not l.startswith("#")]
ok = True
for kind, path in (("python", sys.argv[2]), ("system", sys.argv[3])):
    got = [entry.split("  # from collection")[0].strip() for entry in found.get(kind) or []
           if entry.endswith("# from collection avepoint.graph")]
    if got != lines(path):
        print("%s requirements: ansible-builder found %s, %s lists %s" % (kind, got, path, lines(path)), file=sys.stderr)
        ok = False
sys.exit(0 if ok else 1)
PY

# 2. the example EE and DE definitions give build contexts that install the collection
for definition in execution-environment decision-environment; do
    context="$work/context-$definition"
    "$TOOLS_VENV/bin/ansible-builder" create -f "$repo/docs/$definition.yml" --context "$context" \
        --output-filename Containerfile >"$work/create.log" 2>&1 || { cat "$work/create.log" >&2; fail "ansible-builder create -f docs/$definition.yml"; }
    [[ -f "$context/Containerfile" ]] || fail "ansible-builder create wrote no Containerfile for docs/$definition.yml"
    grep -q '^ *- *name: avepoint.graph' "$context/_build/requirements.yml" \
        || fail "the build context of docs/$definition.yml does not install avepoint.graph: $(cat "$context/_build/requirements.yml")"
done
echo "ee-check: OK: ansible-builder $("$TOOLS_VENV/bin/ansible-builder" --version) finds the collection's requirements; docs/execution-environment.yml and docs/decision-environment.yml give build contexts"
