from django.shortcuts import render

from negotiations.history import compare_instances


def locked(queryset, request):
    """On a write, lock the row until the request's transaction ends (no lost updates)."""
    return queryset.select_for_update(of=("self",)) if request.method == "POST" else queryset


def is_stale(form, current):
    """True when someone saved the row since the form was opened."""
    return form.cleaned_data["version"] != current.version


def reapply_data(request, theirs):
    """The submitted form data, moved on top of the version saved in the meantime."""
    data = request.POST.copy()
    data["version"] = theirs.version
    return data


def conflict_response(request, theirs, yours, retry_form, context):
    """Show their saved version beside the submitted one and offer to re-apply on top."""
    context = {
        **context,
        "form": retry_form,
        "changes": compare_instances(type(theirs), theirs, yours),
        "theirs": theirs,
        "latest": theirs.history.select_related("history_user").first(),
    }
    return render(request, "negotiations/conflict.html", context, status=409)
