"""The avepoint.graph.customer_compliance role in real ansible-playbook runs against the simulator."""

from __future__ import annotations

import json
import struct
import subprocess
import xml.etree.ElementTree as ET
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from harness import DEFAULT_CLIENT_SECRET, REPO, AnsibleRun, connection_env

ROLE = "avepoint.graph.customer_compliance"
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"
CHROMIUM = Path("/usr/bin/chromium")


def by_status(sim, code):
    return [c for c in sim.customers if c["jobStatusCode"] == code]


def role_play(role_vars, tasks_after=(), module_defaults=None):
    """A play on localhost running the role with ``role_vars``, then ``tasks_after``."""
    play = {"name": "compliance", "hosts": "localhost", "gather_facts": False,
            "roles": [{"role": ROLE, "vars": role_vars}], "tasks": list(tasks_after)}
    if module_defaults:
        play["module_defaults"] = {"group/avepoint.graph.avepoint": module_defaults}
    return [play]


def save(var, path):
    return {"name": "save %s" % var, "ansible.builtin.copy": {"content": "{{ %s | to_json }}" % var, "dest": str(path), "mode": "0644"}}


def include_role(role_vars, save_as):
    return [
        {"name": "run the role", "ansible.builtin.include_role": {"name": ROLE}, "vars": role_vars},
        {"name": "keep its result", "ansible.builtin.set_fact": {save_as: "{{ customer_compliance_result }}"}},
    ]


# One run with drift, missing customers and reports; several tests read what it left behind.

@pytest.fixture(scope="module")
def drift_run(simulator_server, tmp_path_factory):
    sim = simulator_server
    sim.clear_faults()
    working = by_status(sim, 1)
    failed = by_status(sim, 2)[0]
    wrong_country = working[2]
    cases = {
        "forgiving": working[0], "listed_alternatives": working[1], "failed": failed, "wrong_country": wrong_country,
    }
    expected = [
        {"id": working[0]["id"].upper(), "job_status": "  working ", "country_or_region": working[0]["countryOrRegion"].upper()},
        {"id": working[1]["id"], "name": "Declared Name", "country_or_region": ["Atlantis", working[1]["countryOrRegion"]]},
        {"id": failed["id"]},
        {"id": wrong_country["id"], "country_or_region": "Atlantis"},
        {"id": UNKNOWN_ID, "name": "Ghost Customer"},
    ]
    workdir = tmp_path_factory.mktemp("compliance-drift")
    report_dir = workdir / "reports" / "nightly"
    sim.reset_counters()
    proc = AnsibleRun(workdir).playbook(role_play({
        "customer_compliance_expected": expected,
        "customer_compliance_defaults": {"job_status": "Working"},
        "customer_compliance_report_dir": str(report_dir),
    }), env=connection_env(sim))
    return {"proc": proc, "report_dir": report_dir, "counters": sim.counters(), "cases": cases, "tokens": sim.issued_tokens()}


def test_drift_report_and_one_failure_at_the_end(drift_run):
    proc, cases = drift_run["proc"], drift_run["cases"]
    out = proc.stdout
    assert proc.returncode == 2, out + proc.stderr
    failed, wrong = cases["failed"], cases["wrong_country"]
    assert "3 of 5 customers drift:" in out
    assert "~ %s (%s) job_status: expected Working, got Failed" % (failed["organization"], failed["id"]) in out
    assert "~ %s (%s) country_or_region: expected Atlantis, got %s" % (wrong["organization"], wrong["id"], wrong["countryOrRegion"]) in out
    assert "- Ghost Customer (%s) not found" % UNKNOWN_ID in out
    assert "Summary: 2 compliant, 2 drifted, 1 missing" in out
    # the one failure is the last task and names every drifted and missing customer
    assert out.count("fatal: [localhost]") == 1
    fatal = [line for line in out.splitlines() if line.startswith("fatal: [localhost]")][0]
    for customer_id in (failed["id"], wrong["id"], UNKNOWN_ID):
        assert customer_id in fatal
    for compliant in (cases["forgiving"], cases["listed_alternatives"]):
        assert compliant["id"] not in fatal
    assert out.index("Write the HTML report") < out.index("Fail once, naming every drifted and missing customer")
    # one bulk fetch: one token, one request per listed customer
    counters = drift_run["counters"]
    assert counters["token_requests"] == 1
    assert counters["by_path"] == {"GET /partner/customers/{id}": 5}


