"""What every importer reports: problems with their line, and the rejection that means nothing is saved."""

from dataclasses import dataclass


@dataclass
class Problem:
    line: int
    message: str


class ImportRejected(ValueError):
    """Nothing was written; `str(exc)` says why, `problems` lists line-numbered details when there are any."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems = problems or []
