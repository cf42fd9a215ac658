# shellcheck shell=bash
# Source me: `. scripts/env.sh` (bash/zsh). Makes this checkout resolve as the
# avepoint.graph collection for ansible-playbook, ansible-doc, ansible-inventory...
# without installing it, and isolates Ansible from the user's own configuration.
#
# The variables come from scripts/checkout_env.py, which tests/conftest.py uses for pytest:
#   AVEPOINT_GRAPH_REPO        the checkout
#   ANSIBLE_COLLECTIONS_PATH   <repo>/.build/collections, in which
#                              ansible_collections/avepoint/graph -> ../../../.. (created here)
#   ANSIBLE_HOME               <repo>/.build/ansible-home, ANSIBLE_LOCAL_TEMP its tmp/
#   ANSIBLE_CONFIG             an empty ansible.cfg there, unless already set
#   PYTHONPATH                 <repo>/simulator prepended (import avepoint_simulator)
#   ANSIBLE_NOCOLOR ...        colour, retry files and noisy warnings off
# and, for shells only:
#   PATH                       <repo>/.venv/bin prepended when it exists (VENV=... to pick another)

if [ -n "${BASH_SOURCE:-}" ]; then
    _avepoint_env_src="${BASH_SOURCE[0]}"
elif [ -n "${ZSH_VERSION:-}" ]; then
    # shellcheck disable=SC2296
    _avepoint_env_src="${(%):-%x}"
else
    _avepoint_env_src="$0"
fi
_avepoint_repo="$(cd "$(dirname "$_avepoint_env_src")/.." && pwd)"
unset _avepoint_env_src

_avepoint_venv="${VENV:-.venv}"
case "$_avepoint_venv" in /*) ;; *) _avepoint_venv="$_avepoint_repo/$_avepoint_venv" ;; esac
if [ -x "$_avepoint_venv/bin/python" ]; then
    case ":$PATH:" in
        *":$_avepoint_venv/bin:"*) ;;
        *) export PATH="$_avepoint_venv/bin:$PATH" ;;
    esac
    _avepoint_python="$_avepoint_venv/bin/python"
else
    _avepoint_python=python3
fi
unset _avepoint_venv

_avepoint_exports="$("$_avepoint_python" "$_avepoint_repo/scripts/checkout_env.py")" && eval "$_avepoint_exports"
unset _avepoint_repo _avepoint_python _avepoint_exports
