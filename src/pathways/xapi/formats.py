"""The xAPI data types below a statement: IRIs, UUIDs, timestamps, durations, language tags, versions."""

import datetime as dt
import functools
import re
from email.utils import format_datetime

from pathways.errors import AppError


class XapiError(AppError):
    """An xAPI request error; its status code is the one the specification prescribes."""

    def __init__(self, message: str, status_code: int = 400, headers: dict[str, str] | None = None) -> None:
        super().__init__(message, status_code)
        self.headers = headers or {}


class Invalid(XapiError):
    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}" if where else problem, 400)


IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+$")
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$")
LANGUAGE_TAG = re.compile(r"^(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})(?:-[A-Za-z0-9]{1,8})*$")
MBOX = re.compile(r"^mailto:[^@\s]+@[^@\s]+$")
SHA1_HEX = re.compile(r"^[0-9a-fA-F]{40}$")
SHA2_HEX = re.compile(r"^[0-9a-fA-F]{64}$|^[0-9a-fA-F]{56}$|^[0-9a-fA-F]{96}$|^[0-9a-fA-F]{128}$")
VERSION = re.compile(r"^(1\.0|2\.0)(\.\d+)?$")
# ISO 8601 extended date-time (RFC 3339 allows a space for the T); the zone may be omitted (read as UTC).
TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?"
    r"(Z|z|[+-]\d{2}(?::?\d{2})?)?$"
)
# ISO 8601:2004 4.4.3.2: PnYnMnDTnHnMnS, or weeks alone (PnW): a week count does not combine with the rest.
DURATION = re.compile(
    r"^P(?:\d+(?:[.,]\d+)?W|(?!$)(?:\d+(?:[.,]\d+)?Y)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?D)?"
    r"(?:T(?=\d)(?:\d+(?:[.,]\d+)?H)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?S)?)?)$"
)
# The seconds of a duration, with any digits past the hundredths (xAPI 2.0, 4.2.7: not part of a comparison).
SECONDS_FRACTION = re.compile(r"(\d+)[.,](\d{0,2})\d*S$")
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MEDIA_TYPE_LENGTH = 255  # the content_type columns
# An internet media type, loosely: type/subtype with optional parameters.
MEDIA_TYPE = re.compile(r"^[\w!#$&^.+\-]+/[\w!#$&^.+\-]+(\s*;.*)?$")


# The same IRIs and language tags come back statement after statement (verbs, activities, extension keys):
# their checks are remembered, a bounded number of them, instead of matching the pattern again.
@functools.lru_cache(maxsize=8192)
def _iri(value: str) -> bool:
    return len(value) <= 4096 and IRI.match(value) is not None


@functools.lru_cache(maxsize=1024)
def _language_tag(value: str) -> bool:
    return LANGUAGE_TAG.match(value) is not None


def is_iri(value: object) -> bool:
    return isinstance(value, str) and _iri(value)


def is_uuid(value: object) -> bool:
    return isinstance(value, str) and UUID.match(value) is not None


def parse_timestamp(value: object) -> dt.datetime | None:
    """A timezone-aware UTC datetime, or None when it is not an ISO 8601 timestamp the spec accepts."""
    if not isinstance(value, str):
        return None
    match = TIMESTAMP.match(value)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    # "-00", "-0000" and "-00:00" mean "offset unknown" in RFC 3339; the spec forbids them.
    if zone is not None and zone.startswith("-") and set(zone[1:].replace(":", "")) == {"0"}:
        return None
    tz = dt.UTC
    if zone and zone not in ("Z", "z"):
        digits = zone[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
        if hours > 23 or minutes > 59:
            return None
        offset = dt.timedelta(hours=hours, minutes=minutes)
        tz = dt.timezone(offset if zone[0] == "+" else -offset)
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        moment = dt.datetime(
            int(year), int(month), int(day), int(hour), int(minute), min(int(second), 59), micro, tzinfo=tz
        )
    except ValueError:
        return None
    return moment.astimezone(dt.UTC)


def format_timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def ms_to_timestamp(ms: int) -> str:
    return format_timestamp(EPOCH + dt.timedelta(milliseconds=ms))


def timestamp_to_ms(moment: dt.datetime) -> int:
    return (moment - EPOCH) // dt.timedelta(milliseconds=1)


def is_duration(value: object) -> bool:
    return isinstance(value, str) and DURATION.match(value) is not None


def comparable_duration(value: str) -> str:
    """The duration as statements are compared: seconds truncated to hundredths (PT1.239S and PT1.23S, PT1.50S
    and PT1.5S are the same duration)."""

    def truncated(match: re.Match[str]) -> str:
        hundredths = match.group(2).rstrip("0")
        return f"{match.group(1)}.{hundredths}S" if hundredths else f"{match.group(1)}S"

    return SECONDS_FRACTION.sub(truncated, value)


def is_language_tag(value: object) -> bool:
    return isinstance(value, str) and _language_tag(value)


def http_date(ms: int) -> str:
    return format_datetime(EPOCH + dt.timedelta(milliseconds=ms), usegmt=True)


def response_version(requested: str | None) -> str:
    """The version the LRS answers with: the latest patch of the major.minor the client speaks."""
    if requested and requested.startswith("1.0"):
        return "1.0.3"
    return "2.0.0"
