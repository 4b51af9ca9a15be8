"""An outbox row as the email that goes out: text and HTML from templates/mail/, links made absolute from
PATHWAYS_BASE_URL. Rendered when sent, not when queued, so a reset link's token is never stored."""

from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session

from pathways.auth import reset
from pathways.auth.models import PasswordResetToken
from pathways.config import PACKAGE_DIR, Settings
from pathways.mail.models import OutboxMessage

# Autoescaped for HTML only: the text part must keep "&" and "<" as they are.
_env = Environment(
    loader=FileSystemLoader(PACKAGE_DIR / "templates" / "mail"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


KIND_HEADER = "X-Pathways-Kind"


class Obsolete(Exception):
    """The message no longer makes sense to send (a reset link used or replaced before it went out)."""


def absolute(settings: Settings, link: str) -> str:
    if link.startswith(("http://", "https://")):
        return link
    return settings.base_url.rstrip("/") + "/" + link.lstrip("/")


def _context(session: Session, row: OutboxMessage, settings: Settings) -> dict[str, Any]:
    payload = dict(row.payload or {})
    context: dict[str, Any] = {
        "name": row.to_name or row.to_address,
        "subject": row.subject,
        "account_link": absolute(settings, "/account"),
        "home": absolute(settings, "/"),
    }
    if row.kind == "password-reset":
        token_row = session.get(PasswordResetToken, payload.get("reset_id"))
        if token_row is None or token_row.used_at is not None:
            raise Obsolete("The reset link was used or replaced by a newer one before this email went out.")
        token = reset.token_for(token_row.salt, settings.secret_key)
        context.update(
            link=absolute(settings, f"/password/reset/{token}"), minutes=payload.get("minutes", 60)
        )
        context["template"] = "reset"
    elif row.kind == "digest":
        items = [
            {**item, "link": absolute(settings, item.get("link") or "/inbox")} for item in payload["items"]
        ]
        context.update(items=items, template="digest", link=absolute(settings, "/inbox"))
    else:
        context.update(
            message=payload.get("message", ""),
            link=absolute(settings, payload.get("link") or "/inbox"),
            template="notification",
        )
    return context


def build(session: Session, row: OutboxMessage, settings: Settings) -> EmailMessage:
    context = _context(session, row, settings)
    template = context["template"]
    message = EmailMessage()
    message["Subject"] = row.subject
    message["From"] = settings.mail_from
    message["To"] = formataddr((row.to_name, row.to_address)) if row.to_name else row.to_address
    message["Date"] = format_datetime(row.created_at)
    message["Message-ID"] = row.message_id
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a robot
    message[KIND_HEADER] = row.kind
    message.set_content(_env.get_template(f"{template}.txt").render(context))
    message.add_alternative(_env.get_template(f"{template}.html").render(context), subtype="html")
    return message


def sender_address(settings: Settings) -> str:
    return parseaddr(settings.mail_from)[1]
