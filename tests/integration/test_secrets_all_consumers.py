"""Secret hygiene of every consumer: module, lookup, role (one playbook) and inventory (one run), at -vvvv.

Canaries: the client secret the simulator accepts, a wrong client secret, the private key
passphrase of the simulator's encrypted app key (fixed by the simulator, so the real one is
the canary), an access token the simulator does not know, and every token the simulator
issued during the runs. The simulator repeats the credentials it receives in some error
messages (``echo_request``), so the failing paths also test the masking. Secrets come from
a vars file and from the environment, never from the playbook text (ansible-core 2.19 quotes
playbook lines around a failing task).

No canary may appear in stdout, stderr, ANSIBLE_LOG_PATH, registered results (exceptions
included), compliance reports or inventory cache files.
"""

from __future__ import annotations

import json
import subprocess

import pytest
import requests
import yaml

from harness import BIN, DEFAULT_CLIENT_ID, AnsibleRun, Simulator, SimulatorConfig, connection_env

MODULE = "avepoint.graph.avepoint_customer_info"
LOOKUP = "avepoint.graph.avepoint_customer"
ROLE = "avepoint.graph.customer_compliance"
INVENTORY = "avepoint.graph.avepoint_customers"
CANARY_SECRET = "CANARY-client-secret-5e1a90"
CANARY_WRONG_SECRET = "CANARY-wrong-secret-77c2d4"
CANARY_TOKEN = "CANARY-access-token-0b9f3e"
PASSPHRASE = "sim-passphrase"  # the simulator's, fixed: the real value is the canary
MASK = "********"

# Credentials as module arguments / role module_defaults (templates over the vars file).
SECRET = {"client_secret": "{{ avepoint_secret }}"}
WRONG_SECRET = {"client_secret": "{{ avepoint_wrong_secret }}"}
CERTIFICATE = {"certificate_path": "{{ avepoint_cert }}", "private_key_path": "{{ avepoint_key }}",
               "private_key_passphrase": "{{ avepoint_passphrase }}"}
BAD_TOKEN = {"access_token": "{{ avepoint_bad_token }}"}
GIVEN_TOKEN = {"access_token": "{{ avepoint_given_token }}"}


def fetch_token(sim) -> str:
    answer = requests.post(sim.token_url, data={"grant_type": "client_credentials", "client_id": DEFAULT_CLIENT_ID,
                                                "client_secret": CANARY_SECRET, "scope": "partner.customers.read.all"}, timeout=10)
    answer.raise_for_status()
    return answer.json()["access_token"]


def as_variables(credentials: dict, **extra) -> dict:
    """Connection options as the lookup's ansible_avepoint_* variables."""
    return {"ansible_avepoint_%s" % name: value for name, value in dict(credentials, **extra).items()}


def playbook(ids: list, echo_ids: list, reports) -> tuple[list, list]:
    """Module, lookup and role paths, successful and failing; returns the plays and the names of the saved outcomes."""
    tasks, names = [], []

    def module(name, credentials, **args):
        tasks.append({"name": name, MODULE: dict(credentials, **args), "register": name, "ignore_errors": True})
        names.append(name)

    def lookup(name, credentials, terms, **extra):
        tasks.append({"name": name, "ansible.builtin.set_fact": {name + "_value": "{{ query(%r, %r) }}" % (LOOKUP, terms)},
                      "vars": as_variables(credentials, **extra), "register": name, "ignore_errors": True})
        names.append(name)

    def role(name, credentials, expected, report=False, **connection):
        role_vars = {"customer_compliance_expected": expected, "customer_compliance_report_dir": str(reports / name) if report else ""}
        tasks.append({"name": name, "module_defaults": {"group/avepoint.graph.avepoint": dict(credentials, **connection)},
                      "block": [{"ansible.builtin.include_role": {"name": ROLE}, "vars": role_vars},
                                {"ansible.builtin.set_fact": {name: "{{ customer_compliance_result }}"}}],
                      "rescue": [{"ansible.builtin.set_fact": {name: "{{ ansible_failed_result }}"}}]})
        names.append(name)

    # The first token request of the run is answered with an error that repeats the form (the secret).
    lookup("lookup_token_endpoint_echo", SECRET, [ids[0]])
    lookup("lookup_secret_ok", SECRET, ids[:3])
    lookup("lookup_api_echo", SECRET, echo_ids, retries=0)
    lookup("lookup_wrong_secret", WRONG_SECRET, [ids[0]])
    lookup("lookup_certificate_ok", CERTIFICATE, ids[:2])
    lookup("lookup_certificate_api_echo", CERTIFICATE, [echo_ids[0]], retries=0)
    lookup("lookup_unknown_token", BAD_TOKEN, [ids[0]])
    lookup("lookup_given_token_ok", GIVEN_TOKEN, [ids[1]])
    lookup("lookup_given_token_echo", GIVEN_TOKEN, [echo_ids[1]], retries=0)
    # The module's own paths (client secret, tokens, echoes) run in test_secrets_module.py and
    # test_certificate.py; here the one they lack: certificate auth failing with an echoed token.
    module("module_certificate_api_echo", CERTIFICATE, ids=echo_ids, retries=0)
    role("role_secret_compliant", SECRET, [{"id": ids[0]}])
    # Writing the reports costs several tasks: once, on the path that fails at the end.
    role("role_certificate_drift", CERTIFICATE, [{"id": ids[0], "job_status": "Not a status"}, {"id": ids[1]}], report=True)
    role("role_fetch_echo", SECRET, [{"id": echo_ids[0]}], retries=0)
    saved = "{{ {%s} | to_json }}" % ", ".join("%r: %s" % (name, name) for name in names)
    tasks.append({"name": "save the outcomes", "ansible.builtin.copy": {"content": saved, "dest": str(reports.parent / "outcomes.json")}})
    return [{"hosts": "localhost", "gather_facts": False, "vars_files": ["secrets.yml"], "tasks": tasks}], names


