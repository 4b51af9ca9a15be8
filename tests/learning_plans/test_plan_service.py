"""My learning plan: required by role and assigned, chosen from trackers, status, due dates, progress."""

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.careers.models import Role
from pathways.competencies.evidence import levels_for
from pathways.learning import plan_service as plans
from pathways.learning import requirements as rules
from pathways.learning.assignments import Target, assign, waive
from pathways.learning.completions import record_completion
from pathways.learning.models import Completion, CourseStart
from pathways.org.scope import get_employee
from tests.helpers import counting_statements
from tests.learning_plans.conftest import TODAY, course, person, user


def role_codes(session: Session, role_code: str) -> set[str]:
    role = session.scalar(select(Role).where(Role.code == role_code))
    assert role is not None
    from pathways.careers.models import role_required_courses
    from pathways.learning.models import Course

    query = select(Course.code).join(role_required_courses).where(role_required_courses.c.role_id == role.id)
    return set(session.scalars(query))


def test_required_by_role_are_computed_from_the_current_role(session: Session) -> None:
    alice = get_employee(session, person(session, "psr_alice").id)
    plan = plans.build_plan(session, alice, TODAY)
    assert {e.course.code for e in plan.required} == role_codes(session, "psr-1")
    for entry in plan.required:
        assert entry.sources == ["role"]
        assert entry.reasons == ["Required for the role PSR I"]
        assert entry.due_on == alice.role_since + dt.timedelta(days=rules.ROLE_DUE_DAYS)
        assert entry.compliance and not entry.career

    # A promotion changes the plan at once: nothing was copied into rows.
    alice.role_id = session.scalar(select(Role.id).where(Role.code == "psr-2"))
    session.flush()
    session.expire(alice)
    promoted = plans.build_plan(session, get_employee(session, alice.id), TODAY)
    assert {e.course.code for e in promoted.required} == role_codes(session, "psr-2")


def test_status_completion_date_score_and_progress(session: Session) -> None:
    alice = get_employee(session, person(session, "psr_alice").id)
    session.execute(Completion.__table__.delete().where(Completion.employee_id == alice.id))
    priv, psr = course(session, "PRIV-101"), course(session, "PSR-101")
    record_completion(
        session,
        employee_id=alice.id,
        course_id=priv.id,
        completed_at=TODAY - dt.timedelta(days=3),
        score=88,
        source="manual",
    )
    plans.mark_started(session, employee_id=alice.id, course_id=psr.id, on=TODAY, source="manual")
    plan = plans.build_plan(session, alice, TODAY)
    by_code = {e.course.code: e for e in plan.required}
    assert by_code["PRIV-101"].status == "completed"
    assert by_code["PRIV-101"].completed_on == TODAY - dt.timedelta(days=3)
    assert by_code["PRIV-101"].score == 88
    assert not by_code["PRIV-101"].overdue
    assert by_code["PSR-101"].status == "in progress"
    progress = plan.required_progress
    assert (progress.total, progress.completed, progress.in_progress) == (5, 1, 1)
    assert progress.not_started == 3
    assert progress.percent == 20


def test_overdue_and_due_soon_and_order(session: Session) -> None:
    alice = get_employee(session, person(session, "psr_alice").id)
    carl = user(session, "sup_carl")
    soon, later = TODAY + dt.timedelta(days=14), TODAY + dt.timedelta(days=15)
    assign(
        session,
        carl,
        course_code="COMM-110",
        target=Target("employee", str(alice.id)),
        due_on=soon,
        reason="Soon",
        today=TODAY,
    )
    assign(
        session,
        carl,
        course_code="COMM-120",
        target=Target("employee", str(alice.id)),
        due_on=later,
        reason="Later",
        today=TODAY,
    )
    alice.role_since = TODAY - dt.timedelta(days=rules.ROLE_DUE_DAYS + 1)  # role courses due yesterday
    session.flush()
    plan = plans.build_plan(session, alice, TODAY)
    by_code = {e.course.code: e for e in plan.required}
    assert by_code["COMM-110"].due_soon and not by_code["COMM-110"].overdue
    assert not by_code["COMM-120"].due_soon
    open_role = [e for e in plan.required if "role" in e.sources and e.status != "completed"]
    assert open_role and all(e.overdue for e in open_role)
    assert plan.required[0].overdue  # what needs doing first comes first
    assert by_code["COMM-110"].reasons == [f"Assigned by Carl Lindqvist on {TODAY:%-d %b %Y}: Soon"]


def test_waived_counts_out_of_the_denominator(session: Session) -> None:
    alice = get_employee(session, person(session, "psr_alice").id)
    carl = user(session, "sup_carl")
    outcome = assign(
        session,
        carl,
        course_code="COMM-110",
        target=Target("employee", str(alice.id)),
        due_on=TODAY,
        reason="r",
        today=TODAY,
    )
    assert outcome.assigned
    row = plans.build_plan(session, alice, TODAY)
    assignment = next(e.assignment for e in row.required if e.course.code == "COMM-110")
    assert assignment is not None
    waive(session, carl, assignment.id, "Covered by prior experience")
    plan = plans.build_plan(session, alice, TODAY)
    entry = next(e for e in plan.required if e.course.code == "COMM-110")
    assert entry.status == "waived" and not entry.overdue
    assert "waived: Covered by prior experience" in entry.reasons[0]
    assert plan.required_progress.waived == 1


