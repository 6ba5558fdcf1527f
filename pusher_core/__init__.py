"""pusher-core: Pusher Channels on the server, as pure values with pluggable I/O.

The core builds signed requests, auth responses, encrypted payloads and webhook
verdicts without touching the network, the clock or randomness. `Pusher` (in
`pusher_core.client`) is the drop-in facade for `pusher.Pusher` that executes
them through a transport from `adapters`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pusher_core._version import __version__
from pusher_core.auth import (
    ChannelAuth,
    IgnoredCustomDataWarning,
    UserAuth,
    authenticate_user,
    authorize_channel,
)
from pusher_core.auth_endpoints import (
    AuthResponse,
    ChannelAuthRequest,
    UserAuthRequest,
    channel_auth_response,
    parse_channel_auth_request,
    parse_user_auth_request,
    user_auth_response,
)
from pusher_core.channels import ChannelKind, channel_kind
from pusher_core.config import AppConfig, Limits
from pusher_core.errors import (
    ApiError,
    AuthenticationError,
    BadRequestError,
    BadStatusError,
    ConfigurationError,
    ForbiddenError,
    InvalidArgumentError,
    InvalidArgumentTypeError,
    NotFoundError,
    PayloadTooLargeError,
    PusherBadAuth,
    PusherBadRequest,
    PusherBadStatus,
    PusherError,
    PusherForbidden,
    RateLimitedError,
    ServerError,
    TransportError,
)
from pusher_core.events import (
    BatchEvent,
    send_to_user_request,
    trigger_batch_request,
    trigger_bulk_requests,
    trigger_request,
)
from pusher_core.queries import (
    channel_request,
    channels_request,
    get_request,
    post_request,
    terminate_connections_request,
    users_request,
)
from pusher_core.responses import (
    BatchResult,
    ChannelInfo,
    ChannelsList,
    TriggerResult,
    Users,
)
from pusher_core.signing import sign_request, verify_request
from pusher_core.transport import HttpRequest, HttpResponse, Transport
from pusher_core.webhooks import (
    RejectedWebhook,
    ValidWebhook,
    WebhookRejectReason,
    verify_webhook,
    verify_webhook_for,
)

if TYPE_CHECKING:
    from pusher_core.client import Pusher


def __getattr__(name: str) -> Any:
    # The facade loads on first use: `import pusher_core` stays pure and light.
    if name == "Pusher":
        from pusher_core.client import Pusher  # noqa: PLC0415

        return Pusher
    raise AttributeError(f"module 'pusher_core' has no attribute {name!r}")


__all__ = [
    "ApiError",
    "AppConfig",
    "AuthResponse",
    "AuthenticationError",
    "BadRequestError",
    "BadStatusError",
    "BatchEvent",
    "BatchResult",
    "ChannelAuth",
    "ChannelAuthRequest",
    "ChannelInfo",
    "ChannelKind",
    "ChannelsList",
    "ConfigurationError",
    "ForbiddenError",
    "HttpRequest",
    "HttpResponse",
    "IgnoredCustomDataWarning",
    "InvalidArgumentError",
    "InvalidArgumentTypeError",
    "Limits",
    "NotFoundError",
    "PayloadTooLargeError",
    "Pusher",
    "PusherBadAuth",
    "PusherBadRequest",
    "PusherBadStatus",
    "PusherError",
    "PusherForbidden",
    "RateLimitedError",
    "RejectedWebhook",
    "ServerError",
    "Transport",
    "TransportError",
    "TriggerResult",
    "UserAuth",
    "UserAuthRequest",
    "Users",
    "ValidWebhook",
    "WebhookRejectReason",
    "__version__",
    "authenticate_user",
    "authorize_channel",
    "channel_auth_response",
    "channel_kind",
    "channel_request",
    "channels_request",
    "get_request",
    "parse_channel_auth_request",
    "parse_user_auth_request",
    "post_request",
    "send_to_user_request",
    "sign_request",
    "terminate_connections_request",
    "trigger_batch_request",
    "trigger_bulk_requests",
    "trigger_request",
    "user_auth_response",
    "users_request",
    "verify_request",
    "verify_webhook",
    "verify_webhook_for",
]
