"""Every closed set is defined once and everything else is derived from it: adding a rule kind
or a calendar to the schema reaches the forms, the database and the explanations, or fails
here, loudly."""

from __future__ import annotations

from scheduler.calendar import BLOCKS_PER_YEAR, CALENDAR_NAMES, CALENDARS, Calendar
from scheduler.schema import RULE_KINDS, RUN_KINDS, ProgramInfo
from solver.checker import RULE_CHECKS, _Checker
from solver.describe import RULE_SENTENCES
from web.models import program as program_models
from web.programs.forms import SettingsForm
from web.setup.forms import RULE_CHOICES


def test_every_rule_kind_has_a_sentence_a_form_choice_and_a_database_value():
    assert set(RULE_SENTENCES) == set(RULE_KINDS) == set(RULE_CHECKS)
    assert all(callable(getattr(_Checker, method)) for method in RULE_CHECKS.values())
    assert [c.value for c in RULE_CHOICES] == list(RULE_KINDS)
    assert all(c.label for c in RULE_CHOICES)
    assert program_models.RULE_KINDS == tuple(RULE_KINDS)
    assert set(RUN_KINDS) == {"max_consecutive", "min_consecutive"}


def test_every_calendar_has_its_block_count_a_name_and_a_form_choice():
    assert set(BLOCKS_PER_YEAR) == set(CALENDAR_NAMES) == set(CALENDARS)
    assert ProgramInfo.model_fields["calendar"].default in CALENDARS
    from datetime import date

    for kind in CALENDARS:
        year = Calendar(date(2027, 7, 1), kind)
        assert len(year.blocks) == year.num_blocks == BLOCKS_PER_YEAR[kind]
        assert year.blocks[-1].end == year.year_end
    choices = SettingsForm.calendar.kwargs["choices"]
    assert [c.value for c in choices] == list(CALENDARS)


def test_every_list_of_a_program_file_has_its_words_one_and_many():
    """A refusal counts the entries of a list by its own noun ('and 34 more residents'):
    a list added to the program file has its words too, or fails here."""
    from scheduler.sources import LISTS
    from web.entries import _KINDS

    assert set(_KINDS) == set(LISTS)
    assert all(one and many and one != many for one, many in _KINDS.values())
