import datetime
import logging

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Block, Follow, Mute, MutedWord, User, blocked_either_way, muted_word_pattern
from accounts.signals import members_deactivated

logger = logging.getLogger(__name__)


class FollowError(Exception):
    """A follow request that cannot be honoured; the message is shown to the member."""


def follow_create(*, follower: User, followed: User) -> Follow:
    if follower.pk == followed.pk:
        raise FollowError(_("You cannot follow yourself."))
    if blocked_either_way(follower, followed):
        # The same words either way: a blocked member is not told who blocked whom.
        raise FollowError(_("You can't follow %(username)s.") % {"username": followed.username})
    try:
        # A savepoint so a lost race (two clicks at once) leaves the outer transaction usable.
        with transaction.atomic():
            return Follow.objects.create(follower=follower, followed=followed)
    except IntegrityError:
        raise FollowError(_("You are already following %(username)s.") % {"username": followed.username}) from None


def follow_delete(*, follower: User, followed: User) -> None:
    deleted, _rows = Follow.objects.filter(follower=follower, followed=followed).delete()
    if not deleted:
        raise FollowError(_("You are not following %(username)s.") % {"username": followed.username})


def members_deactivate(*, members) -> int:
    """Deactivate the active members of the queryset `members` in one UPDATE (they
    vanish from the site and can no longer log in); how many were deactivated."""
    with transaction.atomic():
        pks = list(members.filter(is_active=True).values_list("pk", flat=True))
        count = User.objects.filter(pk__in=pks).update(is_active=False)
        members_deactivated.send(sender=User, pks=pks)
    return count


def user_email_change(*, user: User, email: str, old: str | None = None) -> User:
    """Make `email` the member's address, for allauth too: the old address's EmailAddress
    row goes (or logging in and password resets would still accept it) and the new one is
    the primary. Lower case, as allauth's sign-up stores addresses and looks them up.
    `old`: the address before, when the caller has saved the new one already (the admin)."""
    email = email.lower()
    with transaction.atomic():
        if old is None:
            old = User.objects.filter(pk=user.pk).values_list("email", flat=True).get()
        user.email = email
        user.save(update_fields=["email"])
        if old.lower() != email:
            EmailAddress.objects.filter(user=user, email__iexact=old).delete()
        EmailAddress.objects.filter(user=user).exclude(email__iexact=email).update(primary=False)
        EmailAddress.objects.update_or_create(
            user=user, email__iexact=email, defaults={"email": email, "primary": True}
        )
    return user


def _email_change_key(address: EmailAddress) -> str:
    return f"accounts:email-change:{address.pk}"


def user_email_change_request(*, request: HttpRequest, user: User, email: str) -> None:
    """Change the member's address once they follow a link mailed to the new one
    (user_email_change_confirmed), as allauth's email change does. Nothing tells a free
    address from another member's: a taken one gets no row and no mail, and the caller
    answers both alike ("check your email"), so the change cannot enumerate addresses.
    The link comes from allauth (one mail per address per ACCOUNT_MAIL_INTERVAL)."""
    email = email.lower()
    if email == user.email.lower():
        return
    taken = (
        User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists()
        or EmailAddress.objects.filter(email__iexact=email).exclude(user=user).exists()
    )
    if taken:
        return
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is not None and address.verified:
        user_email_change(user=user, email=email)  # already proven theirs (the email page)
        return
    if address is None:
        address = EmailAddress.objects.create(user=user, email=email, primary=False, verified=False)
    # Which confirmation is a change (not a second address added on the email page).
    cache.set(_email_change_key(address), True, timeout=settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS * 86400)
    address.send_confirmation(request)


def user_email_change_confirmed(*, address: EmailAddress) -> None:
    """allauth confirmed `address`: if it was asked for as the member's new address
    (user_email_change_request), it replaces the old one. Without the mark (another
    address added on the email page) it stays a confirmed secondary address."""
    if not cache.delete(_email_change_key(address)):
        return
    # Taken meanwhile (by a sign-up): the member keeps the old address.
    if not User.objects.filter(email__iexact=address.email).exclude(pk=address.user_id).exists():
        user_email_change(user=address.user, email=address.email)


