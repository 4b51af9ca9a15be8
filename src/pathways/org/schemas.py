from pydantic import BaseModel, Field

from pathways.org.people_import import PeopleReport


class PeopleRejectionOut(BaseModel):
    row: int
    reason: str = Field(description="Names the column and echoes the value that was refused.")


class PeopleWarningOut(BaseModel):
    row: int
    message: str = Field(description="What to know about a row that was applied (a manager who has left).")


class MissingPersonOut(BaseModel):
    employee_number: str
    name: str


class PeopleImportOut(BaseModel):
    dry_run: bool
    deactivate_missing: bool
    rows: int
    created: int
    updated: int
    moved: int = Field(description="A changed job role, site or manager: kept in the person's history.")
    deactivated: int = Field(
        description="Terminated (or missing, with deactivate_missing): account turned off."
    )
    unchanged: int
    rejected: int
    warned: int = Field(description="Rows applied with a warning, such as a manager who has left.")
    missing: int = Field(description="In Pathways and active, but not in the file.")
    rejections: list[PeopleRejectionOut] = Field(description="The first 1,000 refused rows, with the reason.")
    warnings: list[PeopleWarningOut] = Field(
        description="The first 1,000 rows applied with a warning, with what to know."
    )
    missing_people: list[MissingPersonOut] = Field(description="The first 20 people missing from the file.")

    @classmethod
    def of(cls, report: PeopleReport) -> "PeopleImportOut":
        c = report.counts
        return cls(
            dry_run=report.dry_run,
            deactivate_missing=report.deactivate_missing,
            rows=report.rows,
            created=c["created"],
            updated=c["updated"],
            moved=c["moved"],
            deactivated=c["deactivated"],
            unchanged=c["unchanged"],
            rejected=report.rejected,
            missing=report.missing,
            rejections=[PeopleRejectionOut(row=r.row, reason=r.reason) for r in report.rejections],
            warned=report.warned,
            warnings=[PeopleWarningOut(row=w.row, message=w.message) for w in report.warnings],
            missing_people=[
                MissingPersonOut(employee_number=s.number, name=s.name) for s in report.missing_samples
            ],
        )
