"""Django: pusher-js's two auth endpoints and a Pusher webhook receiver, in one file.

    pip install django
    export PUSHER_URL=http://app-key:app-secret@127.0.0.1:6001/apps/app-id
    python examples/django_app.py runserver 8000

In a project, the views and `urlpatterns` go in your app; the settings here are
only what a single-file app needs.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from pusher_core import (
    AppConfig,
    ChannelAuthRequest,
    UserAuthRequest,
    ValidWebhook,
    channel_auth_response,
    user_auth_response,
    verify_webhook,
)

if not settings.configured:
    settings.configure(
        ROOT_URLCONF=__name__,
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY", "single-file-example-only"),
        MIDDLEWARE=[],
    )

config = AppConfig.from_env(os.environ)  # PUSHER_URL, or PUSHER_APP_ID/_KEY/_SECRET/_CLUSTER

# STAND-IN for your login system (request.user with django.contrib.auth, ...): replace it.
# Here a user is whoever sends `Authorization: Bearer <token>` with a token below.
USERS = {"token-of-ann": {"id": "1", "name": "Ann"}}


def current_user(request: HttpRequest) -> dict[str, str] | None:
    """The signed-in user of this request, or None."""
    token = request.headers.get("Authorization", "").removeprefix("Bearer ")
    return USERS.get(token)


@csrf_exempt  # pusher-js posts without Django's CSRF token
@require_POST
def pusher_auth(request: HttpRequest) -> HttpResponse:
    """Channel authorization: pusher-js's `channelAuthorization.endpoint`."""
    user = current_user(request)

    def decide(req: ChannelAuthRequest) -> dict[str, Any] | None:
        if user is None:
            return None  # 403
        # Your rules per channel (req.channel_name, req.kind, req.params); for example:
        mine = f"private-user-{user['id']}"
        if req.channel_name.startswith("private-user-") and req.channel_name != mine:
            return None  # another user's private channel
        return {"user_id": user["id"], "user_info": {"name": user["name"]}}

    r = channel_auth_response(config, request.body, request.headers.get("Content-Type"), decide)
    return HttpResponse(r.body, status=r.status, headers=r.headers_dict)


@csrf_exempt
@require_POST
def pusher_user_auth(request: HttpRequest) -> HttpResponse:
    """User authentication: pusher-js's `userAuthentication.endpoint`."""
    user = current_user(request)

    def sign_in(_req: UserAuthRequest) -> dict[str, Any] | None:
        return None if user is None else {"id": user["id"], "user_info": {"name": user["name"]}}

    r = user_auth_response(config, request.body, request.headers.get("Content-Type"), sign_in)
    return HttpResponse(r.body, status=r.status, headers=r.headers_dict)


@csrf_exempt
@require_POST
def pusher_webhooks(request: HttpRequest) -> HttpResponse:
    """Webhooks, configured in the Channels dashboard (or soketi's app settings)."""
    verdict = verify_webhook(
        config, headers=request.headers, body=request.body, now_ms=time.time() * 1000
    )
    if not isinstance(verdict, ValidWebhook):
        return JsonResponse({"error": verdict.reason.value}, status=401)
    for event in verdict.events:  # ChannelOccupied, MemberAdded, ClientEvent, ...
        handle(event)
    return HttpResponse(status=204)


def handle(event: object) -> None:
    """Your reaction to one webhook event."""
    print(f"webhook event: {event!r}")


urlpatterns = [
    path("pusher/auth", pusher_auth),
    path("pusher/user-auth", pusher_user_auth),
    path("pusher/webhooks", pusher_webhooks),
]

if __name__ == "__main__":
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
