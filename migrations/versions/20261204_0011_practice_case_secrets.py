"""practice case secrets: set cases drawn from a server-side secret; practice evidence needs enough cases

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04

Until now a set's cases came from a seed every member could read (GET /api/v1/practice/sets), and a set of
any size recorded evidence. This revision:
- gives every existing set a fresh random secret and drops the public seed;
- widens practice_attempts.case_seed (set cases now use 64-bit seeds) and adds attempt_number: set attempts
  drawn from the secret are numbered 1, 2, ...; attempts already in the table keep NULL and count toward no
  set pass (their cases could be looked up in advance);
- adds practice_evidence_rules, filled by `pathways content load` from content/practice.yaml;
- withdraws what the old rules granted: every evidence record from practice is deleted and every set pass is
  cleared, each with an audit_log entry holding the row as it was, so a learner re-earns them on new cases.
Downgrading restores the columns (seeds 0) but not the withdrawn rows; the audit log keeps them.
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

audit_log = sa.table(
    "audit_log",
    sa.column("actor_user_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("entity", sa.String),
    sa.column("entity_id", sa.Integer),
    sa.column("before", sa.JSON),
    sa.column("after", sa.JSON),
)
WITHDRAWN = {"reason": "recorded before practice set cases were secret and before the practice minimums"}


def upgrade() -> None:
    # Only changes SQLite makes in place: rebuilding practice_sets or practice_attempts (Alembic's batch
    # mode) drops the old table, and with foreign keys on, SQLite cascades that drop to the rows that
    # refer to it: every attempt, member and event would go.
    op.add_column(
        "practice_sets", sa.Column("secret", sa.String(length=64), server_default="", nullable=False)
    )
    bind = op.get_bind()
    for (set_id,) in bind.execute(sa.text("SELECT id FROM practice_sets")).all():
        bind.execute(
            sa.text("UPDATE practice_sets SET secret = :secret WHERE id = :id"),
            {"secret": secrets.token_hex(32), "id": set_id},
        )
    if bind.dialect.name != "sqlite":  # SQLite cannot drop a default in place; the app always sets one
        op.alter_column("practice_sets", "secret", existing_type=sa.String(length=64), server_default=None)
    op.drop_column("practice_sets", "seed")

    if bind.dialect.name != "sqlite":  # a SQLite INTEGER already holds 64 bits
        op.alter_column(
            "practice_attempts", "case_seed", existing_type=sa.Integer(), type_=sa.BigInteger()
        )
    op.add_column("practice_attempts", sa.Column("attempt_number", sa.Integer(), nullable=True))
    op.create_index(
        "uq_practice_attempts_slot_attempt",
        "practice_attempts",
        ["employee_id", "set_id", "case_type", "case_index", "attempt_number"],
        unique=True,
    )

    op.create_table(
        "practice_evidence_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("competency_id", sa.Integer(), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.Column("case_types", sa.Integer(), nullable=False),
        sa.Column("why", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["competency_id"],
            ["competencies.id"],
            name=op.f("fk_practice_evidence_rules_competency_id_competencies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_evidence_rules")),
    )
    op.create_index(
        op.f("ix_practice_evidence_rules_competency_id"),
        "practice_evidence_rules",
        ["competency_id"],
        unique=True,
    )

    withdraw_old_practice_evidence()


def withdraw_old_practice_evidence() -> None:
    bind = op.get_bind()
    records = bind.execute(
        sa.text(
            "SELECT id, employee_id, competency_id, level, detail, recorded_on FROM evidence_records "
            "WHERE source = 'practice' ORDER BY id"
        )
    ).all()
    passes = bind.execute(
        sa.text(
            "SELECT set_id, employee_id, passed_on FROM practice_set_members WHERE passed_on IS NOT NULL "
            "ORDER BY set_id, employee_id"
        )
    ).all()
    entries = [
        {
            "actor_user_id": None,
            "action": "practice-evidence.withdraw",
            "entity": "evidence_record",
            "entity_id": r.id,
            "before": {
                "employee_id": r.employee_id,
                "competency_id": r.competency_id,
                "level": r.level,
                "source": "practice",
                "detail": r.detail,
                "recorded_on": str(r.recorded_on),
            },
            "after": WITHDRAWN,
        }
        for r in records
    ] + [
        {
            "actor_user_id": None,
            "action": "practice-set.pass-withdraw",
            "entity": "practice_set",
            "entity_id": p.set_id,
            "before": {"employee_id": p.employee_id, "passed_on": str(p.passed_on)},
            "after": WITHDRAWN,
        }
        for p in passes
    ]
    if entries:
        op.bulk_insert(audit_log, entries)
    bind.execute(sa.text("DELETE FROM evidence_records WHERE source = 'practice'"))
    bind.execute(sa.text("UPDATE practice_set_members SET passed_on = NULL WHERE passed_on IS NOT NULL"))


def downgrade() -> None:
    op.drop_index(op.f("ix_practice_evidence_rules_competency_id"), table_name="practice_evidence_rules")
    op.drop_table("practice_evidence_rules")

    op.drop_index("uq_practice_attempts_slot_attempt", table_name="practice_attempts")
    op.drop_column("practice_attempts", "attempt_number")
    if op.get_bind().dialect.name != "sqlite":
        # The old column held 32-bit seeds; a set case's 64-bit seed no longer fits (its case is in the
        # snapshot).
        op.execute("UPDATE practice_attempts SET case_seed = 0 WHERE case_seed >= 1000000000")
        op.alter_column(
            "practice_attempts", "case_seed", existing_type=sa.BigInteger(), type_=sa.Integer()
        )

    op.add_column("practice_sets", sa.Column("seed", sa.Integer(), server_default="0", nullable=False))
    op.drop_column("practice_sets", "secret")
