"""content/synonyms.yaml: validated with the content, loaded in place, exported back, optional in a folder."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.config import DEFAULT_CONTENT_DIR
from pathways.content import export
from pathways.content.export import framework
from pathways.content.loader import load_content
from pathways.content.reader import ContentError, read_content
from pathways.search import service
from pathways.search.models import SearchSynonym


def folder_with(tmp_path: Path, synonyms: str | None) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, folder)
    if synonyms is None:
        (folder / "synonyms.yaml").unlink()
    else:
        (folder / "synonyms.yaml").write_text(synonyms, encoding="utf-8")
    return folder


def test_shipped_synonyms_are_loaded(session: Session) -> None:
    stored = {s.term: s.means for s in session.scalars(select(SearchSynonym))}
    assert stored["blood draw"] == stored["blood"] == stored["venipuncture"] == "phlebotomy"
    assert stored["insurance"] == "eligibility"
    assert stored["front desk"] == stored["check-in"] == "registration"
    assert stored["copay"] == "payment collection"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (
            "- means: phlebotomy\n  terms: [blood]\n- means: lab\n  terms: [Blood]\n",
            "synonyms.yaml:4: the term 'Blood' is listed twice",
        ),
        ("- means: phlebotomy\n  terms: ['blood \"draw']\n", "synonyms.yaml:2: terms:"),
        ("- means: 'phle*botomy'\n  terms: [blood]\n", "synonyms.yaml:1: means:"),
        ("- means: phlebotomy\n  terms: []\n", "synonyms.yaml:2: terms:"),
        ("- means: phlebotomy\n  words: [blood]\n", "synonyms.yaml:2: words: Extra inputs"),
    ],
)
def test_a_bad_synonym_is_named_by_line(tmp_path: Path, text: str, named: str) -> None:
    with pytest.raises(ContentError) as caught:
        read_content(folder_with(tmp_path, text))
    assert any(named in problem for problem in caught.value.problems), caught.value.problems


def test_an_edited_file_replaces_the_synonyms(session: Session, tmp_path: Path) -> None:
    folder = folder_with(tmp_path, "- means: phlebotomy\n  terms: [Quillwort]\n")
    report = load_content(session, folder)
    assert report.updated["synonym lists"] == 1
    assert {s.term: s.means for s in session.scalars(select(SearchSynonym))} == {"quillwort": "phlebotomy"}
    assert "LAB-110" in {hit.ref for hit in service.search(session, "quillwort").groups["course"]}
    assert service.search(session, "blood").also_searched == []


def test_a_folder_without_the_file_keeps_the_synonyms(session: Session, tmp_path: Path) -> None:
    before = {s.term: s.means for s in session.scalars(select(SearchSynonym))}
    report = load_content(session, folder_with(tmp_path, None))
    assert "synonym lists" not in report.summary()
    assert {s.term: s.means for s in session.scalars(select(SearchSynonym))} == before


def test_export_loads_back_unchanged(session: Session, tmp_path: Path) -> None:
    exported = framework(session)["synonyms.yaml"]
    phlebotomy = next(item for item in exported if item["means"] == "phlebotomy")
    assert set(phlebotomy["terms"]) == {"blood draw", "blood", "venipuncture", "draw station"}
    folder = tmp_path / "content"
    folder.mkdir()
    for name, text in export.files(framework(session)).items():
        (folder / name).write_text(text, encoding="utf-8")
    report = load_content(session, folder)
    assert report.unchanged["synonym lists"] == 1, report.summary()
