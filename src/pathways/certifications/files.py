"""The certificate's file: a PDF, PNG or JPEG, judged by opening it with a real reader, not by its name.

A name says what a file claims to be; the bytes say what it is. A file is accepted only when its extension
and its content agree and the reader for that type opens it: a renamed executable, a text file called .pdf
or an image cut short are refused with what is wrong.
"""

import io
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath

from PIL import Image
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from pathways.errors import BadRequest, shown

MAX_FILE_BYTES = 5 * 1024 * 1024  # a phone photo or a scanned page, with room to spare
MAX_PIXELS = 40_000_000  # larger "images" are decompression bombs, not certificates
PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
EXTENSIONS = {".pdf": PDF, ".png": PNG, ".jpg": JPEG, ".jpeg": JPEG}
NAMES = {PDF: "a PDF", PNG: "a PNG image", JPEG: "a JPEG image"}
ACCEPTED = "a PDF, PNG or JPEG file"


@dataclass(frozen=True)
class CheckedFile:
    name: str
    media_type: str
    data: bytes


def _content_type(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    return None


def _opens(media_type: str, data: bytes) -> bool:
    if media_type == PDF:
        try:
            return len(PdfReader(io.BytesIO(data), strict=False).pages) >= 1
        except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError):
            return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_PIXELS:
                    return False
                image.verify()
        return True
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return False


def check(filename: str, data: bytes) -> CheckedFile:
    """The uploaded bytes (at most MAX_FILE_BYTES + 1 read) as a certificate file, or BadRequest naming the
    problem."""
    name = PurePosixPath(filename.replace("\\", "/")).name.strip()[:200]
    if not data:
        raise BadRequest("Certificate file: the file is empty; choose a scan or photo of the certificate.")
    if len(data) > MAX_FILE_BYTES:
        raise BadRequest(f"Certificate file: it is larger than {MAX_FILE_BYTES // 1_048_576} MB.")
    claimed = EXTENSIONS.get(PurePosixPath(name.lower()).suffix)
    if claimed is None:
        raise BadRequest(
            f"Certificate file: {shown(name or 'the file')} is not {ACCEPTED} (.pdf, .png, .jpg)."
        )
    actual = _content_type(data)
    if actual != claimed:
        found = f"its content is {NAMES[actual]}" if actual else "its content is not any of those"
        raise BadRequest(
            f"Certificate file: {shown(name)} is named as {NAMES[claimed]}, but {found}. Upload {ACCEPTED}."
        )
    if not _opens(actual, data):
        raise BadRequest(
            f"Certificate file: {shown(name)} cannot be opened as {NAMES[actual]}; it is damaged."
        )
    return CheckedFile(name, actual, data)
