"""Tests for negotiations.text.diffs, the word-diff engine (pure: no database)."""

import html
import random
import re

import pytest
from django.urls import reverse
from django.utils.safestring import SafeString
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiations.models import Position
from negotiations.text import diffs
from negotiations.text.diffs import (
    Segment,
    cached_diff_html,
    diff_html,
    diff_words,
    is_changed,
    render_inline,
    render_side_by_side,
    similarity,
    tokenize,
)
from tests.factories import make_position, with_reason

INS_RE = re.compile(r"<ins>.*?</ins>", re.DOTALL)
DEL_RE = re.compile(r"<del>.*?</del>", re.DOTALL)
OUR_TAGS_RE = re.compile(r"</?(?:ins|del)>")


def old_text(segments):
    return "".join(s.text for s in segments if s.op != "insert")


def new_text(segments):
    return "".join(s.text for s in segments if s.op != "delete")


def old_from_html(fragment):
    return html.unescape(OUR_TAGS_RE.sub("", INS_RE.sub("", fragment)))


def new_from_html(fragment):
    return html.unescape(OUR_TAGS_RE.sub("", DEL_RE.sub("", fragment)))


# --- tokenising ------------------------------------------------------------------------------


def test_tokens_keep_trailing_whitespace_and_leading_whitespace_token():
    assert tokenize("  the  Parties\nshall ") == ["  ", "the  ", "Parties\n", "shall "]
    assert tokenize("") == []
    assert tokenize(None) == []
    assert tokenize(" \n ") == [" \n "]


# --- diff_words units ------------------------------------------------------------------------


def test_identical_texts_give_one_equal_segment():
    assert diff_words("The Parties agree.", "The Parties agree.") == [
        Segment("equal", "The Parties agree.")
    ]


def test_empty_and_none():
    assert diff_words("", "") == []
    assert diff_words(None, None) == []
    assert diff_words(None, "new") == [Segment("insert", "new")]
    assert diff_words("old", None) == [Segment("delete", "old")]


def test_whitespace_only_texts():
    assert diff_words("  ", "  ") == [Segment("equal", "  ")]
    assert diff_words(" ", "\n") == [Segment("delete", " "), Segment("insert", "\n")]


def test_insert():
    assert diff_words("the cat sat", "the black cat sat") == [
        Segment("equal", "the "),
        Segment("insert", "black "),
        Segment("equal", "cat sat"),
    ]


def test_delete():
    assert diff_words("the black cat sat", "the cat sat") == [
        Segment("equal", "the "),
        Segment("delete", "black "),
        Segment("equal", "cat sat"),
    ]


def test_replace_is_delete_then_insert():
    assert diff_words("the cat sat", "the dog sat") == [
        Segment("equal", "the "),
        Segment("delete", "cat "),
        Segment("insert", "dog "),
        Segment("equal", "sat"),
    ]


def test_consecutive_changes_are_merged():
    segments = diff_words("one two three four five", "one 2 3 4 five")
    assert segments == [
        Segment("equal", "one "),
        Segment("delete", "two three four "),
        Segment("insert", "2 3 4 "),
        Segment("equal", "five"),
    ]


def test_newlines_and_double_spaces_survive():
    a = "Article 1\n\nThe Parties  shall\nrespect borders."
    b = "Article 1\n\nThe Parties  shall\n\nrespect the borders."
    segments = diff_words(a, b)
    assert old_text(segments) == a
    assert new_text(segments) == b
    assert Segment("equal", "Article 1\n\nThe Parties  ") in segments
    fragment = diff_html(a, b)
    assert "\n\n" in fragment
    assert "Parties  " in fragment


def test_leading_whitespace_is_kept():
    segments = diff_words("   indented text", "   indented new text")
    assert segments[0] == Segment("equal", "   indented ")
    assert new_text(segments) == "   indented new text"


def test_unicode_armenian_cyrillic_emoji():
    a = "Հայաստանի Հանրապետություն և Российская Федерация 🙂"
    b = "Հայաստանի Հանրապետությունը և Российская Федерация 🕊️"
    segments = diff_words(a, b)
    assert old_text(segments) == a
    assert new_text(segments) == b
    assert Segment("delete", "Հանրապետություն ") in segments
    assert Segment("insert", "Հանրապետությունը ") in segments
    assert segments[-2:] == [Segment("delete", "🙂"), Segment("insert", "🕊️")]
    fragment = diff_html(a, b)
    assert "<del>Հանրապետություն </del><ins>Հանրապետությունը </ins>" in fragment
    assert "Российская Федерация" in fragment


