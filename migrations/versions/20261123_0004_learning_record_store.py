"""learning record store

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('xapi_attachments',
    sa.Column('sha2', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('sha2', name=op.f('pk_xapi_attachments'))
    )
    op.create_table('xapi_clients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_xapi_clients')),
    sa.UniqueConstraint('key', name=op.f('uq_xapi_clients_key'))
    )
    op.create_table('xapi_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('scope_hash', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('activity_id', sa.Text(), nullable=True),
    sa.Column('agent_key', sa.Text(), nullable=True),
    sa.Column('registration', sa.String(length=36), nullable=True),
    sa.Column('document_id', sa.Text(), nullable=False),
    sa.Column('content_type', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('etag', sa.String(length=40), nullable=False),
    sa.Column('updated_ms', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_xapi_documents')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_xapi_documents_key_hash'))
    )
    op.create_index(op.f('ix_xapi_documents_scope_hash'), 'xapi_documents', ['scope_hash'], unique=False)
    op.create_table('xapi_rejections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('method', sa.String(length=8), nullable=False),
    sa.Column('path', sa.String(length=200), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=1000), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['xapi_clients.id'], name=op.f('fk_xapi_rejections_client_id_xapi_clients'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_xapi_rejections'))
    )
    op.create_index(op.f('ix_xapi_rejections_client_id'), 'xapi_rejections', ['client_id'], unique=False)
    op.create_table('xapi_statements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.String(length=36), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('verb_id', sa.Text(), nullable=False),
    sa.Column('object_ref', sa.String(length=36), nullable=True),
    sa.Column('registration', sa.String(length=36), nullable=True),
    sa.Column('stored_ms', sa.BigInteger(), nullable=False),
    sa.Column('voided', sa.Boolean(), nullable=False),
    sa.Column('document', sa.Text(), nullable=False),
    sa.Column('bridge_note', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['xapi_clients.id'], name=op.f('fk_xapi_statements_client_id_xapi_clients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_xapi_statements')),
    sa.UniqueConstraint('statement_id', name=op.f('uq_xapi_statements_statement_id'))
    )
    op.create_index(op.f('ix_xapi_statements_client_id'), 'xapi_statements', ['client_id'], unique=False)
    op.create_index(op.f('ix_xapi_statements_object_ref'), 'xapi_statements', ['object_ref'], unique=False)
    op.create_index(op.f('ix_xapi_statements_registration'), 'xapi_statements', ['registration'], unique=False)
    op.create_index('ix_xapi_statements_stored_ms_id', 'xapi_statements', ['stored_ms', 'id'], unique=False)
    op.create_index(op.f('ix_xapi_statements_verb_id'), 'xapi_statements', ['verb_id'], unique=False)
    op.create_table('xapi_statement_refs',
    sa.Column('statement_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('key', sa.Text(), nullable=False),
    sa.Column('core', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['statement_id'], ['xapi_statements.statement_id'], name=op.f('fk_xapi_statement_refs_statement_id_xapi_statements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('statement_id', 'kind', 'key', name=op.f('pk_xapi_statement_refs'))
    )
    op.create_index('ix_xapi_statement_refs_kind_key', 'xapi_statement_refs', ['kind', 'key'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_xapi_statement_refs_kind_key', table_name='xapi_statement_refs')
    op.drop_table('xapi_statement_refs')
    op.drop_index(op.f('ix_xapi_statements_verb_id'), table_name='xapi_statements')
    op.drop_index('ix_xapi_statements_stored_ms_id', table_name='xapi_statements')
    op.drop_index(op.f('ix_xapi_statements_registration'), table_name='xapi_statements')
    op.drop_index(op.f('ix_xapi_statements_object_ref'), table_name='xapi_statements')
    op.drop_index(op.f('ix_xapi_statements_client_id'), table_name='xapi_statements')
    op.drop_table('xapi_statements')
    op.drop_index(op.f('ix_xapi_rejections_client_id'), table_name='xapi_rejections')
    op.drop_table('xapi_rejections')
    op.drop_index(op.f('ix_xapi_documents_scope_hash'), table_name='xapi_documents')
    op.drop_table('xapi_documents')
    op.drop_table('xapi_clients')
    op.drop_table('xapi_attachments')
