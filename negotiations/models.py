import functools
import re
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import connections, models, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Window
from django.db.models.functions import RowNumber
from django.urls import get_script_prefix, get_urlconf, reverse
from simple_history.models import HistoricalRecords

from negotiations.aliases import AliasesField, split_aliases
from negotiations.text.dates import PartialDate, Precision, Qualifier
from negotiations.text.excerpts import body_paragraphs

# Free text has a ceiling, so that a pasted megabyte is refused with a message instead
# of being stored and shown on every page. A position's summary is a sentence or two;
# quotes, excerpts, summaries of proposals, descriptions and notes a few pages; the text
# of a provision can be a whole treaty, as long as a pasted draft
# (proposal_forms.MAX_DRAFT_CHARS).
SUMMARY_MAX_LENGTH = 2_000
TEXT_MAX_LENGTH = 20_000
PROVISION_TEXT_MAX_LENGTH = 500_000
# A source's full text (an interview, a report, a treaty) is as long as a pasted draft.
SOURCE_TEXT_MAX_LENGTH = PROVISION_TEXT_MAX_LENGTH


def limited_text(max_length, **options):
    """A TextField of at most `max_length` characters, checked by full_clean() — so by
    model forms (the message is shown at the field), the admin and imports. A validator,
    not the field's max_length: the column stays `text` and the migration touches no
    table."""
    return models.TextField(validators=[MaxLengthValidator(max_length)], **options)


# The columns of a partial date, and the order of dated rows: by the sort day (the
# earliest day, or the latest when only that is known), then the latest day, then pk.
DATE_COLUMNS = (
    "date",
    "date_end",
    "date_precision",
    "date_approximate",
    "date_qualifier",
    "date_inferred",
    "date_as_written",
)
DATE_ORDER = ("date", "date_end", "pk")


def date_columns(value):
    """{column: value} for a PartialDate, or for None (an undated source)."""
    if value is None:
        return dict(
            zip(DATE_COLUMNS, (None, None, Precision.DAY, False, "", False, ""), strict=True)
        )
    return {
        "date": value.sort_day,
        "date_end": value.sort_end,
        "date_precision": value.precision,
        "date_approximate": value.approximate,
        "date_qualifier": value.qualifier,
        "date_inferred": value.inferred,
        "date_as_written": value.as_written[: PartialDateModel.AS_WRITTEN_LENGTH],
    }


def partial_date_of(row):
    """The PartialDate of anything with the date columns: a model, a history record."""
    if row.date is None:
        return None
    return _date_from_columns(*(getattr(row, name) for name in DATE_COLUMNS))


def thread_url(negotiation_slug, issue_slug, party_slug):
    """The thread page's URL. Pages link a thousand statements (the analytics tables),
    and reversing is most of what a link costs; the same slugs give the same URL under
    the same script prefix and URLconf, which are part of the memo's key."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    slugs = (negotiation_slug, issue_slug, party_slug)
    return _reversed("negotiations:thread", slugs, get_script_prefix(), urlconf)


@functools.lru_cache(maxsize=8192)
def _reversed(name, args, script_prefix, urlconf):
    return reverse(name, args=args, urlconf=urlconf)


@functools.lru_cache(maxsize=4096)
def _date_from_columns(*columns):
    # PartialDate is immutable and checks every rule when built; a page reads the same
    # few hundred dates thousands of times (sorting, drawing, printing), so each is built
    # once. Columns of an unsaved row that are not yet dates raise, and are not cached.
    return PartialDate.from_columns(*columns)


class PartialDateModel(models.Model):
    """A date as the source gave it: an interval of days plus what the source said.

    `date` is the day it sorts by (the earliest day, or the latest when the earliest is
    open: "before 1 Feb 2024"), `date_end` the latest day (the known day when the latest
    is open: "after 8 Aug 2025"); the qualifier says which side is open. Rows sort by
    DATE_ORDER. negotiations/text/dates.py has the value object, docs/dates.md the grammar.
    """

    AS_WRITTEN_LENGTH = 100

    date = models.DateField(
        help_text="The day the date sorts by: its earliest day, or its latest when only "
        "that is known."
    )
    date_end = models.DateField(
        help_text="The latest day the date can mean (the known day when it is open-ended)."
    )
    date_precision = models.CharField(
        max_length=7, choices=Precision.choices, default=Precision.DAY
    )
    date_approximate = models.BooleanField(default=False)
    date_qualifier = models.CharField(
        max_length=7, choices=Qualifier.choices, default=Qualifier.NONE, blank=True
    )
    date_inferred = models.BooleanField(
        default=False, help_text="The analyst's reading, not the source's words."
    )
    date_as_written = models.CharField(max_length=AS_WRITTEN_LENGTH, blank=True, default="")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Rows made from columns (tests, scripts: date=…, date_precision=…) get their
        # latest day from the rest; a range keeps the one it was given. Strings such as
        # "2024-01-10" are read as Django would read them when saving.
        for name in ("date", "date_end"):
            setattr(self, name, self._meta.get_field(name).to_python(getattr(self, name)))
        if self.date is not None and (
            self.date_end is None or self.date_qualifier != Qualifier.BETWEEN
        ):
            self.date_end = self.partial_date.sort_end
        super().save(*args, **kwargs)

    @property
    def partial_date(self):
        return partial_date_of(self)

    @partial_date.setter
    def partial_date(self, value):
        for name, column in date_columns(value).items():
            setattr(self, name, column)


class Versioned(models.Model):
    """A counter bumped on every save through the app, so a stale form can be detected."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version += 1
        super().save(*args, **kwargs)


