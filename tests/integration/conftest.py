"""Shared fixtures for the soketi + pusher-js integration tests.

The JS side must be installed first::

    npm ci --prefix tests/integration/js --no-audit --no-fund --ignore-scripts

Without it (or without ``node``) every test here is *skipped*, with that command as
the reason; with ``PUSHER_CORE_REQUIRE_PEERS=1`` (``.ci/run`` sets it) they *fail*
instead. See ``peers.py``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .harness import (
    JS_DIR,
    HttpHandler,
    NodeClient,
    RecordingHttpServer,
    SoketiServer,
)
from .peers import require_js_peers

NodeClientFactory = Callable[[], NodeClient]
HttpServerFactory = Callable[..., RecordingHttpServer]
SoketiFactory = Callable[..., SoketiServer]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "integration: needs node + tests/integration/js/node_modules (soketi, pusher-js)"
    )


@pytest.fixture(scope="session")
def js_dir() -> Path:
    """``tests/integration/js``, with its node_modules installed (else: skip, or fail in CI)."""
    return require_js_peers(JS_DIR, os.environ)


@pytest.fixture(scope="session")
def webhook_receiver() -> Iterator[RecordingHttpServer]:
    """Session-wide webhook receiver (answers ``200 {}``; records every request).

    It is shared by all tests: take ``since = webhook_receiver.mark()`` before acting
    and use channel names unique to the test.
    """
    with RecordingHttpServer(name="webhooks") as server:
        yield server


@pytest.fixture(scope="session")
def soketi(
    js_dir: Path, webhook_receiver: RecordingHttpServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SoketiServer]:
    """Session-wide soketi, app ``4242``, webhooks to ``webhook_receiver.url + "/webhooks"``."""
    server = SoketiServer(
        webhook_url=f"{webhook_receiver.url}/webhooks",
        js_dir=js_dir,
        work_dir=tmp_path_factory.mktemp("soketi"),
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def soketi_factory(
    js_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SoketiFactory]:
    """Start extra soketi servers with custom settings, e.g.
    ``soketi_factory(app_options={"maxEventPayloadInKb": 1})``; all are stopped
    at the end of the test. Keyword arguments go to :class:`SoketiServer`.
    """
    started: list[SoketiServer] = []

    def factory(**kwargs: object) -> SoketiServer:
        kwargs.setdefault("js_dir", js_dir)
        kwargs.setdefault("work_dir", tmp_path_factory.mktemp("soketi-extra"))
        server = SoketiServer(**kwargs)  # type: ignore[arg-type]
        started.append(server)
        return server.start()

    try:
        yield factory
    finally:
        for server in started:
            server.stop()


@pytest.fixture
def http_server_factory() -> Iterator[HttpServerFactory]:
    """Start :class:`RecordingHttpServer` instances; all are closed after the test.

    ``http_server_factory(handler=None, name="http")``.
    """
    started: list[RecordingHttpServer] = []

    def factory(handler: HttpHandler | None = None, name: str = "http") -> RecordingHttpServer:
        server = RecordingHttpServer(handler, name=name).start()
        started.append(server)
        return server

    try:
        yield factory
    finally:
        for server in started:
            server.close()


@pytest.fixture
def auth_server(http_server_factory: HttpServerFactory) -> RecordingHttpServer:
    """A per-test HTTP server for pusher-js auth requests; set its handler with
    ``auth_server.set_handler(...)`` (default: ``200 {}``)."""
    return http_server_factory(name="auth")


@pytest.fixture
def node_client_factory(js_dir: Path) -> Iterator[NodeClientFactory]:
    """Start ``client.js`` processes; each is closed after the test, which also
    fails if client.js reported an uncaught exception (``fatal``)."""
    started: list[NodeClient] = []

    def factory() -> NodeClient:
        client = NodeClient(js_dir=js_dir)
        started.append(client)
        return client

    try:
        yield factory
    finally:
        fatal: list[str] = []
        for client in started:
            client.close()
            fatal.extend(str(m.get("error")) for m in client.messages if m.get("type") == "fatal")
        if fatal:
            pytest.fail("client.js reported uncaught exceptions:\n" + "\n".join(fatal))


@pytest.fixture
def node_client(node_client_factory: NodeClientFactory) -> NodeClient:
    """One ``client.js`` process (it can drive several pusher-js clients)."""
    return node_client_factory()
