"""State, Activity Profile and Agent Profile documents, with the specification's concurrency rules."""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from pathways.xapi.formats import XapiError, timestamp_to_ms
from pathways.xapi.models import XapiDocument

STATE = "state"
ACTIVITY_PROFILE = "activity_profile"
AGENT_PROFILE = "agent_profile"


@dataclass(frozen=True)
class Scope:
    kind: str
    activity_id: str | None = None
    agent_key: str | None = None
    registration: str | None = None

    def hash(self, document_id: str | None = None) -> str:
        parts = [self.kind, self.activity_id or "", self.agent_key or "", self.registration or ""]
        if document_id is not None:
            parts.append(document_id)
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


@dataclass(frozen=True)
class Preconditions:
    if_match: str | None
    if_none_match: str | None
    # 2.0 requires one of the two headers on a PUT over an existing State document; 1.0.3 did not.
    required_on_overwrite: bool
    # 1.0.3 requires one on every PUT of a profile document, a new one included (conformance XAPI-00273).
    required_on_create: bool = False


def etag_of(content: bytes) -> str:
    return hashlib.sha1(content).hexdigest()  # noqa: S324 - the specification names SHA-1 for ETags


def _tags(header: str) -> set[str]:
    return {t.strip().removeprefix("W/").strip('"') for t in header.split(",")}


def check_preconditions(current: XapiDocument | None, pre: Preconditions, method: str) -> None:
    if pre.if_match is not None:
        tags = _tags(pre.if_match)
        if current is None or ("*" not in tags and current.etag not in tags):
            raise XapiError("If-Match: the document has changed or does not exist.", status_code=412)
    if pre.if_none_match is not None:
        tags = _tags(pre.if_none_match)
        if current is not None and ("*" in tags or current.etag in tags):
            raise XapiError("If-None-Match: the document already exists.", status_code=412)
    if method != "PUT" or pre.if_match is not None or pre.if_none_match is not None:
        return
    if current is not None and pre.required_on_overwrite:
        raise XapiError(
            "The document exists: send If-Match with its ETag to overwrite it, or If-None-Match: * to only "
            "create it.",
            status_code=409,
        )
    if current is None and pre.required_on_create:
        raise XapiError(
            "In xAPI 1.0.x a profile document is written with If-None-Match: * (to create it) or If-Match "
            "with its ETag (to overwrite it)."
        )


def get(session: Session, scope: Scope, document_id: str) -> XapiDocument | None:
    return session.scalar(select(XapiDocument).where(XapiDocument.key_hash == scope.hash(document_id)))


def list_ids(session: Session, scope: Scope, since_ms: int | None) -> tuple[list[str], int | None]:
    query = select(XapiDocument.document_id, XapiDocument.updated_ms).where(
        XapiDocument.scope_hash == scope.hash()
    )
    if since_ms is not None:
        query = query.where(XapiDocument.updated_ms > since_ms)
    rows = session.execute(query.order_by(XapiDocument.document_id)).all()
    return [r.document_id for r in rows], max((r.updated_ms for r in rows), default=None)


def _is_json(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() == "application/json"


def _json_object(content: bytes, what: str) -> dict[str, Any]:
    try:
        value = json.loads(content)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise XapiError(f"{what} is not a JSON object, so the two cannot be merged.")
    return value


def save(
    session: Session,
    scope: Scope,
    document_id: str,
    content: bytes,
    content_type: str,
    method: str,
    pre: Preconditions,
) -> XapiDocument:
    current = get(session, scope, document_id)
    check_preconditions(current, pre, method)
    if method == "POST" and current is not None:
        # POST merges JSON objects: top-level properties of the new document replace the stored ones.
        if not (_is_json(content_type) and _is_json(current.content_type)):
            raise XapiError("POST merges JSON documents; the stored or the sent document is not JSON.")
        merged = _json_object(current.content, "The stored document") | _json_object(content, "The document")
        content = json.dumps(merged, separators=(",", ":")).encode()
        content_type = "application/json"
    elif method == "POST" and _is_json(content_type):
        _json_object(content, "The document")
    now_ms = timestamp_to_ms(dt.datetime.now(dt.UTC))
    if current is None:
        current = XapiDocument(
            key_hash=scope.hash(document_id),
            scope_hash=scope.hash(),
            kind=scope.kind,
            activity_id=scope.activity_id,
            agent_key=scope.agent_key,
            registration=scope.registration,
            document_id=document_id,
        )
        session.add(current)
    current.content = content
    current.content_type = content_type
    current.etag = etag_of(content)
    current.updated_ms = now_ms
    session.flush()
    return current


def remove(session: Session, scope: Scope, document_id: str | None, pre: Preconditions) -> None:
    if document_id is not None:
        current = get(session, scope, document_id)
        check_preconditions(current, pre, "DELETE")
        if current is not None:
            session.delete(current)
    else:
        session.execute(delete(XapiDocument).where(XapiDocument.scope_hash == scope.hash()))
    session.flush()
