"""The running case tallies the dashboards read agree with the cases themselves: after any
mix of logging, verifying, returning and importing, after a rebuild, and after the migration
that introduced them tallied the cases already there."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from caselog.progress import case_keys
from web.cases import imports, services, tally
from web.extensions import db
from web.models import Case, Program, Resident, User


def _recount(program: Program, by_day: str = "") -> dict[tuple, int]:
    """(resident, measure key) -> cases that count, straight from the cases; with `by_day`,
    (resident, day) -> cases that count toward that key."""
    catalogue = services.catalogue_of(program)
    found: Counter[tuple] = Counter()
    for case in db.session.scalars(select(Case).where(Case.program_id == program.id)):
        if case.state == "returned" or (case.state == "pending"
                                        and not program.count_unverified):
            continue
        for key in case_keys([p.type.code for p in case.procedures], catalogue):
            if not by_day:
                found[(case.resident_id, key)] += 1
            elif key == by_day:
                found[(case.resident_id, case.day)] += 1
    return dict(found)


def _days(program: Program, key: str) -> dict[tuple, int]:
    return {(rid, day): n for rid, days in tally.daily(program, key, date.min).items()
            for day, n in days}


def _day_of(rng: random.Random, program, resident) -> date:
    """A day of the resident's residency so far, at random (up to 700 days back)."""
    began = services.residency_began(program, resident)
    return date.today() - timedelta(days=rng.randrange(min(700, (date.today() - began).days + 1)))


def _busy_day(app, program_id: int, seed: int) -> None:
    """Log, verify, return and import cases at random."""
    rng = random.Random(seed)
    with app.app_context():
        program = db.session.get(Program, program_id)
        residents = list(program.residents)
        types = [t.id for c in services.categories(program) for t in c.types]
        quill = db.session.scalar(select(User).where(User.email == "dr.quill@example.org"))
        for _ in range(40):
            resident = rng.choice(residents)
            data = {"day": _day_of(rng, program, resident),
                    "primary": rng.choice(types), "others": rng.sample(types, rng.randrange(3)),
                    "attending": quill.id}
            case, outcome = services.log_case(program, resident, data)
            assert outcome.ok
        for case in db.session.scalars(select(Case)).all():
            if rng.random() < 0.5:
                services.verify(case, quill, rng.random() < 0.7, "wrong category")
        rows = "date,resident,procedure,other procedures,status\n" + "".join(
            f"{date.today() - timedelta(days=rng.randrange(900))},{rng.choice(residents).key},"
            f"{rng.choice(['PICC', 'UFE', 'MAMMO-SCREEN'])},ANGIO-ARTERIAL,"
            f"{rng.choice(['pending', 'verified'])}\n" for _ in range(30))
        result = imports.import_cases(program, "old.csv", rows.encode(), may_verify=True)
        assert result.ok, result.errors
        db.session.commit()


def test_the_tally_matches_the_cases_after_any_mix_of_changes(app, cases):
    _busy_day(app, cases["id"], seed=7)
    with app.app_context():
        program = db.session.get(Program, cases["id"])
        mqsa = "cat:MAMMO-READ"         # the default MQSA target's, kept per day too
        assert tally.windowed_keys(program) == {mqsa}
        for count_unverified in (True, False):
            program.count_unverified = count_unverified
            expected, reads = _recount(program), _recount(program, by_day=mqsa)
            assert tally.totals(program) == expected and _days(program, mqsa) == reads
            tally.rebuild(program)
            assert tally.totals(program) == expected and _days(program, mqsa) == reads
        assert sum(n for (_, key), n in expected.items() if key == "*") > 20
        assert sum(reads.values()) > 3


def test_the_migration_tallies_cases_logged_before_it(app, cases):
    _busy_day(app, cases["id"], seed=11)
    with app.app_context():
        program = db.session.get(Program, cases["id"])
        before = tally.totals(program), _days(program, "cat:MAMMO-READ")
        ids = [r.id for r in db.session.scalars(select(Resident))]
        db.session.commit()
        downgrade(revision="3541ee127241")   # the release before tallies
        upgrade()
        db.session.expire_all()
        program = db.session.get(Program, cases["id"])
        assert (tally.totals(program), _days(program, "cat:MAMMO-READ")) == before
        assert {rid for rid, _ in before[0]} <= set(ids) and before[1]


def test_the_tally_matches_the_cases_after_edits_deletions_and_batch_verifications(app, cases):
    """Residents correct their unverified cases at random (day, procedures, returned cases
    sent back), delete some, and the attending verifies many at once: the tally is still
    exactly a recount of the cases."""
    from web.cases import unverified

    _busy_day(app, cases["id"], seed=13)
    rng = random.Random(13)
    with app.app_context():
        program = db.session.get(Program, cases["id"])
        types = [t.id for c in services.categories(program) for t in c.types]
        quill = db.session.scalar(select(User).where(User.email == "dr.quill@example.org"))
        open_cases = db.session.scalars(select(Case).where(
            Case.program_id == program.id, Case.state != "verified",
            Case.import_key.is_(None))).all()
        assert {c.state for c in open_cases} == {"pending", "returned"}
        edited = deleted = 0
        for case in open_cases:
            if rng.random() < 0.3:
                assert unverified.delete_case(case, case.resident, quill).ok
                deleted += 1
                continue
            data = {"day": _day_of(rng, program, case.resident),
                    "primary": rng.choice(types), "others": rng.sample(types, rng.randrange(3)),
                    "attending": quill.id}
            assert unverified.edit_case(case, case.resident, data, quill).ok
            edited += 1
        waiting = db.session.scalars(select(Case.id).where(
            Case.program_id == program.id, Case.state == "pending",
            Case.attending_id == quill.id)).all()
        count, outcome = unverified.verify_many(program, quill, waiting[::2])
        assert outcome.ok and count == len(waiting[::2]) > 0 and edited and deleted
        db.session.commit()
        mqsa = "cat:MAMMO-READ"
        for count_unverified in (True, False):
            program.count_unverified = count_unverified
            assert tally.totals(program) == _recount(program)
            assert _days(program, mqsa) == _recount(program, by_day=mqsa)
