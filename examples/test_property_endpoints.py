"""Property tests of an app's Pusher endpoints with `pusher_core.strategies`.

The app below is what would sit behind two routes of any web framework: the
channel auth endpoint pusher-js posts to, and the webhook receiver Pusher posts
to. Each is a plain function of the request's body and headers, so Hypothesis
can call it thousands of times without a server.

Run: python -m pytest examples/test_property_endpoints.py
(tests/testing/test_examples.py runs it in CI.)
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from http import HTTPStatus

from hypothesis import given, settings, strategies as st

from pusher_core import (
    AppConfig,
    ChannelKind,
    ChannelOccupied,
    ChannelVacated,
    channel_auth_response,
    strategies as ps,
    verify_webhook,
)
from pusher_core.auth_endpoints import ChannelAuthRequest, ChannelDecision
from pusher_core.webhooks import RejectedWebhook, SignedWebhook, WebhookEvent

CONFIG = AppConfig(app_id="1", key="app-key", secret="app-secret")
NOW_MS = 1_700_000_000_000  # the receiver's clock during the tests

# No per-example deadline: CI machines are shared and slow at times.
checked = settings(deadline=None, max_examples=50)


# --- the app under test ----------------------------------------------------------------


class App:
    """Who is signed in, and which channels have subscribers (learned from webhooks)."""

    def __init__(self) -> None:
        self.occupied: set[str] = set()

    def pusher_auth(
        self, body: bytes, content_type: str | None, user: str | None
    ) -> tuple[int, bytes]:
        """POST /pusher/auth: signed-in users may join private and presence channels.

        This app does not use end-to-end encryption, so encrypted channels are refused.
        """

        def decide(request: ChannelAuthRequest) -> ChannelDecision:
            if user is None or request.kind is ChannelKind.PRIVATE_ENCRYPTED:
                return False
            if request.kind is ChannelKind.PRESENCE:
                return {"user_id": user, "user_info": {"name": user.title()}}
            return True

        response = channel_auth_response(CONFIG, body, content_type, decide)
        return response.status, response.body

    def pusher_webhook(
        self, headers: Iterable[tuple[str, str]], body: bytes, now_ms: int
    ) -> HTTPStatus:
        """POST /pusher/webhook: track occupied channels; refuse what Pusher did not sign."""
        verdict = verify_webhook(CONFIG, headers=headers, body=body, now_ms=now_ms)
        if isinstance(verdict, RejectedWebhook):  # verdict.reason says why
            return HTTPStatus.UNAUTHORIZED
        for event in verdict.events:
            if isinstance(event, ChannelOccupied):
                self.occupied.add(event.channel)
            elif isinstance(event, ChannelVacated):
                self.occupied.discard(event.channel)
        return HTTPStatus.OK


# --- the auth endpoint -----------------------------------------------------------------


@given(
    request=ps.auth_request_bodies(ChannelKind.PRIVATE)
    | ps.auth_request_bodies(ChannelKind.PRESENCE),
    user=ps.user_ids(),
)
@checked
def test_signed_in_users_are_authorized(request: tuple[bytes, str], user: str) -> None:
    """Whatever pusher-js posts for a private or presence channel, a signed-in user gets in."""
    body, content_type = request
    status, answer = App().pusher_auth(body, content_type, user)
    assert status == HTTPStatus.OK, answer
    auth: Mapping[str, str] = json.loads(answer)
    assert auth["auth"].startswith(f"{CONFIG.key}:")
    if "channel_data" in auth:  # presence: the member is the signed-in user
        assert json.loads(auth["channel_data"])["user_id"] == user


@given(request=ps.auth_request_bodies())
@checked
def test_anonymous_requests_are_forbidden(request: tuple[bytes, str]) -> None:
    body, content_type = request
    assert App().pusher_auth(body, content_type, None)[0] == HTTPStatus.FORBIDDEN


@given(request=ps.auth_request_bodies(ChannelKind.PRIVATE_ENCRYPTED))
@checked
def test_encrypted_channels_are_refused(request: tuple[bytes, str]) -> None:
    body, content_type = request
    assert App().pusher_auth(body, content_type, "ann")[0] == HTTPStatus.FORBIDDEN


@given(channel=ps.invalid_channel_names(), socket_id=ps.socket_ids())
@checked
def test_bad_channel_names_are_a_client_error(channel: str, socket_id: str) -> None:
    """A malformed name is answered 400 naming the field, never a 500 or a signature."""
    body = json.dumps({"socket_id": socket_id, "channel_name": channel}).encode()
    status, answer = App().pusher_auth(body, "application/json", "ann")
    assert status == HTTPStatus.BAD_REQUEST
    assert json.loads(answer)["field"] == "channel_name"


# --- the webhook endpoint --------------------------------------------------------------


@given(
    batches=st.lists(st.lists(ps.webhook_events(CONFIG), min_size=1, max_size=3), max_size=5),
    data=st.data(),
)
@checked
def test_signed_webhooks_are_accepted_and_tracked(
    batches: list[list[WebhookEvent]], data: st.DataObject
) -> None:
    """Every webhook Pusher signs is accepted, and the app's view follows its events in order."""
    app, expected = App(), set()
    for events in batches:
        webhook = data.draw(ps.signed_webhooks(CONFIG, st.just(events), now_ms=NOW_MS))
        assert app.pusher_webhook(webhook.headers, webhook.body, NOW_MS) == HTTPStatus.OK
        for event in events:
            if isinstance(event, ChannelOccupied):
                expected.add(event.channel)
            elif isinstance(event, ChannelVacated):
                expected.discard(event.channel)
    assert app.occupied == expected


@given(webhook=ps.tampered_webhooks(CONFIG, now_ms=NOW_MS))
@checked
def test_tampered_webhooks_are_refused_and_change_nothing(webhook: SignedWebhook) -> None:
    app = App()
    assert app.pusher_webhook(webhook.headers, webhook.body, NOW_MS) == HTTPStatus.UNAUTHORIZED
    assert app.occupied == set()
