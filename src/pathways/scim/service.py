"""SCIM Users as Pathways people: read them, and change them through the HR feed's own rules and apply.

A SCIM body becomes one HR row (people.read_row checks it), planned against the organisation as it stands
(people.plan_people: a known job role, a manager who exists and closes no reporting cycle, an email nobody
else has) and applied by the HR import (people_import.apply_plan). A manager who has left is no refusal
(the HR feed only warns of it), so an identity system can still change such a person. A changed manager,
site or job role is a move in the person's history and `active: false` is status=terminated: the account is
disabled, its sessions and tokens end, and nothing the person did is deleted. What SCIM adds (userName,
externalId) is kept beside the employee in scim_identities. A service: it flushes, never commits.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from scim2_models import (
    Context,
    InvalidValueException,
    Meta,
    NotFoundException,
    PatchOp,
    SCIMException,
    UniquenessException,
)
from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.orm import Session

from pathways.audit import service as audit
from pathways.careers.models import Role
from pathways.errors import shown
from pathways.org import people
from pathways.org.models import Employee, EmploymentStatus, Region, Site
from pathways.org.people_import import apply_plan, load_org
from pathways.scim import filters
from pathways.scim.models import ScimIdentity
from pathways.scim.schemas import MAX_PAGE, POLICY, EnterpriseUser, Manager, ScimUser
from pathways.scim.schemas import Email as ScimEmail

SOURCE = "scim"
# The HR rules keep employee numbers in upper case and emails in lower case (as `wanted` makes them), so
# people are looked up by an exact match, on the unique index, not by a scan of everyone through upper().
# The HR feed's column names, as SCIM calls them, for the reasons people.read_row gives.
ATTRIBUTES = {
    "employee_number": "employeeNumber", "email": "emails", "name": "displayName", "job_role": "title",
    "site": "department", "region": "division", "manager_number": "manager", "status": "active",
}  # fmt: skip
COLUMNS = {name: index for index, name in enumerate(people.COLUMNS)}


@dataclass(frozen=True)
class Person:
    """One person as a SCIM User: the columns the resource is made from."""

    id: int
    number: str
    name: str
    email: str
    status: str
    manager_id: int | None
    role: str
    site: str
    region: str
    region_name: str
    user_name: str | None
    external_id: str | None
    number_as_sent: str | None
    email_type: str | None
    email_primary: bool | None


@dataclass(frozen=True)
class Page:
    total: int
    start: int
    people: list[Person]


def _query() -> Any:
    return (
        select(
            Employee.id,
            Employee.employee_number,
            Employee.name,
            Employee.email,
            Employee.status,
            Employee.manager_id,
            Role.code,
            Site.code,
            Region.code,
            Region.name,
            ScimIdentity.user_name,
            ScimIdentity.external_id,
            ScimIdentity.employee_number,
            ScimIdentity.email_type,
            ScimIdentity.email_primary,
        )
        .join(Role, Role.id == Employee.role_id)
        .join(Site, Site.id == Employee.site_id)
        .join(Region, Region.id == Site.region_id)
        .outerjoin(ScimIdentity, ScimIdentity.employee_id == Employee.id)
        .where(ScimIdentity.deleted_at.is_(None))
    )


def _person(row: Any) -> Person:
    return Person(*row)


def get_person(session: Session, employee_id: int) -> Person:
    row = session.execute(_query().where(Employee.id == employee_id)).first()
    if row is None:
        raise NotFoundException(detail=f"There is no user with id {shown(employee_id)}.")
    return _person(row)


def find_people(session: Session, expression: str | None, start: int, count: int) -> Page:
    """One page of people, in id order; `start` counts from 1 as SCIM does."""
    where: ColumnElement[bool] = filters.condition(expression) if expression else true()
    query = _query().where(where)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    count = max(0, min(count, MAX_PAGE))
    rows = session.execute(query.order_by(Employee.id).offset(start - 1).limit(count)).all() if count else []
    return Page(total, start, [_person(row) for row in rows])


def resource(person: Person, base_url: str) -> ScimUser:
    location = f"{base_url}/Users/{person.id}"
    manager = None
    if person.manager_id is not None:
        manager = Manager(value=str(person.manager_id), ref=f"{base_url}/Users/{person.manager_id}")
    user = ScimUser(
        id=str(person.id),
        external_id=person.external_id,
        meta=Meta(resource_type="User", location=location),
        user_name=person.user_name or person.email,
        display_name=person.name,
        title=person.role,
        emails=[
            ScimEmail(
                value=person.email,
                type=person.email_type if person.user_name else "work",
                primary=person.email_primary if person.user_name else True,
            )
        ],
        active=person.status != EmploymentStatus.TERMINATED,
    )
    sent = person.number_as_sent or ""
    user[EnterpriseUser] = EnterpriseUser(
        employee_number=sent if sent.upper() == person.number else person.number,
        organization=person.region_name,
        division=person.region,
        department=person.site,
        manager=manager,
    )
    return user


# ---------------------------------------------------------------- changes
@dataclass(frozen=True)
class Wanted:
    """What a SCIM body asks the person to be."""

    user_name: str
    external_id: str | None
    number: str
    name: str
    email: str
    title: str
    site: str
    manager_id: int | None
    active: bool | None
    number_as_sent: str
    email_type: str | None
    email_primary: bool | None


def wanted(user: ScimUser) -> Wanted:
    extension = user[EnterpriseUser] or EnterpriseUser()
    emails = user.emails or []
    chosen = next((e for e in emails if e.primary), None) or next(iter(emails), None)
    email = chosen.value if chosen else None
    required = {
        "userName": user.user_name, "displayName": user.display_name, "title": user.title,
        "emails": email, "employeeNumber": extension.employee_number, "department": extension.department,
    }  # fmt: skip
    missing = [name for name, value in required.items() if not (value or "").strip()]
    if missing:
        raise InvalidValueException(detail=f"Required: {', '.join(missing)}; nothing was changed.")
    limits = (("userName", user.user_name, 254), ("externalId", user.external_id, 255),
              ("emails.type", chosen.type if chosen else None, 32))  # fmt: skip
    for name, value, limit in limits:
        if value is not None and len(value) > limit:
            raise InvalidValueException(detail=f"{name} {shown(value)} is longer than {limit} characters.")
    manager_id = None
    if extension.manager is not None and extension.manager.value is not None:
        value = str(extension.manager.value).strip()
        if not (value.isascii() and value.isdigit()) or len(value) > 18:
            raise InvalidValueException(
                detail=f"manager.value {shown(value)} is not the id of a user in Pathways."
            )
        manager_id = int(value)
    return Wanted(
        user_name=(user.user_name or "").strip(),
        external_id=user.external_id,
        number=(extension.employee_number or "").strip().upper(),
        name=(user.display_name or "").strip(),
        email=(email or "").strip().lower(),
        title=(user.title or "").strip(),
        site=(extension.department or "").strip().upper(),
        manager_id=manager_id,
        active=user.active,
        number_as_sent=(extension.employee_number or "").strip(),
        email_type=chosen.type if chosen else None,
        email_primary=chosen.primary if chosen else None,
    )


def _identity(session: Session, employee_id: int) -> ScimIdentity | None:
    return session.get(ScimIdentity, employee_id)


def _check_unique(session: Session, want: Wanted, employee_id: int | None) -> None:
    owner = session.scalar(
        select(ScimIdentity.employee_id).where(func.lower(ScimIdentity.user_name) == want.user_name.lower())
    )
    if owner is not None and owner != employee_id:
        raise UniquenessException(detail=f"userName {shown(want.user_name)} belongs to another user.")
    numbered = session.scalar(select(Employee.id).where(Employee.employee_number == want.number))
    if numbered is not None and numbered != employee_id:
        raise UniquenessException(
            detail=f"employeeNumber {shown(want.number)} belongs to another user (id {numbered})."
        )


def _manager_number(session: Session, manager_id: int | None) -> str:
    if manager_id is None:
        return ""
    row = session.execute(
        select(Employee.employee_number)
        .outerjoin(ScimIdentity, ScimIdentity.employee_id == Employee.id)
        .where(Employee.id == manager_id, ScimIdentity.deleted_at.is_(None))
    ).first()
    if row is None:
        raise InvalidValueException(detail=f"manager.value {shown(manager_id)} is not the id of a user.")
    return str(row[0])


def _involved(session: Session, want: Wanted, existing: Employee | None) -> set[int]:
    """Everyone the HR rules look at for this one change: the person, their manager now, whoever has the
    email, and the new manager with everyone above them (a reporting cycle would run through them)."""
    ids = {existing.id} if existing is not None else set()
    if existing is not None and existing.manager_id is not None:
        ids.add(existing.manager_id)
    owner = session.scalar(select(Employee.id).where(Employee.email == want.email))
    if owner is not None:
        ids.add(owner)
    chain: set[int] = set()
    above = want.manager_id
    while above is not None and above not in chain:
        chain.add(above)
        above = session.scalar(select(Employee.manager_id).where(Employee.id == above))
    return ids | chain


def _reason(reason: str) -> SCIMException:
    """The HR rules' reason, in SCIM's words: the column it names becomes the attribute."""
    first, _, rest = reason.partition(" ")
    if first in ATTRIBUTES:
        reason = f"{ATTRIBUTES[first]} {rest}"
    if " belongs to employee " in reason:
        return UniquenessException(detail=reason + "; nothing was changed.")
    return InvalidValueException(detail=reason + "; nothing was changed.")


def save(session: Session, want: Wanted, employee_id: int | None, today: dt.date) -> int:
    """Create the person (employee_id None) or make them what the body says; their id."""
    if employee_id is None:
        # The HR feed may have brought the person in already, or the identity system deleted them before:
        # a user created with their employee number is them.
        employee_id = session.scalar(select(Employee.id).where(Employee.employee_number == want.number))
        identity = _identity(session, employee_id) if employee_id else None
        if identity is not None and identity.deleted_at is None:
            raise UniquenessException(
                detail=f"employeeNumber {shown(want.number)} belongs to another user (id {employee_id})."
            )
    _check_unique(session, want, employee_id)
    existing = session.get(Employee, employee_id) if employee_id else None
    if existing is not None and existing.employee_number.upper() != want.number:
        existing.employee_number = want.number  # the identity system renumbered them; the rules key by it
        session.flush()
    org = load_org(session, _involved(session, want, existing))
    if want.site not in org.sites:
        raise InvalidValueException(
            detail=f"department {shown(want.site)} is not a site in Pathways; use a site code "
            "(the Schemas endpoint lists them)."
        )
    before = org.people.get(want.number)
    status = EmploymentStatus.ACTIVE.value
    if want.active is False:
        status = EmploymentStatus.TERMINATED.value
    elif before is not None and (want.active is None or before.status != EmploymentStatus.TERMINATED):
        status = before.status  # on leave stays on leave
    manager = _manager_number(session, want.manager_id)
    cells = {
        "employee_number": want.number, "email": want.email, "name": want.name, "job_role": want.title,
        "site": want.site, "region": org.sites[want.site], "manager_number": manager,
        "hired_on": (before.hire_date if before else today).isoformat(), "status": status,
    }  # fmt: skip
    row = people.read_row(0, [cells[name] for name in people.COLUMNS], COLUMNS, org, today)
    if isinstance(row, str):
        raise _reason(row)
    plan = people.plan_people([row], {}, {row.number: [0]}, {row.email: [0]}, org, row_count=1)
    if plan.rejections:
        raise _reason(plan.rejections[0].reason)
    apply_plan(session, plan, org, today=today, deactivate_missing=False, source=SOURCE)
    saved = session.scalar(select(Employee.id).where(Employee.employee_number == row.number))
    assert saved is not None  # the plan was applied
    identity = _identity(session, saved) or ScimIdentity(employee_id=saved)
    kept = (identity.user_name, identity.external_id, identity.deleted_at, identity.employee_number,
            identity.email_type, identity.email_primary)  # fmt: skip
    identity.user_name, identity.external_id, identity.deleted_at = want.user_name, want.external_id, None
    identity.employee_number, identity.email_type = want.number_as_sent, want.email_type
    identity.email_primary = want.email_primary
    session.add(identity)
    session.flush()
    outcome = plan.changes[0].outcome.value if plan.changes else "unchanged"
    now = (want.user_name, want.external_id, None, want.number_as_sent, want.email_type, want.email_primary)
    if outcome != "unchanged" or kept != now:  # the same body twice records nothing the second time
        audit.record(
            session, actor_user_id=None, action="scim.user.save", entity="employees", entity_id=saved,
            after={"source": SOURCE, "outcome": outcome, "userName": want.user_name},
        )  # fmt: skip
    return saved


def patch(session: Session, employee_id: int, body: Any, base_url: str, today: dt.date) -> int:
    """Apply a PatchOp to the person as SCIM sees them (scim2-models does add, replace and remove), then
    save the result through the same rules as a replacement."""
    current = resource(get_person(session, employee_id), base_url)
    operation = PatchOp[ScimUser].model_validate(
        _manager_as_object(body), scim_ctx=Context.RESOURCE_PATCH_REQUEST, scim_policy=POLICY
    )
    operation.patch(current, scim_policy=POLICY)
    return save(session, wanted(current), employee_id, today)


def _manager_as_object(body: Any) -> Any:
    """Entra ID sets the manager as a bare id (`"value": "42"`), not as the complex attribute: read it as
    `{"value": "42"}`."""
    for item in body.get("Operations") or [] if isinstance(body, dict) else []:
        path = item.get("path") if isinstance(item, dict) else None
        if isinstance(path, str) and path.lower().endswith("manager") and isinstance(item.get("value"), str):
            item["value"] = {"value": item["value"]}
    return body


def delete(session: Session, employee_id: int, today: dt.date) -> None:
    """End the person's employment as the HR feed's status=terminated does, and hide them from SCIM; their
    history, completions and records stay."""
    person = get_person(session, employee_id)
    if person.status != EmploymentStatus.TERMINATED:
        current = resource(person, "")
        current.active = False
        save(session, wanted(current), employee_id, today)
    identity = _identity(session, employee_id) or ScimIdentity(employee_id=employee_id)
    identity.deleted_at = dt.datetime.now(dt.UTC)
    identity.user_name = None  # free for someone else
    session.add(identity)
    session.flush()
