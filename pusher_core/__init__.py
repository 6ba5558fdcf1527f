"""pusher-core: Pusher Channels on the server, as pure values with pluggable I/O.

The core builds signed requests, call plans, auth responses, encrypted payloads
and webhook verdicts without touching the network, the clock or randomness.
`Pusher` (the drop-in for `pusher.Pusher`) and `TypedPusher` execute call plans
through a transport from `pusher_core.adapters`. Every error derives from
`PusherError`; the specific ones are in `pusher_core.errors`.

Every name is loaded on first use (PEP 562), so `import pusher_core` costs almost
nothing and a web app pays only for the modules it touches. `_EXPORTS` is the one
table of public names; the `TYPE_CHECKING` block is the same table written as
imports, because static type checkers cannot read a runtime table
(`tests/test_architecture.py` holds the two equal).
"""

from __future__ import annotations

from pusher_core._lazy import exports
from pusher_core._version import __version__

# Not `typing.TYPE_CHECKING`: importing `typing` would double the cost of
# `import pusher_core`. Type checkers treat any name TYPE_CHECKING alike.
TYPE_CHECKING = False

if TYPE_CHECKING:
    from pusher_core.auth import (
        ChannelAuth as ChannelAuth,
        IgnoredCustomDataWarning as IgnoredCustomDataWarning,
        UserAuth as UserAuth,
        authenticate_user as authenticate_user,
        authorize_channel as authorize_channel,
    )
    from pusher_core.auth_endpoints import (
        AuthRequestError as AuthRequestError,
        AuthResponse as AuthResponse,
        ChannelAuthRequest as ChannelAuthRequest,
        UserAuthRequest as UserAuthRequest,
        channel_auth_response as channel_auth_response,
        parse_channel_auth_request as parse_channel_auth_request,
        parse_user_auth_request as parse_user_auth_request,
        user_auth_response as user_auth_response,
    )
    from pusher_core.channels import (
        ChannelKind as ChannelKind,
        channel_kind as channel_kind,
    )
    from pusher_core.client import (
        Pusher as Pusher,
        TypedPusher as TypedPusher,
    )
    from pusher_core.config import (
        AppConfig as AppConfig,
        Limits as Limits,
    )
    from pusher_core.encryption import (
        EncryptedPayload as EncryptedPayload,
        decrypt as decrypt,
        encrypt as encrypt,
    )
    from pusher_core.errors import (
        ApiError as ApiError,
        ConfigurationError as ConfigurationError,
        EncryptionError as EncryptionError,
        InvalidArgumentError as InvalidArgumentError,
        InvalidArgumentTypeError as InvalidArgumentTypeError,
        PusherError as PusherError,
        TransportError as TransportError,
    )
    from pusher_core.events import (
        BatchEvent as BatchEvent,
        send_to_user_request as send_to_user_request,
        trigger_batch_request as trigger_batch_request,
        trigger_bulk_requests as trigger_bulk_requests,
        trigger_request as trigger_request,
    )
    from pusher_core.plans import (
        CallPlan as CallPlan,
        channel_plan as channel_plan,
        channels_plan as channels_plan,
        get_plan as get_plan,
        post_plan as post_plan,
        send_to_user_plan as send_to_user_plan,
        terminate_connections_plan as terminate_connections_plan,
        trigger_batch_plan as trigger_batch_plan,
        trigger_bulk_plans as trigger_bulk_plans,
        trigger_plan as trigger_plan,
        users_plan as users_plan,
    )
    from pusher_core.queries import (
        channel_request as channel_request,
        channels_request as channels_request,
        get_request as get_request,
        post_request as post_request,
        terminate_connections_request as terminate_connections_request,
        users_request as users_request,
    )
    from pusher_core.responses import (
        BatchResult as BatchResult,
        ChannelAttributes as ChannelAttributes,
        ChannelInfo as ChannelInfo,
        ChannelsList as ChannelsList,
        TriggerResult as TriggerResult,
        User as User,
        Users as Users,
        parse_batch as parse_batch,
        parse_channel as parse_channel,
        parse_channels as parse_channels,
        parse_json as parse_json,
        parse_trigger as parse_trigger,
        parse_users as parse_users,
    )
    from pusher_core.signing import (
        RejectedRequest as RejectedRequest,
        RequestRejectReason as RequestRejectReason,
        RequestVerdict as RequestVerdict,
        ValidRequest as ValidRequest,
        sign_request as sign_request,
        verify_request as verify_request,
    )
    from pusher_core.transport import (
        HttpRequest as HttpRequest,
        HttpResponse as HttpResponse,
        Transport as Transport,
    )
    from pusher_core.webhooks import (
        DEFAULT_MAX_AGE_MS as DEFAULT_MAX_AGE_MS,
        CacheMiss as CacheMiss,
        ChannelOccupied as ChannelOccupied,
        ChannelVacated as ChannelVacated,
        ClientEvent as ClientEvent,
        DecryptionStatus as DecryptionStatus,
        MemberAdded as MemberAdded,
        MemberRemoved as MemberRemoved,
        RejectedWebhook as RejectedWebhook,
        SubscriptionCount as SubscriptionCount,
        UnknownWebhookEvent as UnknownWebhookEvent,
        ValidWebhook as ValidWebhook,
        WebhookEvent as WebhookEvent,
        WebhookRejectReason as WebhookRejectReason,
        WebhookVerdict as WebhookVerdict,
        verify_webhook as verify_webhook,
    )

