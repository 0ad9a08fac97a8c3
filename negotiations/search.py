"""Search everything an analyst reads, grouped by kind.

What is searched is one table, `KINDS`: for each kind of record its model, the fields
searched (most telling first), the date it is filtered and sorted by, how the filters
apply to it, how a hit is described and linked, and which of its rows belong to an
issue or a party. Adding a kind (persons, source texts) is one entry there, plus its
stored vector on PostgreSQL (a migration like 0009_search_everywhere).

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

Names and aliases
    An issue's title and aliases, a party's name, short name and aliases are searched
    as the thing they name: a query matching them brings the issue or party and
    everything on it (its positions, provisions, proposals and events), after the
    records that contain the words themselves.

Bounded
    One query finds the issues and parties the query names; one UNION query then
    returns, for every kind, a count capped at CAP + 1 (shown "1,000+") and its best
    rows, ranked over at most CAP + 1 candidates (for a very common word, ranking every
    match is what made search slow). A page then loads its records in one query per
    kind shown. The number of queries does not depend on the number of hits.

Did you mean
    When nothing matches, each word is compared with the words of issue and party
    names and aliases: on PostgreSQL with pg_trgm's word similarity, on SQLite with
    difflib; a close word is offered instead ("Nakhichevan" → "Nakhchivan").

Highlighting is done here in Python: every piece of user text is escaped first and
only then wrapped in our own `<mark>`, so a `<script>` in a summary stays text.
"""

