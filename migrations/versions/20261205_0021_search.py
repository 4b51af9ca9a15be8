"""Search: the searchable rows, their full-text index (FTS5 on SQLite, a GIN tsvector index on PostgreSQL),
and the synonyms people type

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "search_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("ref", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_documents")),
    )
    op.create_index("ix_search_documents_kind_ref", "search_documents", ["kind", "ref"], unique=True)
    op.create_table(
        "search_synonyms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=100), nullable=False),
        sa.Column("means", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_synonyms")),
        sa.UniqueConstraint("term", name=op.f("uq_search_synonyms_term")),
    )
    if op.get_bind().dialect.name == "sqlite":
        # Porter stemming: "scheduling" finds "schedule". The rows stay in search_documents (external content).
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, content='search_documents', "
            "content_rowid='id', tokenize='porter unicode61')"
        )
    else:
        op.execute(
            "CREATE INDEX ix_search_documents_tsv ON search_documents "
            "USING gin (to_tsvector('english', title || ' ' || body))"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE search_fts")
    else:
        op.execute("DROP INDEX ix_search_documents_tsv")
    op.drop_table("search_synonyms")
    op.drop_index("ix_search_documents_kind_ref", table_name="search_documents")
    op.drop_table("search_documents")