class Negotiation(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    description = limited_text(TEXT_MAX_LENGTH, blank=True)
    parties = models.ManyToManyField("Party", through="Participation", related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("negotiations:negotiation", args=[self.slug])


class Party(models.Model):
    class Kind(models.TextChoices):
        STATE = "state", "State"
        BLOC = "bloc", "Bloc"
        ORGANISATION = "organisation", "Organisation"
        PERSON = "person", "Person"

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=40, blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.STATE)
    description = limited_text(TEXT_MAX_LENGTH, blank=True)
    aliases = AliasesField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "parties"

    def __str__(self):
        return self.name

    @property
    def alias_list(self):
        return split_aliases(self.aliases)


class ParticipationQuerySet(models.QuerySet):
    def takes_part(self, negotiation_id, party_id):
        return self.filter(negotiation_id=negotiation_id, party_id=party_id).exists()

    def in_order(self):
        """Principals first, then mediators, facilitators and observers."""
        role_rank = models.Case(
            *(models.When(role=role, then=rank) for rank, role in enumerate(Participation.Role)),
            output_field=models.IntegerField(),
        )
        return self.select_related("party").order_by(role_rank, "order", "party__name")


class Participation(models.Model):
    class Role(models.TextChoices):
        PRINCIPAL = "principal", "Principal"
        MEDIATOR = "mediator", "Mediator"
        FACILITATOR = "facilitator", "Facilitator"
        OBSERVER = "observer", "Observer"

    negotiation = models.ForeignKey(
        Negotiation, on_delete=models.CASCADE, related_name="participations"
    )
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.PRINCIPAL)
    order = models.PositiveIntegerField(default=0)
    # When the party took part in this role (a mediation format can be dissolved);
    # empty for "from the start" / "still". Plain days: the span is the analyst's
    # working knowledge, not a date quoted from a source.
    since = models.DateField(null=True, blank=True, help_text="First day in this role.")
    until = models.DateField(null=True, blank=True, help_text="Last day in this role.")

    objects = ParticipationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["negotiation", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["negotiation", "party"], name="participation_unique_party"
            ),
            models.CheckConstraint(
                condition=Q(since__isnull=True) | Q(until__isnull=True) | Q(until__gte=F("since")),
                name="participation_until_not_before_since",
            ),
        ]

    def __str__(self):
        return f"{self.party} ({self.get_role_display().lower()}) in {self.negotiation}"

    def clean(self):
        if self.since and self.until and self.until < self.since:
            raise ValidationError({"until": "The last day cannot be before the first day."})

    def active_on(self, day):
        """Whether the party took part on `day` (open ends count as taking part)."""
        return (self.since is None or self.since <= day) and (
            self.until is None or day <= self.until
        )

    @property
    def span(self):
        """“until 2023-06-30”, “since 2024-01-01”, “2020-01-01 – 2023-06-30” or ""."""
        if self.since and self.until:
            return f"{self.since:%-d %b %Y} – {self.until:%-d %b %Y}"
        if self.since:
            return f"since {self.since:%-d %b %Y}"
        if self.until:
            return f"until {self.until:%-d %b %Y}"
        return ""


