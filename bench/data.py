"""The databases the benchmarks measure, built once into bench/.data/ (git-ignored) and reused by later runs.

    python bench/data.py [--no-postgres]      # what `make bench` runs first

SQLite: bench/.data/demo.db (`pathways demo`) and bench/.data/org.db (`pathways demo --scale org`, about 70 s
on 2 cores). PostgreSQL: a cluster of the machine's own binaries in bench/.data/pg/ (created by
tests.postgres.start_cluster, then kept) holding bench_demo and bench_org (about 4 minutes); the benchmarks
start it for their run and stop it again; after loading, each PostgreSQL database gets VACUUM (ANALYZE), the
statistics autovacuum would have gathered on a server up for a while. Each database is built under a scratch
name and only kept once the build has finished, so an interrupted build starts over; one build runs at a time
(a lock file), a second run waits for it. The generators' source is fingerprinted: when
src/pathways/demo/org_scale.py or src/pathways/demo/small.py change, the data is rebuilt; migrations are
applied to the kept databases on every run. Delete bench/.data/ to rebuild by hand.

BENCH_QUICK=1 in the environment asks every benchmark for a shorter run, and leaves PostgreSQL out.
"""

import argparse
import fcntl
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathways.db import Database

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / ".data"
PG_DIR = DATA / "pg"
PG_STAMP = DATA / "pg.json"
SQLITE_STAMP = DATA / "sqlite.json"
PATHWAYS = str(Path(sys.executable).parent / "pathways")
GENERATORS = [ROOT / "src" / "pathways" / "demo" / name for name in ("org_scale.py", "small.py")]
SCALES = {"demo": "small", "org": "org"}

sys.path.insert(0, str(ROOT))  # tests.postgres: the throwaway cluster the test suite starts
sys.path.insert(0, str(ROOT / "src"))


@contextmanager
def counting(database: "Database") -> Iterator[list[int]]:
    """The SQL statements run on the database inside the block, counted (the benchmarks' query counts)."""
    counter = [0]

    def count(*_args: object) -> None:
        counter[0] += 1

    from sqlalchemy import event

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        yield counter
    finally:
        event.remove(database.engine, "before_cursor_execute", count)


