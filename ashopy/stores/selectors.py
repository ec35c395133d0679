"""Resolving the store a request is for, memoised per process.

The host → store map is a `VersionedMemo` with one version for every host: saving or deleting a
store or a domain bumps it (signals.py), and every process reloads the map from its next
request on, so a page costs no query for it and a change in the admin applies everywhere at once.
"""

from django.conf import settings

from ashopy.core.cache import VersionedMemo

from .models import Membership, Store, StoreDomain


def clear_store_cache() -> None:
    """Forget this process's map (the next lookup reads the database)."""
    stores_by_host.clear()


def store_for_host(host: str) -> Store | None:
    """The active store serving `host` (port stripped), or None."""
    host = host.split(":")[0].strip().lower() if not host.startswith("[") else host.split("]")[0] + "]"
    return stores_by_host.get(host)


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


stores_by_host = VersionedMemo("store-by-host", _lookup, one_version=True)


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
