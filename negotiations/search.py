"""Search everything an analyst reads, grouped by kind.

What is searched is one table, `KINDS`: for each kind of record its model, the fields
searched (most telling first), the date it is filtered and sorted by, how the filters
apply to it, what a hit shows and where it links, and which issue or party its rows
are on. Adding a kind (persons, source texts) is one entry there, plus its stored
vector on PostgreSQL (a migration like 0017_search_everywhere).

Matching
    PostgreSQL: full-text search on stored, GIN-indexed `search_vector` columns
    (migration 0009) with the `redline` configuration: `simple` behind `unaccent`.
    `simple` lower-cases and splits words but neither stems nor drops stop words;
    records mix Armenian, Russian, Azerbaijani and English in one column, and a
    stemmer applied to the wrong language mangles words, while `simple` treats
    "Հայաստան", "Азербайджан", "Azərbaycan" and "corridor" alike. A union with the
    `english` configuration would find "corridors" for "corridor", but doubles every
    vector and index and conflates unrelated English words; `or` lists forms instead.
    `unaccent` makes "Turkiye" find "Türkiye". Queries use `websearch` syntax.
    SQLite (development and tests): every word must appear somewhere in the record,
    compared after the same folding in Python (`redline_fold`, registered on the
    connection): case for every script, and accents.

Aliases
    An issue's aliases, a party's name, short name and aliases are searched as the
    thing they name: a query matching them brings the issue or party and everything on
    it (its positions, provisions, proposals and events), after the records that
    contain the words themselves. (Issue titles are descriptions, not names: they find
    the issue, not everything on it.)

Bounded
    Three queries whatever the number of hits: the issues and parties the query names
    (at most NAMED_LIMIT); one UNION with, for every kind, a count that stops at
    CAP + 1 (shown "1,000+") and up to RANKED candidates with their rank (the first
    the database finds: for a very common word, ranking every match is what made search
    slow), plus as many rows on a named issue or party; and one UNION with what the
    hits shown need to be displayed, as JSON, every kind at once.

Did you mean
    When nothing matches, each word is compared with the words of issue and party
    titles, names and aliases: on PostgreSQL with pg_trgm's word similarity, on SQLite
    with difflib; a close word is offered instead ("Nakhichevan" → "Nakhchivan").

Highlighting is done here in Python: every piece of user text is escaped first and
only then wrapped in our own `<mark>`, so a `<script>` in a summary stays text.
"""

import datetime
import difflib
import functools
import re
import uuid
from dataclasses import dataclass, field, replace
from functools import reduce
from operator import or_

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.lookups import Unaccent
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVectorExact,
    SearchVectorField,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import (
    Count,
    DateField,
    Exists,
    Expression,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
)
from django.db.models.expressions import Col
from django.db.models.functions import Cast, Coalesce, Concat, Greatest, JSONObject
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from negotiations.aliases import fold, split_aliases
from negotiations.models import (
    DATE_COLUMNS,
    Citation,
    Event,
    Issue,
    Participation,
    Party,
    Position,
    Proposal,
    Provision,
    Source,
)
from negotiations.text.dates import PartialDate

CONFIG = "redline"  # the text-search configuration of migration 0009
CAP = 1000  # counts stop here: "1,000+"; also the deepest a kind can be paged
PER_PAGE = 50  # hits on a page of one kind
PER_GROUP = 5  # hits of each kind when several kinds are searched
RANKED = 200  # candidates ranked per kind (more for later pages of one kind)
NAMED_LIMIT = 50  # issues and parties a query can name and bring along
# The rank of a row brought by a named issue or party: below every row with the words
# (their rank is ≥ 0, and exactly 0 on SQLite, which does not rank).
NAMED_RANK = -1.0
SUGGEST_WORDS = 4  # the words of a query looked at for "did you mean"
# Output fields shared by the expressions of every search (building fields is not free).
FLOAT, DATE, TEXT = FloatField(), DateField(), TextField()
_PUNCTUATION = ".,;:!?()[]{}«»“”„\"'‘’"


def is_postgresql():
    return connection.vendor == "postgresql"


# --- the query's words -----------------------------------------------------------------


@dataclass
class Filters:
    q: str = ""
    negotiation: object = None  # a Negotiation or None for all
    party: str = ""  # slugs; "" for any
    issue: str = ""
    stance: str = ""
    kinds: list = field(default_factory=lambda: list(KINDS))
    date_from: object = None  # datetime.date: earliest day, inclusive
    date_to: object = None  # datetime.date: latest day, inclusive

    @property
    def narrowed(self):
        """Whether any filter besides the words and kinds is set."""
        return bool(self.negotiation or self.party or self.issue or self.stance or self.dated)

    @property
    def dated(self):
        return bool(self.date_from or self.date_to)


@dataclass
class Terms:
    """The words of a query: those that must appear (phrases kept whole) and those
    that must not (`-word`)."""

    include: list
    exclude: list

    def __bool__(self):
        return bool(self.include)


def parse_terms(q):
    """Split a websearch-style query: words, "quoted phrases", -excluded, OR."""
    include, exclude = [], []
    for token in re.findall(r'-?"[^"]*"?|\S+', q or ""):
        negated = token.startswith("-") and len(token) > 1
        token = token[1:] if negated else token
        if token.upper() == "OR":
            continue
        text = token.strip('"') if token.startswith('"') else token.strip(_PUNCTUATION)
        text = " ".join(text.split())
        if text:
            (exclude if negated else include).append(text)
    return Terms(include, exclude)


