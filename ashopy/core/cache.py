"""Per-process memos that a version key in Django's cache invalidates across processes.

Writers call `bump(key)` after a change: the process that wrote reloads on its next read, the
others within `recheck` seconds — a memo asks the cache for its version at most that often
(a Redis round trip saved on every checkout; see bench/checkout.py).
"""

import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache


class VersionedMemo:
    def __init__(self, name: str, loader: Callable[[Any], Any], *, seconds: int = 300, recheck: float = 1.0):
        self.name, self.loader, self.seconds, self.recheck = name, loader, seconds, recheck
        self._memo: dict[Any, tuple[str, float, Any]] = {}  # key → (version, expiry, value)
        self._checked: dict[Any, float] = {}  # key → when its version was last confirmed

    def _key(self, key) -> str:
        return f"memo:{self.name}:{key}"

    def get(self, key):
        hit = self._memo.get(key)
        now = time.monotonic()
        if hit and hit[1] > now and self._checked.get(key, 0) > now:
            return hit[2]
        version = cache.get(self._key(key)) or "0"
        self._checked[key] = now + self.recheck
        if hit and hit[0] == version and hit[1] > now:
            return hit[2]
        value = self.loader(key)
        self._memo[key] = (version, now + self.seconds, value)
        return value

    def bump(self, key) -> None:
        cache.set(self._key(key), str(time.time_ns()), None)
        self._memo.pop(key, None)
