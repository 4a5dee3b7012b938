"""The class dashboard's two per-student tables, one tag per row: for a class of hundreds, a template node per
cell (and its lookups, filters and escaping) costs more than all the page's queries. The cells are escaped
here with format_html; the table around them stays in the template."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def student_cells(line) -> SafeString:
    """Today, reviews in 7 days, retention, overdue (with its count time when not current), quiz average and
    a heat cell per list: the `<td>`s after the row's header."""
    s = line.student
    if s.uncounted:
        overdue = SafeString('<span class="muted">counting…</span>')
    elif s.as_of is not None:
        overdue = format_html('{} <span class="muted">as of {}</span>', s.overdue, line.as_of)
    else:
        overdue = s.overdue
    return format_html(
        "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>{}",
        s.reviews_today,
        s.reviews_7d,
        line.retention,
        overdue,
        line.quiz_average,
        format_html_join("", '<td class="{}">{}</td>', line.mastery),
    )


@register.simple_tag
def grade_cells(line) -> SafeString:
    """A cell per assignment: the grade and attempts used (late ones flagged), or a dash."""
    cells = []
    for grade, used, late in line.grades:
        if not used:
            cells.append("<td>–</td>")
        elif late:
            cells.append(
                format_html(
                    '<td>{} <span class="muted">{}</span> <span class="badge late">{} late</span></td>',
                    grade,
                    used,
                    late,
                )
            )
        else:
            cells.append(format_html('<td>{} <span class="muted">{}</span></td>', grade, used))
    return SafeString("".join(cells))
