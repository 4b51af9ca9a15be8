"""Migration 0009 (courses.valid_for_months) upgrades a database at the previous head and keeps its data."""

import sqlite3
from pathlib import Path

from alembic import command

from pathways import migrate

COURSE = (7, "PRIV-101", "Privacy", "Summary", "e-learning", 1.5, 2, "https://lms.example/PRIV-101")
COMPLETION = (1, 1, 7, "2024-02-29", 90, "csv", None)


def test_upgrade_from_0008_keeps_courses_and_completions(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    migrate.upgrade(url, "0008")
    with sqlite3.connect(tmp_path / "old.db") as conn:
        conn.execute("PRAGMA foreign_keys = OFF")  # one completion without the organisation around it
        conn.execute(
            "INSERT INTO courses (id, code, title, summary, modality, hours, level, lms_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            COURSE,
        )
        conn.execute(
            "INSERT INTO completions (id, employee_id, course_id, completed_at, score, source, source_ref) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            COMPLETION,
        )
    migrate.upgrade(url)
    with sqlite3.connect(tmp_path / "old.db") as conn:
        course = conn.execute(
            "SELECT id, code, title, summary, modality, hours, level, lms_id, valid_for_months FROM courses"
        ).fetchall()
        completions = conn.execute("SELECT * FROM completions").fetchall()
        version = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    assert course == [(*COURSE, None)]  # existing courses stay valid forever
    assert completions == [COMPLETION]
    assert version is not None and version[0] >= "0009"

    command.downgrade(migrate.alembic_config(url), "0008")
    with sqlite3.connect(tmp_path / "old.db") as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(courses)")]
        assert "valid_for_months" not in columns
        assert conn.execute("SELECT code FROM courses").fetchall() == [("PRIV-101",)]
