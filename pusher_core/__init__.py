"""pusher-core: Pusher Channels on the server, as pure values with pluggable I/O.

The core builds signed requests, auth responses, encrypted payloads and webhook
verdicts without touching the network, the clock or randomness. `Pusher` (in
`pusher_core.client`) is the drop-in facade for `pusher.Pusher` that executes
them through a transport from `adapters`.

Every name below is loaded on first use (PEP 562), so `import pusher_core` costs
almost nothing and a web app pays only for the modules it touches.
"""

from __future__ import annotations

import importlib

from pusher_core._version import __version__

# Not `typing.TYPE_CHECKING`: importing `typing` would double the cost of
# `import pusher_core`. Type checkers treat any name TYPE_CHECKING alike.
TYPE_CHECKING = False

if TYPE_CHECKING:
    from typing import Any

    from pusher_core.auth import (
        ChannelAuth,
        IgnoredCustomDataWarning,
        UserAuth,
        authenticate_user,
        authorize_channel,
    )
    from pusher_core.auth_endpoints import (
        AuthRequestError,
        AuthResponse,
        ChannelAuthRequest,
        UserAuthRequest,
        channel_auth_response,
        parse_channel_auth_request,
        parse_user_auth_request,
        user_auth_response,
    )
    from pusher_core.channels import (
        ChannelKind,
        channel_kind,
    )
    from pusher_core.client import (
        Pusher,
    )
    from pusher_core.config import (
        AppConfig,
        Limits,
    )
    from pusher_core.encryption import (
        EncryptedPayload,
    )
    from pusher_core.errors import (
        ApiError,
        AuthenticationError,
        BadRequestError,
        BadStatusError,
        ConfigurationError,
        ConnectionDroppedError,
        ConnectionFailedError,
        ConnectTimeoutError,
        EncryptionError,
        EncryptionUnavailableError,
        ForbiddenError,
        InvalidArgumentError,
        InvalidArgumentTypeError,
        InvalidResponseError,
        NotFoundError,
        PayloadTooLargeApiError,
        PayloadTooLargeError,
        PusherBadAuth,
        PusherBadRequest,
        PusherBadStatus,
        PusherError,
        PusherForbidden,
        RateLimitedError,
        ReadTimeoutError,
        ReplayMismatchError,
        ServerError,
        TLSError,
        TransportError,
        TransportTimeoutError,
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
    from pusher_core.signing import (
        sign_request,
        verify_request,
    )
    from pusher_core.transport import (
        HttpRequest,
        HttpResponse,
        Transport,
    )
    from pusher_core.webhooks import (
        DEFAULT_MAX_AGE_MS,
        CacheMiss,
        ChannelOccupied,
        ChannelVacated,
        ClientEvent,
        DecryptionStatus,
        MemberAdded,
        MemberRemoved,
        RejectedWebhook,
        SubscriptionCount,
        UnknownWebhookEvent,
        ValidWebhook,
        WebhookEvent,
        WebhookRejectReason,
        WebhookVerdict,
        verify_webhook,
        verify_webhook_for,
    )

__all__ = [
    "DEFAULT_MAX_AGE_MS",
    "ApiError",
    "AppConfig",
    "AuthRequestError",
    "AuthResponse",
    "AuthenticationError",
    "BadRequestError",
    "BadStatusError",
    "BatchEvent",
    "BatchResult",
    "CacheMiss",
    "ChannelAuth",
    "ChannelAuthRequest",
    "ChannelInfo",
    "ChannelKind",
    "ChannelOccupied",
    "ChannelVacated",
    "ChannelsList",
    "ClientEvent",
    "ConfigurationError",
    "ConnectTimeoutError",
    "ConnectionDroppedError",
    "ConnectionFailedError",
    "DecryptionStatus",
    "EncryptedPayload",
    "EncryptionError",
    "EncryptionUnavailableError",
    "ForbiddenError",
    "HttpRequest",
    "HttpResponse",
    "IgnoredCustomDataWarning",
    "InvalidArgumentError",
    "InvalidArgumentTypeError",
    "InvalidResponseError",
    "Limits",
    "MemberAdded",
    "MemberRemoved",
    "NotFoundError",
    "PayloadTooLargeApiError",
    "PayloadTooLargeError",
    "Pusher",
    "PusherBadAuth",
    "PusherBadRequest",
    "PusherBadStatus",
    "PusherError",
    "PusherForbidden",
    "RateLimitedError",
    "ReadTimeoutError",
    "RejectedWebhook",
    "ReplayMismatchError",
    "ServerError",
    "SubscriptionCount",
    "TLSError",
    "Transport",
    "TransportError",
    "TransportTimeoutError",
    "TriggerResult",
    "UnknownWebhookEvent",
    "UserAuth",
    "UserAuthRequest",
    "Users",
    "ValidWebhook",
    "WebhookEvent",
    "WebhookRejectReason",
    "WebhookVerdict",
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

_WHERE: dict[str, str] = {
    "ChannelAuth": "pusher_core.auth",
    "IgnoredCustomDataWarning": "pusher_core.auth",
    "UserAuth": "pusher_core.auth",
    "authenticate_user": "pusher_core.auth",
    "authorize_channel": "pusher_core.auth",
    "AuthRequestError": "pusher_core.auth_endpoints",
    "AuthResponse": "pusher_core.auth_endpoints",
    "ChannelAuthRequest": "pusher_core.auth_endpoints",
    "UserAuthRequest": "pusher_core.auth_endpoints",
    "channel_auth_response": "pusher_core.auth_endpoints",
    "parse_channel_auth_request": "pusher_core.auth_endpoints",
    "parse_user_auth_request": "pusher_core.auth_endpoints",
    "user_auth_response": "pusher_core.auth_endpoints",
    "ChannelKind": "pusher_core.channels",
    "channel_kind": "pusher_core.channels",
    "Pusher": "pusher_core.client",
    "AppConfig": "pusher_core.config",
    "Limits": "pusher_core.config",
    "EncryptedPayload": "pusher_core.encryption",
    "ApiError": "pusher_core.errors",
    "AuthenticationError": "pusher_core.errors",
    "BadRequestError": "pusher_core.errors",
    "BadStatusError": "pusher_core.errors",
    "ConfigurationError": "pusher_core.errors",
    "ConnectTimeoutError": "pusher_core.errors",
    "ConnectionDroppedError": "pusher_core.errors",
    "ConnectionFailedError": "pusher_core.errors",
    "EncryptionError": "pusher_core.errors",
    "EncryptionUnavailableError": "pusher_core.errors",
    "ForbiddenError": "pusher_core.errors",
    "InvalidArgumentError": "pusher_core.errors",
    "InvalidArgumentTypeError": "pusher_core.errors",
    "InvalidResponseError": "pusher_core.errors",
    "NotFoundError": "pusher_core.errors",
    "PayloadTooLargeApiError": "pusher_core.errors",
    "PayloadTooLargeError": "pusher_core.errors",
    "PusherBadAuth": "pusher_core.errors",
    "PusherBadRequest": "pusher_core.errors",
    "PusherBadStatus": "pusher_core.errors",
    "PusherError": "pusher_core.errors",
    "PusherForbidden": "pusher_core.errors",
    "RateLimitedError": "pusher_core.errors",
    "ReadTimeoutError": "pusher_core.errors",
    "ReplayMismatchError": "pusher_core.errors",
    "ServerError": "pusher_core.errors",
    "TLSError": "pusher_core.errors",
    "TransportError": "pusher_core.errors",
    "TransportTimeoutError": "pusher_core.errors",
    "BatchEvent": "pusher_core.events",
    "send_to_user_request": "pusher_core.events",
    "trigger_batch_request": "pusher_core.events",
    "trigger_bulk_requests": "pusher_core.events",
    "trigger_request": "pusher_core.events",
    "channel_request": "pusher_core.queries",
    "channels_request": "pusher_core.queries",
    "get_request": "pusher_core.queries",
    "post_request": "pusher_core.queries",
    "terminate_connections_request": "pusher_core.queries",
    "users_request": "pusher_core.queries",
    "BatchResult": "pusher_core.responses",
    "ChannelInfo": "pusher_core.responses",
    "ChannelsList": "pusher_core.responses",
    "TriggerResult": "pusher_core.responses",
    "Users": "pusher_core.responses",
    "sign_request": "pusher_core.signing",
    "verify_request": "pusher_core.signing",
    "HttpRequest": "pusher_core.transport",
    "HttpResponse": "pusher_core.transport",
    "Transport": "pusher_core.transport",
    "CacheMiss": "pusher_core.webhooks",
    "ChannelOccupied": "pusher_core.webhooks",
    "ChannelVacated": "pusher_core.webhooks",
    "ClientEvent": "pusher_core.webhooks",
    "DEFAULT_MAX_AGE_MS": "pusher_core.webhooks",
    "DecryptionStatus": "pusher_core.webhooks",
    "MemberAdded": "pusher_core.webhooks",
    "MemberRemoved": "pusher_core.webhooks",
    "RejectedWebhook": "pusher_core.webhooks",
    "SubscriptionCount": "pusher_core.webhooks",
    "UnknownWebhookEvent": "pusher_core.webhooks",
    "ValidWebhook": "pusher_core.webhooks",
    "WebhookEvent": "pusher_core.webhooks",
    "WebhookRejectReason": "pusher_core.webhooks",
    "WebhookVerdict": "pusher_core.webhooks",
    "verify_webhook": "pusher_core.webhooks",
    "verify_webhook_for": "pusher_core.webhooks",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'pusher_core' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
