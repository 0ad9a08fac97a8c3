"""Tests for negotiations.text.dates: parsing, display, ordering and intervals of partial dates.

Every form of docs/dates.md is here: plain days, months, quarters and years; early / mid /
late; ranges; before / after / by; "as of"; approximate (~) and inferred (?) flags.
"""

import dataclasses
import pickle
from datetime import date, datetime

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from negotiations.text import dates
from negotiations.text.dates import (
    ACCEPTED_FORMS,
    PARTS,
    PartialDate,
    PartialDateError,
    Precision,
    Qualifier,
    certainly_before,
    dates_in,
    parse_partial_date,
    precision_rank,
    thread_order,
)

DAY, MONTH, QUARTER, YEAR = Precision.DAY, Precision.MONTH, Precision.QUARTER, Precision.YEAR
Q = Qualifier


def pd(y, m=1, d=1, precision=DAY, approximate=False):
    return PartialDate(date(y, m, d), precision, approximate)


# --- parsing: accepted forms ---------------------------------------------------------------

ACCEPTED = [
    # ISO-like
    ("2024-01-10", date(2024, 1, 10), DAY, False),
    ("2024-1-5", date(2024, 1, 5), DAY, False),
    ("2024-12-31", date(2024, 12, 31), DAY, False),
    ("2024-02-29", date(2024, 2, 29), DAY, False),
    ("2024/01/10", date(2024, 1, 10), DAY, False),
    ("2024/1/5", date(2024, 1, 5), DAY, False),
    ("2024-01", date(2024, 1, 1), MONTH, False),
    ("2024-1", date(2024, 1, 1), MONTH, False),
    ("2024-12", date(2024, 12, 1), MONTH, False),
    ("2024-Q1", date(2024, 1, 1), QUARTER, False),
    ("2024-Q2", date(2024, 4, 1), QUARTER, False),
    ("2024-Q3", date(2024, 7, 1), QUARTER, False),
    ("2024-Q4", date(2024, 10, 1), QUARTER, False),
    ("2024-q4", date(2024, 10, 1), QUARTER, False),
    ("2024 Q1", date(2024, 1, 1), QUARTER, False),
    ("Q1 2024", date(2024, 1, 1), QUARTER, False),
    ("q3 2024", date(2024, 7, 1), QUARTER, False),
    ("2024", date(2024, 1, 1), YEAR, False),
    ("1000", date(1000, 1, 1), YEAR, False),
    ("9999", date(9999, 1, 1), YEAR, False),
    # canonical forms with "~"
    ("2024-01-10~", date(2024, 1, 10), DAY, True),
    ("2023-12~", date(2023, 12, 1), MONTH, True),
    ("2024-Q2~", date(2024, 4, 1), QUARTER, True),
    ("2024~", date(2024, 1, 1), YEAR, True),
    # spelled out
    ("10 January 2024", date(2024, 1, 10), DAY, False),
    ("10 Jan 2024", date(2024, 1, 10), DAY, False),
    ("10 Jan. 2024", date(2024, 1, 10), DAY, False),
    ("1 February 2024", date(2024, 2, 1), DAY, False),
    ("29 Feb 2024", date(2024, 2, 29), DAY, False),
    ("January 10, 2024", date(2024, 1, 10), DAY, False),
    ("January 10 2024", date(2024, 1, 10), DAY, False),
    ("January 10th, 2024", date(2024, 1, 10), DAY, False),
    ("Jan. 10, 2024", date(2024, 1, 10), DAY, False),
    ("10th January 2024", date(2024, 1, 10), DAY, False),
    ("1st March 2024", date(2024, 3, 1), DAY, False),
    ("2nd March 2024", date(2024, 3, 2), DAY, False),
    ("3rd March 2024", date(2024, 3, 3), DAY, False),
    ("March 22nd, 2024", date(2024, 3, 22), DAY, False),
    ("December 7th, 2023", date(2023, 12, 7), DAY, False),
    ("Jan. 2024", date(2024, 1, 1), MONTH, False),
    ("January 2024", date(2024, 1, 1), MONTH, False),
    ("Jan 2024", date(2024, 1, 1), MONTH, False),
    ("Sept 2024", date(2024, 9, 1), MONTH, False),
    ("Sep 2024", date(2024, 9, 1), MONTH, False),
    ("September 2024", date(2024, 9, 1), MONTH, False),
    ("May 2024", date(2024, 5, 1), MONTH, False),
    ("Feb 2023", date(2023, 2, 1), MONTH, False),
    ("Mar 2023", date(2023, 3, 1), MONTH, False),
    ("Apr 2023", date(2023, 4, 1), MONTH, False),
    ("June 2023", date(2023, 6, 1), MONTH, False),
    ("Jul 2023", date(2023, 7, 1), MONTH, False),
    ("August 2023", date(2023, 8, 1), MONTH, False),
    ("Oct 2023", date(2023, 10, 1), MONTH, False),
    ("November 2023", date(2023, 11, 1), MONTH, False),
    ("Dec 2023", date(2023, 12, 1), MONTH, False),
    # approximate qualifiers
    ("c. 2021", date(2021, 1, 1), YEAR, True),
    ("ca. 2021", date(2021, 1, 1), YEAR, True),
    ("circa 2021", date(2021, 1, 1), YEAR, True),
    ("c.2021", date(2021, 1, 1), YEAR, True),
    ("around 2021", date(2021, 1, 1), YEAR, True),
    ("about Jan 2024", date(2024, 1, 1), MONTH, True),
    ("approx. 2024", date(2024, 1, 1), YEAR, True),
    ("approx 2024", date(2024, 1, 1), YEAR, True),
    ("approximately 2024", date(2024, 1, 1), YEAR, True),
    ("~2024", date(2024, 1, 1), YEAR, True),
    ("~ 2024", date(2024, 1, 1), YEAR, True),
    ("c. Dec 2023", date(2023, 12, 1), MONTH, True),
    ("c. 10 Jan 2024", date(2024, 1, 10), DAY, True),
    ("c. Q1 2024", date(2024, 1, 1), QUARTER, True),
    ("about 2024-01-10", date(2024, 1, 10), DAY, True),
    ("~2024-Q3", date(2024, 7, 1), QUARTER, True),
]


