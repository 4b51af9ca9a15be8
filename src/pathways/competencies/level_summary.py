"""The level summary (LevelSummary): each person's current level per competency, kept beside the facts.

Analytics would otherwise work the rule of competencies.evidence out at every request from every completion of
everyone in scope: for a region, a hash aggregate over 2.4 million completion x competency rows, 96 % of a
4.7 s page. The summary holds its result instead, and stays exact because every writer of evidence or of a
manager rating calls one of two functions here in its own transaction (never a job that runs later):

- `add_course_evidence` after completions are inserted: each (person, competency) the courses build rises to
  the course level when that is higher. A maximum is the same whatever order concurrent imports commit in, so
  bulk imports (a million completions) pay one upsert per new fact and take no lock.
- `refresh_levels` after anything else (a rating, an observation, other evidence, a withdrawn completion, a
  course's level or competencies changed by a content load): the people's rows are worked out again from the
  facts, set-based, in a fixed number of statements.

`live_levels` is that working-out as a query, the same rule as evidence.decide; the tests hold the summary
equal to evidence.levels_for_many after every kind of write.
"""

from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    cast,
    delete,
    func,
    insert,
    literal,
    null,
    select,
    text,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from pathways.competencies.models import CompetencyRating, EvidenceRecord, LevelSummary, Observation
from pathways.learning.models import Completion, Course, course_competencies
from pathways.org.models import Employee

Ids = Collection[int] | Select[Any] | None  # None: everyone
NO_LEVEL = cast(null(), Integer)  # typed: PostgreSQL reads a bare NULL in a UNION as text
CHUNK = 5000  # ids per statement: SQLite binds one parameter each


def current_level() -> ColumnElement[int]:
    """The current level a summary row stands for (evidence.decide: the manager's rating wins)."""
    return func.coalesce(LevelSummary.rated, LevelSummary.evidenced, 0)


def _among(column: Any, ids: Collection[int] | Select[Any] | None) -> Any:
    return literal(True) if ids is None else column.in_(ids)


def live_levels(ids: Collection[int] | Select[Any] | None) -> Select[Any]:
    """(employee_id, competency_id, evidenced, rated) worked out from the facts for `ids` (None: everyone)."""
    manager = CompetencyRating.kind == "manager"
    ranked = (
        select(
            CompetencyRating.employee_id,
            CompetencyRating.competency_id,
            CompetencyRating.level,
            func.row_number()
            .over(
                partition_by=(CompetencyRating.employee_id, CompetencyRating.competency_id),
                order_by=(CompetencyRating.rated_at.desc(), CompetencyRating.id.desc()),
            )
            .label("latest"),
        )
        .where(_among(CompetencyRating.employee_id, ids), manager)
        .subquery("ranked")
    )
    facts = union_all(
        select(Observation.employee_id, Observation.competency_id, Observation.level, NO_LEVEL).where(
            _among(Observation.employee_id, ids)
        ),
        select(
            EvidenceRecord.employee_id, EvidenceRecord.competency_id, EvidenceRecord.level, NO_LEVEL
        ).where(_among(EvidenceRecord.employee_id, ids)),
        select(Completion.employee_id, course_competencies.c.competency_id, Course.level, NO_LEVEL)
        .join(Course, Course.id == Completion.course_id)
        .join(course_competencies, course_competencies.c.course_id == Completion.course_id)
        .where(_among(Completion.employee_id, ids)),
        select(ranked.c.employee_id, ranked.c.competency_id, NO_LEVEL, ranked.c.level).where(
            ranked.c.latest == 1
        ),
    ).subquery("facts")
    employee, competency, shown, rated = facts.c
    return select(employee, competency, func.max(shown), func.max(rated)).group_by(employee, competency)


def _chunks(ids: Ids) -> Iterable[Collection[int] | Select[Any] | None]:
    if ids is None or isinstance(ids, Select):
        yield ids
        return
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def refresh_levels(session: Session, ids: Ids) -> None:
    """Work the summary rows of `ids` (None: everyone) out again from the facts."""
    session.flush()
    postgres = session.get_bind().dialect.name == "postgresql"
    for chunk in _chunks(ids):
        if isinstance(chunk, list) and not chunk:
            continue
        if postgres:
            _lock(session, chunk)
        session.execute(delete(LevelSummary).where(_among(LevelSummary.employee_id, chunk)))
        columns = ["employee_id", "competency_id", "evidenced", "rated"]
        session.execute(insert(LevelSummary).from_select(columns, live_levels(chunk)))


def _lock(session: Session, ids: Collection[int] | Select[Any] | None) -> None:
    """Two refreshes of one person run one after the other (PostgreSQL, read committed): the second then
    reads the first one's facts. NO KEY UPDATE does not wait for the key-share locks that inserting
    evidence takes on the person, so writers of evidence are not held up; ids in order, so no deadlock."""
    if ids is None:
        session.execute(text("LOCK TABLE level_summaries IN EXCLUSIVE MODE"))
        return
    session.execute(
        select(Employee.id).where(Employee.id.in_(ids)).order_by(Employee.id).with_for_update(key_share=True)
    ).all()


def add_course_evidence(session: Session, completed: Iterable[tuple[int, int]]) -> None:
    """New completions, as (employee id, course id): raise each (person, competency) the course builds to the
    course's level. Only for completions just inserted; a removed one needs refresh_levels."""
    pairs = set(completed)
    if not pairs:
        return
    course_ids = {course_id for _, course_id in pairs}
    builds: dict[int, list[tuple[int, int]]] = {}
    for course_id, competency_id, level in session.execute(
        select(course_competencies.c.course_id, course_competencies.c.competency_id, Course.level)
        .join(Course, Course.id == course_competencies.c.course_id)
        .where(course_competencies.c.course_id.in_(course_ids))
    ):
        builds.setdefault(course_id, []).append((competency_id, level))
    highest: dict[tuple[int, int], int] = {}
    for employee_id, course_id in pairs:
        for competency_id, level in builds.get(course_id, ()):
            key = (employee_id, competency_id)
            if level > highest.get(key, -1):
                highest[key] = level
    raise_evidence(session, highest)


def raise_evidence(session: Session, highest: dict[tuple[int, int], int]) -> None:
    """Upsert evidenced = max(evidenced, level) per (employee id, competency id): commutative, so no lock."""
    if not highest:
        return
    dialect = session.get_bind().dialect.name
    build = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = build(LevelSummary)
    larger = func.greatest if dialect == "postgresql" else func.max
    upsert = statement.on_conflict_do_update(
        index_elements=[LevelSummary.employee_id, LevelSummary.competency_id],
        set_={"evidenced": larger(func.coalesce(LevelSummary.evidenced, 0), statement.excluded.evidenced)},
    )
    rows = [{"employee_id": e, "competency_id": c, "evidenced": level, "rated": None}
            for (e, c), level in sorted(highest.items())]  # fmt: skip
    session.execute(upsert, rows)
