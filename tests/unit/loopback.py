"""Small scripted HTTP/1.1 servers on loopback, for testing the transport against real sockets.

``ScriptedServer`` answers each request with the next step of its script and keeps connections
open between answers; it records the requests and counts the connections. ``ClosedPort`` is a
port that refuses connections.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
from typing import Any

OK_BODY = b"{}"


class ScriptedServer:
    """Answers request n with step n of ``script`` (a list), then ``200 {}`` once the script is used up, or with
    what ``script(request)`` returns (a function). A step is a status,
    a ``(status, headers)`` or ``(status, headers, body)`` tuple, or one of:

    * ``"drop"``: close the connection without an answer;
    * ``"reset"``: reset the connection (TCP RST) without an answer;
    * ``"truncate"``: announce a 100-byte body, send 10 bytes of it and close;
    * ``"silent"``: never answer (until the client hangs up or the server stops);
    * ``("drip", head_bytes, body_bytes, seconds)``: a 200 whose head (status line and headers) and body are sent
      ``head_bytes`` and ``body_bytes`` at a time (0: all at once), ``seconds`` apart;
    * ``("stream", megabytes)``: a 200 without Content-Length whose body (``megabytes`` of spaces) ends with the connection;
    * ``("announce", length)``: a 200 announcing a body of ``length`` bytes, then silence;
    * ``("wait", seconds)``: ``200 {}`` after ``seconds``.

    A TLS handshake gets a plain-HTTP answer (the client's "wrong version number").
    """

    def __init__(self, script: Any = (), port: int = 0) -> None:
        self.script = script if callable(script) else list(script)
        self.requests: list[dict[str, Any]] = []
        self.connections = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", port))
        self._socket.listen(64)
        self.port = self._socket.getsockname()[1]
        self.url = "http://127.0.0.1:%d" % self.port
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def __enter__(self) -> "ScriptedServer":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()
        try:
            self._socket.shutdown(socket.SHUT_RDWR)  # wakes the accept() (closing alone does not)
        except OSError:
            pass
        self._socket.close()
        self._thread.join(5)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _address = self._socket.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _next_step(self, request: dict[str, Any]) -> Any:
        with self._lock:
            self.requests.append(request)
            if callable(self.script):
                return self.script(request)
            return self.script.pop(0) if self.script else 200

    def _serve(self, connection: socket.socket) -> None:
        with connection:
            try:
                pending = b""
                while not self._stop.is_set():
                    while b"\r\n\r\n" not in pending:
                        data = connection.recv(65536)
                        if not data:
                            return
                        if data[:1] == b"\x16":  # a TLS ClientHello
                            connection.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                            return
                        pending += data
                    head, pending = pending.split(b"\r\n\r\n", 1)
                    request = _parse(head)
                    length = int(request["headers"].get("content-length", "0"))
                    while len(pending) < length:
                        data = connection.recv(65536)
                        if not data:
                            return
                        pending += data
                    request["body"], pending = pending[:length], pending[length:]
                    if not self._answer(connection, self._next_step(request)):
                        return
            except OSError:
                pass  # the client hung up

    def _answer(self, connection: socket.socket, step: Any) -> bool:
        """Sends the answer of ``step``; False when the connection is done."""
        if step == "drop":
            return False
        if step == "reset":
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return False
        if step == "truncate":
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n" + b" " * 10)
            return False
        if step == "silent":
            while not self._stop.is_set() and connection.recv(65536):
                pass
            return False
        if isinstance(step, tuple) and step[0] == "drip":
            _kind, head_bytes, body_bytes, seconds = step
            body = b" " * 2000
            head = _head(200, {"Content-Type": "application/json", "Content-Length": str(len(body))})
            return self._drip(connection, head, head_bytes, seconds) and self._drip(connection, body, body_bytes, seconds)
        if isinstance(step, tuple) and step[0] == "stream":
            connection.sendall(_head(200, {"Content-Type": "application/json", "Connection": "close"}))
            block = b" " * (1024 * 1024)
            for _index in range(step[1]):
                connection.sendall(block)
            return False
        if isinstance(step, tuple) and step[0] == "wait":
            if self._stop.wait(step[1]):
                return False
            step = 200
        elif isinstance(step, tuple) and step[0] == "announce":
            connection.sendall(_head(200, {"Content-Type": "application/json", "Content-Length": str(step[1])}))
            self._stop.wait(30)
            return False
        status, headers, body = (tuple(step) + ({}, OK_BODY))[:3] if isinstance(step, tuple) else (step, {}, OK_BODY)
        if not isinstance(body, bytes):
            body = json.dumps(body).encode()
        headers = dict({"Content-Type": "application/json", "Content-Length": str(len(body))}, **headers)
        connection.sendall(_head(status, headers) + body)
        return True

    def _drip(self, connection: socket.socket, data: bytes, size: int, seconds: float) -> bool:
        if not size:
            connection.sendall(data)
            return True
        for start in range(0, len(data), size):
            if start and self._stop.wait(seconds):
                return False
            connection.sendall(data[start:start + size])
        return True


def _head(status: int, headers: dict[str, str]) -> bytes:
    lines = ["HTTP/1.1 %d Status" % status] + ["%s: %s" % item for item in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _parse(head: bytes) -> dict[str, Any]:
    request_line, *header_lines = head.decode("latin-1").split("\r\n")
    method, target, _version = request_line.split(" ", 2)
    headers = {}
    for line in header_lines:
        name, _colon, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return {"method": method, "target": target, "headers": headers}


class ClosedPort:
    """A loopback port that refuses connections (bound, never listening); a ScriptedServer can take it after close()."""

    def __init__(self) -> None:
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        self.url = "http://127.0.0.1:%d" % self.port

    def __enter__(self) -> "ClosedPort":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def close(self) -> None:
        self._socket.close()