# --- how the filters apply to each kind -----------------------------------------------
# Each returns the kind's rows that pass the filters, or None when a filter cannot
# apply to the kind (a stance means statements; a party rules out events and sources).


def _dated(qs, path, f):
    if f.date_from:
        qs = qs.filter(**{f"{path}__gte": f.date_from})
    if f.date_to:
        qs = qs.filter(**{f"{path}__lte": f.date_to})
    return qs


def _scope_positions(qs, f):
    if f.negotiation is not None:
        qs = qs.filter(issue__negotiation=f.negotiation)
    if f.party:
        qs = qs.filter(party__slug=f.party)
    if f.issue:
        qs = qs.filter(issue__slug=f.issue)
    if f.stance:
        qs = qs.filter(stance=f.stance)
    return _dated(qs, "date", f)


def _scope_provisions(qs, f):
    if f.stance:
        return None
    if f.negotiation is not None:
        qs = qs.filter(proposal__negotiation=f.negotiation)
    if f.party:
        qs = qs.filter(proposal__author__slug=f.party)
    if f.issue:
        qs = qs.filter(issues__slug=f.issue)
    return _dated(qs, "proposal__date", f)


def _scope_proposals(qs, f):
    if f.stance:
        return None
    if f.negotiation is not None:
        qs = qs.filter(negotiation=f.negotiation)
    if f.party:
        qs = qs.filter(author__slug=f.party)
    if f.issue:
        qs = qs.filter(
            Exists(Provision.objects.filter(proposal=OuterRef("pk"), issues__slug=f.issue))
        )
    return _dated(qs, "date", f)


def _scope_events(qs, f):
    if f.stance or f.party:
        return None
    if f.negotiation is not None:
        qs = qs.filter(negotiation=f.negotiation)
    if f.issue:
        linked = Event.issues.through.objects.filter(event=OuterRef("pk"), issue__slug=f.issue)
        qs = qs.filter(Exists(linked))
    return _dated(qs, "date", f)


def _scope_sources(qs, f):
    if f.stance or f.party or f.issue:
        return None
    if f.negotiation is not None:
        # One EXISTS whose joins are OR-ed, not one EXISTS per kind of target OR-ed
        # together: PostgreSQL runs OR-ed EXISTS as "hashed SubPlans" that join every
        # citation of the negotiation first (0.5 s at 100,000 statements), while one
        # EXISTS becomes a semi-join probing the few citations of each matching source
        # by index. What it is cited for is tested against the negotiation's issues,
        # texts and events (small sets) rather than joined up to the negotiation: fewer
        # joins to plan (docs/explain/search.txt).
        n = f.negotiation
        issues = Issue.objects.filter(negotiation=n).values("pk")
        texts = Proposal.objects.filter(negotiation=n).values("pk")
        events = Event.objects.filter(negotiation=n).values("pk")
        cited = Citation.objects.filter(
            Q(position__issue__in=issues)
            | Q(provision__proposal__in=texts)
            | Q(proposal__in=texts)
            | Q(event__in=events)
            | Q(step__proposal__in=texts)
            | Q(reported_content__proposal__in=texts),
            source=OuterRef("pk"),
        )
        qs = qs.filter(Exists(cited))
    return _dated(qs, "date", f)


# What a citation backs, as the kind of record the filters apply to: a lifecycle step's
# or reported contents' citations count as their text's.
CITED_AS = {
    "position": ("positions", "position_id"),
    "provision": ("provisions", "provision_id"),
    "proposal": ("proposals", "proposal_id"),
    "event": ("events", "event_id"),
    "step": ("proposals", "step__proposal_id"),
    "reported_content": ("proposals", "reported_content__proposal_id"),
}


def _scope_citations(qs, f):
    """Citations whose target passes the filters, dated by their source (when the
    words were published); one EXISTS per kind of target."""
    undated = replace(f, date_from=None, date_to=None)
    if undated.narrowed:
        conditions = []
        for kind_name, outer in CITED_AS.values():
            kind = KINDS[kind_name]
            scoped = kind.scope(kind.model.objects.all(), undated)
            if scoped is not None:
                conditions.append(Exists(scoped.filter(pk=OuterRef(outer))))
        if not conditions:
            return None
        qs = qs.filter(reduce(or_, conditions))
    return _dated(qs, "source__date", f)


def _scope_issues(qs, f):
    if f.stance or f.party or f.dated:  # an issue has no date
        return None
    if f.negotiation is not None:
        qs = qs.filter(negotiation=f.negotiation)
    if f.issue:
        qs = qs.filter(Q(slug=f.issue) | Q(parent__slug=f.issue))
    return qs


def _scope_parties(qs, f):
    if f.stance or f.issue or f.dated:
        return None
    if f.negotiation is not None:
        qs = qs.filter(
            Exists(Participation.objects.filter(party=OuterRef("pk"), negotiation=f.negotiation))
        )
    if f.party:
        qs = qs.filter(slug=f.party)
    return qs


# --- rows on a named issue or party ----------------------------------------------------

# --- what a hit shows: (title, url, context, partial date) from its JSON data ---------


