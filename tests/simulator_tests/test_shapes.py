"""Response shape switches (avepoint_simulator/shapes.py): off by default, each one observable on the wire."""
from __future__ import annotations

import json
from urllib.parse import quote

import pytest
import requests

from avepoint_simulator import JOB_STATUS_NAMES, Simulator
from avepoint_simulator.__main__ import build_parser, config_from_args
from sim_helpers import BATCH_PATH


def get_list(sim, headers, url=None):
    resp = requests.get(url or f"{sim.url}/partner/customers", headers=headers, timeout=5)
    assert resp.status_code == 200, resp.text
    return resp.json()


def post_batch(sim, headers, body, page=1, size=100):
    data = None if body is None else json.dumps(body)
    extra = {} if body is None else {"Content-Type": "application/json"}
    return requests.post(f"{sim.url}{BATCH_PATH}?pageIndex={page}&pageSize={size}", data=data,
                         headers=dict(headers, **extra), timeout=5)


def test_off_by_default_and_settable_over_http(sim, headers):
    assert requests.get(f"{sim.url}/_sim/shapes", timeout=5).json() == sim.shapes()
    assert sim.shapes()["next_link"] == "odata" and sim.shapes()["endless"] is None
    resp = requests.post(f"{sim.url}/_sim/shapes", json={"next_link": "plain", "partner_page_size": 10}, timeout=5)
    assert resp.status_code == 200 and sim.shapes()["next_link"] == "plain"
    bad = requests.post(f"{sim.url}/_sim/shapes", json={"nextlink": "plain"}, timeout=5)
    assert bad.status_code == 400 and "unknown shape switch(es) ['nextlink']" in bad.json()["message"]
    assert requests.post(f"{sim.url}/_sim/shapes", json={"endless": "forever"}, timeout=5).status_code == 400
    assert requests.delete(f"{sim.url}/_sim/shapes", timeout=5).status_code == 200
    assert sim.shapes()["next_link"] == "odata"


@pytest.mark.parametrize("style", ["plain", "token", "relative", "odata"])
def test_next_link_styles_page_through_everything(sim, headers, style):
    sim.set_shapes({"next_link": style, "partner_page_size": 10})
    body = get_list(sim, headers)
    ids = [c["id"] for c in body["value"]]
    key = "nextLink" if style in ("plain", "token") else "@odata.nextLink"
    assert set(body) & {"nextLink", "@odata.nextLink"} == {key}
    while body.get(key):
        link = body[key]
        if style == "token":
            assert "/" not in link and "?" not in link
            url = f"{sim.url}/partner/customers?$skiptoken={quote(link, safe='')}"
        elif style == "relative":
            assert link.startswith("/partner/customers?")
            url = sim.url + link
        else:
            url = link
        body = get_list(sim, headers, url)
        ids += [c["id"] for c in body["value"]]
    assert ids == [c["id"] for c in sim.customers]
    assert body.get(key, None) == ("" if style in ("plain", "token") else None)


def test_foreign_links_point_off_host(sim, headers):
    sim.set_shapes({"next_link": "foreign", "partner_page_size": 10})
    assert get_list(sim, headers)["@odata.nextLink"].startswith("https://pages.example.invalid/partner/customers?$skiptoken=")


@pytest.mark.parametrize("mode", ["repeat", "fresh", "empty"])
def test_endless_partner_list(sim, headers, mode):
    sim.set_shapes({"endless": mode})
    url, seen = None, []
    for _page in range(5):  # 25 customers in pages of 10: pages 4 and 5 are past the end
        body = get_list(sim, headers, url)
        seen.append([c["id"] for c in body["value"]])
        url = body["@odata.nextLink"]
    real = [c["id"] for c in sim.customers]
    assert seen[:3] == [real[:10], real[10:20], real[20:]]
    if mode == "repeat":
        assert seen[3] == real[:10]
    elif mode == "fresh":
        assert len(seen[3]) == 10 and not set(seen[3]) & set(real) and not set(seen[3]) & set(seen[4])
    else:
        assert seen[3] == seen[4] == []


def test_endless_and_total_count_on_the_batch(sim, headers):
    sim.set_shapes({"total_count": 10 ** 9})
    body = post_batch(sim, headers, {"customerIds": None}).json()
    assert len(body["data"]) == 25 and body["metadata"]["totalCount"] == 10 ** 9
    sim.set_shapes({"endless": "repeat"})
    page3 = post_batch(sim, headers, {"customerIds": None}, page=3, size=20).json()  # past the 25 customers
    assert [c["id"] for c in page3["data"]] == [c["id"] for c in sim.customers[:20]]
    assert page3["metadata"]["totalCount"] == 10 ** 9


