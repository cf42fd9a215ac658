"""The declared seams (typing.Protocol) and everything that implements them, test doubles included, agree."""

from __future__ import annotations

import inspect

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._backend import Backend, Request
from ansible_collections.avepoint.graph.plugins.module_utils._client import BACKENDS, AvePointClient
from ansible_collections.avepoint.graph.plugins.module_utils._http import HttpTransport, Transport
from ansible_collections.avepoint.graph.plugins.module_utils._options import settings_from_getter

from fakes import API_URL, TOKEN_URL, FakeTransport, customer, response
from loopback import ScriptedServer


def shape(function):
    """Parameter names, kinds and defaults (annotations are strings under postponed evaluation)."""
    return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()]


def protocol_members(protocol):
    return sorted(name for name in vars(protocol) if not name.startswith("_") and callable(vars(protocol)[name]))


IMPLEMENTATIONS = [
    (HttpTransport, Transport),
    (HttpTransport, FakeTransport),
    (Backend, BACKENDS["partner"]),
    (Backend, BACKENDS["elements"]),
]


@pytest.mark.parametrize("protocol, implementation", IMPLEMENTATIONS, ids=lambda item: item.__name__)
def test_implementations_have_the_protocol_signatures(protocol, implementation):
    members = protocol_members(protocol)
    assert members, "the protocol declares no method"
    for name in members:
        assert shape(getattr(implementation, name)) == shape(getattr(protocol, name)), "%s.%s" % (implementation.__name__, name)


def test_the_transport_sends_token_body_params_and_headers():
    with ScriptedServer() as server:
        settings = settings_from_getter({"access_token": "t", "api_url": server.url}.get)
        transport = Transport(settings)
        transport.send("POST", server.url + "/x", token="bearer-value", json_body={"a": 1}, params={"pageIndex": 1},
                       headers={"X-Extra": "yes"})
        transport.send("POST", server.url + "/connect/token", data={"grant_type": "client_credentials"})
        transport.close()
    sent, token = server.requests
    assert (sent["method"], sent["target"], sent["body"]) == ("POST", "/x?pageIndex=1", b'{"a": 1}')
    assert sent["headers"]["authorization"] == "Bearer bearer-value" and sent["headers"]["x-extra"] == "yes"
    assert sent["headers"]["content-type"] == "application/json" and sent["headers"]["accept"] == "application/json"
    assert token["body"] == b"grant_type=client_credentials" and "authorization" not in token["headers"]


def test_the_client_declares_a_json_body_and_nothing_else():
    seen = []

    class Recorder(FakeTransport):
        def answer(self, method, url, *, token, json_body, params, headers):
            seen.append(headers)
            return response(200, customer(url.rsplit("/", 1)[1]))

    settings = settings_from_getter({"client_id": "app", "client_secret": "s", "api_url": API_URL, "token_url": TOKEN_URL}.get)
    client = AvePointClient(settings, transport=Recorder(None))
    client.send(Request("GET", "/partner/customers/0f8fad5b-d9cb-469f-a165-70867728950e", "x", "p"))
    client.send(Request("POST", "/y", "y", "p", body={}))
    assert seen == [None, {"Content-Type": "application/json"}]
