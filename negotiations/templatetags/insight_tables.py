"""Template tags for the analytics page's long tables, made in Python: a page of ten
parties over a hundred issues is a thousand rows, which the template engine took most of
the page's time to print. Strings are escaped with the standard library's html.escape
(as in templatetags/matrix.py); dates come as HTML from time_html."""

from html import escape

from django import template
from django.utils.safestring import mark_safe

from negotiations.templatetags.partial_dates import time_html

register = template.Library()


def _since_row(line):
    movement = escape(line.position.get_movement_display())
    if not line.moved:
        movement = f'<span class="muted">no shift; last statement ({movement.lower()})</span>'
    return (
        f"<tr><td>{escape(line.party.name)}</td>"
        f'<td><a href="{escape(line.position.get_absolute_url())}">{escape(line.issue.title)}'
        f"</a></td><td>{movement}</td><td>{time_html(line.date)}</td>"
        f'<td class="num">{line.days}</td></tr>'
    )


@register.simple_tag
def since_rows(lines):
    """The "time since the last movement" table's rows (shifts.SinceLast)."""
    return mark_safe("\n  ".join(_since_row(line) for line in lines))
