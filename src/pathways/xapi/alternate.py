"""xAPI 1.0.3's alternate request syntax: a POST with ?method=..., headers and content as form fields.

Browsers of the time could not send cross-origin PUT or custom headers, so 1.0.3 let a client tunnel any
request through a form POST. xAPI 2.0 removed it: only requests whose form says X-Experience-API-Version 1.0.x
are rewritten (the version may also be sent as a real header); any other use of `method` is refused with 400.
"""

from urllib.parse import parse_qsl, urlencode

from fastapi import Request

from pathways.xapi.formats import XapiError

FORM_HEADERS = frozenset(
    {
        "authorization",
        "x-experience-api-version",
        "content-type",
        "content-length",
        "if-match",
        "if-none-match",
    }
)
METHODS = frozenset({"GET", "PUT", "POST", "DELETE"})


def is_alternate(request: Request) -> bool:
    return request.method == "POST" and "method" in request.query_params


def rewrite(request: Request, body: bytes) -> tuple[Request, bytes]:
    """The request the form stands for, and its body (the `content` field)."""
    method = request.query_params["method"].upper()
    if set(request.query_params) != {"method"}:
        raise XapiError(
            "Alternate request syntax: only `method` may be in the URL; the rest goes in the form."
        )
    if method not in METHODS:
        raise XapiError("Alternate request syntax: method must be GET, PUT, POST or DELETE.")
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        raise XapiError("Alternate request syntax: the body must be application/x-www-form-urlencoded.")
    try:
        fields = parse_qsl(body.decode(), keep_blank_values=True, strict_parsing=bool(body))
    except (UnicodeDecodeError, ValueError):
        raise XapiError("Alternate request syntax: the form body is not url-encoded.") from None
    headers: dict[bytes, bytes] = {}
    params: list[tuple[str, str]] = []
    content = b""
    for name, value in fields:
        if name.lower() in FORM_HEADERS:
            headers[name.lower().encode()] = value.encode()
        elif name == "content":
            content = value.encode()
        else:
            params.append((name, value))
    # The version may come as a real header too (a form field of the same name overrides it).
    version = headers.get(b"x-experience-api-version", b"").decode() or request.headers.get(
        "x-experience-api-version", ""
    )
    if not version.strip().startswith("1.0"):
        raise XapiError(
            "The alternate request syntax (a `method` parameter) is only for xAPI 1.0.x; 2.0 removed it."
        )
    if content and b"content-type" not in headers:
        headers[b"content-type"] = b"application/json"
    headers.pop(b"content-length", None)
    kept = [
        (k, v)
        for k, v in request.scope["headers"]
        if k.lower() not in headers and k.lower() != b"content-length"
    ]
    scope = {
        **request.scope,
        "method": method,
        "headers": [*kept, *headers.items(), (b"content-length", str(len(content)).encode())],
        "query_string": urlencode(params).encode(),
    }
    return Request(scope), content
