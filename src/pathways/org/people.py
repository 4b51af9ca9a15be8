"""The rules of the HR feed, as pure functions: a row is read, checked against the organisation as it stands
(an `Org` snapshot) and against the rest of the file, and planned as a change. No database, no HTTP: the CSV
import (people_import.py) applies the plan, and a SCIM endpoint can check one person with the same rules.

A row is refused with a reason (row, column and value) and nothing is applied for it: a malformed cell, an
unknown job role, a manager who exists neither in Pathways nor in the file or who would close a reporting
cycle, an employee number or email that appears twice in the file, a hire date in the future.
A row whose manager has left is applied with a warning (the plan's `warnings`, by row).
"""

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from pathways import errors
from pathways.csvfile import FORMULA_STARTS
from pathways.org.models import EmploymentStatus

COLUMNS = (
    "employee_number", "email", "name", "job_role", "site", "region", "manager_number", "hired_on", "status",
)  # fmt: skip
# An identity system may key people by a GUID (36 characters) where HR uses a short number: 64 fits both.
MAX_NUMBER = 64
NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,31}")
EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]+")
STATUSES = tuple(status.value for status in EmploymentStatus)
MAX_NAME = 160
MAX_EMAIL = 254
LISTED_ROWS = 3  # "also on rows 7, 9, 12 and 2 more"


def shown(value: str) -> str:
    return errors.shown(value, limit=40)


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    MOVED = "moved"
    DEACTIVATED = "deactivated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class PersonRow:
    """One valid row: keys are normalised (numbers and codes upper case, emails lower case)."""

    row: int
    number: str
    email: str
    name: str
    role_id: int
    site: str
    region: str
    manager: str | None
    hired_on: dt.date
    status: str


@dataclass(frozen=True, slots=True)
class Existing:
    """A person as Pathways has them, keyed like the file."""

    id: int
    number: str
    email: str
    name: str
    role_id: int
    site: str
    manager: str | None
    hire_date: dt.date
    status: str


@dataclass
class Org:
    """What the rules need to know of the organisation: loaded once, so that rows cost no queries."""

    people: dict[str, Existing]  # by employee number, upper case
    roles: dict[str, int]  # by code and by name, lower case
    role_codes: dict[int, str]
    sites: dict[str, str]  # site code -> its region's code, upper case
    regions: set[str]

    def email_owner(self) -> dict[str, str]:
        return {person.email: number for number, person in self.people.items()}


@dataclass(frozen=True, slots=True)
class Change:
    person: PersonRow
    outcome: Outcome
    existing: Existing | None
    fields: tuple[str, ...]  # what differs from Pathways: role, site, manager, email, name, hired_on, status
    depth: int  # managers come before their reports when the changes are applied


@dataclass(frozen=True)
class Rejection:
    row: int
    reason: str


@dataclass(frozen=True)
class RowWarning:
    """A row that is applied, with something the HR team should know about it."""

    row: int
    message: str


@dataclass
class Plan:
    changes: list[Change] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    warnings: list[RowWarning] = field(default_factory=list)
    missing: list[Existing] = field(default_factory=list)  # in Pathways, active, and not in the file
    new_sites: dict[str, str] = field(default_factory=dict)  # site code -> region code
    new_regions: list[str] = field(default_factory=list)
    managers: set[str] = field(default_factory=set)  # everyone someone reports to, once applied
    rows: int = 0


# ---------------------------------------------------------------- one row
def _cell(name: str, value: str, pattern: re.Pattern[str] | None, limit: int) -> str | None:
    """Why the cell is not valid, or None."""
    if value.startswith(FORMULA_STARTS):
        return f"{name} {shown(value)} looks like a spreadsheet formula; it was not evaluated"
    value = value.strip()
    if not value:
        return f"{name} is empty"
    if len(value) > limit:
        return f"{name} {shown(value)} is longer than {limit} characters"
    if pattern is not None and not pattern.fullmatch(value):
        return f"{name} {shown(value)} is not valid"
    return None