_EXPORTS: dict[str, tuple[str, ...]] = {
    "pusher_core.config": (
        "AppConfig",
        "Limits",
    ),
    "pusher_core.errors": (
        "ApiError",
        "ConfigurationError",
        "EncryptionError",
        "InvalidArgumentError",
        "InvalidArgumentTypeError",
        "PusherError",
        "TransportError",
    ),
    "pusher_core.transport": (
        "HttpRequest",
        "HttpResponse",
        "Transport",
    ),
    "pusher_core.channels": (
        "channel_kind",
        "ChannelKind",
    ),
    "pusher_core.signing": (
        "RejectedRequest",
        "RequestRejectReason",
        "RequestVerdict",
        "sign_request",
        "ValidRequest",
        "verify_request",
    ),
    "pusher_core.events": (
        "BatchEvent",
        "send_to_user_request",
        "trigger_batch_request",
        "trigger_bulk_requests",
        "trigger_request",
    ),
    "pusher_core.queries": (
        "channel_request",
        "channels_request",
        "get_request",
        "post_request",
        "terminate_connections_request",
        "users_request",
    ),
    "pusher_core.plans": (
        "CallPlan",
        "channel_plan",
        "channels_plan",
        "get_plan",
        "post_plan",
        "send_to_user_plan",
        "terminate_connections_plan",
        "trigger_batch_plan",
        "trigger_bulk_plans",
        "trigger_plan",
        "users_plan",
    ),
    "pusher_core.responses": (
        "BatchResult",
        "ChannelAttributes",
        "ChannelInfo",
        "ChannelsList",
        "parse_batch",
        "parse_channel",
        "parse_channels",
        "parse_json",
        "parse_trigger",
        "parse_users",
        "TriggerResult",
        "User",
        "Users",
    ),
    "pusher_core.auth": (
        "authenticate_user",
        "authorize_channel",
        "ChannelAuth",
        "IgnoredCustomDataWarning",
        "UserAuth",
    ),
    "pusher_core.auth_endpoints": (
        "AuthRequestError",
        "AuthResponse",
        "channel_auth_response",
        "ChannelAuthRequest",
        "parse_channel_auth_request",
        "parse_user_auth_request",
        "user_auth_response",
        "UserAuthRequest",
    ),
    "pusher_core.encryption": (
        "decrypt",
        "encrypt",
        "EncryptedPayload",
    ),
    "pusher_core.webhooks": (
        "DEFAULT_MAX_AGE_MS",
        "CacheMiss",
        "ChannelOccupied",
        "ChannelVacated",
        "ClientEvent",
        "DecryptionStatus",
        "MemberAdded",
        "MemberRemoved",
        "RejectedWebhook",
        "SubscriptionCount",
        "UnknownWebhookEvent",
        "ValidWebhook",
        "verify_webhook",
        "WebhookEvent",
        "WebhookRejectReason",
        "WebhookVerdict",
    ),
    "pusher_core.client": (
        "Pusher",
        "TypedPusher",
    ),
}
_WHERE, __getattr__ = exports(globals(), _EXPORTS)
__all__ = ["__version__", *_WHERE]  # noqa: PLE0604  # built from the one table


def __dir__() -> list[str]:
    return sorted(__all__)
