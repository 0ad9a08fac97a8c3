from django.contrib.auth.decorators import login_not_required
from django.db import connection, transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from negotiations.models import (
    Negotiation,
    Source,
)


@login_not_required
@never_cache
@transaction.non_atomic_requests
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok"})


def home(request):
    negotiations = Negotiation.objects.all()
    return render(request, "negotiations/home.html", {"negotiations": negotiations})


def source_list(request):
    return render(request, "negotiations/sources.html", {"sources": Source.objects.all()})


def source_detail(request, uid):
    source = get_object_or_404(Source, uid=uid)
    citations = source.citations.select_related(
        "position__party",
        "position__issue__negotiation",
        "provision__proposal__negotiation",
        "proposal__negotiation",
        "event__negotiation",
    )
    return render(request, "negotiations/source.html", {"source": source, "citations": citations})
