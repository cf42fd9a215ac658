"""The AWX / AAP credential type (extensions/awx/avepoint_credential_type.yml).

Its inputs are checked against AWX's schema for custom credential types, its injectors are
rendered the way AWX renders them (sandboxed Jinja2, files first, then environment
variables), the variables they export are compared with the ones the collection reads, and
the module, the lookup and the inventory plugin run against the simulator with exactly that
environment.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import tempfile
from xml.etree import ElementTree
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from jinja2 import StrictUndefined, sandbox

from ansible_collections.avepoint.graph.plugins.doc_fragments.connection import ModuleDocFragment
from ansible_collections.avepoint.graph.plugins.module_utils._options import CONNECTION_OPTIONS, module_argument_spec
from harness import APP_KEY_PASSPHRASE as PASSPHRASE, BIN, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, REPO, Simulator, SimulatorConfig

pytestmark = pytest.mark.tooling

CREDENTIAL_TYPE = REPO / "extensions" / "awx" / "avepoint_credential_type.yml"
MODULE = "avepoint.graph.avepoint_customer_info"

# The connection options a credential carries; the rest (timeouts, TLS, proxy...) are job settings.
CREDENTIAL_OPTIONS = {"cloud", "api", "api_url", "token_url", "client_id", "client_secret",
                      "certificate_path", "private_key_path", "private_key_passphrase", "access_token"}

# AWX's JSON schema for one input field of a custom credential type (CredentialTypeInputField).
AWX_FIELD_SCHEMA = {
    "type": "object",
    "properties": {
        "type": {"enum": ["string", "boolean"]},
        "format": {"enum": ["ssh_private_key", "url"]},
        "choices": {"type": "array", "minItems": 1, "items": {"type": "string"}, "uniqueItems": True},
        "id": {"type": "string", "pattern": "^[a-zA-Z_]+[a-zA-Z0-9_]*$"},
        "label": {"type": "string"},
        "help_text": {"type": "string"},
        "multiline": {"type": "boolean"},
        "secret": {"type": "boolean"},
        "ask_at_runtime": {"type": "boolean"},
        "default": {},
    },
    "additionalProperties": False,
    "required": ["id", "label"],
}
# Environment variables AWX refuses to let a credential type set (a superset of its blocklist).
AWX_RESERVED_ENV_PREFIXES = ("ANSIBLE_", "AWX_", "TOWER_", "JOB_", "INVENTORY_", "PROJECT_", "CALLBACK_")
AWX_RESERVED_ENV = {"PATH", "PYTHONPATH", "HOME", "VIRTUAL_ENV", "MAX_EVENT_RES", "RUNNER_OMIT_EVENTS"}


def credential_type() -> dict[str, Any]:
    return yaml.safe_load(CREDENTIAL_TYPE.read_text())


class _Namespace:
    """AWX's ``tower`` namespace: ``tower.filename.<name>`` holds each injected file's path."""


def awx_validate(ctype: dict[str, Any]) -> None:
    """AWX's save-time check: every template renders with each input set to 'EXAMPLE'."""
    namespace: dict[str, Any] = {field["id"]: "EXAMPLE" for field in ctype["inputs"]["fields"]}
    tower = namespace["tower"] = _Namespace()
    tower.filename = _Namespace()
    for label in ctype["injectors"].get("file", {}):
        assert label.startswith("template."), "multi-file injectors are named template.<name>: %s" % label
        setattr(tower.filename, label.split(".", 1)[1], "EXAMPLE_FILENAME")
    strict = sandbox.ImmutableSandboxedEnvironment(undefined=StrictUndefined)
    for kind in ("file", "env", "extra_vars"):
        for template in ctype["injectors"].get(kind, {}).values():
            strict.from_string(template).render(namespace)


def awx_inject(ctype: dict[str, Any], inputs: dict[str, str], private_data_dir: Path) -> dict[str, str]:
    """The environment AWX gives a job that uses a credential of this type with ``inputs``.

    Like AWX: only non-empty inputs enter the template namespace (others are undefined and
    render as ''), file injectors are rendered first into 0600 files, then every env injector.
    """
    namespace: dict[str, Any] = {name: value for name, value in inputs.items() if value}
    tower = namespace["tower"] = _Namespace()
    tower.filename = _Namespace()
    env_dir = private_data_dir / "env"
    env_dir.mkdir(parents=True, exist_ok=True)
    jinja = sandbox.ImmutableSandboxedEnvironment()
    for label, template in ctype["injectors"].get("file", {}).items():
        handle, path = tempfile.mkstemp(dir=env_dir)
        with os.fdopen(handle, "w") as out:
            out.write(jinja.from_string(template).render(**namespace))
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
        setattr(tower.filename, label.split(".", 1)[1], path)
    return {name: jinja.from_string(template).render(**namespace) for name, template in ctype["injectors"]["env"].items()}


