"""Who and what a statement names in Pathways terms: the employee behind an agent, the course behind an IRI.

An agent is an employee when an admin mapped its identifier to them (xapi_mappings, made while resolving a
rejected completion), else by its mbox (the employee's email) or its account name (the employee number). An
activity is a course when its IRI is the course's LMS id, or an admin mapped it. The completion bridge, the
rejection review and the Agents resource all ask here, a batch at a time, in one query.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Date, Integer, String, cast, literal, null, select, union_all
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


class Lookup:
    """The people and courses a batch of statements names, found with one query."""

    def __init__(self, session: Session, actors: list[dict[str, Any]], activity_ids: set[str]) -> None:
        emails = {e for a in actors if (e := email_of(a))}
        numbers = {n for a in actors if (n := number_of(a))}
        keys = {k for a in actors if (k := ifi_key(a))}
        hashes = {mapping_hash(PERSON, k): k for k in keys} | {
            mapping_hash(COURSE, a): a for a in activity_ids
        }
        emp, m = Employee, XapiMapping
        person = (emp.id, emp.name, emp.email, emp.employee_number, emp.hire_date)
        nobody = (cast(null(), String), cast(null(), String), cast(null(), String), cast(null(), Date))
        parts = []
        if emails:
            parts.append(select(literal("email"), emp.email, *person).where(emp.email.in_(emails)))
        if numbers:
            parts.append(
                select(literal("number"), emp.employee_number, *person).where(
                    emp.employee_number.in_(numbers)
                )
            )
        if hashes:
            parts.append(
                select(literal("map"), m.key_hash, *person)
                .join(emp, emp.id == m.employee_id)
                .where(m.key_hash.in_(hashes), m.kind == PERSON)
            )
            parts.append(
                select(literal("mapc"), m.key_hash, cast(m.course_id, Integer), *nobody).where(
                    m.key_hash.in_(hashes), m.kind == COURSE
                )
            )
        if activity_ids:
            parts.append(
                select(literal("course"), Course.lms_id, Course.id, *nobody).where(
                    Course.lms_id.in_(activity_ids)
                )
            )
        self.by_email: dict[str, Person] = {}
        self.by_number: dict[str, Person] = {}
        self.mapped: dict[str, Person] = {}
        self.courses: dict[str, int] = {}
        self.mapped_courses: dict[str, int] = {}
        if not parts:
            return
        for kind, key, found_id, name, email, number, hire_date in session.execute(union_all(*parts)):
            if kind == "course":
                self.courses.setdefault(key, found_id)
            elif kind == "mapc":
                self.mapped_courses[hashes[key]] = found_id
            else:
                found = Person(found_id, name, email, number, hire_date)
                if kind == "email":
                    self.by_email[key.lower()] = found
                elif kind == "number":
                    self.by_number[key] = found
                else:
                    self.mapped[hashes[key]] = found

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
    found = Lookup(session, [agent], set()).person(agent)
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
