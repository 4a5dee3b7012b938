"""The grading rule: an assignment's grade from a student's finished attempts, by its grading method.

The dashboards compute highest, mean and last score in the database and call `pick_grade`; the gradebook and
the assignment page call `grade` on attempts in Python. Both take the grade from `pick_grade`.
"""

from collections.abc import Sequence

from quizzes.models import Assignment, Attempt


def pick_grade(method: str, *, highest: float | None, last: float | None, mean: float | None) -> float | None:
    """The grade (0–1) an assignment's grading method gives from its student's finished scores."""
    if method == Assignment.Grading.HIGHEST:
        return highest
    if method == Assignment.Grading.LAST:
        return last
    if method == Assignment.Grading.AVERAGE:
        return mean
    raise ValueError(f"unknown grading method {method!r}")


def grade(attempts: Sequence[Attempt], method: str) -> float | None:
    """The learner's grade (0–1) from their finished attempts, oldest first; None when there are none."""
    scores = [a.score for a in attempts if a.score is not None and not a.is_open]
    if not scores:
        return None
    return pick_grade(method, highest=max(scores), last=scores[-1], mean=sum(scores) / len(scores))
