"""A real `pathways serve` process on a database of its own, holding a SCIM token: what an identity system, or
scim2-tester, talks to."""

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from pathways.db import Database
from pathways.scim import tokens
from tests.conftest import build_database
from tests.mail.smtp import free_port
from tests.postgres import Cluster

START_S = 60.0


@dataclass
class ScimServer:
    url: str  # .../scim/v2
    token: str
    database: Database


def fresh_database(backend: str, folder: Path, cluster: Cluster | None) -> Database:
    if backend == "postgresql":
        assert cluster is not None
        return build_database(cluster.create_database(f"scim_{uuid.uuid4().hex[:8]}"))
    return build_database(f"sqlite:///{folder / 'scim.db'}")


@contextmanager
def scim_server(database: Database, log: Path) -> Iterator[ScimServer]:
    with database.transaction() as session:
        token = tokens.create_token(session, "scim2-tester")
    port = free_port()
    environment = {**os.environ, "PATHWAYS_DATABASE_URL": database.url, "PATHWAYS_ENVIRONMENT": "test"}
    command = [str(Path(sys.executable).parent / "pathways"), "serve", "--port", str(port)]
    process = subprocess.Popen(command, env=environment, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_S
        while True:
            assert process.poll() is None, f"the server exited: {log.read_text()}"
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, f"the server did not answer in {START_S} s: {log.read_text()}"
            time.sleep(0.2)
        yield ScimServer(f"{base}/scim/v2", token, database)
    finally:
        process.terminate()
        process.wait(timeout=30)
