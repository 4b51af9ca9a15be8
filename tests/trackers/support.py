"""Helpers for the tracker tests: the demo people, starting trackers, workbooks in memory."""

import io

from openpyxl import Workbook, load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.auth.models import User
from pathways.org.models import Employee
from pathways.trackers import service, views, workbook
from pathways.trackers.models import CareerTracker


def employee(session: Session, key: str) -> Employee:
    found = session.scalar(select(Employee).where(Employee.email == f"{key}@pathways.example"))
    assert found is not None, key
    return found


def user(session: Session, key: str) -> User:
    found = session.scalar(select(User).where(User.email == f"{key}@pathways.example"))
    assert found is not None, key
    return found


def start(session: Session, key: str = "psr_alice", role: str = "psr-2") -> CareerTracker:
    tracker, _ = service.start_tracker(session, employee(session, key), role, user(session, key))
    return tracker


def exported(session: Session, tracker: CareerTracker) -> Workbook:
    data = workbook.export_bytes(views.build(session, service.get_tracker(session, tracker.id)))
    return load_workbook(io.BytesIO(data))


def to_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
