"""The cache of a deployment without Redis: Django's file-based cache, shared by every process of the machine.

Throttle and sign-up counts, the memo versions of `core.cache` and facet counts must be the same
in every gunicorn worker and the Celery worker; a local-memory cache gave each process its own
(two workers let twice the rate through). Django's file cache shares them through a directory,
but its `add` and `incr` read and then write: two processes counting at once could both write
n + 1. Here both run under an exclusive lock on the directory (flock), so counts are exact, and
`incr` keeps the entry's expiry (Django's re-sets it to the default timeout). Django lists the
directory on every write to see whether it is full (milliseconds with thousands of entries); here
at most every `CULL_EVERY` seconds per process, and expired entries go before the random third
Django drops.
"""

import os
import pickle
import time
import zlib
from contextlib import contextmanager

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.files import locks

LOCK_FILE = "cache.lock"  # not a *.djcache file: never culled nor cleared
CULL_EVERY = 10.0  # seconds


class SharedFileCache(FileBasedCache):
    _next_cull = 0.0  # monotonic time of the next look at the directory's size

    @contextmanager
    def _exclusive(self):
        self._createdir()
        with open(os.path.join(self._dir, LOCK_FILE), "ab") as lock:
            locks.lock(lock, locks.LOCK_EX)
            try:
                yield
            finally:
                locks.unlock(lock)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with self._exclusive():
            return super().add(key, value, timeout, version)

    def incr(self, key, delta=1, version=None):
        fname = self._key_to_file(key, version)
        with self._exclusive():
            try:
                with open(fname, "rb") as file:  # our own entry, in the 0700 directory Django's get() reads too
                    expiry = pickle.load(file)  # noqa: S301
                    value = pickle.loads(zlib.decompress(file.read()))  # noqa: S301
            except (FileNotFoundError, EOFError):
                expiry, value = 0, None
            if value is None or (expiry is not None and expiry < time.time()):
                raise ValueError(f"Key '{key}' not found")
            value += delta
            self.set(key, value, None if expiry is None else max(expiry - time.time(), 0.001), version)
        return value

    def _cull(self):
        now = time.monotonic()
        if now < self._next_cull:
            return
        self._next_cull = now + CULL_EVERY
        if len(self._list_cache_files()) < self._max_entries:
            return
        for fname in self._list_cache_files():
            try:
                with open(fname, "rb") as file:
                    self._is_expired(file)  # deletes the file when it is
            except FileNotFoundError:
                continue
        super()._cull()