def test_nulls_omissions_and_string_status_for_chosen_ids(sim, headers):
    target = sim.customers[3]
    sim.set_shapes({"null_fields": ["ownerEmail", "tenants"], "omit_fields": ["managementMode"],
                    "job_status_as_string": True, "ids": [target["id"].upper()]})
    data = {c["id"]: c for c in post_batch(sim, headers, {"customerIds": None}).json()["data"]}
    assert data[target["id"]]["ownerEmail"] is None and data[target["id"]]["tenants"] is None
    assert "managementMode" not in data[target["id"]]
    assert data[target["id"]]["jobStatus"] == JOB_STATUS_NAMES[target["jobStatusCode"]]
    other = sim.customers[4]
    assert isinstance(data[other["id"]]["jobStatus"], int) and data[other["id"]]["ownerEmail"]
    listed = {c["id"]: c for c in get_list(sim, headers)["value"]}
    assert listed[target["id"]]["ownerEmail"] is None


def test_field_values_for_chosen_ids_on_every_customer_endpoint(sim, headers):
    target, other = sim.customers[3], sim.customers[4]
    odd = {"organization": "ctl:\u001b[31mRED\u0007\u0000end", "jobStatus": "Paused\u0007"}
    sim.set_shapes({"field_values": odd, "ids": [target["id"]]})
    assert sim.shapes()["field_values"] == odd
    batch = {c["id"]: c for c in post_batch(sim, headers, {"customerIds": None}).json()["data"]}
    listed = {c["id"]: c for c in get_list(sim, headers)["value"]}
    one = requests.get(f"{sim.url}/partner/customers/{target['id']}", headers=headers, timeout=5).json()
    for served in (batch[target["id"]], listed[target["id"]], one):
        assert {key: served[key] for key in odd} == odd
    assert batch[other["id"]]["organization"] == listed[other["id"]]["organization"] == other["organization"]
    assert requests.post(f"{sim.url}/_sim/shapes", json={"field_values": ["organization"]}, timeout=5).status_code == 400


def test_wrong_id_and_empty_body(sim, headers):
    wrong, empty = sim.customers[1]["id"], sim.customers[2]["id"]
    sim.set_shapes({"wrong_id": [wrong], "empty_body": [empty], "empty_status": 204})
    resp = requests.get(f"{sim.url}/partner/customers/{wrong}", headers=headers, timeout=5)
    assert resp.status_code == 200 and resp.json()["id"] != wrong
    resp = requests.get(f"{sim.url}/partner/customers/{empty}", headers=headers, timeout=5)
    assert resp.status_code == 204 and resp.content == b""
    ids = [c["id"] for c in post_batch(sim, headers, {"customerIds": [wrong]}).json()["data"]]
    assert len(ids) == 1 and ids[0] != wrong


def test_duplicate_ids_in_lists_and_batches(sim, headers):
    dup = sim.customers[5]["id"]
    sim.set_shapes({"duplicate_ids": [dup]})
    listed = [(c["id"], c["jobStatus"]) for c in get_list(sim, headers)["value"]]
    assert listed[5][0] == dup and listed[6] == (dup.upper(), "Failed") and len(listed) == 26
    batch = post_batch(sim, headers, {"customerIds": [dup]}).json()
    assert [(c["id"], c["jobStatus"]) for c in batch["data"]][1] == (dup.upper(), 2)
    assert batch["metadata"]["totalCount"] == 2


def test_body_required_and_batch_limit(sim, headers):
    assert post_batch(sim, headers, None).status_code == 200  # documented: no body lists everyone
    sim.set_shapes({"require_body": True, "max_batch_ids": 5})
    resp = post_batch(sim, headers, None)
    assert resp.status_code == 400 and resp.json()["message"] == "A non-empty request body is required."
    assert post_batch(sim, headers, {"customerIds": None}).status_code == 200
    ids = [c["id"] for c in sim.customers[:6]]
    resp = post_batch(sim, headers, {"customerIds": ids})
    assert resp.status_code == 400 and resp.json()["message"] == "customerIds accepts at most 5 ids"
    assert post_batch(sim, headers, {"customerIds": ids[:5]}).status_code == 200


def test_a_host_without_the_partner_api(sim, headers):
    sim.set_shapes({"partner_api": False})
    one = requests.get(f"{sim.url}/partner/customers/{sim.customers[0]['id']}", headers=headers, timeout=5)
    assert one.status_code == 404 and one.json()["message"].startswith("No route")
    assert requests.get(f"{sim.url}/partner/customers", timeout=5).status_code == 404  # before any auth check
    assert post_batch(sim, headers, {"customerIds": None}).status_code == 200


def test_shapes_file_on_the_command_line(tmp_path):
    path = tmp_path / "shapes.json"
    path.write_text(json.dumps({"next_link": "token", "partner_page_size": 5}))
    config = config_from_args(build_parser().parse_args(["--shapes-file", str(path)]))
    assert config.shapes == {"next_link": "token", "partner_page_size": 5}
    with Simulator(config) as sim:
        assert sim.shapes()["next_link"] == "token" and sim.shapes()["partner_page_size"] == 5
