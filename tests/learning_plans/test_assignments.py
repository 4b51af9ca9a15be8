"""Assigning courses: targets, idempotence, scope, and moving, cancelling and waiving with history."""

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pathways.audit.models import AuditEntry
from pathways.auth.permissions import reports_of
from pathways.errors import BadRequest, Conflict, Forbidden, NotFound
from pathways.inbox.models import Notification
from pathways.learning import assignments as service
from pathways.learning.assignments import Target
from pathways.learning.models import Assignment
from pathways.org.models import Employee, Site
from tests.learning_plans.conftest import TODAY, course, person, user

DUE = TODAY + dt.timedelta(days=30)


def assign(session: Session, who: str, target: Target, code: str = "PRIV-102") -> service.AssignOutcome:
    return service.assign(
        session,
        user(session, who),
        course_code=code,
        target=target,
        due_on=DUE,
        reason="Annual refresher",
        today=TODAY,
    )


def inbox_of(session: Session, who: str) -> list[str]:
    query = select(Notification.message).where(Notification.user_id == user(session, who).id)
    return list(session.scalars(query))


def test_assign_to_one_employee_notifies_and_audits(session: Session) -> None:
    alice = person(session, "psr_alice")
    outcome = assign(session, "sup_carl", Target("employee", str(alice.id)))
    assert [p.name for p in outcome.assigned] == ["Alice Moreno"]
    row = session.scalar(select(Assignment).where(Assignment.employee_id == alice.id))
    assert row is not None and row.state == "open" and row.due_on == DUE
    assert row.assigned_by_user_id == user(session, "sup_carl").id
    assert any("PRIV-102" in m and "Annual refresher" in m for m in inbox_of(session, "psr_alice"))
    audit = session.scalar(select(AuditEntry).where(AuditEntry.action == "assignment.assigned"))
    assert audit is not None and audit.entity_id == row.id and audit.after["due_on"] == DUE.isoformat()
    assert [e.action for e in service.history(session, row.id)] == ["assigned"]


def test_assigning_twice_does_not_duplicate(session: Session) -> None:
    alice = person(session, "psr_alice")
    assign(session, "sup_carl", Target("employee", "E" + alice.employee_number[1:]))
    again = assign(session, "trainer_tina", Target("employee", alice.email))
    assert again.assigned == [] and [p.id for p in again.already] == [alice.id]
    count = select(func.count()).select_from(Assignment).where(Assignment.employee_id == alice.id)
    assert session.scalar(count) == 1
    assert sum("PRIV-102" in m for m in inbox_of(session, "psr_alice")) == 1


def test_assign_to_a_whole_team_direct_and_indirect(session: Session) -> None:
    maria = person(session, "mgr_maria")
    outcome = assign(session, "admin_ada", Target("team", str(maria.id)))
    everyone = set(session.scalars(reports_of(maria.id)))
    assert {p.id for p in outcome.assigned} == everyone
    assert person(session, "psr_alice").id in everyone  # indirect: Alice reports to Carl, Carl to Maria
    assert person(session, "outsider_dan").id in everyone
    assert maria.id not in everyone


def test_assign_to_a_site_and_a_role(session: Session) -> None:
    site = session.scalar(select(Site).where(Site.code == "NV-PSC-01"))
    assert site is not None
    at_site = set(session.scalars(select(Employee.id).where(Employee.site_id == site.id)))
    outcome = assign(session, "admin_ada", Target("site", "NV-PSC-01"))
    assert {p.id for p in outcome.assigned} == at_site
    assert outcome.target_label == f"everyone at {site.name}"
    by_role = assign(session, "admin_ada", Target("role", "psr-1"), code="COMM-110")
    assert by_role.assigned and by_role.target_label == "every PSR I"


def test_a_trainer_assigns_within_their_region_only(session: Session) -> None:
    outcome = assign(session, "trainer_tina", Target("role", "psr-2"))
    regions = {session.get(Site, p.site_id).region_id for p in outcome.assigned}  # type: ignore[union-attr]
    assert len(regions) == 1
    assert person(session, "outsider_dan").id not in {p.id for p in outcome.assigned}
    assert outcome.out_of_scope >= 1  # Dan, a PSR II in the other region, was skipped


@pytest.mark.parametrize("who", ["psr_alice", "lead_bea", "outsider_dan"])
def test_employees_and_site_leads_cannot_assign(session: Session, who: str) -> None:
    with pytest.raises(Forbidden, match="Only supervisors, trainers and administrators can assign"):
        assign(session, who, Target("employee", str(person(session, "psr_alice").id)))
    assert session.scalar(select(func.count()).select_from(Assignment)) == 0


def test_a_supervisor_cannot_assign_outside_their_reports(session: Session) -> None:
    dan = person(session, "outsider_dan")
    with pytest.raises(Forbidden, match="Dan Kowalski is outside your scope"):
        assign(session, "sup_carl", Target("employee", str(dan.id)))
    with pytest.raises(Forbidden, match="Nobody in the team of Sam Whitfield is within your scope"):
        assign(session, "sup_carl", Target("team", str(person(session, "sup_sam").id)))
    assert session.scalar(select(func.count()).select_from(Assignment)) == 0


