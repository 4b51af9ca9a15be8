"""Where a message goes: an SMTP server named by PATHWAYS_SMTP_URL, or, with none set, .eml files in a folder
(the demo and a laptop work offline). Both raise the same two errors, which the sender acts on."""

import contextlib
import datetime as dt
import re
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

SMTP_TIMEOUT_S = 30
DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
TRUE = ("1", "true", "yes", "on")


class SmtpUrlError(ValueError):
    pass


class TemporaryFailure(Exception):
    """Worth trying again later: the server is down, busy (4xx) or the connection broke."""


class PermanentFailure(Exception):
    """The server refused this message for good (5xx): the address bounces or the message is rejected."""


@dataclass(frozen=True)
class SmtpServer:
    scheme: str
    host: str
    port: int
    username: str
    password: str
    starttls: bool
    cafile: str | None

    @property
    def where(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"


def parse_smtp_url(url: str) -> SmtpServer:
    """smtp://user:pass@host:port, smtps://... (TLS from the start); ?starttls=true upgrades a plain
    connection; ?cafile=/path trusts a private certificate authority."""
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise SmtpUrlError(
            "PATHWAYS_SMTP_URL must look like smtp://user:password@host:port or smtps://...; "
            f"got {parts.scheme or 'no'} scheme" + ("" if parts.hostname else " and no host") + "."
        )
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError as exc:
        raise SmtpUrlError(f"PATHWAYS_SMTP_URL has a port that is not a number: {exc}.") from None
    query = parse_qs(parts.query)
    unknown = set(query) - {"starttls", "cafile"}
    if unknown:
        raise SmtpUrlError(f"PATHWAYS_SMTP_URL has unknown options: {', '.join(sorted(unknown))}.")
    starttls = query.get("starttls", ["false"])[0].lower() in TRUE
    if starttls and parts.scheme == "smtps":
        raise SmtpUrlError("PATHWAYS_SMTP_URL: smtps:// is TLS from the start; starttls is for smtp:// only.")
    return SmtpServer(
        scheme=parts.scheme,
        host=parts.hostname,
        port=port,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        starttls=starttls,
        cafile=query.get("cafile", [None])[0],
    )


class Transport(Protocol):
    def open(self) -> None: ...

    def deliver(self, message: EmailMessage) -> None: ...

    def close(self) -> None: ...


def _code_failure(code: int, reply: bytes | str, what: str) -> Exception:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    reason = f"{what}: {code} {text}".strip()
    return PermanentFailure(reason) if 500 <= code < 600 else TemporaryFailure(reason)


class SmtpTransport:
    """One connection for a batch of messages, opened lazily and opened again if the server drops it."""

    def __init__(self, server: SmtpServer, timeout_s: float = SMTP_TIMEOUT_S) -> None:
        self.server = server
        self.timeout_s = timeout_s
        self.connection: smtplib.SMTP | None = None

    def _context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.server.cafile)

    def open(self) -> None:
        server = self.server
        try:
            if server.scheme == "smtps":
                connection: smtplib.SMTP = smtplib.SMTP_SSL(
                    server.host, server.port, timeout=self.timeout_s, context=self._context()
                )
            else:
                connection = smtplib.SMTP(server.host, server.port, timeout=self.timeout_s)
                if server.starttls:
                    connection.starttls(context=self._context())
            if server.username:
                connection.login(server.username, server.password)
        except smtplib.SMTPAuthenticationError as exc:
            # A wrong password is the server's set-up, not the message's fault: keep the messages and retry.
            raise TemporaryFailure(
                f"The SMTP server at {server.where} refused the login: {exc.smtp_code}"
            ) from exc
        except (OSError, smtplib.SMTPException, ssl.SSLError) as exc:
            raise TemporaryFailure(f"Could not reach the SMTP server at {server.where}: {exc}") from exc
        self.connection = connection

    def deliver(self, message: EmailMessage) -> None:
        if self.connection is None:
            self.open()
        assert self.connection is not None
        try:
            refused = self.connection.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            raise _code_failure(code, reply, "The server refused the address") from exc
        except smtplib.SMTPSenderRefused as exc:
            raise _code_failure(exc.smtp_code, exc.smtp_error, "The server refused the sender") from exc
        except smtplib.SMTPDataError as exc:
            raise _code_failure(exc.smtp_code, exc.smtp_error, "The server refused the message") from exc
        except smtplib.SMTPResponseException as exc:
            self._drop()
            raise _code_failure(exc.smtp_code, exc.smtp_error, "The server answered") from exc
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            raise TemporaryFailure(f"The connection to {self.server.where} broke: {exc}") from exc
        if refused:
            code, reply = next(iter(refused.values()))
            raise _code_failure(code, reply, "The server refused the address")

    def _drop(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            with contextlib.suppress(OSError):
                connection.close()

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.connection.quit()
            self._drop()


SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def eml_name(message: EmailMessage) -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    ident = SAFE_NAME.sub("-", str(message["Message-ID"]).strip("<>"))[:80]
    return f"{stamp}-{ident}.eml"


class FolderTransport:
    """Writes each message as an .eml file: what `make run` does, so the demo's mail can be read offline."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def open(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise TemporaryFailure(f"Could not create the mail folder {self.folder}: {exc}") from exc

    def deliver(self, message: EmailMessage) -> None:
        self.open()
        target = self.folder / eml_name(message)
        partial = target.with_suffix(".part")
        try:
            partial.write_bytes(bytes(message))
            partial.replace(target)  # whole files only: a reader never sees half a message
        except OSError as exc:
            raise TemporaryFailure(f"Could not write to the mail folder {self.folder}: {exc}") from exc

    def close(self) -> None:
        return None
