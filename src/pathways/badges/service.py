"""Issuing, revoking and verifying badges. Plain functions over a Session: they flush, never commit."""

import datetime as dt
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from pathways.audit import service as audit
from pathways.auth.models import User
from pathways.auth.permissions import can_manage_employee, is_admin
from pathways.badges import achievements, credentials, keys
from pathways.badges.credentials import Issuer
from pathways.badges.models import Badge
from pathways.config import Settings
from pathways.db import Base
from pathways.errors import BadRequest, Forbidden, NotFound
from pathways.learning.completions import CompletionKey
from pathways.learning.models import Completion, Course
from pathways.org.models import Employee

MAX_REASON = 500


@dataclass(frozen=True)
class Issuing:
    """What signing needs besides the database: who issues, and the secret that unlocks the key."""

    issuer: Issuer
    secret_key: str


def issuing(settings: Settings) -> Issuing:
    return Issuing(Issuer(settings.base_url.rstrip("/"), settings.badge_issuer_name), settings.secret_key)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _compact(kid: str, key: ECKey, payload: dict[str, Any]) -> str:
    """VC-JOSE: the credential itself is the JWS payload, typed vc+jwt, its key named by kid."""
    header = {"alg": keys.ALGORITHM, "kid": kid, "typ": credentials.JWS_TYPE}
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return jws.serialize_compact(header, body, key, algorithms=[keys.ALGORITHM])


def _sign(session: Session, how: Issuing, payload: dict[str, Any]) -> tuple[str, str]:
    kid, key = keys.signing_key(session, how.secret_key)
    return kid, _compact(kid, key, payload)


def award_earned(
    session: Session, how: Issuing, employee_id: int, today: dt.date | None = None
) -> list[Badge]:
    """Issue a badge for everything the person has earned and holds no badge for yet; returns the new ones.
    Idempotent: one badge per person and achievement, whatever the number of calls."""
    return award_many(session, how, {employee_id}, today)


# People per round of award_many: the id lists stay well under SQLite's and PostgreSQL's parameter limits.
AWARD_CHUNK = 500
LOOKUP_CHUNK = 2000


def award_many(
    session: Session, how: Issuing, employee_ids: set[int], today: dt.date | None = None
) -> list[Badge]:
    """award_earned for many people: a fixed number of queries per AWARD_CHUNK people (one INSERT and one
    UPDATE for all the badges they earn), not a round of queries per person."""
    today = today or dt.date.today()
    issued: list[Badge] = []
    ordered = sorted(employee_ids)
    for start in range(0, len(ordered), AWARD_CHUNK):
        chunk = ordered[start : start + AWARD_CHUNK]
        people = {e.id: e for e in session.scalars(select(Employee).where(Employee.id.in_(chunk)))}
        held_rows = session.execute(
            select(Badge.employee_id, Badge.achievement_key).where(Badge.employee_id.in_(chunk))
        )
        held = {(employee_id, key) for employee_id, key in held_rows}
        new: list[tuple[Employee, achievements.Earned]] = []
        for employee_id, items in achievements.earned_for_many(session, list(people), today).items():
            for item in items:
                if (employee_id, item.achievement.key) not in held:
                    held.add((employee_id, item.achievement.key))
                    new.append((people[employee_id], item))
        issued += _issue(session, how, new)
    return issued


