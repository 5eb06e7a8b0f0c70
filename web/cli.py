"""The `residency` command: the engine's `solve` and `check`, plus the web app's set-up
commands (`init-db`, `create-user`, `reset-password`, `create-token`, `demo`, `serve`,
`worker`)."""

from __future__ import annotations

import click

from solver.cli import call_command, check_command, duty_check_command, solve_command


@click.group()
def main() -> None:
    """Rotation scheduling for residency programs."""


main.add_command(solve_command)
main.add_command(check_command)
main.add_command(call_command)
main.add_command(duty_check_command)


def _app():
    from . import create_app

    return create_app()


@main.command("init-db")
def init_db() -> None:
    """Create or migrate the database to the latest schema."""
    from flask_migrate import upgrade

    app = _app()
    with app.app_context():
        upgrade()
    click.echo(f"database ready: {app.config['SQLALCHEMY_DATABASE_URI']}")


@main.command("create-user")
@click.argument("email")
@click.option("--program", "program_name", required=True,
              help="The program's name (made if it is the first program).")
@click.option("--new-program", is_flag=True,
              help="Make a new program of that name (when other programs exist).")
@click.option("--role", required=True, help="admin, program_director, coordinator, chief, "
              "faculty or resident.")
@click.option("--name", default="", help="The person's name, as shown in the app.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Asked for when not given (needed only for a new account).")
@click.option("--temporary/--no-temporary", default=True, show_default=True,
              help="A new account must choose its own password at first sign-in; "
                   "--no-temporary when the password is already the person's (your own "
                   "account).")
def create_user_command(email, program_name, new_program, role, name, password,
                        temporary) -> None:
    """Give EMAIL a role in a program, creating the account if needed, and the program if
    it is the first or with --new-program."""
    from . import accounts
    from .extensions import db

    app = _app()
    with app.app_context():
        try:
            program, made = accounts.program_to_join(program_name, new_program)
            created = accounts.create_user(email, password, program, role, name,
                                           temporary=temporary)
        except accounts.AccountError as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from exc
        db.session.commit()
        click.echo(f"{'created' if created.new_user else 'updated'} {created.user.email}: "
                   f"{role} in {program.name}{' (new program)' if made else ''}")


@main.command("reset-password")
@click.argument("email")
@click.option("--password", prompt="Temporary password", hide_input=True,
              confirmation_prompt=True, help="Asked for when not given.")
def reset_password_command(email, password) -> None:
    """Give EMAIL a temporary password (for someone who cannot reset theirs by e-mail): they
    choose their own at their next sign-in, and every session of theirs ends now."""
    from . import accounts
    from .extensions import db

    app = _app()
    with app.app_context():
        user = accounts.account_of(email)
        if user is None:
            raise click.ClickException(f"no account {email}")
        try:
            accounts.set_password(user, password, temporary=True)
        except accounts.AccountError as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from exc
        db.session.commit()
        click.echo(f"{user.email} has a temporary password: give it to them; they choose "
                   "their own at their next sign-in")


@main.command("create-token")
@click.argument("email")
@click.option("--name", default="", help="What the token is for (shown in lists).")
def create_token_command(email, name) -> None:
    """Make an API token acting as EMAIL; it is printed once and only its hash is kept."""
    from sqlalchemy import select

    from .accounts import create_token, normal_email
    from .extensions import db
    from .models import User

    app = _app()
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == normal_email(email)))
        if user is None:
            raise click.ClickException(f"no account {email}")
        token = create_token(user, name)
        db.session.commit()
    click.echo(token)


@main.command("demo")
@click.option("--time-limit", default=20.0, show_default=True,
              help="At most this many seconds solving the demo's schedule (it stops sooner "
                   "once the schedule is within 10% of the proven bound).")
@click.option("--reset", is_flag=True,
              help="Delete the demo programs and everything done in them, and load them anew.")
@click.option("--yes", is_flag=True, help="With --reset: do not ask first.")
def demo(time_limit, reset, yes) -> None:
    """Load the demo into an empty database: the sample program in the academic year holding
    today, with a few accounts per role, a published schedule and a few months of case logs,
    and a small second program with its own people; print the sign-ins. A database that
    holds anything is kept as it is (`--reset` starts the demo over, after asking)."""
    import time

    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from .demo import PASSWORD, load_demo, sign_in_emails
    from .extensions import db
    from .models import Program

    app = _app()
    with app.app_context():
        upgrade()
        held = db.session.scalar(select(func.count(Program.id))) or 0
        if held and not reset:
            click.echo(f"the database already holds {held} program(s): kept as it is "
                       f"({app.config['SQLALCHEMY_DATABASE_URI']}); `residency demo --reset` "
                       "starts the demo over")
            click.echo(f"demo sign-ins (unless changed since): password {PASSWORD}, "
                       + ", ".join(sign_in_emails()))
            return
        if held and not yes:
            click.confirm("This deletes the demo programs with every schedule, request and "
                          "case made in them since, and loads them anew. Go on?", abort=True)
        started = time.perf_counter()
        programs, logins = load_demo(time_limit=time_limit)
        click.echo(f"demo loaded in {time.perf_counter() - started:.1f} s (database "
                   f"{app.config['SQLALCHEMY_DATABASE_URI']})")
        for program in programs:
            calendar = program.year_calendar
            click.echo(f"  {program.name}: academic year {calendar.year_start.isoformat()} "
                       f"to {calendar.year_end.isoformat()}")
    click.echo(f"sign in at http://127.0.0.1:5000/login — every password: {PASSWORD}")
    shown = ""
    for login in logins:
        if login.program != shown:
            click.echo(f"{login.program}:")
            shown = login.program
        click.echo(f"  {login.role:<17} {login.email:<30} {login.who}")


@main.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(burst) -> None:
    """Run a solve worker taking jobs from Redis (with SOLVE_QUEUE = "rq")."""
    from rq import Worker

    from .schedules.jobs import rq_queue

    class BurstWorker(Worker):
        """A worker that ends once the queue is empty. It takes no commands over Redis
        (stop a job, shut down): RQ 3's thread listening for them reads in waits of a
        minute, and closing it held the worker's end that long, after its last job."""

        def subscribe(self) -> None:
            pass

    app = _app()
    queue = rq_queue(app.config["REDIS_URL"])
    click.echo(f"solve worker on {app.config['REDIS_URL']}, queue '{queue.name}'")
    kind = BurstWorker if burst else Worker
    kind([queue], connection=queue.connection).work(burst=burst)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
def serve(host, port) -> None:
    """Run the web app with Flask's development server."""
    _app().run(host=host, port=port)


if __name__ == "__main__":
    main()