def test_json_report(drift_run):
    report = json.loads((drift_run["report_dir"] / "compliance.json").read_text())
    cases = drift_run["cases"]
    assert report["summary"] == {"total": 5, "compliant": 2, "drifted": 2, "missing": 1}
    assert report["compliant"] == [cases["forgiving"]["id"], cases["listed_alternatives"]["id"]]
    assert report["missing"] == [UNKNOWN_ID]
    assert report["drifted"][0] == {
        "id": cases["failed"]["id"], "name": cases["failed"]["organization"], "organization": cases["failed"]["organization"],
        "fields": [{"field": "job_status", "expected": ["Working"], "actual": "Failed"}]}
    assert [c["name"] for c in report["customers"]][1] == "Declared Name"


def test_junit_report_counts(drift_run):
    root = ET.parse(drift_run["report_dir"] / "compliance.junit.xml").getroot()
    assert (root.tag, root.get("tests"), root.get("failures")) == ("testsuites", "5", "3")
    suite = root.find("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("5", "3", "0")
    failures = [case for case in suite.findall("testcase") if case.find("failure") is not None]
    assert sorted(case.find("failure").get("type") for case in failures) == ["drift", "drift", "missing"]
    assert any(drift_run["cases"]["failed"]["id"] in case.get("name") for case in failures)


class DriftRows(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self.drift_cells = {}, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and "data-customer-id" in attrs:
            self.rows[attrs["data-customer-id"]] = attrs["class"]
        if tag == "td" and attrs.get("class") == "drift":
            self.drift_cells += 1


def test_html_report_shows_the_drifted_rows(drift_run):
    parser = DriftRows()
    parser.feed((drift_run["report_dir"] / "compliance.html").read_text())
    cases = drift_run["cases"]
    assert parser.rows[cases["failed"]["id"]] == "status-drifted"
    assert parser.rows[cases["wrong_country"]["id"]] == "status-drifted"
    assert parser.rows[UNKNOWN_ID] == "status-missing"
    assert parser.rows[cases["forgiving"]["id"]] == "status-compliant"
    assert parser.drift_cells == 2


def test_reports_hold_no_secret(drift_run):
    assert drift_run["tokens"]
    for path in drift_run["report_dir"].iterdir():
        text = path.read_text()
        for secret in [DEFAULT_CLIENT_SECRET, *drift_run["tokens"]]:
            assert secret not in text, path.name


def png_colors(data: bytes) -> int:
    """Distinct pixel colours of an 8-bit RGB(A) PNG (enough of PNG for Chromium's screenshots)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, header, idat = 8, None, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    width, height, depth, color_type, _compression, _filter, interlace = header
    assert depth == 8 and color_type in (2, 6) and interlace == 0, header
    bpp = 3 if color_type == 2 else 4
    raw, stride = zlib.decompress(idat), width * bpp
    previous, colors = bytearray(stride), set()
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - bpp] if x >= bpp else 0
            up, upper_left = previous[x], previous[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + ((left + up) >> 1)) & 0xFF
            elif kind == 4:
                p = left + up - upper_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - upper_left)
                line[x] = (line[x] + (left if pa <= pb and pa <= pc else up if pb <= pc else upper_left)) & 0xFF
        colors.update(bytes(line[i:i + 3]) for i in range(0, stride, bpp))
        previous = line
    return len(colors)


@pytest.mark.tooling
def test_html_report_renders_in_chromium(drift_run, tmp_path):
    subprocess.run([str(REPO / "scripts" / "ensure-chromium.sh")], check=True, timeout=900)
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed and could not be installed (not root)")
    screenshot = tmp_path / "report.png"
    page = (drift_run["report_dir"] / "compliance.html").resolve().as_uri()
    subprocess.run([
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=%s" % (tmp_path / "profile"), "--screenshot=%s" % screenshot, "--window-size=1200,900", page,
    ], capture_output=True, timeout=120, check=False)
    assert screenshot.exists(), "chromium wrote no screenshot"
    assert png_colors(screenshot.read_bytes()) > 50  # text, badges and highlighted cells, not a blank page


# Separate runs.

def test_all_compliant(sim, ansible, tmp_path):
    chosen = by_status(sim, 1)[:3]
    expected = [{"id": c["id"], "country_or_region": c["countryOrRegion"]} for c in chosen]
    proc = ansible.playbook(role_play({
        "customer_compliance_expected": expected,
        "customer_compliance_defaults": {"job_status": ["Working", "No backup updates"]},
        "customer_compliance_report_dir": str(tmp_path / "reports"),
    }, [save("customer_compliance_result", tmp_path / "result.json")]), env=connection_env(sim))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "all 3 customers compliant" in proc.stdout
    result = json.loads((tmp_path / "result.json").read_text())
    assert result["summary"] == {"total": 3, "compliant": 3, "drifted": 0, "missing": 0}
    assert result["compliant"] == [c["id"] for c in chosen] and result["drifted"] == [] and result["missing"] == []
    junit = ET.parse(tmp_path / "reports" / "compliance.junit.xml").getroot()
    assert (junit.get("tests"), junit.get("failures")) == ("3", "0")


def test_scope_all_with_module_defaults(sim, ansible, tmp_path):
    env = connection_env(sim)
    failed = by_status(sim, 2)[0]
    proc = ansible.playbook(role_play({
        "customer_compliance_scope": "all",
        "customer_compliance_defaults": {"job_status": "Working"},
        "customer_compliance_expected": [{"id": failed["id"], "job_status": "Failed"}, {"id": UNKNOWN_ID}],
        "customer_compliance_fail_on_drift": False,
    }, [save("customer_compliance_result", tmp_path / "result.json")], module_defaults={
        "api_url": env["AVEPOINT_API_URL"], "token_url": env["AVEPOINT_TOKEN_URL"],
        "client_id": env["AVEPOINT_CLIENT_ID"], "client_secret": env["AVEPOINT_CLIENT_SECRET"],
    }))  # no AVEPOINT_* variables: the connection comes from module_defaults
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = json.loads((tmp_path / "result.json").read_text())
    not_working = {c["id"] for c in sim.customers if c["jobStatusCode"] not in (1, 2)}
    assert result["summary"] == {"total": len(sim.customers) + 1, "compliant": len(sim.customers) - len(not_working),
                                 "drifted": len(not_working), "missing": 1}
    assert {d["id"] for d in result["drifted"]} == not_working
    assert failed["id"] in result["compliant"] and result["missing"] == [UNKNOWN_ID]
    assert "%d of %d customers drift:" % (len(not_working) + 1, len(sim.customers) + 1) in proc.stdout
    assert sim.counters()["by_path"] == {"GET /partner/customers": 1}


def test_exact_versus_forgiving_match(sim, ansible, tmp_path):
    customer = by_status(sim, 1)[0]
    expected = [{"id": customer["id"], "job_status": "working", "country_or_region": " %s " % customer["countryOrRegion"].lower()}]
    tasks = include_role({"customer_compliance_expected": expected, "customer_compliance_fail_on_drift": False}, "forgiving")
    tasks += include_role({"customer_compliance_expected": expected, "customer_compliance_match": "exact",
                           "customer_compliance_fail_on_drift": False}, "exact")
    tasks.append(save("{'forgiving': forgiving, 'exact': exact}", tmp_path / "results.json"))
    proc = ansible.playbook([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}], env=connection_env(sim))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["forgiving"]["compliant"] == [customer["id"]]
    # job_status is compared on its code in both modes ("working" is a spelling of Working); the text is not
    assert results["exact"]["drifted"][0]["fields"] == [
        {"field": "country_or_region", "expected": [expected[0]["country_or_region"]], "actual": customer["countryOrRegion"]},
    ]
    # the debug output is JSON: the quotes that show the white space are escaped
    assert '~ %s (%s) country_or_region: expected \\" %s \\", got %s' % (
        customer["organization"], customer["id"], customer["countryOrRegion"].lower(), customer["countryOrRegion"]) in proc.stdout


BAD_DECLARATIONS = [
    ({"customer_compliance_expected": [{"id": UNKNOWN_ID, "job_stauts": "Working"}]}, "job_stauts"),
    ({"customer_compliance_expected": [{"id": "contoso"}]}, "invalid customer ID in customer_compliance_expected[0] 'contoso'"),
    ({"customer_compliance_expected": [{"id": UNKNOWN_ID, "job_status": []}]}, "customer_compliance_expected[0].job_status is an empty list"),
    ({"customer_compliance_expected": [{"id": UNKNOWN_ID, "job_status": [1, "Working", -1]}]}, "must contain only status names"),
    ({"customer_compliance_expected": [{"id": UNKNOWN_ID}], "customer_compliance_country_aliases": {"Vietnam": [7]}},
     "customer_compliance_country_aliases['Vietnam']: every name must be a non-empty string"),
    ({"customer_compliance_expected": [{"id": UNKNOWN_ID}], "customer_compliance_scope": "everything"}, "customer_compliance_scope"),
    ({"customer_compliance_expected": [{"id": UNKNOWN_ID}], "customer_compliance_match": "fuzzy"}, "customer_compliance_match"),
    ({"customer_compliance_expected": [{"id": UNKNOWN_ID}], "customer_compliance_defaults": {"status": "Working"}}, "status"),
    ({"customer_compliance_expected": [{"id": UNKNOWN_ID}, {"id": UNKNOWN_ID.upper()}]}, "is already listed"),
    ({}, "customer_compliance_expected is empty"),
]


def test_bad_declarations_fail_before_any_request(sim, ansible, tmp_path):
    blocks = [{
        "block": [{"name": "bad declaration %d" % index, "ansible.builtin.include_role": {"name": ROLE}, "vars": role_vars}],
        "rescue": [{"ansible.builtin.set_fact": {"errors": "{{ errors + [ansible_failed_result.msg] }}"}}],
    } for index, (role_vars, _fragment) in enumerate(BAD_DECLARATIONS)]
    play = {"hosts": "localhost", "gather_facts": False, "vars": {"errors": []},
            "tasks": blocks + [save("errors", tmp_path / "errors.json")]}
    proc = ansible.playbook([play], env=connection_env(sim))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    errors = json.loads((tmp_path / "errors.json").read_text())
    assert len(errors) == len(BAD_DECLARATIONS)
    for message, (_role_vars, fragment) in zip(errors, BAD_DECLARATIONS):
        assert fragment in message
    counters = sim.counters()
    assert counters["token_requests"] == 0 and counters["api_requests"] == 0


def test_partner_and_elements_api_give_the_same_result(sim, ansible, tmp_path):
    chosen = sim.customers[:8]
    expected = [{"id": c["id"], "job_status": "Working", "country_or_region": "France"} for c in chosen] + [{"id": UNKNOWN_ID}]
    tasks = []
    for api in ("partner", "elements"):
        tasks.append({"name": "with the %s API" % api, "module_defaults": {"group/avepoint.graph.avepoint": {"api": api}},
                      "block": include_role({"customer_compliance_expected": expected, "customer_compliance_fail_on_drift": False,
                                             "customer_compliance_now": "2026-12-01T08:00:00Z"}, api)})  # one checked_at
    tasks.append(save("{'partner': partner, 'elements': elements}", tmp_path / "results.json"))
    proc = ansible.playbook([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}], env=connection_env(sim))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["partner"] == results["elements"]
    assert results["partner"]["summary"]["missing"] == 1 and results["partner"]["summary"]["drifted"] > 0
    by_path = sim.counters()["by_path"]
    assert by_path["GET /partner/customers/{id}"] == 9
    assert sum(count for path, count in by_path.items() if "batch" in path) == 1
