"""pusher-core: Pusher Channels on the server, as pure values with pluggable I/O.

The core builds signed requests, auth responses, encrypted payloads and webhook
verdicts without touching the network, the clock or randomness. `Pusher` (in
`pusher_core.client`) is the drop-in facade for `pusher.Pusher` that executes
them through a transport from `adapters`.
"""

from __future__ import annotations

from pusher_core._version import __version__
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
from pusher_core.signing import sign_request, verify_request
from pusher_core.transport import HttpRequest, HttpResponse, Transport

__all__ = [
    "ApiError",
    "AppConfig",
    "AuthenticationError",
    "BadRequestError",
    "BadStatusError",
    "BatchEvent",
    "ChannelKind",
    "ConfigurationError",
    "ForbiddenError",
    "HttpRequest",
    "HttpResponse",
    "InvalidArgumentError",
    "InvalidArgumentTypeError",
    "Limits",
    "NotFoundError",
    "PayloadTooLargeError",
    "PusherBadAuth",
    "PusherBadRequest",
    "PusherBadStatus",
    "PusherError",
    "PusherForbidden",
    "RateLimitedError",
    "ServerError",
    "Transport",
    "TransportError",
    "__version__",
    "channel_kind",
    "channel_request",
    "channels_request",
    "get_request",
    "post_request",
    "send_to_user_request",
    "sign_request",
    "terminate_connections_request",
    "trigger_batch_request",
    "trigger_bulk_requests",
    "trigger_request",
    "users_request",
    "verify_request",
]
