"""A real SMTP server for the tests: aiosmtpd on a free localhost port, recording what it accepted.

It can refuse an address for good (550, a bounce) or for now (451), and be made to hang before it takes a
message, so a test can kill a sender mid-send.
"""

import asyncio
import socket
import threading
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

BOUNCES = "bounces"  # local part of an address the server refuses for good
BUSY = "busy"  # ... and for now


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    envelope_to: list[str]
    message: EmailMessage
    peer: Any


@dataclass
class Handler:
    received: list[Received] = field(default_factory=list)
    hold: threading.Event | None = None  # when set up, RCPT waits until the event is set
    holding: threading.Event = field(default_factory=threading.Event)
    delay_s: float = 0.0

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        local = address.split("@")[0]
        if local == BOUNCES:
            return f"550 5.1.1 <{address}>: no such mailbox here"
        if local == BUSY:
            return "451 4.3.2 try again later"
        if self.hold is not None:
            self.holding.set()
            while not self.hold.is_set():
                await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        message = BytesParser(policy=policy.default).parsebytes(envelope.original_content or envelope.content)
        assert isinstance(message, EmailMessage)
        self.received.append(Received(list(envelope.rcpt_tos), message, session.peer))
        return "250 2.0.0 accepted"


class SmtpServer:
    def __init__(self, port: int | None = None, login: tuple[str, str] | None = None, **handler: Any) -> None:
        self.port = port or free_port()
        self.handler = Handler(**handler)
        self.controller: Controller | None = None
        self.login = login

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def start(self) -> "SmtpServer":
        extra: dict[str, Any] = {}
        if self.login is not None:
            expected = self.login

            def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
                given = (data.login.decode(), data.password.decode())
                return AuthResult(success=given == expected, handled=False)

            # Plain connections may log in here: the test checks the credentials travel, not TLS.
            extra = {"authenticator": check, "auth_require_tls": False, "auth_required": True}
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **extra)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def message_ids(self) -> list[str]:
        return [str(r.message["Message-ID"]) for r in self.received]
