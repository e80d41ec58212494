"""Web push end to end: a member's device subscribes, something happens, and a local push
service (pytest-httpserver) receives the notification, which it decrypts with the device's
private key (as the browser does) and checks, with the site's VAPID signature."""

import json
import re
import socket
from io import StringIO

import http_ece
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from django.core.management import call_command
from django.urls import reverse
from py_vapid import Vapid
from werkzeug import Response

import core.queue
from messaging.models import Notice, PushSettings, PushSubscription
from messaging.push import b64url_decode, b64url_encode, push_kinds, vapid_keys_generate, vapid_public_key
from messaging.services import message_send, notice_add, push_subscribe
from posts.services import post_create


class Device:
    """A browser's side of a push subscription: its key pair and auth secret."""

    def __init__(self, endpoint: str):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = b"0123456789abcdef"
        self.endpoint = endpoint

    def subscription(self) -> dict:
        point = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {"endpoint": self.endpoint, "keys": {"p256dh": b64url_encode(point), "auth": b64url_encode(self.auth)}}

    def decrypt(self, body: bytes) -> dict:
        return json.loads(http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"))


def _vapid_claims(authorization: str, public_key: str) -> dict:
    """The claims of the request's VAPID token, after checking its ES256 signature
    against the key it names and that key against the site's."""
    scheme, _space, params = authorization.partition(" ")
    assert scheme == "vapid"
    fields = dict(part.strip().split("=", 1) for part in params.split(","))
    assert fields["k"] == public_key
    header, claims, signature = fields["t"].split(".")
    raw = b64url_decode(signature)
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(fields["k"]))
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
    return json.loads(b64url_decode(claims))


@pytest.fixture
def vapid(settings):
    private, public = vapid_keys_generate()
    settings.VAPID_PRIVATE_KEY = private
    settings.VAPID_SUBJECT = "mailto:admin@example.com"
    settings.PUSH_ALLOW_LOOPBACK_ENDPOINTS = True
    settings.SITE_URL = "https://microblog.example.com"
    return public


@pytest.fixture
def push_service(httpserver, vapid):
    """The local push service: records what it is sent; answers 201 unless told otherwise."""
    received = []

    def handler(request):
        received.append(request)
        return Response(status=201)

    httpserver.expect_request("/push/alice-phone", method="POST").respond_with_handler(handler)
    return received


@pytest.fixture
def phone(httpserver, alice, push_service):
    device = Device(httpserver.url_for("/push/alice-phone"))
    info = device.subscription()
    push_subscribe(user=alice, endpoint=info["endpoint"], p256dh=info["keys"]["p256dh"], auth=info["keys"]["auth"])
    return device


