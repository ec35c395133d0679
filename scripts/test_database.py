"""Print the DATABASE_URL the test suite should use.

PostgreSQL when the server answers; otherwise SQLite (PostgreSQL-only tests are
then skipped and named), except under CI=true, where an unreachable PostgreSQL
is an error.
"""

import os
import sys
from urllib.parse import urlparse

import psycopg

DEFAULT = "postgres://postgres@127.0.0.1:5432/ashopy_test"


def main() -> int:
    url = os.environ.get("DATABASE_URL") or DEFAULT
    if not url.startswith(("postgres://", "postgresql://")):
        print(url)
        return 0
    parts = urlparse(url)
    try:
        psycopg.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres",
                        password=parts.password or None, dbname="postgres", connect_timeout=3).close()
    except psycopg.OperationalError as error:
        if os.environ.get("CI", "").lower() == "true":
            print(f"PostgreSQL is unreachable at {parts.hostname}:{parts.port} and CI=true: {error}", file=sys.stderr)
            return 1
        print(f"PostgreSQL unreachable ({error}); running on SQLite, PostgreSQL-only tests skipped.",
              file=sys.stderr)
        print("sqlite:///" + os.path.abspath(".test-db.sqlite3"))
        return 0
    print(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
