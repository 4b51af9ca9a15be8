"""Who can see a person's records, said in one line on the page itself (issue 15, privacy that people can
see). The sentences restate the rules of permissions.py; tests/auth/test_audience.py holds the two together.

Trackers: the person, the supervisors in their reporting line, administrators (can_view_trackers); the
private notes only the person (can_read_tracker_notes). Learning plans: everyone who may see the person
(can_view_employee): also the site leads at their site and the trainers in their region.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.auth.models import AccountRole, User
from pathways.org.models import Employee, Region, Site


@dataclass(frozen=True)
class _Facts:
    supervisor: str | None  # the direct manager's name, when their account is a supervisor's
    site: str
    region: str


def _facts(session: Session, employee: Employee) -> _Facts:
    """One statement, whatever the person: their site, region, and their manager if a supervisor."""
    manager = (
        select(Employee.name)
        .join(User, User.employee_id == Employee.id)
        .where(Employee.id == employee.manager_id, User.account_role == AccountRole.SUPERVISOR)
        .scalar_subquery()
    )
    row = session.execute(
        select(Site.name, Region.name, manager)
        .join(Region, Region.id == Site.region_id)
        .where(Site.id == employee.site_id)
    ).one()
    return _Facts(supervisor=row[2], site=row[0], region=row[1])


def _supervisors(facts: _Facts, own: bool) -> str:
    whose = "your" if own else "their"
    if facts.supervisor:
        return f"{whose} supervisor {facts.supervisor} (and the supervisors above them)"
    return f"the supervisors in {whose} reporting line"


def _listed(parts: list[str]) -> str:
    return ", ".join(parts[:-1]) + ", and " + parts[-1]


def _who(viewer: User, employee: Employee) -> tuple[bool, str]:
    own = viewer.employee_id == employee.id
    return own, "you" if own else employee.name


def tracker_audience(session: Session, viewer: User, employee: Employee) -> str:
    own, person = _who(viewer, employee)
    facts = _facts(session, employee)
    seen = _listed([person, _supervisors(facts, own), "Pathways administrators"])
    notes = "Your private notes are yours alone." if own else f"Private notes are {employee.name}'s alone."
    return f"Seen by {seen}. {notes}"


def learning_plan_audience(session: Session, viewer: User, employee: Employee) -> str:
    own, person = _who(viewer, employee)
    facts = _facts(session, employee)
    parts = [
        person,
        _supervisors(facts, own),
        f"the site leads at {facts.site}",
        f"the trainers in the {facts.region} region",
        "Pathways administrators",
    ]
    return f"Seen by {_listed(parts)}."
