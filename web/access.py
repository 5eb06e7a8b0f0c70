"""Who may see and do what in a program.

Every page of a program goes through `program_page(*roles)`: it loads the program named in the
URL and lets the request through only when the signed-in user holds one of `roles` in it.
Someone with no role in the program gets 404, the same answer as for a program that does not
exist, so ids cannot be probed; a member whose role is not allowed gets 403. The view runs in
the request's one transaction (`transaction.in_one_transaction`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, g
from flask_login import current_user, login_required

from .extensions import db
from .models import Program
from .transaction import in_one_transaction

# Role sets, by what they may do.
MANAGERS = ("admin", "program_director", "coordinator", "chief")   # set up, solve, publish
STAFF = (*MANAGERS, "faculty")                                      # see the whole program
EVERYONE = (*STAFF, "resident")


def program_page(*roles: str) -> Callable:
    """Decorate a view taking `program` (a Program) in place of the URL's `program_id`."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def guarded(program_id: int, **kwargs: Any):
            program = db.session.get(Program, program_id)
            held = current_user.roles_in(program) if program is not None else set()
            if not held:
                abort(404)
            if not held & set(roles):
                abort(403)
            g.program, g.roles = program, held
            return in_one_transaction(view)(program, **kwargs)

        return guarded

    return decorate


def can(*roles: str) -> bool:
    """Whether the current user holds one of `roles` in the program of this request."""
    return bool(set(g.get("roles", ())) & set(roles))
