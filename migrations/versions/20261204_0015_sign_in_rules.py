"""sign-in throttle by account, address and known device, instead of by account and address together

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The old counts were keyed "email|address" and timed by their window: they mean nothing to the new rules,
    # and lasted 15 minutes at most anyway.
    op.execute(sa.text("DELETE FROM sign_in_throttle"))
    with op.batch_alter_table("sign_in_throttle") as batch:
        batch.alter_column("window_started", new_column_name="last_failure_at")


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM sign_in_throttle"))
    with op.batch_alter_table("sign_in_throttle") as batch:
        batch.alter_column("last_failure_at", new_column_name="window_started")
