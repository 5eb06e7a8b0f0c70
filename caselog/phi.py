"""No patient information in a case log's free text.

Case logs are training records, never patient records: a note, a site, a verifier's comment
or a favourite's name must not identify a patient. `patient_information` looks at a piece of
free text the way a privacy officer would skim it and names the first thing that looks like
patient information — an e-mail address, a phone number, a social security, medical record,
accession, health-plan or other identifying number, a date, a street address, or a person's
name — or returns None. A bed or room number is none of these (beds are used again and
again; a reference of one's own such as "bed4-am" is the patient reference's own example).
When in doubt it refuses: a resident can always reword a note, while a name that slips
through cannot be taken back.

Names are found by the given names people carry (a dictionary of some 40,000 first names from
the gender-guesser package), followed by a capitalised word ("Maria Lopez", "JOHN SMITH"),
after a courtesy title ("Mrs Jones"), or after a surname and a comma ("Lopez, Maria").
Eponyms and anatomy ("Hickman catheter", "Portal Vein") carry no given name and pass. A
surname with an initial is taken for a name where an age and sex follow ("Smith J, 67M"):
alone it reads like "Hepatitis B" or "Stanford A". A given name standing alone ("seen with
Maria") passes: hospitals, devices and places carry given names too ("at Duke", "over a
Rosen wire", "Sofia catheter"), and refusing them would refuse every other note.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

import phonenumbers

_EMAIL = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(\.[\w-]{1,63})+")
_SSN = re.compile(r"\b\d{3}[- ]\d{2}[- ]\d{4}\b|\b\d{9}\b")
_DIGIT_RUN = re.compile(r"\d{6,}")
# A number a word announces as someone's: a provider's, a health plan's, an insurance's (four
# characters at least: "Medicare 2" is a count).
_ID_NUMBER = re.compile(r"\b(npi|member\s?(id|no|number|#)|policy\s?(no|number|#)|"
                        r"insurance\s?(id|no|number|#)|(medicaid|medicare)(\s?(id|no\.?|"
                        r"number|#))?|subscriber\s?(id|#))"
                        r"\s*[:#]?\s*[A-Z]*\d[\dA-Z-]{3,}", re.IGNORECASE)
# An e-mail address spelt out so that no filter sees the @: "john dot smith at gmail dot com".
_SPELT_EMAIL = re.compile(r"\b[\w+-]{1,64}\s*(?:\bat\b|\[at\]|\(at\))\s*[\w-]{1,63}\s*"
                          r"(?:\bdot\b|\[dot\]|\(dot\))\s*(?:com|org|net|edu|gov|us|uk|ca)\b",
                          re.IGNORECASE)
# "12 Elm Street", "1600 Pennsylvania Ave", "apt 4B": a number, capitalised words and a
# street's suffix, each as written (case counts: "4 phase CT", "2 stents in place" and
# "2 attending Dr Patel" are not addresses; suffixes that are also clinical, Ct, Dr, Pl, Sq
# and Way, are left out).
_STREET = re.compile(r"\b\d{1,6}\s+(?:[A-Z][a-z'-]+\.?\s+){1,3}(?:Street|St|Avenue|Ave|Road|"
                     r"Rd|Lane|Ln|Drive|Boulevard|Blvd|Court|Terrace|Circle|Highway|Hwy|"
                     r"Parkway|Pkwy)\b\.?"
                     r"|(?i:\b(?:apt|apartment)\.?\s*#?\s*\d+[A-Za-z]?\b)")
# A surname and an initial (either way round) followed by an age: "Smith J, 67M" (a comma,
# then the age and sex) or "J. Smith 54 yo F" (years said); "Cobra C 5F" is a catheter.
_NAME_AGE = re.compile(r"\b(?:(?P<first>[A-Z][a-z'-]{2,})\s+[A-Z]\.?|[A-Z]\.?\s*"
                       r"(?P<last>[A-Z][a-z'-]{2,}))(?:,\s*\d{1,3}\s*[MF]\b|,?\s+\d{1,3}\s*"
                       r"-?\s*(?:yo|y/o|y\.o\.|years?[- ]old)\b"
                       # "Smith J 67 M": without the comma only an adult's age ("Cobra C 5F"
                       # is a catheter's size)
                       r"|\s+(?:1[89]|[2-9]\d)\s*(?:[MF]|male|female)\b)")
# Two words and an age, in any case: "john smith, 45 y/o" (a name when the first is a given
# name; `_name_in`).
_TWO_WORDS_AGE = re.compile(r"\b([A-Za-z][a-z'-]+)\s+([A-Za-z][a-z'-]+),?\s+\d{1,3}\s*-?\s*"
                            r"(?:yo|y/o|y\.o\.|years?[- ]old)\b", re.IGNORECASE)
_RECORD_WORD = re.compile(r"\b(mrn|mr\s?#|medical record|record\s?(no|number|#)|acc(ession)?"
                          r"\s?(no|number|#)|acc#|csn|fin\s?#|encounter\s?(no|#)"
                          r"|accession\s*[:#]?\s*[A-Z]{0,3}\d|chart\s?(no\b\.?|number|#))",
                          re.IGNORECASE)
# Month names and their abbreviations (capitalised; DATE reads them in any case).
_MONTH = (r"(Jan(uary)?|Feb(ruary)?|Mar(ch)?|Apr(il)?|May|June?|July?|Aug(ust)?"
          r"|Sept?(ember)?|Oct(ober)?|Nov(ember)?|Dec(ember)?)\.?")
# A date in a common form, or a word that announces a birth date (also used by patient_ref
# for references). Runs like "segments 5/6/7" carry no year and are not dates.
DATE = re.compile(
    r"\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b"                                     # 1961-03-04
    r"|\b\d{1,2}[-/.]\d{1,2}[-/.](\d{2}|\d{4})\b"                            # 3/4/61, 3.4.1961
    r"|\b\d{1,2}\s*" + _MONTH + r"\s*\d{2,4}\b"                               # 4 Mar 1961
    r"|\b" + _MONTH + r"\s*\d{1,2}(st|nd|rd|th)?,?\s*\d{2,4}\b"                # Mar 4, 1961
    r"|\b(dob|d\.o\.b|born|birth\s?date|date of birth)\b", re.IGNORECASE)
# A month and day without a year, the month capitalised ("March 4"; "may 5" is not one), and
# "3/14", whose day cannot be the denominator of a fraction in twelfths or less.
_MONTH_DAY = re.compile(r"\b" + _MONTH + r"\s+\d{1,2}(st|nd|rd|th)?\b")
_SLASH_DAY = re.compile(r"\b(\d{1,2})/(\d{1,2})\b(?!/)")
_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'-]*")
# Courtesy titles: "Mr Jones", "MRS JONES", "mr. jones". Capital "MR" and "MS" are the
# modality and multiple sclerosis, so only titles that cannot be those count.
_TITLE = re.compile(r"\b(Mr|Mrs|Ms|Miss|Mx|MRS|MISS)\.?\s+[A-Za-z][A-Za-z'-]+"
                    r"|\b(mr|mrs|ms|mx)\.\s*[A-Za-z][A-Za-z'-]+|\b(mrs|miss)\s+[a-z][a-z'-]+")
# "pt Maria", "patient john": a given name right after the word patient.
_PATIENT = re.compile(r"\b(pt|patient|pt\.)\s+([A-Za-z][A-Za-z'-]+)", re.IGNORECASE)
_SURNAME_FIRST = re.compile(r"\b([A-Z][A-Za-z'-]+),\s*([A-Z][A-Za-z'-]+)")
# Words after which a capitalised given-name-like word is a place or a finding, not a person
# ("Duke University", "Barrett esophagus", "Stanford type B", "Chance fracture").
_NOT_A_SURNAME = {
    "hospital", "hospitals", "university", "medical", "center", "centre", "clinic", "health",
    "healthcare", "regional", "memorial", "general", "institute", "campus", "va", "cancer",
    "children's", "childrens", "county", "community", "infirmary", "college", "school",
    "heart", "vascular", "israel", "deaconess", "mason", "sinai", "esophagus", "fracture",
    "type", "canal", "syndrome", "disease", "sign", "tumor", "tumour", "lesion",
    "classification", "criteria", "score", "grade", "procedure", "shunt", "catheter",
    "filter", "stent", "pouch", "fascia", "ligament", "duct", "space", "triangle", "line",
    "tear", "ulcer", "cyst", "node", "nodes", "point", "view", "position", "maneuver",
    "manoeuvre", "technique", "needle", "sheath", "wire", "balloon", "device", "valve",
    "operation", "anastomosis", "artery", "vein", "muscle", "nerve", "bone", "joint",
    "phenomenon", "effect", "test", "scale", "stage", "staging", "weiss", "esophageal",
    "hepatitis", "vitamin", "zone", "class", "segment", "level", "factor", "child", "group",
    "stanford", "bosniak", "lesser", "greater",
    # words of devices' names ("SOFIA Plus", "SOFIA Flow" catheters)
    "plus", "flow", "pro", "max", "select", "ultra", "advantage", "glidewire", "guidewire"}
# Eponyms that are also given names, when they stand first.
_EPONYMS = {"mallory", "barrett", "stanford", "chance", "jefferson", "hunter", "todd",
            "morgan", "douglas", "warren", "glenn", "bell", "graves", "addison", "wilson",
            "hill", "baker", "mason", "virginia", "beth", "paget", "colles", "monteggia",
            "galeazzi", "morison", "nelson", "fontan", "norwood", "kasai", "whipple",
            "hartmann", "nissen", "roux", "sister", "stewart", "cooper", "thompson"}


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
    """'Smith', 'SMITH', and a name of parts: 'O'Brien', 'Smith-Jones'."""
    if len(word) < 2 or not word[:1].isupper():
        return False
    if word[1:].islower() or word.isupper():
        return True
    parts = re.split(r"['-]", word)
    return len(parts) > 1 and all(part[:1].isupper() and part[1:].islower()
                                  for part in parts if len(part) > 1)


