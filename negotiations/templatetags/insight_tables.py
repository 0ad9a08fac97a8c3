"""Template tags for the analytics page's long tables, made in Python: a page of ten
parties over a hundred issues is a thousand rows, which the template engine took most of
the page's time to print."""

from django import template
from django.utils.html import format_html, format_html_join

from negotiations.templatetags.partial_dates import time_html

register = template.Library()


def _since_row(line):
    movement = line.position.get_movement_display()
    return format_html(
        '<tr><td>{}</td><td><a href="{}">{}</a></td><td>{}</td><td>{}</td>'
        '<td class="num">{}</td></tr>',
        line.party.name,
        line.position.get_absolute_url(),
        line.issue.title,
        movement
        if line.moved
        else format_html(
            '<span class="muted">no shift; last statement ({})</span>', movement.lower()
        ),
        time_html(line.date),
        line.days,
    )


@register.simple_tag
def since_rows(lines):
    """The "time since the last movement" table's rows (shifts.SinceLast)."""
    return format_html_join("\n  ", "{}", ((_since_row(line),) for line in lines))