@pytest.mark.parametrize(
    ("target", "due", "reason", "error", "message"),
    [
        (Target("site", "NOPE"), DUE, "r", NotFound, "No site with code 'NOPE'"),
        (Target("role", "astronaut"), DUE, "r", NotFound, "No role with code 'astronaut'"),
        (Target("employee", "99999"), DUE, "r", NotFound, "No employee with id, number or email '99999'"),
        (Target("team", "E00004"), DUE, "r", BadRequest, "nobody to assign to in the team of Alice Moreno"),
        (Target("site", "NV-PSC-01"), TODAY - dt.timedelta(days=1), "r", BadRequest, "is in the past"),
        (Target("site", "NV-PSC-01"), DUE, "   ", BadRequest, "Give a reason"),
        (Target("site", "NV-PSC-01"), DUE, "x" * 501, BadRequest, "500 characters"),
    ],
)
def test_bad_assignments_change_nothing(
    session: Session, target: Target, due: dt.date, reason: str, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        service.assign(
            session,
            user(session, "admin_ada"),
            course_code="PRIV-102",
            target=target,
            due_on=due,
            reason=reason,
            today=TODAY,
        )
    with pytest.raises(NotFound, match="No course with code 'NOPE-1'"):
        service.assign(
            session,
            user(session, "admin_ada"),
            course_code="NOPE-1",
            target=target,
            due_on=DUE,
            reason="r",
            today=TODAY,
        )
    assert session.scalar(select(func.count()).select_from(Assignment)) == 0


def test_parse_target() -> None:
    assert Target.parse("site:NV-PSC-01") == Target("site", "NV-PSC-01")
    with pytest.raises(BadRequest, match="Choose whom"):
        Target.parse("planet:mars")
    with pytest.raises(BadRequest):
        Target.parse("team:")


def test_move_cancel_waive_keep_history(session: Session) -> None:
    alice = person(session, "psr_alice")
    carl = user(session, "sup_carl")
    assign(session, "sup_carl", Target("employee", str(alice.id)))
    row = session.scalar(select(Assignment).where(Assignment.employee_id == alice.id))
    assert row is not None
    later = DUE + dt.timedelta(days=7)
    service.move_due(session, carl, row.id, later, TODAY, "Leave in March")
    assert row.due_on == later
    with pytest.raises(BadRequest, match="in the past"):
        service.move_due(session, carl, row.id, TODAY - dt.timedelta(days=2), TODAY)
    service.waive(session, carl, row.id, "Completed at previous employer")
    assert (row.state, row.state_reason) == ("waived", "Completed at previous employer")
    with pytest.raises(Conflict):
        service.waive(session, carl, row.id, "again")
    with pytest.raises(Conflict, match="only an open one"):
        service.move_due(session, carl, row.id, later, TODAY)
    service.cancel(session, carl, row.id, "Role changed")
    with pytest.raises(Conflict, match="already cancelled"):
        service.cancel(session, carl, row.id)
    # Assigning again reopens the same row: still one per person and course, history kept.
    assign(session, "sup_carl", Target("employee", str(alice.id)))
    assert row.state == "open"
    actions = [e.action for e in service.history(session, row.id)]
    assert actions == ["assigned", "due-moved", "waived", "cancelled", "reopened"]
    audited = session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "assignments"))
    assert list(audited) == [f"assignment.{a}" for a in actions]
    messages = inbox_of(session, "psr_alice")
    assert any("due date is now" in m for m in messages) and any("waived" in m for m in messages)


def test_waive_needs_a_reason_and_scope(session: Session) -> None:
    alice = person(session, "psr_alice")
    assign(session, "sup_carl", Target("employee", str(alice.id)))
    row = session.scalar(select(Assignment).where(Assignment.employee_id == alice.id))
    assert row is not None
    with pytest.raises(BadRequest, match="reason for the waiver"):
        service.waive(session, user(session, "sup_carl"), row.id, " ")
    with pytest.raises(Forbidden, match="outside your scope"):
        service.cancel(session, user(session, "sup_sam"), row.id)
    with pytest.raises(Forbidden, match="Only supervisors"):
        service.cancel(session, user(session, "lead_bea"), row.id)
    with pytest.raises(NotFound, match="No assignment with id 999999"):
        service.cancel(session, user(session, "sup_carl"), 999999)
    assert row.state == "open"


def test_waive_a_role_requirement(session: Session) -> None:
    alice = person(session, "psr_alice")
    carl = user(session, "sup_carl")
    row = service.waive_course(session, carl, alice, course(session, "PSR-110"), "Transferred in", TODAY)
    assert row.state == "waived" and row.course_id == course(session, "PSR-110").id
    with pytest.raises(Conflict, match="already waived"):
        service.waive_course(session, carl, alice, course(session, "PSR-110"), "again", TODAY)
    with pytest.raises(BadRequest, match="not required of Alice Moreno"):
        service.waive_course(session, carl, alice, course(session, "COD-401"), "why", TODAY)
