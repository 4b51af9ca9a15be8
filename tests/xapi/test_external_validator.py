"""An independent check: Learning Locker's statement validator (npm) on the statements this LRS returns.

The validator knows xAPI 1.0.x, so the statements are written and read by a 1.0.3 client, leaving out the
examples that use what only 2.0 allows. `make test-deps` installs it under .venv/node; without that, the
test installs it into its own temporary folder (which needs the npm registry).
"""

import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from tests.xapi.conftest import Lrs
from tests.xapi.test_validation import VALID

VALIDATOR = "@learninglocker/xapi-validation@3.0.0"
INSTALLED = Path(__file__).resolve().parents[2] / ".venv" / "node"
ONLY_IN_2_0 = {"2.0 contextAgents and contextGroups", "RFC 3339 timestamp with a space"}
CHECK = """
const validate = require("@learninglocker/xapi-validation").default;
const statements = JSON.parse(require("fs").readFileSync(0, "utf8"));
const found = statements.map((s) => validate(s).map((w) => `${w.path.join(".")}: ${w.constructor.name}`));
process.stdout.write(JSON.stringify(found));
"""


def _has_validator(folder: Path) -> bool:
    return (folder / "node_modules" / "@learninglocker" / "xapi-validation").is_dir()


@pytest.fixture(scope="session")
def validator(tmp_path_factory: pytest.TempPathFactory) -> Path:
    npm = shutil.which("npm")
    if shutil.which("node") is None or npm is None:
        if os.environ.get("CI"):
            pytest.fail("CI runs this test: node and npm must be installed")
        pytest.skip("node and npm are not installed")
    if _has_validator(INSTALLED):
        return INSTALLED
    folder = tmp_path_factory.mktemp("xapi-validation")
    subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--prefix", str(folder), VALIDATOR],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return folder


def warnings_for(validator: Path, statements: list[object]) -> list[list[str]]:
    script = validator / "check.js"
    script.write_text(CHECK)
    done = subprocess.run(
        ["node", str(script)], input=json.dumps(statements), capture_output=True, text=True, check=True
    )
    result: list[list[str]] = json.loads(done.stdout)
    return result


def test_the_validator_itself_finds_problems(validator: Path) -> None:
    [problems] = warnings_for(validator, [{"actor": {"mbox": "not-a-mailto"}}])
    assert any(p.startswith("statement.actor.mbox") for p in problems)


def test_statements_the_lrs_returns_pass_learning_lockers_validator(lrs: Lrs, validator: Path) -> None:
    lrs.version = "1.0.3"
    batch = []
    for name, example in VALID.items():
        if name in ONLY_IN_2_0 or "attachments" in example:
            continue
        s = json.loads(json.dumps(example))
        s["id"] = str(uuid.uuid4())
        batch.append(s)
    assert lrs.post(batch).status_code == 200
    returned = []
    for fmt in ("exact", "canonical", "ids"):
        for s in batch:
            response = lrs.get({"statementId": s["id"], "format": fmt})
            assert response.status_code == 200
            returned.append(response.json())
    listed = lrs.get({"limit": str(len(batch))}).json()["statements"]
    returned += listed
    problems = {
        f"{r['id']} ({r['verb']['id']})": found
        for r, found in zip(returned, warnings_for(validator, returned), strict=True)
        if found
    }
    assert problems == {}