@pytest.mark.parametrize(("text", "start", "precision", "approximate"), ACCEPTED)
def test_parse_accepts(text, start, precision, approximate):
    parsed = PartialDate.parse(text)
    assert (parsed.start, parsed.precision, parsed.approximate) == (start, precision, approximate)
    assert type(parsed.precision) is Precision


@pytest.mark.parametrize(("text", "start", "precision", "approximate"), ACCEPTED)
def test_parse_ignores_case_and_surrounding_whitespace(text, start, precision, approximate):
    expected = PartialDate(start, precision, approximate)
    assert PartialDate.parse(text.upper()) == expected
    assert PartialDate.parse(text.lower()) == expected
    assert PartialDate.parse(f"  \t{text}\n ") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10   January    2024", pd(2024, 1, 10)),
        ("10\tJanuary\n2024", pd(2024, 1, 10)),
        ("late   December\u00a02023", PartialDate(date(2023, 12, 21), MONTH, qualifier=Q.LATE)),
        ("circa    2021", pd(2021, 1, 1, YEAR, True)),
        ("Q1    2024", pd(2024, 1, 1, QUARTER)),
    ],
)
def test_parse_collapses_internal_whitespace(text, expected):
    assert PartialDate.parse(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024\u201301\u201310", pd(2024, 1, 10)),  # en dash
        ("2024\u201401\u201410", pd(2024, 1, 10)),  # em dash
        ("2024\u201301", pd(2024, 1, 1, MONTH)),
        ("2024\u2013Q1", pd(2024, 1, 1, QUARTER)),
        ("mid\u2013December 2023", PartialDate(date(2023, 12, 11), MONTH, qualifier=Q.MID)),
        ("mid\u20142023", PartialDate(date(2023, 5, 1), YEAR, qualifier=Q.MID)),
        (
            "8\u201311 August 2025",
            PartialDate(date(2025, 8, 8), end=date(2025, 8, 11), qualifier=Q.BETWEEN),
        ),
    ],
)
def test_parse_tolerates_en_and_em_dashes(text, expected):
    assert PartialDate.parse(text) == expected


def test_parse_partial_date_is_an_alias_of_parse():
    assert parse_partial_date("late December 2023") == PartialDate.parse("late Dec 2023")
    assert parse_partial_date("2024-Q1") == pd(2024, 1, 1, QUARTER)


# --- parsing: rejections -------------------------------------------------------------------

REJECTED = [
    "",
    " ",
    "   \t\n ",
    "recently",
    "soon",
    "2024-13",
    "2024-00",
    "2024-02-30",
    "2023-02-29",
    "2024-04-31",
    "2024-01-00",
    "2024-01-32",
    "2024-Q5",
    "2024-Q0",
    "Q5 2024",
    "32 January 2024",
    "0 January 2024",
    "30 February 2024",
    "February 30, 2024",
    "Foo 2024",
    "Janu 2024",
    "Foo 10, 2024",
    "10 Foo 2024",
    "Summer 2024",
    "spring 2024",
    "winter 2023",
    "0999",
    "0000",
    "999",
    "10000",
    "0999-01-01",
    "Jan 0999",
    "12345-01-01",
    "24",
    "2024-01-10x",
    "x2024-01-10",
    "2024-01-10 10:00",
    "2024-01-10T00:00",
    "2024x",
    "2024-01-",
    "2024-",
    "2024--01",
    "2024-01/10",
    "2024/01-10",
    "2024-001-10",
    "2024-01-010",
    "2024 01 10",
    "January",
    "10 January",
    "Q1",
    "2024-Q",
    "2024-Q12",
    "Jan 2024 2025",
    "2024-01-10~~",
    "~",
    "c.",
    "circa",
    "late",
    "late 10 January 2024",
    "early 2024-01-10",
    "mid January 10, 2024",
    "circa2021",
    "lately 2024",
    "2024\x00",
    "20\x0024",
    "\x00",
    "Jan 2024\x00",
    "\u0662\u0660\u0662\u0664",  # Arabic-Indic digits "2024"
    "２０２４",  # fullwidth digits
    "2024-01-10; DROP TABLE",
    "2024" + " " * 97 + "x",
]


@pytest.mark.parametrize("text", REJECTED)
def test_parse_rejects(text):
    with pytest.raises(PartialDateError) as excinfo:
        PartialDate.parse(text)
    message = str(excinfo.value)
    assert ACCEPTED_FORMS in message
    assert message.startswith("Cannot read “")
    if len(text) <= 100:
        assert f"“{text.strip()}”" in message


@pytest.mark.parametrize("text", ["recently", "2024-13", ""])
def test_partial_date_error_is_a_value_error(text):
    with pytest.raises(ValueError):
        parse_partial_date(text)


def test_error_message_format():
    with pytest.raises(PartialDateError) as excinfo:
        PartialDate.parse("recently")
    assert str(excinfo.value) == f"Cannot read “recently” as a date. {ACCEPTED_FORMS}"
    assert excinfo.value.text == "recently"


def test_accepted_forms_sentence():
    assert isinstance(ACCEPTED_FORMS, str)
    for example in ["2024-01-10", "2024-01", "2024-Q1", "10 January 2024", "c. 2021"]:
        assert example in ACCEPTED_FORMS


@pytest.mark.parametrize(
    "text", ["10/01/2024", "1/10/2024", "01/01/2024", "10.01.2024", "10-01-2024", "c. 10/01/2024"]
)
def test_parse_rejects_ambiguous_day_month_order_and_says_so(text):
    with pytest.raises(PartialDateError) as excinfo:
        PartialDate.parse(text)
    message = str(excinfo.value)
    assert text in message
    assert "ambiguous" in message
    assert "write the month as a word or use 2024-01-10" in message
    assert ACCEPTED_FORMS in message


