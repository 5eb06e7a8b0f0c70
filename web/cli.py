"""The `residency` command: the engine's `solve` and `check`, plus the web app's set-up
commands (`init-db`, `create-user`, `create-token`, `demo`, `serve`, `worker`)."""

from __future__ import annotations

import click

from solver.cli import check_command, solve_command


@click.group()
def main() -> None:
    """Rotation scheduling for residency programs."""


main.add_command(solve_command)
main.add_command(check_command)


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
@click.option("--program", "program_name", required=True, help="Program name (created if new).")
@click.option("--role", required=True, help="admin, program_director, coordinator, chief, "
              "faculty or resident.")
@click.option("--name", default="", help="The person's name, as shown in the app.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Asked for when not given (needed only for a new account).")
def create_user_command(email, program_name, role, name, password) -> None:
    """Give EMAIL a role in a program, creating the account and the program if needed."""
    from . import accounts
    from .extensions import db

    app = _app()
    with app.app_context():
        try:
            program, new_program = accounts.program_named(program_name)
            created = accounts.create_user(email, password, program, role, name)
        except accounts.AccountError as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from exc
        db.session.commit()
        click.echo(f"{'created' if created.new_user else 'updated'} {created.user.email}: "
                   f"{role} in {program.name}{' (new program)' if new_program else ''}")


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
@click.option("--time-limit", default=30.0, show_default=True,
              help="Seconds to spend solving the demo's first schedule.")
@click.option("--reset", is_flag=True,
              help="Delete the demo program and everything done in it, and load it anew.")
@click.option("--yes", is_flag=True, help="With --reset: do not ask first.")
def demo(time_limit, reset, yes) -> None:
    """Load the sample program with a few accounts per role into an empty database, and
    print their logins. A database that holds anything is kept as it is (`--reset` starts
    the demo over, after asking)."""
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from .demo import ACCOUNTS, PASSWORD, load_demo
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
                       + ", ".join(email for email, _, _ in ACCOUNTS))
            return
        if held and not yes:
            click.confirm("This deletes the demo program with every schedule, request and case "
                          "made in it since, and loads it anew. Go on?", abort=True)
        program, logins = load_demo(time_limit=time_limit)
        click.echo(f"demo program: {program.name} (database "
                   f"{app.config['SQLALCHEMY_DATABASE_URI']})")
    click.echo(f"sign in at http://127.0.0.1:5000/login — every password: {PASSWORD}")
    for login in logins:
        click.echo(f"  {login.role:<17} {login.email:<28} {login.who}")


@main.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(burst) -> None:
    """Run a solve worker taking jobs from Redis (with SOLVE_QUEUE = "rq")."""
    from rq import Worker

    from .schedules.jobs import rq_queue

    app = _app()
    queue = rq_queue(app.config["REDIS_URL"])
    click.echo(f"solve worker on {app.config['REDIS_URL']}, queue '{queue.name}'")
    Worker([queue], connection=queue.connection).work(burst=burst)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
def serve(host, port) -> None:
    """Run the web app with Flask's development server."""
    _app().run(host=host, port=port)


if __name__ == "__main__":
    main()