def env_names_read_by_plugins() -> dict[str, str]:
    """option -> environment variable, as the lookup and inventory plugins declare them."""
    fragment = yaml.safe_load(ModuleDocFragment.PLUGINS)["options"]
    return {name: option["env"][0]["name"] for name, option in fragment.items() if option.get("env")}


# ---------------------------------------------------------------- the file itself


def test_the_credential_type_is_valid_for_awx():
    ctype = credential_type()
    assert set(ctype) == {"name", "description", "kind", "inputs", "injectors"}  # awx.awx.credential_type parameters
    assert ctype["kind"] == "cloud"  # the kinds a custom type may have: cloud, net
    fields = ctype["inputs"]["fields"]
    for field in fields:
        jsonschema.validate(field, AWX_FIELD_SCHEMA)
        if "choices" in field:
            assert field["type"] == "string" and field.get("default") in field["choices"]
    ids = [field["id"] for field in fields]
    assert len(ids) == len(set(ids)) and "tower" not in ids
    assert set(ctype["inputs"]["required"]) <= set(ids)
    assert set(ctype["injectors"]) <= {"file", "env", "extra_vars"}
    for name in ctype["injectors"]["env"]:
        assert not name.startswith(AWX_RESERVED_ENV_PREFIXES) and name not in AWX_RESERVED_ENV
    secret = {field["id"] for field in fields if field.get("secret")}
    assert secret == {"client_secret", "certificate", "private_key", "private_key_passphrase", "access_token"}
    assert {field["id"] for field in fields if field.get("multiline")} == {"certificate", "private_key"}
    awx_validate(ctype)


def test_injectors_export_exactly_the_variables_the_collection_reads(tmp_path):
    ctype = credential_type()
    injected = set(ctype["injectors"]["env"])
    plugin_env = env_names_read_by_plugins()
    module_env = {name: spec["fallback"][1][0] for name, spec in module_argument_spec().items()}
    expected = {CONNECTION_OPTIONS[name]["env"] for name in CREDENTIAL_OPTIONS}
    assert injected == expected
    assert expected == {plugin_env[name] for name in CREDENTIAL_OPTIONS} == {module_env[name] for name in CREDENTIAL_OPTIONS}

    # A client secret credential: empty certificate variables, defaults for the choices.
    env = awx_inject(ctype, {"client_id": "app", "client_secret": "s3cret"}, tmp_path / "a")
    assert env == {
        "AVEPOINT_CLIENT_ID": "app", "AVEPOINT_CLIENT_SECRET": "s3cret",
        "AVEPOINT_CERTIFICATE_PATH": "", "AVEPOINT_PRIVATE_KEY_PATH": "", "AVEPOINT_PRIVATE_KEY_PASSPHRASE": "",
        "AVEPOINT_ACCESS_TOKEN": "", "AVEPOINT_CLOUD": "commercial", "AVEPOINT_API": "partner",
        "AVEPOINT_API_URL": "", "AVEPOINT_TOKEN_URL": "",
    }

    # A certificate credential: the PEM inputs become 0600 files whose paths are exported.
    env = awx_inject(ctype, {"client_id": "app", "certificate": "CERT", "private_key": "KEY", "cloud": "us_gov"}, tmp_path / "b")
    cert, key = Path(env["AVEPOINT_CERTIFICATE_PATH"]), Path(env["AVEPOINT_PRIVATE_KEY_PATH"])
    assert (cert.read_text(), key.read_text()) == ("CERT", "KEY")
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and cert.parent == tmp_path / "b" / "env"
    assert env["AVEPOINT_CLIENT_SECRET"] == "" and env["AVEPOINT_CLOUD"] == "us_gov"


# ---------------------------------------------------------------- jobs with that environment


