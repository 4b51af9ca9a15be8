"""learning plans

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOW = sa.text("(CURRENT_TIMESTAMP)")


def upgrade() -> None:
    op.create_table('assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('state_reason', sa.Text(), nullable=False),
    sa.Column('assigned_by_user_id', sa.Integer(), nullable=True),
    sa.Column('assigned_at', sa.DateTime(timezone=True), server_default=NOW, nullable=False),
    sa.ForeignKeyConstraint(['assigned_by_user_id'], ['users.id'], name=op.f('fk_assignments_assigned_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_assignments_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_assignments_employee_id_employees'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignments')),
    sa.UniqueConstraint('employee_id', 'course_id', name=op.f('uq_assignments_employee_id_course_id'))
    )
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignments_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignments_due_on'), ['due_on'], unique=False)

    op.create_table('assignment_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), server_default=NOW, nullable=False),
    sa.Column('actor_user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['actor_user_id'], ['users.id'], name=op.f('fk_assignment_events_actor_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_assignment_events_assignment_id_assignments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_events'))
    )
    with op.batch_alter_table('assignment_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_events_assignment_id'), ['assignment_id'], unique=False)

    op.create_table('chosen_courses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('tracker_id', sa.Integer(), nullable=False),
    sa.Column('target_role_code', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=NOW, nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_chosen_courses_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_chosen_courses_employee_id_employees'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chosen_courses')),
    sa.UniqueConstraint('employee_id', 'course_id', 'tracker_id', name=op.f('uq_chosen_courses_employee_id_course_id_tracker_id'))
    )
    with op.batch_alter_table('chosen_courses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chosen_courses_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_chosen_courses_tracker_id'), ['tracker_id'], unique=False)

    op.create_table('course_starts',
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_course_starts_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_course_starts_employee_id_employees'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('employee_id', 'course_id', name=op.f('pk_course_starts'))
    )

    op.create_table('completion_claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('completed_at', sa.Date(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('claimed_by_user_id', sa.Integer(), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), server_default=NOW, nullable=False),
    sa.Column('decided_by_user_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['claimed_by_user_id'], ['users.id'], name=op.f('fk_completion_claims_claimed_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_completion_claims_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_user_id'], ['users.id'], name=op.f('fk_completion_claims_decided_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_completion_claims_employee_id_employees'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_completion_claims'))
    )
    with op.batch_alter_table('completion_claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_completion_claims_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_completion_claims_employee_id'), ['employee_id'], unique=False)

    op.create_table('learning_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), server_default=NOW, nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_learning_reminders_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_learning_reminders_employee_id_employees'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_reminders')),
    sa.UniqueConstraint('employee_id', 'course_id', 'kind', 'due_on', name=op.f('uq_learning_reminders_employee_id_course_id_kind_due_on'))
    )
    with op.batch_alter_table('learning_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_reminders_course_id'), ['course_id'], unique=False)

    op.create_table('completion_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_user_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=NOW, nullable=False),
    sa.Column('applied_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('summary', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['uploaded_by_user_id'], ['users.id'], name=op.f('fk_completion_imports_uploaded_by_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_completion_imports'))
    )


def downgrade() -> None:
    op.drop_table('completion_imports')
    with op.batch_alter_table('learning_reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_reminders_course_id'))
    op.drop_table('learning_reminders')
    with op.batch_alter_table('completion_claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_completion_claims_employee_id'))
        batch_op.drop_index(batch_op.f('ix_completion_claims_course_id'))
    op.drop_table('completion_claims')
    op.drop_table('course_starts')
    with op.batch_alter_table('chosen_courses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chosen_courses_tracker_id'))
        batch_op.drop_index(batch_op.f('ix_chosen_courses_course_id'))
    op.drop_table('chosen_courses')
    with op.batch_alter_table('assignment_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_events_assignment_id'))
    op.drop_table('assignment_events')
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignments_due_on'))
        batch_op.drop_index(batch_op.f('ix_assignments_course_id'))
    op.drop_table('assignments')
