"""No patient information in a case log's free text: a corpus of what a tired resident might
type about a patient (refused, with what looked like patient information) and of real
clinical wording (accepted)."""

from __future__ import annotations

import pytest

from caselog.phi import patient_information

PATIENT_INFORMATION = [
    ("John Smith", "name"),
    ("JOHN SMITH 1", "name"),
    ("pt Maria Lopez, tolerated well", "name"),
    ("Lopez, Maria", "name"),
    ("Mrs Jones, 3rd attempt", "name"),
    ("seen with Mr. Okafor", "name"),
    ("call back 555 867 5309", "phone"),
    ("(919) 555-0142", "phone"),
    ("+44 20 7946 0958", "phone"),
    ("919.555.0142", "phone"),
    ("daughter: anna.b@gmail.com", "e-mail"),
    ("SSN 123-45-6789", "social security"),
    ("123456789", "social security"),
    ("MRN 4411", "medical record"),
    ("MRN 1234567", "medical record"),   # a record number, not a phone number
    ("acc# 77", "medical record"),
    ("accession number 5531", "medical record"),
    ("ref 00442211", "medical record"),
    ("DOB 3/4/1961", "date"),
    ("born 1961-03-04", "date"),
    ("seen Jan 31, 2026 in clinic", "date"),
    ("4 Mar 1961", "date"),
    ("mr. jones", "name"),
    ("MRS JONES", "name"),
    ("Pt John smith", "name"),
    ("pt maria lopez", "name"),
    ("seen 3/14", "date"),
    ("follow-up March 4", "date"),
    ("Smith J, 67M", "name"),
    ("J. Smith 54 yo F", "name"),
    ("Jones A 71 year-old", "name"),
    ("12 Elm Street", "street address"),
    ("lives at 1600 Pennsylvania Ave", "street address"),
    ("moved to apt 4B", "street address"),
    ("NPI 1234567890", "identifying number"),
    ("member ID W123456", "identifying number"),
    # an outside tester's notes that passed once (2026-12-07)
    ("john smith, 45 y/o", "name"),
    ("Smith J 67 M", "name"),
    ("Sean O\u2019Brien", "name"),                      # a typographic apostrophe
    ("J\u043ehn Smith", "name"),                        # a Cyrillic o
    ("Accession A12345", "accession"),
    ("chart no. 77777", "record"),
    ("medicaid id AB12345C", "identifying number"),
    ("contact john dot smith at gmail dot com", "e-mail"),
    # a given name and a common surname in lower case, without an age
    ("home of maria garcia", "name"),
    ("family of jose rodriguez called", "name"),
    ("wife linda JOHNSON at bedside", "name"),
]

CLINICAL = [
    "",
    "uneventful",
    "R CFA access, 5F sheath, closure device",
    "Y-90 mapping, lung shunt 6%",
    "DEB-TACE with 2 vials 100-300 um beads",
    "Left hepatic artery embolised to stasis",
    "Portal Vein Embolization, segments 5-8",
    "IVC filter retrieval after 3 mo, tilted 15 degrees",
    "Hickman catheter exchanged over wire",
    "discussed with Dr Patel before the procedure",
    "TIPS revision, gradient 18 to 7 mmHg",
    "10000 units heparin",
    "Tunneled PICC, 4F double lumen, tip at cavoatrial junction",
    "Duke University Hospital",
    "St. Mary's Hospital",
    "Seldinger technique, US guided",
    "AL CFA puncture",
    "Will follow up in IR clinic",
    "Grade 2 hematoma, managed conservatively",
    "Amplatzer plug to the gastroduodenal artery",
    "MR Enterography",
    "Correlate with MR Liver",
    "MS Plaques",
    "Mallory Weiss tear",
    "Barrett Esophagus, Stanford Type B",
    "Chance Fracture; Jefferson Fracture",
    "Hunter Canal",
    "Beth Israel",
    "Hepatic segments 5/6/7",
    "2 septal 12 mm",
    "birth control history",
    "1/2 of the lumen",
    "Hepatitis B, 45M",
    "Stanford Type B, 45 F",
    "IR room 4, suite 3",
    "bed 12, room 4B",
    "8 Fr sheath over a Rosen wire",
    "Segment V lesion 3 cm",
    "Medicare patient",
    "Medicare 2",
    "4 phase CT",
    "compared with 1 prior CT",
    "2 stents in place",
    "area 5 cm sq",
    "seen by 2 attending Dr Patel",
    "Amplatz A 14 F",
    "Used Cobra C 5F",
    "Vessel A 6F",
    "2 Rosen wires way past the lesion",
    "mark the spot, 3 yo sibling present",
    "SOFIA Plus 6F",                     # catheters, their French sizes
    "SOFIA Flow 5F into the ICA",
    "grace period 30 m",
    "Glidewire Advantage, Rosen wire",
    "Sun 6 Dec late case",
    # surnames that are also words or eponyms, after words that are also given names
    "will patel review the images",
    "grace period with thompson classification",
    "mark martin catheter",
    "Wilson disease, Morgan Stanley",
    "discussed with dr patel",
    "the ward, long case, cook catheter",
]


@pytest.mark.parametrize("text, kind", PATIENT_INFORMATION)
def test_what_looks_like_patient_information_is_refused_and_named(text, kind):
    found = patient_information(text)
    assert found is not None and kind in found, found


@pytest.mark.parametrize("text", CLINICAL)
def test_clinical_wording_is_accepted(text):
    assert patient_information(text) is None



@pytest.mark.parametrize("text, kind", [
    ("Cover for John Smith DOB 03/04/1961", "birth date"),
    ("born 1961-03-04", "birth date"),
    ("Family trip MRN 1234567", "medical record"),
    ("SSN 123-45-6789", "social security"),
    ("pt Mary Jones, MRN: 00987654, seen 12/01/2026", "medical record"),
    ("pt Mary Jones, seen 12/01/2026", "name"),
])
def test_a_request_note_is_refused_patient_information_but_not_a_plain_date(text, kind):
    found = patient_information(text, dates=False)
    assert found is not None and kind in found, found


@pytest.mark.parametrize("text", ["Sister's wedding on 12 June 2027", "back 3/14",
                                  "conference 2027-10-04 to 2027-10-08"])
def test_a_request_note_may_say_the_days_it_is_about(text):
    assert patient_information(text, dates=False) is None