def _date(d, prefix=""):
    if not d.get(prefix + "date"):
        return None
    start, end, precision, approximate, qualifier, inferred, written = (
        d.get(prefix + name) for name in DATE_COLUMNS
    )
    return PartialDate.from_columns(
        datetime.date.fromisoformat(start[:10]),
        datetime.date.fromisoformat(end[:10]) if end else None,
        precision,
        bool(approximate),
        qualifier or "",
        bool(inferred),
        written or "",
    )


def _dated_fields(path=""):
    return {name: f"{path}{name}" for name in DATE_COLUMNS}


def _thread_url(neg, issue, party, pk):
    return reverse("negotiations:thread", args=[neg, issue, party]) + f"#position-{pk}"


def _proposal_url(neg, proposal, pk=None):
    url = reverse("negotiations:proposal", args=[neg, proposal])
    return url + f"#provision-{pk}" if pk else url


def _event_url(neg, pk):
    return reverse("negotiations:negotiation", args=[neg]) + f"#event-{pk}"


def _describe_position(pk, d, f):
    stance = Position.Stance(d["stance"]).label
    movement = Position.Movement(d["movement"]).label.lower()
    return (
        f"{d['party_name']} on {d['issue_title']}",
        _thread_url(d["neg_slug"], d["issue_slug"], d["party_slug"], pk),
        f"{stance}, {movement} · {d['neg_title']}",
        _date(d),
    )


def _describe_provision(pk, d, f):
    context = f"{d['proposal_title']} · {d['neg_title']}"
    if d["issue_title"]:
        context = f"{d['issue_title']} · {context}"
    return (
        f"{d['label']} of {d['proposal_title']}",
        _proposal_url(d["neg_slug"], d["proposal_slug"], pk),
        context,
        _date(d),
    )


def _describe_proposal(pk, d, f):
    kind = Proposal.Kind(d["kind"]).label
    context = f"{kind} by {d['author_name'] or 'joint'} · {d['neg_title']}"
    return d["title"], _proposal_url(d["neg_slug"], d["slug"]), context, _date(d)


def _describe_event(pk, d, f):
    context = f"{Event.Kind(d['kind']).label} · {d['neg_title']}"
    return d["title"], _event_url(d["neg_slug"], pk), context, _date(d)


def _describe_source(pk, d, f):
    kind = Source.Kind(d["kind"]).label
    context = " · ".join(x for x in (kind, d["outlet"] or d["author"]) if x)
    url = reverse("negotiations:source", args=[uuid.UUID(str(d["uid"]))])
    return d["title"], url, context, _date(d)


def _describe_citation(pk, d, f):
    """A citation lives where it is cited: the thread of its position, the proposal of
    its provision, the proposal, or the event on the negotiation's page."""
    title = f"Excerpt from {d['source_title']}" + (f", {d['locator']}" if d["locator"] else "")
    if d["position_id"]:
        what = f"{d['p_party']} on {d['p_issue']}"
        neg_title = d["p_neg"]
        url = _thread_url(d["p_neg_slug"], d["p_issue_slug"], d["p_party_slug"], d["position_id"])
    elif d["provision_id"]:
        what = f"{d['v_label']} of {d['v_proposal']}"
        neg_title = d["v_neg"]
        url = _proposal_url(d["v_neg_slug"], d["v_proposal_slug"], d["provision_id"])
    elif d["proposal_id"]:
        what, neg_title = d["r_title"], d["r_neg"]
        url = _proposal_url(d["r_neg_slug"], d["r_slug"])
    else:
        what, neg_title = d["e_title"], d["e_neg"]
        url = _event_url(d["e_neg_slug"], d["event_id"])
    return title, url, f"Cited for {what} · {neg_title}", _date(d)


def _describe_issue(pk, d, f):
    context = f"Issue in {d['neg_title']}"
    if d["parent_title"]:
        context += f" · part of {d['parent_title']}"
    return d["title"], reverse("negotiations:issue", args=[d["neg_slug"], d["slug"]]), context, None


def _describe_party(pk, d, f):
    """A party's page is per negotiation: the one searched in, else its first."""
    slug = f.negotiation.slug if f.negotiation is not None else d["first_neg_slug"]
    url = reverse("negotiations:party", args=[slug, d["slug"]]) if slug else ""
    n = d["negotiations"] or 0
    where = ""
    if n:
        more = f" and {n - 1} more" if n > 1 else ""
        where = f" · takes part in {d['first_neg_title']}{more}"
    return d["name"], url, Party.Kind(d["kind"]).label + where, None


def _party_negotiations():
    """Subqueries for a party row: its first negotiation (by title) and how many."""
    taking_part = Participation.objects.filter(party=OuterRef("pk")).order_by("negotiation__title")
    return {
        "first_neg_slug": Subquery(taking_part.values("negotiation__slug")[:1]),
        "first_neg_title": Subquery(taking_part.values("negotiation__title")[:1]),
        "negotiations": Subquery(
            taking_part.order_by().values("party").annotate(n=Count("pk")).values("n")
        ),
    }