def run_job(ansible, workdir: Path, env: dict[str, str], customer_ids: list[str]) -> tuple[dict, dict]:
    """A job template's playbook (module + lookup) and an inventory source, with only ``env``."""
    results, proc = ansible.tasks(MODULE, [{"ids": customer_ids}], env=env)
    lookup_play = [{
        "hosts": "localhost", "gather_facts": False,
        "tasks": [{"name": "lookup", "ansible.builtin.copy": {
            "content": "{{ lookup('avepoint.graph.avepoint_customer', %r) | to_json }}" % customer_ids[0],
            "dest": str(workdir / "lookup.json")}}],
    }]
    proc = ansible.playbook(lookup_play, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (workdir / "awx.avepoint_customers.yml").write_text("plugin: avepoint.graph.avepoint_customers\n")
    inventory = subprocess.run(
        [str(BIN / "ansible-inventory"), "-i", str(workdir / "awx.avepoint_customers.yml"), "--list"],
        cwd=workdir, env=ansible.env(dict(env, ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED="True")),
        capture_output=True, check=False, text=True, timeout=300)
    assert inventory.returncode == 0, inventory.stderr
    hostvars = json.loads(inventory.stdout)["_meta"]["hostvars"]
    return {"module": results[0], "lookup": json.loads((workdir / "lookup.json").read_text())}, hostvars


def test_client_secret_credential_runs_module_lookup_and_inventory(sim, ansible, tmp_path):
    inputs = {"client_id": DEFAULT_CLIENT_ID, "client_secret": DEFAULT_CLIENT_SECRET, "api_url": sim.url,
              "token_url": sim.token_url, "cloud": "commercial", "api": "partner"}
    env = awx_inject(credential_type(), inputs, tmp_path / "private_data_dir")
    ids = [customer["id"] for customer in sim.customers[:3]]
    results, hostvars = run_job(ansible, tmp_path, env, ids)
    assert not results["module"].get("failed"), results["module"]
    assert [customer["id"] for customer in results["module"]["customers"]] == ids
    assert results["lookup"]["id"] == ids[0]
    assert len(hostvars) == len(sim.customers)
    assert sim.counters()["token_failures"] == 0


@pytest.fixture(scope="module")
def cert_sim(tmp_path_factory):
    cert_dir = tmp_path_factory.mktemp("awx-app-certs")
    with Simulator(SimulatorConfig(customers=5, seed=11, app_cert_dir=str(cert_dir))) as server:
        server.cert_dir = cert_dir
        yield server


def test_certificate_credential_runs_the_module(cert_sim, ansible, tmp_path):
    inputs = {
        "client_id": DEFAULT_CLIENT_ID,
        "certificate": (cert_sim.cert_dir / "app.crt.pem").read_text(),
        "private_key": (cert_sim.cert_dir / "app.key.enc.pem").read_text(),
        "private_key_passphrase": PASSPHRASE,
        "api_url": cert_sim.url, "token_url": cert_sim.token_url, "api": "elements",
    }
    env = awx_inject(credential_type(), inputs, tmp_path / "private_data_dir")
    result, proc = ansible.task(MODULE, {}, env=env)
    assert not result.get("failed"), result
    assert len(result["customers"]) == len(cert_sim.customers)
    counters = cert_sim.counters()
    assert counters["token_requests"] == 1 and counters["token_failures"] == 0
    assert counters["by_path"] == {"POST /partner/external/v3/general/customers/batch": 1}
    assert PASSPHRASE not in proc.stdout + proc.stderr


def test_compliance_job_template_publishes_its_report_as_artifacts(sim, ansible, tmp_path):
    inputs = {"client_id": DEFAULT_CLIENT_ID, "client_secret": DEFAULT_CLIENT_SECRET, "api_url": sim.url, "token_url": sim.token_url}
    env = awx_inject(credential_type(), inputs, tmp_path / "private_data_dir")
    playbook = (REPO / "examples" / "awx_compliance.yml").read_text()
    proc = ansible.playbook(playbook, env=dict(env, ANSIBLE_SHOW_CUSTOM_STATS="True"))
    drifted = sorted(c["id"] for c in sim.customers if c["jobStatusCode"] != 1)  # 1: Working, the declared default
    assert drifted, "the simulator dataset should hold customers whose backup is not working"
    assert proc.returncode == 2 and "customer compliance failed for %d of %d customers" % (len(drifted), len(sim.customers)) in proc.stdout
    stats_line = next(line for line in proc.stdout.splitlines() if line.startswith("\tRUN: "))
    artifacts = json.loads(stats_line[len("\tRUN: "):])
    assert artifacts["compliance_summary"] == {"total": len(sim.customers), "compliant": len(sim.customers) - len(drifted),
                                               "drifted": len(drifted), "missing": 0}
    assert sorted(artifacts["compliance_drifted"]) == drifted and artifacts["compliance_missing"] == []
    junit = ElementTree.fromstring(artifacts["compliance_junit"].encode())
    assert junit.get("tests") == str(len(sim.customers)) and junit.get("failures") == str(len(drifted))