def test_parse_accepts_exactly_100_characters():
    text = " " * 96 + "2024"
    assert len(text) == 100
    assert PartialDate.parse(text) == pd(2024, 1, 1, YEAR)


@pytest.mark.parametrize("length", [101, 1_000, 1_000_000])
def test_parse_rejects_long_strings_before_matching(length, monkeypatch):
    text = ("2024 " * length)[:length]
    # Refused on length alone: the regular expressions never see the text.
    monkeypatch.setattr(dates, "_parse_exact", lambda s: pytest.fail("parsed a long string"))
    with pytest.raises(PartialDateError) as excinfo:
        PartialDate.parse(text)
    # The message quotes a prefix rather than echoing a megabyte back.
    assert len(str(excinfo.value)) < 400


@pytest.mark.parametrize("value", [None, 2024, date(2024, 1, 1), b"2024"])
def test_parse_rejects_non_strings(value):
    with pytest.raises(TypeError):
        PartialDate.parse(value)


def test_partial_date_error_survives_pickling():
    error = PartialDateError("10/01/2024", "hint.")
    copy = pickle.loads(pickle.dumps(error))
    assert str(copy) == str(error)
    assert copy.text == "10/01/2024"


@given(st.text(max_size=120))
def test_parse_only_ever_raises_partial_date_error(text):
    try:
        parsed = PartialDate.parse(text)
    except PartialDateError:
        return
    assert PartialDate.parse(parsed.isoformat()) == parsed


TOKENS = [
    *["2024", "0999", "10", "1", "31", "32", "Q1", "q5", "Jan", "Jan.", "sept", "May", "Foo"],
    *["-", "/", ".", ",", "~", "c.", "circa", "about", "late", "mid-", "early", "th", " "],
]


@given(st.lists(st.sampled_from(TOKENS), max_size=6).map("".join))
def test_parse_token_soup_either_fails_cleanly_or_round_trips(text):
    try:
        parsed = PartialDate.parse(text)
    except PartialDateError as error:
        assert ACCEPTED_FORMS in str(error)
        return
    assert PartialDate.parse(parsed.isoformat()) == parsed
    assert PartialDate.parse(str(parsed)) == parsed


# --- display and isoformat -----------------------------------------------------------------

FORMATS = [
    # (value, str(), isoformat())
    (pd(2024, 1, 10), "10 Jan 2024", "2024-01-10"),
    (pd(2024, 1, 1), "1 Jan 2024", "2024-01-01"),
    (pd(2023, 12, 7), "7 Dec 2023", "2023-12-07"),
    (pd(2024, 9, 30), "30 Sep 2024", "2024-09-30"),
    (pd(1000, 1, 1), "1 Jan 1000", "1000-01-01"),
    (pd(2024, 1, 1, MONTH), "Jan 2024", "2024-01"),
    (pd(2024, 5, 1, MONTH), "May 2024", "2024-05"),
    (pd(2023, 12, 1, MONTH), "Dec 2023", "2023-12"),
    (pd(2024, 1, 1, QUARTER), "Q1 2024", "2024-Q1"),
    (pd(2024, 4, 1, QUARTER), "Q2 2024", "2024-Q2"),
    (pd(2024, 7, 1, QUARTER), "Q3 2024", "2024-Q3"),
    (pd(2024, 10, 1, QUARTER), "Q4 2024", "2024-Q4"),
    (pd(2024, 1, 1, YEAR), "2024", "2024"),
    (pd(9999, 1, 1, YEAR), "9999", "9999"),
    (pd(2024, 1, 10, DAY, True), "c. 10 Jan 2024", "2024-01-10~"),
    (pd(2023, 12, 1, MONTH, True), "c. Dec 2023", "2023-12~"),
    (pd(2024, 1, 1, QUARTER, True), "c. Q1 2024", "2024-Q1~"),
    (pd(2021, 1, 1, YEAR, True), "c. 2021", "2021~"),
]


@pytest.mark.parametrize(("value", "display", "iso"), FORMATS)
def test_str(value, display, iso):
    assert str(value) == display


@pytest.mark.parametrize(("value", "display", "iso"), FORMATS)
def test_isoformat(value, display, iso):
    assert value.isoformat() == iso


@pytest.mark.parametrize(("value", "display", "iso"), FORMATS)
def test_isoformat_and_display_round_trip(value, display, iso):
    assert PartialDate.parse(value.isoformat()) == value
    assert PartialDate.parse(str(value)) == value


@pytest.mark.parametrize(("text", "start", "precision", "approximate"), ACCEPTED)
def test_every_accepted_form_round_trips(text, start, precision, approximate):
    parsed = PartialDate.parse(text)
    assert PartialDate.parse(parsed.isoformat()) == parsed
    assert PartialDate.parse(str(parsed)) == parsed


@pytest.mark.parametrize("month", range(1, 13))
def test_every_month_displays_and_round_trips(month):
    value = pd(2024, month, 1, MONTH)
    assert PartialDate.parse(str(value)) == value
    assert PartialDate.parse(value.isoformat()) == value
    assert len(str(value).split()[0]) == 3


# --- end and contains ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "end"),
    [
        (pd(2024, 1, 10), date(2024, 1, 10)),
        (pd(2024, 2, 29), date(2024, 2, 29)),
        (pd(2024, 1, 1, MONTH), date(2024, 1, 31)),
        (pd(2024, 2, 1, MONTH), date(2024, 2, 29)),  # leap year
        (pd(2023, 2, 1, MONTH), date(2023, 2, 28)),
        (pd(2000, 2, 1, MONTH), date(2000, 2, 29)),  # divisible by 400: leap
        (pd(1900, 2, 1, MONTH), date(1900, 2, 28)),  # divisible by 100: not leap
        (pd(2024, 4, 1, MONTH), date(2024, 4, 30)),
        (pd(2024, 12, 1, MONTH), date(2024, 12, 31)),
        (pd(2024, 1, 1, QUARTER), date(2024, 3, 31)),
        (pd(2024, 4, 1, QUARTER), date(2024, 6, 30)),
        (pd(2024, 7, 1, QUARTER), date(2024, 9, 30)),
        (pd(2024, 10, 1, QUARTER), date(2024, 12, 31)),
        (pd(2024, 1, 1, YEAR), date(2024, 12, 31)),
        (pd(9999, 1, 1, YEAR), date(9999, 12, 31)),
        (pd(9999, 10, 1, QUARTER, True), date(9999, 12, 31)),
    ],
)
def test_end(value, end):
    assert value.end == end