# --- the table of kinds ----------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    key: str
    label: str  # plural, as a heading
    singular: str
    model: type
    fields: tuple  # ((field, label), …) searched, the most telling first
    date: object  # the date path filtered and sorted by, or None
    scope: object  # (queryset, filters) → queryset or None
    describe: object  # (pk, data, filters) → (title, url, context, partial date)
    data: dict  # JSON key → field path or expression: what describe and snippets read
    # How its rows are on an issue or party: ((issue|party, lookup of the id), …);
    # the data carries the issue's or party's `{what}_id`, `_title`/`_name`, `_aliases`.
    on: tuple = ()
    extra: object = None  # () → {JSON key: expression}, more data needing subqueries

    def sort_date(self):
        if self.date is None:
            return Cast(Value(None), DATE)
        return F(self.date)

    def json(self):
        values = {}
        for name, _label in self.fields:
            values[name] = F(name)
        for key, value in self.data.items():
            values[key] = F(value) if isinstance(value, str) else value
        return JSONObject(**values, **(self.extra() if self.extra else {}))


def _on_named_events(ids):
    through = Event.issues.through.objects.filter(event=OuterRef("pk"), issue_id__in=ids)
    return Q(Exists(through))


def _on_named_provisions(ids):
    through = Provision.issues.through.objects.filter(provision=OuterRef("pk"), issue_id__in=ids)
    return Q(Exists(through))


def _provision_extra():
    """The title of a provision's first issue (in the negotiation's order), for its
    context line."""
    first = Issue.objects.filter(provisions=OuterRef("pk")).order_by("order", "title", "pk")
    return {"issue_title": Subquery(first.values("title")[:1])}


KINDS = {
    kind.key: kind
    for kind in [
        Kind(
            "issues",
            "Issues",
            "Issue",
            Issue,
            (("title", "Title"), ("aliases", "Also called"), ("description", "Description")),
            None,
            _scope_issues,
            _describe_issue,
            {
                "slug": "slug",
                "neg_slug": "negotiation__slug",
                "neg_title": "negotiation__title",
                "parent_title": "parent__title",
            },
        ),
        Kind(
            "parties",
            "Parties",
            "Party",
            Party,
            (
                ("name", "Name"),
                ("short_name", "Short name"),
                ("aliases", "Also called"),
                ("description", "Description"),
            ),
            None,
            _scope_parties,
            _describe_party,
            {"slug": "slug", "kind": "kind"},
            extra=_party_negotiations,
        ),
        Kind(
            "positions",
            "Positions",
            "Position",
            Position,
            (("summary", "Summary"), ("quote", "Quote")),
            "date",
            _scope_positions,
            _describe_position,
            {
                "stance": "stance",
                "movement": "movement",
                "issue_id": "issue_id",
                "issue_title": "issue__title",
                "issue_slug": "issue__slug",
                "issue_aliases": "issue__aliases",
                "party_id": "party_id",
                "party_name": "party__name",
                "party_slug": "party__slug",
                "party_aliases": "party__aliases",
                "neg_slug": "issue__negotiation__slug",
                "neg_title": "issue__negotiation__title",
                **_dated_fields(),
            },
            on=(("issue", "issue_id__in"), ("party", "party_id__in")),
        ),
        Kind(
            "citations",
            "Citations",
            "Citation",
            Citation,
            (("excerpt", "Excerpt"), ("locator", "Locator")),
            "source__date",  # filtered by what it backs too (see _scope_citations)
            _scope_citations,
            _describe_citation,
            {
                "source_title": "source__title",
                **_dated_fields("source__"),
                "position_id": "position_id",
                "p_party": "position__party__name",
                "p_party_slug": "position__party__slug",
                "p_issue": "position__issue__title",
                "p_issue_slug": "position__issue__slug",
                "p_neg": "position__issue__negotiation__title",
                "p_neg_slug": "position__issue__negotiation__slug",
                "provision_id": "provision_id",
                "v_label": "provision__label",
                "v_proposal": "provision__proposal__title",
                "v_proposal_slug": "provision__proposal__slug",
                "v_neg": "provision__proposal__negotiation__title",
                "v_neg_slug": "provision__proposal__negotiation__slug",
                "proposal_id": "proposal_id",
                "r_title": "proposal__title",
                "r_slug": "proposal__slug",
                "r_neg": "proposal__negotiation__title",
                "r_neg_slug": "proposal__negotiation__slug",
                "event_id": "event_id",
                "e_title": "event__title",
                "e_neg": "event__negotiation__title",
                "e_neg_slug": "event__negotiation__slug",
            },
        ),
        Kind(
            "proposals",
            "Proposals",
            "Proposal",
            Proposal,
            (("title", "Title"), ("summary", "Summary")),
            "date",
            _scope_proposals,
            _describe_proposal,
            {
                "slug": "slug",
                "kind": "kind",
                "party_id": "author_id",
                "party_name": "author__name",
                "party_aliases": "author__aliases",
                "author_name": "author__name",
                "neg_slug": "negotiation__slug",
                "neg_title": "negotiation__title",
                **_dated_fields(),
            },
            on=(("party", "author_id__in"),),
        ),
        Kind(
            "provisions",
            "Provisions",
            "Provision",
            Provision,
            (("text", "Text"), ("heading", "Heading"), ("label", "Label")),
            "proposal__date",
            _scope_provisions,
            _describe_provision,
            {
                "party_id": "proposal__author_id",
                "party_name": "proposal__author__name",
                "party_aliases": "proposal__author__aliases",
                "proposal_title": "proposal__title",
                "proposal_slug": "proposal__slug",
                "neg_slug": "proposal__negotiation__slug",
                "neg_title": "proposal__negotiation__title",
                **_dated_fields("proposal__"),
            },
            # On several issues: found by each, like events (the data has no issue_id).
            on=(("issue", _on_named_provisions), ("party", "proposal__author_id__in")),
            extra=_provision_extra,
        ),
        Kind(
            "events",
            "Events",
            "Event",
            Event,
            (("title", "Title"), ("description", "Description")),
            "date",
            _scope_events,
            _describe_event,
            {
                "kind": "kind",
                "neg_slug": "negotiation__slug",
                "neg_title": "negotiation__title",
                **_dated_fields(),
            },
            on=(("issue", _on_named_events),),
        ),
        Kind(
            "sources",
            "Sources",
            "Source",
            Source,
            (
                ("title", "Title"),
                ("author", "Author"),
                ("outlet", "Outlet"),
                ("notes", "Notes"),
                ("text", "Text"),
            ),
            "date",
            _scope_sources,
            _describe_source,
            {"uid": "uid", "kind": "kind", **_dated_fields()},
        ),
    ]
}
# The fields that name an issue or a party (migration 0009's `name_vector`)…
NAMES = {"issue": ("aliases",), "party": ("name", "short_name", "aliases")}
# … and the words "did you mean" offers.
VOCABULARY = {"issue": ("title", "aliases"), "party": ("name", "short_name", "aliases")}
NAMED_MODELS = {"issue": Issue, "party": Party}


