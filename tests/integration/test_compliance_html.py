"""The HTML compliance report at 1,000 customers, in headless Chromium: drifted rows first, the
"drifted only" switch, sortable columns, the workload view (the last success and the protection
of each workload), and not one request beyond the page.

The result is computed in this process from the simulator's job histories (the role's own small
report is opened in test_compliance_role.py): rendering 1,000 customers needs no playbook run.
"""

from __future__ import annotations

import subprocess
from datetime import datetime, timezone

import pytest

from chromium import Chromium, binary
from harness import REPO, Simulator, SimulatorConfig, expected_facts
from test_job_info import expected_by_workload, expected_last_success

from ansible_collections.avepoint.graph.plugins.module_utils._protection import coverage_percent
from ansible_collections.avepoint.graph.plugins.module_utils._times import format_time
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.check import check_compliance
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.declaration import parse_declaration
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.html import html_report

pytestmark = pytest.mark.tooling

CUSTOMERS = 1000
PER_WORKLOAD = {"Exchange Online": "24h", "SharePoint Online": "24h", "OneDrive": "24h", "Microsoft Teams": "48h"}
ROWS = "Array.from(document.querySelectorAll('#%s tbody tr'))"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """The report of 1,000 customers checked for their status, their workloads' last successes and protection."""
    with Simulator(SimulatorConfig(customers=CUSTOMERS, seed=3)) as sim:
        # the protection facts as the plugins' protection option adds them: then the protection rules need no other input
        customers = [dict(expected_facts(customer), workloads=[
            {"workload": item["serviceModule"], "service": item["serviceType"], "scanned_objects": item["totalScannedObjects"],
             "protected_objects": item["totalProtectedObjects"],
             "coverage_percent": coverage_percent(item["totalScannedObjects"], item["totalProtectedObjects"])}
            for item in sim.protection(customer["id"])])
            for customer in sim.customers]
        jobs = {"missing_ids": [], "customers": [
            {"customer_id": c["id"], "last_success": expected_last_success(sim.jobs(c["id"])),
             "last_success_by_workload": expected_by_workload(sim.jobs(c["id"]))} for c in customers]}
        now = format_time(datetime.fromtimestamp(sim.jobs_now, timezone.utc))
    declaration = parse_declaration([], defaults={"job_status": "Working", "last_successful_backup_within": PER_WORKLOAD,
                                                  "protected_workloads": list(PER_WORKLOAD), "protection_coverage_at_least": "95%"},
                                    scope="all", now=now)
    result = check_compliance(customers, declaration, jobs=jobs)
    path = tmp_path_factory.mktemp("html") / "compliance.html"
    path.write_text(html_report(result))
    return {"result": result, "path": path}


@pytest.fixture(scope="module")
def browser(report):
    subprocess.run([str(REPO / "scripts" / "ensure-chromium.sh")], check=True, timeout=900)
    if binary() is None:
        pytest.skip("Chromium is not installed and could not be installed (not root)")
    with Chromium() as opened:
        opened.open(report["path"].resolve().as_uri())
        yield opened


def visible(browser, table):
    return browser.evaluate("%s.filter(row => row.offsetParent !== null).map(row => row.dataset.customerId)" % (ROWS % table))


def test_the_page_loads_nothing_but_itself(report, browser):
    assert browser.requests == [report["path"].resolve().as_uri()]
    assert browser.evaluate("document.querySelectorAll('#customers tbody tr').length") == CUSTOMERS
    assert browser.evaluate("document.getElementById('customers-count').textContent") == "%d of %d shown" % (CUSTOMERS, CUSTOMERS)


def test_each_workload_shows_its_last_success_and_its_protection(report, browser):
    cells = browser.evaluate("Array.from(document.querySelectorAll('#workloads tbody tr:first-child td')).slice(3)"
                             ".map(cell => cell.innerText)")
    assert len(cells) == 5  # four declared workloads, and Microsoft 365 Groups, which the coverage rule checks too
    rules = browser.evaluate("Array.from(new Set(Array.from(document.querySelectorAll('#workloads .rule'))"
                             ".map(label => label.textContent)))")
    assert sorted(rules) == ["last_successful_backup", "protected_workloads", "protection_coverage_at_least"]
    assert browser.evaluate("Array.from(document.querySelectorAll('#workloads .finding')).some(f => /\\d% \\(\\d+ of \\d+ objects/"
                            ".test(f.textContent))")


def test_drifted_customers_come_first(report, browser):
    summary = report["result"]["summary"]
    assert summary["drifted"] > 100 and summary["compliant"] > 10  # the view has both to order
    statuses = browser.evaluate("%s.map(row => row.className)" % (ROWS % "customers"))
    assert statuses == ["status-drifted"] * summary["drifted"] + ["status-compliant"] * summary["compliant"]
    drifting = [row["id"] for row in report["result"]["customers"] if any(not i["ok"] and i.get("workload") for i in row["fields"])]
    order = browser.evaluate("%s.map(row => row.dataset.customerId)" % (ROWS % "workloads"))
    assert order[:len(drifting)] == drifting and len(order) == CUSTOMERS


def test_the_drifted_only_switch_hides_the_compliant_rows(report, browser):
    browser.evaluate("document.getElementById('drifted-only').click()")
    try:
        assert visible(browser, "customers") == [row["id"] for row in report["result"]["drifted"]]
        assert browser.evaluate("document.getElementById('customers-count').textContent") == "%d of %d shown" % (
            len(report["result"]["drifted"]), CUSTOMERS)
        assert browser.evaluate("%s.filter(row => row.offsetParent !== null).every(row => row.className === 'status-drifted')"
                                % (ROWS % "workloads"))
    finally:
        browser.evaluate("document.getElementById('drifted-only').click()")
    assert len(visible(browser, "customers")) == CUSTOMERS


def sort_by(browser, table, heading):
    browser.evaluate("Array.from(document.querySelectorAll('#%s thead th')).find(th => th.textContent.trim() === %r)"
                     ".querySelector('button').click()" % (table, heading))


def test_columns_sort_both_ways(report, browser):
    names = {row["id"]: (row["name"] or "").casefold() for row in report["result"]["customers"]}
    sort_by(browser, "customers", "Customer")
    ascending = browser.evaluate("%s.map(row => row.dataset.customerId)" % (ROWS % "customers"))
    assert [names[i] for i in ascending] == sorted(names.values())
    assert browser.evaluate("document.querySelector('#customers th[aria-sort]').textContent") == "Customer"
    sort_by(browser, "customers", "Customer")
    descending = browser.evaluate("%s.map(row => row.dataset.customerId)" % (ROWS % "customers"))
    assert [names[i] for i in descending] == sorted(names.values(), reverse=True)
    # a workload column: drifting first, the oldest last success (or none) first among them
    sort_by(browser, "workloads", "Exchange Online")
    keys = browser.evaluate("%s.map(row => row.cells[3].dataset.sort)" % (ROWS % "workloads"))
    ranks = [key.split("|")[0] for key in keys]
    assert ranks == sorted(ranks) and "0" in ranks and "1" in ranks
    drifting = [key.split("|", 1)[1] for key in keys if key.startswith("0|")]
    assert drifting == sorted(drifting)
    sort_by(browser, "customers", "Status")  # back to drifted first
    assert browser.evaluate("%s[0].className" % (ROWS % "customers")) == "status-drifted"


def test_a_screenshot_shows_the_report(report, browser, tmp_path):
    shot = tmp_path / "report.png"
    browser.screenshot(shot)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20000
