"""The sender against a real SMTP server (aiosmtpd): what arrives, retries while the server is down, bounces,
a sender killed mid-send, and two senders on one database each sending every message exactly once."""

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import select, update

from pathways.auth import reset
from pathways.auth.models import User
from pathways.db import Database
from pathways.inbox import service as inbox
from pathways.mail.models import MailState, OutboxMessage
from pathways.mail.sender import BACKOFF_FIRST, CLAIM_LEASE, send_due
from pathways.mail.transport import SmtpUrlError, parse_smtp_url
from tests.mail.conftest import mail_settings
from tests.mail.smtp import BOUNCES, BUSY, SmtpServer, free_port

PATHWAYS = str(Path(sys.executable).with_name("pathways"))


def queue(database: Database, who: str = "psr_pat", count: int = 1, to: str | None = None) -> list[int]:
    with database.transaction() as session:
        user = session.scalars(select(User).where(User.email == f"{who}@pathways.example")).one()
        if to is not None:
            user.email = to
            session.flush()
        for n in range(count):
            inbox.notify_user(
                session,
                user.id,
                "assignment",
                f"New required course: Privacy {n}, due 3 Jan 2027. More.",
                "/learning",
            )
        return list(session.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id)))


def rows(database: Database) -> list[OutboxMessage]:
    with database.session() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_notification_arrives_as_text_and_html_with_a_link_back(
    own_database: Database, smtp: SmtpServer
) -> None:
    queue(own_database)
    report = send_due(own_database, mail_settings(own_database, smtp.url))
    assert report.sent == 1 and report.failed == 0
    [got] = smtp.received
    assert got.envelope_to == ["psr_pat@pathways.example"]
    message = got.message
    assert message["Subject"] == "New required course: Privacy 0, due 3 Jan 2027"
    assert message["To"] == "Psr Pat <psr_pat@pathways.example>"
    assert message["From"] == "Pathways <no-reply@pathways.example>"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "New required course: Privacy 0" in text and "https://pathways.hospital.example/learning" in text
    assert 'href="https://pathways.hospital.example/learning"' in html
    [row] = rows(own_database)
    assert row.state == MailState.SENT and row.sent_at is not None and row.attempts == 1
    assert str(message["Message-ID"]) == row.message_id
    # Sent means sent: another run finds nothing to do.
    assert send_due(own_database, mail_settings(own_database, smtp.url)).sent == 0
    assert len(smtp.received) == 1


def test_nothing_is_lost_while_the_server_is_down_and_nothing_goes_twice(own_database: Database) -> None:
    queue(own_database, count=3)
    port = free_port()
    settings = mail_settings(own_database, f"smtp://127.0.0.1:{port}")
    start = dt.datetime.now(dt.UTC)
    down = send_due(own_database, settings, now=start)
    assert (down.sent, down.retrying) == (0, 3)
    assert f"Could not reach the SMTP server at smtp://127.0.0.1:{port}" in down.summary()
    for row in rows(own_database):
        assert row.state == MailState.PENDING and row.attempts == 1
        assert row.next_attempt_at == start + BACKOFF_FIRST
        assert "Could not reach the SMTP server" in row.last_error
    # Still down a minute later: the wait doubles.
    again = send_due(own_database, settings, now=start + BACKOFF_FIRST)
    assert again.retrying == 3
    assert {r.next_attempt_at for r in rows(own_database)} == {start + 3 * BACKOFF_FIRST}

    server = SmtpServer(port=port).start()
    try:
        early = send_due(own_database, settings, now=start + 2 * BACKOFF_FIRST)
        assert early.sent == 0 and server.received == [], "not due yet: the backoff holds"
        up = send_due(own_database, settings, now=start + 3 * BACKOFF_FIRST)
        assert up.sent == 3
        later = send_due(own_database, settings, now=start + dt.timedelta(days=1))
        assert later.sent == 0
        ids = server.message_ids()
        assert len(ids) == 3 and len(set(ids)) == 3
        assert {r.state for r in rows(own_database)} == {MailState.SENT}
        assert {r.attempts for r in rows(own_database)} == {3}
    finally:
        server.stop()


def test_a_bouncing_address_fails_with_the_reason_and_the_rest_still_go(
    own_database: Database, smtp: SmtpServer
) -> None:
    queue(own_database, to=f"{BOUNCES}@pathways.example")
    queue(own_database, who="sup_sue")
    report = send_due(own_database, mail_settings(own_database, smtp.url))
    assert (report.sent, report.failed) == (1, 1)
    bounced, delivered = rows(own_database)
    assert bounced.state == MailState.FAILED
    assert bounced.last_error.startswith("The server refused the address: 550")
    assert "no such mailbox" in bounced.last_error
    assert delivered.state == MailState.SENT
    assert [r.envelope_to for r in smtp.received] == [["sup_sue@pathways.example"]]
    # Refused for good is not retried.
    later = send_due(
        own_database,
        mail_settings(own_database, smtp.url),
        now=dt.datetime.now(dt.UTC) + dt.timedelta(days=2),
    )
    assert later.sent == 0 and len(smtp.received) == 1


def test_a_temporary_refusal_is_retried(own_database: Database, smtp: SmtpServer) -> None:
    queue(own_database, to=f"{BUSY}@pathways.example")
    report = send_due(own_database, mail_settings(own_database, smtp.url))
    assert (report.sent, report.failed, report.retrying) == (0, 0, 1)
    [row] = rows(own_database)
    assert row.state == MailState.PENDING and row.last_error.startswith("The server refused the address: 451")


