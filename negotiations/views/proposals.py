import math

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Prefetch, prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from negotiations import pairings
from negotiations.forms import citation_formset
from negotiations.history import entries_for
from negotiations.models import (
    Citation,
    Issue,
    Negotiation,
    Party,
    Proposal,
    Provision,
    ProvisionPairing,
    ReportedContent,
    TextParty,
    TextStep,
)
from negotiations.proposal_forms import (
    MAX_PARTS,
    PartFormSet,
    PasteForm,
    ProposalEditForm,
    ProposalForm,
    ProvisionEditForm,
    ProvisionForm,
    ReorderForm,
)
from negotiations.text import compare as comparing
from negotiations.text.drafts import split_draft
from negotiations.views.common import (
    conflict_if_stale,
    issue_lines,
    locked,
    proposal_or_404,
    read_page,
)
from negotiations.views.positions import (
    back_to_source,
    chosen_in_query,
    coded_from_text,
    suggestion_links,
)

PASTED = "Pasted draft"


def _negotiation(slug):
    return get_object_or_404(Negotiation, slug=slug)


def _lineage(proposals):
    """The proposals in lineage order: each after the one it responds to (or else
    supersedes), oldest first, with ``lineage_depth`` for indenting forks, and the
    ``responses_list`` and ``superseded_by_list`` reverse links. No queries."""
    by_pk = {p.pk: p for p in proposals}
    children = {p.pk: [] for p in proposals}
    roots = []
    for p in proposals:
        p.superseded_by_list, p.responses_list = [], []
    for p in proposals:
        parent = p.responds_to_id if p.responds_to_id in by_pk else None
        parent = parent or (p.supersedes_id if p.supersedes_id in by_pk else None)
        (children[parent] if parent else roots).append(p)
        p.responds_to_obj = by_pk.get(p.responds_to_id)
        p.supersedes_obj = by_pk.get(p.supersedes_id)
        if p.responds_to_obj:
            p.responds_to_obj.responses_list.append(p)
        if p.supersedes_obj:
            p.supersedes_obj.superseded_by_list.append(p)
    # Walk depth-first without recursion: a chain of a thousand drafts answering each
    # other is normal. A chain stays at one indent; only a fork indents its branches.
    rows, seen = [], set()
    stack = [(p, 0) for p in reversed(roots)]
    leftovers = [p for p in proposals]  # members of a loop (possible only through the admin)
    while stack or leftovers:
        if not stack:
            p = leftovers.pop(0)
            if p.pk not in seen:
                stack.append((p, 0))
            continue
        p, depth = stack.pop()
        if p.pk in seen:
            continue
        seen.add(p.pk)
        p.lineage_depth = min(depth, 6)
        rows.append(p)
        kids = [c for c in children[p.pk] if c.pk not in seen]
        child_depth = depth + 1 if len(kids) > 1 else depth
        stack.extend((c, child_depth) for c in reversed(kids))
    return rows


# The proposal list shows this many proposals a page, in lineage order: a page is a
# stretch of the lineage, each proposal still under the one it answers and linked to it.
# At size L (1,000 proposals) the whole list took 236 ms, most of it counting 100,000
# provisions for the "n provisions" of every proposal and drawing 1,000 entries.
PROPOSALS_PER_PAGE = 100


@read_page
def proposal_list(request, slug):
    negotiation = _negotiation(slug)

    # The lineage needs every proposal (to know where each goes), but not their
    # authors or provision counts: those come for one page below.
    proposals = list(negotiation.proposals.all())
    rows = _lineage(proposals)
    page = Paginator(rows, PROPOSALS_PER_PAGE).get_page(request.GET.get("page"))
    prefetch_related_objects(page.object_list, "author")
    counts = dict(
        Provision.objects.filter(proposal__in=[p.pk for p in page.object_list])
        .order_by()
        .values_list("proposal")
        .annotate(n=Count("*"))
    )
    for proposal in page.object_list:
        proposal.provision_count = counts.get(proposal.pk, 0)
    context = {"negotiation": negotiation, "rows": rows, "page": page, "proposals": proposals}

    return render(request, "negotiations/proposal_list.html", context)


