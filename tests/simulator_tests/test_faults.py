import json
import socket
import time
from urllib.parse import urlsplit

import pytest
import requests

from avepoint_simulator import Simulator, SimulatorConfig
from sim_helpers import BATCH_PATH, bearer, fetch_token


def _list(sim, h, session=None):
    return (session or requests).get(f"{sim.url}/partner/customers", headers=h, timeout=10)


def test_status_count_with_retry_after(sim, headers):
    sim.set_faults([{"kind": "status", "status": 429, "retry_after": 2, "count": 2}])
    r1, r2, r3 = (_list(sim, headers) for _attempt in range(3))
    assert r1.status_code == r2.status_code == 429
    assert r1.headers["Retry-After"] == "2"
    assert r1.json()["statusCode"] == 429
    assert r3.status_code == 200
    c = sim.counters()
    assert c["faults_injected"] == 2 and c["by_status"] == {"429": 2, "200": 1}
    assert sim.faults()[0]["hits"] == 2


def test_status_with_extra_headers(sim, headers):
    sim.set_faults([{"kind": "status", "status": 301, "headers": {"Location": "https://elsewhere.example/x"}, "count": 1}])
    r = requests.get(f"{sim.url}/partner/customers", headers=headers, timeout=10, allow_redirects=False)
    assert r.status_code == 301 and r.headers["Location"] == "https://elsewhere.example/x"
    with pytest.raises(ValueError, match="headers must be an object of strings"):
        sim.set_faults([{"kind": "status", "headers": {"Location": 1}}])


def test_status_without_retry_after_and_body_override(sim, headers):
    sim.set_faults([{"kind": "status", "status": 503, "count": 1, "body": {"custom": True}}])
    r = _list(sim, headers)
    assert r.status_code == 503 and "Retry-After" not in r.headers
    assert r.json() == {"custom": True}


def test_faults_do_not_hit_token_by_default(sim):
    sim.set_faults([{"kind": "status", "status": 500}])
    assert fetch_token(sim).status_code == 200
    sim.set_faults([{"kind": "status", "status": 503, "path": "^/connect/token$", "count": 1}])
    assert fetch_token(sim).status_code == 503
    assert fetch_token(sim).status_code == 200
    c = sim.counters()
    assert c["token_requests"] == 3 and c["token_failures"] == 1


def test_rate_is_deterministic():
    def run():
        with Simulator(SimulatorConfig(seed=7)) as sim:
            h = bearer(sim)
            sim.set_faults([{"kind": "status", "status": 500, "rate": 0.3}])
            s = requests.Session()
            return [_list(sim, h, s).status_code for _attempt in range(40)]

    first, second = run(), run()
    assert first == second
    assert 3 <= first.count(500) <= 25


def test_drop(sim, headers):
    sim.set_faults([{"kind": "drop", "count": 1}])
    with pytest.raises(requests.ConnectionError):
        _list(sim, headers)
    assert _list(sim, headers).status_code == 200
    assert sim.counters()["by_status"].get("dropped") == 1


@pytest.mark.parametrize("kind,status,ctype", [("malformed", 200, "json"), ("html", 502, "text/html"),
                                               ("empty", 200, "json")])
def test_broken_bodies(sim, headers, kind, status, ctype):
    sim.set_faults([{"kind": kind, "count": 1}])
    r = _list(sim, headers)
    assert r.status_code == status and ctype in r.headers["Content-Type"]
    with pytest.raises(ValueError):
        json.loads(r.text)


def test_truncated(sim, headers):
    sim.set_faults([{"kind": "truncated", "count": 1}])
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        _list(sim, headers)
    assert _list(sim, headers).status_code == 200


def test_huge(sim, headers):
    sim.set_faults([{"kind": "huge", "count": 1}])
    r = _list(sim, headers)
    assert r.status_code == 200 and len(r.content) > 20 * 1024 * 1024
    assert len(r.json()["value"]) == 25


