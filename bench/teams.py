"""The team page and bench strength at organisation scale: server time, and SQL statements beside demo scale.

    python bench/teams.py [--sqlite-org PATH] [--postgres | --no-postgres | --pg-org URL --pg-demo URL]
                          [--runs 30]

SQLite: the organisation and demo databases bench/data.py keeps in bench/.data/ (built first when missing,
about 70 s); --sqlite-org measures another organisation file instead, generated there when it is missing.
PostgreSQL: the databases bench/data.py keeps in its PostgreSQL cluster in bench/.data/pg/ (built first when
missing, about 4 minutes), unless --no-postgres or BENCH_QUICK=1 (or PostgreSQL is not installed);
--pg-org/--pg-demo use databases that are already loaded instead.

The organisation demo gives about a fifth of the employees a career tracker (with planned courses, but no
goals or conversations), and the small demo none. Before measuring, every report of the supervisor who has no
tracker gets one (toward the next role in the lattice, with a goal; every fifth asks for a conversation), so
readiness and conversations are part of what the team page computes for every row. The trackers stay in
the database, so a later run over the same data finds none to add.
Each page is requested in-process (Starlette's TestClient: no network, so the figure is the app's own time),
signed in as the supervisor with the most reports (at organisation scale about 200). Printed per backend and
page: median and 95th percentile milliseconds at organisation scale, and SQL statements per request at
organisation and demo scale, which must be equal. Target: median <= 100 ms and p95 <= 250 ms.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

import data  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from pathways import migrate  # noqa: E402
from pathways.app import create_app  # noqa: E402
from pathways.auth.models import AccountRole, User  # noqa: E402
from pathways.config import Settings  # noqa: E402
from pathways.db import Database  # noqa: E402
from pathways.org.models import Employee  # noqa: E402

PAGES = [
    ("team page", "/team"),
    ("team API", "/api/v1/teams/{manager_id}"),
    ("bench page", "/team/bench"),
    ("bench API", "/api/v1/bench"),
]
MEDIAN_TARGET_MS, P95_TARGET_MS = 100.0, 250.0


@dataclass
class Figures:
    median_ms: float
    p95_ms: float
    queries: int
    note: str = ""


def busiest_supervisor(database: Database) -> tuple[str, int, int]:
    """(email, employee id, reports) of the supervisor account with the most direct reports."""
    with database.session() as session:
        row = session.execute(
            select(User.email, Employee.manager_id, func.count())
            .join(User, User.employee_id == Employee.manager_id)
            .where(User.account_role == AccountRole.SUPERVISOR.value)
            .group_by(User.email, Employee.manager_id)
            .order_by(func.count().desc(), User.email)
            .limit(1)
        ).first()
    if row is None:
        raise SystemExit("no supervisor with reports in this database; load a demo first")
    return str(row[0]), int(row[1]), int(row[2])


def seed_trackers(database: Database, manager_id: int) -> int:
    """Trackers for the manager's reports who have none: toward a role the lattice leads to, with a goal."""
    import datetime as dt

    from sqlalchemy import insert

    from pathways.careers.models import PathEdge
    from pathways.trackers.models import CareerTracker, TrackerConversation, TrackerGoal

    with database.transaction() as session:
        moves: dict[int, int] = {}
        for from_id, to_id in session.execute(select(PathEdge.from_role_id, PathEdge.to_role_id)):
            moves.setdefault(from_id, to_id)
        tracked = select(CareerTracker.employee_id)
        people = session.execute(
            select(Employee.id, Employee.role_id).where(
                Employee.manager_id == manager_id, Employee.id.not_in(tracked)
            )
        ).all()
        now = dt.datetime.now(dt.UTC)
        rows = [
            {"employee_id": e, "role_id": moves[r], "notes": "", "revision": 1, "updated_at": now}
            for e, r in people
            if r in moves
        ]
        if not rows:
            return 0
        session.execute(insert(CareerTracker), rows)
        ids = list(
            session.scalars(
                select(CareerTracker.id).where(
                    CareerTracker.employee_id.in_([r["employee_id"] for r in rows])
                )
            )
        )
        session.execute(
            insert(TrackerGoal),
            [{"tracker_id": t, "text": "Practise difficult draws", "done": False} for t in ids],
        )
        session.execute(
            insert(TrackerConversation),
            [
                {
                    "tracker_id": t,
                    "status": "requested",
                    "questions": "When could I move?",
                    "outcome": "",
                    "next_steps": "",
                }
                for t in ids[::5]
            ],
        )
        return len(ids)


