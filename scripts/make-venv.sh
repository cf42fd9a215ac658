#!/usr/bin/env bash
# Create (or reuse) a virtual environment with ansible-core and the dev requirements.
#
# Usage: scripts/make-venv.sh <venv-dir> <python> [<ansible-core spec>] [<extra requirement file>...]
#
#   <venv-dir>          e.g. .venv, .venv-2.16
#   <python>            interpreter command, path or bare version (3.11, python3.13, /usr/bin/python3)
#   <ansible-core spec> pip spec replacing the ansible-core pin of requirements-dev.txt,
#                       e.g. 'ansible-core==2.16.*' ('' or '-' keeps the pin from the file)
#   extra files         more requirement files to install (hashed as well); a package they name
#                       replaces its pin in the dev file (e.g. requirements-oldest.txt)
#
# Idempotent: a stamp file (<venv-dir>/.make-venv.stamp) holds a hash of all inputs
# (interpreter, spec, requirement files, this script); when it matches, nothing is done.
# When it does not match the venv is rebuilt from scratch so no stale package survives.
# pip output goes to <venv-dir>.log and is only shown when something fails.
#
# Environment: REQUIREMENTS (default requirements-dev.txt relative to the repo root).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"

venv="${1:?usage: make-venv.sh <venv-dir> <python> [<ansible-core spec>] [<req file>...]}"
python_arg="${2:?usage: make-venv.sh <venv-dir> <python> [<ansible-core spec>] [<req file>...]}"
core_spec="${3:-}"
shift $(( $# >= 3 ? 3 : $# ))
extra_reqs=("$@")
[[ "$core_spec" == "-" ]] && core_spec=""

requirements="${REQUIREMENTS:-$repo/requirements-dev.txt}"
case "$venv" in /*) ;; *) venv="$repo/$venv" ;; esac

python="$("$here/find-python.sh" "$python_arg")"
py_version="$("$python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"

# Requirement set actually installed: the dev file, ansible-core pin swapped if asked.
req_text="$(cat "$requirements")"
if [[ -n "$core_spec" ]]; then
    # (grep finds nothing to keep when the file holds only the ansible-core line)
    req_text="$(grep -v -i -E '^[[:space:]]*ansible-core([^a-z0-9_.-]|$)' "$requirements" || true)"$'\n'"$core_spec"
fi

# A package named in an extra file replaces its pin from the dev file (pip refuses two pins of one package).
for f in "${extra_reqs[@]}"; do
    while read -r name; do
        req_text="$(grep -v -i -E "^[[:space:]]*${name}([^a-z0-9_.-]|\$)" <<<"$req_text" || true)"
    done < <(sed -n -E 's/^[[:space:]]*([A-Za-z0-9][A-Za-z0-9_.-]*).*/\1/p' "$f")
done

stamp="$venv/.make-venv.stamp"
hash="$(
    {
        echo "python=$python $py_version"
        echo "spec=$core_spec"
        echo "$req_text"
        for f in "${extra_reqs[@]}"; do echo "== $f"; cat "$f"; done
        cat "$here/make-venv.sh"
    } | sha256sum | cut -d' ' -f1
)"

if [[ -f "$stamp" && "$(cat "$stamp")" == "$hash" && -x "$venv/bin/python" ]] \
    && "$venv/bin/python" -c 'import ansible' >/dev/null 2>&1; then
    exit 0
fi

log="${venv%/}.log"
echo "make-venv: building $venv (Python $py_version, ${core_spec:-ansible-core from $(basename "$requirements")}); log: $log"
rm -rf "$venv"
: >"$log"

fail() {
    echo "make-venv: FAILED: $1 (last lines of $log follow)" >&2
    tail -n 40 "$log" >&2
    exit 1
}

"$python" -m venv "$venv" >>"$log" 2>&1 || fail "python -m venv"
pip=("$venv/bin/python" -m pip --disable-pip-version-check --no-input)
"${pip[@]}" install --upgrade pip >>"$log" 2>&1 || fail "pip upgrade"

tmp_req="$(mktemp "${TMPDIR:-/tmp}/make-venv-req.XXXXXX")"
trap 'rm -f "$tmp_req"' EXIT
printf '%s\n' "$req_text" >"$tmp_req"
args=(-r "$tmp_req")
for f in "${extra_reqs[@]}"; do args+=(-r "$f"); done
"${pip[@]}" install "${args[@]}" >>"$log" 2>&1 || fail "pip install"

"$venv/bin/python" -c 'import ansible' >>"$log" 2>&1 || fail "ansible is not importable"
echo "$hash" >"$stamp"
echo "make-venv: ready: $venv (ansible-core $("$venv/bin/python" -c 'from ansible.release import __version__ as v; print(v)'))"
