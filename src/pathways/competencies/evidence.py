"""What an employee's record shows of each competency, and the level it adds up to: the one rule.

The rule (shared by the tracker, the planner, bench strength, the team page and analytics): the current level
is the most recent manager rating where there is one; otherwise the highest level evidenced by completed
courses, site-lead observations or other evidence (the practice desk). Self-ratings are shown, never counted.
`decide` is that rule, written once.

It is read two ways. `levels_for_many` reads it for many people at once in a fixed number of queries, as
maxima per person and competency (a team's completions run to tens of thousands of rows); `levels_for` is its
one-person case. `record_for` reads one person's evidence item by item, once, for a page that shows where each
level comes from (the tracker's gap table), and applies the same `decide` to it.

Practice evidence is earned before it is recorded: the practice desk writes an EvidenceRecord (source
"practice") only once a learner's passed practice sets hold enough cases of enough case types for that
competency (practice.evidence, with the minimums in content/practice.yaml), never for a set as such. This
module therefore reads practice records like any other evidence.
"""

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import func, select, union_all
from sqlalchemy.orm import Session

from pathways.auth.models import User
from pathways.competencies.models import Competency, CompetencyRating, EvidenceRecord, Observation
from pathways.learning.models import Completion, Course, CourseStart, course_competencies
from pathways.learning.requirements import add_months


@dataclass(frozen=True)
class Evidence:
    competency: str
    level: int
    source: str  # course | observation | practice | import | manager-rating
    detail: str  # what produced it: a course code, the observer's note, a practice set...
    on: dt.date


@dataclass(frozen=True)
class CurrentLevel:
    competency: str
    level: int
    basis: str  # "manager rating" or "evidence" or "none"
    self_rating: int | None
    manager_rating: int | None


Levels = dict[int, dict[str, CurrentLevel]]
Ratings = Mapping[tuple[str, str], int]  # (competency code, kind) -> the latest rating of that kind


def decide(evidenced: Mapping[str, int], ratings: Ratings) -> dict[str, CurrentLevel]:
    """The current level of every competency with evidence or a rating: the latest manager rating wins."""
    result = {}
    for code in set(evidenced) | {code for code, _ in ratings}:
        manager = ratings.get((code, "manager"))
        if manager is not None:
            level, basis = manager, "manager rating"
        elif code in evidenced:
            level, basis = evidenced[code], "evidence"
        else:
            level, basis = 0, "none"
        result[code] = CurrentLevel(code, level, basis, ratings.get((code, "self")), manager)
    return result


# Many people at once. Competencies are narrowed to the wanted codes in Python, not in SQL: a competency
# filter leads SQLite to walk the rating and evidence tables by competency (everyone's rows), not by person.


def levels_for_many(session: Session, ids: Iterable[int], codes: Collection[str] | None = None) -> Levels:
    """{employee id: {competency code: CurrentLevel}} for every id, limited to `codes` when given."""
    id_list = sorted(set(ids))
    evidenced = evidenced_levels(session, id_list, codes)
    ratings = latest_ratings(session, id_list, codes)
    return {i: decide(evidenced.get(i, {}), ratings.get(i, {})) for i in id_list}


def levels_for(session: Session, employee_id: int) -> dict[str, CurrentLevel]:
    return levels_for_many(session, [employee_id])[employee_id]


def evidenced_levels(
    session: Session, ids: list[int], codes: Collection[str] | None = None
) -> dict[int, dict[str, int]]:
    """The highest level each person has shown in each competency, from every kind of evidence."""
    observed = (
        select(Observation.employee_id, Observation.competency_id, func.max(Observation.level))
        .where(Observation.employee_id.in_(ids))
        .group_by(Observation.employee_id, Observation.competency_id)
    )
    recorded = (
        select(EvidenceRecord.employee_id, EvidenceRecord.competency_id, func.max(EvidenceRecord.level))
        .where(EvidenceRecord.employee_id.in_(ids))
        .group_by(EvidenceRecord.employee_id, EvidenceRecord.competency_id)
    )
    every = union_all(observed, recorded).subquery()
    rows = session.execute(
        select(every.c[0], Competency.code, every.c[2]).join(Competency, Competency.id == every.c[1])
    )
    levels: dict[int, dict[str, int]] = {}
    for employee_id, code, level in rows:
        if codes is not None and code not in codes:
            continue
        mine = levels.setdefault(employee_id, {})
        mine[code] = max(mine.get(code, 0), level)
    for employee_id, shown in course_levels(session, ids, codes).items():
        mine = levels.setdefault(employee_id, {})
        for code, level in shown.items():
            mine[code] = max(mine.get(code, 0), level)
    return levels


def course_levels(
    session: Session, ids: list[int], codes: Collection[str] | None
) -> dict[int, dict[str, int]]:
    """The level each person's completed courses evidence per competency: the highest course level.

    A completed course evidences every competency it builds, at the course's level, expired or not."""
    if session.get_bind().dialect.name == "sqlite":
        return _course_levels_folded(session, ids, codes)
    return _course_levels_grouped(session, ids, codes)


