"""Real certificate files for the tests, made with the same libraries a scanner's output would be read by."""

import datetime as dt
import io

from fpdf import FPDF
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.auth.models import User
from pathways.certifications import files, service
from pathways.org.models import Employee


def png(size: tuple[int, int] = (60, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "white").save(buffer, format="JPEG")
    return buffer.getvalue()


def pdf() -> bytes:
    document = FPDF()
    document.add_page()
    document.set_font("Helvetica", size=12)
    document.cell(text="Sample certificate (synthetic)")
    return bytes(document.output())


def employee(session: Session, key: str) -> Employee:
    found = session.scalar(select(Employee).where(Employee.email == f"{key}@pathways.example"))
    assert found is not None
    return found


def user(session: Session, key: str) -> User:
    found = session.scalar(select(User).where(User.email == f"{key}@pathways.example"))
    assert found is not None
    return found


def hold_verified(session: Session, key: str, kind: str, verifier: str = "sup_carl") -> None:
    """`key` adds a certificate of `kind`, valid for two years, and `verifier` verifies it: the only way a
    certificate counts for readiness."""
    today = dt.date.today()
    data = service.NewCertification(
        kind=kind,
        issuing_body="American Heart Association",
        number="TEST-1",
        issued_on=today - dt.timedelta(days=10),
        expires_on=today + dt.timedelta(days=730),
    )
    cert = service.add(session, user(session, key), data, files.check("card.png", png()), today)
    service.decide(session, user(session, verifier), cert.id, verify=True)
