from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from negotiations import merging
from negotiations.models import (
    DATE_COLUMNS,
    TEXT_MAX_LENGTH,
    Citation,
    Event,
    Party,
    Person,
    Position,
    Source,
)
from negotiations.text import excerpts, extraction
from negotiations.text.dates import ACCEPTED_FORMS, PartialDate, PartialDateError, thread_order
from negotiations.text.excerpts import excerpt_found

PARTIAL_DATE_FIELDS = list(DATE_COLUMNS)
LANGUAGE_CODE_RE = r"^([a-z]{2,3}|und)$"
EXCERPT_NOT_FOUND = (
    "This excerpt is not in the source's text word for word (spacing and curly quotes "
    "aside). Copy it from the source page, or correct the source's text."
)


class PartialDateField(forms.Field):
    """One text box for a date as the source gave it ("late December 2023")."""

    widget = forms.TextInput(attrs={"placeholder": "e.g. 10 Jan 2024, Jan 2024, late 2023"})

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", ACCEPTED_FORMS)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, PartialDate):
            return value.as_written or str(value)
        return value

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        try:
            return PartialDate.parse(value)
        except PartialDateError as exc:
            raise ValidationError(f"{self.label or 'Date'}: {exc}", code="invalid_date") from exc


def read_as(value):
    """The help text that previews how a date was read: "Read as late Dec 2023 (…)"."""
    return f"Read as “{value}”: {value.interval_text()}. {ACCEPTED_FORMS}"


class PartialDateFormMixin(forms.Form):
    """Shows a model's partial-date columns as one "Date" field named `when`, typed as
    the source wrote it, and an "inferred" box for a date that is the analyst's reading.

    Combine with a ModelForm that leaves the model columns out of its fields.
    """

    when = PartialDateField(label="Date")
    when_inferred = forms.BooleanField(
        required=False,
        label="Date inferred",
        help_text="Tick when the date is your reading, not the source's words "
        "(or end the date with ?).",
    )
    date_required = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["when"].required = self.date_required
        if self.instance.pk and "when" not in self.initial:
            self.initial["when"] = self.instance.partial_date
            self.initial["when_inferred"] = self.instance.date_inferred
        if isinstance(self.initial.get("when"), PartialDate):
            self.fields["when"].help_text = read_as(self.initial["when"])

    def clean(self):
        data = super().clean()
        value = data.get("when")
        if value is not None and data.get("when_inferred"):
            data["when"] = value = value.replace(inferred=True)
        if value is not None:
            self.fields["when"].help_text = read_as(value)
        return data

    def _post_clean(self):
        if "when" in self.cleaned_data:
            self.instance.partial_date = self.cleaned_data["when"]
        super()._post_clean()