def test_a_sender_killed_mid_send_leaves_the_message_to_another_exactly_once(
    own_database: Database, smtp: SmtpServer
) -> None:
    """`pathways mail send` claims the message and is SIGKILLed while the server holds it before accepting.
    Until the claim's lease runs out nobody else takes the message; after it, another sender sends it once."""
    queue(own_database)
    smtp.handler.hold = threading.Event()
    env = {
        **os.environ,
        "PATHWAYS_DATABASE_URL": own_database.url,
        "PATHWAYS_SMTP_URL": smtp.url,
        "PATHWAYS_ENVIRONMENT": "test",
    }
    process = subprocess.Popen([PATHWAYS, "mail", "send"], env=env, start_new_session=True)
    try:
        assert smtp.handler.holding.wait(60), "the sender never reached the server"
        [row] = rows(own_database)
        assert row.state == MailState.SENDING and row.claim_token
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    smtp.handler.hold.set()
    smtp.handler.hold = None
    settings = mail_settings(own_database, smtp.url)
    while_claimed = send_due(own_database, settings, now=dt.datetime.now(dt.UTC))
    assert while_claimed.sent == 0, "a claimed message is not taken while its claim is fresh"
    assert smtp.received == []
    assert row.claimed_at is not None
    taken_over = send_due(own_database, settings, now=row.claimed_at + CLAIM_LEASE + dt.timedelta(seconds=1))
    assert taken_over.sent == 1
    [row] = rows(own_database)
    assert row.state == MailState.SENT and row.attempts == 2 and row.claim_token is None
    assert smtp.message_ids() == [row.message_id]


def test_two_senders_on_one_database_send_each_message_exactly_once(own_database: Database) -> None:
    server = SmtpServer(delay_s=0.005).start()
    try:
        count = 150
        queue(own_database, count=count)
        settings = mail_settings(own_database, server.url)
        # Each sender has its own engine and connections, as two servers would.
        databases = [Database(own_database.url) for _ in range(2)]
        ready = threading.Barrier(2)
        sent: list[int] = []

        def run(database: Database) -> None:
            ready.wait()
            total = 0
            while True:
                report = send_due(database, settings)
                total += report.sent
                if report.sent == 0:
                    break
            sent.append(total)

        threads = [threading.Thread(target=run, args=(d,)) for d in databases]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        for database in databases:
            database.engine.dispose()
        ids = server.message_ids()
        assert len(ids) == count and len(set(ids)) == count
        assert sum(sent) == count
        assert min(sent) > 0, f"one sender did all the work {sent}: the test did not run them side by side"
        assert {r.state for r in rows(own_database)} == {MailState.SENT}
        assert {r.attempts for r in rows(own_database)} == {1}
    finally:
        server.stop()


def test_claims_left_by_a_dead_sender_are_taken_over_after_the_lease(
    own_database: Database, smtp: SmtpServer
) -> None:
    queue(own_database, count=2)
    start = dt.datetime.now(dt.UTC)
    with own_database.transaction() as session:
        session.execute(update(OutboxMessage).values(state="sending", claim_token="dead", claimed_at=start))
    settings = mail_settings(own_database, smtp.url)
    assert send_due(own_database, settings, now=start + dt.timedelta(minutes=1)).sent == 0
    assert send_due(own_database, settings, now=start + CLAIM_LEASE + dt.timedelta(seconds=1)).sent == 2
    assert len(smtp.received) == 2


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_the_server_login_from_the_url_is_used(own_database: Database) -> None:
    server = SmtpServer(login=("relay-user", "p@ss:word")).start()
    try:
        queue(own_database)
        wrong = send_due(
            own_database, mail_settings(own_database, f"smtp://relay-user:nope@127.0.0.1:{server.port}")
        )
        assert wrong.sent == 0 and wrong.retrying == 1
        assert "refused the login: 535" in wrong.errors[0]
        good = f"smtp://relay-user:p%40ss%3Aword@127.0.0.1:{server.port}"
        later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
        assert send_due(own_database, mail_settings(own_database, good), now=later).sent == 1
        assert len(server.received) == 1
    finally:
        server.stop()


def test_a_reset_email_arrives_with_a_link_that_works(own_database: Database, smtp: SmtpServer) -> None:
    settings = mail_settings(own_database, smtp.url)
    with own_database.transaction() as session:
        reset.request_reset(session, "psr_pat@pathways.example", "127.0.0.1", settings.secret_key)
    assert send_due(own_database, settings).sent == 1
    [got] = smtp.received
    assert got.message["Subject"] == "Choose a new Pathways password"
    text = got.message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"https://pathways.hospital.example/password/reset/([A-Za-z0-9_-]+)", text)
    assert match, text
    with own_database.session() as session:
        assert reset.check_link(session, match.group(1)).used_at is None


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://mail.example", "must look like smtp://"),
        ("smtp://", "and no host"),
        ("smtp://mail.example:port", "port that is not a number"),
        ("smtps://mail.example?starttls=true", "starttls is for smtp:// only"),
        ("smtp://mail.example?tls=1", "unknown options: tls"),
    ],
)
def test_a_bad_smtp_url_is_named(url: str, problem: str) -> None:
    with pytest.raises(SmtpUrlError, match=problem):
        parse_smtp_url(url)


def test_smtp_urls_are_read_with_their_defaults() -> None:
    plain = parse_smtp_url(
        "smtp://user%40org:s%3Acret@relay.hospital.example?starttls=true&cafile=/etc/ca.pem"
    )
    assert (plain.host, plain.port, plain.username, plain.password) == (
        "relay.hospital.example",
        25,
        "user@org",
        "s:cret",
    )
    assert plain.starttls and plain.cafile == "/etc/ca.pem"
    tls = parse_smtp_url("smtps://relay.hospital.example")
    assert tls.port == 465 and not tls.starttls and tls.username == ""
