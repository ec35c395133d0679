"""Per-process memos that a version key in Django's cache invalidates across processes.

A memo is read with one cache get (free with the local-memory cache); writers
call `bump(key)` after a change, and every process reloads on its next read.
"""

import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache


class VersionedMemo:
    def __init__(self, name: str, loader: Callable[[Any], Any], *, seconds: int = 300):
        self.name, self.loader, self.seconds = name, loader, seconds
        self._memo: dict[Any, tuple[str, float, Any]] = {}

    def _key(self, key) -> str:
        return f"memo:{self.name}:{key}"

    def get(self, key):
        version = cache.get(self._key(key)) or "0"
        hit = self._memo.get(key)
        now = time.monotonic()
        if hit and hit[0] == version and hit[1] > now:
            return hit[2]
        value = self.loader(key)
        self._memo[key] = (version, now + self.seconds, value)
        return value

    def bump(self, key) -> None:
        cache.set(self._key(key), str(time.time_ns()), None)
        self._memo.pop(key, None)
