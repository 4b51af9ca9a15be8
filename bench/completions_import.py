"""Completions CSV import against a bare batched INSERT of the same rows, on SQLite and PostgreSQL.

python bench/completions_import.py [--rows N] [--employees N] [--backends sqlite,postgresql]

Generates a synthetic, deterministic LMS export (employee,course,completed_at,score) for a generated
organisation, then on each backend, in the same run and into the same table:
  1. bare: plain batched INSERTs (executemany) of the same rows, no CSV, no checks; then the rows are deleted;
  2. import: the job `pathways completions import` runs (the file checked whole, then streamed, checked row
     by row, looked up and inserted batch by batch, each batch committed on its own);
  3. re-import: the same file again (every row already known; nothing changes).
Prints rows/s, the ratio import/bare (target >= 0.3), the import's longest transaction (what other writers
may have to wait), and resident memory sampled through the import (flat: the file is streamed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
try:
    import pathways  # noqa: F401
except ImportError:
    sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))  # for tests.postgres: the same throwaway cluster the tests use

import yaml  # noqa: E402
from sqlalchemy import delete, event, insert, select, text  # noqa: E402

from pathways import migrate  # noqa: E402
from pathways.careers.models import Role  # noqa: E402
from pathways.config import Settings  # noqa: E402
from pathways.content.loader import load_content  # noqa: E402
from pathways.db import Base, Database  # noqa: E402
from pathways.learning import import_jobs  # noqa: E402
from pathways.learning.models import Completion, Course  # noqa: E402
from pathways.org.models import Employee, Region, Site  # noqa: E402

HIRED = dt.date(2015, 1, 4)
FIRST_DAY = dt.date(2016, 1, 4)
BATCH = 2000


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:  # pages: size resident shared ...
        return int(statm.read().split()[1]) * resource.getpagesize() / 1_048_576


def rows(count: int, employees: int, courses: int) -> Iterator[tuple[int, int, dt.date, int]]:
    """(employee index, course index, date, score): every key unique, deterministic."""
    per_day = employees * courses
    for i in range(count):
        yield (
            i % employees,
            (i // employees) % courses,
            FIRST_DAY + dt.timedelta(days=i // per_day),
            50 + i * 37 % 51,
        )


def write_csv(path: Path, count: int, employees: int, course_codes: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("employee,course,completed_at,score\n")
        for e, c, day, score in rows(count, employees, len(course_codes)):
            # Half by email, half by employee number: both lookups are exercised.
            who = f"person{e}@bench.example" if e % 2 else f"B{e:06d}"
            out.write(f"{who},{course_codes[c]},{day.isoformat()},{score}\n")


def prepare(url: str, employees: int) -> tuple[Database, list[int], list[int], list[str]]:
    migrate.upgrade(url)
    database = Database(url)
    with database.transaction() as session:
        load_content(session, Settings().content_dir)
        region = Region(code="bench", name="Bench")
        session.add(region)
        session.flush()
        site = Site(
            code="BENCH-1", name="Bench site", site_type="in-office", city="Bench", region_id=region.id
        )
        session.add(site)
        session.flush()
        role_id = session.scalar(select(Role.id).where(Role.code == "psr-1"))
        session.execute(
            insert(Base.metadata.tables["employees"]),
            [
                {"employee_number": f"B{e:06d}", "name": f"Person {e}", "email": f"person{e}@bench.example",
                 "role_id": role_id, "site_id": site.id, "manager_id": None, "hire_date": HIRED,
                 "role_since": HIRED}
                for e in range(employees)
            ],
        )  # fmt: skip
    with database.session() as session:
        numbers = {n: i for n, i in session.execute(select(Employee.employee_number, Employee.id))}
        employee_ids = [numbers[f"B{e:06d}"] for e in range(employees)]
        courses = list(session.execute(select(Course.id, Course.code).order_by(Course.code)))
    return database, employee_ids, [c[0] for c in courses], [c[1] for c in courses]


def bare_insert(database: Database, count: int, employee_ids: list[int], course_ids: list[int]) -> float:
    table = Base.metadata.tables["completions"]
    start = time.perf_counter()
    with database.engine.begin() as conn:
        batch = []
        for e, c, day, score in rows(count, len(employee_ids), len(course_ids)):
            batch.append({"employee_id": employee_ids[e], "course_id": course_ids[c], "completed_at": day,
                          "score": score, "source": "csv"})  # fmt: skip
            if len(batch) == BATCH:
                conn.execute(insert(table), batch)
                batch = []
        if batch:
            conn.execute(insert(table), batch)
    return time.perf_counter() - start


def clear(database: Database) -> None:
    with database.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE completions"))
        else:
            conn.execute(delete(Base.metadata.tables["completions"]))


def timed_import(database: Database, path: Path) -> tuple[float, str, float, float, float]:
    """Seconds, the report's summary, resident memory at the start and at most during it, and the longest
    transaction: the import as `pathways completions import` runs it, batch by batch."""
    samples = [current_rss_mb()]
    transactions: list[float] = []
    began: list[float] = []

    def on_begin(_conn: object) -> None:
        began.append(time.perf_counter())

    def on_end(_conn: object) -> None:
        if began:
            transactions.append(time.perf_counter() - began.pop())

    event.listen(database.engine, "begin", on_begin)
    event.listen(database.engine, "commit", on_end)
    start = time.perf_counter()
    with database.writer_session() as session, path.open("rb") as stream:
        digest = hashlib.file_digest(stream, "sha256").hexdigest()
        stream.seek(0)
        run = import_jobs.new_run("cli", path.name, None, digest, path.stat().st_size)
        outcome = import_jobs.apply_stream(
            session, stream, run, today=dt.date.today(), actor_user_id=None, audit_source="bench",
            awards=None,  # the import alone, as in earlier runs; issuing badges in bulk is bench/badges.py's
            on_progress=lambda _rows: samples.append(current_rss_mb()),
        )  # fmt: skip
        session.commit()
    took = time.perf_counter() - start
    event.remove(database.engine, "begin", on_begin)
    event.remove(database.engine, "commit", on_end)
    return took, outcome.report.summary(), samples[0], max(samples), max(transactions)


def bench(name: str, url: str, path: Path, count: int, employees: int) -> float:
    database, employee_ids, course_ids, _ = prepare(url, employees)
    bare = bare_insert(database, count, employee_ids, course_ids)
    clear(database)
    took, summary, rss_start, rss_most, longest = timed_import(database, path)
    again, again_summary, _, _, _ = timed_import(database, path)
    with database.session() as session:
        stored = session.scalar(select(Completion.id).order_by(Completion.id.desc()).limit(1))
    database.engine.dispose()
    ratio = bare / took
    print(f"{name}: bare insert {count / bare:,.0f} rows/s ({bare:.1f} s)")
    print(f"{name}: import      {count / took:,.0f} rows/s ({took:.1f} s): {summary}; "
          f"longest transaction {longest:.2f} s")  # fmt: skip
    print(f"{name}: re-import   {count / again:,.0f} rows/s ({again:.1f} s): {again_summary}")
    print(f"{name}: ratio import/bare {ratio:.2f} (target >= 0.3); RSS during the import: {rss_start:.0f} MB "
          f"at the start, {rss_most:.0f} MB at most (+{rss_most - rss_start:.0f} MB); process peak "
          f"{peak_rss_mb():.0f} MB; last id {stored}")  # fmt: skip
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    quick = os.environ.get("BENCH_QUICK", "") not in ("", "0")  # `make bench BENCH_QUICK=1`
    parser.add_argument("--rows", type=int, default=100_000 if quick else 1_000_000)
    parser.add_argument("--employees", type=int, default=5000)
    parser.add_argument("--backends", default="sqlite" if quick else "sqlite,postgresql")
    args = parser.parse_args()
    ratios: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="pathways-bench-") as tmp:
        folder = Path(tmp)
        path = folder / "completions.csv"
        catalog = yaml.safe_load(Settings().content_dir.joinpath("courses.yaml").read_text())
        course_codes = sorted(course["code"] for course in catalog)  # the order prepare() lists them in
        write_csv(path, args.rows, args.employees, course_codes)
        print(f"{args.rows:,} rows for {args.employees:,} employees and {len(course_codes)} courses: "
              f"{path.stat().st_size / 1_048_576:.1f} MB of CSV")  # fmt: skip
        for backend in args.backends.split(","):
            if backend == "sqlite":
                ratios["sqlite"] = bench(
                    "sqlite", f"sqlite:///{folder / 'bench.db'}", path, args.rows, args.employees
                )
            elif backend == "postgresql":
                from tests.postgres import start_cluster

                cluster = start_cluster()
                try:
                    url = cluster.create_database("bench")
                    ratios["postgresql"] = bench("postgresql", url, path, args.rows, args.employees)
                finally:
                    cluster.stop()
            else:
                parser.error(f"unknown backend {backend!r}")
    verdict = "met" if all(r >= 0.3 for r in ratios.values()) else "NOT met"
    figures = ", ".join(f"{name} {ratio:.2f}" for name, ratio in ratios.items())
    print(f"completions import, {args.rows:,} rows: ratio to bare insert {figures}; target >= 0.3 {verdict}")


if __name__ == "__main__":
    main()
