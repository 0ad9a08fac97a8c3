"""Analysts describe sources and give them their text: add, correct, download the file."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from negotiations.forms import SourceEditForm, SourceForm
from negotiations.models import Source
from negotiations.views.common import conflict_if_stale, locked


@permission_required("negotiations.add_source", raise_exception=True)
def source_add(request):
    form = SourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        form.instance._change_reason = "Added a source"
        source = form.save()
        messages.success(request, "Source added.")
        return redirect(source)
    return render(request, "negotiations/source_form.html", {"form": form})


@permission_required("negotiations.change_source", raise_exception=True)
def source_edit(request, uid):
    source = get_object_or_404(locked(Source.objects, request), uid=uid)
    form = SourceEditForm(request.POST or None, request.FILES or None, instance=source)
    context = {"source": source}
    if request.method == "POST" and form.is_valid():
        conflict = conflict_if_stale(request, form, source, Source.objects, context)
        if conflict:
            return conflict
        form.save()
        messages.success(request, "Correction saved.")
        return redirect(source)
    context["form"] = form
    return render(request, "negotiations/source_form.html", context)


FINDER_RESULTS = 20


@permission_required("negotiations.view_source", raise_exception=True)
@require_safe
def source_find(request):
    """The source finder's suggestions: {"results": [{"uid", "title", "label"}]} for
    ?q=words of the title, author or outlet, or a uid. One query, whatever the size."""
    sources = Source.objects.find(request.GET.get("q", "")[:200], limit=FINDER_RESULTS)
    results = [
        {"uid": str(s.uid), "title": s.title, "label": s.finder_label}
        for s in sources.only(*FINDER_COLUMNS)
    ]
    return JsonResponse({"results": results})


FINDER_COLUMNS = (
    "uid",
    "title",
    "author",
    "outlet",
    *("date", "date_end", "date_precision", "date_approximate"),
    *("date_qualifier", "date_inferred", "date_as_written"),
)


@permission_required("negotiations.view_source", raise_exception=True)
@require_safe
def source_file(request, uid):
    """The original file, as uploaded, to logged-in readers (media is never public)."""
    source = get_object_or_404(Source, uid=uid)
    if not source.file:
        raise Http404("This source has no file.")
    try:
        handle = source.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing from storage.") from exc
    name = source.file.name.rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=True, filename=name)
