from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from django.core.paginator import Paginator
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from negotiations.accounts import auth, roles
from negotiations.forms import PARTIAL_DATE_FIELDS, PartialDateFormMixin
from negotiations.models import (
    Citation,
    Event,
    Issue,
    Negotiation,
    Participation,
    Party,
    Person,
    Position,
    Proposal,
    Provision,
    ProvisionPairing,
    ReportedContent,
    Source,
    TextParty,
    TextStep,
)

admin.site.site_header = "Redline editors' workbench"
admin.site.site_title = "Redline admin"


class ReasonForm(forms.ModelForm):
    change_reason = forms.CharField(
        max_length=300,
        help_text="Why are you making this change? Stored with the history of the record.",
    )


class DatedReasonForm(PartialDateFormMixin, ReasonForm):
    pass


class OptionallyDatedReasonForm(DatedReasonForm):
    date_required = False


class HistoryAdmin(SimpleHistoryAdmin):
    """Every admin save carries a required reason, stored on the history row."""

    form = ReasonForm

    def save_model(self, request, obj, form, change):
        obj._change_reason = form.cleaned_data["change_reason"]
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        reason = form.cleaned_data["change_reason"]
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj._change_reason = reason
            obj.delete()
        for obj in instances:
            obj._change_reason = reason
            obj.save()
        formset.save_m2m()

    def delete_model(self, request, obj):
        obj._change_reason = f"Deleted in the admin by {request.user}"
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # One delete() per row, so each gets its own history row and reason.
        for obj in queryset:
            self.delete_model(request, obj)


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ["party"]


class IssueInline(admin.TabularInline):
    model = Issue
    extra = 0
    fields = ["order", "slug", "title", "parent"]
    autocomplete_fields = ["parent"]
    show_change_link = True


@admin.register(Negotiation)
class NegotiationAdmin(HistoryAdmin):
    list_display = ["title", "slug", "created_at"]
    search_fields = ["title", "slug", "description"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ParticipationInline, IssueInline]


