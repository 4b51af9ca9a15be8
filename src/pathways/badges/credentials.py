"""Open Badges 3.0 credentials and the Bitstring Status List, as plain data (no I/O, no keys).

A credential is a W3C Verifiable Credential 2.0 with the OB 3.0 context, secured with VC-JOSE: the compact
JWS of the credential itself (media type application/vc+jwt). Nothing here resolves a JSON-LD context: a JWS
is verified over its bytes, so verification needs no network.
"""

import base64
import datetime as dt
import gzip
import hashlib
from dataclasses import dataclass
from typing import Any

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
MEDIA_TYPE = "application/vc+jwt"
JWS_TYPE = "vc+jwt"
# 131,072 entries: the Bitstring Status List's minimum size (16 KB), so that one badge's place in the list
# tells a watcher little about who holds it.
STATUS_LIST_SIZE = 131_072
ACHIEVEMENT_TYPES = {"course": "Course", "level": "Competency", "role": "Badge"}


@dataclass(frozen=True)
class Issuer:
    """Who issues: the organisation, reached at base_url."""

    base_url: str
    name: str

    @property
    def id(self) -> str:
        return f"{self.base_url}/badges/issuer"

    def profile(self) -> dict[str, Any]:
        return {
            "@context": [VC_CONTEXT, OB_CONTEXT],
            "id": self.id,
            "type": ["Profile"],
            "name": self.name,
            "url": self.base_url,
            "description": f"{self.name} issues Open Badges through Pathways for courses, competency levels "
            "and roles its people have earned.",
        }

    def status_list_url(self, list_number: int) -> str:
        return f"{self.base_url}/badges/status/{list_number}"

    def achievement_url(self, achievement_key: str) -> str:
        return f"{self.base_url}/badges/achievements/{achievement_key}"


@dataclass(frozen=True)
class Achievement:
    key: str  # course:CODE | level:COMPETENCY:N | role:CODE
    kind: str
    name: str
    description: str
    criteria: str


def status_position(badge_id: int) -> tuple[int, int]:
    """(list number from 1, index in it) of a badge: its id, laid over as many lists as it takes."""
    return (badge_id - 1) // STATUS_LIST_SIZE + 1, (badge_id - 1) % STATUS_LIST_SIZE


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def identity_hash(email: str, salt: str) -> str:
    # A hashed identifier: the badge names its holder without publishing an address in every copy.
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def achievement_json(issuer: Issuer, achievement: Achievement) -> dict[str, Any]:
    return {
        "id": issuer.achievement_url(achievement.key),
        "type": ["Achievement"],
        "achievementType": ACHIEVEMENT_TYPES[achievement.kind],
        "name": achievement.name,
        "description": achievement.description,
        "criteria": {"narrative": achievement.criteria},
        "creator": {"id": issuer.id, "type": ["Profile"], "name": issuer.name},
    }


def credential(
    issuer: Issuer,
    achievement: Achievement,
    *,
    credential_id: str,
    badge_id: int,
    holder_name: str,
    holder_email: str,
    issued_at: dt.datetime,
    expires_at: dt.datetime | None,
) -> dict[str, Any]:
    list_number, index = status_position(badge_id)
    status_list = issuer.status_list_url(list_number)
    body: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": f"urn:uuid:{credential_id}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer.id, "type": ["Profile"], "name": issuer.name, "url": issuer.base_url},
        "validFrom": iso(issued_at),
        "name": achievement.name,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": holder_name,
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": identity_hash(holder_email, credential_id),
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": credential_id,
                }
            ],
            "achievement": achievement_json(issuer, achievement),
        },
        "credentialStatus": {
            "id": f"{status_list}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(index),
            "statusListCredential": status_list,
        },
    }
    if expires_at is not None:
        body["validUntil"] = iso(expires_at)
    return body


def encode_status_list(revoked_indexes: set[int]) -> str:
    """The W3C encodedList: GZIP of the bitstring (index 0 the first byte's highest bit), base64url without
    padding, with the multibase prefix 'u'."""
    bits = bytearray(STATUS_LIST_SIZE // 8)
    for index in revoked_indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def status_bit(encoded: str, index: int) -> bool:
    raw = encoded[1:] if encoded.startswith("u") else encoded
    bits = gzip.decompress(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_credential(
    issuer: Issuer, list_number: int, revoked_indexes: set[int], now: dt.datetime
) -> dict[str, Any]:
    url = issuer.status_list_url(list_number)
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer.id,
        "validFrom": iso(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_status_list(revoked_indexes),
        },
    }
