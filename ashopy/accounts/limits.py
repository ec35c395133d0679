"""How often sign-ups and password-reset e-mails may be asked for: the one count of the web and the API.

Each attempt is counted twice, per client address (`security.client_address`, which honours NUM_PROXIES)
and per target e-mail, so that neither one address making many accounts nor many addresses flooding one
mailbox get through. Counters live in Django's cache (shared by every process when the cache is) over
fixed windows; the rates are the "registration" and "password-reset" entries of
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], read from the environment (README, "Configuration").
A password reset is counted whether or not the e-mail has an account, so a refusal tells nothing.
"""

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from ashopy.core.errors import DomainError

from .security import client_address

REGISTRATION = "registration"
PASSWORD_RESET = "password-reset"  # noqa: S105 - a throttle scope, not a password
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class TooManyAttempts(DomainError):
    code = "throttled"
    status = 429
    message = _("Too many attempts. Please try again in {minutes} min.")

    def __init__(self, *, retry_after: int):
        self.retry_after = retry_after
        super().__init__(minutes=math.ceil(retry_after / 60))


def parse_rate(rate: str) -> tuple[int, int]:
    """"5/hour" → (5, 3600): DRF's notation, so that every rate of the settings reads alike."""
    count, period = rate.split("/")
    return int(count), _SECONDS[period.strip()[0]]


def check(action: str, *, request, email: str) -> None:
    """Count one attempt at `action` (REGISTRATION, PASSWORD_RESET) for `email` from the request's client.

    Raises TooManyAttempts once either count is past the rate; the caller then does nothing else.
    """
    limit, period = parse_rate(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][action])
    now = time.time()
    window = int(now // period)
    for kind, value in (("address", client_address(request)), ("email", email.strip().lower())):
        if value and _count(f"limits:{action}:{kind}:{_digest(value)}:{window}", period) > limit:
            raise TooManyAttempts(retry_after=max(1, math.ceil((window + 1) * period - now)))


def _digest(value: str) -> str:
    """Keys name no e-mail address in clear, and stay short and printable whatever was typed."""
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _count(key: str, period: int) -> int:
    """Add one to the window's counter and return it (one atomic increment on Redis)."""
    cache.add(key, 0, period)
    try:
        return cache.incr(key)
    except ValueError:  # the key lapsed between add() and incr()
        cache.set(key, 1, period)
        return 1
