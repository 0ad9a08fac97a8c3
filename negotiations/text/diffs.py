"""The one word-diff engine used by every text diff in Redline.

Pure functions: no database, no models. Only ``cached_diff_html`` touches Django's cache, and
only when Django settings are configured.

Engine rules (from measurements):

* Text is tokenised as words *with their trailing whitespace* (``"the "``, ``"Parties,\\n"``);
  leading whitespace of the whole text is a token of its own. Joining the tokens gives the text
  back exactly, so whitespace (newlines, double spaces) survives a diff.
* ``difflib.SequenceMatcher(None, a, b, autojunk=False)`` computes the diff. ``autojunk`` is
  off because it produces wrong diffs on texts of 200+ tokens.
* Cheap mode, so that no diff takes more than a few tens of milliseconds: the common prefix
  and suffix of tokens are always stripped first (this never makes a diff worse and is
  what makes "one word changed in a long text" cheap). If the remaining middle is still
  large (more than ``MAX_TOKENS`` tokens on either side, or SequenceMatcher's estimated work
  is over ``MAX_MATCH_WORK``) or very different (``real_quick_ratio``/``quick_ratio`` below
  ``MIN_QUICK_RATIO``), the middle is returned as one replace: all of A's middle deleted, all
  of B's middle inserted.
"""

from __future__ import annotations

import difflib
import hashlib
import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

__all__ = [
    "ENGINE_VERSION",
    "Segment",
    "cached_diff_html",
    "cached_diffs_html",
    "diff_html",
    "diff_words",
    "is_changed",
    "render_inline",
    "render_side_by_side",
    "similarity",
    "tokenize",
]

#: Bump when the output of the engine changes, so cached diffs are not reused.
ENGINE_VERSION = 1

#: Above this many tokens (on either side, after stripping the common prefix and suffix) the
#: middle of the texts is not diffed word by word but shown as one replace.
MAX_TOKENS = 2000

#: Upper bound on SequenceMatcher's work, measured as the number of (i, j) token pairs that
#: are equal (sum over A's tokens of their count in B). SequenceMatcher's time is roughly
#: proportional to it: 150k is ~50 ms for real prose, where frequent words ("the", "of",
#: "shall") make each A token match many B tokens. Texts over it use the cheap replace.
MAX_MATCH_WORK = 150_000

#: ``similarity`` computes an exact bit-parallel LCS (~1 ms per 2,000 x 2,000 words), so its
#: "large" limit is higher than the diff's: above it the quick estimate is used. The quick
#: estimate (multiset overlap) is poor for prose -- two unrelated 5,000-word texts share most
#: of their frequent words and "estimate" ~0.9 -- so it is kept for really large texts only.
SIMILARITY_MAX_WORDS = 10_000

#: Texts whose quick similarity ratios fall below this are "very different": one replace.
MIN_QUICK_RATIO = 0.3

_TOKEN_RE = re.compile(r"\S+\s*|\s+")
_CACHE_KEY_SAFE_RE = re.compile(r"[A-Za-z0-9:_.\-]{1,120}")

logger = logging.getLogger(__name__)

EQUAL = "equal"
INSERT = "insert"
DELETE = "delete"


@dataclass(frozen=True)
class Segment:
    """A run of text that is equal in both versions, only in the new one, or only in the old.

    ``text`` is raw (unescaped) user text; escape it before putting it in HTML.
    """

    op: str  # "equal", "insert" or "delete"
    text: str


def tokenize(text: str | None) -> list[str]:
    """Split text into words with their trailing whitespace; ``"".join()`` gives it back."""
    return _TOKEN_RE.findall(text or "")


def _common_affixes(a: Sequence[str], b: Sequence[str]) -> tuple[int, int]:
    """Lengths of the common prefix and (non-overlapping) common suffix of two sequences."""
    limit = min(len(a), len(b))
    prefix = 0
    while prefix < limit and a[prefix] == b[prefix]:
        prefix += 1
    suffix = 0
    limit -= prefix
    while suffix < limit and a[-1 - suffix] == b[-1 - suffix]:
        suffix += 1
    return prefix, suffix


def _match_work(a: Sequence[str], b: Sequence[str]) -> int:
    """Number of equal (i, j) token pairs: a cheap estimate of SequenceMatcher's work."""
    counts = Counter(b)
    return sum(counts[token] for token in a if token in counts)


