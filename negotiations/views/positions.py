import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from negotiations.forms import (
    PositionEditForm,
    PositionForm,
    citation_formset,
    citation_from_text,
)
from negotiations.history import entries_for
from negotiations.insight import analysis, loading, timeline
from negotiations.models import CurrentPosition, Issue, Negotiation, Party, Position, Source
from negotiations.text.dates import dates_in
from negotiations.text.excerpts import locator_numbers, mentions
from negotiations.views.common import conflict_if_stale, locked, read_page, typed_day


def _negotiation(slug):
    return get_object_or_404(Negotiation, slug=slug)


def _selected(request, name, options):
    """The options whose slug is listed in the query string (all of them when none is)."""
    wanted = set(request.GET.getlist(name))
    chosen = [o for o in options if o.slug in wanted]
    return chosen or options, bool(chosen)


# The landing page shows a bounded part of the matrix, principals first: 200 parties ×
# 100 issues were 20,000 cells, 10 MB of HTML in 6-10 s. `?pp=` and `?ip=` page through
# the parties and issues; `?whole=1` (or the export) gives the whole matrix.
MATRIX_PARTIES = 12
MATRIX_ISSUES = 30


@read_page
def dashboard(request, slug):
    negotiation = _negotiation(slug)

    participations = list(negotiation.participations.in_order())
    all_parties = [p.party for p in participations]
    all_issues = list(negotiation.issues.select_related("parent"))
    parties, party_filtered = _selected(request, "party", all_parties)
    issues, issue_filtered = _selected(request, "issue", all_issues)
    party_count, issue_count = len(parties), len(issues)
    whole = request.GET.get("whole") == "1"
    party_page = issue_page = None
    if not whole:
        party_page = Paginator(parties, MATRIX_PARTIES).get_page(request.GET.get("pp"))
        issue_page = Paginator(issues, MATRIX_ISSUES).get_page(request.GET.get("ip"))
        parties, issues = list(party_page.object_list), list(issue_page.object_list)
    positions = Position.objects.filter(issue__negotiation=negotiation)
    rows = analysis.matrix(positions, issues, parties)
    hide_empty = request.GET.get("empty") == "hide"
    if hide_empty:
        rows, parties = analysis.without_empty(rows, parties)
    shown = set(parties)
    context = {
        "negotiation": negotiation,
        "participations": participations,
        "columns": [p for p in participations if p.party in shown],
        "whole": whole,
        "party_page": party_page,
        "issue_page": issue_page,
        "hidden_parties": party_count - len(parties),
        "hidden_issues": issue_count - len(issues),
        # From the kept current state; counted on every page, so that the page runs the
        # same queries at any size (it is shown only when the matrix has more pages).
        "current_count": CurrentPosition.objects.filter(negotiation=negotiation).count(),
        "cell_count": len(all_parties) * len(all_issues),
        "all_parties": all_parties,
        "all_issues": all_issues,
        "parties": parties,
        "issues": issues,
        "selected_parties": set(request.GET.getlist("party")),
        "selected_issues": set(request.GET.getlist("issue")),
        "filtered": party_filtered or issue_filtered or hide_empty,
        "hide_empty": hide_empty,
        "rows": rows,
        # The latest few; the proposal list and the timeline show all of them.
        "proposals": negotiation.proposals.select_related("author", "responds_to").order_by(
            "-date", "-pk"
        )[:10],
        "events": negotiation.events.prefetch_related("issues", "parties", "persons").order_by(
            "-date", "-pk"
        )[:15],
    }

    return render(request, "negotiations/dashboard.html", context)


@read_page
def party_detail(request, slug, party):
    negotiation = _negotiation(slug)
    party = get_object_or_404(Party, slug=party, participations__negotiation=negotiation)

    issues = list(negotiation.issues.select_related("parent"))
    positions = Position.objects.filter(issue__negotiation=negotiation)
    rows = analysis.matrix(positions, issues, [party])
    context = {"negotiation": negotiation, "party": party, "cells": [r.cells[0] for r in rows]}

    return render(request, "negotiations/party.html", context)


PARTIES_PER_PAGE = 20
# A thread shows 50 statements a page: 2,000 on one page took 15.6 s to build. CONTEXT
# earlier ones are read to compare the page's first statement with its predecessor.
STATEMENTS_PER_PAGE = 50
CONTEXT = 10
# The issue page lists each party's latest statements; the thread has them all.
STATEMENTS_PER_PARTY = 20