def _issue(session: Session, how: Issuing, new: list[tuple[Employee, achievements.Earned]]) -> list[Badge]:
    if not new:
        return []
    now = _now()
    uuids = [str(uuid.uuid4()) for _ in new]
    rows = [
        {
            "uuid": badge_uuid,
            "employee_id": employee.id,
            "achievement_key": item.achievement.key,
            "kind": item.achievement.kind,
            "name": item.achievement.name[:300],
            "kid": "",
            "issued_at": now,
            "expires_at": dt.datetime.combine(item.expires_on, dt.time(), tzinfo=dt.UTC)
            if item.expires_on
            else None,
            "credential_jwt": "",
            "revoked_reason": "",
        }
        for badge_uuid, (employee, item) in zip(uuids, new, strict=True)
    ]
    # One executemany, then the rows back by uuid for their ids (which place each badge in the status list
    # its credential names): the ORM's flush inserts row by row on SQLite to learn each id.
    session.execute(insert(Base.metadata.tables["badges"]), rows)  # Core: one statement, Nones or not
    stored: dict[str, Badge] = {}
    for start in range(0, len(uuids), LOOKUP_CHUNK):
        found = session.scalars(select(Badge).where(Badge.uuid.in_(uuids[start : start + LOOKUP_CHUNK])))
        stored.update((badge.uuid, badge) for badge in found)
    badges = [stored[u] for u in uuids]
    kid, key = keys.signing_key(session, how.secret_key)
    signed = []
    for badge, (employee, item) in zip(badges, new, strict=True):
        payload = credentials.credential(
            how.issuer,
            item.achievement,
            credential_id=badge.uuid,
            badge_id=badge.id,
            holder_name=employee.name,
            holder_email=employee.email,
            issued_at=now,
            expires_at=badge.expires_at,
        )
        signed.append({"id": badge.id, "kid": kid, "credential_jwt": _compact(kid, key, payload)})
    # One executemany by primary key: the ORM's flush would UPDATE row by row (it checks each row count).
    session.execute(update(Badge), signed)
    for badge, values in zip(badges, signed, strict=True):
        set_committed_value(badge, "kid", values["kid"])
        set_committed_value(badge, "credential_jwt", values["credential_jwt"])
    return badges


def badges_of(session: Session, employee_id: int) -> list[Badge]:
    return list(
        session.scalars(
            select(Badge).where(Badge.employee_id == employee_id).order_by(Badge.issued_at.desc(), Badge.id)
        )
    )


def own_badge(session: Session, user: User, badge_id: int) -> Badge:
    """A badge of the signed-in person's own: downloads are theirs alone (anyone can verify one by id)."""
    badge = session.get(Badge, badge_id)
    if badge is None or user.employee_id is None or badge.employee_id != user.employee_id:
        raise NotFound("You have no badge with that number.")
    return badge


def revoke(session: Session, actor: User, badge_id: int, reason: str) -> Badge:
    badge = session.get(Badge, badge_id)
    if badge is None:
        raise NotFound("There is no badge with that number.")
    holder = session.get(Employee, badge.employee_id)
    assert holder is not None  # the foreign key cascades
    if not (is_admin(actor) or can_manage_employee(session, actor, holder)):
        raise Forbidden("Only an administrator, or a supervisor of the holder, can revoke a badge.")
    reason = reason.strip()
    if not reason:
        raise BadRequest("reason: say why the badge is revoked; it is kept with the revocation.")
    if len(reason) > MAX_REASON:
        raise BadRequest(f"reason: at most {MAX_REASON} characters, not {len(reason)}.")
    if badge.revoked_at is not None:
        raise BadRequest("This badge is already revoked.")
    badge.revoked_at = _now()
    badge.revoked_reason = reason
    badge.revoked_by_user_id = actor.id
    audit.record(
        session,
        actor_user_id=actor.id,
        action="badge.revoke",
        entity="badges",
        entity_id=badge.id,
        before={"revoked": False},
        after={"revoked": True, "reason": reason},
    )
    session.flush()
    return badge


