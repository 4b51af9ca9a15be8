"""The lab tests, tubes and diagnosis codes the phlebotomy and ABN cases use.

Tube order follows CLSI GP41. Medicare coverage here is a simplified training rule set, not a payer policy:
each test lists the diagnoses it is covered for and how often Medicare pays for it.
"""

from dataclasses import dataclass

from pydantic import BaseModel


@dataclass(frozen=True)
class Tube:
    code: str
    name: str
    rank: int  # position in the order of draw; equal ranks may go in either order
    clot_activator: bool = False


TUBES = {
    t.code: t
    for t in (
        Tube("blood-culture", "Blood culture bottles (sterile: aerobic, then anaerobic)", 1),
        Tube("light-blue", "Light blue: sodium citrate (coagulation)", 2),
        Tube("red-plain", "Red glass: serum, no additive", 3),
        Tube("red-activator", "Red plastic: serum with clot activator, no gel", 3, clot_activator=True),
        Tube("gold-sst", "Gold: serum separator (clot activator and gel)", 3, clot_activator=True),
        Tube("green", "Green: lithium heparin", 4),
        Tube("lavender", "Lavender: EDTA", 5),
        Tube("grey", "Grey: sodium fluoride / potassium oxalate", 6),
    )
}
DISCARD = "discard"  # a non-additive or citrate tube drawn only to fill a winged set's tubing
DISCARD_NAME = "Discard tube (fills the winged set's tubing; not sent to the lab)"


class LabTest(BaseModel):
    code: str
    name: str
    cpt: str
    tube: str
    price_cents: int
    covered_for: list[str] = []  # ICD-10 codes Medicare pays this test for (training rule)
    frequency_months: int | None = None  # Medicare pays once per this many months


TESTS = {
    t.code: t
    for t in (
        LabTest(code="BCX", name="Blood cultures", cpt="87040", tube="blood-culture", price_cents=9500),
        LabTest(
            code="PT",
            name="Prothrombin time / INR",
            cpt="85610",
            tube="light-blue",
            price_cents=2200,
            covered_for=["Z79.01", "I48.91"],
            frequency_months=None,
        ),
        LabTest(
            code="PTT", name="Partial thromboplastin time", cpt="85730", tube="light-blue", price_cents=2600
        ),
        LabTest(
            code="CMP",
            name="Comprehensive metabolic panel",
            cpt="80053",
            tube="gold-sst",
            price_cents=3800,
            covered_for=["E11.9", "I10", "N18.3"],
        ),
        LabTest(
            code="LIPID",
            name="Lipid panel",
            cpt="80061",
            tube="gold-sst",
            price_cents=4500,
            covered_for=["E78.5", "Z13.220"],
            frequency_months=60,
        ),
        LabTest(
            code="TSH",
            name="Thyroid stimulating hormone",
            cpt="84443",
            tube="gold-sst",
            price_cents=5200,
            covered_for=["E03.9", "E05.90"],
        ),
        LabTest(
            code="VITD",
            name="Vitamin D, 25-hydroxy",
            cpt="82306",
            tube="gold-sst",
            price_cents=11000,
            covered_for=["E55.9", "N18.3"],
        ),
        LabTest(code="DIG", name="Digoxin level", cpt="80162", tube="red-activator", price_cents=4100),
        LabTest(code="AMMONIA", name="Ammonia", cpt="82140", tube="green", price_cents=6100),
        LabTest(
            code="CBC",
            name="Complete blood count",
            cpt="85025",
            tube="lavender",
            price_cents=2100,
            covered_for=["D64.9", "R53.83", "N18.3"],
        ),
        LabTest(
            code="A1C",
            name="Hemoglobin A1c",
            cpt="83036",
            tube="lavender",
            price_cents=3400,
            covered_for=["E11.9"],
            frequency_months=3,
        ),
        LabTest(code="GLU", name="Fasting glucose", cpt="82947", tube="grey", price_cents=1600),
        LabTest(code="LACT", name="Lactic acid", cpt="83605", tube="grey", price_cents=5600),
    )
}

DIAGNOSES = {
    "E11.9": "Type 2 diabetes mellitus without complications",
    "I10": "Essential (primary) hypertension",
    "E78.5": "Hyperlipidemia, unspecified",
    "Z13.220": "Encounter for screening for lipid disorders",
    "E03.9": "Hypothyroidism, unspecified",
    "E05.90": "Thyrotoxicosis, unspecified",
    "E55.9": "Vitamin D deficiency, unspecified",
    "N18.3": "Chronic kidney disease, stage 3",
    "D64.9": "Anemia, unspecified",
    "R53.83": "Other fatigue",
    "Z79.01": "Long term (current) use of anticoagulants",
    "I48.91": "Unspecified atrial fibrillation",
    "Z00.00": "Encounter for general adult medical examination without abnormal findings",
}
ROUTINE_EXAM = "Z00.00"  # a routine physical: excluded from Medicare by statute
