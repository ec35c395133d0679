"""Facet counts (brands and attribute values of a category or a search), cached per store.

Counting them is the dearest part of a listing, they are the same for every visitor
and every page, sort and filter of a category, and a minute-old count misleads no
one. Saving or deleting a product, brand, category or specification bumps the
store's version (see signals.py), so changes show at once; `FACET_SECONDS` bounds
what no signal sees (bulk updates).

Only this data is cached: pages themselves are rendered for every request.
"""

import hashlib
import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")

FACET_SECONDS = 60


def _version_key(store_id: int) -> str:
    return f"catalog-version:{store_id}"


def _set_version(store_id: int) -> None:
    cache.set(_version_key(store_id), time.time_ns(), None)


def bump(store_id: int) -> None:
    """Forget the store's cached facets; again on commit, so that counts computed meanwhile
    from the old rows by another request are not kept."""
    _set_version(store_id)
    transaction.on_commit(lambda: _set_version(store_id))


def cached(store_id: int, scope: tuple, compute: Callable[[], T]) -> T:
    """`compute()`'s result for `scope` (what the facets depend on) until the catalogue changes."""
    version = cache.get(_version_key(store_id), 0)
    digest = hashlib.blake2b(repr(scope).encode(), digest_size=16).hexdigest()
    key = f"facets:{store_id}:{version}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, FACET_SECONDS)
    return value
