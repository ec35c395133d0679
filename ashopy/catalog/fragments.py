"""Rendered storefront fragments (listings, product details) cached for anonymous visitors.

A listing costs half a dozen queries and two dozen priced cards; most visitors are
anonymous and see exactly the same HTML for the same address, so it is rendered
once per store, language, address and catalogue version. Saving or deleting any
catalogue row bumps the store's version (see signals.py); what signals cannot see
(time-limited promotions, a tax rate change, a bulk update) shows within
`FRAGMENT_SECONDS`. Signed-in customers may have their own prices: their pages are
never cached, but the facet counts they share with everyone are.
"""

import hashlib
import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language

T = TypeVar("T")

FRAGMENT_SECONDS = 60


def _version_key(store_id: int) -> str:
    return f"catalog-version:{store_id}"


def _set_version(store_id: int) -> None:
    cache.set(_version_key(store_id), time.time_ns(), None)


def bump(store_id: int) -> None:
    """Forget every cached fragment of the store (call after a catalogue change).

    Bumped at once (this transaction's own reads) and again on commit, so that a page
    rendered meanwhile from the old rows by another request is not kept.
    """
    _set_version(store_id)
    transaction.on_commit(lambda: _set_version(store_id))


def cached(request, name: str, render: Callable[[], T], *, query: str = "") -> T:
    """`render()`'s result (rendered HTML), shared by anonymous visitors of the same page.

    A page is its language, host and path, and `query`: the parameters the fragment
    depends on, so that tracking parameters (utm_source=…) do not split the cache.
    Exceptions (a 404) are not cached.
    """
    if request.user.is_authenticated:
        return render()
    address = f"{get_language()}:{request.scheme}://{request.get_host()}{request.path}?{query}"
    return _through_cache(request.store.pk, f"fragment:{name}", address, render)


def shared(store_id: int, name: str, parts: tuple, compute: Callable[[], T]) -> T:
    """`compute()`'s result for every visitor (it must hold nothing personal) until the catalogue changes."""
    return _through_cache(store_id, f"shared:{name}", repr(parts), compute)


def _through_cache(store_id: int, prefix: str, address: str, compute: Callable[[], T]) -> T:
    version = cache.get(_version_key(store_id), 0)
    digest = hashlib.blake2b(address.encode(), digest_size=16).hexdigest()
    key = f"{prefix}:{store_id}:{version}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, FRAGMENT_SECONDS)
    return value