@read_page
def proposal_detail(request, slug, proposal):
    proposal = proposal_or_404(slug, proposal)
    # The other proposals give the lineage links and the compare chooser: no authors.
    others = list(proposal.negotiation.proposals.all())
    cited = Prefetch("citations", queryset=Citation.objects.select_related("source"))
    prefetch_related_objects(
        [proposal],
        Prefetch("steps", queryset=TextStep.objects.prefetch_related(cited)),
        Prefetch("text_parties", queryset=TextParty.objects.select_related("party")),
        Prefetch(
            "reported_contents",
            queryset=ReportedContent.objects.select_related("issue__negotiation").prefetch_related(
                cited
            ),
        ),
    )
    context = {
        "negotiation": proposal.negotiation,
        "proposal": proposal,
        "steps": proposal.steps.all(),
        "text_parties": proposal.text_parties.all(),
        "reported_contents": proposal.reported_contents.all(),
        "provisions": proposal.provisions.prefetch_related(
            Prefetch("issues", queryset=Issue.objects.select_related("negotiation")),
            Prefetch("citations", queryset=Citation.objects.select_related("source")),
        ),
        "citations": proposal.citations.select_related("source"),
        "responses": [p for p in others if p.responds_to_id == proposal.pk],
        "superseded_by": [p for p in others if p.supersedes_id == proposal.pk],
        "others": [p for p in others if p.pk != proposal.pk],
        "other_options": comparing.proposal_options(
            (p for p in others if p.pk != proposal.pk), proposal.responds_to_id
        )[0],
        "history": entries_for(Proposal, [proposal.pk])[proposal.pk],
    }
    return render(request, "negotiations/proposal.html", context)


@permission_required("negotiations.add_proposal", raise_exception=True)
def proposal_add(request, slug):
    negotiation = _negotiation(slug)
    form = ProposalForm(request.POST or None, negotiation=negotiation)
    citations = citation_formset(request.POST or None)
    if request.method == "POST":
        form_ok, citations_ok = form.is_valid(), citations.is_valid()
        if form_ok and citations_ok:
            reason = "Recorded a new proposal"
            form.instance._change_reason = reason
            proposal = form.save()
            citations.save_for("proposal", proposal, reason)
            messages.success(request, "Proposal recorded. Add its provisions below.")
            return redirect(proposal)
    context = {"negotiation": negotiation, "form": form, "citations": citations}
    return render(request, "negotiations/proposal_form.html", context)


@permission_required("negotiations.change_proposal", raise_exception=True)
def proposal_edit(request, slug, proposal):
    proposal = proposal_or_404(slug, proposal, locked(Proposal.objects, request))
    negotiation = proposal.negotiation
    form = ProposalEditForm(request.POST or None, instance=proposal, negotiation=negotiation)
    citations = citation_formset(request.POST or None, optional=True)
    context = {"negotiation": negotiation, "proposal": proposal, "citations": citations}
    if request.method == "POST" and form.is_valid() and citations.is_valid():
        theirs = Proposal.objects.select_related("negotiation")
        conflict = conflict_if_stale(
            request, form, proposal, theirs, context, negotiation=negotiation
        )
        if conflict:
            return conflict
        proposal = form.save()
        citations.save_for("proposal", proposal, form.cleaned_data["change_reason"])
        messages.success(request, "Proposal saved.")
        return redirect(proposal)
    context["form"] = form
    context["existing_citations"] = proposal.citations.select_related("source")
    return render(request, "negotiations/proposal_form.html", context)


