"""Tests for negotiations.text.drafts: splitting pasted drafts and aligning two drafts (pure)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiations.text.diffs import similarity
from negotiations.text.drafts import (
    CONTENT_FLOOR,
    LABEL_FLOOR,
    DraftPart,
    Side,
    align,
    label_scheme,
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


def test_short_boilerplate_is_not_paired_on_its_text_alone():
    # Issue #16: "4" and "4" are unrelated texts, and so are "6" and "6", so neither label
    # pairs (the old aligner paired both as "reworded"); "Reserved." says nothing about
    # which provision it stands for, so it does not pair across labels either.
    a = sides(("4", "Reserved."), ("6", CLAIMS))
    b = sides(("4", NEW), ("6", "Reserved."))
    pairs = align(a, b)
    assert sorted(view(pairs), key=str) == sorted(
        [
            ("4", None, "removed", ""),
            ("6", None, "removed", ""),
            (None, "4", "added", ""),
            (None, "6", "added", ""),
        ],
        key=str,
    )
    # Each points at its same-label namesake as a possible counterpart.
    assert {(p.a or p.b).key: p.hint.key for p in pairs} == {"4": "4", "6": "6"}


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


# --- unrelated provisions, label schemes, pairs made by hand (issue #16) -----------------------

NON_USE_OF_FORCE = (
    "The Parties shall refrain from the threat or use of force against each other and "
    "settle all disputes by peaceful means only."
)
TROOP_WITHDRAWAL = (
    "Azerbaijani troops withdraw from the areas of Armenia they took in 2021 and 2022, to "
    "the positions of May 2021, under international monitoring."
)


def test_unrelated_same_label_provisions_never_pair():
    """Issue #16: fails on the old main, which showed "Art. 4 Reworded, 13% similar"."""
    a = sides(("Art. 3", TRANSIT), ("Art. 4", TROOP_WITHDRAWAL), issues={"Art. 4": "troops"})
    b = sides(("Art. 3", TRANSIT), ("Art. 4", NON_USE_OF_FORCE), issues={"Art. 4": "force"})
    pairs = align(a, b)
    assert similarity(TROOP_WITHDRAWAL, NON_USE_OF_FORCE) < LABEL_FLOOR
    assert view(pairs) == [
        ("Art. 3", "Art. 3", "unchanged", "label"),
        ("Art. 4", None, "removed", ""),
        (None, "Art. 4", "added", ""),
    ]
    removed, added = pairs[1], pairs[2]
    assert removed.hint.key == "Art. 4" and added.hint.key == "Art. 4"
    assert removed.hint_similarity == pytest.approx(similarity(TROOP_WITHDRAWAL, NON_USE_OF_FORCE))
    assert summarise(pairs) == {
        "unchanged": 1,
        "reworded": 0,
        "added": 1,
        "removed": 1,
        "moved": 0,
    }


def test_same_label_on_the_same_issue_pairs_whatever_the_text():
    a = sides(("Art. 4", TROOP_WITHDRAWAL), issues={"Art. 4": "troops"})
    b = sides(("Art. 4", NON_USE_OF_FORCE), issues={"Art. 4": "troops"})
    assert view(align(a, b)) == [("Art. 4", "Art. 4", "reworded", "label")]


def test_same_label_with_a_similar_text_pairs_without_issues():
    reworded = TRANSIT.replace("safe and unimpeded", "secure")
    assert LABEL_FLOOR <= similarity(TRANSIT, reworded) < 1
    assert view(align(sides(("Art. 4", TRANSIT)), sides(("Art. 4", reworded)))) == [
        ("Art. 4", "Art. 4", "reworded", "label")
    ]


@pytest.mark.parametrize(
    "label, scheme",
    [
        ("Article 4", "article"),
        ("Art. 4", "article"),
        ("ARTICLE IV", "article"),
        ("Статья 4", "article"),
        ("Հոդված 4", "article"),
        ("Point 9", "point"),
        ("9.", "point"),
        ("9)", "point"),
        ("IV.", "point"),
        ("9", "point"),
        ("Clause 2", "clause"),
        ("Section 2", "section"),
        ("§ 2", "section"),
        ("Preamble", None),
        ("Annex", None),
        ("mix", None),
        ("", None),
        (None, None),
    ],
)
def test_label_scheme(label, scheme):
    assert label_scheme(label) == scheme


# The renumbered railway clause: point 2 of A is article 1 of B. A's point 1 is somewhat like
# B's article 1 too (the same formula), enough for a label match between drafts that number
# alike, but not between points and articles, whose numbers say nothing about each other.
EMBASSIES = (
    "The Parties shall open their embassies in Yerevan and Baku within one year of signature."
)
RAILWAY = (
    "The Parties shall open the railway between Yeraskh and Julfa to freight and passenger "
    "trains within one year."
)
RAILWAY_B = (
    "The Parties shall open the railway from Yeraskh to Julfa for freight trains within two "
    "years of signature."
)
COMMISSION = "Disputes about this Agreement are settled by a joint commission of both governments."