def inventory_sources(workdir, sim, echo_id) -> list:
    """Inventory files (secrets from environment lookups), cache on; the first one hits the echoing token fault."""
    def env(name):
        return "{{ lookup('ansible.builtin.env', '%s') }}" % name

    cache = {"cache": True, "cache_plugin": "ansible.builtin.jsonfile", "cache_connection": str(workdir / "inventory-cache")}
    common = dict(cache, plugin=INVENTORY, api_url=sim.url, token_url=sim.token_url, client_id=DEFAULT_CLIENT_ID)
    sources = {
        "hosts.yml": {"all": {"hosts": {"echo-host": {"customer_guid": echo_id}}}},
        "a_wrong_secret.avepoint_customers.yml": dict(common, client_secret=env("HYGIENE_WRONG_SECRET")),
        "b_secret.avepoint_customers.yml": dict(common, client_secret=env("HYGIENE_SECRET")),
        "c_certificate.avepoint_customers.yml": dict(common, certificate_path=env("HYGIENE_CERT"), private_key_path=env("HYGIENE_KEY"),
                                                     private_key_passphrase=env("HYGIENE_PASSPHRASE"), hostname="organization"),
        "d_given_token.avepoint_customers.yml": dict(common, access_token=env("HYGIENE_GIVEN_TOKEN")),
        "e_unknown_token.avepoint_customers.yml": dict(common, access_token=env("HYGIENE_BAD_TOKEN")),
        "f_enrich_echo.avepoint_customers.yml": dict(common, client_secret=env("HYGIENE_SECRET"), mode="enrich",
                                                     customer_id_var="customer_guid", retries=0, strict=True),
    }
    for name, content in sources.items():
        (workdir / name).write_text(yaml.safe_dump(content))
    return list(sources)


