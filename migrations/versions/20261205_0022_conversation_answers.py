"""Conversations answered: the manager proposes a time or declines with a message, and "held" is split from
"outcome recorded"

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tracker_conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scheduled_for", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("response", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True))
    # Until now a conversation was recorded with its outcome in one step, as "held".
    op.execute("UPDATE tracker_conversations SET status = 'recorded' WHERE status = 'held'")


def downgrade() -> None:
    op.execute("UPDATE tracker_conversations SET status = 'held' WHERE status = 'recorded'")
    op.execute("UPDATE tracker_conversations SET status = 'requested' WHERE status IN ('scheduled', 'declined')")
    with op.batch_alter_table("tracker_conversations", schema=None) as batch_op:
        batch_op.drop_column("answered_at")
        batch_op.drop_column("response")
        batch_op.drop_column("scheduled_for")
