"""Fuzzing the roster upload (issue 18: every upload route fuzzed): random bytes, CSV with a
valid header and hostile cells, huge cells, binary junk and look-alike names go through the
residents page. The page answers with the roster imported whole or refused with reasons,
never a server error, and a refused file changes nothing."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from test_setup_pages import _signed_in_chief
from web_support import csrf_token

from web.extensions import db
from web.models import Resident

CELLS = st.one_of(
    st.sampled_from(["", "R1", "R2", "DR", "IR", "ESIR", "R9", "x" * 300, "\x00", "ash\u200b",
                     "Ａｓｈ", "=cmd|' /C calc'!A0", "3", "-1", "NM=2; BREAST=1", "NM=x",
                     "\ufeffid", "a\nb", "😀", "\u202e"]),
    st.text(max_size=20))
COLUMNS = ["id", "name", "level", "track", "vacation_weeks", "history"]


@st.composite
def rosters(draw) -> bytes:
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return draw(st.binary(max_size=300))
    header = draw(st.lists(st.sampled_from(COLUMNS + ["Pager", ""]), min_size=1, max_size=7))
    rows = [header] + [[draw(CELLS) for _ in header]
                       for _ in range(draw(st.integers(0, 5)))]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


def test_any_roster_is_imported_whole_or_refused_with_reasons(app, client, make_user):
    pid = _signed_in_chief(app, client, make_user)
    page = f"/programs/{pid}/residents"
    token = csrf_token(client, page)

    def count() -> int:
        with app.app_context():
            return db.session.scalar(select(func.count(Resident.id)).where(
                Resident.program_id == pid))

    @settings(max_examples=60, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(roster=rosters())
    def upload(roster):
        before = count()
        response = client.post(f"{page}/import", data={
            "file": (io.BytesIO(roster), "roster.csv"), "csrf_token": token},
            content_type="multipart/form-data")
        assert response.status_code in (302, 422), response.status_code
        if response.status_code == 422:    # refused: the reasons, and nothing changed
            assert "nothing was changed" in response.get_data(as_text=True)
            assert count() == before
        else:                               # imported whole, or not text at all: said so
            said = client.get(page).get_data(as_text=True)
            assert "Imported residents" in said or "not UTF-8" in said
            assert count() >= before

    upload()
