"""Protection coverage through every consumer on both APIs: avepoint_protection_info, the lookup's and the
inventory's ``protection`` option, against a simulator serving a dataset made for this file.

One ansible-playbook run (the module on both APIs in check mode, the lookup on both APIs, and the
failures: another customer's data, a bad ID, a missing permission) and two ansible-inventory runs
(the second from the cache) keep the machine time small. The simulator serves AvePoint's published
sample shapes: modules spelt in the singular (``Microsoft 365 Group``), the v3 page wrapped in ``[ ]``,
here two workloads a page so that every answer is paged.
"""

from __future__ import annotations

import json
import subprocess

import pytest
import yaml

from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.reports import summary_lines
from harness import BIN, AnsibleRun, Simulator, SimulatorConfig, connection_env, plain, squeezed

MODULE = "avepoint.graph.avepoint_protection_info"
CB365 = "Cloud Backup for Microsoft 365"
API_ARGS = {"partner": {}, "elements": {"api": "elements"}}
PARTNER_PATH = "GET /partner/customers/{id}/protected"
ELEMENTS_PATH = "GET /partner/external/v3/general/customers/{id}/cloud-backup-m365/overview"
M365 = ["Exchange Online", "SharePoint Online", "OneDrive", "Microsoft Teams"]
# The spellings of the published samples, and the names every consumer returns.
NAMES = {"Microsoft 365 Group": "Microsoft 365 Groups", "OneDrive for Business": "OneDrive"}
UNITS = {"GB": 2 ** 30, "MB": 2 ** 20}


def cid(number: int) -> str:
    return "%08x-0000-4000-8000-%012x" % (number, number)


def item(module, scanned, protected, avepoint="1 GB", byos="N/A"):
    return {"serviceType": CB365, "serviceModule": module, "totalScannedObjects": scanned, "totalProtectedObjects": protected,
            "dataSizeStoredInAvePoint": avepoint, "dataSizeStoredInBYOS": byos}


def full(*leave_out, **changed):
    """Every Microsoft 365 workload protected, spelt as the samples spell them, but ``leave_out``; ``changed``: name -> item."""
    modules = {"Exchange Online": item("Exchange Online", 120, 120, "2.5 GB"),
               "SharePoint Online": item("SharePoint Online", 40, 40, "512 MB"),
               "OneDrive": item("OneDrive for Business", 60, 60, "N/A", "3 GB"),
               "Microsoft Teams": item("Microsoft Teams", 12, 12, "0 GB"),
               "Microsoft 365 Groups": item("Microsoft 365 Group", 7, 7)}
    modules.update(changed)
    return [entry for name, entry in modules.items() if name not in leave_out]


FULL, PARTIAL, NO_ONEDRIVE, UNPROTECTED, UNSCANNED, NOTHING, ODD, WRONG = (cid(n) for n in range(1, 9))
UNKNOWN = cid(99)
PROTECTION = {
    FULL: full(),
    PARTIAL: full(**{"SharePoint Online": item("SharePoint Online", 200, 189)}),  # 94.5%
    NO_ONEDRIVE: full("OneDrive"),  # never added to the backup
    UNPROTECTED: full(OneDrive=item("OneDrive for Business", 45, 0, "0 GB")),
    UNSCANNED: full(**{"Microsoft Teams": item("Microsoft Teams", 0, 0, "0 GB")}),  # nothing to protect yet
    NOTHING: [],
    ODD: [item("Copilot Notebooks", 3, 1), item("Exchange Online", 10, 10, "1,5 GB")],
    WRONG: full(),
}
CHECKED = [FULL, PARTIAL, NO_ONEDRIVE, UNPROTECTED, UNSCANNED, NOTHING, ODD]


