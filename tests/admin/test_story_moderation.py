"""Stories sent in by employees: submitted, moderated by an admin (the author told why), withdrawn."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.audit.models import AuditEntry
from pathways.careers.models import Role
from pathways.errors import BadRequest, Conflict, Forbidden
from pathways.inbox.models import Notification
from pathways.stories import service as stories
from pathways.stories import submissions
from pathways.stories.service import stories_about
from tests.helpers import page_csrf, sign_in
from tests.teams.support import user

DRAFT = submissions.Draft(
    title="From the front desk to the draw chair",
    from_role="psr-1",
    to_role="psr-2",
    months=13,
    courses=["LAB-110", "LAB-130"],
    tips=["Ask for the hard draws early.", ""],
    body="I was nervous about needles.\n\nPractice with my site lead helped most.",
)


def _role(session: Session, code: str) -> Role:
    found = session.scalar(select(Role).where(Role.code == code))
    assert found is not None
    return found


def test_submitted_then_approved_appears_on_the_role_pages(session: Session) -> None:
    story, _submission = submissions.submit(session, user(session, "psr_alice"), DRAFT)
    assert (
        story.status == "submitted"
        and story.author == "Alice M."
        and story.tips == ["Ask for the hard draws early."]
    )
    assert story.slug not in {s.slug for s in stories.published_stories(session)}
    admin = user(session, "admin_ada")
    assert session.scalar(select(Notification.id).where(Notification.user_id == admin.id)) is not None
    submissions.moderate(session, admin, story.slug, "approve", "")
    assert story.slug in {s.slug for s in stories_about(session, _role(session, "psr-2"))}
    assert story.slug in {s.slug for s in stories.published_stories(session, "psr-1")}
    alice = user(session, "psr_alice")
    told = session.scalar(
        select(Notification).where(Notification.user_id == alice.id, Notification.kind == "story")
    )
    assert told is not None and "published" in told.message
    actions = set(session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "stories")))
    assert actions == {"story.submit", "story.approve"}
    with pytest.raises(Conflict):
        submissions.moderate(session, admin, story.slug, "reject", "late")


def test_rejection_needs_a_reason_that_reaches_the_author(session: Session) -> None:
    story, _ = submissions.submit(session, user(session, "psr_alice"), DRAFT)
    admin = user(session, "admin_ada")
    with pytest.raises(BadRequest, match="reason"):
        submissions.moderate(session, admin, story.slug, "reject", "  ")
    submissions.moderate(session, admin, story.slug, "reject", "Please leave out the patient's name.")
    assert story.status == "rejected"
    alice = user(session, "psr_alice")
    told = session.scalar(
        select(Notification).where(Notification.user_id == alice.id, Notification.kind == "story")
    )
    assert told is not None and "leave out the patient's name" in told.message


def test_the_author_withdraws_even_a_published_story(session: Session) -> None:
    story, _ = submissions.submit(session, user(session, "psr_alice"), DRAFT)
    submissions.moderate(session, user(session, "admin_ada"), story.slug, "approve", "")
    with pytest.raises(Forbidden):
        submissions.withdraw(session, user(session, "outsider_dan"), story.slug)
    submissions.withdraw(session, user(session, "psr_alice"), story.slug)
    assert story.status == "withdrawn"
    assert story.slug not in {s.slug for s in stories.published_stories(session)}
    with pytest.raises(Conflict):
        submissions.withdraw(session, user(session, "psr_alice"), story.slug)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"from_role": "astronaut"}, "No role"),
        ({"to_role": "psr-1"}, "different roles"),
        ({"courses": ["NOPE-999"]}, "course"),
        ({"months": 0}, "months"),
        ({"body": ""}, "body"),
    ],
)
def test_bad_stories_are_refused(session: Session, change: dict[str, object], message: str) -> None:
    draft = submissions.Draft(**{**DRAFT.__dict__, **change})  # type: ignore[arg-type]
    with pytest.raises(BadRequest, match=message):
        submissions.submit(session, user(session, "psr_alice"), draft)


def test_slugs_stay_unique(session: Session) -> None:
    first, _ = submissions.submit(session, user(session, "psr_alice"), DRAFT)
    second, _ = submissions.submit(session, user(session, "outsider_dan"), DRAFT)
    assert first.slug != second.slug and second.slug.startswith(first.slug)


def test_the_story_flow_in_the_browser_and_the_api(client: TestClient, session: Session) -> None:
    sign_in(client, "psr_alice")
    csrf = page_csrf(client)
    form = {
        "csrf_token": csrf,
        "title": "Learning the phones",
        "from_role": "psr-1",
        "to_role": "billing-specialist",
        "months": "20",
        "courses": "rev-101, REV-201",
        "tips": "Write scripts\nBreathe",
        "body": "It took time.",
    }
    sent = client.post("/stories/new", data=form, follow_redirects=False)
    assert sent.status_code == 303
    mine = client.get("/stories/mine?done=submitted")
    assert "Learning the phones" in mine.text and "Waiting for review" in mine.text
    again = client.post("/stories/new", data={**form, "months": "soon"})
    assert again.status_code == 422 and "whole number" in again.text and "Learning the phones" in again.text
    api = client.post(
        "/api/v1/stories",
        json={
            "title": "Billing at last",
            "from_role": "psr-2",
            "to_role": "billing-specialist",
            "months": 18,
            "body": "Denials taught me.",
        },
        headers={"X-CSRF-Token": csrf},
    )
    assert api.status_code == 201 and api.json()["status"] == "submitted"
    slug = api.json()["slug"]
    assert (
        client.post(
            f"/api/v1/stories/{slug}/moderate", json={"decision": "approve"}, headers={"X-CSRF-Token": csrf}
        ).status_code
        == 403
    )
    assert {s["title"] for s in client.get("/api/v1/story-submissions").json()} == {
        "Learning the phones",
        "Billing at last",
    }
    client.cookies.clear()
    sign_in(client, "admin_ada")
    admin_csrf = page_csrf(client)
    queue = client.get("/admin/stories")
    assert "Learning the phones" in queue.text and "Approve and publish" in queue.text
    decided = client.post(
        f"/admin/stories/{slug}/decision",
        data={"csrf_token": admin_csrf, "decision": "approve"},
        follow_redirects=False,
    )
    assert decided.status_code == 303
    assert client.get(f"/stories/{slug}").status_code == 200
    assert slug in client.get("/roles/billing-specialist").text
    waiting = client.get("/api/v1/story-submissions?status=submitted").json()
    assert [s["title"] for s in waiting] == ["Learning the phones"]
    assert client.get("/api/v1/story-submissions?status=lost").status_code == 400
    rejected = client.post(
        "/api/v1/stories/" + waiting[0]["slug"] + "/moderate",
        json={"decision": "reject"},
        headers={"X-CSRF-Token": admin_csrf},
    )
    assert rejected.status_code == 400 and "reason" in rejected.json()["detail"]
    client.cookies.clear()
    sign_in(client, "psr_alice")
    withdrawn = client.post(
        f"/stories/mine/{slug}/withdraw", data={"csrf_token": page_csrf(client)}, follow_redirects=False
    )
    assert withdrawn.status_code == 303
    assert client.get(f"/stories/{slug}").status_code == 404