# Common surnames (among the most frequent in the United States), leaving out those that are
# also everyday or clinical words (brown, white, young, king, hill, ward, long, cook, ...):
# after a given name, in any case, they make a person's name ("home of maria garcia").
_COMMON_SURNAMES = frozenset("""
    smith johnson williams jones garcia miller davis rodriguez martinez hernandez lopez
    gonzalez gonzales anderson thomas taylor moore jackson martin perez thompson harris
    sanchez clark ramirez lewis robinson allen nguyen flores scott torres adams nelson
    carter mitchell roberts gomez phillips evans turner diaz parker cruz edwards collins
    reyes stewart morris morales murphy rogers gutierrez ortiz morgan cooper peterson
    kelly howard ramos richardson watson chavez bennett mendoza ruiz hughes alvarez
    castillo sanders patel myers ross jimenez jenkins sullivan henderson coleman
    simmons patterson reynolds hamilton graham wallace okafor okonkwo
    """.split())
# Given names that are also everyday words: before a surname they may still be words.
_WORD_NAMES = frozenset("""
    may will mark bill grant rose june april august art pat sue don ray gene joy hope
    faith grace dawn summer page chase lane star iris ruby pearl penny rich sage
    """.split())

# Short words a given-name list holds but a note uses as words ("mark the spot, 3 yo").
_FUNCTION_WORDS = {"the", "and", "for", "with", "was", "his", "her", "our", "its", "has",
                   "had", "not", "but", "are", "per", "via", "old", "new", "all", "one"}


