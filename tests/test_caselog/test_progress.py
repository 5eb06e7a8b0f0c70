"""Progress against targets: totals, kinds, categories, and the best sliding window."""

from __future__ import annotations

from datetime import date, timedelta

from caselog import LoggedCase, load_default, measure, progress

CATALOGUE = load_default()
TARGETS = {t.name: t for t in CATALOGUE.target}


def _cases(start: date, count: int, procedure: str, every_days: int = 1) -> list[LoggedCase]:
    return [LoggedCase(start + timedelta(days=i * every_days), (procedure,))
            for i in range(count)]


def test_the_esir_total_counts_procedures_not_reading_logs():
    cases = _cases(date(2027, 7, 1), 300, "PARACENTESIS") + \
        _cases(date(2027, 7, 1), 250, "MAMMO-SCREEN")
    found = measure(TARGETS["ESIR procedure log"], cases, CATALOGUE)
    assert (found.done, found.met, found.missing) == (300, False, 200)


def test_a_case_with_several_procedures_counts_once_per_target():
    case = LoggedCase(date(2027, 8, 2), ("EMBO-TUMOR", "ANGIO-ARTERIAL", "UFE"))
    assert measure(TARGETS["Embolization (example)"], [case], CATALOGUE).done == 1
    assert measure(TARGETS["ESIR procedure log"], [case], CATALOGUE).done == 1


def test_mqsa_counts_the_best_six_months_of_the_last_two_years():
    graduation = date(2029, 6, 30)
    early = _cases(date(2026, 1, 5), 300, "MAMMO-SCREEN")          # before the last 2 years
    spread = _cases(date(2027, 9, 1), 200, "MAMMO-DIAG", every_days=3)   # ~20 months
    busy = _cases(date(2028, 10, 1), 150, "MAMMO-SCREEN")           # 150 reads in 5 months
    found = measure(TARGETS["MQSA mammography reads"], early + spread + busy, CATALOGUE,
                    graduation)
    start, end = found.window
    assert (end.year - start.year) * 12 + end.month - start.month == 6
    inside = [c for c in early + spread + busy
              if start <= c.day < end and c.day >= date(2027, 6, 30)]
    assert found.done == len(inside)
    assert not found.met and found.done > 150
    # With the early reads inside the window period the count would be higher: they are not.
    assert found.done < 300


def test_progress_lists_the_targets_of_the_residents_track():
    names = [m.target.name for m in progress("IR", [], CATALOGUE)]
    assert names == ["MQSA mammography reads", "Embolization (example)", "Biopsy (example)"]
    assert [m.target.name for m in progress("ESIR", [], CATALOGUE)] == [
        "ESIR procedure log", "MQSA mammography reads"]
