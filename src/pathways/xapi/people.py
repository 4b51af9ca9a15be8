"""Who and what a statement names in Pathways terms: the employee behind an agent, the course behind an IRI.

An agent is an employee when an admin mapped its identifier to them (xapi_mappings, made while resolving a
rejected completion), else by its mbox (the employee's email) or its account name (the employee number). An
activity is a course when its IRI is the course's LMS id, or an admin mapped it. The completion bridge, the
rejection review and the Agents resource all ask here, a batch at a time, in one query.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Date,
    String,
    any_,
    bindparam,
    cast,
    func,
    literal,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql.psycopg import dialect as psycopg_dialect
from sqlalchemy.orm import Session

from pathways.learning.models import Course
from pathways.org.models import Employee
from pathways.xapi.agents import IFI_PROPERTIES, ifi_key
from pathways.xapi.models import XapiMapping

PERSON = "person"
COURSE = "course"


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    email: str
    employee_number: str
    hire_date: dt.date


def mapping_hash(kind: str, key: str) -> str:
    return hashlib.sha256(f"{kind}\n{key}".encode()).hexdigest()


def email_of(actor: dict[str, Any]) -> str | None:
    mbox = actor.get("mbox")
    return mbox[len("mailto:") :].lower() if isinstance(mbox, str) else None


def number_of(actor: dict[str, Any]) -> str | None:
    account = actor.get("account")
    return account.get("name") if isinstance(account, dict) else None


def describe(actor: dict[str, Any]) -> str:
    email, number = email_of(actor), number_of(actor)
    return f"email {email}" if email else f"employee number {number}" if number else "this identifier"


def _member(column: ColumnElement[str], name: str, postgres: bool) -> ColumnElement[bool]:
    # A list is one parameter whatever its length (an array on PostgreSQL, a JSON array on SQLite), so the
    # statement's text never changes: compiled once, and prepared by PostgreSQL after a few uses.
    if postgres:
        return column == any_(bindparam(name, type_=ARRAY(String)))
    return column.in_(select(literal_column("value")).select_from(func.json_each(bindparam(name))))


def _find(postgres: bool) -> CompoundSelect:
    # Core tables, not the mapped classes: built at import, before every mapper is configured.
    emp, m, c = Employee.__table__.c, XapiMapping.__table__.c, Course.__table__.c
    person = (emp.id, emp.name, emp.email, emp.employee_number, emp.hire_date)
    nobody = (cast(null(), String), cast(null(), String), cast(null(), String), cast(null(), Date))
    mappings = XapiMapping.__table__.join(Employee.__table__, emp.id == m.employee_id)
    return union_all(
        select(literal("email"), emp.email, *person).where(_member(emp.email, "emails", postgres)),
        select(literal("number"), emp.employee_number, *person).where(
            _member(emp.employee_number, "numbers", postgres)
        ),
        select(literal("map"), m.key_hash, *person)
        .select_from(mappings)
        .where(m.kind == PERSON, _member(m.key_hash, "hashes", postgres)),
        select(literal("mapc"), m.key_hash, m.course_id, *nobody).where(
            m.kind == COURSE, _member(m.key_hash, "hashes", postgres)
        ),
        select(literal("course"), c.lms_id, c.id, *nobody).where(_member(c.lms_id, "activities", postgres)),
    )


_FIND_SQLITE = _find(postgres=False)
# On PostgreSQL the statement goes to the driver as SQL (statements.store sends it in one round trip with its
# own look-up, psycopg's pipeline), with the constants SQLAlchemy made parameters of.
_COMPILED = _find(postgres=True).compile(dialect=psycopg_dialect())
FIND_POSTGRESQL = str(_COMPILED)
_CONSTANTS = {name: value for name, value in _COMPILED.params.items() if value is not None}


@dataclass(frozen=True)
class Question:
    """What a batch asks: its list parameters, and each mapping hash with the identifier it stands for."""

    lists: dict[str, list[str]]
    hashes: dict[str, str]

    @property
    def empty(self) -> bool:
        return not any(self.lists.values())

    def postgresql_params(self) -> dict[str, Any]:
        return {**_CONSTANTS, **self.lists}


def question(actors: list[dict[str, Any]], activity_ids: set[str]) -> Question:
    keys = {k for a in actors if (k := ifi_key(a))}
    hashes = {mapping_hash(PERSON, k): k for k in keys} | {mapping_hash(COURSE, a): a for a in activity_ids}
    lists = {
        "emails": sorted({e for a in actors if (e := email_of(a))}),
        "numbers": sorted({n for a in actors if (n := number_of(a))}),
        "hashes": sorted(hashes),
        "activities": sorted(activity_ids),
    }
    return Question(lists, hashes)


Row = tuple[str, str, int, str | None, str | None, str | None, dt.date | None]


class Lookup:
    """The people and courses a batch of statements names (see ask: one query)."""

    def __init__(self, asked: Question, rows: Iterable[Row]) -> None:
        self.by_email: dict[str, Person] = {}
        self.by_number: dict[str, Person] = {}
        self.mapped: dict[str, Person] = {}
        self.courses: dict[str, int] = {}
        self.mapped_courses: dict[str, int] = {}
        for kind, key, found_id, name, email, number, hire_date in rows:
            if kind == "course":
                self.courses.setdefault(key, found_id)
            elif kind == "mapc":
                self.mapped_courses[asked.hashes[key]] = found_id
            else:
                found = Person(found_id, str(name), str(email), str(number), hire_date or dt.date.min)
                if kind == "email":
                    self.by_email[key.lower()] = found
                elif kind == "number":
                    self.by_number[key] = found
                else:
                    self.mapped[asked.hashes[key]] = found

    @classmethod
    def ask(cls, session: Session, actors: list[dict[str, Any]], activity_ids: set[str]) -> "Lookup":
        asked = question(actors, activity_ids)
        if asked.empty:
            return cls(asked, [])
        if session.get_bind().dialect.name == "postgresql":
            rows = session.connection().exec_driver_sql(FIND_POSTGRESQL, asked.postgresql_params()).all()
        else:
            params = {name: json.dumps(values) for name, values in asked.lists.items()}
            rows = session.execute(_FIND_SQLITE, params).all()
        return cls(asked, [(r[0], r[1], r[2], r[3], r[4], r[5], r[6]) for r in rows])

    def person(self, actor: dict[str, Any]) -> Person | None:
        key = ifi_key(actor)
        if key is not None and key in self.mapped:
            return self.mapped[key]  # an admin's decision comes first
        email, number = email_of(actor), number_of(actor)
        if email:
            return self.by_email.get(email)
        return self.by_number.get(number) if number else None

    def course(self, activity_id: str) -> int | None:
        return self.mapped_courses.get(activity_id) or self.courses.get(activity_id)


def person_object(session: Session, agent: dict[str, Any], lms_home_page: str) -> dict[str, Any]:
    """The Agents resource's Person: the agent's own identifiers, and those Pathways knows for the employee
    it names (name, email, and the LMS account holding the employee number)."""
    out: dict[str, Any] = {"objectType": "Person"}
    if isinstance(agent.get("name"), str):
        out["name"] = [agent["name"]]
    for key in IFI_PROPERTIES:
        if key in agent:
            out[key] = [agent[key]]
    found = Lookup.ask(session, [agent], set()).person(agent)
    if found is not None:
        known: dict[str, Any] = {
            "name": found.name,
            "mbox": f"mailto:{found.email}",
            "account": {"homePage": lms_home_page, "name": found.employee_number},
        }
        for key, value in known.items():
            values = out.setdefault(key, [])
            if value not in values:
                values.append(value)
    return out
