"""Template filters for statements: the heading (stance, movement, date) every page
shows above one."""

from django import template

from negotiations.insight.analysis import position_meta_html

register = template.Library()


@register.filter
def statement_heading(position):
    """One call per statement rather than an include (and the include inside it): on the
    issue and thread pages, with a hundred statements, the includes were most of the
    rendering time."""
    return position_meta_html(position)
