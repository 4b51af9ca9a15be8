"""The HR people import at scale, on SQLite and PostgreSQL: a first import and a second identical one.

python bench/people_import.py [--rows N] [--backends sqlite,postgresql]

Generates a synthetic, deterministic HR feed (N people in a reporting tree ten wide, 500 sites in 20 regions,
job roles from the shipped content, managers listed after some of their reports), then on each backend runs
the job `pathways people import` runs (read and checked whole, applied in committed batches):
  1. first import: every person, site and region created, with an account each;
  2. second import: the same file again (every row unchanged: nothing written).
Prints the time of each and resident memory sampled through each (targets: first <= 60 s, second <= 20 s,
memory flat: the second no higher than the first).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
try:
    import pathways  # noqa: F401
except ImportError:
    sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))  # for tests.postgres: the same throwaway cluster the tests use

from sqlalchemy import func, select  # noqa: E402

from pathways import migrate  # noqa: E402
from pathways.careers.models import Role  # noqa: E402
from pathways.config import Settings  # noqa: E402
from pathways.content.loader import load_content  # noqa: E402
from pathways.db import JOB_LOCK_WAIT_S, Database  # noqa: E402
from pathways.org import people_jobs  # noqa: E402
from pathways.org.models import Employee  # noqa: E402
from pathways.org.people import COLUMNS  # noqa: E402
from pathways.org.people_import import PeopleReport  # noqa: E402

HIRED = dt.date(2018, 3, 5)
WIDTH = 10  # reports per manager


def current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 1_048_576


def write_feed(path: Path, count: int, roles: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(COLUMNS) + "\n")
        # Reverse order: most reports come before their managers in the file, as HR exports often do.
        for i in reversed(range(count)):
            manager = f"H{(i - 1) // WIDTH:06d}" if i else ""
            site = i % 500
            status = "leave" if i % 97 == 5 else "active"
            out.write(
                f"H{i:06d},person{i}@hr.example,Person {i},{roles[i % len(roles)]},S-{site:03d},"
                f"R-{site % 20:02d},{manager},{(HIRED + dt.timedelta(days=i % 2000)).isoformat()},{status}\n"
            )


def measured(run: Callable[[], PeopleReport]) -> tuple[float, float, PeopleReport]:
    """Seconds, and the highest resident memory seen while it ran (MB)."""
    peak = [current_rss_mb()]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            peak[0] = max(peak[0], current_rss_mb())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    report = run()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    return seconds, max(peak[0], current_rss_mb()), report


def bench(backend: str, url: str, path: Path) -> str:
    migrate.upgrade(url)
    setup = Database(url)
    with setup.transaction() as session:
        load_content(session, Settings().content_dir)
    setup.engine.dispose()
    database = Database(url, lock_wait_s=JOB_LOCK_WAIT_S)

    def once() -> PeopleReport:
        with path.open("rb") as raw, database.writer_session() as session:
            report = people_jobs.apply_stream(
                session, raw, today=dt.date.today(), deactivate_missing=False, actor_user_id=None,
                audit_source="bench",
            )  # fmt: skip
            session.commit()
        return report

    print(f"{backend}: resident memory before {current_rss_mb():.0f} MB")
    figures = []
    for label in ("first import", "second import"):
        seconds, peak, report = measured(once)
        print(f"{backend}: {label}: {seconds:.1f} s, peak resident memory {peak:.0f} MB; {report.summary()}")
        figures.append(f"{label.split()[0]} {seconds:.1f} s ({peak:.0f} MB)")
    with database.session() as session:
        count = session.scalar(select(func.count()).select_from(Employee))
        print(f"{backend}: employees in the database: {count}")
    database.engine.dispose()
    return f"{backend} " + ", ".join(figures)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    quick = bool(os.environ.get("BENCH_QUICK"))
    parser.add_argument("--rows", type=int, default=5000 if quick else 50_000)
    parser.add_argument("--backends", default="sqlite" if quick else "sqlite,postgresql")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "hr.csv"
        probe = Database(f"sqlite:///{tmp}/probe.db")
        migrate.upgrade(probe.url)
        with probe.transaction() as session:
            load_content(session, Settings().content_dir)
            roles = sorted(session.scalars(select(Role.code)))
        probe.engine.dispose()
        write_feed(path, args.rows, roles)
        print(f"{args.rows:,} rows, {path.stat().st_size / 1_048_576:.1f} MB")
        summary = []
        for backend in args.backends.split(","):
            if backend == "sqlite":
                summary.append(bench("sqlite", f"sqlite:///{tmp}/bench.db", path))
            elif backend == "postgresql":
                from tests.postgres import start_cluster

                cluster = start_cluster()
                try:
                    summary.append(bench("postgresql", cluster.create_database("bench_people"), path))
                finally:
                    cluster.stop()
    print(
        f"people import of {args.rows:,} rows (targets: first <= 60 s, second <= 20 s): " + "; ".join(summary)
    )


if __name__ == "__main__":
    main()
