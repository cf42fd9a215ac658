"""The plugins' shared layer in real runs: cache identity and option errors.

Cache identity: a result cached for one credential never answers another. The lookup keeps
results for cache_ttl seconds in the worker process, so two lookups in one expression share
the cache: the second must not get the first one's customer unless it asks with the very same
credential. The inventory cache is keyed the same way.

Option errors: a typo'd key is refused (naming it and the closest option) and a value outside
an option's choices lists them, before any request, in the lookup and the inventory.
"""

from __future__ import annotations

import json
import subprocess

import pytest
import yaml

from harness import APP_KEY_PASSPHRASE as PASSPHRASE, BIN, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, connection_env

LOOKUP = "avepoint.graph.avepoint_customer"


def lookup(customer_id: str, **options: str) -> str:
    arguments = [repr(LOOKUP), repr(customer_id), "cache_ttl=600", *("%s=%r" % item for item in options.items())]
    return "lookup(%s)" % ", ".join(arguments)


def run_expression(ansible, expression: str, env: dict[str, str]) -> dict:
    """One set_fact task evaluating ``expression`` (so every lookup in it shares one worker process)."""
    out = ansible.workdir / "outcome.json"
    tasks = [
        {"name": "lookups", "ansible.builtin.set_fact": {"value": "{{ %s }}" % expression}, "register": "outcome",
         "ignore_errors": True},
        {"name": "save", "ansible.builtin.copy": {"content": "{{ outcome | to_json }}", "dest": str(out)}},
    ]
    proc = ansible.playbook([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}], env=env)
    assert out.exists(), proc.stdout + proc.stderr
    return json.loads(out.read_text())


@pytest.mark.parametrize("case", ["missing certificate", "unreadable certificate", "unregistered certificate", "wrong passphrase"])
def test_a_lookup_with_another_certificate_is_not_answered_from_the_cache(csim, ansible, case):
    d = csim.cert_dir
    customer_id = csim.customers[0]["id"]
    good = {"certificate_path": str(d / "app.crt.pem"), "private_key_path": str(d / "app.key.enc.pem"),
            "private_key_passphrase": PASSPHRASE}
    other, message = {
        "missing certificate": ({"certificate_path": str(d / "nope.crt.pem")},
                                "certificate_path '%s' is not a readable file" % (d / "nope.crt.pem")),
        "unreadable certificate": ({"certificate_path": str(d)}, "certificate_path '%s' is not a readable file" % d),
        "unregistered certificate": ({"certificate_path": str(d / "other.crt.pem"), "private_key_path": str(d / "other.key.pem"),
                                      "private_key_passphrase": ""}, "authentication failed (invalid_client)"),
        "wrong passphrase": ({"private_key_passphrase": "not-" + PASSPHRASE}, "wrong private_key_passphrase"),
    }[case]
    env = {"AVEPOINT_API_URL": csim.url, "AVEPOINT_TOKEN_URL": csim.token_url, "AVEPOINT_CLIENT_ID": DEFAULT_CLIENT_ID}
    outcome = run_expression(ansible, "[%s, %s]" % (lookup(customer_id, **good), lookup(customer_id, **dict(good, **other))), env)
    assert outcome.get("failed"), outcome  # today's main answered the second lookup with the first one's customer
    assert message in outcome["msg"], outcome["msg"]
    counters = csim.counters()
    assert counters["by_path"] == {"GET /partner/customers/{id}": 1}  # the first lookup did run, and was cached
    assert PASSPHRASE not in json.dumps(outcome)


def test_the_same_certificate_is_answered_from_the_cache(csim, ansible):
    d = csim.cert_dir
    customer_id = csim.customers[0]["id"]
    good = {"certificate_path": str(d / "app.crt.pem"), "private_key_path": str(d / "app.key.pem")}
    env = {"AVEPOINT_API_URL": csim.url, "AVEPOINT_TOKEN_URL": csim.token_url, "AVEPOINT_CLIENT_ID": DEFAULT_CLIENT_ID}
    outcome = run_expression(ansible, "[%s, %s]" % (lookup(customer_id, **good), lookup(customer_id.upper(), **good)), env)
    assert not outcome.get("failed"), outcome
    assert [facts["id"] for facts in outcome["ansible_facts"]["value"]] == [customer_id, customer_id]
    assert csim.counters()["by_path"] == {"GET /partner/customers/{id}": 1} and csim.counters()["token_requests"] == 1


