"""Full-text search over the framework: the rows are rebuilt from the content, queries are expanded with the
synonyms of content/synonyms.yaml and matched by the database (FTS5 on SQLite, tsvector on PostgreSQL)."""

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, delete, func, literal_column, select, text
from sqlalchemy.orm import Session, selectinload

from pathways.careers.models import Role
from pathways.competencies.models import Competency
from pathways.content.schemas import SynonymItem
from pathways.errors import BadRequest
from pathways.learning.models import Course
from pathways.search.models import TSV_SQL, SearchDocument, SearchSynonym
from pathways.stories.models import Story

MAX_QUERY = 200
EMPTY_QUERY = "Type what you are looking for: a role, a skill, a course or a word from a story."
MAX_RESULTS = 100
# The order the results page shows its groups in, with each group's heading and the page a result links to.
KINDS = {
    "role": ("Roles", "/roles/{}"),
    "competency": ("Competencies", "/competencies/{}"),
    "course": ("Courses", "/courses/{}"),
    "story": ("Stories", "/stories/{}"),
}
SUMMARY_CHARS = 240
WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Hit:
    kind: str
    ref: str
    title: str
    summary: str

    @property
    def url(self) -> str:
        return KINDS[self.kind][1].format(self.ref)


@dataclass
class Results:
    query: str
    also_searched: list[str] = field(default_factory=list)  # the synonyms the query was expanded with
    groups: dict[str, list[Hit]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(len(hits) for hits in self.groups.values())


def _short(text_: str) -> str:
    text_ = " ".join(text_.split())
    return text_ if len(text_) <= SUMMARY_CHARS else text_[: SUMMARY_CHARS - 1].rsplit(" ", 1)[0] + "…"


def _documents(session: Session) -> list[SearchDocument]:
    docs: list[SearchDocument] = []
    for role in session.scalars(select(Role).order_by(Role.position)):
        body = " ".join([role.code, role.family, role.summary, *role.responsibilities, *role.settings])
        docs.append(
            SearchDocument(
                kind="role", ref=role.code, title=role.name, summary=_short(role.summary), body=body
            )
        )
    query = select(Competency).options(selectinload(Competency.levels)).order_by(Competency.position)
    for competency in session.scalars(query):
        body = " ".join([competency.code, competency.definition, *(lv.behaviour for lv in competency.levels)])
        docs.append(
            SearchDocument(
                kind="competency",
                ref=competency.code,
                title=competency.name,
                summary=_short(competency.definition),
                body=body,
            )
        )
    # A course is found by the competencies it builds: "phlebotomy" finds the draw-station courses.
    for course in session.scalars(
        select(Course).options(selectinload(Course.competencies)).order_by(Course.code)
    ):
        body = " ".join([course.code, course.summary, *(c.name for c in course.competencies)])
        docs.append(
            SearchDocument(
                kind="course", ref=course.code, title=course.title, summary=_short(course.summary), body=body
            )
        )
    stories = select(Story).where(Story.status == "published").order_by(Story.slug)
    for story in session.scalars(stories):
        body = " ".join([story.author, story.body, *story.tips])
        docs.append(
            SearchDocument(
                kind="story", ref=story.slug, title=story.title, summary=_short(story.body), body=body
            )
        )
    return docs


def rebuild_index(session: Session) -> int:
    """Replace every search row with the content as it is now; a few hundred rows, so rebuilding whole is
    simpler and safer than tracking each change. Returns the number of rows."""
    session.execute(delete(SearchDocument))
    docs = _documents(session)
    session.add_all(docs)
    session.flush()
    if session.get_bind().dialect.name == "sqlite":
        # External-content FTS5 reads search_documents again; PostgreSQL's GIN index keeps itself up to date.
        session.execute(text("INSERT INTO search_fts(search_fts) VALUES ('rebuild')"))
    return len(docs)


def load_synonyms(session: Session, items: list[SynonymItem]) -> bool:
    """Put the synonyms of the content in place of the old ones; True if anything changed."""
    wanted = {term.lower(): item.means.lower() for item in items for term in item.terms}
    current = {s.term: s.means for s in session.scalars(select(SearchSynonym))}
    if wanted == current:
        return False
    session.execute(delete(SearchSynonym))
    session.add_all(SearchSynonym(term=term, means=means) for term, means in sorted(wanted.items()))
    session.flush()
    return True


def checked_query(q: str | None) -> str:
    query = (q or "").strip()
    if not query:
        raise BadRequest(EMPTY_QUERY)
    if len(query) > MAX_QUERY:
        raise BadRequest(f"A search can be at most {MAX_QUERY} characters; yours has {len(query)}.")
    return query


def expansions(session: Session, words: list[str]) -> list[str]:
    """The synonyms whose term appears in the query as whole words ("blood draw" in "blood draw training")."""
    found: list[str] = []
    for synonym in session.scalars(select(SearchSynonym).order_by(SearchSynonym.term)):
        term = WORD.findall(synonym.term)
        n = len(term)
        if any(words[i : i + n] == term for i in range(len(words) - n + 1)) and synonym.means not in found:
            found.append(synonym.means)
    return [means for means in found if WORD.findall(means) != words]


def _fts5_match(alternatives: list[list[str]]) -> str:
    # Every word is quoted, so nothing the user types is FTS5 syntax (NEAR, AND, *, -, parentheses): only
    # \w characters reach here, and a quoted string is still stemmed by the porter tokenizer.
    return " OR ".join("(" + " ".join(f'"{word}"' for word in alt) + ")" for alt in alternatives)


def _matching(session: Session, alternatives: list[list[str]]) -> list[SearchDocument]:
    if session.get_bind().dialect.name == "sqlite":
        # Titles weigh four times the rest in the ranking (bm25: lower is better).
        ranked = text(
            "SELECT rowid FROM search_fts WHERE search_fts MATCH :match "
            "ORDER BY bm25(search_fts, 4.0, 1.0), rowid LIMIT :limit"
        )
        ids = list(session.scalars(ranked, {"match": _fts5_match(alternatives), "limit": MAX_RESULTS}))
        docs = {d.id: d for d in session.scalars(select(SearchDocument).where(SearchDocument.id.in_(ids)))}
        return [docs[i] for i in ids]
    # Each alternative's words are all required (plainto_tsquery), any alternative will do (||).
    parts = [func.plainto_tsquery(literal_column("'english'"), " ".join(alt)) for alt in alternatives]
    tsquery: ColumnElement[Any] = parts[0]
    for part in parts[1:]:
        tsquery = tsquery.op("||")(part)
    tsv: ColumnElement[Any] = literal_column(TSV_SQL)
    query = select(SearchDocument).where(tsv.op("@@")(tsquery)).order_by(func.ts_rank(tsv, tsquery).desc())
    return list(session.scalars(query.order_by(SearchDocument.id).limit(MAX_RESULTS)))


def search(session: Session, q: str | None) -> Results:
    query = checked_query(q)
    words = WORD.findall(query.lower())
    results = Results(query=query, groups={kind: [] for kind in KINDS})
    if not words:  # only punctuation: nothing to look for, and nothing to tell the database
        return results
    results.also_searched = expansions(session, words)
    alternatives = [words, *(WORD.findall(means) for means in results.also_searched)]
    for doc in _matching(session, alternatives):
        results.groups[doc.kind].append(Hit(doc.kind, doc.ref, doc.title, doc.summary))
    return results
