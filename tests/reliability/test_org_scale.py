"""The organisation-scale generator, at a small size: same shape, same rules, deterministic."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from pathways.careers.models import Role
from pathways.demo.org_scale import Scale, load_org
from pathways.learning.models import ChosenCourse, Completion, Course
from pathways.org.models import Employee, Region, Site
from pathways.trackers.models import CareerTracker, TrackerCourse

SMALL = Scale(
    regions=2, sites=20, employees=400, courses=90, completions_per_employee=10, sites_per_supervisor=5
)


def count(session: Session, model: type, *where: object) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0  # type: ignore[arg-type]


def test_small_org_has_the_shape_of_the_big_one(session: Session) -> None:
    people_before = count(session, Employee)
    seen: list[str] = []
    assert load_org(session, SMALL, seed=3, progress=lambda what, _n: seen.append(what))
    assert count(session, Region, Region.code.like("org-%")) == 2
    assert count(session, Site, Site.code.like("S%")) == 20
    assert count(session, Employee) - people_before == 400
    assert count(session, Course) == 90
    generated = select(Employee.id).where(Employee.employee_number.like("N%"))
    completions = count(session, Completion, Completion.employee_id.in_(generated))
    assert 400 * 5 <= completions <= 400 * 15
    assert {"employees", "completions", "users"} <= set(seen)

    # Everyone but the regional heads reports to a supervisor, who reports to a head.
    manager = aliased(Employee)
    role = aliased(Role)
    lines = session.execute(
        select(Role.code, role.code)
        .select_from(Employee)
        .join(Role, Role.id == Employee.role_id)
        .join(manager, manager.id == Employee.manager_id)
        .join(role, role.id == manager.role_id)
        .where(Employee.employee_number.like("N%"))
    ).all()
    assert len(lines) == 400 - 2
    assert {boss for own, boss in lines if own != "supervisor"} == {"supervisor"}
    assert {boss for own, boss in lines if own == "supervisor"} == {"patient-access-manager"}
    assert not load_org(session, SMALL, seed=3), "a second load must change nothing"


def test_the_same_seed_gives_the_same_organisation(session: Session) -> None:
    load_org(session, SMALL, seed=3)
    first = session.execute(
        select(Employee.name, Employee.hire_date)
        .where(Employee.employee_number.like("N%"))
        .order_by(Employee.id)
    ).all()
    session.rollback()
    load_org(session, SMALL, seed=3)
    second = session.execute(
        select(Employee.name, Employee.hire_date)
        .where(Employee.employee_number.like("N%"))
        .order_by(Employee.id)
    ).all()
    assert first == second and len(first) == 400


def test_a_fifth_track_a_move_and_their_plans_reach_the_learning_plan(session: Session) -> None:
    load_org(session, SMALL, seed=3)
    generated = select(Employee.id).where(Employee.employee_number.like("N%"))
    trackers = count(session, CareerTracker, CareerTracker.employee_id.in_(generated))
    assert 400 * 0.1 <= trackers <= 400 * 0.3
    planned = count(session, TrackerCourse, TrackerCourse.tracker_id.in_(select(CareerTracker.id)))
    chosen = count(session, ChosenCourse, ChosenCourse.employee_id.in_(generated))
    assert planned == chosen == trackers * 3
