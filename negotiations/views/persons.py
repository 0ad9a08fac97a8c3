"""Persons who speak or act for a negotiation's parties: a list, add and correct."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from negotiations.forms import PersonEditForm, PersonForm
from negotiations.models import Negotiation, Person
from negotiations.views.common import locked, read_page


def _persons_of(negotiation):
    return Person.objects.filter(party__participations__negotiation=negotiation)


@read_page
def person_list(request, slug):
    negotiation = get_object_or_404(Negotiation, slug=slug)
    persons = _persons_of(negotiation).select_related("party").order_by("party__name", "name")
    context = {"negotiation": negotiation, "persons": persons}
    return render(request, "negotiations/persons.html", context)


@permission_required("negotiations.add_person", raise_exception=True)
def person_add(request, slug):
    negotiation = get_object_or_404(Negotiation, slug=slug)
    form = PersonForm(request.POST or None, negotiation=negotiation)
    if request.method == "POST" and form.is_valid():
        form.instance._change_reason = "Added a person"
        person = form.save()
        messages.success(request, f"{person.name} added.")
        return redirect(reverse("negotiations:persons", args=[slug]) + f"#person-{person.pk}")
    context = {"negotiation": negotiation, "form": form}
    return render(request, "negotiations/person_form.html", context)


@permission_required("negotiations.change_person", raise_exception=True)
def person_edit(request, slug, pk):
    negotiation = get_object_or_404(Negotiation, slug=slug)
    person = get_object_or_404(locked(_persons_of(negotiation), request), pk=pk)
    form = PersonEditForm(request.POST or None, instance=person, negotiation=negotiation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Correction saved.")
        return redirect(reverse("negotiations:persons", args=[slug]) + f"#person-{person.pk}")
    context = {"negotiation": negotiation, "form": form, "person": person}
    return render(request, "negotiations/person_form.html", context)
