"""`pathways practice`: offline case sets for trainers (JSON, plus each eligibility case's 271 and
FHIR files)."""

import json
from pathlib import Path
from typing import Annotated

import typer

from pathways.practice.case_seeds import batch_case_seed
from pathways.practice.cases import CASE_KINDS, generate

cli = typer.Typer(help="The practice desk's synthetic cases.", no_args_is_help=True)


@cli.callback()
def practice() -> None:
    """The practice desk's synthetic cases."""  # a group, so `generate` stays a subcommand


def case_types(only: list[str] | None) -> list[str]:
    chosen = only or list(CASE_KINDS)
    unknown = [c for c in chosen if c not in CASE_KINDS]
    if unknown:
        typer.echo(
            f"Error: unknown case type {', '.join(unknown)}. Case types: {', '.join(CASE_KINDS)}.", err=True
        )
        raise typer.Exit(code=1)
    return chosen


@cli.command("generate")
def generate_command(
    cases: Annotated[int, typer.Option("--cases", min=1, max=2000, help="How many cases in all.")],
    seed: Annotated[int, typer.Option("--seed", min=0, help="The same seed always gives the same cases.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Folder to write to.")] = Path("practice-cases"),
    case_type: Annotated[
        list[str] | None, typer.Option("--type", help="Only this case type; repeat for several.")
    ] = None,
) -> None:
    """Write N cases, cycling through the case types, each with its correct answer (JSON), plus the payer's
    X12 271 and FHIR CoverageEligibilityResponse for every eligibility case."""
    types = case_types(case_type)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for number in range(cases):
        code = types[number % len(types)]
        case = generate(code, batch_case_seed(seed, code, number // len(types)))
        stem = f"{number + 1:04d}-{code}"
        record = case.model_dump(mode="json", exclude={"hidden"})
        (out / f"{stem}.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        files = [f"{stem}.json"]
        if code == "eligibility":
            (out / f"{stem}-271.x12").write_text(case.facts["x12_271"], encoding="ascii")
            (out / f"{stem}-fhir.json").write_text(case.facts["fhir"] + "\n", encoding="utf-8")
            files += [f"{stem}-271.x12", f"{stem}-fhir.json"]
        written.append(
            {"number": number + 1, "type": code, "seed": case.seed, "title": case.title, "files": files}
        )
    manifest = {"seed": seed, "cases": cases, "types": types, "written": written}
    (out / "cases.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    typer.echo(f"Wrote {cases} cases to {out} (seed {seed}).")
