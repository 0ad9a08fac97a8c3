"""A text's lifecycle steps (with the commitments they record), its parties and its
reported contents: small forms reached from the proposal page, for analysts, to add,
correct and remove them (removing needs a reason, kept on the history row)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from negotiations import commitments
from negotiations.forms import RemovalForm, citation_formset
from negotiations.models import ReportedContent, TextParty, TextStep
from negotiations.text_forms import (
    ReportedContentEditForm,
    ReportedContentForm,
    TextPartyEditForm,
    TextPartyForm,
    TextStepEditForm,
    TextStepForm,
)
from negotiations.views.common import conflict_if_stale, locked, proposal_or_404


def _form_page(request, proposal, form, title, lede, citations=None, status=200):
    context = {
        "negotiation": proposal.negotiation,
        "proposal": proposal,
        "form": form,
        "citations": citations,
        "title": title,
        "lede": lede,
    }
    return render(request, "negotiations/text_form.html", context, status=status)


@permission_required(
    ("negotiations.add_textstep", "negotiations.add_position"), raise_exception=True
)
def step_add(request, slug, proposal):
    proposal = proposal_or_404(slug, proposal)
    form = TextStepForm(request.POST or None, proposal=proposal)
    citations = citation_formset(request.POST or None)
    if request.method == "POST" and all([form.is_valid(), citations.is_valid()]):
        reason = f"Recorded the step “{form.instance.get_kind_display()}”"
        with transaction.atomic():
            form.instance._change_reason = reason
            step = form.save()
            cited = citations.save_for("step", step, reason)
            made = commitments.record(step, cited, reason) if step.commits else []
        note = f" and {len(made)} commitment{'s' if len(made) != 1 else ''}" if made else ""
        messages.success(request, f"{step.get_kind_display()} recorded{note}.")
        return redirect(step)
    lede = (
        "A dated step in the life of this text, with the source that documents it. "
        "Initialling, signing or ratifying records each signatory's commitment to every "
        "issue the text addresses, as a dated, cited statement."
    )
    return _form_page(request, proposal, form, "Record a step", lede, citations)


@permission_required("negotiations.add_textparty", raise_exception=True)
def party_add(request, slug, proposal):
    proposal = proposal_or_404(slug, proposal)
    form = TextPartyForm(request.POST or None, proposal=proposal)
    if request.method == "POST" and form.is_valid():
        form.instance._change_reason = "Added a party to the text"
        text_party = form.save()
        messages.success(
            request, f"{text_party.party} recorded as {text_party.get_role_display().lower()}."
        )
        return redirect(text_party)
    lede = "A party that signs, witnesses or guarantees this text. Only signatories commit."
    return _form_page(request, proposal, form, "Add a signatory, witness or guarantor", lede)


@permission_required("negotiations.add_reportedcontent", raise_exception=True)
def reported_add(request, slug, proposal):
    proposal = proposal_or_404(slug, proposal)
    form = ReportedContentForm(request.POST or None, proposal=proposal)
    citations = citation_formset(request.POST or None)
    if request.method == "POST" and all([form.is_valid(), citations.is_valid()]):
        reason = "Recorded reported contents"
        with transaction.atomic():
            form.instance._change_reason = reason
            content = form.save()
            citations.save_for("reported_content", content, reason)
        messages.success(request, f"Reported contents on {content.issue} recorded.")
        return redirect(content)
    lede = (
        "What sources say this text contains on one issue, in your words, with the source. "
        "Never invent article texts."
    )
    return _form_page(request, proposal, form, "Record reported contents", lede, citations)


# --- corrections and removals -------------------------------------------------------------


def _row(request, model, slug, proposal, pk):
    proposal = proposal_or_404(slug, proposal)
    row = get_object_or_404(locked(model.objects, request), proposal=proposal, pk=pk)
    return proposal, row


def _edit_page(request, proposal, form, title, lede, delete_url, removal=None, **extra):
    context = {
        "negotiation": proposal.negotiation,
        "proposal": proposal,
        "form": form,
        "title": title,
        "lede": lede,
        "delete_url": delete_url,
        "removal": removal or RemovalForm(prefix="remove"),
        **extra,
    }
    return render(request, "negotiations/text_form.html", context)


def _count(n, word):
    return f"{n} {word}{'s' if n != 1 else ''}"


def _step_page(request, proposal, step, form, citations, removal=None):
    lede = (
        "Correct this step's kind, date or note, or add a source. Its commitments follow: "
        "they take the new date, and go if the step no longer commits."
    )
    return _edit_page(
        request,
        proposal,
        form,
        f"Correct the step “{step.get_kind_display()}”",
        lede,
        reverse(
            "negotiations:step_delete", args=[proposal.negotiation.slug, proposal.slug, step.pk]
        ),
        removal,
        citations=citations,
        existing_citations=step.citations.select_related("source"),
    )


@permission_required(
    ("negotiations.change_textstep", "negotiations.change_position"), raise_exception=True
)
def step_edit(request, slug, proposal, pk):
    proposal, step = _row(request, TextStep, slug, proposal, pk)
    form = TextStepEditForm(request.POST or None, instance=step, proposal=proposal)
    citations = citation_formset(request.POST or None, optional=True)
    if request.method == "POST" and all([form.is_valid(), citations.is_valid()]):
        context = {"negotiation": proposal.negotiation, "citations": citations}
        conflict = conflict_if_stale(
            request, form, step, TextStep.objects, context, proposal=proposal
        )
        if conflict:
            return conflict
        reason = form.cleaned_data["change_reason"]
        step = form.save()
        cited = citations.save_for("step", step, reason)
        made, changed, removed = commitments.follow(step, reason, cited)
        effects = [
            f"{_count(n, 'commitment')} {verb}"
            for n, verb in ((made, "recorded"), (changed, "updated"), (removed, "removed"))
            if n
        ]
        note = f" ({', '.join(effects)})" if effects else ""
        messages.success(request, f"Step corrected{note}.")
        return redirect(step)
    return _step_page(request, proposal, step, form, citations)


@require_POST
@permission_required("negotiations.delete_textstep", raise_exception=True)
def step_delete(request, slug, proposal, pk):
    proposal, step = _row(request, TextStep, slug, proposal, pk)
    removal = RemovalForm(request.POST, prefix="remove")
    if removal.is_valid():
        gone = step.commitments.count()
        # Its citations and the commitments it recorded go with it (each with a
        # history row naming the step and the reason: negotiations/apps.py).
        step._change_reason = removal.cleaned_data["change_reason"]
        step.delete()
        note = f" with its {_count(gone, 'commitment')}" if gone else ""
        messages.success(request, f"Step removed{note}. Its history is kept.")
        return redirect(proposal.get_absolute_url() + "#lifecycle")
    form = TextStepEditForm(instance=step, proposal=proposal)
    return _step_page(request, proposal, step, form, citation_formset(optional=True), removal)


def _party_page(request, proposal, text_party, form, removal=None):
    lede = (
        "Correct the party or its role on this text. A signatory commits by each "
        "initialling, signing or ratification recorded; a party that stops being one "
        "loses those commitments."
    )
    url = reverse(
        "negotiations:text_party_delete",
        args=[proposal.negotiation.slug, proposal.slug, text_party.pk],
    )
    return _edit_page(request, proposal, form, f"Correct {text_party}", lede, url, removal)


@permission_required("negotiations.change_textparty", raise_exception=True)
def text_party_edit(request, slug, proposal, pk):
    proposal, text_party = _row(request, TextParty, slug, proposal, pk)
    was = (text_party.party, text_party.role)
    form = TextPartyEditForm(request.POST or None, instance=text_party, proposal=proposal)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["change_reason"]
        signatory = TextParty.Role.SIGNATORY
        try:
            # A new signatory whose commitments cannot be recorded (the text no longer
            # addresses any issue) leaves nothing saved.
            with transaction.atomic():
                text_party = form.save()
                now = (text_party.party, text_party.role)
                if now != was and was[1] == signatory:
                    commitments.drop_party(proposal, was[0], reason)
                if now != was and now[1] == signatory:
                    commitments.add_party(proposal, now[0], reason)
        except ValidationError as exc:
            form.add_error("role", exc.messages)
        else:
            messages.success(request, "Correction saved.")
            return redirect(text_party)
    return _party_page(request, proposal, text_party, form)


@require_POST
@permission_required("negotiations.delete_textparty", raise_exception=True)
def text_party_delete(request, slug, proposal, pk):
    proposal, text_party = _row(request, TextParty, slug, proposal, pk)
    removal = RemovalForm(request.POST, prefix="remove")
    if removal.is_valid():
        reason = removal.cleaned_data["change_reason"]
        removed = 0
        if text_party.role == TextParty.Role.SIGNATORY:
            removed = commitments.drop_party(proposal, text_party.party, reason)
        text_party._change_reason = reason
        text_party.delete()
        note = f" with its {_count(removed, 'commitment')}" if removed else ""
        messages.success(request, f"Party removed from the text{note}.")
        return redirect(proposal.get_absolute_url() + "#text-parties")
    form = TextPartyEditForm(instance=text_party, proposal=proposal)
    return _party_page(request, proposal, text_party, form, removal)


def _reported_page(request, proposal, content, form, citations, removal=None):
    lede = "Correct what sources report this text contains on one issue, or add a source."
    url = reverse(
        "negotiations:reported_delete", args=[proposal.negotiation.slug, proposal.slug, content.pk]
    )
    return _edit_page(
        request,
        proposal,
        form,
        "Correct reported contents",
        lede,
        url,
        removal,
        citations=citations,
        existing_citations=content.citations.select_related("source"),
    )


@permission_required("negotiations.change_reportedcontent", raise_exception=True)
def reported_edit(request, slug, proposal, pk):
    proposal, content = _row(request, ReportedContent, slug, proposal, pk)
    form = ReportedContentEditForm(request.POST or None, instance=content, proposal=proposal)
    citations = citation_formset(request.POST or None, optional=True)
    if request.method == "POST" and all([form.is_valid(), citations.is_valid()]):
        context = {"negotiation": proposal.negotiation, "citations": citations}
        conflict = conflict_if_stale(
            request, form, content, ReportedContent.objects, context, proposal=proposal
        )
        if conflict:
            return conflict
        content = form.save()
        citations.save_for("reported_content", content, form.cleaned_data["change_reason"])
        messages.success(request, "Correction saved.")
        return redirect(content)
    return _reported_page(request, proposal, content, form, citations)


@require_POST
@permission_required("negotiations.delete_reportedcontent", raise_exception=True)
def reported_delete(request, slug, proposal, pk):
    proposal, content = _row(request, ReportedContent, slug, proposal, pk)
    removal = RemovalForm(request.POST, prefix="remove")
    if removal.is_valid():
        content._change_reason = removal.cleaned_data["change_reason"]
        content.delete()
        messages.success(request, "Reported contents removed. Their history is kept.")
        return redirect(proposal.get_absolute_url() + "#reported")
    form = ReportedContentEditForm(instance=content, proposal=proposal)
    return _reported_page(
        request, proposal, content, form, citation_formset(optional=True), removal
    )
