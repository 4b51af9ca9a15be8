"""The tracker's plan and the learning plan stay in step: planning a course chooses it there, and the
status shown beside each planned course is the learning plan's."""

from sqlalchemy.orm import Session

from pathways.learning import plan_service


def choose(session: Session, *, employee_id: int, course_id: int, tracker_id: int, role_code: str) -> None:
    plan_service.add_chosen_course(
        session,
        employee_id=employee_id,
        course_id=course_id,
        tracker_id=tracker_id,
        target_role_code=role_code,
    )


def unchoose(session: Session, *, employee_id: int, course_id: int, tracker_id: int) -> None:
    plan_service.remove_chosen_course(
        session, employee_id=employee_id, course_id=course_id, tracker_id=tracker_id
    )


def statuses(session: Session, employee_id: int, course_ids: list[int]) -> dict[int, str]:
    if not course_ids:
        return {}
    found = plan_service.course_status(session, employee_id, course_ids)
    return {course_id: found.get(course_id, "not started") for course_id in course_ids}
