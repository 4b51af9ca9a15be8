"""NOT the official Open Badges 3.0 JSON schema.

1EdTech publishes ob_v3p0_achievementcredential_schema.json on its own site, and no package on PyPI or npm
that this project can install ships it (openbadgeslib 4.6 ships the JSON-LD contexts only; the npm packages of
digitalcredentials ship contexts, not schemas), and nothing may be fetched at run time. This is therefore our
own JSON Schema of the fields OB 3.0 and VC 2.0 require of an OpenBadgeCredential (spec section
AchievementCredential, Profile, AchievementSubject, Achievement, Criteria), written for these tests from the
specification's text. Swap it for the official file once a package ships it.
"""

from typing import Any

URI = {"type": "string", "pattern": r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$"}
DATETIME = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"}


def _types_containing(name: str) -> dict[str, Any]:
    return {
        "oneOf": [
            {"const": name},
            {"type": "array", "items": {"type": "string"}, "contains": {"const": name}},
        ]
    }


PROFILE = {
    "type": "object",
    "required": ["id", "type"],
    "properties": {"id": URI, "type": _types_containing("Profile"), "name": {"type": "string"}},
}

OPEN_BADGE_CREDENTIAL: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "OpenBadgeCredential: required fields (Pathways' own check, not 1EdTech's schema)",
    "type": "object",
    "required": ["@context", "id", "type", "issuer", "validFrom", "name", "credentialSubject"],
    "properties": {
        "@context": {
            "type": "array",
            "minItems": 2,
            "prefixItems": [
                {"const": "https://www.w3.org/ns/credentials/v2"},
                {
                    "type": "string",
                    "pattern": r"^https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.\d\.\d)?\.json$",
                },
            ],
        },
        "id": URI,
        "type": {
            "type": "array",
            "allOf": [
                {"contains": {"const": "VerifiableCredential"}},
                {"contains": {"enum": ["OpenBadgeCredential", "AchievementCredential"]}},
            ],
        },
        "issuer": PROFILE,
        "validFrom": DATETIME,
        "validUntil": DATETIME,
        "name": {"type": "string", "minLength": 1},
        "credentialSubject": {
            "type": "object",
            "required": ["type", "achievement"],
            "anyOf": [{"required": ["id"]}, {"required": ["identifier"]}],
            "properties": {
                "type": _types_containing("AchievementSubject"),
                "identifier": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["type", "identityHash", "identityType", "hashed"],
                        "properties": {
                            "type": {"const": "IdentityObject"},
                            "hashed": {"type": "boolean"},
                            "identityHash": {"type": "string"},
                        },
                    },
                },
                "achievement": {
                    "type": "object",
                    "required": ["id", "type", "criteria", "description", "name"],
                    "properties": {
                        "id": URI,
                        "type": _types_containing("Achievement"),
                        "criteria": {
                            "type": "object",
                            "anyOf": [{"required": ["id"]}, {"required": ["narrative"]}],
                        },
                        "description": {"type": "string"},
                        "name": {"type": "string", "minLength": 1},
                        "creator": PROFILE,
                    },
                },
            },
        },
        "credentialStatus": {
            "type": "object",
            "required": ["id", "type", "statusPurpose", "statusListIndex", "statusListCredential"],
            "properties": {
                "type": {"const": "BitstringStatusListEntry"},
                "statusListIndex": {"type": "string", "pattern": r"^\d+$"},
                "statusListCredential": URI,
            },
        },
    },
}
