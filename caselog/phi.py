"""No patient information in a case log's free text.

Case logs are training records, never patient records: a note, a site, a verifier's comment
or a favourite's name must not identify a patient. `patient_information` looks at a piece of
free text the way a privacy officer would skim it and names the first thing that looks like
patient information — an e-mail address, a phone number, a social security, medical record
or accession number, a date, or a person's name — or returns None. When in doubt it refuses:
a resident can always reword a note, while a name that slips through cannot be taken back.

Names are found by the given names people carry (a dictionary of some 40,000 first names from
the gender-guesser package), followed by a capitalised word ("Maria Lopez", "JOHN SMITH"),
after a courtesy title ("Mrs Jones"), or after a surname and a comma ("Lopez, Maria").
Eponyms and anatomy ("Hickman catheter", "Portal Vein") carry no given name and pass.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import phonenumbers

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_SSN = re.compile(r"\b\d{3}[- ]\d{2}[- ]\d{4}\b|\b\d{9}\b")
_DIGIT_RUN = re.compile(r"\d{6,}")
_RECORD_WORD = re.compile(r"\b(mrn|mr\s?#|medical record|record\s?(no|number|#)|acc(ession)?"
                          r"\s?(no|number|#)|acc#|csn|fin\s?#|encounter\s?(no|#))",
                          re.IGNORECASE)
_DATE = re.compile(
    r"\b\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\b"                                  # 1961-03-04, 3/4/61
    r"|\b\d{1,2}\s*(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s*\d{2,4}\b"
    r"|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s*\d{1,2},?\s*\d{4}\b"
    r"|\b(dob|d\.o\.b|born|birth\s?date|date of birth)\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'-]*")
_TITLE = re.compile(r"\b(?i:mr|mrs|ms|miss|mx|mstr)\.?\s+([A-Z][A-Za-z'-]+)")
_SURNAME_FIRST = re.compile(r"\b([A-Z][A-Za-z'-]+),\s*([A-Z][A-Za-z'-]+)")
# Words after which a capitalised given-name-like word is a place, not a person
# ("Duke University", "St. Mary's Hospital").
_INSTITUTIONS = {"hospital", "hospitals", "university", "medical", "center", "centre",
                 "clinic", "health", "healthcare", "regional", "memorial", "general",
                 "institute", "campus", "va", "cancer", "children's", "childrens", "county",
                 "community", "infirmary", "college", "school", "heart", "vascular"}


@cache
def _names() -> Any:
    """The given-name dictionary (loaded once, about 30 MB)."""
    import gender_guesser.detector

    return gender_guesser.detector.Detector(case_sensitive=False)


def is_given_name(word: str) -> bool:
    """Whether people carry `word` as a first name (an all-capitals word of two letters is
    taken for an abbreviation: IR, CT, AL)."""
    if len(word) < 2 or (word.isupper() and len(word) < 3):
        return False
    return bool(_names().get_gender(word.capitalize()) != "unknown")


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and (word[1:].islower() or word.isupper()) and len(word) >= 2


def _name_in(text: str) -> str | None:
    """A person's name in `text`, as written, or None."""
    match = _TITLE.search(text)
    if match:
        return match.group(0)
    for surname, given in _SURNAME_FIRST.findall(text):
        if is_given_name(given) and not is_given_name(surname):
            return f"{surname}, {given}"
    words = [(m.group(0), m.start()) for m in _WORD.finditer(text)]
    for (first, _), (second, _) in zip(words, words[1:], strict=False):
        if (_capitalised(first) and _capitalised(second) and is_given_name(first)
                and second.lower() not in _INSTITUTIONS):
            return f"{first} {second}"
    return None


def _phone_in(text: str) -> str | None:
    for match in phonenumbers.PhoneNumberMatcher(text, "US",
                                                 leniency=phonenumbers.Leniency.POSSIBLE):
        return match.raw_string
    return None


def patient_information(text: str) -> str | None:
    """What in `text` looks like patient information, in words ('a phone number (555 867
    5309)'), or None when nothing does."""
    if not text.strip():
        return None
    if match := _EMAIL.search(text):
        return f"an e-mail address ({match.group(0)})"
    if match := _SSN.search(text):
        return f"a social security number ({match.group(0)})"
    if found := _phone_in(text):
        return f"a phone number ({found})"
    if match := _DATE.search(text):
        return f"a date ({match.group(0)}): the case's date has its own field"
    if match := _RECORD_WORD.search(text) or _DIGIT_RUN.search(text):
        return f"a medical record or accession number ({match.group(0)})"
    if found := _name_in(text):
        return f"a person's name ({found})"
    return None


def refusal(field: str, text: str) -> str | None:
    """The message refusing `text` in `field` when it holds patient information, or None."""
    found = patient_information(text)
    if found is None:
        return None
    return (f"{field}: this looks like {found}. Case logs never hold patient information; "
            "reword it without it")
