"""Tests for negotiations.drafts: splitting pasted drafts and aligning two drafts (pure)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiations.drafts import (
    DraftPart,
    Side,
    align,
    normalise_label,
    roman_to_int,
    split_draft,
    suggest_issues,
    summarise,
)

# --- split_draft -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "label"),
    [
        ("Article 1", "Article 1"),
        ("Art. 2", "Art. 2"),
        ("Art 2", "Art 2"),
        ("ARTICLE IV", "ARTICLE IV"),
        ("Article IV.", "Article IV"),
        ("article 7", "article 7"),
        ("Article 3a", "Article 3a"),
        ("Point 9", "Point 9"),
        ("Clause 3", "Clause 3"),
        ("Section 2", "Section 2"),
        ("§ 3", "§ 3"),
        ("§3", "§3"),
        ("Article XXXIX", "Article XXXIX"),
        ("   Article 5", "Article 5"),
        ("Статья 1", "Статья 1"),
        ("Հոդված 1", "Հոդված 1"),
    ],
)
def test_word_heading_styles(line, label):
    parts = split_draft(f"{line}\nThe Parties agree.")
    assert parts == [DraftPart(label, "", "The Parties agree.")]


@pytest.mark.parametrize(
    ("line", "label"),
    [("9.", "9."), ("9)", "9)"), ("IV.", "IV."), ("XII)", "XII)"), ("1. ", "1.")],
)
def test_bare_number_heading_styles(line, label):
    parts = split_draft(f"{line}\nThe Parties agree.")
    assert parts == [DraftPart(label, "", "The Parties agree.")]


@pytest.mark.parametrize(
    ("line", "label", "heading"),
    [
        ("Article 3. Borders", "Article 3", "Borders"),
        ("Article 3: Borders", "Article 3", "Borders"),
        ("Article 3 — Borders", "Article 3", "Borders"),
        ("Article 3 Borders", "Article 3", "Borders"),
        ("ARTICLE IV. FINAL PROVISIONS.", "ARTICLE IV", "FINAL PROVISIONS"),
        ("Art. 5. Settlement of disputes", "Art. 5", "Settlement of disputes"),
        ("§ 2 Definitions:", "§ 2", "Definitions"),
        ("9. Transit", "9.", "Transit"),
        ("Статья 2. Границы", "Статья 2", "Границы"),
        ("Հոդված 2։ Սահմաններ", "Հոդված 2", "Սահմաններ"),
    ],
)
def test_heading_with_title_on_the_same_line(line, label, heading):
    parts = split_draft(f"{line}\nBody.")
    assert parts == [DraftPart(label, heading, "Body.")]


def test_bare_number_with_a_long_sentence_keeps_it_as_body():
    text = (
        "1. A complete ceasefire and a termination of all hostilities in the zone is declared.\n"
        "2. Peacekeepers are deployed\n"
        "along the contact line.\n"
        "3. Return of refugees"
    )
    assert split_draft(text) == [
        DraftPart(
            "1.",
            "",
            "A complete ceasefire and a termination of all hostilities in the zone is declared.",
        ),
        DraftPart("2.", "Peacekeepers are deployed", "along the contact line."),
        DraftPart("3.", "Return of refugees", ""),
    ]


def test_word_heading_with_a_sentence_keeps_it_as_body():
    parts = split_draft("Article 1. The Parties recognise each other's sovereignty.\nMore.")
    assert parts == [
        DraftPart("Article 1", "", "The Parties recognise each other's sovereignty.\nMore.")
    ]


def test_numbered_paragraphs_inside_articles_are_not_headings():
    text = "Article 1\n1. The Parties shall respect borders.\n2. And more.\nArticle 2\nBody"
    assert split_draft(text) == [
        DraftPart("Article 1", "", "1. The Parties shall respect borders.\n2. And more."),
        DraftPart("Article 2", "", "Body"),
    ]


def test_preamble_before_the_first_heading():
    text = "Peace Treaty\n\nThe Parties,\nguided by the UN Charter,\n\nArticle 1\nRecognition."
    assert split_draft(text) == [
        DraftPart("Preamble", "", "Peace Treaty\n\nThe Parties,\nguided by the UN Charter,"),
        DraftPart("Article 1", "", "Recognition."),
    ]


def test_blank_text_before_the_first_heading_is_no_preamble():
    assert [p.label for p in split_draft("\n  \nArticle 1\nText")] == ["Article 1"]


def test_numbering_gaps_keep_labels_as_written():
    parts = split_draft("Article 1\nOne.\nArticle 3\nThree.\nArticle 7a\nSeven a.")
    assert [p.label for p in parts] == ["Article 1", "Article 3", "Article 7a"]
    assert [p.text for p in parts] == ["One.", "Three.", "Seven a."]


def test_text_without_headings_is_one_text_provision():
    text = "  The Parties agree\nto talk.\n"
    assert split_draft(text) == [DraftPart("Text", "", "The Parties agree\nto talk.")]


@pytest.mark.parametrize("text", ["", "   ", "\n\r\n", None])
def test_empty_input(text):
    assert split_draft(text) == []


def test_windows_and_old_mac_line_endings():
    expected = [
        DraftPart("Preamble", "", "Intro"),
        DraftPart("Article 1", "Borders", "Line one\nLine two"),
        DraftPart("Article 2", "", "End"),
    ]
    windows = "Intro\r\nArticle 1. Borders\r\nLine one\r\nLine two\r\nArticle 2\r\nEnd\r\n"
    assert split_draft(windows) == expected
    assert split_draft(windows.replace("\r\n", "\r")) == expected
    assert not any("\r" in p.text for p in split_draft(windows))


def test_armenian_and_cyrillic_headings_and_bodies():
    text = (
        "Հայաստանի Հանրապետությունը և Ադրբեջանի Հանրապետությունը,\n"
        "Հոդված 1\n"
        "Կողմերը ճանաչում են միմյանց ինքնիշխանությունը։\n"
        "Статья 2. Границы\n"
        "Российская Федерация «гарантирует» — безопасность.\n"
    )
    assert split_draft(text) == [
        DraftPart("Preamble", "", "Հայաստանի Հանրապետությունը և Ադրբեջանի Հանրապետությունը,"),
        DraftPart("Հոդված 1", "", "Կողմերը ճանաչում են միմյանց ինքնիշխանությունը։"),
        DraftPart("Статья 2", "Границы", "Российская Федерация «гарантирует» — безопасность."),
    ]


def test_inline_mentions_are_not_headings():
    text = (
        "Article 1\n"
        "The Parties act as stated in Article 3 of the Charter.\n"
        "Article 3 of the Charter\n"  # a reference wrapped onto a new line
        "Article 2, paragraph 1, applies.\n"
        "Статья 5 настоящего Договора применяется.\n"
        "Artificial 3 islands are excluded.\n"
        "Article 2\n"
        "Two."
    )
    parts = split_draft(text)
    assert [p.label for p in parts] == ["Article 1", "Article 2"]
    assert parts[0].text.count("\n") == 4


def test_internal_indentation_and_blank_lines_are_kept():
    parts = split_draft("Article 1\n  (a) first;\n\n  (b) second.\n")
    assert parts == [DraftPart("Article 1", "", "(a) first;\n\n  (b) second.")]


# --- labels ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Article IV", "4"),
        ("Art. 4", "4"),
        ("Art 4", "4"),
        ("ARTICLE 4.", "4"),
        ("article iv", "4"),
        ("4.", "4"),
        ("4)", "4"),
        ("4", "4"),
        ("04", "4"),
        ("IV.", "4"),
        ("Point 4", "4"),
        ("Clause 4", "4"),
        ("Section 4", "4"),
        ("§ 4", "4"),
        ("§4", "4"),
        ("Статья 4", "4"),
        ("Հոդված 4", "4"),
        ("Article 3a", "3a"),
        ("Article 3A", "3a"),
        ("Preamble", "preamble"),
        ("Text", "preamble"),
        ("PREAMBLE:", "preamble"),
        ("Annex  B.", "annex b"),
        ("Final Provisions:", "final provisions"),
        ("mix", "mix"),
        ("", ""),
    ],
)
def test_normalise_label(label, expected):
    assert normalise_label(label) == expected


def test_split_labels_normalise_to_the_same_key():
    text = "Article IV\nA\nArt. 4\nB\n"
    assert {normalise_label(p.label) for p in split_draft(text)} == {"4"}
    assert normalise_label(split_draft("4. Short\nbody")[0].label) == "4"


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("I", 1), ("iv", 4), ("IX", 9), ("XIV", 14), ("XXXIX", 39), ("MCMXC", 1990)],
)
def test_roman_to_int(numeral, value):
    assert roman_to_int(numeral) == value


@pytest.mark.parametrize("numeral", ["", "IIII", "VX", "ABC", "4", None, 4])
def test_roman_to_int_rejects(numeral):
    assert roman_to_int(numeral) is None


# --- suggest_issues --------------------------------------------------------------------------

ISSUES = [
    ("borders", ["border", "delimitation", "սահման", "границ"]),
    ("lachin", ["Lachin corridor", "Լաչին"]),
    ("peacekeepers", ["peacekeep", "миротвор"]),
    ("unused", ["nothing-here"]),
]


def test_suggest_issues_in_order_of_first_occurrence():
    text = "Russian peacekeepers stay along the Lachin\ncorridor; borders are delimited later."
    assert suggest_issues(text, ISSUES) == ["peacekeepers", "lachin", "borders"]


def test_suggest_issues_unicode_keywords():
    assert suggest_issues("Լաչինի միջանցքը և սահմանազատումը", ISSUES) == ["lachin", "borders"]
    assert suggest_issues("МИРОТВОРЦЫ и ГРАНИЦЫ", ISSUES) == ["peacekeepers", "borders"]


def test_suggest_issues_matches_word_starts_only():
    assert suggest_issues("The cross-border transit", ISSUES) == ["borders"]
    assert suggest_issues("A reborder and a Lachinese corridor", ISSUES) == []
    assert suggest_issues("", ISSUES) == []
    assert suggest_issues("borders", [("empty", ["", "  "]), ("b", ["BORDER"])]) == ["b"]


# --- align -----------------------------------------------------------------------------------

SOVEREIGNTY = "The Parties recognise each other's sovereignty, territorial integrity and borders."
RELATIONS = "The Parties shall establish diplomatic relations within thirty days of signature."
TRANSIT = "Each Party shall guarantee safe and unimpeded transit of persons, vehicles and cargo."
DISPUTES = "Disputes shall be settled by negotiation and, failing that, by the commission."
CLAIMS = "Neither Party shall raise territorial claims against the other in the future."
NEW = "An entirely new provision about cultural heritage sites and their protection now."


def sides(*items, issues=None):
    """Sides from (label, text) items; keys are "label" strings."""
    issues = issues or {}
    return [Side(label, label, issues.get(label), text) for label, text in items]


def view(pairs):
    return [
        (p.a.key if p.a else None, p.b.key if p.b else None, p.status, p.matched_by) for p in pairs
    ]


def test_align_by_label():
    a = sides(("Art. 1", SOVEREIGNTY), ("Art. 2", RELATIONS))
    b = sides(("Article I", SOVEREIGNTY), ("Article II", RELATIONS.replace("thirty", "sixty")))
    pairs = align(a, b)
    assert view(pairs) == [
        ("Art. 1", "Article I", "unchanged", "label"),
        ("Art. 2", "Article II", "reworded", "label"),
    ]
    assert pairs[0].similarity == 1.0
    assert 0.8 < pairs[1].similarity < 1.0


def test_align_whitespace_only_changes_are_unchanged():
    pairs = align(sides(("1", "a  b\nc d e")), sides(("1", "a b c\n\nd e")))
    assert view(pairs) == [("1", "1", "unchanged", "label")]


def test_align_by_issue_when_labels_differ():
    a = sides(("Art. 5", TRANSIT), ("Art. 6", DISPUTES), issues={"Art. 5": 7, "Art. 6": 8})
    b = sides(("Article 9", "Roads are opened."), issues={"Article 9": 7})
    pairs = align(a, b)
    assert view(pairs) == [
        ("Art. 5", "Article 9", "reworded", "issue"),
        ("Art. 6", None, "removed", ""),
    ]


def test_align_by_issue_takes_the_most_similar():
    a = sides(("A", DISPUTES), ("B", TRANSIT), ("C", CLAIMS), issues={"A": "x", "B": "x", "C": "x"})
    b = sides(("Z", TRANSIT.replace("safe", "secure")), issues={"Z": "x"})
    assert view(align(a, b))[1] == ("B", "Z", "reworded", "issue")


def test_align_by_similarity_when_labels_and_issues_do_not_match():
    a = sides(("Art. 5", TRANSIT))
    b = sides(("Point 2", TRANSIT.replace("safe and unimpeded", "unimpeded")))
    pairs = align(a, b)
    assert view(pairs) == [("Art. 5", "Point 2", "reworded", "similarity")]
    assert pairs[0].similarity >= 0.5


def test_align_below_min_similarity_is_removed_and_added():
    a = sides(("Art. 5", TRANSIT))
    b = sides(("Point 2", NEW))
    assert view(align(a, b)) == [
        ("Art. 5", None, "removed", ""),  # no paired predecessor in A: shown first
        (None, "Point 2", "added", ""),
    ]
    reworded = TRANSIT.replace("safe and unimpeded", "unimpeded")
    assert view(align(a, sides(("Point 2", reworded)), min_similarity=0.99))[0][2] == "removed"


def test_moved_provision_same_text_new_label_and_place():
    a = sides(("1", SOVEREIGNTY), ("2", RELATIONS), ("3", TRANSIT), ("4", DISPUTES))
    b = sides(("1", RELATIONS), ("2", TRANSIT), ("3", DISPUTES), ("4", SOVEREIGNTY))
    pairs = align(a, b)
    assert view(pairs) == [
        ("2", "1", "unchanged", "similarity"),
        ("3", "2", "unchanged", "similarity"),
        ("4", "3", "unchanged", "similarity"),
        ("1", "4", "moved", "similarity"),
    ]
    assert summarise(pairs)["moved"] == 1


def test_moved_provision_with_small_edits():
    a = sides(("1", SOVEREIGNTY), ("2", RELATIONS), ("3", TRANSIT), ("4", DISPUTES))
    edited = TRANSIT.replace("vehicles", "vehicles,")
    b = sides(("1", edited), ("2", SOVEREIGNTY), ("3", RELATIONS), ("4", DISPUTES))
    pairs = align(a, b)
    assert view(pairs)[0] == ("3", "1", "moved", "similarity")
    assert 0.9 <= pairs[0].similarity < 1.0
    assert [p.status for p in pairs[1:]] == ["unchanged"] * 3


def test_swapped_and_edited_provisions_are_not_paired_by_label():
    a = sides(("1", TRANSIT), ("2", DISPUTES))
    b = sides(("1", DISPUTES + " Promptly."), ("2", TRANSIT + " Always."))
    pairs = align(a, b)
    assert [(p.a.key, p.b.key, p.matched_by) for p in pairs] == [
        ("2", "1", "similarity"),
        ("1", "2", "similarity"),
    ]
    assert sorted(p.status for p in pairs) == ["moved", "reworded"]


def test_renumbering_after_an_inserted_article_is_not_a_move():
    a = sides(("Article 1", SOVEREIGNTY), ("Article 2", RELATIONS), ("Article 3", TRANSIT))
    b = sides(
        ("Article 1", NEW),
        ("Article 2", SOVEREIGNTY),
        ("Article 3", RELATIONS),
        ("Article 4", TRANSIT),
    )
    assert view(align(a, b)) == [
        (None, "Article 1", "added", ""),
        ("Article 1", "Article 2", "unchanged", "similarity"),
        ("Article 2", "Article 3", "unchanged", "similarity"),
        ("Article 3", "Article 4", "unchanged", "similarity"),
    ]


def test_short_boilerplate_does_not_override_labels():
    a = sides(("4", "Reserved."), ("6", CLAIMS))
    b = sides(("4", NEW), ("6", "Reserved."))
    assert view(align(a, b)) == [("4", "4", "reworded", "label"), ("6", "6", "reworded", "label")]


def test_added_and_removed_in_draft_order():
    a = sides(("Preamble", "We the Parties"), ("1", SOVEREIGNTY), ("2", CLAIMS), ("3", TRANSIT))
    b = sides(("Preamble", "We the Parties"), ("1", SOVEREIGNTY), ("3", TRANSIT), ("4", NEW))
    assert view(align(a, b)) == [
        ("Preamble", "Preamble", "unchanged", "label"),
        ("1", "1", "unchanged", "label"),
        ("2", None, "removed", ""),
        ("3", "3", "unchanged", "label"),
        (None, "4", "added", ""),
    ]


def test_removed_first_provisions_come_first():
    a = sides(("1", CLAIMS), ("2", NEW), ("3", TRANSIT))
    b = sides(("3", TRANSIT), ("5", DISPUTES))
    assert view(align(a, b)) == [
        ("1", None, "removed", ""),
        ("2", None, "removed", ""),
        ("3", "3", "unchanged", "label"),
        (None, "5", "added", ""),
    ]


def test_align_empty_drafts():
    assert align([], []) == []
    assert view(align([], sides(("1", NEW)))) == [(None, "1", "added", "")]
    assert view(align(sides(("1", NEW)), [])) == [("1", None, "removed", "")]


def test_align_split_drafts_end_to_end():
    old = f"Preamble text.\nArticle 1\n{SOVEREIGNTY}\nArticle 2\n{RELATIONS}\nArticle 3\n{CLAIMS}"
    new = f"Preamble text.\nArt. I\n{SOVEREIGNTY}\nArt. II\n{RELATIONS.replace('thirty', 'ten')}"
    to_sides = lambda text: [  # noqa: E731
        Side(i, p.label, None, p.text) for i, p in enumerate(split_draft(text))
    ]
    pairs = align(to_sides(old), to_sides(new))
    assert [p.status for p in pairs] == ["unchanged", "unchanged", "reworded", "removed"]


def test_align_many_leftovers_uses_candidate_pruning_without_losing_pairs():
    # 30 x 30 leftovers (no label matches) is over EXACT_PAIR_LIMIT: candidates are pruned
    # by shared distinctive words, and every provision still finds its reworded counterpart.
    common = ["the", "Parties", "shall", "and", "of"] * 3

    def provision(i, changed=False):
        words = [f"topic{i}word{k}" for k in range(12)] + common
        if changed:
            words[3] = "amended"
        return " ".join(words)

    a = [Side(f"a{i}", f"Article {i + 1}", None, provision(i)) for i in range(30)]
    order = list(range(30))[::-1]
    b = [Side(f"b{i}", f"Item {n}", None, provision(i, True)) for n, i in enumerate(order)]
    pairs = align(a, b)
    assert [(p.a.key, p.b.key) for p in pairs] == [(f"a{i}", f"b{i}") for i in order]
    assert {p.matched_by for p in pairs} == {"similarity"}
    assert summarise(pairs)["added"] == summarise(pairs)["removed"] == 0


def test_summarise():
    a = sides(("1", SOVEREIGNTY), ("2", RELATIONS), ("3", TRANSIT), ("4", DISPUTES), ("5", CLAIMS))
    b = sides(
        ("1", SOVEREIGNTY),
        ("2", RELATIONS + " Really."),
        ("3", CLAIMS),
        ("4", TRANSIT),
        ("6", NEW),
    )
    # CLAIMS moved before TRANSIT (label 5 -> 3), DISPUTES removed, NEW added.
    pairs = align(a, b)
    assert summarise(pairs) == {
        "unchanged": 2,
        "reworded": 1,
        "added": 1,
        "removed": 1,
        "moved": 1,
    }
    assert summarise([]) == dict.fromkeys(["unchanged", "reworded", "added", "removed", "moved"], 0)


# --- properties ------------------------------------------------------------------------------

WORDS = ["the", "Parties", "shall", "border", "transit", "Статья", "Հոդված", "peace", "not"]
side_texts = st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join)
labels = st.sampled_from(["1", "2", "Art. 2", "3", "IV.", "Preamble", "Annex"])
side_lists = st.lists(st.tuples(labels, st.sampled_from([None, 1, 2]), side_texts), max_size=8).map(
    lambda items: [Side(f"k{i}", lab, iss, text) for i, (lab, iss, text) in enumerate(items)]
)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(side_lists, side_lists)
def test_property_align_uses_each_provision_once_in_b_order(a, b):
    pairs = align(a, b)
    a_order = [s.key for s in a]
    removed = [p.a.key for p in pairs if p.b is None]
    assert removed == sorted(removed, key=a_order.index)
    assert sorted(p.a.key for p in pairs if p.a) == sorted(s.key for s in a)
    assert [p.b.key for p in pairs if p.b] == [s.key for s in b]
    for p in pairs:
        assert 0.0 <= p.similarity <= 1.0
        if p.a is None:
            assert (p.status, p.matched_by) == ("added", "")
        elif p.b is None:
            assert (p.status, p.matched_by) == ("removed", "")
        else:
            assert p.status in ("unchanged", "reworded", "moved")
            assert p.matched_by in ("label", "issue", "similarity")
    assert sum(summarise(pairs).values()) == len(pairs)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.text())
def test_property_split_draft_never_fails(text):
    parts = split_draft(text)
    assert all("\r" not in p.text and p.text == p.text.strip() for p in parts)
    if text.strip():
        assert parts


def test_renumbered_and_reworded_article_is_paired_by_text_not_by_its_old_number():
    texts = [
        "The parties recognise each other's territorial integrity within the borders of the "
        "former Soviet republics as defined in the Alma-Ata declaration of 1991.",
        "A bilateral commission shall delimit the state border using the most recent general "
        "staff maps agreed by both governments within twelve months of entry into force.",
        "Transport links between the western regions and the exclave shall be restored through "
        "the territory of the other party under its customs and border jurisdiction.",
        "Neither party shall deploy third-country forces along the border or allow its "
        "territory to be used for hostile acts against the other party.",
    ]
    reworded = (
        "Transport connections between the western regions and the exclave shall be reopened "
        "across the territory of the other party, subject to its customs rules and border control."
    )
    a = [Side(i, f"Article {i + 1}", None, t) for i, t in enumerate(texts)]
    b = [Side(i, f"Article {i + 1}", None, t) for i, t in enumerate([texts[0], reworded, texts[3]])]
    pairs = {
        (p.a.label if p.a else None, p.b.label if p.b else None): p.status for p in align(a, b)
    }
    assert pairs[("Article 3", "Article 2")] == "reworded"
    assert pairs[("Article 2", None)] == "removed"
    assert pairs[("Article 4", "Article 3")] == "unchanged"
