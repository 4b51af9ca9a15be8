"""Throughput of real pages under 32 concurrent clients, as a ratio to the same server's bare /healthz.

    python bench/throughput.py [--database URL] [--clients 32] [--seconds 5] [--workers 2]

Starts `pathways serve` on a free loopback port against the database (default: the organisation-scale SQLite
database bench/data.py keeps in bench/.data/ when it has been built, else a fresh SQLite file with the small
demo loaded), signs every client in as an employee reporting to the supervisor with the most reports (one
with a career tracker where there is one), and for each endpoint runs all clients for the same number of
seconds. /healthz is the framework's own ceiling on this machine; a page's ratio to it is what the
application's work costs. Traffic goes to 127.0.0.1 only, and every loop stops by itself.
"""

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import data  # noqa: E402

PATHWAYS = str(Path(sys.executable).parent / "pathways")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ENDPOINTS = [
    ("bare /healthz", "/healthz"),
    ("role page", "/roles/psr-2-site-lead"),
    ("learning plan", "/learning"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PATHWAYS_DATABASE_URL": url}
    # No reminder sender: at start it would walk the whole organisation while the clients are measured.
    command = [PATHWAYS, "serve", "--port", str(port), "--workers", str(workers), "--no-reminders"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start within 30 s")


def employee(url: str) -> str:
    from pathways.db import Database

    database = Database(url)
    try:
        return data.accounts(database)["employee"]
    finally:
        database.engine.dispose()


def signed_in(base: str, email: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    token = CSRF.search(client.get("/login").text)
    assert token
    form = {"email": email, "password": "pathways-demo", "csrf_token": token.group(1)}
    assert client.post("/login", data=form).status_code == 303, f"could not sign in as {email}"
    return client


def run(clients: list[httpx.Client], path: str, seconds: float) -> tuple[float, int]:
    done = [0] * len(clients)
    failures = [0] * len(clients)
    stop_at = time.monotonic() + seconds

    def loop(index: int) -> None:
        while time.monotonic() < stop_at:
            if clients[index].get(path).status_code == 200:
                done[index] += 1
            else:
                failures[index] += 1

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(len(clients))]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.monotonic() - started), sum(failures)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database", help="database URL (default: bench/.data/org.db if built, else a fresh SQLite demo)"
    )
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=2 if data.quick() else 5)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url, scale = args.database, "given"
        if not url and data.sqlite_ready():
            url, scale = data.sqlite_urls()[1], "org"
        if not url:
            url, scale = f"sqlite:///{folder}/bench.db", "demo"
            env = {**os.environ, "PATHWAYS_DATABASE_URL": url}
            subprocess.run([PATHWAYS, "demo"], env=env, check=True, capture_output=True)
        email = employee(url)
        print(f"database: {url} ({scale}), signed in as {email}", flush=True)
        port = free_port()
        server = start(url, port, args.workers)
        try:
            base = f"http://127.0.0.1:{port}"
            clients = [signed_in(base, email) for _ in range(args.clients)]
            rates = {}
            for name, path in ENDPOINTS:
                run(clients, path, 1)  # warm up
                rate, failures = run(clients, path, args.seconds)
                rates[name] = rate
                ratio = rate / rates["bare /healthz"]
                print(f"{name:<16} {rate:>8.1f} req/s  ratio to /healthz {ratio:>5.2f}  failures {failures}")
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(
        f"SUMMARY data={scale} clients={args.clients} workers={args.workers} "
        f"healthz_rps={rates['bare /healthz']:.0f} "
        + " ".join(
            f"{n.replace(' ', '_')}_ratio={r / rates['bare /healthz']:.2f}"
            for n, r in rates.items()
            if n != "bare /healthz"
        )
    )


if __name__ == "__main__":
    main()
