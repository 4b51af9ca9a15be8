"""Adding, verifying and rejecting certifications, and what a person's records mean for readiness.

The rule readiness uses is here and nowhere else (`standings`, `missing_required`): a role's required
certification is met by a verified record of its kind that has not expired. A record expires on its expiry
date, as a recertified course does.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from pathways.audit import service as audit
from pathways.auth.models import User
from pathways.auth.permissions import can_manage_employee, can_view_employee, ensure
from pathways.certifications.files import CheckedFile
from pathways.certifications.models import PENDING, REJECTED, VERIFIED, Certification, CertificationKind
from pathways.errors import BadRequest, Conflict, NotFound, shown
from pathways.inbox import service as inbox
from pathways.org.models import Employee
from pathways.teams.scope import Ids

LAPSE_WINDOW_DAYS = 60  # "lapses soon" on the team page, and the first reminder
REASON_MAX = 500
OUT_OF_SCOPE = "You can only see the certifications of people in your own scope."
NOT_VERIFIER = (
    "Only the person's supervisor (in their reporting line) or an administrator verifies certifications."
)
# A standing, best first: what readiness and the team page read.
VALID, AWAITING, EXPIRED = "valid", "awaiting verification", "expired"


@dataclass(frozen=True)
class NewCertification:
    kind: str
    issuing_body: str
    number: str
    issued_on: dt.date
    expires_on: dt.date | None
    replaces_id: int | None = None


@dataclass(frozen=True)
class Standing:
    """A person's best record of one kind."""

    kind: str
    status: str  # VALID | AWAITING | EXPIRED
    expires_on: dt.date | None
    certification_id: int

    @property
    def valid(self) -> bool:
        return self.status == VALID


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def expired(cert: Certification, today: dt.date) -> bool:
    return cert.expires_on is not None and cert.expires_on <= today


def kinds(session: Session) -> list[CertificationKind]:
    return list(session.scalars(select(CertificationKind).order_by(CertificationKind.position)))


def records_for(session: Session, employee_id: int) -> list[Certification]:
    query = (
        select(Certification)
        .options(selectinload(Certification.kind))
        .where(Certification.employee_id == employee_id)
        .order_by(Certification.issued_on.desc(), Certification.id.desc())
    )
    return list(session.scalars(query))


def ensure_can_see(session: Session, user: User, employee: Employee) -> None:
    ensure(can_view_employee(session, user, employee), OUT_OF_SCOPE)


def can_verify(session: Session, user: User, employee: Employee) -> bool:
    """The person's manager in the sense of permissions.can_manage_employee: never the person themselves."""
    return can_manage_employee(session, user, employee)


def _text(value: str, label: str, limit: int) -> str:
    text = " ".join(value.split())
    if not text:
        raise BadRequest(f"{label}: enter it as it is printed on the certificate.")
    if len(text) > limit or not text.isprintable():
        raise BadRequest(f"{label}: {shown(text)} is not valid; at most {limit} printable characters.")
    return text


def _check(session: Session, employee: Employee, data: NewCertification, today: dt.date) -> CertificationKind:
    kind = session.scalar(select(CertificationKind).where(CertificationKind.code == data.kind))
    if kind is None:
        raise BadRequest(f"Kind: there is no certification kind {shown(data.kind)}.")
    if data.issued_on > today:
        raise BadRequest(f"Issued: {data.issued_on.isoformat()} is in the future.")
    if data.issued_on.year < 1950:
        raise BadRequest(f"Issued: {data.issued_on.isoformat()} is too long ago to be a current certificate.")
    if data.expires_on is not None and data.expires_on <= data.issued_on:
        raise BadRequest("Expires: the expiry date must come after the date it was issued.")
    if data.expires_on is not None and data.expires_on > data.issued_on + dt.timedelta(days=366 * 10):
        raise BadRequest(
            "Expires: more than 10 years after it was issued; check the date on the certificate."
        )
    if data.replaces_id is not None:
        old = session.get(Certification, data.replaces_id)
        if old is None or old.employee_id != employee.id:
            raise BadRequest(f"Replaces: {employee.name} has no certification with id {data.replaces_id}.")
        if old.kind_id != kind.id:
            raise BadRequest("Replaces: a certification is replaced by one of the same kind.")
        lapsing = old.expires_on is not None and old.expires_on <= today + dt.timedelta(
            days=LAPSE_WINDOW_DAYS
        )
        if not lapsing:
            raise BadRequest("Replaces: only a certification that has expired or expires within 60 days.")
        if session.scalar(select(Certification.id).where(Certification.replaces_id == old.id)):
            raise Conflict("Replaces: that certification has already been replaced.")
    return kind


