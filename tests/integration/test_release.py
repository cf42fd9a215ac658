"""`make release VERSION=x.y.z` (scripts/release.sh), run in a copy of the checkout."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
import yaml

from harness import BIN, REPO

pytestmark = pytest.mark.tooling

VERSION = "99.0.0"  # newer than anything galaxy.yml will hold


def copy_of_the_checkout(dest):
    files = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z", "-co", "--exclude-standard"],
                           check=True, capture_output=True).stdout.decode().split("\0")
    for rel in filter(None, files):
        source = REPO / rel
        if source.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / rel)
    return dest


def test_release_sets_galaxy_version_and_the_changelog_together(tmp_path):
    repo = copy_of_the_checkout(tmp_path / "repo")
    # Right after a release the checkout has no fragment: add one so the release has content.
    (repo / "changelogs" / "fragments" / "test-release.yml").write_text("---\nminor_changes:\n  - test - a change to release.\n")
    fragments = sorted(p.name for p in (repo / "changelogs" / "fragments").glob("*.yml"))
    env = dict(os.environ, VENV=str(BIN.parent), HOME=str(tmp_path))

    bad = subprocess.run(["scripts/release.sh", "1.0"], cwd=repo, env=env, capture_output=True, check=False, text=True)
    assert bad.returncode == 1 and "give the version to release as x.y.z" in bad.stderr

    proc = subprocess.run(["scripts/release.sh", VERSION], cwd=repo, env=env, capture_output=True, check=False, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert yaml.safe_load((repo / "galaxy.yml").read_text())["version"] == VERSION
    release = yaml.safe_load((repo / "changelogs" / "changelog.yaml").read_text())["releases"][VERSION]
    assert sorted(release["fragments"]) == fragments  # every fragment went into this release ...
    assert not list((repo / "changelogs" / "fragments").glob("*.yml"))  # ... and was consumed
    assert "## v%s" % VERSION.replace(".", "\\.") in (repo / "CHANGELOG.md").read_text()

    again = subprocess.run(["scripts/release.sh", VERSION], cwd=repo, env=env, capture_output=True, check=False, text=True)
    assert again.returncode == 1 and "already has a release %s" % VERSION in again.stderr

    # the metadata unit tests agree with the released tree
    meta = subprocess.run([str(BIN / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/unit/test_collection_meta.py"],
                          cwd=repo, env=env, capture_output=True, check=False, text=True, timeout=300)
    assert meta.returncode == 0, meta.stdout + meta.stderr