def _course_levels_grouped(
    session: Session, ids: list[int], codes: Collection[str] | None
) -> dict[int, dict[str, int]]:
    # Grouped by competency id, then named: grouping by the code string costs PostgreSQL a sort of every row.
    grouped = (
        select(Completion.employee_id, course_competencies.c.competency_id, func.max(Course.level))
        .join(Course, Course.id == Completion.course_id)
        .join(course_competencies, course_competencies.c.course_id == Course.id)
        .where(Completion.employee_id.in_(ids))
        .group_by(Completion.employee_id, course_competencies.c.competency_id)
        .subquery()
    )
    rows = session.execute(
        select(grouped.c[0], Competency.code, grouped.c[2]).join(Competency, Competency.id == grouped.c[1])
    )
    levels: dict[int, dict[str, int]] = {}
    for employee_id, code, level in rows:
        if codes is None or code in codes:
            levels.setdefault(employee_id, {})[code] = level
    return levels


def _course_levels_folded(
    session: Session, ids: list[int], codes: Collection[str] | None
) -> dict[int, dict[str, int]]:
    # Measured on 200 people with 20,000 completions: SQLite joins and groups them in about twice the time
    # Python takes to fold the plain rows, while PostgreSQL's GROUP BY is several times faster than the fold.
    builds: dict[int, list[tuple[str, int]]] = {}
    for course_id, code, level in session.execute(
        select(course_competencies.c.course_id, Competency.code, Course.level)
        .join(Competency, Competency.id == course_competencies.c.competency_id)
        .join(Course, Course.id == course_competencies.c.course_id)
    ):
        if codes is None or code in codes:
            builds.setdefault(course_id, []).append((code, level))
    levels: dict[int, dict[str, int]] = {}
    completed = select(Completion.employee_id, Completion.course_id).where(Completion.employee_id.in_(ids))
    for employee_id, course_id in session.connection().execute(completed).all():
        mine = levels.setdefault(employee_id, {})
        for code, level in builds.get(course_id, ()):
            if level > mine.get(code, 0):
                mine[code] = level
    return levels


def latest_ratings(
    session: Session, ids: list[int], codes: Collection[str] | None = None
) -> dict[int, dict[tuple[str, str], int]]:
    rows = session.execute(
        select(CompetencyRating.employee_id, Competency.code, CompetencyRating.kind, CompetencyRating.level)
        .join(Competency, Competency.id == CompetencyRating.competency_id)
        .where(CompetencyRating.employee_id.in_(ids))
        .order_by(CompetencyRating.rated_at, CompetencyRating.id)
    )
    latest: dict[int, dict[tuple[str, str], int]] = {}
    for employee_id, code, kind, level in rows:
        if codes is None or code in codes:
            latest.setdefault(employee_id, {})[(code, kind)] = level  # later rows overwrite earlier ones
    return latest


# One person, item by item: what a page shows as the reason for each level.


@dataclass(frozen=True)
class Rated:
    competency: str
    kind: str  # self | manager
    level: int
    by: str | None  # the rater's name, when the account still exists
    at: dt.datetime | None


@dataclass(frozen=True)
class Record:
    """One person's levels by the rule, with what each comes from, read once."""

    levels: dict[str, CurrentLevel]
    shown: dict[str, Evidence] = field(default_factory=dict)  # the latest of the highest evidence per code
    rated: dict[str, Rated] = field(default_factory=dict)  # the latest manager rating per code


def course_evidence(session: Session, employee_id: int) -> list[Evidence]:
    rows = session.execute(
        select(Competency.code, Course.level, Course.code, Completion.completed_at)
        .join(course_competencies, course_competencies.c.competency_id == Competency.id)
        .join(Course, Course.id == course_competencies.c.course_id)
        .join(Completion, Completion.course_id == Course.id)
        .where(Completion.employee_id == employee_id)
        .order_by(Completion.completed_at)
    )
    return [Evidence(code, level, "course", course, on) for code, level, course, on in rows]


def other_evidence(session: Session, employee_id: int) -> list[Evidence]:
    observed = session.execute(
        select(Competency.code, Observation.level, Observation.note, Observation.observed_on)
        .join(Observation, Observation.competency_id == Competency.id)
        .where(Observation.employee_id == employee_id)
    )
    recorded = session.execute(
        select(Competency.code, EvidenceRecord.level, EvidenceRecord.source, EvidenceRecord.detail,
               EvidenceRecord.recorded_on)
        .join(EvidenceRecord, EvidenceRecord.competency_id == Competency.id)
        .where(EvidenceRecord.employee_id == employee_id)
    )  # fmt: skip
    items = [Evidence(code, level, "observation", note, on) for code, level, note, on in observed]
    items += [Evidence(code, level, source, detail, on) for code, level, source, detail, on in recorded]
    return sorted(items, key=lambda e: e.on)


