import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pathways.db import Base, UtcDateTime


class ProficiencyLevel(Base):
    """One step of the shared proficiency scale (1 = learning ... 4 = role model)."""

    __tablename__ = "proficiency_levels"

    level: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(60))
    summary: Mapped[str] = mapped_column(Text)


class Competency(Base):
    __tablename__ = "competencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16))  # framework | technical
    definition: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)

    levels: Mapped[list["CompetencyLevel"]] = relationship(
        back_populates="competency",
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="CompetencyLevel.level",
    )


class CompetencyLevel(Base):
    """What a competency looks like at one level of the scale, in a patient-service setting."""

    __tablename__ = "competency_levels"

    competency_id: Mapped[int] = mapped_column(
        ForeignKey("competencies.id", ondelete="CASCADE"), primary_key=True
    )
    level: Mapped[int] = mapped_column(ForeignKey("proficiency_levels.level"), primary_key=True)
    behaviour: Mapped[str] = mapped_column(Text)

    competency: Mapped[Competency] = relationship(back_populates="levels", lazy="raise")


class CompetencyRating(Base):
    """A rating of one competency: the employee's own, or their manager's. Every rating is kept as history."""

    __tablename__ = "competency_ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # self | manager
    level: Mapped[int] = mapped_column(Integer)  # 0 (none yet) .. 4
    note: Mapped[str] = mapped_column(Text, default="")
    rated_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())

    competency: Mapped[Competency] = relationship(lazy="raise")


class Observation(Base):
    """A site lead's short coaching note on one competency at one level; it counts as evidence."""

    __tablename__ = "observations"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id", ondelete="CASCADE"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text)
    observed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    observed_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())

    competency: Mapped[Competency] = relationship(lazy="raise")


class EvidenceRecord(Base):
    """Evidence from any other source (the practice desk, an import): a competency shown at a level."""

    __tablename__ = "evidence_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id", ondelete="CASCADE"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(32))  # practice | import | ...
    detail: Mapped[str] = mapped_column(String(300))
    recorded_on: Mapped[dt.date] = mapped_column(Date)

    competency: Mapped[Competency] = relationship(lazy="raise")


class LevelSummary(Base):
    """What one person's evidence and ratings add up to in one competency, kept beside the facts.

    Written only by competencies.level_summary, in the same transaction as every write of evidence or a
    manager rating, so it is never stale; analytics read it instead of folding a region's million completions
    at every request. A row exists once the person has evidence or a manager rating in the competency; the
    current level is `rated` when there is one, else `evidenced` (competencies.evidence.decide, the one rule).
    """

    __tablename__ = "level_summaries"

    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employees.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    competency_id: Mapped[int] = mapped_column(
        ForeignKey("competencies.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    evidenced: Mapped[int | None] = mapped_column(Integer)  # the highest level shown by any evidence
    rated: Mapped[int | None] = mapped_column(Integer)  # the latest manager rating
