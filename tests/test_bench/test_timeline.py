"""bench/timeline.py: one solve's phases, each with its time, for finding where time goes."""

from __future__ import annotations

import re

from bench import timeline


def test_a_solve_is_shown_phase_by_phase_with_its_times(capsys):
    assert timeline.main(["department:20:months:on", "--time-limit", "30"]) == 0
    out, err = capsys.readouterr()
    phases = [line.split(maxsplit=7)[-1] for line in err.splitlines()
              if re.match(r"\s*\d+\.\d\d s\s", line)]
    assert phases[0].startswith("model built: ")
    assert any(phase.startswith("relaxation: bound ") for phase in phases)
    assert phases[-1] in ("searches done: OPTIMAL", "searches done: FEASIBLE", "spread done",
                          "last touches done")
    assert "department:20:months:on: 20 residents" in out
    assert re.search(r"^OPTIMAL \d+ \(bound \d+\) in \d+\.\d\d s, peak \d+ MB$", out, re.M)
