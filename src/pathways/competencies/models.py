from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pathways.db import Base


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