def signed_in(app: Any, email: str) -> Any:
    """A test client of the app, signed in through the real form (every demo account's password)."""
    from starlette.testclient import TestClient

    client = TestClient(app)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token, "no sign-in form"
    response = client.post(
        "/login",
        data={"email": email, "password": "pathways-demo", "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert response.status_code == 303, f"could not sign in as {email}"
    return client


def quick() -> bool:
    """BENCH_QUICK=1: shorter runs, SQLite only."""
    return os.environ.get("BENCH_QUICK", "") not in ("", "0")


def fingerprint() -> str:
    digest = hashlib.sha256()
    for path in GENERATORS:
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:16]


def _stamp_ok(stamp: Path) -> bool:
    try:
        return bool(json.loads(stamp.read_text())["fingerprint"] == fingerprint())
    except (OSError, ValueError, KeyError):
        return False


def _pathways(url: str, *args: str) -> None:
    env = {**os.environ, "PATHWAYS_DATABASE_URL": url}
    subprocess.run([PATHWAYS, *args], env=env, check=True, stdout=subprocess.DEVNULL)


def _generate(url: str, name: str) -> None:
    started = time.monotonic()
    note = " (about 70 s on SQLite, 4 minutes on PostgreSQL)" if name == "org" else ""
    print(f"bench data: generating the {name} database{note}...", flush=True)
    _pathways(url, "db", "upgrade")
    _pathways(url, "demo", "--scale", SCALES[name])
    print(f"bench data: {name} database ready in {time.monotonic() - started:.0f} s", flush=True)


def sqlite_path(name: str) -> Path:
    return DATA / f"{name}.db"


def sqlite_ready() -> bool:
    return _stamp_ok(SQLITE_STAMP) and all(sqlite_path(n).exists() for n in SCALES)


@contextmanager
def _building() -> Iterator[None]:
    """One builder at a time: a second run waits for the first one's databases instead of racing it."""
    DATA.mkdir(parents=True, exist_ok=True)
    with (DATA / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def sqlite_urls() -> tuple[str, str]:
    """(demo URL, org URL) of the SQLite databases, built first when missing or out of date."""
    with _building():
        _prepare_sqlite()
    return f"sqlite:///{sqlite_path('demo')}", f"sqlite:///{sqlite_path('org')}"


def _prepare_sqlite() -> None:
    if not _stamp_ok(SQLITE_STAMP):
        for name in SCALES:
            for path in DATA.glob(f"{name}.db*"):
                path.unlink()
        SQLITE_STAMP.unlink(missing_ok=True)
    for name in SCALES:
        final = sqlite_path(name)
        if final.exists():
            _pathways(f"sqlite:///{final}", "db", "upgrade")
            continue
        scratch = DATA / f"{name}.building.db"
        for path in DATA.glob(f"{name}.building.db*"):
            path.unlink()
        _generate(f"sqlite:///{scratch}", name)
        with closing(sqlite3.connect(scratch)) as connection:  # fold the write-ahead log into the file
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        for path in DATA.glob(f"{name}.building.db*"):  # with any -wal or -shm left beside it
            path.rename(DATA / path.name.replace(".building", ""))
    SQLITE_STAMP.write_text(json.dumps({"fingerprint": fingerprint()}))


def accounts(database: "Database") -> dict[str, str]:
    """An employee and a supervisor with the most reports, whatever size the organisation is.

    The employee is a report with a career tracker when one has any, so the tracker page shows real plans;
    else one whose role the lattice leads on from, other than Site Lead (the pages plan toward Site Lead).
    """
    from sqlalchemy import func, select

    from pathways.auth.models import User
    from pathways.careers.models import PathEdge, Role
    from pathways.org.models import Employee
    from pathways.trackers.models import CareerTracker

    with database.session() as session:
        busiest = (
            select(Employee.manager_id, func.count().label("n"))
            .where(Employee.manager_id.is_not(None))
            .group_by(Employee.manager_id)
            .order_by(func.count().desc(), Employee.manager_id)
            .limit(1)
        )
        manager_id = session.execute(busiest).first()
        boss = manager_id[0] if manager_id else -1
        supervisor = session.scalar(select(User.email).where(User.employee_id == boss))
        report = (
            select(User.email)
            .join(Employee, Employee.id == User.employee_id)
            .where(Employee.manager_id == boss)
            .order_by(Employee.id)
            .limit(1)
        )
        tracked = Employee.id.in_(select(CareerTracker.employee_id))
        movable = Employee.role_id.in_(select(PathEdge.from_role_id))
        lead = select(Role.id).where(Role.code == "psr-2-site-lead").scalar_subquery()
        employee = (
            session.scalar(report.where(tracked))
            or session.scalar(report.where(movable, Employee.role_id != lead))
            or session.scalar(report)
        )
    if not supervisor or not employee:
        raise SystemExit("the database has no supervisor with a signed-up report; load a demo first")
    return {"employee": employee, "supervisor": supervisor}


def postgres_available() -> bool:
    from tests import postgres

    try:
        postgres._binary("initdb")
        postgres._binary("pg_ctl")
    except RuntimeError:
        return False
    return True


def postgres_ready() -> bool:
    return _stamp_ok(PG_STAMP) and (PG_DIR / "data" / "PG_VERSION").exists()


def _as_user() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def _pg_ctl(*args: str) -> subprocess.CompletedProcess[bytes]:
    from tests.postgres import _binary

    return subprocess.run(
        [*_as_user(), _binary("pg_ctl"), "-D", str(PG_DIR / "data"), *args], check=False, capture_output=True
    )


def _running_port() -> int | None:
    """The port of the kept cluster when it is already running (postmaster.pid's fourth line)."""
    if _pg_ctl("status").returncode != 0:
        return None
    try:
        return int((PG_DIR / "data" / "postmaster.pid").read_text().splitlines()[3])
    except (OSError, ValueError, IndexError):
        return None


def _vacuum_analyze(url: str) -> None:
    """What autovacuum would get round to on a server that has been up a while: planner statistics."""
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")


def _build_postgres() -> None:
    from tests.postgres import _binary, start_cluster

    if PG_DIR.exists():
        _pg_ctl("-m", "immediate", "stop")
        shutil.rmtree(PG_DIR)
    PG_STAMP.unlink(missing_ok=True)
    cluster = start_cluster()
    try:
        for name in SCALES:
            _generate(cluster.create_database(f"bench_{name}"), name)
            _vacuum_analyze(cluster.url(f"bench_{name}"))
        stop = [_binary("pg_ctl"), "-D", str(cluster.directory / "data"), "-m", "fast", "-w", "stop"]
        subprocess.run([*cluster.as_user, *stop], check=True, capture_output=True)  # cleanly, to keep
    except BaseException:
        cluster.stop()
        raise
    DATA.mkdir(parents=True, exist_ok=True)
    shutil.move(cluster.directory, PG_DIR)
    PG_STAMP.write_text(json.dumps({"fingerprint": fingerprint()}))


@contextmanager
def postgres_urls() -> Iterator[tuple[str, str]]:
    """(demo URL, org URL) in the kept PostgreSQL cluster, built first when missing or out of date.

    The cluster is started for the block and stopped after it, unless it was running already.
    """
    from tests.postgres import Cluster, _free_port

    with _building():
        if not postgres_ready():
            _build_postgres()
    port = _running_port()
    started = port is None
    if port is None:
        port = _free_port()
        options = f"-k {PG_DIR} -p {port} -c listen_addresses='' -c fsync=off -c synchronous_commit=off"
        result = _pg_ctl("-o", options, "-l", str(PG_DIR / "log"), "-w", "start")
        if result.returncode != 0:
            raise SystemExit(f"the kept PostgreSQL cluster in {PG_DIR} did not start: {result.stderr!r}")
    cluster = Cluster(PG_DIR, port, _as_user())
    try:
        urls = cluster.url("bench_demo"), cluster.url("bench_org")
        for url in urls:
            _pathways(url, "db", "upgrade")
        yield urls
    finally:
        if started:
            _pg_ctl("-m", "fast", "-w", "stop")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--postgres",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also the PostgreSQL databases (default: unless BENCH_QUICK=1 or PostgreSQL is missing)",
    )
    args = parser.parse_args()
    started = time.monotonic()
    demo, org = sqlite_urls()
    ready = [demo, org]
    with_postgres = args.postgres if args.postgres is not None else not quick() and postgres_available()
    if with_postgres:
        with postgres_urls() as urls:
            ready.extend(urls)
    print(f"SUMMARY bench data ready in {time.monotonic() - started:.0f} s: {' '.join(ready)}")


if __name__ == "__main__":
    main()
