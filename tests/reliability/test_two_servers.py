"""Two `pathways serve` processes on one PostgreSQL database, as behind a load balancer.

Real processes started by the command people run, not app objects in this one: a session made on one server
works on the other and ends on both when the person signs out, an API token works on both, and the reminders
and emails that both servers' background senders race to send go out exactly once.
"""

import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from pathways.audit.models import AuditEntry
from pathways.auth import service as auth_service
from pathways.db import Database
from pathways.inbox.models import Notification
from pathways.learning.reminders import DUE_SOON, EXPIRING, OVERDUE
from pathways.mail.models import MailState, OutboxMessage
from pathways.org.models import Employee, PeopleImport
from tests.conftest import build_database
from tests.helpers import DEMO_PASSWORD, csrf_from
from tests.mail.smtp import SmtpServer, free_port
from tests.org.people_files import feed, new_row, person
from tests.postgres import Cluster

START_S = 60.0
DRAIN_S = 90.0
REMINDERS = [DUE_SOON, EXPIRING, OVERDUE]


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str
    log: Path


@pytest.fixture
def shared_database(postgres_cluster: Cluster) -> Iterator[Database]:
    database = build_database(postgres_cluster.create_database(f"two_servers_{uuid.uuid4().hex[:8]}"))
    yield database
    database.engine.dispose()


def start_server(database: Database, smtp: SmtpServer, log: Path) -> Server:
    port = free_port()
    environment = {
        **os.environ,
        "PATHWAYS_DATABASE_URL": database.url,
        "PATHWAYS_SECRET_KEY": "two-servers-share-this-signing-key-" + "x" * 8,
        "PATHWAYS_SMTP_URL": smtp.url,
        "PATHWAYS_MAIL_EVERY_S": "1",
        "PATHWAYS_BASE_URL": "https://pathways.example",
    }
    command = [str(Path(sys.executable).parent / "pathways"), "serve", "--port", str(port)]
    process = subprocess.Popen(command, env=environment, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    return Server(process, f"http://127.0.0.1:{port}", log)


def wait_until_up(server: Server) -> None:
    deadline = time.monotonic() + START_S
    while time.monotonic() < deadline:
        assert server.process.poll() is None, f"the server exited: {server.log.read_text()}"
        try:
            if httpx.get(f"{server.url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the server did not answer in {START_S} s: {server.log.read_text()}")


@pytest.fixture
def servers(shared_database: Database, tmp_path: Path) -> Iterator[tuple[list[Server], SmtpServer]]:
    smtp = SmtpServer().start()
    running = [start_server(shared_database, smtp, tmp_path / f"server{i}.log") for i in range(2)]
    try:
        for server in running:
            wait_until_up(server)
        yield running, smtp
    finally:
        for server in running:
            server.process.terminate()
        for server in running:
            try:
                server.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.process.kill()
        smtp.stop()


def sign_in(client: httpx.Client, who: str) -> None:
    page = client.get("/login")
    form = {"email": f"{who}@pathways.example", "password": DEMO_PASSWORD, "csrf_token": csrf_from(page.text)}
    assert client.post("/login", data=form).status_code == 303


def test_a_session_and_a_token_work_on_either_server(
    servers: tuple[list[Server], SmtpServer], shared_database: Database
) -> None:
    (one, two), _ = servers
    with httpx.Client(base_url=one.url) as first, httpx.Client(base_url=two.url) as second:
        sign_in(first, "psr_alice")
        second.cookies = first.cookies  # the load balancer sends the next request to the other server
        assert second.get("/api/v1/me").json()["email"] == "psr_alice@pathways.example"

        # Signing out on the second server ends the session on the first as well.
        csrf = csrf_from(second.get("/").text)
        assert second.post("/logout", data={"csrf_token": csrf}).status_code == 303
        first.cookies = second.cookies
        assert first.get("/api/v1/me").status_code == 401

    with shared_database.transaction() as session:
        token = auth_service.create_token(session, "sup_carl@pathways.example")
    for server in (one, two):
        answer = httpx.get(f"{server.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert answer.json()["email"] == "sup_carl@pathways.example"


def test_reminders_and_emails_go_out_once(
    servers: tuple[list[Server], SmtpServer], shared_database: Database
) -> None:
    # Both servers start a reminder round and an outbox sender the moment they start. Wait for the outbox
    # to empty: every message sent, none still claimed or waiting.
    _, smtp = servers
    waiting = [MailState.PENDING.value, MailState.SENDING.value]
    deadline = time.monotonic() + DRAIN_S
    while True:
        with shared_database.session() as session:
            reminders = session.scalar(
                select(func.count()).select_from(Notification).where(Notification.kind.in_(REMINDERS))
            )
            unsent = session.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.state.in_(waiting))
            )
        if reminders and not unsent:
            break
        assert time.monotonic() < deadline, f"{reminders} reminders, {unsent} emails unsent after {DRAIN_S} s"
        time.sleep(0.5)

    with shared_database.session() as session:
        notes = session.execute(
            select(Notification.user_id, Notification.kind, Notification.link).where(
                Notification.kind.in_(REMINDERS)
            )
        ).all()
        sent = session.scalars(
            select(OutboxMessage.message_id).where(OutboxMessage.state == MailState.SENT.value)
        ).all()
    assert max(Counter(notes).values()) == 1, "nobody got the same reminder twice"
    assert len(sent) > 0
    arrived = Counter(smtp.message_ids())
    assert max(arrived.values()) == 1, "no email arrived twice"
    assert sorted(arrived) == sorted(sent), "every email marked sent arrived, and nothing else did"


def test_a_people_import_applied_on_both_servers_at_once_runs_once(
    servers: tuple[list[Server], SmtpServer], shared_database: Database
) -> None:
    (one, two), _ = servers
    with shared_database.transaction() as session:
        manager = person(session, "sup_carl").employee_number
        before = session.scalar(select(func.count()).select_from(Employee)) or 0
    # Enough rows that the first apply is still running when the second arrives.
    data = feed(*(new_row(f"TWO{n:04d}", manager) for n in range(400)))
    with (
        httpx.Client(base_url=one.url, timeout=120) as first,
        httpx.Client(base_url=two.url, timeout=120) as second,
    ):
        sign_in(first, "admin_ada")
        second.cookies = first.cookies
        csrf = csrf_from(first.get("/admin/people/import").text)
        preview = first.post(
            "/admin/people/import", data={"csrf_token": csrf}, files={"file": ("hr.csv", data, "text/csv")}
        )
        assert preview.status_code == 200, preview.text
        with shared_database.transaction() as session:
            upload = session.scalars(select(PeopleImport).order_by(PeopleImport.id.desc()).limit(1)).one().id
        with ThreadPoolExecutor(max_workers=2) as pool:
            answers = list(
                pool.map(
                    lambda client: client.post(
                        f"/admin/people/import/{upload}/apply", data={"csrf_token": csrf}
                    ),
                    (first, second),
                )
            )
    assert sorted(a.status_code for a in answers) == [200, 409], [a.text[:300] for a in answers]
    refused = next(a for a in answers if a.status_code == 409)
    assert "already being applied" in refused.text or "already applied" in refused.text
    with shared_database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Employee)) == before + 400
        imports = session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "people.import")
        )
        assert imports == 1
