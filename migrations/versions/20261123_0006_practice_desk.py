"""practice desk

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('practice_sets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('case_types', sa.JSON(), nullable=False),
    sa.Column('cases_per_type', sa.Integer(), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('created_by_user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['created_by_user_id'], ['users.id'], name=op.f('fk_practice_sets_created_by_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_sets'))
    )
    with op.batch_alter_table('practice_sets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_sets_created_by_user_id'), ['created_by_user_id'], unique=False)

    op.create_table('practice_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('set_id', sa.Integer(), nullable=True),
    sa.Column('case_type', sa.String(length=40), nullable=False),
    sa.Column('case_seed', sa.Integer(), nullable=False),
    sa.Column('case_index', sa.Integer(), nullable=True),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.Column('critical_count', sa.Integer(), nullable=False),
    sa.Column('major_count', sa.Integer(), nullable=False),
    sa.Column('minor_count', sa.Integer(), nullable=False),
    sa.Column('elapsed_seconds', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_practice_attempts_employee_id_employees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['set_id'], ['practice_sets.id'], name=op.f('fk_practice_attempts_set_id_practice_sets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_attempts'))
    )
    with op.batch_alter_table('practice_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_attempts_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_practice_attempts_set_id'), ['set_id'], unique=False)

    op.create_table('practice_set_members',
    sa.Column('set_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('passed_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_practice_set_members_employee_id_employees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['set_id'], ['practice_sets.id'], name=op.f('fk_practice_set_members_set_id_practice_sets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('set_id', 'employee_id', name=op.f('pk_practice_set_members'))
    )
    with op.batch_alter_table('practice_set_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_set_members_employee_id'), ['employee_id'], unique=False)

    op.create_table('practice_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('response', sa.JSON(), nullable=False),
    sa.Column('findings', sa.JSON(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['practice_attempts.id'], name=op.f('fk_practice_events_attempt_id_practice_attempts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_events')),
    sa.UniqueConstraint('attempt_id', 'seq', name=op.f('uq_practice_events_attempt_id_seq'))
    )
    with op.batch_alter_table('practice_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_events_attempt_id'), ['attempt_id'], unique=False)

    op.create_table('practice_findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('competency', sa.String(length=64), nullable=True),
    sa.Column('step', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['attempt_id'], ['practice_attempts.id'], name=op.f('fk_practice_findings_attempt_id_practice_attempts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_findings'))
    )
    with op.batch_alter_table('practice_findings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_findings_attempt_id'), ['attempt_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_practice_findings_code'), ['code'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('practice_findings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_findings_code'))
        batch_op.drop_index(batch_op.f('ix_practice_findings_attempt_id'))

    op.drop_table('practice_findings')
    with op.batch_alter_table('practice_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_events_attempt_id'))

    op.drop_table('practice_events')
    with op.batch_alter_table('practice_set_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_set_members_employee_id'))

    op.drop_table('practice_set_members')
    with op.batch_alter_table('practice_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_attempts_set_id'))
        batch_op.drop_index(batch_op.f('ix_practice_attempts_employee_id'))

    op.drop_table('practice_attempts')
    with op.batch_alter_table('practice_sets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_sets_created_by_user_id'))

    op.drop_table('practice_sets')
