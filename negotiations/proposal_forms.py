"""Forms for proposals, provisions, pasted drafts and the provision order."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from negotiations.forms import PartialDateFormMixin, ReasonFormMixin
from negotiations.models import Party, Proposal, Provision

#: The longest draft text one paste takes (characters; ~80,000 words, a long treaty).
MAX_DRAFT_CHARS = 500_000
#: The most provisions one preview takes. Each part posts four fields, and Django refuses
#: requests of more than DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000) fields.
MAX_PARTS = 200
#: Slugs that would collide with the fixed URLs under /proposals/.
RESERVED_SLUGS = {"new", "paste"}

TOO_LONG = (
    "This text is %(show_value)s characters long; Redline takes at most %(limit_value)s "
    "characters (about 80,000 words) at a time. Split the draft and paste it in parts."
)


class ProposalForm(PartialDateFormMixin, forms.ModelForm):
    slug = forms.SlugField(
        label="Short name for the address",
        max_length=80,
        required=False,
        help_text="Letters, digits and hyphens, e.g. “am-draft-2024-01”. Leave empty to "
        "make one from the title.",
    )

    class Meta:
        model = Proposal
        fields = [
            "title",
            "slug",
            "kind",
            "author",
            "availability",
            "responds_to",
            "supersedes",
            "summary",
        ]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}
        labels = {"availability": "Availability of the text", "author": "Author party"}
        error_messages = {
            "author": {"invalid_choice": "That party does not take part in this negotiation."},
            "responds_to": {"invalid_choice": "Choose a proposal of this negotiation."},
            "supersedes": {"invalid_choice": "Choose a proposal of this negotiation."},
        }

    def __init__(self, *args, negotiation, proposals=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.negotiation = negotiation
        self.instance.negotiation = negotiation
        self.fields["author"].queryset = Party.objects.filter(
            participations__negotiation=negotiation
        ).order_by("name")
        self.fields["author"].empty_label = "Joint or unattributed"
        others = negotiation.proposals.select_related("author")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        for name in ("responds_to", "supersedes"):
            self.fields[name].queryset = others
            self.fields[name].empty_label = "—"
            self.fields[name].label_from_instance = _proposal_label
        self.fields["when"].label = "Date of the text"
        self.fields["when"].widget.attrs["placeholder"] = "e.g. 4 Jan 2024, late December 2023"
        if self.instance.pk:
            self.fields["slug"].required = True
        self.order_fields(
            ["title", "slug", "kind", "author", "when", "when_inferred", "availability"]
        )

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise ValidationError("Give the proposal a title.")
        return title

    def clean_slug(self):
        slug = self.cleaned_data.get("slug") or slugify(self.cleaned_data.get("title", ""))[:80]
        if not slug:
            if "title" in self.cleaned_data:
                raise ValidationError("Choose a short name of letters, digits and hyphens.")
            return slug
        if slug in RESERVED_SLUGS:
            raise ValidationError(f"“{slug}” is reserved; choose another short name.")
        taken = self.negotiation.proposals.filter(slug=slug).exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError("Another proposal of this negotiation already uses this name.")
        return slug

    def clean(self):
        data = super().clean()
        target = data.get("responds_to")
        if target is not None and self.instance.pk:
            parents = dict(self.negotiation.proposals.values_list("pk", "responds_to_id"))
            seen, current = set(), target.pk
            while current is not None and current not in seen:
                if current == self.instance.pk:
                    self.add_error(
                        "responds_to",
                        "That proposal already responds (directly or through others) to "
                        "this one; a chain of responses cannot loop.",
                    )
                    break
                seen.add(current)
                current = parents.get(current)
        return data


class ProposalEditForm(ReasonFormMixin, ProposalForm):
    pass


def _proposal_label(proposal):
    return f"{proposal.title} ({proposal.partial_date})"


class ProvisionForm(forms.ModelForm):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=MAX_DRAFT_CHARS,
        error_messages={"max_length": TOO_LONG},
        strip=True,
    )

    class Meta:
        model = Provision
        fields = ["label", "heading", "issue", "text"]
        error_messages = {
            "issue": {"invalid_choice": "That issue is not part of this negotiation."},
        }

    def __init__(self, *args, negotiation, issues=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issue"].queryset = issues if issues is not None else negotiation.issues.all()
        self.fields["issue"].empty_label = "— no particular issue —"

    def clean_label(self):
        label = " ".join(self.cleaned_data["label"].split())
        if not label:
            raise ValidationError("Give the provision a label, e.g. “Art. 3”.")
        return label


class ProvisionEditForm(ReasonFormMixin, ProvisionForm):
    pass


class PasteForm(forms.Form):
    """The text of a whole draft, to be split into provisions."""

    draft = forms.CharField(
        label="Text of the draft",
        widget=forms.Textarea(attrs={"rows": 20}),
        max_length=MAX_DRAFT_CHARS,
        strip=False,
        help_text="Paste the whole text. It is split at headings such as “Article 1”, "
        "“Art. 2”, “ARTICLE IV”, “Point 9”, “§ 3” or “9.”; text before the first heading "
        "becomes the preamble. Nothing is saved until you confirm the split. At most "
        "500,000 characters.",
        error_messages={
            "required": "Paste the text of the draft.",
            "max_length": TOO_LONG,
        },
    )

    def clean_draft(self):
        draft = self.cleaned_data["draft"]
        if not draft.strip():
            raise ValidationError("Paste the text of the draft; this one is empty.")
        return draft


class PartForm(forms.Form):
    """One provision of a pasted draft in the preview.

    The issue suggested from its words is only offered: the select marks it “(suggested)”
    without choosing it, and the “use the suggested issue” box is unticked.
    """

    label = forms.CharField(max_length=60)
    heading = forms.CharField(max_length=300, required=False)
    issue = forms.ChoiceField(
        required=False,
        error_messages={"invalid_choice": "That issue is not part of this negotiation."},
    )
    use_suggestion = forms.BooleanField(required=False, label="Use the suggested issue")
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MAX_DRAFT_CHARS,
        error_messages={
            "required": "This part has no text: add it, or tick “Leave out” to skip the part.",
            "max_length": TOO_LONG,
        },
    )

    def __init__(self, *args, issues, keywords, **kwargs):
        super().__init__(*args, **kwargs)
        self.issues = {str(issue.pk): issue for issue in issues}
        text = self["text"].value() or ""
        self.suggested = _suggest(text, issues, keywords)
        marked = {issue.pk for issue in self.suggested}
        self.fields["issue"].choices = [("", "— no particular issue —")] + [
            (str(issue.pk), f"{issue.title} (suggested)" if issue.pk in marked else issue.title)
            for issue in issues
        ]
        if not self.suggested:
            del self.fields["use_suggestion"]

    def clean_label(self):
        label = " ".join(self.cleaned_data["label"].split())
        if not label:
            raise ValidationError("Give the part a label, e.g. “Art. 3”.")
        return label

    def clean_issue(self):
        return self.issues.get(self.cleaned_data["issue"])

    def clean(self):
        data = super().clean()
        if data.get("use_suggestion") and not data.get("issue") and self.suggested:
            data["issue"] = self.suggested[0]
        return data


#: Title words too common to say what a clause is about.
STOP_WORDS = {
    *("about", "across", "after", "against", "among", "before", "between", "changes"),
    *("from", "into", "other", "over", "their", "them", "they", "this", "that", "under"),
    *("with", "within", "without", "status", "use", "issues", "matters", "general"),
}


def issue_keywords(issues, exclude=()):
    """[(slug, keywords, needed)] for drafts.suggest_issues: an issue is suggested by one of
    its aliases (a phrase), or by two of the telling words of its title (one when the
    title has only one) — never by one loose word of a longer title.

    Telling words: four letters or more, except common ones and the words in ``exclude``
    (the names of the negotiation's parties, which occur in every clause).
    """
    excluded = tuple({w.lower() for name in exclude for w in name.split() if len(w) >= 4})
    result = []
    for issue in issues:
        words = [w.strip("“”\"'’()«»,.;:") for w in issue.title.replace("-", " ").split()]
        words = [w.removesuffix("'s").removesuffix("’s") for w in words]
        keywords = [
            w
            for w in words
            if len(w) >= 4 and w.lower() not in STOP_WORDS and not w.lower().startswith(excluded)
        ]
        if issue.alias_list:
            result.append((issue.slug, issue.alias_list, 1))
        result.append((issue.slug, keywords, min(2, len(set(k.casefold() for k in keywords)))))
    return result


def _suggest(text, issues, keywords):
    from negotiations.text.drafts import suggest_issues

    if not text or not keywords:
        return []
    by_slug = {issue.slug: issue for issue in issues}
    return [by_slug[slug] for slug in suggest_issues(text, keywords) if slug in by_slug]


class BasePartFormSet(forms.BaseFormSet):
    def __init__(self, *args, issues, party_names=(), **kwargs):
        issues = list(issues)
        self.issue_list = issues
        keywords = issue_keywords(issues, exclude=party_names)
        super().__init__(
            *args, prefix="part", form_kwargs={"issues": issues, "keywords": keywords}, **kwargs
        )

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index is not None:
            # Every part of the preview is a part: one emptied of label and text is an
            # error to fix (or to leave out), not an empty form to skip or save.
            kwargs["empty_permitted"] = False
        return kwargs

    def clean(self):
        if any(self.errors):
            return
        kept = [f for f in self.forms if not self._should_delete_form(f)]
        if not kept:
            raise ValidationError("Keep at least one part of the draft.")

    def kept_parts(self):
        return [f.cleaned_data for f in self.forms if not self._should_delete_form(f)]


PartFormSet = forms.formset_factory(
    PartForm,
    formset=BasePartFormSet,
    extra=0,
    can_delete=True,
    max_num=MAX_PARTS,
    absolute_max=MAX_PARTS,
    validate_max=True,
)


class ReorderForm(forms.Form):
    change_reason = forms.CharField(
        label="Reason for this change",
        max_length=300,
        initial="Reordered provisions",
        help_text="Stored with each moved provision's history.",
    )
