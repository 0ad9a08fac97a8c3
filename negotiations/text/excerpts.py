"""A source's text as numbered paragraphs, and whether an excerpt is found in it.

Pure functions (no database): the source page, the citation forms and the tests use them.

Numbering: paragraphs are the blocks between blank lines (or the lines of a text with no
blank line). A title or section heading — a block of at most HEADING_WORDS words that
does not end a sentence (with . ! … : ; or a closing quote after one; a question mark
does not count, headings ask questions) — is shown but not numbered, so "para. 5" is the
fifth paragraph of body text, as analysts count (and as the seed data's locators do).

Verbatim policy: an excerpt must appear in the text word for word, letter case and
punctuation included, after two normalisations that copying text between a browser, a
word processor and a PDF reader brings about without anyone changing a word:

- whitespace: any run of spaces, tabs, line breaks and non-breaking spaces is one space,
  and leading or trailing whitespace is ignored (an excerpt may span paragraphs);
- quotation marks: curly single quotes and apostrophes (‘ ’ ‚ ‛ ′) read as ', curly double
  quotes (“ ” „ ‟ ″ « ») as ". Dashes and ellipses are NOT folded: "--" for "—" or
  "..." for "…" is a changed excerpt and is reported as not found.
"""

import re
from dataclasses import dataclass, field

_WHITESPACE = re.compile(r"\s+")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_QUOTES = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "′": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "″": '"',
        "«": '"',
        "»": '"',
    }
)


def split_paragraphs(text):
    """The paragraphs of `text`: blocks separated by a blank line, or, in a text with
    no blank line at all, its lines. Empty blocks are dropped; each paragraph keeps its
    words with its inner whitespace collapsed to single spaces."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    blocks = _PARAGRAPH_BREAK.split(text) if _PARAGRAPH_BREAK.search(text) else text.split("\n")
    return [p for p in (normalise_space(b) for b in blocks) if p]


HEADING_WORDS = 12
_SENTENCE_END = re.compile(r"[.!…:;][\"”’')\]]*$")


def is_heading(block):
    return len(block.split()) <= HEADING_WORDS and not _SENTENCE_END.search(block)


def numbered_blocks(text):
    """[(number or None for a heading, block)] of `text`, in order."""
    rows, number = [], 0
    for block in split_paragraphs(text):
        if is_heading(block):
            rows.append((None, block))
        else:
            number += 1
            rows.append((number, block))
    return rows


def body_paragraphs(text):
    """The numbered paragraphs of `text`: paragraph n is item n - 1."""
    return [block for number, block in numbered_blocks(text) if number is not None]


def normalise_space(text):
    return _WHITESPACE.sub(" ", text or "").strip()


def normalise(text):
    """`text` as compared: whitespace collapsed, curly quotes made straight."""
    return normalise_space((text or "").translate(_QUOTES))


def excerpt_found(excerpt, text):
    """Whether `excerpt` is in `text` verbatim after normalisation (module docstring).
    An empty excerpt is not found: there is nothing to check."""
    needle = normalise(excerpt)
    return bool(needle) and needle in normalise(text)


def paragraphs_with(excerpt, paragraphs):
    """The numbers (from 1) of the paragraphs an excerpt lies in: one when it is inside
    a paragraph, several when it spans consecutive ones, [] when it is not found."""
    needle = normalise(excerpt)
    if not needle:
        return []
    flat = [normalise(p) for p in paragraphs]
    for n, paragraph in enumerate(flat, start=1):
        if needle in paragraph:
            return [n]
    # Spanning paragraphs: join them with one space, as whitespace normalisation reads
    # the text, and map the match back to the paragraphs it touches.
    joined, starts = "", []
    for paragraph in flat:
        starts.append(len(joined))
        joined += paragraph + " "
    at = joined.find(needle)
    if at < 0:
        return []
    end = at + len(needle)
    return [
        n
        for n, start in enumerate(starts, start=1)
        if start < end and at < start + len(flat[n - 1])
    ]


def locator_for(numbers):
    """ "para. 4" or "paras. 4–5" for paragraph numbers, "" for none."""
    if not numbers:
        return ""
    if len(numbers) == 1:
        return f"para. {numbers[0]}"
    return f"paras. {numbers[0]}–{numbers[-1]}"


_LOCATOR = re.compile(r"paras?\. (\d+)(?:[–-](\d+))?")


def locator_numbers(locator):
    """The paragraph numbers a locator written by `locator_for` names ("paras. 4–6":
    [4, 5, 6]); [] for any other locator ("p. 3", "lead")."""
    m = _LOCATOR.fullmatch((locator or "").strip())
    if not m:
        return []
    first = int(m[1])
    last = int(m[2]) if m[2] else first
    return list(range(first, last + 1)) if last - first < 1000 else [first]


def mentions(text, named):
    """The items of `named` — (item, [aliases]) pairs — with an alias in `text` as a
    whole word or phrase (whitespace normalised), in their given order. Case is ignored
    except in an alias written in capitals: "DE" (Germany) is not the "de" of "de facto",
    nor "US" the "us" of "let us"."""
    plain = normalise(text)
    folded = plain.casefold()
    found = []
    for item, aliases in named:
        for alias in aliases:
            alias = normalise(alias)
            capitals = alias.isupper()
            haystack, needle = (plain, alias) if capitals else (folded, alias.casefold())
            if needle and re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", haystack):
                found.append(item)
                break
    return found


@dataclass
class Paragraph:
    number: int | None  # None: a heading, shown but not numbered
    text: str
    # (words, cited?) pieces in order: the paragraph with its cited passages marked.
    pieces: list = field(default_factory=list)
    cited: bool = False
    issues: list = field(default_factory=list)

    @property
    def locator(self):
        return locator_for([self.number])

    @property
    def uncoded_mentions(self):
        return [] if self.cited else self.issues


def _marked(paragraph, needles):
    """`paragraph` cut into (words, cited?) pieces where any of `needles` is found.
    Quote folding maps one character to one, so positions in the folded paragraph are
    positions in the paragraph as written."""
    folded = paragraph.translate(_QUOTES)
    spans = []
    for needle in needles:
        at = folded.find(needle)
        while at >= 0:
            spans.append((at, at + len(needle)))
            at = folded.find(needle, at + 1)
    spans.sort()
    pieces, done = [], 0
    for start, end in spans:
        start = max(start, done)
        if end <= start:
            continue
        if start > done:
            pieces.append((paragraph[done:start], False))
        pieces.append((paragraph[start:end], True))
        done = end
    if done < len(paragraph):
        pieces.append((paragraph[done:], False))
    return pieces


def read_paragraphs(blocks, excerpts, named):
    """Rows for a source page from numbered_blocks(): cited passages marked, and the
    issues (from `named`, as for mentions()) each body paragraph mentions."""
    needles = [n for n in (normalise(e) for e in excerpts) if n]
    body = [text for number, text in blocks if number is not None]
    cited = set()
    for needle in needles:
        cited.update(paragraphs_with(needle, body))
    return [
        Paragraph(
            number=number,
            text=text,
            pieces=_marked(text, needles),
            cited=number in cited,
            issues=mentions(text, named) if number is not None else [],
        )
        for number, text in blocks
    ]
