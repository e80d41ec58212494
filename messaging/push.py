"""Web push: system notifications on a member's devices, even with no tab open.

A member's browser subscribes with the site's VAPID public key (VAPID_PRIVATE_KEY in the
environment; `manage.py vapid_keys` makes a pair) and hands over its push service's
endpoint and encryption keys (PushSubscription). When something happens that the
member is told of (a Notice of any kind, a private message), a Celery task builds the
notification in their language and sends it, encrypted (aes128gcm), to each device
(messaging.tasks).

The kinds are Notice.Kind's and "message": a Notice kind added later is pushed, and has
its switch on the settings page, with no change here. The app that creates a kind's
notices may say what its subject is (register_subject: a post's page and text);
otherwise the notification opens the notifications page.
"""

import base64
import ipaddress
import socket
from collections.abc import Callable
from functools import cache
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from messaging.models import Notice

MESSAGE = "message"
# The most devices one member may subscribe.
MAX_DEVICES = 20
# What a browser sends when it subscribes is a few hundred bytes.
MAX_REQUEST_BYTES = 4096
# Characters of a post or message in the notification's body.
BODY_CHARS = 140


class PushRefused(Exception):
    """A subscription the site will not send to; the text is shown to the member."""


def push_kinds() -> list[tuple[str, str]]:
    """Every kind a member can switch on or off: the notices' kinds and messages."""
    return [*Notice.Kind.choices, (MESSAGE, gettext_lazy("sent you a message"))]


# kind -> describe(subject_id) -> (url, text) or None (the subject is gone).
_subjects: dict[str, Callable[[int], tuple[str, str] | None]] = {}


def register_subject(kinds, describe: Callable[[int], tuple[str, str] | None]) -> None:
    """Say what the subject of these notice kinds is (the app that creates them calls
    this in its AppConfig.ready): the page a click opens and the text shown."""
    for kind in kinds:
        _subjects[str(kind)] = describe


def b64url_decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def b64url_encode(value: bytes) -> str:
    return base64.urlsafe_b64encode(value).rstrip(b"=").decode()


def vapid_keys_generate() -> tuple[str, str]:
    """A new (private, public) VAPID pair: the raw P-256 private number and the
    uncompressed public point, base64url (what py_vapid and browsers take)."""
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_numbers().private_value.to_bytes(32, "big")
    return b64url_encode(private), _public_of(key)


def _public_of(key: ec.EllipticCurvePrivateKey) -> str:
    return b64url_encode(
        key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )


@cache
def _vapid_public(private: str) -> str:
    raw = b64url_decode(private)
    return _public_of(ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1()))


def vapid_public_key() -> str:
    """The applicationServerKey browsers subscribe with, or "" when push is not set up."""
    private = settings.VAPID_PRIVATE_KEY
    if not private:
        return ""
    return _vapid_public(private)


def push_enabled() -> bool:
    return bool(settings.VAPID_PRIVATE_KEY)


def _local_allowed(host: str) -> bool:
    """The test setting's exception: the push endpoint a test runs on loopback."""
    if not settings.PUSH_ALLOW_LOOPBACK_ENDPOINTS:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def endpoint_check(endpoint: str) -> str:
    """The endpoint, if it is one the site will send to: https, a public host, no
    credentials, not too long. Raises PushRefused otherwise."""
    if not isinstance(endpoint, str) or not endpoint or len(endpoint) > 1024:
        raise PushRefused(_("This push subscription has no valid address."))
    try:
        parts = urlsplit(endpoint)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 (a bad port raises)
    except ValueError:
        raise PushRefused(_("This push subscription has no valid address.")) from None
    if _local_allowed(host) and parts.scheme in ("http", "https"):
        return endpoint
    if parts.scheme != "https" or not host or parts.username or parts.password or any(c.isspace() for c in endpoint):
        raise PushRefused(_("Push notifications can only be sent to a secure (https) push service."))
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None:
        if not _address_allowed(str(literal)):
            raise PushRefused(_("This push service's address is not allowed."))
    elif "." not in host or host == "localhost" or host.endswith((".localhost", ".local", ".internal", ".lan")):
        raise PushRefused(_("This push service's address is not allowed."))
    return endpoint


def endpoint_resolve_check(endpoint: str) -> None:
    """At delivery: every address the endpoint's host resolves to must be public (a name
    may point at the site's own network). Raises PushRefused, or OSError if it does not resolve."""
    host = (urlsplit(endpoint).hostname or "").lower()
    if _local_allowed(host):
        return
    for *_rest, sockaddr in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP):
        if not _address_allowed(sockaddr[0]):
            raise PushRefused(f"{host} resolves to {sockaddr[0]}, not a public address")


def keys_check(p256dh, auth) -> tuple[str, str]:
    """The browser's keys, if they are a P-256 public point and a 16-byte secret."""
    try:
        point = b64url_decode(p256dh)
        secret = b64url_decode(auth)
        if len(point) != 65 or len(secret) != 16:
            raise ValueError
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except (TypeError, ValueError, AttributeError):
        raise PushRefused(_("This push subscription's keys are not valid.")) from None
    return p256dh, auth


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= BODY_CHARS else text[: BODY_CHARS - 1].rstrip() + "…"


def notice_payload(notice: Notice) -> dict | None:
    """The notification for a notice, in the active language; None when its subject is gone."""
    url, text = reverse("posts:notifications"), ""
    describe = _subjects.get(notice.kind)
    if describe is not None and notice.subject_id:
        described = describe(notice.subject_id)
        if described is None:
            return None
        url, text = described
    elif notice.kind == Notice.Kind.FOLLOW:
        url = notice.actor.get_absolute_url()
    action = dict(push_kinds()).get(notice.kind, notice.kind)
    return {
        "kind": notice.kind,
        "title": _("%(actor)s %(action)s") % {"actor": notice.actor.username, "action": action},
        "body": _excerpt(text),
        "url": url,
        "tag": f"notice-{notice.pk}",
        "icon": notice.actor.avatar_url(192),
    }


def message_payload(message) -> dict:
    return {
        "kind": MESSAGE,
        "title": _("%(actor)s %(action)s") % {"actor": message.sender.username, "action": _("sent you a message")},
        "body": _excerpt(message.body),
        "url": reverse("messaging:inbox"),
        "tag": f"message-{message.pk}",
        "icon": message.sender.avatar_url(192),
    }


def absolute(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else settings.SITE_URL + url
