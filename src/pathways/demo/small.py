"""A small synthetic organisation to explore the product with: 2 regions, 6 sites, about 40 people.

Every name here is invented. The named accounts (psr_alice, lead_bea, ...) are the ones the README lists.
"""

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pathways.auth.models import AccountRole, User
from pathways.auth.passwords import hash_password
from pathways.careers.models import Role
from pathways.competencies import level_summary
from pathways.demo.certifications import add_demo_certifications
from pathways.learning.models import Completion, Course
from pathways.org.models import Employee, Region, Site, SiteType

DEMO_PASSWORD = "pathways-demo"  # noqa: S105 - documented demo credential, demo data only
DEMO_DOMAIN = "pathways.example"

REGIONS = [("north-valley", "North Valley"), ("gulf-coast", "Gulf Coast")]
SITES = [
    ("NV-PSC-01", "Riverside Patient Service Center", SiteType.PATIENT_SERVICE_CENTER, "Riverside", 0),
    ("NV-HOSP-02", "North Valley General, Outpatient Registration", SiteType.HOSPITAL, "Maple Falls", 0),
    ("NV-OFF-03", "Cedar Street Family Medicine", SiteType.IN_OFFICE, "Cedar Grove", 0),
    ("GC-PSC-01", "Harbor Point Patient Service Center", SiteType.PATIENT_SERVICE_CENTER, "Harbor Point", 1),
    ("GC-LTC-02", "Seabreeze Long-Term Care", SiteType.LONG_TERM_CARE, "Seabreeze", 1),
    ("GC-HOME-03", "Gulf Coast House Calls", SiteType.HOUSE_CALLS, "Port Lanier", 1),
]


@dataclass(frozen=True)
class Person:
    key: str  # the email's local part
    name: str
    role: str
    site: str
    manager: str | None
    years: float  # in the organisation
    years_in_role: float
    account: AccountRole | None


# The people the README and the tests talk about, by what their name says of their access.
NAMED = [
    Person("mgr_maria", "Maria Okafor", "patient-access-manager", "NV-HOSP-02", None, 12, 4, None),
    Person(
        "sup_carl", "Carl Lindqvist", "supervisor", "NV-PSC-01", "mgr_maria", 9, 3, AccountRole.SUPERVISOR
    ),
    Person(
        "lead_bea", "Bea Tanaka", "psr-2-site-lead", "NV-PSC-01", "sup_carl", 5, 1.5, AccountRole.SITE_LEAD
    ),
    Person("psr_alice", "Alice Moreno", "psr-1", "NV-PSC-01", "sup_carl", 1.2, 1.2, AccountRole.EMPLOYEE),
    Person("trainer_tina", "Tina Haddad", "psr-2", "NV-HOSP-02", "sup_carl", 6, 4, AccountRole.TRAINER),
    Person("sup_sam", "Sam Whitfield", "supervisor", "GC-PSC-01", "mgr_maria", 8, 2, AccountRole.SUPERVISOR),
    Person("outsider_dan", "Dan Kowalski", "psr-2", "GC-PSC-01", "sup_sam", 3, 2, AccountRole.EMPLOYEE),
]
ADMIN = ("admin_ada", "Ada Fernsby")

FIRST = [
    "Jordan",
    "Priya",
    "Marcus",
    "Lena",
    "Tomas",
    "Grace",
    "Imani",
    "Diego",
    "Noor",
    "Ellis",
    "Hana",
    "Omar",
    "Ruth",
    "Kofi",
    "Mila",
    "Sanjay",
    "Tess",
    "Yusuf",
]
LAST = [
    "Abara",
    "Bright",
    "Castillo",
    "Dunmore",
    "Eklund",
    "Fairlie",
    "Gallo",
    "Hoshino",
    "Iverson",
    "Jaramillo",
    "Kerr",
    "Lomax",
    "Mbeki",
    "Nakamura",
]
# How the generated staff spread over job roles: mostly front-line PSRs.
ROLE_MIX = (
    ["psr-1"] * 12
    + ["psr-2"] * 10
    + ["psr-2-site-lead"] * 3
    + ["psr-2-float"] * 3
    + ["billing-specialist"] * 2
)
GENERATED = 33


def _email(key: str) -> str:
    return f"{key}@{DEMO_DOMAIN}"


def demo_loaded(session: Session) -> bool:
    return session.scalar(select(Region.id).where(Region.code == REGIONS[0][0])) is not None


