"""The independent checker on hand-edited schedules: every broken rule with its source, penalties
recomputed, and malformed schedules reported as errors."""

from __future__ import annotations

import json

from program_helpers import HEADER, make_program

from scheduler import Assignment, Schedule, load_schedule_file
from scheduler.schedule import parse_schedule
from solver import checker

PROGRAM = """
[[rotation]]
code = "SICU"
groups = ["ICU"]
min = 1
vacation = false
[[rotation]]
code = "MICU"
groups = ["ICU"]
max = 1
[[rotation]]
code = "IR"
levels = ["R3", "R4", "R5"]
tracks = ["IR"]
[[rotation]]
code = "BODY"

[[resident]]
id = "ann"
name = "Ann Lee"
level = "R3"
track = "IR"
[[resident]]
id = "bob"
level = "R1"
track = "DR"
vacation_weeks = 1
"""

# A schedule that keeps every hard rule of PROGRAM (with 2 vacation weeks by default).
ANN = ["IR"] * 6 + ["SICU"] * 6
BOB = ["SICU"] * 6 + ["BODY"] * 6


def program(extra: str = "", vacation_weeks: int = 2, header: str | None = None):
    return make_program(PROGRAM + extra, vacation_weeks=vacation_weeks, header=header)


def schedule(ann=None, bob=None, ann_weeks=None, bob_weeks=None, **others) -> Schedule:
    residents = {
        "ann": Assignment(list(ann or ANN), list(ann_weeks if ann_weeks is not None else [8, 15])),
        "bob": Assignment(list(bob or BOB), list(bob_weeks if bob_weeks is not None else [40])),
    }
    residents.update(others)
    return Schedule(program="Test program", status="FEASIBLE", residents=residents)


def sources(findings) -> list[str]:
    return [f.source for f in findings]


def test_a_schedule_that_keeps_every_rule_is_valid():
    report = checker.check(program(), schedule())
    assert report.ok
    assert report.errors == []
    assert report.violations == []
    assert report.total_penalty == 0
    assert report.unmet_requests == []


# -- malformed schedules -------------------------------------------------------------------------


def test_unknown_resident_is_an_error():
    report = checker.check(program(), schedule(zoe=Assignment(["BODY"] * 12, [])))
    assert not report.ok
    assert sources(report.errors) == ["residents.zoe"]
    assert "unknown resident 'zoe'" in report.errors[0].message


def test_missing_resident_is_an_error():
    hand = schedule()
    del hand.residents["bob"]
    report = checker.check(program(), hand)
    assert not report.ok
    assert sources(report.errors) == ["residents.bob"]


def test_wrong_number_of_blocks_is_an_error():
    report = checker.check(program(), schedule(ann=ANN[:11]))
    assert not report.ok
    assert sources(report.errors) == ["residents.ann.rotations"]
    assert "11 rotations for 12 blocks" in report.errors[0].message
    report = checker.check(program(), schedule(bob=BOB + ["BODY"]))
    assert sources(report.errors) == ["residents.bob.rotations"]


def test_unknown_rotation_is_an_error():
    report = checker.check(program(), schedule(bob=BOB[:3] + ["CT"] + BOB[4:]))
    assert not report.ok
    assert sources(report.errors) == ["residents.bob.rotations[3]"]
    assert "unknown rotation 'CT'" in report.errors[0].message


def test_week_outside_the_year_is_an_error():
    report = checker.check(program(), schedule(bob_weeks=[53]))
    assert not report.ok
    assert sources(report.errors) == ["residents.bob.vacation_weeks"]


def test_several_shape_errors_are_all_listed():
    report = checker.check(program(), schedule(ann=["XX"] * 12, bob=BOB[:5],
                                               zoe=Assignment(["BODY"] * 12, [])))
    assert set(sources(report.errors)) >= {"residents.zoe", "residents.ann.rotations[0]",
                                           "residents.ann.rotations[11]",
                                           "residents.bob.rotations"}


# -- rotations -----------------------------------------------------------------------------------