def _draft_from_parts(parts):
    """The text of a previewed draft again, to edit and split anew."""
    blocks = []
    for part in parts:
        label = (part.get("label") or "").strip()
        heading = (part.get("heading") or "").strip()
        first = " ".join(x for x in (label, heading) if x)
        blocks.append("\n".join(x for x in (first, (part.get("text") or "").strip()) if x))
    return "\n\n".join(blocks)


@permission_required(
    ("negotiations.add_proposal", "negotiations.add_provision"), raise_exception=True
)
def proposal_paste(request, slug):
    """Paste a draft → preview the split (fix labels, choose issues) → save it all at once.

    Nothing is kept on the server between the steps: the preview carries everything in its
    form. Steps: "split" (paste form posted), "save" (preview confirmed), "back" (edit the
    text again).
    """
    negotiation = _negotiation(slug)
    issues = list(negotiation.issues.all())
    party_names = [p.name for p in Party.objects.filter(participations__negotiation=negotiation)]
    step = request.POST.get("step") if request.method == "POST" else None
    data = request.POST if step else None
    form = ProposalForm(data, negotiation=negotiation)
    citations = citation_formset(data)
    paste = PasteForm(data if step == "split" else None)
    context = {
        "negotiation": negotiation,
        "form": form,
        "citations": citations,
        "paste": paste,
        "max_parts": MAX_PARTS,
    }
    if step in ("split", "save") and form.is_valid() and form.instance.is_described_only:
        form.add_error(
            "availability",
            "A text described only has no article texts (its text is not public): record "
            "it without its text and add what sources report it contains.",
        )
    if step == "split" and all([form.is_valid(), citations.is_valid(), paste.is_valid()]):
        parts = split_draft(paste.cleaned_data["draft"])
        if len(parts) > MAX_PARTS:
            paste.add_error(
                "draft",
                f"This text splits into {len(parts)} provisions; one paste takes at most "
                f"{MAX_PARTS}. Paste the draft in parts.",
            )
        else:
            initial = [{"label": p.label, "heading": p.heading, "text": p.text} for p in parts]
            context["parts"] = PartFormSet(initial=initial, issues=issues, party_names=party_names)
            return render(request, "negotiations/proposal_preview.html", context)
    elif step == "back":
        parts = PartFormSet(data, issues=issues, party_names=party_names)
        parts.is_valid()
        kept = [
            {name: f[name].value() for name in ("label", "heading", "text")}
            for f in parts.forms
            if not f["DELETE"].value()
        ]
        context["paste"] = PasteForm(initial={"draft": _draft_from_parts(kept)})
    elif step == "save":
        parts = PartFormSet(data, issues=issues, party_names=party_names)
        context["parts"] = parts
        form_ok, citations_ok, parts_ok = form.is_valid(), citations.is_valid(), parts.is_valid()
        if form_ok and citations_ok and parts_ok:
            with transaction.atomic():
                form.instance._change_reason = PASTED
                proposal = form.save()
                citations.save_for("proposal", proposal, PASTED)
                for order, part in enumerate(parts.kept_parts(), start=1):
                    provision = Provision(
                        proposal=proposal,
                        label=part["label"],
                        heading=part["heading"],
                        text=part["text"],
                        order=order,
                    )
                    provision._change_reason = PASTED
                    provision.save_with_issues([part["issue"]] if part["issue"] else [])
            messages.success(request, f"Draft saved with {order} provisions.")
            return redirect(proposal)
        return render(request, "negotiations/proposal_preview.html", context, status=200)
    return render(request, "negotiations/proposal_paste.html", context)