@pytest.mark.parametrize(
    ("value", "day", "expected"),
    [
        (pd(2024, 1, 10), date(2024, 1, 10), True),
        (pd(2024, 1, 10), date(2024, 1, 11), False),
        (pd(2024, 1, 10), date(2024, 1, 9), False),
        (pd(2024, 2, 1, MONTH), date(2024, 2, 1), True),
        (pd(2024, 2, 1, MONTH), date(2024, 2, 29), True),
        (pd(2024, 2, 1, MONTH), date(2024, 3, 1), False),
        (pd(2024, 2, 1, MONTH), date(2024, 1, 31), False),
        (pd(2024, 1, 1, QUARTER), date(2024, 3, 31), True),
        (pd(2024, 1, 1, QUARTER), date(2024, 4, 1), False),
        (pd(2024, 10, 1, QUARTER), date(2024, 11, 15), True),
        (pd(2024, 10, 1, QUARTER), date(2024, 9, 30), False),
        (pd(2024, 1, 1, YEAR), date(2024, 12, 31), True),
        (pd(2024, 1, 1, YEAR), date(2025, 1, 1), False),
        (pd(2024, 1, 1, YEAR), date(2023, 12, 31), False),
        (pd(2023, 12, 1, MONTH, True), date(2023, 12, 24), True),
    ],
)
def test_contains(value, day, expected):
    assert value.contains(day) is expected


# --- ordering ------------------------------------------------------------------------------


def test_sorting_mixed_precisions():
    expected = [
        pd(2023, 1, 1, YEAR),
        pd(2023, 12, 1, MONTH),
        pd(2023, 12, 1, MONTH, True),
        pd(2023, 12, 31),
        pd(2024, 1, 1),
        pd(2024, 1, 1, DAY, True),
        pd(2024, 1, 1, MONTH),
        pd(2024, 1, 1, QUARTER),
        pd(2024, 1, 1, QUARTER, True),
        pd(2024, 1, 1, YEAR),
        pd(2024, 1, 1, YEAR, True),
        pd(2024, 1, 10),
        pd(2024, 2, 1, MONTH),
        pd(2024, 4, 1, QUARTER),
        pd(2025, 1, 1, YEAR),
    ]
    for shuffled in (list(reversed(expected)), expected[::2] + expected[1::2]):
        assert sorted(shuffled) == expected


def test_same_start_orders_day_month_quarter_year():
    values = ["2024", "Q1 2024", "Jan 2024", "1 Jan 2024"]
    ordered = sorted(PartialDate.parse(v) for v in values)
    assert [str(v) for v in ordered] == ["1 Jan 2024", "Jan 2024", "Q1 2024", "2024"]


@pytest.mark.parametrize(
    ("smaller", "larger"),
    [
        (pd(2024, 1, 1), pd(2024, 1, 2)),
        (pd(2024, 1, 1), pd(2024, 1, 1, MONTH)),
        (pd(2024, 1, 1, MONTH), pd(2024, 1, 1, QUARTER)),
        (pd(2024, 1, 1, QUARTER), pd(2024, 1, 1, YEAR)),
        (pd(2024, 1, 1, YEAR), pd(2024, 1, 1, YEAR, True)),
        (pd(2024, 1, 1, YEAR, True), pd(2024, 1, 2)),  # earliest day wins over precision
        (pd(2023, 12, 31), pd(2024, 1, 1, YEAR)),
    ],
)
def test_comparison_operators(smaller, larger):
    assert smaller < larger
    assert smaller <= larger
    assert larger > smaller
    assert larger >= smaller
    assert not larger < smaller
    assert not smaller > larger
    assert smaller != larger
    assert smaller <= smaller and smaller >= smaller


@pytest.mark.parametrize("value", [pd(2024, 1, 1), pd(2024, 1, 1, YEAR, True)])
def test_sort_key(value):
    assert value.sort_key()[:3] == (value.start, value.end, precision_rank(value.precision))
    assert value.sort_key()[-2:] == (value.approximate, value.inferred)


def test_comparison_with_other_types():
    value = pd(2024, 1, 1)
    assert value != date(2024, 1, 1)
    assert value != "2024-01-01"
    with pytest.raises(TypeError):
        _ = value < date(2024, 1, 2)
    with pytest.raises(TypeError):
        _ = value >= "2024"


@pytest.mark.parametrize(
    ("precision", "rank"),
    [(DAY, 0), (MONTH, 1), (QUARTER, 2), (YEAR, 3), ("day", 0), ("year", 3)],
)
def test_precision_rank(precision, rank):
    assert precision_rank(precision) == rank


def test_precision_rank_rejects_unknown():
    with pytest.raises(ValueError):
        precision_rank("week")


def test_precision_values_and_labels():
    assert [p.value for p in Precision] == ["day", "month", "quarter", "year"]
    assert Precision.choices == [(v, v) for v in ["day", "month", "quarter", "year"]]


# --- construction --------------------------------------------------------------------------


def test_defaults():
    value = PartialDate(date(2024, 1, 10))
    assert value.precision is DAY
    assert value.approximate is False
    assert (value.end, value.qualifier, value.inferred, value.as_written) == (
        date(2024, 1, 10), Q.NONE, False, ""
    )  # fmt: skip