@read_page
def issue_detail(request, slug, issue):
    issue = get_object_or_404(
        Issue.objects.select_related("negotiation", "parent"), negotiation__slug=slug, slug=issue
    )

    everyone = [p.party for p in issue.negotiation.participations.in_order()]
    # Parties that have spoken on the issue first; a page shows 20 of them, so a
    # 200-party negotiation stays readable (and its page cost bounded).
    spoken = set(issue.positions.order_by().values_list("party_id", flat=True).distinct())
    ordered = [p for p in everyone if p.pk in spoken]
    ordered += [p for p in everyone if p.pk not in spoken]
    page = Paginator(ordered, PARTIES_PER_PAGE).get_page(request.GET.get("page"))
    parties = list(page.object_list)
    positions, totals = loading.latest(
        issue.positions.filter(party__in=[p.pk for p in parties]).with_related().in_order(),
        STATEMENTS_PER_PARTY,
        per="party_id",
    )
    by_party = {p.pk: [] for p in parties}
    for position in positions:
        by_party[position.party_id].append(position)
    cells = analysis.matrix(issue.positions.all(), [issue], parties)[0].cells
    hidden = {pk: totals.get(pk, 0) - len(shown) for pk, shown in by_party.items()}
    context = {
        "negotiation": issue.negotiation,
        "issue": issue,
        "page": page,
        "silent": len(everyone) - len(spoken),
        "sequences": [(cell, by_party[cell.party.pk], hidden[cell.party.pk]) for cell in cells],
        "positions": positions,
        "events": issue.events.all(),
        "children": issue.children.all(),
        "timeline": timeline.issue_timeline(issue, parties, positions, *loading.issue_items(issue)),
    }

    return render(request, "negotiations/issue.html", context)


@read_page
def thread(request, slug, issue, party):
    issue = get_object_or_404(
        Issue.objects.select_related("negotiation"), negotiation__slug=slug, slug=issue
    )
    party = get_object_or_404(Party, slug=party, participations__negotiation=issue.negotiation)

    statements = issue.positions.filter(party=party).in_order()
    paginator = Paginator(statements, STATEMENTS_PER_PAGE)
    # The latest statements are what a reader usually comes for: the last page first.
    page = paginator.get_page(request.GET.get("page") or paginator.num_pages)
    start = page.start_index() - 1 if page.object_list else 0
    # A few statements before the page, so that its first one is compared with the
    # statement before it; they are not shown.
    before = list(statements.with_related()[max(0, start - CONTEXT) : start])
    shown = list(statements.with_related()[start : start + STATEMENTS_PER_PAGE])
    history = entries_for(Position, [p.pk for p in shown])
    context = {
        "negotiation": issue.negotiation,
        "issue": issue,
        "party": party,
        "page": page,
        "steps": analysis.thread_steps(before + shown, history)[len(before) :],
    }

    return render(request, "negotiations/thread.html", context)


@permission_required("negotiations.add_position", raise_exception=True)
def position_add(request, slug):
    negotiation = _negotiation(slug)
    initial = {"party": None, "issue": None}
    cite, suggested_parties, suggested_issues, suggested_dates = coded_from_text(
        request, negotiation
    )
    if request.method == "GET":
        # Only a party of this negotiation: another's would be chosen yet not offered.
        initial["party"] = Party.objects.filter(
            participations__negotiation=negotiation, slug=request.GET.get("party", "")
        ).first()
        initial["issue"] = negotiation.issues.filter(slug=request.GET.get("issue", "")).first()
        initial["when"] = request.GET.get("when", "")  # a date suggestion used without script
    form = PositionForm(request.POST or None, negotiation=negotiation, initial=initial)
    citations = citation_formset(request.POST or None, initial=cite)
    if request.method == "POST":
        form_ok, citations_ok = form.is_valid(), citations.is_valid()
        if form_ok and citations_ok:
            reason = "Recorded a new statement"
            form.instance._change_reason = reason
            position = form.save()
            citations.save_for("position", position, reason)
            messages.success(request, "Position recorded.")
            # Coding a source is a loop over its passages: back to where the analyst was.
            return redirect(back_to_source(request, position.citations.all()) or position)
    previous, certain = None, True
    party = form.cleaned_data.get("party") if form.is_bound else initial["party"]
    issue = form.cleaned_data.get("issue") if form.is_bound else initial["issue"]
    if party and issue and form.is_bound and form.cleaned_data.get("when"):
        # The statement it would follow by the date typed (none when the order is uncertain).
        previous, certain = form.previous_position()
    elif party and issue:
        previous = Position.objects.filter(party=party, issue=issue).with_related().last()
    if not certain:
        suggested = Position.Movement.ORDER_UNCERTAIN
    elif previous:
        suggested = Position(stance=previous.stance).suggest_movement(previous)
    else:
        suggested = Position.Movement.NEW
    suggested_parties, suggested_issues = suggestion_links(
        request, suggested_parties, suggested_issues
    )
    context = {
        "negotiation": negotiation,
        "form": form,
        "citations": citations,
        "suggested_parties": suggested_parties,
        "suggested_issues": suggested_issues,
        "suggested_dates": date_links(request, suggested_dates),
        "previous": previous,
        "order_uncertain": not certain,
        "suggested": suggested,
        "party": party,
        "issue": issue,
    }
    return render(request, "negotiations/position_form.html", context)


