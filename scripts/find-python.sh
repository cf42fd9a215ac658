#!/usr/bin/env bash
# Print the path of a working Python interpreter.
#
# Usage: scripts/find-python.sh <python>
#   <python> is either a path/command (e.g. /usr/bin/python3, python3.11) or a
#   bare version (e.g. 3.11, 3.13). pyenv shims that exist but are not active
#   ("pyenv: python3.13: command not found") are skipped, and pyenv-installed
#   versions ($(pyenv root)/versions/X.Y*/bin/python) are used as a fallback.
set -euo pipefail

want="${1:?usage: find-python.sh <python-command-or-version>}"

works() {
    "$1" -c 'import sys, venv; sys.exit(0)' >/dev/null 2>&1
}

version=""
candidates=()
if [[ "$want" =~ ^[0-9]+\.[0-9]+$ ]]; then
    version="$want"
    candidates+=("python$want")
else
    candidates+=("$want")
    if [[ "$(basename "$want")" =~ ^python([0-9]+\.[0-9]+)$ ]]; then
        version="${BASH_REMATCH[1]}"
    fi
fi

for c in "${candidates[@]}"; do
    if [[ "$c" == */* ]]; then
        path="$c"
    else
        path="$(command -v "$c" 2>/dev/null || true)"
    fi
    if [[ -n "$path" ]] && works "$path"; then
        # resolve so that the same interpreter is reported however it was found: a virtualenv's python
        # (first on PATH in a shell that sourced scripts/env.sh) is a link to its base interpreter
        "$path" -c 'import os, sys; print(os.path.realpath(sys.executable))'
        exit 0
    fi
done

if [[ -n "$version" ]]; then
    roots=()
    if command -v pyenv >/dev/null 2>&1; then
        roots+=("$(pyenv root)")
    fi
    roots+=("${PYENV_ROOT:-$HOME/.pyenv}")
    for root in "${roots[@]}"; do
        # newest patch release first (pyenv version directories hold no whitespace)
        for d in $(printf '%s\n' "$root/versions/$version" "$root/versions/$version".* | sort -rV); do
            if [[ -x "$d/bin/python" ]] && works "$d/bin/python"; then
                "$d/bin/python" -c 'import os, sys; print(os.path.realpath(sys.executable))'
                exit 0
            fi
        done
    done
fi

echo "find-python.sh: no working Python interpreter for '$want'" >&2
exit 1
