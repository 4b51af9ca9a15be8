"""`pathways practice generate`: offline case sets, the same bytes for the same seed, readable 271 files."""

import json
from pathlib import Path

from fhir.resources.R4B.coverageeligibilityresponse import CoverageEligibilityResponse
from pyx12.x12file import X12Reader
from typer.testing import CliRunner

from pathways.practice.cli import cli

runner = CliRunner()


def generate(out: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(cli, ["generate", *args, "-o", str(out)])
    return result.exit_code, result.output


def test_generate_writes_every_case_type_and_the_payer_files(tmp_path: Path) -> None:
    code, output = generate(tmp_path, "--cases", "30", "--seed", "7")
    assert code == 0, output
    assert "Wrote 30 cases" in output
    manifest = json.loads((tmp_path / "cases.json").read_text())
    assert len(manifest["written"]) == 30 and len({c["type"] for c in manifest["written"]}) == 14
    first = json.loads((tmp_path / "0001-registration-new.json").read_text())
    assert first["answer"] and first["facts"] and "hidden" not in first
    x12_files = sorted(tmp_path.glob("*-271.x12"))
    assert len(x12_files) == 2
    for path in x12_files:
        with X12Reader(str(path)) as reader:
            segments = list(reader)
            reader.cleanup()
            assert reader.pop_errors() == []
        assert segments[-1].get_seg_id() == "IEA"
    for path in tmp_path.glob("*-fhir.json"):
        assert CoverageEligibilityResponse.model_validate_json(path.read_text()).outcome in (
            "complete",
            "error",
        )


def test_same_seed_same_files(tmp_path: Path) -> None:
    generate(tmp_path / "a", "--cases", "14", "--seed", "3")
    generate(tmp_path / "b", "--cases", "14", "--seed", "3")
    generate(tmp_path / "c", "--cases", "14", "--seed", "4")
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == sorted(p.name for p in (tmp_path / "b").iterdir())
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)
    assert any((tmp_path / "a" / f).read_bytes() != (tmp_path / "c" / f).read_bytes() for f in files)


def test_one_type_only_and_unknown_types(tmp_path: Path) -> None:
    code, _ = generate(tmp_path, "--cases", "3", "--seed", "1", "--type", "eligibility")
    assert code == 0
    assert len(list(tmp_path.glob("*-271.x12"))) == 3
    code, output = generate(tmp_path, "--cases", "3", "--seed", "1", "--type", "juggling")
    assert code == 1 and "unknown case type juggling" in output
    code, output = generate(tmp_path, "--cases", "0", "--seed", "1")
    assert code == 2