class Person(models.Model):
    """Someone who speaks or acts for a party: a president, a minister, a spokesperson."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    title = models.CharField(
        max_length=200, blank=True, help_text="Office held, e.g. “Foreign minister”."
    )
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="persons")
    # Plain days for the time in office (optional; the title may change over time).
    since = models.DateField(null=True, blank=True, help_text="First day in this office.")
    until = models.DateField(null=True, blank=True, help_text="Last day in this office.")
    notes = limited_text(TEXT_MAX_LENGTH, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(since__isnull=True) | Q(until__isnull=True) | Q(until__gte=F("since")),
                name="person_until_not_before_since",
            ),
        ]

    def __str__(self):
        return f"{self.name}, {self.title}" if self.title else self.name

    def clean(self):
        if self.since and self.until and self.until < self.since:
            raise ValidationError({"until": "The last day cannot be before the first day."})


class Issue(models.Model):
    negotiation = models.ForeignKey(Negotiation, on_delete=models.CASCADE, related_name="issues")
    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    description = limited_text(TEXT_MAX_LENGTH, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    order = models.PositiveIntegerField(default=0)
    aliases = AliasesField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["negotiation", "order", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["negotiation", "slug"], name="issue_unique_slug_per_negotiation"
            ),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="issue_not_its_own_parent"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("negotiations:issue", args=[self.negotiation.slug, self.slug])

    @property
    def alias_list(self):
        return split_aliases(self.aliases)

    def clean(self):
        if (
            self.parent_id
            and self.negotiation_id
            and (self.parent.negotiation_id != self.negotiation_id)
        ):
            raise ValidationError({"parent": "A parent issue must be in the same negotiation."})
        if self.parent_id and self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": "An issue cannot be its own parent."})


UID_IN_TEXT = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


class SourceQuerySet(models.QuerySet):
    def find(self, query, limit=20):
        """Sources matching what was typed in the source finder: a uid anywhere in it
        (the finder's own suggestions end with one), or every word in the title,
        author or outlet; newest first. One query."""
        query = (query or "").strip()
        uid = UID_IN_TEXT.search(query)
        if uid:
            return self.filter(uid=uid.group(0).lower())[:1]
        words = query.split()[:8]
        if not words:
            return self.none()
        condition = Q()
        for word in words:
            condition &= (
                Q(title__icontains=word) | Q(author__icontains=word) | Q(outlet__icontains=word)
            )
        return self.filter(condition).order_by("-date", "-pk")[:limit]


class Source(Versioned, PartialDateModel):
    class Kind(models.TextChoices):
        TREATY_TEXT = "treaty_text", "Treaty text"
        OFFICIAL_STATEMENT = "official_statement", "Official statement"
        INTERVIEW = "interview", "Interview"
        NEWS_REPORT = "news_report", "News report"
        ANALYSIS = "analysis", "Analysis"
        LEAK = "leak", "Leak"

    class Reliability(models.TextChoices):
        A = "A", "A – completely reliable"
        B = "B", "B – usually reliable"
        C = "C", "C – fairly reliable"
        D = "D", "D – not usually reliable"
        E = "E", "E – unreliable"
        F = "F", "F – reliability cannot be judged"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=300)
    author = models.CharField(max_length=200, blank=True)
    outlet = models.CharField(max_length=200, blank=True)
    date = models.DateField(
        null=True, blank=True, help_text="The day the date sorts by; empty when undated."
    )
    date_end = models.DateField(null=True, blank=True)
    url = models.URLField(max_length=500, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    language = models.CharField(
        max_length=12, default="en", help_text="ISO 639-1 code; “und” when it is not known."
    )
    reliability = models.CharField(max_length=1, choices=Reliability.choices, default="F")
    reliability_reason = models.CharField(
        max_length=300, blank=True, help_text="Why this grade: track record, access, bias."
    )
    notes = limited_text(TEXT_MAX_LENGTH, blank=True)
    # The source's own words, pasted or extracted from `file` (kept as uploaded), shown
    # as numbered paragraphs so that citations can be made and checked against it.
    text = limited_text(SOURCE_TEXT_MAX_LENGTH, blank=True)
    file = models.FileField(upload_to="sources/%Y/%m/", blank=True, max_length=300)

    objects = SourceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date__isnull=True) | Q(date_end__gte=F("date")),
                name="source_date_end_not_before_date",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("negotiations:source", args=[self.uid])

    @property
    def picker_label(self):
        details = ", ".join(str(x) for x in (self.outlet or self.author, self.partial_date) if x)
        return f"{self.title} ({details})" if details else self.title

    @property
    def finder_label(self):
        """What the finder puts in the box: the label, then the uid it is read by."""
        return f"{self.picker_label} · {self.uid}"

    @property
    def paragraphs(self):
        """The text's body paragraphs (headings left out): "para. n" is item n - 1."""
        return body_paragraphs(self.text)


class PositionQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related(
            "party", "issue", "issue__negotiation", "speaker"
        ).prefetch_related(
            models.Prefetch("citations", queryset=Citation.objects.select_related("source"))
        )

    def in_order(self):
        return self.order_by(*DATE_ORDER)

    def with_first_source(self):
        """Each position's first citation's source and how many citations it has,
        as annotations, for pages that show one source per position."""
        citations = Citation.objects.filter(position=OuterRef("pk")).order_by("pk")
        return self.select_related("party", "issue").annotate(
            source_title=Subquery(citations.values("source__title")[:1]),
            source_uid=Subquery(citations.values("source__uid")[:1]),
            source_locator=Subquery(citations.values("locator")[:1]),
            citation_count=Subquery(
                citations.order_by().values("position").annotate(n=Count("pk")).values("n")
            ),
        )

    def current(self):
        """The latest statement of each party on each issue within this queryset."""
        later = self.filter(party=OuterRef("party"), issue=OuterRef("issue")).filter(
            Q(date__gt=OuterRef("date"))
            | Q(date=OuterRef("date"), date_end__gt=OuterRef("date_end"))
            | Q(date=OuterRef("date"), date_end=OuterRef("date_end"), pk__gt=OuterRef("pk"))
        )
        return self.filter(~Exists(later.values("pk")))

    def latest_per_thread(self):
        """The latest statement of each party on each issue within this queryset, by
        DATE_ORDER, numbered with a window function: one pass in thread order instead
        of current()'s anti-join, for computing the kept state (CurrentPosition)."""
        return self.annotate(
            thread_nth=Window(
                RowNumber(),
                partition_by=[F("issue_id"), F("party_id")],
                order_by=[F("date").desc(), F("date_end").desc(), F("pk").desc()],
            )
        ).filter(thread_nth=1)

    def newest_by(self, day):
        """(issue_id, party_id, pk, movement) of each thread's newest statement (in
        DATE_ORDER) dated by `day`: the thread's line in a snapshot as stated.

        On PostgreSQL, DISTINCT ON in the order of position_thread_newest_idx: an
        index-only scan without a sort or a window (#18: 20-35 ms at size L, where one
        window pass comparing two days took 185 ms). Elsewhere latest_per_thread()'s
        window."""
        rows = self.filter(date__lte=day)
        if connections[self.db].features.can_distinct_on_fields:
            rows = rows.order_by("issue_id", "party_id", "-date", "-date_end", "-pk").distinct(
                "issue_id", "party_id"
            )
        else:
            rows = rows.latest_per_thread().order_by()
        return rows.values_list("issue_id", "party_id", "pk", "movement")

    def stated_by(self, day):
        """Statements whose sort day (earliest possible day, or the latest when only that
        is known) is on or before `day`."""
        return self.filter(date__lte=day)

    def shifts(self):
        return self.filter(movement__in=Position.SHIFTS)

    def shift_counts(self):
        """{(issue_id, party_id): number of statements that moved the position}"""
        rows = self.shifts().order_by().values_list("issue_id", "party_id").annotate(n=Count("pk"))
        return {(issue_id, party_id): n for issue_id, party_id, n in rows}


class Position(Versioned, PartialDateModel):
    class Stance(models.TextChoices):
        DEMAND = "demand", "Demand"
        RED_LINE = "red_line", "Red line"
        CONDITION = "condition", "Condition"
        OFFER = "offer", "Offer"
        PROPOSES = "proposes", "Proposes"
        ACCEPTS = "accepts", "Accepts"
        SUPPORTS = "supports", "Supports"
        COMMITS = "commits", "Commits"
        OPEN = "open", "Open / undecided"
        CONCERN = "concern", "Concern"
        OPPOSES = "opposes", "Opposes"
        REJECTS = "rejects", "Rejects"
        DENIES = "denies", "Denies"
        THREATENS = "threatens", "Threatens"
        # Recorded by initialling, signing or ratifying a text (TextStep), never typed.
        COMMITTED = "committed", "Committed (by a text)"

    class Movement(models.TextChoices):
        NEW = "new", "New"
        HARDENED = "hardened", "Hardened"
        SOFTENED = "softened", "Softened"
        RESTATED = "restated", "Restated"
        # Same stance with detail added; like "restated", not a shift.
        CLARIFIED = "clarified", "Clarified"
        DROPPED = "dropped", "Dropped"
        CONCEDED = "conceded", "Conceded"
        # The statement's date overlaps another's in the thread, so which one it moved
        # from is not known (negotiations.text.dates.thread_order); not a shift.
        ORDER_UNCERTAIN = "uncertain", "Order uncertain"

    class Attribution(models.TextChoices):
        OWN = "own", "The party's own words"
        REPORTED = "reported", "Reported by the source"
        INFERRED = "inferred", "The analyst's inference"

    # A statement that moved the party's position; "new" and "restated" did not.
    SHIFTS = (Movement.HARDENED, Movement.SOFTENED, Movement.DROPPED, Movement.CONCEDED)
    # How firm each stance is, to suggest "hardened" or "softened" against the last one.
    FIRMNESS = {
        Stance.RED_LINE: 5,
        Stance.THREATENS: 5,
        Stance.REJECTS: 4,
        Stance.OPPOSES: 4,
        Stance.DENIES: 4,
        Stance.DEMAND: 4,
        Stance.CONDITION: 3,
        Stance.PROPOSES: 2,
        Stance.OFFER: 2,
        Stance.CONCERN: 2,
        Stance.OPEN: 1,
        Stance.SUPPORTS: 1,
        Stance.ACCEPTS: 0,
        Stance.COMMITS: 0,
        Stance.COMMITTED: 0,
    }

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    issue = models.ForeignKey(Issue, on_delete=models.PROTECT, related_name="positions")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="positions")
    stance = models.CharField(max_length=12, choices=Stance.choices)
    movement = models.CharField(max_length=10, choices=Movement.choices, default=Movement.NEW)
    summary = limited_text(
        SUMMARY_MAX_LENGTH, help_text="The position in one or two sentences, your words."
    )
    quote = limited_text(
        TEXT_MAX_LENGTH, blank=True, help_text="Verbatim words of the party, if any."
    )
    speaker = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statements",
        help_text="Who said it, if known; must speak for the statement's party.",
    )
    # Default "own words": a statement is, by definition, what the party stated, and
    # every row recorded before this field existed was entered as such.
    attribution = models.CharField(
        max_length=8,
        choices=Attribution.choices,
        default=Attribution.OWN,
        help_text="Whose words these are: the party's own, a source's report of them, "
        "or your reading.",
    )
    # Set on the statements a text's initialling, signing or ratification records: the
    # party accepted what the text says on the issue. Deleting the step deletes them.
    commitment_of = models.ForeignKey(
        "TextStep",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="commitments",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PositionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = list(DATE_ORDER)
        indexes = [
            models.Index(fields=["issue", "party", "date"], name="position_thread_idx"),
            models.Index(fields=["party", "date"], name="position_party_date_idx"),
            # The snapshot compare (PositionQuerySet.compared) numbers every thread's
            # statements newest first: in this order, with the movement, that is an
            # index-only scan and no sort of 100,000 rows (#18; 780 → 120 ms at size L).
            models.Index(
                fields=["issue", "party", "-date", "-date_end", "-id", "movement"],
                name="position_thread_newest_idx",
            ),
            # Analytics counts shifts per party × issue over a whole negotiation and
            # movements per period for a page of parties: with (party, issue, movement,
            # date) both are index-only scans in (party, issue) order, no hashing
            # (90 → 30 ms and 7.6 → 1.2 ms at size L); the queries count(*) for that.
            models.Index(
                fields=["party", "issue", "movement", "date"], name="position_pair_movement_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(summary=""), name="position_summary_not_blank"),
            models.CheckConstraint(
                condition=Q(date_end__gte=F("date")), name="position_date_end_not_before_date"
            ),
        ]

    def __str__(self):
        return f"{self.party} on {self.issue}: {self.get_stance_display()} ({self.partial_date})"

    def save(self, *args, **kwargs):
        # The kept current state changes with the statement, in the same transaction
        # (a delete is handled by a post_delete receiver: cascades skip delete()).
        from negotiations import current

        with transaction.atomic(using=kwargs.get("using")):
            moved_from = current.threads_of([self.pk]) if self.pk else set()
            super().save(*args, **kwargs)
            current.refresh_threads(moved_from | {(self.issue_id, self.party_id)})

    def get_absolute_url(self):
        slugs = (self.issue.negotiation.slug, self.issue.slug, self.party.slug)
        return thread_url(*slugs) + f"#position-{self.pk}"

    # Django's get_FOO_display rebuilds a dict of the field's choices on every call, and
    # a page of statements asks hundreds of times.
    def get_stance_display(self):
        return _STANCE_LABELS.get(self.stance, self.stance)

    def get_movement_display(self):
        return _MOVEMENT_LABELS.get(self.movement, self.movement)

    @property
    def quote_language(self):
        """The language of the quote, for its `lang` attribute: that of its cited sources
        when they agree, else "" (not known). Reads prefetched citations when there are."""
        languages = {c.source.language for c in self.citations.all()}
        return languages.pop() if len(languages) == 1 else ""

    @property
    def is_shift(self):
        return self.movement in self.SHIFTS

    def suggest_movement(self, previous):
        """A first guess at the movement label; the analyst decides."""
        if previous is None:
            return self.Movement.NEW
        before, after = self.FIRMNESS[previous.stance], self.FIRMNESS[self.stance]
        if after == 0 and before >= 3:
            return self.Movement.CONCEDED
        if after > before:
            return self.Movement.HARDENED
        if after < before:
            return self.Movement.SOFTENED
        return self.Movement.RESTATED

    def clean(self):
        if not (self.summary or "").strip():
            raise ValidationError({"summary": "Write a short summary of the position."})
        if (
            self.issue_id
            and self.party_id
            and not Participation.objects.takes_part(self.issue.negotiation_id, self.party_id)
        ):
            raise ValidationError(
                {"party": f"{self.party} does not take part in {self.issue.negotiation}."}
            )
        if self.speaker_id and self.party_id and self.speaker.party_id != self.party_id:
            raise ValidationError(
                {
                    "speaker": f"Speaker: {self.speaker.name} speaks for "
                    f"{self.speaker.party}, not for {self.party}."
                }
            )


_STANCE_LABELS = dict(Position.Stance.choices)
_MOVEMENT_LABELS = dict(Position.Movement.choices)


class CurrentPositionQuerySet(models.QuerySet):
    def of(self, issue_ids, party_ids):
        return self.filter(issue_id__in=issue_ids, party_id__in=party_ids)


class CurrentPosition(models.Model):
    """The latest statement (or commitment) of each party on each issue, by DATE_ORDER:
    the "current" cell of the matrix, kept instead of recomputed from every statement.

    Written only by negotiations/current.py, in the transaction of each write that can
    change it (statement saves and deletes, commitments, imports, synthesis); derived
    data, so no history (UNTRACKED_MODELS): `manage.py rebuild_current_state` recomputes
    it from the statements.
    """

    negotiation = models.ForeignKey(Negotiation, on_delete=models.CASCADE, related_name="+")
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="+")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    position = models.OneToOneField(Position, on_delete=models.CASCADE, related_name="+")

    objects = CurrentPositionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issue", "party"], name="currentposition_one_a_thread")
        ]
        indexes = [
            models.Index(fields=["negotiation", "party", "issue"], name="currentposition_neg_idx")
        ]

    def __str__(self):
        return (
            f"Current: position {self.position_id} (issue {self.issue_id}, party {self.party_id})"
        )


