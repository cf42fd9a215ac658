# shellcheck shell=bash
# Source me: `. scripts/env.sh` (bash/zsh). Makes this checkout resolve as the
# avepoint.graph collection for ansible-playbook, ansible-doc, ansible-inventory...
# without installing it, and isolates Ansible from the user's own configuration.
#
#   AVEPOINT_GRAPH_REPO        the checkout
#   ANSIBLE_COLLECTIONS_PATH   <repo>/.build/collections, in which
#                              ansible_collections/avepoint/graph -> ../../../.. (created here)
#   ANSIBLE_HOME               <repo>/.build/ansible-home (unless AVEPOINT_KEEP_ANSIBLE_HOME=1)
#   PYTHONPATH                 <repo>/simulator prepended (import avepoint_simulator)
#   PATH                       <repo>/.venv/bin prepended when it exists (VENV=... to pick another)
# tests/conftest.py sets the same for pytest.

if [ -n "${BASH_SOURCE:-}" ]; then
    _avepoint_env_src="${BASH_SOURCE[0]}"
elif [ -n "${ZSH_VERSION:-}" ]; then
    # shellcheck disable=SC2296
    _avepoint_env_src="${(%):-%x}"
else
    _avepoint_env_src="$0"
fi
AVEPOINT_GRAPH_REPO="$(cd "$(dirname "$_avepoint_env_src")/.." && pwd)"
export AVEPOINT_GRAPH_REPO
unset _avepoint_env_src

_avepoint_link="$AVEPOINT_GRAPH_REPO/.build/collections/ansible_collections/avepoint/graph"
if [ ! -L "$_avepoint_link" ]; then
    mkdir -p "$(dirname "$_avepoint_link")"
    ln -sfn ../../../.. "$_avepoint_link"
fi
unset _avepoint_link

export ANSIBLE_COLLECTIONS_PATH="$AVEPOINT_GRAPH_REPO/.build/collections"
unset ANSIBLE_COLLECTIONS_PATHS
if [ "${AVEPOINT_KEEP_ANSIBLE_HOME:-0}" != 1 ]; then
    export ANSIBLE_HOME="$AVEPOINT_GRAPH_REPO/.build/ansible-home"
    mkdir -p "$ANSIBLE_HOME"
fi
export ANSIBLE_NOCOLOR=1
export ANSIBLE_FORCE_COLOR=0
export ANSIBLE_RETRY_FILES_ENABLED=0
export ANSIBLE_LOCALHOST_WARNING=False
export ANSIBLE_INVENTORY_UNPARSED_WARNING=False
export ANSIBLE_COLLECTIONS_ON_ANSIBLE_VERSION_MISMATCH=ignore

case ":${PYTHONPATH:-}:" in
    *":$AVEPOINT_GRAPH_REPO/simulator:"*) ;;
    *) export PYTHONPATH="$AVEPOINT_GRAPH_REPO/simulator${PYTHONPATH:+:$PYTHONPATH}" ;;
esac

_avepoint_venv="${VENV:-.venv}"
case "$_avepoint_venv" in /*) ;; *) _avepoint_venv="$AVEPOINT_GRAPH_REPO/$_avepoint_venv" ;; esac
if [ -x "$_avepoint_venv/bin/python" ]; then
    case ":$PATH:" in
        *":$_avepoint_venv/bin:"*) ;;
        *) export PATH="$_avepoint_venv/bin:$PATH" ;;
    esac
fi
unset _avepoint_venv
