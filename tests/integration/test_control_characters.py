"""Control characters in API text never reach a terminal or a CI log raw, through every consumer, on both APIs.

The simulator serves one customer with an organization, a status name and a country full of control
characters (shape switch ``field_values``), and then answers every API request with an error whose
message holds them (a ``status`` fault). One ansible-playbook run takes them through the module, the
lookup and the role (whose failure message, drift lines and previous-report warning quote API and
user text); two ansible-inventory runs through the inventory plugin. Nothing printed may hold ESC,
BEL, NUL, DEL or a C1 control; each message shows them as ``\\uXXXX`` instead, while the facts keep
the data as sent.
"""

from __future__ import annotations

import json
import subprocess

import pytest
import yaml

from harness import BIN, AnsibleRun, cleared, connection_env, squeezed

ROLE = "avepoint.graph.customer_compliance"
APIS = ("partner", "elements")
NAME = "ctl:\u001b[31mRED\u0007\u0000end\u009b\u007f"
NAME_SHOWN = "ctl:\\u001b[31mRED\\u0007\\u0000end\\u009b\\u007f"
STATUS = "Paused\u001b[5m\u0007"  # a jobStatus name the collection does not know
STATUS_SHOWN = "Paused\\u001b[5m\\u0007"
COUNTRY = "Fr\u001bance"
SERVER_SAYS = "denied\u001b]0;pwned\u0007 for\u0000you"  # an OSC sequence: would retitle a terminal
SERVER_SHOWN = "denied\\u001b]0;pwned\\u0007 for\\u0000you"
PREVIOUS = "previous\u001b[2J.json"  # a user's path, quoted by a warning


def printed(text, output):
    """Whether a message was printed: as it is (an error line), or as a JSON string (a task result)."""
    return squeezed(text) in squeezed(output) or squeezed(json.dumps(text)[1:-1]) in squeezed(output)


def raw_controls(text):
    return sorted({"U+%04X" % ord(ch) for ch in text if (ord(ch) < 0x20 and ch not in "\t\n\r") or 0x7f <= ord(ch) < 0xa0})


def role_run(api, target, workdir):
    """Run the role on one API; keep its failure message and its result."""
    role_vars = {
        "customer_compliance_expected": [{"id": target, "job_status": "Working", "country_or_region": "France"}],
        "customer_compliance_report_dir": str(workdir / api),
        "customer_compliance_previous_report": str(workdir / PREVIOUS),
    }
    return [
        {"name": "role on %s" % api, "module_defaults": {"group/avepoint.graph.avepoint": {"api": api}},
         "block": [{"ansible.builtin.include_role": {"name": ROLE}, "vars": role_vars}],
         "rescue": [{"ansible.builtin.set_fact": {"failures": "{{ failures | combine({'%s': ansible_failed_result.msg}) }}" % api}}]},
        {"ansible.builtin.set_fact": {"results": "{{ results | combine({'%s': customer_compliance_result}) }}" % api}},
    ]


def failing_reads(api, target):
    """The module and the lookup while every API request fails with the server's message."""
    lookup = "{{ query('avepoint.graph.avepoint_customer', '%s', api='%s', cache_ttl=0) }}" % (target, api)
    return [
        {"name": "module on %s, failing" % api, "avepoint.graph.avepoint_customer_info": {"ids": [target], "api": api},
         "register": "module_error_%s" % api, "ignore_errors": True},
        {"name": "lookup on %s, failing" % api,
         "block": [{"ansible.builtin.set_fact": {"never": lookup}}],
         "rescue": [{"ansible.builtin.set_fact": {"errors": "{{ errors | combine({'lookup_%s': ansible_failed_result.msg, "
                                                            "'module_%s': module_error_%s.msg}) }}" % (api, api, api)}}]},
    ]


