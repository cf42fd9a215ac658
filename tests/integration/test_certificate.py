"""Certificate (JWT client assertion) authentication in real ansible-playbook runs against the simulator."""

from __future__ import annotations

from harness import APP_KEY_PASSPHRASE as PASSPHRASE, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET

MODULE = "avepoint.graph.avepoint_customer_info"


def cert_env(sim, **extra: str) -> dict[str, str]:
    env = {
        "AVEPOINT_API_URL": sim.url,
        "AVEPOINT_TOKEN_URL": sim.token_url,
        "AVEPOINT_CLIENT_ID": DEFAULT_CLIENT_ID,
        "AVEPOINT_CERTIFICATE_PATH": str(sim.cert_dir / "app.crt.pem"),
        "AVEPOINT_PRIVATE_KEY_PATH": str(sim.cert_dir / "app.key.enc.pem"),
        "AVEPOINT_PRIVATE_KEY_PASSPHRASE": PASSPHRASE,
    }
    env.update(extra)
    return env


def test_certificate_auth_one_token_per_task_and_no_secret_at_vvvv(csim, ansible, tmp_path):
    ids = [c["id"] for c in csim.customers[:10]]
    env = cert_env(csim, AVEPOINT_API="elements", ANSIBLE_LOG_PATH=str(tmp_path / "ansible.log"))
    plain_key = {"private_key_path": str(csim.cert_dir / "app.key.pem"), "api": "partner"}
    results, proc = ansible.tasks(MODULE, [{"ids": ids}, plain_key], env=env, args=("-vvvv",))
    by_ids, everyone = results
    assert not by_ids.get("failed") and not everyone.get("failed"), results
    assert [c["id"] for c in by_ids["customers"]] == ids
    assert len(everyone["customers"]) == len(csim.customers)
    counters = csim.counters()
    assert counters["token_requests"] == 2 and counters["token_failures"] == 0  # one per task
    assert counters["by_path"] == {"POST /partner/external/v3/general/customers/batch": 1, "GET /partner/customers": 1}
    text = "\n".join([proc.stdout, proc.stderr, (tmp_path / "ansible.log").read_text(), str(results)])
    key_lines = [line for line in (csim.cert_dir / "app.key.pem").read_text().splitlines() if "-----" not in line]
    for secret in [PASSPHRASE, *csim.issued_tokens(), *key_lines[:3]]:
        assert secret not in text


def test_each_failure_is_named(csim, ansible):
    d = csim.cert_dir
    cases = {
        # Refused by the token service: the only case that sends a request.
        "unregistered certificate": ({"certificate_path": str(d / "other.crt.pem"), "private_key_path": str(d / "other.key.pem")},
                                     "authentication failed (invalid_client)"),
        # Everything else is found locally, before any request.
        "expired certificate": ({"certificate_path": str(d / "expired.crt.pem"), "private_key_path": str(d / "expired.key.pem")},
                                "certificate in certificate_path '%s' expired on" % (d / "expired.crt.pem")),
        "mismatched key": ({"private_key_path": str(d / "other.key.pem")},
                           "does not belong to the certificate in certificate_path '%s'" % (d / "app.crt.pem")),
        "wrong passphrase": ({"private_key_passphrase": "not-" + PASSPHRASE}, "wrong private_key_passphrase"),
        "no passphrase": ({"private_key_passphrase": ""}, "is encrypted: set private_key_passphrase"),
        "two credential kinds": ({"client_secret": DEFAULT_CLIENT_SECRET},
                                 "give exactly one kind of credential, not client_secret and certificate_path"),
        "missing certificate": ({"certificate_path": str(d / "nope.pem")},
                                "certificate_path '%s' is not a readable file (No such file or directory)" % (d / "nope.pem")),
        "missing key": ({"private_key_path": str(d / "nope.key")},
                        "private_key_path '%s' is not a readable file (No such file or directory)" % (d / "nope.key")),
        "key given as certificate": ({"certificate_path": str(d / "app.key.pem")}, "is not a PEM certificate"),
    }
    id_arg = {"id": csim.customers[0]["id"]}
    results, proc = ansible.tasks(MODULE, [dict(id_arg, **args) for args, _message in cases.values()], env=cert_env(csim))
    for (name, (_args, message)), result in zip(cases.items(), results):
        assert result.get("failed"), name
        assert message in result["msg"], (name, result["msg"])
    assert "is the one uploaded to this app registration" in results[0]["msg"]
    counters = csim.counters()
    assert counters["token_requests"] == 1 and counters["token_failures"] == 1  # the unregistered certificate only
    assert counters["api_requests"] == 0
    assert PASSPHRASE not in proc.stdout + proc.stderr + str(results)
