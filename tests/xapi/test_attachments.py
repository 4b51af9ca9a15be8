"""Attachments in multipart/mixed, checked by SHA-256, and signed statements (JWS, RS256/384/512)."""

import base64
import datetime as dt
import hashlib
import json
from functools import cache
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from tests.xapi.conftest import Lrs, statement

SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"
BOUNDARY = "xapi-test-boundary"


def declare(
    content: bytes, usage: str = "http://example.com/usage/certificate", content_type: str = "text/plain"
) -> dict[str, Any]:
    return {
        "usageType": usage,
        "display": {"en-US": "attachment"},
        "contentType": content_type,
        "length": len(content),
        "sha2": hashlib.sha256(content).hexdigest(),
    }


def multipart(statements: Any, parts: list[tuple[bytes, str | None]]) -> bytes:
    chunks = [f"--{BOUNDARY}\r\nContent-Type: application/json\r\n\r\n{json.dumps(statements)}\r\n".encode()]
    for content, declared_hash in parts:
        head = (
            f"--{BOUNDARY}\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n"
        )
        if declared_hash:
            head += f"X-Experience-API-Hash: {declared_hash}\r\n"
        chunks.append(head.encode() + b"\r\n" + content + b"\r\n")
    chunks.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(chunks)


def post_multipart(lrs: Lrs, body: bytes) -> Any:
    content_type = f'multipart/mixed; boundary="{BOUNDARY}"'
    return lrs.request("POST", "/statements", content=body, headers={"Content-Type": content_type})


def test_attachment_round_trip(lrs: Lrs) -> None:
    content = b"certificate of completion"
    s = statement(attachments=[declare(content)])
    response = post_multipart(lrs, multipart(s, [(content, hashlib.sha256(content).hexdigest())]))
    assert response.status_code == 200, response.text
    got = lrs.get({"statementId": s["id"], "attachments": "true"})
    assert got.headers["Content-Type"].startswith("multipart/mixed")
    assert content in got.content
    assert f"X-Experience-API-Hash: {hashlib.sha256(content).hexdigest()}".encode() in got.content
    plain = lrs.get({"statementId": s["id"]})
    assert plain.headers["Content-Type"].startswith("application/json")


def test_content_that_does_not_match_its_hash_is_rejected(lrs: Lrs) -> None:
    content = b"the real thing"
    s = statement(attachments=[declare(content)])
    response = post_multipart(lrs, multipart(s, [(b"something else", hashlib.sha256(content).hexdigest())]))
    assert response.status_code == 400
    assert "X-Experience-API-Hash" in response.json()["message"]
    assert lrs.get({"statementId": s["id"]}).status_code == 404


def test_declared_attachment_without_content_or_file_url_is_rejected(lrs: Lrs) -> None:
    s = statement(attachments=[declare(b"missing")])
    assert lrs.post(s).status_code == 400
    assert post_multipart(lrs, multipart(s, [])).status_code == 400


def test_attachment_by_file_url_needs_no_part(lrs: Lrs) -> None:
    s = statement(attachments=[{**declare(b"remote"), "fileUrl": "https://files.example/remote.txt"}])
    assert lrs.post(s).status_code == 200


def test_parts_without_hash_or_undeclared_are_rejected(lrs: Lrs) -> None:
    content = b"x"
    s = statement(attachments=[declare(content)])
    assert post_multipart(lrs, multipart(s, [(content, None)])).status_code == 400
    extra = b"not declared"
    body = multipart(
        s, [(content, hashlib.sha256(content).hexdigest()), (extra, hashlib.sha256(extra).hexdigest())]
    )
    assert post_multipart(lrs, body).status_code == 400


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


@cache
def signing_key() -> tuple[rsa.RSAPrivateKey, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test LMS signing")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return key, base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode()


def jws(payload: dict[str, Any], alg: str = "RS256", tamper: bool = False) -> bytes:
    key, certificate = signing_key()
    header = b64url(json.dumps({"alg": alg, "x5c": [certificate]}).encode())
    body = b64url(json.dumps(payload).encode())
    signed = f"{header}.{body}".encode()
    digest = {"RS256": hashes.SHA256(), "RS384": hashes.SHA384(), "RS512": hashes.SHA512()}.get(
        alg, hashes.SHA256()
    )
    signature = key.sign(signed + (b"x" if tamper else b""), padding.PKCS1v15(), digest)
    return f"{header}.{body}.{b64url(signature)}".encode()


def signed_post(lrs: Lrs, s: dict[str, Any], token: bytes) -> Any:
    s["attachments"] = [declare(token, SIGNATURE, "application/octet-stream")]
    return post_multipart(lrs, multipart(s, [(token, hashlib.sha256(token).hexdigest())]))


@pytest.mark.parametrize("alg", ["RS256", "RS384", "RS512"])
def test_a_valid_signed_statement_is_stored(lrs: Lrs, alg: str) -> None:
    s = statement()
    response = signed_post(lrs, s, jws(dict(s), alg))
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda s: jws({**s, "verb": {"id": "http://example.com/verbs/forged"}}), "does not match"),
        (lambda s: jws(dict(s), alg="HS256"), "RS256"),
        (lambda s: jws(dict(s), tamper=True), "does not verify"),
        (lambda s: b"this is not a JWS", "not a JWS"),
    ],
    ids=["payload differs", "wrong algorithm", "bad signature", "not a JWS"],
)
def test_a_bad_signature_is_rejected(lrs: Lrs, make: Any, message: str) -> None:
    s = statement()
    response = signed_post(lrs, s, make(dict(s)))
    assert response.status_code == 400
    assert message in response.json()["message"]
    assert lrs.get({"statementId": s["id"]}).status_code == 404
