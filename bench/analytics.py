"""Team analytics and the compliance view at organisation scale: the SQL aggregation beside the plain Python
definition it replaced, and organisation scale beside demo scale, in one run.

    python bench/analytics.py [--postgres | --no-postgres] [--runs 20] [--before-runs 3] [--profile]

Databases: those bench/data.py keeps in bench/.data/ (built first when missing). Each page is requested
in-process (Starlette's TestClient), signed in as a regional manager (a patient access manager: about 12,500
people at organisation scale) and as an administrator (everyone: 50,000; one is added when the database has
none). Printed per backend:

- analytics (/team/analytics: heat map, readiness, 12-month compliance): median and p95 ms at organisation
  and demo scale, their ratio, SQL statements per request at both scales (equal: constant in the scope), and
  "before": the same figures worked out by the plain definition (tests/teams/analytics_reference.py, every
  row folded in Python; for the administrator with its 15,000-people refusal lifted, to show its cost).
- compliance view: a page of 100 rows (first, middle, last) of /api/v1/compliance and /learning/team for the
  whole organisation, median and p95 ms, beside "before" (tests/learning_plans/compliance_reference.py: every
  row worked out, then sliced); and the CSV of every row: time, rows and peak Python memory (tracemalloc)
  beside the plain definition's, which builds the whole text in memory.

Targets (issue 18): analytics median <= 150 ms and p95 <= 300 ms; a compliance page p95 <= 300 ms; the CSV's
memory flat (its peak does not grow with the rows). --profile prints where the time goes (cProfile, top 25 by
cumulative time) for the regional manager's analytics, before and after.
"""

import argparse
import cProfile
import datetime as dt
import io
import pstats
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

import data  # noqa: E402
from sqlalchemy import select  # noqa: E402

from pathways import migrate  # noqa: E402
from pathways.app import create_app  # noqa: E402
from pathways.auth.models import AccountRole, User  # noqa: E402
from pathways.auth.passwords import hash_password  # noqa: E402
from pathways.auth.permissions import REGIONAL_MANAGER_ROLE, analytics_employee_ids  # noqa: E402
from pathways.careers.models import Role  # noqa: E402
from pathways.config import Settings  # noqa: E402
from pathways.db import Database  # noqa: E402
from pathways.demo.small import DEMO_PASSWORD  # noqa: E402
from pathways.learning import compliance  # noqa: E402
from pathways.org.models import Employee  # noqa: E402
from pathways.teams import analytics  # noqa: E402
from tests.learning_plans import compliance_reference  # noqa: E402
from tests.teams import analytics_reference  # noqa: E402

MEDIAN_TARGET_MS, P95_TARGET_MS = 150.0, 300.0
BENCH_ADMIN = "bench-admin@pathways.example"


@dataclass
class Timing:
    median_ms: float
    p95_ms: float
    queries: int = 0

    def __str__(self) -> str:
        return f"{self.median_ms:8.1f} {self.p95_ms:8.1f}"


