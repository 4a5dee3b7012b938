from django import template

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """0.857 -> "86 %"; no figure yet -> an en dash."""
    if value is None:
        return "–"
    return f"{round(value * 100)} %"


@register.filter
def decimal(value: float | None, places: int = 3) -> str:
    """A dot-decimal number for HTML attributes such as <meter value>, whatever the locale."""
    return f"{(value or 0.0):.{places}f}"


@register.filter
def heat(value: float | None) -> str:
    """A share 0–1 as a heat-table class: heat-none when there is no figure, heat-0 … heat-4 otherwise."""
    if value is None:
        return "heat-none"
    return f"heat-{min(4, int(value * 5))}"
