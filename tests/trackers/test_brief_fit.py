"""The brief is one page whatever the tracker holds, and prints names as they are written."""

import datetime as dt
import io

from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.competencies.models import Competency, Observation
from pathways.trackers import brief, brief_fonts, conversations, service, views
from pathways.trackers.conversations import MAX_TEXT
from pathways.trackers.models import CareerTracker
from pathways.trackers.service import MAX_GOAL
from tests.trackers.support import employee, user


def text_of(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def crowded(session: Session, tracker: CareerTracker, goals: int) -> views.TrackerView:
    alice = user(session, "psr_alice")
    for number in range(goals):
        text = f"Goal {number:02d} " + "practise the hardest registration cases with a mentor " * 6
        service.add_goal(session, tracker, text[:MAX_GOAL], dt.date(2027, 3, 1), alice)
    for number, code in enumerate(("REV-201", "REV-210", "REV-220", "EHR-201")):
        service.plan_course(session, tracker, code, f"{2027 + number}-Q{1 + number}", alice)
    # The longest "current level from" the gap table can show: an observer's long note on every gap.
    person = employee(session, "psr_alice")
    for requirement in tracker.role.requirements:
        session.add(
            Observation(
                employee_id=person.id,
                competency_id=session.scalar(
                    select(Competency.id).where(Competency.code == requirement.competency.code)
                ),
                level=max(requirement.level - 1, 0),
                note="Handled a long and difficult registration with care " * 8,
                observed_on=dt.date(2026, 9, 1),
            )
        )
    session.flush()
    questions = ("Could I shadow the site lead during the March audit and the flu clinics? " * 60)[:MAX_TEXT]
    conversations.request_conversation(session, tracker, alice, questions)
    return views.build(session, service.get_tracker(session, tracker.id))


def test_the_worst_case_is_one_page_with_every_gap(session: Session, tracker: CareerTracker) -> None:
    view = crowded(session, tracker, goals=40)
    assert len(view.analysis.gaps) == len(tracker.role.requirements), "every competency is a gap"
    pages, text = text_of(brief.brief_pdf(view, today=dt.date(2027, 1, 4)))
    assert pages == 1
    assert f"Every competency gap ({len(view.analysis.gaps)})" in text
    for gap in view.analysis.gaps:
        assert gap.name in text
    assert "(continued in Pathways)" in text and f"/trackers/{tracker.id}" in text
    assert "Goal 00" in text or "more goals" in text


def test_the_worst_case_on_the_built_in_font_is_one_page_too(
    session: Session, tracker: CareerTracker
) -> None:
    view = crowded(session, tracker, goals=25)
    pages, text = text_of(brief.brief_pdf(view, fonts=brief_fonts.BUILT_IN))
    assert pages == 1 and "continued in Pathways" in text
    for gap in view.analysis.gaps:
        assert gap.name in text


def test_a_long_brief_is_cut_only_as_far_as_needed(session: Session, tracker: CareerTracker) -> None:
    view = crowded(session, tracker, goals=8)
    pages, text = text_of(brief.brief_pdf(view))
    assert pages == 1
    assert "Goal 07" in text, "a cut shortens the longest parts before it drops a goal"


def test_names_outside_latin_1_are_printed_as_written(session: Session, tracker: CareerTracker) -> None:
    fonts = brief_fonts.available()
    assert fonts.unicode, "pymupdf-fonts is a dependency, so Noto Sans is always there"
    tracker.employee.name = "Nguyễn Thị Ánh"
    goal = "Coach Ελένη on the new EHR → then 😀 \U000e0041"
    service.add_goal(session, tracker, goal, None, user(session, "psr_alice"))
    session.flush()
    view = views.build(session, service.get_tracker(session, tracker.id))
    _, text = text_of(brief.brief_pdf(view))
    assert "Nguyễn Thị Ánh" in text
    # → is printed as -> rather than from a fallback face; a tag character no font has is left out.
    assert "Coach Ελένη on the new EHR -> then 😀" in text and "?" not in text

    _, latin = text_of(brief.brief_pdf(view, fonts=brief_fonts.BUILT_IN))
    assert "Nguyen Thi Ánh" in latin, "without an embedded font, accents outside Latin-1 are dropped"


def test_characters_are_mapped_to_what_the_font_can_print() -> None:
    fonts = brief_fonts.BUILT_IN
    assert fonts.printable("Zoë “quoted” \u2013 Đà Nẵng → ok…\n") == 'Zoë "quoted" - ?à Nang -> ok...\n'
