"""Signed statements: a JWS (compact serialisation) in an attachment whose usageType is the signature IRI.

The LRS rejects a signature that is not a JWS, uses an algorithm other than RS256/RS384/RS512, or whose
payload is not the statement it is attached to. When the JWS header carries an X.509 chain (x5c), the
signature is also verified against the first certificate's public key.
"""

import base64
import binascii
import copy
import json
from collections.abc import Callable
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from pathways.xapi.formats import Invalid, XapiError
from pathways.xapi.validation import comparable, validate_statement

SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"
ALGORITHMS: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    "RS256": hashes.SHA256,
    "RS384": hashes.SHA384,
    "RS512": hashes.SHA512,
}
# Set by the LRS after signing, or only known to it: not part of what the signer saw.
NOT_SIGNED = ("authority", "stored", "version", "attachments")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _comparable(statement: dict[str, Any], signed: dict[str, Any]) -> dict[str, Any]:
    skip = set(NOT_SIGNED) | ({"id"} if "id" not in signed else set())
    return {k: v for k, v in comparable(statement).items() if k not in skip}


def _signed_statement(payload: dict[str, Any], where: str) -> dict[str, Any]:
    """The payload as the LRS reads a statement (a lone context activity becomes a list of one, as in the
    statement it is compared with), or an error when it is not a statement at all."""
    try:
        return validate_statement(copy.deepcopy(payload))
    except Invalid as exc:
        raise XapiError(
            f"{where}: the signature's payload is not a valid statement ({exc.message})."
        ) from None


def verify_signature(statement: dict[str, Any], jws: bytes, attachment: dict[str, Any], where: str) -> None:
    if not attachment["contentType"].lower().startswith("application/octet-stream"):
        raise XapiError(f"{where}.contentType: a signature attachment must be application/octet-stream.")
    try:
        header_b64, payload_b64, signature_b64 = jws.decode("ascii").strip().split(".")
        header = json.loads(b64url_decode(header_b64))
        payload = json.loads(b64url_decode(payload_b64))
        signature = b64url_decode(signature_b64)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise XapiError(f"{where}: the signature is not a JWS in compact serialisation.") from None
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise XapiError(f"{where}: the signature's header and payload must be JSON objects.")
    algorithm = ALGORITHMS.get(str(header.get("alg")))
    if algorithm is None:
        raise XapiError(f"{where}: the signature algorithm must be RS256, RS384 or RS512.")
    signed = _signed_statement(payload, where)
    if _comparable(signed, payload) != _comparable(statement, payload):
        raise XapiError(f"{where}: the signature's payload does not match the statement.")
    chain = header.get("x5c")
    if chain:
        _verify_with_certificate(chain, f"{header_b64}.{payload_b64}".encode(), signature, algorithm, where)


def _verify_with_certificate(
    chain: Any, signed: bytes, signature: bytes, algorithm: Callable[[], hashes.HashAlgorithm], where: str
) -> None:
    try:
        certificate = x509.load_der_x509_certificate(base64.b64decode(chain[0]))
        key = certificate.public_key()
    except (ValueError, TypeError, IndexError, KeyError, binascii.Error):
        raise XapiError(f"{where}: the x5c certificate in the signature header cannot be read.") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise XapiError(f"{where}: the x5c certificate does not hold an RSA key.")
    try:
        key.verify(signature, signed, padding.PKCS1v15(), algorithm())
    except InvalidSignature:
        raise XapiError(f"{where}: the signature does not verify against its x5c certificate.") from None