def test_drip_sends_the_whole_body_a_few_bytes_at_a_time(sim, headers):
    cid = sim.customers[0]["id"]
    sim.set_faults([{"kind": "drip", "drip_bytes": 40, "drip_ms": 50, "count": 1}])
    start = time.monotonic()
    chunks = []
    with requests.get(f"{sim.url}/partner/customers/{cid}", headers=headers, timeout=5, stream=True) as r:
        while True:
            chunk = r.raw.read1(1024)  # what one socket read returns
            if not chunk:
                break
            chunks.append(chunk)
    body = b"".join(chunks)
    assert r.status_code == 200 and json.loads(body)["id"] == cid
    assert len(chunks) >= 3 and max(len(chunk) for chunk in chunks) <= 40
    assert time.monotonic() - start >= 0.05 * (len(body) // 40 - 1)
    assert _list(sim, headers).status_code == 200  # count: 1


def test_drip_headers_sends_the_status_line_and_headers_a_few_bytes_at_a_time(sim, headers):
    cid = sim.customers[0]["id"]
    sim.set_faults([{"kind": "drip", "drip_bytes": 16, "drip_ms": 50, "drip_headers": True, "count": 1}])
    address = urlsplit(sim.url)
    request = (f"GET /partner/customers/{cid} HTTP/1.1\r\nHost: {address.netloc}\r\nAuthorization: {headers['Authorization']}\r\n"
               "Connection: close\r\n\r\n")
    start = time.monotonic()
    chunks = []
    with socket.create_connection((address.hostname, address.port), timeout=5) as sock:
        sock.sendall(request.encode())
        while True:
            chunk = sock.recv(65536)  # what one socket read returns
            if not chunk:
                break
            chunks.append(chunk)
    answer = b"".join(chunks)
    head, _blank, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 ") and b"\r\nContent-Length: %d" % len(body) in head
    assert json.loads(body)["id"] == cid
    reads_for_the_head = next(index for index in range(len(chunks)) if len(b"".join(chunks[:index + 1])) > len(head))
    assert reads_for_the_head >= 3  # the head did not arrive in one read
    assert time.monotonic() - start >= 0.05 * (len(answer) // 16 - 1)
    assert _list(sim, headers).status_code == 200  # count: 1
    with pytest.raises(ValueError, match="drip_headers must be true or false"):
        sim.set_faults([{"kind": "drip", "drip_headers": "yes"}])


@pytest.mark.parametrize("rule", [{"kind": "drip", "drip_bytes": 0}, {"kind": "drip", "drip_ms": -1}, {"kind": "drip", "drip_ms": "x"}])
def test_drip_settings_are_checked(sim, rule):
    with pytest.raises(ValueError, match="must be an integer of at least"):
        sim.set_faults([rule])


def test_field_faults(sim, headers):
    cid = sim.customers[0]["id"]
    url = f"{sim.url}/partner/customers/{cid}"
    sim.set_faults([{"kind": "extra_field", "count": 1}])
    body = requests.get(url, headers=headers, timeout=5).json()
    assert "unexpectedField" in body and body["organization"]
    sim.set_faults([{"kind": "missing_field", "count": 1}])
    assert "organization" not in requests.get(url, headers=headers, timeout=5).json()
    sim.set_faults([{"kind": "wrong_type", "count": 1}])
    r = requests.post(f"{sim.url}{BATCH_PATH}", headers=headers, json={}, timeout=5).json()
    assert all(isinstance(c["organization"], int) for c in r["data"])


def test_ids_filter(sim, headers):
    target, other = sim.customers[1]["id"], sim.customers[2]["id"]
    sim.set_faults([{"kind": "status", "status": 500, "ids": [target.upper()]}])
    base = f"{sim.url}/partner/customers"
    assert requests.get(f"{base}/{target}", headers=headers, timeout=5).status_code == 500
    assert requests.get(f"{base}/{other}", headers=headers, timeout=5).status_code == 200
    batch = f"{sim.url}{BATCH_PATH}"
    assert requests.post(batch, headers=headers, json={"customerIds": [other, target]}, timeout=5).status_code == 500
    assert requests.post(batch, headers=headers, json={"customerIds": [other]}, timeout=5).status_code == 200
    assert requests.get(base, headers=headers, timeout=5).status_code == 200


def test_path_regex_and_delay(sim, headers):
    sim.set_faults([{"kind": "delay", "delay_ms": 300, "path": "/batch$", "count": 1},
                    {"kind": "status", "status": 502, "path": "/batch$", "count": 1}])
    assert _list(sim, headers).status_code == 200
    start = time.monotonic()
    r = requests.post(f"{sim.url}{BATCH_PATH}", headers=headers, json={}, timeout=5)
    assert r.status_code == 502 and time.monotonic() - start >= 0.3
    assert sim.counters()["faults_injected"] == 2


def test_control_endpoints(sim, headers):
    base = f"{sim.url}/_sim"
    r = requests.post(f"{base}/faults", json=[{"kind": "status", "status": 500, "count": 1}], timeout=5)
    assert r.status_code == 200
    assert requests.get(f"{base}/faults", timeout=5).json()[0]["kind"] == "status"
    assert requests.delete(f"{base}/faults", timeout=5).status_code == 200
    assert _list(sim, headers).status_code == 200
    assert requests.post(f"{base}/faults", json=[{"kind": "bogus"}], timeout=5).status_code == 400
    assert requests.post(f"{base}/faults", json=[{"kind": "status", "rate": 2}], timeout=5).status_code == 400
    with pytest.raises(ValueError):
        sim.set_faults([{"kind": "nope"}])
