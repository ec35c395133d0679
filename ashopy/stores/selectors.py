"""Resolving the store a request is for, cached per process.

The host → store map is read at most once a minute per process (and dropped
at once in the process that saves a store or a domain), so a page costs no
query for it.
"""

import time

from django.conf import settings

from .models import Membership, Store, StoreDomain

_CACHE_SECONDS = 60
_by_host: dict[str, tuple[float, Store | None]] = {}


def clear_store_cache() -> None:
    _by_host.clear()


def store_for_host(host: str) -> Store | None:
    """The active store serving `host` (port stripped), or None."""
    host = host.split(":")[0].strip().lower() if not host.startswith("[") else host.split("]")[0] + "]"
    hit = _by_host.get(host)
    now = time.monotonic()
    if hit and hit[0] > now:
        return hit[1]
    store = _lookup(host)
    _by_host[host] = (now + _CACHE_SECONDS, store)
    return store


def _lookup(host: str) -> Store | None:
    domain = StoreDomain.objects.select_related("store").filter(domain=host, store__is_active=True).first()
    if domain:
        return domain.store
    if host in settings.ASHOPY_LOCAL_HOSTS:
        stores = Store.objects.filter(is_active=True)
        if settings.ASHOPY_DEFAULT_STORE:
            return stores.filter(slug=settings.ASHOPY_DEFAULT_STORE).first()
        return stores.order_by("id").first()
    return None


def staff_role(user, store) -> str | None:
    """The role `user` holds in `store` (superusers are admins everywhere), or None."""
    if not user or not user.is_authenticated or store is None:
        return None
    if user.is_superuser:
        return "admin"
    cache = user.__dict__.setdefault("_store_roles", {})
    if store.pk not in cache:
        cache[store.pk] = (Membership.objects.filter(user=user, store=store)
                           .values_list("role", flat=True).first())
    return cache[store.pk]


def stores_of(user):
    """Stores where `user` is staff."""
    if user.is_superuser:
        return Store.objects.all()
    return Store.objects.filter(memberships__user=user)
