"""The growth benchmarks' databases at 1x, 3x and 10x the data, and their measurements run in a checkout's own Python.

A size k is today's data times k in action lines and reports: the 12 real lines plus 300 SYNTHETIC ones
at 1x (312 lines, about 7,400 reports), 312 k lines at k, with the demonstration history filled for
every line (benchmarks/load/seed_load.py, the load test's own seeding, so both benchmarks read the same
kind of world, with the writers' open round of drafts). Each checkout and size has its own PostgreSQL
database, `sapsmed_growth_<checkout>_<k>x` (for example sapsmed_growth_main_10x and
sapsmed_growth_peer_old_10x), so the code before a change and after it never share or clobber one.
A measurement runs in a subprocess with the checkout's own .venv and code (it imports that checkout's
sapsmed), one process per checkout and size, and answers one JSON line.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "load"))  # run_load's helpers, shared rather than copied
from run_load import OWN_CHECKOUT, checkout_label, load, machine, recreate_database  # noqa: E402

SEED = HERE.parent / "load" / "seed_load.py"
REAL_LINES = 12  # the plan's public action lines (Appendix C), loaded by load_plan
BASE_SYNTHETIC = 300  # the load test's synthetic lines: 312 lines in all is today's size (1x)

__all__ = ["OWN_CHECKOUT", "Checkout", "load", "machine", "parse_sizes"]


def parse_sizes(text: str) -> list[int]:
    return sorted({int(part) for part in text.split(",") if part.strip()})


def synthetic_for(size: int) -> int:
    """SYNTHETIC lines to add so that the plan has `size` times today's 312 lines."""
    return (REAL_LINES + BASE_SYNTHETIC) * size - REAL_LINES


class Checkout:
    """One checkout under test: its code, its Python, its databases and its outputs."""

    def __init__(self, repo: Path, server: str, label: str | None = None):
        self.repo = repo.resolve()
        self.server = server
        self.label = label or checkout_label(self.repo) or "main"
        self.python = self.repo / ".venv/bin/python"
        self.out = self.repo / "var" / "growth"
        self.has_memo = "SAPSMED_MEMO_DERIVED" in (self.repo / "config/settings.py").read_text()
        if not self.python.exists():
            raise SystemExit(f"{self.python} is missing: run `make setup` in {self.repo} first")

    def database(self, size: int) -> str:
        return f"sapsmed_growth_{self.label}_{size}x"

    def commit(self) -> str:
        done = subprocess.run(["git", "-C", self.repo, "rev-parse", "--short", "HEAD"],  # noqa: S603, S607
                              capture_output=True, text=True)
        return done.stdout.strip() + (" + uncommitted changes" if self._dirty() else "")

    def _dirty(self) -> bool:
        done = subprocess.run(["git", "-C", self.repo, "status", "--porcelain", "--untracked-files=no"],  # noqa: S603, S607
                              capture_output=True, text=True)
        return bool(done.stdout.strip())

    def env(self, size: int, memo: bool) -> dict:
        """Local settings with DEBUG off (no debug overhead in the timings), persistent connections, and
        the per-process memo off unless asked for (a memo hit is not what a page costs)."""
        env = {**os.environ, "DATABASE_URL": f"{self.server}/{self.database(size)}", "SAPSMED_ENV": "local",
               "DEBUG": "0", "DB_CONN_MAX_AGE": "600", "SAPSMED_VAR_DIR": str(self.out / "var"),
               "DJANGO_SETTINGS_MODULE": "config.settings", "PYTHONPATH": str(self.repo), "LOG_LEVEL": "WARNING"}
        if self.has_memo:
            env["SAPSMED_MEMO_DERIVED"] = "1" if memo else "0"
        return env

    def fixture(self, size: int) -> Path:
        return self.out / f"fixture-{self.database(size)}.json"

    def ensure(self, size: int, reuse: bool, drafts: int) -> dict:
        """The seeded database of this size (seeded now unless --reuse-db finds it), and its fixture."""
        fixture = self.fixture(size)
        if not (reuse and fixture.exists() and self._exists(size)):
            self.out.mkdir(parents=True, exist_ok=True)
            recreate_database(self.server, self.database(size))
            started = time.monotonic()
            cmd = [self.python, SEED, fixture, "--lines", str(synthetic_for(size)), "--drafts", str(drafts),
                   "--repo", self.repo]
            print(f"$ {' '.join(str(c) for c in cmd)}   # {self.database(size)}", flush=True)
            subprocess.run(cmd, env=self.env(size, memo=False), cwd=self.repo, check=True,  # noqa: S603
                           timeout=6 * 3600)
            print(f"  seeded {self.database(size)} in {time.monotonic() - started:.0f} s", flush=True)
        return json.loads(fixture.read_text())

    def _exists(self, size: int) -> bool:
        import psycopg

        with psycopg.connect(f"{self.server}/postgres", autocommit=True) as conn:
            return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.database(size)]).fetchone() \
                is not None

    def measure(self, script: Path, size: int, memo: bool, options: list[str]) -> dict:
        """Run `script --worker FIXTURE ...` in this checkout's Python against this size; its JSON answer."""
        cmd = [self.python, script, "--worker", self.fixture(size), *options]
        print(f"$ {' '.join(str(c) for c in cmd)}   # {self.database(size)}", flush=True)
        before = load()
        done = subprocess.run(cmd, env=self.env(size, memo), cwd=self.repo, capture_output=True,  # noqa: S603
                              text=True, timeout=3 * 3600)
        if done.returncode:
            sys.stderr.write(done.stdout[-4000:] + done.stderr[-8000:])
            raise SystemExit(f"the measurement of {self.database(size)} failed ({done.returncode})")
        answer = json.loads(done.stdout.strip().splitlines()[-1])
        return {**answer, "load_before": before, "load_after": load()}


def worker_setup(repo: str) -> None:
    """In the worker: the checkout's code first on the path, then Django (DB_CONN_MAX_AGE keeps one connection)."""
    sys.path.insert(0, repo)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def summary_header(what: str, checkouts: list[Checkout], memo: bool) -> list[str]:
    lines = [f"{what} {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; machine: {machine()}"]
    for c in checkouts:
        lines.append(f"- {c.label}: {c.repo} ({c.commit()}); "
                     + (f"per-process memo {'on' if memo else 'off'}" if c.has_memo else "no per-process memo"))
    return lines
