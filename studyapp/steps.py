"""Learning steps written as Anki writes them: '1m 10m', '30s 1h 1d'."""

import datetime as dt
import re

_STEP = re.compile(r"^(\d+(?:\.\d+)?)([smhd])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_steps(text: str) -> list[dt.timedelta]:
    """'1m 10m' -> [1 minute, 10 minutes]. Raises ValueError naming the bad step. Empty text means no steps."""
    steps = []
    for token in text.split():
        match = _STEP.match(token.lower())
        if not match:
            raise ValueError(f"{token!r} is not a step; write a number and a unit (s, m, h or d), like 10m.")
        seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        if seconds <= 0:
            raise ValueError(f"{token!r} must be longer than zero.")
        steps.append(dt.timedelta(seconds=seconds))
    return steps