@pytest.fixture(scope="module")
def hygiene(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("secrets-all")
    cert_dir = tmp_path_factory.mktemp("secrets-all-certs")
    reports = workdir / "reports"
    with Simulator(SimulatorConfig(customers=8, client_secret=CANARY_SECRET, app_cert_dir=str(cert_dir))) as sim:
        ids = [c["id"] for c in sim.customers]
        echo_ids = ids[5:8]
        given_token = fetch_token(sim)
        cert, key = str(cert_dir / "app.crt.pem"), str(cert_dir / "app.key.enc.pem")
        (workdir / "secrets.yml").write_text(yaml.safe_dump({
            "avepoint_secret": CANARY_SECRET, "avepoint_wrong_secret": CANARY_WRONG_SECRET, "avepoint_passphrase": PASSPHRASE,
            "avepoint_bad_token": CANARY_TOKEN, "avepoint_given_token": given_token, "avepoint_cert": cert, "avepoint_key": key}))
        env = connection_env(sim, AVEPOINT_CLIENT_SECRET=None)
        run = AnsibleRun(workdir)

        # Reads of echo_ids are answered 500 with a message repeating the Authorization header.
        echo_api = {"kind": "status", "status": 500, "ids": echo_ids, "echo_request": True}
        echo_token = {"kind": "status", "status": 400, "path": "^/connect/token$", "count": 1, "echo_request": True}
        sim.set_faults([echo_token, echo_api])
        plays, names = playbook(ids, echo_ids, reports)
        play_log = workdir / "playbook.log"
        play = run.playbook(plays, env=dict(env, ANSIBLE_LOG_PATH=str(play_log)), args=("-vvvv",))

        sim.set_faults([echo_token, echo_api])
        sources = inventory_sources(workdir, sim, echo_ids[0])
        inventory_log = workdir / "inventory.log"
        inventory_env = dict(env, ANSIBLE_LOG_PATH=str(inventory_log), ANSIBLE_INVENTORY_ENABLED="%s,yaml" % INVENTORY,
                             HYGIENE_SECRET=CANARY_SECRET, HYGIENE_WRONG_SECRET=CANARY_WRONG_SECRET, HYGIENE_CERT=cert,
                             HYGIENE_KEY=key, HYGIENE_PASSPHRASE=PASSPHRASE, HYGIENE_GIVEN_TOKEN=given_token,
                             HYGIENE_BAD_TOKEN=CANARY_TOKEN)
        command = [str(BIN / "ansible-inventory"), "-vvvv", "--list"]
        for source in sources:
            command += ["-i", source]
        inventory = subprocess.run(command, cwd=workdir, env=run.env(inventory_env), capture_output=True, check=False, text=True, timeout=300)
        issued = sim.issued_tokens()
        counters = sim.counters()
    outcomes_path = workdir / "outcomes.json"
    assert outcomes_path.exists(), play.stdout[-3000:] + play.stderr[-3000:]
    return {
        "outcomes": json.loads(outcomes_path.read_text()), "names": names, "play": play, "inventory": inventory,
        "texts": {
            "playbook stdout": play.stdout, "playbook stderr": play.stderr, "playbook log": play_log.read_text(),
            "outcomes": outcomes_path.read_text(),
            "inventory stdout": inventory.stdout, "inventory stderr": inventory.stderr, "inventory log": inventory_log.read_text(),
            **{"report %s" % path.relative_to(reports): path.read_text() for path in sorted(reports.rglob("*")) if path.is_file()},
            **{"cache %s" % path.name: path.read_text() for path in sorted((workdir / "inventory-cache").glob("*"))},
        },
        "secrets": [CANARY_SECRET, CANARY_WRONG_SECRET, CANARY_TOKEN, PASSPHRASE, *issued],
        "counters": counters,
    }


SUCCEEDS = {"lookup_secret_ok", "lookup_certificate_ok", "lookup_given_token_ok", "role_secret_compliant"}
ECHOED = {"lookup_token_endpoint_echo", "module_certificate_api_echo", "lookup_api_echo", "lookup_certificate_api_echo",
          "lookup_given_token_echo", "role_fetch_echo"}


def test_every_path_ran_as_intended(hygiene):
    outcomes = hygiene["outcomes"]
    assert set(outcomes) == set(hygiene["names"])
    for name, outcome in outcomes.items():
        failed = bool(outcome.get("failed"))
        assert failed == (name not in SUCCEEDS), (name, outcome.get("msg"))
    assert outcomes["role_secret_compliant"]["summary"]["compliant"] == 1
    assert "1 drifted" in outcomes["role_certificate_drift"]["msg"]  # failed on drift, at the end
    assert "authentication failed" in outcomes["lookup_wrong_secret"]["msg"]
    assert "rejected the credentials" in outcomes["lookup_unknown_token"]["msg"]
    assert hygiene["counters"]["token_requests"] >= 10


@pytest.mark.parametrize("name", sorted(ECHOED))
def test_echoed_credentials_are_masked(hygiene, name):
    message = hygiene["outcomes"][name]["msg"]
    assert "received " in message and MASK in message, message  # the simulator repeated what it got, masked


def test_inventory_paths(hygiene):
    inventory = hygiene["inventory"]
    assert inventory.returncode == 0, inventory.stderr[-3000:]
    listing = json.loads(inventory.stdout[inventory.stdout.index("\n{\n"):])  # after the -vvvv preamble
    assert len(listing["_meta"]["hostvars"]) >= 16  # customers by ID (secret, token) and by organization (certificate)
    stderr = inventory.stderr
    for source in ("a_wrong_secret", "e_unknown_token", "f_enrich_echo"):
        assert "/%s.avepoint_customers.yml as an inventory source" % source in stderr, source
    assert "client_secret=%s" % MASK in stderr  # the first source's token request was echoed (the wrong secret), masked
    assert "Authorization='Bearer %s'" % MASK in stderr  # the enrich source's read echoed its token, masked
    assert "rejected the credentials" in stderr  # the unknown access token
    assert any(name.startswith("cache ") for name in hygiene["texts"]), "the inventory cache was not written"


def test_reports_were_written(hygiene):
    reports = [name for name in hygiene["texts"] if name.startswith("report ")]
    assert {name.split("/")[-1] for name in reports} == {"compliance.json", "compliance.junit.xml", "compliance.html"}


def test_no_canary_anywhere(hygiene):
    texts = hygiene["texts"]
    assert "EXEC" in texts["playbook stdout"] and texts["playbook log"].strip() and texts["inventory log"].strip()
    for secret in hygiene["secrets"]:
        for where, text in texts.items():
            assert secret not in text, "%s...: found in %s" % (secret[:12], where)


def test_no_traceback(hygiene):
    for where, text in hygiene["texts"].items():
        assert "Traceback" not in text, where