@permission_required("negotiations.add_provision", raise_exception=True)
def provision_add(request, slug, proposal):
    proposal = proposal_or_404(slug, proposal)
    negotiation = proposal.negotiation
    # The proposal is set before validation: Provision.clean() refuses article texts
    # for a text described only, at the text field.
    # ?issue=<slug> (repeatable) selects issues: a suggestion used.
    _parties, issues = chosen_in_query(request, negotiation)
    form = ProvisionForm(
        request.POST or None,
        negotiation=negotiation,
        instance=Provision(proposal=proposal),
        initial={"issues": issues},
    )
    # Opened from a source's text: the citation is filled in, the article text is
    # left to the analyst, and issues are only suggested.
    cite, _parties, suggested_issues, _dates = coded_from_text(request, negotiation)
    citations = citation_formset(request.POST or None, optional=True, initial=cite)
    if request.method == "POST":
        form_ok, citations_ok = form.is_valid(), citations.is_valid()
        if form_ok and citations_ok:
            reason = "Added a provision"
            last = proposal.provisions.aggregate(last=Max("order"))["last"] or 0
            form.instance.order = last + 1
            form.instance._change_reason = reason
            provision = form.save()
            citations.save_for("provision", provision, reason)
            messages.success(request, f"{provision.label} added.")
            return redirect(back_to_source(request, provision.citations.all()) or provision)
    context = {
        "negotiation": negotiation,
        "proposal": proposal,
        "form": form,
        "citations": citations,
        "suggested_issues": suggestion_links(request, [], suggested_issues, many=True)[1],
    }
    return render(request, "negotiations/provision_form.html", context)


# The query parameters a record form opened from a source's text reads.
FROM_TEXT = ("source", "excerpt", "para")


@permission_required("negotiations.add_provision", raise_exception=True)
@read_page
def provision_from_text(request, slug):
    """Which text a provision coded from a source's text belongs to: the negotiation's
    texts that have article texts (not those described only), each linking to its
    provision form with the passage passed on."""
    negotiation = get_object_or_404(Negotiation, slug=slug)
    proposals = negotiation.proposals.exclude(
        availability=Proposal.Availability.DESCRIBED
    ).select_related("author")
    query = urlencode([(k, request.GET[k]) for k in FROM_TEXT if k in request.GET])
    context = {"negotiation": negotiation, "proposals": proposals, "query": query}
    return render(request, "negotiations/provision_from_text.html", context)


def _provisions(request=None):
    queryset = Provision.objects
    if request is not None:
        queryset = locked(queryset, request)
    return queryset.select_related("proposal__negotiation", "proposal__author").prefetch_related(
        "issues"
    )


@permission_required("negotiations.change_provision", raise_exception=True)
def provision_edit(request, pk):
    provision = get_object_or_404(_provisions(request), pk=pk)
    proposal = provision.proposal
    negotiation = proposal.negotiation
    form = ProvisionEditForm(request.POST or None, instance=provision, negotiation=negotiation)
    citations = citation_formset(request.POST or None, optional=True)
    context = {
        "negotiation": negotiation,
        "proposal": proposal,
        "provision": provision,
        "citations": citations,
    }
    if request.method == "POST" and form.is_valid() and citations.is_valid():
        conflict = conflict_if_stale(
            request, form, provision, _provisions(), context, negotiation=negotiation
        )
        if conflict:
            return conflict
        provision = form.save()
        citations.save_for("provision", provision, form.cleaned_data["change_reason"])
        messages.success(request, f"{provision.label} saved.")
        return redirect(provision)
    context["form"] = form
    context["existing_citations"] = provision.citations.select_related("source")
    return render(request, "negotiations/provision_form.html", context)


@require_POST
@permission_required("negotiations.delete_provision", raise_exception=True)
def provision_delete(request, pk):
    provision = get_object_or_404(_provisions(request), pk=pk)
    proposal_url = provision.proposal.get_absolute_url()
    reason = request.POST.get("change_reason", "").strip()
    if not reason:
        messages.error(request, "Say why this provision is being deleted.")
        return redirect(reverse("negotiations:provision_edit", args=[provision.pk]))
    provision._change_reason = reason[:300]
    provision.delete()
    messages.success(request, f"{provision.label} deleted. Its history is kept.")
    return redirect(proposal_url)