def test_a_message_arrives_on_the_members_phone_encrypted_and_signed(
    alice, bob, phone, push_service, vapid, httpserver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message_send(sender=bob, recipient=alice, body="Tea at five?\n  Bring   the biscuits.")

    assert len(push_service) == 1
    request = push_service[0]
    assert request.headers["Content-Encoding"] == "aes128gcm"
    assert int(request.headers["TTL"]) > 0
    claims = _vapid_claims(request.headers["Authorization"], vapid)
    assert claims["aud"] == httpserver.url_for("/").rstrip("/")
    assert claims["sub"] == "mailto:admin@example.com"
    assert b"Tea at five" not in request.get_data()  # encrypted on the wire
    payload = phone.decrypt(request.get_data())
    assert payload["title"] == "bob sent you a message"
    assert payload["body"] == "Tea at five? Bring the biscuits."
    assert payload["url"] == "https://microblog.example.com" + reverse("messaging:inbox")
    assert payload["kind"] == "message"
    assert PushSubscription.objects.get().last_used is not None


def test_a_mention_opens_the_post_and_shows_its_text_in_the_members_language(
    alice, bob, phone, push_service, django_capture_on_commit_callbacks
):
    alice.language = "de"
    alice.save()

    with django_capture_on_commit_callbacks(execute=True):
        post = post_create(author=bob, body="@alice the new oolong is in")

    [request] = push_service
    payload = phone.decrypt(request.get_data())
    assert payload["title"] == "bob hat dich erwähnt"
    assert payload["body"] == "@alice the new oolong is in"
    assert payload["url"] == "https://microblog.example.com" + post.get_absolute_url()
    assert payload["kind"] == "mention"


def test_a_kind_switched_off_is_not_pushed_and_the_others_still_are(
    alice, bob, phone, push_service, alice_client, django_capture_on_commit_callbacks
):
    response = alice_client.post(reverse("messaging:push-settings"), {"kinds": ["message", "follow"]})
    assert response.status_code == 302
    assert "mention" in PushSettings.objects.get(user=alice).muted_kinds

    with django_capture_on_commit_callbacks(execute=True):
        post_create(author=bob, body="@alice hello")
        message_send(sender=bob, recipient=alice, body="hello again")

    assert [phone.decrypt(request.get_data())["kind"] for request in push_service] == ["message"]
    page = alice_client.get(reverse("messaging:push-settings")).content.decode()
    switches = dict(re.findall(r'value="(\w+)"\s+id="[^"]+"( checked)?', page))
    assert switches == {kind: " checked" if kind in ("message", "follow") else "" for kind, _label in push_kinds()}


def test_a_new_notice_kind_is_pushed_with_no_change_to_push(
    alice, charlie, phone, push_service, django_capture_on_commit_callbacks
):
    # Every Notice kind goes through notice_add; a follow opens the follower's profile.
    with django_capture_on_commit_callbacks(execute=True):
        notice_add(recipient=alice, kind=Notice.Kind.FOLLOW, actor=charlie)

    payload = phone.decrypt(push_service[0].get_data())
    assert payload["title"] == "charlie followed you"
    assert payload["url"].endswith(charlie.get_absolute_url())


@pytest.mark.parametrize("status", [404, 410])
def test_a_device_the_push_service_says_is_gone_is_deleted(
    alice, bob, httpserver, vapid, status, django_capture_on_commit_callbacks
):
    httpserver.expect_request("/push/gone").respond_with_data("gone", status=status)
    info = Device(httpserver.url_for("/push/gone")).subscription()
    push_subscribe(user=alice, endpoint=info["endpoint"], p256dh=info["keys"]["p256dh"], auth=info["keys"]["auth"])

    with django_capture_on_commit_callbacks(execute=True):
        message_send(sender=bob, recipient=alice, body="hi")

    assert len(httpserver.log) == 1
    assert not PushSubscription.objects.exists()


# serialized_rollback: the flush afterwards must not take the migrations' rows with it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_busy_push_service_is_tried_again_and_the_device_kept(
    alice, bob, httpserver, vapid, settings, celery_worker_on, wait_for
):
    settings.PUSH_RETRY_SECONDS = 0.1
    device = Device(httpserver.url_for("/push/busy"))
    answers = iter([Response("busy", status=503), Response("slow down", status=429), Response(status=201)])
    httpserver.expect_request("/push/busy").respond_with_handler(lambda request: next(answers))
    info = device.subscription()
    push_subscribe(user=alice, endpoint=info["endpoint"], p256dh=info["keys"]["p256dh"], auth=info["keys"]["auth"])

    with celery_worker_on("memory://"):
        message_send(sender=bob, recipient=alice, body="third time lucky")
        assert wait_for(lambda: len(httpserver.log) == 3, timeout=20), httpserver.log
        assert wait_for(lambda: PushSubscription.objects.get().last_used is not None, timeout=10)

    assert [response.status_code for _request, response in httpserver.log] == [503, 429, 201]
    assert device.decrypt(httpserver.log[-1][0].get_data())["body"] == "third time lucky"


def test_a_host_that_resolves_to_a_private_address_is_never_sent_to(
    alice, bob, vapid, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.PUSH_ALLOW_LOOPBACK_ENDPOINTS = False
    info = Device("https://push.example.net/v1/abc").subscription()
    push_subscribe(user=alice, endpoint=info["endpoint"], p256dh=info["keys"]["p256dh"], auth=info["keys"]["auth"])
    # DNS (an internet service) answers with an address inside the site's network.
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda *args, **kwargs: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", 0))]
    )
    sent = []
    monkeypatch.setattr("requests.post", lambda *args, **kwargs: sent.append(args))

    with django_capture_on_commit_callbacks(execute=True):
        message_send(sender=bob, recipient=alice, body="hi")

    assert sent == [] and not PushSubscription.objects.exists()