# --- cheap fallback ---------------------------------------------------------------------------


def _words(rng, vocabulary, n):
    return " ".join(rng.choice(vocabulary) for _ in range(n))


def test_unrelated_long_texts_are_one_replace():
    rng = random.Random(5)
    a = _words(rng, [f"alpha{i}" for i in range(500)], 5000)
    b = _words(rng, [f"beta{i}" for i in range(500)], 5000)
    assert diff_words(a, b) == [Segment("delete", a), Segment("insert", b)]


def test_unrelated_long_texts_keep_common_prefix_and_suffix():
    rng = random.Random(6)
    common = " ".join(["the", "of", "and", "shall", "Parties"] * 10)
    a = "Preamble text. " + _words(rng, common.split() + [f"a{i}" for i in range(50)], 5000)
    b = "Preamble text. " + _words(rng, common.split() + [f"b{i}" for i in range(50)], 5000)
    a, b = a + " Done at Washington.", b + " Done at Washington."
    segments = diff_words(a, b)
    assert [s.op for s in segments] == ["equal", "delete", "insert", "equal"]
    assert segments[0].text.startswith("Preamble text. ")
    assert segments[-1].text.endswith("Done at Washington.")
    assert old_text(segments) == a
    assert new_text(segments) == b


def test_long_texts_with_one_change_give_a_small_diff():
    rng = random.Random(7)
    words = _words(rng, [f"w{i}" for i in range(300)], 6000).split()
    a = " ".join(words)
    words[3000] = "CHANGED"
    b = " ".join(words)
    segments = diff_words(a, b)
    assert [s.op for s in segments] == ["equal", "delete", "insert", "equal"]
    assert segments[2] == Segment("insert", "CHANGED ")


def test_very_different_short_texts_are_one_replace():
    a = "The Parties shall establish diplomatic relations within thirty days"
    b = "Lorem ipsum dolor sit amet consectetur adipiscing elit sed do"
    assert diff_words(a, b) == [Segment("delete", a), Segment("insert", b)]


# --- rendering -------------------------------------------------------------------------------


def test_render_inline_escapes_then_wraps():
    segments = [
        Segment("equal", "a <b> "),
        Segment("delete", "<script>alert(1)</script> "),
        Segment("insert", '"onerror=alert(1) & '),
    ]
    fragment = render_inline(segments)
    assert isinstance(fragment, SafeString)
    assert fragment == (
        "a &lt;b&gt; <del>&lt;script&gt;alert(1)&lt;/script&gt; </del>"
        "<ins>&quot;onerror=alert(1) &amp; </ins>"
    )


def test_render_side_by_side():
    left, right = render_side_by_side(diff_words("keep old & tail", "keep new & tail"))
    assert isinstance(left, SafeString)
    assert isinstance(right, SafeString)
    assert left == "keep <del>old </del>&amp; tail"
    assert right == "keep <ins>new </ins>&amp; tail"


def test_diff_html_of_already_escaped_text_escapes_again():
    fragment = diff_html("&amp; &lt;", "&amp; &gt;")
    assert fragment == "&amp;amp; <del>&amp;lt;</del><ins>&amp;gt;</ins>"


# --- similarity and is_changed ---------------------------------------------------------------


def test_similarity_values():
    assert similarity("", "") == 1.0
    assert similarity(None, "") == 1.0
    assert similarity("a b c", "a b c") == 1.0
    assert similarity("a b c", "") == 0.0
    assert similarity("a b c d", "a b x d") == 0.75
    assert similarity("a b", "a  \n b") == 1.0  # whitespace-insensitive


def test_similarity_of_unrelated_long_texts_is_low():
    rng = random.Random(8)
    common = ["the", "of", "and", "shall", "Parties", "to", "in"]
    a = _words(rng, common + [f"a{i}" for i in range(40)], 5000)
    b = _words(rng, common + [f"b{i}" for i in range(40)], 5000)
    assert similarity(a, b) < 0.5


