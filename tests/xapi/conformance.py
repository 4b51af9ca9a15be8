"""ADL's LRS conformance suite (../shared/xapi-conformance) against a live Pathways, and `make conformance`.

python -m tests.xapi.conformance [--versions 2.0.0,1.0.3] [--backends sqlite,postgresql]

Each run gets a fresh database, its own Uvicorn and its own copy of the suite: the suite's npm packages are
installed once into ADL_SUITE_DIR (default ~/.cache/adl-lrs-suite), as the shared `run` script does, and each
run links them from a private directory, because the script finds its summary as "the log written since it
started", which two runs in one directory would mix up. Runs on different databases go side by side (two at
a time: the machine has two cores, and a run is mostly the suite waiting on the LRS and the LRS on it).
"""

import argparse
import fcntl
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pathways.xapi.credentials import IssuedCredentials
from tests.xapi.live_server import ROOT, LiveServer, prepare_database

SHARED = Path(os.environ.get("XAPI_CONFORMANCE_DIR", ROOT.parent / "shared" / "xapi-conformance"))
CACHE = Path(os.environ.get("ADL_SUITE_DIR", Path.home() / ".cache" / "adl-lrs-suite"))
TOTALS = {"2.0.0": 1442, "1.0.3": 1365}
# The 1.0.3 suite's tests that contradict the 2.0.0 suite: a request without X-Experience-API-Version must be
# answered (400) with version 1.0.3 in one and 2.0.0 in the other. Pathways speaks 2.0.0 to such a request.
CONTRADICTS_2_0_0 = {
    "1.0.3": tuple(
        f'should fail when Statement {method} without header "X-Experience-API-Version"'
        for method in ("GET", "POST", "PUT")
    )
}
SUMMARY = re.compile(r"xapi-conformance (\S+): (\d+)/(\d+) passed")


@dataclass
class Result:
    version: str
    backend: str
    passed: int
    total: int
    failures: list[str]
    seconds: float

    @property
    def unexpected(self) -> list[str]:
        """Failures other than the tests that contradict 2.0.0."""
        known = CONTRADICTS_2_0_0.get(self.version, ())
        return [line for line in self.failures if not any(k in line for k in known)]

    @property
    def ok(self) -> bool:
        return self.total == TOTALS[self.version] and not self.unexpected

    def line(self) -> str:
        left = len(self.failures) - len(self.unexpected)
        note = f" ({left} contradicting 2.0.0, see the README)" if left else ""
        figures = f"{self.passed}/{self.total} passed{note}"
        return f"xAPI {self.version} on {self.backend}: {figures} [{self.seconds:.0f} s]"


def prepare_cache() -> None:
    """Install the suite's npm packages once (what the shared `run` script does), under a lock."""
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{CACHE}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        package = (SHARED / "suite" / "package.json").read_bytes()
        ready = (CACHE / ".ready").exists() and (CACHE / "package.json").read_bytes() == package
        if ready:
            return
        shutil.rmtree(CACHE, ignore_errors=True)
        shutil.copytree(SHARED / "suite", CACHE)
        for folder, _dirs, files in os.walk(CACHE):  # shared/ is read-only; the copy must take node_modules
            for name in [folder, *(os.path.join(folder, f) for f in files)]:
                os.chmod(name, os.stat(name).st_mode | stat.S_IWUSR)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=CACHE,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        (CACHE / ".ready").touch()


@contextmanager
def _private_suite() -> Iterator[Path]:
    """A copy of the suite for one run, its node_modules a link to the cache's."""
    prepare_cache()
    folder = Path(tempfile.mkdtemp(prefix="adl-suite-"))
    try:
        ignore = shutil.ignore_patterns("node_modules", "logs", "last-run.txt")
        shutil.copytree(CACHE, folder, dirs_exist_ok=True, ignore=ignore)
        (folder / "node_modules").symlink_to(CACHE / "node_modules")
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def prepare(database_url: str) -> IssuedCredentials:
    """Migrate a fresh database and issue the suite's credentials. Not from two threads at once: Alembic
    keeps the migration in progress in module-level state."""
    return prepare_database(database_url, "ADL conformance suite")


def run_suite(
    database_url: str,
    version: str,
    backend: str,
    issued: IssuedCredentials | None = None,
    grep: str | None = None,
) -> Result:
    """The whole suite (or the tests whose title matches `grep`) against a live LRS on this database."""
    issued = issued or prepare(database_url)
    server = LiveServer(database_url)
    started = time.monotonic()
    server.start()
    try:
        with _private_suite() as suite:
            command = [
                str(SHARED / "run"),
                f"{server.base_url}/xapi",
                issued.key,
                issued.secret,
                version,
                *(["--", "-g", grep] if grep else []),
            ]
            env = {**os.environ, "ADL_SUITE_DIR": str(suite)}
            done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    finally:
        server.stop()
    lines = done.stdout.splitlines()
    found = SUMMARY.search(done.stdout)
    if found is None:
        raise RuntimeError(
            f"the conformance run printed no summary:\n{done.stdout[-3000:]}\n{done.stderr[-2000:]}"
        )
    failures = [line for line in lines if " :: " in line]
    seconds = time.monotonic() - started
    return Result(version, backend, int(found.group(2)), int(found.group(3)), failures, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", default="2.0.0,1.0.3")
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    versions, backends = args.versions.split(","), args.backends.split(",")
    started = time.monotonic()
    cluster = None
    with tempfile.TemporaryDirectory() as folder:
        if "postgresql" in backends:
            from tests.postgres import start_cluster

            cluster = start_cluster()
        try:
            jobs = []
            for version in versions:
                for backend in backends:
                    if backend == "postgresql":
                        assert cluster is not None
                        url = cluster.create_database(f"xapi_conformance_{uuid.uuid4().hex[:8]}")
                    else:
                        url = f"sqlite:///{folder}/conformance-{uuid.uuid4().hex[:8]}.db"
                    jobs.append((url, version, backend, prepare(url)))
            with ThreadPoolExecutor(max_workers=2) as pool:
                results = list(pool.map(lambda job: run_suite(*job), jobs))
        finally:
            if cluster is not None:
                cluster.stop()
    for result in results:
        for failure in result.failures:
            print(f"  {result.version} {result.backend}: {failure[-300:]}")
    print(f"== conformance ({time.monotonic() - started:.0f} s in all)")
    for result in results:
        print(result.line())
    sys.exit(0 if all(r.ok for r in results) else 1)


if __name__ == "__main__":
    main()
