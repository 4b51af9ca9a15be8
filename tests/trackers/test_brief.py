import datetime as dt
import io

from pypdf import PdfReader
from sqlalchemy.orm import Session

from pathways.trackers import brief, conversations, service, views
from pathways.trackers.models import CareerTracker
from tests.trackers.support import user


def text_of(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_brief_holds_every_gap_the_plan_goals_and_questions_on_one_page(
    session: Session, tracker: CareerTracker
) -> None:
    alice = user(session, "psr_alice")
    service.plan_course(session, tracker, "REV-201", "2027-Q1", alice)
    for number in range(12):
        service.add_goal(session, tracker, f"Goal number {number} with a target", dt.date(2027, 3, 1), alice)
    conversations.request_conversation(session, tracker, alice, "Could I shadow the site lead in March?")
    view = views.build(session, service.get_tracker(session, tracker.id))
    pages, text = text_of(brief.brief_pdf(view, today=dt.date(2027, 1, 4)))
    assert pages == 1
    assert "Career conversation brief" in text and "Target role: PSR II" in text and "Alice Moreno" in text
    readiness = view.analysis.readiness
    assert f"Proportional: {readiness.percent}%" in text
    assert f"Fully met: {readiness.met} of {readiness.count} competencies" in text
    assert f"Every competency gap ({len(view.analysis.gaps)})" in text and view.analysis.gaps
    for gap in view.analysis.gaps:
        assert gap.name in text
    assert "2027-Q1: REV-201" in text
    assert "Goal number 11 with a target - by 2027-03-01" in text
    assert "Could I shadow the site lead in March?" in text
    for done in view.done:
        assert done.code in text


def test_characters_outside_the_pdf_fonts_do_not_break_the_brief(
    session: Session, tracker: CareerTracker
) -> None:
    alice = user(session, "psr_alice")
    service.add_goal(session, tracker, "Lead the “morning” huddle → then coach 😀 Zoë", None, alice)
    _, text = text_of(brief.brief_pdf(views.build(session, tracker)))
    assert "Lead the “morning” huddle -> then coach 😀 Zoë" in text, (
        "Noto Sans has no arrow: ->; emoji: Noto Emoji"
    )
