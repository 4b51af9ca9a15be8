"""Baked badges: an image that carries its credential, as Open Badges 3.0 defines it.

SVG: an <openbadges:credential> element (namespace https://purl.imsglobal.org/ob/v3p0) whose `verify`
attribute holds the compact JWS. PNG: an uncompressed iTXt chunk with the keyword `openbadgecredential`.
`extract` reads a credential back out of what a person uploads to the verify page.
"""

import re
import struct
import zlib
from html import escape, unescape

from pathways.errors import BadRequest

OB_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
PNG_KEYWORD = b"openbadgecredential"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
COLOURS = {"course": "#0b5cad", "level": "#2e8540", "role": "#7a3e9d"}
JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")  # unsigned ones: verify says so


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def svg(token: str, name: str, kind: str, issuer: str) -> str:
    colour = COLOURS.get(kind, "#0b5cad")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="{OB_NAMESPACE}" viewBox="0 0 300 300" '
        f'width="300" height="300" role="img" aria-labelledby="badge-title">'
        f'<openbadges:credential verify="{escape(token)}"></openbadges:credential>'
        f'<title id="badge-title">{escape(name)}, issued by {escape(issuer)}</title>'
        f'<circle cx="150" cy="150" r="140" fill="{colour}"/>'
        f'<circle cx="150" cy="150" r="118" fill="none" stroke="#ffffff" stroke-width="4"/>'
        f'<text x="150" y="140" font-size="16" fill="#ffffff" text-anchor="middle" '
        f'font-family="sans-serif">{escape(_short(name))}</text>'
        f'<text x="150" y="170" font-size="12" fill="#ffffff" text-anchor="middle" '
        f'font-family="sans-serif">{escape(_short(issuer, 40))}</text>'
        "</svg>"
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png(token: str, kind: str, size: int = 120) -> bytes:
    """A plain disc of the badge's colour on white, with the credential in its iTXt chunk."""
    red, green, blue = (int(COLOURS.get(kind, "#0b5cad")[i : i + 2], 16) for i in (1, 3, 5))
    centre, radius = size / 2, size / 2 - 2
    rows = bytearray()
    for y in range(size):
        rows.append(0)  # no filter
        for x in range(size):
            inside = (x - centre + 0.5) ** 2 + (y - centre + 0.5) ** 2 <= radius**2
            rows += bytes((red, green, blue)) if inside else b"\xff\xff\xff"
    # iTXt: keyword, NUL, compression flag 0, method 0, empty language tag and translated keyword, text.
    itxt = PNG_KEYWORD + b"\x00\x00\x00" + b"\x00" + b"\x00" + token.encode()
    return b"".join(
        (
            PNG_SIGNATURE,
            _chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)),
            _chunk(b"iTXt", itxt),
            _chunk(b"IDAT", zlib.compress(bytes(rows), 9)),
            _chunk(b"IEND", b""),
        )
    )


def _from_png(data: bytes) -> str:
    position = len(PNG_SIGNATURE)
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        if kind == b"iTXt" and body.startswith(PNG_KEYWORD + b"\x00"):
            rest = body[len(PNG_KEYWORD) + 1 :]
            if rest[:1] != b"\x00":
                raise BadRequest("The PNG's badge chunk is compressed, which baked badges must not be.")
            # after the flags: language tag NUL, translated keyword NUL, then the text
            parts = rest[2:].split(b"\x00", 2)
            if len(parts) < 3:
                break
            return parts[2].decode("utf-8", errors="replace").strip()
        if kind == b"IEND":
            break
        position += 12 + length
    raise BadRequest("This PNG image has no badge in it (no openbadgecredential iTXt chunk).")


def _from_svg(text: str) -> str:
    match = re.search(r"<openbadges:credential\b([^>]*)>(.*?)</openbadges:credential>", text, re.DOTALL)
    if match is None:
        match = re.search(r"<openbadges:credential\b([^>]*)/>()", text)
    if match is None:
        raise BadRequest("This SVG image has no badge in it (no openbadges:credential element).")
    verify = re.search(r'verify="([^"]*)"', match.group(1))
    if verify:
        return unescape(verify.group(1)).strip()
    content = match.group(2).strip()
    return content.removeprefix("<![CDATA[").removesuffix("]]>").strip()


def extract(data: bytes) -> str:
    """The compact JWS in an upload or a pasted text: the token itself, a baked SVG or a baked PNG."""
    if not data.strip():
        raise BadRequest("Paste a badge or choose a file: nothing was sent.")
    if data.startswith(PNG_SIGNATURE):
        return _from_png(data)
    try:
        text = data.decode("utf-8").strip().lstrip("\ufeff")
        if "\x00" in text:  # binary that happens to decode: no text badge has a NUL in it
            raise UnicodeDecodeError("utf-8", data, 0, 1, "NUL")
    except UnicodeDecodeError:
        raise BadRequest(
            "This file is neither a badge image (SVG or PNG) nor a badge's text: it cannot be read."
        ) from None
    if "<svg" in text[:2000] or "openbadges:credential" in text:
        return _from_svg(text)
    if JWS.match(text):
        return text
    raise BadRequest(
        "This is not a badge: paste the signed credential (the text that starts with eyJ), or upload a "
        "baked SVG or PNG badge."
    )
