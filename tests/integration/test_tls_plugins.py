"""TLS for the lookup and inventory plugins against the simulator's HTTPS endpoint (a private test CA).

One playbook (lookup) and one ansible-inventory run (several sources). Certificates are
checked by default, ``ca_path`` trusts the private CA, ``validate_certs: false`` works with a
warning, and a templated ``validate_certs`` that renders to true still checks certificates
(Ansible's plugin configuration used to turn a template string into false).
"""

from __future__ import annotations

import json
import subprocess

import pytest
import yaml

from harness import BIN, DEFAULT_CLIENT_ID, AnsibleRun, Simulator, SimulatorConfig, connection_env, expected_facts, squeezed, warnings_printed

LOOKUP = "avepoint.graph.avepoint_customer"
INVENTORY = "avepoint.graph.avepoint_customers"
INSECURE = "validate_certs is false"
SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"  # as on CI hosts: must not make the private CA trusted


def plain(value):
    """Drop the {"__ansible_unsafe": ...} wrappers of ansible-inventory output."""
    if isinstance(value, dict):
        return value["__ansible_unsafe"] if set(value) == {"__ansible_unsafe"} else {k: plain(v) for k, v in value.items()}
    return [plain(item) for item in value] if isinstance(value, list) else value


def lookup_playbook(customer_id: str, out) -> tuple[list, list]:
    cases = {
        "default": ({}, {}),
        "ca_path_keyword": ({"ca_path": "sim_ca"}, {}),
        "ca_path_variable": ({}, {"ansible_avepoint_ca_path": "{{ sim_ca }}"}),
        "validate_certs_false": ({"validate_certs": "false"}, {}),
        "validate_certs_template_true": ({}, {"ansible_avepoint_validate_certs": "{{ verify_tls }}"}),
    }
    tasks = []
    for name, (keywords, variables) in cases.items():
        arguments = "".join(", %s=%s" % item for item in keywords.items())
        tasks.append({"name": name, "ansible.builtin.set_fact": {"found": "{{ query(%r, %r%s) }}" % (LOOKUP, customer_id, arguments)},
                      "vars": variables, "register": name, "ignore_errors": True})
    saved = "{{ {%s} | to_json }}" % ", ".join("%r: %s" % (name, name) for name in cases)
    tasks.append({"ansible.builtin.copy": {"content": saved, "dest": str(out)}})
    return [{"hosts": "localhost", "gather_facts": False, "vars": {"verify_tls": True}, "tasks": tasks}], list(cases)


def inventory_sources(workdir, sim) -> list:
    common = {"plugin": INVENTORY, "api_url": sim.url, "token_url": sim.token_url, "client_id": DEFAULT_CLIENT_ID,
              "client_secret": "{{ lookup('ansible.builtin.env', 'TLS_TEST_SECRET') }}", "retries": 0}
    sources = {
        "a_default": {},
        "b_ca_path": {"ca_path": sim.ca_path, "timeout": "{{ 10 + 5 }}"},  # a templated number works too
        "c_validate_certs_false": {"validate_certs": False},
        "d_validate_certs_template_true": {"validate_certs": "{{ 'tr' ~ 'ue' }}"},
    }
    names = []
    for name, options in sources.items():
        path = workdir / ("%s.avepoint_customers.yml" % name)
        path.write_text(yaml.safe_dump(dict(common, groups={"from_" + name: "true"}, **options)))
        names.append(path.name)
    return names


@pytest.fixture(scope="module")
def tls_runs(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("tls-plugins")
    out = workdir / "lookups.json"
    with Simulator(SimulatorConfig(customers=3, https=True)) as sim:
        customer = sim.customers[0]
        env = connection_env(sim)
        env["REQUESTS_CA_BUNDLE"] = SYSTEM_BUNDLE
        run = AnsibleRun(workdir)
        plays, names = lookup_playbook(customer["id"], out)
        plays[0]["vars"]["sim_ca"] = sim.ca_path
        play = run.playbook(plays, env=env)
        assert out.exists(), play.stdout[-3000:] + play.stderr[-3000:]
        command = [str(BIN / "ansible-inventory"), "--list"]
        for source in inventory_sources(workdir, sim):
            command += ["-i", source]
        inventory_env = dict(env, TLS_TEST_SECRET=env.pop("AVEPOINT_CLIENT_SECRET"), ANSIBLE_INVENTORY_ENABLED=INVENTORY)
        inventory = subprocess.run(command, cwd=workdir, env=run.env(inventory_env), capture_output=True, check=False, text=True, timeout=300)
        counters = sim.counters()
        origin = sim.url
    return {"lookups": json.loads(out.read_text()), "play": play, "inventory": inventory, "counters": counters,
            "customer": customer, "origin": origin, "names": names}


def test_lookup_checks_certificates_by_default(tls_runs):
    for name in ("default", "validate_certs_template_true"):
        result = tls_runs["lookups"][name]
        assert result.get("failed"), name
        message = result["msg"]
        assert "TLS error talking to %s" % tls_runs["origin"] in message and "certificate verify failed" in message, message
        assert "ca_path" in message and "AVEPOINT_CA_PATH" in message


@pytest.mark.parametrize("name", ["ca_path_keyword", "ca_path_variable", "validate_certs_false"])
def test_lookup_with_ca_path_or_validate_certs_false(tls_runs, name):
    result = tls_runs["lookups"][name]
    assert not result.get("failed"), result.get("msg")
    assert result["ansible_facts"]["found"] == [expected_facts(tls_runs["customer"])]


def test_lookup_warns_once_when_certificates_are_not_checked(tls_runs):
    warnings = [w for w in warnings_printed(tls_runs["play"].stdout + tls_runs["play"].stderr) if squeezed(INSECURE) in w]
    assert len(warnings) == 1, warnings  # the validate_certs_false task only
    assert tls_runs["origin"] in warnings[0] and "ca_path" in warnings[0]


def test_inventory_tls(tls_runs):
    inventory = tls_runs["inventory"]
    assert inventory.returncode == 0, inventory.stderr[-3000:]
    listing = plain(json.loads(inventory.stdout))
    hosts = {group: set(listing.get("from_" + group, {}).get("hosts", [])) for group in
             ("a_default", "b_ca_path", "c_validate_certs_false", "d_validate_certs_template_true")}
    assert hosts["a_default"] == set() and hosts["d_validate_certs_template_true"] == set()
    assert len(hosts["b_ca_path"]) == 3 and hosts["c_validate_certs_false"] == hosts["b_ca_path"]
    warnings = warnings_printed(inventory.stderr)
    for source in ("a_default", "d_validate_certs_template_true"):
        failure = squeezed("%s.avepoint_customers.yml: TLS error talking to %s" % (source, tls_runs["origin"]))
        assert any(failure in w and "certificateverifyfailed" in w for w in warnings), inventory.stderr
    insecure = [w for w in warnings if squeezed(INSECURE) in w]
    assert len(insecure) == 1 and tls_runs["origin"] in insecure[0], insecure


def test_only_verified_or_explicitly_insecure_runs_sent_requests(tls_runs):
    # Three lookup tasks (ca_path twice, validate_certs false) and two inventory sources; the failed
    # handshakes never became requests. The inventory's sources share one process, so one token.
    counters = tls_runs["counters"]
    assert counters["api_requests"] == 5 and counters["token_requests"] == 4, counters
    assert "Traceback" not in tls_runs["play"].stdout + tls_runs["play"].stderr + tls_runs["inventory"].stderr
