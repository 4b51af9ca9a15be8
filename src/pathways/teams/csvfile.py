import csv
import io
from collections.abc import Iterable, Sequence

from fastapi.responses import Response

from pathways.learning.compliance import spreadsheet_safe


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    # Every cell goes through spreadsheet_safe: a name or note starting with = + - @ tab or CR would
    # otherwise run as a formula when the file is opened in a spreadsheet.
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return out.getvalue()


def csv_response(text: str, filename: str) -> Response:
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
