"""How a conflict set is made minimal (solver/explain.py, `shrink`): entries are dropped in
chunks while the rest still admit no schedule; an entry is kept only where the rest without
it admit one."""

from __future__ import annotations

from solver.explain import shrink


class Entries:
    """A stand-in for the explanation's tests of a set of entries, by their own rule: the
    set admits no schedule exactly when it holds every entry of `clash`. Counts the tests."""

    def __init__(self, clash: list[str]):
        self.clash = set(clash)
        self.tests = 0

    def infeasible_core(self, sources: list[str]) -> list[str] | None:
        self.tests += 1
        return list(sources) if self.clash <= set(sources) else None


ENTRIES = [f"request[{i}]" for i in range(100)]


def test_a_large_set_with_a_small_clash_shrinks_in_few_tests():
    """100 entries of which 3 clash, spread through the list: 39 tests, where one test per
    entry left (103 tests, each a solve of its own: 30 s for an outside tester's 107
    entries) was all the chunks came down to once halved to one; 10 at the start of the
    list: 26 tests (105)."""
    for clash in ([ENTRIES[5], ENTRIES[50], ENTRIES[97]], ENTRIES[:10], [ENTRIES[99]]):
        tester = Entries(clash)
        assert sorted(shrink(tester, ENTRIES)) == sorted(clash)
        assert tester.tests <= 50, (len(clash), tester.tests)


def test_every_entry_of_a_clash_of_all_is_kept():
    tester = Entries(ENTRIES[:20])
    assert sorted(shrink(tester, ENTRIES[:20])) == sorted(ENTRIES[:20])