def measure(url: str, runs: int) -> tuple[dict[str, Figures], int]:
    migrate.upgrade(url)  # a database generated before the teams tables existed gets them
    database = Database(url)
    app = create_app(Settings(database_url=url, secret_key="bench-secret"), database)
    email, manager_id, reports = busiest_supervisor(database)
    seeded = seed_trackers(database, manager_id)
    if seeded:
        print(f"seeded {seeded} career trackers for the reports of {email}", flush=True)
    client = data.signed_in(app, email)
    results: dict[str, Figures] = {}
    for name, template in PAGES:
        path = template.format(manager_id=manager_id)
        for _ in range(2):  # warm up: first-use imports and the database's caches
            response = client.get(path)
            assert response.status_code == 200, f"{path}: {response.status_code} {response.text[:300]}"
        note = ""
        if name == "bench page":
            note = "method=" + ("exact" if "Method: exact planner" in response.text else "estimate")
        elif name == "bench API":
            note = "method=" + response.json()["method"]
        times = []
        with data.counting(database) as counter:
            for _ in range(runs):
                start = time.perf_counter()
                client.get(path)
                times.append((time.perf_counter() - start) * 1000)
        times.sort()
        results[name] = Figures(
            statistics.median(times), times[round(0.95 * (len(times) - 1))], counter[0] // runs, note
        )
    database.engine.dispose()
    return results, reports


def generate(url: str, scale: str) -> None:
    env = dict(os.environ, PATHWAYS_DATABASE_URL=url)
    subprocess.run([str(ROOT / ".venv" / "bin" / "pathways"), "demo", "--scale", scale], env=env, check=True)


def sqlite_pair(org_path: Path | None) -> tuple[str, str]:
    demo, org = data.sqlite_urls()
    if org_path is None:
        return org, demo
    if not org_path.exists():
        print(f"generating the organisation at {org_path} (about 70 s)...", flush=True)
        generate(f"sqlite:///{org_path}", "org")
    return f"sqlite:///{org_path}", demo


def report(
    backend: str, org: dict[str, Figures], demo: dict[str, Figures], reports: int
) -> tuple[bool, bool]:
    print(f"\n{backend}: supervisor with {reports} direct reports")
    print(f"{'page':<14}{'org median ms':>15}{'org p95 ms':>12}{'queries org':>13}{'queries demo':>14}  note")
    fast, equal = True, True
    for name, _path in PAGES:
        big, small = org[name], demo[name]
        fast &= big.median_ms <= MEDIAN_TARGET_MS and big.p95_ms <= P95_TARGET_MS
        equal &= big.queries == small.queries
        print(
            f"{name:<14}{big.median_ms:>15.1f}{big.p95_ms:>12.1f}{big.queries:>13}{small.queries:>14}  "
            f"{big.note}{' (demo: ' + small.note + ')' if small.note else ''}"
        )
    return fast, equal


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sqlite-org", type=Path, help="an organisation file (default: bench/.data/org.db)")
    parser.add_argument(
        "--postgres",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also the PostgreSQL databases kept in bench/.data/pg/ (default: unless BENCH_QUICK=1)",
    )
    parser.add_argument(
        "--pg-org", help="URL of a PostgreSQL database loaded with `pathways demo --scale org`"
    )
    parser.add_argument("--pg-demo", help="URL of a PostgreSQL database loaded with `pathways demo`")
    parser.add_argument("--runs", type=int, default=10 if data.quick() else 30)
    args = parser.parse_args()
    if bool(args.pg_org) != bool(args.pg_demo):
        parser.error("give both --pg-org and --pg-demo, or neither")
    summary = []
    with ExitStack() as stack:
        org_url, demo_url = sqlite_pair(args.sqlite_org)
        backends = [("SQLite", org_url, demo_url)]
        if args.pg_org:
            backends.append(("PostgreSQL", args.pg_org, args.pg_demo))
        elif args.postgres or (args.postgres is None and not data.quick() and data.postgres_available()):
            pg_demo, pg_org = stack.enter_context(data.postgres_urls())
            backends.append(("PostgreSQL", pg_org, pg_demo))
        for backend, org, demo in backends:
            org_figures, reports = measure(org, args.runs)
            demo_figures, _ = measure(demo, args.runs)
            fast, equal = report(backend, org_figures, demo_figures, reports)
            team, bench = org_figures["team page"], org_figures["bench page"]
            summary.append(
                f"{backend} team {team.median_ms:.0f}/{team.p95_ms:.0f} ms, bench {bench.median_ms:.0f}/"
                f"{bench.p95_ms:.0f} ms (median/p95), target {'met' if fast else 'MISSED'}, query counts "
                f"{'equal' if equal else 'DIFFER'} at org and demo scale"
            )
    print("\nSUMMARY " + "; ".join(summary))


if __name__ == "__main__":
    main()