@pytest.mark.parametrize(
    ("start", "precision"),
    [
        (date(2024, 1, 2), MONTH),
        (date(2024, 1, 31), MONTH),
        (date(2024, 2, 1), QUARTER),
        (date(2024, 3, 1), QUARTER),
        (date(2024, 4, 2), QUARTER),
        (date(2024, 2, 1), YEAR),
        (date(2024, 1, 2), YEAR),
        (date(2024, 1, 2), "month"),
    ],
)
def test_post_init_rejects_start_that_is_not_first_day_of_period(start, precision):
    with pytest.raises(ValueError):
        PartialDate(start, precision)


def test_post_init_coerces_precision_and_approximate():
    value = PartialDate(date(2024, 1, 1), "quarter", 1)
    assert value.precision is QUARTER
    assert value.approximate is True
    assert value == pd(2024, 1, 1, QUARTER, True)
    assert hash(value) == hash(pd(2024, 1, 1, QUARTER, True))


def test_post_init_rejects_unknown_precision():
    with pytest.raises(ValueError):
        PartialDate(date(2024, 1, 1), "week")


@pytest.mark.parametrize("start", [datetime(2024, 1, 1), "2024-01-01"])
def test_post_init_rejects_non_dates(start):
    with pytest.raises(TypeError):
        PartialDate(start)


def test_is_frozen_and_hashable():
    value = pd(2024, 1, 1, MONTH)
    with pytest.raises(dataclasses.FrozenInstanceError):
        value.start = date(2025, 1, 1)
    assert len({value, pd(2024, 1, 1, MONTH), PartialDate.parse("Jan 2024")}) == 1


# --- dates as written: early / mid / late, ranges, before / after / by, as of -------------

