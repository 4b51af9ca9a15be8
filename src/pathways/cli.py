"""`pathways`: serve the site, migrate, load content and the demo, and administer accounts."""

import sys
import threading
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from pydantic import ValidationError
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways import backup, migrate
from pathways.auth import service as auth_service
from pathways.auth.models import AccountRole
from pathways.auth.schemas import NewUser
from pathways.badges import service as badges_service
from pathways.badges.cli import cli as badges_cli
from pathways.config import get_settings
from pathways.content.loader import load_content
from pathways.db import JOB_LOCK_WAIT_S, Database
from pathways.demo import org_scale, small
from pathways.errors import AppError, describe_errors
from pathways.learning.cli import cli as completions_cli
from pathways.learning.reminders import remind_daily
from pathways.mail.cli import cli as mail_cli
from pathways.mail.sender import send_forever
from pathways.org.cli import cli as people_cli
from pathways.org.models import Employee
from pathways.plans import service as plans_service
from pathways.plans.schemas import HOURS_PER_WEEK_DEFAULT, HoursPerWeekError, hours_per_week
from pathways.practice.cli import cli as practice_cli
from pathways.scim.cli import cli as scim_cli
from pathways.trackers.cli import cli as tracker_cli
from pathways.xapi.cli import cli as lrs_cli