def test_rotation_levels_and_tracks():
    # bob (R1, DR) on IR in blocks 7-8: closed to his level and to his track.
    report = checker.check(program(), schedule(bob=BOB[:6] + ["IR", "IR"] + BOB[8:]))
    assert not report.ok
    assert sorted(sources(report.violations)) == ["rotation[2].levels", "rotation[2].tracks"]
    levels = next(f for f in report.violations if f.source == "rotation[2].levels")
    assert "bob (R1) is on IR in blocks 7-8" in levels.message


def test_rotation_min_and_max_per_block():
    # Block 1: nobody on SICU (min 1); block 12: both on MICU (max 1).
    ann = ["IR"] * 6 + ["SICU"] * 5 + ["MICU"]
    bob = ["BODY"] + BOB[1:11] + ["MICU"]
    report = checker.check(program(), schedule(ann=ann, bob=bob))
    assert sorted(sources(report.violations)) == ["rotation[0].min", "rotation[0].min",
                                                  "rotation[1].max"]
    messages = " / ".join(f.message for f in report.violations)
    assert "SICU has 0 in block 1, needs at least 1" in messages
    assert "MICU has 2 in block 12, takes at most 1" in messages


def test_min_present_counts_vacation_weeks():
    p = make_program("""
        [[rotation]]
        code = "CALL"
        min_present = 1
        [[rotation]]
        code = "OFF"
        [[resident]]
        id = "ann"
        level = "R2"
        track = "IR"
        [[resident]]
        id = "bob"
        level = "R2"
        track = "IR"
    """, vacation_weeks=1)
    both = ["CALL"] * 12
    hand = Schedule("Test program", "FEASIBLE",
                    residents={"ann": Assignment(both, [3]), "bob": Assignment(both, [3])})
    report = checker.check(p, hand)
    assert sources(report.violations) == ["rotation[0].min_present"]
    assert report.violations[0].message == (
        "CALL has 0 present on 2027-07-19 to 2027-07-23 (5 working days in block 1), needs 1")
    hand.residents["bob"] = Assignment(both, [4])
    assert checker.check(p, hand).ok
    # Off the rotation for a block: nobody present on any of January's working days.
    hand.residents["bob"] = Assignment(both[:6] + ["OFF"] + both[7:], [4])
    hand.residents["ann"] = Assignment(both[:6] + ["OFF"] + both[7:], [3])
    report = checker.check(p, hand)
    assert [f.message for f in report.violations] == [
        "CALL has 0 present on 2028-01-03 to 2028-01-31 (21 working days in block 7), needs 1"]


# -- vacation ------------------------------------------------------------------------------------


def test_vacation_count_of_program_and_of_resident_override():
    report = checker.check(program(), schedule(ann_weeks=[8], bob_weeks=[40, 45]))
    assert sorted(sources(report.violations)) == ["program.vacation_weeks",
                                                  "resident[1].vacation_weeks"]
    messages = {f.source: f.message for f in report.violations}
    assert "Ann Lee (ann) has 1 vacation week, must have 2" == messages["program.vacation_weeks"]


def test_vacation_weeks_per_block_cap():
    # Weeks 1 and 2 both fall in July.
    report = checker.check(program(), schedule(ann_weeks=[1, 2]))
    assert "program.max_vacation_weeks_per_block" in sources(report.violations)


def test_vacation_on_a_rotation_without_vacation():
    # ann is on SICU (vacation = false) from block 7 (January, weeks 28-31).
    report = checker.check(program(), schedule(ann_weeks=[8, 30]))
    assert sources(report.violations) == ["rotation[0].vacation"]
    assert "while on SICU" in report.violations[0].message


# -- requirements and rules ----------------------------------------------------------------------


def test_hard_requirement_broken():
    report = checker.check(program('[[requirement]]\ngroup = "ICU"\nexactly = 6\n'
                                   'levels = ["R1"]\n'), schedule(bob=["BODY"] + BOB[1:]))
    # bob has 5 ICU blocks; the rule's filter leaves ann out, and block 1 lacks SICU.
    assert sorted(sources(report.violations)) == ["requirement[0]", "rotation[0].min"]
    requirement = next(f for f in report.violations if f.source == "requirement[0]")
    assert "bob has 5 blocks of group ICU (SICU, MICU) this year, needs exactly 6 blocks" == \
        requirement.message


