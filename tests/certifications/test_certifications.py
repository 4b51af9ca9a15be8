"""Certifications people hold: adding with a checked file, verifying or rejecting in scope, replacing an
expired one, expiry reminders 60 and 14 days ahead (once each), and readiness from verified certificates."""

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.certifications import files, reminders, service
from pathways.certifications.models import PENDING, REJECTED, VERIFIED, Certification, CertificationReminder
from pathways.errors import BadRequest, Conflict, Forbidden
from pathways.inbox.models import Notification
from pathways.mail.models import OutboxMessage
from pathways.teams import bench
from tests.certifications.support import employee, jpeg, pdf, png, user
from tests.helpers import page_csrf, sign_in

TODAY = dt.date.today()


def _form(csrf: str, **overrides: str) -> dict[str, str]:
    fields = {
        "csrf_token": csrf,
        "kind": "bls-cpr",
        "issuing_body": "American Heart Association (BLS Provider)",
        "number": "BLS-12345",
        "issued_on": (TODAY - dt.timedelta(days=10)).isoformat(),
        "expires_on": (TODAY + dt.timedelta(days=700)).isoformat(),
    }
    return {**fields, **overrides}


def _post(client: TestClient, name: str, data: bytes, **overrides: str):  # type: ignore[no-untyped-def]
    csrf = page_csrf(client, "/certifications")
    return client.post(
        "/certifications",
        data=_form(csrf, **overrides),
        files={"file": (name, data, "application/octet-stream")},
        follow_redirects=False,
    )


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Certification)) or 0


def _new(
    kind: str = "bls-cpr", expires_in: int | None = 700, replaces: int | None = None
) -> service.NewCertification:
    return service.NewCertification(
        kind=kind,
        issuing_body="American Heart Association",
        number="N-1",
        issued_on=TODAY - dt.timedelta(days=30),
        expires_on=TODAY + dt.timedelta(days=expires_in) if expires_in is not None else None,
        replaces_id=replaces,
    )


def _png() -> files.CheckedFile:
    return files.check("card.png", png())


def test_add_then_supervisor_verifies_and_the_person_is_told(client: TestClient, session: Session) -> None:
    sign_in(client, "psr_alice")
    before = _count(session)
    response = _post(client, "bls-card.pdf", pdf())
    assert response.status_code == 303, response.text
    assert _count(session) == before + 1
    cert = session.scalar(select(Certification).order_by(Certification.id.desc()))
    assert cert is not None and cert.status == PENDING and cert.file_type == files.PDF
    page = client.get("/certifications?done=added")
    assert "awaiting verification" in page.text and "BLS-12345" in page.text
    assert "Verify Basic Life Support" not in page.text  # nobody verifies their own

    client.cookies.clear()
    sign_in(client, "sup_carl")
    alice = employee(session, "psr_alice")
    page = client.get(f"/team/people/{alice.id}/certifications")
    assert page.status_code == 200 and "Verify Basic Life Support (CPR)" in page.text
    csrf = page_csrf(client, f"/team/people/{alice.id}/certifications")
    done = client.post(f"/certifications/{cert.id}/verify", data={"csrf_token": csrf}, follow_redirects=False)
    assert done.status_code == 303
    session.refresh(cert)
    assert cert.status == VERIFIED and cert.decided_by_user_id == user(session, "sup_carl").id
    again = client.post(f"/certifications/{cert.id}/verify", data={"csrf_token": csrf})
    assert again.status_code == 409
    told = session.scalars(
        select(Notification.message).where(Notification.user_id == user(session, "psr_alice").id)
    ).all()
    assert any("was verified" in m for m in told)
    file = client.get(f"/certifications/{cert.id}/file")
    assert file.status_code == 200 and file.content.startswith(b"%PDF-")
    assert file.headers["content-type"] == "application/pdf"