class ReasonFormMixin(forms.Form):
    """Edits carry a reason, stored on the history row, and the version they started from."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    change_reason = forms.CharField(
        label="Reason for this change",
        max_length=300,
        help_text="For example “typo” or “wrong date per the interview transcript”.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("version", self.instance.version)

    def clean(self):
        data = super().clean()
        # A confirmed merge (the conflict page) names the fields both sides changed:
        # each needs the analyst's choice, or an optional one would be silently emptied.
        if hasattr(self.data, "getlist"):
            for name in self.data.getlist(merging.CHOOSE_FIELD):
                if name in self.fields and name not in self.data:
                    self.add_error(
                        name,
                        "Both you and the other person changed this: choose theirs or yours.",
                    )
        return data

    def save(self, commit=True):
        self.instance._change_reason = self.cleaned_data["change_reason"]
        return super().save(commit)


class PositionForm(PartialDateFormMixin, forms.ModelForm):
    movement = forms.ChoiceField(
        choices=[("", "Suggest from the previous statement")] + Position.Movement.choices,
        required=False,
        help_text="How this statement moves the party's previous position on the issue.",
    )

    class Meta:
        model = Position
        fields = [
            "party",
            "issue",
            "stance",
            "movement",
            "summary",
            "quote",
            "speaker",
            "attribution",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "quote": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "party": {"invalid_choice": "That party does not take part in this negotiation."},
            "issue": {"invalid_choice": "That issue is not part of this negotiation."},
            "speaker": {
                "invalid_choice": "Speaker: that person does not speak for a party "
                "in this negotiation."
            },
        }

    def __init__(self, *args, negotiation, **kwargs):
        super().__init__(*args, **kwargs)
        self.negotiation = negotiation
        self.fields["party"].queryset = Party.objects.filter(
            participations__negotiation=negotiation
        ).order_by("name")
        self.fields["issue"].queryset = negotiation.issues.all()
        self.fields["speaker"].queryset = Person.objects.filter(
            party__participations__negotiation=negotiation
        ).select_related("party")
        self.fields["speaker"].label_from_instance = lambda p: f"{p} ({p.party})"
        # Scripts and older clients that send no attribution mean the party's own words.
        self.fields["attribution"].required = False
        # "Committed" is recorded by initialling, signing or ratifying a text, never typed.
        self.fields["stance"].choices = [
            c for c in self.fields["stance"].choices if c[0] != Position.Stance.COMMITTED
        ]
        self.fields["stance"].codebook = "stance"
        self.fields["movement"].codebook = "movement"
        self.fields["when"].label = "Stated on"
        self.fields["when"].widget.attrs["placeholder"] = "e.g. 10 Jan 2024, late December 2023"
        self.order_fields(
            [
                "party",
                "issue",
                "stance",
                "movement",
                "summary",
                "quote",
                "speaker",
                "attribution",
                "when",
                "when_inferred",
            ]
        )

    def clean_attribution(self):
        return self.cleaned_data.get("attribution") or Position.Attribution.OWN

    def clean_summary(self):
        summary = self.cleaned_data["summary"].strip()
        if not summary:
            raise ValidationError("Write a short summary of the position.")
        return summary

    def previous_position(self):
        """(the party's previous statement on the issue, whether that is certain).

        Previous by the dates as written: when this statement's date overlaps another in
        the thread (or the one before it overlaps an earlier one), which statement it
        follows is not known, and it gets no previous one to compare with."""
        party, issue = self.cleaned_data.get("party"), self.cleaned_data.get("issue")
        when = self.cleaned_data.get("when")
        if not (party and issue and when):
            return None, True
        others = list(
            Position.objects.filter(party=party, issue=issue)
            .exclude(pk=self.instance.pk)
            .order_by("date", "date_end", "pk")
        )
        # This statement sorts after the others with the same date (it is the newest).
        thread = sorted(
            [(p.partial_date, n, p) for n, p in enumerate(others)] + [(when, len(others), None)],
            key=lambda item: (item[0].sort_day, item[0].sort_end, item[1]),
        )
        here = next(i for i, item in enumerate(thread) if item[2] is None)
        previous, certain = thread_order([item[0] for item in thread])[here]
        if not certain:
            return None, False
        return (thread[previous][2] if previous is not None else None), True

    def _post_clean(self):
        super()._post_clean()
        if not self.cleaned_data.get("movement") and "stance" in self.cleaned_data:
            previous, certain = self.previous_position()
            self.instance.movement = (
                self.instance.suggest_movement(previous)
                if certain
                else Position.Movement.ORDER_UNCERTAIN
            )


class PositionEditForm(ReasonFormMixin, PositionForm):
    pass


class SourceFinderField(forms.Field):
    """One text box for an existing source: the finder's script fills in a suggestion
    ("title (outlet, date) · uid"); without script, type its uid or words of its title,
    author or outlet — one match is taken, several are listed to choose from. Numbers
    are read as a source's id (scripts and older clients post those)."""

    widget = forms.TextInput(
        attrs={
            "class": "source-finder",
            "autocomplete": "off",
            "placeholder": "Type words of the title, or paste its uid",
        }
    )

    def prepare_value(self, value):
        if isinstance(value, Source):
            return value.finder_label
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            source = Source.objects.filter(pk=value).first()
            return source.finder_label if source else value
        return value

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        if value.isdigit():
            found = list(Source.objects.filter(pk=int(value))[:1])
        else:
            found = list(Source.objects.find(value, limit=6))
        if len(found) == 1:
            return found[0]
        if not found:
            raise ValidationError(
                f"No source matches “{value[:100]}” (it may have been removed). Type other "
                "words of its title, or describe a new source below.",
                code="invalid_choice",
            )
        names = "; ".join(s.finder_label for s in found[:5])
        raise ValidationError(
            f"Several sources match “{value[:100]}”: {names}. Type more of the title, or "
            "copy one of these (with its uid).",
            code="ambiguous",
        )


def check_excerpt(form, data):
    """Every citation form: where the cited source holds its text, the excerpt must be
    found in it (whitespace normalised), else the form says so at the field."""
    source, excerpt = data.get("source"), data.get("excerpt")
    if source is not None and excerpt and source.text and not excerpt_found(excerpt, source.text):
        form.add_error("excerpt", EXCERPT_NOT_FOUND)


class CitationForm(forms.Form):
    source = SourceFinderField(
        required=False,
        label="Existing source",
        help_text="Start typing its title; pick a suggestion, or paste the source's uid.",
    )
    new_source_title = forms.CharField(
        label="…or a new source: title", required=False, max_length=300
    )
    new_source_kind = forms.ChoiceField(
        label="Kind", choices=[("", "—")] + Source.Kind.choices, required=False
    )
    # Chosen for every new source: no grade or language is assumed (F and "und" are
    # the explicit "unknown").
    new_source_reliability = forms.ChoiceField(
        label="Reliability",
        choices=[("", "— choose —")] + Source.Reliability.choices,
        required=False,
        help_text="F when it cannot be judged.",
    )
    new_source_language = forms.RegexField(
        label="Language",
        regex=LANGUAGE_CODE_RE,
        max_length=12,
        required=False,
        help_text="en, hy, ru, az…; “und” when not known.",
        error_messages={"invalid": "Give a language code such as en, hy, ru or az, or “und”."},
    )
    new_source_author = forms.CharField(label="Author", required=False, max_length=200)
    new_source_outlet = forms.CharField(label="Outlet", required=False, max_length=200)
    new_source_url = forms.URLField(label="Address (URL)", required=False, max_length=500)
    new_source_date = PartialDateField(label="Published", required=False)
    locator = forms.CharField(
        required=False, max_length=200, help_text="Page, paragraph or timestamp."
    )
    excerpt = forms.CharField(
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Verbatim words.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].widget.attrs["data-find"] = reverse("negotiations:source_find")

    @property
    def has_content(self):
        data = getattr(self, "cleaned_data", {})
        return bool(data.get("source") or data.get("new_source_title"))

    def clean(self):
        data = super().clean()
        if data.get("source") and data.get("new_source_title"):
            raise ValidationError("Pick an existing source or describe a new one, not both.")
        if data.get("new_source_title"):
            if not data.get("new_source_kind"):
                self.add_error("new_source_kind", "Say what kind of source this is.")
            if (
                not data.get("new_source_reliability")
                and "new_source_reliability" not in self.errors
            ):
                self.add_error(
                    "new_source_reliability",
                    "Grade the source's reliability (F when it cannot be judged).",
                )
            if not data.get("new_source_language") and "new_source_language" not in self.errors:
                self.add_error(
                    "new_source_language", "Give the source's language (“und” when not known)."
                )
        check_excerpt(self, data)
        if not self.has_content and (data.get("locator") or data.get("excerpt")):
            self.add_error("source", "Which source is this locator or excerpt from?")
        return data

    def citation(self, reason):
        """An unsaved Citation (with a new Source saved first when one was described)."""
        data = self.cleaned_data
        source = data["source"]
        if source is None:
            source = Source(
                title=data["new_source_title"],
                kind=data["new_source_kind"],
                author=data["new_source_author"],
                outlet=data["new_source_outlet"],
                url=data["new_source_url"],
                reliability=data["new_source_reliability"],
                language=data["new_source_language"],
            )
            source.partial_date = data["new_source_date"]
            source._change_reason = reason
            source.save()
        return Citation(source=source, locator=data["locator"], excerpt=data["excerpt"])


class BaseCitationFormSet(forms.BaseFormSet):
    require_one = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="cite", **kwargs)

    def clean(self):
        if any(self.errors):
            return
        if self.require_one and not any(f.has_content for f in self.forms):
            raise ValidationError(
                "Cite at least one source: pick an existing one or describe a new one."
            )

    def save_for(self, target_field, target, reason):
        saved = []
        for form in self.forms:
            if form.has_content:
                citation = form.citation(reason)
                setattr(citation, target_field, target)
                citation._change_reason = reason
                citation.save()
                saved.append(citation)
        return saved


