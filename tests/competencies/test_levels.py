"""The bulk levels agree with competencies.evidence.levels_for, person by person."""

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.competencies.evidence import levels_for, levels_for_many, record_for
from pathways.competencies.models import Competency, CompetencyRating, EvidenceRecord, Observation
from pathways.org.models import Employee
from tests.teams.support import TODAY, person


def _competency(session: Session, code: str) -> int:
    found = session.scalar(select(Competency.id).where(Competency.code == code))
    assert found is not None
    return found


def _mixed_evidence(session: Session) -> None:
    alice, dan = person(session, "psr_alice"), person(session, "outsider_dan")
    early = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    late = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    session.add_all(
        [
            # Two manager ratings: the later one counts, even though it is lower.
            CompetencyRating(
                employee_id=alice.id,
                competency_id=_competency(session, "composure"),
                kind="manager",
                level=3,
                note="",
                rated_at=early,
            ),
            CompetencyRating(
                employee_id=alice.id,
                competency_id=_competency(session, "composure"),
                kind="manager",
                level=1,
                note="",
                rated_at=late,
            ),
            CompetencyRating(
                employee_id=alice.id,
                competency_id=_competency(session, "listening"),
                kind="self",
                level=4,
                note="",
                rated_at=late,
            ),
            Observation(
                employee_id=alice.id,
                competency_id=_competency(session, "phlebotomy"),
                level=3,
                note="ok",
                observed_on=TODAY,
            ),
            EvidenceRecord(
                employee_id=dan.id,
                competency_id=_competency(session, "informing"),
                level=2,
                source="practice",
                detail="set",
                recorded_on=TODAY,
            ),
        ]
    )
    session.flush()


def test_bulk_levels_match_levels_for_for_everyone(session: Session) -> None:
    _mixed_evidence(session)
    ids = list(session.scalars(select(Employee.id)))
    bulk = levels_for_many(session, ids)
    for employee_id in ids:
        assert bulk[employee_id] == levels_for(session, employee_id), employee_id
    alice = bulk[person(session, "psr_alice").id]
    assert alice["composure"].level == 1 and alice["composure"].basis == "manager rating"
    assert alice["listening"].self_rating == 4 and alice["listening"].level == 0


def test_bulk_levels_can_be_narrowed_to_some_competencies(session: Session) -> None:
    _mixed_evidence(session)
    alice = person(session, "psr_alice").id
    narrowed = levels_for_many(session, [alice], {"composure", "phlebotomy"})[alice]
    assert set(narrowed) <= {"composure", "phlebotomy"}
    assert narrowed["composure"] == levels_for(session, alice)["composure"]


def test_one_persons_record_read_item_by_item_gives_the_bulk_levels(session: Session) -> None:
    # record_for reads evidence and ratings row by row (the tracker shows where each level comes from);
    # levels_for_many reads maxima. Both feed the same rule and must agree.
    _mixed_evidence(session)
    ids = list(session.scalars(select(Employee.id)))
    bulk = levels_for_many(session, ids)
    for employee_id in ids:
        assert record_for(session, employee_id).levels == bulk[employee_id], employee_id
    alice = record_for(session, person(session, "psr_alice").id)
    assert alice.rated["composure"].level == 1  # the later manager rating, the one counted
    assert "listening" not in alice.rated  # a self-rating is no manager's
    assert (alice.shown["phlebotomy"].source, alice.shown["phlebotomy"].level) == ("observation", 3)
