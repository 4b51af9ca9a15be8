"""teams: onboarding templates, plans and items; story submissions

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _item(code: str, title: str, detail: str, due_days: int) -> dict[str, object]:
    return {"code": code, "title": title, "detail": detail, "due_days": due_days}


WELCOME = _item("welcome", "Welcome, site tour and introductions",
                "Meet the team, the mentor and the site lead; safety exits, supplies, where things are.", 1)
PRIVACY = _item("privacy-module", "Privacy module (PRIV-101)",
                "Complete Privacy and HIPAA essentials in the LMS before working with patient records.", 7)
EHR = _item("ehr-training", "EHR training (EHR-101)",
            "Front-desk EHR navigation in the LMS, then a walk through this site's work queues.", 10)
IDENT = _item("two-identifiers", "Two identifiers, every patient",
              "Shown to the site lead at check-in: name and date of birth, matched to the order.", 14)
SOLO = _item("first-solo-shift", "First solo shift",
             "A full shift on the desk without a buddy; the site lead checks in at the start and end.", 45)

# Shipped with the schema so that every site has a checklist on day one; admins edit them at /admin.
DEFAULT_TEMPLATES: list[dict[str, object]] = [
    {"name": "PSR I at a patient service center", "role_code": "psr-1",
     "site_type": "patient-service-center", "items": [
        WELCOME,
        _item("shadowing", "Shadow an experienced PSR for three shifts",
              "Check-in, registration and the draw chair, with the mentor.", 5),
        PRIVACY, EHR, IDENT,
        _item("supervised-draws", "First supervised draws",
              "Ten venipunctures with the site lead or mentor watching, after LAB-110.", 21),
        _item("copay-collection", "Copays at the desk",
              "Collect and post payments under supervision for a shift.", 28),
        SOLO]},
    {"name": "PSR I at any site", "role_code": "psr-1", "site_type": "any", "items": [
        WELCOME,
        _item("shadowing", "Shadow an experienced PSR for three shifts",
              "Check-in, registration, scheduling and the phones, with the mentor.", 5),
        PRIVACY, EHR, IDENT,
        _item("insurance-verification", "Supervised insurance verification",
              "Verify eligibility for a morning's patients with the mentor reviewing.", 21),
        _item("scheduling", "Booking with the provider templates",
              "Book and reschedule under supervision, using this site's visit lengths.", 28),
        SOLO]},
    {"name": "PSR II at any site", "role_code": "psr-2", "site_type": "any", "items": [
        WELCOME,
        _item("shadowing", "Shadow the site lead for a shift", "See how this site runs its busiest hours.", 5),
        PRIVACY, EHR,
        _item("difficult-draws", "Difficult draws review",
              "Walk through the site's difficult-draw routine with the site lead.", 21),
        SOLO]},
    {"name": "PSR II Float", "role_code": "psr-2-float", "site_type": "any", "items": [
        WELCOME,
        _item("site-rotation", "Shadow at three sites of the geography",
              "One shift each at a small, a busy and a specialised site.", 14),
        PRIVACY, EHR,
        _item("advanced-phlebotomy", "Advanced phlebotomy sign-off",
              "Observed draws at a high-complexity site, after LAB-310.", 30),
        SOLO]},
    {"name": "PSR II Site Lead", "role_code": "psr-2-site-lead", "site_type": "any", "items": [
        WELCOME,
        _item("shadow-lead", "Shadow an experienced site lead", "Two shifts at another site.", 10),
        _item("onboarding-course", "Onboarding and buddying new hires (LEAD-210)",
              "Complete the course before mentoring a new hire.", 30),
        _item("point-of-contact", "Point-of-contact handover",
              "Escalation list, supply ordering and huddles handed over by the supervisor.", 30),
        _item("first-observation", "First coaching observation",
              "Write a coaching note for a PSR at the site, reviewed with the supervisor.", 45)]},
]


def upgrade() -> None:
    op.create_table('onboarding_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('role_code', sa.String(length=64), nullable=False),
    sa.Column('site_type', sa.String(length=32), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_onboarding_templates')),
    sa.UniqueConstraint('role_code', 'site_type', name=op.f('uq_onboarding_templates_role_code_site_type'))
    )
    op.create_table('onboarding_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('template_name', sa.String(length=160), nullable=False),
    sa.Column('mentor_employee_id', sa.Integer(), nullable=True),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('created_by_user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['created_by_user_id'], ['users.id'], name=op.f('fk_onboarding_plans_created_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_onboarding_plans_employee_id_employees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mentor_employee_id'], ['employees.id'], name=op.f('fk_onboarding_plans_mentor_employee_id_employees'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_onboarding_plans'))
    )
    with op.batch_alter_table('onboarding_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_onboarding_plans_employee_id'), ['employee_id'], unique=True)

    op.create_table('onboarding_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('signed_off_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('signed_off_by_user_id', sa.Integer(), nullable=True),
    sa.Column('signed_off_by_name', sa.String(length=160), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['onboarding_plans.id'], name=op.f('fk_onboarding_items_plan_id_onboarding_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['signed_off_by_user_id'], ['users.id'], name=op.f('fk_onboarding_items_signed_off_by_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_onboarding_items')),
    sa.UniqueConstraint('plan_id', 'code', name=op.f('uq_onboarding_items_plan_id_code'))
    )
    with op.batch_alter_table('onboarding_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_onboarding_items_plan_id'), ['plan_id'], unique=False)

    op.create_table('story_submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('story_id', sa.Integer(), nullable=False),
    sa.Column('author_user_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_user_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_user_id'], ['users.id'], name=op.f('fk_story_submissions_author_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_user_id'], ['users.id'], name=op.f('fk_story_submissions_decided_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['story_id'], ['stories.id'], name=op.f('fk_story_submissions_story_id_stories'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_story_submissions')),
    sa.UniqueConstraint('story_id', name=op.f('uq_story_submissions_story_id'))
    )
    with op.batch_alter_table('story_submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_story_submissions_author_user_id'), ['author_user_id'], unique=False)

    templates = sa.table(
        "onboarding_templates",
        sa.column("name", sa.String()),
        sa.column("role_code", sa.String()),
        sa.column("site_type", sa.String()),
        sa.column("items", sa.JSON()),
    )
    op.bulk_insert(templates, DEFAULT_TEMPLATES)


def downgrade() -> None:
    with op.batch_alter_table('story_submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_story_submissions_author_user_id'))
    op.drop_table('story_submissions')
    with op.batch_alter_table('onboarding_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_onboarding_items_plan_id'))
    op.drop_table('onboarding_items')
    with op.batch_alter_table('onboarding_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_onboarding_plans_employee_id'))
    op.drop_table('onboarding_plans')
    op.drop_table('onboarding_templates')