def test_reject_needs_a_reason_which_the_person_sees(client: TestClient, session: Session) -> None:
    alice, carl = user(session, "psr_alice"), user(session, "sup_carl")
    cert = service.add(session, alice, _new(), _png(), TODAY)
    with pytest.raises(BadRequest, match="say why"):
        service.decide(session, carl, cert.id, verify=False, reason="   ")
    assert cert.status == PENDING
    sign_in(client, "sup_carl")
    csrf = page_csrf(client, "/team/certifications")
    response = client.post(
        f"/api/v1/certifications/{cert.id}/reject",
        json={"reason": "The number is not legible."},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == REJECTED
    client.cookies.clear()
    sign_in(client, "psr_alice")
    assert "rejected: The number is not legible." in client.get("/certifications").text


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("card.gif", b"GIF89a" + b"\x00" * 20, "is not a PDF, PNG or JPEG"),
        ("card.pdf", b"MZ\x90\x00 this is a Windows program", "its content is not any of those"),
        ("card.pdf", b"%PDF-1.7\nnot really a pdf at all\n", "cannot be opened as a PDF"),
        ("card.png", jpeg(), "its content is a JPEG image"),
        ("card.png", png()[:40], "cannot be opened as a PNG image"),
        ("card.pdf", b"", "the file is empty"),
    ],
)
def test_wrong_type_and_fake_files_are_refused_and_change_nothing(
    client: TestClient, session: Session, name: str, data: bytes, message: str
) -> None:
    sign_in(client, "psr_alice")
    before = _count(session)
    response = _post(client, name, data)
    assert response.status_code == 400 and message in response.text
    assert _count(session) == before


def test_a_file_too_large_is_refused(client: TestClient, session: Session) -> None:
    sign_in(client, "psr_alice")
    before = _count(session)
    big = png() + b"\x00" * files.MAX_FILE_BYTES  # a real PNG header, past the limit
    response = _post(client, "card.png", big)
    assert response.status_code == 400 and "larger than 5 MB" in response.text
    assert _count(session) == before
    # Far past the limit, the body itself is refused before it is read.
    huge = client.post(
        "/certifications",
        data={"csrf_token": page_csrf(client, "/certifications")},
        files={"file": ("card.png", b"\x00" * (files.MAX_FILE_BYTES + 200_000), "image/png")},
    )
    assert huge.status_code == 413


def test_bad_fields_are_named(client: TestClient, session: Session) -> None:
    sign_in(client, "psr_alice")
    before = _count(session)
    cases = [
        ({"kind": "astronaut"}, "no certification kind"),
        ({"issued_on": "yesterday"}, "Issued: not a date"),
        ({"issued_on": (TODAY + dt.timedelta(days=3)).isoformat()}, "is in the future"),
        ({"expires_on": (TODAY - dt.timedelta(days=30)).isoformat()}, "must come after"),
        ({"number": "  "}, "Certificate number: enter it"),
    ]
    for overrides, message in cases:
        response = _post(client, "card.png", png(), **overrides)
        assert response.status_code == 400 and message in response.text, (overrides, response.text[-500:])
    assert _count(session) == before


def test_scope_nobody_outside_sees_or_decides(session: Session) -> None:
    alice = user(session, "psr_alice")
    cert = service.add(session, alice, _new(), _png(), TODAY)
    for outsider in ("outsider_dan", "sup_sam"):
        with pytest.raises(Forbidden):
            service.visible(session, user(session, outsider), cert.id)
        with pytest.raises(Forbidden):
            service.decide(session, user(session, outsider), cert.id, verify=True)
    # Inside the scope but not her verifier: her site lead and her trainer see it, cannot verify it.
    for viewer in ("lead_bea", "trainer_tina"):
        assert service.visible(session, user(session, viewer), cert.id).id == cert.id
        with pytest.raises(Forbidden):
            service.decide(session, user(session, viewer), cert.id, verify=True)
    with pytest.raises(Forbidden):
        service.decide(session, alice, cert.id, verify=True)
    assert service.decide(session, user(session, "admin_ada"), cert.id, verify=True).status == VERIFIED


def test_replace_an_expired_certificate(session: Session) -> None:
    alice = user(session, "psr_alice")
    current = service.add(session, alice, _new(expires_in=400), _png(), TODAY)
    with pytest.raises(BadRequest, match="only a certification that has expired"):
        service.add(session, alice, _new(replaces=current.id), _png(), TODAY)
    old = service.add(session, alice, _new(expires_in=None), _png(), TODAY)
    old.expires_on = TODAY - dt.timedelta(days=1)
    session.flush()
    renewed = service.add(session, alice, _new(replaces=old.id), _png(), TODAY)
    assert renewed.replaces_id == old.id
    with pytest.raises(Conflict, match="already been replaced"):
        service.add(session, alice, _new(replaces=old.id), _png(), TODAY)
    dans = service.add(session, user(session, "outsider_dan"), _new(expires_in=10), _png(), TODAY)
    with pytest.raises(BadRequest, match="has no certification with id"):
        service.add(session, alice, _new(replaces=dans.id), _png(), TODAY)


