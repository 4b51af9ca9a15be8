"""Checks an upload before openpyxl opens it: it must be a small, honest .xlsx zip.

A zip bomb is stopped by decompressing every member ourselves, counting bytes against a cap, before any
parser sees it; XML with a DOCTYPE (entity expansion) is refused, since a workbook never needs one.
"""

import io
import zipfile

from pathways.errors import BadRequest

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 25 * 1024 * 1024
MAX_RATIO = 200  # unpacked / packed, over the whole archive
MAX_MEMBERS = 300
TOO_BIG = "The workbook unpacks to far more data than a tracker holds, so it was not opened."
CHUNK = 64 * 1024
NOT_XLSX = "This file is not an .xlsx workbook. Upload the tracker workbook you downloaded from Pathways."


def check_archive(data: bytes) -> None:
    if not data:
        raise BadRequest("The file is empty. Choose the tracker workbook to upload.")
    if len(data) > MAX_UPLOAD_BYTES:
        megabytes = MAX_UPLOAD_BYTES // (1024 * 1024)
        raise BadRequest(f"The file is larger than {megabytes} MB; a tracker workbook is far smaller.")
    if not data.startswith(b"PK\x03\x04"):
        raise BadRequest(NOT_XLSX)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise BadRequest(NOT_XLSX) from None
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise BadRequest(NOT_XLSX)
    if len(members) > MAX_MEMBERS:
        raise BadRequest("The workbook holds too many parts to be a tracker workbook.")
    declared = sum(m.file_size for m in members)
    if declared > MAX_UNPACKED_BYTES or declared > MAX_RATIO * len(data):
        raise BadRequest(TOO_BIG)
    unpacked = 0
    for member in members:
        try:
            with archive.open(member) as stream:
                head = b""
                while chunk := stream.read(CHUNK):
                    unpacked += len(chunk)
                    if unpacked > MAX_UNPACKED_BYTES:
                        raise BadRequest(TOO_BIG)
                    if len(head) < 4096:
                        head += chunk[:4096]
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError):
            raise BadRequest("The workbook is damaged or encrypted and could not be read.") from None
        if member.filename.endswith((".xml", ".rels", ".vml")) and b"<!DOCTYPE" in head.upper():
            raise BadRequest(
                "The workbook contains XML a spreadsheet never writes (a DOCTYPE), so it was not opened."
            )
