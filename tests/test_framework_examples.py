"""examples/flask_app.py and examples/django_app.py, driven through each framework's test client.

pusher-js shaped auth bodies must get the exact signed answer (compared with the
core's `authorize_channel`/`authenticate_user`), 403 without a user and 400 for a
malformed body; a webhook signed as Pusher signs one must reach `handle`, and a
forged one must be refused.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlencode

import pytest

from pusher_core import AppConfig, AuthResponse, authenticate_user, authorize_channel
from pusher_core.webhooks import (
    ChannelOccupied,
    ChannelVacated,
    MemberAdded,
    WebhookEvent,
    webhook_request,
)
from tests.readme_examples import run_example

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
PUSHER_URL = "http://app-key:app-secret@127.0.0.1:6001/apps/4242"
CONFIG = AppConfig.from_url(PUSHER_URL)
FORM = "application/x-www-form-urlencoded"
ANN = {"Authorization": "Bearer token-of-ann"}
ANN_MEMBER = {"user_id": "1", "user_info": {"name": "Ann"}}
SOCKET_ID = "1234.5678"


def load_example(name: str) -> ModuleType:
    """Import examples/<name>.py as module `examples_<name>`, with PUSHER_URL set."""
    module_name = f"examples_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, EXAMPLES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # Django resolves ROOT_URLCONF by this name
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PUSHER_URL", PUSHER_URL)
        spec.loader.exec_module(module)
    return module


def pusher_js_form(**fields: str) -> bytes:
    """A body as pusher-js posts it (form-encoded)."""
    return urlencode(fields).encode()


def signed_webhook(events: list[WebhookEvent], time_ms: int) -> tuple[bytes, dict[str, str]]:
    """A webhook body and the headers Pusher sends with it (the core's builder)."""
    webhook = webhook_request(CONFIG, events, time_ms=time_ms)
    return webhook.body, dict(webhook.headers)


class Answer:
    """Status, headers and body of a test client's response, for either framework."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = {name.lower(): value for name, value in headers.items()}
        self.body = body

    def json(self) -> Any:
        return json.loads(self.body)


Post = Callable[[str, bytes, str, dict[str, str]], Answer]


@pytest.fixture(scope="module")
def flask_app() -> ModuleType:
    return load_example("flask_app")


@pytest.fixture(scope="module")
def flask_post(flask_app: ModuleType) -> Post:
    client = flask_app.app.test_client()

    def post(path: str, body: bytes, content_type: str, headers: dict[str, str]) -> Answer:
        response = client.post(path, data=body, content_type=content_type, headers=headers)
        return Answer(response.status_code, dict(response.headers), response.get_data())

    return post


@pytest.fixture(scope="module")
def django_app() -> Iterator[ModuleType]:
    import django
    from django.test.utils import setup_test_environment, teardown_test_environment

    module = load_example("django_app")
    django.setup()
    setup_test_environment()  # lets the test client's host, "testserver", in
    try:
        yield module
    finally:
        teardown_test_environment()


@pytest.fixture(scope="module")
def django_post(django_app: ModuleType) -> Post:
    from django.test import Client

    client = Client()

    def post(path: str, body: bytes, content_type: str, headers: dict[str, str]) -> Answer:
        response = client.post(path, data=body, content_type=content_type, headers=headers)
        return Answer(response.status_code, dict(response.headers), response.content)

    return post


@pytest.fixture(params=["flask", "django"])
def framework(request: pytest.FixtureRequest) -> tuple[ModuleType, Post]:
    """Each example app with its test client's `post`."""
    name: str = request.param
    app: ModuleType = request.getfixturevalue(f"{name}_app")
    return app, request.getfixturevalue(f"{name}_post")


def test_headers_dict_is_the_header_pairs_as_a_fresh_dict() -> None:
    """What the examples hand to the frameworks: the same headers, a new dict each time."""
    response = AuthResponse(status=200, headers=(("A", "1"), ("B", "2")), body=b"{}")
    assert response.headers_dict == {"A": "1", "B": "2"}
    response.headers_dict["A"] = "changed"
    assert response.headers_dict["A"] == "1"


def test_private_channel_auth_is_the_core_signature(framework: tuple[ModuleType, Post]) -> None:
    _, post = framework
    body = pusher_js_form(socket_id=SOCKET_ID, channel_name="private-chat")
    answer = post("/pusher/auth", body, FORM, ANN)
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["cache-control"] == "no-store"
    expected = authorize_channel(CONFIG, channel="private-chat", socket_id=SOCKET_ID)
    assert answer.body == expected.to_json().encode()


def test_presence_channel_auth_names_the_signed_in_member(
    framework: tuple[ModuleType, Post],
) -> None:
    _, post = framework
    body = pusher_js_form(socket_id=SOCKET_ID, channel_name="presence-room")
    answer = post("/pusher/auth", body, f"{FORM}; charset=UTF-8", ANN)
    assert answer.status == 200
    expected = authorize_channel(
        CONFIG, channel="presence-room", socket_id=SOCKET_ID, custom_data=ANN_MEMBER
    )
    assert answer.body == expected.to_json().encode()
    assert json.loads(answer.json()["channel_data"]) == ANN_MEMBER


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer not-a-token"}], ids=["anonymous", "unknown-token"]
)
@pytest.mark.parametrize("path", ["/pusher/auth", "/pusher/user-auth"])
def test_no_user_is_403(
    framework: tuple[ModuleType, Post], path: str, headers: dict[str, str]
) -> None:
    _, post = framework
    body = pusher_js_form(socket_id=SOCKET_ID, channel_name="private-chat")
    answer = post(path, body, FORM, headers)
    assert answer.status == 403
    assert answer.json() == {"error": "forbidden"}