import difflib
import re
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.contrib.postgres.lookups import Unaccent
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
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
    OuterRef,
    Prefetch,
    Q,
    TextField,
    Value,
)
from django.db.models.expressions import Col
from django.db.models.functions import Cast, Coalesce, Concat, Greatest
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from negotiations.aliases import fold, split_aliases
from negotiations.models import (
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

CONFIG = "redline"  # the text-search configuration of migration 0009
CAP = 1000  # counts above it read "1,000+"; also the candidates ranked per kind
PER_PAGE = 50  # hits on a page of one kind
PER_GROUP = 5  # hits of each kind when several kinds are searched
NAMED_LIMIT = 50  # issues and parties a query can name and bring along
# The rank of a row brought by a named issue or party: below every row with the words
# (their rank is ≥ 0, and exactly 0 on SQLite, which does not rank).
NAMED_RANK = -1.0
SUGGEST_WORDS = 4  # the words of a query looked at for "did you mean"
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
        qs = qs.filter(issue__slug=f.issue)
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
            Exists(Provision.objects.filter(proposal=OuterRef("pk"), issue__slug=f.issue))
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
        # One EXISTS per kind of target rather than one with four OR-ed join chains:
        # each is a plain index lookup.
        cited = Citation.objects.filter(source=OuterRef("pk"))
        n = f.negotiation
        qs = qs.filter(
            Exists(cited.filter(position__issue__negotiation=n))
            | Exists(cited.filter(provision__proposal__negotiation=n))
            | Exists(cited.filter(proposal__negotiation=n))
            | Exists(cited.filter(event__negotiation=n))
        )
    return _dated(qs, "date", f)


def _scope_citations(qs, f):
    """Citations whose target passes the filters (dates are the target's)."""
    if not f.narrowed:
        return qs
    conditions = []
    for target in Citation.TARGETS:
        kind = KINDS[target + "s"]
        scoped = kind.scope(kind.model.objects.all(), f)
        if scoped is not None:
            conditions.append(Exists(scoped.filter(pk=OuterRef(f"{target}_id"))))
    return qs.filter(reduce(or_, conditions)) if conditions else None


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


def _on_named_positions(issues, parties):
    return Q(issue_id__in=issues) | Q(party_id__in=parties)


def _on_named_provisions(issues, parties):
    return Q(issue_id__in=issues) | Q(proposal__author_id__in=parties)


def _on_named_proposals(issues, parties):
    return Q(author_id__in=parties) if parties else None


def _on_named_events(issues, parties):
    if not issues:
        return None
    through = Event.issues.through.objects.filter(event=OuterRef("pk"), issue_id__in=issues)
    return Q(Exists(through))


# --- how a hit is described: (title, url, context, partial date) -----------------------


def _describe_position(obj, f):
    return (
        f"{obj.party.name} on {obj.issue.title}",
        obj.get_absolute_url(),
        f"{obj.get_stance_display()}, {obj.get_movement_display().lower()} · "
        f"{obj.issue.negotiation.title}",
        obj.partial_date,
    )


def _describe_provision(obj, f):
    proposal = obj.proposal
    context = f"{proposal.title} · {proposal.negotiation.title}"
    if obj.issue:
        context = f"{obj.issue.title} · {context}"
    title = f"{obj.label} of {proposal.title}"
    return title, obj.get_absolute_url(), context, proposal.partial_date


def _describe_proposal(obj, f):
    author = obj.author.name if obj.author else "joint"
    context = f"{obj.get_kind_display()} by {author} · {obj.negotiation.title}"
    return obj.title, obj.get_absolute_url(), context, obj.partial_date


def _describe_event(obj, f):
    issues = ", ".join(issue.title for issue in obj.issues.all())
    context = " · ".join(x for x in (obj.get_kind_display(), issues, obj.negotiation.title) if x)
    return obj.title, obj.get_absolute_url(), context, obj.partial_date


def _describe_source(obj, f):
    context = " · ".join(x for x in (obj.get_kind_display(), obj.outlet or obj.author) if x)
    return obj.title, obj.get_absolute_url(), context, obj.partial_date


def _describe_citation(obj, f):
    """A citation lives where it is cited: the thread of its position, the proposal of
    its provision, the proposal, or the event on the negotiation's page."""
    title = f"Excerpt from {obj.source.title}" + (f", {obj.locator}" if obj.locator else "")
    target = obj.target
    if obj.position_id:
        what = f"{target.party.name} on {target.issue.title}"
        negotiation, date = target.issue.negotiation, target.partial_date
    elif obj.provision_id:
        what = f"{target.label} of {target.proposal.title}"
        negotiation, date = target.proposal.negotiation, target.proposal.partial_date
    else:
        what, negotiation, date = target.title, target.negotiation, target.partial_date
    return title, target.get_absolute_url(), f"Cited for {what} · {negotiation.title}", date


def _describe_issue(obj, f):
    context = f"Issue in {obj.negotiation.title}"
    if obj.parent:
        context += f" · part of {obj.parent.title}"
    return obj.title, obj.get_absolute_url(), context, None


def _describe_party(obj, f):
    """A party's page is per negotiation: the one searched in, else its first."""
    negotiations = [p.negotiation for p in obj.participations.all()]
    chosen = next((n for n in negotiations if n == f.negotiation), None)
    chosen = chosen or (negotiations[0] if negotiations else None)
    url = reverse("negotiations:party", args=[chosen.slug, obj.slug]) if chosen else ""
    names = ", ".join(n.title for n in negotiations[:3])
    more = f" and {len(negotiations) - 3} more" if len(negotiations) > 3 else ""
    context = obj.get_kind_display() + (f" · takes part in {names}{more}" if names else "")
    return obj.name, url, context, None


# --- the table of kinds ----------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    key: str
    label: str  # plural, as a heading
    singular: str
    model: type
    fields: tuple  # ((field, label), …) searched, the most telling first
    date: object  # the date filtered and sorted by: a path, an expression or None
    scope: object  # (queryset, filters) → queryset or None
    describe: object  # (record, filters) → (title, url, context, partial date)
    related: tuple = ()  # select_related for a page of hits
    prefetch: tuple = ()
    on_named: object = None  # (issue ids, party ids) → Q of rows on them, or None
    # The issue and party a hit is "on", for explaining a hit brought by a name.
    named_via: tuple = ()  # ((attribute path, "issue"|"party"), …)

    def sort_date(self):
        if self.date is None:
            return Cast(Value(None), DateField())
        return F(self.date) if isinstance(self.date, str) else self.date


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
            related=("negotiation", "parent"),
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
            prefetch=(
                Prefetch(
                    "participations",
                    queryset=Participation.objects.select_related("negotiation").order_by(
                        "negotiation__title"
                    ),
                ),
            ),
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
            related=("party", "issue__negotiation"),
            on_named=_on_named_positions,
            named_via=(("issue", "issue"), ("party", "party")),
        ),
        Kind(
            "citations",
            "Citations",
            "Citation",
            Citation,
            (("excerpt", "Excerpt"), ("locator", "Locator")),
            Coalesce(
                "position__date", "provision__proposal__date", "proposal__date", "event__date"
            ),
            _scope_citations,
            _describe_citation,
            related=(
                "source",
                "position__party",
                "position__issue__negotiation",
                "provision__proposal__negotiation",
                "proposal__negotiation",
                "event__negotiation",
            ),
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
            related=("negotiation", "author"),
            on_named=_on_named_proposals,
            named_via=(("author", "party"),),
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
            related=("proposal__negotiation", "proposal__author", "issue"),
            on_named=_on_named_provisions,
            named_via=(("issue", "issue"), ("proposal.author", "party")),
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
            related=("negotiation",),
            prefetch=("issues",),
            on_named=_on_named_events,
        ),
        Kind(
            "sources",
            "Sources",
            "Source",
            Source,
            (("title", "Title"), ("author", "Author"), ("outlet", "Outlet"), ("notes", "Notes")),
            "date",
            _scope_sources,
            _describe_source,
        ),
    ]
}
# The fields of issues and parties that name them (migration 0009's `name_vector`).
NAMES = {"issue": ("title", "aliases"), "party": ("name", "short_name", "aliases")}
NAMED_MODELS = {"issue": Issue, "party": Party}


