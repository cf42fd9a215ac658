"""Subscriptions through every consumer on both APIs, in real runs against the simulator: the module
avepoint_subscription_info, the lookup's and the inventory's subscriptions option, and the role's rules
subscription_valid_for and seats_cover_licenses.

One ansible-playbook run holds the renewal report of docs/subscriptions.md as written there, the module tasks,
the lookups and four runs of the role (their counters read in between); one ansible-inventory run reads two
inventory sources, one per API. Expected facts come from
the simulator's raw products (v3 shape), converted here by the documented conventions, not by the code under
test; dates are relative to ``sim.jobs_now``, which the role gets as ``customer_compliance_now``.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import time

import pytest
import yaml

from ansible_collections.avepoint.graph.plugins.modules.avepoint_subscription_info import main
from bad_inputs import (MODULE as MODULE_CONSUMER, assert_names_the_problem, assert_no_request, cases_for, connection_options, named,
                        simulator_options, simulator_placeholders)
from harness import BIN, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, REPO, AnsibleRun, connection_env, plain
from in_process import run_module
from test_compliance_recency import role_run

MODULE = "avepoint.graph.avepoint_subscription_info"
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"
M365 = "Cloud Backup for Microsoft 365"
PROFILES = ("covered", "renewal_due", "short_seats", "expired", "not_applicable", "none")
SERVICES_PATHS = {"partner": "GET /partner/services/{id}", "elements": "POST /partner/external/v3/general/customers/services/batch"}
NA = "N/A"
DAY = 86400


def expected_subscription(raw):
    """The facts of a raw product: N/A null, numbers integers, sizes bytes (GB = 1024^3) with their text, dates in UTC."""
    def text(key):
        return None if raw.get(key, NA) == NA else raw[key]

    def size(key):
        value = text(key)
        if value is None or "/" in value:
            return None
        number, unit = value.split()
        assert unit == "GB"
        return int(float(number) * 1024 ** 3)

    def date(key):
        value = text(key)
        return value if value is None or "T" in value else value + "T00:00:00Z"

    def count(key):
        return None if text(key) is None else int(text(key))

    return {
        "service": text("service"), "subscription_model": text("subscriptionModel"), "seats_purchased": count("purchasedUserSeats"),
        "units_purchased": count("purchasedUnits"), "licenses_assigned": count("microsoftLicenseAssigned"),
        "licenses_available": count("microsoftLicenseAvailable"), "capacity_purchased_bytes": size("purchasedCapacity"),
        "capacity_protected_bytes": size("protectedCapacity"), "storage_consumed_bytes": size("consumedStorage"),
        "capacity_purchased": text("purchasedCapacity"), "capacity_protected": text("protectedCapacity"),
        "storage_consumed": text("consumedStorage"), "storage": text("storage"), "retention": text("retention"),
        "expiration_date": date("expirationDate"), "contract_end_date": date("contractEndDate"), "source": text("source"),
        "payment_type": text("paymentType"), "package": text("package"), "subscription_name": text("subscriptionName"),
    }


def expected_customer(sim, customer):
    return {"customer_id": customer["id"], "organization": customer["organization"],
            "subscriptions": [expected_subscription(raw) for raw in sim.subscriptions(customer["id"])]}


def iso(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def epoch(text):
    return time.mktime(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ")) - time.timezone


def renewal_report_play():
    """The renewal report playbook of docs/subscriptions.md, as the guide shows it."""
    guide = (REPO / "docs" / "subscriptions.md").read_text()
    section = guide.split("## A renewal report", 1)[1]
    return yaml.safe_load(re.search(r"```yaml\n(.*?)```", section, re.DOTALL).group(1))


def module_task(name, args, **extra):
    return dict({"name": name, MODULE: args, "register": "case", "ignore_errors": True},
                **extra), {"name": "%s: keep" % name, "ansible.builtin.set_fact": {"cases": "{{ cases | combine({'%s': case}) }}" % name}}


@pytest.fixture(scope="module")
def run(simulator_server, tmp_path_factory):
    sim = simulator_server
    sim.clear_faults()
    sim.clear_shapes()
    chosen = {}
    for customer in sim.customers:
        chosen.setdefault(sim.subscription_profile(customer["id"]), customer)
    ids = [chosen[profile]["id"] for profile in PROFILES]
    asked = ids + [UNKNOWN_ID, ids[0].upper()]
    work = tmp_path_factory.mktemp("subscriptions")
    tasks = []
    for name, args, extra in (
        ("partner_ids", {"customer_ids": asked}, {}),
        ("partner_all", {}, {}),
        ("elements_ids", {"customer_ids": asked, "api": "elements", "batch_size": 3}, {}),
        ("elements_all", {"api": "elements"}, {"check_mode": True}),
        ("one", {"customer_id": ids[1]}, {}),
        ("bad_id", {"customer_ids": [ids[0], "not-a-guid"]}, {}),
        ("both", {"customer_id": ids[0], "customer_ids": ids}, {}),
    ):
        tasks.extend(module_task(name, args, **extra))
    lookups = ("{{ {'partner': query('avepoint.graph.avepoint_customer', ids, subscriptions=true, cache_ttl=0),"
               " 'elements': query('avepoint.graph.avepoint_customer', ids, subscriptions=true, api='elements', cache_ttl=0),"
               " 'without': query('avepoint.graph.avepoint_customer', ids, cache_ttl=0)} }}")
    tasks.append({"name": "lookups", "ansible.builtin.set_fact": {"lookups": lookups}})
    tasks.append({"name": "counters before the role", "ansible.builtin.uri": {"url": "{{ sim_url }}/_sim/reset", "method": "POST"}})
    now = iso(sim.jobs_now)
    rules = {"subscription_valid_for": "30d", "seats_cover_licenses": True}

    def declaration(name, expected, defaults):
        return {"customer_compliance_scope": "all", "customer_compliance_expected": expected,
                "customer_compliance_defaults": defaults, "customer_compliance_now": now,
                "customer_compliance_report_dir": str(work / name)}

    # Not applicable: no M365 subscription, although the entry names it (and another service none has).
    named = [{"id": chosen["not_applicable"]["id"], "subscription_services": [M365]},
             {"id": chosen["covered"]["id"], "subscription_services": [M365, "Cloud Backup for Dynamics 365"]}]
    tasks += (role_run("partner", declaration("partner", named, dict(rules, job_status=[0, 1, 2, 3, 4, 5, 6])))
              + role_run("elements", declaration("elements", named, dict(rules, job_status=[0, 1, 2, 3, 4, 5, 6])), api="elements")
              + role_run("one", dict(declaration("one", [{"id": chosen["renewal_due"]["id"], **rules}], {"job_status": [0, 1, 2, 3, 4, 5, 6]}),
                                     customer_compliance_scope="listed"), api="elements")
              + role_run("none", declaration("none", [], {"job_status": [0, 1, 2, 3, 4, 5, 6]})))
    out = work / "saved.json"
    saved = "{{ {'cases': cases, 'lookups': lookups, 'results': results, 'failures': failures, 'counters': counters} | to_json }}"
    tasks.append({"name": "save", "ansible.builtin.copy": {"content": saved, "dest": str(out), "mode": "0644"}})
    play = {"hosts": "localhost", "gather_facts": False, "tasks": tasks,
            "vars": {"cases": {}, "results": {}, "failures": {}, "counters": {}, "sim_url": sim.url, "ids": ids}}
    (work / "reports").mkdir()
    sim.reset_counters()
    proc = AnsibleRun(work).playbook(renewal_report_play() + [play], env=connection_env(sim))
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    return dict(json.loads(out.read_text()), sim=sim, proc=proc, chosen=chosen, ids=ids, now=now, work=work)


def test_the_module_returns_the_documented_facts_in_the_order_asked_on_both_apis(run):
    sim, cases, chosen = run["sim"], run["cases"], run["chosen"]
    expected = [expected_customer(sim, chosen[profile]) for profile in PROFILES]
    for name in ("partner_ids", "elements_ids"):
        assert cases[name]["customers"] == expected, name
        assert cases[name]["missing_ids"] == [UNKNOWN_ID] and cases[name]["changed"] is False
    every = [expected_customer(sim, customer) for customer in sim.customers]
    assert cases["partner_all"]["customers"] == cases["elements_all"]["customers"] == every
    assert cases["one"]["customers"] == expected[1:2]
    # the conventions, on the data at hand: N/A null, 0/1 GB kept without bytes, both date spellings the same
    not_applicable = cases["partner_ids"]["customers"][PROFILES.index("not_applicable")]["subscriptions"][0]
    assert (not_applicable["capacity_purchased"], not_applicable["capacity_purchased_bytes"]) == ("0/1 GB", None)
    assert not_applicable["seats_purchased"] is None and not_applicable["expiration_date"] is None
    assert cases["partner_ids"]["customers"][PROFILES.index("none")]["subscriptions"] == []


# A sample of the bad-input corpus of the customer module (whose test runs all of it through the same checks):
# IDs and connection options, checked the same way for this module.
BAD_INPUTS = named(cases_for(MODULE_CONSUMER), "path_traversal", "encoded_slashes", "header_injection", "bad_among_good",
                   "braced_guid", "unknown_api", "batch_size_too_high", "two_credential_kinds", "api_url_plain_http_remote",
                   "env_second_credential")


@pytest.mark.parametrize("case", BAD_INPUTS, ids=[case.name for case in BAD_INPUTS])
def test_bad_input_names_the_problem_before_any_request(sim, case):
    args = connection_options(case, simulator_options(sim, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET), simulator_placeholders(sim))
    args["customer_ids"] = list(case.ids)
    outcome = run_module(main, args, env=case.env)
    assert outcome.result.get("failed") is True and "customers" not in outcome.result, outcome.result
    assert_names_the_problem(case, MODULE_CONSUMER, outcome.error)
    assert_no_request(sim)


def test_the_renewal_report_of_the_guide_lists_the_subscriptions_ending_within_30_days(run):
    sim = run["sim"]
    with open(run["work"] / "reports" / "renewals.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    expected = []
    for customer in sim.customers:
        for raw in sim.subscriptions(customer["id"]):
            facts = expected_subscription(raw)
            if facts["expiration_date"] and epoch(facts["expiration_date"]) < time.time() + 30 * DAY:
                expected.append({"organization": customer["organization"], "customer_id": customer["id"], "service": facts["service"],
                                 "expires": facts["expiration_date"][:10], "seats_purchased": str(facts["seats_purchased"]),
                                 "licenses_assigned": str(facts["licenses_assigned"])})
    assert rows and sorted(rows, key=lambda row: row["customer_id"]) == sorted(expected, key=lambda row: row["customer_id"])
    assert [row["expires"] for row in rows] == sorted(row["expires"] for row in rows)  # the expired ones first
    short = run["chosen"]["short_seats"]
    assert "%s: 100 seats of %s for 124 licenses" % (short["organization"], M365) in run["proc"].stdout


def test_bad_input_fails_naming_the_problem_in_a_playbook(run):
    assert run["cases"]["bad_id"]["failed"] and "not-a-guid" in run["cases"]["bad_id"]["msg"]
    assert "GUID" in run["cases"]["bad_id"]["msg"]
    assert run["cases"]["both"]["failed"] and "mutually exclusive" in run["cases"]["both"]["msg"]


def test_the_lookup_adds_the_subscriptions_on_request_on_both_apis(run):
    sim, lookups = run["sim"], run["lookups"]
    expected = [expected_customer(sim, customer)["subscriptions"] for customer in (run["chosen"][p] for p in PROFILES)]
    for api in ("partner", "elements"):
        assert [facts["subscriptions"] for facts in lookups[api]] == expected, api
    assert all("subscriptions" not in facts for facts in lookups["without"])


def test_the_role_names_each_service_that_ends_too_soon_or_lacks_seats_on_both_apis(run):
    sim, chosen, results, now = run["sim"], run["chosen"], run["results"], run["now"]
    partner = results["partner"]
    drifts = {(row["id"], item["field"], item["service"]) for row in partner["drifted"] for item in row["fields"]}
    expected = set()
    for customer in sim.customers:
        for raw in sim.subscriptions(customer["id"]):
            facts = expected_subscription(raw)
            if facts["expiration_date"] and epoch(facts["expiration_date"]) <= sim.jobs_now + 30 * DAY:
                expected.add((customer["id"], "subscription_valid_for", facts["service"]))
            if None not in (facts["seats_purchased"], facts["licenses_assigned"]) and facts["seats_purchased"] < facts["licenses_assigned"]:
                expected.add((customer["id"], "seats_cover_licenses", facts["service"]))
    for entry, services in ((chosen["not_applicable"], [M365]), (chosen["covered"], ["Cloud Backup for Dynamics 365"])):
        expected |= {(entry["id"], field, service) for service in services
                     for field in ("subscription_valid_for", "seats_cover_licenses")}
    assert drifts == expected
    assert {profile for profile in PROFILES if any(chosen[profile]["id"] == cid for cid, _f, _s in drifts)} == {
        "renewal_due", "short_seats", "expired", "not_applicable", "covered"}
    out = run["proc"].stdout
    due = chosen["renewal_due"]
    expiry = sim.subscriptions(due["id"])[0]["expirationDate"]
    days = int((epoch(expiry) - sim.jobs_now) // DAY)
    assert "~ %s (%s) subscription[%s]: expected valid for 30d, expires in %dd (%s)" % (
        due["organization"], due["id"], M365, days, expiry[:10]) in out
    short = chosen["short_seats"]
    assert "~ %s (%s) seats[%s]: 100 purchased, 124 licenses assigned" % (short["organization"], short["id"], M365) in out
    assert "~ %s (%s) subscription[%s]: expected valid for 30d, no subscription of this service" % (
        chosen["not_applicable"]["organization"], chosen["not_applicable"]["id"], M365) in out
    assert "seats[%s]" % M365 in run["failures"]["partner"]
    # the JSON report names the service of each finding; both APIs give the same result
    report = json.loads((run["work"] / "partner" / "compliance.json").read_text())
    assert report == partner and all("service" in item for row in report["drifted"] for item in row["fields"])
    assert results["elements"]["customers"] == partner["customers"] and results["elements"]["checked_at"] == now


def test_the_role_reads_subscriptions_in_one_task_only_for_the_customers_a_rule_needs(run):
    sim, counters = run["sim"], run["counters"]
    assert counters["partner"]["by_path"][SERVICES_PATHS["partner"]] == len(sim.customers)
    assert counters["elements"]["by_path"][SERVICES_PATHS["elements"]] == 1  # 25 IDs: one batch, one page
    assert counters["partner"]["token_requests"] == counters["elements"]["token_requests"] == 2  # customers, subscriptions
    assert counters["one"]["by_path"][SERVICES_PATHS["elements"]] == 1 and run["results"]["one"]["summary"]["drifted"] == 1
    assert not set(SERVICES_PATHS.values()) & set(counters["none"]["by_path"]) and counters["none"]["token_requests"] == 1
    assert run["results"]["none"]["summary"]["drifted"] == 0


def test_the_inventory_adds_subscriptions_and_groups_the_customers_whose_subscription_ends_within_30_days(simulator_server, tmp_path):
    sim = simulator_server
    ending = ("avepoint_customer.subscriptions | map(attribute='expiration_date') | reject('none')"
              " | select('lt', '%Y-%m-%dT%H:%M:%SZ' | strftime(now(utc=true).timestamp() + 30 * 86400, utc=true)) | list | length > 0")
    hosts = {"plugin": "avepoint.graph.avepoint_customers", "api": "elements", "subscriptions": True,
             "groups": {"renewal_due": ending}}
    # the same customers again, through the partner API: enrich mode sets the partner facts on the hosts made above
    enrich = {"plugin": "avepoint.graph.avepoint_customers", "mode": "enrich", "subscriptions": True, "strict": True,
              "groups": {"renewal_due_partner": ending}}
    (tmp_path / "a.avepoint_customers.yml").write_text(yaml.safe_dump(hosts))
    (tmp_path / "b.avepoint_customers.yml").write_text(yaml.safe_dump(enrich))
    sim.clear_shapes()
    sim.reset_counters()
    proc = subprocess.run([str(BIN / "ansible-inventory"), "-i", "a.avepoint_customers.yml", "-i", "b.avepoint_customers.yml", "--list"],
                          cwd=tmp_path, env=AnsibleRun(tmp_path).env(dict(connection_env(sim), ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED="True")),
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    listed = plain(json.loads(proc.stdout))
    due = {c["id"] for c in sim.customers if sim.subscription_profile(c["id"]) in ("renewal_due", "expired")}
    assert due and set(listed["renewal_due"]["hosts"]) == set(listed["renewal_due_partner"]["hosts"]) == due
    for customer in sim.customers:
        facts = listed["_meta"]["hostvars"][customer["id"]]["avepoint_customer"]
        assert facts["subscriptions"] == expected_customer(sim, customer)["subscriptions"]
    by_path = sim.counters()["by_path"]
    assert by_path[SERVICES_PATHS["elements"]] == 1 and by_path[SERVICES_PATHS["partner"]] == len(sim.customers)