class Proposal(Versioned, PartialDateModel):
    class Kind(models.TextChoices):
        DRAFT_TREATY = "draft_treaty", "Draft treaty"
        COUNTER_DRAFT = "counter_draft", "Counter-draft"
        FRAMEWORK = "framework", "Framework proposal"
        JOINT_STATEMENT = "joint_statement", "Joint statement"
        INITIALLED = "initialled", "Initialled text"
        OTHER = "other", "Other"

    class Availability(models.TextChoices):
        # Was text_status (official / leaked / reported-paraphrased); migration 0013 maps
        # "leaked" and "reported" to REPORTED: both had their (reported) words stored.
        OFFICIAL = "official", "Official full text"
        REPORTED = "reported", "Leaked or reported text"
        DESCRIBED = "described", "Described only (no text)"

    NOT_PUBLIC = (
        "The text of this proposal is not public; below is what sources report it contains."
    )

    negotiation = models.ForeignKey(Negotiation, on_delete=models.CASCADE, related_name="proposals")
    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    author = models.ForeignKey(
        Party,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
        help_text="Leave empty for a joint or unattributed text.",
    )
    availability = models.CharField(
        max_length=10,
        choices=Availability.choices,
        help_text="Described only: sources describe the text but its words are not public; "
        "record what they report it contains, never invented articles.",
    )
    responds_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="superseded_by"
    )
    summary = limited_text(TEXT_MAX_LENGTH, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = list(DATE_ORDER)
        constraints = [
            models.UniqueConstraint(
                fields=["negotiation", "slug"], name="proposal_unique_slug_per_negotiation"
            ),
            models.CheckConstraint(
                condition=~Q(responds_to=F("pk")), name="proposal_not_responding_to_itself"
            ),
            models.CheckConstraint(
                condition=~Q(supersedes=F("pk")), name="proposal_not_superseding_itself"
            ),
            models.CheckConstraint(
                condition=Q(date_end__gte=F("date")), name="proposal_date_end_not_before_date"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("negotiations:proposal", args=[self.negotiation.slug, self.slug])

    def clean(self):
        errors = {}
        for field in ("responds_to", "supersedes"):
            other = getattr(self, field)
            if other is None:
                continue
            if self.pk and other.pk == self.pk:
                errors[field] = "A proposal cannot refer to itself."
            elif self.negotiation_id and other.negotiation_id != self.negotiation_id:
                errors[field] = "That proposal belongs to another negotiation."
        if self.author_id and not Participation.objects.takes_part(
            self.negotiation_id, self.author_id
        ):
            errors["author"] = f"{self.author} does not take part in this negotiation."
        if self.is_described_only and self.pk and self.provisions.exists():
            errors["availability"] = (
                "This text has provisions with article texts; a text described only has "
                "none. Delete its provisions first, or choose another availability."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_described_only(self):
        return self.availability == self.Availability.DESCRIBED

    def shown_date(self):
        """The date of the text's latest lifecycle step, or its own date. Uses the
        prefetched ``steps`` when there are."""
        steps = list(self.steps.all())
        return max(steps, key=TextStep.sort_key).partial_date if steps else self.partial_date

    def signatories(self):
        return [tp.party for tp in self.text_parties.all() if tp.role == TextParty.Role.SIGNATORY]

    def addressed_issues(self):
        """The issues its provisions (or, described only, its reported contents) address,
        in the negotiation's issue order."""
        issues = set(Issue.objects.filter(provisions__proposal=self).distinct())
        issues |= {r.issue for r in self.reported_contents.select_related("issue")}
        return sorted(issues, key=lambda i: (i.order, i.title, i.pk))


class Provision(Versioned):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="provisions")
    label = models.CharField(max_length=60, help_text='For example "Art. 3" or "Point 9".')
    heading = models.CharField(max_length=300, blank=True)
    # An article can address several issues (recognition and borders in one clause).
    issues = models.ManyToManyField(Issue, blank=True, related_name="provisions")
    text = limited_text(PROVISION_TEXT_MAX_LENGTH)
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords(m2m_fields=[issues])

    class Meta:
        ordering = ["proposal", "order", "pk"]

    def __str__(self):
        return f"{self.label} of {self.proposal}"

    def get_absolute_url(self):
        return self.proposal.get_absolute_url() + f"#provision-{self.pk}"

    @property
    def issue_ids(self):
        """The ids of its issues (from the prefetched ``issues`` when there are)."""
        return frozenset(issue.pk for issue in self.issues.all())

    def sorted_issues(self):
        """Its issues in the negotiation's order (prefetched ``issues`` when there are)."""
        return sorted(self.issues.all(), key=lambda i: (i.order, i.title, i.pk))

    def save_with_issues(self, issues):
        """Save the provision and set its issues with one history row that records them
        (a save, then issues.set(), would write two: "+" without issues, then "~")."""
        created = self._state.adding
        self.skip_history_when_saving = True
        try:
            self.save()
            self.issues.set(issues)
        finally:
            del self.skip_history_when_saving
        # simple-history writes its row on post_save: sent again now that the issues are
        # set (the revision counter, the other receiver, just counts the change twice).
        models.signals.post_save.send(
            sender=Provision, instance=self, created=created, raw=False, using=self._state.db
        )

    @property
    def issue_titles(self):
        """“Borders, Transit corridor”, or "" without issues."""
        return ", ".join(issue.title for issue in self.sorted_issues())

    def clean(self):
        if self.proposal_id and self.proposal.is_described_only:
            # No database check can see the proposal's availability from here; the
            # forms, the paste, the import and this clean() all refuse.
            raise ValidationError(
                {
                    "text": f"“{self.proposal}” is described only: its text is not public, "
                    "so it has no article texts. Record what sources report it contains "
                    "instead."
                }
            )


class TextStep(Versioned, PartialDateModel):
    """One dated step in a text's life: drafted, sent, leaked, initialled, signed…"""

    class Kind(models.TextChoices):
        DESCRIBED = "described", "Described"
        DRAFTED = "drafted", "Drafted"
        SENT = "sent", "Sent or tabled"
        LEAKED = "leaked", "Leaked"
        INITIALLED = "initialled", "Initialled"
        SIGNED = "signed", "Signed"
        RATIFIED = "ratified", "Ratified"
        IN_FORCE = "in_force", "Entered into force"
        SUPERSEDED = "superseded", "Superseded"
        ABANDONED = "abandoned", "Abandoned"

    # The steps by which each signatory accepts the text: each records commitments.
    COMMITTING = (Kind.INITIALLED, Kind.SIGNED, Kind.RATIFIED)

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    note = limited_text(SUMMARY_MAX_LENGTH, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "date_end", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.proposal} ({self.partial_date})"

    def get_absolute_url(self):
        return self.proposal.get_absolute_url() + f"#step-{self.pk}"

    @staticmethod
    def sort_key(step):
        return (step.date, step.date_end, step.pk or 0)

    @property
    def commits(self):
        return self.kind in self.COMMITTING


class TextParty(models.Model):
    """A party with a role on a text: it signs it, witnesses it or guarantees it."""

    class Role(models.TextChoices):
        SIGNATORY = "signatory", "Signatory"
        WITNESS = "witness", "Witness"
        GUARANTOR = "guarantor", "Guarantor"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="text_parties")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="text_roles")
    role = models.CharField(max_length=10, choices=Role.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["proposal", "role", "party__name"]
        verbose_name = "party to a text"
        verbose_name_plural = "parties to texts"
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "party", "role"], name="textparty_unique_role"
            ),
        ]

    def __str__(self):
        return f"{self.party} ({self.get_role_display().lower()}) of {self.proposal}"

    def get_absolute_url(self):
        return self.proposal.get_absolute_url() + "#text-parties"

    def clean(self):
        # A signatory's acceptance becomes its statements in the negotiation: it must
        # take part in it. Witnesses and guarantors may be outsiders.
        if (
            self.role == self.Role.SIGNATORY
            and self.proposal_id
            and self.party_id
            and not Participation.objects.takes_part(self.proposal.negotiation_id, self.party_id)
        ):
            raise ValidationError(
                {
                    "party": f"{self.party} does not take part in this negotiation: it cannot "
                    "sign one of its texts."
                }
            )


