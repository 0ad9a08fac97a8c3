import sys

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.paginator import Paginator
from django.db import (
    DatabaseError,
    DataError,
    IntegrityError,
    InterfaceError,
    connection,
    transaction,
)
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.template.defaultfilters import filesizeformat
from django.views.decorators.cache import never_cache

from negotiations.models import (
    Issue,
    Negotiation,
    Source,
)
from negotiations.text import excerpts as excerpts_module
from negotiations.views.common import read_page

# Errors about the data itself are bugs (500), not outages (503). A connection closed
# under us is an InterfaceError, which is not a DatabaseError.
_DATA_ERRORS = (IntegrityError, DataError)
_OUTAGES = (DatabaseError, InterfaceError)


# One query that also says whether the database takes writes: a PostgreSQL standby or a
# database set read-only (default_transaction_read_only) answers "on"; an SQLite
# connection can be made read-only with PRAGMA query_only.
_READ_ONLY_QUERY = {
    "postgresql": "SELECT current_setting('transaction_read_only') = 'on'",
    "sqlite": "PRAGMA query_only",
}


@login_not_required
@never_cache
@transaction.non_atomic_requests
def healthz(request):
    """200 when the database answers and takes writes, else 503 saying which is wrong."""
    try:
        with connection.cursor() as cursor:
            cursor.execute(_READ_ONLY_QUERY.get(connection.vendor, "SELECT 0"))
            read_only = bool(cursor.fetchone()[0])
    except _OUTAGES:
        return JsonResponse({"status": "unhealthy", "database": "unreachable"}, status=503)
    if read_only:
        return JsonResponse({"status": "unhealthy", "database": "read-only"}, status=503)
    return JsonResponse({"status": "ok"})


def server_error(request):
    """The 500 handler: a database outage is a 503 "try again", anything else a 500.

    Both pages are plain templates rendered without a request, so showing them needs
    no database and can leak no settings or traceback.
    """
    error = sys.exc_info()[1]
    if isinstance(error, _OUTAGES) and not isinstance(error, _DATA_ERRORS):
        page = loader.get_template("503.html").render()
        return HttpResponse(page, status=503, headers={"Retry-After": "30"})
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def bad_request(request, exception):
    """The 400 handler: says plainly when a form was over the size or field limits."""
    context = {
        "too_big": isinstance(exception, RequestDataTooBig),
        "too_many": isinstance(exception, TooManyFieldsSent),
        "limit": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
    }
    return HttpResponseBadRequest(loader.get_template("400.html").render(context))


@read_page
def home(request):
    negotiations = Negotiation.objects.all()
    return render(request, "negotiations/home.html", {"negotiations": negotiations})


@read_page
def source_list(request):
    page = Paginator(Source.objects.order_by("-date", "title", "pk"), 100).get_page(
        request.GET.get("page")
    )
    return render(request, "negotiations/sources.html", {"sources": page, "page": page})


@read_page
def source_detail(request, uid):
    source = get_object_or_404(Source, uid=uid)
    citations = source.citations.select_related(
        "position__party",
        "position__issue__negotiation",
        "provision__proposal__negotiation",
        "proposal__negotiation",
        "event__negotiation",
    ).order_by("pk")
    page = Paginator(citations, 100).get_page(request.GET.get("page"))
    context = {"source": source, "citations": page, "page": page}
    if source.text:
        # Every excerpt (one column, one query) marks what is already coded; issue
        # aliases find the paragraphs that still wait for coding.
        excerpts = source.citations.exclude(excerpt="").values_list("excerpt", flat=True)
        issues = Issue.objects.select_related("negotiation").order_by("negotiation", "order")
        named = [(issue, [issue.title, *issue.alias_list]) for issue in issues]
        context |= {
            "paragraphs": excerpts_module.read_paragraphs(
                excerpts_module.numbered_blocks(source.text), excerpts, named
            ),
            "negotiations": Negotiation.objects.order_by("title"),
        }
    return render(request, "negotiations/source.html", context)
