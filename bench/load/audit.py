"""After the load: does the database hold every case the server accepted, and no other? And
do the running tallies (what dashboards and progress pages count) agree with the cases?"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CaseAudit:
    seeded: int                 # cases logged before the load began
    accepted: int               # cases the server accepted during the load (users' counts)
    in_database: int            # case rows after the load
    counted: int                # cases the tally counts (all cases not returned)
    not_returned: int           # case rows not returned by their attending
    # e-mail -> (cases that resident should have: seeded + accepted, rows in the database)
    mismatched: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return (self.in_database == self.seeded + self.accepted and not self.mismatched
                and self.counted == self.not_returned)


def audit(url: str, seeded_per_resident: int, accepted: dict[str, int],
          residents: list[str], seeded: int) -> CaseAudit:
    """Compare the database at `url` with what each resident was told was logged."""
    from sqlalchemy import func, select

    from caselog.progress import ALL
    from web import create_app
    from web.extensions import db
    from web.models import Case, CaseTally, Resident, User

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "audit"})
    with app.app_context():
        rows = dict(db.session.execute(
            select(User.email, func.count(Case.id)).join(Resident, Resident.user_id == User.id)
            .join(Case, Case.resident_id == Resident.id).group_by(User.email)).all())
        result = CaseAudit(
            seeded=seeded, accepted=sum(accepted.values()),
            in_database=db.session.scalar(select(func.count(Case.id))),
            counted=db.session.scalar(select(func.coalesce(func.sum(CaseTally.n), 0))
                                      .where(CaseTally.measure == ALL)),
            not_returned=db.session.scalar(select(func.count(Case.id))
                                           .where(Case.state != "returned")))
        for email in residents:
            expected = seeded_per_resident + accepted.get(email, 0)
            if rows.get(email, 0) != expected:
                result.mismatched[email] = (expected, rows.get(email, 0))
        db.engine.dispose()
    return result
