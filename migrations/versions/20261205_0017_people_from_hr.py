"""people from HR: employment status, the history of moves, uploaded HR feeds

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("employees") as batch:
        batch.add_column(sa.Column("status", sa.String(length=16), server_default="active", nullable=False))
    op.create_table(
        "employee_moves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("moved_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("changes", sa.String(length=64), nullable=False),
        sa.Column("from_role_id", sa.Integer(), nullable=True),
        sa.Column("to_role_id", sa.Integer(), nullable=True),
        sa.Column("from_site_id", sa.Integer(), nullable=True),
        sa.Column("to_site_id", sa.Integer(), nullable=True),
        sa.Column("from_manager_id", sa.Integer(), nullable=True),
        sa.Column("to_manager_id", sa.Integer(), nullable=True),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.ForeignKeyConstraint(["employee_id"], ["employees.id"], name=op.f("fk_employee_moves_employee_id_employees"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["from_manager_id"], ["employees.id"], name=op.f("fk_employee_moves_from_manager_id_employees"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["to_manager_id"], ["employees.id"], name=op.f("fk_employee_moves_to_manager_id_employees"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["from_role_id"], ["roles.id"], name=op.f("fk_employee_moves_from_role_id_roles")),
        sa.ForeignKeyConstraint(["to_role_id"], ["roles.id"], name=op.f("fk_employee_moves_to_role_id_roles")),
        sa.ForeignKeyConstraint(["from_site_id"], ["sites.id"], name=op.f("fk_employee_moves_from_site_id_sites")),
        sa.ForeignKeyConstraint(["to_site_id"], ["sites.id"], name=op.f("fk_employee_moves_to_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employee_moves")),
    )
    op.create_index(op.f("ix_employee_moves_employee_id"), "employee_moves", ["employee_id"], unique=False)
    op.create_table(
        "people_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("deactivate_missing", sa.Boolean(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["uploaded_by_user_id"], ["users.id"], name=op.f("fk_people_imports_uploaded_by_user_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people_imports")),
    )


def downgrade() -> None:
    op.drop_table("people_imports")
    op.drop_index(op.f("ix_employee_moves_employee_id"), table_name="employee_moves")
    op.drop_table("employee_moves")
    with op.batch_alter_table("employees") as batch:
        batch.drop_column("status")
