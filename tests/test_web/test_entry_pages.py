"""Requirements and rules in the browser: listed in words, added and changed through forms
checked as a program file is, deleted; and the solver's conflicts link to them."""

from __future__ import annotations

from sqlalchemy import select
from test_solving import CONFLICT, TINY
from web_support import chief_imports, confirmations, post_form

from scheduler import load_program_text
from web import program_file
from web.extensions import db
from web.links import edit_link
from web.models import Program, Requirement, Rule


def _chief(app, client, make_user, text=TINY) -> int:
    return chief_imports(app, client, make_user, text)




def test_requirements_are_listed_in_words(app, client, make_user):
    pid = _chief(app, client, make_user)
    page = client.get(f"/programs/{pid}/requirements").get_data(as_text=True)
    assert "R2 SICU" in page and "SICU" in page


def test_delete_buttons_name_entries_by_their_name_not_their_place(app, client, make_user):
    """A named requirement is named by its name, an unnamed rule by what it says; never
    'requirement 1' (browser walk-through)."""
    pid = _chief(app, client, make_user, CONFLICT)
    page = client.get(f"/programs/{pid}/requirements").get_data(as_text=True)
    assert confirmations(page) == [
        "Delete requirement “R2 SICU” — R2 residents need exactly 1 block of SICU each "
        "(2 residents, 2 blocks in all)?"]
    assert 'aria-label="Delete requirement “R2 SICU”"' in page
    page = client.get(f"/programs/{pid}/rules").get_data(as_text=True)
    assert confirmations(page) == ["Delete this rule — SICU is closed in blocks 2-12?"]
    assert 'aria-label="Delete coverage rule on SICU"' in page
    assert "rule 1" not in page


def test_a_new_requirement_goes_into_the_program_file(app, client, make_user):
    pid = _chief(app, client, make_user)
    response = post_form(client, f"/programs/{pid}/requirements/new", name="R1 DR months",
                     target="DR", levels=["R1"], min="6", scope="year", hard="y")
    assert response.status_code == 302
    with app.app_context():
        exported = load_program_text(program_file.export_toml(db.session.get(Program, pid)))
        added = exported.program.requirements[-1]
        assert (added.name, added.rotation, added.levels, added.min, added.hard) == (
            "R1 DR months", "DR", ["R1"], 6, True)


def test_requirement_mistakes_are_shown_on_their_fields(app, client, make_user):
    pid = _chief(app, client, make_user)
    page = post_form(client, f"/programs/{pid}/requirements/new", target="DR", min="5",
                 max="2").get_data(as_text=True)
    assert "aria-invalid" in page
    page = post_form(client, f"/programs/{pid}/requirements/new", target="DR", exactly="2",
                 weight="").get_data(as_text=True)  # soft (hard unticked) without a weight
    assert "weight" in page.lower()
    with app.app_context():
        assert len(db.session.get(Program, pid).requirements) == 1


def test_requirement_and_rule_mistakes_are_said_in_the_forms_words(app, client, make_user):
    """The validator's messages name the file's keys ('max 2 is below min 5', 'a soft entry
    (hard = false) needs a weight'), which the command line keeps; a form says them with its
    own labels (browser walk-through)."""
    pid = _chief(app, client, make_user)
    new = f"/programs/{pid}/requirements/new"
    said = {
        "“At most” (2) is below “At least” (5)":
            dict(target="DR", min="5", max="2", scope="year", hard="y"),
        "“Exactly” cannot be combined with “At least” or “At most”: give one or the others":
            dict(target="DR", exactly="2", min="1", scope="year", hard="y"),
        "Give “Exactly”, or “At least” and/or “At most”":
            dict(target="DR", scope="year", hard="y"),
        "Give “Weight per block short or over” (what breaking it costs), or tick “Must hold”":
            dict(target="DR", exactly="2", scope="year"),
    }
    for sentence, form in said.items():
        page = post_form(client, new, **form).get_data(as_text=True)
        assert sentence in page, sentence
    new = f"/programs/{pid}/rules/new"
    said = {
        "A coverage rule needs “Coverage: at least” and/or “Coverage: at most”":
            dict(kind="coverage", target="IR", hard="y"),
        "“Coverage: at most” (1) is below “Coverage: at least” (2)":
            dict(kind="coverage", target="IR", min="2", max="1", hard="y"),
        "“Consecutive: N blocks” is needed": dict(kind="max_consecutive", target="IR",
                                                   hard="y"),
        "“Prerequisite: after” is needed": dict(kind="prerequisite", target="IR", hard="y"),
    }
    for sentence, form in said.items():
        page = post_form(client, new, **form).get_data(as_text=True)
        assert sentence in page, sentence
        assert "missing required key" not in page and "min and/or max" not in page
    with app.app_context():
        program = db.session.get(Program, pid)
        assert (len(program.requirements), len(program.rules)) == (1, 0)


def test_rules_of_each_kind_are_saved_from_the_form(app, client, make_user):
    pid = _chief(app, client, make_user)
    new = f"/programs/{pid}/rules/new"
    assert post_form(client, new, kind="coverage", target="IR", min="1", blocks=["1", "2"],
                 hard="y").status_code == 302
    assert post_form(client, new, kind="max_consecutive", target="SICU", run="1",
                 weight="3").status_code == 302
    assert post_form(client, new, kind="prerequisite", target="SICU", requires="IR",
                 hard="y").status_code == 302
    with app.app_context():
        rules = load_program_text(program_file.export_toml(db.session.get(Program, pid))
                                  ).program.rules
        assert [r.kind for r in rules] == ["coverage", "max_consecutive", "prerequisite"]
        assert rules[0].blocks == [1, 2] and rules[1].blocks == 1 and not rules[1].hard
        assert rules[2].requires == "IR"
    listing = client.get(f"/programs/{pid}/rules").get_data(as_text=True)
    assert "soft, weight 3" in listing


def test_a_consecutive_rule_without_its_length_is_refused(app, client, make_user):
    pid = _chief(app, client, make_user)
    page = post_form(client, f"/programs/{pid}/rules/new", kind="min_consecutive", target="IR",
                 hard="y").get_data(as_text=True)
    assert "aria-invalid" in page
    with app.app_context():
        assert db.session.scalar(select(Rule.id)) is None


def test_editing_and_deleting_a_rule(app, client, make_user):
    pid = _chief(app, client, make_user, CONFLICT)
    with app.app_context():
        rule_id = db.session.scalar(select(Rule.id))
    form = client.get(f"/programs/{pid}/rules/{rule_id}").get_data(as_text=True)
    assert 'value="coverage" selected' in form or "selected" in form
    response = post_form(client, f"/programs/{pid}/rules/{rule_id}", kind="coverage",
                     target="SICU", max="1", blocks=["2", "3"], hard="y")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Rule, rule_id).entry["blocks"] == [2, 3]
    post_form(client, f"/programs/{pid}/rules/{rule_id}/delete",
          form_page=f"/programs/{pid}/rules")
    with app.app_context():
        assert db.session.get(Rule, rule_id) is None


def test_conflict_sources_link_to_these_forms(app, client, make_user):
    pid = _chief(app, client, make_user, CONFLICT)
    with app.test_request_context(), app.app_context():
        program = db.session.get(Program, pid)
        requirement = db.session.scalar(select(Requirement.id))
        assert edit_link(program, "requirement[0]").endswith(f"/requirements/{requirement}")
        assert "/rules/" in edit_link(program, "rule[0]")
    assert client.get(f"/programs/{pid}/requirements/{requirement}").status_code == 200
