"""Shared fixtures. Helpers live in program_helpers.py (engine tests) and
test_web/web_support.py (web tests): conftest modules are not meant to be imported."""

from __future__ import annotations

import pytest
from program_helpers import make_program


@pytest.fixture
def program_from():
    return make_program
