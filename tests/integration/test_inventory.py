"""avepoint.graph.avepoint_customers in real ansible-inventory runs against the simulator."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness import expected_facts, plain, BIN, DEFAULT_CLIENT_SECRET, Simulator, SimulatorConfig, connection_env, squeezed, warnings_printed

PLUGIN = "avepoint.graph.avepoint_customers"
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"
WRONG_SECRET = "wrong-secret-1f2e3d"


class Inventory:
    """Writes inventory sources to a scratch directory and runs ansible-inventory on them."""

    def __init__(self, ansible, workdir: Path) -> None:
        self.ansible = ansible
        self.workdir = workdir

    def write(self, name: str, content: Any) -> Path:
        path = self.workdir / name
        path.write_text(content if isinstance(content, str) else yaml.safe_dump(content, sort_keys=False))
        return path

    def run(self, sources: list[str], env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
        command = [str(BIN / "ansible-inventory")]
        for source in sources:
            command += ["-i", str(self.workdir / source)]
        # a source that fails to parse fails the run (by default it is only a warning)
        extra = dict(env, ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED="True")
        return subprocess.run(command + list(args), cwd=self.workdir, env=self.ansible.env(extra),
                              capture_output=True, check=False, text=True, timeout=300)

    def list(self, sources: list[str], env: dict[str, str], *args: str) -> tuple[dict, subprocess.CompletedProcess]:
        proc = self.run(sources, env, "--list", *args)
        assert proc.returncode == 0, proc.stderr
        return plain(json.loads(proc.stdout)), proc


@pytest.fixture
def inventory(ansible, tmp_path):
    return Inventory(ansible, tmp_path)


def hosts_of(listing: dict, group: str) -> set[str]:
    return set(listing.get(group, {}).get("hosts", []))


def hostvars(listing: dict) -> dict:
    return listing["_meta"]["hostvars"]


def customers_config(**options: Any) -> dict:
    return {"plugin": PLUGIN, **options}


# --- hosts mode ---------------------------------------------------------------------------


def test_hosts_mode_list_and_graph(sim, inventory):
    inventory.write("msp.avepoint_customers.yml", customers_config(
        keyed_groups=[
            {"key": "avepoint_customer.job_status", "prefix": "job_status"},
            {"key": "avepoint_customer.country_or_region", "prefix": "country"},
        ],
        groups={"needs_attention": "avepoint_customer.job_status_code != 1"},
        compose={"customer_name": "avepoint_customer.organization"},
    ))
    listing, proc = inventory.list(["msp.avepoint_customers.yml"], connection_env(sim))
    assert "WARNING" not in proc.stderr, proc.stderr
    variables = hostvars(listing)
    assert set(variables) == {c["id"] for c in sim.customers}
    for raw in sim.customers:
        assert variables[raw["id"]]["avepoint_customer"] == expected_facts(raw)
        assert variables[raw["id"]]["avepoint_customer_id"] == raw["id"]
        assert variables[raw["id"]]["customer_name"] == raw["organization"]
    working = {c["id"] for c in sim.customers if c["jobStatusCode"] == 1}
    assert hosts_of(listing, "job_status_Working") == working
    assert hosts_of(listing, "needs_attention") == {c["id"] for c in sim.customers} - working
    assert hosts_of(listing, "country_Vietnam") == {c["id"] for c in sim.customers if c["countryOrRegion"] == "Vietnam"}
    assert hosts_of(listing, "country_United_States") == {c["id"] for c in sim.customers if c["countryOrRegion"] == "United States"}
    counters = sim.counters()
    assert counters["token_requests"] == 1
    assert counters["by_path"] == {"GET /partner/customers": 1}

    graph = inventory.run(["msp.avepoint_customers.yml"], connection_env(sim), "--graph", "job_status_Failed")
    assert graph.returncode == 0, graph.stderr
    failed = [c["id"] for c in sim.customers if c["jobStatusCode"] == 2]
    assert failed and graph.stdout.splitlines()[0] == "@job_status_Failed:"
    assert sorted(line.strip(" |-") for line in graph.stdout.splitlines()[1:]) == sorted(failed)


def test_filters_choose_the_hosts(sim, inventory):
    inventory.write("f.avepoint_customers.yml", customers_config(
        filters={"job_status": ["working", "FAILED"], "country_or_region": [" vietnam ", "germany", "United  States"]},
    ))
    listing, _proc = inventory.list(["f.avepoint_customers.yml"], connection_env(sim))
    expected = {c["id"] for c in sim.customers
                if c["jobStatusCode"] in (1, 2) and c["countryOrRegion"] in ("Vietnam", "Germany", "United States")}
    assert expected and len(expected) < len(sim.customers)
    assert set(hostvars(listing)) == expected


COLLIDING_DATASET = [
    {"id": "0f8fad5b-d9cb-469f-a165-70867728950e", "organization": "Contoso Ltd", "countryOrRegion": "Vietnam"},
    {"id": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "organization": "Contoso, Ltd.", "countryOrRegion": "Viet Nam"},
    {"id": "2c6a3b43-3d58-4b36-9a4e-6f3f0f7d7f61", "organization": "CONTOSO LTD"},
    {"id": "9b0e7a52-0a5e-4bb1-8a8f-5d0b43b1e7c2", "organization": "Müller & Söhne AG", "jobStatus": "Failed"},
    {"id": "a3bb189e-8bf9-4888-9912-ace4e6543002", "organization": "東京株式会社"},
    {"id": "e0f4d1c2-5b6a-4c3d-8e9f-0a1b2c3d4e5f", "organization": "{{ lookup('pipe', 'touch /tmp/pwned') }}"},
]


@pytest.fixture(scope="module")
def colliding_sim(tmp_path_factory):
    dataset = tmp_path_factory.mktemp("dataset") / "customers.json"
    dataset.write_text(json.dumps(COLLIDING_DATASET))
    with Simulator(SimulatorConfig(dataset_file=str(dataset))) as sim:
        yield sim


def test_organization_host_names_are_safe_and_unique(colliding_sim, inventory):
    inventory.write("org.avepoint_customers.yml", customers_config(
        hostname="organization",
        keyed_groups=[{"key": "avepoint_customer.job_status", "prefix": "job_status"}],
        compose={"display_name": "avepoint_customer.organization"},
    ))
    listing, _proc = inventory.list(["org.avepoint_customers.yml"], connection_env(colliding_sim))
    variables = hostvars(listing)
    assert set(variables) == {
        "contoso-ltd-0f8fad5b", "contoso-ltd-7c9e6679", "contoso-ltd-2c6a3b43",
        "muller-sohne-ag", "a3bb189e-8bf9-4888-9912-ace4e6543002", "lookup-pipe-touch-tmp-pwned",
    }
    assert variables["contoso-ltd-7c9e6679"]["avepoint_customer"]["organization"] == "Contoso, Ltd."
    assert variables["contoso-ltd-7c9e6679"]["avepoint_customer_id"] == "7c9e6679-7425-40de-944b-e07fc1f90ae7"
    assert hosts_of(listing, "job_status_Failed") == {"muller-sohne-ag"}
    # API text is data, never a template
    assert variables["lookup-pipe-touch-tmp-pwned"]["display_name"] == COLLIDING_DATASET[5]["organization"]


# --- enrich mode ----------------------------------------------------------------------------


def static_tenants(sim: Simulator) -> dict:
    first, second = sim.customers[0]["id"], sim.customers[1]["id"]
    return {"all": {
        "hosts": {
            "tenant-a": {"avepoint_customer_id": first.upper()},
            "tenant-unknown": {"avepoint_customer_id": UNKNOWN_ID},
            "tenant-bad": {"avepoint_customer_id": "not-a-guid"},
            "no-customer": {"ansible_host": "192.0.2.1"},
        },
        "children": {
            "fabrikam": {"vars": {"avepoint_customer_id": second}, "hosts": {"tenant-b1": {}, "tenant-b2": {}}},
        },
    }}


def test_enrich_adds_facts_to_existing_hosts(sim, inventory):
    inventory.write("tenants.yml", static_tenants(sim))
    inventory.write("enrich.avepoint_customers.yml", customers_config(
        mode="enrich",
        keyed_groups=[{"key": "avepoint_customer.job_status", "prefix": "backup"}],
    ))
    listing, proc = inventory.list(["tenants.yml", "enrich.avepoint_customers.yml"], connection_env(sim))
    variables = hostvars(listing)
    assert set(variables) == {"tenant-a", "tenant-unknown", "tenant-bad", "no-customer", "tenant-b1", "tenant-b2"}
    assert variables["tenant-a"]["avepoint_customer"] == expected_facts(sim.customers[0])
    assert variables["tenant-b1"]["avepoint_customer"] == expected_facts(sim.customers[1])
    assert variables["tenant-b2"]["avepoint_customer"] == expected_facts(sim.customers[1])
    for host in ("tenant-unknown", "tenant-bad", "no-customer"):
        assert "avepoint_customer" not in variables[host]
    status = expected_facts(sim.customers[0])["job_status"].replace(" ", "_")
    assert "tenant-a" in hosts_of(listing, "backup_" + status)
    warnings = warnings_printed(proc.stderr)
    assert any(squeezed("host tenant-unknown: customer %s not found" % UNKNOWN_ID) in w for w in warnings), proc.stderr
    assert any(squeezed("host tenant-bad: avepoint_customer_id is not a customer ID (expected a GUID), got 'not-a-guid'") in w
               for w in warnings), proc.stderr
    counters = sim.counters()
    assert counters["token_requests"] == 1
    assert counters["by_path"] == {"GET /partner/customers/{id}": 3}  # one bulk fetch of the three valid IDs


def test_enrich_with_a_custom_variable_and_templated_id(sim, inventory):
    customer = sim.customers[4]
    inventory.write("cmdb.yml", {"all": {"hosts": {"dc01": {"tenant_guid": customer["id"], "customer_ref": "{{ tenant_guid }}"}}}})
    inventory.write("x.avepoint_customers.yaml", customers_config(mode="enrich", customer_id_var="customer_ref"))
    listing, proc = inventory.list(["cmdb.yml", "x.avepoint_customers.yaml"], connection_env(sim))
    assert hostvars(listing)["dc01"]["avepoint_customer"] == expected_facts(customer)
    assert "WARNING" not in proc.stderr, proc.stderr


def test_enrich_strict_fails_on_an_unknown_id(sim, inventory):
    tenants = {"all": {"hosts": {"tenant-a": {"avepoint_customer_id": sim.customers[0]["id"]},
                                 "tenant-unknown": {"avepoint_customer_id": UNKNOWN_ID}}}}
    inventory.write("tenants.yml", tenants)
    inventory.write("strict.avepoint_customers.yml", customers_config(mode="enrich", strict=True))
    proc = inventory.run(["tenants.yml", "strict.avepoint_customers.yml"], connection_env(sim), "--list")
    assert proc.returncode != 0
    assert squeezed("host tenant-unknown: customer %s not found" % UNKNOWN_ID) in squeezed(proc.stderr), proc.stderr


def test_enrich_strict_fails_on_an_invalid_id_before_any_request(sim, inventory):
    inventory.write("tenants.yml", {"all": {"hosts": {"t": {"avepoint_customer_id": "../partner/customers"}}}})
    inventory.write("strict.avepoint_customers.yml", customers_config(mode="enrich", strict=True))
    proc = inventory.run(["tenants.yml", "strict.avepoint_customers.yml"], connection_env(sim), "--list")
    assert proc.returncode != 0
    assert "host t: avepoint_customer_id is not a customer ID" in " ".join(proc.stderr.split())
    counters = sim.counters()
    assert counters["token_requests"] == 0 and counters["api_requests"] == 0


# --- cache ----------------------------------------------------------------------------------


def cache_options(directory: Path) -> dict:
    return {"cache": True, "cache_plugin": "ansible.builtin.jsonfile", "cache_connection": str(directory), "cache_timeout": 600}


def test_cache_hit_makes_no_request_and_holds_no_secret(sim, inventory, ansible, tmp_path):
    cache_dir = tmp_path / "cache"
    inventory.write("tenants.yml", static_tenants(sim))
    inventory.write("c.avepoint_customers.yml", customers_config(hostname="organization", **cache_options(cache_dir)))
    inventory.write("e.avepoint_customers.yml", customers_config(mode="enrich", **cache_options(cache_dir)))
    sources = ["tenants.yml", "e.avepoint_customers.yml", "c.avepoint_customers.yml"]

    first, _proc = inventory.list(sources, connection_env(sim))
    counters = sim.counters()
    assert counters["token_requests"] == 1  # one token for both sources of the run
    assert counters["by_path"] == {"GET /partner/customers": 1, "GET /partner/customers/{id}": 3}
    assert len(hostvars(first)) == len(sim.customers) + 6

    sim.reset_counters()
    second, _proc = inventory.list(sources, connection_env(sim))
    assert second == first
    counters = sim.counters()
    assert counters["token_requests"] == 0 and counters["api_requests"] == 0

    cached = "".join(path.read_text() for path in cache_dir.iterdir())
    assert sim.customers[0]["organization"] in cached
    assert DEFAULT_CLIENT_SECRET not in cached
    assert not any(token in cached for token in sim.issued_tokens())

    # --flush-cache (ansible-playbook's: ansible-inventory has it only on ansible-core 2.17+) refetches
    sources_args = tuple(arg for source in sources for arg in ("-i", source))
    proc = ansible.playbook([{"hosts": "localhost", "gather_facts": False, "tasks": []}],
                            env=connection_env(sim), args=sources_args + ("--flush-cache",))
    assert proc.returncode == 0, proc.stderr
    assert sim.counters()["api_requests"] == 4


def test_the_cache_directory_is_private(sim, inventory, tmp_path):
    created = tmp_path / "new" / "cache"
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    inventory.write("n.avepoint_customers.yml", customers_config(**cache_options(created)))
    inventory.write("s.avepoint_customers.yml", customers_config(**cache_options(shared)))
    env = dict(connection_env(sim), ANSIBLE_INVENTORY_ENABLED=PLUGIN)
    _listing, proc = inventory.list(["n.avepoint_customers.yml"], env)
    assert created.stat().st_mode & 0o777 == 0o700 and any(created.iterdir())
    assert "cache directory" not in squeezed(proc.stderr)
    _listing, proc = inventory.list(["s.avepoint_customers.yml"], env)
    assert shared.stat().st_mode & 0o777 == 0o755  # an existing directory is the user's: told, not changed
    assert squeezed("the inventory cache directory %s can be read by other users (mode 0755)" % shared) in warnings_printed(proc.stderr)[0]


# --- errors ---------------------------------------------------------------------------------


def test_wrong_credentials_give_a_clear_error_without_the_secret(sim, inventory):
    inventory.write("w.avepoint_customers.yml", customers_config())
    proc = inventory.run(["w.avepoint_customers.yml"], connection_env(sim, AVEPOINT_CLIENT_SECRET=WRONG_SECRET), "--list", "-vvvv")
    assert proc.returncode != 0
    output = " ".join((proc.stdout + proc.stderr).split())
    assert "authentication failed" in output and "client_secret" in output
    assert WRONG_SECRET not in output
    assert sim.counters()["api_requests"] == 0


def test_templated_secret_from_the_environment(sim, inventory):
    inventory.write("t.avepoint_customers.yml", customers_config(
        client_secret="{{ lookup('ansible.builtin.env', 'MY_AVEPOINT_SECRET') }}",
        filters={"job_status": [2]},
    ))
    env = connection_env(sim, AVEPOINT_CLIENT_SECRET=None)
    env["MY_AVEPOINT_SECRET"] = DEFAULT_CLIENT_SECRET
    listing, _proc = inventory.list(["t.avepoint_customers.yml"], env)
    assert set(hostvars(listing)) == {c["id"] for c in sim.customers if c["jobStatusCode"] == 2}


@pytest.mark.parametrize("options, message", [
    ({"mode": "everything"}, "mode"),
    ({"hostname": "email"}, "hostname"),
    ({"filters": {"status": ["Working"]}}, "option 'filters' has unknown key(s) status"),
    ({"mode": "enrich", "customer_id_var": "not a name"}, "option 'customer_id_var' must be a variable name"),
    ({"api_url": "http://graph.example.com"}, "refusing to send credentials over plain http"),
])
def test_bad_options_fail_before_any_request(sim, inventory, options, message):
    inventory.write("b.avepoint_customers.yml", customers_config(**options))
    proc = inventory.run(["b.avepoint_customers.yml"], connection_env(sim), "--list")
    assert proc.returncode != 0
    assert message in " ".join(proc.stderr.split())
    counters = sim.counters()
    assert counters["token_requests"] == 0 and counters["api_requests"] == 0


def test_only_matching_file_names_are_claimed(sim, inventory):
    inventory.write("customers.yml", customers_config())
    proc = inventory.run(["customers.yml"], connection_env(sim), "--list")
    assert proc.returncode != 0
    assert sim.counters()["api_requests"] == 0


# --- both APIs ------------------------------------------------------------------------------

ELEMENTS_ONLY = ("management_mode", "tenants")


def test_partner_and_elements_give_the_same_facts(sim, inventory):
    inventory.write("tenants.yml", {"all": {"hosts": {"t1": {"avepoint_customer_id": sim.customers[7]["id"]}}}})
    inventory.write("p.avepoint_customers.yml", customers_config(api="partner", hostname="organization"))
    inventory.write("e.avepoint_customers.yml", customers_config(api="elements", hostname="organization"))
    inventory.write("x.avepoint_customers.yml", customers_config(api="elements", mode="enrich"))
    partner, _proc = inventory.list(["p.avepoint_customers.yml"], connection_env(sim))
    elements, _proc = inventory.list(["e.avepoint_customers.yml"], connection_env(sim))
    assert set(elements) == set(partner)
    for host, variables in hostvars(elements).items():
        facts = variables["avepoint_customer"]
        assert set(ELEMENTS_ONLY) <= set(facts)
        trimmed = {key: value for key, value in facts.items() if key not in ELEMENTS_ONLY}
        assert trimmed == hostvars(partner)[host]["avepoint_customer"]

    sim.reset_counters()
    enriched, _proc = inventory.list(["tenants.yml", "x.avepoint_customers.yml"], connection_env(sim))
    facts = hostvars(enriched)["t1"]["avepoint_customer"]
    assert {key: value for key, value in facts.items() if key not in ELEMENTS_ONLY} == expected_facts(sim.customers[7])
    counters = sim.counters()
    assert counters["token_requests"] == 1 and counters["api_requests"] == 1  # one batch request
