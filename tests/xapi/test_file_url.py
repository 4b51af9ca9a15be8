"""Attachments referenced by fileUrl: stored as given, returned unchanged, never fetched or rewritten."""

import hashlib
from typing import Any

from tests.xapi.conftest import Lrs, statement
from tests.xapi.test_attachments import declare, multipart, post_multipart

# A signed download link, as LMSs hand out: a long query, upper-case escapes, a non-ASCII path segment.
FILE_URL = (
    "https://files.lms.example/certificados/añadido%20final.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256"
    "&X-Amz-Credential=AKIAEXAMPLE%2F20261201%2Fus-east-1&X-Amz-Signature=" + "AbC0" * 16
)


def remote(content: bytes, **extra: Any) -> dict[str, Any]:
    # The hash in upper case, as some senders write it: kept as sent.
    return {**declare(content, content_type="application/pdf"), "fileUrl": FILE_URL, **extra} | {
        "sha2": hashlib.sha256(content).hexdigest().upper()
    }


def test_a_file_url_attachment_comes_back_exactly_as_sent(lrs: Lrs) -> None:
    attachment = remote(b"the certificate", description={"en-US": "Signed by the trainer"})
    s = statement(attachments=[attachment])
    assert lrs.post(s).status_code == 200
    got = lrs.get({"statementId": s["id"]}).json()
    assert got["attachments"] == [attachment]
    listed = lrs.get({"activity": s["object"]["id"], "limit": "1"}).json()["statements"][0]
    assert listed["attachments"] == [attachment]


def test_with_attachments_true_a_file_url_attachment_has_no_part(lrs: Lrs) -> None:
    s = statement(attachments=[remote(b"elsewhere")])
    lrs.post(s)
    response = lrs.get({"statementId": s["id"], "attachments": "true"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("multipart/mixed")
    assert response.content.count(b"X-Experience-API-Hash") == 0
    assert FILE_URL.encode() in response.content


def test_file_url_and_sent_content_side_by_side(lrs: Lrs) -> None:
    sent = b"a scan of the sign-off sheet"
    local = declare(sent)
    far = remote(b"kept by the LMS")
    s = statement(attachments=[far, local])
    response = post_multipart(lrs, multipart(s, [(sent, hashlib.sha256(sent).hexdigest())]))
    assert response.status_code == 200, response.text
    assert lrs.get({"statementId": s["id"]}).json()["attachments"] == [far, local]
    with_parts = lrs.get({"statementId": s["id"], "attachments": "true"})
    assert sent in with_parts.content
    assert with_parts.content.count(b"X-Experience-API-Hash") == 1


def test_content_declared_with_an_upper_case_hash_is_returned_with_attachments_true(lrs: Lrs) -> None:
    content = b"upper-case hash"
    declared = declare(content) | {"sha2": hashlib.sha256(content).hexdigest().upper()}
    s = statement(attachments=[declared])
    response = post_multipart(lrs, multipart(s, [(content, hashlib.sha256(content).hexdigest())]))
    assert response.status_code == 200, response.text
    assert lrs.get({"statementId": s["id"]}).json()["attachments"] == [declared]
    assert content in lrs.get({"statementId": s["id"], "attachments": "true"}).content
