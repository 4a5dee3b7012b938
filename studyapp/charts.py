"""Geometry for the dashboard's SVG charts. Pure: templates draw the shapes with SVG attributes and CSS classes
(the CSP blocks inline styles, so no `style=` anywhere), and each chart has a table beside it."""

import datetime as dt
from dataclasses import dataclass

from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

CELL = 11
GAP = 2


@dataclass(frozen=True)
class Cell:
    x: int
    y: int
    date: dt.date
    count: int
    level: int
    title: str  # "Mon 2 Dec 2024: 3 reviews", as the `date:"D j M Y"` filter would write the date


@dataclass(frozen=True)
class MonthLabel:
    x: int
    text: str


@dataclass(frozen=True)
class Heatmap:
    cells: list[Cell]
    months: list[MonthLabel]
    width: int
    height: int

    @property
    def markup(self) -> SafeString:
        """The cells as SVG, written here rather than by the template: 365 cells of four variables each were a
        fifth of the dashboard's rendering time (each number goes through the template's localisation)."""
        return mark_safe(
            "".join(
                f'<rect x="{c.x}" y="{c.y}" width="{CELL}" height="{CELL}" rx="2" class="heat-{c.level}">'
                f"<title>{escape(c.title)}</title></rect>"
                for c in self.cells
            )
        )


def heatmap(days: list, top: int = 14, left: int = 0) -> Heatmap:
    """Weeks as columns (Monday on top), one square per day; `days` oldest first with .date/.count/.level."""
    if not days:
        return Heatmap([], [], left, top)
    first_monday = days[0].date - dt.timedelta(days=days[0].date.weekday())
    step = CELL + GAP
    # 365 `date` filters cost the page several milliseconds: the names are translated once, the titles built here.
    weekdays = [str(WEEKDAYS_ABBR[i]) for i in range(7)]
    month_names = {m: str(name).title() for m, name in MONTHS_3.items()}
    cells, months = [], []
    for day in days:
        week = (day.date - first_monday).days // 7
        x = left + week * step
        d = day.date
        title = (
            f"{weekdays[d.weekday()]} {d.day} {month_names[d.month]} {d.year:04d}: "
            f"{day.count} review{'' if day.count == 1 else 's'}"
        )
        cells.append(Cell(x, top + d.weekday() * step, d, day.count, day.level, title))
        if day.date.day == 1:
            months.append(MonthLabel(x, day.date.strftime("%b")))
    weeks = (days[-1].date - first_monday).days // 7 + 1
    return Heatmap(cells, months, left + weeks * step, top + 7 * step)


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    width: int
    height: int
    date: dt.date
    count: int
    label: str  # the day of the month, under every fifth bar
    day: str  # "Mon 2 Dec", as the `date:"D j M"` filter would write the date


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    baseline: int
    peak: int
    unit: str  # after the count in each bar's title: "3 due"

    @property
    def markup(self) -> SafeString:
        """The bars and their day labels as SVG, written here as the heatmap's cells are (30 bars of seven
        template variables each cost more to render than the rest of the panel)."""
        unit = escape(self.unit)
        return mark_safe(
            "".join(
                f'<rect x="{b.x}" y="{b.y}" width="{b.width}" height="{b.height}" class="bar">'
                f"<title>{escape(b.day)}: {b.count} {unit}</title></rect>"
                + (
                    f'<text x="{b.x}" y="{self.height - 4}" class="chart-label">{escape(b.label)}</text>'
                    if b.label
                    else ""
                )
                for b in self.bars
            )
        )


def bar_chart(
    values: list[tuple[dt.date, int]], plot_height: int = 120, bar: int = 16, gap: int = 4, unit: str = "due"
) -> BarChart:
    """Vertical bars scaled to the largest value, with room below for day labels."""
    top = 16
    baseline = top + plot_height
    peak = max((n for _, n in values), default=0)
    weekdays = [str(WEEKDAYS_ABBR[i]) for i in range(7)]
    month_names = {m: str(name).title() for m, name in MONTHS_3.items()}
    bars = []
    for i, (date, count) in enumerate(values):
        height = round(plot_height * count / peak) if peak else 0
        if count and height == 0:
            height = 1  # one review must stay visible
        bars.append(
            Bar(
                i * (bar + gap),
                baseline - height,
                bar,
                height,
                date,
                count,
                str(date.day) if i % 5 == 0 else "",
                f"{weekdays[date.weekday()]} {date.day} {month_names[date.month]}",
            )
        )
    return BarChart(bars, len(values) * (bar + gap), baseline + 20, baseline, peak, unit)


@dataclass(frozen=True)
class Line:
    name: str
    points: str  # for <polyline points="…">
    css: str


@dataclass(frozen=True)
class LineChart:
    lines: list[Line]
    width: int
    height: int
    baseline: int
    peak: float


def line_chart(series: list[tuple[str, list[float]]], plot_height: int = 120, step: int = 6) -> LineChart:
    """One polyline per named series of daily values, all on the scale of the largest value."""
    top = 12
    baseline = top + plot_height
    peak = max((v for _, values in series for v in values), default=0.0)
    lines = []
    for n, (name, values) in enumerate(series):
        points = " ".join(
            f"{i * step},{baseline - (round(plot_height * v / peak) if peak else 0)}"
            for i, v in enumerate(values)
        )
        lines.append(Line(name, points, f"series-{n}"))
    longest = max((len(values) for _, values in series), default=1)
    return LineChart(lines, max(1, (longest - 1) * step), baseline + 8, baseline, peak)
