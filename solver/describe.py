"""Words for the things a chief reads: residents, targets, block and week ranges, entries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scheduler import Program
from scheduler.program import admits, requirement_bounds
from scheduler.schema import (
    AssignRequest,
    CoverageRule,
    MaxConsecutiveRule,
    MinConsecutiveRule,
    PrerequisiteRule,
    Resident,
    Service,
    VacationRequest,
)
from scheduler.sources import Source
from scheduler.words import number_runs, plural, ranges


def dated_weeks(program: Program, weeks: list[int]) -> str:
    """'week 23 (from 2030-12-02) and weeks 39-40 (from 2031-03-24)': each run of weeks
    with the Monday it starts on."""
    said = [(f"week {a}" if a == b else f"weeks {a}-{b}")
            + f" (from {program.calendar.week_start(a).isoformat()})"
            for a, b in number_runs(weeks)]
    if not said:
        return "no week of the year"
    return " and ".join([", ".join(said[:-1]), said[-1]]) if len(said) > 1 else said[0]


def target(program: Program, name: str) -> str:
    """'SICU', 'group IR (IR-U, IR-VA)' or 'night float NF'."""
    if program.is_service(name):
        service = program.service_by_code[name]
        return f"{service.name} ({name})" if service.name else name
    codes = program.resolve(name)
    if codes == (str.__str__(name),):
        return str.__str__(name)
    return f"group {name} ({', '.join(codes)})"


def who(entry: object) -> str:
    """The residents an entry's filters bind, e.g. 'R4 IR residents'."""
    levels = getattr(entry, "levels", None)
    tracks = getattr(entry, "tracks", None)
    parts = []
    if levels is not None:
        parts.append("/".join(levels) if levels else "no level")
    if tracks is not None:
        parts.append("/".join(tracks) if tracks else "no track")
    return (" ".join(parts) + " residents") if parts else "all residents"


def resident(program: Program, rid: str) -> str:
    person = program.resident_by_id.get(rid)
    if person is None or not person.name:
        return rid
    return f"{person.name} ({rid})"


def bounds(low: int | None, high: int | None, unit: str) -> str:
    if low is not None and high is not None and low == high:
        return f"exactly {plural(low, unit)}"
    if high is None:
        return f"at least {plural(low or 0, unit)}"
    if not low:
        return f"at most {plural(high, unit)}"
    return f"{low} to {plural(high, unit)}"


def blocks_phrase(program: Program, blocks: list[int]) -> str:
    if len(set(blocks)) == program.num_blocks:
        return "every block"
    return ("block " if len(set(blocks)) == 1 else "blocks ") + ranges(blocks)


def entry(program: Program, source: str) -> str:
    """A plain sentence saying what the program-file entry `source` demands."""
    place = Source.parse(source)
    if place is None:
        raise ValueError(f"not a program-file source: {source!r}")
    kind, field = place.section, place.field
    if kind == "program":
        return _program_entry(program, source)
    if kind == "previous":
        rid = field.removeprefix("residents.")
        return f"{resident(program, rid)} keeps the previous schedule in the frozen blocks"
    if place.index is None:
        raise ValueError(f"not a program-file entry: {source!r}")
    index = place.index
    if kind == "rotation":
        return _rotation_entry(program, index, field)
    if kind == "resident":
        person = program.residents[index]
        if field == "max_vacation_weeks_per_block":
            weeks = plural(program.max_vacation_weeks_per_block_of(person), "vacation week")
            return f"{resident(program, person.id)} takes at most {weeks} per block"
        return (f"{resident(program, person.id)} must get "
                f"{plural(program.vacation_weeks_of(person), 'vacation week')}")
    if kind == "requirement":
        return _requirement_entry(program, index)
    if kind == "rule":
        return _rule_entry(program, index)
    if kind == "blackout":
        return _blackout_entry(program, index)
    if kind == "away_limit":
        return _away_limit_entry(program, index)
    if kind == "service":
        return _service_entry(program, index, field)
    return _request_entry(program, index)


