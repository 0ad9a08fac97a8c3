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

from negotiations.diffs import similarity

__all__ = [
    "DraftPart",
    "Pair",
    "Side",
    "align",
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


def suggest_issues(text: str | None, issues: Iterable[tuple[str, Iterable[str]]]) -> list[str]:
    """Slugs of the issues whose keywords occur in the text, in order of first occurrence.

    A keyword matches case-insensitively (Unicode-aware) where a word starts: a whole word or
    a word prefix, so "border" matches "Borders" and "cross-border" but not "reborder", and
    "Լաչին" matches "Լաչինի". Multi-word keywords match across any whitespace. These are
    only suggestions; callers decide.
    """
    text = text or ""
    found: list[tuple[int, int, str]] = []
    seen: set[str] = set()
    for order, (slug, keywords) in enumerate(issues):
        if slug in seen:
            continue
        first: int | None = None
        for keyword in keywords:
            words = (keyword or "").split()
            if not words:
                continue
            pattern = r"(?<!\w)" + r"\s+".join(re.escape(word) for word in words)
            match = re.search(pattern, text, re.IGNORECASE)
            if match and (first is None or match.start() < first):
                first = match.start()
        if first is not None:
            seen.add(slug)
            found.append((first, order, slug))
    return [slug for _, _, slug in sorted(found)]


# ---------------------------------------------------------------------------------------
# Alignment
# ---------------------------------------------------------------------------------------

UNCHANGED = "unchanged"
REWORDED = "reworded"
ADDED = "added"
REMOVED = "removed"
MOVED = "moved"
STATUSES = (UNCHANGED, REWORDED, ADDED, REMOVED, MOVED)

#: Similarity from which a text found under another label counts as the same provision moved.
#: A weak label pair (texts less similar than min_similarity) gives way to a pairing
#: whose similarity is at least this much higher.
WEAK_PAIR_MARGIN = 0.25
MOVED_SIMILARITY = 0.9
#: Texts shorter than this (in words) are too generic ("Reserved.") to override a label match.
MIN_MOVED_WORDS = 5
#: Up to this many (A, B) leftover pairs, every pair is checked for similarity; above it,
#: only each provision's few best candidates by shared distinctive words.
EXACT_PAIR_LIMIT = 400
CANDIDATES_PER_PROVISION = 3


@dataclass
class Side:
    """One provision of a proposal, as plain data."""

    key: object  # the caller's id, e.g. a provision pk
    label: str
    issue: object | None  # the caller's (hashable) issue id, or None
    text: str


@dataclass
class Pair:
    """A provision of draft A aligned with one of draft B (either may be missing)."""

    a: Side | None
    b: Side | None
    status: str  # "unchanged", "reworded", "added" (only in B), "removed" (only in A), "moved"
    matched_by: str  # "label", "issue", "similarity", or "" when unpaired
    similarity: float  # 0..1, 1.0 for identical texts


@dataclass
class _Item:
    index: int
    side: Side
    label: str
    words: list[str]
    norm: str = field(init=False)
    _counts: Counter[str] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.norm = " ".join(self.words)

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
        _Item(index, side, normalise_label(side.label), (side.text or "").split())
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


class _Aligner:
    def __init__(self, a_sides: list[Side], b_sides: list[Side], min_similarity: float):
        self.a = _items(a_sides)
        self.b = _items(b_sides)
        self.min_similarity = min_similarity
        # b index -> (a index, matched_by, similarity)
        self.b_match: dict[int, tuple[int, str, float]] = {}
        self.a_match: dict[int, int] = {}  # a index -> b index
        self.weak: set[int] = set()  # b indexes of label pairs below min_similarity

    def pair(self, i: int, j: int, matched_by: str, sim: float) -> None:
        self.b_match[j] = (i, matched_by, sim)
        self.a_match[i] = j

    def unpair(self, j: int) -> int:
        i, _, _ = self.b_match.pop(j)
        del self.a_match[i]
        self.weak.discard(j)
        return i

    def run(self) -> list[Pair]:
        by_label: dict[str, list[int]] = defaultdict(list)
        for item in self.a:
            by_label[item.label].append(item.index)

        # 1. Same label and the same text: the common case, and cheap.
        for b in self.b:
            for i in by_label.get(b.label, ()):
                if i not in self.a_match and self.a[i].norm == b.norm:
                    self.pair(i, b.index, "label", 1.0)
                    break

        # 2. The same text under another label (a moved or renumbered provision) beats a
        #    label match, but only for texts long enough not to be boilerplate.
        by_text: dict[str, list[int]] = defaultdict(list)
        for item in self.a:
            if item.index not in self.a_match and len(item.words) >= MIN_MOVED_WORDS:
                by_text[item.norm].append(item.index)
        for b in self.b:
            if b.index in self.b_match or len(b.words) < MIN_MOVED_WORDS:
                continue
            for i in by_text.get(b.norm, ()):
                if i not in self.a_match:
                    self.pair(i, b.index, "similarity", 1.0)
                    break

        # 3. Label: the first unused provision of A with the same normalised label.
        for b in self.b:
            if b.index in self.b_match:
                continue
            for i in by_label.get(b.label, ()):
                if i not in self.a_match:
                    sim = _similarity(self.a[i], b)
                    self.pair(i, b.index, "label", sim)
                    if sim < self.min_similarity:
                        self.weak.add(b.index)
                    break

        # 4. Same issue: the most similar unpaired provision of A with B's issue.
        by_issue: dict[object, list[int]] = defaultdict(list)
        for item in self.a:
            if item.index not in self.a_match and item.side.issue is not None:
                by_issue[item.side.issue].append(item.index)
        for b in self.b:
            if b.index in self.b_match or b.side.issue is None:
                continue
            candidates = [i for i in by_issue.get(b.side.issue, ()) if i not in self.a_match]
            if candidates:
                scored = [(_similarity(self.a[i], b), -i) for i in candidates]
                sim, neg_i = max(scored)
                self.pair(-neg_i, b.index, "issue", sim)

        # 5. Text similarity for what is left.
        self.match_by_similarity()
        return self.result()

    def match_by_similarity(self) -> None:
        """Greedy best-first pairing of leftovers by text similarity >= min_similarity.

        Members of weak label pairs (texts less similar than ``min_similarity``) take part
        too, but such a pair is only broken for a match of ``MOVED_SIMILARITY`` between two
        texts of at least ``MIN_MOVED_WORDS`` words: "the text of A's Article 2 is now B's
        Article 3" beats "A's and B's Article 2 are both called Article 2".

        Lazy greedy: candidates are pushed with an upper bound (quick ratios) and the exact
        similarity is only computed when a candidate reaches the top of the heap.
        """
        # Provisions without text (a heading only) are not matched on text.
        weak_a = {self.b_match[j][0] for j in self.weak}
        pool_a = [
            x for x in self.a if x.words and (x.index not in self.a_match or x.index in weak_a)
        ]
        pool_b = [
            x for x in self.b if x.words and (x.index not in self.b_match or x.index in self.weak)
        ]
        if not pool_a or not pool_b:
            return
        threshold = self.min_similarity
        heap: list[tuple[float, int, int, bool]] = []
        for a, b in _candidate_pairs(pool_a, pool_b):
            if self.a_match.get(a.index) != b.index:  # not the weak pair itself
                total = len(a.words) + len(b.words)  # > 0: pools hold texts with words
                if 2 * min(len(a.words), len(b.words)) / total < threshold:
                    continue  # real_quick_ratio
                bound = _quick_bound(a, b)  # quick_ratio
                if bound >= threshold:
                    heap.append((-bound, b.index, a.index, False))
        heapq.heapify(heap)
        deferred: dict[tuple[str, int], list[tuple[float, int, int, bool]]] = defaultdict(list)
        done_a: set[int] = set()  # paired in this phase
        done_b: set[int] = set()
        while heap:
            entry = heapq.heappop(heap)
            neg_sim, j, i, exact = entry
            if i in done_a or j in done_b:
                continue
            a, b = self.a[i], self.b[j]
            if not exact:
                sim = _similarity(a, b)
                if sim >= threshold:
                    heapq.heappush(heap, (-sim, j, i, True))
                continue
            sim = -neg_sim
            a_weak = i in self.a_match
            b_weak = j in self.b_match
            if a_weak or b_weak:
                weak_sims = []
                if a_weak:
                    weak_sims.append(self.b_match[self.a_match[i]][2])
                if b_weak:
                    weak_sims.append(self.b_match[j][2])
                long_enough = min(len(a.words), len(b.words)) >= MIN_MOVED_WORDS
                # A near-copy elsewhere, or a clearly better match than the same-label
                # text (a renumbered article that was also reworded).
                strong_enough = long_enough and (
                    sim >= MOVED_SIMILARITY or sim - max(weak_sims) >= WEAK_PAIR_MARGIN
                )
                if not strong_enough:
                    # Reconsider if the weak pair is broken by another match later.
                    if a_weak:
                        deferred["a", i].append(entry)
                    if b_weak:
                        deferred["b", j].append(entry)
                    continue
            freed: list[tuple[str, int]] = []
            if a_weak:
                old_j = self.a_match[i]
                self.unpair(old_j)
                freed.append(("b", old_j))
            if b_weak:
                old_i = self.unpair(j)
                freed.append(("a", old_i))
            self.pair(i, j, "similarity", sim)
            done_a.add(i)
            done_b.add(j)
            for key in freed:
                for again in deferred.pop(key, ()):
                    heapq.heappush(heap, again)

    def result(self) -> list[Pair]:
        chain = self.in_order_chain()
        moved = {
            j
            for j, (i, matched_by, _) in self.b_match.items()
            if j not in chain
            and matched_by in ("issue", "similarity")
            and self.a[i].label != self.b[j].label
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

        # Removed provisions go after the B provision paired with their nearest A predecessor
        # that is in order (on the chain; not moved), or first of all when there is none.
        removed_after: dict[int, list[Pair]] = defaultdict(list)
        anchor = -1
        for a in self.a:
            j = self.a_match.get(a.index)
            if j is None:
                removed_after[anchor].append(Pair(a.side, None, REMOVED, "", 0.0))
            elif j in chain:
                anchor = j
        out = list(removed_after.get(-1, ()))
        for b in self.b:
            out.append(pairs_by_b.get(b.index) or Pair(None, b.side, ADDED, "", 0.0))
            out.extend(removed_after.get(b.index, ()))
        return out

    def in_order_chain(self) -> set[int]:
        """B indexes of the pairs that are "in order".

        That is the heaviest chain of pairs whose A positions increase with their B positions
        (label pairs weigh more). A pair matched by issue/similarity under another label is
        "moved" only when it is off the chain, so renumbering after an inserted or deleted
        article is not a move, while an article taken elsewhere is.
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
            same_label = matched_by == "label" or self.a[i].label == self.b[j].label
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


def align(a_sides: list[Side], b_sides: list[Side], min_similarity: float = 0.5) -> list[Pair]:
    """Align the provisions of draft A with those of draft B.

    Pairing, in order: the same normalised label and the same text; the same text (of at
    least ``MIN_MOVED_WORDS`` words) under another label; the same normalised label (first
    unused match); the same non-None issue (the most similar text if several); text
    similarity >= ``min_similarity``, greedy best-first, which may also break a label pair
    whose texts are less similar than ``min_similarity`` for a ``MOVED_SIMILARITY`` match.

    Status: the same text (whitespace-normalised) is "unchanged" -- or "moved" when paired
    by issue/similarity under another label and out of order; a text paired like that with
    similarity >= ``MOVED_SIMILARITY`` is "moved" too; other pairs are "reworded"; unpaired
    provisions of A are "removed", of B "added".

    Order: B's order, with each removed provision of A placed after the B provision paired
    with its nearest (not moved) predecessor in A, so the comparison reads like the new
    draft with deletions shown where they were.
    """
    return _Aligner(list(a_sides), list(b_sides), min_similarity).run()


def summarise(pairs: Iterable[Pair]) -> dict[str, int]:
    """Counts per status: ``{"unchanged": n, "reworded": n, "added": n, "removed": n,
    "moved": n}``."""
    counts = dict.fromkeys(STATUSES, 0)
    for pair in pairs:
        counts[pair.status] = counts.get(pair.status, 0) + 1
    return counts
