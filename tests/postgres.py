"""A throwaway PostgreSQL cluster from the machine's own binaries, for the test session."""

import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg


def _binary(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise RuntimeError(
        f"PostgreSQL's {name} is not installed; the PostgreSQL tests need the server binaries."
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    directory: Path
    port: int
    as_user: list[str]

    @property
    def socket_dir(self) -> Path:
        return self.directory

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.socket_dir}&port={self.port}"

    def create_database(self, name: str) -> str:
        conninfo = f"host={self.socket_dir} port={self.port} user=postgres dbname=postgres"
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        subprocess.run(
            [*self.as_user, _binary("pg_ctl"), "-D", str(self.directory / "data"), "-m", "immediate", "stop"],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(self.directory, ignore_errors=True)


def start_cluster() -> Cluster:
    directory = Path(tempfile.mkdtemp(prefix="pathways-pg-"))
    as_user: list[str] = []
    # initdb refuses to run as root; CI runs as root, so the cluster belongs to the postgres system user.
    if os.geteuid() == 0:
        shutil.chown(directory, user="postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    data = directory / "data"
    subprocess.run(
        [
            *as_user,
            _binary("initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        ],
        check=True,
        capture_output=True,
    )
    options = f"-k {directory} -p {port} -c listen_addresses='' -c fsync=off -c synchronous_commit=off"
    subprocess.run(
        [
            *as_user,
            _binary("pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(directory / "log"),
            "-w",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    return Cluster(directory, port, as_user)
