"""Each kind of bad content file is rejected with a message naming the file, the line and what is wrong."""

import shutil
from pathlib import Path

import pytest

from pathways.config import DEFAULT_CONTENT_DIR
from pathways.content.reader import ContentError, read_content


@pytest.fixture
def content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, target)
    return target


def edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text()
    assert old in text, f"{old!r} is not in {name}"
    path.write_text(text.replace(old, new, 1))


def line_of(folder: Path, name: str, needle: str) -> int:
    for number, line in enumerate((folder / name).read_text().splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {name}")


def problems(folder: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        read_content(folder)
    assert caught.value.message.startswith("The content is not valid; nothing was loaded")
    return caught.value.problems


def test_shipped_content_is_valid() -> None:
    content = read_content(DEFAULT_CONTENT_DIR)
    assert len(content.courses) >= 40
    assert len(content.stories) >= 6
    assert {r.item.code for r in content.roles} >= {
        "psr-1", "psr-2", "psr-2-site-lead", "psr-2-float", "group-lead", "supervisor",
        "patient-access-manager", "medical-coder", "billing-specialist",
    }  # fmt: skip
    assert sum(c.item.kind == "framework" for c in content.competencies) == 9


def test_yaml_syntax_error_names_the_line(content: Path) -> None:
    (content / "paths.yaml").write_text("- from: psr-1\n  to: [psr-2\n")
    [problem] = problems(content)
    assert problem.startswith("content/paths.yaml:3: not valid YAML")


def test_top_level_must_be_a_list(content: Path) -> None:
    (content / "scale.yaml").write_text("level: 1\n")
    assert problems(content) == ["content/scale.yaml:1: expected a list of items at the top level"]


def test_missing_file(content: Path) -> None:
    (content / "stories.yaml").unlink()
    assert problems(content) == ["content/stories.yaml: the file is missing"]


def test_not_utf8(content: Path) -> None:
    (content / "scale.yaml").write_bytes(b"- level: 1\n  name: \xff\xfe\n")
    [problem] = problems(content)
    assert problem.startswith("content/scale.yaml: not UTF-8 text")


def test_missing_key_points_at_the_item(content: Path) -> None:
    line = line_of(content, "courses.yaml", "code: PRIV-101")
    edit(content, "courses.yaml", "code: PRIV-101", "kode: PRIV-101")
    found = problems(content)
    assert f"content/courses.yaml:{line}: code: Field required" in found
    assert f"content/courses.yaml:{line}: kode: Extra inputs are not permitted" in found


def test_wrong_value_points_at_the_key(content: Path) -> None:
    first_modality = line_of(content, "courses.yaml", "modality:")
    text = (content / "courses.yaml").read_text().splitlines()
    text[first_modality - 1] = text[first_modality - 1].split(":")[0] + ": podcast"
    (content / "courses.yaml").write_text("\n".join(text) + "\n")
    [problem] = problems(content)
    assert problem.startswith(f"content/courses.yaml:{first_modality}: modality: Input should be")


def test_level_out_of_range(content: Path) -> None:
    (content / "roles.yaml").write_text(
        (content / "roles.yaml")
        .read_text()
        .replace("  competencies:\n", "  competencies:\n    juggling: 7\n", 1)
    )
    line = line_of(content, "roles.yaml", "juggling: 7")
    found = problems(content)
    assert any(
        p.startswith(f"content/roles.yaml:{line}: competencies") and "between 1 and 4" in p for p in found
    )


def test_competency_needs_four_levels(content: Path) -> None:
    edit(content, "competencies.yaml", "- level: 2", "- level: 3")
    [problem] = problems(content)
    assert "levels: Value error, must list levels 1, 2, 3 and 4, in that order" in problem


def test_unknown_competency_in_a_course(content: Path) -> None:
    line = line_of(content, "courses.yaml", "competencies: [privacy-compliance]")
    edit(
        content,
        "courses.yaml",
        "competencies: [privacy-compliance]",
        "competencies: [juggling, privacy-compliance]",
    )
    [problem] = problems(content)
    assert problem.startswith(f"content/courses.yaml:{line}: ")
    assert problem.endswith("competencies: unknown competency 'juggling'")
    assert problem.startswith("content/courses.yaml:")


def test_unknown_prerequisite_and_unknown_role(content: Path) -> None:
    edit(content, "paths.yaml", "to: psr-2", "to: astronaut")
    found = problems(content)
    line = line_of(content, "paths.yaml", "to: astronaut")
    assert f"content/paths.yaml:{line}: to: unknown role 'astronaut'" in found


def test_prerequisite_cycle(content: Path) -> None:
    text = (content / "courses.yaml").read_text()
    # PRIV-101 is the privacy course every role requires; make it need a course that (indirectly) needs it.
    dependent = next(
        located.item.code for located in read_content(DEFAULT_CONTENT_DIR).courses
        if "PRIV-101" in located.item.prerequisites
    )  # fmt: skip
    start = text.index("code: PRIV-101")
    prereq = text.index("prerequisites:", start)
    end = text.index("\n", prereq)
    (content / "courses.yaml").write_text(text[:prereq] + f"prerequisites: [{dependent}]" + text[end:])
    found = problems(content)
    assert any("prerequisites form a cycle" in p and "PRIV-101" in p and dependent in p for p in found)


def test_duplicate_code(content: Path) -> None:
    text = (content / "stories.yaml").read_text()
    start = text.index("\n- ") + 1
    first_item = text[start : text.index("\n- ", start) + 1]
    (content / "stories.yaml").write_text(text.rstrip("\n") + "\n\n" + first_item)
    found = problems(content)
    assert any("slug" in p and "is used twice (first at content/stories.yaml:" in p for p in found)


def test_every_problem_is_reported_at_once(content: Path) -> None:
    edit(content, "paths.yaml", "to: psr-2", "to: astronaut")
    edit(content, "stories.yaml", "from_role:", "from_rolle:")
    found = problems(content)
    assert any("paths.yaml" in p for p in found) or any("stories.yaml" in p for p in found)
    assert any("from_rolle" in p for p in found)