def test_points_against_articles_align_by_content_not_by_number():
    """Issue #16 item 3: without label schemes, point 1 pairs with article 1 by label."""
    assert LABEL_FLOOR <= similarity(EMBASSIES, RAILWAY_B) < CONTENT_FLOOR
    assert similarity(RAILWAY, RAILWAY_B) >= CONTENT_FLOOR
    a = sides(("1.", EMBASSIES), ("2.", RAILWAY))
    b = sides(("Article 1", RAILWAY_B), ("Article 2", COMMISSION))
    assert view(align(a, b)) == [
        ("1.", None, "removed", ""),
        ("2.", "Article 1", "reworded", "similarity"),
        (None, "Article 2", "added", ""),
    ]
    # The same texts numbered alike: the label match stands.
    b_points = sides(("Point 1", RAILWAY_B), ("Point 2", COMMISSION))
    assert view(align(a, b_points))[0] == ("1.", "Point 1", "reworded", "label")


def test_points_against_articles_still_match_the_preamble_by_label():
    a = sides(("Preamble", "We the peoples."), ("1.", SOVEREIGNTY), ("2.", RELATIONS))
    b = sides(("Preamble", "We, the peoples."), ("Article 1", CLAIMS), ("Article 2", NEW))
    assert view(align(a, b))[0] == ("Preamble", "Preamble", "reworded", "label")


def test_pairs_made_by_hand_come_first_and_apart_is_never_paired():
    a = sides(("Art. 1", SOVEREIGNTY), ("Art. 2", RELATIONS), ("Art. 3", TRANSIT))
    b = sides(("Art. 1", SOVEREIGNTY), ("Art. 2", RELATIONS), ("Art. 3", NEW))
    # By hand: A's Art. 3 is B's Art. 3 (unrelated texts), and A's Art. 2 is not B's Art. 2
    # (the same text); pairs naming unknown keys are ignored.
    pairs = align(
        a,
        b,
        manual=[("Art. 3", "Art. 3"), ("nope", "Art. 1")],
        apart=[("Art. 2", "Art. 2"), ("Art. 1", "nope")],
    )
    assert view(pairs) == [
        ("Art. 1", "Art. 1", "unchanged", "label"),
        ("Art. 2", None, "removed", ""),
        (None, "Art. 2", "added", ""),
        ("Art. 3", "Art. 3", "reworded", "manual"),
    ]
    # Kept apart, the two are not even each other's possible counterpart.
    assert pairs[1].hint is None and pairs[2].hint is None


def test_a_pair_made_by_hand_takes_a_provision_from_its_automatic_pair():
    a = sides(("Art. 1", SOVEREIGNTY), ("Art. 2", CLAIMS))
    b = sides(("Art. 1", SOVEREIGNTY))
    pairs = align(a, b, manual=[("Art. 2", "Art. 1")])
    assert view(pairs) == [
        ("Art. 1", None, "removed", ""),
        ("Art. 2", "Art. 1", "reworded", "manual"),
    ]


# --- properties ------------------------------------------------------------------------------

WORDS = ["the", "Parties", "shall", "border", "transit", "Статья", "Հոդված", "peace", "not"]
side_texts = st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join)
labels = st.sampled_from(["1", "2", "Art. 2", "3", "IV.", "Preamble", "Annex"])
side_lists = st.lists(st.tuples(labels, st.sampled_from([None, 1, 2]), side_texts), max_size=8).map(
    lambda items: [Side(f"k{i}", lab, iss, text) for i, (lab, iss, text) in enumerate(items)]
)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(side_lists, side_lists, st.data())
def test_property_align_uses_each_provision_once_in_b_order(a, b, data):
    keys = st.sampled_from([f"k{i}" for i in range(8)] + ["gone"])
    manual = data.draw(st.lists(st.tuples(keys, keys), max_size=3))
    apart = data.draw(st.lists(st.tuples(keys, keys), max_size=3))
    pairs = align(a, b, manual=manual, apart=apart)
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
            assert p.matched_by in ("manual", "label", "issue", "similarity")
            assert (p.a.key, p.b.key) not in apart or (p.a.key, p.b.key) in manual
            assert_related(p, manual)
    assert sum(summarise(pairs).values()) == len(pairs)


def assert_related(pair, manual):
    """A pair that was not made by hand is a label match of similar texts or on one issue,
    two provisions on one issue, or two similar texts: never two unrelated provisions."""
    a, b = pair.a, pair.b
    same_issue = a.issue is not None and a.issue == b.issue
    if pair.matched_by == "manual":
        assert (a.key, b.key) in manual
    elif pair.matched_by == "label":
        assert normalise_label(a.label) == normalise_label(b.label)
        assert same_issue or pair.similarity >= LABEL_FLOOR
    elif pair.matched_by == "issue":
        assert same_issue
    else:
        assert pair.similarity >= CONTENT_FLOOR


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


def test_suggest_issues_can_ask_for_several_keywords_together():
    claims = [("western-azerbaijan", ["Western", "claims"], 2)]
    assert suggest_issues("Withdraw interstate claims.", claims) == []
    assert suggest_issues("Claims to a Western Azerbaijan", claims) == ["western-azerbaijan"]
    # The same word twice is one keyword, not two.
    assert suggest_issues("claims, claims", [("x", ["claims", "CLAIMS"], 2)]) == []
    # An issue listed twice (aliases, then title words) is suggested by either entry, at
    # its first occurrence.
    entries = [("lachin", ["Lachin corridor"], 1), ("lachin", ["transit", "route"], 2)]
    assert suggest_issues("A transit route, later the Lachin corridor", entries) == ["lachin"]
    assert suggest_issues("transit only", entries) == []