@pytest.fixture(scope="module")
def runs(simulator_server, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("control-characters")
    with cleared(simulator_server) as sim:
        target = sim.customers[3]["id"]
        sim.set_shapes({"field_values": {"organization": NAME, "jobStatus": STATUS, "countryOrRegion": COUNTRY}, "ids": [target]})
        fault = [{"kind": "status", "status": 400, "body": {"message": SERVER_SAYS, "requestId": "req\u0007"}}]
        lookups = " + ".join("query('avepoint.graph.avepoint_customer', '%s', api='%s', cache_ttl=0)" % (target, api) for api in APIS)
        tasks = [{"name": "facts on %s" % api, "avepoint.graph.avepoint_customer_info": {"ids": [target], "api": api},
                  "register": "facts_%s" % api} for api in APIS]
        tasks.append({"name": "lookup on both APIs", "ansible.builtin.set_fact": {"looked_up": "{{ %s }}" % lookups}})
        for api in APIS:
            tasks += role_run(api, target, workdir)
        tasks.append({"name": "every request fails", "ansible.builtin.uri": {
            "url": "%s/_sim/faults" % sim.url, "method": "POST", "body_format": "json", "body": fault}})
        for api in APIS:
            tasks += failing_reads(api, target)
        tasks.append({"name": "no more failures", "ansible.builtin.uri": {"url": "%s/_sim/faults" % sim.url, "method": "DELETE"}})
        saved = "{{ {'facts': [facts_partner, facts_elements], 'looked_up': looked_up, 'failures': failures, 'results': results, " \
                "'errors': errors} | to_json }}"
        tasks.append({"name": "save", "ansible.builtin.copy": {"content": saved, "dest": str(workdir / "saved.json")}})
        play = {"hosts": "localhost", "gather_facts": False, "tasks": tasks, "vars": {"failures": {}, "results": {}, "errors": {}}}
        playbook = AnsibleRun(workdir).playbook([play], env=connection_env(sim))

        sources = []
        for api in APIS:
            name = "%s.avepoint_customers.yml" % api
            (workdir / name).write_text(yaml.safe_dump({"plugin": "avepoint.graph.avepoint_customers", "api": api}))
            sources += ["-i", name]
        env = AnsibleRun(workdir).env(connection_env(sim))
        inventories = {}
        for name in ("facts", "error"):
            if name == "error":
                sim.set_faults(fault)
            inventories[name] = subprocess.run([str(BIN / "ansible-inventory"), *sources, "--list"], cwd=workdir, env=env,
                                               capture_output=True, text=True, timeout=300, check=False)
        saved = json.loads((workdir / "saved.json").read_text()) if (workdir / "saved.json").exists() else None
    return {"playbook": playbook, "inventories": inventories, "saved": saved, "target": target, "workdir": workdir}


def test_the_playbook_ran(runs):
    assert runs["saved"], runs["playbook"].stdout[-3000:] + runs["playbook"].stderr[-3000:]


@pytest.mark.parametrize("run", ["playbook", "inventory facts", "inventory error"])
def test_nothing_printed_holds_a_raw_control_character(runs, run):
    proc = runs["playbook"] if run == "playbook" else runs["inventories"][run.split()[1]]
    assert raw_controls(proc.stderr) == [], proc.stderr[-2000:]
    if run == "inventory facts":
        # --list writes the facts, as sent, as JSON: C0 controls escaped by JSON itself (DEL and C1 are valid JSON text)
        assert [code for code in raw_controls(proc.stdout) if code < "U+0020"] == []
    else:
        assert raw_controls(proc.stdout) == [], proc.stdout[-2000:]


def test_the_facts_keep_the_data_as_sent(runs):
    saved, target = runs["saved"], runs["target"]
    customers = [facts["customers"][0] for facts in saved["facts"]] + saved["looked_up"]
    assert len(customers) == 4
    for customer in customers:
        assert (customer["id"], customer["organization"], customer["job_status"], customer["country_or_region"]) == (
            target, NAME, STATUS, COUNTRY)


@pytest.mark.parametrize("api", APIS)
def test_the_role_shows_api_text_escaped_in_its_failure_drift_lines_and_warnings(runs, api):
    target, output = runs["target"], runs["playbook"].stdout + runs["playbook"].stderr
    failure = runs["saved"]["failures"][api]
    assert failure == ("customer compliance failed for 1 of 1 customers; 1 drifted: %s (%s) [job_status, country_or_region]; "
                       "since the previous report: 2 new, 0 persisting, 0 resolved" % (NAME_SHOWN, target))
    assert printed(failure, output)
    for line in ("~ %s (%s) job_status: expected Working, got %s [new]" % (NAME_SHOWN, target, STATUS_SHOWN),
                 "~ %s (%s) country_or_region: expected France, got Fr\\u001bance [new]" % (NAME_SHOWN, target)):
        # the debug task prints the lines as JSON strings, which double the backslash
        assert json.dumps(line)[1:-1] in output, line
    assert squeezed("there is no previous report at %s/previous\\u001b[2J.json (the first run?)" % runs["workdir"]) in squeezed(output)
    assert runs["saved"]["results"][api]["drifted"][0]["organization"] == NAME  # the JSON report keeps the data


@pytest.mark.parametrize("api", APIS)
def test_module_and_lookup_errors_and_warnings_show_api_text_escaped(runs, api):
    errors, output = runs["saved"]["errors"], runs["playbook"].stdout + runs["playbook"].stderr
    for consumer in ("module", "lookup"):
        message = errors["%s_%s" % (consumer, api)]
        assert "HTTP 400 Bad Request for customer %s" % runs["target"] in message, message
        assert ": %s (requestId req\\u0007)" % SERVER_SHOWN in message and not raw_controls(message), message
        assert printed(SERVER_SHOWN, output)
    assert printed("jobStatus name(s) this collection does not know: '%s'" % STATUS_SHOWN, output)


def test_inventory_warnings_and_errors_show_api_text_escaped(runs):
    facts, error = runs["inventories"]["facts"], runs["inventories"]["error"]
    assert facts.returncode == 0, facts.stderr
    assert squeezed("jobStatus name(s) this collection does not know: '%s'" % STATUS_SHOWN) in squeezed(facts.stderr)
    for api in APIS:
        assert squeezed("%s.avepoint_customers.yml: HTTP 400 Bad Request for the customer list (page 1): %s (requestId req\\u0007)"
                        % (api, SERVER_SHOWN)) in squeezed(error.stderr), error.stderr
