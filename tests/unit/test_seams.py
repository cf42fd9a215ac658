"""The declared seams (typing.Protocol) and everything that implements them, test doubles included, agree."""

from __future__ import annotations

import inspect

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._backend import Backend, Request
from ansible_collections.avepoint.graph.plugins.module_utils._client import BACKENDS, AvePointClient
from ansible_collections.avepoint.graph.plugins.module_utils._http import HttpTransport, RequestsWire, Transport, Wire
from ansible_collections.avepoint.graph.plugins.module_utils._options import settings_from_getter

from fakes import API_URL, TOKEN_URL, FakeTransport, ScriptedWire, customer, response


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


@pytest.mark.parametrize("wire", [RequestsWire, ScriptedWire], ids=lambda item: item.__name__)
def test_wires_have_the_wire_signature(wire):
    assert shape(wire.__call__) == shape(Wire.__call__)
    assert shape(wire.proxy_for) == shape(Wire.proxy_for)


def test_the_transport_hands_token_body_and_headers_to_the_wire():
    settings = settings_from_getter({"access_token": "t", "api_url": API_URL}.get)
    wire = ScriptedWire([200])
    Transport(settings, wire=wire).send("POST", API_URL + "/x", token="bearer-value", json_body={"a": 1},
                                        params={"pageIndex": 1}, headers={"Content-Type": "application/json"})
    assert wire.requests == [{"method": "POST", "url": API_URL + "/x", "token": "bearer-value", "data": None,
                              "json_body": {"a": 1}, "params": {"pageIndex": 1}, "headers": {"Content-Type": "application/json"}}]


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


def test_an_injected_wire_is_not_closed_by_the_transport():
    settings = settings_from_getter({"access_token": "t", "api_url": API_URL}.get)

    class ClosableWire(ScriptedWire):
        closed = False

        def close(self):
            self.closed = True

    wire = ClosableWire([])
    Transport(settings, wire=wire).close()
    assert not wire.closed  # whoever made it owns it