def _opcodes(a: Sequence[str], b: Sequence[str]) -> list[tuple[str, int, int, int, int]]:
    """difflib-style opcodes for two token lists, with the cheap fallback rules applied."""
    prefix, suffix = _common_affixes(a, b)
    a_end, b_end = len(a) - suffix, len(b) - suffix
    a_mid, b_mid = a[prefix:a_end], b[prefix:b_end]
    ops: list[tuple[str, int, int, int, int]] = []
    if prefix:
        ops.append((EQUAL, 0, prefix, 0, prefix))
    if a_mid or b_mid:
        cheap = (
            not a_mid
            or not b_mid
            or len(a_mid) > MAX_TOKENS
            or len(b_mid) > MAX_TOKENS
            or _match_work(a_mid, b_mid) > MAX_MATCH_WORK
        )
        matcher = None
        if not cheap:
            matcher = difflib.SequenceMatcher(None, a_mid, b_mid, autojunk=False)
            cheap = (
                matcher.real_quick_ratio() < MIN_QUICK_RATIO
                or matcher.quick_ratio() < MIN_QUICK_RATIO
            )
        if cheap or matcher is None:
            ops.append(("replace", prefix, a_end, prefix, b_end))
        else:
            for tag, i1, i2, j1, j2 in matcher.get_opcodes():
                ops.append((tag, i1 + prefix, i2 + prefix, j1 + prefix, j2 + prefix))
    if suffix:
        ops.append((EQUAL, a_end, len(a), b_end, len(b)))
    return ops


def diff_words(a: str | None, b: str | None) -> list[Segment]:
    """Word-level diff of two texts (``None`` counts as ``""``).

    Consecutive segments of the same kind are merged, no segment is empty, and each change
    is shown as its deletion followed by its insertion. The non-insert segments join to
    ``a`` exactly and the non-delete segments join to ``b`` exactly.
    """
    a_tokens, b_tokens = tokenize(a), tokenize(b)
    segments: list[Segment] = []
    deleted: list[str] = []
    inserted: list[str] = []

    def flush_changes() -> None:
        if deleted:
            segments.append(Segment(DELETE, "".join(deleted)))
            deleted.clear()
        if inserted:
            segments.append(Segment(INSERT, "".join(inserted)))
            inserted.clear()

    for tag, i1, i2, j1, j2 in _opcodes(a_tokens, b_tokens):
        if tag == EQUAL:
            flush_changes()
            text = "".join(a_tokens[i1:i2])
            if segments and segments[-1].op == EQUAL:
                text = segments.pop().text + text
            segments.append(Segment(EQUAL, text))
        else:
            deleted.extend(a_tokens[i1:i2])
            inserted.extend(b_tokens[j1:j2])
    flush_changes()
    return segments


def _wrap(segment: Segment) -> str:
    text = escape(segment.text)
    if segment.op == DELETE:
        return f"<del>{text}</del>"
    if segment.op == INSERT:
        return f"<ins>{text}</ins>"
    return str(text)


def render_inline(segments: Iterable[Segment]) -> SafeString:
    """One HTML fragment: equal text as is, deletions in ``<del>``, insertions in ``<ins>``.

    Every segment's text is escaped before it is wrapped; only the wrapping tags are ours.
    """
    return mark_safe("".join(_wrap(segment) for segment in segments))


def render_side_by_side(segments: Iterable[Segment]) -> tuple[SafeString, SafeString]:
    """``(old_html, new_html)``: old text with ``<del>`` marks, new text with ``<ins>`` marks."""
    left: list[str] = []
    right: list[str] = []
    for segment in segments:
        html = _wrap(segment)
        if segment.op != INSERT:
            left.append(html)
        if segment.op != DELETE:
            right.append(html)
    return mark_safe("".join(left)), mark_safe("".join(right))


def diff_html(a: str | None, b: str | None) -> SafeString:
    """Inline HTML diff of two texts: ``render_inline(diff_words(a, b))``."""
    return render_inline(diff_words(a, b))


def similarity(a: str | None, b: str | None) -> float:
    """Word-level similarity ratio in 0..1 (1.0 for texts with the same words).

    Whitespace-insensitive: texts are compared as sequences of words (``str.split()``), so
    re-wrapping a paragraph does not make it "different". The ratio is ``2 * M / T`` where
    ``T`` is the total number of words and ``M`` the length of their longest common
    subsequence. The same cheap rules as the diff apply: the common prefix and suffix are
    stripped, and when the middle is over ``SIMILARITY_MAX_WORDS`` words or very different
    (quick ratio below ``MIN_QUICK_RATIO``) the middle's multiset overlap (difflib's
    ``quick_ratio``, an upper bound) is used as a quick estimate instead.
    """
    return _similarity_words((a or "").split(), (b or "").split())


def _similarity_words(a: Sequence[str], b: Sequence[str]) -> float:
    total = len(a) + len(b)
    if not total:
        return 1.0
    prefix, suffix = _common_affixes(a, b)
    a_mid, b_mid = a[prefix : len(a) - suffix], b[prefix : len(b) - suffix]
    matched = prefix + suffix
    if a_mid and b_mid:
        # Quick estimate: the multiset overlap (difflib's quick_ratio count), an upper bound
        # of the LCS; replaced by the exact LCS when the middle is small and not very different.
        overlap = _multiset_overlap(a_mid, b_mid)
        mid_total = len(a_mid) + len(b_mid)
        if (
            len(a_mid) <= SIMILARITY_MAX_WORDS
            and len(b_mid) <= SIMILARITY_MAX_WORDS
            and 2 * min(len(a_mid), len(b_mid)) / mid_total >= MIN_QUICK_RATIO  # real_quick
            and 2 * overlap / mid_total >= MIN_QUICK_RATIO  # quick_ratio
        ):
            overlap = _lcs_length(a_mid, b_mid)
        matched += overlap
    return min(1.0, 2 * matched / total)


