"""Short help for each kind of account, in plain words (issue 15): what the person comes for, and where
each thing is done. The signed-in person's own kind comes first; the others follow for anyone curious."""

from dataclasses import dataclass

from pathways.auth.models import AccountRole


@dataclass(frozen=True)
class Task:
    question: str
    answer: str
    href: str
    link_text: str


@dataclass(frozen=True)
class RoleHelp:
    role: AccountRole
    title: str
    summary: str
    tasks: tuple[Task, ...]


EVERYONE = (
    Task(
        "What needs doing today?",
        "Your home page lists what is waiting for you: courses due, messages, and anything your role asks of "
        "you. Each line links to where you do it.",
        "/",
        "Go to your home page",
    ),
    Task(
        "Where are my messages?",
        "The number beside Inbox in the menu is how many messages you have not read yet.",
        "/inbox",
        "Open your inbox",
    ),
)

GUIDES = (
    RoleHelp(
        AccountRole.EMPLOYEE,
        "Patient service representatives",
        "Pathways shows where your job can lead, what each next role asks for, and which courses get you "
        "there.",
        (
            Task(
                "Which courses must I take?",
                "Your learning plan lists the courses your role requires and any a supervisor or trainer "
                "gave you, with due dates. Overdue courses come first. Mark a course done there once you "
                "finish it.",
                "/learning",
                "Open my learning plan",
            ),
            Task(
                "Where could I go next?",
                "Each role page says what the job is, what it pays and what it takes. Compare two roles side "
                "by side to see the gap.",
                "/roles",
                "Explore the roles",
            ),
            Task(
                "How do I plan a move?",
                "Start a career tracker for the role you want. It shows how ready you are, lets you plan "
                "courses by quarter, and lets you ask your supervisor for a conversation. Only you, your "
                "supervisor (and those above them) and administrators can see it; your notes are yours "
                "alone.",
                "/trackers",
                "Open my trackers",
            ),
            Task(
                "Can I practise before the real thing?",
                "The practice desk has made-up patients for check-in, booking, payments and lab orders. Free "
                "practice is just for you; a practice set from a trainer can count toward your competencies.",
                "/practice",
                "Go to the practice desk",
            ),
        ),
    ),
    RoleHelp(
        AccountRole.SITE_LEAD,
        "Site leads",
        "You help new hires settle in and coach the people at your site. You see their learning and "
        "onboarding; career trackers stay between each person and their supervisor.",
        (
            Task(
                "How do I onboard a new hire?",
                "Start an onboarding plan from the team onboarding page. The new hire ticks each step "
                "when it is done; you sign it off.",
                "/team/onboarding",
                "Team onboarding",
            ),
            Task(
                "Who is behind on required training?",
                "The team compliance page lists everyone at your site with overdue or due courses.",
                "/learning/team",
                "Team compliance",
            ),
            Task(
                "How do I record what I saw on the floor?",
                "Open a person from the team page and add an observation. It counts as evidence for their "
                "competencies.",
                "/team",
                "Your team",
            ),
        ),
    ),
    RoleHelp(
        AccountRole.SUPERVISOR,
        "Supervisors and group leads",
        "You see your reports' learning, trackers and readiness, hold career conversations and rate "
        "competencies.",
        (
            Task(
                "Who needs me now?",
                "Your home page lists people with overdue training, conversation requests, completions to "
                "confirm, onboarding steps due and ratings more than a year old.",
                "/",
                "Go to your home page",
            ),
            Task(
                "How do I confirm a course someone finished?",
                "When someone marks a course done, it waits for you on the confirmations page.",
                "/learning/confirmations",
                "Completions to confirm",
            ),
            Task(
                "How do I assign a course?",
                "Choose a course, a person, a site or a role, and a due date. The people get a message.",
                "/learning/assign",
                "Assign a course",
            ),
            Task(
                "How do I rate competencies?",
                "Open a person from the team page and choose Ratings. Your latest rating is the level that "
                "counts; rate again at least once a year.",
                "/team",
                "Your team",
            ),
        ),
    ),
    RoleHelp(
        AccountRole.TRAINER,
        "Trainers",
        "You assign required technical training and run practice for groups of new hires.",
        (
            Task(
                "How do I set practice for a group?",
                "Build a practice set: choose the kinds of cases, how many of each, and the learners. "
                "You see each learner's results as they work.",
                "/practice/trainer",
                "Practice sets",
            ),
            Task(
                "How do I assign required training?",
                "Choose a course, the people, and a due date. The people get a message.",
                "/learning/assign",
                "Assign a course",
            ),
            Task(
                "Who is behind?",
                "The team compliance page lists everyone in your region with overdue or due courses.",
                "/learning/team",
                "Team compliance",
            ),
        ),
    ),
    RoleHelp(
        AccountRole.ADMIN,
        "Administrators",
        "You keep the roles, courses, competencies and stories up to date, and bring in people and course "
        "completions from other systems.",
        (
            Task(
                "How do I bring in people or completions?",
                "Upload the file from your HR or learning system. Every row is checked and shown before "
                "anything changes, with each rejected row and the reason.",
                "/admin",
                "Administration",
            ),
            Task(
                "How do I publish a coworker's story?",
                "Stories people send wait for review. Publish them or send them back with a reason.",
                "/admin/stories",
                "Story moderation",
            ),
            Task(
                "Who changed what?",
                "The audit log lists every change to content, people and records, with who made it and when.",
                "/admin/audit",
                "Audit log",
            ),
        ),
    ),
)


def guides_for(account_role: str) -> list[RoleHelp]:
    """Every guide, the reader's own first."""
    return sorted(GUIDES, key=lambda guide: guide.role != account_role)
