"""certifications people hold: the kinds content names, each person's records and files, expiry reminders

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "certification_kinds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("issuing_bodies", sa.JSON(), nullable=False),
        sa.Column("renewal_months", sa.Integer(), nullable=False),
        sa.Column("renewal_source", sa.Text(), nullable=False),
        sa.Column("required_by_law", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certification_kinds")),
        sa.UniqueConstraint("code", name=op.f("uq_certification_kinds_code")),
    )
    op.create_table(
        "certifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("kind_id", sa.Integer(), nullable=False),
        sa.Column("issuing_body", sa.String(length=160), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by_user_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("replaces_id", sa.Integer(), nullable=True),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("file_type", sa.String(length=40), nullable=False),
        sa.Column("file_size", sa.Integer(), nullable=False),
        sa.Column("file_data", sa.LargeBinary(), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.ForeignKeyConstraint(["created_by_user_id"], ["users.id"], name=op.f("fk_certifications_created_by_user_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["decided_by_user_id"], ["users.id"], name=op.f("fk_certifications_decided_by_user_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["employee_id"], ["employees.id"], name=op.f("fk_certifications_employee_id_employees"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["kind_id"], ["certification_kinds.id"], name=op.f("fk_certifications_kind_id_certification_kinds")),
        sa.ForeignKeyConstraint(["replaces_id"], ["certifications.id"], name=op.f("fk_certifications_replaces_id_certifications"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certifications")),
    )
    op.create_index(op.f("ix_certifications_employee_id"), "certifications", ["employee_id"], unique=False)
    op.create_index(op.f("ix_certifications_kind_id"), "certifications", ["kind_id"], unique=False)
    op.create_table(
        "certification_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("certification_id", sa.Integer(), nullable=False),
        sa.Column("days_ahead", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.ForeignKeyConstraint(["certification_id"], ["certifications.id"], name=op.f("fk_certification_reminders_certification_id_certifications"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certification_reminders")),
        sa.UniqueConstraint("certification_id", "days_ahead", name=op.f("uq_certification_reminders_certification_id_days_ahead")),
    )


def downgrade() -> None:
    op.drop_table("certification_reminders")
    op.drop_index(op.f("ix_certifications_kind_id"), table_name="certifications")
    op.drop_index(op.f("ix_certifications_employee_id"), table_name="certifications")
    op.drop_table("certifications")
    op.drop_table("certification_kinds")