def read_row(
    row: int, cells: list[str], columns: Mapping[str, int], org: Org, today: dt.date
) -> PersonRow | str:
    """The row, or why it is refused (the first problem found)."""
    if len(cells) != len(columns):
        return f"has {len(cells)} cells but the header has {len(columns)}"
    get = {name: cells[index] for name, index in columns.items()}
    checks = (
        ("employee_number", NUMBER, MAX_NUMBER), ("email", None, MAX_EMAIL), ("name", None, MAX_NAME),
        ("job_role", None, 120), ("site", CODE, 32), ("region", CODE, 32), ("hired_on", None, 10),
        ("status", None, 16),
    )  # fmt: skip
    for name, pattern, limit in checks:
        problem = _cell(name, get[name], pattern, limit)
        if problem:
            return problem
    manager = get["manager_number"].strip()
    if manager and (problem := _cell("manager_number", manager, NUMBER, MAX_NUMBER)):
        return problem
    email = get["email"].strip()
    if not EMAIL.fullmatch(email):
        return f"email {shown(email)} is not an email address"
    role_id = org.roles.get(get["job_role"].strip().lower())
    if role_id is None:
        role = shown(get["job_role"].strip())
        return f"job_role {role} is not a job role in Pathways (use a role code, like psr-1)"
    when = get["hired_on"].strip()
    try:
        hired_on = dt.date.fromisoformat(when) if len(when) == 10 else None
    except ValueError:
        hired_on = None
    if hired_on is None:
        return f"hired_on {shown(when)} is not a date like 2026-03-31"
    if hired_on > today:
        return f"hired_on {shown(when)} is in the future; add people once they are hired"
    status = get["status"].strip().lower()
    if status not in STATUSES:
        return f"status {shown(get['status'].strip())} must be one of {', '.join(STATUSES)}"
    return PersonRow(
        row=row,
        number=get["employee_number"].strip().upper(),
        email=email.lower(),
        name=get["name"].strip(),
        role_id=role_id,
        site=get["site"].strip().upper(),
        region=get["region"].strip().upper(),
        manager=manager.upper() or None,
        hired_on=hired_on,
        status=status,
    )


# ---------------------------------------------------------------- the file as a whole
def _rows_list(rows: list[int]) -> str:
    listed = ", ".join(str(row) for row in rows[:LISTED_ROWS])
    more = f" and {len(rows) - LISTED_ROWS} more" if len(rows) > LISTED_ROWS else ""
    return f"row{'s' if len(rows) > 1 else ''} {listed}{more}"


def duplicate_reasons(numbers: Mapping[str, list[int]], emails: Mapping[str, list[int]]) -> dict[int, str]:
    """Rows whose employee number or email is on another row too: all of them are refused, since the file
    does not say which one is right."""
    reasons: dict[int, str] = {}
    for column, seen in (("employee_number", numbers), ("email", emails)):
        for value, rows in seen.items():
            if len(rows) < 2:
                continue
            for row in rows:
                others = [other for other in rows if other != row]
                reasons.setdefault(
                    row,
                    f"{column} {shown(value)} is also on {_rows_list(others)}; each person must appear once",
                )
    return reasons


def _site_problems(accepted: dict[str, PersonRow], org: Org) -> dict[str, str]:
    """A site belongs to one region: a row that puts it in another is refused. New sites and regions are
    noted in the plan."""
    problems: dict[str, str] = {}
    first: dict[str, PersonRow] = {}
    for key, person in accepted.items():
        known = org.sites.get(person.site)
        if known is not None:
            if known != person.region:
                problems[key] = (
                    f"site {shown(person.site)} is in region {shown(known)} in Pathways, "
                    f"not {shown(person.region)}"
                )
            continue
        earlier = first.setdefault(person.site, person)
        if earlier.region != person.region:
            problems[key] = (
                f"site {shown(person.site)} is in region {shown(earlier.region)} on row {earlier.row}, "
                f"not {shown(person.region)}"
            )
    return problems


def _final_manager(key: str, accepted: Mapping[str, PersonRow], org: Org) -> str | None:
    person = accepted.get(key)
    if person is not None:
        return person.manager
    existing = org.people.get(key)
    return existing.manager if existing is not None else None


