"""Evidence records: competency evidence from a source other than courses and observations.

The source decides when its evidence is earned (the practice desk: practice.evidence) and writes it through
here; competencies.evidence then reads the records like any other evidence.
"""

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pathways.competencies import level_summary
from pathways.competencies.models import Competency, EvidenceRecord

DETAIL_CHARS = 300  # the column's size


def recorded_levels(session: Session, employee_id: int, source: str) -> dict[str, int]:
    """The highest level one source has recorded for a person, per competency code."""
    rows = session.execute(
        select(Competency.code, func.max(EvidenceRecord.level))
        .join(EvidenceRecord, EvidenceRecord.competency_id == Competency.id)
        .where(EvidenceRecord.employee_id == employee_id, EvidenceRecord.source == source)
        .group_by(Competency.code)
    )
    return {code: level for code, level in rows}


def record(
    session: Session, employee_id: int, source: str, shown: Mapping[str, tuple[int, str]], on: dt.date
) -> list[EvidenceRecord]:
    """Add one record per competency code in `shown` (code -> (level, what shows it))."""
    if not shown:
        return []
    ids = dict(
        session.execute(select(Competency.code, Competency.id).where(Competency.code.in_(shown))).all()
    )
    added = [
        EvidenceRecord(
            employee_id=employee_id,
            competency_id=ids[code],
            level=level,
            source=source,
            detail=detail[:DETAIL_CHARS],
            recorded_on=on,
        )
        for code, (level, detail) in shown.items()
    ]
    session.add_all(added)
    session.flush()
    level_summary.refresh_levels(session, [employee_id])
    return added