CitationFormSet = forms.formset_factory(
    CitationForm, formset=BaseCitationFormSet, extra=2, max_num=10, absolute_max=10
)


class OptionalCitationFormSet(CitationFormSet):
    require_one = False


def citation_formset(data=None, *, optional=False, initial=None):
    cls = OptionalCitationFormSet if optional else CitationFormSet
    return cls(data, initial=initial)


def citation_from_text(source, excerpt="", para=None):
    """Initial values of a citation coded from a source's text: the selected passage
    (or paragraph `para`, counted from 1) and its paragraph locator."""
    paragraphs = source.paragraphs
    if para is not None and 1 <= para <= len(paragraphs):
        excerpt = paragraphs[para - 1]
    excerpt = excerpt.strip()[:TEXT_MAX_LENGTH]
    where = excerpts.paragraphs_with(excerpt, paragraphs)
    return {"source": source, "excerpt": excerpt, "locator": excerpts.locator_for(where)}


class PersonForm(forms.ModelForm):
    """A person speaking or acting for one of the negotiation's parties."""

    class Meta:
        model = Person
        fields = ["name", "title", "party", "since", "until", "notes"]
        widgets = {
            "since": forms.DateInput(attrs={"type": "date"}),
            "until": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "party": {"invalid_choice": "That party does not take part in this negotiation."},
        }

    def __init__(self, *args, negotiation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = Party.objects.filter(
            participations__negotiation=negotiation
        ).order_by("name")


class PersonEditForm(PersonForm):
    """A correction, with its reason on the history row (persons have no version
    counter: no conflict page, edits are rare and short)."""

    change_reason = ReasonFormMixin.base_fields["change_reason"]

    def save(self, commit=True):
        self.instance._change_reason = self.cleaned_data["change_reason"]
        return super().save(commit)


class SourceForm(PartialDateFormMixin, forms.ModelForm):
    """A source described by an analyst, with its text pasted or read from a file.

    Reliability and language are chosen, never defaulted: "F – cannot be judged" and
    "und" (undetermined) say "unknown" explicitly. An uploaded file's text replaces the
    text box; the file itself is kept with the source.
    """

    date_required = False
    reliability = forms.ChoiceField(
        choices=[("", "— choose —")] + Source.Reliability.choices,
        help_text="Choose F when the source's reliability cannot be judged.",
    )
    language = forms.RegexField(
        regex=LANGUAGE_CODE_RE,
        max_length=12,
        help_text="ISO 639-1 code of the source's language (en, hy, ru, az…); "
        "“und” when it is not known.",
        error_messages={"invalid": "Give a language code such as en, hy, ru or az, or “und”."},
    )
    upload = forms.FileField(
        label="…or upload its file",
        required=False,
        help_text=f"{extraction.ACCEPTED}; its text replaces the text box.",
    )

    class Meta:
        model = Source
        fields = [
            "title",
            "kind",
            "reliability",
            "reliability_reason",
            "language",
            "author",
            "outlet",
            "url",
            "notes",
            "text",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "text": forms.Textarea(attrs={"rows": 12}),
        }
        labels = {"url": "Address (URL)", "text": "Text of the source"}
        help_texts = {"text": "Paste the text; paragraphs are separated by a blank line."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["when"].label = "Published"
        self.fields["when_inferred"].label = "Publication date inferred"
        if not self.instance.pk:
            # A new source states its reliability and language; nothing is assumed.
            self.initial.pop("reliability", None)
            self.initial.pop("language", None)
            self.fields["reliability"].initial = None
            self.fields["language"].initial = None
        self.order_fields(
            [
                "title",
                "kind",
                "reliability",
                "reliability_reason",
                "language",
                "when",
                "when_inferred",
                "author",
                "outlet",
                "url",
                "notes",
                "text",
                "upload",
            ]
        )

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if not upload:
            return None
        limit = settings.SOURCE_FILE_MAX_SIZE
        if upload.size > limit:
            raise ValidationError(
                f"“{upload.name}” is {filesizeformat(upload.size)}; a source file can be "
                f"at most {filesizeformat(limit)}. Paste the part you need instead."
            )
        try:
            self.extracted = extraction.extract_text(upload.name, upload.read())
        except extraction.ExtractionError as exc:
            raise ValidationError(str(exc)) from exc
        upload.seek(0)
        return upload

    def clean(self):
        data = super().clean()
        if data.get("upload"):
            data["text"] = self.extracted
        return data

    def _post_clean(self):
        super()._post_clean()
        if self.cleaned_data.get("upload"):
            self.instance.text = self.cleaned_data["text"]
            self.instance.file = self.cleaned_data["upload"]


class SourceEditForm(ReasonFormMixin, SourceForm):
    pass


class CitationEditForm(forms.ModelForm):
    """A correction of one citation: its source, locator or excerpt, with a reason.

    Citations have no version counter: the row is locked while it is saved, and a
    correction is small enough to be typed again if two analysts cross."""

    source = SourceFinderField(
        label="Source",
        help_text="Start typing its title; pick a suggestion, or paste the source's uid.",
        error_messages={"required": "Which source is this citation from?"},
    )
    change_reason = ReasonFormMixin.base_fields["change_reason"]

    class Meta:
        model = Citation
        fields = ["source", "locator", "excerpt"]
        widgets = {"excerpt": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"excerpt": "Verbatim words from the source."}

    def __init__(self, *args, sources=None, **kwargs):
        # `sources` is no longer offered as a list: the finder searches every source.
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        check_excerpt(self, data)
        return data

    def save(self, commit=True):
        self.instance._change_reason = self.cleaned_data["change_reason"]
        return super().save(commit)


class RemovalForm(forms.Form):
    """Removing a sub-record (a citation, a step…): the reason goes on its history row."""

    change_reason = forms.CharField(
        label="Reason for removing it",
        max_length=300,
        error_messages={"required": "Say why this is being removed."},
        help_text="For example “duplicate” or “the source does not say this”.",
    )


class EventForm(PartialDateFormMixin, forms.ModelForm):
    """An event: what happened, when (as the source wrote it), who acted, on what."""

    class Meta:
        model = Event
        fields = ["title", "kind", "description", "parties", "persons", "issues"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "parties": forms.CheckboxSelectMultiple,
            "issues": forms.CheckboxSelectMultiple,
        }
        labels = {"parties": "Actor parties", "persons": "Actor persons"}
        help_texts = {
            "parties": "The parties that did or said it.",
            "persons": "The persons who did or said it (of any party in this negotiation, "
            "an actor party or not). Hold Ctrl or ⌘ to pick several.",
            "issues": "What it was about.",
        }
        error_messages = {
            "parties": {"invalid_choice": "That party does not take part in this negotiation."},
            "persons": {
                "invalid_choice": "That person does not act for a party in this negotiation."
            },
            "issues": {"invalid_choice": "That issue is not part of this negotiation."},
        }

    def __init__(self, *args, negotiation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.negotiation = negotiation
        self.fields["parties"].queryset = Party.objects.filter(
            participations__negotiation=negotiation
        ).order_by("name")
        self.fields["persons"].queryset = (
            Person.objects.filter(party__participations__negotiation=negotiation)
            .select_related("party")
            .order_by("party__name", "name")
        )
        self.fields["persons"].label_from_instance = lambda p: f"{p} ({p.party})"
        self.fields["issues"].queryset = negotiation.issues.all()
        self.fields["when"].label = "When it happened"
        self.fields["when"].widget.attrs["placeholder"] = "e.g. 8 Aug 2025, mid-May 2024"
        self.order_fields(
            ["title", "kind", "when", "when_inferred", "description", "parties", "persons"]
        )

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise ValidationError("Give the event a title.")
        return title


class EventEditForm(ReasonFormMixin, EventForm):
    pass
