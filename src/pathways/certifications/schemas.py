import datetime as dt

from pydantic import BaseModel, Field

from pathways.certifications.models import Certification, CertificationKind


class LegalRequirementOut(BaseModel):
    where: str
    note: str
    source: str


class CertificationKindOut(BaseModel):
    code: str
    name: str
    summary: str
    issuing_bodies: list[str]
    renewal_months: int
    renewal_source: str
    required_by_law: list[LegalRequirementOut]

    @classmethod
    def of(cls, kind: CertificationKind) -> "CertificationKindOut":
        return cls(
            code=kind.code,
            name=kind.name,
            summary=kind.summary,
            issuing_bodies=list(kind.issuing_bodies),
            renewal_months=kind.renewal_months,
            renewal_source=kind.renewal_source,
            required_by_law=[LegalRequirementOut(**law) for law in kind.required_by_law],
        )


class CertificationOut(BaseModel):
    id: int
    employee_id: int
    kind: str
    kind_name: str
    issuing_body: str
    number: str
    issued_on: dt.date
    expires_on: dt.date | None
    expired: bool
    status: str = Field(description="pending, verified or rejected")
    reason: str = Field(description="Why it was rejected; empty otherwise.")
    replaces_id: int | None
    file_type: str
    file_size: int
    file_url: str

    @classmethod
    def of(cls, cert: Certification, today: dt.date) -> "CertificationOut":
        return cls(
            id=cert.id,
            employee_id=cert.employee_id,
            kind=cert.kind.code,
            kind_name=cert.kind.name,
            issuing_body=cert.issuing_body,
            number=cert.number,
            issued_on=cert.issued_on,
            expires_on=cert.expires_on,
            expired=cert.expires_on is not None and cert.expires_on <= today,
            status=cert.status,
            reason=cert.reason,
            replaces_id=cert.replaces_id,
            file_type=cert.file_type,
            file_size=cert.file_size,
            file_url=f"/certifications/{cert.id}/file",
        )


class DecisionIn(BaseModel):
    reason: str = Field(default="", max_length=500, description="Required to reject; the person sees it.")
