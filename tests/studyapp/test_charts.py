import datetime as dt

import pytest

from studyapp import charts
from studyapp.stats import HeatDay


def test_heatmap_puts_weeks_in_columns_and_mondays_on_top():
    # Wednesday 31 Dec 2025 to Tuesday 6 Jan 2026
    days = [HeatDay(dt.date(2025, 12, 31) + dt.timedelta(days=i), i, min(i, 4)) for i in range(7)]
    chart = charts.heatmap(days, top=14)
    step = charts.CELL + charts.GAP
    assert [(c.x, c.y) for c in chart.cells[:2]] == [(0, 14 + 2 * step), (0, 14 + 3 * step)]
    assert (chart.cells[-1].x, chart.cells[-1].y) == (step, 14 + step)  # Tuesday of the second week
    assert chart.months == [charts.MonthLabel(0, "Jan")]
    assert (chart.width, chart.height) == (2 * step, 14 + 7 * step)


def test_bar_chart_scales_to_the_busiest_day_and_keeps_single_reviews_visible():
    start = dt.date(2026, 6, 10)
    values = [(start + dt.timedelta(days=i), n) for i, n in enumerate([0, 200, 100, 1, 0, 0])]
    chart = charts.bar_chart(values, plot_height=100)
    assert [b.height for b in chart.bars] == [0, 100, 50, 1, 0, 0]
    assert [b.y + b.height for b in chart.bars] == [chart.baseline] * 6
    assert [b.label for b in chart.bars] == ["10", "", "", "", "", "15"]
    assert chart.peak == 200


def test_an_empty_forecast_draws_no_bars_above_the_axis():
    chart = charts.bar_chart([(dt.date(2026, 6, 10), 0)])
    assert chart.bars[0].height == 0 and chart.peak == 0


@pytest.mark.parametrize("unit", ["due", "reviews"])
def test_bars_written_in_python_are_the_markup_the_template_wrote(unit):
    """Titles ("Mon 2 Mar: 3 due") and the day labels under every fifth bar, as the template's `date` filter
    and loop wrote them before the bars were written in Python."""
    from django.template import Context, Template

    values = [(dt.date(2026, 2, 20) + dt.timedelta(days=i), (i * 7) % 12) for i in range(30)]
    chart = charts.bar_chart(values, unit=unit)
    template = Template(
        '{% for b in c.bars %}<rect x="{{ b.x }}" y="{{ b.y }}" width="{{ b.width }}" height="{{ b.height }}"'
        ' class="bar"><title>{{ b.date|date:"D j M" }}: {{ b.count }} {{ c.unit }}</title></rect>{% if b.label %}'
        '<text x="{{ b.x }}" y="{{ c.height|add:\'-4\' }}" class="chart-label">{{ b.label }}</text>'
        "{% endif %}{% endfor %}"
    )
    assert chart.markup == template.render(Context({"c": chart}))
    assert [b.day for b in chart.bars[:3]] == ["Fri 20 Feb", "Sat 21 Feb", "Sun 22 Feb"]
