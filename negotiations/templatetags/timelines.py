"""Template tags for the timeline's markers and its table, made in Python: the issue,
party and timeline pages draw a marker and a table row per statement (a hundred or
more), and printing their twenty values each through the template engine was most of
the timeline's cost. Numbers print as the template printed them with `localize off`."""

from django import template
from django.utils.html import format_html, format_html_join

from negotiations.templatetags.partial_dates import time_html

register = template.Library()


def _marker(m):
    if m.bar_width:
        paint = (
            format_html(' fill="url(#timeline-hatch)" stroke="{}" stroke-dasharray="3 2"', m.stroke)
            if m.approximate
            else format_html(' fill="{}" fill-opacity="0.55" stroke="{}"', m.stroke, m.stroke)
        )
        bar = format_html(
            '<rect class="tl-range" x="{}" y="{}" width="{}" height="8"{}/>',
            m.bar_x,
            m.bar_y,
            m.bar_width,
            paint,
        )
    else:
        bar = ""
    return format_html(
        '  <a href="{}" class="tl-marker tl-stance-{}" data-start="{}"><title>{}</title>{}'
        '<g transform="translate({} {})"><path d="{}" fill="{}" stroke="{}" stroke-width="1.6"{}/>'
        '<text y="{}" text-anchor="middle" font-size="9" font-weight="700">{}</text></g></a>\n',
        m.href,
        m.stance,
        m.date_label,
        m.title,
        bar,
        m.x,
        m.y,
        m.path,
        m.fill,
        m.stroke,
        format_html(' stroke-dasharray="{}"', "3 2") if m.approximate else "",
        m.code_dy,
        m.code,
    )


@register.simple_tag
def timeline_markers(timeline):
    """Every lane's markers (timeline.Marker), each a link to its statement."""
    markers = (m for lane in timeline.lanes for m in lane.markers)
    return format_html_join("", "{}", ((_marker(m),) for m in markers))


def _row(row, show_issue):
    return format_html(
        '\n  <tr class="tl-row-{}">\n    <td>{}</td>\n    <td>{}</td>\n    {}\n'
        "    <td>{}</td>\n    <td>{}{}</td>\n    <td>{}</td>\n"
        '    <td><a href="{}">{}</a></td>\n  </tr>\n  ',
        row.kind.lower(),
        time_html(row.date),
        row.kind,
        format_html("<td>{}</td>", row.issue) if show_issue else "",
        row.who or "—",
        format_html('<span class="tl-code">{}</span> ', row.code) if row.code else "",
        row.stance,
        row.movement.lower() or "—",
        row.href,
        row.text,
    )


@register.simple_tag
def timeline_rows(timeline):
    """The table that repeats the picture (timeline.TableRow), in date order."""
    return format_html_join("", "{}", ((_row(r, timeline.show_issue),) for r in timeline.rows))
