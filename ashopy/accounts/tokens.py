"""The API's refresh tokens, which a change of credentials must end (simplejwt's blacklist)."""

from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken


def revoke_api_tokens(*, user) -> int:
    """Blacklist every refresh token of `user` that could still be used; return how many.

    Called when the password changes or the account is deactivated: a token issued before must not
    mint access tokens again, not even once the account is reactivated.
    """
    usable = OutstandingToken.objects.filter(user=user, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True)
    blacklisted = BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token_id=token_id) for token_id in usable.values_list("pk", flat=True)],
        ignore_conflicts=True)  # a token blacklisted meanwhile (a logout) stays blacklisted once
    return len(blacklisted)
