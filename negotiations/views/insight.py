"""Seeing the negotiation over time: the timeline and demand-shift analytics."""

import datetime

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from negotiations.exchange import exports
from negotiations.forms import PartialDateField
from negotiations.insight import loading, shifts
from negotiations.insight import timeline as layout
from negotiations.models import Negotiation, Position
from negotiations.views.common import read_page

DATE_HELP = "e.g. 2023, 2023-Q4, Jan 2024 or 2024-01-10"

# The analytics page shows the chart, the per-period table and the "time since" table
# for one page of parties at a time. The "time since" table has a row per party × issue
# (200 parties × 100 issues would be 20,000 rows, a 10 MB page taking 4.5 s at size L),
# so a page holds as many parties as keep it to about ANALYTICS_ROWS rows: 10 parties
# with up to 50 issues, 5 with 100. The most-changed ranking still covers every party
# the filters allow, and the exports are never paginated.
ANALYTICS_PARTIES_PER_PAGE = 10
ANALYTICS_ROWS = 500


def analytics_parties_per_page(issue_count):
    return max(1, min(ANALYTICS_PARTIES_PER_PAGE, ANALYTICS_ROWS // max(issue_count, 1)))


@read_page
def timeline(request, slug):
    negotiation = get_object_or_404(Negotiation, slug=slug)

    parties = [p.party for p in negotiation.participations.in_order()]
    wanted = set(request.GET.getlist("party"))
    chosen = [p for p in parties if p.slug in wanted]
    positions = Position.objects.none()
    if chosen:
        positions = Position.objects.filter(issue__negotiation=negotiation, party__in=chosen)
        positions = positions.select_related("party", "issue", "issue__negotiation").in_order()
    picture = layout.negotiation_timeline(
        negotiation, chosen, *loading.negotiation_items(negotiation, positions)
    )
    context = {
        "negotiation": negotiation,
        "parties": parties,
        "selected": wanted,
        "timeline": picture,
    }

    return render(request, "negotiations/timeline.html", context)


class AnalyticsForm(forms.Form):
    """The filters, read from the query string. Party and issue are lists of slugs."""

    party = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    issue = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    granularity = forms.ChoiceField(
        required=False,
        choices=[(shifts.QUARTER, "Quarter"), (shifts.MONTH, "Month")],
        widget=forms.RadioSelect,
        label="Count per",
    )
    ref = PartialDateField(
        required=False,
        label="Count days up to",
        help_text="Default today. A month or year means its last day (today at the latest); "
        "statements after it are left out.",
    )
    top = forms.IntegerField(required=False, min_value=1, max_value=200, label="Top pairs")

    def __init__(self, data, negotiation, parties, issues):
        data = data.copy()
        for name, default in (("granularity", shifts.QUARTER), ("top", "10")):
            if not data.get(name):
                data[name] = default
        super().__init__(data)
        self.negotiation, self.parties, self.issues = negotiation, parties, issues
        # "from" is a Python keyword, so these two are added by name.
        for name, label in (("from", "From"), ("to", "To")):
            self.fields[name] = PartialDateField(required=False, label=label, help_text=DATE_HELP)
        for name in ("from", "to", "ref"):
            self.fields[name].widget.attrs["placeholder"] = "e.g. 2023-Q4"
        self.fields["party"].choices = [(p.slug, p.name) for p in parties]
        self.fields["issue"].choices = [(i.slug, i.title) for i in issues]

    def clean_ref(self):
        ref = self.cleaned_data["ref"]
        if ref and ref.start > datetime.date.today():
            raise forms.ValidationError("That day has not come yet: count up to today at most.")
        return ref

    def clean(self):
        data = super().clean()
        # Counting needs a first day to count from and a last day to count to.
        for name, side, word in (("from", "start", "first"), ("to", "end", "last")):
            value = data.get(name)
            if value is not None and getattr(value, side) is None:
                self.add_error(name, f"“{value}” has no {word} day: give a day, month or year.")
        if data.get("ref") is not None and data["ref"].end is None:
            self.add_error("ref", f"“{data['ref']}” has no last day: give a day, month or year.")
        return data

    def date_fields(self):
        return [self["from"], self["to"], self["ref"]]

    def checkboxes(self, name):
        """(id, value, label, checked) for each choice of a checkbox list.

        The same HTML as ``{{ choice.tag }}``, without rendering a widget template per
        choice (300 of them cost ~20 ms for 200 parties and 100 issues)."""
        bound = self[name]
        checked = {str(v) for v in bound.value() or ()}
        auto_id = bound.auto_id
        return [
            (f"{auto_id}_{n}", value, label, value in checked)
            for n, (value, label) in enumerate(self.fields[name].choices)
        ]

    def party_checkboxes(self):
        return self.checkboxes("party")

    def issue_checkboxes(self):
        return self.checkboxes("issue")

    def results(self, page_number=None, per_page=None):
        """The three tables, or None when a filter is wrong (the form says what).

        With ``per_page`` (a number, or a function of the number of issues shown), the
        per-party tables (periods, chart, time since) cover one page of the parties
        (``page_number``) and ``page`` says which; the most-changed ranking always covers
        every party the filters allow."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        chosen_parties = [p for p in self.parties if p.slug in data["party"]]
        chosen_issues = [i for i in self.issues if i.slug in data["issue"]]
        filters = shifts.Filters.from_partial(
            chosen_parties, chosen_issues, data["from"], data["to"]
        )
        # The negotiation's positions by the ids of its issues (already loaded), not by a
        # join to the issue table: the counts can then read position_pair_movement_idx
        # alone, in (party, issue) order, without hashing (80 ms → 21 ms at size L).
        negotiation_positions = Position.objects.filter(issue__in=[i.pk for i in self.issues])
        positions = filters.apply(negotiation_positions)
        parties = chosen_parties or self.parties
        issues = chosen_issues or self.issues
        page, shown, shown_positions = None, parties, positions
        if per_page:
            per_page = per_page(len(issues)) if callable(per_page) else per_page
            page = Paginator(parties, per_page).get_page(page_number)
            if page.has_other_pages():
                shown = list(page.object_list)
                shown_positions = positions.filter(party__in=[p.pk for p in shown])
        granularity = data["granularity"]
        # Days are counted as of the reference day — no later than today, and without the
        # statements made after it — so that no count is negative.
        today = datetime.date.today()
        reference = min(data["ref"].end, today) if data["ref"] else today
        periods = shifts.counts_by_period(shown_positions, shown, granularity)
        # The latest statements are the kept current state unless some statement of the
        # shown parties is dated after the last day counted (#18 item 2).
        last_day = min(reference, filters.end) if filters.end else reference
        undated = filters.apply(negotiation_positions, dates=False)
        kept = shifts.kept_is_latest(undated.filter(party__in=[p.pk for p in shown]), last_day)
        return {
            "filters": filters,
            "granularity": granularity,
            "reference": reference,
            "page": page,
            "periods": periods,
            "chart": shifts.chart(periods, shown, granularity),
            "changed": shifts.most_changed(positions, parties, issues, data["top"]),
            "since": shifts.since_last_movement(
                shown_positions.filter(date__lte=reference), shown, issues, reference, kept
            ),
        }


def _analytics_form(request, negotiation):
    parties = [p.party for p in negotiation.participations.in_order()]
    issues = list(negotiation.issues.all())
    return AnalyticsForm(request.GET, negotiation, parties, issues)


@read_page
def analytics(request, slug):
    negotiation = get_object_or_404(Negotiation, slug=slug)

    form = _analytics_form(request, negotiation)
    context = {
        "negotiation": negotiation,
        "form": form,
        "results": form.results(request.GET.get("page"), analytics_parties_per_page),
        "kinds": [Position.Movement(k).label for k in shifts.KINDS],
        "query": request.GET.urlencode(),
    }

    return render(request, "negotiations/analytics.html", context)


# --- exports ------------------------------------------------------------------------


def period_records(results):
    for row in results["periods"]:
        yield {
            "party": row.party.slug,
            "period": row.period.isoformat() if row.period else shifts.UNCERTAIN_PERIOD,
            **row.counts,
            "total": row.total,
        }


def changed_records(results):
    for line in results["changed"]:
        yield {
            "party": line.party.slug,
            "issue": line.issue.slug,
            "shifts": line.shifts,
            "last_shift": line.last_shift.isoformat(),
        }


def since_records(results):
    for line in results["since"]:
        yield {
            "party": line.party.slug,
            "issue": line.issue.slug,
            "last_movement": line.date.isoformat(),
            "movement": line.position.movement,
            "moved": line.moved,
            "days": line.days,
            "reference": results["reference"].isoformat(),
        }


TABLES = {
    "periods": (period_records, ["party", "period", *shifts.KINDS, "total"]),
    "changed": (changed_records, ["party", "issue", "shifts", "last_shift"]),
    "since": (
        since_records,
        ["party", "issue", "last_movement", "movement", "moved", "days", "reference"],
    ),
}


def analytics_export(request, slug, fmt):
    negotiation = get_object_or_404(Negotiation, slug=slug)
    form = _analytics_form(request, negotiation)
    table = request.GET.get("table", "periods")
    if fmt not in ("csv", "json") or table not in TABLES:
        raise Http404("No such export.")
    results = form.results()
    if results is None:
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
        if fmt == "json":
            return JsonResponse({"errors": errors}, status=400)
        return HttpResponseBadRequest(
            "\n".join(f"{k}: {' '.join(v)}" for k, v in errors.items()),
            content_type="text/plain; charset=utf-8",  # the message repeats what was typed
        )
    records, columns = TABLES[table]
    rows = ([record[c] for c in columns] for record in records(results))
    response = exports.download(fmt, f"{negotiation.slug}-analytics-{table}", columns, rows)
    if fmt == "json":
        # An array of objects with the CSV's keys; an empty array names no keys, so it
        # links its CSV twin, whose header row names them (README, "Exports").
        twin = request.GET.copy()
        twin["table"] = table
        csv_url = reverse("negotiations:analytics_export", kwargs={"slug": slug, "fmt": "csv"})
        response["Link"] = f'<{csv_url}?{twin.urlencode()}>; rel="alternate"; type="text/csv"'
    return response
