"""CSV downloads that stay data when opened in a spreadsheet.

Every cell goes through spreadsheet_safe: a name or note starting with = + - @ tab or CR would otherwise run
as a formula when the file is opened in Excel or LibreOffice (CSV injection).
"""

import csv
import io
from collections.abc import Iterable, Sequence

from fastapi.responses import Response

# A spreadsheet reads text beginning with these as a formula when it is typed or imported from CSV.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    # A leading apostrophe makes the spreadsheet keep the cell as text.
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
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