def timed(call: Callable[[], Any], runs: int, database: Database | None = None) -> Timing:
    call()  # warm up: first-use imports and the database's caches
    times = []
    with data.counting(database) if database else nullcontext([0]) as counter:
        for _ in range(runs):
            start = time.perf_counter()
            call()
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return Timing(statistics.median(times), times[round(0.95 * (len(times) - 1))], counter[0] // runs)


def admin_email(database: Database) -> str:
    with database.transaction() as session:
        email = session.scalar(select(User.email).where(User.account_role == AccountRole.ADMIN.value))
        if email:
            return email
        session.add(
            User(
                email=BENCH_ADMIN,
                name="Bench Admin",
                password_hash=hash_password(DEMO_PASSWORD),
                account_role=AccountRole.ADMIN.value,
                is_active=True,
            )
        )
        return BENCH_ADMIN


def regional_manager(database: Database) -> str:
    """The patient access manager with a signed-up account whose region is the largest."""
    with database.session() as session:
        emails = session.scalars(
            select(User.email)
            .join(Employee, Employee.id == User.employee_id)
            .join(Role, Role.id == Employee.role_id)
            .where(Role.code == REGIONAL_MANAGER_ROLE, User.account_role == AccountRole.SUPERVISOR.value)
            .order_by(User.email)
        ).all()
        if not emails:
            return _account_for_a_manager(database)
        sizes = {}
        for email in emails:
            viewer = session.scalar(select(User).where(User.email == email))
            sizes[email] = len(session.scalars(analytics_employee_ids(session, viewer)).all())
    return max(emails, key=lambda e: (sizes[e], e))


def _account_for_a_manager(database: Database) -> str:
    """The demo has a patient access manager but no account for her: one, as an administrator would add."""
    with database.transaction() as session:
        manager = session.scalar(
            select(Employee)
            .join(Role, Role.id == Employee.role_id)
            .where(Role.code == REGIONAL_MANAGER_ROLE)
            .order_by(Employee.id)
        )
        if manager is None:
            raise SystemExit("no patient access manager in this database")
        session.add(
            User(
                email=manager.email,
                name=manager.name,
                password_hash=hash_password(DEMO_PASSWORD),
                account_role=AccountRole.SUPERVISOR.value,
                employee_id=manager.id,
                is_active=True,
            )
        )
        return manager.email


@dataclass
class Scale:
    database: Database
    clients: dict[str, Any]  # who -> signed-in client
    emails: dict[str, str]
    people: dict[str, int]


def open_scale(url: str) -> Scale:
    migrate.upgrade(url)
    database = Database(url)
    app = create_app(Settings(database_url=url, secret_key="bench-secret"), database)
    emails = {"regional manager": regional_manager(database), "admin": admin_email(database)}
    clients = {who: data.signed_in(app, email) for who, email in emails.items()}
    with database.session() as session:
        people = {}
        for who, email in emails.items():
            viewer = session.scalar(select(User).where(User.email == email))
            people[who] = len(session.scalars(analytics_employee_ids(session, viewer)).all())
    return Scale(database, clients, emails, people)


def viewer(scale: Scale, who: str) -> tuple[Any, User]:
    session = scale.database.session()
    found = session.scalar(select(User).where(User.email == scale.emails[who]))
    assert found is not None
    return session, found


def analytics_before(scale: Scale, who: str) -> Callable[[], Any]:
    """The plain definition with the ids the old route passed: a region's as a list, an admin's a select."""

    def run() -> Any:
        session, user = viewer(scale, who)
        with session:
            scope = analytics_employee_ids(session, user)
            ids = scope if who == "admin" else list(session.scalars(scope))
            narrowed = analytics.narrowed(session, ids, None, None)
            return analytics_reference.build(session, narrowed, dt.date.today())

    return run


def get(client: Any, path: str) -> Callable[[], Any]:
    def run() -> Any:
        response = client.get(path)
        assert response.status_code == 200, f"{path}: {response.status_code} {response.text[:300]}"
        return response

    return run


def compliance_before(scale: Scale, offset: int) -> Callable[[], Any]:
    def run() -> Any:
        session, user = viewer(scale, "admin")
        with session:
            rows = compliance_reference.team_compliance(
                session, user, dt.date.today(), show="open", sort="employee", order="asc"
            )
            return rows[offset : offset + compliance.PAGE_SIZE]

    return run


def peak_mb(call: Callable[[], Any]) -> tuple[float, float, Any]:
    tracemalloc.start()
    start = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return peak, seconds, result


def profile(call: Callable[[], Any], title: str) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    call()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    print(f"\n--- profile: {title}\n{out.getvalue()}")


def measure(backend: str, org_url: str, demo_url: str, args: argparse.Namespace) -> list[str]:
    org, demo = open_scale(org_url), open_scale(demo_url)
    print(f"\n{backend}: people in scope, organisation / demo: "
          + ", ".join(f"{who} {org.people[who]} / {demo.people[who]}" for who in org.people))  # fmt: skip
    summary = []
    print(f"\n{'analytics':<34}{'median':>9}{'p95':>9}{'queries':>9}   demo median   org/demo")
    for who in ("regional manager", "admin"):
        path = "/team/analytics"
        big = timed(get(org.clients[who], path), args.runs, org.database)
        small = timed(get(demo.clients[who], path), args.runs, demo.database)
        print(f"{who + ' (SQL)':<34}{big}{big.queries:>9}   {small.median_ms:8.1f} q={small.queries:<3}"
              f"{big.median_ms / small.median_ms:8.2f}")  # fmt: skip
        old_max = analytics_reference.MAX_PEOPLE
        analytics_reference.MAX_PEOPLE = 10**9  # the old refusal lifted, to show what the admin's would cost
        try:
            before = timed(analytics_before(org, who), args.before_runs)
            failed = ""
        except Exception as error:  # the old code's own failure is the figure to print
            before, failed = Timing(float("nan"), float("nan")), f"fails: {str(error).splitlines()[0][:90]}"
        finally:
            analytics_reference.MAX_PEOPLE = old_max
        refused = "(refused: > 15,000 people) " if org.people[who] > old_max else ""
        print(f"{who + ' (before: Python)':<34}{before}          {refused}{failed}")
        met = big.median_ms <= MEDIAN_TARGET_MS and big.p95_ms <= P95_TARGET_MS
        summary.append(
            f"{backend} analytics {who} {big.median_ms:.0f}/{big.p95_ms:.0f} ms (before "
            f"{before.median_ms:.0f}/{before.p95_ms:.0f}, {before.median_ms / big.median_ms:.1f}x), target "
            f"{'met' if met else 'MISSED'}, queries org {big.queries} = demo {small.queries}: "
            f"{'yes' if big.queries == small.queries else 'NO'}"
        )
        if args.profile and who == "regional manager":
            profile(analytics_before(org, who), f"{backend} regional manager analytics, before")
            profile(get(org.clients[who], path), f"{backend} regional manager analytics, SQL")

    admin = org.clients["admin"]
    total = admin.get("/api/v1/compliance?show=open&limit=1").json()["total"]
    last = max(0, (total - 1) // compliance.PAGE_SIZE * compliance.PAGE_SIZE)
    print(f"\ncompliance view, whole organisation ({total} open rows){'median':>11}{'p95':>9}{'queries':>9}")
    worst = 0.0
    for name, offset in (("first page", 0), ("middle page", last // 2 // 100 * 100), ("last page", last)):
        api = f"/api/v1/compliance?show=open&sort=employee&limit={compliance.PAGE_SIZE}&offset={offset}"
        page = timed(get(admin, api), args.runs, org.database)
        worst = max(worst, page.p95_ms)
        print(f"{'API ' + name:<34}{page}{page.queries:>9}")
    html = timed(get(admin, "/learning/team?show=open&sort=employee&page=2"), args.runs, org.database)
    worst = max(worst, html.p95_ms)
    overdue = timed(get(admin, "/learning/team"), args.runs, org.database)
    worst = max(worst, overdue.p95_ms)
    print(f"{'page 2 (/learning/team, open)':<34}{html}{html.queries:>9}")
    print(f"{'page 1 (default: overdue)':<34}{overdue}{overdue.queries:>9}")
    before = timed(compliance_before(org, 0), args.before_runs)
    print(f"{'a page (before: all, then sliced)':<34}{before}")
    summary.append(
        f"{backend} compliance page p95 {worst:.0f} ms (before {before.p95_ms:.0f}), target "
        f"{'met' if worst <= P95_TARGET_MS else 'MISSED'}"
    )

    csv_path = "/learning/team.csv?show=open&sort=employee"
    peak, seconds, response = peak_mb(get(admin, csv_path))
    rows = response.text.count("\n") - 1
    small_peak, _, small_response = peak_mb(get(demo.clients["admin"], csv_path))
    small_rows = small_response.text.count("\n") - 1

    def old_csv() -> str:
        session, user = viewer(org, "admin")
        with session:
            found = compliance_reference.team_compliance(
                session, user, dt.date.today(), show="open", sort="employee", order="asc"
            )
            return compliance_reference.to_csv(found)

    old_peak, old_seconds, _ = peak_mb(old_csv)
    print(
        f"\nCSV of every open row: {rows} rows in {seconds:.1f} s, peak Python memory {peak:.1f} MB "
        f"(demo: {small_rows} rows, {small_peak:.1f} MB); before: {old_seconds:.1f} s, {old_peak:.1f} MB"
    )
    print("  (the peak counts the response text the test client assembles; the server itself holds a batch)")
    summary.append(
        f"{backend} CSV {rows} rows {seconds:.1f} s, peak {peak:.0f} MB (before {old_peak:.0f} MB)"
    )
    for scale in (org, demo):
        scale.database.engine.dispose()
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postgres", action=argparse.BooleanOptionalAction, default=None)
    parser.add_argument("--runs", type=int, default=10 if data.quick() else 20)
    parser.add_argument("--before-runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sqlite", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    summary = []
    with ExitStack() as stack:
        backends = []
        if args.sqlite:
            demo, org = data.sqlite_urls()
            backends.append(("SQLite", org, demo))
        if args.postgres or (args.postgres is None and not data.quick() and data.postgres_available()):
            pg_demo, pg_org = stack.enter_context(data.postgres_urls())
            backends.append(("PostgreSQL", pg_org, pg_demo))
        for backend, org, demo in backends:
            summary += measure(backend, org, demo, args)
    print("\nSUMMARY " + "; ".join(summary))


if __name__ == "__main__":
    main()
