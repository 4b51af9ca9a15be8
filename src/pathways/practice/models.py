import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pathways.competencies.models import Competency
from pathways.db import Base, UtcDateTime
from pathways.org.models import Employee
from pathways.practice.case_seeds import new_set_secret


class PracticeSet(Base):
    """A trainer's set of cases for a cohort: which case types, how many of each, and the level that passing
    it evidences. Each learner's cases are drawn from the set's secret (practice.case_seeds)."""

    __tablename__ = "practice_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    case_types: Mapped[list[str]] = mapped_column(JSON)
    cases_per_type: Mapped[int] = mapped_column(Integer)
    # Keys the HMAC that draws every case of the set; never serialised, shown or logged.
    secret: Mapped[str] = mapped_column(String(64), default=new_set_secret)
    level: Mapped[int] = mapped_column(Integer)
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())

    members: Mapped[list["PracticeSetMember"]] = relationship(
        back_populates="practice_set", lazy="raise", cascade="all, delete-orphan"
    )


class PracticeSetMember(Base):
    __tablename__ = "practice_set_members"

    set_id: Mapped[int] = mapped_column(ForeignKey("practice_sets.id", ondelete="CASCADE"), primary_key=True)
    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employees.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    # Set when every case in the set has a passing attempt; evidence is recorded that day, once.
    passed_on: Mapped[dt.date | None] = mapped_column(Date)

    practice_set: Mapped[PracticeSet] = relationship(back_populates="members", lazy="raise")
    employee: Mapped[Employee] = relationship(lazy="raise")


class PracticeAttempt(Base):
    """One learner working one case. The case is kept as generated, answer included, so that grading
    never drifts."""

    __tablename__ = "practice_attempts"
    # One attempt number per learner and set case, so two starts cannot draw the same case twice. An index
    # rather than a constraint: SQLite adds an index in place, a constraint only by rebuilding the table.
    __table_args__ = (
        Index(
            "uq_practice_attempts_slot_attempt",
            "employee_id",
            "set_id",
            "case_type",
            "case_index",
            "attempt_number",
            unique=True,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    set_id: Mapped[int | None] = mapped_column(ForeignKey("practice_sets.id", ondelete="CASCADE"), index=True)
    case_type: Mapped[str] = mapped_column(String(40))
    # Never shown to a learner for a set case. 64 bits: a SQLite INTEGER already is.
    case_seed: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"))
    case_index: Mapped[int | None] = mapped_column(Integer)  # its number among the set's cases of that type
    # 1, 2, ... for a set case drawn from the set's secret (each retry draws a new case); None for free
    # practice and for set attempts drawn from the public seeds used before, which count toward nothing.
    attempt_number: Mapped[int | None] = mapped_column(Integer)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | finished
    started_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    score: Mapped[int | None] = mapped_column(Integer)
    passed: Mapped[bool | None] = mapped_column()
    critical_count: Mapped[int] = mapped_column(Integer, default=0)
    major_count: Mapped[int] = mapped_column(Integer, default=0)
    minor_count: Mapped[int] = mapped_column(Integer, default=0)
    elapsed_seconds: Mapped[int | None] = mapped_column(Integer)

    employee: Mapped[Employee] = relationship(lazy="raise")
    practice_set: Mapped[PracticeSet | None] = relationship(lazy="raise")
    events: Mapped[list["PracticeEvent"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="PracticeEvent.seq"
    )
    findings: Mapped[list["PracticeFinding"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="PracticeFinding.id"
    )


class PracticeEvent(Base):
    """One learner action, as stored after screening (card data never reaches this table)."""

    __tablename__ = "practice_events"
    __table_args__ = (UniqueConstraint("attempt_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("practice_attempts.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # found at once, e.g. card data typed
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class PracticeFinding(Base):
    """An error found in a finished attempt; kept as rows so trainers can count them by code."""

    __tablename__ = "practice_findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("practice_attempts.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(64), index=True)
    severity: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text)
    competency: Mapped[str | None] = mapped_column(String(64))
    step: Mapped[int | None] = mapped_column(Integer)


class PracticeEvidenceRule(Base):
    """How much passed practice a competency needs before practice evidences a level (practice.yaml)."""

    __tablename__ = "practice_evidence_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    competency_id: Mapped[int] = mapped_column(
        ForeignKey("competencies.id", ondelete="CASCADE"), unique=True, index=True
    )
    cases: Mapped[int] = mapped_column(Integer)  # passed set cases, of case types that practise it
    case_types: Mapped[int] = mapped_column(Integer)  # distinct case types among them
    why: Mapped[str] = mapped_column(String(200))

    competency: Mapped[Competency] = relationship(lazy="raise")
