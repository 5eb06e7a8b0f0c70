"""The default catalogue and its targets: real rules marked confirmed, examples marked as such."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from caselog import load_catalogue, load_default

IR_FAMILIES = ["ANGIO", "ARTERIAL", "VENOUS", "EMBO", "ACCESS", "BIOPSY", "DRAINAGE",
               "PARA-THORA", "ABLATION", "DIALYSIS", "PORTAL", "BILIARY", "GU", "GI", "SPINE",
               "PAIN"]


def test_the_default_catalogue_covers_the_ir_families_and_mammography():
    catalogue = load_default()
    codes = [c.code for c in catalogue.category]
    assert codes[:len(IR_FAMILIES)] == IR_FAMILIES
    mammo = next(c for c in catalogue.category if c.code == "MAMMO-READ")
    assert mammo.kind == "reading"
    assert catalogue.category_of["TIPS"].code == "PORTAL"


def test_only_the_esir_total_and_mqsa_are_confirmed():
    catalogue = load_default()
    confirmed = {t.name: t for t in catalogue.target if t.confirmed}
    assert set(confirmed) == {"ESIR procedure log", "MQSA mammography reads"}
    esir = confirmed["ESIR procedure log"]
    assert (esir.count, esir.tracks, esir.kind) == (500, ["ESIR"], "procedure")
    mqsa = confirmed["MQSA mammography reads"]
    assert (mqsa.count, mqsa.window_months, mqsa.last_years) == (240, 6, 2)
    for example in (t for t in catalogue.target if not t.confirmed):
        assert "example" in example.name.lower() and "example" in example.source
    assert [t.name for t in catalogue.targets_for("DR")] == ["MQSA mammography reads"]


@pytest.mark.parametrize("text, message", [
    ('[[category]]\ncode = "A"\nname = "A"\nprocedures = [{code = "A", name = "x"}]',
     "used twice"),
    ('[[target]]\nname = "t"\ncount = 5\ncategory = "NOPE"', "unknown category"),
    ('[[target]]\nname = "t"\ncount = 5\nlast_years = 2', "last_years needs window_months"),
    ('[[category]]\ncode = "A"\nname = "A"\nprocedures = [{code = "B", name = "x", '
     'cpt = ["12"]}]', "cpt"),
])
def test_a_wrong_catalogue_says_what_is_wrong(text, message):
    with pytest.raises(ValidationError) as error:
        load_catalogue(text)
    assert message in str(error.value)
