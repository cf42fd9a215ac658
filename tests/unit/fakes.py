"""Scripted stand-ins for the declared seam of module_utils._http (HttpTransport)."""

from __future__ import annotations

import json
import threading
from collections import namedtuple
from typing import Any, Callable, Mapping, Optional

from ansible_collections.avepoint.graph.plugins.module_utils._client import AvePointClient
from ansible_collections.avepoint.graph.plugins.module_utils._errors import ApiError, NotFoundError
from ansible_collections.avepoint.graph.plugins.module_utils._http import HttpResponse
from ansible_collections.avepoint.graph.plugins.module_utils._options import settings_from_getter

TOKEN_URL = "https://identity.example.test/connect/token"
API_URL = "https://graph.example.test"


def response(status: int = 200, body: Any = None, headers: Optional[dict] = None, attempts: int = 1, raw: Optional[bytes] = None) -> HttpResponse:
    if raw is None:
        raw = b"" if body is None else json.dumps(body).encode()
    return HttpResponse(status, headers or {"Content-Type": "application/json"}, raw, "https://graph.example.test/x", attempts)


class FakeTransport:
    """An HttpTransport: answers token requests itself and API requests through ``handler(method, url, token, json_body)``."""

    def __init__(self, handler: Callable[..., HttpResponse], token_response: Optional[HttpResponse] = None) -> None:
        self.handler = handler
        self.token_response = token_response
        self.calls: list[tuple[str, str]] = []
        self.token_requests = 0
        self.closed = False

    def send(
        self,
        method: str,
        url: str,
        *,
        token: Optional[str] = None,
        data: Optional[Mapping[str, str]] = None,
        json_body: Any = None,
        params: Optional[Mapping[str, Any]] = None,
        headers: Optional[Mapping[str, str]] = None,
    ) -> HttpResponse:
        self.calls.append((method, url))
        if url == TOKEN_URL:
            self.token_requests += 1
            return self.token_response or response(200, {"access_token": "tok-%d" % self.token_requests, "expires_in": 3600})
        return self.answer(method, url, token=token, json_body=json_body, params=params, headers=headers)

    def answer(self, method: str, url: str, *, token: Optional[str], json_body: Any, params: Optional[Mapping[str, Any]],
               headers: Optional[Mapping[str, str]]) -> HttpResponse:
        """An API request's response; subclasses hand the handler more of the request."""
        return self.handler(method, url, token, json_body)

    def close(self) -> None:
        self.closed = True

    def start_task(self) -> None:
        self.tasks_started = getattr(self, "tasks_started", 0) + 1


def customer(customer_id: str, **overrides: Any) -> dict:
    document = {
        "@odata.context": "https://graph.example.test/partner/$metadata#Customers/$entity",
        "id": customer_id,
        "organization": "Org " + customer_id[:4],
        "ownerEmail": "owner@%s.example" % customer_id[:4],
        "jobStatus": "Working",
        "countryOrRegion": "Vietnam",
    }
    document.update(overrides)
    return document


class ScriptedTransport(FakeTransport):
    """FakeTransport whose handler gets every request detail: ``handler(method, url, params, json_body)``."""

    def __init__(self, handler: Callable[..., HttpResponse]) -> None:
        super().__init__(handler)
        self.requests: list[tuple[str, str, Optional[dict], Any]] = []

    def send(self, method: str, url: str, *, token=None, data=None, json_body=None, params=None, headers=None) -> HttpResponse:
        if url == TOKEN_URL:
            return super().send(method, url, token=token, data=data)
        self.calls.append((method, url))
        self.requests.append((method, url, dict(params) if params else None, json_body))
        return self.handler(method, url, dict(params) if params else None, json_body)


def scripted_client(handler: Callable[..., HttpResponse], warnings: Optional[list] = None, **options: Any) -> AvePointClient:
    """An AvePointClient over a ScriptedTransport; ``options`` are connection options."""
    values = {"client_id": "app", "client_secret": "the-secret", "api_url": API_URL, "token_url": TOKEN_URL, "concurrency": 4}
    values.update(options)
    warn = warnings.append if warnings is not None else None
    return AvePointClient(settings_from_getter(values.get), warn=warn, transport=ScriptedTransport(handler))


Request = namedtuple("Request", "method path params body headers")


class ScriptedService(FakeTransport):
    """A transport whose API answers come from ``handler``; records each API request (paths without the host)."""

    def __init__(self, handler: Callable[..., Any]) -> None:
        super().__init__(None)
        self.service = handler
        self.requests: list[Request] = []
        self.lock = threading.Lock()

    def answer(self, method, url, *, token, json_body, params, headers):
        path = url[len(API_URL):] if url.startswith(API_URL) else url
        with self.lock:
            self.requests.append(Request(method, path, dict(params) if params else None, json_body, headers))
        try:
            return response(200, self.service(method, path, dict(params) if params else None, json_body, "the request"))
        except NotFoundError:
            return response(404, {"message": "not found"})
        except ApiError as error:
            return response(error.status, {"message": error.server_message, "requestId": error.request_id})


class ScriptedClient:
    """The real client over a ScriptedService, with the warnings it gave."""

    def __init__(self, api: str, handler: Callable[..., Any], **options: Any) -> None:
        values = {"client_id": "app", "client_secret": "the-secret", "api_url": API_URL, "token_url": TOKEN_URL,
                  "api": api, "concurrency": 3}
        values.update(options)
        self.warnings: list[str] = []
        self.service = ScriptedService(handler)
        self.client = AvePointClient(settings_from_getter(values.get, ("jobs",)), warn=self.warnings.append, transport=self.service)

    @property
    def requests(self) -> list[Request]:
        return self.service.requests


class Clock:
    """A fake monotonic clock; sleeping advances it."""

    def __init__(self):
        self.now = 1000.0
        self.slept = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds
