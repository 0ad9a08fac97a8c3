"""Template tags for the timeline's markers and its table, made in Python: the issue,
party and timeline pages draw a marker and a table row per statement (a hundred or
more), and printing their twenty values each through the template engine was most of
the timeline's cost. Numbers print as the template printed them with `localize off`;
strings are escaped with the standard library's html.escape (as in
templatetags/matrix.py)."""

from html import escape

from django import template
from django.utils.safestring import mark_safe

from negotiations.templatetags.partial_dates import time_html

register = template.Library()


def _marker(m):
    stroke = escape(m.stroke)
    bar = ""
    if m.bar_width:
        paint = (
            f' fill="url(#timeline-hatch)" stroke="{stroke}" stroke-dasharray="3 2"'
            if m.approximate
            else f' fill="{stroke}" fill-opacity="0.55" stroke="{stroke}"'
        )
        bar = (
            f'<rect class="tl-range" x="{m.bar_x}" y="{m.bar_y}" width="{m.bar_width}" '
            f'height="8"{paint}/>'
        )
    dashed = ' stroke-dasharray="3 2"' if m.approximate else ""
    return (
        f'  <a href="{escape(m.href)}" class="tl-marker tl-stance-{escape(m.stance)}" '
        f'data-start="{escape(m.date_label)}"><title>{escape(m.title)}</title>{bar}'
        f'<g transform="translate({m.x} {m.y})"><path d="{escape(m.path)}" '
        f'fill="{escape(m.fill)}" stroke="{stroke}" stroke-width="1.6"{dashed}/>'
        f'<text y="{m.code_dy}" text-anchor="middle" font-size="9" font-weight="700">'
        f"{escape(m.code)}</text></g></a>\n"
    )


@register.simple_tag
def timeline_markers(timeline):
    """Every lane's markers (timeline.Marker), each a link to its statement."""
    return mark_safe("".join(_marker(m) for lane in timeline.lanes for m in lane.markers))


def _row(row, show_issue):
    issue = f"<td>{escape(row.issue)}</td>" if show_issue else ""
    code = f'<span class="tl-code">{escape(row.code)}</span> ' if row.code else ""
    return (
        f'\n  <tr class="tl-row-{escape(row.kind.lower())}">\n'
        f"    <td>{time_html(row.date)}</td>\n    <td>{escape(row.kind)}</td>\n    {issue}\n"
        f"    <td>{escape(row.who or '—')}</td>\n    <td>{code}{escape(row.stance)}</td>\n"
        f"    <td>{escape(row.movement.lower() or '—')}</td>\n"
        f'    <td><a href="{escape(row.href)}">{escape(row.text)}</a></td>\n  </tr>\n  '
    )


@register.simple_tag
def timeline_rows(timeline):
    """The table that repeats the picture (timeline.TableRow), in date order."""
    return mark_safe("".join(_row(r, timeline.show_issue) for r in timeline.rows))
