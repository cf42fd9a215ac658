"""Collection metadata that Galaxy, ansible-builder and users rely on stays consistent."""

from __future__ import annotations

import re

import pytest
import yaml

from collection_docs import ROOT, documentation, load_yaml, plugin_files

pytestmark = pytest.mark.tooling

ACTION_GROUP = "avepoint"
MODULE_FRAGMENTS = {"avepoint.graph.connection", "avepoint.graph.connection.modules"}
PLUGIN_FRAGMENTS = {"avepoint.graph.connection", "avepoint.graph.connection.plugins"}
SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


def version(text: str) -> tuple[int, ...]:
    match = SEMVER.match(str(text))
    assert match, "%r is not a semantic version x.y.z" % text
    return tuple(int(part) for part in match.groups())


def test_every_module_is_in_the_action_group_and_only_modules_are():
    modules = {path.stem for path in plugin_files("modules")}
    assert modules, "no modules found"
    group = load_yaml("meta/runtime.yml")["action_groups"][ACTION_GROUP]
    assert sorted(group) == sorted(modules)


@pytest.mark.parametrize("path", plugin_files("modules"), ids=lambda p: p.stem)
def test_modules_use_the_shared_doc_fragments(path):
    fragments = set(documentation(path).get("extends_documentation_fragment") or [])
    assert MODULE_FRAGMENTS <= fragments
    attributes = {f for f in fragments if f.startswith("avepoint.graph.attributes.")}
    assert attributes, "%s does not use an avepoint.graph.attributes fragment" % path.name
    assert not fragments & {"avepoint.graph.connection.plugins"}, "env/ini/vars sources are for plugins, not modules"


@pytest.mark.parametrize("path", plugin_files("lookup") + plugin_files("inventory"), ids=lambda p: p.stem)
def test_lookup_and_inventory_plugins_use_the_shared_doc_fragments(path):
    fragments = set(documentation(path).get("extends_documentation_fragment") or [])
    assert PLUGIN_FRAGMENTS <= fragments
    assert not fragments & {"avepoint.graph.connection.modules"}, "the module types would make Ansible convert plugin values"


def test_the_attributes_fragments_name_the_action_group():
    from ansible_collections.avepoint.graph.plugins.doc_fragments.attributes import ModuleDocFragment

    blocks = {name: yaml.safe_load(text) for name, text in vars(ModuleDocFragment).items() if name.isupper()}
    assert blocks
    for name, block in blocks.items():
        group = block["attributes"]["action_group"]
        assert group["support"] == "full" and group["membership"] == ["avepoint.graph.%s" % ACTION_GROUP], name


def test_galaxy_version_agrees_with_the_changelog():
    galaxy = version(load_yaml("galaxy.yml")["version"])
    releases = sorted(version(v) for v in (load_yaml("changelogs/changelog.yaml").get("releases") or {}))
    if releases:
        assert galaxy >= releases[-1], "galaxy.yml's version is older than the last release in the changelog"
    changelog = ROOT / "CHANGELOG.md"
    if changelog.exists():
        text = changelog.read_text(encoding="utf-8")
        for release in releases:
            heading = r"^#+ v%d\\?\.%d\\?\.%d$" % release  # Markdown escapes the dots: v1\.0\.0
            assert re.search(heading, text, re.MULTILINE), "CHANGELOG.md lacks v%d.%d.%d: run antsibull-changelog generate" % release


def test_execution_environment_metadata_points_at_shipped_files():
    meta = load_yaml("meta/execution-environment.yml")
    for kind in ("python", "system"):
        assert (ROOT / meta["dependencies"][kind]).is_file()
    requirements = (ROOT / meta["dependencies"]["python"]).read_text(encoding="utf-8")
    names = {re.split(r"[<>=!~ ;\[]", line, maxsplit=1)[0].lower() for line in requirements.splitlines()
             if line.strip() and not line.startswith("#")}
    assert names == {"requests", "urllib3", "jsonschema", "cryptography", "pyjwt"}


def requirement_versions(path: str, operator: str) -> dict[str, str]:
    """name -> version of each ``name<operator>version`` line of a requirements file."""
    lines = (ROOT / path).read_text(encoding="utf-8").splitlines()
    pairs = (line.split(operator, 1) for line in lines if operator in line and not line.startswith("#"))
    return {name.strip().lower(): version.strip() for name, version in pairs}


def test_the_oldest_supported_http_libraries_are_declared_tested_and_checked():
    from ansible_collections.avepoint.graph.plugins.module_utils._deps import MINIMUM_VERSIONS

    declared = requirement_versions("meta/ee-requirements.txt", ">=")
    tested = requirement_versions("requirements-oldest.txt", "==")
    for name, minimum in MINIMUM_VERSIONS.items():
        release = ".".join(str(number) for number in minimum)
        assert declared[name] == release, "meta/ee-requirements.txt: %s>=%s" % (name, release)
        assert tested[name] == release or tested[name].startswith(release + "."), "requirements-oldest.txt: %s" % name


def test_requires_ansible_is_the_oldest_tested_core():
    assert load_yaml("meta/runtime.yml")["requires_ansible"] == ">=2.16.0"
