"""Odd but possible API data through every consumer: status spellings, reserved host names,
lone surrogates, control characters, country names that differ, an empty customer list.

Two simulators serve datasets made for this file; one ansible-inventory run and one
ansible-playbook run (module, lookup and role, several cases each) keep the machine time small.
"""

from __future__ import annotations

import json
import stat
import subprocess
import xml.etree.ElementTree as ET

import pytest
import yaml

from harness import BIN, AnsibleRun, Simulator, SimulatorConfig, connection_env, plain

ROLE = "avepoint.graph.customer_compliance"


def cid(number: int) -> str:
    return "%08x-0000-4000-8000-%012x" % (number, number)


ALL, UNGROUPED, LOCALHOST, LOOPBACK, V6, SURROGATE, CONTROL, UNKNOWN = (cid(n) for n in range(1, 9))
CONTROL_NAME = "Ctl\u0007\u001b[31m<b>Corp</b>"

# partnerJobStatus: what the partner API sends; the v3 API sends jobStatusCode.
DATASET = [
    {"id": ALL, "organization": "All", "jobStatusCode": 1, "partnerJobStatus": "working", "countryOrRegion": "Viet Nam"},
    {"id": UNGROUPED, "organization": "Ungrouped", "jobStatusCode": 6, "partnerJobStatus": "No Backup Update",
     "countryOrRegion": "Vietnam"},
    {"id": LOCALHOST, "organization": "LocalHost", "jobStatusCode": 4, "partnerJobStatus": "MultipleIssuesFound",
     "countryOrRegion": "Turkey"},
    {"id": LOOPBACK, "organization": "127.0.0.1", "jobStatusCode": 3, "partnerJobStatus": "Waiting for Configuration"},
    {"id": V6, "organization": "::1", "jobStatusCode": 5, "partnerJobStatus": "Finished with Exception"},
    {"id": SURROGATE, "organization": "Lone \ud800 Corp", "ownerEmail": "x\udc00@lone.example", "jobStatusCode": 1},
    {"id": CONTROL, "organization": CONTROL_NAME, "jobStatusCode": 2},
    {"id": UNKNOWN, "organization": "Paused Ltd", "jobStatusCode": 9, "partnerJobStatus": "Backup paused"},
]

CANONICAL = {ALL: "Working", UNGROUPED: "No backup updates", LOCALHOST: "Multiple issues found",
             LOOPBACK: "Waiting for configuration", V6: "Finished with exception", SURROGATE: "Working", CONTROL: "Failed"}
CODES = {ALL: 1, UNGROUPED: 6, LOCALHOST: 4, LOOPBACK: 3, V6: 5, SURROGATE: 1, CONTROL: 2}


@pytest.fixture(scope="module")
def odd_sim(tmp_path_factory):
    path = tmp_path_factory.mktemp("odd-dataset") / "dataset.json"
    path.write_text(json.dumps(DATASET))  # ensure_ascii: the lone surrogates travel as \ud800 escapes
    with Simulator(SimulatorConfig(dataset_file=str(path))) as sim:
        yield sim


@pytest.fixture(scope="module")
def empty_sim(tmp_path_factory):
    path = tmp_path_factory.mktemp("empty-dataset") / "dataset.json"
    path.write_text("[]")
    with Simulator(SimulatorConfig(dataset_file=str(path))) as sim:
        yield sim


# --- inventory: one ansible-inventory run -----------------------------------------------------

