"""Server time and SQL queries of the main pages, at demo size and at organisation size, side by side.

    python bench/pages.py [--small URL --large URL] [--pg-small URL --pg-large URL] [--no-postgres]
                          [--runs 30]

The large database comes from `pathways demo --scale org`, the small one from `pathways demo`. Without URLs
the databases bench/data.py keeps in bench/.data/ are used (built first when missing): SQLite always, and
PostgreSQL too unless --no-postgres or BENCH_QUICK=1 (or PostgreSQL is not installed); --pg-small/--pg-large
name PostgreSQL databases that are already loaded. Each page is requested in-process (no network, so the
figure is the app's own time) by a signed-in account of that database: an employee reporting to the
supervisor with the most reports (one with a career tracker where there is one; otherwise a tracker toward
a move the lattice offers is started for them through the app), and that supervisor.
Printed per backend and page: median and 95th percentile milliseconds at each size, SQL statements per
request at each size (they must be equal: a page's query count may not grow with the data), and large/small
time ratio.
"""

import argparse
import re
import statistics
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import data
from starlette.testclient import TestClient

from pathways.app import create_app
from pathways.config import Settings
from pathways.db import Database
from pathways.trackers.models import CareerTracker, TrackerCourse

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Figures:
    median_ms: float
    p95_ms: float
    queries: int


def tracker_path(database: Database, client: TestClient, email: str) -> str:
    """The signed-in employee's own tracker page; one toward a move the lattice offers is started, and its
    courses planned, if there is none."""
    from pathways.auth.models import User
    from pathways.careers.models import PathEdge, Role
    from pathways.org.models import Employee

    with database.session() as session:
        mine = (
            select(CareerTracker.id)
            .join(User, User.employee_id == CareerTracker.employee_id)
            .where(User.email == email)
            .order_by(CareerTracker.id)
        )
        tracker_id = session.scalars(mine).first()
        planned_courses = tracker_id is not None and bool(
            session.scalar(select(TrackerCourse.id).where(TrackerCourse.tracker_id == tracker_id).limit(1))
        )
        move = (
            select(Role.code)
            .join(PathEdge, PathEdge.to_role_id == Role.id)
            .join(Employee, Employee.role_id == PathEdge.from_role_id)
            .join(User, User.employee_id == Employee.id)
            .where(User.email == email)
            .order_by(PathEdge.id)
        )
        target = session.scalars(move).first()
    token = CSRF.search(client.get("/trackers").text)
    assert token, "no form on the trackers page"
    if tracker_id is None:
        assert target, f"the lattice offers {email} no move to track"
        response = client.post(
            "/trackers", data={"role": target, "csrf_token": token.group(1)}, follow_redirects=False
        )
        assert response.status_code == 303, f"could not start a tracker: {response.status_code}"
        path = str(response.headers["location"]).split("?")[0].split("#")[0]
    else:
        path = f"/trackers/{tracker_id}"
    if not planned_courses:
        # With courses planned, as the organisation's trackers have: an empty plan skips a few lookups, and
        # the query counts of the two sizes would then differ for that reason alone.
        planned = client.post(f"{path}/suggest", data={"csrf_token": token.group(1)}, follow_redirects=False)
        assert planned.status_code == 303, f"could not plan the tracker's courses: {planned.status_code}"
    return path


PAGES = [
    ("employee", "role page", "/roles/psr-2-site-lead"),
    ("employee", "home", "/"),
    ("employee", "course catalog search", "/courses?q=patient"),
    ("employee", "my learning plan", "/learning"),
    ("employee", "plan to Site Lead", "/plans?role=psr-2-site-lead"),
    ("employee", "trackers", "/trackers"),
    ("employee", "a tracker", "/trackers/{tracker}"),
    ("supervisor", "team page", "/team"),
    ("supervisor", "bench strength", "/team/bench?role=psr-2-site-lead"),
    ("supervisor", "analytics", "/team/analytics"),
]


