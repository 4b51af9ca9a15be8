from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pathways.db import Base

# The full-text index lives beside these rows and is not a model: on SQLite an FTS5 table (search_fts) reading
# them as its external content, on PostgreSQL a GIN index on their tsvector. migrations/env.py keeps
# autogenerate away from both (FTS_NAMES).
FTS_TABLE = "search_fts"
TSV_INDEX = "ix_search_documents_tsv"
FTS_NAMES = (FTS_TABLE, TSV_INDEX)


class SearchDocument(Base):
    """One searchable thing (a role, competency, course or published story), rebuilt from the content."""

    __tablename__ = "search_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    ref: Mapped[str] = mapped_column(String(120))  # the code or slug its page is found by
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text)  # shown under the title in the results
    body: Mapped[str] = mapped_column(Text)  # everything searched besides the title

    __table_args__ = (Index("ix_search_documents_kind_ref", "kind", "ref", unique=True),)


class SearchSynonym(Base):
    """A word people type and the word the content uses for it (content/synonyms.yaml)."""

    __tablename__ = "search_synonyms"

    id: Mapped[int] = mapped_column(primary_key=True)
    term: Mapped[str] = mapped_column(String(100), unique=True)
    means: Mapped[str] = mapped_column(String(100))


# The expression of the PostgreSQL GIN index (migration 0021): a query uses it verbatim, so the index serves.
TSV_SQL = "to_tsvector('english', search_documents.title || ' ' || search_documents.body)"
