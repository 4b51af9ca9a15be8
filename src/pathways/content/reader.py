"""Reads content/ YAML and validates it, naming the file and line of every problem."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import yaml
import yaml.reader
from pydantic import BaseModel, ValidationError

from pathways.content.schemas import (
    CertificationKindItem,
    CompetencyItem,
    CourseItem,
    OnboardingTemplateItem,
    PathItem,
    PracticeRuleItem,
    RoleItem,
    ScaleLevel,
    StoryItem,
    SynonymItem,
)
from pathways.errors import BadRequest, escaped

FILES: dict[str, type[BaseModel]] = {
    "scale.yaml": ScaleLevel,
    "competencies.yaml": CompetencyItem,
    "courses.yaml": CourseItem,
    "certifications.yaml": CertificationKindItem,
    "roles.yaml": RoleItem,
    "paths.yaml": PathItem,
    "stories.yaml": StoryItem,
    "onboarding.yaml": OnboardingTemplateItem,
    "practice.yaml": PracticeRuleItem,
    "synonyms.yaml": SynonymItem,
}

# Files a folder may leave out; every other file must be there.
OPTIONAL = {"synonyms.yaml"}

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T", covariant=True)


class ContentError(BadRequest):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("The content is not valid; nothing was loaded:\n" + "\n".join(problems))
        self.problems = problems


class LineMap(dict[Any, Any]):
    """A YAML mapping that remembers the line of each key, so errors can point at it."""

    line: int = 0
    key_lines: dict[Any, int]


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineMap:
    mapping = LineMap(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, _ in node.value:
        mapping.key_lines[loader.construct_object(key_node, deep=True)] = key_node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


@dataclass(frozen=True)
class Located(Generic[T]):
    item: T
    where: str  # "content/roles.yaml:12"
    raw: LineMap


@dataclass
class Content:
    scale: list[Located[ScaleLevel]] = field(default_factory=list)
    competencies: list[Located[CompetencyItem]] = field(default_factory=list)
    courses: list[Located[CourseItem]] = field(default_factory=list)
    certifications: list[Located[CertificationKindItem]] = field(default_factory=list)
    roles: list[Located[RoleItem]] = field(default_factory=list)
    paths: list[Located[PathItem]] = field(default_factory=list)
    stories: list[Located[StoryItem]] = field(default_factory=list)
    onboarding: list[Located[OnboardingTemplateItem]] = field(default_factory=list)
    practice: list[Located[PracticeRuleItem]] = field(default_factory=list)
    # None when the folder has no synonyms.yaml (an export from before search): the stored synonyms stay.
    synonyms: list[Located[SynonymItem]] | None = None


def _line_of(raw: LineMap, loc: tuple[Any, ...]) -> int:
    # Walk as deep into the item as the error's location goes, keeping the last line we know.
    line = raw.line
    node: Any = raw
    for part in loc:
        if isinstance(node, LineMap) and part in node.key_lines:
            line = node.key_lines[part]
        node = node[part] if isinstance(node, dict | list) and _has(node, part) else None
        if isinstance(node, LineMap):
            line = max(line, node.line)
    return line


def _has(node: dict[Any, Any] | list[Any], part: Any) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(part, int) and 0 <= part < len(node)


def yaml_problem(exc: yaml.YAMLError, text: str) -> tuple[int, str]:
    """The line and the problem of a YAML error. A character YAML does not allow at all (a NUL, another
    control character) is a ReaderError, which has a position instead of a mark."""
    if isinstance(exc, yaml.MarkedYAMLError):
        return (exc.problem_mark.line + 1 if exc.problem_mark else 0), str(exc.problem)
    if isinstance(exc, yaml.reader.ReaderError):
        character = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
        line = text[: exc.position].count("\n") + 1
        return line, f"the character {escaped(character)} is not allowed"
    return 0, "the text cannot be read"


def _read_items(path: Path, label: str, model: type[M], problems: list[str]) -> list[Located[M]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(f"{label}: the file is missing")
        return []
    except UnicodeDecodeError as exc:
        problems.append(f"{label}: not UTF-8 text ({exc.reason} at byte {exc.start})")
        return []
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader is a SafeLoader
    except yaml.YAMLError as exc:
        line, problem = yaml_problem(exc, text)
        problems.append(f"{label}:{line}: not valid YAML: {problem}")
        return []
    if not isinstance(data, list):
        problems.append(f"{label}:1: expected a list of items at the top level")
        return []
    located: list[Located[M]] = []
    for index, raw in enumerate(data):
        if not isinstance(raw, LineMap):
            problems.append(f"{label}: item {index + 1} is not a mapping of keys to values")
            continue
        try:
            located.append(Located(model.model_validate(dict(raw)), f"{label}:{raw.line}", raw))
        except ValidationError as exc:
            for error in exc.errors():
                loc = tuple(error["loc"])
                where = ".".join(str(p) for p in loc) or "item"
                problems.append(f"{label}:{_line_of(raw, loc)}: {where}: {error['msg']}")
    return located


def read_content(directory: Path) -> Content:
    """Parse and validate every file; raise ContentError listing every problem found, or return it all."""
    problems: list[str] = []
    content = Content()
    prefix = directory.name
    for name, model in FILES.items():
        if name in OPTIONAL and not (directory / name).exists():
            continue
        items = _read_items(directory / name, f"{prefix}/{name}", model, problems)
        setattr(content, name.removesuffix(".yaml"), items)
    if not problems:
        from pathways.content.checks import cross_check

        problems = cross_check(content)
    if problems:
        raise ContentError(problems)
    return content