class ReportedContent(Versioned):
    """What sources say a text contains on one issue, in the analyst's words: the
    contents of a text whose words are not public."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="reported_contents"
    )
    issue = models.ForeignKey(Issue, on_delete=models.PROTECT, related_name="reported_contents")
    summary = limited_text(
        TEXT_MAX_LENGTH, help_text="What the sources say the text contains on this issue."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["proposal", "issue__order", "issue__title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "issue"], name="reportedcontent_one_per_issue"
            ),
            models.CheckConstraint(
                condition=~Q(summary=""), name="reportedcontent_summary_not_blank"
            ),
        ]

    def __str__(self):
        return f"{self.proposal} on {self.issue} (reported)"

    def get_absolute_url(self):
        return self.proposal.get_absolute_url() + f"#reported-{self.pk}"

    def clean(self):
        if not (self.summary or "").strip():
            raise ValidationError({"summary": "Say what the sources report the text contains."})
        if (
            self.issue_id
            and self.proposal_id
            and self.issue.negotiation_id != self.proposal.negotiation_id
        ):
            raise ValidationError({"issue": "That issue belongs to another negotiation."})


class Event(Versioned, PartialDateModel):
    class Kind(models.TextChoices):
        MILITARY = "military", "Military action"
        SUMMIT = "summit", "Summit or meeting"
        TALKS = "talks", "Talks round"
        ELECTION = "election", "Election"
        INTERVIEW = "interview", "Interview"
        STATEMENT = "statement", "Statement"
        AGREEMENT = "agreement", "Agreement"
        OTHER = "other", "Other"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    negotiation = models.ForeignKey(Negotiation, on_delete=models.CASCADE, related_name="events")
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OTHER)
    description = limited_text(TEXT_MAX_LENGTH, blank=True)
    issues = models.ManyToManyField(Issue, blank=True, related_name="events")
    # The actors: parties and persons who did or said it.
    parties = models.ManyToManyField(Party, blank=True, related_name="events")
    persons = models.ManyToManyField(Person, blank=True, related_name="events")

    history = HistoricalRecords(m2m_fields=[issues, parties, persons])

    class Meta:
        ordering = list(DATE_ORDER)
        constraints = [
            models.CheckConstraint(
                condition=Q(date_end__gte=F("date")), name="event_date_end_not_before_date"
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.partial_date})"

    def get_absolute_url(self):
        return reverse("negotiations:negotiation", args=[self.negotiation.slug]) + (
            f"#event-{self.pk}"
        )


class CitationQuerySet(models.QuerySet):
    def with_targets(self):
        """Each citation with what it backs, and what that belongs to, for naming it."""
        return self.select_related(
            "source",
            "position__party",
            "position__issue",
            "provision__proposal",
            "proposal",
            "event",
            "step__proposal",
            "reported_content__proposal",
            "reported_content__issue",
        )

    def curated(self, query=""):
        """For the editors' list of a source's citations: with their targets, in order,
        narrowed to those whose locator, excerpt or target's words contain `query`."""
        rows = self.with_targets().order_by("pk")
        if not query:
            return rows
        return rows.filter(
            Q(locator__icontains=query)
            | Q(excerpt__icontains=query)
            | Q(position__summary__icontains=query)
            | Q(position__party__name__icontains=query)
            | Q(position__issue__title__icontains=query)
            | Q(provision__label__icontains=query)
            | Q(provision__proposal__title__icontains=query)
            | Q(proposal__title__icontains=query)
            | Q(event__title__icontains=query)
            | Q(step__proposal__title__icontains=query)
            | Q(reported_content__proposal__title__icontains=query)
        )

    def for_negotiation(self, negotiation):
        return self.filter(
            Q(position__issue__negotiation=negotiation)
            | Q(provision__proposal__negotiation=negotiation)
            | Q(proposal__negotiation=negotiation)
            | Q(event__negotiation=negotiation)
            | Q(step__proposal__negotiation=negotiation)
            | Q(reported_content__proposal__negotiation=negotiation)
        )


