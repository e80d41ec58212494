from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend


class AuthenticationBackend(AllauthBackend):
    """allauth's backend, checking each account's password at most once per attempt.

    allauth's login form passes an address both as `email` and as `username` (for
    usernames shaped like addresses), and its backend tries an address for each:
    a known address cost two password hashes, an unknown one a single dummy hash,
    and the difference told, by timing, which addresses have accounts."""

    def authenticate(self, request, **credentials):
        # Django builds a backend for every authenticate() call, so this is per attempt.
        self._checked = set()
        return super().authenticate(request, **credentials)

    def _check_password(self, user, password):
        if user is not None:
            if user.pk in self._checked:
                return None
            self._checked.add(user.pk)
        return super()._check_password(user, password)