# --- matching --------------------------------------------------------------------------


@functools.cache
def _vector_field(column):
    field = SearchVectorField()
    field.column = column
    return field


class Stored(Expression):
    """A stored tsvector column that only PostgreSQL has (migration 0009), so no model
    field declares it. It resolves to a plain column of the query's main table; being
    a `Col`, it is re-aliased like any other when the query becomes a subquery."""

    output_field = SearchVectorField()

    def __init__(self, column="search_vector"):
        super().__init__()
        self.column = column

    def resolve_expression(self, query=None, *args, **kwargs):
        return Col(query.get_initial_alias(), _vector_field(self.column))


class Folded(Func):
    """SQLite only: `redline_fold(text)`, the Python folding registered below."""

    function = "redline_fold"
    output_field = TextField()


def _register_fold():
    """Give this SQLite connection the folding function (cheap; replaces itself)."""
    connection.ensure_connection()
    connection.connection.create_function("redline_fold", 1, fold, deterministic=True)


def _document(names):
    """SQLite: the record's searched fields as one folded text, a line each."""
    parts = []
    for name in names:
        parts += [Coalesce(F(name), Value("")), Value("\n")]
    return Folded(Concat(*parts, output_field=TextField()))


class Matcher:
    """How rows match the query on this database: `match(qs, fields)` returns the
    queryset (with what the condition needs) and the condition to filter it with: the
    `@@` lookup on the stored vector on PostgreSQL, a Q of folded LIKEs on SQLite."""

    def __init__(self, q, terms):
        self.postgresql = is_postgresql()
        self.terms = terms
        if self.postgresql:
            self.query = SearchQuery(q, search_type="websearch", config=CONFIG)
        else:
            _register_fold()
            self.include = [fold(t) for t in terms.include]
            self.exclude = [fold(t) for t in terms.exclude]

    def match(self, qs, fields, column="search_vector"):
        if self.postgresql:
            return qs, SearchVectorExact(Stored(column), self.query)
        qs = qs.alias(_document=_document(fields))
        condition = Q()
        for word in self.include:
            condition &= Q(_document__contains=word)
        for word in self.exclude:
            condition &= ~Q(_document__contains=word)
        return qs, condition

    def rank(self):
        if self.postgresql:
            return Cast(SearchRank(Stored(), self.query), FLOAT)
        return Value(0.0, output_field=FLOAT)


# --- the bounded queries ---------------------------------------------------------------


def _arm(kind, qs, limit, rank, label=None):
    """At most `limit` rows of `qs` as (kind, pk, rank, date), for the UNION.

    Unordered, so the database returns the first rows it finds: for a very common
    word it stops after `limit` matches instead of ranking them all (these candidates
    are then sorted in Python). PostgreSQL takes LIMIT inside a UNION; SQLite does not,
    so there the rows are picked by primary key in a subquery."""
    columns = (Value(label or kind.key, output_field=TEXT), "pk", rank, kind.sort_date())
    if connection.features.supports_slicing_ordering_in_compound:
        return qs.order_by().values_list(*columns)[:limit]
    # SQLite does not rank: its candidates are the newest.
    newest = [F(kind.date).desc(nulls_last=True)] if kind.date else []
    picked = qs.order_by(*newest, "-pk").values("pk")[:limit]
    return kind.model.objects.filter(pk__in=picked).order_by().values_list(*columns)


class Cardinality(Func):
    function = "cardinality"
    output_field = IntegerField()


def _count_arm(kind, qs):
    """One row (kind:count, how many rows of `qs` up to CAP + 1, 0, NULL): a count that
    stops at the cap instead of counting every match.

    On PostgreSQL `cardinality(ARRAY(SELECT id … LIMIT cap + 1))`, evaluated once;
    elsewhere COUNT over `id IN (…)`. Either way no full COUNT(*)."""
    picked = qs.order_by().values("pk")[: CAP + 1]
    constants = {
        "result_kind": Value(kind.key + ":count", output_field=TEXT),
        # Constants, so that nothing is grouped by: no match still gives a row.
        "rank": Value(0.0, output_field=FLOAT),
        "sort_date": Value(None, output_field=DATE),
    }
    names = ("result_kind", "n", "rank", "sort_date")
    if is_postgresql():
        n = Cardinality(ArraySubquery(picked))
        label, rank, date = constants.values()
        return kind.model.objects.order_by().values_list(label, n, rank, date)[:1]
    return (
        kind.model.objects.filter(pk__in=picked)
        .annotate(result_kind=constants.pop("result_kind"))
        .order_by()
        .values("result_kind")
        .annotate(n=Count("pk"), **constants)
        .values_list(*names)
    )