def _final_status(key: str, accepted: Mapping[str, PersonRow], org: Org) -> str | None:
    person = accepted.get(key)
    if person is not None:
        return person.status
    existing = org.people.get(key)
    return existing.status if existing is not None else None


def _manager_problems(
    accepted: dict[str, PersonRow], org: Org, refused_rows: Mapping[str, int]
) -> dict[str, str]:
    problems: dict[str, str] = {}
    for key, person in accepted.items():
        manager = person.manager
        if manager is None:
            continue
        if manager == key:
            problems[key] = f"manager_number {shown(manager)} is the person themselves"
        elif manager not in accepted and manager not in org.people:
            if manager in refused_rows:
                problems[key] = (
                    f"manager_number {shown(manager)} is on row {refused_rows[manager]}, which was refused"
                )
            else:
                problems[key] = (
                    f"manager_number {shown(manager)} is not an employee in Pathways or in this file"
                )
    return problems


def _left_manager_warnings(accepted: Mapping[str, PersonRow], org: Org) -> dict[int, str]:
    """A current person whose manager has left is applied all the same: HR and identity systems often end a
    manager's employment before moving their reports, and the people above still see them through the
    reporting line. The row says so."""
    warnings: dict[int, str] = {}
    for person in accepted.values():
        manager = person.manager
        if (
            manager is not None
            and person.status != EmploymentStatus.TERMINATED
            and _final_status(manager, accepted, org) == EmploymentStatus.TERMINATED
        ):
            warnings[person.row] = (
                f"manager_number {shown(manager)} has left (terminated); "
                "this person reports to them until they get a current manager"
            )
    return warnings


def _cycle_problems(accepted: dict[str, PersonRow], org: Org) -> dict[str, str]:
    """Reporting lines once the file is applied must end at the top: every row on a loop is refused."""
    problems: dict[str, str] = {}
    state: dict[str, int] = {}  # 1: on the path being walked, 2: known to end at the top (or on a loop)
    for start in accepted:
        path: list[str] = []
        key: str | None = start
        while key is not None and state.get(key) is None:
            state[key] = 1
            path.append(key)
            key = _final_manager(key, accepted, org)
        if key is not None and state.get(key) == 1:
            loop = path[path.index(key) :]
            shown_loop = " → ".join([*loop, loop[0]])
            for member in loop:
                if member in accepted:
                    manager = accepted[member].manager or ""
                    problems[member] = (
                        f"manager_number {shown(manager)} would make a reporting cycle: {shown(shown_loop)}"
                    )
        for walked in path:
            state[walked] = 2
    return problems


def _depths(accepted: Mapping[str, PersonRow], org: Org) -> dict[str, int]:
    depths: dict[str, int] = {}
    for start in accepted:
        path: list[str] = []
        key: str | None = start
        while key is not None and key not in depths and len(path) <= len(accepted) + 1:
            path.append(key)
            key = _final_manager(key, accepted, org)
        depth = depths.get(key, -1) if key is not None else -1
        for walked in reversed(path):
            depth += 1
            depths[walked] = depth
    return depths


MOVE_FIELDS = ("role", "site", "manager")


def _differences(person: PersonRow, existing: Existing) -> tuple[str, ...]:
    pairs = (
        ("role", person.role_id, existing.role_id),
        ("site", person.site, existing.site),
        ("manager", person.manager, existing.manager),
        ("email", person.email, existing.email),
        ("name", person.name, existing.name),
        ("hired_on", person.hired_on, existing.hire_date),
        ("status", person.status, existing.status),
    )
    return tuple(name for name, new, old in pairs if new != old)


def _outcome(existing: Existing | None, person: PersonRow, fields: tuple[str, ...]) -> Outcome:
    if existing is None:
        return Outcome.CREATED
    if "status" in fields and person.status == EmploymentStatus.TERMINATED:
        return Outcome.DEACTIVATED
    if any(name in MOVE_FIELDS for name in fields):
        return Outcome.MOVED
    return Outcome.UPDATED if fields else Outcome.UNCHANGED