def test_soft_requirement_costs_weight_per_block_and_counts_history():
    extra = ('[[requirement]]\nrotation = "SICU"\nmin = 9\nscope = "residency"\n'
             "hard = false\nweight = 4\n")
    report = checker.check(program(extra), schedule())
    assert report.ok
    # Both have 6 SICU blocks, no history: 3 short each.
    assert [(f.source, f.cost) for f in report.penalties] == [("requirement[0]", 12)] * 2
    assert report.total_penalty == 24


def test_residency_requirement_counts_history_by_group_name():
    header = HEADER.format(calendar="months", vacation_weeks=2)
    text = PROGRAM.replace('vacation_weeks = 1\n', 'vacation_weeks = 1\nhistory = { ICU = 2 }\n')
    p = make_program(text + '[[requirement]]\ngroup = "ICU"\nmax = 7\nscope = "residency"\n'
                     'hard = false\nweight = 5\n', header=header)
    report = checker.check(p, schedule(bob=["SICU"] * 12, bob_weeks=[]))
    # bob: 12 ICU blocks this year + 2 in history = 14, 7 over.
    assert [(f.source, f.cost) for f in report.penalties] == [("requirement[0]", 35)]


def test_coverage_rule_hard_and_soft():
    extra = """
    [[rule]]
    kind = "coverage"
    rotation = "BODY"
    min = 1
    blocks = [1, 12]
    [[rule]]
    kind = "coverage"
    group = "ICU"
    max = 0
    blocks = [7, 8, 9]
    hard = false
    weight = 3
    """
    report = checker.check(program(extra), schedule())
    assert sources(report.violations) == ["rule[0]"]
    assert "block 1" in report.violations[0].message
    # Only ann is on ICU in blocks 7-9 (bob is on BODY): 1 over in each of 3 blocks.
    assert [(f.source, f.cost) for f in report.penalties] == [("rule[1]", 3)] * 3


def test_max_consecutive_penalty_per_run():
    extra = ('[[rule]]\nkind = "max_consecutive"\nrotation = "IR"\nblocks = 1\nhard = false\n'
             "weight = 5\n")
    ann = ["IR", "IR", "IR", "BODY", "IR", "IR"] + ["SICU"] * 6
    report = checker.check(program(extra), schedule(ann=ann))
    assert report.ok, report.violations
    # Runs of 3 (blocks 1-3) and 2 (blocks 5-6): (3-1) + (2-1) excess blocks.
    assert [f.cost for f in report.penalties] == [10, 5]
    assert report.total_penalty == 15
    assert "from block 5" in report.penalties[1].message


def test_max_consecutive_hard():
    extra = '[[rule]]\nkind = "max_consecutive"\ngroup = "ICU"\nblocks = 5\n'
    report = checker.check(program(extra), schedule())
    assert sources(report.violations) == ["rule[0]", "rule[0]"]  # ann and bob: runs of 6


def test_min_consecutive_exempts_runs_at_the_ends():
    extra = ('[[rule]]\nkind = "min_consecutive"\nrotation = "MICU"\nblocks = 3\nhard = false\n'
             "weight = 2\n")
    bob = ["MICU"] + ["SICU"] * 2 + ["MICU"] + ["SICU"] * 2 + ["MICU"] * 2 + ["BODY"] * 3 + ["MICU"]
    report = checker.check(program(extra), schedule(bob=bob))
    # Runs: block 1 (exempt), block 4 (2 short), blocks 7-8 (1 short), block 12 (exempt).
    assert [f.cost for f in report.penalties] == [4, 2]


def test_prerequisite_counts_each_target_block_without_it():
    extra = ('[[rule]]\nkind = "prerequisite"\nrotation = "SICU"\nrequires = "BODY"\n'
             "hard = false\nweight = 3\n")
    report = checker.check(program(extra), schedule())
    # bob's six SICU blocks come before any BODY; ann never does BODY.
    assert [(f.source, f.cost) for f in report.penalties] == [("rule[0]", 18), ("rule[0]", 18)]


