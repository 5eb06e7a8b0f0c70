"""Fuzzing the web app's program-file import: no file, however broken, crashes it.

The CLI fuzzer's mutations of a valid program file, edits of its text, raw text and bytes, and
programs the engine accepts but a database may not (names renamed everywhere to long, unicode,
control-character or NUL text) are imported into a program — through the service for most
examples, through the upload page for a few. A refused file changes nothing and lists its
errors, each with a path and a message; an accepted one is stored and exports back to the
same program; the page answers 200 with the errors or 302, never a server error.
"""

from __future__ import annotations

import copy
import io
import re
from collections import Counter
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from test_solver.test_fuzz_cli import BASE, mutated_programs, mutated_texts, tweaked_programs
from web_support import PASSWORD, csrf_token, sign_in

from scheduler import load_program_text
from web import program_file
from web.accounts import create_user, program_named
from web.extensions import db
from web.models import Program

FUZZ = settings(deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])
# Text a name may be renamed to: longer than any column, every kind of odd character.
HOSTILE = st.one_of(
    st.sampled_from(["x" * 201, "R" * 51, "A" * 65, "i" * 101, "\x00", "a\x00b", "\u202e",
                     "😀" * 60, "=cmd|' /C calc'!A0", "<script>alert(1)</script>", "Ω" * 300,
                     " ", "\t", "'; DROP TABLE program; --", "\ufeff", "a\r\nb"]),
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=150, max_size=600),
)


def _strings(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set(value).union(*map(_strings, value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*map(_strings, value)) if value else set()
    return set()


def _rename(value: Any, old: str, new: str) -> Any:
    if isinstance(value, str):
        return new if value == old else value
    if isinstance(value, dict):
        return {_rename(k, old, new): _rename(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_rename(v, old, new) for v in value]
    return value


@st.composite
def renamed_programs(draw) -> dict[str, Any]:
    """The valid base program with one to three of its words (a name, code, level, track,
    resident id ...) replaced everywhere by hostile text: cross-references still hold, so
    many of these pass the engine's checks and reach the database."""
    raw = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 3))):
        old = draw(st.sampled_from(sorted(_strings(raw) - {"months", "year", "residency"})))
        raw = _rename(raw, old, draw(HOSTILE))
    return raw


def _toml(raw: dict[str, Any]) -> str | None:
    try:
        return tomli_w.dumps(raw)
    except (TypeError, ValueError):
        return None


FILES = st.one_of(
    renamed_programs().map(_toml),
    st.one_of(mutated_programs(), tweaked_programs()).map(_toml),
    mutated_texts(),
    st.text(max_size=300),
).filter(lambda text: text is not None)


def _program(app) -> int:
    """A program holding the base program file; its id."""
    with app.app_context():
        program = Program(name=BASE["program"]["name"])
        db.session.add(program)
        db.session.flush()
        assert program_file.import_text(program, tomli_w.dumps(BASE)).ok
        db.session.commit()
        return program.id


def _exported(pid: int) -> str:
    return program_file.export_toml(db.session.get(Program, pid))


def test_any_file_is_imported_whole_or_refused_with_errors_and_nothing_changed(app):
    pid = _program(app)
    outcomes = Counter()

    @settings(FUZZ, max_examples=200)
    @given(text=FILES)
    def imported(text):
        note(repr(text))
        with app.app_context():
            before = _exported(pid)
            result = program_file.import_text(db.session.get(Program, pid), text)
            outcomes["imported" if result.ok else "refused"] += 1
            if result.ok:
                db.session.commit()
                db.session.expire_all()
                assert load_program_text(_exported(pid)).program == result.program
            else:
                db.session.rollback()
                assert result.errors and result.program is None
                for error in result.errors:
                    assert isinstance(error.path, str) and error.message
                assert _exported(pid) == before
            db.session.remove()

    imported()
    assert outcomes["imported"] >= 10 and outcomes["refused"] >= 10, outcomes


@pytest.fixture
def chief(app, client):
    """A chief of a program holding the base file, signed in; the program's id."""
    pid = _program(app)
    with app.app_context():
        program = program_named(BASE["program"]["name"])[0]
        create_user("chief@example.org", PASSWORD, program, "chief")
        db.session.commit()
    sign_in(client, "chief@example.org")
    return pid


def test_the_upload_page_never_fails_on_a_file(app, client, chief):
    path = f"/programs/{chief}/import"
    token = csrf_token(client, path)
    statuses = Counter()

    @settings(FUZZ, max_examples=40)
    @given(content=st.one_of(FILES.map(lambda t: t.encode("utf-8", "surrogatepass")),
                             st.binary(max_size=300)),
           filename=st.sampled_from(["program.toml"] * 4 + ["p.TOML", "program.txt",
                                                            "x.toml.exe", ""]))
    def uploaded(content, filename):
        with app.app_context():
            before = _exported(chief)
        response = client.post(path, data={"file": (io.BytesIO(content), filename),
                                           "csrf_token": token},
                               content_type="multipart/form-data")
        assert response.status_code in (200, 302), response.status_code
        statuses[response.status_code] += 1
        with app.app_context():
            if response.status_code == 200:   # refused: the reasons shown, nothing changed
                assert 'role="alert"' in response.get_data(as_text=True)
                assert _exported(chief) == before
            else:   # imported: its pages and its export still work, whatever its names
                assert load_program_text(_exported(chief)).ok
        if response.status_code == 302:
            for page in ("/", "/program.toml", "/import"):
                assert client.get(f"/programs/{chief}{page}").status_code == 200, page

    uploaded()
    assert statuses[200] >= 5 and statuses[302] >= 3, statuses


def test_text_a_column_cannot_keep_is_refused_with_its_path(app, client, chief):
    def refused(raw) -> str:
        response = client.post(f"/programs/{chief}/import", data={
            "file": (io.BytesIO(tomli_w.dumps(raw).encode()), "program.toml"),
            "csrf_token": csrf_token(client, f"/programs/{chief}/import")},
            content_type="multipart/form-data")
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and "nothing was changed" in page
        return page

    too_long = refused(_rename(copy.deepcopy(BASE), "A", "A" * 65))
    assert re.search(r"line \d+, rotation 1, code</strong>: at most 64 characters here "
                     r'<code class="muted">rotation\[0\]\.code</code>', too_long)
    nul = refused(_rename(copy.deepcopy(BASE), "Ann", "Ann\x00"))
    assert re.search(r"resident 1, name</strong>: holds an invisible or control "
                     r"character \(U\+0000", nul)
