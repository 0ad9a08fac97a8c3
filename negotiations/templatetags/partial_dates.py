"""`{{ value|when }}`: a partial date as HTML, at the precision known.

`<time datetime>` only when a day, month or year holds the whole interval ("late Dec
2023" is `2023-12`, "Q1 2024" is `2024`); a plain `<span>` otherwise ("before 1 Feb
2024"), never an invented day. The words as written go in the title when they differ
from the display, and an inferred date carries a visible "(inferred)" with an explanation.
"""

import functools

from django import template
from django.utils.html import format_html

from negotiations.text.dates import INFERRED_MARK, PartialDate

register = template.Library()

INFERRED_TITLE = "Inferred: the analyst's reading, not the source's words"


def time_html(value: PartialDate | None, empty=""):
    if value is None:
        return format_html("{}", empty)
    # The words as written are not part of a date's equality, but are shown.
    return _time_html(value, value.as_written)


@functools.lru_cache(maxsize=4096)
def _time_html(value, as_written):
    # A pure function of the date; pages print the same dates many times over.
    text = str(value.replace(inferred=False))
    written = value.as_written.strip()
    shown = written in (text, str(value))
    title = format_html(' title="As written: {}"', written) if written and not shown else ""
    if value.html_datetime:
        html = format_html('<time datetime="{}"{}>{}</time>', value.html_datetime, title, text)
    else:
        html = format_html('<span class="date"{}>{}</span>', title, text)
    if value.inferred:
        html = format_html(
            '{} <span class="date-inferred" title="{}">{}</span>',
            html,
            INFERRED_TITLE,
            INFERRED_MARK,
        )
    return html


@register.filter
def when(value, empty=""):
    """A PartialDate (or None: `empty`, e.g. "undated") as HTML."""
    return time_html(value, empty)
