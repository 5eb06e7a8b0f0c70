"""Installation settings from `config.toml` (or the file named by RESIDENCY_CONFIG).

Every key is optional and has a default; a wrong key or value is an error naming the key, so
a typo never silently falls back to a default. Upper-case top-level keys belong to the web
app (Flask reads them) and are left to it.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .limits import Limits
from .validation import format_path

DEFAULT_PATH = Path("config.toml")


class SolverSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    time_limit: Annotated[float, Field(gt=0, le=86_400)] = 60.0
    workers: Annotated[int, Field(ge=0, le=256)] = 0
    explain_time_limit: Annotated[float, Field(gt=0, le=86_400)] = 30.0


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    solver: SolverSettings = SolverSettings()
    limits: Limits = Limits()


class ConfigError(ValueError):
    """The settings file cannot be used; the message says where and why."""


def load_settings(path: str | Path | None = None) -> Settings:
    """Settings from `path`, else $RESIDENCY_CONFIG, else ./config.toml; defaults when the
    default file does not exist."""
    explicit = path or os.environ.get("RESIDENCY_CONFIG")
    target = Path(explicit) if explicit else DEFAULT_PATH
    if not target.exists():
        if explicit:
            raise ConfigError(f"settings file {target} does not exist")
        return Settings()
    try:
        raw = tomllib.loads(target.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read settings file {target}: {exc}") from exc
    # Upper-case keys are the web app's Flask settings (SECRET_KEY, ...): not ours to check.
    raw = {key: value for key, value in raw.items() if not key.isupper()}
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{format_path(tuple(e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"settings file {target}: {problems}") from exc