def revoke_withdrawn(
    session: Session, withdrawn: Sequence[CompletionKey], reason: str, actor_user_id: int | None = None
) -> list[Badge]:
    """Revoke the course badges that completions taken back had earned, in the caller's transaction.

    A course done once earns one badge (course:CODE): it stays while another completion of the course still
    stands. A course that must be renewed earns one badge per completion (course:CODE:DATE), valid until that
    completion lapses: the badge of the completion taken back goes. Revoked as `revoke` does, so the status
    list and verification say so; a fixed number of queries whatever the number of completions.
    """
    if not withdrawn:
        return []
    employee_ids = sorted({employee_id for employee_id, _, _ in withdrawn})
    course_ids = sorted({course_id for _, course_id, _ in withdrawn})
    courses = {
        row.id: (row.code, row.valid_for_months)
        for row in session.execute(
            select(Course.id, Course.code, Course.valid_for_months).where(Course.id.in_(course_ids))
        )
    }
    standing = {
        (row.employee_id, row.course_id)
        for row in session.execute(
            select(Completion.employee_id, Completion.course_id)
            .where(Completion.employee_id.in_(employee_ids), Completion.course_id.in_(course_ids))
            .distinct()
        )
    }
    wanted: set[tuple[int, str]] = set()
    for employee_id, course_id, completed_at in withdrawn:
        code, months = courses[course_id]
        if months:
            wanted.add((employee_id, f"course:{code}:{completed_at.isoformat()}"))
        elif (employee_id, course_id) not in standing:
            wanted.add((employee_id, f"course:{code}"))
    if not wanted:
        return []
    candidates = session.scalars(
        select(Badge).where(
            Badge.employee_id.in_(employee_ids),
            Badge.achievement_key.in_(sorted({key for _, key in wanted})),
            Badge.revoked_at.is_(None),
        )
    )
    revoked = [badge for badge in candidates if (badge.employee_id, badge.achievement_key) in wanted]
    now = _now()
    for badge in revoked:
        badge.revoked_at = now
        badge.revoked_reason = reason[:MAX_REASON]
        badge.revoked_by_user_id = actor_user_id
        audit.record(
            session,
            actor_user_id=actor_user_id,
            action="badge.revoke",
            entity="badges",
            entity_id=badge.id,
            before={"revoked": False},
            after={"revoked": True, "reason": badge.revoked_reason},
        )
    session.flush()
    return revoked


def revokable_badges(session: Session, actor: User, employee: Employee) -> bool:
    return is_admin(actor) or can_manage_employee(session, actor, employee)


def revoked_indexes(session: Session, list_number: int) -> set[int]:
    first = (list_number - 1) * credentials.STATUS_LIST_SIZE + 1
    last = first + credentials.STATUS_LIST_SIZE - 1
    ids = session.scalars(
        select(Badge.id).where(Badge.revoked_at.is_not(None), Badge.id >= first, Badge.id <= last)
    )
    return {credentials.status_position(badge_id)[1] for badge_id in ids}


def status_list_jwt(session: Session, how: Issuing, list_number: int) -> str:
    if list_number < 1 or list_number > 1_000_000:
        raise NotFound("There is no status list with that number.")
    payload = credentials.status_list_credential(
        how.issuer, list_number, revoked_indexes(session, list_number), _now()
    )
    return _sign(session, how, payload)[1]


# ------------------------------------------------------------------------------------------- verification
@dataclass
class Verification:
    """What a verifier tells a person: the outcome, each check with its result, and what the badge says."""

    outcome: str  # valid | revoked | expired | not-yet-valid | invalid
    checks: list[tuple[str, bool]] = field(default_factory=list)
    problem: str = ""
    credential: dict[str, Any] | None = None

    @property
    def valid(self) -> bool:
        return self.outcome == "valid"

    def summary(self) -> dict[str, Any]:
        subject = (self.credential or {}).get("credentialSubject", {})
        return {
            "outcome": self.outcome,
            "valid": self.valid,
            "problem": self.problem,
            "checks": [{"check": name, "passed": passed} for name, passed in self.checks],
            "achievement": subject.get("achievement", {}).get("name"),
            "holder": subject.get("name"),
            "issuer": (self.credential or {}).get("issuer", {}).get("name")
            if isinstance((self.credential or {}).get("issuer"), dict)
            else None,
            "valid_from": (self.credential or {}).get("validFrom"),
            "valid_until": (self.credential or {}).get("validUntil"),
            "credential": self.credential,
        }


def _invalid(result: Verification, check: str, problem: str) -> Verification:
    result.checks.append((check, False))
    result.outcome = "invalid"
    result.problem = problem
    return result


