"""SCIM writes in a large organisation: the people the HR rules look at, against reading everyone.

python bench/scim_writes.py [--rows N] [--writes M]

Loads N people from a synthetic HR feed (bench/people_import.py's) into a SQLite database, then times M SCIM
replacements (a person moved to another manager and site, through scim.service.save, the HR rules and apply)
two ways, side by side in this one run: reading only the people the rules look at (what /scim/v2 does), and
reading the whole organisation for each write (what the HR file import does once per file). Prints both and
their ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
try:
    import pathways  # noqa: F401
except ImportError:
    sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from bench.people_import import write_feed  # noqa: E402
from pathways import migrate  # noqa: E402
from pathways.careers.models import Role  # noqa: E402
from pathways.config import Settings  # noqa: E402
from pathways.content.loader import load_content  # noqa: E402
from pathways.db import JOB_LOCK_WAIT_S, Database  # noqa: E402
from pathways.org import people_import, people_jobs  # noqa: E402
from pathways.org.models import Employee  # noqa: E402
from pathways.scim import service  # noqa: E402


def timed_writes(database: Database, ids: list[int], managers: list[int], whole: bool) -> float:
    load = people_import.load_org
    patch = (
        mock.patch.object(service, "load_org", lambda session, only=None: load(session)) if whole else None
    )
    start = time.perf_counter()
    with patch or mock.patch.object(service, "load_org", load):
        for n, employee_id in enumerate(ids):
            with database.transaction() as session:
                person = service.get_person(session, employee_id)
                user = service.resource(person, "")
                user.display_name = f"{person.name} ({'whole' if whole else 'scoped'} {n})"
                site = f"S-{(employee_id + n + 1) % 500:03d}"
                user[service.EnterpriseUser].department = site
                user[service.EnterpriseUser].manager = service.Manager(value=str(managers[n % len(managers)]))
                service.save(session, service.wanted(user), employee_id, dt.date.today())
    return (time.perf_counter() - start) / len(ids)


def main() -> None:
    quick = os.environ.get("BENCH_QUICK") == "1"
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=5000 if quick else 50_000)
    parser.add_argument("--writes", type=int, default=10 if quick else 20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'scim.db'}"
        migrate.upgrade(url)
        database = Database(url, lock_wait_s=JOB_LOCK_WAIT_S)
        with database.transaction() as session:
            load_content(session, Settings().content_dir)
            roles = sorted(session.scalars(select(Role.code)))
        feed = Path(folder) / "hr.csv"
        write_feed(feed, args.rows, roles)
        with feed.open("rb") as raw, database.writer_session() as session:
            people_jobs.apply_stream(session, raw, today=dt.date.today(), deactivate_missing=False,
                                     actor_user_id=None, audit_source="bench")  # fmt: skip
            session.commit()
        with database.session() as session:
            # Leaves of the reporting tree, moved under managers high in it: no write closes a cycle.
            ids = list(
                session.scalars(select(Employee.id).order_by(Employee.id.desc()).limit(2 * args.writes))
            )
            managers = list(session.scalars(select(Employee.id).order_by(Employee.id).limit(5)))
        scoped = timed_writes(database, ids[: args.writes], managers, whole=False)
        whole = timed_writes(database, ids[args.writes :], managers, whole=True)
        database.engine.dispose()
    print(f"sqlite, {args.rows} people: a SCIM write reading the people involved {scoped * 1000:.0f} ms, "
          f"reading everyone {whole * 1000:.0f} ms")  # fmt: skip
    print(f"scim writes at {args.rows} people: {whole / scoped:.1f}x faster reading only the people involved")


if __name__ == "__main__":
    main()