def test_prerequisite_met_by_history():
    text = PROGRAM.replace('vacation_weeks = 1\n', 'vacation_weeks = 1\nhistory = { BODY = 1 }\n')
    p = make_program(text + '[[rule]]\nkind = "prerequisite"\nrotation = "SICU"\n'
                     'requires = "BODY"\nlevels = ["R1"]\n', vacation_weeks=2)
    assert checker.check(p, schedule()).ok


# -- requests ------------------------------------------------------------------------------------


def test_requests_granted_and_not():
    extra = """
    [[request]]
    resident = "ann"
    kind = "vacation"
    weeks = [2027-09-01]
    [[request]]
    resident = "bob"
    kind = "assign"
    rotation = "BODY"
    blocks = [1, 7]
    weight = 4
    [[request]]
    resident = "ann"
    kind = "avoid"
    group = "ICU"
    weight = 2
    [[request]]
    resident = "bob"
    kind = "avoid"
    rotation = "MICU"
    hard = true
    [[request]]
    resident = "bob"
    kind = "vacation"
    weeks = [2027-07-01]
    hard = true
    """
    report = checker.check(program(extra), schedule())
    # 1 Sep is in week 9 (30 Aug - 5 Sep); ann's weeks are 8 and 15. bob's block 1 is SICU;
    # ann is on ICU from block 7; bob never goes on MICU; bob's only week is 40, not week 1.
    assert report.unmet_requests == [0, 1, 2]
    assert [(f.source, f.cost) for f in report.penalties] == [
        ("request[0]", 1), ("request[1]", 4), ("request[2]", 2)]
    assert sources(report.violations) == ["request[4]"]
    assert report.violations[0].message.startswith("not granted:")
    assert report.total_penalty == 7


# -- continuity ----------------------------------------------------------------------------------


def test_changes_from_a_previous_schedule():
    header = HEADER.format(calendar="months", vacation_weeks=2) + "change_weight = 3\n"
    p = program(header=header)
    old = schedule()
    bob = BOB[:9] + ["MICU"] + BOB[10:]
    report = checker.check(p, schedule(bob=bob), previous=old, freeze_through=2)
    assert report.ok
    assert [(f.source, f.cost) for f in report.penalties] == [("previous.residents.bob", 3)]
    assert "block 10" in report.penalties[0].message


def test_frozen_blocks_changed_are_broken():
    old = schedule()
    report = checker.check(program(), schedule(bob=["BODY"] + BOB[1:], ann_weeks=[2, 15]),
                           previous=old, freeze_through=2)
    # block 1 changed for bob; ann's vacation week 8 (in block 2) moved to week 2 (block 1)
    assert sorted(sources(report.violations)) == ["previous.residents.ann",
                                                  "previous.residents.bob", "rotation[0].min"]


def test_residents_missing_from_the_previous_schedule_cost_nothing():
    old = schedule()
    del old.residents["bob"]
    report = checker.check(program(), schedule(bob=["BODY"] * 6 + ["SICU"] * 6, ann=ANN),
                           previous=old, freeze_through=12)
    assert report.total_penalty == 0


# -- reading schedule files ----------------------------------------------------------------------


def test_schedule_file_round_trip(tmp_path):
    hand = schedule()
    path = tmp_path / "schedule.json"
    path.write_text(hand.to_json(), encoding="utf-8")
    loaded, errors = load_schedule_file(path)
    assert errors == []
    assert loaded.residents["ann"].rotations == ANN
    assert loaded.residents["bob"].vacation_weeks == [40]
    assert checker.check(program(), loaded).ok


def test_malformed_schedule_files(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    loaded, errors = load_schedule_file(path)
    assert loaded is None
    assert "not a JSON file" in errors[0].message
    loaded, errors = parse_schedule({"residents": {"ann": {"rotations": "IR"}}})
    assert loaded is None
    assert errors[0].path == "residents.ann.rotations"
    loaded, errors = parse_schedule(json.loads(
        '{"residents": {"ann": {"rotations": ["IR"], "vacation_weeks": [0, 53]}}}'))
    assert loaded is None
    assert [e.path for e in errors] == ["residents.ann.vacation_weeks[0]",
                                        "residents.ann.vacation_weeks[1]"]