@dataclass
class Named:
    """An issue or party the query names, with what explains a hit it brings."""

    kind: str  # "issue" | "party"
    pk: int
    name: str
    aliases: list


def named(matcher, f):
    """The issues and parties whose names or aliases match the whole query (one query,
    at most NAMED_LIMIT of each): everything on them comes along with the hits."""
    arms = []
    for key, model in NAMED_MODELS.items():
        qs = model.objects.all()
        if f.negotiation is not None:
            qs = (
                qs.filter(negotiation=f.negotiation)
                if key == "issue"
                else qs.filter(participations__negotiation=f.negotiation)
            )
        qs, condition = matcher.match(qs, NAMES[key], column="name_vector")
        picked = qs.filter(condition).order_by().values("pk")[:NAMED_LIMIT]
        arms.append(
            model.objects.filter(pk__in=picked)
            .annotate(named_kind=Value(key), named_name=F(VOCABULARY[key][0]))
            .order_by()
            .values_list("named_kind", "pk", "named_name", "aliases")
        )
    rows = arms[0].union(*arms[1:], all=True).order_by()
    return [Named(kind, pk, name, split_aliases(aliases)) for kind, pk, name, aliases in rows]


@dataclass
class KindResult:
    kind: Kind
    count: int = 0
    at_least: bool = False  # the count is a lower bound ("1,000+")
    rows: list = field(default_factory=list)  # [(pk, rank, date)] best first
    hits: list = field(default_factory=list)
    shown: list = field(default_factory=list)  # the rows whose hits are loaded
    url: str = ""  # set by the view: this kind alone

    @property
    def key(self):
        return self.kind.key

    @property
    def capped(self):
        return self.at_least

    @property
    def display_count(self):
        return f"{self.count:,}+" if self.at_least else f"{self.count:,}"

    @property
    def more(self):
        return self.count > len(self.hits) or self.at_least


def _sort_key(row):
    pk, rank, date = row
    return (-(rank or 0.0), date is None, -(date.toordinal() if date else 0), -pk)


def find(f, terms, top):
    """Counts and the best `top` rows of every kind searched: two queries.

    The UNION holds, for each kind: up to `limit` candidates with the words, with
    their rank; their count, stopping at CAP + 1; and, when the query names issues or
    parties, up to `limit` rows on each. Returns ({key: KindResult}, [Named])."""
    matcher = Matcher(f.q, terms)
    names = named(matcher, f)
    ids = {what: [n.pk for n in names if n.kind == what] for what in NAMED_MODELS}
    limit = min(max(top, RANKED), CAP + 1)
    below = Value(NAMED_RANK, output_field=FLOAT)
    results, arms = {}, []
    for key in f.kinds:
        kind = KINDS[key]
        scoped = kind.scope(kind.model.objects.all(), f)
        if scoped is None:
            continue
        results[key] = KindResult(kind)
        qs, condition = matcher.match(scoped, [name for name, _ in kind.fields])
        arms.append(_arm(kind, qs.filter(condition), limit, matcher.rank()))
        arms.append(_count_arm(kind, qs.filter(condition)))
        for what, lookup in kind.on:
            if ids[what]:
                # Rows on a named issue or party: their own arm, so that they cannot
                # crowd out the candidates with the words; literal ids, so that the
                # database uses the index on the foreign key.
                on = lookup(ids[what]) if callable(lookup) else Q(**{lookup: ids[what]})
                arms.append(_arm(kind, scoped.filter(on), limit, below, f"{key}:{what}"))
    if not arms:
        return results, names
    rows = arms[0].union(*arms[1:], all=True).order_by()
    best, counts, fetched = {}, {}, {}
    for label, pk, rank, date in rows:
        key, _, via = label.partition(":")
        if via == "count":
            counts[key] = pk
            continue
        fetched[label] = fetched.get(label, 0) + 1
        seen = best.setdefault(key, {}).get(pk)
        if seen is None or (rank or 0.0) > (seen[1] or 0.0):
            best[key][pk] = (pk, rank, date)
    for key, result in results.items():
        rows_of_kind = best.get(key, {})
        words = counts.get(key, 0)
        full = [label for label, n in fetched.items() if n >= limit and ":" in label]
        if words > CAP:
            result.count, result.at_least = CAP, True
        elif words < limit and not any(label.startswith(key + ":") for label in full):
            result.count = len(rows_of_kind)  # every row is here: exact
        else:
            # Some rows were left out: those with the words are counted, those brought
            # by a name as far as they were fetched ("at least").
            brought = sum(1 for _pk, rank, _d in rows_of_kind.values() if rank == NAMED_RANK)
            result.count, result.at_least = min(words + brought, CAP), True
        result.rows = sorted(rows_of_kind.values(), key=_sort_key)[:top]
    return results, names


# --- "did you mean" --------------------------------------------------------------------

_WORD = re.compile(r"\w+", re.UNICODE)


