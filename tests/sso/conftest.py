"""A real OpenID provider on localhost (tests/sso/provider.mjs, node's oidc-provider) and a way through its
sign-in pages with httpx, as a person's browser would go: Pathways redirects there, the person signs in,
the provider redirects back to Pathways' callback."""

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from starlette.testclient import TestClient

from tests.mail.smtp import free_port

OIDC_PROVIDER = "oidc-provider@9.13.3"
INSTALLED = Path(__file__).resolve().parents[2] / ".venv" / "node"
SCRIPT = Path(__file__).with_name("provider.mjs")
CLIENT_ID = "pathways"
CLIENT_SECRET = "test-client-secret-for-the-sso-tests"
REDIRECT_URI = "http://testserver/auth/oidc/callback"
# sub -> claims the provider releases
ACCOUNTS = {
    "alice-sub": {
        "email": "psr_alice@pathways.example",
        "email_verified": True,
        "name": "Alice Moreno",
        "employee_number": "E-ALICE",
    },
    "stranger-sub": {"email": "stranger@elsewhere.example", "email_verified": True, "name": "Stranger"},
    "unverified-sub": {"email": "psr_alice@pathways.example", "email_verified": False, "name": "Mallory"},
}


class Idp:
    def __init__(self, issuer: str) -> None:
        self.issuer = issuer

    def next_id_token(self, mode: str) -> None:
        assert httpx.post(f"{self.issuer}/test/next-id-token", params={"mode": mode}).status_code == 204

    def sign_in(self, client: TestClient, sub: str, start: str = "/auth/oidc/start") -> str:
        """Follow Pathways to the provider, sign in there as `sub` and consent; returns the callback URL
        (path and query) the provider sent the browser back to, not yet visited."""
        response = client.get(start, follow_redirects=False)
        assert response.status_code == 303, response.text
        location = response.headers["location"]
        assert location.startswith(self.issuer), location
        with httpx.Client(follow_redirects=False, timeout=10) as browser:
            url = location
            for _ in range(10):
                page = browser.get(url)
                if page.status_code in (302, 303):
                    url = httpx.URL(url).join(page.headers["location"]).__str__()
                    if url.startswith("http://testserver/"):
                        parts = urlsplit(url)
                        return f"{parts.path}?{parts.query}"
                    continue
                assert page.status_code == 200, page.text
                action = re.search(r'action="([^"]+)"', page.text)
                assert action, page.text
                prompt = "login" if 'name="login"' in page.text else "consent"
                data = (
                    {"prompt": prompt, "login": sub, "password": "any"}
                    if prompt == "login"
                    else {"prompt": prompt}
                )
                posted = browser.post(httpx.URL(url).join(action.group(1)), data=data)
                assert posted.status_code in (302, 303), posted.text
                url = str(httpx.URL(url).join(posted.headers["location"]))
                if url.startswith("http://testserver/"):
                    parts = urlsplit(url)
                    return f"{parts.path}?{parts.query}"
        raise AssertionError("the provider never sent the browser back to Pathways")


def _node_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    npm = shutil.which("npm")
    if shutil.which("node") is None or npm is None:
        if os.environ.get("CI"):
            pytest.fail("CI runs the single sign-on tests: node and npm must be installed")
        pytest.skip("node and npm are not installed")
    if (INSTALLED / "node_modules" / "oidc-provider").is_dir():
        return INSTALLED
    folder = tmp_path_factory.mktemp("oidc-provider")
    subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--prefix", str(folder), OIDC_PROVIDER],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return folder


@pytest.fixture(scope="session")
def idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Idp]:
    folder = _node_folder(tmp_path_factory)
    # Run from the folder that holds node_modules, so the script's imports resolve there.
    script = folder / "pathways-test-provider.mjs"
    shutil.copyfile(SCRIPT, script)
    port = free_port()
    config: dict[str, Any] = {
        "port": port,
        "clientId": CLIENT_ID,
        "clientSecret": CLIENT_SECRET,
        "redirectUri": REDIRECT_URI,
        "accounts": ACCOUNTS,
        "tamperEmail": "admin_ada@pathways.example",
    }
    log = tmp_path_factory.mktemp("idp-log") / "stderr.txt"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            ["node", str(script)],
            cwd=folder,
            env={**os.environ, "IDP_CONFIG": json.dumps(config)},
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("listening"):
        process.kill()
        raise RuntimeError(f"the test OpenID provider did not start: {line}{log.read_text()}")
    try:
        yield Idp(f"http://127.0.0.1:{port}")
    finally:
        process.terminate()
        process.wait(10)
