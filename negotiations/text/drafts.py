"""Splitting pasted draft texts into provisions, and aligning two drafts provision by provision.

Pure functions and small dataclasses: no database, no models.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from negotiations.text.diffs import similarity

__all__ = [
    "DraftPart",
    "Pair",
    "Side",
    "align",
    "label_scheme",
    "normalise_label",
    "roman_to_int",
    "split_draft",
    "suggest_issues",
    "summarise",
]

PREAMBLE = "Preamble"
WHOLE_TEXT = "Text"

#: A title after a heading label longer than this many words is the start of the body.
MAX_TITLE_WORDS = 8
#: ... and so is a title of more than this many words that ends like a sentence.
MAX_SENTENCE_TITLE_WORDS = 4
#: Bare Roman numeral headings ("IV.") are recognised up to this value (XXXIX); it keeps
#: initials such as "M." or "C." from being read as headings.
MAX_BARE_ROMAN = 39

# ---------------------------------------------------------------------------------------
# Splitting
# ---------------------------------------------------------------------------------------

# Words that introduce a provision number. "art" without a dot needs a space after it.
_HEADING_WORD = r"(?:article|art\.|art(?=\s)|point|clause|section|статья|հոդված|§)"
_NUMBER = r"(?:\d+[a-z]?|[ivxlcdm]+)(?!\w)"

_WORD_HEADING_RE = re.compile(
    rf"(?P<label>{_HEADING_WORD}\s*(?P<num>{_NUMBER}))(?P<rest>.*)", re.IGNORECASE
)
# A bare number at the line start: "9." / "9)" / "IV." followed by whitespace or the end.
# Roman numerals must be upper case: "i)", "ii." are conventionally sub-items.
_BARE_HEADING_RE = re.compile(r"(?P<label>(?P<num>\d{1,3}|[IVXLC]{1,7})[.)])(?=\s|$)(?P<rest>.*)")
_SEPARATORS = ".:)-\u2013\u2014\u0589"  # . : ) - – — and the Armenian full stop ։
_ROMAN_RE = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


@dataclass
class DraftPart:
    """One provision of a pasted draft."""

    label: str  # "Preamble", "Text", or the heading label as written: "Article 1", "Art. 2", "9."
    heading: str  # the title after the label on the heading line ("Borders"), or ""
    text: str  # body text, stripped, lines joined with "\n"


def roman_to_int(s: object) -> int | None:
    """Value of a well-formed Roman numeral (any case), else ``None``: ``"XIV"`` -> 14."""
    if not isinstance(s, str):
        return None
    numeral = s.strip().upper()
    if not numeral or not _ROMAN_RE.fullmatch(numeral):
        return None
    total = 0
    for char, following in zip(numeral, [*numeral[1:], ""], strict=True):
        value = _ROMAN_VALUES[char]
        total += -value if following and _ROMAN_VALUES[following] > value else value
    return total


def _normalise_newlines(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\u2028", "\n").replace("\u2029", "\n").lstrip("\ufeff")


def _split_title(rest: str) -> tuple[str, str, bool]:
    """Split what follows a heading label into ``(title, body_start, had_separator)``."""
    stripped = rest.lstrip()
    title = stripped.lstrip(_SEPARATORS + " \t\xa0")
    had_separator = len(title) < len(stripped) or not stripped
    title = title.strip()
    words = title.split()
    ends_like_sentence = title.endswith((".", ";", "!", "?"))
    if len(words) > MAX_TITLE_WORDS or (
        ends_like_sentence and len(words) > MAX_SENTENCE_TITLE_WORDS
    ):
        return "", title, had_separator
    return title.rstrip(_SEPARATORS + " ").strip(), "", had_separator


def _match_word_heading(line: str) -> tuple[str, str, str] | None:
    """``(label, title, body_start)`` if the line is an "Article N"-style heading."""
    match = _WORD_HEADING_RE.match(line)
    if not match:
        return None
    number = match["num"]
    if not number[0].isdigit() and roman_to_int(number) is None:
        return None
    title, body, had_separator = _split_title(match["rest"])
    # "Article 3 of the Treaty ..." / "Article 3, paragraph 2 ..." starting a wrapped line is
    # a reference, not a heading: without a separator the title must not start lower-case
    # or with a comma/semicolon.
    first = (title or body)[:1]
    if not had_separator and first and (first.islower() or first in ",;"):
        return None
    return " ".join(match["label"].split()), title, body


def _match_bare_heading(line: str) -> tuple[str, str, str] | None:
    """``(label, title, body_start)`` if the line starts with a bare "9." / "9)" / "IV."."""
    match = _BARE_HEADING_RE.match(line)
    if not match:
        return None
    number = match["num"]
    if not number.isdigit():
        value = roman_to_int(number)
        if value is None or value > MAX_BARE_ROMAN:
            return None
    title, body, _ = _split_title(match["rest"])
    return match["label"], title, body


def split_draft(text: str | None) -> list[DraftPart]:
    """Split a pasted draft into provisions.

    Headings are lines (leading whitespace ignored, case-insensitive) that start with
    ``Article N`` / ``Art. N`` / ``Art N`` / ``Point N`` / ``Clause N`` / ``Section N`` /
    ``§ N`` / ``Статья N`` / ``Հոդված N`` (Arabic numbers, optionally with a letter as in
    ``3a``, or Roman numerals), or with a bare number ``9.`` / ``9)`` / ``IV.``.

    Judgement calls:

    * Bare numbers are headings only in drafts that have no word headings at all. In a
      draft with "Article N" headings, lines starting "1.", "2." are the numbered paragraphs
      of an article and stay in its body.
    * The rest of a heading line is the provision's title ("Article 3. Borders") when it is
      short, and the start of its body when it is a sentence: more than 8 words, or more
      than 4 words ending with ".", ";", "!" or "?". This applies to bare numbers
      ("1. A complete ceasefire ... is declared.") and word headings alike.
    * A line starting "Article 3 of the ..." or "Article 3, ..." (a reference wrapped onto
      a new line) is not a heading; mid-line mentions never are.

    Text before the first heading becomes a "Preamble" provision (if not blank); a text with
    no headings is one provision labelled "Text"; an empty text gives ``[]``. Line endings
    are normalised to ``"\\n"``.
    """
    text = _normalise_newlines(text or "")
    if not text.strip():
        return []
    lines = text.split("\n")
    headings = [_match_word_heading(line.lstrip()) for line in lines]
    if not any(headings):
        headings = [_match_bare_heading(line.lstrip()) for line in lines]
    if not any(headings):
        return [DraftPart(WHOLE_TEXT, "", text.strip())]

    parts: list[DraftPart] = []
    label, title, body = PREAMBLE, "", []
    for line, heading in zip(lines, headings, strict=True):
        if heading is None:
            body.append(line)
            continue
        body_text = "\n".join(body).strip()
        if label != PREAMBLE or body_text:
            parts.append(DraftPart(label, title, body_text))
        label, title, body_start = heading
        body = [body_start] if body_start else []
    parts.append(DraftPart(label, title, "\n".join(body).strip()))
    return parts


# ---------------------------------------------------------------------------------------
# Labels and issues
# ---------------------------------------------------------------------------------------

_LABEL_RE = re.compile(
    rf"(?P<word>{_HEADING_WORD}\s*)?"
    r"(?:(?P<digits>\d+)(?P<suffix>[a-z]?)|(?P<roman>[ivxlcdm]+))"
    rf"\s*[{re.escape(_SEPARATORS)}]*",
    re.IGNORECASE,
)
_TRAILING_PUNCTUATION = _SEPARATORS + ",;!?\u2026 "


def normalise_label(label: str | None) -> str:
    """A comparable key for a provision label.

    ``"Article IV"``, ``"Art. 4"``, ``"ARTICLE 4."``, ``"4."``, ``"4)"``, ``"Point 4"``,
    ``"§ 4"``, ``"Статья 4"``, ``"Հոդված 4"`` -> ``"4"``; ``"Article 3a"`` -> ``"3a"``;
    ``"Preamble"`` / ``"Text"`` -> ``"preamble"``; anything else lower-cased, whitespace
    collapsed, trailing punctuation stripped. A bare Roman numeral counts as in
    ``split_draft``: upper case, up to XXXIX (``"IV."`` -> ``"4"``; ``"mix"``, ``"C"`` do
    not).
    """
    collapsed = " ".join((label or "").split())
    if collapsed.rstrip(_TRAILING_PUNCTUATION).lower() in {"preamble", "text"}:
        return "preamble"
    match = _LABEL_RE.fullmatch(collapsed)
    if match and match["digits"]:
        return str(int(match["digits"])) + match["suffix"].lower()
    if match and (match["word"] or match["roman"].isupper()):
        value = roman_to_int(match["roman"])
        if value is not None and (match["word"] or value <= MAX_BARE_ROMAN):
            return str(value)
    return collapsed.lower().rstrip(_TRAILING_PUNCTUATION)


def suggest_issues(text: str | None, issues: Iterable[tuple]) -> list[str]:
    """Slugs of the issues whose keywords occur in the text, in order of first occurrence.

    Each issue is ``(slug, keywords)`` or ``(slug, keywords, needed)``: it is suggested when
    ``needed`` (default 1) of its distinct keywords occur, so that a title's words can be
    asked for together ("Western Azerbaijan claims" is not "withdraw interstate claims").
    A slug may come more than once (its aliases, then its title's words); any entry that
    matches suggests it. A keyword matches case-insensitively (Unicode-aware) where a word
    starts: a whole word or a word prefix, so "border" matches "Borders" and
    "cross-border" but not "reborder", and "Լաչին" matches "Լաչինի". Multi-word keywords
    (phrases) match across any whitespace. These are only suggestions; callers decide.
    """
    text = text or ""
    best: dict[str, tuple[int, int]] = {}
    for order, (slug, keywords, *rest) in enumerate(issues):
        needed = max(rest[0] if rest else 1, 1)
        starts = []
        distinct = {k.casefold(): k for k in keywords if (k or "").strip()}
        for keyword in distinct.values():
            pattern = r"(?<!\w)" + r"\s+".join(re.escape(word) for word in keyword.split())
            match = re.search(pattern, text, re.IGNORECASE)
            if match:
                starts.append(match.start())
        if starts and len(starts) >= needed:
            key = (min(starts), order)
            best[slug] = min(best.get(slug, key), key)
    return [slug for slug, _ in sorted(best.items(), key=lambda item: item[1])]


# ---------------------------------------------------------------------------------------
# Alignment
# ---------------------------------------------------------------------------------------

UNCHANGED = "unchanged"
REWORDED = "reworded"
ADDED = "added"
REMOVED = "removed"
MOVED = "moved"
STATUSES = (UNCHANGED, REWORDED, ADDED, REMOVED, MOVED)

#: Two texts under the same label are only paired when they are at least this similar (or
#: on the same issue). Measured with ``diffs.similarity``: unrelated clauses of generated
#: prose (Zipf-like words, 20 to 150 of them) never reach 0.30 and the unrelated clauses of
#: the tests stay under 0.20, while a clause with half of its words rewritten still scores
#: 0.5 or more. Issue #16's "Non-use of force" against "Troop withdrawal" scored 0.13.
LABEL_FLOOR = 0.35
#: Text similarity alone (no label, no issue in common) pairs two provisions from this
#: value: higher than LABEL_FLOOR because nothing else vouches for the pair, and above the
#: 0.45 that unrelated seeded provisions reach when they share a 12-word disclaimer.
CONTENT_FLOOR = 0.5
#: What the same label, and the same issue, add to a candidate pair's score. A pairing by
#: label gives way to one under another label only when that text is more similar by more
#: than LABEL_WEIGHT (a renumbered article that was also reworded).
LABEL_WEIGHT = 0.25
ISSUE_WEIGHT = 0.25
#: Similarity from which a text found under another label counts as the same provision moved.
MOVED_SIMILARITY = 0.9
#: Texts shorter than this (in words) are too generic ("Reserved.") to be paired on their
#: text alone, and to make an identical text under another label beat a label match.
MIN_MOVED_WORDS = 5
#: Up to this many (A, B) pairs, every pair of a group is checked for similarity; above it,
#: only each provision's few best candidates by shared distinctive words.
EXACT_PAIR_LIMIT = 400
CANDIDATES_PER_PROVISION = 3

MANUAL = "manual"
LABEL = "label"
ISSUE = "issue"
SIMILARITY = "similarity"

# Label schemes: how a draft numbers its provisions. "Article 4" and "Point 4" both
# normalise to "4", but a joint statement's point 4 is not a treaty's article 4.
_SCHEME_WORDS = {
    "article": "article",
    "art.": "article",
    "art": "article",
    "статья": "article",
    "հոդված": "article",
    "point": "point",
    "clause": "clause",
    "section": "section",
    "§": "section",
}


def label_scheme(label: str | None) -> str | None:
    """How a label numbers: ``"article"`` (Article, Art., Статья, Հոդված), ``"point"``
    (Point, and bare numbers "9." / "9)" / "IV."), ``"clause"``, ``"section"`` (Section,
    §), or ``None`` for a label without a number ("Preamble", "Annex")."""
    collapsed = " ".join((label or "").split())
    match = _LABEL_RE.fullmatch(collapsed)
    if not match:
        return None
    if match["word"]:
        return _SCHEME_WORDS.get(match["word"].strip().lower())
    numbered = normalise_label(collapsed)
    return "point" if numbered[:1].isdigit() else None


def _draft_scheme(schemes: list[str | None]) -> str | None:
    """The scheme of most of a draft's numbered labels, or None if none has a majority."""
    counted = Counter(s for s in schemes if s is not None)
    if not counted:
        return None
    scheme, count = counted.most_common(1)[0]
    return scheme if 2 * count > sum(counted.values()) else None


@dataclass
class Side:
    """One provision of a proposal, as plain data."""

    key: object  # the caller's id, e.g. a provision pk
    label: str
    issue: object | None  # the caller's (hashable) issue id, or None
    text: str


@dataclass
class Pair:
    """A provision of draft A aligned with one of draft B (either may be missing).

    An unpaired provision may have a ``hint``: the provision of the other draft that was
    its nearest candidate but too different to pair ("possible counterpart").
    """

    a: Side | None
    b: Side | None
    status: str  # "unchanged", "reworded", "added" (only in B), "removed" (only in A), "moved"
    matched_by: str  # "manual", "label", "issue", "similarity", or "" when unpaired
    similarity: float  # 0..1, 1.0 for identical texts
    hint: Side | None = None
    hint_similarity: float = 0.0


@dataclass
class _Item:
    index: int
    side: Side
    label: str
    words: list[str]
    scheme: str | None = None
    norm: str = field(init=False)
    _counts: Counter[str] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.norm = " ".join(self.words)

    @property
    def issue(self) -> object | None:
        return self.side.issue

    @property
    def vocabulary(self) -> set[str]:
        return set(self.counts)

    @property
    def counts(self) -> Counter[str]:
        if self._counts is None:
            self._counts = Counter(self.words)
        return self._counts


def _items(sides: list[Side]) -> list[_Item]:
    return [
        _Item(
            index,
            side,
            normalise_label(side.label),
            (side.text or "").split(),
            label_scheme(side.label),
        )
        for index, side in enumerate(sides)
    ]


def _similarity(a: _Item, b: _Item) -> float:
    if a.norm == b.norm:
        return 1.0
    return similarity(a.norm, b.norm)


def _quick_bound(a: _Item, b: _Item) -> float:
    """Upper bound of ``_similarity``: difflib's real_quick_ratio, then quick_ratio."""
    total = len(a.words) + len(b.words)
    if not total:
        return 1.0
    if not a.words or not b.words:
        return 0.0
    small, large = (a, b) if len(a.counts) <= len(b.counts) else (b, a)
    large_counts = large.counts
    overlap = sum(min(n, large_counts[w]) for w, n in small.counts.items() if w in large_counts)
    return 2 * overlap / total


def _candidate_pairs(pool_a: list[_Item], pool_b: list[_Item]) -> Iterable[tuple[_Item, _Item]]:
    """Pairs worth a similarity check.

    Small pools: all pairs. Large pools (leftovers of two big drafts whose labels do not
    match, e.g. after a renumbering): checking all pairs is quadratic and, for prose, the
    quick ratios prune little (unrelated texts share their frequent words), so only each
    provision's ``CANDIDATES_PER_PROVISION`` best candidates by shared distinctive words
    (IDF-weighted, words in more than a quarter of the provisions ignored) are checked.
    """
    if len(pool_a) * len(pool_b) <= EXACT_PAIR_LIMIT:
        return ((a, b) for b in pool_b for a in pool_a)
    documents = len(pool_a) + len(pool_b)
    frequency: Counter[str] = Counter()
    for item in (*pool_a, *pool_b):
        frequency.update(item.vocabulary)
    idf = {
        word: math.log(documents / count)
        for word, count in frequency.items()
        if count <= documents / 4
    }
    postings: dict[str, list[int]] = defaultdict(list)
    for position, a in enumerate(pool_a):
        for word in a.vocabulary:
            if word in idf:
                postings[word].append(position)
    best_for_a: dict[int, list[tuple[float, int]]] = defaultdict(list)
    pairs: set[tuple[int, int]] = set()
    for b_position, b in enumerate(pool_b):
        scores: dict[int, float] = defaultdict(float)
        for word in b.vocabulary:
            weight = idf.get(word)
            if weight:
                for a_position in postings[word]:
                    scores[a_position] += weight
        top = heapq.nlargest(CANDIDATES_PER_PROVISION, scores.items(), key=lambda kv: kv[1])
        pairs.update((a_position, b_position) for a_position, _ in top)
        for a_position, score in scores.items():
            best_for_a[a_position].append((score, b_position))
    for a_position, scored in best_for_a.items():
        top_b = heapq.nlargest(CANDIDATES_PER_PROVISION, scored)
        pairs.update((a_position, b_position) for _, b_position in top_b)
    return ((pool_a[i], pool_b[j]) for i, j in sorted(pairs))


# A heap entry: (-score, rank of how it matched, B index, A index, exact, similarity).
# Ties go to the label, then the issue, then B's order, then A's: deterministic.
_RANK = {LABEL: 0, ISSUE: 1, SIMILARITY: 2}
#: The highest score a pair under two different labels can have (identical texts, same issue).
_MAX_CROSS_SCORE = 1.0 + ISSUE_WEIGHT


class _Aligner:
    def __init__(
        self,
        a_sides: list[Side],
        b_sides: list[Side],
        content_floor: float,
        manual: Iterable[tuple[object, object]],
        apart: Iterable[tuple[object, object]],
    ):
        self.a = _items(a_sides)
        self.b = _items(b_sides)
        self.content_floor = content_floor
        # b index -> (a index, matched_by, similarity)
        self.b_match: dict[int, tuple[int, str, float]] = {}
        self.a_match: dict[int, int] = {}  # a index -> b index
        index_a = {item.side.key: item.index for item in self.a}
        index_b = {item.side.key: item.index for item in self.b}
        self.manual = [(index_a[x], index_b[y]) for x, y in manual if x in index_a and y in index_b]
        self.apart = {(index_a[x], index_b[y]) for x, y in apart if x in index_a and y in index_b}
        # Points against articles: the numbers say nothing, so numbered labels are not
        # matched; labels without a number ("Preamble", "Annex") still are.
        scheme_a = _draft_scheme([x.scheme for x in self.a])
        scheme_b = _draft_scheme([x.scheme for x in self.b])
        self.schemes_agree = scheme_a is None or scheme_b is None or scheme_a == scheme_b
        self.by_label: dict[str, list[int]] = defaultdict(list)
        for item in self.a:
            self.by_label[item.label].append(item.index)
        self.sims: dict[tuple[int, int], float] = {}
        # The (A, B) pairs of long texts checked for similarity when pairing; the possible
        # counterparts of what stays unpaired are looked for among them.
        self.text_pairs: list[tuple[_Item, _Item]] = []

    def similarity(self, a: _Item, b: _Item) -> float:
        key = (a.index, b.index)
        if key not in self.sims:
            self.sims[key] = _similarity(a, b)
        return self.sims[key]

    def pair(self, i: int, j: int, matched_by: str, sim: float) -> None:
        self.b_match[j] = (i, matched_by, sim)
        self.a_match[i] = j

    def free(self, i: int, j: int) -> bool:
        return i not in self.a_match and j not in self.b_match and (i, j) not in self.apart

    def same_label(self, a: _Item, b: _Item) -> bool:
        """Whether the two labels are a label match (the same number in the same scheme)."""
        if a.label != b.label:
            return False
        return self.schemes_agree or (a.scheme is None and b.scheme is None)

    def label_partners(self, b: _Item) -> Iterable[_Item]:
        for i in self.by_label.get(b.label, ()):
            if self.same_label(self.a[i], b):
                yield self.a[i]

    def run(self) -> list[Pair]:
        # 1. Pairs made by hand come first, whatever their texts.
        for i, j in self.manual:
            if i not in self.a_match and j not in self.b_match:
                self.pair(i, j, MANUAL, self.similarity(self.a[i], self.b[j]))

        # 2. Same label and the same text: the common case, and cheap.
        for b in self.b:
            for a in self.label_partners(b):
                if self.free(a.index, b.index) and a.norm == b.norm:
                    self.pair(a.index, b.index, LABEL, 1.0)
                    break

        # 3. The same text under another label (a moved or renumbered provision) beats a
        #    label match, but only for texts long enough not to be boilerplate.
        by_text: dict[str, list[int]] = defaultdict(list)
        for item in self.a:
            if item.index not in self.a_match and len(item.words) >= MIN_MOVED_WORDS:
                by_text[item.norm].append(item.index)
        for b in self.b:
            if b.index in self.b_match or len(b.words) < MIN_MOVED_WORDS:
                continue
            for i in by_text.get(b.norm, ()):
                if self.free(i, b.index):
                    self.pair(i, b.index, SIMILARITY, 1.0)
                    break

        # 4. Everything else: one greedy assignment by score.
        self.assign()
        return self.result()

    def label_candidates(self) -> list[tuple]:
        """Label matches that may pair: texts at least LABEL_FLOOR similar, or one issue."""
        found = []
        for b in self.b:
            if b.index in self.b_match:
                continue
            for a in self.label_partners(b):
                if not self.free(a.index, b.index):
                    continue
                sim = self.similarity(a, b)
                same_issue = a.issue is not None and a.issue == b.issue
                if sim >= LABEL_FLOOR or same_issue:
                    score = sim + LABEL_WEIGHT + (ISSUE_WEIGHT if same_issue else 0.0)
                    found.append((-score, _RANK[LABEL], b.index, a.index, True, sim))
        return found

    def cross_candidates(self, known: set[tuple[int, int]]) -> list[tuple]:
        """Pairs under different labels: on the same issue (any similarity), or with texts
        of MIN_MOVED_WORDS words or more whose upper bound reaches the content floor.
        Scored by that upper bound: the similarity is computed when one reaches the top."""
        free_a = [x for x in self.a if x.index not in self.a_match]
        free_b = [x for x in self.b if x.index not in self.b_match]
        found = []
        seen = set(known)
        groups_a: dict[object, list[_Item]] = defaultdict(list)
        groups_b: dict[object, list[_Item]] = defaultdict(list)
        for x in free_a:
            if x.issue is not None:
                groups_a[x.issue].append(x)
        for x in free_b:
            if x.issue is not None:
                groups_b[x.issue].append(x)
        for issue, group_b in groups_b.items():
            for a, b in _candidate_pairs(groups_a.get(issue, []), group_b):
                if (a.index, b.index) in seen or (a.index, b.index) in self.apart:
                    continue
                seen.add((a.index, b.index))
                bound = _quick_bound(a, b) + ISSUE_WEIGHT
                found.append((-bound, _RANK[ISSUE], b.index, a.index, False, 0.0))
        long_a = [x for x in free_a if len(x.words) >= MIN_MOVED_WORDS]
        long_b = [x for x in free_b if len(x.words) >= MIN_MOVED_WORDS]
        self.text_pairs = list(_candidate_pairs(long_a, long_b))
        for a, b in self.text_pairs:
            if (a.index, b.index) in seen or (a.index, b.index) in self.apart:
                continue
            total = len(a.words) + len(b.words)
            if 2 * min(len(a.words), len(b.words)) / total < self.content_floor:
                continue  # real_quick_ratio
            bound = _quick_bound(a, b)
            if bound >= self.content_floor:
                found.append((-bound, _RANK[SIMILARITY], b.index, a.index, False, 0.0))
        return found

    def assign(self) -> None:
        """Greedy best-first pairing of what is left, by score: similarity, plus
        LABEL_WEIGHT for a label match and ISSUE_WEIGHT for the same issue.

        Label matches scoring over what any pair under two labels can score are taken
        first, as the greedy would (they top the heap), so the provisions they pair need
        no other candidates. Lazy greedy: candidates under two labels are pushed with an
        upper bound (quick ratio) and the exact similarity is only computed when one
        reaches the top of the heap.
        """
        labels = sorted(self.label_candidates())
        rest = []
        for entry in labels:
            if -entry[0] < _MAX_CROSS_SCORE:
                rest.append(entry)
                continue
            _, _, j, i, _, sim = entry
            if self.free(i, j):
                self.pair(i, j, LABEL, sim)
        known = {(entry[3], entry[2]) for entry in labels}
        heap = [e for e in rest if self.free(e[3], e[2])]
        heap.extend(self.cross_candidates(known))
        heapq.heapify(heap)
        while heap:
            neg_score, rank, j, i, exact, sim = heapq.heappop(heap)
            if not self.free(i, j):
                continue
            if exact:
                matched_by = next(k for k, v in _RANK.items() if v == rank)
                self.pair(i, j, matched_by, sim)
                continue
            a, b = self.a[i], self.b[j]
            sim = self.similarity(a, b)
            if rank == _RANK[ISSUE]:
                heapq.heappush(heap, (-(sim + ISSUE_WEIGHT), rank, j, i, True, sim))
            elif sim >= self.content_floor:
                heapq.heappush(heap, (-sim, rank, j, i, True, sim))

    def hints(self) -> tuple[dict[int, tuple[int, float]], dict[int, tuple[int, float]]]:
        """For each unpaired provision, its nearest unpaired counterpart that is too
        different to pair: the same label (any similarity), else a text at least
        LABEL_FLOOR similar among the pairs checked when pairing (``text_pairs``).
        ``({a index: (b index, similarity)}, {b index: (a index, similarity)})``."""
        free_b = [x for x in self.b if x.index not in self.b_match]
        best_a: dict[int, tuple[tuple, int, float]] = {}
        best_b: dict[int, tuple[tuple, int, float]] = {}
        if len(self.a_match) == len(self.a) or not free_b:
            return {}, {}
        pairs: set[tuple[int, int]] = set()
        for b in free_b:
            pairs.update((a.index, b.index) for a in self.label_partners(b))
        for a, b in self.text_pairs:
            if _quick_bound(a, b) >= LABEL_FLOOR:
                pairs.add((a.index, b.index))
        for i, j in sorted(pairs):
            if i in self.a_match or j in self.b_match or (i, j) in self.apart:
                continue
            a, b = self.a[i], self.b[j]
            labelled = self.same_label(a, b)
            sim = self.similarity(a, b)
            if not labelled and sim < LABEL_FLOOR:
                continue
            rank = (labelled, sim, -j, -i)
            if i not in best_a or rank > best_a[i][0]:
                best_a[i] = (rank, j, sim)
            if j not in best_b or rank > best_b[j][0]:
                best_b[j] = (rank, i, sim)
        return (
            {i: (j, sim) for i, (_, j, sim) in best_a.items()},
            {j: (i, sim) for j, (_, i, sim) in best_b.items()},
        )

    def result(self) -> list[Pair]:
        chain = self.in_order_chain()
        moved = {
            j
            for j, (i, matched_by, _) in self.b_match.items()
            if j not in chain and matched_by != LABEL and self.a[i].label != self.b[j].label
        }
        pairs_by_b: dict[int, Pair] = {}
        for j, (i, matched_by, sim) in self.b_match.items():
            a, b = self.a[i], self.b[j]
            if a.norm == b.norm:
                status = MOVED if j in moved else UNCHANGED
            elif j in moved and sim >= MOVED_SIMILARITY:
                status = MOVED
            else:
                status = REWORDED
            pairs_by_b[j] = Pair(a.side, b.side, status, matched_by, sim)
        hints_a, hints_b = self.hints()

        def removed(a: _Item) -> Pair:
            j, sim = hints_a.get(a.index, (None, 0.0))
            hint = self.b[j].side if j is not None else None
            return Pair(a.side, None, REMOVED, "", 0.0, hint, sim)

        def added(b: _Item) -> Pair:
            i, sim = hints_b.get(b.index, (None, 0.0))
            hint = self.a[i].side if i is not None else None
            return Pair(None, b.side, ADDED, "", 0.0, hint, sim)

        # Removed provisions go after the B provision paired with their nearest A predecessor
        # that is in order (on the chain; not moved), or first of all when there is none.
        removed_after: dict[int, list[Pair]] = defaultdict(list)
        anchor = -1
        for a in self.a:
            j = self.a_match.get(a.index)
            if j is None:
                removed_after[anchor].append(removed(a))
            elif j in chain:
                anchor = j
        out = list(removed_after.get(-1, ()))
        for b in self.b:
            out.append(pairs_by_b.get(b.index) or added(b))
            out.extend(removed_after.get(b.index, ()))
        return out

    def in_order_chain(self) -> set[int]:
        """B indexes of the pairs that are "in order".

        That is the heaviest chain of pairs whose A positions increase with their B positions
        (label pairs weigh more). A pair under another label is "moved" only when it is
        off the chain, so renumbering after an inserted or deleted article is not a move,
        while an article taken elsewhere is.
        """
        order = sorted(self.b_match.items())  # by B index
        if not order:
            return set()
        size = len(self.a)
        tree: list[tuple[int, int]] = [(0, -1)] * (size + 1)  # Fenwick tree of (weight, pos)
        best: list[tuple[int, int]] = []  # per position in `order`: (chain weight, previous)
        for pos, (j, (i, matched_by, _)) in enumerate(order):
            prefix, k = (0, -1), i  # best chain ending at an A index < i
            while k > 0:
                prefix = max(prefix, tree[k])
                k -= k & -k
            same_label = matched_by == LABEL or self.a[i].label == self.b[j].label
            weight = prefix[0] + (3 if same_label else 2)
            best.append((weight, prefix[1]))
            k = i + 1
            while k <= size:
                tree[k] = max(tree[k], (weight, pos))
                k += k & -k
        chain: set[int] = set()
        pos = max(range(len(order)), key=lambda p: best[p][0])
        while pos != -1:
            chain.add(order[pos][0])
            pos = best[pos][1]
        return chain


def align(
    a_sides: list[Side],
    b_sides: list[Side],
    min_similarity: float = CONTENT_FLOOR,
    manual: Iterable[tuple[object, object]] = (),
    apart: Iterable[tuple[object, object]] = (),
) -> list[Pair]:
    """Align the provisions of draft A with those of draft B: each provision is in one
    pair at most, and two unrelated provisions are never paired (unless by hand).

    ``manual`` and ``apart`` are ``(A key, B key)`` pairs an analyst made: paired by
    hand, or never to be paired. Pairing, in order:

    1. the pairs made by hand;
    2. the same normalised label and the same text;
    3. the same text (of at least ``MIN_MOVED_WORDS`` words) under another label;
    4. one greedy assignment, best score first, of the candidates left:

       * a label match whose texts are at least ``LABEL_FLOOR`` similar, or on the same
         (non-None) issue;
       * two provisions on the same issue, under different labels;
       * two texts of ``MIN_MOVED_WORDS`` words or more at least ``min_similarity``
         (``CONTENT_FLOOR``) similar;

       scored by their similarity plus ``LABEL_WEIGHT`` for a label match and
       ``ISSUE_WEIGHT`` for the same issue.

    Label matches need the two drafts to number alike: when most labels of one are points
    ("1.", "Point 1") and most of the other's articles ("Article 1"), numbered labels are
    not matched, and provisions pair by issue and text only (labels without a number,
    "Preamble", still match).

    Status: the same text (whitespace-normalised) is "unchanged" -- or "moved" when paired
    under another label and out of order; a text paired like that with similarity >=
    ``MOVED_SIMILARITY`` is "moved" too; other pairs are "reworded"; unpaired provisions of
    A are "removed", of B "added". An unpaired provision's ``hint`` is its possible
    counterpart: the unpaired provision of the other draft with the same label, or else
    the most similar one at least ``LABEL_FLOOR`` similar.

    Order: B's order, with each removed provision of A placed after the B provision paired
    with its nearest (not moved) predecessor in A, so the comparison reads like the new
    draft with deletions shown where they were.
    """
    return _Aligner(list(a_sides), list(b_sides), min_similarity, manual, apart).run()


def summarise(pairs: Iterable[Pair]) -> dict[str, int]:
    """Counts per status: ``{"unchanged": n, "reworded": n, "added": n, "removed": n,
    "moved": n}``."""
    counts = dict.fromkeys(STATUSES, 0)
    for pair in pairs:
        counts[pair.status] = counts.get(pair.status, 0) + 1
    return counts