app = typer.Typer(
    help="Pathways: career paths for patient service representatives.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="The database schema.", no_args_is_help=True)
content_app = typer.Typer(help="The shipped framework in content/.", no_args_is_help=True)
user_app = typer.Typer(help="Accounts.", no_args_is_help=True)
token_app = typer.Typer(help="Personal API tokens.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(content_app, name="content")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
app.add_typer(practice_cli, name="practice")
app.add_typer(lrs_cli, name="lrs")
app.add_typer(completions_cli, name="completions")
app.add_typer(tracker_cli, name="tracker")
app.add_typer(mail_cli, name="mail")
app.add_typer(people_cli, name="people")
app.add_typer(badges_cli, name="badges")
app.add_typer(scim_cli, name="scim")


def fail(message: str) -> None:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code=1)


def database() -> Database:
    return Database(get_settings().database_url)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database schema up to date (creates the SQLite file if needed)."""
    migrate.upgrade(get_settings().database_url)
    typer.echo("Database is up to date.")


@content_app.command("load")
def content_load(
    directory: Annotated[Path | None, typer.Option("--dir", help="Folder of content YAML files.")] = None,
) -> None:
    """Validate content/ and load it; loading twice changes nothing."""
    folder = directory or get_settings().content_dir
    try:
        with database().transaction() as session:
            report = load_content(session, folder)
    except AppError as exc:
        fail(exc.message)
    typer.echo(report.summary() if report.changed else "Content is already up to date; nothing changed.")


@app.command("demo")
def demo_command(
    scale: Annotated[
        str, typer.Option(help="'small' (40 people) or 'org' (50,000 people, 5M completions).")
    ] = "small",
    seed: Annotated[int, typer.Option(help="Seed for the generated organisation.")] = 1,
) -> None:
    """Load the framework and a demo organisation."""
    if scale not in ("small", "org"):
        fail(f"--scale must be 'small' or 'org', not '{scale}'.")
    settings = get_settings()
    migrate.upgrade(settings.database_url)
    try:
        with database().transaction() as session:
            load_content(session, settings.content_dir)
            loaded = load_org_with_progress(session, seed) if scale == "org" else small.load_demo(session)
            if loaded and scale == "small":
                # The demo's people hold the badges their completions and levels earn them.
                small_ids = set(session.scalars(select(Employee.id)))
                badges_service.award_many(session, badges_service.issuing(settings), small_ids)
    except AppError as exc:
        fail(exc.message)
    if not loaded:
        typer.echo(f"The {scale} demo organisation is already loaded; content is up to date.")
    elif scale == "org":
        typer.echo("Organisation loaded: 50,000 people in 4 regions and 2,500 sites.")
    else:
        typer.echo(
            f"Demo loaded. Sign in as psr_alice@{small.DEMO_DOMAIN} with password '{small.DEMO_PASSWORD}'."
        )


def load_org_with_progress(session: Session, seed: int) -> bool:
    size = org_scale.ORG
    expected = size.sites + 3 * size.employees + size.employees * size.completions_per_employee
    expected += int(size.employees * 0.3 * 8 + size.employees * 0.2) + size.courses
    with Progress(
        TextColumn("{task.description:<18}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
        transient=False,
    ) as progress:  # fmt: skip
        task = progress.add_task("starting", total=expected)

        def advance(what: str, rows: int) -> None:
            progress.update(task, description=what, advance=rows)

        loaded = org_scale.load_org(session, seed=seed, progress=advance)
        progress.update(task, description="committing", completed=expected)
    return loaded


@user_app.command("add")
def user_add(
    email: str,
    name: Annotated[str, typer.Option(help="Full name.")],
    role: Annotated[AccountRole, typer.Option(help="What the account may do.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin.")
    ] = False,
) -> None:
    """Add an account. Without --password-stdin it can only use API tokens until a password is set."""
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    try:
        new = NewUser(email=email, name=name, account_role=role, password=password)
    except ValidationError as exc:
        fail(describe_errors(exc.errors()))
        return
    try:
        with database().transaction() as session:
            user = auth_service.add_user(session, new)
            linked = " (linked to their employee record)" if user.employee_id else ""
    except AppError as exc:
        fail(exc.message)
    typer.echo(f"Added {new.email} as {role.value}{linked}.", err=True)


@token_app.command("create")
def token_create(email: str) -> None:
    """Create a personal API token; it is printed once, alone on standard output."""
    try:
        with database().transaction() as session:
            token = auth_service.create_token(session, email)
    except AppError as exc:
        fail(exc.message)
    typer.echo(token)


def cli_hours(raw: str) -> Decimal:
    try:
        return hours_per_week(raw)
    except HoursPerWeekError as exc:
        raise typer.BadParameter(str(exc)) from None


@app.command("plan")
def plan_command(
    employee: Annotated[str, typer.Option(help="The employee's email.")],
    role: Annotated[list[str], typer.Option(help="Target role code; repeat for a joint plan.")],
    hours_per_week: Annotated[
        Decimal, typer.Option(parser=cli_hours, metavar="HOURS", help="Learning hours a week, 0.5 to 40.")
    ] = HOURS_PER_WEEK_DEFAULT,
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON.")] = False,
) -> None:
    """The shortest course plan to one or more roles, with a readiness date."""
    try:
        with database().transaction() as session:
            person = plans_service.employee_by_email(session, employee)
            result = plans_service.optimize(session, person, role, hours_per_week)
    except AppError as exc:
        fail(exc.message)
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
        return
    optimal = "proved shortest" if result.proved_optimal else f"best found; bound {result.bound_hours} h"
    typer.echo(f"{person.name}: {result.course_count} courses, {result.total_hours} h ({optimal})")
    for course in result.courses:
        typer.echo(
            f"  {course.code:<10} {course.hours:>6} h  weeks {course.first_week}-{course.last_week}  "
            f"{course.title} ({'; '.join(course.reasons)})"
        )
    for gap in result.unclosable_gaps:
        typer.echo(f"  ! {gap.message}")
    for missing in result.missing_courses:
        typer.echo(f"  ! {missing.message}")
    if result.readiness_date:
        typer.echo(f"Ready by {result.readiness_date.isoformat()} at {result.hours_per_week} h a week.")
    elif result.courses_ready_date is None:
        typer.echo(f"Not reachable by courses alone at {result.hours_per_week} h a week.")
    else:
        typer.echo(f"No readiness date at {result.hours_per_week} h a week.")
    typer.echo(result.readiness_explanation)


@app.command("backup")
def backup_command(file: Path) -> None:
    """Back up the database to FILE (SQLite: an online copy; PostgreSQL: pg_dump's custom format)."""
    try:
        backup.backup(get_settings().database_url, file)
    except AppError as exc:
        fail(exc.message)
    typer.echo(f"Backed up to {file}.")


@app.command("restore")
def restore_command(file: Path) -> None:
    """Replace the database's contents with the backup in FILE."""
    try:
        backup.restore(get_settings().database_url, file)
    except AppError as exc:
        fail(exc.message)
    typer.echo(f"Restored from {file}.")


@app.command("serve")
def serve(
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    reminders: Annotated[
        bool, typer.Option(help="Send due-soon, expiring and overdue reminders at start and then daily.")
    ] = True,
    mail: Annotated[
        bool, typer.Option(help="Send the email outbox every PATHWAYS_MAIL_EVERY_S seconds (default 60).")
    ] = True,
) -> None:
    """Serve the site with Uvicorn."""
    settings = get_settings()
    if problem := settings.production_problem():
        fail(problem)
    typer.echo(f"Pathways on http://{host}:{port} (database: {settings.database_url.split('@')[-1]})")
    stop = threading.Event()
    if reminders:
        # One sender for the whole server, in this process rather than in each worker. A background job: it
        # waits its turn behind requests for the lock (they are short) rather than give up the day's round.
        jobs = Database(settings.database_url, lock_wait_s=JOB_LOCK_WAIT_S)
        sender = threading.Thread(target=remind_daily, args=(jobs, stop), name="reminders", daemon=True)
        sender.start()
    if mail:
        # Safe beside other servers and cron: every message is claimed through the database first.
        mailer = threading.Thread(
            target=send_forever, args=(database(), settings, stop), name="mail", daemon=True
        )
        mailer.start()
    try:
        uvicorn.run("pathways.app:create_app", factory=True, host=host, port=port, workers=workers)
    finally:
        stop.set()
