"""Secrets in their wire spellings, and proxy passwords, through the module, the lookup and the inventory (issues 14.1, 14.2).

Canaries:

* a client secret with ``+ / = & %`` and a space, which the simulator accepts; its token endpoint
  answers 500 and repeats the form it received, so the secret comes back form-encoded
  (``%2B``, ``%2F``, ``+`` for the space): a proxy or WAF that echoes what it got does the same;
* a proxy password in a malformed proxy value (``user:password@host:port`` without a scheme), and
  in a well-formed proxy URL that is refused for plain http (a configuration error either way).

Everything runs at -vvvv with ANSIBLE_LOG_PATH; secrets come from a vars file and environment
variables, never from the playbook text. No spelling of a canary may appear in stdout, stderr,
the log, or a registered result, and each failure must still say what happened.
"""

from __future__ import annotations

import json
import subprocess
from urllib.parse import quote, quote_plus

import pytest
import yaml

from harness import BIN, DEFAULT_CLIENT_ID, AnsibleRun, Simulator, SimulatorConfig, connection_env

MODULE = "avepoint.graph.avepoint_customer_info"
LOOKUP = "avepoint.graph.avepoint_customer"
INVENTORY = "avepoint.graph.avepoint_customers"
SECRET = "CANARY+sp/ec=ial&se%cret 4a1f"
PROXY_PASSWORD = "Pr0xyPa55-c4nary"
MALFORMED_PROXY = "alice:%s@corp-proxy.example-msp.invalid:3128" % PROXY_PASSWORD
PLAIN_HTTP_PROXY = "http://alice:%s@corp-proxy.example-msp.invalid:3128" % PROXY_PASSWORD
MASK = "********"


def spellings(secret: str) -> set[str]:
    encoded = {quote_plus(secret, safe=""), quote(secret, safe=""), quote_plus(secret), quote(secret)}
    return {secret, json.dumps(secret)[1:-1]} | encoded | {text.lower() for text in encoded}


CANARIES = spellings(SECRET) | {PROXY_PASSWORD, quote(PROXY_PASSWORD)}

