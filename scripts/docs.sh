#!/usr/bin/env bash
# The collection's documentation toolchain (antsibull-docs, pandoc), from the tools virtualenv.
#
# Usage: scripts/docs.sh rst     regenerate docs/docsite/rst/*.rst from docs/*.md (make docsite-rst)
#        scripts/docs.sh lint    check that they are up to date, then antsibull-docs
#                                lint-collection-docs --plugin-docs (make docs-lint)
#        scripts/docs.sh build   build the HTML docsite into .build/docsite (make docs)
# Environment: TOOLS_VENV (default .venv-tools; `make tools-venv` builds it).
#
# The build is offline: antsibull-docs sphinx-init + build.sh on the checkout (made visible as
# avepoint.graph through a collections path in a temp dir), Sphinx with -W, no intersphinx
# (scripts/docsite-conf.py is appended to the generated conf.py).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
TOOLS_VENV="${TOOLS_VENV:-.venv-tools}"
case "$TOOLS_VENV" in /*) ;; *) TOOLS_VENV="$repo/$TOOLS_VENV" ;; esac
export PATH="$TOOLS_VENV/bin:$PATH" ANSIBLE_NOCOLOR=1
cd "$repo"

work="$(mktemp -d "${TMPDIR:-/tmp}/avepoint-graph-docs.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# the checkout as the only collection Ansible sees, isolated from the user's configuration
mkdir -p "$work/collections/ansible_collections/avepoint" "$work/home"
ln -s "$repo" "$work/collections/ansible_collections/avepoint/graph"
export ANSIBLE_COLLECTIONS_PATH="$work/collections" ANSIBLE_HOME="$work/home" ANSIBLE_CONFIG="$work/ansible.cfg"
unset ANSIBLE_COLLECTIONS_PATHS
: >"$ANSIBLE_CONFIG"

case "${1:-}" in
    rst)
        "$TOOLS_VENV/bin/python" "$here/docsite_rst.py"
        ;;
    lint)
        "$TOOLS_VENV/bin/python" "$here/docsite_rst.py" --check
        echo "docs-lint: docs/docsite/rst is up to date with docs/*.md"
        antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs self \
            "$work/collections/ansible_collections/avepoint/graph"
        echo "docs-lint: antsibull-docs lint-collection-docs --plugin-docs: no problems"
        ;;
    build)
        dest="$repo/.build/docsite"
        rm -rf "$dest"
        mkdir -p "$dest"
        chmod 700 "$dest"  # antsibull-docs only writes into a directory nobody else can write to
        antsibull-docs sphinx-init --use-current --fail-on-error --dest-dir "$dest" \
            --project avepoint.graph --copyright "avepoint.graph contributors" \
            --title "avepoint.graph documentation" --html-short-title "avepoint.graph" \
            avepoint.graph >"$work/sphinx-init.log" 2>&1 || { cat "$work/sphinx-init.log" >&2; exit 1; }
        cat "$here/docsite-conf.py" >>"$dest/conf.py"
        if ! (cd "$dest" && ./build.sh) >"$work/build.log" 2>&1; then
            grep -E 'WARNING|ERROR|Error' "$work/build.log" >&2 || tail -n 40 "$work/build.log" >&2
            echo "docs: FAILED (full log: $dest/build.log)" >&2
            cp "$work/build.log" "$dest/build.log"
            exit 1
        fi
        cp "$work/build.log" "$dest/build.log"
        echo "docs: built $(find "$dest/build/html" -name '*.html' | wc -l) pages; open ${dest#"$repo"/}/build/html/index.html"
        ;;
    *)
        echo "usage: scripts/docs.sh rst|lint|build" >&2
        exit 2
        ;;
esac