class ProfileImageError(Exception):
    """A refused avatar or header; the message is for the member."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def profile_image_set(*, member: User, kind: str, upload) -> None:
    """Take an uploaded avatar or header (`kind`) of `member`: checked now (core.images),
    stored as uploaded, cropped by a worker (accounts.tasks.profile_image_process); the
    old picture stays until then. Raises ProfileImageError or core.media.MediaStorageError."""
    from accounts import tasks
    from core.images import ImageRejected, image_inspect
    from core.media import media_delete, media_delete_later, media_name, media_save
    from core.queue import task_enqueue

    field = {"avatar": "avatar_original", "header": "header_original"}[kind]
    try:
        inspected = image_inspect(upload)
    except ImageRejected as rejected:
        raise ProfileImageError(rejected.message) from None
    upload.seek(0)
    name = media_save(media_name(f"{kind}s-original", inspected.format.lower()), upload.read())
    try:
        with transaction.atomic():
            previous = User.objects.select_for_update().values_list(field, flat=True).get(pk=member.pk)
            User.objects.filter(pk=member.pk).update(**{field: name})
            # An upload still waiting from before is replaced by this one.
            media_delete_later([previous])
            task_enqueue(tasks.profile_image_process, args=(member.pk, kind))
    except BaseException:
        media_delete([name])
        raise
    setattr(member, field, name)


def profile_images_set(*, member: User, uploads: dict) -> None:
    """profile_image_set for each kind in `uploads` ({"avatar": file, "header": file}), all
    or none: when one is refused or cannot be stored, those already stored are deleted
    and, inside the caller's transaction, the rows roll back with it."""
    from core.media import media_delete

    stored = []
    try:
        with transaction.atomic():
            for kind, upload in uploads.items():
                profile_image_set(member=member, kind=kind, upload=upload)
                stored.append(getattr(member, f"{kind}_original"))
    except BaseException:
        media_delete(stored)
        raise


def profile_image_process(*, member_id: int, kind: str) -> None:
    """Crop the waiting avatar (squares of AVATAR_SIZES) or header (HEADER_SIZE), as
    WebP without metadata, and put it in place; the old files and the upload go after
    commit. Idempotent: nothing waiting, nothing done."""
    from PIL import ImageOps

    from accounts.models import AVATAR_SIZES, HEADER_SIZE
    from core.images import image_encode, image_open
    from core.media import media_delete_later, media_name, media_read, media_save

    field = f"{kind}_original"
    original = User.objects.filter(pk=member_id).values_list(field, flat=True).first()
    if not original:
        return
    try:
        image = image_open(media_read(original))
    except (OSError, ValueError, SyntaxError, EOFError) as error:
        # Damaged past its header (the request reads no further): the old picture stays,
        # and the upload goes, with its name, so nothing is left behind.
        logger.warning("Could not process the %s of member %s: %r", kind, member_id, error)
        with transaction.atomic():
            if User.objects.filter(pk=member_id, **{field: original}).update(**{field: ""}):
                media_delete_later([original])
        return
    if kind == "avatar":
        stored = {}
        for size in AVATAR_SIZES:
            encoded = image_encode(image, long_side=size, square=True, animated=False)
            stored[str(size)] = media_save(media_name("avatars", encoded.extension), encoded.data)
        new_names = list(stored.values())
        values = {"avatar": stored}
    else:
        # Cropped to 3:1 from the centre (orientation applied first).
        cropped = ImageOps.fit(ImageOps.exif_transpose(image).convert("RGB"), HEADER_SIZE)
        encoded = image_encode(cropped, long_side=HEADER_SIZE[0], animated=False)
        name = media_save(media_name("headers", encoded.extension), encoded.data)
        new_names = [name]
        values = {"header": name}
    with transaction.atomic():
        member = User.objects.select_for_update().filter(pk=member_id).first()
        if member is None or getattr(member, field) != original:
            # Deleted meanwhile, or a newer upload waits: these files belong to nothing.
            media_delete_later(new_names)
            return
        old = list(member.avatar.values()) if kind == "avatar" else [member.header]
        User.objects.filter(pk=member_id).update(**values, **{field: ""})
        media_delete_later([*old, original])


class SafetyError(Exception):
    """A block, mute or muted word that cannot be saved; the message is shown to the member."""