def _moment(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def verify(session: Session, how: Issuing, token: str, now: dt.datetime | None = None) -> Verification:
    """Check a compact JWS credential: signed by one of this issuer's keys, for this issuer, in its validity
    period, and not revoked in the status list it names."""
    now = now or _now()
    result = Verification("invalid")
    token = token.strip()
    if token.count(".") != 2:
        return _invalid(
            result, "format", "This is not a signed badge (a compact JWS: three parts separated by dots)."
        )
    if not token.rsplit(".", 1)[1]:
        return _invalid(result, "format", "This badge is not signed: it carries no signature to check.")
    try:
        header = jws.extract_compact(token.encode()).headers()
    except (JoseError, ValueError, TypeError):
        return _invalid(result, "format", "The badge's header cannot be read: it is damaged or not a badge.")
    if header.get("alg") != keys.ALGORITHM:
        return _invalid(
            result, "format", f"The badge is not signed with {keys.ALGORITHM}, as this issuer signs."
        )
    result.checks.append(("format", True))
    try:
        verified = jws.deserialize_compact(token, keys.key_set(session), algorithms=[keys.ALGORITHM])
    except (JoseError, ValueError, TypeError):
        return _invalid(
            result,
            "signature",
            "The signature does not match: the badge was changed after it was issued, or another issuer "
            "signed it.",
        )
    result.checks.append(("signature", True))
    try:
        payload = json.loads(verified.payload)
    except ValueError:
        return _invalid(result, "contents", "The signed contents are not a credential (not JSON).")
    if not isinstance(payload, dict) or "OpenBadgeCredential" not in payload.get("type", []):
        return _invalid(result, "contents", "The signed contents are not an Open Badges credential.")
    result.credential = payload
    issuer = payload.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer_id != how.issuer.id:
        return _invalid(result, "issuer", "The credential names another issuer than this one.")
    result.checks.append(("issuer", True))
    valid_from, valid_until = _moment(payload.get("validFrom")), _moment(payload.get("validUntil"))
    if valid_from is None or valid_from > now:
        result.checks.append(("validity period", False))
        result.outcome, result.problem = "not-yet-valid", "The badge is not valid yet."
        return result
    if valid_until is not None and valid_until <= now:
        result.checks.append(("validity period", False))
        result.outcome = "expired"
        result.problem = f"The badge expired on {payload['validUntil']}."
        return result
    result.checks.append(("validity period", True))
    if _revoked(session, how, payload.get("credentialStatus")):
        result.checks.append(("revocation", False))
        result.outcome, result.problem = "revoked", "The issuer has revoked this badge."
        return result
    result.checks.append(("revocation", True))
    result.outcome = "valid"
    return result


def _revoked(session: Session, how: Issuing, status: Any) -> bool:
    """Read the bit from the status list credential the entry names, as any verifier would (this issuer's own
    list, so no fetch). An entry that names no list of this issuer cannot be checked: treated as revoked."""
    if not isinstance(status, dict) or status.get("type") != "BitstringStatusListEntry":
        return True
    url, index = status.get("statusListCredential"), status.get("statusListIndex")
    prefix = how.issuer.status_list_url(0)[:-1]
    if not isinstance(url, str) or not url.startswith(prefix) or not str(index).isdigit():
        return True
    try:
        list_number = int(url[len(prefix) :])
    except ValueError:
        return True
    position = int(str(index))
    if position >= credentials.STATUS_LIST_SIZE:
        return True
    listed = credentials.status_list_credential(
        how.issuer, list_number, revoked_indexes(session, list_number), _now()
    )
    return credentials.status_bit(listed["credentialSubject"]["encodedList"], position)


def verify_by_id(session: Session, how: Issuing, credential_id: str) -> Verification:
    wanted = credential_id.strip().removeprefix("urn:uuid:")
    try:
        wanted = str(uuid.UUID(wanted))
    except ValueError:
        raise BadRequest("id: a badge id is a UUID, such as 0f8fad5b-d9cb-469f-a165-70867728950e.") from None
    token = session.scalar(select(Badge.credential_jwt).where(Badge.uuid == wanted))
    if token is None:
        raise NotFound("This issuer has no badge with that id.")
    return verify(session, how, token)


class Awarder:
    """Issues, in the request's own transaction, what a person has just earned: routes that record a
    completion, a rating or evidence call it with the person's id once they have recorded it."""

    def __init__(self, session: Session, how: Issuing) -> None:
        self.session, self.how = session, how

    def __call__(self, employee_id: int) -> list[Badge]:
        return award_earned(self.session, self.how, employee_id)