def _multiset_overlap(a: Sequence[str], b: Sequence[str]) -> int:
    """Size of the multiset intersection of two sequences (difflib's ``quick_ratio`` count)."""
    counts = Counter(b)
    overlap = 0
    for token in a:
        if counts.get(token, 0) > 0:
            counts[token] -= 1
            overlap += 1
    return overlap


def _lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence, bit-parallel (Allison-Dix / Hyyrö).

    Each row of the LCS table is one Python int of ``len(b)`` bits, so this is
    ``O(len(a) * len(b) / 64)`` machine operations: ~50 µs for two 150-word texts.
    """
    if len(a) < len(b):
        a, b = b, a
    masks: dict[str, int] = {}
    for j, token in enumerate(b):
        masks[token] = masks.get(token, 0) | (1 << j)
    full = (1 << len(b)) - 1
    row = full
    for token in a:
        mask = masks.get(token)
        if mask:
            matches = row & mask
            row = ((row + matches) | (row - matches)) & full
    return len(b) - row.bit_count()


def is_changed(a: str | None, b: str | None) -> bool:
    """Whether the words of two texts differ (whitespace-only edits are not changes)."""
    return (a or "").split() != (b or "").split()


def _cache():
    """Django's default cache, or ``None`` when Django settings are not configured."""
    from django.conf import settings

    if not settings.configured:
        return None
    from django.core.cache import cache

    return cache


def cache_key(key: str, a: str, b: str) -> str:
    # The caller's key (e.g. "pos:12:13") keeps cache entries readable; a digest of the two
    # texts guards against stale entries when ids are reused (e.g. after a database reset).
    if not _CACHE_KEY_SAFE_RE.fullmatch(key):
        key = hashlib.blake2b(key.encode(), digest_size=12).hexdigest()
    digest = hashlib.blake2b(digest_size=8)
    digest.update(a.encode())
    digest.update(b"\0")
    digest.update(b.encode())
    return f"diff:{ENGINE_VERSION}:{key}:{digest.hexdigest()}"


def cached_diff_html(key: str, a: str | None, b: str | None) -> SafeString:
    """``diff_html(a, b)`` through Django's cache, keyed by e.g. ``"pos:12:13"``.

    Versions never change, so a diff keyed by two version ids can be cached for good. The
    cache is optional: without configured Django settings, or if the cache backend fails
    (logged as a warning), the diff is just computed.
    """
    a, b = a or "", b or ""
    try:
        cache = _cache()
    except Exception:  # a broken cache setup must not break a page that shows a diff
        logger.warning("diff cache unavailable", exc_info=True)
        cache = None
    if cache is None:
        return diff_html(a, b)
    entry = cache_key(str(key), a, b)
    try:
        cached = cache.get(entry)
    except Exception:
        logger.warning("diff cache get failed", exc_info=True)
        cached = None
    if isinstance(cached, str):
        return mark_safe(cached)  # our own diff_html output, stored below
    html = diff_html(a, b)
    try:
        cache.set(entry, str(html), None)  # None: no expiry, versions never change
    except Exception:
        logger.warning("diff cache set failed", exc_info=True)
    return html


def cached_diffs_html(requests: Sequence[tuple[str, str | None, str | None]]) -> list[SafeString]:
    """``cached_diff_html`` for many (key, a, b) at once: a page's diffs read in one
    ``get_many`` and the missing ones stored in one ``set_many`` (with a database cache,
    each diff was its own round trip: 43 queries on a thread page instead of 11)."""
    requests = [(str(key), a or "", b or "") for key, a, b in requests]
    if not requests:
        return []
    try:
        cache = _cache()
    except Exception:  # a broken cache setup must not break a page that shows a diff
        logger.warning("diff cache unavailable", exc_info=True)
        cache = None
    if cache is None:
        return [diff_html(a, b) for _, a, b in requests]
    entries = [cache_key(key, a, b) for key, a, b in requests]
    try:
        found = cache.get_many(entries)
    except Exception:
        logger.warning("diff cache get failed", exc_info=True)
        found = {}
    result, missing = [], {}
    for entry, (_, a, b) in zip(entries, requests, strict=True):
        cached = found.get(entry)
        if isinstance(cached, str):
            result.append(mark_safe(cached))  # our own diff_html output, stored below
            continue
        html = diff_html(a, b)
        missing[entry] = str(html)
        result.append(html)
    if missing:
        try:
            cache.set_many(missing, None)  # None: no expiry, versions never change
        except Exception:
            logger.warning("diff cache set failed", exc_info=True)
    return result