# (typed, first day, last day, precision, qualifier, approximate, inferred, shown, canonical)
QUALIFIED = [
    # early / mid / late: a month in 1–10 / 11–20 / 21–end, a year in Jan–Apr / May–Aug /
    # Sep–Dec, a quarter in its three months.
    ("late December 2023", date(2023, 12, 21), date(2023, 12, 31), MONTH, Q.LATE, False, False,
     "late Dec 2023", "late 2023-12"),
    ("late Dec 2023", date(2023, 12, 21), date(2023, 12, 31), MONTH, Q.LATE, False, False,
     "late Dec 2023", "late 2023-12"),
    ("late 2023-12", date(2023, 12, 21), date(2023, 12, 31), MONTH, Q.LATE, False, False,
     "late Dec 2023", "late 2023-12"),
    ("early December 2023", date(2023, 12, 1), date(2023, 12, 10), MONTH, Q.EARLY, False, False,
     "early Dec 2023", "early 2023-12"),
    ("mid-December 2023", date(2023, 12, 11), date(2023, 12, 20), MONTH, Q.MID, False, False,
     "mid Dec 2023", "mid 2023-12"),
    ("late February 2024", date(2024, 2, 21), date(2024, 2, 29), MONTH, Q.LATE, False, False,
     "late Feb 2024", "late 2024-02"),
    ("early 2023", date(2023, 1, 1), date(2023, 4, 30), YEAR, Q.EARLY, False, False,
     "early 2023", "early 2023"),
    ("mid 2023", date(2023, 5, 1), date(2023, 8, 31), YEAR, Q.MID, False, False,
     "mid 2023", "mid 2023"),
    ("late 2023", date(2023, 9, 1), date(2023, 12, 31), YEAR, Q.LATE, False, False,
     "late 2023", "late 2023"),
    ("early Q1 2024", date(2024, 1, 1), date(2024, 1, 31), QUARTER, Q.EARLY, False, False,
     "early Q1 2024", "early 2024-Q1"),
    ("mid Q1 2024", date(2024, 2, 1), date(2024, 2, 29), QUARTER, Q.MID, False, False,
     "mid Q1 2024", "mid 2024-Q1"),
    ("late 2024-Q4", date(2024, 12, 1), date(2024, 12, 31), QUARTER, Q.LATE, False, False,
     "late Q4 2024", "late 2024-Q4"),
    ("c. late December 2023", date(2023, 12, 21), date(2023, 12, 31), MONTH, Q.LATE, True, False,
     "c. late Dec 2023", "late 2023-12~"),
    # ranges: "between", dashes, "to", EDTF intervals
    ("between 8 and 11 Aug 2025", date(2025, 8, 8), date(2025, 8, 11), DAY, Q.BETWEEN, False,
     False, "between 8 and 11 Aug 2025", "2025-08-08/2025-08-11"),
    ("8–11 August 2025", date(2025, 8, 8), date(2025, 8, 11), DAY, Q.BETWEEN, False, False,
     "between 8 and 11 Aug 2025", "2025-08-08/2025-08-11"),
    ("8 to 11 August 2025", date(2025, 8, 8), date(2025, 8, 11), DAY, Q.BETWEEN, False, False,
     "between 8 and 11 Aug 2025", "2025-08-08/2025-08-11"),
    ("2025-08-08/2025-08-11", date(2025, 8, 8), date(2025, 8, 11), DAY, Q.BETWEEN, False, False,
     "between 8 and 11 Aug 2025", "2025-08-08/2025-08-11"),
    ("between 30 July and 2 August 2025", date(2025, 7, 30), date(2025, 8, 2), DAY, Q.BETWEEN,
     False, False, "between 30 Jul and 2 Aug 2025", "2025-07-30/2025-08-02"),
    ("between 30 Dec 2024 and 2 Jan 2025", date(2024, 12, 30), date(2025, 1, 2), DAY, Q.BETWEEN,
     False, False, "between 30 Dec 2024 and 2 Jan 2025", "2024-12-30/2025-01-02"),
    ("Aug–Sep 2025", date(2025, 8, 1), date(2025, 9, 30), MONTH, Q.BETWEEN, False, False,
     "between Aug and Sep 2025", "2025-08/2025-09"),
    ("between Dec 2024 and Jan 2025", date(2024, 12, 1), date(2025, 1, 31), MONTH, Q.BETWEEN,
     False, False, "between Dec 2024 and Jan 2025", "2024-12/2025-01"),
    ("Q1-Q2 2025", date(2025, 1, 1), date(2025, 6, 30), QUARTER, Q.BETWEEN, False, False,
     "between Q1 and Q2 2025", "2025-Q1/2025-Q2"),
    ("2023–2025", date(2023, 1, 1), date(2025, 12, 31), YEAR, Q.BETWEEN, False, False,
     "between 2023 and 2025", "2023/2025"),
    ("c. between 8 and 11 Aug 2025", date(2025, 8, 8), date(2025, 8, 11), DAY, Q.BETWEEN, True,
     False, "c. between 8 and 11 Aug 2025", "2025-08-08~/2025-08-11~"),
    ("2025-08-08~/2025-08-11", date(2025, 8, 8), date(2025, 8, 11), DAY, Q.BETWEEN, True,
     False, "c. between 8 and 11 Aug 2025", "2025-08-08~/2025-08-11~"),
    # open-ended: before, by, after, EDTF open intervals, "as of" (undated)
    ("before 1 Feb 2024", None, date(2024, 1, 31), DAY, Q.BEFORE, False, False,
     "before 1 Feb 2024", "before 2024-02-01"),
    ("before February 2024", None, date(2024, 1, 31), MONTH, Q.BEFORE, False, False,
     "before Feb 2024", "before 2024-02"),
    ("by Mar 2025", None, date(2025, 3, 31), MONTH, Q.BY, False, False,
     "by Mar 2025", "by 2025-03"),
    ("by 2025", None, date(2025, 12, 31), YEAR, Q.BY, False, False, "by 2025", "by 2025"),
    ("../2024-02-01", None, date(2024, 2, 1), DAY, Q.BY, False, False,
     "by 1 Feb 2024", "by 2024-02-01"),
    ("after 8 Aug 2025", date(2025, 8, 9), None, DAY, Q.AFTER, False, False,
     "after 8 Aug 2025", "after 2025-08-08"),
    ("after Q2 2025", date(2025, 7, 1), None, QUARTER, Q.AFTER, False, False,
     "after Q2 2025", "after 2025-Q2"),
    ("2025-08-09/..", date(2025, 8, 9), None, DAY, Q.AFTER, False, False,
     "after 8 Aug 2025", "after 2025-08-08"),
    ("2025-09/..", date(2025, 9, 1), None, MONTH, Q.AFTER, False, False,
     "after Aug 2025", "after 2025-08"),
    ("as of 12 Feb 2024", None, date(2024, 2, 12), DAY, Q.AS_OF, False, False,
     "undated (as of 12 Feb 2024)", "as of 2024-02-12"),
    ("undated (as of 12 February 2024)", None, date(2024, 2, 12), DAY, Q.AS_OF, False, False,
     "undated (as of 12 Feb 2024)", "as of 2024-02-12"),
    ("undated, as of Feb 2024", None, date(2024, 2, 29), MONTH, Q.AS_OF, False, False,
     "undated (as of Feb 2024)", "as of 2024-02"),
    ("before c. 1 Feb 2024", None, date(2024, 1, 31), DAY, Q.BEFORE, True, False,
     "before c. 1 Feb 2024", "before 2024-02-01~"),
    # inferred: the analyst's reading ("?", "%" = approximate and inferred)
    ("Jan 2024?", date(2024, 1, 1), date(2024, 1, 31), MONTH, Q.NONE, False, True,
     "Jan 2024 (inferred)", "2024-01?"),
    ("Jan 2024 (inferred)", date(2024, 1, 1), date(2024, 1, 31), MONTH, Q.NONE, False, True,
     "Jan 2024 (inferred)", "2024-01?"),
    ("2024-01-10%", date(2024, 1, 10), date(2024, 1, 10), DAY, Q.NONE, True, True,
     "c. 10 Jan 2024 (inferred)", "2024-01-10%"),
    ("late 2023-12?", date(2023, 12, 21), date(2023, 12, 31), MONTH, Q.LATE, False, True,
     "late Dec 2023 (inferred)", "late 2023-12?"),
    ("by 2025-03?", None, date(2025, 3, 31), MONTH, Q.BY, False, True,
     "by Mar 2025 (inferred)", "by 2025-03?"),
    ("2025-08-08?/2025-08-11?", date(2025, 8, 8), date(2025, 8, 11), DAY, Q.BETWEEN, False, True,
     "between 8 and 11 Aug 2025 (inferred)", "2025-08-08?/2025-08-11?"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "start", "end", "precision", "qualifier", "approximate", "inferred", "shown", "iso"),
    QUALIFIED,
)
def test_dates_as_written(
    text, start, end, precision, qualifier, approximate, inferred, shown, iso
):
    value = PartialDate.parse(text)
    assert (value.start, value.end) == (start, end)
    assert (value.precision, value.qualifier) == (precision, qualifier)
    assert (value.approximate, value.inferred) == (approximate, inferred)
    assert value.as_written == text
    assert str(value) == shown
    assert value.isoformat() == iso
    assert PartialDate.parse(shown) == value
    assert PartialDate.parse(iso) == value
    assert PartialDate.parse(text.upper()) == value


def test_late_december_2023_is_late_december_not_about_december():
    """Fails on the old main: "late December 2023" was "c. Dec 2023" from 1 Dec."""
    late = PartialDate.parse("late December 2023")
    assert str(late) == "late Dec 2023" and not late.approximate
    assert (late.start, late.end) == (date(2023, 12, 21), date(2023, 12, 31))
    assert PartialDate.parse("7 December 2023") < late
    assert certainly_before(PartialDate.parse("7 December 2023"), late)


def test_as_written_is_kept_but_not_part_of_the_value():
    a, b = PartialDate.parse("late December 2023"), PartialDate.parse("  late 2023-12 ")
    assert a == b and hash(a) == hash(b)
    assert (a.as_written, b.as_written) == ("late December 2023", "late 2023-12")


