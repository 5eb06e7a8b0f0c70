"""Building the web app: `create_app()` makes a Flask app from config.toml and the
environment (`web.create_app` calls it).

Settings come, in order, from the defaults below, the upper-case keys of `config.toml` (or the
file named by RESIDENCY_CONFIG), environment variables prefixed `RESIDENCY_` (for example
RESIDENCY_SECRET_KEY, RESIDENCY_SQLALCHEMY_DATABASE_URI), and finally a test's overrides.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from scheduler.calendar import day_in_words, span_in_words
from scheduler.config import load_settings
from scheduler.validation import MAX_PROGRAM_FILE_BYTES
from scheduler.words import plural

from . import clock, words
from .extensions import (
    COMPRESSED_TYPES,
    CONTENT_SECURITY_POLICY,
    compress,
    csrf,
    db,
    limiter,
    login_manager,
    mailer,
    migrate,
    talisman,
)
from .views import MAX_ROW_ID

ROOT = Path(__file__).resolve().parent.parent


def _unread() -> int:
    """The signed-in person's unread notifications, for the page header."""
    from flask_login import current_user

    from .notify import unread

    return unread(current_user) if current_user.is_authenticated else 0


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask("web", instance_path=str(ROOT / "instance"))
    app.config.from_mapping(
        SQLALCHEMY_DATABASE_URI="sqlite:///residency.db",  # relative to instance/
        # Test pooled connections before use: after a database restart the app reconnects.
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
        MAX_CONTENT_LENGTH=32 * 1024 * 1024,   # a program's case-log history
        PROGRAM_FILE_MAX_BYTES=MAX_PROGRAM_FILE_BYTES,   # an imported program file
        SESSION_MAX_HOURS=14 * 24,   # a sign-in lasts at most this long, then sign in again
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        RATELIMIT_STORAGE_URI="memory://",
        RATELIMIT_HEADERS_ENABLED=True,
        # Failed sign-ins allowed per client address and per account before a pause.
        # A guesser is slowed per account *and* address, in growing steps, so that nobody can
        # lock someone else out by guessing from their own address; the account-wide limit
        # is far higher and only slows guessing spread over many addresses.
        LOGIN_LIMIT_PER_ADDRESS="30 per minute",
        LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS="10 per 15 minutes; 20 per day",
        LOGIN_LIMIT_PER_ACCOUNT="100 per hour",
        # Wrong current passwords on the account page (someone at an unlocked screen).
        PASSWORD_CHANGE_LIMIT="10 per 15 minutes; 20 per day",
        # Reverse proxies in front of the app whose X-Forwarded-For is trusted (0: none; the
        # client's own address is used). Behind one nginx: 1.
        PROXY_HOPS=0,
        REQUEST_WEIGHT_BUDGET=10,  # weight points a resident may spend on requests a year
        SOLVE_QUEUE="process",     # "process": a process per solve; "rq": Redis + workers
        REDIS_URL="redis://127.0.0.1:6379/0",
        SOLVE_STALE_AFTER=20,      # seconds without a worker heartbeat before a job is lost
        SOLVE_START_TIMEOUT=60,    # seconds for a worker process to take up a queued job
        SOLVE_MAX_CONCURRENT=2,    # solves running at once on this instance; others wait
        SOLVE_MEMORY_MB=4096,      # memory one solve may use; the worker stops beyond it
        SOLVE_GRACE_SECONDS=120,   # beyond its time limits, to build the model and save
        # Behind TLS in production: redirect to HTTPS, send HSTS, mark cookies Secure.
        FORCE_HTTPS=False,
        # werkzeug's password hash method; the tests lower scrypt's cost, nothing else should
        PASSWORD_HASH="scrypt",
        # Outgoing e-mail (web/mail.py) through an SMTP server; without MAIL_SERVER and
        # MAIL_DEFAULT_SENDER this installation sends none (password resets are then the
        # administrator's: `residency reset-password`).
        MAIL_SERVER="",
        MAIL_PORT=25,
        MAIL_USE_TLS=False,        # STARTTLS after connecting (port 587)
        MAIL_USE_SSL=False,        # TLS from the start (port 465)
        MAIL_USERNAME="",
        MAIL_PASSWORD="",
        MAIL_DEFAULT_SENDER="",    # e.g. "Residency <residency@example.org>"
        MAIL_TIMEOUT=10,           # seconds to wait for the mail server
        MAIL_BACKEND="smtp",       # also under TESTING: the tests run a real SMTP server
        # The address people reach this site at (scheme and host, no path), e.g.
        # "https://residency.example.org". Links in e-mails start with it, never with the
        # Host header of the request that asked (which a visitor chooses).
        PUBLIC_URL="",
        # A password-reset link works once, for this many seconds.
        PASSWORD_RESET_MAX_AGE=3600,
        # Reset e-mails asked for, per client address and per e-mail address (each sends mail).
        PASSWORD_RESET_LIMIT_PER_ADDRESS="10 per hour",
        PASSWORD_RESET_LIMIT_PER_ACCOUNT="3 per hour",
        # The time zone the program works in (an IANA name): today's date, and the times
        # pages show, are this zone's (web/clock.py).
        TIMEZONE=clock.DEFAULT_ZONE,
    )
    config_file = Path(os.environ.get("RESIDENCY_CONFIG", ROOT / "config.toml"))
    if config_file.exists():
        app.config.from_file(str(config_file), load=tomllib.load, text=False)
    app.config.from_prefixed_env("RESIDENCY")
    if test_config:
        app.config.from_mapping(test_config)
    app.config.setdefault("SOLVER_SETTINGS",
                          load_settings(config_file if config_file.exists() else None))
    clock.zone_named(str(app.config["TIMEZONE"]))    # a misspelt zone stops the start
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see this page."
    csrf.init_app(app)
    limiter.init_app(app)
    mailer.init_app(app)
    app.config["COMPRESS_MIMETYPES"] = COMPRESSED_TYPES
    compress.init_app(app)
    https = bool(app.config["FORCE_HTTPS"])
    talisman.init_app(app, force_https=https, strict_transport_security=https,
                      session_cookie_secure=https,
                      content_security_policy=CONTENT_SECURITY_POLICY,
                      content_security_policy_nonce_in=["script-src"])

    from . import (
        access,
        assets,
        auth,
        call,
        cases,
        charts,
        entries,
        errors,
        guards,
        health,
        me,
        people,
        programs,
        requests,
        schedules,
        setup,
    )

    hops = int(app.config["PROXY_HOPS"])
    if hops:
        # The client's address and scheme from the proxies; never their Host header.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops,  # type: ignore[method-assign]
                                x_proto=hops)
    app.url_map.converters["int"] = IdConverter
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["chart_labels"] = charts.labels
    app.jinja_env.filters["day_in_words"] = day_in_words
    app.jinja_env.filters["span_in_words"] = span_in_words
    app.jinja_env.filters["dates_in_words"] = entries.dates_in_words
    app.jinja_env.filters["plainly"] = entries.plainly
    app.jinja_env.filters["plural"] = plural
    app.jinja_env.filters["moment"] = clock.moment
    app.jinja_env.filters["status_words"] = words.status_in_words
    app.jinja_env.globals.update(can=access.can, MANAGERS=access.MANAGERS,
                                 STAFF=access.STAFF, unread_notifications=_unread)
    for blueprint in (health.bp, assets.bp, auth.bp, programs.bp, setup.bp, requests.bp,
                      schedules.bp, call.bp, me.bp, cases.bp, people.bp):
        app.register_blueprint(blueprint)
    from . import api

    api.init_app(app)
    app.add_url_rule("/favicon.ico", "favicon", assets.icon)
    errors.register(app)
    guards.register(app)
    return app


