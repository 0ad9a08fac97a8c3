"""Template tags for the dashboard's matrix, made in Python: a page is 360 cells (the
whole matrix 20,000), and printing each cell's dozen values through the template engine
was most of the page's time. Strings are escaped with the standard library's
html.escape (Django's lazy-aware format_html per value cost as much again); the cell's
prepared date and last-shift texts are already HTML."""

from html import escape

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


def _sources(cell, sources_url):
    p = cell.position
    if not p.source_uid:
        return '<strong class="warning">No source cited</strong>'
    locator = f" ({escape(p.source_locator)})" if p.source_locator else ""
    more = f" +{p.citation_count - 1} more" if p.citation_count > 1 else ""
    return (
        f'Source: <a href="{escape(sources_url)}{escape(str(p.source_uid))}/">'
        f"{escape(cell.source_title)}</a>{locator}{more}"
    )


def _cell(cell, sources_url, add_url):
    if cell.position is None:
        record = (
            f'<a class="small" href="{escape(add_url)}?party={escape(cell.party.slug)}'
            f'&amp;issue={escape(cell.issue.slug)}">Record a position</a>'
            if add_url
            else ""
        )
        return (
            '<td class="cell empty">\n  <p class="muted">No position recorded</p>\n'
            f"  {record}\n</td>"
        )
    last = f", {cell.last_shift_text}" if cell.last_shift_text else ""  # HTML
    return (
        f'<td class="cell">\n  <span class="stance stance-{escape(cell.position.stance)}">'
        f"{escape(cell.stance)}</span>\n"
        f'  <p class="summary"><a href="{escape(cell.thread_url)}">{escape(cell.summary)}</a></p>\n'
        f'  <p class="meta">{cell.date} · {escape(cell.movement)}<br>\n'
        f"  {cell.shifts} shift{'' if cell.shifts == 1 else 's'}{last}</p>\n"
        f'  <p class="meta">{_sources(cell, sources_url)}</p>\n</td>'
    )


@register.simple_tag
def matrix_cells(cells, sources_url, add_url=""):
    """A row's cells (analysis.Cell): the latest position, its date, movement, shifts and
    first source; an empty cell offers `add_url` (given to those who may record)."""
    return mark_safe("".join(_cell(cell, sources_url, add_url) for cell in cells))
