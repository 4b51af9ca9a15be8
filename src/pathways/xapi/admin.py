"""What the admin page shows: recent statements, refused requests and per-client counts, in four queries."""

import json
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pathways.xapi.formats import ms_to_timestamp
from pathways.xapi.models import XapiClient, XapiRejection, XapiStatement

RECENT = 50


@dataclass(frozen=True)
class StatementRow:
    statement_id: str
    stored: str
    client: str
    actor: str
    verb: str
    object: str
    voided: bool
    bridge_note: str | None


@dataclass(frozen=True)
class ClientRow:
    name: str
    key: str
    revoked: bool
    scopes: str
    statements: int
    last_stored: str | None
    rejections: int


def _label(value: dict[str, object]) -> str:
    for key in ("mbox", "openid", "mbox_sha1sum", "id"):
        if isinstance(value.get(key), str):
            return str(value[key])
    account = value.get("account")
    if isinstance(account, dict):
        return f"{account.get('name')} at {account.get('homePage')}"
    return str(value.get("objectType", "anonymous group"))


def recent_statements(session: Session) -> list[StatementRow]:
    rows = session.execute(
        select(XapiStatement, XapiClient.name)
        .join(XapiClient, XapiClient.id == XapiStatement.client_id)
        .order_by(XapiStatement.stored_ms.desc(), XapiStatement.id.desc())
        .limit(RECENT)
    ).all()
    out = []
    for statement, client_name in rows:
        document = json.loads(statement.document)
        out.append(
            StatementRow(
                statement_id=statement.statement_id,
                stored=ms_to_timestamp(statement.stored_ms),
                client=client_name,
                actor=_label(document["actor"]),
                verb=statement.verb_id.rsplit("/", 1)[-1],
                object=_label(document["object"]),
                voided=statement.voided,
                bridge_note=statement.bridge_note,
            )
        )
    return out


def recent_rejections(session: Session) -> list[tuple[XapiRejection, str | None]]:
    rows = session.execute(
        select(XapiRejection, XapiClient.name)
        .outerjoin(XapiClient, XapiClient.id == XapiRejection.client_id)
        .order_by(XapiRejection.id.desc())
        .limit(RECENT)
    ).all()
    return [(rejection, name) for rejection, name in rows]


def client_counts(session: Session) -> list[ClientRow]:
    statements = dict(
        (client_id, (count, last))
        for client_id, count, last in session.execute(
            select(XapiStatement.client_id, func.count(), func.max(XapiStatement.stored_ms)).group_by(
                XapiStatement.client_id
            )
        )
    )
    rejections = dict(
        session.execute(
            select(XapiRejection.client_id, func.count())
            .where(XapiRejection.client_id.is_not(None))
            .group_by(XapiRejection.client_id)
        ).all()
    )
    out = []
    for client in session.scalars(select(XapiClient).order_by(XapiClient.name)):
        count, last = statements.get(client.id, (0, None))
        out.append(
            ClientRow(
                name=client.name,
                key=client.key,
                revoked=client.revoked_at is not None,
                scopes=client.scopes,
                statements=count,
                last_stored=ms_to_timestamp(last) if last else None,
                rejections=rejections.get(client.id, 0),
            )
        )
    return out
