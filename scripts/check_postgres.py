"""Fail loudly, with what to do, when the PostgreSQL server the tests need cannot be reached."""

import sys

import psycopg

url = sys.argv[1]
try:
    with psycopg.connect(url, connect_timeout=5) as conn:
        version = conn.execute("select version()").fetchone()[0]
except psycopg.Error as exc:
    sys.exit(
        f"PostgreSQL is not reachable at {url}: {exc}\n"
        "The test suite runs on SQLite AND PostgreSQL and does not skip either. Start PostgreSQL "
        "(e.g. `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`) or set PG_URL."
    )
print(f"PostgreSQL reachable: {version.split(',')[0]}")
