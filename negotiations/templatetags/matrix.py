"""Template tags for the dashboard's matrix, made in Python: a page is 360 cells (the
whole matrix 20,000), and printing each cell's dozen values through the template engine
was most of the page's time."""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


def _sources(cell, sources_url):
    p = cell.position
    if not p.source_uid:
        return format_html('<strong class="warning">{}</strong>', "No source cited")
    return format_html(
        'Source: <a href="{}{}/">{}</a>{}{}',
        sources_url,
        p.source_uid,
        cell.source_title,
        format_html(" ({})", p.source_locator) if p.source_locator else "",
        format_html(" +{} more", p.citation_count - 1) if p.citation_count > 1 else "",
    )


def _cell(cell, sources_url, add_url):
    if cell.position is None:
        record = (
            format_html(
                '<a class="small" href="{}?party={}&amp;issue={}">Record a position</a>',
                add_url,
                cell.party.slug,
                cell.issue.slug,
            )
            if add_url
            else ""
        )
        return format_html(
            '<td class="cell empty">\n  <p class="muted">No position recorded</p>\n  {}\n</td>',
            record,
        )
    return format_html(
        '<td class="cell">\n  <span class="stance stance-{}">{}</span>\n'
        '  <p class="summary"><a href="{}">{}</a></p>\n'
        '  <p class="meta">{} · {}<br>\n  {} shift{}{}</p>\n'
        '  <p class="meta">{}</p>\n</td>',
        cell.position.stance,
        cell.stance,
        cell.thread_url,
        cell.summary,
        cell.date,
        cell.movement,
        cell.shifts,
        "" if cell.shifts == 1 else "s",
        format_html(", {}", cell.last_shift_text) if cell.last_shift_text else "",
        _sources(cell, sources_url),
    )


@register.simple_tag
def matrix_cells(cells, sources_url, add_url=""):
    """A row's cells (analysis.Cell): the latest position, its date, movement, shifts and
    first source; an empty cell offers `add_url` (given to those who may record)."""
    return format_html_join("", "{}", ((_cell(cell, sources_url, add_url),) for cell in cells))