@admin.register(Party)
class PartyAdmin(HistoryAdmin):
    list_display = ["name", "short_name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "slug", "aliases"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Person)
class PersonAdmin(HistoryAdmin):
    list_display = ["name", "title", "party", "since", "until"]
    list_filter = ["party"]
    search_fields = ["name", "title", "party__name"]
    autocomplete_fields = ["party"]
    readonly_fields = ["uid"]


@admin.register(Participation)
class ParticipationAdmin(HistoryAdmin):
    list_display = ["party", "negotiation", "role", "order", "since", "until"]
    list_filter = ["role", "negotiation"]
    search_fields = ["party__name", "negotiation__title"]
    autocomplete_fields = ["negotiation", "party"]


@admin.register(Issue)
class IssueAdmin(HistoryAdmin):
    list_display = ["title", "negotiation", "slug", "parent", "order"]
    list_filter = ["negotiation"]
    search_fields = ["title", "slug", "description", "aliases"]
    autocomplete_fields = ["negotiation", "parent"]
    prepopulated_fields = {"slug": ["title"]}


class CitationInline(admin.StackedInline):
    model = Citation
    extra = 0
    autocomplete_fields = ["source", *Citation.TARGETS]
    fields = ["source", *Citation.TARGETS, "locator", "excerpt"]


# A source's citations are listed on its change page a page at a time, searchable, each
# linking to its own change page (with history and revert): 1,000 stacked inlines made
# a 15 MB page that took over 20 s (devtools benchmark_source_admin).
SOURCE_CITATIONS_PER_PAGE = 50


@admin.register(Source)
class SourceAdmin(HistoryAdmin):
    list_display = ["title", "author", "outlet", "partial_date", "kind", "reliability"]
    list_filter = ["kind", "reliability", "language"]
    search_fields = ["title", "author", "outlet", "url", "notes"]
    form = OptionallyDatedReasonForm
    exclude = PARTIAL_DATE_FIELDS
    readonly_fields = ["uid", "version"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        source = self.get_object(request, object_id)
        if source is not None:
            query = request.GET.get("cq", "").strip()[:200]
            citations = Citation.objects.filter(source=source).curated(query)
            page = Paginator(citations, SOURCE_CITATIONS_PER_PAGE).get_page(
                request.GET.get("cpage")
            )
            extra_context |= {
                "citation_page": page,
                "citation_rows": [citation_row(c) for c in page.object_list],
                "citation_query": query,
            }
        return super().change_view(request, object_id, form_url, extra_context)


def citation_row(citation):
    """(citation, its admin page, what it backs: kind, name, admin page) for the list."""
    name = next(n for n in Citation.TARGETS if getattr(citation, f"{n}_id"))
    target = getattr(citation, name)
    return {
        "citation": citation,
        "url": reverse("admin:negotiations_citation_change", args=[citation.pk]),
        "kind": target._meta.verbose_name.capitalize(),
        "target": target,
        "target_url": reverse(
            f"admin:negotiations_{target._meta.model_name}_change", args=[target.pk]
        ),
    }


@admin.register(Position)
class PositionAdmin(HistoryAdmin):
    list_display = ["__str__", "party", "issue", "stance", "movement", "partial_date"]
    list_filter = ["stance", "movement", "party", "issue__negotiation"]
    search_fields = ["summary", "quote", "party__name", "issue__title"]
    autocomplete_fields = ["issue", "party", "speaker"]
    readonly_fields = ["uid", "version"]
    form = DatedReasonForm
    exclude = PARTIAL_DATE_FIELDS
    inlines = [CitationInline]


class ProvisionInline(admin.StackedInline):
    model = Provision
    extra = 0
    fields = ["order", "label", "heading", "issue", "text"]
    autocomplete_fields = ["issue"]
    show_change_link = True


class TextPartyInline(admin.TabularInline):
    model = TextParty
    extra = 0
    autocomplete_fields = ["party"]


@admin.register(Proposal)
class ProposalAdmin(HistoryAdmin):
    list_display = ["title", "negotiation", "author", "kind", "availability", "partial_date"]
    list_filter = ["kind", "availability", "negotiation"]
    search_fields = ["title", "slug", "summary"]
    autocomplete_fields = ["negotiation", "author", "responds_to", "supersedes"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["version"]
    form = DatedReasonForm
    exclude = PARTIAL_DATE_FIELDS
    inlines = [ProvisionInline, TextPartyInline, CitationInline]


@admin.register(TextStep)
class TextStepAdmin(HistoryAdmin):
    list_display = ["__str__", "proposal", "kind", "partial_date"]
    list_filter = ["kind", "proposal__negotiation"]
    search_fields = ["note", "proposal__title"]
    autocomplete_fields = ["proposal"]
    readonly_fields = ["uid", "version"]
    form = DatedReasonForm
    exclude = PARTIAL_DATE_FIELDS
    inlines = [CitationInline]


@admin.register(ReportedContent)
class ReportedContentAdmin(HistoryAdmin):
    list_display = ["__str__", "proposal", "issue"]
    list_filter = ["proposal__negotiation"]
    search_fields = ["summary", "proposal__title", "issue__title"]
    autocomplete_fields = ["proposal", "issue"]
    readonly_fields = ["uid", "version"]
    inlines = [CitationInline]


@admin.register(Provision)
class ProvisionAdmin(HistoryAdmin):
    list_display = ["label", "proposal", "heading", "issue", "order"]
    list_filter = ["proposal__negotiation"]
    search_fields = ["label", "heading", "text", "proposal__title"]
    autocomplete_fields = ["proposal", "issue"]
    readonly_fields = ["uid", "version"]
    inlines = [CitationInline]


@admin.register(Event)
class EventAdmin(HistoryAdmin):
    list_display = ["title", "negotiation", "kind", "partial_date"]
    list_filter = ["kind", "negotiation"]
    search_fields = ["title", "description"]
    autocomplete_fields = ["negotiation", "issues", "parties", "persons"]
    readonly_fields = ["uid", "version"]
    form = DatedReasonForm
    exclude = PARTIAL_DATE_FIELDS
    inlines = [CitationInline]


@admin.register(Citation)
class CitationAdmin(HistoryAdmin):
    list_display = ["__str__", "source", "target", "locator"]
    list_filter = [("source", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["locator", "excerpt", "source__title"]
    autocomplete_fields = ["source", *Citation.TARGETS]
    readonly_fields = ["uid"]
    list_select_related = ["source", *Citation.TARGETS]


# --- users and groups ---------------------------------------------------------------------
# Editors manage users and give them roles (the role groups); only superusers make
# superusers, grant single permissions or change what a group may do. An editor who
# could change a superuser could set that account's password and log in as it, so a
# superuser's account is read-only to them.

ROLE_GROUPS = [roles.READERS, roles.ANALYSTS, roles.EDITORS]


class UnlockingPasswordChangeForm(AdminPasswordChangeForm):
    """A password set in the admin also lifts the user's login lockout."""

    def save(self, commit=True):
        user = super().save(commit=commit)
        auth.unlock(user.get_username())
        return user


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class RedlineUserAdmin(UserAdmin):
    change_password_form = UnlockingPasswordChangeForm
    actions = ["unlock"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
        return readonly

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=ROLE_GROUPS)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        # An editor's form lists only the role groups: keep the user's other groups,
        # which a superuser gave, instead of dropping them unseen.
        kept = []
        if change and not request.user.is_superuser:
            kept = list(form.instance.groups.exclude(name__in=ROLE_GROUPS))
        super().save_related(request, form, formsets, change)
        form.instance.groups.add(*kept)

    @admin.action(permissions=["change"], description="Unlock: forget their failed logins")
    def unlock(self, request, queryset):
        forgotten = sum(auth.unlock(user.get_username()) for user in queryset)
        self.message_user(
            request,
            f"Unlocked {len(queryset)} user(s): {forgotten} record(s) of failed logins removed.",
        )


admin.site.unregister(Group)


@admin.register(Group)
class RedlineGroupAdmin(GroupAdmin):
    """The role groups' permissions come from negotiations/accounts/roles.py (set again at every
    migrate); editors may look at them but neither change, rename nor delete them."""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly.append("permissions")
            if obj is not None and obj.name in ROLE_GROUPS:
                readonly.append("name")
        return readonly

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.name in ROLE_GROUPS and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(ProvisionPairing)
class ProvisionPairingAdmin(HistoryAdmin):
    list_display = ["provision_a", "provision_b", "kind", "created_by", "created"]
    list_filter = ["kind", "proposal_a__negotiation"]
    search_fields = ["provision_a__label", "provision_b__label", "proposal_a__title"]
    autocomplete_fields = ["provision_a", "provision_b"]
    # The proposals follow from the provisions (ProvisionPairing.clean).
    fields = ["provision_a", "provision_b", "kind", "change_reason"]
    list_select_related = ["provision_a__proposal", "provision_b__proposal", "created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