def test_similarity_of_reworded_text():
    a = " ".join(f"w{i}" for i in range(150))
    b = a.replace("w10 ", "x ").replace("w20 ", "y ").replace("w30 ", "z ")
    assert similarity(a, b) == (2 * 147) / 300


def test_is_changed():
    assert not is_changed("same words", "same   words\n")
    assert not is_changed(None, "")
    assert is_changed("a", "b")
    assert is_changed("", "x")


# --- cache helper ----------------------------------------------------------------------------


class FakeCache:
    def __init__(self):
        self.data = {}

    def get(self, key):
        return self.data.get(key)

    def set(self, key, value, timeout):
        self.data[key] = value


def test_cached_diff_html_without_a_cache(monkeypatch):
    monkeypatch.setattr(diffs, "_cache", lambda: None)
    assert cached_diff_html("pos:1:2", "old text", "new text") == diff_html("old text", "new text")


def test_cached_diff_html_works_in_this_process():
    # Whatever the settings of the test run (configured or not), the result is the diff.
    assert cached_diff_html("pos:1:2", "a <b>", "a <i>") == diff_html("a <b>", "a <i>")


def test_cached_diff_html_uses_versioned_prefixed_key(monkeypatch):
    fake = FakeCache()
    monkeypatch.setattr(diffs, "_cache", lambda: fake)
    first = cached_diff_html("pos:12:13", "old text", "new text")
    assert first == diff_html("old text", "new text")
    [key] = fake.data
    assert key.startswith(f"diff:{diffs.ENGINE_VERSION}:pos:12:13:")
    fake.data[key] = "from cache"
    second = cached_diff_html("pos:12:13", "old text", "new text")
    assert second == "from cache"
    assert isinstance(second, SafeString)
    # Other texts under the same key (e.g. ids reused after a database reset) are not reused.
    assert cached_diff_html("pos:12:13", "x", "y") == diff_html("x", "y")


def test_cached_diff_html_hashes_unsafe_keys(monkeypatch):
    fake = FakeCache()
    monkeypatch.setattr(diffs, "_cache", lambda: fake)
    cached_diff_html("key with spaces\n" * 20, "a", "b")
    [key] = fake.data
    assert " " not in key
    assert len(key) < 100


def test_cached_diff_html_survives_a_broken_cache(monkeypatch):
    class Broken:
        def get(self, key):
            raise ConnectionError("down")

        def set(self, key, value, timeout):
            raise ConnectionError("down")

    monkeypatch.setattr(diffs, "_cache", lambda: Broken())
    assert cached_diff_html("pos:1:2", "a", "b") == diff_html("a", "b")


# --- properties ------------------------------------------------------------------------------

VOCABULARY = ["the", "Parties", "shall", "border", "Article", "1", "Հոդված", "Статья", "🙂", "."]
HOSTILE = [
    "<script>alert(1)</script>",
    '"onerror=alert(1)',
    "<img src=x onerror=alert(1)>",
    "&amp;",
    "&lt;",
    "<",
    ">",
    '"',
    "'",
    "</ins>",
    "<del>",
    "&",
]
SEPARATORS = [" ", " ", " ", "  ", "\n", "\n\n", "\t", "\r\n"]


def texts_from(words):
    piece = st.tuples(st.sampled_from(words), st.sampled_from(SEPARATORS))
    return st.builds(
        lambda lead, pieces: lead + "".join(w + s for w, s in pieces),
        st.sampled_from(["", "", " ", "\n  "]),
        st.lists(piece, max_size=30),
    )


vocabulary_texts = texts_from(VOCABULARY)
hostile_texts = texts_from(VOCABULARY + HOSTILE)