def measure(url: str, runs: int) -> dict[str, Figures | None]:
    database = Database(url)
    app = create_app(Settings(database_url=url, secret_key="bench-secret"), database)
    people = data.accounts(database)
    clients = {who: data.signed_in(app, email) for who, email in people.items()}
    tracker = tracker_path(database, clients["employee"], people["employee"])
    results: dict[str, Figures | None] = {}
    for who, name, template in PAGES:
        client = clients[who]
        path = tracker if template == "/trackers/{tracker}" else template
        if client.get(path).status_code != 200:  # a page a later issue adds; reported as missing
            results[name] = None
            continue
        times = []
        with data.counting(database) as counter:
            for _ in range(runs):
                start = time.perf_counter()
                client.get(path)
                times.append((time.perf_counter() - start) * 1000)
            queries = counter[0] // runs
        times.sort()
        results[name] = Figures(statistics.median(times), times[int(0.95 * (len(times) - 1))], queries)
    database.engine.dispose()
    return results


def report(backend: str, small: dict[str, Figures | None], large: dict[str, Figures | None]) -> str:
    """Print one backend's table; return its part of the summary line."""
    print(f"\n{backend}")
    print(f"{'page':<24}{'small med/p95 ms':>20}{'large med/p95 ms':>20}{'queries s/l':>14}{'time l/s':>10}")
    worst_ratio, grew = 0.0, []
    for _, name, _path in PAGES:
        s, big = small[name], large[name]
        if s is None or big is None:
            print(f"{name:<24}{'(page not built yet)':>20}")
            continue
        ratio = big.median_ms / s.median_ms
        worst_ratio = max(worst_ratio, ratio)
        if big.queries != s.queries:
            grew.append(name.replace(" ", "_"))
        print(f"{name:<24}{s.median_ms:>9.1f} /{s.p95_ms:>8.1f}{big.median_ms:>10.1f} /{big.p95_ms:>8.1f}"
              f"{s.queries:>7} /{big.queries:>4}{ratio:>10.2f}")  # fmt: skip
    measured = [large[n] for _, n, _ in PAGES if small[n] and large[n]]
    medians = [f.median_ms for f in measured if f]
    worst_p95 = max(f.p95_ms for f in measured if f)
    key = backend.lower()
    return (
        f"{key}_pages={len(measured)} {key}_large_median_of_medians_ms={statistics.median(medians):.1f} "
        f"{key}_worst_large_p95_ms={worst_p95:.1f} {key}_worst_large_over_small={worst_ratio:.2f} "
        f"{key}_query_count_grew={','.join(grew) or 'none'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small", help="URL of a database loaded with `pathways demo`")
    parser.add_argument("--large", help="URL of a database loaded with `pathways demo --scale org`")
    parser.add_argument("--pg-small", help="URL of a PostgreSQL database loaded with `pathways demo`")
    parser.add_argument(
        "--pg-large", help="URL of a PostgreSQL database loaded with `pathways demo --scale org`"
    )
    parser.add_argument(
        "--postgres",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also the PostgreSQL databases kept in bench/.data/ (default: unless BENCH_QUICK=1)",
    )
    parser.add_argument("--runs", type=int, default=10 if data.quick() else 30)
    args = parser.parse_args()
    if bool(args.small) != bool(args.large) or bool(args.pg_small) != bool(args.pg_large):
        parser.error("give both --small and --large (or --pg-small and --pg-large), or neither")
    summary = []
    with ExitStack() as stack:
        small, large = (args.small, args.large) if args.small else data.sqlite_urls()
        backends = [("SQLite", small, large)]
        if args.pg_small:
            backends.append(("PostgreSQL", args.pg_small, args.pg_large))
        elif args.postgres or (args.postgres is None and not data.quick() and data.postgres_available()):
            backends.append(("PostgreSQL", *stack.enter_context(data.postgres_urls())))
        for backend, small_url, large_url in backends:
            summary.append(report(backend, measure(small_url, args.runs), measure(large_url, args.runs)))
    print(f"SUMMARY runs={args.runs} " + " ".join(summary))


if __name__ == "__main__":
    main()
