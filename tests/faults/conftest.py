"""Fixtures of the fault suite: fault servers, both transports, and the fault table.

Every fault test goes through `Harness.run`, which sends one request, times it,
counts the copies the server received, checks that the NEXT call on the same
transport succeeds, and adds a row to the fault table. Set `FAULT_TABLE=<path>`
(or `FAULT_TABLE=-` for the terminal) to have the run write that table:

    FAULT_TABLE=fault-table.md python -m pytest -q tests/faults
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import attrs
import pytest

from pusher_core.adapters.urllib3_transport import Urllib3Transport
from pusher_core.adapters.urllib_transport import UrllibTransport
from pusher_core.errors import TransportError
from pusher_core.transport import HttpRequest, HttpResponse
from tests.certs import Certificate, make_certificate, server_context

from .servers import FaultServer

SLACK = 1.5  # seconds allowed beyond a timeout on a loaded 2-core machine
CONNECT_TIMEOUT = 0.5
READ_TIMEOUT = 0.5

Transport = Urllib3Transport | UrllibTransport
Scheme = Literal["http", "https"]


@attrs.frozen
class Row:
    """One line of the fault table."""

    transport: str
    fault: str
    outcome: str
    seconds: float
    copies: str  # "-": the server never got to read HTTP
    usable_after: bool


ROWS: list[Row] = []


def _render(rows: list[Row]) -> str:
    lines = [
        "| transport | fault | outcome | seconds | copies received | usable after |",
        "|---|---|---|---:|---:|---|",
    ]
    lines.extend(
        f"| {row.transport} | {row.fault} | {row.outcome} | {row.seconds:.2f} | "
        f"{row.copies} | {'yes' if row.usable_after else 'NO'} |"
        for row in sorted(rows, key=lambda row: (row.fault, row.transport))
    )
    return "\n".join(lines) + "\n"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Write the fault table when FAULT_TABLE asks for it."""
    target = os.environ.get("FAULT_TABLE")
    if not target or not ROWS:
        return
    table = _render(ROWS)
    if target == "-":
        terminalreporter.write_sep("=", "fault table")
        terminalreporter.write(table)
    else:
        Path(target).write_text(table, encoding="utf-8")
        terminalreporter.write_line(f"fault table written to {target}")


@attrs.frozen
class Run:
    """What one faulty call did."""

    response: HttpResponse | None
    error: TransportError | None
    seconds: float
    copies: int | None

    def raised(self, cls: type[TransportError], *, sent: bool) -> TransportError:
        """The error, asserted to be exactly `cls` with that `sent`."""
        assert self.error is not None, f"expected {cls.__name__}, got {self.response}"
        assert type(self.error) is cls, repr(self.error)
        assert self.error.sent is sent, repr(self.error)
        return self.error

    def answered(self, status: int) -> HttpResponse:
        """The response, asserted to have `status`."""
        assert self.error is None, repr(self.error)
        assert self.response is not None
        assert self.response.status == status
        return self.response


def _outcome(response: HttpResponse | None, error: TransportError | None) -> str:
    if error is None:
        assert response is not None
        return f"HTTP {response.status} returned"
    # The limit named in the message: "(read timeout 5 s)", "(total deadline 1 s)".
    limit = next(
        (
            part.split(")")[0]
            for part in error.message.split("(")[1:]
            if "timeout" in part or "deadline" in part
        ),
        "total deadline" if "deadline" in error.message else "",
    )
    fired = f", {limit}" if limit and "Timeout" in type(error).__name__ else ""
    return f"{type(error).__name__} (sent={error.sent}{fired})"


