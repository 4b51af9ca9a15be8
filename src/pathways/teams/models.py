import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pathways.db import Base, UtcDateTime
from pathways.org.models import Employee

ANY_SITE_TYPE = "any"


class OnboardingTemplate(Base):
    """The checklist a new person in a role works through, for one kind of site (or "any").

    Keyed by role code rather than a foreign key: templates ship with the schema, before any content is
    loaded, and the editor checks the code against the roles when a template is saved.
    """

    __tablename__ = "onboarding_templates"
    __table_args__ = (UniqueConstraint("role_code", "site_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    role_code: Mapped[str] = mapped_column(String(64))
    site_type: Mapped[str] = mapped_column(String(32))  # a SiteType value, or "any"
    # [{code, title, detail, due_days}]: validated by teams.schemas.TemplateIn on every save.
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())


class OnboardingPlan(Base):
    """One new hire's checklist, copied from a template so later template edits leave it alone."""

    __tablename__ = "onboarding_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employees.id", ondelete="CASCADE"), unique=True, index=True
    )
    template_name: Mapped[str] = mapped_column(String(160))
    mentor_employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    started_on: Mapped[dt.date] = mapped_column(Date)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())

    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id], lazy="raise")
    mentor: Mapped[Employee | None] = relationship(foreign_keys=[mentor_employee_id], lazy="raise")
    items: Mapped[list["OnboardingItem"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="OnboardingItem.position"
    )


class OnboardingItem(Base):
    __tablename__ = "onboarding_items"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("onboarding_plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text, default="")
    due_on: Mapped[dt.date] = mapped_column(Date)
    # The new hire says they have done it; the site lead's sign-off is what completes it.
    done_on: Mapped[dt.date | None] = mapped_column(Date)
    signed_off_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    signed_off_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    signed_off_by_name: Mapped[str] = mapped_column(String(160), default="")
    note: Mapped[str] = mapped_column(Text, default="")
