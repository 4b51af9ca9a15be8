import io
import re

from openpyxl import load_workbook
from starlette.testclient import TestClient

from tests.helpers import page_csrf, sign_in
from tests.trackers.support import to_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def post(client: TestClient, path: str, **data: object) -> str:
    response = client.post(path, data={"csrf_token": page_csrf(client), **data}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return response.headers["location"]


def start_from_role_page(client: TestClient, role: str = "psr-2") -> int:
    page = client.get(f"/roles/{role}")
    assert "Start a tracker for this role" in page.text
    location = post(client, "/trackers", role=role)
    match = re.fullmatch(r"/trackers/(\d+)", location)
    assert match, location
    return int(match.group(1))


def test_the_list_compares_trackers_side_by_side(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    assert "You have no trackers yet." in client.get("/trackers").text
    first, second = start_from_role_page(client), start_from_role_page(client, "psr-2-site-lead")
    assert start_from_role_page(client) == first, "starting again opens the same tracker"
    page = client.get("/trackers")
    assert page.status_code == 200
    assert f'href="/trackers/{first}"' in page.text and f'href="/trackers/{second}"' in page.text
    assert "Readiness, proportional" in page.text and "Competencies fully met" in page.text
    assert "current level against the level each role requires" in page.text


def test_planning_goals_and_a_conversation_through_the_forms(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    tracker = start_from_role_page(client)
    page = client.get(f"/trackers/{tracker}")
    assert page.status_code == 200
    for text in (
        "Tracker: PSR II",
        "Proportional",
        "Fully met",
        "Current level comes from",
        "Plan by quarter",
    ):
        assert text in page.text
    assert post(client, f"/trackers/{tracker}/courses", course="REV-201", quarter="2027-Q1").endswith("#plan")
    post(client, f"/trackers/{tracker}/courses/REV-201/move", quarter="2027-Q2")
    post(client, f"/trackers/{tracker}/goals", text="Shadow the site lead", target_date="2027-03-01")
    post(client, f"/trackers/{tracker}/notes", notes="Saturday shifts?")
    post(client, f"/trackers/{tracker}/conversations", questions="When could I move up?")
    page = client.get(f"/trackers/{tracker}?done=requested")
    assert "Your manager has been asked for a conversation" in page.text
    assert "REV-201" in page.text and "2027-Q2" in page.text and "Shadow the site lead" in page.text
    assert "Ask for a conversation" not in page.text, "one open request at a time"
    bad = client.post(
        f"/trackers/{tracker}/courses",
        data={"csrf_token": page_csrf(client), "course": "NOPE-1", "quarter": "2027-Q1"},
    )
    assert bad.status_code == 404 and "No course with code" in bad.text
    forged = client.post(f"/trackers/{tracker}/notes", data={"notes": "x"})
    assert forged.status_code == 403

    client.post("/logout", data={"csrf_token": page_csrf(client)})
    sign_in(client, "sup_carl")
    assert "asks for a career conversation" in client.get("/inbox").text
    team = client.get("/trackers").text
    assert "My team's trackers" in team and "Asked for" in team
    page = client.get(f"/trackers/{tracker}")
    assert "Record the conversation" in page.text and "Approve this plan" in page.text
    assert "Add to plan" not in page.text, "a supervisor does not edit the employee's plan"
    asked = int(re.findall(r'id="conversation-(\d+)"', page.text)[0])
    assert "Answer: propose a time or decline" in page.text
    post(
        client,
        f"/trackers/{tracker}/conversations/{asked}/schedule",
        day="2099-01-12",
        time="14:30",
        message="In the break room.",
    )
    bad_time = client.post(
        f"/trackers/{tracker}/conversations/{asked}/schedule",
        data={"csrf_token": page_csrf(client), "day": "2099-01-12", "time": "half past two"},
    )
    assert bad_time.status_code == 400 and "is not a time of day" in bad_time.text
    post(
        client,
        f"/trackers/{tracker}/conversations/record",
        held_on="2027-01-05",
        outcome="Ready next year.",
        next_steps="Finish REV-201.",
        follow_up_on="2027-04-01",
        conversation_id="",
    )
    post(client, f"/trackers/{tracker}/approve", comment="Go ahead.")
    page = client.get(f"/trackers/{tracker}").text
    assert "This plan is approved." in page and "Held on 5 January 2027" in page and "Finish REV-201." in page
    assert (
        "Monday 12 January 2099 at 14:30" in page and "Message from the manager: In the break room." in page
    )
    denied = client.post(
        f"/trackers/{tracker}/courses",
        data={"csrf_token": page_csrf(client), "course": "REV-210", "quarter": "2027-Q1"},
    )
    assert denied.status_code == 403

    client.post("/logout", data={"csrf_token": page_csrf(client)})
    sign_in(client, "psr_alice")
    page = client.get(f"/trackers/{tracker}").text
    assert "Scheduled" in page and "Monday 12 January 2099 at 14:30" in page
    assert "Answer: propose a time" not in page, "only the manager answers"
    refused = client.post(
        f"/trackers/{tracker}/conversations/{asked}/decline",
        data={"csrf_token": page_csrf(client), "message": "No"},
    )
    assert refused.status_code == 403


def test_import_preview_then_apply_in_the_browser_flow(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    tracker = start_from_role_page(client)
    assert "Choose the file" in client.get(f"/trackers/{tracker}/import").text
    wb = load_workbook(io.BytesIO(client.get(f"/api/v1/trackers/{tracker}/export.xlsx").content))
    wb["Plan"].append(["2027-Q4", "REV-210"])
    data = to_bytes(wb)
    post(client, f"/trackers/{tracker}/courses", course="EHR-201", quarter="2027-Q1")  # changed meanwhile
    preview = client.post(
        f"/trackers/{tracker}/import",
        data={"csrf_token": page_csrf(client)},
        files={"file": ("t.xlsx", data, XLSX)},
    )
    assert preview.status_code == 200
    assert "Add course REV-210 (2027-Q4)" in preview.text and "Remove course EHR-201" in preview.text
    assert "changed since this workbook was downloaded" in preview.text
    token = re.search(r'name="token" value="([^"]+)"', preview.text)
    assert token
    refused = client.post(
        f"/trackers/{tracker}/import/apply", data={"csrf_token": page_csrf(client), "token": token.group(1)}
    )
    assert refused.status_code == 409
    location = post(client, f"/trackers/{tracker}/import/apply", token=token.group(1), confirm="true")
    assert location.endswith("done=imported")
    assert "applied" in client.get(location).text
    plan = client.get(f"/api/v1/trackers/{tracker}").json()["plan"]
    assert [(p["course"], p["quarter"]) for p in plan] == [("REV-210", "2027-Q4")]
    tampered = client.post(
        f"/trackers/{tracker}/import/apply",
        data={"csrf_token": page_csrf(client), "token": token.group(1) + "x"},
    )
    assert tampered.status_code == 400
    junk = client.post(
        f"/trackers/{tracker}/import",
        data={"csrf_token": page_csrf(client)},
        files={"file": ("t.xlsx", b"hello", XLSX)},
    )
    assert junk.status_code == 400 and "Nothing was changed." in junk.text
