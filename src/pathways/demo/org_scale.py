"""An organisation the size of a real laboratory network, generated deterministically from a seed.

50,000 employees in 4 regions and 2,500 sites, the shipped framework plus generated courses up to 400,
about 5,000,000 completions, ratings and observations. Rows go in through SQLAlchemy Core in large batches:
the ORM's per-object bookkeeping would take most of the time at this size. Every name is invented.
"""

import datetime as dt
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from pathways.auth.models import AccountRole, User
from pathways.auth.passwords import hash_password
from pathways.careers.models import PathEdge, Role
from pathways.competencies import level_summary
from pathways.competencies.models import Competency, CompetencyRating, Observation
from pathways.demo.small import DEMO_DOMAIN, DEMO_PASSWORD, FIRST, LAST
from pathways.learning.models import (
    ChosenCourse,
    Completion,
    Course,
    course_competencies,
    course_prerequisites,
)
from pathways.org.models import Employee, Region, Site, SiteType
from pathways.trackers.models import CareerTracker, TrackerCourse

Progress = Callable[[str, int], None]  # (what, rows just written)


@dataclass(frozen=True)
class Scale:
    regions: int = 4
    sites: int = 2_500
    employees: int = 50_000
    courses: int = 400
    completions_per_employee: int = 100  # on average: about 5,000,000 in all
    sites_per_supervisor: int = 10
    batch: int = 20_000


ORG = Scale()
REGION_NAMES = ["Northeast", "Southeast", "Midwest", "West", "Mountain", "Pacific", "Plains", "Gulf"]
SITE_TYPES = [t.value for t in SiteType]
# Front-line PSRs make up most of a site; the rest are the other roles of the lattice.
STAFF_ROLES = ["psr-1"] * 9 + ["psr-2"] * 7 + ["psr-2-float"] + ["billing-specialist"] + ["medical-coder"]


