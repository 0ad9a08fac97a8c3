"""Editors import redline/2 (or redline/1) documents: small ones inside the request,
large ones as jobs."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.views.decorators.http import require_GET

from negotiations.exchange import importjobs
from negotiations.exchange.interchange import (
    InvalidDocument,
    decode_document,
    import_file,
    parse_document,
    statement_count,
)
from negotiations.models import ImportJob


def _is_editor(user):
    return user.is_staff and user.has_perm("negotiations.add_negotiation")


def _editors_only(user):
    if not _is_editor(user):
        raise PermissionDenied("Only editors can import documents.")


def _limit():
    """The largest file taken. Not FILE_UPLOAD_MAX_MEMORY_SIZE (5 MB, over which Django
    keeps an upload in a temporary file): an export of a large negotiation weighs more,
    and must be importable here too, as a job."""
    return getattr(settings, "IMPORT_MAX_UPLOAD_SIZE", 50 * 1024 * 1024)


def _too_large(size):
    limit = filesizeformat(_limit())
    return f"The file is too large ({filesizeformat(size)}); the limit is {limit}."


def _upload(request, errors):
    """The uploaded file, or None with the reason in `errors`."""
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > _limit() + 64 * 1024:  # the form fields around the file are small
        errors.append(_too_large(length))
        return None
    upload = request.FILES.get("document")
    if upload is None:
        errors.append("Choose a redline JSON file to import.")
    elif upload.size > _limit():
        errors.append(_too_large(upload.size))
        return None
    return upload


def _is_large(raw):
    """Whether to import as a job; a small document is read here, and an unreadable
    one raises InvalidDocument (shown at once)."""
    max_bytes, max_statements = importjobs.inline_limits()
    if len(raw) > max_bytes:
        return True
    return statement_count(parse_document(decode_document(raw))) > max_statements


def import_upload(request):
    """Editors upload a redline/2 (or redline/1) document: validated whole, then written
    all or nothing."""
    _editors_only(request.user)
    context = {
        "errors": [],
        "limit": filesizeformat(_limit()),
        "update": request.POST.get("update") == "on",
        "jobs": ImportJob.objects.filter(user=request.user)[:5],
    }
    if request.method != "POST":
        return render(request, "negotiations/import.html", context)
    errors = context["errors"]
    upload = _upload(request, errors)
    if not errors:
        context["filename"] = upload.name
        raw = upload.read()
        try:
            if _is_large(raw):
                job = importjobs.queue(
                    raw, filename=upload.name, user=request.user, update=context["update"]
                )
                return redirect(job)
            result = import_file(raw, name=upload.name, user=request.user, update=context["update"])
        except InvalidDocument as exc:
            errors.extend(exc.errors)
        else:
            messages.success(request, f"Imported {upload.name}: {result.summary()}")
            return redirect("negotiations:negotiation", result.slug)
    return render(request, "negotiations/import.html", context, status=400)


@require_GET
def import_job(request, pk):
    """A job's progress, reloading itself until done; its owner's and editors' only."""
    jobs = ImportJob.objects.select_related("user")
    if _is_editor(request.user):
        job = get_object_or_404(jobs, pk=pk)
    else:  # the same answer whether the job exists or not
        job = jobs.filter(pk=pk, user=request.user).first()
        if job is None:
            raise PermissionDenied("Only editors can see import jobs.")
    return render(request, "negotiations/import_job.html", {"job": job})