def _named(entry: object) -> str:
    name = getattr(entry, "name", None)
    return f"'{name}': " if name else ""


def _blackout_entry(program: Program, index: int) -> str:
    blackout = program.blackouts[index]
    how = "take" if blackout.hard else "should take"
    return (f"{_named(blackout)}{who(blackout)} {how} no vacation from {blackout.first} to "
            f"{blackout.last}")


def _away_limit_entry(program: Program, index: int) -> str:
    limit = program.away_limits[index]
    where = f" from {target(program, limit.target)}" if limit.target else ""
    how = ("is" if limit.max == 1 else "are") if limit.hard else "should be"
    text = (f"{_named(limit)}at most {plural(limit.max, 'resident')} "
            f"({who(limit)}){where} {how} on vacation on any working day")
    if not limit.target:
        # A vacation week covers every working day of its week: in each week that has one,
        # at most `max` of them can be away
        weeks = _working_weeks(program)
        text += (f" (at most {limit.max * len(weeks)} of their vacation weeks in all, over "
                 f"the {plural(len(weeks), 'week')} with working days)")
    return text


def _working_weeks(program: Program) -> list[int]:
    """The weeks of the year with at least one working day."""
    return sorted({w for (w, _) in program.calendar.segments})


def _service_entry(program: Program, index: int, field: str) -> str:
    service = program.services[index]
    code = service.code
    if field == "min":
        weeks = program.service_weeks(service)
        return (f"{code} needs at least {plural(service.min, 'resident')} every week it runs "
                f"({plural(len(weeks), 'week')}, "
                f"{plural(service.min * len(weeks), 'week')} of {code} in all, from the "
                f"{plural(len(_serving(program, service)), 'resident')} it is open to)")
    if field == "max":
        return f"{code} takes at most {plural(service.max or 0, 'resident')} a week"
    if field == "not_from":
        return f"{code} may not take residents from {', '.join(service.not_from)}"
    if field == "weeks":
        return f"{code} runs only in weeks {ranges(program.service_weeks(service))}"
    if field in ("levels", "tracks"):
        return _open_only_to(program, code, field, getattr(service, field) or [])
    if field:
        return f"{code} is a weekly service: one service a week, never in a vacation week"
    label = f"{service.name} ({code})" if service.name else code
    cover = (bounds(service.min or None, service.max, "resident")
             if service.min or service.max is not None else "any number of residents")
    weeks = program.service_weeks(service)
    when = ("every week" if len(weeks) == program.calendar.num_weeks
            else f"in weeks {ranges(weeks)}")
    text = f"{label}: {cover} a week, {when}, open to {who(service)}"
    if service.not_from:
        text += f", never pulled from {', '.join(service.not_from)}"
    return text


def _serving(program: Program, service: Service) -> list[Resident]:
    """The residents a weekly service is open to."""
    return [r for r in program.residents
            if admits(service.levels, service.tracks, r.level, r.track)]


def _program_entry(program: Program, source: str) -> str:
    info = program.info
    if source == "program.vacation_weeks":
        weeks = plural(info.vacation_weeks, "vacation week")
        text = f"every resident without an own allowance gets {weeks}"
        by_default = [r for r in program.residents if r.vacation_weeks is None]
        if by_default and info.vacation_weeks:
            text += (f" ({plural(len(by_default), 'resident')}, "
                     f"{info.vacation_weeks * len(by_default)} weeks in all)")
        return text
    weeks = plural(info.max_vacation_weeks_per_block, "vacation week")
    return f"a resident takes at most {weeks} per block"


def _rotation_entry(program: Program, index: int, field: str) -> str:
    rotation = program.rotations[index]
    code = rotation.code
    if field == "min":
        return f"{code} needs at least {plural(rotation.min, 'resident')} in every block"
    if field == "max":
        return f"{code} takes at most {plural(rotation.max or 0, 'resident')} per block"
    if field == "min_present":
        return (f"{code} needs {plural(rotation.min_present, 'resident')} present "
                f"(not on vacation or a weekly service) on every working day")
    if field == "vacation":
        return f"no vacation day may fall in a block spent on {code}"
    return _open_only_to(program, code, field, getattr(rotation, field) or [])


