"""completion imports note how far an apply got, for imports that commit batch by batch

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("completion_imports") as batch:
        batch.add_column(sa.Column("source", sa.String(length=16), server_default="upload", nullable=False))
        batch.add_column(sa.Column("started_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("rows_done", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("recorded", sa.Integer(), server_default="0", nullable=False))
        batch.create_index(batch.f("ix_completion_imports_sha256"), ["sha256"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("completion_imports") as batch:
        batch.drop_index(batch.f("ix_completion_imports_sha256"))
        batch.drop_column("recorded")
        batch.drop_column("rows_done")
        batch.drop_column("started_at")
        batch.drop_column("source")
