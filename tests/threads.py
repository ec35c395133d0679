"""Run work in real threads against the test database, all starting at once (concurrency tests)."""

import threading

from django.db import OperationalError, connection
from django.utils import translation


def run_together(count: int, work, *, timeout: float = 300) -> list:
    """Run `work(index)` in `count` threads started together; their results, or the first error raised.

    Each thread has its own connection (closed at its end) and runs in English, since the test's
    language override is per thread. A database error in a thread (a deadlock) fails the test.
    """
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def target(index):
        try:
            connection.ensure_connection()
            barrier.wait(timeout=30)
            with translation.override("en"):
                results[index] = work(index)
        except BaseException as error:
            errors.append(error)
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    database_errors = [error for error in errors if isinstance(error, OperationalError)]
    assert not database_errors, f"database error (deadlock?) in a thread: {database_errors[0]!r}"
    if errors:
        raise errors[0]
    return results
