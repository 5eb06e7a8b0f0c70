"""File names of downloads. A program or resident name can hold any letter (and, before
names were checked, anything at all), while an HTTP header holds Latin-1 text only: the
`Content-Disposition` header carries a plain ASCII `filename` for old clients and the real
name as `filename*` (RFC 6266 / RFC 5987), so no name ever breaks a download."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote


def safe_stem(name: str, fallback: str = "download") -> str:
    """`name` made fit for a file name: letters, digits, '-' and '_' kept (any script), every
    other run of characters one '-'."""
    stem = re.sub(r"[^\w-]+", "-", name, flags=re.UNICODE).strip("-_")
    return stem or fallback


def attachment(filename: str) -> str:
    """The Content-Disposition value that downloads `filename`."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r'[^A-Za-z0-9._-]+', "-", ascii_name).strip("-") or "download"
    if ascii_name == filename:
        return f'attachment; filename="{filename}"'
    return (f'attachment; filename="{ascii_name}"; '
            f"filename*=UTF-8''{quote(filename, safe='')}")