@pytest.fixture(scope="module")
def inventory_run(odd_sim, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("odd-inventory")
    (workdir / "10-static.yml").write_text(yaml.safe_dump(
        {"all": {"hosts": {"web01": {"role": "web"}}, "children": {"dbs": {"hosts": {"db01": {"role": "db"}}}}}}))
    (workdir / "20-odd.avepoint_customers.yml").write_text(yaml.safe_dump({
        "plugin": "avepoint.graph.avepoint_customers", "hostname": "organization",
        "filters": {"job_status": ["NoBackupUpdate", "working", 4, "Waiting for Configuration", 5, 2, "Backup paused"]},
        "keyed_groups": [{"key": "avepoint_customer.job_status_code | string", "prefix": "code"}],
    }))
    env = AnsibleRun(workdir).env(dict(connection_env(odd_sim), ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED="True"))
    proc = subprocess.run([str(BIN / "ansible-inventory"), "-i", "10-static.yml", "-i", "20-odd.avepoint_customers.yml", "--list"],
                          cwd=workdir, env=env, capture_output=True, text=True, timeout=300, check=False)
    return proc


def test_reserved_organization_names_never_become_reserved_host_names(inventory_run):
    proc = inventory_run
    assert proc.returncode == 0, proc.stderr
    listing = plain(json.loads(proc.stdout))
    hostvars = listing["_meta"]["hostvars"]
    assert set(hostvars) == {"web01", "db01", "all-00000001", "ungrouped-00000002", "localhost-00000003",
                             "127-0-0-1", "1", "lone-corp", "ctl-31m-b-corp-b", "paused-ltd"}
    assert not {name.casefold() for name in hostvars} & {"all", "ungrouped", "localhost", "127.0.0.1", "::1"}
    # the other inventory source is intact and the implicit groups work
    assert hostvars["web01"] == {"role": "web"} and listing["dbs"]["hosts"] == ["db01"]
    assert {"ungrouped", "dbs"} <= set(listing["all"]["children"])
    assert listing["ungrouped"]["hosts"] == ["web01"] and "all-00000001" in listing["code_1"]["hosts"]
    assert hostvars["localhost-00000003"]["avepoint_customer_id"] == LOCALHOST


def test_inventory_facts_are_canonical_and_valid_unicode(inventory_run):
    proc = inventory_run
    hostvars = plain(json.loads(proc.stdout))["_meta"]["hostvars"]
    facts = {variables["avepoint_customer_id"]: variables["avepoint_customer"]
             for variables in hostvars.values() if "avepoint_customer" in variables}
    assert {customer_id: f["job_status"] for customer_id, f in facts.items() if customer_id in CANONICAL} == CANONICAL
    assert facts[UNKNOWN]["job_status"] == "Backup paused" and facts[UNKNOWN]["job_status_code"] is None
    assert facts[SURROGATE]["organization"] == "Lone \ufffd Corp"
    assert facts[SURROGATE]["owner_email"] == "x\ufffd@lone.example"
    # filters in any spelling matched every customer; keyed groups by code
    assert len(facts) == 8
    assert plain(json.loads(proc.stdout))["code_6"]["hosts"] == ["ungrouped-00000002"]
    warnings = " ".join(proc.stderr.split())
    assert "lone UTF-16 surrogate) for customer(s) %s (organization, owner_email)" % SURROGATE in warnings
    assert "jobStatus name(s) this collection does not know: 'Backup paused' (1 customer(s))" in warnings


# --- module, lookup and role: one ansible-playbook run -----------------------------------------

def declaration():
    return [
        {"id": ALL, "job_status": "Working", "country_or_region": "Vietnam"},
        {"id": UNGROUPED, "job_status": "No backup updates", "country_or_region": "viet nam"},
        {"id": LOCALHOST, "job_status": 4, "country_or_region": "Türkiye"},
        {"id": LOOPBACK, "job_status": "WaitingForConfiguration"},
        {"id": V6, "job_status": ["Failed", "finished with exceptions"]},
        {"id": SURROGATE, "job_status": "Working"},
        {"id": CONTROL, "job_status": "Working"},
        {"id": UNKNOWN, "job_status": "backup paused"},  # unknown names compare exactly
    ]


SAVED = ("{{ {'partner': partner, 'elements': elements, 'looked_up': looked_up, 'looked_up_again': looked_up_again, "
         "'partner_result': partner_result, 'elements_result': elements_result, "
         "'empty_error': empty_error | default(None), 'empty_result': empty_result} | to_json }}")


def include_role(role_vars, save_as, **block):
    return dict(block, block=[
        {"name": "run the role (%s)" % save_as, "ansible.builtin.include_role": {"name": ROLE}, "vars": role_vars},
        {"name": "keep %s" % save_as, "ansible.builtin.set_fact": {save_as: "{{ customer_compliance_result }}"}},
    ])


@pytest.fixture(scope="module")
def playbook_run(odd_sim, empty_sim, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("odd-playbook")
    existing = workdir / "existing-dir"
    existing.mkdir(mode=0o755)
    existing.chmod(0o755)
    base = {"customer_compliance_expected": declaration(), "customer_compliance_fail_on_drift": False}
    empty_service = {"api_url": empty_sim.url, "token_url": empty_sim.token_url}
    lookup = "{{ query('avepoint.graph.avepoint_customer', '%s', '%s', cache_ttl=0) }}" % (UNKNOWN, SURROGATE)
    tasks = [
        {"name": "partner facts", "avepoint.graph.avepoint_customer_info": {}, "register": "partner"},
        {"name": "elements facts", "avepoint.graph.avepoint_customer_info": {"api": "elements"}, "register": "elements"},
        {"name": "lookup", "ansible.builtin.set_fact": {"looked_up": lookup}},
        {"name": "lookup again (same warnings)", "ansible.builtin.set_fact": {"looked_up_again": lookup}},
        include_role(dict(base, customer_compliance_report_dir=str(workdir / "new" / "reports")), "partner_result",
                     check_mode=True),
        include_role(dict(base, customer_compliance_report_dir=str(existing)), "elements_result",
                     module_defaults={"group/avepoint.graph.avepoint": {"api": "elements"}}),
        {"name": "an empty scope fails by default",
         "module_defaults": {"group/avepoint.graph.avepoint": empty_service},
         "block": [{"ansible.builtin.include_role": {"name": ROLE}, "vars": {"customer_compliance_scope": "all"}}],
         "rescue": [{"ansible.builtin.set_fact": {"empty_error": "{{ ansible_failed_result.msg }}"}}]},
        include_role({"customer_compliance_scope": "all", "customer_compliance_allow_empty": True}, "empty_result",
                     module_defaults={"group/avepoint.graph.avepoint": empty_service}),
        {"name": "save", "ansible.builtin.copy": {"dest": str(workdir / "results.json"), "content": SAVED}},
    ]
    proc = AnsibleRun(workdir).playbook([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}],
                                        env=connection_env(odd_sim))
    results = json.loads((workdir / "results.json").read_text()) if (workdir / "results.json").exists() else None
    return {"proc": proc, "results": results, "workdir": workdir, "empty_url": empty_sim.url}


def test_playbook_ran(playbook_run):
    proc = playbook_run["proc"]
    assert proc.returncode == 0 and playbook_run["results"], proc.stdout + proc.stderr
    # the organization's bell and escape sequence are printed escaped (test_control_characters.py has more)
    assert "\u0007" not in proc.stdout + proc.stderr and "\u001b" not in proc.stdout + proc.stderr


def test_module_statuses_and_text(playbook_run):
    results = playbook_run["results"]
    for api in ("partner", "elements"):
        customers = {c["id"]: c for c in results[api]["customers"]}
        assert {i: (customers[i]["job_status"], customers[i]["job_status_code"]) for i in CANONICAL} == {
            i: (CANONICAL[i], CODES[i]) for i in CANONICAL}, api
        assert customers[SURROGATE]["organization"] == "Lone \ufffd Corp", api
        assert customers[CONTROL]["organization"] == CONTROL_NAME, api  # facts keep the data as sent
    assert {c["id"]: c for c in results["partner"]["customers"]}[UNKNOWN]["job_status"] == "Backup paused"
    assert {c["id"]: c for c in results["elements"]["customers"]}[UNKNOWN]["job_status"] == "Unknown (9)"
    assert results["partner"]["service"] == {"cloud": "commercial", "api": "partner", "api_url": results["partner"]["service"]["api_url"]}
    assert results["elements"]["service"]["api"] == "elements"


def test_lookup_replaces_surrogates_and_warns_once_per_run(playbook_run):
    results, proc = playbook_run["results"], playbook_run["proc"]
    assert results["looked_up"] == results["looked_up_again"]
    assert [c["id"] for c in results["looked_up"]] == [UNKNOWN, SURROGATE]
    assert results["looked_up"][1]["organization"] == "Lone \ufffd Corp"
    assert results["looked_up"][0]["job_status"] == "Backup paused" and results["looked_up"][0]["job_status_code"] is None
    output = " ".join((proc.stdout + proc.stderr).split())
    # module, lookup and the role's module all saw 'Backup paused' once: one warning text, shown once
    assert output.count("jobStatus name(s) this collection does not know: 'Backup paused' (1 customer(s))") == 1, output
    assert "Non UTF-8 encoded data replaced" not in output


def test_role_gate_reads_the_same_whichever_api_answered(playbook_run):
    results = playbook_run["results"]
    partner, elements = results["partner_result"], results["elements_result"]
    assert partner["summary"] == elements["summary"] == {"total": 8, "compliant": 6, "drifted": 2, "missing": 0}
    assert partner["compliant"] == elements["compliant"] == [ALL, UNGROUPED, LOCALHOST, LOOPBACK, V6, SURROGATE]
    drifted = {d["id"]: d["fields"] for d in partner["drifted"]}
    assert drifted[CONTROL] == [{"field": "job_status", "expected": ["Working"], "actual": "Failed"}]
    assert drifted[UNKNOWN] == [{"field": "job_status", "expected": ["backup paused"], "actual": "Backup paused"}]
    assert {d["id"]: d["fields"] for d in elements["drifted"]}[UNKNOWN][0]["actual"] == "Unknown (9)"


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_reports_are_private_and_written_in_check_mode(playbook_run):
    workdir = playbook_run["workdir"]
    new_dir, existing = workdir / "new" / "reports", workdir / "existing-dir"
    assert mode(new_dir) == 0o700  # created by the role (in check mode)
    assert mode(existing) == 0o755  # the user's directory keeps its mode
    for directory in (new_dir, existing):
        names = sorted(path.name for path in directory.iterdir())
        assert names == ["compliance.html", "compliance.json", "compliance.junit.xml"], directory
        for path in directory.iterdir():
            assert mode(path) == 0o600, path


def test_reports_show_control_characters_and_replaced_surrogates(playbook_run):
    report_dir = playbook_run["workdir"] / "new" / "reports"
    page = (report_dir / "compliance.html").read_text(encoding="utf-8")
    assert "Ctl\\u0007\\u001b[31m&lt;b&gt;Corp&lt;/b&gt;" in page
    assert "\u0007" not in page and "\u001b" not in page
    assert "Lone \ufffd Corp" in page
    junit = ET.parse(report_dir / "compliance.junit.xml").getroot()
    names = [case.get("name") for case in junit.iter("testcase")]
    assert "Ctl\\u0007\\u001b[31m<b>Corp</b> (%s)" % CONTROL in names
    report = json.loads((report_dir / "compliance.json").read_text(encoding="utf-8"))
    assert report["summary"]["drifted"] == 2


def test_an_empty_scope_fails_naming_the_service_unless_allowed(playbook_run):
    results = playbook_run["results"]
    message = results["empty_error"]
    assert message and "the partner API at %s (cloud commercial) returned no customers" % playbook_run["empty_url"] in message
    assert "customer_compliance_allow_empty" in message
    assert results["empty_result"]["summary"] == {"total": 0, "compliant": 0, "drifted": 0, "missing": 0}
