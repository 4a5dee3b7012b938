"""Item analysis of a quiz: pure statistics over responses, no database.

Discrimination is the upper–lower index: respondents are ranked by total score, the top and bottom 27% (at least one
each) are compared, and D = share correct in the upper group − share correct in the lower group. Ties in total
score keep the order given (callers pass respondents in a stable order).
"""

from collections.abc import Sequence
from dataclasses import dataclass

GROUP_FRACTION = 0.27
LOW_DISCRIMINATION = 0.2


@dataclass(frozen=True)
class Response:
    """One respondent's answer to one question: the option index chosen (None if skipped) and their total score."""

    respondent: int
    chosen: int | None
    correct: bool
    total: float


@dataclass(frozen=True)
class ItemStats:
    responses: int
    facility: float | None
    discrimination: float | None
    option_counts: list[int]
    unused_distractors: list[int]
    low_discrimination: bool

    @property
    def flagged(self) -> bool:
        return self.low_discrimination or bool(self.unused_distractors)


def facility(correct: Sequence[bool]) -> float | None:
    """Share of respondents who answered correctly (the facility or difficulty index)."""
    if not correct:
        return None
    return sum(1 for c in correct if c) / len(correct)


def group_size(n: int, fraction: float = GROUP_FRACTION) -> int:
    """Size of the upper and lower groups among n respondents (27% rounded, at least 1, at most n // 2)."""
    if n < 2:
        return 0
    return max(1, min(n // 2, round(n * fraction)))


def discrimination(pairs: Sequence[tuple[float, bool]], fraction: float = GROUP_FRACTION) -> float | None:
    """Upper–lower discrimination index from (total score, answered this question correctly) pairs.

    None with fewer than two respondents.
    """
    k = group_size(len(pairs), fraction)
    if k == 0:
        return None
    ranked = sorted(pairs, key=lambda p: p[0], reverse=True)
    upper = ranked[:k]
    lower = ranked[-k:]
    return (sum(1 for _, c in upper if c) - sum(1 for _, c in lower if c)) / k


def option_counts(chosen: Sequence[int | None], n_options: int) -> list[int]:
    counts = [0] * n_options
    for c in chosen:
        if c is not None and 0 <= c < n_options:
            counts[c] += 1
    return counts


def analyse_item(responses: Sequence[Response], *, n_options: int, answer: int) -> ItemStats:
    counts = option_counts([r.chosen for r in responses], n_options)
    disc = discrimination([(r.total, r.correct) for r in responses])
    unused = [i for i, n in enumerate(counts) if n == 0 and i != answer] if responses else []
    return ItemStats(
        responses=len(responses),
        facility=facility([r.correct for r in responses]),
        discrimination=disc,
        option_counts=counts,
        unused_distractors=unused,
        low_discrimination=disc is not None and disc <= LOW_DISCRIMINATION,
    )
