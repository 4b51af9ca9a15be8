"""The API's description for people: a summary per operation, and /docs served from this server.

FastAPI names an operation after its function ("Api Roles"); integrators read "List roles". The summaries
live here, one table, so a new API route without one fails tests/test_api_docs.py instead of shipping a
function name. /docs is Swagger UI 5 from the swagger-ui-py package, served as static files with a script
of ours to start it: no CDN (air-gapped hospital networks, and the CSP allows only this site's scripts).
"""

import importlib.util
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

SUMMARIES: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/me"): "Who you are signed in as",
    ("GET", "/api/v1/roles"): "List roles",
    ("GET", "/api/v1/roles/{code}"): "Get a role with its requirements",
    ("GET", "/api/v1/paths"): "List the career paths between roles",
    ("GET", "/api/v1/competencies"): "List competencies",
    ("GET", "/api/v1/competencies/{code}"): "Get a competency with its levels",
    ("GET", "/api/v1/courses"): "List courses",
    ("GET", "/api/v1/courses/{code}"): "Get a course",
    ("GET", "/api/v1/search"): "Search roles, competencies, courses and stories",
    ("GET", "/api/v1/me/learning-plan"): "Your learning plan",
    ("GET", "/api/v1/employees/{employee_id}/learning-plan"): "A person's learning plan",
    ("POST", "/api/v1/assignments"): "Assign a course to people",
    ("GET", "/api/v1/assignments/{assignment_id}"): "Get an assignment with its history",
    ("PATCH", "/api/v1/assignments/{assignment_id}"): "Change an assignment",
    ("POST", "/api/v1/completions"): "Record a completion",
    ("POST", "/api/v1/completions/import"): "Import completions from the LMS's CSV",
    ("GET", "/api/v1/compliance"): "Required training of your people",
    ("GET", "/api/v1/completion-claims"): "List completions waiting for your confirmation",
    ("POST", "/api/v1/completion-claims/{claim_id}/confirm"): "Confirm a claimed completion",
    ("POST", "/api/v1/completion-claims/{claim_id}/reject"): "Reject a claimed completion",
    ("POST", "/api/v1/stories"): "Send in a story",
    ("GET", "/api/v1/stories"): "List published stories",
    ("GET", "/api/v1/story-submissions"): "List story submissions",
    ("POST", "/api/v1/stories/{slug}/withdraw"): "Withdraw your story",
    ("POST", "/api/v1/stories/{slug}/moderate"): "Publish or reject a story",
    ("GET", "/api/v1/stories/{slug}"): "Get a story",
    ("GET", "/api/v1/me/badges"): "Your Open Badges",
    ("GET", "/api/v1/badges/verify"): "Verify a badge by its id (public)",
    ("POST", "/api/v1/badges/verify"): "Verify a signed badge (public)",
    ("POST", "/api/v1/badges/{badge_id}/revoke"): "Revoke a badge",
    ("POST", "/api/v1/plans/optimize"): "Plan the shortest course path to target roles",
    ("GET", "/api/v1/me/inbox"): "Your inbox",
    ("POST", "/api/v1/me/inbox/{notification_id}/read"): "Mark a message read",
    ("GET", "/api/v1/me/trackers"): "List your career path trackers",
    ("POST", "/api/v1/me/trackers"): "Start a tracker towards a role",
    ("GET", "/api/v1/trackers/{tracker_id}"): "Get a tracker with its gaps and plan",
    ("PATCH", "/api/v1/trackers/{tracker_id}"): "Change a tracker's plan, goals, notes or certifications",
    ("GET", "/api/v1/trackers/{tracker_id}/export.xlsx"): "Download a tracker as a workbook",
    ("GET", "/api/v1/trackers/{tracker_id}/brief.pdf"): "Download a tracker's conversation brief (PDF)",
    ("POST", "/api/v1/trackers/{tracker_id}/import"): "Upload an edited tracker workbook",
    ("GET", "/api/v1/xapi/rejections"): "List LRS statements not recorded as completions",
    ("POST", "/api/v1/xapi/rejections/{rejection_id}/apply"): "Record a rejected statement's completion",
    ("GET", "/api/v1/practice/case-types"): "List practice case types",
    ("GET", "/api/v1/practice/attempts"): "List your practice attempts",
    ("POST", "/api/v1/practice/attempts"): "Start a practice attempt",
    ("GET", "/api/v1/practice/attempts/{attempt_id}"): "Get a practice attempt",
    ("POST", "/api/v1/practice/attempts/{attempt_id}/actions"): "Take an action in a practice attempt",
    ("POST", "/api/v1/practice/attempts/{attempt_id}/finish"): "Finish a practice attempt",
    ("GET", "/api/v1/practice/attempts/{attempt_id}/score"): "Get a practice attempt's score",
    ("GET", "/api/v1/practice/attempts/{attempt_id}/replay"): "Replay a practice attempt",
    ("GET", "/api/v1/practice/evidence"): "Your evidence from practice sets",
    ("GET", "/api/v1/practice/sets"): "List practice sets",
    ("POST", "/api/v1/practice/sets"): "Create a practice set",
    ("GET", "/api/v1/practice/sets/{set_id}"): "Get a practice set",
    ("PATCH", "/api/v1/practice/sets/{set_id}"): "Change a practice set",
    ("DELETE", "/api/v1/practice/sets/{set_id}"): "Delete a practice set",
    ("GET", "/api/v1/practice/sets/{set_id}/results"): "Results of a practice set",
    ("GET", "/api/v1/certification-kinds"): "List the certifications roles can require",
    ("GET", "/api/v1/employees/{employee_id}/certifications"): "A person's certifications",
    ("POST", "/api/v1/certifications/{certification_id}/verify"): "Verify a certification",
    ("POST", "/api/v1/certifications/{certification_id}/reject"): "Reject a certification",
    ("GET", "/api/v1/teams/{manager_id}"): "A manager's team with readiness",
    ("POST", "/api/v1/employees/{id}/role"): "Move a person to another role",
    ("GET", "/api/v1/employees/{id}/ratings"): "A person's competency ratings",
    ("POST", "/api/v1/employees/{id}/ratings"): "Rate a person's competencies",
    ("GET", "/api/v1/observations"): "List observations",
    ("POST", "/api/v1/observations"): "Record an observation",
    ("GET", "/api/v1/onboarding/templates"): "List onboarding templates",
    ("GET", "/api/v1/onboarding"): "List onboarding plans",
    ("POST", "/api/v1/onboarding"): "Start an onboarding plan",
    ("GET", "/api/v1/onboarding/{employee_id}"): "Get a person's onboarding plan",
    ("PATCH", "/api/v1/onboarding/{employee_id}"): "Change an onboarding plan's mentor",
    ("PATCH", "/api/v1/onboarding/{employee_id}/items/{code}"): "Move an onboarding step's due date",
    ("POST", "/api/v1/onboarding/{employee_id}/items/{code}/done"): "Mark an onboarding step done",
    ("POST", "/api/v1/onboarding/{employee_id}/items/{code}/sign-off"): "Sign off an onboarding step",
    ("GET", "/api/v1/bench"): "Who is ready for which role",
    ("GET", "/api/v1/audit"): "Read the audit log",
    ("POST", "/api/v1/people/import"): "Import people and sites from the HR feed",
}


def _swagger_ui_files() -> Path:
    # The package's own import sets up web-framework handlers we do not use; only its files are needed.
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("swagger-ui-py is not installed: `make setup` installs it with Pathways.")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


DOCS_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Pathways API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/static/api-docs.js"></script>
</body>
</html>
"""


def describe(app: FastAPI) -> None:
    """Give each API operation its summary and serve /docs. Call once the routers are included."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        schema = generate()  # FastAPI builds it once and keeps it; naming it again changes nothing
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                summary = SUMMARIES.get((method.upper(), path))
                if summary is not None:
                    operation["summary"] = summary
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.mount("/docs/assets", StaticFiles(directory=_swagger_ui_files()), name="api-docs-assets")

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def api_docs() -> str:
        return DOCS_PAGE
