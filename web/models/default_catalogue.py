"""Every program is made with its case-log catalogue: the default categories, procedure types
and targets (`caselog.load_default`), copied in the same transaction that inserts the
program, so no page ever has to create it on first view."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, TableClause, event, insert

from caselog import load_default

from .cases import CaseTarget, ProcedureCategory, ProcedureType
from .columns import table_of
from .program import Program


@dataclass(frozen=True)
class CatalogueTables:
    """The three tables the catalogue lives in (a migration passes its own definitions)."""

    category: TableClause
    type: TableClause
    target: TableClause


MODEL_TABLES = CatalogueTables(table_of(ProcedureCategory), table_of(ProcedureType),
                               table_of(CaseTarget))


def insert_default(connection: Connection, program_id: int,
                   tables: CatalogueTables = MODEL_TABLES) -> None:
    """Copy the default catalogue and targets into the program."""
    default = load_default()
    for i, category in enumerate(default.category):
        category_id = connection.execute(insert(tables.category).values(
            program_id=program_id, position=i, code=category.code, name=category.name,
            kind=category.kind).returning(tables.category.c.id)).scalar_one()
        if category.procedures:
            connection.execute(insert(tables.type), [
                {"program_id": program_id, "category_id": category_id, "position": j,
                 "code": p.code, "name": p.name, "cpt": list(p.cpt)}
                for j, p in enumerate(category.procedures)])
    if default.target:
        connection.execute(insert(tables.target), [
            {"program_id": program_id, "position": i,
             "entry": target.model_dump(exclude_defaults=True)}
            for i, target in enumerate(default.target)])


@event.listens_for(Program, "after_insert")
def _program_made_with_its_catalogue(_mapper, connection: Connection, program: Program
                                     ) -> None:
    insert_default(connection, program.id)
