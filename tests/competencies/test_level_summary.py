"""The level summary never goes stale: after every kind of write of evidence or of a manager rating it equals
what the facts add up to (competencies.evidence, the plain definition), for everyone."""

import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.competencies import level_summary, observations, ratings, records
from pathways.competencies.models import Competency, LevelSummary
from pathways.config import DEFAULT_CONTENT_DIR
from pathways.content.loader import load_content
from pathways.demo.org_scale import Scale, load_org
from pathways.learning.completions import record_completion, withdraw_completions
from pathways.learning.imports import run_import
from pathways.learning.models import Completion, Course, course_competencies
from pathways.org.models import Employee
from tests.competencies.level_check import assert_summary_is_live
from tests.teams.support import TODAY, person, user, varied_facts


def competency_id(session: Session, code: str) -> int:
    found = session.scalar(select(Competency.id).where(Competency.code == code))
    assert found is not None
    return found


def summary_of(session: Session, employee_id: int, code: str) -> tuple[int | None, int | None] | None:
    session.flush()
    row = session.execute(
        select(LevelSummary.evidenced, LevelSummary.rated).where(
            LevelSummary.employee_id == employee_id,
            LevelSummary.competency_id == competency_id(session, code),
        )
    ).first()
    return None if row is None else (row[0], row[1])


def a_course_new_to(session: Session, employee: Employee, top: bool) -> Course:
    """A course the person has not completed, building some competency; the highest level one when `top`."""
    done = select(Completion.course_id).where(Completion.employee_id == employee.id)
    built = select(course_competencies.c.course_id)
    order = (Course.level.desc() if top else Course.level.asc(), Course.code)
    course = session.scalars(
        select(Course).where(Course.id.not_in(done), Course.id.in_(built)).order_by(*order)
    ).first()
    assert course is not None
    return course


def test_the_demo_and_varied_facts_summary_equals_the_facts_for_everyone(session: Session) -> None:
    figures = assert_summary_is_live(session)  # the demo, as load_demo left it
    assert len({e for e, _ in figures}) > 20
    varied_facts(session)  # ratings tied on time, self-ratings, observations, records, completions
    figures = assert_summary_is_live(session)
    assert any(rated is not None for _, rated in figures.values())


def test_a_completion_raises_evidence_and_its_withdrawal_lowers_it_again(session: Session) -> None:
    alice = person(session, "psr_alice")
    course = a_course_new_to(session, alice, top=True)
    before = assert_summary_is_live(session)
    record_completion(session, employee_id=alice.id, course_id=course.id, completed_at=TODAY,
                      score=90, source="xapi", source_ref="statement-1")  # fmt: skip
    after = assert_summary_is_live(session)
    assert after != before  # the top-level course raised something
    assert len(withdraw_completions(session, ["statement-1"])) == 1
    assert assert_summary_is_live(session) == before


def test_the_csv_import_keeps_the_summary(session: Session) -> None:
    alice, bea = person(session, "psr_alice"), person(session, "lead_bea")
    first, second = a_course_new_to(session, alice, top=True), a_course_new_to(session, bea, top=False)
    before = assert_summary_is_live(session)
    day = (TODAY - dt.timedelta(days=3)).isoformat()
    text = (f"employee,course,completed_at,score\n{alice.email},{first.code},{day},88\n"
            f"{bea.email},{second.code},{day},\n{alice.email},{second.code},{day},75\n")  # fmt: skip
    report = run_import(session, io.BytesIO(text.encode()), today=TODAY, dry_run=False, batch_size=2)
    assert report.new == 3, report.rejections
    assert assert_summary_is_live(session) != before


def test_manager_ratings_count_self_ratings_do_not(session: Session) -> None:
    alice, carl = person(session, "psr_alice"), user(session, "sup_carl")
    ratings.rate(session, carl, alice, [ratings.RatingInput("composure", 1)], "manager")
    assert summary_of(session, alice.id, "composure") is not None
    assert summary_of(session, alice.id, "composure")[1] == 1  # type: ignore[index]
    ratings.rate(session, carl, alice, [ratings.RatingInput("composure", 3)], "manager")
    assert summary_of(session, alice.id, "composure")[1] == 3  # type: ignore[index]
    ratings.rate(session, user(session, "psr_alice"), alice, [ratings.RatingInput("listening", 4)], "self")
    assert_summary_is_live(session)


def test_observations_and_practice_evidence_keep_the_summary(session: Session) -> None:
    alice = person(session, "psr_alice")
    observations.observe(session, user(session, "lead_bea"), alice, competency_code="decision-quality",
                         level=4, note="Settled a queue well.", observed_on=TODAY, today=TODAY)  # fmt: skip
    assert summary_of(session, alice.id, "decision-quality") == (4, None)
    records.record(session, alice.id, "practice", {"informing": (4, "practice set")}, TODAY)
    assert summary_of(session, alice.id, "informing") == (4, None)
    assert_summary_is_live(session)


def test_a_content_load_that_changes_a_course_level_refreshes_those_who_completed_it(
    session: Session, tmp_path: Path
) -> None:
    folder = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, folder)
    completed = select(Completion.course_id).distinct()
    course = session.scalars(
        select(Course).where(Course.id.in_(completed), Course.level > 1).order_by(Course.code)
    ).first()
    assert course is not None
    text = (folder / "courses.yaml").read_text()
    entry = text.index(f"- code: {course.code}\n")
    level_at = text.index(f"level: {course.level}\n", entry)
    edited = text[:level_at] + "level: 4\n" + text[level_at + len(f"level: {course.level}\n") :]
    if course.level == 4:
        edited = text[:level_at] + "level: 1\n" + text[level_at + len("level: 4\n") :]
    (folder / "courses.yaml").write_text(edited)
    before = assert_summary_is_live(session)
    assert load_content(session, folder).updated["courses"] == 1
    assert assert_summary_is_live(session) != before


def test_the_org_scale_generator_leaves_the_summary_equal_to_the_facts(session: Session) -> None:
    small = Scale(
        regions=1, sites=6, employees=60, courses=60, completions_per_employee=8, sites_per_supervisor=3
    )
    assert load_org(session, small, seed=5)
    assert_summary_is_live(session)


@pytest.mark.parametrize("chunk", [1, 7])
def test_a_refresh_in_chunks_is_the_same_as_one(
    session: Session, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    varied_facts(session)
    session.execute(LevelSummary.__table__.delete())
    monkeypatch.setattr(level_summary, "CHUNK", chunk)
    level_summary.refresh_levels(session, list(session.scalars(select(Employee.id))))
    assert_summary_is_live(session)
