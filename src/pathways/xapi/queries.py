"""Reading statements: one by id, or a filtered, paged StatementResult.

Paging is keyset: the `more` link carries the filters and the (stored, row id) of the last statement sent, so
the next page starts exactly after it whatever is stored meanwhile.
"""

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Select, and_, exists, false, or_, select, true
from sqlalchemy.orm import Session

from pathways.xapi import jsoncodec
from pathways.xapi.agents import ifi_key, parse_agent_param
from pathways.xapi.formats import XapiError, is_iri, is_uuid, parse_timestamp, timestamp_to_ms
from pathways.xapi.models import XapiStatement, XapiStatementRef
from pathways.xapi.refs import ACTIVITY, AGENT

MAX_LIMIT = 500
QUERY_PARAMS = frozenset(
    {
        "agent",
        "verb",
        "activity",
        "registration",
        "related_activities",
        "related_agents",
        "since",
        "until",
        "limit",
        "format",
        "attachments",
        "ascending",
    }
)
FORMATS = ("exact", "ids", "canonical")


@dataclass
class StatementQuery:
    agent: str | None = None
    verb: str | None = None
    activity: str | None = None
    registration: str | None = None
    related_activities: bool = False
    related_agents: bool = False
    since_ms: int | None = None
    until_ms: int | None = None
    limit: int = MAX_LIMIT
    format: str = "exact"
    attachments: bool = False
    ascending: bool = False
    after: tuple[int, int] | None = None  # (stored_ms, id) of the last statement already sent


def _boolean(params: Mapping[str, str], name: str) -> bool:
    value = params.get(name, "false").lower()
    if value not in ("true", "false"):
        raise XapiError(f"{name}: must be true or false.")
    return value == "true"


def _time(params: Mapping[str, str], name: str) -> int | None:
    if name not in params:
        return None
    moment = parse_timestamp(params[name])
    if moment is None:
        raise XapiError(f"{name}: must be an ISO 8601 timestamp.")
    return timestamp_to_ms(moment)


def common_options(params: Mapping[str, str]) -> tuple[str, bool]:
    fmt = params.get("format", "exact")
    if fmt not in FORMATS:
        raise XapiError("format: must be ids, exact or canonical.")
    return fmt, _boolean(params, "attachments")


def parse_query(params: Mapping[str, str]) -> StatementQuery:
    unknown = set(params) - QUERY_PARAMS
    if unknown:
        raise XapiError(f"Unknown parameter(s) for a statement query: {', '.join(sorted(unknown))}.")
    query = StatementQuery()
    if "agent" in params:
        query.agent = ifi_key(parse_agent_param(params["agent"]))
    if "verb" in params:
        if not is_iri(params["verb"]):
            raise XapiError("verb: must be an IRI.")
        query.verb = params["verb"]
    if "activity" in params:
        if not is_iri(params["activity"]):
            raise XapiError("activity: must be an IRI.")
        query.activity = params["activity"]
    if "registration" in params:
        if not is_uuid(params["registration"]):
            raise XapiError("registration: must be a UUID.")
        query.registration = params["registration"].lower()
    query.related_activities = _boolean(params, "related_activities")
    query.related_agents = _boolean(params, "related_agents")
    query.since_ms, query.until_ms = _time(params, "since"), _time(params, "until")
    if "limit" in params:
        try:
            limit = int(params["limit"])
        except ValueError:
            raise XapiError("limit: must be a whole number.") from None
        if limit < 0:
            raise XapiError("limit: must not be negative.")
        query.limit = MAX_LIMIT if limit == 0 else min(limit, MAX_LIMIT)
    query.format, query.attachments = common_options(params)
    query.ascending = _boolean(params, "ascending")
    return query


def encode_more(query: StatementQuery, last: tuple[int, int]) -> str:
    state = asdict(query) | {"after": list(last)}
    return base64.urlsafe_b64encode(json.dumps(state, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_more(token: str) -> StatementQuery:
    try:
        state = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        state["after"] = tuple(state["after"])
        return StatementQuery(**state)
    except (ValueError, TypeError, KeyError, binascii.Error):
        raise XapiError("more: this paging link is not valid; start the query again.") from None


def _ref_filter(kind: str, key: str, related: bool) -> Any:
    ref = XapiStatementRef
    condition = and_(ref.statement_id == XapiStatement.statement_id, ref.kind == kind, ref.key == key)
    return exists().where(condition if related else and_(condition, ref.core == true()))


def build(query: StatementQuery, only_client: int | None = None) -> Select:
    s = XapiStatement
    filters = []
    if query.agent:
        filters.append(_ref_filter(AGENT, query.agent, query.related_agents))
    if query.activity:
        filters.append(_ref_filter(ACTIVITY, query.activity, query.related_activities))
    if query.verb:
        filters.append(s.verb_id == query.verb)
    if query.registration:
        filters.append(s.registration == query.registration)
    statement = select(s.id, s.stored_ms, s.document).where(s.voided == false())
    if only_client is not None:
        statement = statement.where(s.client_id == only_client)
    if filters:
        # A statement that targets a matching statement (StatementRef) matches too, recursively.
        matching = select(s.statement_id).where(*filters).cte("matching", recursive=True)
        targeting = select(s.statement_id).where(s.object_ref == matching.c.statement_id)
        matching = matching.union(targeting)
        statement = statement.where(s.statement_id.in_(select(matching.c.statement_id)))
    if query.since_ms is not None:
        statement = statement.where(s.stored_ms > query.since_ms)
    if query.until_ms is not None:
        statement = statement.where(s.stored_ms <= query.until_ms)
    if query.after is not None:
        stored_ms, row_id = query.after
        if query.ascending:
            statement = statement.where(
                or_(s.stored_ms > stored_ms, and_(s.stored_ms == stored_ms, s.id > row_id))
            )
        else:
            statement = statement.where(
                or_(s.stored_ms < stored_ms, and_(s.stored_ms == stored_ms, s.id < row_id))
            )
    order = (s.stored_ms.asc(), s.id.asc()) if query.ascending else (s.stored_ms.desc(), s.id.desc())
    return statement.order_by(*order).limit(query.limit + 1)


def run(
    session: Session, query: StatementQuery, only_client: int | None = None
) -> tuple[list[tuple[int, int, str]], str | None]:
    """(rows as (row id, stored_ms, document), more token or None). `only_client`: statements/read/mine."""
    rows: list[tuple[int, int, str]] = [
        (r[0], r[1], r[2]) for r in session.execute(build(query, only_client))
    ]
    more = None
    if len(rows) > query.limit:
        rows = rows[: query.limit]
        more = encode_more(query, (rows[-1][1], rows[-1][0]))
    return rows, more


def single(
    session: Session, statement_id: str, voided: bool, only_client: int | None = None
) -> tuple[int, str] | None:
    row = session.execute(
        select(
            XapiStatement.stored_ms, XapiStatement.document, XapiStatement.voided, XapiStatement.client_id
        ).where(XapiStatement.statement_id == statement_id.lower())
    ).first()
    if row is None or bool(row.voided) != voided:
        return None
    if only_client is not None and row.client_id != only_client:
        return None
    return row.stored_ms, row.document


def attachment_hashes(documents: list[str]) -> list[str]:
    """The content hashes the statements declare, in lower case as the content is stored under (a statement
    keeps its sha2 as sent, in whichever case)."""
    hashes: list[str] = []
    for document in documents:
        for attachment in jsoncodec.loads(document).get("attachments") or []:
            sha2 = attachment["sha2"].lower()
            if sha2 not in hashes:
                hashes.append(sha2)
    return hashes
