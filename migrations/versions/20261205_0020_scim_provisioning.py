"""SCIM provisioning: bearer tokens for identity systems, and what they call each person

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # An identity system may key people by a GUID (36 characters). SQLite does not enforce VARCHAR lengths, and
    # changing a type there means copying the table, which its foreign keys (people's records) forbid.
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("employees", "employee_number", existing_type=sa.String(length=32), type_=sa.String(length=64))
    op.create_table(
        "scim_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scim_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_scim_tokens_token_hash")),
    )
    op.create_table(
        "scim_identities",
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("user_name", sa.String(length=254), nullable=True),
        sa.Column("external_id", sa.String(length=255), nullable=True),
        sa.Column("employee_number", sa.String(length=64), nullable=True),
        sa.Column("email_type", sa.String(length=32), nullable=True),
        sa.Column("email_primary", sa.Boolean(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["employee_id"], ["employees.id"], name=op.f("fk_scim_identities_employee_id_employees"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("employee_id", name=op.f("pk_scim_identities")),
        sa.UniqueConstraint("user_name", name=op.f("uq_scim_identities_user_name")),
    )
    with op.batch_alter_table("scim_identities") as batch:
        batch.create_index(batch.f("ix_scim_identities_external_id"), ["external_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("scim_identities") as batch:
        batch.drop_index(batch.f("ix_scim_identities_external_id"))
    op.drop_table("scim_identities")
    op.drop_table("scim_tokens")
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("employees", "employee_number", existing_type=sa.String(length=64), type_=sa.String(length=32))