CITATION_TARGETS = ("position", "provision", "proposal", "event", "step", "reported_content")


def _exactly_one_of(names):
    """Q: exactly one of the foreign keys ``names`` is set."""
    condition = Q()
    for chosen in names:
        condition |= Q(**{f"{name}__isnull": name != chosen for name in names})
    return condition


class Citation(models.Model):
    TARGETS = CITATION_TARGETS

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    position = models.ForeignKey(
        Position, null=True, blank=True, on_delete=models.CASCADE, related_name="citations"
    )
    provision = models.ForeignKey(
        Provision, null=True, blank=True, on_delete=models.CASCADE, related_name="citations"
    )
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.CASCADE, related_name="citations"
    )
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.CASCADE, related_name="citations"
    )
    step = models.ForeignKey(
        TextStep, null=True, blank=True, on_delete=models.CASCADE, related_name="citations"
    )
    reported_content = models.ForeignKey(
        ReportedContent,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="citations",
    )
    locator = models.CharField(
        max_length=200, blank=True, help_text="Page, paragraph or timestamp in the source."
    )
    excerpt = limited_text(
        TEXT_MAX_LENGTH, blank=True, help_text="Verbatim excerpt from the source."
    )

    objects = CitationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        # "The first citation of each position" is ORDER BY id LIMIT 1 per target; with
        # only the foreign-key index PostgreSQL walks the primary key instead (3 ms a row).
        indexes = [
            models.Index(fields=["position", "id"], name="citation_position_idx"),
            models.Index(fields=["provision", "id"], name="citation_provision_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one_of(CITATION_TARGETS),
                name="citation_exactly_one_target",
            ),
        ]

    def __str__(self):
        where = f", {self.locator}" if self.locator else ""
        return f"{self.source}{where}"

    @property
    def target(self):
        return next(
            (getattr(self, name) for name in self.TARGETS if getattr(self, f"{name}_id")), None
        )

    def clean(self):
        chosen = [name for name in self.TARGETS if getattr(self, f"{name}_id")]
        if len(chosen) != 1:
            raise ValidationError(
                "A citation backs exactly one thing: choose one position, provision, "
                "proposal, event, step of a text or reported content."
            )


