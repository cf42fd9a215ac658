"""ansible-lint (production profile) is clean on every role, playbook and example, the AWX
credential type and the execution environment files."""

from __future__ import annotations

import os
import subprocess

import pytest

from harness import BIN, REPO

pytestmark = pytest.mark.tooling

# everything users run or load: roles, example playbooks, meta/ (runtime, execution environment),
# the AWX credential type and the example execution environment definition
LINTED = ("roles", "examples", "meta", "extensions", "docs/execution-environment.yml")


def test_ansible_lint_production_profile(tmp_path):
    lint = BIN / "ansible-lint"
    assert lint.exists(), "ansible-lint is not installed in %s; install requirements-dev.txt" % BIN
    env = dict(os.environ, ANSIBLE_LINT_SKIP_SCHEMA_UPDATE="1", HOME=str(tmp_path),
               PATH=os.pathsep.join([str(BIN), os.environ.get("PATH", "")]))
    proc = subprocess.run(
        [str(lint), "--offline", "--profile", "production", "--nocolor", *LINTED],
        cwd=REPO, env=env, capture_output=True, check=False, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Profile 'production' was required, and it passed" in proc.stdout + proc.stderr