# --- bad input: named, never half-read ---------------------------------------------------

BAD = [
    ("late Smarch 2023", "“smarch” is not a month."),
    ("31 Feb 2024", "February 2024 has 29 days."),
    ("2023-02-29", "February 2023 has 28 days."),
    ("2024-13", "There is no month 13."),
    ("Q5 2024", "There is no quarter 5."),
    ("between 11 and 8 Aug 2025", "The range ends before it starts."),
    ("2025-08-11/2025-08-08", "The range ends before it starts."),
    ("Sep–Aug 2025", "The range ends before it starts."),
    ("between 8 and 8 Aug 2025", "Both ends of the range are the same"),
    ("between 8 Aug and Sep 2025", "Both ends of a range must name the same kind of period"),
    ("2025-08-08/2025-09", "Both ends of a range must name the same kind of period"),
    ("early 10 January 2024", "Early, mid and late need a month, a quarter or a year"),
    ("between 8 and 11 Smarch 2025", "“smarch” is not a month."),
    ("before 31 Feb 2024", "February 2024 has 29 days."),
]


@pytest.mark.parametrize(("text", "hint"), BAD)
def test_impossible_dates_are_refused_with_the_reason(text, hint):
    with pytest.raises(PartialDateError) as excinfo:
        PartialDate.parse(text)
    message = str(excinfo.value)
    assert message.startswith(f"Cannot read “{text}” as a date.")
    assert hint in message and ACCEPTED_FORMS in message


@pytest.mark.parametrize(
    "text",
    [
        "../..",
        "2024/..x",
        "before",
        "as of",
        "undated",
        "between 2024 and",
        "between and 2024",
        "2024-",
        "-2024",
        "8-11",
        "late before 2024",
        "before late 2024",
        "early 8-11 Aug 2025",
        "before 2024-2025",
        "after 9999",
        "after 9999-12-31",
        "1000/..",
        "2024~?~",
        "2024?%",
        "Jan 2024 (inferred) (inferred)",
    ],
)
def test_other_impossible_forms_are_refused(text):
    with pytest.raises(PartialDateError):
        PartialDate.parse(text)


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"start": date(2023, 12, 20), "precision": MONTH, "qualifier": Q.LATE}, "not a late"),
        ({"start": date(2024, 1, 1), "end": date(2024, 1, 30), "precision": MONTH}, ""),
        ({"start": date(2025, 8, 11), "end": date(2025, 8, 8), "qualifier": Q.BETWEEN}, ""),
        ({"start": date(2025, 8, 8), "qualifier": Q.BETWEEN}, ""),
        ({"start": date(2024, 1, 1), "end": date(2024, 1, 31), "qualifier": Q.BEFORE}, ""),
        ({"start": None, "end": date(2024, 1, 30), "precision": MONTH, "qualifier": Q.BY}, ""),
        ({"start": None, "end": date(2024, 1, 30), "precision": MONTH, "qualifier": Q.BEFORE}, ""),
        ({"start": date(2024, 1, 2), "precision": MONTH, "qualifier": Q.AFTER}, ""),
        ({"start": date(2024, 1, 1), "end": date(2024, 2, 1), "qualifier": Q.AFTER}, ""),
        ({"start": None}, ""),
    ],
)
def test_construction_refuses_impossible_intervals(kwargs, problem):
    with pytest.raises(ValueError, match=problem or None):
        PartialDate(**kwargs)


# --- intervals and the order of statements -------------------------------------------------


def test_certainly_before_needs_the_whole_interval_earlier():
    dec7, late = PartialDate.parse("7 Dec 2023"), PartialDate.parse("late Dec 2023")
    december, jan = PartialDate.parse("Dec 2023"), PartialDate.parse("Jan 2024")
    before = PartialDate.parse("before 1 Feb 2024")
    after = PartialDate.parse("after 8 Aug 2025")
    assert certainly_before(dec7, late) and not certainly_before(late, dec7)
    assert not certainly_before(december, dec7) and not certainly_before(dec7, december)
    assert december.overlaps(dec7) and dec7.overlaps(december)
    assert certainly_before(december, jan) and not december.overlaps(jan)
    # An open side is infinitely far: nothing is certainly before "before 1 Feb 2024".
    assert not certainly_before(december, before) and certainly_before(before, after)
    assert not certainly_before(after, PartialDate.parse("2030"))
    assert certainly_before(PartialDate.parse("2020"), after)


def test_contains_open_intervals():
    before, after = PartialDate.parse("before 1 Feb 2024"), PartialDate.parse("after 2024")
    assert before.contains(date(1000, 1, 1)) and before.contains(date(2024, 1, 31))
    assert not before.contains(date(2024, 2, 1))
    assert after.contains(date(2025, 1, 1)) and not after.contains(date(2024, 12, 31))


def thread(*texts):
    return sorted(PartialDate.parse(t) for t in texts)


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        # all certainly ordered: each follows the one before
        (["1 Dec 2023", "late Dec 2023", "Jan 2024"], [(None, True), (0, True), (1, True)]),
        # "Dec 2023" and 7 Dec overlap; 15 Jan follows one of them, which is not known
        (["Dec 2023", "7 Dec 2023", "15 Jan 2024", "Feb 2024"],
         [(None, False), (0, False), (1, False), (2, True)]),
        # an open-ended date overlaps everything before it
        (["2022", "before 1 Feb 2024", "Mar 2024"], [(None, False), (0, False), (1, False)]),
        # a date alone first: new
        (["2024"], [(None, True)]),
        (["Jan 2024", "between 20 Jan and 5 Feb 2024", "Mar 2024"],
         [(None, False), (0, False), (1, False)]),
        # Q1 and March overlap: July follows one of them, which is not known
        (["2023", "Mar 2024", "Q1 2024", "Jul 2024", "Aug 2024"],
         [(None, True), (0, False), (1, False), (2, False), (3, True)]),
    ],
)  # fmt: skip
def test_thread_order_gives_a_previous_statement_only_when_certain(texts, expected):
    assert thread_order(thread(*texts)) == expected


