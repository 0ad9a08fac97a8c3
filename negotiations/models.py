import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.urls import reverse
from simple_history.models import HistoricalRecords

from negotiations.aliases import AliasesField, split_aliases
from negotiations.dates import PartialDate, Precision


class PartialDateModel(models.Model):
    """A date as precise as it is known: the earliest day meant, a precision, a flag.

    Sorting by (date, date_precision) sorts by the earliest day meant with ties broken
    finer first, because the precision keys happen to sort alphabetically that way.
    """

    date = models.DateField(help_text="The earliest day the date can mean.")
    date_precision = models.CharField(
        max_length=7, choices=Precision.choices, default=Precision.DAY
    )
    date_approximate = models.BooleanField(default=False)

    class Meta:
        abstract = True

    @property
    def partial_date(self):
        if self.date is None:
            return None
        return PartialDate(self.date, Precision(self.date_precision), self.date_approximate)

    @partial_date.setter
    def partial_date(self, value):
        if value is None:
            self.date, self.date_precision, self.date_approximate = None, Precision.DAY, False
        else:
            self.date = value.start
            self.date_precision = value.precision
            self.date_approximate = value.approximate


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
    description = models.TextField(blank=True)
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
    description = models.TextField(blank=True)
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

    objects = ParticipationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["negotiation", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["negotiation", "party"], name="participation_unique_party"
            ),
        ]

    def __str__(self):
        return f"{self.party} ({self.get_role_display().lower()}) in {self.negotiation}"


class Issue(models.Model):
    negotiation = models.ForeignKey(Negotiation, on_delete=models.CASCADE, related_name="issues")
    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
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


class SourceQuerySet(models.QuerySet):
    def picker(self, limit=300):
        """The most recently used sources, for the citation picker."""
        return self.order_by("-pk")[:limit]


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
    date = models.DateField(null=True, blank=True, help_text="The earliest day the date can mean.")
    url = models.URLField(max_length=500, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    language = models.CharField(max_length=12, default="en", help_text="ISO 639-1 code")
    reliability = models.CharField(max_length=1, choices=Reliability.choices, default="F")
    notes = models.TextField(blank=True)

    objects = SourceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("negotiations:source", args=[self.uid])

    @property
    def picker_label(self):
        details = ", ".join(str(x) for x in (self.outlet or self.author, self.partial_date) if x)
        return f"{self.title} ({details})" if details else self.title


class PositionQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related("party", "issue", "issue__negotiation").prefetch_related(
            models.Prefetch("citations", queryset=Citation.objects.select_related("source"))
        )

    def in_order(self):
        return self.order_by("date", "date_precision", "pk")

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
            | Q(date=OuterRef("date"), date_precision__gt=OuterRef("date_precision"))
            | Q(
                date=OuterRef("date"),
                date_precision=OuterRef("date_precision"),
                pk__gt=OuterRef("pk"),
            )
        )
        return self.filter(~Exists(later.values("pk")))

    def stated_by(self, day):
        """Statements whose earliest possible day is on or before `day`."""
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
        OPEN = "open", "Open / undecided"
        REJECTS = "rejects", "Rejects"

    class Movement(models.TextChoices):
        NEW = "new", "New"
        HARDENED = "hardened", "Hardened"
        SOFTENED = "softened", "Softened"
        RESTATED = "restated", "Restated"
        DROPPED = "dropped", "Dropped"
        CONCEDED = "conceded", "Conceded"

    # A statement that moved the party's position; "new" and "restated" did not.
    SHIFTS = (Movement.HARDENED, Movement.SOFTENED, Movement.DROPPED, Movement.CONCEDED)
    # How firm each stance is, to suggest "hardened" or "softened" against the last one.
    FIRMNESS = {
        Stance.RED_LINE: 5,
        Stance.REJECTS: 4,
        Stance.DEMAND: 4,
        Stance.CONDITION: 3,
        Stance.PROPOSES: 2,
        Stance.OFFER: 2,
        Stance.OPEN: 1,
        Stance.SUPPORTS: 1,
        Stance.ACCEPTS: 0,
    }

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    issue = models.ForeignKey(Issue, on_delete=models.PROTECT, related_name="positions")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="positions")
    stance = models.CharField(max_length=12, choices=Stance.choices)
    movement = models.CharField(max_length=10, choices=Movement.choices, default=Movement.NEW)
    summary = models.TextField(help_text="The position in one or two sentences, your words.")
    quote = models.TextField(blank=True, help_text="Verbatim words of the party, if any.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PositionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "date_precision", "pk"]
        indexes = [
            models.Index(fields=["issue", "party", "date"], name="position_thread_idx"),
            models.Index(fields=["party", "date"], name="position_party_date_idx"),
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
        ]

    def __str__(self):
        return f"{self.party} on {self.issue}: {self.get_stance_display()} ({self.partial_date})"

    def get_absolute_url(self):
        return (
            reverse(
                "negotiations:thread",
                args=[self.issue.negotiation.slug, self.issue.slug, self.party.slug],
            )
            + f"#position-{self.pk}"
        )

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


class Proposal(Versioned, PartialDateModel):
    class Kind(models.TextChoices):
        DRAFT_TREATY = "draft_treaty", "Draft treaty"
        COUNTER_DRAFT = "counter_draft", "Counter-draft"
        FRAMEWORK = "framework", "Framework proposal"
        JOINT_STATEMENT = "joint_statement", "Joint statement"
        INITIALLED = "initialled", "Initialled text"
        OTHER = "other", "Other"

    class TextStatus(models.TextChoices):
        OFFICIAL = "official", "Official text"
        LEAKED = "leaked", "Leaked text"
        REPORTED = "reported", "Reported / paraphrased"

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
    text_status = models.CharField(max_length=10, choices=TextStatus.choices)
    responds_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="superseded_by"
    )
    summary = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "date_precision", "pk"]
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
        if errors:
            raise ValidationError(errors)


