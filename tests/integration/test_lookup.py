"""avepoint.graph.avepoint_customer (lookup) in real ansible-playbook runs against the simulator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import yaml

from harness import expected_facts, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, connection_env

LOOKUP = "avepoint.graph.avepoint_customer"
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"
VAULT_PASSWORD = "lookup-test-vault-password"


def run_lookups(ansible, lookups: dict[str, str], env: Optional[dict[str, str]] = None, play: Optional[dict[str, Any]] = None,
                args: tuple[str, ...] = (), task_vars: Optional[dict[str, dict[str, Any]]] = None):
    """One task per entry (``name: jinja expression``) in one play; returns name -> outcome, and the process.

    ``play`` adds play keywords (``vars``, ``vars_files``...); ``task_vars`` gives a task ``vars:`` by name.

    Each outcome is ``{"value": ...}`` or ``{"failed": True, "msg": ...}``.
    """
    out = ansible.workdir / "lookups.json"
    tasks = []
    for name, expression in lookups.items():
        task = {"name": "lookup %s" % name, "ansible.builtin.set_fact": {name: expression},
                "register": "%s_result" % name, "ignore_errors": True}
        if task_vars and name in task_vars:
            task["vars"] = task_vars[name]
        tasks.append(task)
    report = ", ".join("%r: {'value': %s | default('(unset)'), 'failed': %s_result.failed | default(false), 'msg': %s_result.msg | default('')}"
                       % (name, name, name, name) for name in lookups)
    tasks.append({"name": "save the outcomes", "ansible.builtin.copy": {"content": "{{ {%s} | to_json }}" % report, "dest": str(out)}})
    plays = [dict({"hosts": "localhost", "gather_facts": False}, **(play or {}), tasks=tasks)]
    proc = ansible.playbook(plays, env=env, args=args)
    assert out.exists(), "playbook did not save the outcomes:\n%s\n%s" % (proc.stdout, proc.stderr)
    return json.loads(out.read_text()), proc


def call(function: str, *terms: str, **options: str) -> str:
    """A Jinja call of the lookup; terms and option values are Jinja expressions."""
    arguments = [repr(LOOKUP), *terms, *("%s=%s" % item for item in options.items())]
    return "{{ %s(%s) }}" % (function, ", ".join(arguments))


def quoted(value: str) -> str:
    return repr(value)


def vault_encrypted(text: str) -> str:
    from ansible.parsing.vault import VaultLib, VaultSecret

    return VaultLib([("default", VaultSecret(VAULT_PASSWORD.encode()))]).encrypt(text).decode()


def write_vars_file(path: Path, plain: dict[str, Any], vaulted: dict[str, str]) -> None:
    """A YAML vars file with ``vaulted`` values as inline !vault strings."""
    lines = [yaml.safe_dump(plain, default_flow_style=False).rstrip()] if plain else []
    for name, secret in vaulted.items():
        lines.append("%s: !vault |\n%s" % (name, "\n".join("  " + line for line in vault_encrypted(secret).splitlines())))
    path.write_text("\n".join(lines) + "\n")


def test_one_id_and_many_ids(sim, ansible):
    one = sim.customers[3]
    chosen = [sim.customers[i] for i in (9, 2, 17, 5, 11, 0, 23, 8, 14, 20)]
    sim.set_faults([{"kind": "delay", "delay_ms": 150}])  # slow answers make concurrency measurable
    terms = [quoted(chosen[0]["id"].upper()), repr([c["id"] for c in chosen[1:6]]), *(quoted(c["id"]) for c in chosen[6:]), quoted(chosen[0]["id"])]
    outcomes, _proc = run_lookups(ansible, {
        "one": call("lookup", quoted(one["id"])),
        "many": call("query", *terms, concurrency="4"),
    }, env=connection_env(sim))
    assert outcomes["one"]["value"] == expected_facts(one)  # lookup() with one term: the dict itself
    assert outcomes["many"]["value"] == [expected_facts(c) for c in chosen + [chosen[0]]]  # one dict per term
    counters = sim.counters()
    assert counters["token_requests"] == 2  # one per lookup call, however many terms
    assert counters["by_path"] == {"GET /partner/customers/{id}": 11}  # the repeated ID is fetched once
    assert counters["max_in_flight"] == 4  # fetched concurrently, as many at once as asked


def test_on_missing_and_the_errors_keyword(sim, ansible):
    known = sim.customers[1]["id"]
    terms = (quoted(UNKNOWN_ID), quoted(known))
    outcomes, proc = run_lookups(ansible, {
        "error": call("query", *terms),
        "warn": call("query", *terms, on_missing="'warn'"),
        "skip": call("query", *terms, on_missing="'skip'"),
        "ignored": call("query", *terms, errors="'ignore'"),
        "warned": call("lookup", *terms, errors="'warn'"),
    }, env=connection_env(sim))
    assert outcomes["error"]["failed"]
    assert "customer %s was not found" % UNKNOWN_ID in outcomes["error"]["msg"]
    assert "on_missing=warn or on_missing=skip" in outcomes["error"]["msg"]
    assert [c["id"] for c in outcomes["warn"]["value"]] == [known]
    assert [c["id"] for c in outcomes["skip"]["value"]] == [known]
    assert outcomes["ignored"] == {"value": [], "failed": False, "msg": ""}
    assert not outcomes["warned"]["failed"]
    output = " ".join((proc.stdout + proc.stderr).split())  # warnings may be wrapped
    assert output.count("customer %s was not found (unknown ID" % UNKNOWN_ID) == 1  # on_missing=warn only
    assert "on_missing=warn)" in output
    assert "customer %s was not found: the ID is unknown" % UNKNOWN_ID in output  # errors='warn' shows the error


def test_options_from_ini_env_and_vars_with_a_vaulted_secret(sim, ansible):
    """ini < environment < variables < keywords; variables may be templates (2.19 passes them untemplated)."""
    customer = sim.customers[6]
    workdir = ansible.workdir
    # URLs and client ID come from ansible.cfg only; every source below it has a wrong secret
    (workdir / "ansible.cfg").write_text(
        "[avepoint_graph]\napi_url = %s\ntoken_url = %s\nclient_id = %s\nclient_secret = wrong-from-ini\n"
        % (sim.url, sim.token_url, DEFAULT_CLIENT_ID))
    (workdir / "vault-password").write_text(VAULT_PASSWORD + "\n")
    write_vars_file(workdir / "secrets.yml", {"my_timeout": 9}, {"my_vaulted_secret": DEFAULT_CLIENT_SECRET})
    env = {"ANSIBLE_CONFIG": str(workdir / "ansible.cfg"), "AVEPOINT_CLIENT_SECRET": "wrong-from-env"}
    play = {
        "vars_files": [str(workdir / "secrets.yml")],
        "vars": {
            "ansible_avepoint_client_secret": "{{ my_vaulted_secret }}",
            "ansible_avepoint_timeout": "{{ my_timeout }}",  # a typed option given as a template
            "wrong_secret": "wrong-from-keyword",
        },
    }
    outcomes, proc = run_lookups(ansible, {
        "from_vars": call("lookup", quoted(customer["id"])),
        "keyword_wins": call("lookup", quoted(customer["id"]), client_secret="wrong_secret"),
    }, env=env, play=play, args=("--vault-password-file", str(workdir / "vault-password")))
    assert outcomes["from_vars"]["value"] == expected_facts(customer), proc.stdout + proc.stderr
    assert outcomes["keyword_wins"]["failed"]
    assert "check client_id and client_secret" in outcomes["keyword_wins"]["msg"]

    # without the variables, the environment beats ansible.cfg
    outcomes, proc = run_lookups(ansible, {"env_wins": call("lookup", quoted(customer["id"]))},
                                 env=dict(env, AVEPOINT_CLIENT_SECRET=DEFAULT_CLIENT_SECRET))
    assert outcomes["env_wins"]["value"] == expected_facts(customer), proc.stdout + proc.stderr
    assert sim.counters()["token_failures"] == 1  # only the keyword's wrong secret was ever sent


def test_repeated_templating_in_one_task_is_answered_from_the_cache(sim, ansible):
    ids = repr([c["id"] for c in sim.customers[:3]])
    twice = "{{ query(%r, %s) + query(%r, %s) }}"
    outcomes, proc = run_lookups(ansible, {
        "cached": twice % (LOOKUP, ids, LOOKUP, ids),
        "uncached": twice % (LOOKUP, ids + ", cache_ttl=0", LOOKUP, ids + ", cache_ttl=0"),
        "task_vars": "{{ customers | map(attribute='id') + customers | map(attribute='organization') }}",
    }, env=connection_env(sim), task_vars={"task_vars": {"customers": call("query", ids)}})
    assert len(outcomes["cached"]["value"]) == 6 and outcomes["cached"]["value"] == outcomes["uncached"]["value"], proc.stdout
    assert len(outcomes["task_vars"]["value"]) == 6
    counters = sim.counters()
    assert counters["api_requests"] == 3 + 6 + 3  # cached, uncached (twice), the task vars (cached)
    assert counters["token_requests"] == 3  # one per task: the token cache is per process too


def test_bad_input_fails_before_any_request_and_wrong_credentials_are_named(sim, ansible):
    valid = quoted(sim.customers[0]["id"])
    # in a vars file: ansible-core 2.19 quotes playbook lines around a failed task in its error messages
    (ansible.workdir / "wrong.yml").write_text("wrong_secret: wrong-secret-3b9d\n")
    outcomes, proc = run_lookups(ansible, {
        "invalid": call("query", valid, quoted("../partner/customers")),
        "invalid_in_list": call("query", "[%s, 'not-a-guid']" % valid),
        "no_credential": call("lookup", valid, client_secret="''"),
        "bad_option": call("lookup", valid, cloud="'moon'"),
        "wrong_credentials": call("query", valid, client_secret="wrong_secret"),
    }, env=connection_env(sim), play={"vars_files": [str(ansible.workdir / "wrong.yml")]})
    assert outcomes["invalid"]["failed"] and "invalid customer ID '../partner/customers'" in outcomes["invalid"]["msg"]
    assert outcomes["invalid_in_list"]["failed"] and "invalid customer ID 'not-a-guid'" in outcomes["invalid_in_list"]["msg"]
    assert outcomes["no_credential"]["failed"] and "no credential given" in outcomes["no_credential"]["msg"]
    assert outcomes["bad_option"]["failed"] and "moon" in outcomes["bad_option"]["msg"]
    assert outcomes["wrong_credentials"]["failed"]
    assert "authentication failed (invalid_client)" in outcomes["wrong_credentials"]["msg"]
    assert "check client_id and client_secret" in outcomes["wrong_credentials"]["msg"]
    assert "wrong-secret-3b9d" not in proc.stdout + proc.stderr + json.dumps(outcomes)
    counters = sim.counters()
    assert (counters["token_requests"], counters["token_failures"], counters["api_requests"]) == (1, 1, 0)


def test_no_secret_or_token_at_vvvv(ansible, tmp_path):
    from avepoint_simulator import Simulator, SimulatorConfig

    canary = "CANARY-lookup-secret-71c4e9"
    log = tmp_path / "ansible.log"
    (tmp_path / "secrets.yml").write_text("canary_secret: %s\n" % canary)
    with Simulator(SimulatorConfig(customers=6, client_secret=canary)) as own:
        env = connection_env(own, AVEPOINT_CLIENT_SECRET=None)
        env["ANSIBLE_LOG_PATH"] = str(log)
        ids = repr([c["id"] for c in own.customers[:4]])
        play = {"vars_files": [str(tmp_path / "secrets.yml")], "vars": {"ansible_avepoint_client_secret": "{{ canary_secret }}"}}
        own.set_faults([{"kind": "status", "status": 500, "ids": [own.customers[5]["id"]]}])
        outcomes, proc = run_lookups(ansible, {
            "found": call("query", ids, on_missing="'warn'"),
            "missing": call("query", quoted(UNKNOWN_ID), on_missing="'warn'"),
            "wrong": call("query", ids, client_secret="canary_secret + '-wrong'"),
            "wrong_warned": call("query", ids, client_secret="canary_secret + '-wrong'", errors="'warn'"),
            "server_error": call("query", quoted(own.customers[5]["id"]), retries="0"),
        }, env=env, play=play, args=("-vvvv",))
        tokens = own.issued_tokens()
    assert len(outcomes["found"]["value"]) == 4
    assert outcomes["wrong"]["failed"] and not outcomes["wrong_warned"]["failed"]
    assert tokens, "the simulator issued no token"
    text = "\n".join([proc.stdout, proc.stderr, log.read_text(), json.dumps(outcomes)])
    assert "authentication failed (invalid_client)" in text and "HTTP 500" in text
    for secret in [canary, *tokens]:
        assert secret not in text


def test_partner_and_elements_apis_give_the_same_facts(sim, ansible):
    chosen = [sim.customers[i] for i in (4, 12, 19)]
    ids = repr([c["id"] for c in chosen])
    outcomes, proc = run_lookups(ansible, {
        "partner": call("query", ids, api="'partner'"),
        "elements": call("query", ids, api="'elements'"),
    }, env=connection_env(sim))
    elements = outcomes["elements"]["value"]
    assert [c["id"] for c in elements] == [c["id"] for c in chosen], proc.stdout + proc.stderr
    assert [{k: v for k, v in c.items() if k not in ("management_mode", "tenants")} for c in elements] == outcomes["partner"]["value"]
    assert [c["management_mode"] for c in elements] == [c["managementMode"] for c in chosen]
    assert all(isinstance(c["tenants"], list) for c in elements)
    assert sim.counters()["by_path"] == {"GET /partner/customers/{id}": 3, "POST /partner/external/v3/general/customers/batch": 1}