class Harness:
    """One fault test's transports, requests and table rows."""

    def __init__(
        self, kind: str, certificate: Certificate, plain: FaultServer, secure: FaultServer
    ) -> None:
        self.kind = kind
        self.certificate = certificate
        self.plain = plain
        self.secure = secure
        self.tag = f"t-{uuid.uuid4().hex[:10]}"
        self._transports: list[Transport] = []

    def transport(self, **options: Any) -> Transport:
        """A transport of this test's kind; short fault-suite timeouts unless overridden."""
        options.setdefault("connect_timeout", CONNECT_TIMEOUT)
        options.setdefault("read_timeout", READ_TIMEOUT)
        options.setdefault("ca_certs", self.certificate.cert)
        transport: Transport = (
            Urllib3Transport(**options) if self.kind == "urllib3" else UrllibTransport(**options)
        )
        self._transports.append(transport)
        return transport

    def server(self, scheme: str) -> FaultServer:
        """The fault server for `scheme`."""
        return self.secure if scheme == "https" else self.plain

    def request(
        self,
        route: str,
        *,
        scheme: Scheme = "http",
        port: int | None = None,
        method: str = "POST",
        body: bytes | None = None,
    ) -> HttpRequest:
        """A request for `/apps/1/<tag>/<route>` with a body unique to it."""
        if body is None:
            body = (
                json.dumps({"name": "e", "channels": ["c"], "data": uuid.uuid4().hex}).encode()
                if method == "POST"
                else b""
            )
        return HttpRequest(
            method=method,
            scheme=scheme,
            host="127.0.0.1",
            port=self.server(scheme).port if port is None else port,
            path=f"/apps/1/{self.tag}/{route}",
            query=(("auth_key", "k"),),
            headers=(("Content-Type", "application/json"), ("X-Pusher-Library", "faults")),
            body=body,
        )

    def warm(self, transport: Transport, scheme: Scheme = "http") -> int:
        """Open a pooled connection with one good call; its server-side number."""
        response = transport.send(self.request("warm-ok", scheme=scheme))
        assert response.status == 200
        return int(json.loads(response.body)["connection"])

    def run(
        self,
        fault: str,
        transport: Transport,
        request: HttpRequest,
        *,
        deadline: float | None = None,
        counted: bool = True,
        scheme: str | None = None,
    ) -> Run:
        """Send `request` once, time it, count the copies, then prove the transport works.

        Args:
            fault: the name of the fault in the table.
            deadline: seconds from now for the call's deadline, or None.
            counted: whether the server is an HTTP fault server that counts requests.
            scheme: where the follow-up call goes (default: the request's scheme).
        """
        started = time.monotonic()
        response: HttpResponse | None = None
        error: TransportError | None = None
        try:
            response = transport.send(
                request, deadline=None if deadline is None else started + deadline
            )
        except TransportError as exc:
            error = exc
        seconds = time.monotonic() - started
        copies = self.server(request.scheme).copies(request.path) if counted else None
        follow = self.request(
            "after", scheme="https" if (scheme or request.scheme) == "https" else "http"
        )
        try:
            usable = transport.send(follow).status == 200
        except TransportError:
            usable = False
        self.record(
            fault,
            _outcome(response, error),
            seconds,
            "-" if copies is None else str(copies),
            usable_after=usable,
        )
        if error is not None:
            assert error.request is request  # the error carries the request, unchanged
        assert usable, "the next call on the same transport failed"
        return Run(response=response, error=error, seconds=seconds, copies=copies)

    def record(
        self, fault: str, outcome: str, seconds: float, copies: str, *, usable_after: bool
    ) -> None:
        """Add a row to the fault table."""
        ROWS.append(Row(self.kind, fault, outcome, seconds, copies, usable_after))

    def close(self) -> None:
        """Close this test's transports."""
        for transport in self._transports:
            transport.close()


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """A self-signed certificate the transports are told to trust."""
    return make_certificate(tmp_path_factory.mktemp("fault-tls"))


@pytest.fixture(scope="session")
def plain() -> Iterator[FaultServer]:
    """The plain-HTTP fault server."""
    server = FaultServer()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def secure(certificate: Certificate) -> Iterator[FaultServer]:
    """The HTTPS fault server."""
    server = FaultServer(tls=server_context(certificate))
    yield server
    server.stop()


@pytest.fixture(params=["urllib3", "urllib"])
def kind(request: pytest.FixtureRequest) -> str:
    """Each transport in turn."""
    return str(request.param)


@pytest.fixture
def harness(
    kind: str, certificate: Certificate, plain: FaultServer, secure: FaultServer
) -> Iterator[Harness]:
    """This test's harness (its transports are closed afterwards)."""
    harness = Harness(kind, certificate, plain, secure)
    yield harness
    harness.close()