def _people(rng: random.Random) -> list[Person]:
    people = list(NAMED)
    used = {p.name for p in people}
    for number in range(GENERATED):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        while name in used:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        used.add(name)
        site = SITES[number % len(SITES)]
        manager = "sup_carl" if site[4] == 0 else "sup_sam"
        years = round(rng.uniform(0.3, 10), 1)
        key = name.lower().replace(" ", ".")
        role = rng.choice(ROLE_MIX)
        people.append(
            Person(key, name, role, site[0], manager, years, round(min(years, rng.uniform(0.2, 4)), 1), None)
        )
    return people


def _completions(
    rng: random.Random, employee: Employee, courses: list[Course], today: dt.date
) -> list[Completion]:
    # Walk the catalogue in prerequisite order so a history never has a course before its prerequisite.
    done: set[str] = set()
    history = []
    span = max((today - employee.hire_date).days, 30)
    # Longer service, longer history: from about 5 % of the catalogue for a new hire to 50 % after ten years.
    share = 0.05 + min(span / 3650, 0.45)
    for course in courses:
        ready = all(p.code in done for p in course.prerequisites)
        if ready and rng.random() < share:
            done.add(course.code)
            when = employee.hire_date + dt.timedelta(days=rng.randint(7, span - 1) if span > 8 else 1)
            score = rng.randint(72, 100) if course.modality == "e-learning" else None
            history.append(
                Completion(
                    employee_id=employee.id,
                    course_id=course.id,
                    completed_at=min(when, today),
                    score=score,
                    source="demo",
                )
            )
    return history


def _in_prerequisite_order(courses: list[Course]) -> list[Course]:
    ordered: list[Course] = []
    placed: set[str] = set()
    remaining = sorted(courses, key=lambda c: c.code)
    while remaining:
        ready = [c for c in remaining if all(p.code in placed for p in c.prerequisites)]
        ordered += ready
        placed |= {c.code for c in ready}
        remaining = [c for c in remaining if c.code not in placed]
        if not ready:  # validated content has no cycles; guard anyway rather than loop forever
            ordered += remaining
            break
    return ordered


def load_demo(session: Session, today: dt.date | None = None, seed: int = 7) -> bool:
    """Load the demo organisation; False (and nothing written) when it is already there."""
    if demo_loaded(session):
        return False
    today = today or dt.date.today()
    rng = random.Random(seed)  # noqa: S311 - synthetic demo data, not security
    roles = {r.code: r for r in session.scalars(select(Role))}
    regions = {code: Region(code=code, name=name) for code, name in REGIONS}
    session.add_all(regions.values())
    session.flush()
    sites = {}
    for code, name, site_type, city, region in SITES:
        sites[code] = Site(
            code=code,
            name=name,
            site_type=site_type.value,
            city=city,
            region_id=regions[REGIONS[region][0]].id,
        )
    session.add_all(sites.values())
    session.flush()
    employees: dict[str, Employee] = {}
    for number, person in enumerate(_people(rng), start=1):
        hire = today - dt.timedelta(days=int(person.years * 365))
        employee = Employee(
            employee_number=f"E{number:05d}",
            name=person.name,
            email=_email(person.key),
            role_id=roles[person.role].id,
            site_id=sites[person.site].id,
            manager_id=employees[person.manager].id if person.manager else None,
            hire_date=hire,
            role_since=max(hire, today - dt.timedelta(days=int(person.years_in_role * 365))),
        )
        session.add(employee)
        session.flush()
        employees[person.key] = employee
        if person.account is not None:
            session.add(
                User(
                    email=employee.email,
                    name=person.name,
                    account_role=person.account.value,
                    password_hash=hash_password(DEMO_PASSWORD),
                    employee_id=employee.id,
                )
            )
    session.add(
        User(
            email=_email(ADMIN[0]),
            name=ADMIN[1],
            account_role=AccountRole.ADMIN.value,
            password_hash=hash_password(DEMO_PASSWORD),
        )
    )
    courses = _in_prerequisite_order(
        list(session.scalars(select(Course).options(selectinload(Course.prerequisites))))
    )
    for employee in employees.values():
        session.add_all(_completions(rng, employee, courses, today))
    session.flush()
    level_summary.refresh_levels(session, [e.id for e in employees.values()])
    add_demo_certifications(session, employees, today)
    return True
