"""Search across positions, provisions, proposals, events and sources.

On PostgreSQL this is full-text search with the `simple` text-search configuration and
ranking; elsewhere (SQLite in development and tests) a plain word match. Either way:

- `results(filters)` returns one queryset of rows `(kind, pk, rank, sort_date)`: a
  UNION of one query per kind, ordered best first, so a paginator can count it and
  slice one page in two queries, whatever the amount of data;
- `hits(rows, terms)` turns one page of rows into `Hit`s in at most one query per
  kind, each with highlighted snippets of the fields that matched.

Snippets are built here in Python: every piece of user text is escaped first and only
then wrapped in our own `<mark>`, so a `<script>` in a summary stays text.
"""

import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import CharField, Exists, F, FloatField, OuterRef, Q, Value
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import mark_safe

from negotiations.models import Citation, Event, Position, Proposal, Provision, Source

PER_PAGE = 50
KINDS = {
    "positions": "Positions",
    "provisions": "Provisions",
    "proposals": "Proposals",
    "events": "Events",
    "sources": "Sources",
}
# The text searched for each kind, most telling field first (it ranks higher).
FIELDS = {
    "positions": [("summary", "Summary"), ("quote", "Quote")],
    "provisions": [("text", "Text"), ("heading", "Heading"), ("label", "Label")],
    "proposals": [("title", "Title"), ("summary", "Summary")],
    "events": [("title", "Title"), ("description", "Description")],
    "sources": [("title", "Title"), ("author", "Author"), ("outlet", "Outlet"), ("notes", "Notes")],
}
MODELS = {
    "positions": Position,
    "provisions": Provision,
    "proposals": Proposal,
    "events": Event,
    "sources": Source,
}
# The date a row is filtered and sorted by: when it was stated, tabled or happened.
DATE_FIELD = {
    "positions": "date",
    "provisions": "proposal__date",
    "proposals": "date",
    "events": "date",
    "sources": "date",
}
# PostgreSQL's `simple` configuration lower-cases and splits words but neither stems
# nor drops stop words. Stemming dictionaries exist for English and Russian, but not
# for Armenian or Azerbaijani, and a stemmer applied to the wrong language mangles
# words; the records here mix all four (and more) in one column. `simple` treats
# "Հայաստան", "переговоры", "Azərbaycan" and "corridor" alike, so a word is found in
# whatever script it was typed. The price is no stemming: "corridors" does not find
# "corridor" (`websearch` syntax allows OR to list forms).
TS_CONFIG = "simple"
_PUNCTUATION = ".,;:!?()[]{}«»“”„\"'‘’"


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


def is_postgresql():
    return connection.vendor == "postgresql"


# --- the query -------------------------------------------------------------------------


def _scoped(kind, f):
    """The kind's rows that pass the filters, or None when a filter cannot apply to it
    (a stance filter means positions only; a party filter excludes events and sources)."""
    if kind not in f.kinds:
        return None
    qs = MODELS[kind].objects.all()
    n = f.negotiation
    if kind == "positions":
        if n is not None:
            qs = qs.filter(issue__negotiation=n)
        if f.party:
            qs = qs.filter(party__slug=f.party)
        if f.issue:
            qs = qs.filter(issue__slug=f.issue)
        if f.stance:
            qs = qs.filter(stance=f.stance)
    elif f.stance:
        return None
    elif kind == "provisions":
        if n is not None:
            qs = qs.filter(proposal__negotiation=n)
        if f.party:
            qs = qs.filter(proposal__author__slug=f.party)
        if f.issue:
            qs = qs.filter(issue__slug=f.issue)
    elif kind == "proposals":
        if n is not None:
            qs = qs.filter(negotiation=n)
        if f.party:
            qs = qs.filter(author__slug=f.party)
        if f.issue:
            on_issue = Provision.objects.filter(proposal=OuterRef("pk"), issue__slug=f.issue)
            qs = qs.filter(Exists(on_issue))
    elif kind == "events":
        if f.party:
            return None
        if n is not None:
            qs = qs.filter(negotiation=n)
        if f.issue:
            linked = Event.issues.through.objects.filter(event=OuterRef("pk"), issue__slug=f.issue)
            qs = qs.filter(Exists(linked))
    elif kind == "sources":
        if f.party or f.issue:
            return None
        if n is not None:
            cited = Citation.objects.for_negotiation(n).filter(source=OuterRef("pk"))
            qs = qs.filter(Exists(cited))
    date = DATE_FIELD[kind]
    if f.date_from:
        qs = qs.filter(**{f"{date}__gte": f.date_from})
    if f.date_to:
        qs = qs.filter(**{f"{date}__lte": f.date_to})
    return qs


def _matching_postgresql(kind, qs, q):
    """Match and rank against the stored, GIN-indexed `search_vector` column
    (migration 0004), which holds the kind's FIELDS with weights A (first) and B."""
    table = MODELS[kind]._meta.db_table
    query = f"websearch_to_tsquery('{TS_CONFIG}'::regconfig, %s)"
    rank = RawSQL(f'ts_rank("{table}"."search_vector", {query})', [q], output_field=FloatField())
    return qs.annotate(rank=rank).extra(where=[f'"{table}"."search_vector" @@ {query}'], params=[q])


def _variants(word):
    """Spellings of a word differing only in case.

    SQLite's LIKE (behind icontains) folds case for ASCII letters only, so "переговоры"
    would miss "Переговоры". Asking for the word as typed, lower-case, upper-case and
    capitalised covers how words are written in practice; a word in odd mixed case
    outside ASCII is still missed on SQLite (PostgreSQL has no such gap)."""
    return {word, word.lower(), word.upper(), word.capitalize()}