# Letters of other scripts that look like Latin ones ("J\u043ehn" with a Cyrillic o), and
# typographic apostrophes ("O\u2019Brien"): read as the letters they look like.
_LOOK_ALIKES = str.maketrans(
    "\u0430\u0435\u043e\u0440\u0441\u0443\u0445\u0456\u0458\u0455\u0501\u051b\u051d\u04cf"
    "\u0410\u0412\u0415\u041a\u041c\u041d\u041e\u0420\u0421\u0422\u0423\u0425\u0406\u0408\u0405"
    "\u03bf\u03b9\u03ba\u03bd\u03c1\u0391\u0392\u0395\u0396\u0397\u0399\u039a\u039c\u039d"
    "\u039f\u03a1\u03a4\u03a5\u03a7\u2019\u2018\u02bc\u0060\u00b4",
    "aeopcyxijsdqwl" "ABEKMHOPCTYXIJS" "oikvpABEZHIKMN" "OPTYX" + "'" * 5)


def _plain(text: str) -> str:
    """The text as its letters look (compatibility forms and look-alikes folded), so that no
    pattern is dodged by a character that only looks the same."""
    return unicodedata.normalize("NFKC", text).translate(_LOOK_ALIKES)


def _name_in(text: str) -> str | None:
    """A person's name in `text`, as written, or None."""
    if match := _TITLE.search(text):
        return match.group(0)
    for match in _NAME_AGE.finditer(text):
        if (match.group("first") or match.group("last")).lower() not in _NOT_A_SURNAME:
            return match.group(0)
    for match in _TWO_WORDS_AGE.finditer(text):
        first, second = match.group(1), match.group(2)
        if is_given_name(first) and first.lower() not in _EPONYMS | _FUNCTION_WORDS \
                and second.lower() not in _NOT_A_SURNAME | _FUNCTION_WORDS:
            return match.group(0)
    for match in _PATIENT.finditer(text):
        if is_given_name(match.group(2)):
            return match.group(0)
    for match in _SURNAME_FIRST.finditer(text):
        surname, given = match.groups()
        after = _WORD.match(text, match.end() + 1) if match.end() < len(text) else None
        if (is_given_name(given) and not is_given_name(surname)
                and given.lower() not in _EPONYMS and surname.lower() not in _NOT_A_SURNAME
                # "Glidewire Advantage, Rosen wire": a device's name, not "Surname, Given"
                and not (after and after.group(0).lower() in _NOT_A_SURNAME)):
            return f"{surname}, {given}"
    words = list(_WORD.finditer(text))
    for first, second in zip(words, words[1:], strict=False):
        given, surname = first.group(0).lower(), second.group(0).lower()
        if text[first.end():second.start()].isspace() and surname in _COMMON_SURNAMES \
                and given not in _EPONYMS | _FUNCTION_WORDS | _WORD_NAMES \
                and is_given_name(given):
            # a given name and a common surname, however written ("maria garcia")
            return f"{first.group(0)} {second.group(0)}"
    for first, second in zip(words, words[1:], strict=False):
        if text[first.end():second.start()].isspace() and _capitalised(first.group(0)) \
                and _capitalised(second.group(0)) and is_given_name(first.group(0)) \
                and first.group(0).lower() not in _EPONYMS \
                and second.group(0).lower() not in _NOT_A_SURNAME:
            # only words side by side ("Sun 6 Dec" is a date's day and month)
            return f"{first.group(0)} {second.group(0)}"
    return None


