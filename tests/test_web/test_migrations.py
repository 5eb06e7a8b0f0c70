"""Migrations: an empty database migrates to the latest schema and back down to nothing and up
again; a database of the previous release, full of data, upgrades with every row kept."""

from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import Integer, func, inspect, select, text
from web_support import csrf_token, log_case, post_form, sign_in, type_id

from web.extensions import db
from web.models import Case


def _revisions() -> tuple[str, str]:
    """(the latest revision, the one before it: the previous release's schema)."""
    config = current_app.extensions["migrate"].migrate.get_config()
    head = ScriptDirectory.from_config(config).get_current_head()
    previous = ScriptDirectory.from_config(config).get_revision(head).down_revision
    return head, previous


def _tables() -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def _row_counts() -> dict[str, int]:
    with db.engine.connect() as conn:
        return {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one()
                for t in sorted(_tables())}


def test_an_empty_database_goes_down_to_nothing_and_up_again(app):
    with app.app_context():
        tables = _tables()
        assert {"program", "user", "case", "schedule", "audit_event"} <= tables
        downgrade(revision="base")
        assert _tables() == set()
        upgrade()
        assert _tables() == tables


def test_the_previous_releases_database_upgrades_with_every_row_kept(app, client, cases):
    pid = cases["id"]
    sign_in(client, "ash@example.org")
    log_case(client, pid, primary=str(type_id(app, "EMBO-TUMOR")),
             attending=str(cases["faculty"]))
    log_case(client, pid, primary=str(type_id(app, "BIOPSY-LIVER")))
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "dr.quill@example.org")
    with app.app_context():
        first = db.session.scalar(select(func.min(Case.id)))
    post_form(client, f"/programs/{pid}/cases/{first}/verify", f"/programs/{pid}/verify",
              action="verify")
    with app.app_context():
        head, previous = _revisions()
        before = _row_counts()
        assert before["case"] == 2 and before["case_tally"] > 0
        downgrade(revision=previous)
        kept = _row_counts()          # the previous release's tables, as it would hold them
        upgrade()
        after = _row_counts()
        states = db.session.execute(select(Case.id, Case.state).order_by(Case.id)).all()
        version = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert version == head and set(after) == set(before)
    assert {t: before[t] for t in kept} == kept == {t: after[t] for t in kept}
    assert [s for _, s in states] == ["verified", "pending"]
    resident = app.test_client()     # a new browser: the round trip may end sessions
    sign_in(resident, "ash@example.org")
    assert "verified" in resident.get(f"/programs/{pid}/my/cases").get_data(as_text=True)


# Each revision that let the audit log hold new kinds of event, and one of those kinds.
AUDIT_REVISIONS = [("a3f9c1e7d2b4", "resident.archived"), ("b0e3a24d480f", "case.deleted"),
                   ("7c41e9d2a6b8", "resident.linked"), ("43c288ef16a9", "time_zone.changed"),
                   ("9d2e6b7c4f15", "settings.changed"), ("5b8e1d3f7a20", "setup.added")]


@pytest.mark.parametrize(("revision", "action"), AUDIT_REVISIONS)
def test_a_downgrade_that_would_lose_audit_events_is_refused_before_it_changes_anything(
        app, revision, action):
    """Events of a kind the earlier schema cannot hold (a resident archived, a case its
    resident deleted) make the downgrade past the revision that allowed them stop at once:
    the log keeps every event and stays append-only."""
    from web import audit

    with app.app_context():
        config = current_app.extensions["migrate"].migrate.get_config()
        earlier = ScriptDirectory.from_config(config).get_revision(revision).down_revision
        audit.record(action, program=None, actor=None, subject="an event of that kind")
        db.session.commit()
        downgrade(revision=revision)      # what came after it holds nothing of the log's
        with pytest.raises(SystemExit):   # Flask-Migrate logs the refusal and exits
            downgrade(revision=earlier)
        db.session.rollback()
        version = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert version == revision
        assert db.session.execute(text("SELECT count(*) FROM audit_event")).scalar() == 1
        with pytest.raises(Exception, match="append-only"):
            db.session.execute(text("DELETE FROM audit_event"))
        db.session.rollback()


def test_ids_are_never_given_twice_and_the_rebuilt_tables_keep_their_guards(app):
    """The revision that made SQLite count ids on (1d7a5e3c9b20) rebuilt every table: after
    going down past it and up again, a deleted newest entry's id is not given again, and the
    audit log keeps its row and still refuses changes."""
    from web import audit
    from web.models import Program

    with app.app_context():
        audit.record("role.granted", program=None, actor=None, subject="kept")
        db.session.commit()
        downgrade(revision="f4b8d2c6a1e9")
        upgrade()
        first = Program(name="Gone IR", name_key="gone ir")
        db.session.add(first)
        db.session.commit()
        gone = first.id
        db.session.delete(first)
        db.session.commit()
        again = Program(name="New IR", name_key="new ir")
        db.session.add(again)
        db.session.commit()
        assert again.id > gone
        assert db.session.execute(text("SELECT count(*) FROM audit_event")).scalar() == 1
        with pytest.raises(Exception, match="append-only"):
            db.session.execute(text("UPDATE audit_event SET subject = 'changed'"))
        db.session.rollback()


def test_every_table_with_a_whole_number_id_counts_on(app):
    """After the migrations, every SQLite table whose key is one whole-number column says
    AUTOINCREMENT, so that no later revision silently rebuilt one without it (Alembic's
    batch mode does not carry it over by itself)."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL's sequences never give an id twice")
        counted, plain = [], []
        for table in db.metadata.sorted_tables:
            key = list(table.primary_key.columns)
            if len(key) != 1 or not isinstance(key[0].type, Integer) or key[0].foreign_keys:
                continue
            stored = db.session.execute(text(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :name"),
                {"name": table.name}).scalar_one()
            (counted if "AUTOINCREMENT" in stored else plain).append(table.name)
    assert plain == [] and {"case", "request", "blackout", "audit_event"} <= set(counted)
