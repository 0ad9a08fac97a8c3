"""A text's lifecycle steps (with the commitments they record), its parties and its
reported contents: small forms reached from the proposal page, for analysts."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db import transaction
from django.shortcuts import redirect, render

from negotiations import commitments
from negotiations.forms import citation_formset
from negotiations.text_forms import ReportedContentForm, TextPartyForm, TextStepForm
from negotiations.views.common import proposal_or_404


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