@read_page
def provision_history(request, pk):
    provision = get_object_or_404(_provisions(), pk=pk)
    context = {
        "negotiation": provision.proposal.negotiation,
        "proposal": provision.proposal,
        "provision": provision,
        "entries": entries_for(Provision, [provision.pk])[provision.pk],
        "citations": provision.citations.select_related("source"),
    }
    return render(request, "negotiations/provision_history.html", context)


def _read_order(post, provisions):
    """(numbers {pk: float}, errors {pk: message}, stale) from a posted reorder form.

    Stale: a provision was edited, added or deleted since the form was opened.
    """
    numbers, errors = {}, {}
    sent = {key.removeprefix("version-") for key in post if key.startswith("version-")}
    stale = sent != {str(p.pk) for p in provisions}
    for p in provisions:
        stale = stale or post.get(f"version-{p.pk}") != str(p.version)
        try:
            number = float((post.get(f"order-{p.pk}") or "").strip().replace(",", "."))
        except ValueError:
            number = math.nan
        if math.isfinite(number):
            numbers[p.pk] = number
        else:
            errors[p.pk] = "Give a number, such as 3 or 3.5."
    return numbers, errors, stale


@permission_required("negotiations.change_provision", raise_exception=True)
def provisions_reorder(request, slug, proposal):
    """Renumber a proposal's provisions from places typed by the analyst.

    Each moved provision is saved on its own (history row with the reason); a provision
    edited, added or deleted since the page was opened makes the reorder a conflict (409).
    """
    proposal = proposal_or_404(slug, proposal)
    provisions = list(locked(proposal.provisions.prefetch_related("issues"), request))
    form = ReorderForm(request.POST or None)
    numbers, errors, stale = {}, {}, False
    if request.method == "POST":
        numbers, errors, stale = _read_order(request.POST, provisions)
        if not stale and form.is_valid() and not errors:
            index = {p.pk: i for i, p in enumerate(provisions)}
            wanted = sorted(provisions, key=lambda p: (numbers[p.pk], index[p.pk]))
            moved = 0
            for order, p in enumerate(wanted, start=1):
                if p.order != order:
                    p.order = order
                    p._change_reason = form.cleaned_data["change_reason"]
                    p.save()
                    moved += 1
            if moved:
                messages.success(request, f"Order saved ({moved} provisions renumbered).")
            else:
                messages.info(request, "The order is unchanged.")
            return redirect(proposal)
    if stale:
        form = ReorderForm(initial={"change_reason": request.POST.get("change_reason", "")})
    posted = request.method == "POST" and not stale
    rows = [
        {
            "provision": p,
            "value": request.POST.get(f"order-{p.pk}", "") if posted else i,
            "error": errors.get(p.pk),
        }
        for i, p in enumerate(provisions, start=1)
    ]
    context = {
        "negotiation": proposal.negotiation,
        "proposal": proposal,
        "rows": rows,
        "form": form,
        "conflict": stale,
    }
    return render(
        request, "negotiations/proposal_reorder.html", context, status=409 if stale else 200
    )