def add(
    session: Session, user: User, data: NewCertification, file: CheckedFile, today: dt.date
) -> Certification:
    """The signed-in person adds a certificate of their own; it waits for their supervisor's verification."""
    if user.employee_id is None:
        raise BadRequest("Your account is not linked to an employee record, so it holds no certifications.")
    employee = session.get(Employee, user.employee_id)
    if employee is None:
        raise NotFound("Your employee record no longer exists.")
    kind = _check(session, employee, data, today)
    cert = Certification(
        employee_id=employee.id,
        kind_id=kind.id,
        issuing_body=_text(data.issuing_body, "Issuing body", 160),
        number=_text(data.number, "Certificate number", 64),
        issued_on=data.issued_on,
        expires_on=data.expires_on,
        status=PENDING,
        reason="",
        replaces_id=data.replaces_id,
        file_name=file.name or "certificate",
        file_type=file.media_type,
        file_size=len(file.data),
        file_data=file.data,
        created_by_user_id=user.id,
    )
    session.add(cert)
    session.flush()
    audit.record(
        session,
        actor_user_id=user.id,
        action="certification.add",
        entity="certifications",
        entity_id=cert.id,
        after=_audit_view(cert, kind),
    )
    if employee.manager_id is not None:
        inbox.notify_employee(
            session,
            employee.manager_id,
            "certification",
            f"{employee.name} added a {kind.name} certification to verify.",
            f"/team/people/{employee.id}/certifications",
        )
    return cert


def _audit_view(cert: Certification, kind: CertificationKind) -> dict[str, Any]:
    return {
        "kind": kind.code,
        "issuing_body": cert.issuing_body,
        "number": cert.number,
        "issued_on": cert.issued_on.isoformat(),
        "expires_on": cert.expires_on.isoformat() if cert.expires_on else None,
        "status": cert.status,
        "file": {"name": cert.file_name, "type": cert.file_type, "bytes": cert.file_size},
    }


def visible(session: Session, user: User, certification_id: int) -> Certification:
    query = (
        select(Certification)
        .options(selectinload(Certification.kind), selectinload(Certification.employee))
        .where(Certification.id == certification_id)
    )
    cert = session.scalar(query)
    if cert is None:
        raise NotFound(f"No certification with id {certification_id}.")
    ensure_can_see(session, user, cert.employee)
    return cert


def decide(
    session: Session, user: User, certification_id: int, *, verify: bool, reason: str = ""
) -> Certification:
    cert = visible(session, user, certification_id)
    ensure(can_verify(session, user, cert.employee), NOT_VERIFIER)
    if cert.status != PENDING:
        raise Conflict(f"This certification was already {cert.status}.")
    reason = " ".join(reason.split())
    if not verify and not reason:
        raise BadRequest("Reason: say why the certification is rejected; the person sees it.")
    if len(reason) > REASON_MAX or not reason.isprintable():
        raise BadRequest(f"Reason: at most {REASON_MAX} printable characters.")
    before = cert.status
    cert.status = VERIFIED if verify else REJECTED
    cert.reason = "" if verify else reason
    cert.decided_by_user_id, cert.decided_at = user.id, now()
    session.flush()
    audit.record(
        session,
        actor_user_id=user.id,
        action=f"certification.{'verify' if verify else 'reject'}",
        entity="certifications",
        entity_id=cert.id,
        before={"status": before},
        after={"status": cert.status, "reason": cert.reason},
    )
    message = (
        f"Your {cert.kind.name} certification was verified."
        if verify
        else f"Your {cert.kind.name} certification was not verified: {reason}"
    )
    inbox.notify_employee(session, cert.employee_id, "certification", message, "/certifications")
    return cert


