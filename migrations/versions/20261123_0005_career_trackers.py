"""career trackers

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('career_trackers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('role_id', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('approved_revision', sa.Integer(), nullable=True),
    sa.Column('approved_by_user_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_user_id'], ['users.id'], name=op.f('fk_career_trackers_approved_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_career_trackers_employee_id_employees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['role_id'], ['roles.id'], name=op.f('fk_career_trackers_role_id_roles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_career_trackers')),
    sa.UniqueConstraint('employee_id', 'role_id', name=op.f('uq_career_trackers_employee_id_role_id'))
    )
    with op.batch_alter_table('career_trackers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_career_trackers_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_career_trackers_role_id'), ['role_id'], unique=False)

    op.create_table('tracker_certifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tracker_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('verified_by_user_id', sa.Integer(), nullable=True),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['tracker_id'], ['career_trackers.id'], name=op.f('fk_tracker_certifications_tracker_id_career_trackers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['verified_by_user_id'], ['users.id'], name=op.f('fk_tracker_certifications_verified_by_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tracker_certifications')),
    sa.UniqueConstraint('tracker_id', 'name', name=op.f('uq_tracker_certifications_tracker_id_name'))
    )
    with op.batch_alter_table('tracker_certifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tracker_certifications_tracker_id'), ['tracker_id'], unique=False)

    op.create_table('tracker_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tracker_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('actor_name', sa.String(length=160), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['tracker_id'], ['career_trackers.id'], name=op.f('fk_tracker_changes_tracker_id_career_trackers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tracker_changes'))
    )
    with op.batch_alter_table('tracker_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tracker_changes_tracker_id'), ['tracker_id'], unique=False)

    op.create_table('tracker_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tracker_id', sa.Integer(), nullable=False),
    sa.Column('author_user_id', sa.Integer(), nullable=True),
    sa.Column('author_name', sa.String(length=160), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['author_user_id'], ['users.id'], name=op.f('fk_tracker_comments_author_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tracker_id'], ['career_trackers.id'], name=op.f('fk_tracker_comments_tracker_id_career_trackers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tracker_comments'))
    )
    with op.batch_alter_table('tracker_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tracker_comments_tracker_id'), ['tracker_id'], unique=False)

    op.create_table('tracker_conversations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tracker_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('questions', sa.Text(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('next_steps', sa.Text(), nullable=False),
    sa.Column('follow_up_on', sa.Date(), nullable=True),
    sa.Column('recorded_by_user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['recorded_by_user_id'], ['users.id'], name=op.f('fk_tracker_conversations_recorded_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tracker_id'], ['career_trackers.id'], name=op.f('fk_tracker_conversations_tracker_id_career_trackers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tracker_conversations'))
    )
    with op.batch_alter_table('tracker_conversations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tracker_conversations_tracker_id'), ['tracker_id'], unique=False)

    op.create_table('tracker_courses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tracker_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.String(length=7), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_tracker_courses_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tracker_id'], ['career_trackers.id'], name=op.f('fk_tracker_courses_tracker_id_career_trackers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tracker_courses')),
    sa.UniqueConstraint('tracker_id', 'course_id', name=op.f('uq_tracker_courses_tracker_id_course_id'))
    )
    with op.batch_alter_table('tracker_courses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tracker_courses_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tracker_courses_tracker_id'), ['tracker_id'], unique=False)

    op.create_table('tracker_goals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tracker_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('target_date', sa.Date(), nullable=True),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['tracker_id'], ['career_trackers.id'], name=op.f('fk_tracker_goals_tracker_id_career_trackers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tracker_goals'))
    )
    with op.batch_alter_table('tracker_goals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tracker_goals_tracker_id'), ['tracker_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('tracker_goals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tracker_goals_tracker_id'))

    op.drop_table('tracker_goals')
    with op.batch_alter_table('tracker_courses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tracker_courses_tracker_id'))
        batch_op.drop_index(batch_op.f('ix_tracker_courses_course_id'))

    op.drop_table('tracker_courses')
    with op.batch_alter_table('tracker_conversations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tracker_conversations_tracker_id'))

    op.drop_table('tracker_conversations')
    with op.batch_alter_table('tracker_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tracker_comments_tracker_id'))

    op.drop_table('tracker_comments')
    with op.batch_alter_table('tracker_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tracker_changes_tracker_id'))

    op.drop_table('tracker_changes')
    with op.batch_alter_table('tracker_certifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tracker_certifications_tracker_id'))

    op.drop_table('tracker_certifications')
    with op.batch_alter_table('career_trackers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_career_trackers_role_id'))
        batch_op.drop_index(batch_op.f('ix_career_trackers_employee_id'))

    op.drop_table('career_trackers')
