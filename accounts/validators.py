import unicodedata

from confusable_homoglyphs import confusables
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from accounts.models import User


def username_normalize(username: str) -> str:
    """NFKC: fullwidth `ａｌｉｃｅ` is `alice` and the Kelvin sign `K` is `K`, so the
    case-insensitive uniqueness check sees the clash (not only the database's Lower())."""
    return unicodedata.normalize("NFKC", username)


def username_skeleton(username: str) -> str:
    """The name as it looks: lower case, each non-ASCII letter that imitates a Latin one
    (Unicode's confusables, via confusable-homoglyphs) replaced by it: `аlice` with a
    Cyrillic а gives `alice`."""
    letters = []
    for char in username_normalize(username).casefold():
        if char.isascii():
            letters.append(char)
            continue
        found = confusables.is_confusable(char, greedy=True, preferred_aliases=["latin"]) or []
        latin = [glyph["c"] for entry in found for glyph in entry["homoglyphs"] if glyph["c"].isascii()]
        letters.append(latin[0].casefold() if latin else char)
    return "".join(letters)


def validate_not_email_shaped(username: str) -> None:
    # A username that is (or looks like) an address impersonates its owner, and logging in
    # could not tell which account "bob@example.com" names (the lockout's key neither).
    if "@" in username:
        raise ValidationError(_("A username cannot contain @ (it would look like an email address)."), code="email")


def validate_not_mixed_confusable(username: str) -> None:
    if confusables.is_dangerous(username, preferred_aliases=["latin"]):
        raise ValidationError(
            _("This username mixes alphabets with letters that imitate each other."), code="confusable"
        )


def lookalike_taken(username: str, *, besides_pk=None) -> bool:
    """Whether another member's name looks like `username` (same skeleton, other letters)."""
    skeleton = username_skeleton(username)
    if skeleton == username.casefold():
        return False  # no imitating letters: the plain uniqueness check decides
    return User.objects.filter(username__iexact=skeleton).exclude(pk=besides_pk).exists()


# Used by allauth's signup form (ACCOUNT_USERNAME_VALIDATORS) and the profile form.
username_validators = [
    UnicodeUsernameValidator(),
    MaxLengthValidator(150),
    validate_not_email_shaped,
    validate_not_mixed_confusable,
]