@read_page
def compare(request, slug):
    negotiation = _negotiation(slug)

    # Every proposal for the two choosers; the authors of the two compared only (below),
    # not a thousand of them.
    proposals = list(negotiation.proposals.all())
    by_slug = {p.slug: p for p in proposals}
    by_pk = {p.pk: p for p in proposals}
    a_slug, b_slug = request.GET.get("a", ""), request.GET.get("b", "")
    a, b = by_slug.get(a_slug), by_slug.get(b_slug)
    view = request.GET.get("view") if request.GET.get("view") in comparing.VIEWS else "inline"
    errors, defaulted = {}, False
    if a_slug and a is None:
        errors["a"] = "There is no such proposal in this negotiation."
    if b_slug and b is None:
        errors["b"] = "There is no such proposal in this negotiation."
    if b is not None and not a_slug:
        a = by_pk.get(b.responds_to_id) or by_pk.get(b.supersedes_id)
        defaulted = a is not None
        if a is None:
            errors["a"] = f"“{b}” responds to no other proposal: choose the one to compare with."
    if a is not None and b is not None and a.pk == b.pk:
        errors["b"] = "Choose two different proposals."
    prefetch_related_objects([p for p in (a, b) if p is not None], "author")
    comparison = by_issue = None
    if (
        a is not None
        and b is not None
        and not errors
        and (a.is_described_only or b.is_described_only)
    ):
        # No words to diff: a text described only is compared by issue (#16).
        by_issue = issue_lines(negotiation, a, b)
    elif a is not None and b is not None and not errors:
        provisions = list(
            Provision.objects.filter(proposal__in=[a, b])
            .prefetch_related("issues")
            .order_by("order", "pk")
        )
        provisions_a = [p for p in provisions if p.proposal_id == a.pk]
        provisions_b = [p for p in provisions if p.proposal_id == b.pk]
        manual, apart = ProvisionPairing.objects.between(a, b)
        comparison = comparing.build(
            provisions_a,
            provisions_b,
            negotiation.issues.all(),
            view=view,
            manual=manual,
            apart=apart,
        )
    links = {}
    if a is not None and b is not None:
        base = reverse("negotiations:compare", args=[negotiation.slug])
        for name, (x, y, v) in {
            "inline": (a, b, "inline"),
            "side": (a, b, "side"),
            "swap": (b, a, view),
        }.items():
            links[name] = f"{base}?{urlencode({'a': x.slug, 'b': y.slug, 'view': v})}"
        links["permanent"] = links[view]
    context = {
        "negotiation": negotiation,
        "titles": [a.title if a else None, b.title if b else None],
        "proposals": proposals,
        "choosers": comparing.proposal_options(
            proposals, a.pk if a is not None else None, b.pk if b is not None else None
        ),
        "links": links,
        "a": a,
        "b": b,
        "view": view,
        "errors": errors,
        "defaulted": defaulted,
        "comparison": comparison,
        "issue_lines": by_issue,
        "not_public": Proposal.NOT_PUBLIC,
    }

    return render(request, "negotiations/compare.html", context)


def _compare_url(negotiation, a, b, view):
    base = reverse("negotiations:compare", args=[negotiation.slug])
    return f"{base}?{urlencode({'a': a.slug, 'b': b.slug, 'view': view})}"


@require_POST
@permission_required(pairings.PERMISSIONS, raise_exception=True)
def compare_pairing(request, slug):
    """Pair two provisions of the compared proposals by hand, keep them apart, or send
    them back to the automatic alignment; then back to the comparison, where everyone
    comparing the two proposals sees it. Bad input: this form again, with the message."""
    negotiation = _negotiation(slug)
    wanted = [request.POST.get("a", ""), request.POST.get("b", "")]
    # Locking the two proposals makes concurrent choices about them wait for each other.
    found = {p.slug: p for p in locked(negotiation.proposals.filter(slug__in=wanted), request)}
    a, b = found.get(wanted[0]), found.get(wanted[1])
    view = request.POST.get("view") if request.POST.get("view") in comparing.VIEWS else "inline"
    form, problem = None, None
    if a is None or b is None or a.pk == b.pk:
        problem = "Choose two different proposals of this negotiation to compare."
    else:
        form = pairings.PairingForm(request.POST, a=a, b=b)
        if form.is_valid():
            try:
                with transaction.atomic():
                    message = form.save(request.user)
            except IntegrityError:
                form.add_error(None, "Someone changed these pairings at the same time: retry.")
            else:
                messages.success(request, message)
                anchor = f"#b-{form.cleaned_data['provision_b'].pk}"
                return redirect(_compare_url(negotiation, a, b, view) + anchor)
    context = {
        "negotiation": negotiation,
        "a": a,
        "b": b,
        "view": view,
        "form": form,
        "problem": problem,
        "back": _compare_url(negotiation, a, b, view) if form is not None else None,
    }
    return render(request, "negotiations/compare_pairing.html", context, status=400)
