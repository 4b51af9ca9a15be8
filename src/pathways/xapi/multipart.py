"""multipart/mixed statement requests and responses: attachments travel beside the statements, by SHA-256."""

import hashlib
from dataclasses import dataclass
from typing import Any

from pathways.xapi import jsoncodec
from pathways.xapi.formats import MEDIA_TYPE_LENGTH, XapiError
from pathways.xapi.signatures import SIGNATURE_USAGE, verify_signature
from pathways.xapi.statements import Attachment

CRLF = b"\r\n"


@dataclass
class Part:
    headers: dict[str, str]
    content: bytes


def boundary_of(content_type: str) -> str:
    for param in content_type.split(";")[1:]:
        name, _, value = param.strip().partition("=")
        if name.lower() == "boundary" and value:
            return value.strip('"')
    raise XapiError("Content-Type: multipart/mixed needs a boundary parameter.")


def parse_parts(body: bytes, content_type: str) -> list[Part]:
    delimiter = b"--" + boundary_of(content_type).encode()
    segments = body.split(delimiter)
    if len(segments) < 3 or not segments[-1].startswith(b"--"):
        raise XapiError("The multipart body is not well formed: boundary delimiters are missing.")
    parts = []
    for segment in segments[1:-1]:
        segment = segment.removeprefix(CRLF).removesuffix(CRLF)
        head, separator, content = segment.partition(CRLF + CRLF)
        if not separator:
            raise XapiError("The multipart body is not well formed: a part has no header block.")
        headers = {}
        for line in head.decode("latin-1").split("\r\n"):
            name, colon, value = line.partition(":")
            if colon:
                headers[name.strip().lower()] = value.strip()
        parts.append(Part(headers, content))
    return parts


def attachments_from_parts(statements: list[dict[str, Any]], parts: list[Part]) -> dict[str, Attachment]:
    """Check every part against its hash and the statements' attachment declarations."""
    received: dict[str, Attachment] = {}
    for i, part in enumerate(parts, start=2):
        declared = part.headers.get("x-experience-api-hash")
        if not declared:
            raise XapiError(f"Part {i} of the multipart body has no X-Experience-API-Hash header.")
        encoding = part.headers.get("content-transfer-encoding", "binary").lower()
        if encoding != "binary":
            raise XapiError(f"Part {i}: Content-Transfer-Encoding must be binary.")
        actual = hashlib.sha256(part.content).hexdigest()
        if actual != declared.lower():
            raise XapiError(f"Part {i}: its content does not match its X-Experience-API-Hash (SHA-256).")
        content_type = part.headers.get("content-type", "application/octet-stream")
        if len(content_type) > MEDIA_TYPE_LENGTH:
            raise XapiError(f"Part {i}: its Content-Type is longer than {MEDIA_TYPE_LENGTH} characters.")
        received[actual] = Attachment(actual, content_type, part.content)
    declared_hashes: set[str] = set()
    for s_index, statement in enumerate(statements):
        for a_index, attachment in enumerate(statement.get("attachments") or []):
            sha2 = attachment["sha2"].lower()
            declared_hashes.add(sha2)
            where = f"statements[{s_index}].attachments[{a_index}]"
            if sha2 not in received and "fileUrl" not in attachment:
                raise XapiError(f"{where}.sha2: no part carries this attachment and it has no fileUrl.")
            if attachment["usageType"] == SIGNATURE_USAGE:
                if sha2 not in received:
                    raise XapiError(f"{where}: a signature must be sent as a part of the request.")
                verify_signature(statement, received[sha2].content, attachment, where)
    extra = set(received) - declared_hashes
    if extra:
        raise XapiError("A part of the multipart body matches no attachment declared in the statements.")
    return received


def require_no_missing_content(statements: list[dict[str, Any]]) -> None:
    """A JSON request (no parts) may only declare attachments that are fetched from their fileUrl."""
    for s_index, statement in enumerate(statements):
        for a_index, attachment in enumerate(statement.get("attachments") or []):
            if "fileUrl" not in attachment:
                raise XapiError(
                    f"statements[{s_index}].attachments[{a_index}]: without a fileUrl the content must be "
                    "sent as a multipart/mixed part."
                )


def build_response(result_json: str, attachments: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """(body, content type) of a multipart/mixed statement response with the attachments' content."""
    boundary = hashlib.sha1(result_json.encode()).hexdigest()  # noqa: S324 - a boundary, not security
    chunks = [
        f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(),
        result_json.encode(),
    ]
    for sha2, content_type, content in attachments:
        chunks.append(
            f"\r\n--{boundary}\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: binary\r\n"
            f"X-Experience-API-Hash: {sha2}\r\n\r\n".encode()
        )
        chunks.append(content)
    chunks.append(f"\r\n--{boundary}--\r\n".encode())
    return b"".join(chunks), f'multipart/mixed; boundary="{boundary}"'


def statements_json(part: Part) -> Any:
    if not part.headers.get("content-type", "").lower().startswith("application/json"):
        raise XapiError("The first part of a multipart statement request must be application/json.")
    try:
        return jsoncodec.loads(part.content)
    except ValueError:
        raise XapiError("The first part of the multipart body is not valid JSON.") from None