def block_create(*, blocker: User, blocked: User) -> Block:
    """`blocker` blocks `blocked`: follows both ways go (with their notices), and from
    now on each is left out of what the other reads (posts.models.PostQuerySet.for_reader,
    notices, messages) and the blocked member can't follow, message or act on the
    blocker's posts (the services refuse). Raises SafetyError for oneself or a repeat."""
    if blocker.pk == blocked.pk:
        raise SafetyError(_("You can't block yourself."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                block = Block.objects.create(blocker=blocker, blocked=blocked)
        except IntegrityError:
            raise SafetyError(_("You have already blocked %(username)s.") % {"username": blocked.username}) from None
        # One at a time through delete(): the unfollow signal takes each follow's notice back.
        Follow.objects.filter(Q(follower=blocker, followed=blocked) | Q(follower=blocked, followed=blocker)).delete()
        # A block says more than a mute: the mute would only outlive the block.
        Mute.objects.filter(muter=blocker, muted=blocked).delete()
    return block


def block_delete(*, blocker: User, blocked: User) -> None:
    """Undo a block (follows are not restored). Raises SafetyError if there was none."""
    deleted, _rows = Block.objects.filter(blocker=blocker, blocked=blocked).delete()
    if not deleted:
        raise SafetyError(_("You haven't blocked %(username)s.") % {"username": blocked.username})


# The durations a mute may have, in seconds (None: until unmuted), as Mastodon offers them.
MUTE_DURATIONS = {"3600": 3600, "86400": 86400, "604800": 7 * 86400, "0": None}


def mute_create(*, muter: User, muted: User, seconds: int | None = None, notifications: bool = True) -> Mute:
    """`muter` mutes `muted` for `seconds` (None: until unmuted), their notifications too
    unless `notifications` is False: their posts and boosts leave the muter's timelines.
    Muting again changes the duration and the notifications choice (as Mastodon does).
    Raises SafetyError for oneself or a duration out of range."""
    if muter.pk == muted.pk:
        raise SafetyError(_("You can't mute yourself."))
    if seconds is not None and not 60 <= seconds <= 10 * 365 * 86400:
        raise SafetyError(_("A mute lasts from a minute to ten years, or until you unmute."))
    expires = timezone.now() + datetime.timedelta(seconds=seconds) if seconds is not None else None
    with transaction.atomic():
        mute, _created = Mute.objects.update_or_create(
            muter=muter,
            muted=muted,
            defaults={"expires": expires, "notifications": notifications, "created": timezone.now()},
        )
    return mute


def mute_delete(*, muter: User, muted: User) -> None:
    """Undo a mute. Raises SafetyError if there was none in force."""
    deleted, _rows = Mute.objects.filter(muter=muter, muted=muted).delete()
    if not deleted:
        raise SafetyError(_("You haven't muted %(username)s.") % {"username": muted.username})


# How many words a member may mute, and how long one may be.
MUTED_WORDS_MAX = 200
MUTED_WORD_MAX_LENGTH = 100


def muted_word_add(*, user: User, phrase: str) -> MutedWord:
    """Mute a word or phrase in `user`'s timelines (case-insensitive, whole words).
    Raises SafetyError for an empty, too long or repeated phrase, or past MUTED_WORDS_MAX."""
    phrase = " ".join(phrase.split())
    if not phrase:
        raise SafetyError(_("Type a word or phrase to mute."))
    if len(phrase) > MUTED_WORD_MAX_LENGTH:
        raise SafetyError(
            _("A muted phrase can be at most %(count)d characters long.") % {"count": MUTED_WORD_MAX_LENGTH}
        )
    with transaction.atomic():
        # Locks the member's row: two requests at once cannot both pass the limit.
        User.objects.select_for_update().filter(pk=user.pk).first()
        if MutedWord.objects.filter(user=user).count() >= MUTED_WORDS_MAX:
            raise SafetyError(_("You can mute at most %(count)d words.") % {"count": MUTED_WORDS_MAX})
        try:
            with transaction.atomic():
                return MutedWord.objects.create(user=user, phrase=phrase, pattern=muted_word_pattern(phrase))
        except IntegrityError:
            raise SafetyError(_("You have already muted “%(phrase)s”.") % {"phrase": phrase}) from None


def muted_word_delete(*, user: User, pk: int) -> None:
    """Unmute one of `user`'s words; another member's word is as good as missing."""
    deleted, _rows = MutedWord.objects.filter(user=user, pk=pk).delete()
    if not deleted:
        raise SafetyError(_("This word is not muted."))
