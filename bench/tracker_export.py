"""Tracker workbook and PDF brief build times on the demo data, and the org-wide streaming export.

python bench/tracker_export.py [--runs N] [--trackers N]

Targets (issue 5): median <= 200 ms for one workbook and for one brief; the org-wide export in streaming
mode within 300 MB peak memory. The org-wide part runs over synthetic trackers generated here (synthetic
people, bulk-inserted), so it needs no organisation database. BENCH_QUICK=1: 10 runs over 500 trackers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

try:
    import pathways  # noqa: F401
except ImportError:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from pathways import migrate
from pathways.auth.models import User
from pathways.careers.models import Role
from pathways.config import Settings
from pathways.content.loader import load_content
from pathways.db import Database
from pathways.demo.small import load_demo
from pathways.learning.models import Course
from pathways.org.models import Employee
from pathways.trackers import brief, conversations, org_export, service, views, workbook
from pathways.trackers.models import CareerTracker, TrackerCourse
from pathways.trackers.quarters import upcoming_quarters


def median_ms(action: object, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()  # type: ignore[operator]
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def alice_tracker(session: Session) -> CareerTracker:
    alice = session.scalars(select(User).where(User.email == "psr_alice@pathways.example")).one()
    employee = session.get(Employee, alice.employee_id)
    assert employee is not None
    tracker, _ = service.start_tracker(session, employee, "psr-2-site-lead", alice)
    service.suggest_plan(session, tracker, service.Decimal(3), alice)
    for number in range(5):
        service.add_goal(session, tracker, f"Goal {number}: shadow a site lead", dt.date(2027, 6, 30), alice)
    service.set_notes(session, tracker, "Notes for the conversation. " * 10, alice)
    conversations.request_conversation(session, tracker, alice, "When could I lead a site?")
    return service.get_tracker(session, tracker.id)


def synthetic_trackers(session: Session, wanted: int, rng: random.Random) -> int:
    roles = [r.id for r in session.scalars(select(Role))]
    courses = list(session.scalars(select(Course.id)))
    template = session.scalars(select(Employee)).first()
    assert template is not None
    people = wanted // (len(roles) - 1) + 1
    session.execute(
        insert(Employee),
        [
            {
                "employee_number": f"SYN{n:06d}",
                "name": f"Synthetic Person {n}",
                "email": f"syn{n}@bench.example",
                "role_id": template.role_id,
                "site_id": template.site_id,
                "manager_id": template.manager_id,
                "hire_date": dt.date(2020, 1, 1),
                "role_since": dt.date(2023, 1, 1),
            }
            for n in range(people)
        ],
    )
    ids = list(session.scalars(select(Employee.id).where(Employee.employee_number.like("SYN%"))))
    pairs = [(e, r) for e in ids for r in roles if r != template.role_id][:wanted]
    now = dt.datetime.now(dt.UTC)
    session.execute(
        insert(CareerTracker),
        [{"employee_id": e, "role_id": r, "notes": "", "revision": 1, "updated_at": now} for e, r in pairs],
    )
    tracker_ids = list(
        session.scalars(select(CareerTracker.id).join(Employee).where(Employee.employee_number.like("SYN%")))
    )
    quarters = upcoming_quarters(dt.date.today(), 8)
    rows = [
        {"tracker_id": t, "course_id": c, "quarter": rng.choice(quarters), "source": "planner"}
        for t in tracker_ids
        for c in rng.sample(courses, 6)
    ]
    session.execute(insert(TrackerCourse), rows)
    session.flush()
    return len(tracker_ids)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    quick = os.environ.get("BENCH_QUICK", "") not in ("", "0")  # `make bench BENCH_QUICK=1`
    parser.add_argument("--runs", type=int, default=10 if quick else 30)
    parser.add_argument("--trackers", type=int, default=500 if quick else 2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        migrate.upgrade(url)
        database = Database(url)
        with database.transaction() as session:
            load_content(session, Settings().content_dir)
            load_demo(session)
            tracker = alice_tracker(session)
        with database.session() as session:
            tracker = service.get_tracker(session, tracker.id)
            view = views.build(session, tracker)
            print(
                f"Alice's tracker: {len(view.analysis.competencies)} competencies, "
                f"{len(view.analysis.gaps)} gaps, {len(tracker.courses)} courses planned, "
                f"{len(tracker.goals)} goals"
            )
            render_xlsx = median_ms(lambda: workbook.export_bytes(view), args.runs)
            render_pdf = median_ms(lambda: brief.brief_pdf(view), args.runs)

            def full_xlsx() -> bytes:
                return workbook.export_bytes(views.build(session, service.get_tracker(session, tracker.id)))

            def full_pdf() -> bytes:
                return brief.brief_pdf(views.build(session, service.get_tracker(session, tracker.id)))

            xlsx_ms, pdf_ms = median_ms(full_xlsx, args.runs), median_ms(full_pdf, args.runs)
        print(f"{'':34}{'median ms':>10}{'target':>8}")
        print(f"{'workbook, load + build + save':34}{xlsx_ms:>10.1f}{200:>8}")
        print(f"{'  of which build + save only':34}{render_xlsx:>10.1f}")
        print(f"{'PDF brief, load + render':34}{pdf_ms:>10.1f}{200:>8}")
        print(f"{'  of which render only':34}{render_pdf:>10.1f}")

        with database.transaction() as session:
            started = time.perf_counter()
            created = synthetic_trackers(session, args.trackers, random.Random(5))
            print(f"Generated {created} synthetic trackers in {time.perf_counter() - started:.1f} s")
        with database.session() as session:
            started = time.perf_counter()
            out = Path(folder) / "all.xlsx"
            count = org_export.export_all(session, out)
            seconds = time.perf_counter() - started
            tracemalloc.start()
            org_export.export_all(session, io.BytesIO())
            _, traced_peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"Org-wide streaming export: {count} trackers in {seconds:.1f} s, "
            f"{out.stat().st_size / 1e6:.1f} MB file"
        )
        print(f"  peak Python allocations during the export: {traced_peak / 1e6:.1f} MB")
        print(f"  peak resident memory of the whole process: {rss_mb:.0f} MB (target 300)")
        ok = xlsx_ms <= 200 and pdf_ms <= 200 and rss_mb <= 300
        print(
            f"SUMMARY workbook {xlsx_ms:.0f} ms, brief {pdf_ms:.0f} ms (target 200 each); "
            f"org export of {count} trackers {seconds:.1f} s, peak RSS {rss_mb:.0f} MB (target 300): "
            f"{'all targets met' if ok else 'TARGET MISSED'}"
        )


if __name__ == "__main__":
    main()