def test_nothing_is_queued_for_a_member_without_devices(alice, bob, vapid, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        message_send(sender=bob, recipient=alice, body="hi")

    queued = [callback for callback in callbacks if getattr(callback, "func", None) is core.queue._publish]
    assert queued == []


def _subscribe(client, body, content_type="application/json"):
    return client.post(reverse("messaging:push-subscribe"), body, content_type=content_type)


def test_the_settings_page_subscribes_lists_and_removes_devices(alice, alice_client, vapid, httpserver):
    info = Device(httpserver.url_for("/push/laptop")).subscription()

    response = _subscribe(alice_client, {**info, "name": "Firefox · Linux"})

    assert response.status_code == 201
    page = alice_client.get(reverse("messaging:push-settings"))
    assert page.status_code == 200
    assert "Firefox · Linux" in page.content.decode()
    assert f'data-vapid-key="{vapid}"' in page.content.decode()
    device = PushSubscription.objects.get(user=alice)

    removed = alice_client.post(reverse("messaging:push-remove", args=[device.pk]), follow=True)

    assert "will get no more push notifications" in removed.content.decode()
    assert not PushSubscription.objects.exists()


def test_the_same_browser_subscribing_again_updates_its_keys(alice, alice_client, vapid, httpserver):
    endpoint = httpserver.url_for("/push/laptop")
    _subscribe(alice_client, Device(endpoint).subscription())
    second = Device(endpoint).subscription()

    assert _subscribe(alice_client, second).status_code == 201
    assert list(PushSubscription.objects.values_list("p256dh", flat=True)) == [second["keys"]["p256dh"]]


def test_nobody_removes_another_members_device(alice, bob_client, vapid, httpserver):
    info = Device(httpserver.url_for("/push/alice")).subscription()
    device = push_subscribe(
        user=alice, endpoint=info["endpoint"], p256dh=info["keys"]["p256dh"], auth=info["keys"]["auth"]
    )

    bob_client.post(reverse("messaging:push-remove", args=[device.pk]))
    response = bob_client.post(
        reverse("messaging:push-unsubscribe"), {"endpoint": info["endpoint"]}, content_type="application/json"
    )

    assert response.json() == {"removed": False}
    assert PushSubscription.objects.filter(user=alice).count() == 1


@pytest.mark.parametrize(
    ("endpoint", "allow_loopback"),
    [
        ("http://push.example.com/v1/abc", False),  # not https
        ("https://127.0.0.1/push", False),  # loopback, the test exception off
        ("https://localhost/push", False),
        ("https://10.0.0.8/push", True),  # private, even with the test exception
        ("https://192.168.1.1/push", True),
        ("https://[::1]/push", False),
        ("https://[::ffff:10.0.0.1]/push", True),
        ("https://169.254.169.254/latest/meta-data", True),  # the cloud's metadata service
        ("https://intranet/push", True),
        ("https://printer.local/push", True),
        ("file:///etc/passwd", True),
        ("gopher://push.example.com/", True),
        ("https://user:secret@push.example.com/", True),
        ("https://push.example.com:99999/", True),
        ("https://push.example.com/" + "a" * 1100, True),
        ("", True),
    ],
)
def test_hostile_endpoints_are_refused(alice_client, vapid, settings, endpoint, allow_loopback):
    settings.PUSH_ALLOW_LOOPBACK_ENDPOINTS = allow_loopback
    info = Device(endpoint).subscription()

    response = _subscribe(alice_client, info)

    assert response.status_code == 400
    assert response.json()["error"]
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[1, 2]",
        json.dumps({"endpoint": "https://push.example.com/v1/a", "keys": "none"}),
        json.dumps({"endpoint": "https://push.example.com/v1/a", "keys": {"p256dh": "AAAA", "auth": "AAAA"}}),
        # A 65-byte "point" that is not on the curve.
        json.dumps(
            {
                "endpoint": "https://push.example.com/v1/a",
                "keys": {"p256dh": b64url_encode(b"\x04" + b"\x01" * 64), "auth": b64url_encode(b"x" * 16)},
            }
        ),
        json.dumps({"endpoint": ["https://push.example.com/"], "keys": {}}),
    ],
)
def test_malformed_subscriptions_are_refused_with_a_message(alice_client, vapid, body):
    response = _subscribe(alice_client, body)

    assert response.status_code == 400
    assert response.json()["error"]
    assert not PushSubscription.objects.exists()


def test_a_huge_body_is_refused(alice_client, vapid, httpserver):
    info = Device(httpserver.url_for("/push/x")).subscription()

    response = _subscribe(alice_client, {**info, "name": "x" * 10_000})

    assert response.status_code == 413
    assert not PushSubscription.objects.exists()


def test_a_long_device_name_is_cut_and_the_device_count_capped(alice, alice_client, vapid, httpserver, settings):
    for number in range(20):
        info = Device(httpserver.url_for(f"/push/{number}")).subscription()
        assert _subscribe(alice_client, {**info, "name": "n" * 300}).status_code == 201

    response = _subscribe(alice_client, Device(httpserver.url_for("/push/21")).subscription())

    assert response.status_code == 400
    assert "remove one first" in response.json()["error"]
    assert PushSubscription.objects.filter(user=alice).count() == 20
    assert {len(name) for name in PushSubscription.objects.values_list("name", flat=True)} == {100}


def test_anonymous_and_get_requests_change_nothing(client, alice_client, vapid, httpserver):
    info = Device(httpserver.url_for("/push/x")).subscription()

    assert _subscribe(client, info).status_code == 401
    assert alice_client.get(reverse("messaging:push-subscribe")).status_code == 405
    assert client.get(reverse("messaging:push-settings")).status_code == 302
    assert not PushSubscription.objects.exists()


def test_without_vapid_keys_the_page_says_push_is_not_set_up(alice_client, settings, httpserver):
    settings.VAPID_PRIVATE_KEY = ""

    page = alice_client.get(reverse("messaging:push-settings")).content.decode()
    response = _subscribe(alice_client, Device(httpserver.url_for("/push/x")).subscription())

    assert "not set up on this site" in page
    assert response.status_code == 503


def test_the_vapid_keys_command_prints_a_usable_pair(settings):
    out, err = StringIO(), StringIO()

    call_command("vapid_keys", stdout=out, stderr=err)

    private = out.getvalue().strip().removeprefix("VAPID_PRIVATE_KEY=")
    public = err.getvalue().rsplit(" ", 1)[1].strip()
    vapid = Vapid.from_string(private)
    header = vapid.sign({"aud": "https://push.example.com", "sub": "mailto:a@example.com", "exp": 2**31})
    assert header["Authorization"].endswith(f"k={public}")
    settings.VAPID_PRIVATE_KEY = private
    assert vapid_public_key() == public