def test_the_inventory_cache_answers_only_the_same_credential(sim, ansible, tmp_path):
    cache_dir = tmp_path / "cache"
    source = tmp_path / "c.avepoint_customers.yml"
    source.write_text(yaml.safe_dump({"plugin": "avepoint.graph.avepoint_customers", "cache": True,
                                      "cache_plugin": "ansible.builtin.jsonfile", "cache_connection": str(cache_dir)}))

    def listing(secret):
        env = dict(connection_env(sim, AVEPOINT_CLIENT_SECRET=secret), ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED="True")
        return subprocess.run([str(BIN / "ansible-inventory"), "-i", str(source), "--list"], cwd=tmp_path, env=ansible.env(env),
                              capture_output=True, text=True, timeout=300, check=False)

    assert listing(DEFAULT_CLIENT_SECRET).returncode == 0
    assert listing(DEFAULT_CLIENT_SECRET).returncode == 0
    assert sim.counters()["by_path"] == {"GET /partner/customers": 1}  # the second run came from the cache
    wrong = listing("a-wrong-secret-7e1a")
    assert wrong.returncode != 0, "a wrong secret was answered from the cache"
    assert "authentication failed" in " ".join(wrong.stderr.split())
    stored = "".join(path.name + path.read_text() for path in cache_dir.iterdir())
    assert sim.customers[0]["organization"] in stored
    assert DEFAULT_CLIENT_SECRET not in stored and "a-wrong-secret-7e1a" not in stored


# --- option errors ----------------------------------------------------------------------------


def inventory_run(ansible, tmp_path, env, **keys):
    source = tmp_path / "x.avepoint_customers.yml"
    source.write_text(yaml.safe_dump(dict({"plugin": "avepoint.graph.avepoint_customers"}, **keys)))
    env = dict(env, ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED="True")
    proc = subprocess.run([str(BIN / "ansible-inventory"), "-i", str(source), "--list"], cwd=tmp_path, env=ansible.env(env),
                          capture_output=True, text=True, timeout=300, check=False)
    return proc, " ".join(proc.stderr.split())


@pytest.mark.parametrize("keys, expected", [
    ({"filter": {"job_status": ["Failed"]}}, "unknown option 'filter' (did you mean 'filters'?)"),
    ({"hostnme": "organization"}, "unknown option 'hostnme' (did you mean 'hostname'?)"),
    ({"cloud": "mars"}, "option 'cloud' must be one of aos2, commercial, fedramp, us_gov, got 'mars'"),
    ({"strict": "maybe"}, "option 'strict' must be a boolean (true or false), got 'maybe'"),
])
def test_inventory_option_errors_come_before_any_request(sim, ansible, tmp_path, keys, expected):
    # Today's main ignored 'filter' and 'hostnme' (every customer became a host, named by ID).
    proc, stderr = inventory_run(ansible, tmp_path, connection_env(sim), **keys)
    assert proc.returncode != 0, proc.stdout
    assert expected in stderr, stderr
    assert sim.counters()["token_requests"] == 0 and sim.counters()["api_requests"] == 0


def test_inventory_constructable_and_cache_keys_are_accepted(sim, ansible, tmp_path):
    proc, stderr = inventory_run(ansible, tmp_path, connection_env(sim), strict=True, leading_separator=False,
                                 keyed_groups=[{"key": "avepoint_customer.job_status", "prefix": "backup"}],
                                 compose={"tier": "'gold'"}, groups={"all_customers": "true"}, cache=False)
    assert proc.returncode == 0, stderr
    assert len(json.loads(proc.stdout)["all_customers"]["hosts"]) == len(sim.customers)


@pytest.mark.parametrize("options, expected", [
    ({"on_mising": "'skip'"}, "unknown option 'on_mising' (did you mean 'on_missing'?) for the avepoint_customer lookup"),
    ({"cloud": "'mars'"}, "option 'cloud' must be one of aos2, commercial, fedramp, us_gov, got 'mars'"),
    ({"api": "bad_api"}, "option 'api' (ansible_avepoint_api) must be one of elements, partner, got 'graphql'"),
])
def test_lookup_option_errors_come_before_any_request(sim, ansible, options, expected):
    customer_id = sim.customers[0]["id"]
    arguments = ", ".join("%s=%s" % item for item in options.items() if item[0] != "api")
    expression = "lookup(%r, %r%s)" % (LOOKUP, customer_id, ", " + arguments if arguments else "")
    tasks = [
        {"name": "lookup", "ansible.builtin.set_fact": {"value": "{{ %s }}" % expression}, "register": "outcome",
         "ignore_errors": True, "vars": {"bad_api": "graphql", "ansible_avepoint_api": "{{ bad_api }}"} if "api" in options else {}},
        {"name": "save", "ansible.builtin.copy": {"content": "{{ outcome | to_json }}", "dest": str(ansible.workdir / "o.json")}},
    ]
    proc = ansible.playbook([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}], env=connection_env(sim))
    outcome = json.loads((ansible.workdir / "o.json").read_text())
    assert outcome.get("failed"), (outcome, proc.stdout)
    assert expected in outcome["msg"], outcome["msg"]
    assert sim.counters()["token_requests"] == 0 and sim.counters()["api_requests"] == 0
