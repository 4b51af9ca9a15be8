"""What administrators see of the outbox: counts by state, the latest messages, and the mail folder."""

from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pathways.errors import NotFound, shown
from pathways.mail.models import MailState, OutboxMessage

PAGE = 100
STATES = [state.value for state in MailState]


def counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state))
    return {state: int(count) for state, count in rows}


def latest(session: Session, state: str | None = None, limit: int = PAGE) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if state:
        query = query.where(OutboxMessage.state == state)
    return list(session.scalars(query))


@dataclass(frozen=True)
class MailFile:
    name: str
    subject: str
    to: str
    date: str
    size: int


def _parse(path: Path) -> EmailMessage:
    with path.open("rb") as handle:
        message = BytesParser(policy=policy.default).parse(handle)
    assert isinstance(message, EmailMessage)
    return message


def folder_files(folder: Path, limit: int = PAGE) -> list[MailFile]:
    if not folder.is_dir():
        return []
    # Newest first; the names start with the time they were written.
    paths = sorted(folder.glob("*.eml"), reverse=True)[:limit]
    files = []
    for path in paths:
        message = _parse(path)
        files.append(
            MailFile(
                path.name,
                str(message["Subject"] or ""),
                str(message["To"] or ""),
                str(message["Date"] or ""),
                path.stat().st_size,
            )
        )
    return files


def folder_file(folder: Path, name: str) -> tuple[EmailMessage, Path]:
    # Only a plain name of a file in the folder: no path parts, nothing outside it.
    path = folder / name
    if "/" in name or "\\" in name or name.startswith(".") or not name.endswith(".eml") or not path.is_file():
        raise NotFound(f"There is no message {shown(name)} in the mail folder.")
    return _parse(path), path


def parts(message: EmailMessage) -> tuple[str, str | None]:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return (
        text.get_content() if isinstance(text, EmailMessage) else "",
        html.get_content() if isinstance(html, EmailMessage) else None,
    )