def test_chosen_courses_and_counting_toward_both(session: Session) -> None:
    alice = get_employee(session, person(session, "psr_alice").id)
    lead, priv = course(session, "LEAD-210"), course(session, "PRIV-101")
    for _ in range(2):  # idempotent
        plans.add_chosen_course(
            session, employee_id=alice.id, course_id=lead.id, tracker_id=7, target_role_code="psr-2-site-lead"
        )
        plans.add_chosen_course(
            session, employee_id=alice.id, course_id=priv.id, tracker_id=7, target_role_code="psr-2-site-lead"
        )
    plan = plans.build_plan(session, alice, TODAY)
    chosen = {e.course.code: e for e in plan.chosen}
    assert set(chosen) == {"LEAD-210", "PRIV-101"}
    assert chosen["LEAD-210"].reasons == ["Chosen in a career tracker toward PSR II Site Lead"]
    assert chosen["LEAD-210"].career and not chosen["LEAD-210"].compliance
    assert chosen["PRIV-101"].counts_toward_both
    assert [e.course.code for e in plan.both] == ["PRIV-101"]

    plans.remove_chosen_course(session, employee_id=alice.id, course_id=lead.id, tracker_id=7)
    plans.remove_chosen_course(session, employee_id=alice.id, course_id=lead.id, tracker_id=7)  # no error
    assert {e.course.code for e in plans.build_plan(session, alice, TODAY).chosen} == {"PRIV-101"}


def test_course_status_uses_one_query_whatever_the_list(session: Session) -> None:
    alice = person(session, "psr_alice")
    codes = ["PRIV-101", "PSR-101", "PSR-110", "COMM-110", "LEAD-210"]
    ids = {code: course(session, code).id for code in codes}
    session.execute(Completion.__table__.delete().where(Completion.employee_id == alice.id))
    record_completion(
        session,
        employee_id=alice.id,
        course_id=ids["PRIV-101"],
        completed_at=TODAY,
        score=None,
        source="manual",
    )
    session.add(
        CourseStart(employee_id=alice.id, course_id=ids["PSR-101"], started_on=TODAY, source="manual")
    )
    carl = user(session, "sup_carl")
    assign(
        session,
        carl,
        course_code="COMM-110",
        target=Target("employee", str(alice.id)),
        due_on=TODAY,
        reason="r",
        today=TODAY,
    )
    assignment = plans.build_plan(session, get_employee(session, alice.id), TODAY)
    waive(session, carl, next(e.assignment.id for e in assignment.required if e.assignment), "no need")
    session.flush()

    course_ids = list(ids.values())
    with counting_statements(session) as statements:
        found = plans.course_status(session, alice.id, course_ids)
    assert len(statements) == 1
    assert found == {
        ids["PRIV-101"]: "completed",
        ids["PSR-101"]: "in progress",
        ids["PSR-110"]: "not started",
        ids["COMM-110"]: "waived",
        ids["LEAD-210"]: "not started",
    }
    assert plans.course_status(session, alice.id, []) == {}


def test_plan_query_count_does_not_grow_with_rows(session: Session) -> None:
    alice = get_employee(session, person(session, "psr_alice").id)
    counted: list[int] = []

    def count_build() -> int:
        with counting_statements(session) as statements:
            plans.build_plan(session, alice, TODAY)
        return len(statements)

    carl = user(session, "sup_carl")
    for index, code in enumerate(("COMM-110", "COMM-120", "COMM-130", "LEAD-210", "LEAD-220")):
        assign(
            session,
            carl,
            course_code=code,
            target=Target("employee", str(alice.id)),
            due_on=TODAY,
            reason="r",
            today=TODAY,
        )
        plans.add_chosen_course(
            session,
            employee_id=alice.id,
            course_id=course(session, code).id,
            tracker_id=1,
            target_role_code="psr-2",
        )
        if index in (0, 4):  # one of each, then five of each
            counted.append(count_build())
    assert counted[0] == counted[1]


def test_a_completed_course_raises_competency_levels(session: Session) -> None:
    alice = person(session, "psr_alice")
    target = course(session, "PRIV-301")  # level 4 privacy-compliance: higher than the demo history gives
    before = levels_for(session, alice.id).get("privacy-compliance")
    record_completion(
        session, employee_id=alice.id, course_id=target.id, completed_at=TODAY, score=95, source="csv"
    )
    after = levels_for(session, alice.id)["privacy-compliance"]
    assert after.level == 4
    assert before is None or before.level < 4 or before.basis == "manager rating"