# --- feed tokens (not content: no history) ---------------------------------------------

# Models that are deliberately not versioned with django-simple-history: they hold no
# negotiation content, only access credentials.
UNTRACKED_MODELS = ["FeedToken", "Revision", "AccessToken", "ImportJob", "CurrentPosition"]


def new_feed_token():
    return secrets.token_urlsafe(32)


class FeedTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class FeedToken(models.Model):
    """A secret that lets a feed reader fetch one user's Atom feeds without logging in."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_tokens"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = FeedTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        state = "revoked" if self.revoked_at else "active"
        return f"Feed token of {self.user} ({state})"

    @property
    def is_active(self):
        return self.revoked_at is None


class Revision(models.Model):
    """A counter that goes up, inside the writing transaction, with every change to
    what a negotiation's pages show; the row without a negotiation counts changes to
    what every negotiation shows (parties, sources, accounts).

    Read pages put the counters they depend on into their ETag
    (negotiations/revisions.py), so a reload is answered "304 Not Modified" until the
    data it shows changes. Bumping inside the transaction means a reader who sees the
    new number also sees the new data.
    """

    negotiation = models.OneToOneField(
        Negotiation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    number = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"Revision {self.number} of {self.negotiation or 'shared records'}"


# --- provisions paired by hand on the compare page ---------------------------------------


class ProvisionPairingQuerySet(models.QuerySet):
    def of(self, first, second):
        """The pairings made for these two proposals, whichever is A."""
        low, high = sorted([first.pk, second.pk])
        return self.filter(proposal_a=low, proposal_b=high)

    def between(self, a, b):
        """``(manual, apart)``: the ``(A provision pk, B provision pk)`` pairs paired, and
        kept apart, by hand, oriented as the compare page has them (``a`` is A)."""
        manual, apart = [], []
        rows = self.of(a, b).order_by("pk").values_list("kind", "provision_a", "provision_b")
        for kind, x, y in rows:
            pair = (x, y) if a.pk < b.pk else (y, x)
            (manual if kind == ProvisionPairing.Kind.PAIR else apart).append(pair)
        return manual, apart


class ProvisionPairing(models.Model):
    """An analyst's word that two provisions of two proposals are counterparts ("pair"),
    or are not ("unpair"), whatever the automatic alignment finds.

    It applies whenever the two proposals are compared, by anyone, either way round: the
    proposals are stored in the order of their ids (``proposal_a`` has the smaller), each
    provision with its own proposal. A provision is in one pair at most for two proposals;
    it may be kept apart from several.
    """

    class Kind(models.TextChoices):
        PAIR = "pair", "Paired by hand"
        UNPAIR = "unpair", "Kept apart by hand"

    proposal_a = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="+")
    proposal_b = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="+")
    provision_a = models.ForeignKey(Provision, on_delete=models.CASCADE, related_name="+")
    provision_b = models.ForeignKey(Provision, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=6, choices=Kind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = ProvisionPairingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(proposal_a__lt=F("proposal_b")), name="pairing_proposals_in_id_order"
            ),
            models.UniqueConstraint(
                fields=["provision_a", "provision_b"], name="pairing_one_choice_per_two_provisions"
            ),
            models.UniqueConstraint(
                fields=["proposal_b", "provision_a"],
                condition=Q(kind="pair"),
                name="pairing_provision_a_in_one_pair",
            ),
            models.UniqueConstraint(
                fields=["proposal_a", "provision_b"],
                condition=Q(kind="pair"),
                name="pairing_provision_b_in_one_pair",
            ),
        ]

    def __str__(self):
        return f"{self.provision_a} / {self.provision_b}: {self.get_kind_display().lower()}"

    @classmethod
    def ordered(cls, provision_x, provision_y, **fields):
        """A pairing of two provisions of different proposals, in the stored order."""
        pairing = cls(provision_a=provision_x, provision_b=provision_y, **fields)
        pairing.put_in_order()
        return pairing

    def put_in_order(self):
        """Take the proposals from the provisions, the one with the smaller id first."""
        if self.provision_a.proposal_id > self.provision_b.proposal_id:
            self.provision_a, self.provision_b = self.provision_b, self.provision_a
        self.proposal_a_id = self.provision_a.proposal_id
        self.proposal_b_id = self.provision_b.proposal_id

    def clean(self):
        if not (self.provision_a_id and self.provision_b_id):
            return  # the form says which is missing
        if self.provision_a.proposal_id == self.provision_b.proposal_id:
            raise ValidationError("Choose provisions of two different proposals.")
        self.put_in_order()


# --- import jobs (not content: no history) ----------------------------------------------


class ImportJob(models.Model):
    """A large redline upload, imported outside the request (negotiations/exchange/importjobs.py)
    so that no web worker is killed for taking too long. Not content: the rows it
    imports get their own history rows."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )
    filename = models.CharField(max_length=255)
    # The uploaded bytes as they came (a NUL or bad UTF-8 is the job's to report);
    # emptied once the job has finished.
    document = models.BinaryField(default=b"")
    size = models.PositiveBigIntegerField(default=0)
    update = models.BooleanField(default=False, help_text="Replace records that differ.")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=200, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    summary = models.TextField(blank=True)
    negotiation_slug = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Written with the progress: a running job whose heartbeat stopped long ago was
    # interrupted (a restart), and `manage.py run_import_jobs --stale` runs it again.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="importjob_status_idx")]

    def __str__(self):
        return f"Import of {self.filename} ({self.get_status_display().lower()})"

    def get_absolute_url(self):
        return reverse("negotiations:import_job", args=[self.pk])

    @property
    def finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self):
        if not self.progress_total:
            return 0
        return min(100, 100 * self.progress_done // self.progress_total)


# --- personal access tokens (credentials, not content: no history) ---------------------


class AccessTokenQuerySet(models.QuerySet):
    def usable(self, now):
        """Tokens that still authenticate at ``now``: not revoked, not expired."""
        return self.filter(revoked__isnull=True).filter(
            Q(expires__isnull=True) | Q(expires__gt=now)
        )


class AccessToken(models.Model):
    """A secret a script sends as ``Authorization: Bearer …`` to read as its user.

    Only the SHA-256 of the secret is stored (negotiations/accounts/tokens.py says why a
    fast hash is enough); the secret itself is shown once, when the token is created.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens"
    )
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. “R notebook”.")
    prefix = models.CharField(
        max_length=16, editable=False, help_text="The secret's first characters, to recognise it."
    )
    hashed_secret = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField(null=True, blank=True)
    last_used = models.DateTimeField(null=True, blank=True, editable=False)
    revoked = models.DateTimeField(null=True, blank=True)

    objects = AccessTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…) of {self.user}"

    def state(self, now):
        if self.revoked is not None:
            return "revoked"
        if self.expires is not None and self.expires <= now:
            return "expired"
        return "active"
