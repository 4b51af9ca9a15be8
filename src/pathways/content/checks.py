"""Rules that span files: every code referred to exists, codes are unique, prerequisites have no cycle."""

from collections.abc import Iterable

from pydantic import BaseModel

from pathways.content.reader import Content, LineMap, Located
from pathways.practice.cases import practised_by


def _duplicates(items: Iterable[Located[BaseModel]], key: str, problems: list[str]) -> set[str]:
    seen: dict[str, str] = {}
    for located in items:
        value = getattr(located.item, key)
        if value in seen:
            problems.append(f"{located.where}: {key} '{value}' is used twice (first at {seen[value]})")
        seen.setdefault(value, located.where)
    return set(seen)


def _line(located: Located[BaseModel], key: str) -> str:
    line = located.raw.key_lines.get(key, located.raw.line)
    return located.where.rsplit(":", 1)[0] + f":{line}"


def _unknown(
    located: Located[BaseModel], key: str, codes: Iterable[str], known: set[str], kind: str
) -> list[str]:
    return [f"{_line(located, key)}: {key}: unknown {kind} '{code}'" for code in codes if code not in known]


def _cycles(content: Content) -> list[str]:
    prerequisites = {c.item.code: c.item.prerequisites for c in content.courses}
    where = {c.item.code: _line(c, "prerequisites") for c in content.courses}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    problems: list[str] = []

    def visit(code: str, path: list[str]) -> None:
        state[code] = 1
        for prerequisite in prerequisites.get(code, []):
            if state.get(prerequisite) == 1:
                cycle = [*path[path.index(prerequisite) :], prerequisite]
                problems.append(f"{where[code]}: prerequisites form a cycle: {' -> '.join(cycle)}")
            elif prerequisite in prerequisites and prerequisite not in state:
                visit(prerequisite, [*path, prerequisite])
        state[code] = 2

    for code in prerequisites:
        if code not in state:
            visit(code, [code])
    return problems


def cross_check(content: Content) -> list[str]:
    problems: list[str] = []
    levels = [s.item.level for s in content.scale]
    if levels != [1, 2, 3, 4]:
        problems.append(
            f"content/scale.yaml:1: the scale must list levels 1, 2, 3 and 4 in order, not {levels}"
        )
    competencies = _duplicates(content.competencies, "code", problems)
    courses = _duplicates(content.courses, "code", problems)
    roles = _duplicates(content.roles, "code", problems)
    kinds = _duplicates(content.certifications, "code", problems)
    _duplicates(content.stories, "slug", problems)
    for course in content.courses:
        problems += _unknown(course, "competencies", course.item.competencies, competencies, "competency")
        problems += _unknown(course, "prerequisites", course.item.prerequisites, courses, "course")
        if course.item.code in course.item.prerequisites:
            problems.append(f"{_line(course, 'prerequisites')}: a course cannot be its own prerequisite")
    for role in content.roles:
        problems += _unknown(role, "competencies", role.item.competencies, competencies, "competency")
        problems += _unknown(role, "required_courses", role.item.required_courses, courses, "course")
        named = [c.kind for c in role.item.certifications if c.kind is not None]
        problems += _unknown(role, "certifications", named, kinds, "certification kind")
        if role.item.pay.low > role.item.pay.high:
            problems.append(f"{_line(role, 'pay')}: pay.low is above pay.high")
    edges: dict[tuple[str, str], str] = {}
    for path in content.paths:
        problems += _unknown(path, "from", [path.item.from_], roles, "role")
        problems += _unknown(path, "to", [path.item.to], roles, "role")
        pair = (path.item.from_, path.item.to)
        if path.item.from_ == path.item.to:
            problems.append(f"{path.where}: a move must go to another role")
        if pair in edges:
            problems.append(
                f"{path.where}: the move {pair[0]} -> {pair[1]} is listed twice (first at {edges[pair]})"
            )
        edges.setdefault(pair, path.where)
    for story in content.stories:
        problems += _unknown(story, "from_role", [story.item.from_role], roles, "role")
        problems += _unknown(story, "to_role", [story.item.to_role], roles, "role")
        problems += _unknown(story, "courses", story.item.courses, courses, "course")
    problems += _onboarding(content, roles)
    problems += _practice(content, competencies)
    problems += _cycles(content)
    problems += _synonyms(content)
    return problems


def _synonyms(content: Content) -> list[str]:
    """A term stands for one word: listed twice, which one the search looks for would depend on the order."""
    problems: list[str] = []
    seen: dict[str, str] = {}
    for located in content.synonyms or []:
        for term in located.item.terms:
            key = term.lower()
            if key in seen:
                problems.append(
                    f"{_line(located, 'terms')}: the term {term!r} is listed twice (first at {seen[key]})"
                )
            seen.setdefault(key, _line(located, "terms"))
    return problems


def _practice(content: Content, competencies: set[str]) -> list[str]:
    """Each practice rule names a competency the desk practises and asks for no more case types than
    practise it; every competency the desk practises has a rule, or its practice would never count."""
    problems: list[str] = []
    ruled = _duplicates(content.practice, "competency", problems)
    for located in content.practice:
        rule = located.item
        if rule.competency not in competencies:
            problems += _unknown(located, "competency", [rule.competency], competencies, "competency")
            continue
        kinds = practised_by(rule.competency)
        if not kinds:
            problems.append(
                f"{_line(located, 'competency')}: no practice case type practises '{rule.competency}'"
            )
        elif rule.case_types > len(kinds):
            problems.append(
                f"{_line(located, 'case_types')}: case_types: only {len(kinds)} case type(s) practise "
                f"'{rule.competency}' ({', '.join(kinds)}), so {rule.case_types} can never be met"
            )
        if rule.cases < rule.case_types:
            problems.append(f"{_line(located, 'cases')}: cases: at least one case of each type, so at least "
                            f"{rule.case_types}")  # fmt: skip
    practised = sorted({c for c in competencies if practised_by(c)} - ruled)
    if practised:
        problems.append(
            "content/practice.yaml: no rule for "
            + ", ".join(f"'{c}' (practised by {', '.join(practised_by(c))})" for c in practised)
            + "; without one, practice would never count for it"
        )
    return problems


def _onboarding(content: Content, roles: set[str]) -> list[str]:
    problems: list[str] = []
    keys: dict[tuple[str, str], str] = {}
    for template in content.onboarding:
        item = template.item
        problems += _unknown(template, "role", [item.role], roles, "role")
        key = (item.role, item.site_type)
        if key in keys:
            problems.append(
                f"{template.where}: a template for {key[0]} at site type '{key[1]}' is listed twice "
                f"(first at {keys[key]})"
            )
        keys.setdefault(key, template.where)
        steps = template.raw.get("items", [])
        seen: set[str] = set()
        for index, step in enumerate(item.items):
            if step.code in seen:
                raw_step = steps[index] if index < len(steps) else None
                line = raw_step.line if isinstance(raw_step, LineMap) else template.raw.line
                file = template.where.rsplit(":", 1)[0]
                problems.append(f"{file}:{line}: items: step code '{step.code}' is used twice")
            seen.add(step.code)
    return problems