# name -> (module arguments / lookup variables, what the error must say)
CASES = {
    "echoed_secret": ({"client_secret": "{{ special_secret }}"}, ["the token request failed with HTTP 500", "received", MASK]),
    "malformed_proxy": ({"proxy": "{{ malformed_proxy }}"}, ["option 'proxy' must be a URL with a scheme", "not shown"]),
    "plain_http_proxy": ({"proxy": "{{ plain_http_proxy }}"},
                         ["plain http through the proxy 'corp-proxy.example-msp.invalid:3128'"]),
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("secret-spellings")
    (workdir / "secrets.yml").write_text(yaml.safe_dump({
        "special_secret": SECRET, "malformed_proxy": MALFORMED_PROXY, "plain_http_proxy": PLAIN_HTTP_PROXY}))
    with Simulator(SimulatorConfig(customers=3, client_secret=SECRET)) as sim:
        customer_id = sim.customers[0]["id"]
        # Every token request is answered 500 with the form it received (client_secret=CANARY%2Bsp%2Fec...).
        sim.set_faults([{"kind": "status", "status": 500, "path": "^/connect/token$", "echo_request": True}])
        env = connection_env(sim, AVEPOINT_CLIENT_SECRET=None, AVEPOINT_RETRIES="0")
        tasks = []
        for name, (options, _expected) in CASES.items():
            credentials = {} if "client_secret" in options else {"client_secret": "wrong-secret-not-a-canary"}
            tasks.append({"name": "module " + name, MODULE: dict(credentials, id=customer_id, **options),
                          "register": "module_" + name, "ignore_errors": True})
            variables = {"ansible_avepoint_%s" % key: value for key, value in dict(credentials, **options).items()}
            tasks.append({"name": "lookup " + name, "ansible.builtin.set_fact": {"found": "{{ query(%r, %r) }}" % (LOOKUP, customer_id)},
                          "vars": variables, "register": "lookup_" + name, "ignore_errors": True})
        names = ["%s_%s" % (consumer, name) for name in CASES for consumer in ("module", "lookup")]
        out = workdir / "outcomes.json"
        saved = "{{ {%s} | to_json }}" % ", ".join("%r: %s" % (name, name) for name in names)
        tasks.append({"name": "save", "ansible.builtin.copy": {"content": saved, "dest": str(out)}})
        play_log = workdir / "playbook.log"
        run = AnsibleRun(workdir)
        play = run.playbook([{"hosts": "localhost", "gather_facts": False, "vars_files": ["secrets.yml"], "tasks": tasks}],
                            env=dict(env, ANSIBLE_LOG_PATH=str(play_log)), args=("-vvvv",))

        def from_env(variable):
            return "{{ lookup('ansible.builtin.env', '%s') }}" % variable

        common = {"plugin": INVENTORY, "api_url": sim.url, "token_url": sim.token_url, "client_id": DEFAULT_CLIENT_ID, "retries": 0}
        sources = {
            "a_echoed_secret.avepoint_customers.yml": dict(common, client_secret=from_env("SPELL_SECRET")),
            "b_malformed_proxy.avepoint_customers.yml": dict(common, client_secret="not-a-canary", proxy=from_env("SPELL_MALFORMED_PROXY")),
            "c_plain_http_proxy.avepoint_customers.yml": dict(common, client_secret="not-a-canary", proxy=from_env("SPELL_HTTP_PROXY")),
        }
        command = [str(BIN / "ansible-inventory"), "-vvvv", "--list"]
        for source, content in sources.items():
            (workdir / source).write_text(yaml.safe_dump(content))
            command += ["-i", source]
        inventory_log = workdir / "inventory.log"
        inventory = subprocess.run(command, cwd=workdir, capture_output=True, check=False, text=True, timeout=300, env=run.env(dict(
            env, ANSIBLE_LOG_PATH=str(inventory_log), ANSIBLE_INVENTORY_ENABLED=INVENTORY, SPELL_SECRET=SECRET,
            SPELL_MALFORMED_PROXY=MALFORMED_PROXY, SPELL_HTTP_PROXY=PLAIN_HTTP_PROXY)))
        counters = sim.counters()
    assert out.exists(), play.stdout[-3000:] + play.stderr[-3000:]
    return {
        "outcomes": json.loads(out.read_text()), "inventory": inventory, "counters": counters,
        "texts": {"playbook stdout": play.stdout, "playbook stderr": play.stderr, "playbook log": play_log.read_text(),
                  "outcomes": out.read_text(), "inventory stdout": inventory.stdout, "inventory stderr": inventory.stderr,
                  "inventory log": inventory_log.read_text()},
    }


@pytest.mark.parametrize("consumer", ["module", "lookup"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_each_failure_says_what_happened(runs, consumer, name):
    result = runs["outcomes"]["%s_%s" % (consumer, name)]
    assert result.get("failed") is True, result
    for fragment in CASES[name][1]:
        assert fragment in result["msg"], "%r not in %r" % (fragment, result["msg"])


@pytest.mark.parametrize("source, fragment", [
    ("a_echoed_secret", "client_secret=" + MASK),
    ("b_malformed_proxy", "option 'proxy' must be a URL with a scheme"),
    ("c_plain_http_proxy", "plain http through the proxy 'corp-proxy.example-msp.invalid:3128'"),
])
def test_each_inventory_source_says_what_happened(runs, source, fragment):
    stderr = "".join(runs["inventory"].stderr.split())  # ansible-core 2.16 wraps warnings at 79 columns
    block = stderr.split("/%s.avepoint_customers.yml" % source, 1)[1]
    assert "".join(fragment.split()) in block[:3000], block[:3000]


def test_the_echo_really_repeated_the_secret(runs):
    assert runs["counters"]["token_requests"] >= 3  # module, lookup and inventory each asked once, and were echoed


def test_no_spelling_of_a_canary_anywhere(runs):
    texts = runs["texts"]
    assert "EXEC" in texts["playbook stdout"] and texts["playbook log"].strip() and texts["inventory log"].strip()
    for canary in sorted(CANARIES):
        for where, text in texts.items():
            assert canary not in text, "%r found in %s" % (canary, where)


def test_no_traceback(runs):
    for where, text in runs["texts"].items():
        assert "Traceback" not in text, where