def _words(text):
    return [w for w in _WORD.findall(text or "") if len(w) >= 3 and not w.isdigit()]


def _closest(word, candidates, cutoff=0.7):
    """The candidate word closest to `word` ignoring case and accents, or None if none
    is close enough or the word itself is among them."""
    folded = {fold(c): c for c in candidates}
    if fold(word) in folded:
        return None
    close = difflib.get_close_matches(fold(word), list(folded), n=1, cutoff=cutoff)
    if not close:
        return None
    # In the case it was typed in: "corrridor" → "corridor", even if a title says
    # "Corridor".
    found = folded[close[0]]
    return found.lower() if word.islower() else found


def _vocabulary_postgresql(words):
    """Names and aliases resembling each word (pg_trgm word similarity), at most 5 per
    word and kind of record: one query."""
    arms = []
    for word in words:
        for key, model in NAMED_MODELS.items():
            similarity = Greatest(
                *(TrigramWordSimilarity(fold(word), Unaccent(F(name))) for name in VOCABULARY[key])
            )
            arms.append(
                model.objects.annotate(similarity=similarity)
                .filter(similarity__gte=0.3)
                .order_by("-similarity")
                .values_list(*VOCABULARY[key][:1], "aliases")[:5]
            )
    texts = arms[0].union(*arms[1:], all=True).order_by() if len(arms) > 1 else arms[0]
    return [w for row in texts for text in row for w in _words(text)]


def _vocabulary_fallback():
    """Every word of issue and party names and aliases (bounded): one query."""
    arms = [
        model.objects.order_by()
        .annotate(
            names=Concat(
                *sum(([F(n), Value("\n")] for n in VOCABULARY[key]), []), output_field=TextField()
            )
        )
        .values_list("names")
        for key, model in NAMED_MODELS.items()
    ]
    rows = arms[0].union(*arms[1:], all=True).order_by()[:5000]
    return {w for (text,) in rows for w in _words(text)}


def suggest(terms):
    """The query with its misspelt words replaced by close names, or ""."""
    words = [w for term in terms.include for w in term.split()][:SUGGEST_WORDS]
    words = [w for w in words if len(w) >= 3]
    if not words:
        return ""
    postgresql = is_postgresql()
    vocabulary = _vocabulary_postgresql(words) if postgresql else _vocabulary_fallback()
    changed, out = False, []
    for term in terms.include:
        replaced = []
        for word in term.split():
            better = _closest(word, vocabulary) if word in words else None
            changed |= better is not None
            replaced.append(better or word)
        text = " ".join(replaced)
        out.append(f'"{text}"' if " " in text else text)
    out += [f"-{t}" for t in terms.exclude]
    return " ".join(out) if changed else ""


# --- hits ------------------------------------------------------------------------------

# --- hits ------------------------------------------------------------------------------


@dataclass
class Snippet:
    label: str
    html: str  # safe: escaped text with <mark> around the matches
    text: str  # the same excerpt as plain text (for exports)


@dataclass
class Hit:
    kind: str
    pk: int
    data: dict
    title: str
    url: str
    context: str
    date: object  # PartialDate or None
    rank: float
    snippets: list = field(default_factory=list)

    @property
    def kind_label(self):
        return KINDS[self.kind].singular


def _pattern(terms):
    """A regular expression over folded text for the words and phrases to mark."""
    words = sorted({fold(t) for t in terms.include if t}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(r"\s+".join(map(re.escape, w.split())) for w in words))


def _folded_with_origin(text):
    """The folded text and, for each of its characters, the index it came from."""
    if text.isascii():  # the common case: one character each, no accents
        return text.lower(), range(len(text))
    pieces, origin = [], []
    for i, char in enumerate(text):
        folded = char.lower() if char.isascii() else fold(char)
        pieces.append(folded)
        origin.extend([i] * len(folded))
    return "".join(pieces), origin


