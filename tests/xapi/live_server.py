"""A real Uvicorn serving Pathways in a subprocess, for the SIGKILL test and bench/xapi_ingest.py."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from pathways import migrate
from pathways.db import Database
from pathways.xapi import credentials

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare_database(url: str, client_name: str = "Load test LMS") -> credentials.IssuedCredentials:
    migrate.upgrade(url)
    database = Database(url)
    try:
        with database.transaction() as session:
            return credentials.create_client(session, client_name)
    finally:
        database.engine.dispose()


class LiveServer:
    def __init__(self, database_url: str, workers: int = 1) -> None:
        self.database_url = database_url
        self.workers = workers
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout_s: float = 60) -> None:
        env = {**os.environ, "PATHWAYS_DATABASE_URL": self.database_url, "PATHWAYS_ENVIRONMENT": "test"}
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "pathways.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--log-level",
            "warning",
            "--no-access-log",
        ]
        if self.workers > 1:
            command += ["--workers", str(self.workers)]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"uvicorn exited with {self.process.returncode} before serving")
            try:
                if httpx.get(f"{self.base_url}/xapi/about", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.kill()
        raise RuntimeError("uvicorn did not start serving in time")

    def kill(self) -> None:
        """SIGKILL the whole process group: no shutdown hook, no flush, like a power cut for the process."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