# --- matching --------------------------------------------------------------------------


class Stored(Expression):
    """A stored tsvector column that only PostgreSQL has (migration 0009), so no model
    field declares it. It resolves to a plain column of the query's main table; being
    a `Col`, it is re-aliased like any other when the query becomes a subquery."""

    output_field = SearchVectorField()

    def __init__(self, column="search_vector"):
        super().__init__()
        self.column = column

    def resolve_expression(self, query=None, *args, **kwargs):
        target = SearchVectorField()
        target.column = self.column
        return Col(query.get_initial_alias(), target)


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
    queryset (with what the condition needs) and the condition as a Q."""

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
            return qs.alias(_vector=Stored(column)), Q(_vector=self.query)
        qs = qs.alias(_document=_document(fields))
        condition = Q()
        for word in self.include:
            condition &= Q(_document__contains=word)
        for word in self.exclude:
            condition &= ~Q(_document__contains=word)
        return qs, condition

    def rank(self):
        if self.postgresql:
            return Cast(SearchRank(Stored(), self.query), FloatField())
        return Value(0.0, output_field=FloatField())


# --- the bounded queries ---------------------------------------------------------------


def _bounded(qs, limit=None):
    """At most `limit` primary keys of `qs`, in no particular order (the database may
    stop at the first `limit` it finds), as a subquery. Wrapped in `pk IN (…)` so it
    can be part of a UNION on SQLite too, which refuses LIMIT directly in one."""
    return qs.order_by().values("pk")[: limit or CAP + 1]


def _ranked_arm(kind, candidates, rank, top):
    """The best `top` of the candidates as (kind, pk, rank, date) rows."""
    model, date = kind.model, kind.sort_date()
    best = (
        model.objects.filter(pk__in=candidates)
        .annotate(_rank=rank, _date=date)
        .order_by(F("_rank").desc(), F("_date").desc(nulls_last=True), "-pk")
        .values("pk")[:top]
    )
    return (
        model.objects.filter(pk__in=best)
        .annotate(result_kind=Value(kind.key), rank=rank, sort_date=date)
        .order_by()
        .values_list("result_kind", "pk", "rank", "sort_date")
    )


COUNTED = ":count"


def _count_arm(kind, candidates):
    """One row (kind + ":count", number of candidates, 0, NULL)."""
    return (
        kind.model.objects.filter(pk__in=candidates)
        .annotate(result_kind=Value(kind.key + COUNTED))
        .order_by()
        .values("result_kind")
        .annotate(
            n=Count("pk"),
            # Constants, so that nothing is grouped by: no match still gives a row.
            rank=Value(0.0, output_field=FloatField()),
            sort_date=Value(None, output_field=DateField()),
        )
        .values_list("result_kind", "n", "rank", "sort_date")
    )


@dataclass
class Named:
    """An issue or party the query names: title and aliases, to explain a hit."""

    kind: str  # "issue" | "party"
    pk: int
    name: str
    aliases: list


def named(matcher, f):
    """The issues and parties whose names or aliases match the whole query (one query,
    at most NAMED_LIMIT of each): their records come along with the hits."""
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
        arms.append(
            model.objects.filter(pk__in=_bounded(qs.filter(condition), NAMED_LIMIT))
            .annotate(named_kind=Value(key), named_name=F(NAMES[key][0]))
            .order_by()
            .values_list("named_kind", "pk", "named_name", "aliases")
        )
    rows = arms[0].union(*arms[1:], all=True).order_by()
    return [Named(kind, pk, name, split_aliases(aliases)) for kind, pk, name, aliases in rows]


@dataclass
class KindResult:
    kind: Kind
    count: int = 0
    capped: bool = False
    rows: list = field(default_factory=list)  # [(pk, rank, date)] best first
    hits: list = field(default_factory=list)

    @property
    def key(self):
        return self.kind.key

    @property
    def display_count(self):
        return f"{CAP:,}+" if self.capped else f"{self.count:,}"

    @property
    def more(self):
        return self.count > len(self.hits) or self.capped


def _sort_key(row):
    pk, rank, date = row
    return (-(rank or 0.0), date is None, -(date.toordinal() if date else 0), -pk)


def find(f, terms, top):
    """Counts and the best `top` rows of every kind searched, in two queries.

    Returns ({kind key: KindResult}, [Named])."""
    matcher = Matcher(f.q, terms)
    names = named(matcher, f)
    issues = [n.pk for n in names if n.kind == "issue"]
    parties = [n.pk for n in names if n.kind == "party"]
    results, arms = {}, []
    for key in f.kinds:
        kind = KINDS[key]
        scoped = kind.scope(kind.model.objects.all(), f)
        if scoped is None:
            continue
        results[key] = KindResult(kind)
        qs, condition = matcher.match(scoped, [name for name, _ in kind.fields])
        arms.append(_ranked_arm(kind, _bounded(qs.filter(condition)), matcher.rank(), top))
        on_named = kind.on_named(issues, parties) if kind.on_named and names else None
        if on_named is not None:
            # Rows on a named issue or party, newest first, after those with the words.
            below = Value(NAMED_RANK, output_field=FloatField())
            arms.append(_ranked_arm(kind, _bounded(scoped.filter(on_named)), below, top))
            condition |= on_named
        arms.append(_count_arm(kind, _bounded(qs.filter(condition))))
    if not arms:
        return results, names
    rows = arms[0].union(*arms[1:], all=True).order_by()
    best = {}
    for key, pk, rank, date in rows:
        if key.endswith(COUNTED):
            result = results[key.removesuffix(COUNTED)]
            result.count, result.capped = min(pk, CAP), pk > CAP
            continue
        seen = best.setdefault(key, {})
        if pk not in seen or (rank or 0.0) > (seen[pk][1] or 0.0):
            seen[pk] = (pk, rank, date)
    for key, result in results.items():
        result.rows = sorted(best.get(key, {}).values(), key=_sort_key)[:top]
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
    return folded[close[0]] if close else None


def _vocabulary_postgresql(words):
    """Names and aliases resembling each word (pg_trgm word similarity), at most 5 per
    word and kind of record: one query."""
    arms = []
    for word in words:
        for key, model in NAMED_MODELS.items():
            similarity = Greatest(
                *(TrigramWordSimilarity(fold(word), Unaccent(F(name))) for name in NAMES[key])
            )
            arms.append(
                model.objects.annotate(similarity=similarity)
                .filter(similarity__gte=0.3)
                .order_by("-similarity")
                .values_list(*NAMES[key][:1], "aliases")[:5]
            )
    texts = arms[0].union(*arms[1:], all=True).order_by() if len(arms) > 1 else arms[0]
    return [w for row in texts for text in row for w in _words(text)]


def _vocabulary_fallback():
    """Every word of issue and party names and aliases (bounded): one query."""
    arms = [
        model.objects.order_by()
        .annotate(
            names=Concat(
                *sum(([F(n), Value("\n")] for n in NAMES[key]), []), output_field=TextField()
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


@dataclass
class Snippet:
    label: str
    html: str  # safe: escaped text with <mark> around the matches
    text: str  # the same excerpt as plain text (for exports)


@dataclass
class Hit:
    kind: str
    obj: object
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
    pieces, origin = [], []
    for i, char in enumerate(text):
        folded = fold(char)
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
    start = max(0, first_start - width // 3)
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


def _attribute(obj, path):
    for name in path.split("."):
        obj = getattr(obj, name, None) if obj is not None else None
    return obj


def _via(kind, obj, names, pattern):
    """Why a hit without the words is here: the issue or party it is on, named."""
    by_key = {(n.kind, n.pk): n for n in names}
    if kind.key == "events":
        linked = [("issue", issue) for issue in obj.issues.all()]
    else:
        linked = [(what, _attribute(obj, path)) for path, what in kind.named_via]
    for what, record in linked:
        found = by_key.get((what, getattr(record, "pk", None)))
        if found is None:
            continue
        text = found.name + (f" (also: {', '.join(found.aliases)})" if found.aliases else "")
        marked = snippet(text, pattern, width=len(text) + 1)
        html, plain = marked or (escape(text), text)
        return Snippet("Issue" if what == "issue" else "Party", html, plain)
    return None


def hits(kind, rows, terms, names, f):
    """The hits of one kind for rows [(pk, rank, date)], in order: one query (plus one
    per prefetched relation) whatever the number of rows."""
    if not rows:
        return []
    queryset = kind.model.objects.prefetch_related(*kind.prefetch)
    if kind.related:
        queryset = queryset.select_related(*kind.related)
    objects = queryset.in_bulk([pk for pk, _rank, _date in rows])
    pattern = _pattern(terms)
    result = []
    for pk, rank, _date in rows:
        obj = objects.get(pk)
        if obj is None:  # deleted between the two queries
            continue
        title, url, context, date = kind.describe(obj, f)
        hit = Hit(kind.key, obj, title, url, context, date, max(rank or 0.0, 0.0))
        for name, label in kind.fields:
            found = snippet(getattr(obj, name), pattern)
            if found:
                hit.snippets.append(Snippet(label, *found))
        if not hit.snippets:
            via = _via(kind, obj, names, pattern)
            if via:
                hit.snippets.append(via)
            name, label = kind.fields[0]
            text = getattr(obj, name) or ""
            short = text[:200] + ("…" if len(text) > 200 else "")
            if short:
                hit.snippets.append(Snippet(label, escape(short), short))
        result.append(hit)
    return result


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
        return any(g.capped for g in self.groups)

    @property
    def display_total(self):
        return f"{self.total:,}+" if self.capped else f"{self.total:,}"

    @property
    def single(self):
        return self.page is not None

    @property
    def kind_labels(self):
        return [g.kind.label.lower() for g in self.groups]


def _page_number(text, last=CAP // PER_PAGE):
    try:
        return min(max(1, int(text)), last)
    except (TypeError, ValueError):
        return 1


def run(f, page=None):
    """Search with filters `f`: None without words, else Results with the hits to show.

    With one kind chosen, a page of PER_PAGE of it; with several, the best PER_GROUP of
    each, counted."""
    terms = parse_terms(f.q)
    if not terms:
        return None
    single = len(f.kinds) == 1
    number = _page_number(page) if single else 1
    top = number * PER_PAGE if single else PER_GROUP
    found, names = find(f, terms, top)
    groups = [found[key] for key in KINDS if key in found]
    results = Results(f, terms, groups, names)
    if single and groups:
        group = groups[0]
        results.page = Page(number, PER_PAGE, group.count)
        number = min(number, results.page.num_pages)
        results.page.number = number
        shown = group.rows[(number - 1) * PER_PAGE : number * PER_PAGE]
    for group in groups:
        rows = shown if single else group.rows[:PER_GROUP]
        group.hits = hits(group.kind, rows, terms, names, f)
    if results.total == 0:
        results.suggestion = suggest(terms)
    return results


def every_hit(f, batch=500):
    """Every hit (up to CAP of each kind) in the page's order, kind by kind, for
    exports. Two queries, then one per kind per batch."""
    terms = parse_terms(f.q)
    if not terms:
        return
    found, names = find(f, terms, CAP)
    for key in KINDS:
        if key not in found:
            continue
        rows = found[key].rows
        for start in range(0, len(rows), batch):
            yield from hits(found[key].kind, rows[start : start + batch], terms, names, f)