def table(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


def org_loaded(session: Session) -> bool:
    return session.scalar(select(Region.id).where(Region.code == "org-1")) is not None


def _batches(rows: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(
    session: Session, table: Table, rows: Iterator[dict[str, Any]], scale: Scale, progress: Progress
) -> None:
    for batch in _batches(rows, scale.batch):
        session.execute(insert(table), batch)
        progress(table.name, len(batch))


def _generated_courses(session: Session, rng: random.Random, scale: Scale, progress: Progress) -> None:
    existing = session.scalar(select(Course.id).order_by(Course.id.desc()))
    shipped = len(session.scalars(select(Course.id)).all())
    competencies = list(session.scalars(select(Competency.id)))
    needed = max(0, scale.courses - shipped)
    if not needed or existing is None:
        return
    modalities = ["e-learning", "classroom", "on-the-job"]
    rows = []
    for number in range(needed):
        code = f"GEN-{number + 1:04d}"
        rows.append({
            "code": code,
            "title": f"Practice module {number + 1}",
            "summary": "A generated course for organisation-scale testing.",
            "modality": rng.choice(modalities),
            "hours": rng.choice([0.5, 1, 1.5, 2, 3, 4, 6, 8]),
            "level": rng.randint(1, 4),
            "lms_id": f"https://lms.pathways.example/activities/{code}",
        })  # fmt: skip
    session.execute(insert(table(Course)), rows)
    ids = list(session.scalars(select(Course.id).where(Course.code.like("GEN-%")).order_by(Course.code)))
    links = [{"course_id": cid, "competency_id": comp} for cid in ids for comp in rng.sample(competencies, 2)]
    session.execute(insert(course_competencies), links)
    # A chain now and then: a generated course may need the one before it.
    prereqs = [{"course_id": b, "prerequisite_id": a} for a, b in pairwise(ids) if rng.random() < 0.3]
    if prereqs:
        session.execute(insert(course_prerequisites), prereqs)
    progress("courses", needed)


def _people(rng: random.Random, count: int) -> Iterator[str]:
    for _ in range(count):
        yield f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def load_org(session: Session, scale: Scale = ORG, seed: int = 1, progress: Progress | None = None,
             today: dt.date | None = None) -> bool:  # fmt: skip
    """Generate the organisation; False (and nothing written) when one is already there."""
    if org_loaded(session):
        return False
    report = progress or (lambda _what, _n: None)
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    today = today or dt.date(2026, 11, 1)
    roles = {r.code: r.id for r in session.scalars(select(Role))}
    _generated_courses(session, rng, scale, report)

    regions = [
        {"code": f"org-{i + 1}", "name": REGION_NAMES[i % len(REGION_NAMES)]} for i in range(scale.regions)
    ]
    session.execute(insert(table(Region)), regions)
    region_ids = list(session.scalars(select(Region.id).where(Region.code.like("org-%")).order_by(Region.id)))
    sites = (
        {"code": f"S{i + 1:05d}", "name": f"Site {i + 1}", "site_type": SITE_TYPES[i % len(SITE_TYPES)],
         "city": f"Town {i % 997 + 1}", "region_id": region_ids[i % len(region_ids)]}
        for i in range(scale.sites)
    )  # fmt: skip
    _insert(session, table(Site), sites, scale, report)
    site_ids = list(session.scalars(select(Site.id).where(Site.code.like("S%")).order_by(Site.id)))

    employees = _employee_rows(rng, scale, roles, site_ids, region_ids, today)
    # Managers come before their reports, so one pass inserts everyone and a second links the lines.
    plain = ({k: v for k, v in r.items() if k != "manager_number"} for r in employees)
    _insert(session, table(Employee), plain, scale, report)
    numbers = select(Employee.employee_number, Employee.id).where(Employee.employee_number.like("N%"))
    ids = dict(session.execute(numbers).all())
    _link_managers(session, employees, ids)
    report("reporting lines", len(employees))

    _accounts(session, employees, ids, report)
    _completions(session, rng, scale, ids, employees, today, report)
    _ratings_and_observations(session, rng, scale, list(ids.values()), today, report)
    _trackers(session, rng, ids, employees, report)
    # The rows went in through Core, past the writers: the level summary is worked out once, set-based.
    level_summary.refresh_levels(session, None)
    report("level summaries", len(ids))
    return True


def _employee_rows(
    rng: random.Random, scale: Scale, roles: dict[str, int], site_ids: list[int], region_ids: list[int],
    today: dt.date,
) -> list[dict[str, Any]]:  # fmt: skip
    """Managers first, then supervisors, then site leads and staff, each row naming its manager's number."""
    rows: list[dict[str, Any]] = []
    names = _people(rng, scale.employees)

    def person(role: str, site_id: int, manager: str | None) -> dict[str, Any]:
        number = f"N{len(rows) + 1:06d}"
        years = rng.uniform(0.2, 15)
        hire = today - dt.timedelta(days=int(years * 365))
        in_role = min(years, rng.uniform(0.1, 5))
        row = {
            "employee_number": number, "name": next(names), "email": f"{number.lower()}@org.{DEMO_DOMAIN}",
            "role_id": roles[role], "site_id": site_id, "manager_number": manager, "hire_date": hire,
            "role_since": max(hire, today - dt.timedelta(days=int(in_role * 365))),
        }  # fmt: skip
        rows.append(row)
        return row

    by_region: dict[int, list[int]] = {}
    for index, site_id in enumerate(site_ids):
        by_region.setdefault(region_ids[index % len(region_ids)], []).append(site_id)
    site_supervisor: dict[int, str] = {}
    for region_sites in by_region.values():
        head = person("patient-access-manager", region_sites[0], None)["employee_number"]
        for start in range(0, len(region_sites), scale.sites_per_supervisor):
            group = region_sites[start : start + scale.sites_per_supervisor]
            supervisor = person("supervisor", group[0], head)["employee_number"]
            site_supervisor.update({site: supervisor for site in group})
    for site_id in site_ids:
        person("psr-2-site-lead", site_id, site_supervisor[site_id])
    while len(rows) < scale.employees:
        site_id = site_ids[len(rows) % len(site_ids)]
        person(rng.choice(STAFF_ROLES), site_id, site_supervisor[site_id])
    return rows


def _link_managers(session: Session, rows: list[dict[str, Any]], ids: dict[str, int]) -> None:
    employees = table(Employee)
    statement = (
        update(employees).where(employees.c.id == bindparam("eid")).values(manager_id=bindparam("mid"))
    )
    links = [
        {"eid": ids[r["employee_number"]], "mid": ids[r["manager_number"]]}
        for r in rows
        if r["manager_number"]
    ]
    session.connection().execute(statement, links)


ACCOUNT_FOR_ROLE = {
    "patient-access-manager": AccountRole.SUPERVISOR,
    "supervisor": AccountRole.SUPERVISOR,
    "psr-2-site-lead": AccountRole.SITE_LEAD,
}


def _accounts(session: Session, rows: list[dict[str, Any]], ids: dict[str, int], report: Progress) -> None:
    # One hash for the one demo password: hashing 50,000 times would take most of an hour and prove nothing.
    password_hash = hash_password(DEMO_PASSWORD)
    role_codes = {role_id: code for code, role_id in session.execute(select(Role.code, Role.id))}
    accounts = (
        {"email": r["email"], "name": r["name"], "password_hash": password_hash, "is_active": True,
         "employee_id": ids[r["employee_number"]],
         "account_role": ACCOUNT_FOR_ROLE.get(role_codes[r["role_id"]], AccountRole.EMPLOYEE).value}
        for r in rows
    )  # fmt: skip
    _insert(session, table(User), accounts, ORG, report)


def _completions(
    session: Session, rng: random.Random, scale: Scale, ids: dict[str, int], rows: list[dict[str, Any]],
    today: dt.date, report: Progress,
) -> None:  # fmt: skip
    course_ids = list(session.scalars(select(Course.id).order_by(Course.id)))
    low, high = scale.completions_per_employee // 2, scale.completions_per_employee * 3 // 2

    def generate() -> Iterator[dict[str, Any]]:
        for row in rows:
            employee_id = ids[row["employee_number"]]
            span = max((today - row["hire_date"]).days, 1)
            taken = rng.sample(course_ids, min(len(course_ids), rng.randint(low, high)))
            # Course ids rise with the catalogue's order, which puts prerequisites first; dates follow.
            days = sorted(rng.randrange(span) for _ in taken)
            for course_id, day in zip(sorted(taken), days, strict=True):
                yield {"employee_id": employee_id, "course_id": course_id,
                       "completed_at": row["hire_date"] + dt.timedelta(days=day),
                       "score": rng.randint(70, 100), "source": "demo", "source_ref": None}  # fmt: skip

    _insert(session, table(Completion), generate(), scale, report)


def _ratings_and_observations(
    session: Session,
    rng: random.Random,
    scale: Scale,
    employee_ids: list[int],
    today: dt.date,
    report: Progress,
) -> None:
    competencies = list(session.scalars(select(Competency.id)))
    when = dt.datetime.combine(today, dt.time(9), tzinfo=dt.UTC)

    def ratings() -> Iterator[dict[str, Any]]:
        for employee_id in employee_ids:
            if rng.random() < 0.3:
                for competency_id in rng.sample(competencies, 4):
                    level = rng.randint(1, 4)
                    # People tend to rate themselves the same as their manager, or a level higher.
                    own = min(4, level + rng.choice([0, 0, 1]))
                    for kind, shown in (("self", own), ("manager", level)):
                        yield {"employee_id": employee_id, "competency_id": competency_id, "kind": kind,
                               "level": shown, "note": "", "rated_by_user_id": None,
                               "rated_at": when}  # fmt: skip

    def observations() -> Iterator[dict[str, Any]]:
        for employee_id in employee_ids:
            if rng.random() < 0.2:
                yield {"employee_id": employee_id, "competency_id": rng.choice(competencies),
                       "level": rng.randint(1, 3), "note": "Observed at the desk during a busy morning.",
                       "observed_by_user_id": None,
                       "observed_on": today - dt.timedelta(days=rng.randint(0, 365))}  # fmt: skip

    _insert(session, table(CompetencyRating), ratings(), scale, report)
    _insert(session, table(Observation), observations(), scale, report)


def _trackers(
    session: Session, rng: random.Random, ids: dict[str, int], rows: list[dict[str, Any]], report: Progress
) -> None:
    """A fifth of the people track a move the lattice offers from their role, with a few courses planned."""
    targets = select(PathEdge.from_role_id, PathEdge.to_role_id, Role.code).join(
        Role, Role.id == PathEdge.to_role_id
    )
    moves: dict[int, list[tuple[int, str]]] = {}
    for from_id, to_id, to_code in session.execute(targets):
        moves.setdefault(from_id, []).append((to_id, to_code))
    chosen = [
        (ids[row["employee_number"]], *rng.choice(moves[row["role_id"]]))
        for row in rows
        if row["role_id"] in moves and rng.random() < 0.2
    ]
    when = dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC)
    trackers = (
        {"employee_id": e, "role_id": r, "notes": "", "revision": 1, "created_at": when, "updated_at": when}
        for e, r, _code in chosen
    )
    _insert(session, table(CareerTracker), trackers, ORG, report)
    made = select(CareerTracker.employee_id, CareerTracker.id).where(CareerTracker.created_at == when)
    tracker_ids = dict(session.execute(made).all())
    course_ids = list(session.scalars(select(Course.id)))
    quarters = ["2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4"]
    planned = [(e, code, tracker_ids[e], c) for e, _r, code in chosen for c in rng.sample(course_ids, 3)]
    placed = (
        {"tracker_id": t, "course_id": c, "quarter": rng.choice(quarters), "source": "planner"}
        for _e, _code, t, c in planned
    )
    _insert(session, table(TrackerCourse), placed, ORG, report)
    # The learning plan lists tracker courses as chosen: keep the two in step, as the tracker itself does.
    mirrored = (
        {"employee_id": e, "course_id": c, "tracker_id": t, "target_role_code": code, "created_at": when}
        for e, code, t, c in planned
    )
    _insert(session, table(ChosenCourse), mirrored, ORG, report)