def coded_from_text(request, negotiation):
    """(citation formset initial, suggested parties, suggested issues, suggested dates)
    for a record form opened from a source's text: ?source=<uid>&excerpt=<selection> or
    &para=<n>. Parties and issues are suggested from their aliases in the passage, dates
    from the words of the paragraphs it lies in (a date is often a sentence away from
    what was said on it); none is ever chosen."""
    source = opened_from(request) if request.method == "GET" else None
    if source is None or not source.text:
        return None, [], [], []
    para = request.GET.get("para", "")
    cite = citation_from_text(
        source, request.GET.get("excerpt", ""), int(para) if para.isdigit() else None
    )
    parties = Party.objects.filter(participations__negotiation=negotiation).order_by("name")
    party_names = [(p, [p.name, p.short_name, *p.alias_list]) for p in parties]
    issue_names = [(i, [i.title, *i.alias_list]) for i in negotiation.issues.all()]
    # The paragraphs the passage lies in, as its locator names them.
    paragraphs = source.paragraphs
    around = [paragraphs[n - 1] for n in locator_numbers(cite["locator"])]
    return (
        [cite],
        mentions(cite["excerpt"], party_names),
        mentions(cite["excerpt"], issue_names),
        dates_in(" ".join(around)),
    )


def opened_from(request):
    """The source a record form was opened from (?source=<uid>), or None."""
    uid = request.GET.get("source", "")
    return Source.objects.filter(uid=uid).first() if _is_uuid(uid) else None


def back_to_source(request, citations):
    """Where a record form opened from a source's text goes once saved: the source page
    at the first paragraph the new record cites from it; None when not opened from one."""
    source = opened_from(request)
    if source is None:
        return None
    numbers = [n for c in citations if c.source_id == source.pk for n in locator_numbers(c.locator)]
    return source.get_absolute_url() + (f"#para-{numbers[0]}" if numbers else "")


@dataclass(frozen=True)
class Suggestion:
    """A party or issue named in the passage, or a date written in its paragraph, with
    the link that applies it."""

    name: str
    value: int | str  # a party's or issue's pk, or a date's words
    href: str
    field: str  # the form field static/suggestions.js sets in place
    role: str  # what it is used as: "the party", "an actor party", "an issue", "the date"


def suggestion_links(request, parties, issues, *, many=False):
    """(party suggestions, issue suggestions) for the record form's "Named in the
    passage": each links to the same form with ?party=<slug> (or issue=) added to the
    query string, which the form reads as its initial value on GET, so a click applies
    it without script. A single choice (a statement's party) replaces what the query
    named; a multiple one (an event's actors, a provision's issues) adds to it. With
    script, static/suggestions.js applies it in place and nothing typed is lost."""

    def links(items, param, field, role, name):
        return [
            Suggestion(name(item), item.pk, _reopen(request, param, item.slug, many), field, role)
            for item in items
        ]

    if many:
        party_links = links(parties, "party", "parties", "an actor party", lambda p: p.name)
        issue_links = links(issues, "issue", "issues", "an issue", lambda i: i.title)
    else:
        party_links = links(parties, "party", "party", "the party", lambda p: p.name)
        issue_links = links(issues, "issue", "issue", "the issue", lambda i: i.title)
    return party_links, issue_links


def date_links(request, dates):
    """The record form's date suggestions: each links to the same form with ?when=<the
    words as written>, read as the date's initial value on GET (static/suggestions.js
    fills the field in place instead)."""
    return [
        Suggestion(
            d.as_written, d.as_written, _reopen(request, "when", d.as_written), "when", "the date"
        )
        for d in dates
    ]


def _reopen(request, param, value, add=False):
    """The same form's URL with ?param=value: replacing what the query named, or with
    `add` (a multiple choice) added to it."""
    query = request.GET.copy()
    if not add:
        query[param] = value
    elif value not in query.getlist(param):
        query.appendlist(param, value)
    return f"{request.path}?{query.urlencode()}"


def chosen_in_query(request, negotiation):
    """(parties, issues) of the negotiation named by slug in ?party=…&issue=… (each may
    repeat): what suggestion links applied, as a multiple choice's initial value. Read
    on GET only (a sent form keeps its own choice); no query when none is named."""
    party_slugs = request.GET.getlist("party") if request.method == "GET" else []
    issue_slugs = request.GET.getlist("issue") if request.method == "GET" else []
    parties = issues = []
    if party_slugs:
        parties = list(
            Party.objects.filter(participations__negotiation=negotiation, slug__in=party_slugs)
        )
    if issue_slugs:
        issues = list(negotiation.issues.filter(slug__in=issue_slugs))
    return parties, issues


