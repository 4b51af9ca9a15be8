"""The planner's reasons in the words people use: names for roles, competencies, levels and courses.

The planner (pathways.planning) is pure and speaks in codes and level numbers; a learner reads
"raises Compassion from Practicing to Proficient, required for PSR II" (issue 15).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.careers.models import Role
from pathways.competencies.levels import LevelWords
from pathways.competencies.models import Competency
from pathways.planning import model as planning


def _listed(names: Iterable[str]) -> str:
    items = list(names)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


@dataclass(frozen=True)
class PlanWords:
    roles: Mapping[str, str]
    competencies: Mapping[str, str]
    courses: Mapping[str, str]  # code -> title
    levels: LevelWords

    def role(self, code: str) -> str:
        return self.roles.get(code, code)

    def competency(self, code: str) -> str:
        return self.competencies.get(code, code)

    def course(self, code: str) -> str:
        title = self.courses.get(code)
        return f"{code}: {title}" if title else code

    def reason(self, reason: planning.Reason) -> str:
        if isinstance(reason, planning.GapReason):
            name, to = self.competency(reason.competency), self.levels.name(reason.to_level)
            roles = _listed(self.role(t) for t in reason.targets)
            if reason.from_level:
                return (
                    f"raises {name} from {self.levels.name(reason.from_level)} to {to}, required for {roles}"
                )
            return f"builds {name} to {to}, required for {roles}"
        if isinstance(reason, planning.RequiredReason):
            if reason.retake:
                return f"required for {self.role(reason.target)}; the earlier completion has expired"
            return f"required for {self.role(reason.target)}"
        if isinstance(reason, planning.PrerequisiteReason):
            return f"must come before {self.course(reason.course)}"
        return "already in progress"

    def unclosable(self, gap: planning.UnclosableGap) -> str:
        needs = (
            f"{self.role(gap.target)} needs {self.competency(gap.competency)} at "
            f"{self.levels.name(gap.required_level)}"
        )
        if gap.best_course_level:
            return f"{needs}; no available course builds it beyond {self.levels.name(gap.best_course_level)}"
        return f"{needs}; no available course builds it"

    def missing(self, course: planning.MissingCourse) -> str:
        return (
            f"{self.role(course.target)} requires course {course.code}, which cannot be planned: {course.why}"
        )


def plan_words(session: Session, course_titles: Mapping[str, str]) -> PlanWords:
    return PlanWords(
        roles={code: name for code, name in session.execute(select(Role.code, Role.name))},
        competencies={code: name for code, name in session.execute(select(Competency.code, Competency.name))},
        courses=course_titles,
        levels=LevelWords(lambda: session),
    )