@st.composite
def edited_pairs(draw, texts):
    """A text and an edited copy of it, so that diffs have equal parts."""
    a = draw(texts)
    tokens = tokenize(a)
    for _ in range(draw(st.integers(0, 4))):
        position = draw(st.integers(0, len(tokens)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        new = tokenize(draw(texts))[:3]
        if action == "insert":
            tokens[position:position] = new
        elif action == "delete":
            del tokens[position : position + 2]
        else:
            tokens[position : position + 1] = new
    return a, "".join(tokens)


def check_diff(a, b):
    segments = diff_words(a, b)
    assert old_text(segments) == a
    assert new_text(segments) == b
    assert all(s.text and s.op in ("equal", "insert", "delete") for s in segments)
    for first, second in zip(segments, segments[1:], strict=False):
        assert first.op != second.op  # merged
        assert (first.op, second.op) != ("insert", "delete")  # a replace is delete, insert

    fragment = render_inline(segments)
    assert fragment == diff_html(a, b)
    assert old_from_html(fragment) == a
    assert new_from_html(fragment) == b

    left, right = render_side_by_side(segments)
    assert "<ins>" not in left
    assert "<del>" not in right
    assert html.unescape(OUR_TAGS_RE.sub("", left)) == a
    assert html.unescape(OUR_TAGS_RE.sub("", right)) == b

    for output in (fragment, left, right):
        lowered = output.lower()
        assert "<script" not in lowered
        assert "<img" not in lowered
        assert '"onerror=' not in lowered
        bare = OUR_TAGS_RE.sub("", output)  # the only tags are ours
        assert not set("<>\"'") & set(bare)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.text(), st.text())
def test_property_any_text(a, b):
    check_diff(a, b)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(vocabulary_texts, vocabulary_texts)
def test_property_vocabulary_texts(a, b):
    check_diff(a, b)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(edited_pairs(vocabulary_texts))
def test_property_edited_texts(pair):
    check_diff(*pair)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(edited_pairs(hostile_texts))
def test_property_hostile_texts(pair):
    check_diff(*pair)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(hostile_texts, hostile_texts)
def test_property_hostile_unrelated_texts(a, b):
    check_diff(a, b)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(edited_pairs(vocabulary_texts))
def test_property_similarity(pair):
    a, b = pair
    value = similarity(a, b)
    assert 0.0 <= value <= 1.0
    assert value == similarity(b, a)
    assert similarity(a, a) == 1.0
    assert is_changed(a, b) == (value < 1.0)


class CountingCache(FakeCache):
    """Counts round trips: a page's diffs must come in one get_many (#18)."""

    def __init__(self):
        super().__init__()
        self.trips = []

    def get(self, key):
        self.trips.append("get")
        return super().get(key)

    def get_many(self, keys):
        self.trips.append("get_many")
        return {k: self.data[k] for k in keys if k in self.data}

    def set(self, key, value, timeout):
        self.trips.append("set")
        super().set(key, value, timeout)

    def set_many(self, values, timeout):
        self.trips.append("set_many")
        self.data.update(values)


def test_cached_diffs_html_is_one_round_trip_each_way(monkeypatch):
    fake = CountingCache()
    monkeypatch.setattr(diffs, "_cache", lambda: fake)
    wanted = [("pos:1:2", "old <b>", "new <b>"), ("pos:2:3", "a b", "a c"), ("pos:3:4", None, "x")]

    first = diffs.cached_diffs_html(wanted)
    second = diffs.cached_diffs_html(wanted)

    assert first == second == [diff_html(a or "", b or "") for _, a, b in wanted]
    assert fake.trips == ["get_many", "set_many", "get_many"]
    assert second[0] == cached_diff_html("pos:1:2", "old <b>", "new <b>")  # the same keys


def test_cached_diffs_html_survives_a_broken_cache(monkeypatch):
    class Broken:
        def get_many(self, keys):
            raise RuntimeError("down")

        def set_many(self, values, timeout):
            raise RuntimeError("down")

    monkeypatch.setattr(diffs, "_cache", lambda: Broken())
    assert diffs.cached_diffs_html([("k", "a", "b")]) == [diff_html("a", "b")]


def test_a_thread_page_reads_its_diffs_in_one_round_trip(client, reader, world, monkeypatch):
    for month in (3, 4, 5):
        make_position(
            world["corridor"], world["alpha"], summary=f"Demands {month}", date=f"2024-0{month}-01"
        )
    first = Position.objects.get(pk=world["first"].pk)
    first.summary = "Demands a corridor, corrected."
    with_reason(first)  # a history entry with a text diff too
    fake = CountingCache()
    monkeypatch.setattr(diffs, "_cache", lambda: fake)
    client.force_login(reader)

    response = client.get(reverse("negotiations:thread", args=["talks", "corridor", "alpha"]))

    assert response.status_code == 200
    assert fake.trips.count("get_many") == 2  # the steps' diffs, the history's diffs
    assert "get" not in fake.trips
    assert len([k for k in fake.data if "position-summary" in k]) == 4
