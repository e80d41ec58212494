"""Issue 21, load: Argon2 with OWASP's parameters; hashes made with Django's defaults
still verify and are redone with the new parameters at the next login."""

from django.contrib.auth import hashers

from accounts.hashers import Argon2PasswordHasher


def test_new_passwords_use_owasps_argon2_parameters(settings):
    settings.PASSWORD_HASHERS = ["accounts.hashers.Argon2PasswordHasher"]
    encoded = hashers.make_password("a-fresh-pot-of-oolong")
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


def test_a_hash_with_djangos_defaults_still_verifies_and_is_upgraded(settings, alice):
    settings.PASSWORD_HASHERS = ["accounts.hashers.Argon2PasswordHasher"]
    alice.password = hashers.Argon2PasswordHasher().encode("old-password-1", hashers.Argon2PasswordHasher().salt())
    alice.save()

    assert alice.check_password("old-password-1")

    alice.refresh_from_db()
    assert ",t=2,p=1$" in alice.password and "m=19456" in alice.password
    assert not Argon2PasswordHasher().must_update(alice.password)
