"""Flask: pusher-js's two auth endpoints and a Pusher webhook receiver, in one file.

pip install flask
export PUSHER_URL=http://app-key:app-secret@127.0.0.1:6001/apps/app-id
flask --app examples/flask_app run
"""

from __future__ import annotations

import os
import time
from typing import Any

from flask import Flask, request

from pusher_core import (
    AppConfig,
    ChannelAuthRequest,
    UserAuthRequest,
    ValidWebhook,
    channel_auth_response,
    user_auth_response,
    verify_webhook,
)

config = AppConfig.from_env(os.environ)  # PUSHER_URL, or PUSHER_APP_ID/_KEY/_SECRET/_CLUSTER
app = Flask(__name__)

# STAND-IN for your login system (flask-login's current_user, a session, ...): replace it.
# Here a user is whoever sends `Authorization: Bearer <token>` with a token below.
USERS = {"token-of-ann": {"id": "1", "name": "Ann"}}


def current_user() -> dict[str, str] | None:
    """The signed-in user of this request, or None."""
    token = request.headers.get("Authorization", "").removeprefix("Bearer ")
    return USERS.get(token)


def decide(req: ChannelAuthRequest) -> dict[str, Any] | None:
    """Who may subscribe to `req.channel_name`: None denies (403), the member allows."""
    user = current_user()
    if user is None:
        return None
    # Your rules per channel (req.channel_name, req.kind, req.params); for example:
    mine = f"private-user-{user['id']}"
    if req.channel_name.startswith("private-user-") and req.channel_name != mine:
        return None  # another user's private channel
    return {"user_id": user["id"], "user_info": {"name": user["name"]}}


def sign_in(_req: UserAuthRequest) -> dict[str, Any] | None:
    """The user pusher-js signs in as (its `user_data`), or None (403)."""
    user = current_user()
    return None if user is None else {"id": user["id"], "user_info": {"name": user["name"]}}


@app.post("/pusher/auth")
def pusher_auth() -> Any:
    """Channel authorization: pusher-js's `channelAuthorization.endpoint`."""
    r = channel_auth_response(config, request.get_data(), request.content_type, decide)
    return r.body, r.status, r.headers_dict


@app.post("/pusher/user-auth")
def pusher_user_auth() -> Any:
    """User authentication: pusher-js's `userAuthentication.endpoint`."""
    r = user_auth_response(config, request.get_data(), request.content_type, sign_in)
    return r.body, r.status, r.headers_dict


@app.post("/pusher/webhooks")
def pusher_webhooks() -> Any:
    """Webhooks, configured in the Channels dashboard (or soketi's app settings)."""
    verdict = verify_webhook(
        config, headers=request.headers, body=request.get_data(), now_ms=time.time() * 1000
    )
    if not isinstance(verdict, ValidWebhook):
        return {"error": verdict.reason.value}, 401
    for event in verdict.events:  # ChannelOccupied, MemberAdded, ClientEvent, ...
        handle(event)
    return "", 204


def handle(event: object) -> None:
    """Your reaction to one webhook event."""
    app.logger.info("webhook event: %r", event)
