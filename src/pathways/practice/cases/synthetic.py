"""Synthetic people, payers and providers. Every name and number is invented and looks it.

Surnames are made-up words, member ids start with TEST, phone numbers use the 555-01xx range that is
reserved for fiction, and payment cards are the networks' published test numbers.
"""

import datetime as dt
import random

from pydantic import BaseModel

FIRST_NAMES = [
    "Avery",
    "Blake",
    "Casey",
    "Dana",
    "Emery",
    "Finley",
    "Gray",
    "Harper",
    "Indy",
    "Jules",
    "Kai",
    "Logan",
    "Morgan",
    "Noel",
    "Oakley",
    "Parker",
    "Quinn",
    "Reese",
    "Sage",
    "Tatum",
]
LAST_NAMES = [
    "Sampleton",
    "Testwood",
    "Mockridge",
    "Practis",
    "Fauxley",
    "Dummett",
    "Placeholt",
    "Examplar",
    "Synthby",
    "Trialson",
    "Demoreaux",
    "Notreal",
    "Pretendo",
    "Fictive",
    "Madeupson",
    "Drillby",
]
STREETS = ["Practice Lane", "Sample Street", "Training Way", "Example Avenue", "Mock Court", "Drill Road"]
CITIES = [("Sampletown", "NV", "89001"), ("Testville", "NV", "89002"), ("Mockford", "NV", "89003")]

PAYERS = [
    ("TESTWELL", "Testwell Health Plan"),
    ("SAMPLEMUTUAL", "Sample Mutual Insurance"),
    ("MOCKCARE", "MockCare Choice PPO"),
    ("TRIALBLUE", "TrialBlue Employer Plan"),
]
MEDICARE = ("MEDICARE-TEST", "Medicare Part B (training)")
PRACTICE_DAY = dt.date(2026, 11, 23)  # a Monday; every case happens on a day near it


class Person(BaseModel):
    first: str
    last: str
    dob: dt.date
    sex: str
    address: str
    city: str
    state: str
    zip: str
    phone: str

    @property
    def full_name(self) -> str:
        return f"{self.first} {self.last}"


def person(rng: random.Random, min_age: int = 19, max_age: int = 80) -> Person:
    age_days = rng.randint(min_age * 365, max_age * 365)
    city, state, zip_code = rng.choice(CITIES)
    return Person(
        first=rng.choice(FIRST_NAMES),
        last=rng.choice(LAST_NAMES),
        dob=PRACTICE_DAY - dt.timedelta(days=age_days),
        sex=rng.choice(["F", "M"]),
        address=f"{rng.randint(10, 989)} {rng.choice(STREETS)}",
        city=city,
        state=state,
        zip=zip_code,
        phone=phone(rng),
    )


def phone(rng: random.Random) -> str:
    return f"702-555-01{rng.randint(0, 99):02d}"


def member_id(rng: random.Random) -> str:
    return "TEST" + "".join(str(rng.randint(0, 9)) for _ in range(8))


def group_number(rng: random.Random) -> str:
    return f"GRP-TEST-{rng.randint(1000, 9999)}"


def mrn(rng: random.Random) -> str:
    return f"PRX-{rng.randint(100000, 999999)}"


def payer(rng: random.Random) -> tuple[str, str]:
    return rng.choice(PAYERS)


def age_on(dob: dt.date, day: dt.date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


PROVIDERS = [
    ("P1", "Dr. Avery Mockridge", "family-medicine"),
    ("P2", "Dr. Sage Testwood", "family-medicine"),
    ("P3", "Dr. Quinn Examplar", "cardiology"),
    ("P4", "Dr. Reese Fauxley", "dermatology"),
]
TEST_CARDS = [("Visa", "4111111111111111"), ("Mastercard", "5555555555554444")]