def _date_in(text: str) -> str | None:
    """A date, with or without its year, as written, or None."""
    if match := DATE.search(text) or _MONTH_DAY.search(text):
        return match.group(0)
    for match in _SLASH_DAY.finditer(text):
        month, day = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12 and 13 <= day <= 31:
            return match.group(0)
    return None


def _phone_in(text: str) -> str | None:
    if sum(c.isdigit() for c in text) < 7:   # no phone number has fewer digits
        return None
    for match in phonenumbers.PhoneNumberMatcher(text, "US",
                                                 leniency=phonenumbers.Leniency.POSSIBLE):
        return match.raw_string
    return None


# A word that announces a birth date: a patient's, whatever follows it.
_BIRTH = re.compile(r"\b(dob|d\.o\.b|born|birth\s?date|date of birth)\b", re.IGNORECASE)


def patient_information(text: str, dates: bool = True) -> str | None:
    """What in `text` looks like patient information, in words ('a phone number (555 867
    5309)'), or None when nothing does. With `dates` False, a date alone passes (a
    resident's note on a vacation request names the days of a wedding), a birth date not."""
    if not text.strip():
        return None
    text = _plain(text)
    if match := _EMAIL.search(text) or _SPELT_EMAIL.search(text):
        return f"an e-mail address ({match.group(0)})"
    if match := _SSN.search(text):
        return f"a social security number ({match.group(0)})"
    if match := _ID_NUMBER.search(text):
        return f"an identifying number ({match.group(0)})"
    if match := _RECORD_WORD.search(text):   # "MRN 1234567" is no phone number
        return f"a medical record or accession number ({match.group(0)})"
    if found := _phone_in(text):
        return f"a phone number ({found})"
    if dates and (found := _date_in(text)):
        return f"a date ({found}): the case's date has its own field"
    if not dates and (match := _BIRTH.search(text)):
        return f"a birth date ({match.group(0)})"
    if match := _DIGIT_RUN.search(text):
        return f"a medical record or accession number ({match.group(0)})"
    if match := _STREET.search(text):
        return f"a street address ({match.group(0)})"
    if found := _name_in(text):
        return f"a person's name ({found})"
    return None

