"""Demo certificates, so the certifications pages, the team view and the reminders have something to show:
one verified and lapsing within 60 days, one waiting for verification, one expired. All synthetic."""

import datetime as dt
import io

from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.auth.models import User
from pathways.certifications.files import PNG
from pathways.certifications.models import PENDING, VERIFIED, Certification, CertificationKind
from pathways.org.models import Employee

# (person key, kind, issuing body, issued days ago, expires in days, verified)
DEMO = [
    ("lead_bea", "bls-cpr", "American Heart Association (BLS Provider)", 400, 330, True),
    ("lead_bea", "phlebotomy-technician", "National Healthcareer Association (CPT)", 700, 30, True),
    ("psr_alice", "phlebotomy-technician", "National Healthcareer Association (CPT)", 20, 710, False),
    ("trainer_tina", "bls-cpr", "American Red Cross (Basic Life Support)", 740, -10, True),
    ("outsider_dan", "bls-cpr", "American Heart Association (BLS Provider)", 200, 530, True),
]


def sample_certificate(title: str) -> bytes:
    image = Image.new("RGB", (480, 240), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, 471, 231), outline="navy", width=3)
    draw.text((24, 40), "SAMPLE CERTIFICATE", fill="navy")
    draw.text((24, 80), title, fill="black")
    draw.text((24, 180), "Synthetic demo data: not a real credential", fill="gray")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def add_demo_certifications(session: Session, employees: dict[str, Employee], today: dt.date) -> None:
    kinds = {k.code: k for k in session.scalars(select(CertificationKind))}
    carl = session.scalar(select(User.id).where(User.email == employees["sup_carl"].email))
    sam = session.scalar(select(User.id).where(User.email == employees["sup_sam"].email))
    for number, (key, code, body, issued_ago, expires_in, verified) in enumerate(DEMO, start=1):
        if code not in kinds or key not in employees:
            continue  # a content set without this kind: nothing to show
        employee = employees[key]
        data = sample_certificate(f"{kinds[code].name}: {employee.name}")
        decider = sam if key == "outsider_dan" else carl
        session.add(
            Certification(
                employee_id=employee.id,
                kind_id=kinds[code].id,
                issuing_body=body,
                number=f"DEMO-{number:04d}",
                issued_on=today - dt.timedelta(days=issued_ago),
                expires_on=today + dt.timedelta(days=expires_in),
                status=VERIFIED if verified else PENDING,
                reason="",
                decided_by_user_id=decider if verified else None,
                decided_at=dt.datetime.now(dt.UTC) if verified else None,
                file_name="sample-certificate.png",
                file_type=PNG,
                file_size=len(data),
                file_data=data,
            )
        )
    session.flush()
