"""How a request is named on the resident's and the chief's lists."""

from __future__ import annotations

from web.models import Request
from web.requests.services import describe


def test_a_week_is_named_by_its_monday_whichever_day_the_request_holds():
    """The demo's moved requests held a Saturday (6 Mar 2027) and a Sunday (14 Feb 2027):
    they read as weeks starting on those days, which no week does (browser walk-through)."""
    asked = Request(kind="vacation", details={"weeks": ["2027-03-06", "2027-02-14"]})
    assert describe(asked) == "Vacation: weeks of 1 Mar 2027, 8 Feb 2027"
    off = Request(kind="avoid", details={"service": "NF", "weeks": ["2027-03-01",
                                                                     "2027-03-07"]})
    assert describe(off) == "Not on NF: week of 1 Mar 2027"
