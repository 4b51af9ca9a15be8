import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pathways.careers.models import PathEdge, Role
from pathways.config import DEFAULT_CONTENT_DIR
from pathways.content.loader import load_content
from pathways.content.reader import ContentError
from pathways.learning.models import Course


def counts(session: Session) -> tuple[int, int, int]:
    return (
        session.scalar(select(func.count()).select_from(Course)) or 0,
        session.scalar(select(func.count()).select_from(Role)) or 0,
        session.scalar(select(func.count()).select_from(PathEdge)) or 0,
    )


def test_loading_twice_changes_nothing(session: Session) -> None:
    before = counts(session)
    report = load_content(session, DEFAULT_CONTENT_DIR)
    assert not report.changed
    assert report.unchanged["courses"] == before[0]
    assert not session.dirty and not session.new
    assert counts(session) == before


def test_an_edited_file_updates_rows_in_place(session: Session, tmp_path: Path) -> None:
    folder = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, folder)
    course = session.scalars(select(Course).order_by(Course.code)).first()
    assert course is not None
    course_id, old_title = course.id, course.title
    text = (folder / "courses.yaml").read_text()
    (folder / "courses.yaml").write_text(text.replace(f"title: {old_title}", "title: A clearer title", 1))
    report = load_content(session, folder)
    assert report.updated["courses"] == 1
    assert sum(report.created.values()) == 0
    session.expire_all()
    reloaded = session.get(Course, course_id)
    assert reloaded is not None and reloaded.title == "A clearer title"


def test_a_bad_file_loads_nothing(session: Session, tmp_path: Path) -> None:
    folder = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, folder)
    text = (folder / "courses.yaml").read_text()
    (folder / "courses.yaml").write_text(text + "- code: NEW-100\n  title: Orphan\n")
    before = counts(session)
    with pytest.raises(ContentError):
        load_content(session, folder)
    assert counts(session) == before