def file_of(session: Session, user: User, certification_id: int) -> tuple[Certification, bytes]:
    cert = visible(session, user, certification_id)
    data = session.scalar(select(Certification.file_data).where(Certification.id == cert.id))
    return cert, data or b""


# ---------------------------------------------------------------- readiness
def _rank(status: str) -> int:
    return {VALID: 0, AWAITING: 1, EXPIRED: 2}[status]


def standings(
    session: Session, employee_ids: Ids | Iterable[int], today: dt.date
) -> dict[int, dict[str, Standing]]:
    """Each person's best record of each kind (rejected ones count for nothing), in one query."""
    ids = employee_ids if isinstance(employee_ids, Select) else list(employee_ids)
    rows = session.execute(
        select(
            Certification.id,
            Certification.employee_id,
            CertificationKind.code,
            Certification.status,
            Certification.expires_on,
        )
        .join(CertificationKind, CertificationKind.id == Certification.kind_id)
        .where(Certification.employee_id.in_(ids), Certification.status != REJECTED)
    )
    best: dict[int, dict[str, Standing]] = {}
    for cert_id, employee_id, code, status, expires_on in rows:
        lapsed = expires_on is not None and expires_on <= today
        standing = EXPIRED if lapsed else VALID if status == VERIFIED else AWAITING
        candidate = Standing(code, standing, expires_on, cert_id)
        mine = best.setdefault(employee_id, {})
        current = mine.get(code)
        if current is None or (_rank(standing), -_ordinal(expires_on)) < (
            _rank(current.status),
            -_ordinal(current.expires_on),
        ):
            mine[code] = candidate
    return best


def _ordinal(day: dt.date | None) -> int:
    return dt.date.max.toordinal() if day is None else day.toordinal()


def missing_required(
    role_certifications: Iterable[Mapping[str, Any]], held: Mapping[str, Standing]
) -> list[str]:
    """The names of a role's required certifications that `held` does not meet (verified, unexpired)."""
    return [
        str(item["name"])
        for item in role_certifications
        if item.get("required")
        and item.get("kind")
        and not (item["kind"] in held and held[item["kind"]].valid)
    ]


# ---------------------------------------------------------------- the team's view
@dataclass(frozen=True)
class TeamRow:
    employee_id: int
    name: str
    role: str
    kind: str
    status: str
    expires_on: dt.date | None
    certification_id: int

    def lapses_within(self, today: dt.date, days: int = LAPSE_WINDOW_DAYS) -> bool:
        return (
            self.status != EXPIRED
            and self.expires_on is not None
            and self.expires_on <= today + dt.timedelta(days=days)
        )


@dataclass(frozen=True)
class TeamView:
    rows: list[TeamRow]
    lapsing: list[TeamRow]
    kinds: list[str]


def team_view(session: Session, scope: Ids, today: dt.date) -> TeamView:
    """Who in scope holds what (their best record of each kind) and what lapses within 60 days."""
    from pathways.careers.models import Role

    held = standings(session, scope, today)
    kind_names = dict(session.execute(select(CertificationKind.code, CertificationKind.name)).all())
    people = session.execute(
        select(Employee.id, Employee.name, Role.name)
        .join(Role, Role.id == Employee.role_id)
        .where(Employee.id.in_(list(held)))
        .order_by(Employee.name, Employee.id)
    ).all()
    rows = [
        TeamRow(
            employee_id, name, role, kind_names.get(code, code), s.status, s.expires_on, s.certification_id
        )
        for employee_id, name, role in people
        for code, s in sorted(held[employee_id].items())
    ]
    lapsing = sorted((r for r in rows if r.lapses_within(today)), key=lambda r: (r.expires_on, r.name))
    return TeamView(rows, lapsing, sorted({r.kind for r in rows}))
