"""A program's file: import it, export it, and get back exactly what went in."""

from __future__ import annotations

from pathlib import Path

import tomli_w
from hypothesis import HealthCheck, given, settings
from program_strategies import programs
from sqlalchemy import select
from web_support import program_id, sign_in, upload

from scheduler import load_program, load_program_file, load_program_text
from web import program_file
from web.extensions import db
from web.models import Program, Request, Resident

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "duke.toml"


def _chief(app, client, make_user, program="Duke IR") -> int:
    make_user("chief@example.org", program, "chief")
    sign_in(client, "chief@example.org")
    return program_id(app, program)


def test_the_sample_program_round_trips_exactly(app, client, make_user):
    pid = _chief(app, client, make_user)
    response = upload(client, f"/programs/{pid}/import", "file", "duke.toml",
                      SAMPLE.read_text(encoding="utf-8"))
    assert response.status_code == 302
    page = client.get(f"/programs/{pid}/").get_data(as_text=True)
    assert "The program is complete and valid" in page

    exported = client.get(f"/programs/{pid}/program.toml")
    assert exported.status_code == 200
    assert "attachment" in exported.headers["Content-Disposition"]
    text = exported.get_data(as_text=True)
    assert load_program_text(text).program == load_program_file(SAMPLE).program

    # Importing the export again changes nothing: the file is a fixed point.
    upload(client, f"/programs/{pid}/import", "file", "again.toml", text)
    assert client.get(f"/programs/{pid}/program.toml").get_data(as_text=True) == text


def test_a_wrong_file_changes_nothing_and_every_error_is_listed(app, client, make_user):
    pid = _chief(app, client, make_user)
    upload(client, f"/programs/{pid}/import", "file", "duke.toml", SAMPLE.read_text())
    before = client.get(f"/programs/{pid}/program.toml").get_data(as_text=True)
    broken = SAMPLE.read_text().replace('code = "SICU"', 'code = "SICU"\nmin_present = -1', 1)
    broken = broken.replace('calendar = "months"', 'calendar = "fortnights"', 1)
    response = upload(client, f"/programs/{pid}/import", "file", "broken.toml", broken)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "nothing was changed" in page
    assert "program.calendar" in page and ".min_present" in page
    # each error says where, as a person counts: the line, and entries from 1
    sicu = broken.splitlines().index("min_present = -1") + 1
    index = broken.split("[[rotation]]").index(next(
        part for part in broken.split("[[rotation]]") if 'code = "SICU"' in part))
    assert f"line {sicu}, rotation {index}, min present" in page
    assert "line 13, program, calendar" in page
    assert client.get(f"/programs/{pid}/program.toml").get_data(as_text=True) == before


def test_not_a_program_file_is_refused_with_a_reason(app, client, make_user):
    pid = _chief(app, client, make_user)
    for name, content, message in [
        ("notes.txt", "hello", "A program file ends in .toml."),
        ("binary.toml", b"\xff\xfe\x00", "The file is not UTF-8 text."),
        ("bad.toml", "format = = 1", "not valid TOML"),
    ]:
        page = upload(client, f"/programs/{pid}/import", "file", name, content
                      ).get_data(as_text=True)
        assert message in page, name


def test_reimporting_keeps_residents_accounts_and_pending_requests(app, client, make_user):
    pid = _chief(app, client, make_user)
    upload(client, f"/programs/{pid}/import", "file", "duke.toml", SAMPLE.read_text())
    with app.app_context():
        program = db.session.get(Program, pid)
        resident = program.residents[0]
        resident_id, key = resident.id, resident.key
        db.session.add(Request(program=program, resident=resident, kind="vacation",
                               details={"weeks": ["2027-08-02"]}, status="pending",
                               position=999))
        db.session.commit()
    upload(client, f"/programs/{pid}/import", "file", "duke.toml", SAMPLE.read_text())
    with app.app_context():
        same = db.session.scalar(select(Resident).where(Resident.program_id == pid,
                                                        Resident.key == key))
        assert same.id == resident_id
        statuses = [r.status for r in db.session.get(Program, pid).requests]
        assert statuses.count("pending") == 1
        # Pending requests are not part of the file the solver sees.
        assert len(load_program_text(program_file.export_toml(
            db.session.get(Program, pid))).program.requests) == len(statuses) - 1


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(raw=programs())
def test_any_valid_program_round_trips_exactly(app, raw):
    expected = load_program(raw).program
    with app.app_context():
        program = Program(name=f"Round trip {id(raw)}")
        db.session.add(program)
        db.session.flush()
        result = program_file.import_text(program, tomli_w.dumps(raw))
        assert result.ok, result.errors
        db.session.commit()
        db.session.expire_all()
        exported = program_file.export_toml(db.session.get(Program, program.id))
        assert load_program_text(exported).program == expected
        db.session.delete(program)
        db.session.commit()
