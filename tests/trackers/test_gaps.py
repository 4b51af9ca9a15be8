"""Where each current level comes from: the rating or the piece of evidence, named with its date."""

import datetime as dt
import io

from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.competencies.models import Competency, CompetencyRating, EvidenceRecord, Observation
from pathways.learning.completions import record_completion
from pathways.learning.models import Course, course_competencies
from pathways.trackers import brief, service, views
from pathways.trackers.gaps import CompetencyGap
from tests.helpers import sign_in
from tests.trackers.support import employee, exported, start, user


def competency_id(session: Session, code: str) -> int:
    found = session.scalar(select(Competency.id).where(Competency.code == code))
    assert found is not None, code
    return found


def by_code(session: Session, tracker_id: int) -> dict[str, CompetencyGap]:
    view = views.build(session, service.get_tracker(session, tracker_id))
    return {c.code: c for c in view.analysis.competencies}


def test_each_current_level_names_its_source_and_date(session: Session, client: TestClient) -> None:
    tracker = start(session)
    alice, carl = employee(session, "psr_alice"), user(session, "sup_carl")
    codes = [r.competency.code for r in tracker.role.requirements]
    rated, observed, practised = codes[0], codes[1], codes[2]
    session.add_all(
        [
            CompetencyRating(
                employee_id=alice.id,
                competency_id=competency_id(session, rated),
                kind="manager",
                level=2,
                rated_by_user_id=carl.id,
                rated_at=dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC),
            ),
            Observation(
                employee_id=alice.id,
                competency_id=competency_id(session, observed),
                level=4,
                note="Calmed a patient upset about a bill " + "and explained every line " * 10,
                observed_on=dt.date(2026, 3, 2),
            ),
            EvidenceRecord(
                employee_id=alice.id,
                competency_id=competency_id(session, practised),
                level=4,
                source="practice",
                detail="Practice set #7 'Front desk drills' passed (6 cases)",
                recorded_on=dt.date(2026, 4, 9),
            ),
        ]
    )
    session.flush()
    gaps = by_code(session, tracker.id)
    assert gaps[rated].basis_text == f"supervisor's latest rating, by {carl.name} on 2026-05-01"
    observation = gaps[observed].basis_text
    assert observation.startswith("evidence: observation on 2026-03-02: \u201cCalmed a patient upset")
    assert observation.endswith("\u2026\u201d") and len(observation) < 140, "a long note is shortened"
    assert gaps[practised].basis_text == (
        "evidence: Practice set #7 'Front desk drills' passed (6 cases), 2026-04-09"
    )
    untouched = [c for c in gaps.values() if c.basis == "none"]
    assert all(c.basis_text == "no rating or evidence yet" for c in untouched)

    sheet = {r[1]: r[4] for r in exported(session, tracker)["Gaps"].iter_rows(min_row=2, values_only=True)}
    assert sheet[rated] == gaps[rated].basis_text and sheet[practised] == gaps[practised].basis_text
    view = views.build(session, service.get_tracker(session, tracker.id))
    text = " ".join(PdfReader(io.BytesIO(brief.brief_pdf(view))).pages[0].extract_text().split())
    assert "2026-05-01" in text, "the rating's date is on the brief (its competency has a gap)"

    sign_in(client, "psr_alice")
    page = client.get(f"/trackers/{tracker.id}").text
    assert f"by {carl.name} on 2026-05-01" in page and "Practice set #7" in page


def test_a_course_names_its_code_and_completion_date(session: Session) -> None:
    tracker = start(session)
    alice = employee(session, "psr_alice")
    code = tracker.role.requirements[0].competency.code
    course = session.scalar(
        select(Course)
        .join(course_competencies, course_competencies.c.course_id == Course.id)
        .where(course_competencies.c.competency_id == competency_id(session, code))
        .order_by(Course.level.desc(), Course.code)
    )
    assert course is not None
    record_completion(
        session,
        employee_id=alice.id,
        course_id=course.id,
        completed_at=dt.date(2026, 2, 3),
        score=90,
        source="manual",
    )
    gap = by_code(session, tracker.id)[code]
    assert gap.basis == "evidence" and gap.current == course.level
    assert gap.basis_text == f"evidence: course {course.code}, completed 2026-02-03"
