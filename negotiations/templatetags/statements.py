"""Template tags for statements and what backs them: a statement's heading (stance,
movement, date) and its list of citations, made in Python."""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from negotiations.insight.analysis import position_meta_html
from negotiations.templatetags.partial_dates import time_html

register = template.Library()


@register.filter
def statement_heading(position):
    """One call per statement rather than an include (and the include inside it): on the
    issue and thread pages, with a hundred statements, the includes were most of the
    rendering time."""
    return position_meta_html(position)


def _citation(c, can_correct):
    source = c.source
    date = source.partial_date
    lang = format_html(' lang="{}"', source.language) if source.language else ""
    return format_html(
        '<li><a href="{}">{}</a>{}{}{}{}</li>',
        source.get_absolute_url(),
        source.title,
        format_html(" ({})", time_html(date)) if date else "",
        format_html(", {}", c.locator) if c.locator else "",
        format_html(": <q{}>{}</q>", lang, c.excerpt) if c.excerpt else "",
        format_html(
            ' <a class="no-print edit-citation" href="{}">correct or remove'
            '<span class="visually-hidden"> this citation</span></a>',
            reverse("negotiations:citation_edit", args=[c.pk]),
        )
        if can_correct
        else "",
    )


@register.simple_tag(takes_context=True)
def citation_list(context, citations):
    """The citations backing a record (source, its date, locator, excerpt in the
    source's language, and for those who may, the link to correct one), or a warning
    that none is cited. A tag, not an include: pages list one per statement."""
    citations = list(citations)
    if not citations:
        return format_html('<p class="warning">{}</p>', "No source cited.")
    perms = context.get("perms")
    can_correct = bool(perms and perms["negotiations"]["change_citation"])
    items = format_html_join("\n", "{}", ((_citation(c, can_correct),) for c in citations))
    return format_html('<ul class="citations">\n{}\n</ul>', items)
