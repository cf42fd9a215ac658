"""avepoint.graph.avepoint_customer_info with api: elements (Elements v3) against the simulator."""

from __future__ import annotations

import json

from harness import connection_env

MODULE = "avepoint.graph.avepoint_customer_info"
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"
ELEMENTS_ONLY = ("management_mode", "tenants")
BATCH = "POST /partner/external/v3/general/customers/batch"


def without_elements_keys(customers: list[dict]) -> list[dict]:
    return [{key: value for key, value in c.items() if key not in ELEMENTS_ONLY} for c in customers]


def test_both_apis_give_the_same_facts(sim, ansible):
    ids = [sim.customers[i]["id"] for i in (9, 2, 17, 5, 11, 0, 23, 8, 14, 20, 3)] + [UNKNOWN_ID]
    results, _proc = ansible.tasks(MODULE, [
        {"ids": ids, "api": "partner"},
        {"ids": [i.upper() for i in ids], "api": "elements"},
        {"api": "partner"},
        {"api": "elements"},
    ], env=connection_env(sim))
    partner_ids, elements_ids, partner_all, elements_all = results
    assert not any(r.get("failed") for r in results), results
    assert elements_ids["missing_ids"] == partner_ids["missing_ids"] == [UNKNOWN_ID]
    assert [c["id"] for c in elements_ids["customers"]] == ids[:-1]
    assert without_elements_keys(elements_ids["customers"]) == partner_ids["customers"]
    assert without_elements_keys(elements_all["customers"]) == partner_all["customers"]
    assert len(elements_all["customers"]) == len(sim.customers)
    # job_status names cover every code of the dataset, and the elements-only facts are the raw values.
    assert {c["job_status"] for c in elements_all["customers"]} >= {"Working", "Failed", "N/A", "No backup updates"}
    raw = {c["id"]: c for c in sim.customers}
    for facts in elements_all["customers"]:
        assert facts["management_mode"] == raw[facts["id"]]["managementMode"]
        assert facts["tenants"] == raw[facts["id"]]["tenants"]
    counters = sim.counters()
    assert counters["token_requests"] == 4  # one per task
    assert counters["by_path"] == {"GET /partner/customers/{id}": 12, "GET /partner/customers": 1, BATCH: 2}


def test_more_than_100_ids_go_in_batches_and_unknown_codes_warn(ansible, tmp_path):
    from avepoint_simulator import Simulator, SimulatorConfig, generate_customers

    dataset = generate_customers(250, seed=3)
    for index in (4, 120, 240):
        dataset[index]["jobStatusCode"] = 9  # a code this collection does not know
    path = tmp_path / "dataset.json"
    path.write_text(json.dumps(dataset))
    with Simulator(SimulatorConfig(dataset_file=str(path))) as own:
        ids = [c["id"] for c in dataset[:230]] + [UNKNOWN_ID]
        results, _proc = ansible.tasks(MODULE, [{"ids": ids}, {}], env=connection_env(own, AVEPOINT_API="elements"))
        counters = own.counters()
    by_ids, everyone = results
    assert not by_ids.get("failed") and not everyone.get("failed"), results
    assert [c["id"] for c in by_ids["customers"]] == ids[:-1]
    assert by_ids["missing_ids"] == [UNKNOWN_ID]
    assert [c["id"] for c in everyone["customers"]] == [c["id"] for c in dataset]
    unknown = [c for c in everyone["customers"] if c["job_status_code"] == 9]
    assert [c["job_status"] for c in unknown] == ["Unknown (9)"] * 3
    assert counters["token_requests"] == 2
    assert counters["by_path"] == {BATCH: 6}  # 231 IDs in 3 batches, 250 customers in 3 pages
    # One warning per task, in the task's registered result.
    by_ids_warnings, everyone_warnings = ([w for w in r.get("warnings", []) if "jobStatus code(s)" in w] for r in results)
    assert len(by_ids_warnings) == 1 and "9 (2 customer(s))" in by_ids_warnings[0], by_ids
    assert len(everyone_warnings) == 1 and "9 (3 customer(s))" in everyone_warnings[0], everyone.get("warnings")


def test_missing_elements_permission_is_named(sim, ansible):
    env = connection_env(sim, AVEPOINT_API="elements", AVEPOINT_SCOPE="partner.customers.read.all")
    result, _proc = ansible.task(MODULE, {"id": sim.customers[0]["id"]}, env=env)
    assert result["failed"]
    assert "HTTP 403" in result["msg"] and "elements.customers.read.all" in result["msg"]
