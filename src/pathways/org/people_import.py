"""Importing people and sites from the HR feed: read the file, plan it with the rules in people.py, apply it.

Keyed by employee number, so the same file twice changes nothing. The whole file is read and checked before
anything is written (a manager may be on a later row, and a reporting cycle is a property of the whole file);
a problem with the file as a whole changes nothing. The plan is then applied in batches, managers before their
reports; `between_batches` lets a job commit after each one so that a long import never holds the write
lock for long (people_jobs.py). A service: it flushes, never commits.
"""

import datetime as dt
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from pathways.audit import service as audit
from pathways.auth.models import AccountRole, ApiToken, User
from pathways.careers.models import Role
from pathways.csvfile import read_records
from pathways.errors import BadRequest
from pathways.org.models import Employee, EmployeeMove, EmploymentStatus, Region, Site, SiteType
from pathways.org.people import (
    COLUMNS,
    MOVE_FIELDS,
    Change,
    Existing,
    Org,
    Outcome,
    Plan,
    Rejection,
    RowIndex,
    RowWarning,
    describe,
    plan_people,
    read_row,
    shown,
)

NOTHING_IMPORTED = "Nothing was imported."
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
BATCH = 2000
MAX_LISTED = 1000
SAMPLES = 20
SOURCE = "hr-import"


class PeopleFileError(BadRequest):
    """The file as a whole cannot be imported."""


@dataclass(frozen=True)
class Sample:
    row: int
    number: str
    name: str
    what: str


@dataclass
class PeopleReport:
    dry_run: bool
    deactivate_missing: bool
    rows: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {outcome.value: 0 for outcome in Outcome})
    rejected: int = 0
    missing: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    warned: int = 0  # rows applied with a warning (a manager who has left)
    warnings: list[RowWarning] = field(default_factory=list)
    samples: dict[str, list[Sample]] = field(default_factory=dict)
    missing_samples: list[Sample] = field(default_factory=list)
    new_sites: int = 0

    @property
    def changes(self) -> int:
        return sum(n for outcome, n in self.counts.items() if outcome != Outcome.UNCHANGED)

    def summary(self) -> str:
        c = self.counts
        missing = f", {self.missing} missing from the file"
        if self.missing:
            missing += " (deactivated)" if self.deactivate_missing else " (kept: not deactivated)"
        text = (
            f"{self.rows} rows: {c['created']} created, {c['updated']} updated, {c['moved']} moved, "
            f"{c['deactivated']} deactivated, {c['unchanged']} unchanged, {self.rejected} rejected{missing}"
        )
        if self.warned:
            text += f", {self.warned} with a warning"
        return text + (" (dry run: nothing changed)" if self.dry_run else "")

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows, **self.counts, "rejected": self.rejected, "warned": self.warned,
            "missing": self.missing, "new_sites": self.new_sites, "dry_run": self.dry_run,
            "deactivate_missing": self.deactivate_missing,
        }  # fmt: skip


# ---------------------------------------------------------------- reading
def load_org(session: Session, only: Collection[int] | None = None) -> Org:
    """The organisation as the rules see it. `only`: just these people (by id), for a change to one person
    (SCIM) that need not read everyone; the caller names everyone the rules will look at."""
    roles: dict[str, int] = {}
    role_codes: dict[int, str] = {}
    for role_id, code, name in session.execute(select(Role.id, Role.code, Role.name)):
        roles[name.lower()] = role_id
        roles[code.lower()] = role_id  # a code wins over a name that happens to match it
        role_codes[role_id] = code
    regions = {code.upper(): region_id for region_id, code in session.execute(select(Region.id, Region.code))}
    by_id = {region_id: code for code, region_id in regions.items()}
    sites = {
        code.upper(): by_id[region_id]
        for code, region_id in session.execute(select(Site.code, Site.region_id))
    }
    site_codes = {site_id: code.upper() for site_id, code in session.execute(select(Site.id, Site.code))}
    query = select(
        Employee.id, Employee.employee_number, Employee.email, Employee.name, Employee.role_id,
        Employee.site_id, Employee.manager_id, Employee.hire_date, Employee.status,
    )  # fmt: skip
    rows = session.execute(query if only is None else query.where(Employee.id.in_(only))).all()
    numbers = {row.id: row.employee_number.upper() for row in rows}
    if only is not None:  # the managers' numbers, for those not loaded themselves
        others = {row.manager_id for row in rows if row.manager_id and row.manager_id not in numbers}
        found = session.execute(select(Employee.id, Employee.employee_number).where(Employee.id.in_(others)))
        numbers.update({employee_id: number.upper() for employee_id, number in found})
    people = {
        numbers[row.id]: Existing(
            id=row.id,
            number=numbers[row.id],
            email=row.email.lower(),
            name=row.name,
            role_id=row.role_id,
            site=site_codes[row.site_id],
            manager=numbers.get(row.manager_id) if row.manager_id else None,
            hire_date=row.hire_date,
            status=row.status,
        )
        for row in rows
    }
    return Org(people=people, roles=roles, role_codes=role_codes, sites=sites, regions=set(regions))


