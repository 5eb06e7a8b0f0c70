"""Patient references: anything that looks like PHI is refused with a reason; only a keyed
hash is kept."""

from __future__ import annotations

import pytest

from caselog import reference_hash, reference_problem


@pytest.mark.parametrize("reference, words", [
    ("John Smith", "name"),
    ("Smith, John", "name"),
    ("smith", "name"),
    ("O'Brien-Kaye", "name"),
    ("123-45-6789", "social security"),
    ("123456789", "social security"),
    ("1970-01-31", "date"),
    ("31/01/1970", "date"),
    ("Jan 31 1970", "date"),
    ("dob 3 4", "date"),
    ("MRN 4411", "medical record"),
    ("00442211", "medical record"),
    ("acc 77", "medical record"),
    ("x" * 30, "short"),
    ("K7 <script>", "only letters"),
])
def test_references_that_look_like_phi_are_refused(reference, words):
    message = reference_problem(reference)
    assert message is not None and words in message


@pytest.mark.parametrize("reference", ["", "K7", "bed4-am", "case 12", "TIPS#2", "r2 a.m."])
def test_references_of_ones_own_making_are_accepted(reference):
    assert reference_problem(reference) is None


def test_the_hash_matches_equal_references_per_program_only():
    key = b"server secret"
    same = reference_hash(key, "program-1", "Bed4-AM")
    assert same == reference_hash(key, "program-1", " bed4 am ")
    assert same != reference_hash(key, "program-2", "bed4-am")
    assert same != reference_hash(b"another secret", "program-1", "bed4-am")
    assert "bed4" not in same and len(same) == 64