class Provision(Versioned):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="provisions")
    label = models.CharField(max_length=60, help_text='For example "Art. 3" or "Point 9".')
    heading = models.CharField(max_length=300, blank=True)
    issue = models.ForeignKey(
        Issue, null=True, blank=True, on_delete=models.SET_NULL, related_name="provisions"
    )
    text = models.TextField()
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["proposal", "order", "pk"]

    def __str__(self):
        return f"{self.label} of {self.proposal}"

    def get_absolute_url(self):
        return self.proposal.get_absolute_url() + f"#provision-{self.pk}"

    def clean(self):
        if (
            self.issue_id
            and self.proposal_id
            and (self.issue.negotiation_id != self.proposal.negotiation_id)
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
    description = models.TextField(blank=True)
    issues = models.ManyToManyField(Issue, blank=True, related_name="events")

    history = HistoricalRecords(m2m_fields=[issues])

    class Meta:
        ordering = ["date", "date_precision", "pk"]

    def __str__(self):
        return f"{self.title} ({self.partial_date})"

    def get_absolute_url(self):
        return reverse("negotiations:negotiation", args=[self.negotiation.slug]) + (
            f"#event-{self.pk}"
        )


class CitationQuerySet(models.QuerySet):
    def for_negotiation(self, negotiation):
        return self.filter(
            Q(position__issue__negotiation=negotiation)
            | Q(provision__proposal__negotiation=negotiation)
            | Q(proposal__negotiation=negotiation)
            | Q(event__negotiation=negotiation)
        )


class Citation(models.Model):
    TARGETS = ("position", "provision", "proposal", "event")

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
    locator = models.CharField(
        max_length=200, blank=True, help_text="Page, paragraph or timestamp in the source."
    )
    excerpt = models.TextField(blank=True, help_text="Verbatim excerpt from the source.")

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
                condition=(
                    Q(
                        position__isnull=False,
                        provision__isnull=True,
                        proposal__isnull=True,
                        event__isnull=True,
                    )
                    | Q(
                        position__isnull=True,
                        provision__isnull=False,
                        proposal__isnull=True,
                        event__isnull=True,
                    )
                    | Q(
                        position__isnull=True,
                        provision__isnull=True,
                        proposal__isnull=False,
                        event__isnull=True,
                    )
                    | Q(
                        position__isnull=True,
                        provision__isnull=True,
                        proposal__isnull=True,
                        event__isnull=False,
                    )
                ),
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
                "proposal or event."
            )


# --- feed tokens (not content: no history) ---------------------------------------------

# Models that are deliberately not versioned with django-simple-history: they hold no
# negotiation content, only access credentials.
UNTRACKED_MODELS = ["FeedToken", "Revision"]


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