def _matching_fallback(kind, qs, terms):
    names = [name for name, _ in FIELDS[kind]]

    def anywhere(word):
        condition = Q()
        for name in names:
            for variant in _variants(word):
                condition |= Q(**{f"{name}__icontains": variant})
        return condition

    for word in terms.include:
        qs = qs.filter(anywhere(word))
    for word in terms.exclude:
        qs = qs.exclude(anywhere(word))
    return qs.annotate(rank=Value(0.0, output_field=FloatField()))


def results(f):
    """The matching rows of every kind as one ordered queryset of
    (kind, pk, rank, sort_date) tuples, or None when there is nothing to search for."""
    terms = parse_terms(f.q)
    if not terms:
        return None
    parts = []
    for kind in KINDS:
        qs = _scoped(kind, f)
        if qs is None:
            continue
        if is_postgresql():
            qs = _matching_postgresql(kind, qs, f.q)
        else:
            qs = _matching_fallback(kind, qs, terms)
        parts.append(
            qs.annotate(
                result_kind=Value(kind, output_field=CharField()),
                sort_date=F(DATE_FIELD[kind]),
            )
            .order_by()
            .values_list("result_kind", "pk", "rank", "sort_date")
        )
    if not parts:
        return MODELS["positions"].objects.none().values_list("pk")
    combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return combined.order_by(
        F("rank").desc(), F("sort_date").desc(nulls_last=True), "result_kind", F("pk").desc()
    )


# --- the hits --------------------------------------------------------------------------


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
        return KINDS[self.kind][:-1]


def _pattern(terms):
    words = sorted({t for t in terms.include if t}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)


def snippet(text, pattern, width=220):
    """An excerpt around the first match, or None when the text does not match.

    Returns (html, plain): html escapes every piece of text before wrapping matches
    in <mark>, then (and only then) is marked safe."""
    if not text or pattern is None:
        return None
    first = pattern.search(text)
    if first is None:
        return None
    start = max(0, first.start() - width // 3)
    end = min(len(text), max(first.end(), start + width))
    if start > 0:  # begin at a word boundary
        space = text.find(" ", start, first.start())
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", first.end(), end)
        end = space if space != -1 else end
    window = text[start:end]
    pieces, position = [], 0
    for match in pattern.finditer(window):
        pieces.append(escape(window[position : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    pieces.append(escape(window[position:]))
    before, after = ("…" if start > 0 else ""), ("…" if end < len(text) else "")
    return mark_safe(before + "".join(pieces) + after), before + window + after


def _describe(kind, obj):
    """(title, url, context, partial date) of one hit."""
    if kind == "positions":
        return (
            f"{obj.party.name} on {obj.issue.title}",
            obj.get_absolute_url(),
            f"{obj.get_stance_display()}, {obj.get_movement_display().lower()} · "
            f"{obj.issue.negotiation.title}",
            obj.partial_date,
        )
    if kind == "provisions":
        proposal = obj.proposal
        context = f"{proposal.title} · {proposal.negotiation.title}"
        if obj.issue:
            context = f"{obj.issue.title} · {context}"
        return (
            f"{obj.label} of {proposal.title}",
            obj.get_absolute_url(),
            context,
            (proposal.partial_date),
        )
    if kind == "proposals":
        author = obj.author.name if obj.author else "joint"
        context = f"{obj.get_kind_display()} by {author} · {obj.negotiation.title}"
        return obj.title, obj.get_absolute_url(), context, obj.partial_date
    if kind == "events":
        context = f"{obj.get_kind_display()} · {obj.negotiation.title}"
        return obj.title, obj.get_absolute_url(), context, obj.partial_date
    context = " · ".join(x for x in (obj.get_kind_display(), obj.outlet or obj.author) if x)
    return obj.title, obj.get_absolute_url(), context, obj.partial_date


RELATED = {
    "positions": ("party", "issue__negotiation"),
    "provisions": ("proposal__negotiation", "issue"),
    "proposals": ("negotiation", "author"),
    "events": ("negotiation",),
    "sources": (),
}


def hits(rows, terms, kinds=tuple(KINDS)):
    """Hits for a page of result rows, in the rows' order; one query per searched kind."""
    rows = list(rows)
    wanted = {}
    for kind, pk, _rank, _date in rows:
        wanted.setdefault(kind, []).append(pk)
    objects = {}
    for kind in kinds:
        queryset = MODELS[kind].objects.all()
        if RELATED[kind]:
            queryset = queryset.select_related(*RELATED[kind])
        # A kind without hits on this page still runs its (empty) query, so the page
        # costs the same number of queries whatever the data: -1 is never a key.
        found = queryset.in_bulk(wanted.get(kind) or [-1])
        objects.update({(kind, pk): obj for pk, obj in found.items()})
    pattern = _pattern(terms)
    result = []
    for kind, pk, rank, _date in rows:
        obj = objects.get((kind, pk))
        if obj is None:  # deleted between the two queries
            continue
        title, url, context, date = _describe(kind, obj)
        hit = Hit(kind, obj, title, url, context, date, rank or 0.0)
        for name, label in FIELDS[kind]:
            found = snippet(getattr(obj, name), pattern)
            if found:
                hit.snippets.append(Snippet(label, *found))
        if not hit.snippets:  # matched on a word form the highlighter does not see
            name, label = FIELDS[kind][0]
            text = getattr(obj, name) or ""
            short = text[:200] + ("…" if len(text) > 200 else "")
            hit.snippets.append(Snippet(label, escape(short), short))
        result.append(hit)
    return result


def all_hits(queryset, terms, batch=500):
    """Every hit of a result queryset, a batch at a time (for exports)."""
    offset = 0
    while True:
        rows = list(queryset[offset : offset + batch])
        if not rows:
            return
        yield from hits(rows, terms)
        if len(rows) < batch:
            return
        offset += batch
