"""Per-process memos that version keys in Django's cache invalidate across processes.

A memo keeps a value per key in each process (a store's tax rates, category tree, shipping
methods, the host → store map) and reloads it when the key's version in the shared cache
changes. Writers call `bump(key)`: this process drops the value at once; the version changes now
and again after the transaction commits (a process that reloaded meanwhile read the old rows).

The cost is one cache read per request: every bump also writes a new value under one key, the
generation, which a request reads at its first memo lookup (`request_started` marks the start,
as Celery's `task_prerun` does for a task). While it is unchanged, every value of this process
is current; after a change, each value is checked against its own version once, then reloaded
only if that version moved. So a change reaches every worker from its next request on. Outside
requests and tasks (commands, a shell) the generation is read again at most once a second.
"""

import threading
import time
import uuid
from collections.abc import Callable, Hashable
from typing import Any, NamedTuple

from celery.signals import task_postrun, task_prerun
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction

GENERATION_KEY = "memo:generation"
RECHECK_OUTSIDE_REQUESTS = 1.0  # seconds


class _Unit(threading.local):
    depth = 0  # requests / tasks running in this thread (an eager task runs inside a request)
    generation: Any = None
    read_at = float("-inf")  # monotonic time of the last read of the generation
    fresh = False  # the generation was read since the current request or task started


_unit = _Unit()


def work_started(**_kwargs) -> None:
    """A request or a task starts in this thread: its first memo lookup reads the generation again."""
    _unit.depth += 1
    _unit.fresh = False


def work_finished(**_kwargs) -> None:
    _unit.depth = max(_unit.depth - 1, 0)


request_started.connect(work_started, dispatch_uid="ashopy.core.cache.request_started")
request_finished.connect(work_finished, dispatch_uid="ashopy.core.cache.request_finished")
task_prerun.connect(work_started, dispatch_uid="ashopy.core.cache.task_prerun")
task_postrun.connect(work_finished, dispatch_uid="ashopy.core.cache.task_postrun")


def generation():
    """The generation this request (or task) works with: read once per request; outside one, once a second.

    A request or task that somehow never signalled its end degrades to the once-a-second reading.
    """
    now = time.monotonic()
    recent = now - _unit.read_at < RECHECK_OUTSIDE_REQUESTS
    if recent and (_unit.fresh or not _unit.depth):
        return _unit.generation
    _unit.generation, _unit.read_at, _unit.fresh = cache.get(GENERATION_KEY), now, True
    return _unit.generation


def _new_token() -> str:
    return uuid.uuid4().hex


class _Entry(NamedTuple):
    version: str
    generation: Any  # the generation under which `version` was last confirmed
    expires: float
    value: Any


class VersionedMemo:
    """`loader(key)` memoised per process; `one_version` makes every key share one version (bump() drops all)."""

    def __init__(self, name: str, loader: Callable[[Any], Any], *, seconds: int = 300, one_version: bool = False):
        self.name, self.loader, self.seconds, self.one_version = name, loader, seconds, one_version
        self._memo: dict[Hashable, _Entry] = {}

    def _version_key(self, key) -> str:
        return f"memo:{self.name}" if self.one_version else f"memo:{self.name}:{key}"

    def _version(self, key) -> str:
        """The key's current version; a missing one (never bumped, evicted, cleared) gets a new token, so
        that a value loaded before it went missing never passes for current."""
        version_key = self._version_key(key)
        version = cache.get(version_key)
        if version is None:
            token = _new_token()
            version = token if cache.add(version_key, token, None) else cache.get(version_key, token)
        return version

    def get(self, key):
        current = generation()  # read before any version: a bump writes its version, then the generation
        now = time.monotonic()
        entry = self._memo.get(key)
        if entry is not None and entry.expires > now and entry.generation == current:
            return entry.value
        version = self._version(key)
        if entry is not None and entry.expires > now and entry.version == version:
            self._memo[key] = entry._replace(generation=current)
            return entry.value
        value = self.loader(key)
        self._memo[key] = _Entry(version, current, now + self.seconds, value)
        return value

    def bump(self, key=None) -> None:
        """`key` changed (with `one_version`, anything did, and no key is needed): reload it everywhere,
        now and again when the transaction commits."""
        if key is None and not self.one_version:
            raise TypeError(f"{self.name}: bump() needs the key that changed")
        self._publish(key)
        if transaction.get_connection().in_atomic_block:
            transaction.on_commit(lambda: self._publish(key))

    def _publish(self, key) -> None:
        cache.set(self._version_key(key), _new_token(), None)
        cache.set(GENERATION_KEY, _new_token(), None)
        self.clear(key)

    def clear(self, key=None) -> None:
        """Forget this process's value of `key` (every value with `one_version` or without a key)."""
        if self.one_version or key is None:
            self._memo.clear()
        else:
            self._memo.pop(key, None)