def _reminded(session: Session, cert_id: int) -> list[int]:
    query = select(CertificationReminder.days_ahead).where(CertificationReminder.certification_id == cert_id)
    return sorted(session.scalars(query))


def test_expiry_reminders_at_60_and_14_days_each_once_by_inbox_and_email(session: Session) -> None:
    alice = user(session, "psr_alice")
    expires = TODAY + dt.timedelta(days=100)
    cert = service.add(session, alice, _new(expires_in=100), _png(), TODAY)

    def run(on: dt.date) -> None:
        reminders.notify_due(session, on)

    run(expires - dt.timedelta(days=61))
    assert _reminded(session, cert.id) == []
    run(expires - dt.timedelta(days=60))
    assert _reminded(session, cert.id) == [60]
    run(expires - dt.timedelta(days=59))
    run(expires - dt.timedelta(days=15))
    assert _reminded(session, cert.id) == [60]
    run(expires - dt.timedelta(days=14))
    run(expires - dt.timedelta(days=3))
    assert _reminded(session, cert.id) == [14, 60]
    notes = session.scalars(
        select(Notification.message).where(
            Notification.user_id == alice.id, Notification.message.like("Your Basic Life Support%expires%")
        )
    ).all()
    assert (
        len(notes) == 2
        and any("within 60 days" in n for n in notes)
        and any("within 14 days" in n for n in notes)
    )
    emails = session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.user_id == alice.id, OutboxMessage.subject.like("Your Basic Life Support%"))
    )
    assert emails == 2


def test_a_renewed_certificate_stops_the_old_ones_reminders(session: Session) -> None:
    alice = user(session, "psr_alice")
    old = service.add(session, alice, _new(expires_in=30), _png(), TODAY)
    service.add(session, alice, _new(expires_in=760, replaces=old.id), _png(), TODAY)
    reminders.notify_due(session, TODAY)
    assert _reminded(session, old.id) == []


def _site_lead_candidate(session: Session, employee_id: int) -> bench.Candidate:
    result = bench.build_bench(
        session, [employee_id], TODAY, role="psr-2-site-lead", region=None, method="estimate"
    )
    [candidate] = [c for c in result.roles[0].candidates if c.employee_id == employee_id]
    return candidate


def test_readiness_needs_verified_unexpired_certificates(session: Session) -> None:
    # Tina (PSR II) is a candidate for Site Lead, which requires phlebotomy and BLS; her BLS card has expired.
    tina_account, carl = user(session, "trainer_tina"), user(session, "sup_carl")
    tina = employee(session, "trainer_tina")
    before = _site_lead_candidate(session, tina.id)
    assert before.ready_on is None and len(before.missing_certifications) == 2
    for kind in ("phlebotomy-technician", "bls-cpr"):
        cert = service.add(session, tina_account, _new(kind=kind), _png(), TODAY)
        waiting = _site_lead_candidate(session, tina.id)
        assert waiting.missing_certifications, "a certificate awaiting verification does not count"
        service.decide(session, carl, cert.id, verify=True)
    after = _site_lead_candidate(session, tina.id)
    assert after.missing_certifications == ()
    assert after.ready_on is not None  # the courses date her readiness again
    held = service.standings(session, [tina.id], TODAY)[tina.id]
    assert held["bls-cpr"].valid and held["phlebotomy-technician"].valid
    # On the day they expire they stop counting.
    expiry = min(s.expires_on for s in held.values() if s.expires_on)
    assert not service.standings(session, [tina.id], expiry)[tina.id]["bls-cpr"].valid


def test_team_page_shows_who_holds_what_and_what_lapses(client: TestClient, session: Session) -> None:
    sign_in(client, "sup_carl")
    page = client.get("/team/certifications")
    assert page.status_code == 200
    lapsing = page.text.split("Lapsing within 60 days")[1].split("Who holds what")[0]
    assert "Bea Tanaka" in lapsing and "Phlebotomy technician" in lapsing  # the demo's lapsing certificate
    assert "Dan Kowalski" not in page.text  # another supervisor's report
    client.cookies.clear()
    sign_in(client, "psr_alice")
    assert client.get("/team/certifications").status_code == 403