@given(st.lists(st.deferred(lambda: partial_dates(NARROW)), max_size=12))
def test_thread_order_never_names_an_uncertainly_earlier_previous(values):
    """Dates within three years, so that many overlap."""
    values = sorted(values)
    for i, (previous, certain) in enumerate(thread_order(values)):
        if not certain:
            continue
        others = values[:i] + values[i + 1 :]
        assert all(not values[i].overlaps(o) for o in others)
        if previous is not None:
            assert previous == i - 1 and certainly_before(values[previous], values[i])
            assert all(certainly_before(o, values[previous]) for o in values[:previous])
        else:
            assert i == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10 Jan 2024", "2024-01-10"),
        ("Jan 2024", "2024-01"),
        ("late Dec 2023", "2023-12"),
        ("between 8 and 11 Aug 2025", "2025-08"),
        ("Q1 2024", "2024"),
        ("early 2023", "2023"),
        ("2024", "2024"),
        ("between 30 Dec 2024 and 2 Jan 2025", None),
        ("before 1 Feb 2024", None),
        ("after 2024", None),
        ("as of 12 Feb 2024", None),
    ],
)
def test_html_datetime_is_a_day_month_or_year_holding_the_interval(text, expected):
    assert PartialDate.parse(text).html_datetime == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("late Dec 2023", "21 Dec 2023 to 31 Dec 2023"),
        ("10 Jan 2024", "10 Jan 2024"),
        ("before 1 Feb 2024", "any day up to 31 Jan 2024"),
        ("after 8 Aug 2025", "any day from 9 Aug 2025"),
    ],
)
def test_interval_text(text, expected):
    assert PartialDate.parse(text).interval_text() == expected


# --- properties over generated values ------------------------------------------------------

PERIOD_STARTS = {
    DAY: lambda d: d,
    MONTH: lambda d: d.replace(day=1),
    QUARTER: lambda d: date(d.year, (d.month - 1) // 3 * 3 + 1, 1),
    YEAR: lambda d: date(d.year, 1, 1),
}
DAYS = st.dates(min_value=date(1000, 1, 1), max_value=date(9998, 12, 31))
NARROW = st.dates(min_value=date(2023, 1, 1), max_value=date(2025, 12, 31))


@st.composite
def partial_dates(draw, days=DAYS):
    """Every form: any qualifier, precision, flags, anchor (and second anchor)."""
    qualifier = draw(st.sampled_from(list(Qualifier)))
    precisions = [p for p in Precision if not (qualifier in PARTS and p == DAY)]
    precision = draw(st.sampled_from(precisions))
    anchor, until = PERIOD_STARTS[precision](draw(days)), None
    if qualifier == Qualifier.BETWEEN:
        until = PERIOD_STARTS[precision](draw(days))
        assume(until != anchor)
        anchor, until = min(anchor, until), max(anchor, until)
    return PartialDate.of(
        anchor,
        precision,
        qualifier,
        until=until,
        approximate=draw(st.booleans()),
        inferred=draw(st.booleans()),
    )


@given(partial_dates())
def test_canonical_form_round_trips(value):
    assert PartialDate.parse(value.isoformat()) == value


@given(partial_dates())
def test_display_round_trips(value):
    assert PartialDate.parse(str(value)) == value


@given(partial_dates())
def test_database_columns_round_trip(value):
    from negotiations.models import date_columns

    columns = date_columns(value)
    assert columns["date"] <= columns["date_end"]
    assert PartialDate.from_columns(*columns.values()) == value


@given(partial_dates())
def test_interval_contains_its_bounds(value):
    if value.start is not None and value.end is not None:
        assert value.start <= value.end
        assert value.contains(value.start) and value.contains(value.end)
    assert value.contains(value.sort_day) and value.sort_day <= value.sort_end
    assert (value.start is None) == (value.qualifier in dates.OPEN_START)
    assert (value.end is None) == (value.qualifier in dates.OPEN_END)
    if value.html_datetime:
        assert value.html_datetime == value.sort_day.isoformat()[: len(value.html_datetime)]


@given(st.dates(min_value=date(1000, 1, 1)), st.sampled_from(list(Precision)))
def test_every_day_lies_in_the_period_starting_at_its_period_start(day, precision):
    value = PartialDate(PERIOD_STARTS[precision](day), precision)
    assert value.contains(day)


@given(st.lists(partial_dates(), max_size=20))
def test_sorted_order_agrees_with_sort_key(values):
    ordered = sorted(values)
    keys = [v.sort_key() for v in ordered]
    assert keys == sorted(keys)
    assert [v.sort_day for v in ordered] == sorted(v.sort_day for v in values)


# --- dates written in running text ---------------------------------------------------------


def test_dates_are_read_from_running_text_with_their_words():
    text = (
        "This position was emphasized by President Aliyev during his January 10th, 2024 "
        "interview. Talks in late December 2023 and on 8 Aug. 2025 (and on 2024-01-10, "
        "which is the interview again) followed."
    )
    found = dates_in(text)
    assert found == [
        PartialDate.parse("2024-01-10"),
        PartialDate.parse("late December 2023"),
        PartialDate.parse("8 Aug 2025"),
    ]
    # The words as written are kept, and they read back as the same date in the form.
    assert [d.as_written for d in found] == [
        "January 10th, 2024",
        "late December 2023",
        "8 Aug. 2025",
    ]
    assert all(PartialDate.parse(d.as_written) == d for d in found)


def test_only_a_day_or_month_with_its_year_is_read_from_text():
    text = (
        "Occupied in 2021-2022; the 1991 Alma-Ata declaration; Marching 2024 on; "
        "31 June 2024; the 12 May talks; 2024-02-30; May 2024 it was."
    )
    assert dates_in(text) == [PartialDate.parse("May 2024")]
    assert dates_in("") == dates_in(None) == []