class IdConverter(IntegerConverter):
    """`<int:...>` in URLs takes only numbers a database id can be (PostgreSQL's `integer`):
    a longer one is a 404 like any unknown id, not an overflow in the database driver."""

    def __init__(self, url_map, fixed_digits: int = 0, min: int | None = None,
                 max: int | None = MAX_ROW_ID, signed: bool = False) -> None:
        super().__init__(url_map, fixed_digits, min, max, signed)


def _instance_secret(instance: Path) -> str:
    """A secret key kept in instance/ so sessions survive restarts of a set-up without one
    configured (production sets RESIDENCY_SECRET_KEY). Server workers starting together all
    get the one key the first of them made: it is written whole under a name of its own,
    then linked into place, which fails if another process got there first."""
    path = instance / "secret_key"
    if not path.exists():
        draft = instance / f"secret_key.{os.getpid()}"
        draft.write_text(secrets.token_hex(32), encoding="utf-8")
        draft.chmod(0o600)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text(encoding="utf-8").strip()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """SQLite checks foreign keys only when asked, per connection; write-ahead logging lets
    the solve worker write progress while pages read."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


@login_manager.user_loader
def _load_user(user_id: str):
    """The signed-in user, only while their session exists on the server (see
    `accounts.session_user`): a copied cookie stops working once its session is ended."""
    from flask import current_app, session

    from .accounts import SESSION_TOKEN, session_user

    return session_user(user_id, session.get(SESSION_TOKEN),
                        timedelta(hours=current_app.config["SESSION_MAX_HOURS"]))
