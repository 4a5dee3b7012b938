"""Geometry of the "quiz scores over time" chart. Pure, like studyapp.charts: the template draws it with SVG
attributes and the dashboard's chart classes (no inline style under the CSP), and a table sits beside it."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 600
HEIGHT = 200
LEFT = 40  # room for the percent labels
RIGHT = 12
TOP = 24  # room for the legend
BOTTOM = 22  # room for the date labels
MIN_SPAN_DAYS = 29  # a month at least, so a first quiz is not stretched across the whole width


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    date: dt.date
    score: float
    quizzes: int

    @property
    def square(self) -> tuple[float, float]:
        """Top-left corner of the 8-pixel square drawn for an assigned quiz."""
        return round(self.x - 4, 1), round(self.y - 4, 1)


@dataclass(frozen=True)
class Series:
    points: list[Point]

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:g},{p.y:g}" for p in self.points)


@dataclass(frozen=True)
class Gridline:
    y: float
    label: str


@dataclass(frozen=True)
class DateLabel:
    x: float
    text: str
    anchor: str  # SVG text-anchor


@dataclass(frozen=True)
class ScoreChart:
    practice: Series
    assigned: Series
    gridlines: list[Gridline]
    dates: list[DateLabel]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    bottom: int = HEIGHT - BOTTOM


def score_chart(days: Sequence, today: dt.date) -> ScoreChart:
    """Scores (0–1) against the date, from the first day with a quiz (at least a month back) to today.

    `days` hold .date, .practice/.practice_quizzes and .assigned/.assigned_quizzes (a score is None on a day
    without that kind of quiz), oldest first."""
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    first = min([d.date for d in days] + [today - dt.timedelta(days=MIN_SPAN_DAYS)])
    span = (today - first).days or 1

    def x(date: dt.date) -> float:
        return round(LEFT + plot_width * (date - first).days / span, 1)

    def y(score: float) -> float:
        return round(TOP + plot_height * (1 - score), 1)

    def series(score_of: str, count_of: str) -> Series:
        return Series(
            [
                Point(x(d.date), y(getattr(d, score_of)), d.date, getattr(d, score_of), getattr(d, count_of))
                for d in days
                if getattr(d, score_of) is not None
            ]
        )

    return ScoreChart(
        practice=series("practice", "practice_quizzes"),
        assigned=series("assigned", "assigned_quizzes"),
        gridlines=[Gridline(y(share), f"{round(share * 100)} %") for share in (1.0, 0.5, 0.0)],
        dates=[
            DateLabel(float(LEFT), f"{first.day} {first:%b %Y}", "start"),
            DateLabel(float(WIDTH - RIGHT), f"{today.day} {today:%b %Y}", "end"),
        ],
    )
