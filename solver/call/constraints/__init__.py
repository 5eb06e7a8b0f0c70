"""The call schedule's constraint families, one module each, in the order they are added."""

from . import (
    continuous,
    cover,
    day_off,
    fairness,
    kept,
    not_both,
    requests,
    rest,
    third_night,
    weekly_hours,
)

FAMILIES = (cover, weekly_hours, day_off, continuous, rest, third_night, fairness, not_both,
            requests, kept)
