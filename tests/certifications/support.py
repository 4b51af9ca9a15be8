"""Real certificate files for the tests, made with the same libraries a scanner's output would be read by."""

import io

from fpdf import FPDF
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.auth.models import User
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