def _is_uuid(text):
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


@read_page
def previous_statement(request, slug):
    """JSON for the record form's "Previous statement" panel: the latest statement of the
    party (?party=pk) on the issue (?issue=pk), as the panel's HTML. Four queries."""
    negotiation = _negotiation(slug)
    party = issue = None
    try:
        if request.GET.get("party"):
            party = Party.objects.filter(
                pk=int(request.GET["party"]), participations__negotiation=negotiation
            ).first()
        if request.GET.get("issue"):
            issue = negotiation.issues.filter(pk=int(request.GET["issue"])).first()
    except ValueError:
        return JsonResponse({"error": "party and issue are ids (numbers)."}, status=400)
    previous = None
    if party and issue:
        previous = Position.objects.filter(party=party, issue=issue).with_related().last()
    suggested = Position.Movement.NEW
    if previous:
        suggested = Position(stance=previous.stance).suggest_movement(previous)
    context = {"previous": previous, "suggested": suggested, "party": party, "issue": issue}
    html = render_to_string("negotiations/_previous_statement.html", context, request)
    return JsonResponse({"found": previous is not None, "html": html})


@permission_required("negotiations.change_position", raise_exception=True)
def position_edit(request, pk):
    position = get_object_or_404(locked(Position.objects, request), pk=pk)
    negotiation = position.issue.negotiation
    form = PositionEditForm(request.POST or None, instance=position, negotiation=negotiation)
    citations = citation_formset(request.POST or None, optional=True)
    context = {"negotiation": negotiation, "position": position, "citations": citations}
    if request.method == "POST" and form.is_valid() and citations.is_valid():
        conflict = conflict_if_stale(
            request, form, position, Position.objects, context, negotiation=negotiation
        )
        if conflict:
            return conflict
        position = form.save()
        citations.save_for("position", position, form.cleaned_data["change_reason"])
        messages.success(request, "Correction saved.")
        return redirect(position)
    context["form"] = form
    context["existing_citations"] = position.citations.select_related("source")
    return render(request, "negotiations/position_form.html", context)


@require_POST
@permission_required("negotiations.delete_position", raise_exception=True)
def position_delete(request, pk):
    position = get_object_or_404(locked(Position.objects, request), pk=pk)
    reason = request.POST.get("change_reason", "").strip()
    if not reason:
        messages.error(request, "Say why this position is being deleted.")
        return redirect(position)
    thread_url = position.get_absolute_url().split("#")[0]
    position._change_reason = reason
    position.delete()
    messages.success(request, "Position deleted. Its history is kept.")
    return redirect(thread_url)


@read_page
def snapshot(request, slug):
    negotiation = _negotiation(slug)

    parties = [p.party for p in negotiation.participations.in_order()]
    issues = list(negotiation.issues.all())
    mode = "recorded" if request.GET.get("mode") == "recorded" else "stated"
    party_slug = request.GET.get("party", "")
    chosen = [p for p in parties if p.slug == party_slug] or parties
    errors = {}
    a = typed_day(request.GET.get("a"), errors, "a")
    b = typed_day(request.GET.get("b"), errors, "b")
    show_all = request.GET.get("show") == "all"
    lines, counts, page = None, None, None
    if a and b and not errors:
        # 200 parties × 100 issues is 20,000 lines: as stated, their statuses come from
        # the database and a page's lines are built and read (texts) alone (#18).
        if mode == "stated":
            lines = analysis.stated_lines(negotiation, chosen, issues, a, b)
            counts = lines.counts()
            shown = lines if show_all else lines.changed()
        else:
            lines = analysis.snapshot(negotiation, chosen, issues, mode, a, b)
            counts = analysis.summarise_lines(lines)
            shown = lines if show_all else [line for line in lines if line.status != "unchanged"]
        page = Paginator(shown, 100).get_page(request.GET.get("page"))
        analysis.fill(page.object_list)
    elif request.GET and not errors:
        errors["a"] = "Give both dates to compare."
    context = {
        "negotiation": negotiation,
        "parties": parties,
        "party_slug": party_slug,
        "mode": mode,
        "a": a,
        "b": b,
        "a_text": request.GET.get("a", ""),
        "b_text": request.GET.get("b", ""),
        "errors": errors,
        "lines": lines,
        "page": page,
        "show_all": show_all,
        "counts": counts,
    }

    return render(request, "negotiations/snapshot.html", context)
