"""Accounts beyond the core: PATCH update_credentials and accounts search
(https://docs.joinmastodon.org/methods/accounts/)."""

import re

from django.db import IntegrityError, transaction
from rest_framework.response import Response

from accounts.forms import ProfileForm
from accounts.models import PROFILE_FIELDS_MAX, Follow, User
from accounts.services import ProfileImageError, profile_images_set
from api.mastodon import entities
from api.mastodon.base import MastodonView, ValidationFailed, limit_of
from api.mastodon.media import StorageDown
from api.services import user_update
from core.media import MediaStorageError
from posts.counts import with_member_counts

TRUE = ("true", "1", "on")
FALSE = ("false", "0", "off", "")


def _flag(data, name):
    """A Mastodon boolean parameter: True, False, or None when absent."""
    if name not in data:
        return None
    value = str(data.get(name)).lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ValidationFailed(f"{name}: must be true or false")


def _source(data, name):
    """source[name] from a form (source[language]) or a JSON body ({"source": {...}})."""
    if f"source[{name}]" in data:
        return data.get(f"source[{name}]")
    source = data.get("source")
    return source.get(name) if isinstance(source, dict) else None


# What this server's accounts always are. A client that sends the same value (Tusky and
# Ivory send their whole form back) is answered normally; one that asks for what we
# cannot do gets a 422 rather than a silent no.
FIXED = {
    "locked": (False, "This server has no follow requests: accounts cannot be locked"),
    "bot": (False, "This server has no bot accounts"),
    "discoverable": (True, "Every account here is listed in search and the directory"),
}


def profile_updates(data, member: User) -> dict:
    """The changes to the profile form's fields the request asks for: display_name, note,
    source[language] and fields_attributes (all four pairs replaced, as Mastodon does)."""
    changes = {}
    if "display_name" in data:
        changes["display_name"] = str(data.get("display_name") or "")
    if "note" in data:
        changes["about_me"] = str(data.get("note") or "")
    language = _source(data, "language")
    if language is not None:
        changes["language"] = str(language)
    pairs = _fields_attributes(data)
    if pairs is not None:
        if len(pairs) > PROFILE_FIELDS_MAX:
            raise ValidationFailed(f"fields_attributes: at most {PROFILE_FIELDS_MAX} fields")
        for index in range(PROFILE_FIELDS_MAX):
            name, value = pairs[index] if index < len(pairs) else ("", "")
            changes[f"field_name_{index}"], changes[f"field_value_{index}"] = name, value
    return changes


def _fields_attributes(data) -> list[tuple[str, str]] | None:
    """fields_attributes from a form (fields_attributes[0][name]=…) or a JSON body (a list,
    or an object keyed by index); None when the request sends none."""
    if hasattr(data, "getlist"):
        found: dict[int, dict] = {}
        for key in data:
            match = FIELD_KEY.fullmatch(key)
            if match:
                found.setdefault(int(match[1]), {})[match[2]] = str(data.get(key) or "")
        if not found:
            return None
        rows = [found[index] for index in sorted(found)]
    else:
        raw = data.get("fields_attributes")
        if raw is None:
            return None
        rows = list(raw.values()) if isinstance(raw, dict) else raw
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise ValidationFailed("fields_attributes: a list of {name, value}")
    pairs = [(str(row.get("name") or "").strip(), str(row.get("value") or "").strip()) for row in rows]
    # An empty pair is how clients delete a field.
    return [pair for pair in pairs if pair != ("", "")]


FIELD_KEY = re.compile(r"fields_attributes\[(\d{1,2})\]\[(name|value)\]")
# The form's names of the two pictures, by Mastodon's parameter.
PICTURES = {"avatar": "avatar_upload", "header": "header_upload"}
# The form's field names in Mastodon's words, for error messages.
ERROR_NAMES = {"about_me": "note", "avatar_upload": "avatar", "header_upload": "header"}


class UpdateCredentialsApi(MastodonView):
    scopes = {"PATCH": "write:accounts"}

    def patch(self, request):
        files = request.FILES  # read first: the upload handler marks a file too large
        data = request.data
        for name, (value, message) in FIXED.items():
            asked = _flag(data, name)
            if asked is not None and asked != value:
                raise ValidationFailed(message)
        privacy = _source(data, "privacy")
        if privacy not in (None, "", "public"):
            raise ValidationFailed("This server publishes public statuses only")
        member = User.objects.get(pk=request.user.pk)
        changes = profile_updates(data, member)
        pictures = {kind: files[kind] for kind in PICTURES if kind in files}
        too_large = {PICTURES[kind] for kind in getattr(request._request, "media_too_large", ()) if kind in PICTURES}
        if changes or pictures or too_large:
            # The profile page's form: its limits, language choices and image checks.
            form = ProfileForm(
                {**ProfileForm.data_of(member), **changes},
                {PICTURES[kind]: upload for kind, upload in pictures.items()},
                instance=member,
                too_large=too_large,
            )
            if not form.is_valid():
                raise ValidationFailed(
                    "; ".join(
                        f"{ERROR_NAMES.get(name, 'fields_attributes' if name.startswith('field_') else name)}: "
                        + " ".join(errors)
                        for name, errors in form.errors.items()
                    )
                )
            try:
                with transaction.atomic():
                    user_update(request=request._request, user=member, profile=form, email=None)
                    # Both pictures or neither, and with the rest (a storage that is down undoes all).
                    profile_images_set(member=member, uploads=pictures)
            except IntegrityError:
                raise ValidationFailed("Your account was changed at the same time; try again") from None
            except ProfileImageError as error:
                raise ValidationFailed(str(error.message)) from None
            except MediaStorageError as error:
                raise StorageDown(str(error.message)) from None
        member = User.objects.get(pk=member.pk)
        with_member_counts([member])
        return Response(entities.account(member, credentials=True))


def accounts_matching(q: str, limit: int, *, reader: User, following_of: User | None = None):
    """Active members whose username starts with `q` (an @ and a domain are ignored),
    by name, without those `reader` blocks or is blocked by; with `following_of`, only
    those that member follows. One query."""
    name = q.replace("\x00", "").strip().lstrip("@").split("@")[0]
    if not name:
        return []
    members = User.objects.visible_to(reader).filter(username__istartswith=name)
    if following_of is not None:
        members = members.filter(pk__in=Follow.objects.filter(follower=following_of).values("followed_id"))
    return with_member_counts(members.order_by("username")[:limit])


class AccountSearchApi(MastodonView):
    scopes = {"GET": "read:accounts"}

    def get(self, request):
        q = request.query_params.get("q", "")[:200]
        following = request.query_params.get("following", "").lower() in TRUE
        offset = request.query_params.get("offset", "0")
        if offset not in ("", "0"):
            return Response([])  # one page only: the best matches come first
        members = accounts_matching(
            q, limit_of(request), reader=request.user, following_of=request.user if following else None
        )
        return Response([entities.account(member) for member in members])
