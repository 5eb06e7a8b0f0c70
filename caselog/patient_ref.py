"""Patient references that are never protected health information.

A resident may tag a case with a short reference of their own making (e.g. "K7", "bed4-am")
so the program can spot the same case logged twice. It is refused when it looks like a name,
a medical record number, a social security number or a date of birth, and only a keyed hash
of it is stored (`reference_hash`), so the reference itself never reaches the database.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from .phi import DATE, patient_information

MAX_LENGTH = 24

_SSN = re.compile(r"\b\d{3}[- ]?\d{2}[- ]?\d{4}\b")
_LONG_NUMBER = re.compile(r"\d{6,}")                                # MRNs, accession numbers
_MRN_WORD = re.compile(r"\b(mrn|mr#|record|acc(ession)?|csn|fin)\b", re.IGNORECASE)
_NAME_PAIR = re.compile(r"\b[A-Z][a-z]+(?:[-'][A-Za-z]+)?[ ,]+[A-Z][a-z]+")
_LETTERS_ONLY = re.compile(r"^[A-Za-z][A-Za-z .,'-]*$")
_ALLOWED = re.compile(r"^[A-Za-z0-9 _#.-]+$")
_LETTER_RUN = re.compile(r"[A-Za-z]{4,}")
# Words a reference of one's own may hold whole; any other run of four or more letters could
# be a surname ("Smith7"), so it is refused.
_TAG_WORDS = {"case", "left", "right", "room", "proc", "call", "night", "late", "early",
              "first", "second", "third", "last", "tips", "picc", "port", "line", "drain",
              "tube", "biopsy", "embo", "angio", "wknd"}


def problem(reference: str) -> str | None:
    """Why `reference` cannot be stored (in words), or None when it is acceptable."""
    text = reference.strip()
    if not text:
        return None
    if len(text) > MAX_LENGTH:
        return f"keep the reference short (at most {MAX_LENGTH} characters)"
    if _SSN.search(text):
        return "this looks like a social security number: never enter one"
    if DATE.search(text):
        return "this looks like a date (of birth?): never enter one"
    if _LONG_NUMBER.search(text) or _MRN_WORD.search(text):
        return ("this looks like a medical record or accession number: use a reference of "
                "your own instead")
    if _NAME_PAIR.search(text) or (_LETTERS_ONLY.match(text) and sum(c.isalpha()
                                                                      for c in text) >= 3):
        return "this looks like a name: use a reference of your own that includes a digit"
    if not _ALLOWED.match(text):
        return "use only letters, digits, spaces and - _ # ."
    found = patient_information(text)
    if found is not None:
        return f"this looks like {found}: use a reference of your own instead"
    for run in _LETTER_RUN.findall(text):
        if run.lower() not in _TAG_WORDS:
            return (f"'{run}' could be a name: use a short code of your own (letters in runs "
                    "of at most three, with digits), e.g. K7 or bed4-am")
    return None


def normalise(reference: str) -> str:
    return re.sub(r"[\s_.-]+", "", reference.strip().lower())


def reference_hash(key: bytes, scope: str, reference: str) -> str:
    """A keyed hash (HMAC-SHA256) of a reference, per `scope` (a program): equal references
    of one program match; the reference cannot be recovered, nor matched across programs."""
    return hmac.new(key, f"{scope}\x00{normalise(reference)}".encode(),
                    hashlib.sha256).hexdigest()