def _records(stream: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    return read_records(stream, lambda message: PeopleFileError(f"{message} {NOTHING_IMPORTED}"))


def _header(cells: list[str]) -> dict[str, int]:
    names = [cell.strip().lower() for cell in cells]
    missing = [name for name in COLUMNS if name not in names]
    unexpected = [cell for cell, name in zip(cells, names, strict=True) if name not in COLUMNS]
    repeated = sorted({name for name in names if names.count(name) > 1})
    problems = []
    if missing:
        problems.append(f"missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}")
    if unexpected:
        problems.append(f"unexpected column{'s' if len(unexpected) > 1 else ''}: "
                        + ", ".join(shown(c) for c in unexpected))  # fmt: skip
    if repeated:
        problems.append(f"repeated column: {', '.join(repeated)}")
    if problems:
        raise PeopleFileError(
            f"The header row must be {','.join(COLUMNS)} (in any order); {'; '.join(problems)}. "
            + NOTHING_IMPORTED
        )
    return {name: names.index(name) for name in COLUMNS}


def read_file(stream: IO[bytes], org: Org, today: dt.date) -> Plan:
    """Read and check every row, and plan the changes; PeopleFileError for a file that cannot be read."""
    columns: dict[str, int] | None = None
    index = RowIndex()
    accepted = []
    refused: dict[int, str] = {}
    count = 0
    for row, cells in _records(stream):
        if not any(cell.strip() for cell in cells):
            continue  # blank lines are not rows
        if columns is None:
            columns = _header(cells)
            continue
        count += 1
        index.note(row, cells, columns)
        person = read_row(row, cells, columns, org, today)
        if isinstance(person, str):
            refused[row] = person
        else:
            accepted.append(person)
    if columns is None:
        raise PeopleFileError(f"The file is empty. {NOTHING_IMPORTED}")
    if count == 0:
        raise PeopleFileError(f"The file has a header row but no people. {NOTHING_IMPORTED}")
    return plan_people(accepted, refused, index.numbers, index.emails, org, row_count=count)


def report_of(plan: Plan, org: Org, *, dry_run: bool, deactivate_missing: bool) -> PeopleReport:
    report = PeopleReport(dry_run=dry_run, deactivate_missing=deactivate_missing, rows=plan.rows)
    report.rejected = len(plan.rejections)
    report.rejections = plan.rejections[:MAX_LISTED]
    report.warned = len(plan.warnings)
    report.warnings = plan.warnings[:MAX_LISTED]
    report.missing = len(plan.missing)
    report.new_sites = len(plan.new_sites)
    for change in plan.changes:
        report.counts[change.outcome] += 1
        listed = report.samples.setdefault(change.outcome.value, [])
        if change.outcome != Outcome.UNCHANGED and len(listed) < SAMPLES:
            person = change.person
            listed.append(Sample(person.row, person.number, person.name, describe(change, org.role_codes)))
    for gone in plan.missing[:SAMPLES]:
        report.missing_samples.append(Sample(0, gone.number, gone.name, f"{gone.status} at {gone.site}"))
    if deactivate_missing:
        report.counts[Outcome.DEACTIVATED] += len(plan.missing)
    return report


# ---------------------------------------------------------------- applying
class _Ids:
    """Ids by employee number, site code and region code, as the apply creates them."""

    def __init__(self, session: Session, org: Org) -> None:
        self.people = {number: person.id for number, person in org.people.items()}
        self.sites = {code.upper(): site_id for site_id, code in session.execute(select(Site.id, Site.code))}
        self.regions = {code.upper(): rid for rid, code in session.execute(select(Region.id, Region.code))}


def _create_sites(session: Session, plan: Plan, ids: _Ids) -> None:
    regions = [Region(code=code, name=code) for code in plan.new_regions]
    session.add_all(regions)
    session.flush()
    ids.regions.update({region.code: region.id for region in regions})
    # The feed names a site by its code; its name, type and city can be set by an admin afterwards.
    sites = [
        Site(code=code, name=code, site_type=SiteType.PATIENT_SERVICE_CENTER.value, city="",
             region_id=ids.regions[region])
        for code, region in plan.new_sites.items()
    ]  # fmt: skip
    session.add_all(sites)
    session.flush()
    ids.sites.update({site.code: site.id for site in sites})


def end_access(session: Session, employee_ids: list[int]) -> None:
    """Turn off the accounts of people who left: every session (the cookie's epoch moves on) and API token
    ends at once. Nothing they did is deleted."""
    if not employee_ids:
        return
    users = select(User.id).where(User.employee_id.in_(employee_ids))
    session.execute(
        update(ApiToken)
        .where(ApiToken.user_id.in_(users), ApiToken.revoked_at.is_(None))
        .values(revoked_at=dt.datetime.now(dt.UTC))
    )
    session.execute(
        update(User)
        .where(User.employee_id.in_(employee_ids))
        .values(is_active=False, session_epoch=User.session_epoch + 1)
    )


def _restore_access(session: Session, employee_ids: list[int]) -> None:
    """A rehire: the account the person had is turned on again (a new sign-in is needed)."""
    if employee_ids:
        session.execute(update(User).where(User.employee_id.in_(employee_ids)).values(is_active=True))


def _add_accounts(session: Session, created: list[tuple[Change, int]], managers: set[str]) -> None:
    """An account for each new person (no password: they sign in with single sign-on or reset one). An
    account already there under the same email is linked instead."""
    emails = [change.person.email for change, _ in created]
    known: dict[str, int | None] = dict(
        session.execute(
            select(func.lower(User.email), User.employee_id).where(func.lower(User.email).in_(emails))
        ).all()
    )
    new_rows = []
    for change, employee_id in created:
        person = change.person
        if person.email in known:
            if known[person.email] is None:
                session.execute(
                    update(User).where(func.lower(User.email) == person.email).values(employee_id=employee_id)
                )
            continue
        if person.status == EmploymentStatus.TERMINATED:
            continue
        role = AccountRole.SUPERVISOR if person.number in managers else AccountRole.EMPLOYEE
        new_rows.append({"email": person.email, "name": person.name, "account_role": role.value,
                         "password_hash": None, "employee_id": employee_id, "is_active": True})  # fmt: skip
    if new_rows:
        session.execute(insert(User), new_rows)


def _apply_batch(
    session: Session, batch: list[Change], ids: _Ids, plan: Plan, today: dt.date, source: str
) -> None:
    created = [change for change in batch if change.outcome == Outcome.CREATED]
    new_rows = [
        {
            "employee_number": change.person.number,
            "name": change.person.name,
            "email": change.person.email,
            "role_id": change.person.role_id,
            "site_id": ids.sites[change.person.site],
            "manager_id": ids.people.get(change.person.manager) if change.person.manager else None,
            "hire_date": change.person.hired_on,
            "role_since": change.person.hired_on,
            "status": change.person.status,
        }
        for change in created
    ]
    if new_rows:
        new_ids = session.scalars(
            insert(Employee).returning(Employee.id, sort_by_parameter_order=True), new_rows
        ).all()
        for change, employee_id in zip(created, new_ids, strict=True):
            ids.people[change.person.number] = employee_id
    # A manager created in this same batch had no id yet when their report's row was made.
    late_managers = [
        {"id": ids.people[change.person.number], "manager_id": ids.people[change.person.manager]}
        for change, row in zip(created, new_rows, strict=True)
        if change.person.manager and row["manager_id"] is None
    ]
    updates: list[dict[str, Any]] = []
    moves: list[dict[str, Any]] = []
    ended: list[int] = []
    restored: list[int] = []
    emails: list[tuple[int, str]] = []
    for change in batch:
        existing = change.existing
        if existing is None or change.outcome == Outcome.UNCHANGED:
            continue
        person = change.person
        values: dict[str, Any] = {"id": existing.id}
        for name in change.fields:
            if name == "role":
                values.update(role_id=person.role_id, role_since=today)
            elif name == "site":
                values["site_id"] = ids.sites[person.site]
            elif name == "manager":
                values["manager_id"] = ids.people[person.manager] if person.manager else None
            elif name == "email":
                values["email"] = person.email
                emails.append((existing.id, person.email))
            elif name == "name":
                values["name"] = person.name
            elif name == "hired_on":
                values["hire_date"] = person.hired_on
            elif name == "status":
                values["status"] = person.status
                if person.status == EmploymentStatus.TERMINATED:
                    ended.append(existing.id)
                elif existing.status == EmploymentStatus.TERMINATED:
                    restored.append(existing.id)
        updates.append(values)
        recorded = [name for name in change.fields if name in (*MOVE_FIELDS, "status")]
        if recorded:
            moves.append(_move(existing, change, ids, today, recorded, source))
    if late_managers:
        session.execute(update(Employee), late_managers)
    if updates:
        session.execute(update(Employee), updates)
    if moves:
        session.execute(insert(EmployeeMove), moves)
    for employee_id, email in emails:  # the account's sign-in follows the work email, unless another has it
        taken = session.scalar(select(User.id).where(func.lower(User.email) == email))
        if taken is None:
            session.execute(update(User).where(User.employee_id == employee_id).values(email=email))
    end_access(session, ended)
    _restore_access(session, restored)
    _add_accounts(session, [(change, ids.people[change.person.number]) for change in created], plan.managers)
    session.flush()


def _move(
    existing: Existing, change: Change, ids: _Ids, today: dt.date, fields: list[str], source: str
) -> dict[str, Any]:
    person = change.person
    move: dict[str, Any] = {
        "employee_id": existing.id, "moved_on": today, "source": source, "changes": ",".join(fields),
        "from_role_id": None, "to_role_id": None, "from_site_id": None, "to_site_id": None,
        "from_manager_id": None, "to_manager_id": None, "from_status": None, "to_status": None,
    }  # fmt: skip
    if "role" in fields:
        move.update(from_role_id=existing.role_id, to_role_id=person.role_id)
    if "site" in fields:
        move.update(from_site_id=ids.sites[existing.site], to_site_id=ids.sites[person.site])
    if "manager" in fields:
        move.update(
            from_manager_id=ids.people.get(existing.manager) if existing.manager else None,
            to_manager_id=ids.people[person.manager] if person.manager else None,
        )
    if "status" in fields:
        move.update(from_status=existing.status, to_status=person.status)
    return move


def _deactivate_missing(session: Session, missing: list[Existing], today: dt.date) -> None:
    ids = [person.id for person in missing]
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        session.execute(
            update(Employee).where(Employee.id.in_(chunk)).values(status=EmploymentStatus.TERMINATED.value)
        )
        end_access(session, chunk)
    rows = [
        {"employee_id": person.id, "moved_on": today, "source": SOURCE, "changes": "status",
         "from_status": person.status, "to_status": EmploymentStatus.TERMINATED.value}
        for person in missing
    ]  # fmt: skip
    if rows:
        session.execute(insert(EmployeeMove), rows)
    session.flush()


def apply_plan(
    session: Session,
    plan: Plan,
    org: Org,
    *,
    today: dt.date,
    deactivate_missing: bool,
    batch_size: int = BATCH,
    between_batches: Callable[[], None] | None = None,
    source: str = SOURCE,
) -> None:
    """Apply the changes, managers first. `between_batches` runs after each batch (a job may commit there);
    `source` names who asked, in each person's history (the HR feed, or an identity system by SCIM)."""
    ids = _Ids(session, org)
    _create_sites(session, plan, ids)
    pending = sorted(
        (change for change in plan.changes if change.outcome != Outcome.UNCHANGED),
        key=lambda change: (change.depth, change.person.row),
    )
    for start in range(0, len(pending), batch_size):
        _apply_batch(session, pending[start : start + batch_size], ids, plan, today, source)
        if between_batches is not None:
            between_batches()
    if deactivate_missing and plan.missing:
        _deactivate_missing(session, plan.missing, today)


def audit_import(session: Session, actor_user_id: int | None, report: PeopleReport, source: str) -> None:
    audit.record(
        session, actor_user_id=actor_user_id, action="people.import", entity="employees", entity_id=None,
        after={"source": source, **report.as_dict()},
    )  # fmt: skip


def run_import(
    session: Session,
    stream: IO[bytes],
    *,
    today: dt.date,
    dry_run: bool,
    deactivate_missing: bool = False,
    batch_size: int = BATCH,
    between_batches: Callable[[], None] | None = None,
) -> PeopleReport:
    """Read, check and plan the file; apply it unless a dry run. The report's counts are the plan's, so a dry
    run says exactly what applying would do."""
    org = load_org(session)
    plan = read_file(stream, org, today)
    report = report_of(plan, org, dry_run=dry_run, deactivate_missing=deactivate_missing)
    if not dry_run:
        apply_plan(
            session, plan, org, today=today, deactivate_missing=deactivate_missing, batch_size=batch_size,
            between_batches=between_batches,
        )  # fmt: skip
    return report
