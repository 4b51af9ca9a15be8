"""Statement ingest through the LRS against a bare batched INSERT of the same rows, side by side.

python bench/xapi_ingest.py [--statements N] [--clients C] [--workers W] [--backend sqlite|postgresql|both]

Concurrent clients (threads, httpx) POST batches of 100 statements to a real Uvicorn on 127.0.0.1. The
baseline inserts the rows the LRS writes for such statements (xapi_statements and xapi_statement_refs, built
by the same code and written by the same function, statements.insert_rows: COPY on PostgreSQL) with the same
number of threads, one transaction per batch of 100, into the same database in the same run: what is left
between the two is HTTP, authentication, validation and the LRS's own checks.
One statement in five is a completion by someone the organisation does not know: the LRS also lists it for
review (xapi_completion_rejections), which the bare insert does not write.
Target (issues 7 and 17): LRS statements/s >= 0.5 x the bare insert's, on both databases.
For comparison with earlier runs it also times a plain executemany INSERT (the LRS's write path before COPY).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

import httpx  # noqa: E402

from pathways.db import Database  # noqa: E402
from pathways.xapi.statements import REFS, STATEMENTS, insert_rows, ref_rows, statement_rows  # noqa: E402
from tests.xapi.live_server import LiveServer, prepare_database  # noqa: E402

BATCH = 100
VERBS = ("experienced", "attempted", "progressed", "answered", "completed")


def make_statement(i: int) -> dict[str, Any]:
    learner = i % 500
    course = i % 40
    return {
        "id": str(uuid.uuid4()),
        "actor": {
            "objectType": "Agent",
            "name": f"Learner {learner}",
            "mbox": f"mailto:l{learner}@lms.example",
        },
        "verb": {
            "id": f"http://adlnet.gov/expapi/verbs/{VERBS[i % len(VERBS)]}",
            "display": {"en-US": "did"},
        },
        "object": {
            "objectType": "Activity",
            "id": f"https://lms.example/courses/c{course}/module/{i % 7}",
            "definition": {
                "name": {"en-US": f"Module {i % 7}"},
                "type": "http://adlnet.gov/expapi/activities/module",
            },
        },
        "result": {"score": {"scaled": (i % 100) / 100}, "completion": True, "duration": "PT12M30S"},
        "context": {
            "registration": str(uuid.uuid4()),
            "contextActivities": {"parent": [{"id": f"https://lms.example/courses/c{course}"}]},
            "platform": "Bench LMS",
        },
        "timestamp": "2026-11-23T10:00:00.000Z",
    }


def batches(count: int) -> list[list[dict[str, Any]]]:
    statements = [make_statement(i) for i in range(count)]
    return [statements[i : i + BATCH] for i in range(0, count, BATCH)]


def run_threads(
    work: list[Any], clients: int, each: Callable[[Any, Any], None], setup: Callable[[], Any]
) -> float:
    """Seconds for `clients` threads to drain `work` (each thread has its own connection from setup())."""
    queue = list(reversed(work))
    lock = threading.Lock()
    errors: list[BaseException] = []

    def worker() -> None:
        resource = setup()
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    item = queue.pop()
                each(resource, item)
        except BaseException as exc:  # surfaced after join
            errors.append(exc)
        finally:
            close = getattr(resource, "close", None)
            if close:
                close()

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - started


def lrs_seconds(
    server: LiveServer, key: str, secret: str, work: list[list[dict[str, Any]]], clients: int
) -> float:
    headers = {"X-Experience-API-Version": "2.0.0", "Content-Type": "application/json"}
    # Bodies are serialised up front, as the baseline's rows are built up front: both time the store only.
    bodies = [json.dumps(batch).encode() for batch in work]

    def setup() -> httpx.Client:
        return httpx.Client(base_url=server.base_url, auth=(key, secret), headers=headers, timeout=60)

    def each(http: httpx.Client, body: bytes) -> None:
        response = http.post("/xapi/statements", content=body)
        if response.status_code != 200:
            raise RuntimeError(f"LRS answered {response.status_code}: {response.text[:300]}")

    return run_threads(bodies, clients, each, setup)


Rows = tuple[list[dict[str, Any]], list[dict[str, Any]]]


def executemany(connection: Any, rows: Rows) -> None:
    connection.execute(STATEMENTS.insert(), rows[0])
    connection.execute(REFS.insert(), rows[1])


def bare_seconds(
    database: Database,
    client_id: int,
    work: list[list[dict[str, Any]]],
    clients: int,
    write: Callable[[Any, Rows], None] = lambda connection, rows: insert_rows(connection, *rows),
) -> float:
    """The rows the LRS would write for these statements, prepared up front, then only inserted."""
    prepared = []
    for batch in work:
        for s in batch:
            s |= {
                "stored": "2026-11-23T10:00:01.000Z",
                "version": "2.0.0",
                "authority": {
                    "objectType": "Agent",
                    "account": {"homePage": "https://x.example", "name": "k"},
                },
            }
        prepared.append((statement_rows(batch, client_id, 1_795_000_000_000), ref_rows(batch)))

    def each(connection: Any, rows: Rows) -> None:
        with connection.begin():
            write(connection, rows)

    return run_threads(prepared, clients, each, database.engine.connect)


def measure(backend: str, url: str, args: argparse.Namespace) -> tuple[float, float, float]:
    issued = prepare_database(url)
    database = Database(url)
    from sqlalchemy import select

    from pathways.xapi.models import XapiClient

    with database.transaction() as session:
        client_id = session.scalar(select(XapiClient.id).where(XapiClient.key == issued.key))
    server = LiveServer(url, workers=args.workers)
    server.start()
    try:
        lrs_seconds(server, issued.key, issued.secret, batches(BATCH * args.clients), args.clients)  # warm-up
        lrs_time = lrs_seconds(server, issued.key, issued.secret, batches(args.statements), args.clients)
    finally:
        server.stop()
    bare_seconds(database, client_id or 0, batches(BATCH * args.clients), args.clients)  # warm-up
    bare_time = bare_seconds(database, client_id or 0, batches(args.statements), args.clients)
    # For scale only: the same inserts from one connection, with no lock or connection contention.
    single_time = bare_seconds(database, client_id or 0, batches(args.statements), 1)
    many_time = bare_seconds(database, client_id or 0, batches(args.statements), args.clients, executemany)
    database.engine.dispose()
    lrs_rate, bare_rate = args.statements / lrs_time, args.statements / bare_time
    many_rate = args.statements / many_time
    print(
        f"{backend:<10} LRS {lrs_rate:7.0f} statements/s | bare insert {bare_rate:7.0f} statements/s "
        f"| ratio {lrs_rate / bare_rate:.2f} | (bare insert from one connection: "
        f"{args.statements / single_time:.0f}/s; bare executemany INSERT {many_rate:.0f}/s, "
        f"ratio to it {lrs_rate / many_rate:.2f})"
    )
    return lrs_rate, bare_rate, many_rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=1, help="Uvicorn worker processes")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    print(
        f"{args.statements} statements in batches of {BATCH}, {args.clients} concurrent clients, "
        f"{args.workers} Uvicorn worker(s)"
    )
    results: dict[str, tuple[float, float, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        if args.backend in ("sqlite", "both"):
            results["sqlite"] = measure("sqlite", f"sqlite:///{folder}/bench.db", args)
    if args.backend in ("postgresql", "both"):
        from tests.postgres import start_cluster

        cluster = start_cluster()
        try:
            results["postgresql"] = measure("postgresql", cluster.create_database("xapi_bench"), args)
        finally:
            cluster.stop()
    ratios = {name: lrs / bare for name, (lrs, bare, _) in results.items()}
    verdict = "met" if all(r >= 0.5 for r in ratios.values()) else "MISSED"
    print(
        "SUMMARY "
        + " ".join(
            f"{n}: {results[n][0]:.0f} st/s ratio {r:.2f} (executemany {results[n][0] / results[n][2]:.2f});"
            for n, r in ratios.items()
        )
        + f" target ratio >= 0.5 {verdict}"
    )


if __name__ == "__main__":
    main()