def test_the_example_rule_keeps_other_users_private_channels_private(
    framework: tuple[ModuleType, Post],
) -> None:
    _, post = framework
    own = post(
        "/pusher/auth",
        pusher_js_form(socket_id=SOCKET_ID, channel_name="private-user-1"),
        FORM,
        ANN,
    )
    assert own.status == 200
    other = post(
        "/pusher/auth",
        pusher_js_form(socket_id=SOCKET_ID, channel_name="private-user-2"),
        FORM,
        ANN,
    )
    assert other.status == 403


def test_malformed_auth_request_is_400_naming_the_field(
    framework: tuple[ModuleType, Post],
) -> None:
    _, post = framework
    answer = post("/pusher/auth", pusher_js_form(socket_id=SOCKET_ID), FORM, ANN)
    assert answer.status == 400
    assert answer.json()["field"] == "channel_name"
    answer = post("/pusher/user-auth", b"{not json", "application/json", ANN)
    assert answer.status == 400
    assert answer.json()["field"] == "body"


def test_public_channel_is_not_authorized(framework: tuple[ModuleType, Post]) -> None:
    _, post = framework
    body = pusher_js_form(socket_id=SOCKET_ID, channel_name="news")
    answer = post("/pusher/auth", body, FORM, ANN)
    assert answer.status == 400
    assert answer.json()["field"] == "channel_name"


def test_user_auth_is_the_core_signature(framework: tuple[ModuleType, Post]) -> None:
    _, post = framework
    answer = post("/pusher/user-auth", pusher_js_form(socket_id=SOCKET_ID), FORM, ANN)
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/json"
    expected = authenticate_user(
        CONFIG, socket_id=SOCKET_ID, user_data={"id": "1", "user_info": {"name": "Ann"}}
    )
    assert answer.body == expected.to_json().encode()


def test_signed_webhook_reaches_handle(
    framework: tuple[ModuleType, Post], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, post = framework
    handled: list[object] = []
    monkeypatch.setattr(app, "handle", handled.append)
    now_ms = int(time.time() * 1000)
    body, headers = signed_webhook(
        [
            ChannelOccupied(channel="presence-room"),
            MemberAdded(channel="presence-room", user_id="1"),
        ],
        now_ms,
    )
    answer = post("/pusher/webhooks", body, "application/json", headers)
    assert answer.status == 204
    assert answer.body == b""
    assert handled == [
        ChannelOccupied(channel="presence-room"),
        MemberAdded(channel="presence-room", user_id="1"),
    ]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("signature", "bad_signature"),
        ("key", "unknown_key"),
        ("missing", "missing_signature"),
        ("stale", "stale"),
    ],
)
def test_forged_or_stale_webhook_is_401(
    framework: tuple[ModuleType, Post],
    monkeypatch: pytest.MonkeyPatch,
    change: str,
    reason: str,
) -> None:
    app, post = framework
    handled: list[object] = []
    monkeypatch.setattr(app, "handle", handled.append)
    now_ms = int(time.time() * 1000)
    time_ms = now_ms - 3_600_000 if change == "stale" else now_ms
    body, headers = signed_webhook([ChannelVacated(channel="c")], time_ms)
    if change == "signature":
        headers["X-Pusher-Signature"] = "0" * 64
    elif change == "key":
        headers["X-Pusher-Key"] = "other-key"
    elif change == "missing":
        del headers["X-Pusher-Signature"]
    answer = post("/pusher/webhooks", body, "application/json", headers)
    assert answer.status == 401
    assert answer.json() == {"error": reason}
    assert handled == []


def test_django_example_runs_as_a_script(tmp_path: Path) -> None:
    """`python examples/django_app.py <command>` works: its settings pass Django's checks."""
    result = run_example(
        EXAMPLES / "django_app.py", cwd=tmp_path, env={"PUSHER_URL": PUSHER_URL}, args=["check"]
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