def ratings_of(session: Session, employee_id: int) -> list[Rated]:
    """Every rating of one person, oldest first, with the rater's name."""
    rows = session.execute(
        select(Competency.code, CompetencyRating.kind, CompetencyRating.level, User.name,
               CompetencyRating.rated_at)
        .join(CompetencyRating, CompetencyRating.competency_id == Competency.id)
        .outerjoin(User, User.id == CompetencyRating.rated_by_user_id)
        .where(CompetencyRating.employee_id == employee_id)
        .order_by(CompetencyRating.rated_at, CompetencyRating.id)
    )  # fmt: skip
    return [Rated(code, kind, level, name, at) for code, kind, level, name, at in rows]


def record_for(session: Session, employee_id: int) -> Record:
    every = sorted(
        course_evidence(session, employee_id) + other_evidence(session, employee_id), key=lambda e: e.on
    )
    shown: dict[str, Evidence] = {}
    for item in every:  # oldest first: a tie goes to the latest
        held = shown.get(item.competency)
        if held is None or item.level >= held.level:
            shown[item.competency] = item
    latest = {(r.competency, r.kind): r for r in ratings_of(session, employee_id)}  # later ones overwrite
    levels = decide(
        {code: item.level for code, item in shown.items()}, {k: r.level for k, r in latest.items()}
    )
    return Record(levels, shown, {code: r for (code, kind), r in latest.items() if kind == "manager"})


# Completed courses, by the recertification rule (learning.requirements): a course with valid_for_months
# counts as completed until add_months(latest completion, months). An expired completion stays course evidence
# above: the person showed the competency once, and the level rule keeps it (a manager's rating still wins).
# But it no longer meets a requirement to have the course: a role that requires it needs it retaken, so the
# planner plans it again and the tracker shows it as not completed.


@dataclass(frozen=True)
class Completed:
    """A person's completed courses: `valid` still count; `expired` were completed once, but the course must
    be renewed and the latest completion has run out."""

    valid: set[str] = field(default_factory=set)
    expired: set[str] = field(default_factory=set)


def completed_for_many(
    session: Session, ids: Iterable[int], code_of: Mapping[int, str] | None, today: dt.date
) -> dict[int, Completed]:
    """Each person's completed courses by code.

    With `code_of` (course id -> code, from a caller that holds the catalog) two queries, the completions read
    on the connection, not through the ORM: a team's completions run to tens of thousands of rows, and plain
    tuples are all that is needed of them. Without it, one query that names each course itself."""
    id_list = sorted(set(ids))
    rows: Iterable[tuple[int, str, int | None, dt.date]]
    if code_of is None:
        rows = session.execute(
            select(Completion.employee_id, Course.code, Course.valid_for_months, Completion.completed_at)
            .join(Course, Course.id == Completion.course_id)
            .where(Completion.employee_id.in_(id_list))
        )
    else:
        renewed = select(Course.id, Course.valid_for_months).where(Course.valid_for_months.is_not(None))
        valid_for = dict(session.execute(renewed).all())
        plain = select(Completion.employee_id, Completion.course_id, Completion.completed_at).where(
            Completion.employee_id.in_(id_list)
        )
        rows = (
            (employee_id, code_of[course_id], valid_for.get(course_id), on)
            for employee_id, course_id, on in session.connection().execute(plain)
        )
    done: dict[int, set[str]] = {}
    latest: dict[tuple[int, str], dt.date] = {}  # only for courses that must be renewed
    renew_after: dict[str, int] = {}  # course code -> months
    for employee_id, code, months, completed_at in rows:
        if months:
            renew_after[code] = months
            key = (employee_id, code)
            latest[key] = max(latest.get(key, completed_at), completed_at)
        else:
            done.setdefault(employee_id, set()).add(code)
    result = {employee_id: Completed(valid=codes) for employee_id, codes in done.items()}
    for (employee_id, code), on in latest.items():
        mine = result.setdefault(employee_id, Completed())
        expired = add_months(on, renew_after[code]) <= today
        (mine.expired if expired else mine.valid).add(code)
    return result


def completion_status(
    session: Session, employee_id: int, today: dt.date | None = None
) -> tuple[set[str], set[str]]:
    """(courses whose latest completion still counts, courses completed once whose completion has expired)."""
    mine = completed_for_many(session, [employee_id], None, today or dt.date.today()).get(employee_id)
    return (mine.valid, mine.expired) if mine else (set(), set())


def completed_courses(session: Session, employee_id: int, today: dt.date | None = None) -> set[str]:
    """Courses completed and, where the course must be renewed, not yet expired."""
    return completion_status(session, employee_id, today)[0]


def started_courses(session: Session, employee_id: int) -> set[str]:
    """Courses the employee marked started (or the LMS reported launched) and has not completed since."""
    latest = (
        select(Completion.course_id, func.max(Completion.completed_at).label("on"))
        .where(Completion.employee_id == employee_id)
        .group_by(Completion.course_id)
        .subquery()
    )
    query = (
        select(Course.code)
        .join(CourseStart, CourseStart.course_id == Course.id)
        .outerjoin(latest, latest.c.course_id == Course.id)
        .where(CourseStart.employee_id == employee_id)
        # A start on or before the latest completion was the attempt that completed; a later one is a retake.
        .where((latest.c.on.is_(None)) | (CourseStart.started_on > latest.c.on))
    )
    return set(session.scalars(query))