def snippet(text, pattern, width=220):
    """An excerpt around the first match, or None when the text does not match.

    Matching ignores case and accents ("turkiye" marks "Türkiye"). Returns (html,
    plain): html escapes every piece of text before wrapping matches in <mark>, then
    (and only then) is marked safe."""
    if not text or pattern is None:
        return None
    folded, origin = _folded_with_origin(text)
    spans = [
        (origin[m.start()], origin[m.end() - 1] + 1)
        for m in pattern.finditer(folded)
        if m.end() > m.start()
    ]
    if not spans:
        return None
    first_start, first_end = spans[0]
    start = max(0, first_start - width // 3) if len(text) > width else 0
    end = min(len(text), max(first_end, start + width))
    if start > 0:  # begin at a word boundary
        space = text.find(" ", start, first_start)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", first_end, end)
        end = space if space != -1 else end
    pieces, position = [], start
    for span_start, span_end in spans:
        if span_start < position or span_end > end:
            continue
        pieces.append(escape(text[position:span_start]))
        pieces.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        position = span_end
    pieces.append(escape(text[position:end]))
    before, after = ("…" if start > 0 else ""), ("…" if end < len(text) else "")
    return mark_safe(before + "".join(pieces) + after), before + text[start:end] + after


def _named_snippet(what, name, aliases, pattern):
    text = name + (f" (also: {', '.join(aliases)})" if aliases else "")
    marked = snippet(text, pattern, width=len(text) + 1)
    html, plain = marked or (escape(text), text)
    return Snippet("Issue" if what == "issue" else "Party", html, plain)


def _via(kind, d, names, pattern):
    """Why a hit without the words is here: the issue or party it is on, named."""
    for what, _lookup in kind.on:
        if f"{what}_id" not in d:  # events: linked to one of the named issues
            linked = [n for n in names if n.kind == what]
            if linked:
                aliases = [a for n in linked for a in n.aliases]
                return _named_snippet(what, " or ".join(n.name for n in linked), aliases, pattern)
            continue
        if any(n.kind == what and n.pk == d[f"{what}_id"] for n in names):
            title = d.get(f"{what}_title") or d.get(f"{what}_name") or ""
            aliases = split_aliases(d.get(f"{what}_aliases"))
            return _named_snippet(what, title, aliases, pattern)
    return None


def _data_arm(kind, pks):
    return (
        kind.model.objects.filter(pk__in=pks)
        .annotate(result_kind=Value(kind.key), data=kind.json())
        .order_by()
        .values_list("result_kind", "pk", "data")
    )


def load(groups, terms, names, f):
    """Fill in the hits of each group's rows (set as `group.shown`): one query for
    every kind at once, whatever the number of rows."""
    arms = [_data_arm(g.kind, [pk for pk, _r, _d in g.shown]) for g in groups if g.shown]
    if not arms:
        return
    rows = arms[0].union(*arms[1:], all=True).order_by() if len(arms) > 1 else arms[0]
    data = {(key, pk): d for key, pk, d in rows}
    pattern = _pattern(terms)
    for group in groups:
        group.hits = []
        for pk, rank, _date in group.shown:
            d = data.get((group.key, pk))
            if d is not None:  # else deleted between the two queries
                group.hits.append(_hit(group.kind, pk, rank, d, pattern, names, f))


def _hit(kind, pk, rank, d, pattern, names, f):
    title, url, context, date = kind.describe(pk, d, f)
    hit = Hit(kind.key, pk, d, title, url, context, date, max(rank or 0.0, 0.0))
    for name, label in kind.fields:
        text = d.get(name)
        if name == "aliases":  # one per line: a list to read
            text = ", ".join(split_aliases(text))
        found = snippet(text, pattern)
        if found:
            hit.snippets.append(Snippet(label, *found))
    if not hit.snippets:
        via = _via(kind, d, names, pattern)
        if via:
            hit.snippets.append(via)
        name, label = kind.fields[0]
        text = d.get(name) or ""
        short = text[:200] + ("…" if len(text) > 200 else "")
        if short:
            hit.snippets.append(Snippet(label, escape(short), short))
    return hit


# --- the whole search ------------------------------------------------------------------


@dataclass
class Page:
    """One page of a kind's hits (pages stop at the capped count)."""

    number: int
    per_page: int
    count: int

    @property
    def num_pages(self):
        return max(1, -(-self.count // self.per_page))

    @property
    def start_index(self):
        return (self.number - 1) * self.per_page + 1

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.num_pages

    @property
    def previous_page_number(self):
        return self.number - 1

    @property
    def next_page_number(self):
        return self.number + 1


@dataclass
class Results:
    filters: Filters
    terms: Terms
    groups: list  # [KindResult] in the order of KINDS, every kind searched
    names: list  # [Named]
    page: Page = None  # when one kind is searched
    suggestion: str = ""

    @property
    def total(self):
        return sum(g.count for g in self.groups)

    @property
    def capped(self):
        return any(g.at_least for g in self.groups)

    @property
    def display_total(self):
        return f"{self.total:,}+" if self.capped else f"{self.total:,}"

    @property
    def single(self):
        return self.page is not None

    @property
    def kind_labels(self):
        return [g.kind.label.lower() for g in self.groups]


def _page_number(text):
    try:
        return min(max(1, int(text)), CAP // PER_PAGE)
    except (TypeError, ValueError):
        return 1


def run(f, page=None):
    """Search with filters `f`: None without words, else Results with the hits to show.

    With one kind chosen, a page of PER_PAGE of it; with several, the best PER_GROUP of
    each, counted. Three queries (four when nothing matches: "did you mean")."""
    terms = parse_terms(f.q)
    if not terms:
        return None
    single = len(f.kinds) == 1
    number = _page_number(page) if single else 1
    found, names = find(f, terms, number * PER_PAGE if single else PER_GROUP)
    groups = [found[key] for key in KINDS if key in found]
    results = Results(f, terms, groups, names)
    for group in groups:
        group.shown = group.rows[:PER_GROUP]
    if single and groups:
        group = groups[0]
        results.page = Page(number, PER_PAGE, group.count)
        number = min(number, results.page.num_pages)
        results.page.number = number
        group.shown = group.rows[(number - 1) * PER_PAGE : number * PER_PAGE]
    load(groups, terms, names, f)
    if results.total == 0:
        results.suggestion = suggest(terms)
    return results


def every_hit(f, batch=500):
    """Every hit (up to CAP of each kind) in the page's order, kind by kind, for
    exports: two queries, then one per batch of hits."""
    terms = parse_terms(f.q)
    if not terms:
        return
    found, names = find(f, terms, CAP)
    for key in KINDS:
        if key not in found:
            continue
        group = found[key]
        for start in range(0, len(group.rows), batch):
            group.shown = group.rows[start : start + batch]
            load([group], terms, names, f)
            yield from group.hits
