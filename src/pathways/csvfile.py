"""CSV files: downloads that stay data when opened in a spreadsheet, and strict reading of uploaded ones.

Every cell goes through spreadsheet_safe: a name or note starting with = + - @ tab or CR would otherwise run
as a formula when the file is opened in Excel or LibreOffice (CSV injection).
"""

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO

from fastapi.responses import Response, StreamingResponse

from pathways import errors

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


def read_records(stream: IO[bytes], fail: Callable[[str], Exception]) -> Iterator[tuple[int, list[str]]]:
    """Rows of a CSV file as (line number, cells), read strictly: a file that is not UTF-8 or not CSV raises
    fail(message), the message naming the row (and column and byte) at fault."""
    # Bytes that are not UTF-8 are decoded as lone surrogates (U+DC80-U+DCFF) instead of failing the read:
    # the decoder reads ahead in blocks, so its error could only say "somewhere after row N". Found in a
    # parsed row, a surrogate names the exact row, column and byte.
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="", errors="surrogateescape")
    reader = csv.reader(text)
    header: list[str] | None = None
    try:
        for cells in reader:
            row = reader.line_num
            if not "".join(cells).isascii():
                _check_encoding(row, cells, header, fail)
            if header is None and any(cell.strip() for cell in cells):
                header = cells
            yield row, cells
    except csv.Error as exc:
        raise fail(f"Row {reader.line_num} cannot be read as CSV ({exc}).") from None
    finally:
        text.detach()  # leave the caller's stream open


UTF16_MARKS = ("\udcff\udcfe", "\udcfe\udcff")  # a UTF-16 byte order mark, read as UTF-8


def _check_encoding(
    row: int, cells: list[str], header: list[str] | None, fail: Callable[[str], Exception]
) -> None:
    try:
        "".join(cells).encode("utf-8")
        return
    except UnicodeEncodeError:
        pass  # a lone surrogate: a byte that was not UTF-8
    if header is None and cells and cells[0].startswith(UTF16_MARKS):
        raise fail("The file is UTF-16 text; save it as CSV UTF-8 and import it again.")
    for number, cell in enumerate(cells, start=1):
        bad = next((ch for ch in cell if "\udc80" <= ch <= "\udcff"), None)
        if bad is None:
            continue
        name = header[number - 1].strip() if header is not None and number <= len(header) else ""
        column = f"column {number}" + (f" ({errors.shown(name, limit=40)})" if name else "")
        raise fail(
            f"The file is not UTF-8 text: row {row}, {column} holds the byte 0x{ord(bad) - 0xDC00:02x}, "
            "which is not UTF-8. Save the file as CSV UTF-8 and import it again."
        )


SPOOL_BYTES = 1 << 20  # past this much CSV the download is kept on disk, not in memory
CHUNK_BYTES = 64 << 10


def csv_spooled(header: Sequence[str], rows: Iterable[Sequence[object]]) -> IO[bytes]:
    """The CSV written as the rows come, into a file that stays in memory only while small: a download of
    every row of a large scope holds one batch of rows and at most SPOOL_BYTES of text at a time. The rows are
    read inside the request's transaction (sessions end before the response is sent); the file goes after."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - closed by the response
    text = io.TextIOWrapper(spool, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(header)
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    text.detach()  # leaves the file open, for the response
    spool.seek(0)
    return spool


def csv_file_response(spool: IO[bytes], filename: str) -> StreamingResponse:
    def chunks() -> Iterator[bytes]:
        try:
            while chunk := spool.read(CHUNK_BYTES):
                yield chunk
        finally:
            spool.close()

    return StreamingResponse(
        chunks(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