def plan_people(
    rows: Iterable[PersonRow],
    refused: Mapping[int, str],
    numbers: Mapping[str, list[int]],
    emails: Mapping[str, list[int]],
    org: Org,
    *,
    row_count: int,
) -> Plan:
    """What applying the file would do. `rows` are the rows read_row accepted; `refused` the reasons for the
    others; `numbers` and `emails` every row's employee number and email (valid or not), to find repeats."""
    plan = Plan(rows=row_count)
    reasons: dict[int, str] = dict(refused)
    reasons.update(duplicate_reasons(numbers, emails))
    owners = org.email_owner()
    accepted: dict[str, PersonRow] = {}
    for person in rows:
        if person.row in reasons:
            continue
        owner = owners.get(person.email)
        if owner is not None and owner != person.number:
            reasons[person.row] = (
                f"email {shown(person.email)} belongs to employee {shown(owner)} in Pathways"
            )
            continue
        accepted[person.number] = person
    refused_rows = {
        number: rows_of[0] for number, rows_of in numbers.items() if rows_of and rows_of[0] in reasons
    }
    for key, reason in _site_problems(accepted, org).items():
        reasons[accepted.pop(key).row] = reason
    # A refused manager can leave their reports without one, and a refused row keeps its manager in Pathways,
    # which can close a loop elsewhere: check again until nothing more is refused.
    while True:
        problems = _manager_problems(accepted, org, refused_rows)
        problems.update({k: v for k, v in _cycle_problems(accepted, org).items() if k not in problems})
        if not problems:
            break
        for key, reason in problems.items():
            person = accepted.pop(key)
            reasons[person.row] = reason
            refused_rows[key] = person.row
    depths = _depths(accepted, org)
    for key, person in accepted.items():
        existing = org.people.get(key)
        fields = _differences(person, existing) if existing else ()
        plan.changes.append(Change(person, _outcome(existing, person, fields), existing, fields, depths[key]))
        if person.site not in org.sites and person.site not in plan.new_sites:
            plan.new_sites[person.site] = person.region
            if person.region not in org.regions and person.region not in plan.new_regions:
                plan.new_regions.append(person.region)
    plan.rejections = [Rejection(row, reason) for row, reason in sorted(reasons.items())]
    warnings = _left_manager_warnings(accepted, org)
    plan.warnings = [RowWarning(row, message) for row, message in sorted(warnings.items())]
    in_file = set(numbers)
    plan.missing = [
        person
        for number, person in org.people.items()
        if number not in in_file and person.status != EmploymentStatus.TERMINATED
    ]
    graph: dict[str, str | None] = {key: person.manager for key, person in org.people.items()}
    graph.update({key: person.manager for key, person in accepted.items()})
    plan.managers = {manager for manager in graph.values() if manager is not None}
    return plan


def describe(change: Change, role_codes: Mapping[int, str]) -> str:
    """What the change does, for the preview: "role psr-1 → psr-2; manager E00003 → none"."""
    person, existing = change.person, change.existing
    if existing is None:
        return f"new: {role_codes.get(person.role_id, '?')} at {person.site}"
    parts = []
    for name in change.fields:
        old, new = {
            "role": (role_codes.get(existing.role_id, "?"), role_codes.get(person.role_id, "?")),
            "site": (existing.site, person.site),
            "manager": (existing.manager or "none", person.manager or "none"),
            "email": (existing.email, person.email),
            "name": (existing.name, person.name),
            "hired_on": (existing.hire_date.isoformat(), person.hired_on.isoformat()),
            "status": (existing.status, person.status),
        }[name]
        parts.append(f"{name} {old} → {new}")
    return "; ".join(parts)


@dataclass
class RowIndex:
    """Every row's employee number and email, read before the row is checked, to find repeats."""

    numbers: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    emails: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    def note(self, row: int, cells: list[str], columns: Mapping[str, int]) -> None:
        if len(cells) != len(columns):
            return
        number = cells[columns["employee_number"]].strip().upper()
        email = cells[columns["email"]].strip().lower()
        if number:
            self.numbers[number].append(row)
        if email:
            self.emails[email].append(row)
