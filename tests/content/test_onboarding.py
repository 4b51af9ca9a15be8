"""content/onboarding.yaml: checked with file and line like every content file, loaded, exported back."""

import importlib.util
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.config import DEFAULT_CONTENT_DIR
from pathways.content import export
from pathways.content.loader import load_content
from pathways.content.reader import ContentError, read_content
from pathways.teams.models import OnboardingTemplate
from tests.content.test_validation import edit, line_of, problems

MIGRATION = Path(__file__).parents[2] / "migrations" / "versions" / "20261123_0008_teams.py"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, target)
    return target


def templates(session: Session) -> dict[tuple[str, str], tuple[str, list[dict[str, Any]]]]:
    rows = session.scalars(select(OnboardingTemplate))
    return {(t.role_code, t.site_type): (t.name, list(t.items)) for t in rows}


def test_the_file_ships_what_the_migration_seeded() -> None:
    # Migration 0008 seeded existing databases; the file must agree, or a first load would rewrite them.
    spec = importlib.util.spec_from_file_location("teams_0008", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    seeded = {(t["role_code"], t["site_type"]): (t["name"], t["items"]) for t in module.DEFAULT_TEMPLATES}
    shipped = {
        (t.item.role, t.item.site_type): (t.item.name, [s.model_dump() for s in t.item.items])
        for t in read_content(DEFAULT_CONTENT_DIR).onboarding
    }
    assert shipped == seeded and len(shipped) == 5


def test_unknown_role_names_file_and_line(content: Path) -> None:
    line = line_of(content, "onboarding.yaml", "role: psr-2-float")
    edit(content, "onboarding.yaml", "role: psr-2-float", "role: astronaut")
    assert problems(content) == [f"content/onboarding.yaml:{line}: role: unknown role 'astronaut'"]


def test_unknown_site_type_names_file_and_line(content: Path) -> None:
    line = line_of(content, "onboarding.yaml", "site_type: patient-service-center")
    edit(content, "onboarding.yaml", "site_type: patient-service-center", "site_type: moon-base")
    [problem] = problems(content)
    assert problem.startswith(f"content/onboarding.yaml:{line}: site_type: ")
    assert "must be one of: any, patient-service-center, in-office, house-calls" in problem


def test_step_code_used_twice_points_at_the_second_step(content: Path) -> None:
    # The first template: its second step is "shadowing"; rename it to the first step's code.
    line = line_of(content, "onboarding.yaml", "- code: shadowing")
    edit(content, "onboarding.yaml", "- code: shadowing", "- code: welcome")
    assert problems(content) == [f"content/onboarding.yaml:{line}: items: step code 'welcome' is used twice"]


def test_due_days_must_be_sensible(content: Path) -> None:
    line = line_of(content, "onboarding.yaml", "due_days: 45")
    edit(content, "onboarding.yaml", "due_days: 45", "due_days: -3")
    [problem] = problems(content)
    assert problem.startswith(f"content/onboarding.yaml:{line}: items.7.due_days: ")
    assert "greater than or equal to 0" in problem
    edit(content, "onboarding.yaml", "due_days: -3", "due_days: 900")
    [problem] = problems(content)
    assert problem.startswith(f"content/onboarding.yaml:{line}: items.7.due_days: ")
    assert "less than or equal to 365" in problem


def test_a_template_needs_a_step_and_a_known_shape(content: Path) -> None:
    (content / "onboarding.yaml").write_text(
        "- name: PSR I at a patient service center\n"
        "  role: psr-1\n"
        "  site_type: any\n"
        "  items: []\n"
        "- name: Twice\n"
        "  role: psr-1\n"
        "  site_type: any\n"
        "  items:\n"
        "  - {code: welcome, title: Welcome, due_days: 1, colour: blue}\n"
    )
    found = problems(content)
    assert any(
        p.startswith("content/onboarding.yaml:4: items: List should have at least 1 item") for p in found
    )
    assert "content/onboarding.yaml:9: items.0.colour: Extra inputs are not permitted" in found


def test_the_same_role_and_site_type_twice(content: Path) -> None:
    text = (content / "onboarding.yaml").read_text()
    start = text.index("- name: PSR II Float")
    end = text.index("\n- name:", start) + 1
    (content / "onboarding.yaml").write_text(text + "\n" + text[start:end])
    [problem] = problems(content)
    assert (
        "a template for psr-2-float at site type 'any' is listed twice (first at content/onboarding.yaml:"
        in (problem)
    )


def test_a_bad_onboarding_file_loads_nothing(session: Session, content: Path) -> None:
    edit(content, "onboarding.yaml", "name: PSR II Float", "name: Renamed float")
    edit(content, "onboarding.yaml", "role: psr-2-site-lead", "role: astronaut")
    before = templates(session)
    with pytest.raises(ContentError, match=r"content/onboarding.yaml:\d+: role: unknown role 'astronaut'"):
        load_content(session, content)
    assert templates(session) == before


def test_loading_twice_changes_nothing(session: Session) -> None:
    before = templates(session)
    first = load_content(session, DEFAULT_CONTENT_DIR)
    second = load_content(session, DEFAULT_CONTENT_DIR)
    for report in (first, second):
        assert not report.changed, report.summary()
        assert report.unchanged["onboarding templates"] == 5
    assert not session.dirty and not session.new
    assert templates(session) == before


def test_the_file_wins_over_a_browser_edit_like_courses(session: Session, content: Path) -> None:
    float_template = session.scalar(
        select(OnboardingTemplate).where(OnboardingTemplate.role_code == "psr-2-float")
    )
    assert float_template is not None
    float_template.name = "Edited in the browser"
    extra = OnboardingTemplate(
        name="PSR I at a hospital",
        role_code="psr-1",
        site_type="hospital",
        items=[{"code": "welcome", "title": "Welcome", "detail": "", "due_days": 1}],
    )
    session.add(extra)
    session.flush()
    edit(content, "onboarding.yaml", "title: Advanced phlebotomy sign-off", "title: Advanced draws sign-off")
    report = load_content(session, content)
    assert report.updated["onboarding templates"] == 1 and report.created["onboarding templates"] == 0
    session.refresh(float_template)
    assert float_template.name == "PSR II Float"
    assert any(step["title"] == "Advanced draws sign-off" for step in float_template.items)
    # A template that is not in the file stays, as a course added in the browser does.
    assert session.get(OnboardingTemplate, extra.id) is not None


def test_export_then_load_round_trips(session: Session, tmp_path: Path) -> None:
    shipped = yaml.safe_load((DEFAULT_CONTENT_DIR / "onboarding.yaml").read_text())
    exported = yaml.safe_load(export.files(export.framework(session))["onboarding.yaml"])

    def keyed(items: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
        return {(t["role"], t["site_type"]): t for t in items}

    assert keyed(exported) == keyed(shipped)

    # An edited database exports its edit; loading that export elsewhere reproduces it exactly.
    lead = session.scalar(select(OnboardingTemplate).where(OnboardingTemplate.role_code == "psr-2-site-lead"))
    assert lead is not None
    lead.items = [*lead.items, {"code": "huddle", "title": "Run a huddle", "detail": "", "due_days": 0}]
    session.flush()
    folder = tmp_path / "content"
    folder.mkdir()
    first = export.files(export.framework(session))
    for name, text in first.items():
        (folder / name).write_text(text, encoding="utf-8")
    assert load_content(session, DEFAULT_CONTENT_DIR).updated["onboarding templates"] == 1  # back as shipped
    report = load_content(session, folder)
    assert report.updated["onboarding templates"] == 1, report.summary()
    assert export.files(export.framework(session)) == first
    assert not load_content(session, folder).changed
