"""What administrators see of email (the outbox with each refusal's reason, the offline mail folder), and
`pathways mail send` for cron."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient
from typer.testing import CliRunner

from pathways.app import create_app
from pathways.auth import reset
from pathways.auth.models import User
from pathways.cli import app as cli_app
from pathways.config import Settings, get_settings
from pathways.db import Database
from pathways.inbox import service as inbox
from pathways.mail import compose
from pathways.mail.models import MailState, OutboxMessage
from pathways.mail.sender import send_due
from pathways.mail.transport import FolderTransport
from tests.conftest import serve_in_test_transaction
from tests.helpers import page_csrf, sign_in
from tests.mail.conftest import mail_settings
from tests.mail.smtp import free_port

runner = CliRunner()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "mail"


@pytest.fixture
def admin_client(session: Session, database: Database, folder: Path) -> Iterator[TestClient]:
    settings = Settings(
        database_url=database.url,
        environment="test",
        secret_key="test-secret-key",
        mail_dir=folder,
        base_url="https://pathways.hospital.example",
    )
    app = create_app(settings, database=database)
    serve_in_test_transaction(app, session)
    with TestClient(app) as client:
        yield client


def queued(session: Session, message: str = "New required course: Privacy, due 3 Jan 2027.") -> OutboxMessage:
    alice = session.scalars(select(User).where(User.email == "psr_alice@pathways.example")).one()
    note = inbox.notify_user(session, alice.id, "assignment", message, "/learning")
    row = session.scalars(select(OutboxMessage).where(OutboxMessage.notification_id == note.id)).one()
    return row


def test_admins_see_a_refused_message_with_its_reason_and_can_send_it_again(
    admin_client: TestClient, session: Session
) -> None:
    row = queued(session)
    row.state, row.attempts = MailState.FAILED.value, 1
    row.last_error = "The server refused the address: 550 5.1.1 <psr_alice@pathways.example>: no such mailbox"
    session.flush()
    sign_in(admin_client, "admin_ada")
    page = admin_client.get("/admin/mail?state=failed")
    assert page.status_code == 200
    assert "550 5.1.1" in page.text and "no such mailbox" in page.text and row.subject in page.text
    detail = admin_client.get(f"/admin/mail/messages/{row.id}")
    assert "Open it in Pathways: https://pathways.hospital.example/learning" in detail.text
    assert "Send it again" in detail.text
    csrf = page_csrf(admin_client, "/admin/mail")
    again = admin_client.post(
        f"/admin/mail/messages/{row.id}/retry", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert again.status_code == 303
    session.refresh(row)
    assert row.state == MailState.PENDING and row.last_error == ""
    refused = admin_client.post(f"/admin/mail/messages/{row.id}/retry", data={"csrf_token": csrf})
    assert refused.status_code == 400 and "Only a refused message" in refused.text
    assert admin_client.get("/admin/mail?state=lost").status_code == 400
    assert admin_client.get("/admin/mail/messages/999999999").status_code == 404


def test_the_mail_folder_is_listed_and_each_message_opens(
    admin_client: TestClient, session: Session, folder: Path
) -> None:
    row = queued(session, "Carl approved your plan for <PSR II>.")
    settings = Settings(environment="test", secret_key="k", base_url="https://pathways.hospital.example")
    FolderTransport(folder).deliver(compose.build(session, row, settings))
    [written] = list(folder.glob("*.eml"))
    sign_in(admin_client, "admin_ada")
    listing = admin_client.get("/admin/mail")
    assert (
        f'/admin/mail/files/{written.name}"' in listing.text
        and "Carl approved your plan for &lt;PSR II&gt;" in listing.text
    )
    page = admin_client.get(f"/admin/mail/files/{written.name}")
    assert page.status_code == 200 and "Carl approved your plan for &lt;PSR II&gt;." in page.text
    html = admin_client.get(f"/admin/mail/files/{written.name}/html")
    assert html.status_code == 200 and "&lt;PSR II&gt;" in html.text
    assert "sandbox" in html.headers["content-security-policy"]
    assert "script-src" not in html.headers["content-security-policy"]
    eml = admin_client.get(f"/admin/mail/files/{written.name}/eml")
    assert eml.headers["content-type"].startswith("message/rfc822") and eml.content == written.read_bytes()
    for name in ("..%2F..%2Fpathways.db", "missing.eml", ".hidden.eml"):
        assert admin_client.get(f"/admin/mail/files/{name}").status_code == 404


def test_in_production_admins_cannot_open_someone_elses_reset_link(
    session: Session, database: Database, folder: Path
) -> None:
    alice = session.scalars(select(User).where(User.email == "psr_alice@pathways.example")).one()
    reset.request_reset(session, alice.email, "127.0.0.1", "a-production-secret-key-of-32-characters")
    row = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "password-reset")).one()
    settings = Settings(
        database_url=database.url,
        environment="production",
        mail_dir=folder,
        secret_key="a-production-secret-key-of-32-characters",
    )
    FolderTransport(folder).deliver(compose.build(session, row, settings))
    [written] = list(folder.glob("*.eml"))
    app = create_app(settings, database=database)
    serve_in_test_transaction(app, session)
    with TestClient(app, base_url="https://testserver") as client:
        sign_in(client, "admin_ada")
        assert "Choose a new Pathways password" in client.get("/admin/mail").text
        for suffix in ("", "/html", "/eml"):
            response = client.get(f"/admin/mail/files/{written.name}{suffix}")
            assert response.status_code == 403 and "/password/reset/" not in response.text


@pytest.mark.parametrize("who", ["psr_alice", "sup_carl", "trainer_tina"])
def test_only_admins_see_email(admin_client: TestClient, session: Session, who: str) -> None:
    row = queued(session)
    sign_in(admin_client, who)
    for path in ("/admin/mail", f"/admin/mail/messages/{row.id}", "/admin/mail/files/x.eml"):
        assert admin_client.get(path).status_code == 403, path
    csrf = page_csrf(admin_client, "/")
    assert (
        admin_client.post(f"/admin/mail/messages/{row.id}/retry", data={"csrf_token": csrf}).status_code
        == 403
    )


def test_without_an_smtp_server_mail_goes_to_the_folder(own_database: Database, tmp_path: Path) -> None:
    with own_database.transaction() as session:
        user = session.scalars(select(User).where(User.email == "psr_pat@pathways.example")).one()
        inbox.notify_user(
            session, user.id, "tracker.approval", "Sue approved your plan for PSR II.", "/trackers/1"
        )
    report = send_due(own_database, mail_settings(own_database, mail_dir=tmp_path / "var" / "mail"))
    assert report.sent == 1
    [written] = list((tmp_path / "var" / "mail").glob("*.eml"))
    text = written.read_text()
    assert "Subject: Sue approved your plan for PSR II" in text
    assert "https://pathways.hospital.example/trackers/1" in text
    assert not list((tmp_path / "var" / "mail").glob("*.part")), "only whole files are left"


@pytest.fixture
def cli_env(own_database: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    monkeypatch.setenv("PATHWAYS_DATABASE_URL", own_database.url)
    monkeypatch.setenv("PATHWAYS_MAIL_DIR", str(tmp_path / "mail"))
    monkeypatch.delenv("PATHWAYS_SMTP_URL", raising=False)
    get_settings.cache_clear()
    with own_database.transaction() as session:
        user = session.scalars(select(User).where(User.email == "psr_pat@pathways.example")).one()
        inbox.notify_user(
            session, user.id, "overdue", "Overdue required courses: PRIV-100 (due 1 Dec 2026).", "/learning"
        )
    yield tmp_path / "mail"
    get_settings.cache_clear()


def test_mail_send_writes_the_folder_and_says_what_it_did(cli_env: Path) -> None:
    result = runner.invoke(cli_app, ["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "1 sent, 0 refused, 0 to retry." in result.stdout
    assert len(list(cli_env.glob("*.eml"))) == 1
    again = runner.invoke(cli_app, ["mail", "send"])
    assert "0 sent" in again.stdout and len(list(cli_env.glob("*.eml"))) == 1


def test_mail_send_with_the_server_unreachable_keeps_the_mail_and_fails(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch, own_database: Database
) -> None:
    port = free_port()
    monkeypatch.setenv("PATHWAYS_SMTP_URL", f"smtp://127.0.0.1:{port}")
    get_settings.cache_clear()
    result = runner.invoke(cli_app, ["mail", "send"])
    assert result.exit_code == 1
    assert f"Could not reach the SMTP server at smtp://127.0.0.1:{port}" in result.stdout
    assert "1 waiting" in result.stdout
    with own_database.session() as session:
        [row] = session.scalars(select(OutboxMessage)).all()
        assert row.state == MailState.PENDING and row.next_attempt_at > dt.datetime.now(dt.UTC)


def test_a_malformed_smtp_url_is_named_and_nothing_is_sent(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATHWAYS_SMTP_URL", "http://mail.hospital.example")
    get_settings.cache_clear()
    result = runner.invoke(cli_app, ["mail", "send"])
    assert result.exit_code == 1
    assert "PATHWAYS_SMTP_URL must look like smtp://user:password@host:port" in result.stderr
    with pytest.raises(Exception, match="PATHWAYS_SMTP_URL must look like"):
        create_app(Settings(smtp_url="http://mail.hospital.example", environment="test"))


def test_serve_sends_the_outbox_beside_the_web_server(cli_env: Path, own_database: Database) -> None:
    """`pathways serve` runs the sender in its background thread: a queued email reaches the folder while
    the server runs, with nobody calling `mail send`."""
    port = free_port()
    env = {**os.environ, "PATHWAYS_MAIL_EVERY_S": "0.2", "PATHWAYS_ENVIRONMENT": "test"}
    command = [
        str(Path(sys.executable).with_name("pathways")),
        "serve",
        "--port",
        str(port),
        "--no-reminders",
    ]
    process = subprocess.Popen(command, env=env, start_new_session=True, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not list(cli_env.glob("*.eml")) and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.2)
        assert len(list(cli_env.glob("*.eml"))) == 1, "the server's sender never wrote the queued email"
        # The file is written before the row is marked sent: stopping the server in between would leave it
        # "sending" (and send it again later), which is not what is under test here.
        while sent_states(own_database) != [MailState.SENT] and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)
    assert sent_states(own_database) == [MailState.SENT]


def sent_states(database: Database) -> list[MailState]:
    with database.session() as session:
        return list(session.scalars(select(OutboxMessage.state)).all())