def _open_only_to(program: Program, code: str, field: str, allowed: list[str]) -> str:
    """'ICU is open only to level R3 (1 resident at that level)': the entry's `levels` or
    `tracks`, with how many residents hold one of them (not how many the rotation or service
    takes: its other filter may leave those out, and is an entry of its own)."""
    kind = field[:-1]   # level, track
    if not allowed:
        return f"{code} is open to no {kind}"
    holders = sum(getattr(resident, kind) in allowed for resident in program.residents)
    those = f"that {kind}" if len(allowed) == 1 else f"these {field}"
    return (f"{code} is open only to {kind} {'/'.join(allowed)} "
            f"({plural(holders, 'resident')} {'at' if kind == 'level' else 'on'} {those})")


def _requirement_entry(program: Program, index: int) -> str:
    requirement = program.requirements[index]
    low, high = requirement_bounds(requirement)
    bound = program.bound_residents(requirement)
    scope = " over the residency (history included)" if requirement.scope == "residency" else ""
    unit = "week" if program.is_service(requirement.target) else "block"
    text = (f"{who(requirement)} need {bounds(low, high, unit)} of "
            f"{target(program, requirement.target)} each{scope}")
    if requirement.scope == "year" and low and bound:
        text += f" ({plural(len(bound), 'resident')}, {low * len(bound)} {unit}s in all)"
    if requirement.scope == "residency" and high is not None:
        over = [(person, done) for person in bound
                if (done := program.history_count(person, requirement.target)) > high]
        if over:   # no schedule can mend a history already over the cap: say whose
            text += ": " + ", ".join(f"{resident(program, person.id)} has {done} already"
                                     for person, done in over[:3]) + \
                (f", and {len(over) - 3} more" if len(over) > 3 else "")
    name = f"'{requirement.name}': " if requirement.name else ""
    return name + text


def _rule_entry(program: Program, index: int) -> str:
    rule = program.rules[index]
    name = f"'{rule.name}': " if rule.name else ""
    return name + RULE_SENTENCES[rule.kind](program, rule, target(program, rule.target))


def _coverage(program: Program, rule: CoverageRule, goal: str) -> str:
    blocks = blocks_phrase(program, program.rule_blocks(rule))
    whom = "" if who(rule) == "all residents" else f" to {who(rule)}"
    if rule.max == 0 and not rule.min:
        return f"{goal} is closed{whom} in {blocks}"
    counted = "" if not whom else f" (counting {who(rule)})"
    return f"{goal} needs {bounds(rule.min, rule.max, 'resident')} in {blocks}{counted}"


def _run_unit(program: Program, rule: MaxConsecutiveRule | MinConsecutiveRule) -> str:
    return plural(rule.blocks, "week" if program.is_service(rule.target) else "block")


def _max_run(program: Program, rule: MaxConsecutiveRule, goal: str) -> str:
    return f"{who(rule)} spend no more than {_run_unit(program, rule)} in a row on {goal}"


def _min_run(program: Program, rule: MinConsecutiveRule, goal: str) -> str:
    return f"{who(rule)} spend at least {_run_unit(program, rule)} in a row on {goal}"


def _after(program: Program, rule: PrerequisiteRule, goal: str) -> str:
    return (f"{who(rule)} go on {goal} only after "
            f"{target(program, rule.requires)} (earlier this year or in their history)")


# The sentence for each rule kind (scheduler.schema.RULE_KINDS); a test checks none is missing.
RULE_SENTENCES: dict[str, Callable[[Program, Any, str], str]] = {
    "coverage": _coverage,
    "max_consecutive": _max_run,
    "min_consecutive": _min_run,
    "prerequisite": _after,
}


