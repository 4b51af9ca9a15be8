"""Every table, imported in dependency order, so metadata is complete for Alembic and the app."""

from pathways.audit.models import AuditEntry
from pathways.auth.models import ApiToken, PasswordResetToken, SignInThrottle, User
from pathways.badges.models import Badge, BadgeKey
from pathways.careers.models import PathEdge, Role, RoleCompetency
from pathways.certifications.models import Certification, CertificationKind, CertificationReminder
from pathways.competencies.models import (
    Competency,
    CompetencyLevel,
    CompetencyRating,
    EvidenceRecord,
    LevelSummary,
    Observation,
    ProficiencyLevel,
)
from pathways.db import Base
from pathways.inbox.models import Notification
from pathways.learning.models import (
    Assignment,
    AssignmentEvent,
    ChosenCourse,
    Completion,
    CompletionClaim,
    CompletionImport,
    Course,
    CourseStart,
    LearningReminder,
)
from pathways.leases import JobLease
from pathways.mail.models import OutboxMessage
from pathways.org.models import Employee, Region, Site
from pathways.practice.models import (
    PracticeAttempt,
    PracticeEvent,
    PracticeEvidenceRule,
    PracticeFinding,
    PracticeSet,
    PracticeSetMember,
)
from pathways.scim.models import ScimIdentity, ScimToken
from pathways.search.models import SearchDocument, SearchSynonym
from pathways.stories.models import Story
from pathways.stories.submission_models import StorySubmission
from pathways.teams.models import OnboardingItem, OnboardingPlan, OnboardingTemplate
from pathways.trackers.models import (
    CareerTracker,
    TrackerCertification,
    TrackerChange,
    TrackerComment,
    TrackerConversation,
    TrackerCourse,
    TrackerGoal,
)
from pathways.xapi.models import (
    XapiAttachment,
    XapiClient,
    XapiDocument,
    XapiRejection,
    XapiStatement,
    XapiStatementRef,
)

__all__ = [
    "ApiToken",
    "Assignment",
    "AssignmentEvent",
    "AuditEntry",
    "Badge",
    "BadgeKey",
    "Base",
    "CareerTracker",
    "Certification",
    "CertificationKind",
    "CertificationReminder",
    "ChosenCourse",
    "Competency",
    "CompetencyLevel",
    "CompetencyRating",
    "Completion",
    "CompletionClaim",
    "CompletionImport",
    "Course",
    "CourseStart",
    "Employee",
    "EvidenceRecord",
    "JobLease",
    "LearningReminder",
    "LevelSummary",
    "Notification",
    "Observation",
    "OnboardingItem",
    "OnboardingPlan",
    "OnboardingTemplate",
    "OutboxMessage",
    "PasswordResetToken",
    "PathEdge",
    "PracticeAttempt",
    "PracticeEvent",
    "PracticeEvidenceRule",
    "PracticeFinding",
    "PracticeSet",
    "PracticeSetMember",
    "ProficiencyLevel",
    "Region",
    "Role",
    "RoleCompetency",
    "ScimIdentity",
    "ScimToken",
    "SearchDocument",
    "SearchSynonym",
    "SignInThrottle",
    "Site",
    "Story",
    "StorySubmission",
    "TrackerCertification",
    "TrackerChange",
    "TrackerComment",
    "TrackerConversation",
    "TrackerCourse",
    "TrackerGoal",
    "User",
    "XapiAttachment",
    "XapiClient",
    "XapiDocument",
    "XapiRejection",
    "XapiStatement",
    "XapiStatementRef",
]