def expected(items):
    """The workloads every consumer must return for ``items``, computed here from the raw values."""
    def size(entry):
        sizes = [entry[key] for key in ("dataSizeStoredInAvePoint", "dataSizeStoredInBYOS") if entry[key] != "N/A"]
        if any("," in text for text in sizes):
            return None
        return sum(round(float(text.split()[0]) * UNITS[text.split()[1]]) for text in sizes)

    workloads = [{"workload": NAMES.get(entry["serviceModule"], entry["serviceModule"]), "service": CB365,
                  "scanned_objects": entry["totalScannedObjects"], "protected_objects": entry["totalProtectedObjects"],
                  "coverage_percent": int(entry["totalProtectedObjects"] * 10000 // entry["totalScannedObjects"]) / 100
                  if entry["totalScannedObjects"] else None,
                  "last_job_size_bytes": size(entry)} for entry in items]
    return sorted(workloads, key=lambda w: w["workload"].lower())


def protected(items):
    return sorted({w["workload"] for w in expected(items) if w["protected_objects"]}, key=str.lower)


EXPECTED = {customer_id: {"customer_id": customer_id, "workloads": expected(PROTECTION[customer_id]),
                          "protected_workloads": protected(PROTECTION[customer_id])} for customer_id in CHECKED}


@pytest.fixture(scope="module")
def protection_sim(tmp_path_factory):
    path = tmp_path_factory.mktemp("protection") / "dataset.json"
    path.write_text(json.dumps([{"id": customer_id, "organization": "Org %d" % n, "jobStatusCode": 1, "protection": items}
                                for n, (customer_id, items) in enumerate(PROTECTION.items(), 1)]))
    with Simulator(SimulatorConfig(dataset_file=str(path), shapes={"protection_wrapped": True, "protection_page_size": 2,
                                                                   "wrong_id": [WRONG]})) as sim:
        yield sim


def lookup(api, options="protection=true"):
    extra = ", api='elements'" if api == "elements" else ""
    return "{{ query('avepoint.graph.avepoint_customer', checked, on_missing='skip', %s%s) }}" % (options, extra)


def role(name, module_args, defaults):
    """The compliance role over the checked customers, its result kept in ``roles[name]``."""
    return {"name": "role: %s" % name, "module_defaults": {"group/avepoint.graph.avepoint": module_args}, "block": [
        {"ansible.builtin.include_role": {"name": "avepoint.graph.customer_compliance"}, "vars": {
            "customer_compliance_expected": [{"id": customer_id} for customer_id in CHECKED],
            "customer_compliance_defaults": defaults, "customer_compliance_fail_on_drift": False,
            "customer_compliance_report_dir": "reports-%s" % name}},
        {"ansible.builtin.set_fact": {"roles": "{{ roles | combine({'%s': customer_compliance_result}) }}" % name}}]}


@pytest.fixture(scope="module")
def playbook_run(protection_sim, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("protection-playbook")
    ids = CHECKED + [UNKNOWN]
    tasks = []
    for api, args in API_ARGS.items():
        tasks.append({"name": "protection on the %s API" % api, MODULE: dict(args, customer_ids=ids), "register": "module_%s" % api})
        tasks.append({"name": "lookup on the %s API" % api, "ansible.builtin.set_fact": {"lookup_%s" % api: lookup(api)}})
    tasks.append({"name": "lookup with both fact options", "ansible.builtin.set_fact": {
        "lookup_both": lookup("elements", "protection=true, last_success=true, cache_ttl=0")}})
    for api, args in API_ARGS.items():
        tasks.append(role(api, args, {"protected_workloads": M365, "protection_coverage_at_least": "95%"}))
    tasks.append(role("no_protection_rule", {}, {"job_status": "Working"}))
    tasks.append({"name": "was the protection task skipped?", "ansible.builtin.set_fact": {
        "protection_skipped": "{{ customer_compliance_protection_started.skipped | default(false) }}"}})
    failing = {"wrong": {"customer_id": WRONG, "api": "elements"},
               "bad_id": {"customer_ids": [FULL, "not-a-guid"]},
               "no_permission": {"customer_id": FULL, "scope": "partner.customers.read.all"}}
    for name, args in failing.items():
        tasks.append({"name": "fails: %s" % name, MODULE: args, "register": "fails_%s" % name, "ignore_errors": True})
    saved = ("{{ {'module': {'partner': module_partner, 'elements': module_elements}, "
             "'lookup': {'partner': lookup_partner, 'elements': lookup_elements, 'both': lookup_both}, "
             "'fails': {'wrong': fails_wrong, 'bad_id': fails_bad_id, 'no_permission': fails_no_permission}, "
             "'role': roles, 'protection_skipped': protection_skipped} | to_json }}")
    tasks.append({"name": "save", "ansible.builtin.copy": {"dest": str(workdir / "out.json"), "content": saved},
                  "check_mode": False})
    plays = [{"hosts": "localhost", "gather_facts": False, "vars": {"checked": ids, "roles": {}}, "tasks": tasks}]
    protection_sim.reset_counters()
    proc = AnsibleRun(workdir).playbook(plays, env=connection_env(protection_sim), args=("--check",))
    assert (workdir / "out.json").exists(), proc.stdout + proc.stderr
    return json.loads((workdir / "out.json").read_text()), proc, protection_sim.counters()


def test_the_module_gives_the_same_coverage_per_workload_on_both_apis_in_check_mode(playbook_run):
    out, proc, counters = playbook_run
    for api in API_ARGS:
        result = out["module"][api]
        assert not result.get("failed") and result["changed"] is False, result
        assert result["customers"] == [EXPECTED[customer_id] for customer_id in CHECKED], api
        assert result["missing_ids"] == [UNKNOWN]
        warnings = squeezed(" ".join(result["warnings"]))
        assert len(result["warnings"]) == 2, result["warnings"]
        assert squeezed("service module(s) this collection does not know: 'Copilot Notebooks' (1 customer(s))") in warnings
        assert squeezed("data sizes this collection cannot read: '1,5 GB' in dataSizeStoredInAvePoint (1 workload(s))") in warnings
    by_id = {entry["customer_id"]: entry for entry in out["module"]["partner"]["customers"]}
    assert "OneDrive" not in by_id[NO_ONEDRIVE]["protected_workloads"] + by_id[UNPROTECTED]["protected_workloads"]
    assert [w["coverage_percent"] for w in by_id[PARTIAL]["workloads"] if w["workload"] == "SharePoint Online"] == [94.5]
    assert [w["coverage_percent"] for w in by_id[UNSCANNED]["workloads"] if w["workload"] == "Microsoft Teams"] == [None]
    # Two workloads a page: every customer's answer is read to its end, on both APIs.
    pages = sum(max(1, -(-len(PROTECTION[customer_id]) // 2)) for customer_id in CHECKED) + 1  # the unknown ID: one 404
    assert counters["by_path"][PARTNER_PATH] >= pages and counters["by_path"][ELEMENTS_PATH] >= pages
    assert "Traceback" not in proc.stdout + proc.stderr


def test_the_lookup_adds_the_same_facts_on_both_apis_and_with_last_success(playbook_run):
    out, _proc, _counters = playbook_run
    for name in ("partner", "elements", "both"):
        facts = out["lookup"][name]
        assert [f["id"] for f in facts] == CHECKED, name  # the unknown ID skipped
        for customer in facts:
            assert customer["workloads"] == EXPECTED[customer["id"]]["workloads"], name
            assert customer["protected_workloads"] == EXPECTED[customer["id"]]["protected_workloads"], name
        assert ("last_success" in facts[0]) == (name == "both")


def test_another_customers_data_a_bad_id_and_a_missing_permission_fail_with_what_to_do(playbook_run):
    out, _proc, counters = playbook_run
    wrong, bad_id, no_permission = (out["fails"][name] for name in ("wrong", "bad_id", "no_permission"))
    assert wrong["failed"] and ("the API answered with data of customer %s for protected workload" % FULL) in wrong["msg"]
    assert "refusing to report another customer's protection" in wrong["msg"]
    assert bad_id["failed"] and "invalid customer ID 'not-a-guid'" in bad_id["msg"]
    assert no_permission["failed"] and "HTTP 403" in no_permission["msg"]
    assert "needs the permission 'partner.cbprotected.read.all' for the partner API" in no_permission["msg"]
    # the modules, the lookups, the roles (customers, then protection), wrong, no_permission: bad_id asks nothing
    assert counters["token_requests"] == 2 + 3 + 2 * 2 + 1 + 1 + 1


ROLE_FINDINGS = {
    PARTIAL: ["protection_coverage_at_least[SharePoint Online]: expected at least 95%, got 94.5% (189 of 200 objects)"],
    NO_ONEDRIVE: ["protected_workloads[OneDrive]: expected protected, got absent"],
    UNPROTECTED: ["protected_workloads[OneDrive]: expected protected, got 0 protected objects",
                  "protection_coverage_at_least[OneDrive]: expected at least 95%, got 0.0% (0 of 45 objects)"],
    UNSCANNED: ["protected_workloads[Microsoft Teams]: expected protected, got 0 protected objects"],  # nothing scanned: no coverage drift
    NOTHING: ["protected_workloads[%s]: expected protected, got absent" % name for name in M365],
    ODD: ["protected_workloads[%s]: expected protected, got absent" % name for name in M365[1:]]
    + ["protection_coverage_at_least[Copilot Notebooks]: expected at least 95%, got 33.33% (1 of 3 objects)"],
}


def test_the_role_names_each_unprotected_workload_on_both_apis_and_reads_protection_only_when_a_rule_needs_it(playbook_run):
    out, proc, _counters = playbook_run
    printed = squeezed(proc.stdout)
    assert all(squeezed(finding) in printed for findings in ROLE_FINDINGS.values() for finding in findings)
    for api in API_ARGS:
        result = out["role"][api]
        assert result["compliant"] == [FULL], api
        lines = {customer_id: [] for customer_id in ROLE_FINDINGS}
        for line in summary_lines(result)[1:-1]:
            customer_id = line.split("(", 1)[1].split(")", 1)[0]
            lines[customer_id].append(line.split(") ", 1)[1])
        assert lines == ROLE_FINDINGS, api
        drifted = {entry["id"]: entry["fields"] for entry in result["drifted"]}
        assert {(f["field"], f["workload"]) for f in drifted[NO_ONEDRIVE]} == {("protected_workloads", "OneDrive")}
    assert out["role"]["no_protection_rule"]["summary"]["compliant"] == len(CHECKED)
    assert out["protection_skipped"] is True


def failing_role(name, entry):
    """Tasks: the role for one entry with only the customer permission; its failure is kept as failures[name]."""
    return {"name": "a background read that fails: %s" % name, "block": [
        {"ansible.builtin.include_role": {"name": "avepoint.graph.customer_compliance"}, "vars": {
            "customer_compliance_expected": [dict({"id": FULL}, **entry)]}}],
        "module_defaults": {"group/avepoint.graph.avepoint": {"scope": "partner.customers.read.all"}},
        "rescue": [{"ansible.builtin.set_fact": {"failures": "{{ failures | combine({'%s': ansible_failed_result}) }}" % name}}]}


def test_outside_check_mode_the_role_reads_in_the_background_with_the_same_answer(protection_sim, tmp_path, playbook_run):
    # Outside check mode the jobs, protection and subscription reads run as async tasks while the customers are read.
    out, _proc, _counters = playbook_run
    tasks = [role("background", API_ARGS["elements"], {"protected_workloads": M365, "protection_coverage_at_least": "95%"}),
             failing_role("protection", {"protected_workloads": M365}),
             failing_role("jobs", {"last_successful_backup_within": "30d"}),
             {"name": "save", "ansible.builtin.copy": {
                 "dest": str(tmp_path / "out.json"),
                 "content": "{{ {'role': roles, 'failures': failures} | to_json }}"}}]
    plays = [{"hosts": "localhost", "gather_facts": False, "vars": {"checked": CHECKED, "roles": {}, "failures": {}}, "tasks": tasks}]
    proc = AnsibleRun(tmp_path).playbook(plays, env=connection_env(protection_sim))
    assert (tmp_path / "out.json").exists(), proc.stdout + proc.stderr
    background = json.loads((tmp_path / "out.json").read_text())
    assert "Wait for the protection coverage read in the background" in proc.stdout
    for key in ("compliant", "drifted", "missing"):
        assert background["role"]["background"][key] == out["role"]["elements"][key]
    failures = background["failures"]
    for name, permission in (("protection", "partner.cbprotected.read.all"), ("jobs", "partner.jobs.read.all")):
        assert failures[name]["failed"] and "needs the permission '%s'" % permission in failures[name]["msg"], name
    assert "TASK [avepoint.graph.customer_compliance : Wait for the jobs read in the background]" in proc.stdout


def inventory_list(workdir, source, env):
    proc = subprocess.run([str(BIN / "ansible-inventory"), "-i", str(source), "--list"], cwd=workdir,
                          env=AnsibleRun(workdir).env(dict(env, ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED="True")),
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    return plain(json.loads(proc.stdout)), proc


def test_the_inventory_groups_hosts_by_unprotected_workload_and_caches_the_facts(protection_sim, tmp_path):
    source = tmp_path / "msp.avepoint_customers.yml"
    source.write_text(yaml.safe_dump({
        "plugin": "avepoint.graph.avepoint_customers", "protection": True, "api": "elements",
        "filters": {"job_status": ["Working"]}, "strict": True,
        "cache": True, "cache_plugin": "ansible.builtin.jsonfile", "cache_connection": str(tmp_path / "cache"),
        "keyed_groups": [{"key": "%s | difference(avepoint_customer.protected_workloads)" % M365, "prefix": "unprotected"}],
        "groups": {"coverage_below_95": "avepoint_customer.workloads | selectattr('coverage_percent', 'number')"
                                        " | selectattr('coverage_percent', 'lt', 95) | list | length > 0"}}))
    protection_sim.clear_shapes()  # wrong_id would fail the inventory; the page shapes are the module test's
    try:
        protection_sim.reset_counters()
        listed, _proc = inventory_list(tmp_path, source, connection_env(protection_sim))
        counters = protection_sim.counters()
        protection_sim.reset_counters()
        cached, _proc = inventory_list(tmp_path, source, connection_env(protection_sim))
        assert protection_sim.counters()["api_requests"] == 0 and protection_sim.counters()["token_requests"] == 0
    finally:
        protection_sim.set_shapes({"protection_wrapped": True, "protection_page_size": 2, "wrong_id": [WRONG]})
    # Groups made by difference() come in no fixed order (it works on sets): compare them as sets.
    assert {name: sorted(group.get("hosts", [])) for name, group in cached.items() if name != "_meta"} == {
        name: sorted(group.get("hosts", [])) for name, group in listed.items() if name != "_meta"}
    assert cached["_meta"] == listed["_meta"]
    hostvars = listed["_meta"]["hostvars"]
    for customer_id in CHECKED:
        facts = hostvars[customer_id]["avepoint_customer"]
        assert (facts["workloads"], facts["protected_workloads"]) == (
            EXPECTED[customer_id]["workloads"], EXPECTED[customer_id]["protected_workloads"])
    assert set(listed["unprotected_OneDrive"]["hosts"]) == {NO_ONEDRIVE, UNPROTECTED, NOTHING, ODD}
    assert set(listed["unprotected_Microsoft_Teams"]["hosts"]) == {UNSCANNED, NOTHING, ODD}  # nothing scanned: nothing protected
    assert set(listed["coverage_below_95"]["hosts"]) == {PARTIAL, UNPROTECTED, ODD}
    assert counters["by_path"][ELEMENTS_PATH] == len(PROTECTION) and counters["token_requests"] == 1


def test_enrich_mode_on_the_partner_api_adds_protection_and_last_success_to_the_hosts_of_earlier_sources(protection_sim, tmp_path):
    (tmp_path / "tenants.yml").write_text(yaml.safe_dump({"all": {"hosts": {
        "contoso-dc01": {"avepoint_customer_id": NO_ONEDRIVE.upper()},
        "fabrikam-dc01": {"avepoint_customer_id": FULL},
        "elsewhere": {"ansible_host": "192.0.2.1"}}}}))
    (tmp_path / "enrich.avepoint_customers.yml").write_text(yaml.safe_dump({
        "plugin": "avepoint.graph.avepoint_customers", "mode": "enrich", "protection": True, "last_success": True,
        "keyed_groups": [{"key": "avepoint_customer.protected_workloads", "prefix": "protected"}]}))
    protection_sim.reset_counters()
    proc = subprocess.run([str(BIN / "ansible-inventory"), "-i", "tenants.yml", "-i", "enrich.avepoint_customers.yml", "--list"],
                          cwd=tmp_path, env=AnsibleRun(tmp_path).env(connection_env(protection_sim)),
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    listed = plain(json.loads(proc.stdout))
    facts = {host: listed["_meta"]["hostvars"][host].get("avepoint_customer") for host in ("contoso-dc01", "fabrikam-dc01", "elsewhere")}
    assert facts["elsewhere"] is None
    for host, customer_id in (("contoso-dc01", NO_ONEDRIVE), ("fabrikam-dc01", FULL)):
        assert (facts[host]["workloads"], facts[host]["protected_workloads"]) == (
            EXPECTED[customer_id]["workloads"], EXPECTED[customer_id]["protected_workloads"])
        assert "last_success" in facts[host]
    assert set(listed["protected_OneDrive"]["hosts"]) == {"fabrikam-dc01"}
    assert set(listed["protected_Exchange_Online"]["hosts"]) == {"contoso-dc01", "fabrikam-dc01"}
    counters = protection_sim.counters()
    assert counters["token_requests"] == 1  # customers, jobs and protection with one token
    assert counters["by_path"][PARTNER_PATH] >= 2 and counters["by_path"]["GET /partner/customers/{id}"] == 2
