"""Awarding badges to many people at once against awarding them person by person, side by side, on SQLite.

python bench/badges.py [--rounds N]

Loads the framework and the small demo organisation (40 people) into a throwaway SQLite file, then, for each
round, starts from no badge and issues everything the demo people have earned twice: once person by person
(award_earned per id) and once for all of them (award_many). Prints badges issued, seconds, SQL statements
and the ratios batched/per-person. Both issue the same badges (the counts are checked).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
try:
    import pathways  # noqa: F401
except ImportError:
    sys.path.insert(0, str(ROOT / "src"))

from sqlalchemy import delete, event, select  # noqa: E402

from pathways import migrate  # noqa: E402
from pathways.badges import service  # noqa: E402
from pathways.badges.models import Badge  # noqa: E402
from pathways.config import Settings  # noqa: E402
from pathways.content.loader import load_content  # noqa: E402
from pathways.db import Database  # noqa: E402
from pathways.demo.small import load_demo  # noqa: E402
from pathways.org.models import Employee  # noqa: E402


def award(template: Path, folder: Path, mode: str, how: service.Issuing) -> tuple[int, float, int]:
    copy = folder / f"{mode}.db"
    shutil.copy(template, copy)
    database = Database(f"sqlite:///{copy}")
    with database.transaction() as session:
        session.execute(delete(Badge))
        ids = set(session.scalars(select(Employee.id)))
        statements = [0]

        def count(*_args: object) -> None:
            statements[0] += 1

        event.listen(session.connection(), "before_cursor_execute", count)
        start = time.perf_counter()
        if mode == "batched":
            issued = len(service.award_many(session, how, ids))
        else:
            issued = sum(len(service.award_earned(session, how, i)) for i in sorted(ids))
        seconds = time.perf_counter() - start
    database.engine.dispose()
    return issued, seconds, statements[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    settings = Settings(environment="test", secret_key="bench-secret")
    how = service.issuing(settings)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        template = folder / "template.db"
        url = f"sqlite:///{template}"
        migrate.upgrade(url)
        database = Database(url)
        with database.transaction() as session:
            load_content(session, settings.content_dir)
            load_demo(session)
        database.engine.dispose()
        for number in range(1, rounds + 1):
            per_person = award(template, folder, "per-person", how)
            batched = award(template, folder, "batched", how)
            assert per_person[0] == batched[0], "both ways must issue the same badges"
            print(
                f"round {number}: {batched[0]} badges; "
                f"per person {per_person[1]:.2f} s, {per_person[2]} statements; "
                f"batched {batched[1]:.2f} s, {batched[2]} statements; "
                f"ratio time {batched[1] / per_person[1]:.2f}, statements {batched[2] / per_person[2]:.3f}"
            )


if __name__ == "__main__":
    main()
