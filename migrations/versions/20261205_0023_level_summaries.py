"""Level summaries: each person's current level per competency, kept in step with the evidence

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The rule of competencies.evidence (and competencies.level_summary.live_levels), for the facts already recorded:
# the highest level any evidence shows, and the latest manager rating. Facts whose person or competency is gone
# (rows written while foreign keys were off) have no summary: no page could show them.
FILL = """
INSERT INTO level_summaries (employee_id, competency_id, evidenced, rated)
SELECT employee_id, competency_id, MAX(shown), MAX(rated)
FROM (
    SELECT employee_id, competency_id, level AS shown, CAST(NULL AS INTEGER) AS rated FROM observations
    UNION ALL
    SELECT employee_id, competency_id, level, CAST(NULL AS INTEGER) FROM evidence_records
    UNION ALL
    SELECT c.employee_id, cc.competency_id, k.level, CAST(NULL AS INTEGER)
    FROM completions AS c
    JOIN courses AS k ON k.id = c.course_id
    JOIN course_competencies AS cc ON cc.course_id = c.course_id
    UNION ALL
    SELECT employee_id, competency_id, CAST(NULL AS INTEGER), level
    FROM (
        SELECT employee_id, competency_id, level,
               ROW_NUMBER() OVER (PARTITION BY employee_id, competency_id ORDER BY rated_at DESC, id DESC) AS n
        FROM competency_ratings WHERE kind = 'manager'
    ) AS ranked
    WHERE n = 1
) AS facts
WHERE employee_id IN (SELECT id FROM employees) AND competency_id IN (SELECT id FROM competencies)
GROUP BY employee_id, competency_id
"""


def upgrade() -> None:
    op.create_table(
        "level_summaries",
        sa.Column("employee_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("competency_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("evidenced", sa.Integer(), nullable=True),
        sa.Column("rated", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["competency_id"], ["competencies.id"], name=op.f("fk_level_summaries_competency_id_competencies"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["employee_id"], ["employees.id"], name=op.f("fk_level_summaries_employee_id_employees"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("employee_id", "competency_id", name=op.f("pk_level_summaries")),
    )
    op.execute(FILL)


def downgrade() -> None:
    op.drop_table("level_summaries")