def _request_entry(program: Program, index: int) -> str:
    request = program.requests[index]
    person = resident(program, request.resident)
    how = "must" if request.hard else "asked to"
    if isinstance(request, VacationRequest):
        weeks = program.request_weeks(request)
        return f"{person} {how} have vacation in {dated_weeks(program, weeks)}"
    goal = target(program, request.target)
    if program.is_service(request.target):
        span = dated_weeks(program, program.request_weeks(request))
        if isinstance(request, AssignRequest):
            return f"{person} {how} be on {goal} in {span}"
        return f"{person} {how} stay off {goal} in {span}"
    blocks = blocks_phrase(program, program.request_blocks(request))
    if isinstance(request, AssignRequest):
        return f"{person} {how} be on {goal} in {blocks}"
    return f"{person} {how} stay off {goal} in {blocks}"


def _is_limit(program: Program, source: str) -> bool:
    """Whether an entry limits what is possible (rather than demanding something)."""
    if source.startswith("rotation["):
        return source.rsplit(".", 1)[1] in ("max", "levels", "tracks", "vacation")
    if source.startswith("rule["):
        rule = program.rules[int(source[5:].split("]")[0])]
        return isinstance(rule, MaxConsecutiveRule) or (
            isinstance(rule, CoverageRule) and not rule.min
        )
    if source.startswith("request["):
        request = program.requests[int(source[8:].split("]")[0])]
        return request.kind == "avoid"
    if source.startswith(("blackout[", "away_limit[")) or source.endswith(
            (".max", ".not_from", ".max_vacation_weeks_per_block")):
        return True
    return source in ("program.max_vacation_weeks_per_block", "previous") or source.startswith(
        "previous."
    )


def summary(program: Program, sources: list[str]) -> str:
    """One sentence for a conflict: what is demanded, 'but', what limits it; and where an
    away limit and blackouts meet in it, what they leave together (`_weeks_left`)."""
    demands = [entry(program, s) for s in sources if not _is_limit(program, s)]
    limits = [entry(program, s) for s in sources if _is_limit(program, s)]
    if demands and limits:
        text = _capitalised(program, f"{'; '.join(demands)}, but {' and '.join(limits)}.")
    else:
        text = f"These cannot all hold: {'; '.join(demands or limits)}."
    return " ".join([text, *_weeks_left(program, sources)])


def _weeks_left(program: Program, sources: list[str]) -> list[str]:
    """For each hard away limit on the whole program in the conflict, the weeks its
    residents may still be away once the conflict's hard blackouts that bind all of them
    are taken out, and the vacation weeks that leaves: each entry's own sentence counts the
    weeks without the others (an outside tester's 16 residents, one away at a time: the
    limit said 52 weeks, the blackouts took 5, and the 47 that decide it were never said)."""
    said, every = [], _working_weeks(program)
    places = [(place.section, place.index) for place in map(Source.parse, sources)
              if place is not None and place.index is not None]
    blackouts = [program.blackouts[i] for section, i in places if section == "blackout"]
    limits = [program.away_limits[i] for section, i in places if section == "away_limit"]
    for limit in limits:
        if limit.target or not limit.hard:
            continue
        bound = [r for r in program.residents if program.binds(limit, r)]
        if not bound:
            continue
        closed = {w for b in blackouts if b.hard and all(program.binds(b, r) for r in bound)
                  for w in program.calendar.weeks_touching(b.first, b.last)}
        weeks = [w for w in every if w not in closed]
        if len(weeks) < len(every):
            are = "is" if len(weeks) == 1 else "are"
            said.append(f"With the blackouts, {len(weeks)} of those weeks {are} left: at most "
                        f"{limit.max * len(weeks)} of their vacation weeks in all.")
    return said


def _capitalised(program: Program, sentence: str) -> str:
    """The sentence with a capital first letter ('every resident ...' -> 'Every resident
    ...'), unless its first word is a key the file gives (a resident's id, a code) or
    begins a resident's name, which keep their spelling."""
    first = sentence.split(" ", 1)[0]
    keys = {r.id for r in program.residents} | {r.code for r in program.rotations} \
        | {s.code for s in program.services} \
        | {r.called.split(" ", 1)[0] for r in program.residents}   # 'van Dijk'

    if not sentence[:1].islower() or first in keys:
        return sentence
    return sentence[0].upper() + sentence[1:]
