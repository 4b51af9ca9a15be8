"""Who may do what with a tracker: the employee owns it; their supervisors (and admins) may view, comment,
approve and record conversations; no one else sees it (not a site lead, not a trainer). The private notes
are the employee's alone."""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from pathways.auth.models import User
from pathways.auth.permissions import (
    OUT_OF_SCOPE,
    can_manage_employee,
    can_read_tracker_notes,
    can_view_employee,
    ensure,
)
from pathways.errors import Forbidden
from pathways.org import scope
from pathways.org.models import Employee
from pathways.trackers import service
from pathways.trackers.models import CareerTracker

NO_EMPLOYEE_RECORD = "Your account is not linked to an employee record, so you have no trackers of your own."
NOT_YOUR_TRACKERS = (
    "Career trackers are seen only by the employee, supervisors in their reporting line and administrators."
)


@dataclass(frozen=True)
class TrackerAccess:
    tracker: CareerTracker
    user: User
    is_owner: bool
    can_manage: bool

    @property
    def sees_notes(self) -> bool:
        return can_read_tracker_notes(self.user, self.tracker.employee)

    def require_owner(self) -> "TrackerAccess":
        if not self.is_owner:
            raise Forbidden(f"Only {self.tracker.employee.name} can change their own tracker.")
        return self

    def require_manager(self) -> "TrackerAccess":
        if not self.can_manage:
            raise Forbidden(
                f"Only a supervisor in {self.tracker.employee.name}'s reporting line can do this."
            )
        return self


def open_tracker(session: Session, user: User, tracker_id: int) -> TrackerAccess:
    tracker = service.get_tracker(session, tracker_id)
    ensure(can_view_employee(session, user, tracker.employee), OUT_OF_SCOPE)
    is_owner = user.employee_id == tracker.employee_id
    can_manage = can_manage_employee(session, user, tracker.employee)
    ensure(is_owner or can_manage, NOT_YOUR_TRACKERS)
    return TrackerAccess(tracker=tracker, user=user, is_owner=is_owner, can_manage=can_manage)


def own_employee(session: Session, user: User) -> Employee:
    return scope.own_employee(session, user, NO_EMPLOYEE_RECORD)
