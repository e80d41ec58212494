from allauth.account.adapter import DefaultAccountAdapter
from django.db.models import Q

from accounts.models import User


class AccountAdapter(DefaultAccountAdapter):
    def _get_login_attempts_cache_key(self, request, **credentials):
        """One count of failed logins per account, whichever name it is tried
        under: allauth keys it on the text typed, so "alice" and her email
        address would each get the full allowance. Unknown names keep
        allauth's key. (allauth 65's hook for ACCOUNT_RATE_LIMITS["login_failed"].)"""
        login = credentials.get("email", credentials.get("username", "")) or ""
        member = User.objects.filter(Q(username__iexact=login) | Q(email__iexact=login)).values_list("pk", flat=True)
        pks = list(member[:2])
        if len(pks) == 1:
            return f"member:{pks[0]}"
        return super()._get_login_attempts_cache_key(request, **credentials)
